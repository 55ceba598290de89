//! "Which trigger applies": matching an incident against every trigger list,
//! in three-valued logic (a fact not given is unknown, not false), with the
//! conditions that held, the facts missing, and on request why not.

use crate::check::{CondNode, SanctionsKindM, Test, Val};
use crate::compile::Compiled;
use crate::incident::BoundIncident;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    True,
    False,
    Unknown,
}

/// A fact's value as seen in an incident.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Seen<'p> {
    /// An enumeration member or a scale level.
    Name(&'p str),
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A date.
    Date(NaiveDate),
}

impl fmt::Display for Seen<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Seen::Name(n) => write!(f, "{n}"),
            Seen::Bool(b) => write!(f, "{b}"),
            Seen::Number(x) => write!(f, "{x}"),
            Seen::Date(d) => write!(f, "{d}"),
        }
    }
}

/// One condition of a clause, as written, with the value the incident gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition<'p> {
    /// The condition's source text, e.g. `后果 >= 严重后果`.
    pub condition: &'p str,
    /// The fact it reads (absent for `not (…)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fact: Option<&'p str>,
    /// The value the incident gave for it (absent when not given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen: Option<Seen<'p>>,
}

impl fmt::Display for Condition<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.condition)?;
        match (self.fact, self.seen) {
            (Some(fact), Some(seen)) => write!(f, " ({fact} is {seen})"),
            (Some(fact), None) => write!(f, " ({fact} not given)"),
            _ => Ok(()),
        }
    }
}

/// A clause of a trigger list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clause<'p> {
    /// The citation: the list's article and the clause number, e.g. `第八条(五)`.
    pub citation: String,
    /// The list's article.
    pub list: &'p str,
    /// The clause number as written.
    pub number: &'p str,
    /// The regulation's text.
    pub text: &'p str,
    /// Who the list applies to.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub parties: &'p [String],
}

/// How a clause came out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome<'p> {
    /// The condition holds.
    Matched {
        /// The conditions that held.
        held: Vec<Condition<'p>>,
    },
    /// The condition depends on facts the incident does not give.
    Undetermined {
        /// The facts to find out.
        missing: Vec<&'p str>,
    },
    /// The catch-all clause (其他…情形): a matter of judgement, never a match.
    Discretionary,
    /// The condition fails.
    NotMatched {
        /// The first condition that failed, with the value seen.
        failed: Condition<'p>,
    },
}

/// A clause and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClauseResult<'p> {
    /// The clause.
    #[serde(flatten)]
    pub clause: Clause<'p>,
    /// Its outcome.
    #[serde(flatten)]
    pub outcome: Outcome<'p>,
}

impl fmt::Display for ClauseResult<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.clause;
        match &self.outcome {
            Outcome::Matched { held } => {
                write!(f, "matched       {} {}", c.citation, c.text)?;
                for h in held {
                    write!(f, "\n                held: {h}")?;
                }
                Ok(())
            }
            Outcome::Undetermined { missing } => {
                write!(
                    f,
                    "undetermined  {} {}\n                missing: {}",
                    c.citation,
                    c.text,
                    missing.join(", ")
                )
            }
            Outcome::Discretionary => write!(f, "discretionary {} {}", c.citation, c.text),
            Outcome::NotMatched { failed } => {
                write!(
                    f,
                    "not matched   {} {}\n                failed: {failed}",
                    c.citation, c.text
                )
            }
        }
    }
}

/// The sanctions open for a trigger list that matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sanctions<'p> {
    /// The sanctions article.
    pub citation: &'p str,
    /// The trigger list it applies to.
    pub for_list: &'p str,
    /// The fact that grades the measures, for a graded table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graded_by: Option<&'p str>,
    /// The grade selected by the incident's level, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<&'p str>,
    /// The measures open: the whole menu, the selected grade's, or every
    /// grade's when the level is not given.
    pub measures: Vec<&'p str>,
}

/// An extra consequence or an aggravating circumstance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Consequence<'p> {
    /// The article.
    pub citation: &'p str,
    /// What follows (e.g. 不得提拔重用).
    pub text: &'p str,
    /// An aggravating circumstance rather than a consequence.
    pub aggravating: bool,
    /// How it came out: matched or undetermined.
    #[serde(flatten)]
    pub outcome: Outcome<'p>,
}

