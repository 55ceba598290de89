//! The algorithm behind [`crate::triggers`]; the answer types live there.

use crate::check::{SanctionsKindM, Val};
use crate::compile::cond::{guarded, range, Clauses, Op};
use crate::compile::Compiled;
use crate::eval::accountable::People;
use crate::ids::{ClauseIx, CondIx, FactIx, Idx, ListIx, Table};
use crate::incident::BoundIncident;
use crate::syntax::ast::CmpOp;
use crate::triggers::*;
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

/// Value `i` of an enumeration's members or a scale's levels. A value is
/// checked against its fact's type when an incident is bound, so a miss is
/// a bug in zeren.
fn value_name(values: &[String], i: u32) -> &str {
    usize::try_from(i)
        .ok()
        .and_then(|i| values.get(i))
        .map(String::as_str)
        .unwrap_or_else(|| {
            crate::compile::internal(format!(
                "value {i} is out of range ({} values)",
                values.len()
            ))
        })
}

/// The truth of a leaf test on a fact's value (`None`: not given). The one
/// definition of a test: the interpreter and the bit-sliced tables
/// ([`crate::compile::slice`]) both read it.
#[inline(always)]
pub(crate) fn test(p: &crate::compile::cond::Program, op: &Op, val: Option<Val>) -> Tri {
    match op {
        Op::Sym { op, want, .. } => match val {
            Some(Val::Sym(v)) => tri(ord(*op, v, *want)),
            // On a set: `=` is membership, `!=` its negation (the checker
            // allows no other comparison on a set).
            Some(Val::Set(m)) => {
                let has = *want < 128 && m & (1u128 << *want) != 0;
                tri(if *op == CmpOp::Ne { !has } else { has })
            }
            _ => Tri::Unknown,
        },
        Op::SymIn { mask, .. } => match val {
            Some(Val::Sym(v)) => tri(v < 128 && mask & (1u128 << v) != 0),
            // On a set: some member given is in the list.
            Some(Val::Set(m)) => tri(m & mask != 0),
            _ => Tri::Unknown,
        },
        Op::SymInList { start, len, .. } => match val {
            Some(Val::Sym(v)) => tri(range(&p.syms, *start, *len).contains(&v)),
            Some(Val::Set(m)) => tri(range(&p.syms, *start, *len)
                .iter()
                .any(|s| *s < 128 && m & (1u128 << s) != 0)),
            _ => Tri::Unknown,
        },
        Op::Bool { want, .. } => match val {
            Some(Val::Bool(v)) => tri(v == *want),
            _ => Tri::Unknown,
        },
        Op::Num { op, want, .. } => match val {
            Some(Val::Num(v)) => tri(ord(*op, v, *want)),
            _ => Tri::Unknown,
        },
        Op::NumIn { start, len, .. } => match val {
            Some(Val::Num(v)) => tri(range(&p.nums, *start, *len).contains(&v)),
            _ => Tri::Unknown,
        },
        Op::Date { op, want, .. } => match val {
            Some(Val::Date(v)) => tri(ord(*op, v, *want)),
            _ => Tri::Unknown,
        },
        Op::DateIn { start, len, .. } => match val {
            Some(Val::Date(v)) => tri(range(&p.dates, *start, *len).contains(&v)),
            _ => Tri::Unknown,
        },
        Op::And { .. } | Op::Or { .. } | Op::Not { .. } => {
            crate::compile::internal("a test was asked of an `and`, `or` or `not` node".into())
        }
    }
}

/// Conditions evaluated over one incident's facts; what it answers borrows
/// from the policy only.
pub(crate) struct Eval<'p, 'f> {
    pub c: &'p Compiled,
    pub facts: &'f Table<FactIx, Option<Val>>,
}

