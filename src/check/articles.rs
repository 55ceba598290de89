//! The regulation's articles: the `articles` list, `note`s, and which
//! listed article no rule, obligation, trigger or note cites.
//!
//! A listed article with items is covered item by item; one without items is
//! covered as a whole. A citation covers a listed article or item when it is
//! the same (compared as [`super::clause_key`]) or more precise (`第四条(二)1`
//! covers `第四条(二)`). A citation of an article as a whole counts as naming
//! a listed article, but does not cover its items: each item needs its own.

use super::{clause_key, Checker};
use crate::diag::{DiagKind, Span};
use crate::syntax::ast::{Item, Name};
use std::collections::HashMap;

/// One listed article or item: what coverage is counted for.
#[derive(Debug, Clone)]
pub(crate) struct ArticleM {
    /// The article's number or heading.
    pub article: String,
    /// The item, for an article listed with items.
    pub item: Option<String>,
    /// Article and item together, as cited: `第四条(二)`.
    pub citation: String,
    /// Where it is listed (`file:line:column`).
    pub at: String,
}

/// What cites an article, besides the items test coverage already tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CitingKind {
    /// An assignment rule.
    Rule,
    /// An obligation.
    Obligation,
    /// A staffing rule.
    Staffing,
    /// An approval chain.
    Approval,
    /// A seat held by virtue of other posts.
    Seat,
    /// A trigger clause.
    Trigger,
    /// A sanctions article.
    Sanctions,
    /// An extra consequence or aggravating circumstance.
    Consequence,
    /// A liability article.
    Liability,
    /// A procedure article.
    Procedure,
    /// A note: the article carries no rule, and why.
    Note,
}

impl CitingKind {
    /// The kind in words.
    pub fn word(self) -> &'static str {
        match self {
            CitingKind::Rule => "rule",
            CitingKind::Obligation => "obligation",
            CitingKind::Staffing => "staffing",
            CitingKind::Approval => "approval",
            CitingKind::Seat => "seat",
            CitingKind::Trigger => "trigger",
            CitingKind::Sanctions => "sanctions",
            CitingKind::Consequence => "consequence",
            CitingKind::Liability => "liability",
            CitingKind::Procedure => "procedure",
            CitingKind::Note => "note",
        }
    }
}

/// One citation in the policy.
#[derive(Debug, Clone)]
pub(crate) struct CiteM {
    pub kind: CitingKind,
    pub citation: String,
    /// It in words.
    pub what: String,
    /// Where it is written (`file:line:column`).
    pub at: String,
}

/// Numerals: a prefix ending in one does not stop where the other goes on
/// (`十` is not the start of `十一`, nor `1` of `12`).
fn numeral(c: char) -> bool {
    c.is_ascii_digit() || "〇零一二三四五六七八九十百".contains(c)
}

/// Does citation `cite` name `listed` or something inside it?
pub(crate) fn within(listed: &str, cite: &str) -> bool {
    match cite.strip_prefix(listed) {
        Some("") => true,
        Some(rest) => {
            let last = listed.chars().next_back();
            let next = rest.chars().next();
            !matches!((last, next), (Some(a), Some(b)) if numeral(a) && numeral(b))
        }
        None => false,
    }
}