/// Whether the policy was in force on the incident's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Applicability {
    /// In force.
    InForce,
    /// The incident is dated before the policy took effect.
    NotApplicable {
        /// The policy's effective date.
        effective: NaiveDate,
    },
}

/// The answer to "which triggers apply to this incident".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriggerAnswer<'p> {
    /// The incident's date.
    pub date: NaiveDate,
    /// In force, or not applicable with the effective date.
    pub applicability: Applicability,
    /// Matched, undetermined and discretionary clauses (and, on request, the
    /// clauses that did not match), in list and clause order.
    pub clauses: Vec<ClauseResult<'p>>,
    /// Sanctions open for each list with a matched clause.
    pub sanctions: Vec<Sanctions<'p>>,
    /// Extra consequences and aggravating circumstances that hold or may hold.
    pub consequences: Vec<Consequence<'p>>,
    /// The incident's facts that the policy reads.
    pub facts_used: Vec<&'p str>,
}

impl TriggerAnswer<'_> {
    /// The citations of the matched clauses, in order.
    pub fn matched(&self) -> Vec<&str> {
        self.clauses
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Matched { .. }))
            .map(|c| c.clause.citation.as_str())
            .collect()
    }
}

impl fmt::Display for TriggerAnswer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Applicability::NotApplicable { effective } = self.applicability {
            return writeln!(
                f,
                "not applicable: {} is before the policy took effect on {effective}",
                self.date
            );
        }
        writeln!(f, "incident of {}:", self.date)?;
        if !self
            .clauses
            .iter()
            .any(|c| matches!(c.outcome, Outcome::Matched { .. }))
        {
            writeln!(f, "  no clause matched")?;
        }
        for c in &self.clauses {
            writeln!(f, "  {c}")?;
        }
        for s in &self.sanctions {
            write!(f, "  sanctions [{}] for {}", s.citation, s.for_list)?;
            if let Some(g) = s.grade {
                write!(f, " ({g})")?;
            }
            writeln!(f, ": {}", s.measures.join(", "))?;
        }
        for c in &self.consequences {
            let kind = if c.aggravating {
                "aggravating"
            } else {
                "consequence"
            };
            let status = match &c.outcome {
                Outcome::Matched { .. } => "applies".to_string(),
                Outcome::Undetermined { missing } => {
                    format!("undetermined, missing {}", missing.join(", "))
                }
                _ => String::new(),
            };
            writeln!(f, "  {kind} [{}]: {} — {status}", c.citation, c.text)?;
        }
        Ok(())
    }
}

#[inline]
fn compare(op: crate::syntax::ast::CmpOp, a: Val, b: Val) -> bool {
    use crate::syntax::ast::CmpOp::*;
    let ord = match (a, b) {
        (Val::Sym(x), Val::Sym(y)) => x.partial_cmp(&y),
        (Val::Bool(x), Val::Bool(y)) => x.partial_cmp(&y),
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(&y),
        (Val::Date(x), Val::Date(y)) => x.partial_cmp(&y),
        _ => None,
    };
    let Some(ord) = ord else { return false };
    match op {
        Eq => ord.is_eq(),
        Ne => ord.is_ne(),
        Lt => ord.is_lt(),
        Le => ord.is_le(),
        Gt => ord.is_gt(),
        Ge => ord.is_ge(),
    }
}

pub(crate) struct Eval<'p> {
    pub c: &'p Compiled,
    pub facts: &'p [Option<Val>],
}