impl<'p> Eval<'p, '_> {
    #[inline]
    pub(crate) fn val(&self, fact: FactIx) -> Option<Val> {
        *self.facts.get(fact)
    }

    #[inline]
    fn kids(&self, start: u32, len: u32) -> &'p [CondIx] {
        self.c.program.kids(start, len)
    }

    /// The truth of a condition node. Recursion depth is bounded by bracket
    /// nesting: `and`/`or` chains are flat and `not` runs are limited.
    pub(crate) fn eval(&self, n: CondIx) -> Tri {
        let p = &self.c.program;
        match p.ops.get(n) {
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
            leaf => test(p, leaf, leaf.fact().and_then(|f| self.val(f))),
        }
    }

    fn seen(&self, fact: FactIx) -> Option<Seen<'p>> {
        let v = self.val(fact)?;
        Some(match v {
            Val::Set(m) => {
                let f = self.c.facts.get(fact);
                let crate::check::FactTy::Set(members) = &f.ty else {
                    crate::compile::internal(format!(
                        "fact `{}` holds a set but is not set-valued",
                        f.name
                    ))
                };
                Seen::Set(
                    members
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i < 128 && m & (1u128 << i) != 0)
                        .map(|(_, n)| n.as_str())
                        .collect(),
                )
            }
            Val::Sym(i) => {
                let f = self.c.facts.get(fact);
                let values = match &f.ty {
                    crate::check::FactTy::Enum(m) => m,
                    crate::check::FactTy::Scale(s) => &self.c.scales.get(*s).levels,
                    _ => return None,
                };
                Seen::Name(value_name(values, i))
            }
            Val::Bool(b) => Seen::Bool(b),
            Val::Num(x) => Seen::Number(x),
            Val::Date(d) => Seen::Date(d),
        })
    }

    fn condition(&self, n: CondIx) -> Condition<'p> {
        let p = &self.c.program;
        let fact = *p.fact_of.get(n);
        Condition {
            condition: p.text.get(n).as_str(),
            fact: fact.map(|f| self.c.facts.get(f).name.as_str()),
            seen: fact.and_then(|f| self.seen(f)),
        }
    }

    /// The conditions that made a true node true.
    fn held(&self, n: CondIx, out: &mut Vec<Condition<'p>>) {
        match self.c.program.ops.get(n) {
            Op::And { start, len } => {
                for k in self.kids(*start, *len) {
                    self.held(*k, out);
                }
            }
            Op::Or { start, len } => {
                let kids = self.kids(*start, *len);
                if let Some(k) = kids.iter().find(|k| self.eval(**k) == Tri::True) {
                    self.held(*k, out);
                }
            }
            _ => out.push(self.condition(n)),
        }
    }

    /// The facts whose absence leaves a node unknown.
    fn missing(&self, n: CondIx, out: &mut FactsFound) {
        match self.c.program.ops.get(n) {
            Op::And { start, len } | Op::Or { start, len } => {
                for k in self.kids(*start, *len) {
                    if self.eval(*k) == Tri::Unknown {
                        self.missing(*k, out);
                    }
                }
            }
            Op::Not { kid } => self.missing(*kid, out),
            _ => {
                if let Some(f) = *self.c.program.fact_of.get(n) {
                    out.add(f);
                }
            }
        }
    }

    /// The first condition that made a false node false.
    fn failed(&self, n: CondIx) -> Option<Condition<'p>> {
        match self.c.program.ops.get(n) {
            Op::And { start, len } => self
                .kids(*start, *len)
                .iter()
                .find(|k| self.eval(**k) == Tri::False)
                .and_then(|k| self.failed(*k)),
            Op::Or { start, len } => self
                .kids(*start, *len)
                .first()
                .and_then(|k| self.failed(*k)),
            _ => Some(self.condition(n)),
        }
    }

    /// How a clause comes out; `None` for a clause that fails when the
    /// reasons are not asked for. A catch-all is discretionary when its
    /// condition (if any) holds.
    #[inline(always)]
    pub(crate) fn outcome(
        &self,
        root: Option<CondIx>,
        catch_all: bool,
        why_not: bool,
    ) -> Option<Outcome<'p>> {
        let Some(root) = root else {
            return Some(Outcome::Discretionary);
        };
        match self.eval(root) {
            Tri::True if catch_all => Some(Outcome::Discretionary),
            Tri::True => {
                let mut held = Vec::with_capacity(4);
                self.held(root, &mut held);
                Some(Outcome::Matched { held })
            }
            Tri::Unknown => {
                // Facts in declaration order, each once.
                let mut found = FactsFound::default();
                self.missing(root, &mut found);
                let missing = FactNames {
                    facts: &self.c.facts,
                    set: found.set(),
                };
                Some(Outcome::Undetermined { missing })
            }
            Tri::False if why_not => self.failed(root).map(|failed| Outcome::NotMatched {
                failed: Box::new(failed),
            }),
            Tri::False => None,
        }
    }
}

