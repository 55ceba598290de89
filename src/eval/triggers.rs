//! "Which trigger applies": matching an incident against every trigger list,
//! in three-valued logic (a fact not given is unknown, not false), with the
//! conditions that held, the facts missing, and on request why not.

use crate::check::{SanctionsKindM, Val};
use crate::compile::cond::Op;
use crate::compile::Compiled;
use crate::incident::BoundIncident;
use crate::syntax::ast::CmpOp;
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
    pub citation: &'p str,
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
    /// Who may propose accountability, who decides, where it is filed,
    /// when a clause matched.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub procedure: Vec<crate::eval::liability::Procedure<'p>>,
}

impl TriggerAnswer<'_> {
    /// The citations of the matched clauses, in order.
    pub fn matched(&self) -> Vec<&str> {
        self.clauses
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Matched { .. }))
            .map(|c| c.clause.citation)
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
        for p in &self.procedure {
            for (what, who) in [
                ("propose", &p.propose),
                ("decide", &p.decide),
                ("file", &p.file),
            ] {
                if !who.is_empty() {
                    writeln!(f, "  {what:<7} [{}]: {}", p.citation, who.join(", "))?;
                }
            }
        }
        Ok(())
    }
}

#[inline]
fn ord<T: PartialOrd>(op: CmpOp, a: T, b: T) -> bool {
    match op {
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
        CmpOp::Lt => a < b,
        CmpOp::Le => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::Ge => a >= b,
    }
}

#[inline]
fn tri(b: bool) -> Tri {
    if b {
        Tri::True
    } else {
        Tri::False
    }
}

pub(crate) struct Eval<'p> {
    pub c: &'p Compiled,
    pub facts: &'p [Option<Val>],
}

impl<'p> Eval<'p> {
    #[inline]
    fn val(&self, fact: u32) -> Option<Val> {
        self.facts.get(fact as usize).copied().flatten()
    }

    #[inline]
    fn range<T>(v: &'p [T], start: u32, len: u32) -> &'p [T] {
        v.get(start as usize..(start as usize).saturating_add(len as usize))
            .unwrap_or(&[])
    }

    fn kids(&self, start: u32, len: u32) -> &'p [u32] {
        Self::range(&self.c.program.kids, start, len)
    }