impl<'p> Eval<'p> {
    /// The truth of a condition node. Recursion depth is bounded by bracket
    /// nesting: `and`/`or` chains are flat and `not` runs are limited.
    pub(crate) fn eval(&self, n: u32) -> Tri {
        let Some(node) = self.c.conds.get(n as usize) else {
            return Tri::Unknown;
        };
        match node {
            CondNode::Test { fact, test, .. } => {
                let Some(v) = self.facts.get(*fact as usize).copied().flatten() else {
                    return Tri::Unknown;
                };
                let hit = match test {
                    Test::Cmp(op, want) => compare(*op, v, *want),
                    Test::In(vals) => vals
                        .iter()
                        .any(|w| compare(crate::syntax::ast::CmpOp::Eq, v, *w)),
                    Test::Truthy => v == Val::Bool(true),
                };
                if hit {
                    Tri::True
                } else {
                    Tri::False
                }
            }
            CondNode::And(kids) => {
                let mut out = Tri::True;
                for k in kids {
                    match self.eval(*k) {
                        Tri::False => return Tri::False,
                        Tri::Unknown => out = Tri::Unknown,
                        Tri::True => {}
                    }
                }
                out
            }
            CondNode::Or(kids) => {
                let mut out = Tri::False;
                for k in kids {
                    match self.eval(*k) {
                        Tri::True => return Tri::True,
                        Tri::Unknown => out = Tri::Unknown,
                        Tri::False => {}
                    }
                }
                out
            }
            CondNode::Not(k, _) => match self.eval(*k) {
                Tri::True => Tri::False,
                Tri::False => Tri::True,
                Tri::Unknown => Tri::Unknown,
            },
        }
    }

    fn seen(&self, fact: u32) -> Option<Seen<'p>> {
        let v = self.facts.get(fact as usize).copied().flatten()?;
        Some(match v {
            Val::Sym(i) => {
                let f = self.c.facts.get(fact as usize)?;
                let name = match &f.ty {
                    crate::check::FactTy::Enum(m) => m.get(i as usize)?,
                    crate::check::FactTy::Scale(s) => {
                        self.c.scales.get(*s as usize)?.levels.get(i as usize)?
                    }
                    _ => return None,
                };
                Seen::Name(name.as_str())
            }
            Val::Bool(b) => Seen::Bool(b),
            Val::Num(x) => Seen::Number(x),
            Val::Date(d) => Seen::Date(d),
        })
    }

    fn condition(&self, n: u32) -> Option<Condition<'p>> {
        match self.c.conds.get(n as usize)? {
            CondNode::Test { fact, text, .. } => Some(Condition {
                condition: text.as_str(),
                fact: self.c.facts.get(*fact as usize).map(|f| f.name.as_str()),
                seen: self.seen(*fact),
            }),
            CondNode::Not(_, text) => Some(Condition {
                condition: text.as_str(),
                fact: None,
                seen: None,
            }),
            _ => None,
        }
    }

    /// The conditions that made a true node true.
    fn held(&self, n: u32, out: &mut Vec<Condition<'p>>) {
        match self.c.conds.get(n as usize) {
            Some(CondNode::And(kids)) => kids.iter().for_each(|k| self.held(*k, out)),
            Some(CondNode::Or(kids)) => {
                if let Some(k) = kids.iter().find(|k| self.eval(**k) == Tri::True) {
                    self.held(*k, out);
                }
            }
            Some(_) => out.extend(self.condition(n)),
            None => {}
        }
    }

    /// The facts whose absence leaves a node unknown.
    fn missing(&self, n: u32, out: &mut Vec<u32>) {
        match self.c.conds.get(n as usize) {
            Some(CondNode::And(kids)) | Some(CondNode::Or(kids)) => {
                for k in kids {
                    if self.eval(*k) == Tri::Unknown {
                        self.missing(*k, out);
                    }
                }
            }
            Some(CondNode::Not(k, _)) => self.missing(*k, out),
            Some(CondNode::Test { fact, .. }) if !out.contains(fact) => out.push(*fact),
            Some(CondNode::Test { .. }) => {}
            None => {}
        }
    }

    /// The first condition that made a false node false.
    fn failed(&self, n: u32) -> Option<Condition<'p>> {
        match self.c.conds.get(n as usize)? {
            CondNode::And(kids) => kids
                .iter()
                .find(|k| self.eval(**k) == Tri::False)
                .and_then(|k| self.failed(*k)),
            CondNode::Or(kids) => kids.first().and_then(|k| self.failed(*k)),
            _ => self.condition(n),
        }
    }

    pub(crate) fn outcome(&self, root: Option<u32>, why_not: bool) -> Option<Outcome<'p>> {
        let Some(root) = root else {
            return Some(Outcome::Discretionary);
        };
        match self.eval(root) {
            Tri::True => {
                let mut held = Vec::new();
                self.held(root, &mut held);
                Some(Outcome::Matched { held })
            }
            Tri::Unknown => {
                let mut ids = Vec::new();
                self.missing(root, &mut ids);
                ids.sort_unstable();
                let missing = ids
                    .iter()
                    .filter_map(|f| self.c.facts.get(*f as usize).map(|x| x.name.as_str()))
                    .collect();
                Some(Outcome::Undetermined { missing })
            }
            Tri::False if why_not => self
                .failed(root)
                .map(|failed| Outcome::NotMatched { failed }),
            Tri::False => None,
        }
    }
}