/// Which clauses to evaluate, in order: all of them for why-not; otherwise
/// skip clauses whose guarding enumeration test the incident already fails.
/// With one guarding fact whose value is known (the common case) the two
/// ordered lists are merged as they are read; otherwise the union is sorted.
fn candidates<'c>(c: &'c Compiled, inc: &BoundIncident, why_not: bool) -> Candidates<'c> {
    let idx = &c.clauses;
    if why_not {
        return Candidates::Listed(idx.all.ids().collect::<Vec<_>>().into_iter());
    }
    candidates_in(idx, inc)
}

/// The clauses of `idx` an incident's guard values leave to evaluate.
pub(crate) fn candidates_in<'c>(idx: &'c Clauses, inc: &BoundIncident) -> Candidates<'c> {
    if let [(fact, by_value)] = idx.guards.as_slice() {
        if let Some(Val::Sym(s)) = *inc.facts.get(*fact) {
            return Candidates::Merged(&idx.unguarded, guarded(by_value, s));
        }
    }
    let mut v = Vec::with_capacity(idx.unguarded.len() + 8);
    v.extend_from_slice(&idx.unguarded);
    for (fact, by_value) in &idx.guards {
        match *inc.facts.get(*fact) {
            Some(Val::Sym(s)) => v.extend_from_slice(guarded(by_value, s)),
            _ => by_value.iter().for_each(|c| v.extend_from_slice(c)),
        }
    }
    v.sort_unstable();
    v.dedup();
    Candidates::Listed(v.into_iter())
}

/// The clauses to evaluate, ascending: two ascending lists of distinct
/// clauses merged as they are read, or a list made up front.
pub(crate) enum Candidates<'c> {
    Merged(&'c [ClauseIx], &'c [ClauseIx]),
    Listed(std::vec::IntoIter<ClauseIx>),
}

impl Candidates<'_> {
    /// At most this many clauses are left.
    fn bound(&self) -> usize {
        match self {
            Candidates::Merged(a, b) => a.len() + b.len(),
            Candidates::Listed(v) => v.len(),
        }
    }
}

impl Iterator for Candidates<'_> {
    type Item = ClauseIx;

    fn next(&mut self) -> Option<ClauseIx> {
        match self {
            Candidates::Listed(v) => v.next(),
            Candidates::Merged(a, b) => {
                let take_a = match (a.first(), b.first()) {
                    (Some(x), Some(y)) => {
                        if x == y {
                            *b = b.get(1..).unwrap_or_default();
                        }
                        x <= y
                    }
                    (Some(_), None) => true,
                    (None, _) => false,
                };
                let side = if take_a { a } else { b };
                let (first, rest) = side.split_first()?;
                *side = rest;
                Some(*first)
            }
        }
    }
}

/// Trigger lists seen while answering, in the order first seen: a handful
/// at most in real policies, kept inline.
struct ListSet {
    few: [ListIx; 4],
    len: usize,
    more: Vec<ListIx>,
}

impl Default for ListSet {
    fn default() -> Self {
        ListSet {
            few: [ListIx::from_raw(0); 4],
            len: 0,
            more: Vec::new(),
        }
    }
}

impl ListSet {
    fn as_slice(&self) -> &[ListIx] {
        if self.more.is_empty() {
            self.few.get(..self.len).unwrap_or_default()
        } else {
            &self.more
        }
    }

    fn contains(&self, l: ListIx) -> bool {
        self.as_slice().contains(&l)
    }

    /// Adds `l` unless it is the last one added.
    fn push_new(&mut self, l: ListIx) {
        if self.as_slice().last() == Some(&l) {
            return;
        }
        if !self.more.is_empty() {
            self.more.push(l);
        } else if let Some(slot) = self.few.get_mut(self.len) {
            *slot = l;
            self.len += 1;
        } else {
            // Spilled: from now on `more` holds them all.
            self.more.extend_from_slice(&self.few);
            self.more.push(l);
            self.len = 0;
        }
    }