impl Checker<'_> {
    /// Every citation the policy writes, with where and what.
    fn citations(&self, items: &[&Item]) -> Vec<(CiteM, Span)> {
        let mut out = Vec::new();
        let mut push = |kind, name: &Name, what: String| {
            out.push((
                CiteM {
                    kind,
                    citation: name.text.clone(),
                    what,
                    at: self.location(name.span),
                },
                name.span,
            ));
        };
        for item in items {
            match item {
                Item::Assign(a) => push(CitingKind::Rule, &a.citation, String::new()),
                Item::Obligation(o) => {
                    push(CitingKind::Obligation, &o.citation, o.action.text.clone())
                }
                Item::Staffing(s) => push(CitingKind::Staffing, &s.citation, String::new()),
                Item::Approval(a) => push(CitingKind::Approval, &a.citation, a.action.text.clone()),
                Item::Org { stmts } => {
                    for st in stmts {
                        if let crate::syntax::ast::OrgStmt::Seat {
                            citation: Some(cite),
                            position,
                            unit,
                            ..
                        } = st
                        {
                            push(
                                CitingKind::Seat,
                                cite,
                                format!("{} of {}", position.text, unit.text),
                            );
                        }
                    }
                }
                Item::Triggers(t) => {
                    for c in &t.clauses {
                        let (citation, span) = match &c.number {
                            None => (t.citation.text.clone(), c.text.span),
                            Some(n) if n.text.starts_with(|ch: char| ch.is_ascii_digit()) => {
                                (format!("{} {}", t.citation.text, n.text), n.span)
                            }
                            Some(n) => (format!("{}{}", t.citation.text, n.text), n.span),
                        };
                        let name = Name {
                            text: citation,
                            span,
                        };
                        push(CitingKind::Trigger, &name, format!("“{}”", c.text.text));
                    }
                }
                Item::Sanctions(s) => push(CitingKind::Sanctions, &s.citation, String::new()),
                Item::Consequence(c) => push(
                    CitingKind::Consequence,
                    &c.citation,
                    format!("“{}”", c.text.text),
                ),
                Item::Liability(l) => push(CitingKind::Liability, &l.citation, String::new()),
                Item::Procedure(p) => push(CitingKind::Procedure, &p.citation, String::new()),
                Item::Note { citation, reason } => {
                    push(CitingKind::Note, citation, format!("“{}”", reason.text))
                }
                _ => {}
            }
        }
        out
    }

    /// Reads the `articles` list and the notes; warns about listed articles
    /// nothing cites and citations of no listed article.
    pub(super) fn articles(&mut self, items: &[&Item]) {
        let cites = self.citations(items);
        let mut listed: Option<Span> = None;
        // Article key → (position in the list, its span).
        let mut articles: HashMap<String, Span> = HashMap::new();
        let mut leaves: Vec<(ArticleM, String, Span)> = Vec::new();
        for item in items {
            let Item::Articles {
                articles: list,
                span,
            } = item
            else {
                continue;
            };
            if let Some(first) = listed {
                let d = self
                    .sources
                    .diag_span(
                        DiagKind::Duplicate,
                        *span,
                        "a second `articles` list".into(),
                        Some(
                            "a policy lists its regulation's articles once; merge the lists".into(),
                        ),
                    )
                    .with_label(self.sources.label(first, "the first list"));
                self.push_error(d);
                continue;
            }
            listed = Some(*span);
            for a in list {
                let key = clause_key(&a.id.text);
                if let Some(first) = articles.get(&key) {
                    self.duplicate("article", &a.id, *first);
                    continue;
                }
                articles.insert(key.clone(), a.id.span);
                if a.items.is_empty() {
                    leaves.push((
                        ArticleM {
                            article: a.id.text.clone(),
                            item: None,
                            citation: a.id.text.clone(),
                            at: self.location(a.id.span),
                        },
                        key,
                        a.id.span,
                    ));
                    continue;
                }
                let mut seen: HashMap<String, Span> = HashMap::new();
                for i in &a.items {
                    let ikey = clause_key(&i.text);
                    if let Some(first) = seen.get(&ikey) {
                        let what = format!("item of {}", a.id.text);
                        self.duplicate(&what, i, *first);
                        continue;
                    }
                    seen.insert(ikey.clone(), i.span);
                    let citation = if i.text.starts_with(|c: char| c.is_ascii_digit()) {
                        format!("{} {}", a.id.text, i.text)
                    } else {
                        format!("{}{}", a.id.text, i.text)
                    };
                    leaves.push((
                        ArticleM {
                            article: a.id.text.clone(),
                            item: Some(i.text.clone()),
                            at: self.location(i.span),
                            citation,
                        },
                        format!("{key}{ikey}"),
                        i.span,
                    ));
                }
            }
        }
        let names_listed = |cite: &str| -> bool {
            let k = clause_key(cite);
            articles.keys().any(|a| within(a, &k))
        };
        if listed.is_some() {
            // A note must name a listed article or item.
            for (c, span) in cites.iter().filter(|(c, _)| c.kind == CitingKind::Note) {
                if !names_listed(&c.citation) {
                    let help = crate::resolve::suggest(
                        &c.citation,
                        "article",
                        leaves.iter().map(|(a, _, _)| a.citation.as_str()),
                    );
                    self.error(
                        DiagKind::UnknownName,
                        *span,
                        format!(
                            "a note on `{}`, which the `articles` list does not have",
                            c.citation
                        ),
                        Some(help),
                    );
                }
            }
        }
        if let Some(list_span) = listed {
            if cites.is_empty() {
                self.warn(
                    DiagKind::UncitedArticle,
                    list_span,
                    "the policy lists its regulation's articles, but no rule, obligation, trigger or note cites any".into(),
                    Some("encode the articles that carry rules, and `note per \"…\" \"reason\"` the others".into()),
                );
            } else {
                for (c, span) in &cites {
                    if c.kind != CitingKind::Note && !names_listed(&c.citation) {
                        self.warn(
                            DiagKind::UnlistedCitation,
                            *span,
                            format!("`{}` is not an article of the `articles` list", c.citation),
                            Some(
                                "cite the article as the list numbers it, or add it to the list"
                                    .into(),
                            ),
                        );
                    }
                }
                for (a, key, span) in &leaves {
                    let cited = cites
                        .iter()
                        .any(|(c, _)| within(key, &clause_key(&c.citation)));
                    if !cited {
                        self.warn(
                            DiagKind::UncitedArticle,
                            *span,
                            format!("no rule, obligation, trigger or note cites {}", a.citation),
                            Some(format!(
                                "encode what it says, or `note per \"{}\" \"why it carries no rule\"`",
                                a.citation
                            )),
                        );
                    }
                }
            }
        }
        self.model.articles = leaves.into_iter().map(|(a, _, _)| a).collect();
        self.model.cites = cites.into_iter().map(|(c, _)| c).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::within;

    #[test]
    fn a_citation_is_within_an_article_only_where_the_number_ends() {
        assert!(within("第四条", "第四条"));
        assert!(within("第四条", "第四条(二)"));
        assert!(within("第四条(二)", "第四条(二)1"));
        assert!(!within("十", "十一"));
        assert!(!within("第四条(二)1", "第四条(二)12"));
        assert!(!within("第四条(二)", "第四条"));
        assert!(within("二、", "二、(一)"));
    }
}
