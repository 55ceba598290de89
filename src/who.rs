//! "Who is responsible": for a unit or a matter on a date, and the reverse,
//! every duty a person holds on a date.
//!
//! The answer types; `eval` computes them.

use crate::syntax::ast::Relation;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;
/// Who bears a duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Bearer<'p> {
    /// A unit's team as a body (领导班子).
    Team {
        /// The unit.
        unit: &'p str,
    },
    /// The person holding a position on the date.
    Holder {
        /// The unit.
        unit: &'p str,
        /// The position.
        position: &'p str,
        /// The person holding it that day.
        person: &'p str,
        /// For a seat held by virtue of another post (`seat … is …`,
        /// 兼任): that post.
        #[serde(skip_serializing_if = "Option::is_none")]
        via: Option<Via<'p>>,
    },
    /// A position nobody holds on the date.
    Vacant {
        /// The unit.
        unit: &'p str,
        /// The position.
        position: &'p str,
    },
}

/// The post through which a seat is held: "as 书记 of 校党委".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Via<'p> {
    /// The position held directly.
    pub position: &'p str,
    /// Its unit.
    pub unit: &'p str,
}

impl fmt::Display for Bearer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bearer::Team { unit } => write!(f, "team of {unit}"),
            Bearer::Holder {
                unit,
                position,
                person,
                via: None,
            } => write!(f, "{person} ({position} of {unit})"),
            Bearer::Holder {
                unit,
                position,
                person,
                via: Some(v),
            } => write!(
                f,
                "{person} ({position} of {unit}, as {} of {})",
                v.position, v.unit
            ),
            Bearer::Vacant { unit, position } => write!(f, "vacant ({position} of {unit})"),
        }
    }
}

/// One step of the reasoning that led to a responsibility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step<'p> {
    /// The rule applies to units of this kind.
    Kind {
        /// The unit.
        unit: &'p str,
        /// Its kind.
        kind: &'p str,
    },
    /// The rule names this unit.
    Named {
        /// The unit or matter.
        name: &'p str,
    },
    /// The rule applies to matters of this kind.
    MatterKind {
        /// The matter.
        matter: &'p str,
        /// Its kind.
        kind: &'p str,
    },
    /// A unit related to the matter.
    Related {
        /// The matter.
        matter: &'p str,
        /// How the unit relates to it.
        relation: Relation,
        /// The unit.
        unit: &'p str,
        /// Whether the relation comes from the kind's route.
        routed: bool,
    },
    /// A person holds a position.
    Holds {
        /// The person.
        person: &'p str,
        /// The position.
        position: &'p str,
        /// The unit.
        unit: &'p str,
    },
    /// A person covers a unit or matter (一岗双责).
    Covers {
        /// The person.
        person: &'p str,
        /// The covered unit or matter.
        target: &'p str,
        /// 联系 rather than 分管.
        liaison: bool,
    },
    /// The target lies under a covered unit.
    Under {
        /// The unit asked about.
        unit: &'p str,
        /// The covered unit above it.
        ancestor: &'p str,
    },
}

impl fmt::Display for Step<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Kind { unit, kind } => write!(f, "{unit} is a {kind}"),
            Step::Named { name } => write!(f, "rule names {name}"),
            Step::MatterKind { matter, kind } => write!(f, "{matter} is a {kind}"),
            Step::Related {
                matter,
                relation,
                unit,
                routed,
            } => {
                write!(f, "{unit} is {} of {matter}", relation.keyword())?;
                if *routed {
                    write!(f, " (route)")?;
                }
                Ok(())
            }
            Step::Holds {
                person,
                position,
                unit,
            } => write!(f, "{person} holds {position} of {unit}"),
            Step::Covers {
                person,
                target,
                liaison,
            } => write!(
                f,
                "{person} {} {target} → 一岗双责",
                if *liaison { "liaises with" } else { "covers" }
            ),
            Step::Under { unit, ancestor } => write!(f, "{unit} is under {ancestor}"),
        }
    }
}

/// One responsibility: a duty, who bears it, the article, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Responsibility<'p> {
    /// The duty.
    pub duty: &'p str,
    /// Its place in the policy's `duties` declarations (0 = first): within
    /// one `duties` chain, the stronger duty first.
    pub rank: usize,
    /// Who bears it.
    pub bearer: Bearer<'p>,
    /// The article of the regulation.
    pub citation: &'p str,
    /// The steps that led here.
    pub path: Vec<Step<'p>>,
    #[serde(skip)]
    pub(crate) key: Key,
}

/// Sort key over ids: duty rank, unit, team before positions, position, person, rule.
type Key = (
    crate::ids::DutyIx,
    crate::ids::UnitIx,
    u32,
    u32,
    crate::ids::RuleIx,
);

impl fmt::Display for Responsibility<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.duty, self.bearer, self.citation)?;
        for (i, s) in self.path.iter().enumerate() {
            write!(f, "{}{s}", if i == 0 { " — " } else { "; " })?;
        }
        Ok(())
    }
}

/// What a `who` query was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Subject<'p> {
    /// A unit.
    Unit(&'p str),
    /// A matter instance.
    Matter(&'p str),
    /// Any matter of a kind.
    MatterKind(&'p str),
}

/// The answer to "who is responsible for X on D".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhoAnswer<'p> {
    /// What was asked about.
    pub subject: Subject<'p>,
    /// The date.
    pub on: NaiveDate,
    /// Strongest duty first, then in declaration order of units, positions, people.
    pub responsibilities: Vec<Responsibility<'p>>,
}

impl fmt::Display for WhoAnswer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.subject {
            Subject::Unit(n) | Subject::Matter(n) | Subject::MatterKind(n) => n,
        };
        writeln!(f, "{name} on {}:", self.on)?;
        if self.responsibilities.is_empty() {
            writeln!(f, "  (no responsibility assigned)")?;
        }
        for r in &self.responsibilities {
            writeln!(f, "  {r}")?;
        }
        Ok(())
    }
}

/// A duty a person holds, and for what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Held<'p> {
    /// What the duty is for.
    pub subject: Subject<'p>,
    /// The responsibility.
    #[serde(flatten)]
    pub responsibility: Responsibility<'p>,
}

/// The answer to "which duties does P hold on D".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DutiesAnswer<'p> {
    /// The person.
    pub person: &'p str,
    /// The date.
    pub on: NaiveDate,
    /// Strongest first, then by subject.
    pub duties: Vec<Held<'p>>,
}

impl fmt::Display for DutiesAnswer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} on {}:", self.person, self.on)?;
        if self.duties.is_empty() {
            writeln!(f, "  (no duty)")?;
        }
        for h in &self.duties {
            let name = match h.subject {
                Subject::Unit(n) | Subject::Matter(n) | Subject::MatterKind(n) => n,
            };
            writeln!(f, "  for {name}: {}", h.responsibility)?;
        }
        Ok(())
    }
}