    fn retain(&mut self, keep: impl Fn(ListIx) -> bool) {
        if self.more.is_empty() {
            let mut n = 0;
            for i in 0..self.len {
                let Some(l) = self.few.get(i).copied() else {
                    break;
                };
                if keep(l) {
                    if let Some(slot) = self.few.get_mut(n) {
                        *slot = l;
                    }
                    n += 1;
                }
            }
            self.len = n;
        } else {
            self.more.retain(|l| keep(*l));
        }
    }
}

pub(crate) fn clause_of<'p>(
    list: &'p crate::check::TriggerListM,
    clause: &'p crate::check::ClauseM,
) -> Clause<'p> {
    Clause {
        citation: clause.citation.as_str(),
        list: list.citation.as_str(),
        number: clause.number.as_deref(),
        text: clause.text.as_str(),
        parties: &list.parties,
    }
}

/// One clause explained, as [`triggers`] with why-not gives it: its
/// outcome with the reasons, and whom it holds to account (a catch-all
/// adds nobody when a clause of its list matched).
pub(crate) fn explain<'p>(
    c: &'p Compiled,
    inc: &'p BoundIncident,
    id: ClauseIx,
) -> ClauseResult<'p> {
    let ev = Eval {
        c,
        facts: &inc.facts,
    };
    let (_, list, clause) = c.clause(id);
    let Some(outcome) = ev.outcome(clause.cond, clause.catch_all, true) else {
        crate::compile::internal(format!(
            "clause `{}` has no outcome with its reasons",
            clause.citation
        ))
    };
    let list_matched = || {
        list.clauses
            .iter()
            .any(|k| !k.catch_all && k.cond.is_some_and(|root| ev.eval(root) == Tri::True))
    };
    let mut people = People::new(c, inc);
    let (accountable, unreached) = match outcome {
        Outcome::Matched { .. } => people.resolve(clause.citation.as_str(), &clause.against),
        Outcome::Discretionary if !list_matched() => {
            people.resolve(clause.citation.as_str(), &clause.against)
        }
        _ => (Vec::new(), Vec::new()),
    };
    ClauseResult {
        clause: clause_of(list, clause),
        outcome,
        accountable,
        unreached,
    }
}

