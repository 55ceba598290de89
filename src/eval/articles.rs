//! The algorithm behind [`crate::articles`]; the answer types live there.

use crate::articles::{Article, ArticlesAnswer, Citing};
use crate::check::{clause_key, CiteM};
use crate::compile::Compiled;
use crate::eval::expect::Coverage;

fn citing(c: &CiteM) -> Citing<'_> {
    Citing {
        kind: c.kind,
        citation: c.citation.as_str(),
        what: c.what.as_str(),
        at: c.at.as_str(),
    }
}

pub(crate) fn articles<'p>(c: &'p Compiled, coverage: &Coverage<'p>) -> ArticlesAnswer<'p> {
    let keys: Vec<String> = c.cites.iter().map(|x| clause_key(&x.citation)).collect();
    let covered: Vec<(String, &[&'p str])> = coverage
        .items
        .iter()
        .map(|i| (clause_key(i.citation), i.tests.as_slice()))
        .collect();
    let mut listed_any = vec![false; c.cites.len()];
    let articles = c
        .articles
        .iter()
        .map(|a| {
            let key = clause_key(&a.citation);
            let article_key = clause_key(&a.article);
            let mut cited_by = Vec::new();
            for (i, (x, k)) in c.cites.iter().zip(&keys).enumerate() {
                if crate::check::within(&key, k) {
                    cited_by.push(citing(x));
                }
                if crate::check::within(&article_key, k) {
                    if let Some(l) = listed_any.get_mut(i) {
                        *l = true;
                    }
                }
            }
            let mut tests: Vec<&'p str> = Vec::new();
            for (k, ts) in &covered {
                if crate::check::within(&key, k) {
                    for t in *ts {
                        if !tests.contains(t) {
                            tests.push(t);
                        }
                    }
                }
            }
            Article {
                article: a.article.as_str(),
                item: a.item.as_deref(),
                citation: a.citation.as_str(),
                at: a.at.as_str(),
                cited_by,
                tests,
            }
        })
        .collect();
    let unlisted = c
        .cites
        .iter()
        .zip(&listed_any)
        .filter(|(_, l)| !**l)
        .map(|(x, _)| citing(x))
        .collect();
    ArticlesAnswer { articles, unlisted }
}