pub(crate) fn triggers<'p>(
    c: &'p Compiled,
    inc: &'p BoundIncident,
    why_not: bool,
) -> TriggerAnswer<'p> {
    let facts_used = c
        .facts
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            c.fact_read.get(*i).copied().unwrap_or(false)
                && inc.facts.get(*i).is_some_and(Option::is_some)
        })
        .map(|(_, f)| f.name.as_str())
        .collect();
    if let Some(effective) = c.header.effective.filter(|e| inc.date < *e) {
        return TriggerAnswer {
            date: inc.date,
            applicability: Applicability::NotApplicable { effective },
            clauses: Vec::new(),
            sanctions: Vec::new(),
            consequences: Vec::new(),
            facts_used,
        };
    }
    let ev = Eval {
        c,
        facts: &inc.facts,
    };
    let mut clauses = Vec::new();
    let mut lists_matched = Vec::new();
    for (li, list) in c.trigger_lists.iter().enumerate() {
        let mut any = false;
        for clause in &list.clauses {
            let Some(outcome) = ev.outcome(clause.cond, why_not) else {
                continue;
            };
            any |= matches!(outcome, Outcome::Matched { .. });
            clauses.push(ClauseResult {
                clause: Clause {
                    citation: if clause.number.starts_with(|c: char| c.is_ascii_digit()) {
                        format!("{} {}", list.citation, clause.number)
                    } else {
                        format!("{}{}", list.citation, clause.number)
                    },
                    list: list.citation.as_str(),
                    number: clause.number.as_str(),
                    text: clause.text.as_str(),
                    parties: &list.parties,
                },
                outcome,
            });
        }
        if any {
            lists_matched.push(u32::try_from(li).unwrap_or(u32::MAX));
        }
    }
    let mut sanctions = Vec::new();
    for li in &lists_matched {
        let list = c
            .trigger_lists
            .get(*li as usize)
            .map(|l| l.citation.as_str())
            .unwrap_or("");
        for s in c
            .sanctions
            .iter()
            .filter(|s| s.lists.is_empty() || s.lists.contains(li))
        {
            sanctions.push(match &s.kind {
                SanctionsKindM::Menu(m) => Sanctions {
                    citation: s.citation.as_str(),
                    for_list: list,
                    graded_by: None,
                    grade: None,
                    measures: m.iter().map(String::as_str).collect(),
                },
                SanctionsKindM::Graded { fact, grades } => {
                    let level = match inc.facts.get(*fact as usize).copied().flatten() {
                        Some(Val::Sym(l)) => Some(l),
                        _ => None,
                    };
                    let chosen: Vec<&(u32, Vec<String>)> = grades
                        .iter()
                        .filter(|(g, _)| level.is_none_or(|l| l == *g))
                        .collect();
                    let grade = match (level, ev.seen(*fact)) {
                        (Some(_), Some(Seen::Name(n))) => Some(n),
                        _ => None,
                    };
                    Sanctions {
                        citation: s.citation.as_str(),
                        for_list: list,
                        graded_by: c.facts.get(*fact as usize).map(|f| f.name.as_str()),
                        grade,
                        measures: chosen
                            .iter()
                            .flat_map(|(_, m)| m.iter().map(String::as_str))
                            .collect(),
                    }
                }
            });
        }
    }
    let consequences = c
        .consequences
        .iter()
        .filter_map(|k| {
            let outcome = ev.outcome(Some(k.cond), false)?;
            Some(Consequence {
                citation: k.citation.as_str(),
                text: k.text.as_str(),
                aggravating: k.aggravating,
                outcome,
            })
        })
        .collect();
    TriggerAnswer {
        date: inc.date,
        applicability: Applicability::InForce,
        clauses,
        sanctions,
        consequences,
        facts_used,
    }
}
