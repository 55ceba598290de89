//! "Did I miss anything?": each article (and item) the regulation lists, and
//! what in the policy cites it — rules, obligations, staffing, triggers,
//! sanctions, consequences, liability, procedure, notes — with the tests
//! that exercised those.
//!
//! A listed article with items is covered item by item; one without items as
//! a whole. A citation covers a listed article or item when it names it or
//! something inside it (`第四条(二)1` covers `第四条(二)`; `十一` does not
//! cover `十`). Citations compare equal across full- and half-width brackets
//! and spaces.

pub use crate::check::CitingKind;
use serde::Serialize;
use std::fmt;

/// Something in the policy that cites an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citing<'p> {
    /// What kind of declaration.
    pub kind: CitingKind,
    /// The citation as written.
    pub citation: &'p str,
    /// It in words (the action of an obligation, a clause's text, a note's reason).
    pub what: &'p str,
    /// Where it is written (`file:line:column`).
    pub at: &'p str,
}

impl fmt::Display for Citing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind.word())?;
        if !self.what.is_empty() {
            write!(f, " {}", self.what)?;
        }
        write!(f, " [{}] ({})", self.citation, self.at)
    }
}

/// One listed article or item and what cites it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article<'p> {
    /// The article's number or heading.
    pub article: &'p str,
    /// The item, for an article listed with items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<&'p str>,
    /// Article and item together: `第四条(二)`.
    pub citation: &'p str,
    /// Where it is listed.
    pub at: &'p str,
    /// What cites it, in the policy's order; empty when nothing does.
    pub cited_by: Vec<Citing<'p>>,
    /// Tests that exercised a rule, obligation, clause, staffing rule or
    /// liability article citing it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<&'p str>,
}

impl Article<'_> {
    /// Whether something cites it.
    pub fn is_cited(&self) -> bool {
        !self.cited_by.is_empty()
    }

    /// Whether only notes cite it: it carries no rule, by the author's word.
    pub fn noted_only(&self) -> bool {
        self.is_cited() && self.cited_by.iter().all(|c| c.kind == CitingKind::Note)
    }
}

/// The answer to "what cites each article of the regulation".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticlesAnswer<'p> {
    /// Every listed article or item, in the list's order.
    pub articles: Vec<Article<'p>>,
    /// Citations of no listed article, in the policy's order (every citation
    /// when the policy lists no articles).
    pub unlisted: Vec<Citing<'p>>,
}

impl ArticlesAnswer<'_> {
    /// The listed articles and items nothing cites.
    pub fn uncited(&self) -> impl Iterator<Item = &Article<'_>> {
        self.articles.iter().filter(|a| !a.is_cited())
    }
}

impl fmt::Display for ArticlesAnswer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.articles.is_empty() {
            writeln!(f, "the policy lists no articles (`articles {{ … }}`)")?;
        }
        let width = self
            .articles
            .iter()
            .map(|a| crate::source::display_width(a.citation))
            .max()
            .unwrap_or(0);
        for a in &self.articles {
            let pad = width.saturating_sub(crate::source::display_width(a.citation));
            write!(f, "{}{}  ", a.citation, " ".repeat(pad))?;
            if a.cited_by.is_empty() {
                writeln!(f, "— nothing cites it")?;
                continue;
            }
            for (i, c) in a.cited_by.iter().enumerate() {
                if i > 0 {
                    write!(f, "{}  ", " ".repeat(width))?;
                }
                writeln!(f, "{c}")?;
            }
            if !a.tests.is_empty() {
                writeln!(f, "{}  tests: {}", " ".repeat(width), a.tests.join(", "))?;
            }
        }
        if !self.unlisted.is_empty() && !self.articles.is_empty() {
            writeln!(f, "citing no listed article:")?;
            for c in &self.unlisted {
                writeln!(f, "  {c}")?;
            }
        }
        let cited = self.articles.iter().filter(|a| a.is_cited()).count();
        writeln!(
            f,
            "{cited} of {} listed articles cited",
            self.articles.len()
        )
    }
}