pub(crate) fn triggers<'p>(
    c: &'p Compiled,
    inc: &'p BoundIncident,
    why_not: bool,
) -> TriggerAnswer<'p> {
    // The facts given that the policy reads, as a set over the facts (in
    // declaration order, each once).
    let mut used = FactsFound::default();
    c.facts
        .ids()
        .filter(|i| *c.fact_read.get(*i) && inc.facts.get(*i).is_some())
        .for_each(|i| used.add(i));
    let facts_used = FactNames {
        facts: &c.facts,
        set: used.set(),
    };
    let applicability = c.applicability(inc.date);
    if let Applicability::NotApplicable { .. } = applicability {
        return TriggerAnswer {
            date: inc.date,
            applicability,
            clauses: Vec::new(),
            sanctions: Vec::new(),
            consequences: Vec::new(),
            facts_used,
            procedure: Vec::new(),
            liability: None,
        };
    }
    let ev = Eval {
        c,
        facts: &inc.facts,
    };
    let mut people = People::new(c, inc);
    let candidates = candidates(c, inc, why_not);
    let mut clauses = Vec::with_capacity(candidates.bound());
    // Lists with a matched clause, and lists with only a discretionary one.
    let mut lists_matched = ListSet::default();
    let mut lists_open = ListSet::default();
    for id in candidates {
        let (li, list, clause) = c.clause(id);
        let Some(outcome) = ev.outcome(clause.cond, clause.catch_all, why_not) else {
            continue;
        };
        let (accountable, unreached) = match outcome {
            Outcome::Matched { .. } => {
                lists_matched.push_new(li);
                people.resolve(clause.citation.as_str(), &clause.against)
            }
            // A clause of its list matched: the catch-all (last in its list)
            // adds nobody to those already held to account.
            Outcome::Discretionary if lists_matched.contains(li) => (Vec::new(), Vec::new()),
            Outcome::Discretionary => {
                lists_open.push_new(li);
                people.resolve(clause.citation.as_str(), &clause.against)
            }
            _ => (Vec::new(), Vec::new()),
        };
        clauses.push(ClauseResult {
            clause: clause_of(list, clause),
            outcome,
            accountable,
            unreached,
        });
    }
    lists_open.retain(|l| !lists_matched.contains(l));
    // Sanctions of the lists that matched, then of those only open to judgement.
    let mut sanctions = Vec::new();
    for (li, discretionary) in lists_matched
        .as_slice()
        .iter()
        .map(|l| (*l, false))
        .chain(lists_open.as_slice().iter().map(|l| (*l, true)))
    {
        let list = c.trigger_lists.get(li).citation.as_str();
        for s in c
            .sanctions
            .iter()
            .filter(|s| s.lists.is_empty() || s.lists.contains(&li))
        {
            sanctions.push(match &s.kind {
                SanctionsKindM::Menu(m) => Sanctions {
                    citation: s.citation.as_str(),
                    for_list: list,
                    graded_by: None,
                    grade: None,
                    measures: m,
                    discretionary,
                },
                SanctionsKindM::Graded {
                    fact,
                    measures,
                    grades,
                } => {
                    // The grade of the level given, or every grade.
                    let (grade, chosen) = match (*inc.facts.get(*fact), ev.seen(*fact)) {
                        (Some(Val::Sym(l)), Some(Seen::Name(n))) => (
                            Some(n),
                            grades
                                .iter()
                                .find(|(g, _)| *g == l)
                                .and_then(|(_, r)| measures.get(r.clone()))
                                .unwrap_or_default(),
                        ),
                        _ => (None, measures.as_slice()),
                    };
                    Sanctions {
                        citation: s.citation.as_str(),
                        for_list: list,
                        graded_by: Some(c.facts.get(*fact).name.as_str()),
                        grade,
                        measures: chosen,
                        discretionary,
                    }
                }
            });
        }
    }
    let consequences = c
        .consequences
        .iter()
        .filter_map(|k| {
            let outcome = ev.outcome(Some(k.cond), false, false)?;
            let (accountable, unreached) = match outcome {
                Outcome::Matched { .. } => people.resolve(k.citation.as_str(), &k.against),
                _ => (Vec::new(), Vec::new()),
            };
            Some(Consequence {
                citation: k.citation.as_str(),
                text: k.text.as_str(),
                aggravating: k.aggravating,
                outcome,
                accountable,
                unreached,
            })
        })
        .collect();
    TriggerAnswer {
        date: inc.date,
        applicability,
        clauses,
        sanctions,
        consequences,
        facts_used,
        procedure: crate::eval::liability::procedures(
            c,
            &ev,
            Some((lists_matched.as_slice(), lists_open.as_slice())),
        ),
        liability: inc
            .decision
            .as_ref()
            .and_then(|_| crate::eval::liability::liability(c, inc).ok())
            .map(Box::new),
    }
}

#[cfg(test)]
mod tests {
    use super::ListSet;
    use crate::ids::{Idx as _, ListIx};

    fn l(i: u32) -> ListIx {
        ListIx::from_raw(i)
    }

    #[test]
    fn a_list_set_keeps_order_and_empties_after_spilling() {
        let mut s = ListSet::default();
        for i in [3, 3, 1, 4, 1, 5, 9] {
            s.push_new(l(i));
        }
        // Only a repeat of the last one added is dropped.
        assert_eq!(s.as_slice(), [l(3), l(1), l(4), l(1), l(5), l(9)]);
        assert!(s.contains(l(9)) && !s.contains(l(2)));
        s.retain(|x| x != l(1));
        assert_eq!(s.as_slice(), [l(3), l(4), l(5), l(9)]);
        s.retain(|_| false);
        assert!(
            s.as_slice().is_empty(),
            "nothing left over from before the spill"
        );
        s.push_new(l(7));
        assert_eq!(s.as_slice(), [l(7)]);
        let mut few = ListSet::default();
        few.push_new(l(2));
        few.push_new(l(6));
        few.retain(|x| x == l(6));
        assert_eq!(few.as_slice(), [l(6)]);
    }
}
