//! "Who is liable": apportioning liability from an incident's decision
//! record (004 §13, 003-5 §24), with positions resolved from the org on the
//! incident's date.
//!
//! - collective decision: holders of the `main` positions in the deciding
//!   unit, and members who cover (分管) the incident's unit or matter, bear
//!   the `main` liability; other participants bear `others`;
//! - a participant who objected on record and was overruled bears none;
//! - an individual decision: the leader who took it bears `individual`.
//!
//! The answer types; `eval` computes them.

use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;
/// A post a person held on the incident's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Post<'p> {
    /// The position.
    pub position: &'p str,
    /// The unit.
    pub unit: &'p str,
}

/// One person's liability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonLiability<'p> {
    /// The person.
    pub person: &'p str,
    /// The liability, or `None` (不承担领导责任).
    pub liability: Option<&'p str>,
    /// Why, in words.
    pub reason: &'static str,
    /// Posts held in the deciding unit on the date.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub posts: Vec<Post<'p>>,
    /// What the person covers that the incident concerns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covers: Option<&'p str>,
}

/// Who may propose accountability, who decides, where it is filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Procedure<'p> {
    /// The article.
    pub citation: &'p str,
    /// Who may propose accountability.
    pub propose: Vec<&'p str>,
    /// Who decides.
    pub decide: Vec<&'p str>,
    /// Where it is filed.
    pub file: Vec<&'p str>,
}

/// The answer to "who bears which liability for this incident".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiabilityAnswer<'p> {
    /// The incident's date.
    pub date: NaiveDate,
    /// The liability article.
    pub citation: &'p str,
    /// `collective` or `individual`.
    pub decision: &'static str,
    /// The deciding unit, for a collective decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<&'p str>,
    /// Strongest liability first, then in the record's order.
    pub people: Vec<PersonLiability<'p>>,
    /// The procedure articles.
    pub procedure: Vec<Procedure<'p>>,
}

impl fmt::Display for LiabilityAnswer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} decision, {} [{}]:",
            self.decision, self.date, self.citation
        )?;
        for p in &self.people {
            write!(
                f,
                "  {}: {} — {}",
                p.person,
                p.liability.unwrap_or("不承担领导责任"),
                p.reason
            )?;
            for post in &p.posts {
                write!(f, "; {} of {}", post.position, post.unit)?;
            }
            if let Some(c) = p.covers {
                write!(f, "; covers {c}")?;
            }
            writeln!(f)?;
        }
        for pr in &self.procedure {
            if !pr.propose.is_empty() {
                writeln!(f, "  propose [{}]: {}", pr.citation, pr.propose.join(", "))?;
            }
            if !pr.decide.is_empty() {
                writeln!(f, "  decide  [{}]: {}", pr.citation, pr.decide.join(", "))?;
            }
            if !pr.file.is_empty() {
                writeln!(f, "  file    [{}]: {}", pr.citation, pr.file.join(", "))?;
            }
        }
        Ok(())
    }
}
