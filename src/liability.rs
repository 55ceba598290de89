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

/// A step of accountability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Who may propose accountability (提出问责建议).
    Propose,
    /// Who decides.
    Decide,
    /// Where it is filed (备案).
    File,
    /// Where the matter is referred (移送, 报请): a step, not a sanction.
    Refer,
}

impl StepKind {
    /// The keyword.
    pub fn word(self) -> &'static str {
        match self {
            StepKind::Propose => "propose",
            StepKind::Decide => "decide",
            StepKind::File => "file",
            StepKind::Refer => "refer",
        }
    }
}

/// One step of a procedure article that applies to the incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcedureStep<'p> {
    /// Which step.
    pub step: StepKind,
    /// The bodies that take it.
    pub bodies: Vec<&'p str>,
    /// Bodies that take it jointly with them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub jointly: Vec<&'p str>,
    /// The joint bodies join only where needed (必要时).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub as_needed: bool,
    /// The condition the step depends on, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<&'p str>,
    /// The facts still needed to know whether the step applies; empty when it does.
    #[serde(skip_serializing_if = "crate::triggers::FactNames::is_empty")]
    pub missing: crate::triggers::FactNames<'p>,
}

impl fmt::Display for ProcedureStep<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.bodies.join(", "))?;
        if !self.jointly.is_empty() {
            write!(f, ", jointly with {}", self.jointly.join(", "))?;
            if self.as_needed {
                write!(f, " as needed")?;
            }
        }
        if let Some(c) = self.condition {
            if self.missing.is_empty() {
                write!(f, " (as {c})")?;
            } else {
                write!(f, " (if {c}; missing {})", self.missing.join(", "))?;
            }
        }
        Ok(())
    }
}

/// Who may propose accountability, who decides, where it is filed and
/// where it is referred: the steps of one procedure article that apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Procedure<'p> {
    /// The article.
    pub citation: &'p str,
    /// The steps, in the article's order; a step whose condition fails is left out.
    pub steps: Vec<ProcedureStep<'p>>,
    /// The laws or regulations it follows (问责条例).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub basis: Vec<&'p str>,
    /// Open only if a catch-all clause is judged to apply.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub discretionary: bool,
}

impl Procedure<'_> {
    /// The bodies that take a step (with those that take it jointly), in order.
    pub fn bodies(&self, step: StepKind) -> Vec<&str> {
        self.steps
            .iter()
            .filter(|s| s.step == step)
            .flat_map(|s| s.bodies.iter().chain(&s.jointly).copied())
            .collect()
    }
}

impl fmt::Display for Procedure<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.steps {
            write!(f, "  {:<7} [{}]: {s}", s.step.word(), self.citation)?;
            if self.discretionary {
                write!(f, " — open if the catch-all is judged to apply")?;
            }
            writeln!(f)?;
        }
        if !self.basis.is_empty() {
            writeln!(
                f,
                "  basis   [{}]: {}",
                self.citation,
                self.basis.join(", ")
            )?;
        }
        Ok(())
    }
}

/// Something in a decision record the apportionment had to take as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
pub enum LiabilityWarning<'p> {
    /// A participant who held no post in the deciding unit on the date.
    NotInTeam {
        /// The person.
        person: &'p str,
        /// The deciding unit.
        unit: &'p str,
    },
    /// Every participant objected on record: nobody bears the decision.
    AllObjected,
}

impl fmt::Display for LiabilityWarning<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiabilityWarning::NotInTeam { person, unit } => write!(
                f,
                "{person} held no post in {unit} on the date, yet took part in its decision"
            ),
            LiabilityWarning::AllObjected => write!(
                f,
                "every participant objected on record: the record names nobody who decided"
            ),
        }
    }
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
    /// What in the decision record does not fit the org on the date.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<LiabilityWarning<'p>>,
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
            write!(f, "{pr}")?;
        }
        for w in &self.warnings {
            writeln!(f, "  warning: {w}")?;
        }
        Ok(())
    }
}