    /// The truth of a condition node. Recursion depth is bounded by bracket
    /// nesting: `and`/`or` chains are flat and `not` runs are limited.
    pub(crate) fn eval(&self, n: u32) -> Tri {
        let p = &self.c.program;
        let Some(op) = p.ops.get(n as usize) else {
            return Tri::Unknown;
        };
        match op {
            Op::Sym { fact, op, want } => match self.val(*fact) {
                Some(Val::Sym(v)) => tri(ord(*op, v, *want)),
                _ => Tri::Unknown,
            },
            Op::SymIn { fact, mask } => match self.val(*fact) {
                Some(Val::Sym(v)) => tri(v < 128 && mask & (1u128 << v) != 0),
                _ => Tri::Unknown,
            },
            Op::SymInList { fact, start, len } => match self.val(*fact) {
                Some(Val::Sym(v)) => tri(Self::range(&p.syms, *start, *len).contains(&v)),
                _ => Tri::Unknown,
            },
            Op::Bool { fact, want } => match self.val(*fact) {
                Some(Val::Bool(v)) => tri(v == *want),
                _ => Tri::Unknown,
            },
            Op::Num { fact, op, want } => match self.val(*fact) {
                Some(Val::Num(v)) => tri(ord(*op, v, *want)),
                _ => Tri::Unknown,
            },
            Op::NumIn { fact, start, len } => match self.val(*fact) {
                Some(Val::Num(v)) => tri(Self::range(&p.nums, *start, *len).contains(&v)),
                _ => Tri::Unknown,
            },
            Op::Date { fact, op, want } => match self.val(*fact) {
                Some(Val::Date(v)) => tri(ord(*op, v, *want)),
                _ => Tri::Unknown,
            },
            Op::DateIn { fact, start, len } => match self.val(*fact) {
                Some(Val::Date(v)) => tri(Self::range(&p.dates, *start, *len).contains(&v)),
                _ => Tri::Unknown,
            },
            Op::And { start, len } => {
                let mut out = Tri::True;
                for k in self.kids(*start, *len) {
                    match self.eval(*k) {
                        Tri::False => return Tri::False,
                        Tri::Unknown => out = Tri::Unknown,
                        Tri::True => {}
                    }
                }
                out
            }
            Op::Or { start, len } => {
                let mut out = Tri::False;
                for k in self.kids(*start, *len) {
                    match self.eval(*k) {
                        Tri::True => return Tri::True,
                        Tri::Unknown => out = Tri::Unknown,
                        Tri::False => {}
                    }
                }
                out
            }
            Op::Not { kid } => match self.eval(*kid) {
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
        let p = &self.c.program;
        let text = p.text.get(n as usize)?;
        let fact = p.fact_of.get(n as usize).copied().flatten();
        Some(Condition {
            condition: text.as_str(),
            fact: fact
                .and_then(|f| self.c.facts.get(f as usize))
                .map(|f| f.name.as_str()),
            seen: fact.and_then(|f| self.seen(f)),
        })
    }

    /// The conditions that made a true node true.
    fn held(&self, n: u32, out: &mut Vec<Condition<'p>>) {
        match self.c.program.ops.get(n as usize) {
            Some(Op::And { start, len }) => {
                for k in self.kids(*start, *len) {
                    self.held(*k, out);
                }
            }
            Some(Op::Or { start, len }) => {
                let kids = self.kids(*start, *len);
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
        match self.c.program.ops.get(n as usize) {
            Some(Op::And { start, len }) | Some(Op::Or { start, len }) => {
                for k in self.kids(*start, *len) {
                    if self.eval(*k) == Tri::Unknown {
                        self.missing(*k, out);
                    }
                }
            }
            Some(Op::Not { kid }) => self.missing(*kid, out),
            Some(_) => {
                let fact = self.c.program.fact_of.get(n as usize).copied().flatten();
                if let Some(f) = fact.filter(|f| !out.contains(f)) {
                    out.push(f);
                }
            }
            None => {}
        }
    }

    /// The first condition that made a false node false.
    fn failed(&self, n: u32) -> Option<Condition<'p>> {
        match self.c.program.ops.get(n as usize)? {
            Op::And { start, len } => self
                .kids(*start, *len)
                .iter()
                .find(|k| self.eval(**k) == Tri::False)
                .and_then(|k| self.failed(*k)),
            Op::Or { start, len } => self
                .kids(*start, *len)
                .first()
                .and_then(|k| self.failed(*k)),
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
    if let Some(effective) = c.not_in_force(inc.date) {
        return TriggerAnswer {
            date: inc.date,
            applicability: Applicability::NotApplicable { effective },
            clauses: Vec::new(),
            sanctions: Vec::new(),
            consequences: Vec::new(),
            facts_used,
            procedure: Vec::new(),
        };
    }
    let ev = Eval {
        c,
        facts: &inc.facts,
    };
    // Which clauses to evaluate: all of them for why-not; otherwise skip
    // clauses whose guarding enumeration test the incident already fails.
    let idx = &c.clauses;
    let candidates: Vec<u32> = if why_not {
        (0..u32::try_from(idx.all.len()).unwrap_or(u32::MAX)).collect()
    } else {
        let mut v = idx.unguarded.clone();
        for (fact, by_value) in &idx.guards {
            match inc.facts.get(*fact as usize).copied().flatten() {
                Some(Val::Sym(s)) => {
                    v.extend_from_slice(by_value.get(s as usize).map(Vec::as_slice).unwrap_or(&[]))
                }
                _ => by_value.iter().for_each(|c| v.extend_from_slice(c)),
            }
        }
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut clauses = Vec::new();
    let mut lists_matched: Vec<u32> = Vec::new();
    for id in candidates {
        let Some(&(li, ci)) = idx.all.get(id as usize) else {
            continue;
        };
        let Some(list) = c.trigger_lists.get(li as usize) else {
            continue;
        };
        let Some(clause) = list.clauses.get(ci as usize) else {
            continue;
        };
        let Some(outcome) = ev.outcome(clause.cond, why_not) else {
            continue;
        };
        if matches!(outcome, Outcome::Matched { .. }) && lists_matched.last() != Some(&li) {
            lists_matched.push(li);
        }
        clauses.push(ClauseResult {
            clause: Clause {
                citation: clause.citation.as_str(),
                list: list.citation.as_str(),
                number: clause.number.as_str(),
                text: clause.text.as_str(),
                parties: &list.parties,
            },
            outcome,
        });
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
        procedure: if lists_matched.is_empty() {
            Vec::new()
        } else {
            crate::eval::liability::procedures(c)
        },
    }
}
