//! Conditions compiled for matching: leaf tests specialised by type,
//! children as ranges of one shared array, and a guard index that skips
//! clauses whose enumeration test the incident already fails.

use crate::check::{CondNode, FactM, FactTy, Test, TriggerListM, Val};
use crate::ids::{ClauseIx, CondIx, FactIx, ListIx, Table};
use crate::syntax::ast::CmpOp;
use chrono::NaiveDate;

#[derive(Debug, Clone)]
pub(crate) enum Op {
    /// Enumeration member or scale level compared with a constant.
    Sym {
        fact: FactIx,
        op: CmpOp,
        want: u32,
    },
    /// Membership of an enumeration member or scale level, as a bit set.
    SymIn {
        fact: FactIx,
        mask: u128,
    },
    /// Membership when a value's index does not fit the bit set.
    SymInList {
        fact: FactIx,
        start: u32,
        len: u32,
    },
    Bool {
        fact: FactIx,
        want: bool,
    },
    Num {
        fact: FactIx,
        op: CmpOp,
        want: f64,
    },
    NumIn {
        fact: FactIx,
        start: u32,
        len: u32,
    },
    Date {
        fact: FactIx,
        op: CmpOp,
        want: NaiveDate,
    },
    DateIn {
        fact: FactIx,
        start: u32,
        len: u32,
    },
    And {
        start: u32,
        len: u32,
    },
    Or {
        start: u32,
        len: u32,
    },
    Not {
        kid: CondIx,
    },
}

/// The compiled conditions of a policy; node ids are the check phase's.
#[derive(Debug, Clone, Default)]
pub(crate) struct Program {
    pub ops: Table<CondIx, Op>,
    /// The children of every `and` and `or`, each a range of it.
    pub kids: Vec<CondIx>,
    pub syms: Vec<u32>,
    pub nums: Vec<f64>,
    pub dates: Vec<NaiveDate>,
    /// Source text of each leaf and `not` node.
    pub text: Table<CondIx, String>,
    /// The fact each leaf reads.
    pub fact_of: Table<CondIx, Option<FactIx>>,
}

impl Op {
    /// The fact a leaf test reads; `None` for `and`, `or`, `not`.
    #[inline]
    pub(crate) fn fact(&self) -> Option<FactIx> {
        match self {
            Op::Sym { fact, .. }
            | Op::SymIn { fact, .. }
            | Op::SymInList { fact, .. }
            | Op::Bool { fact, .. }
            | Op::Num { fact, .. }
            | Op::NumIn { fact, .. }
            | Op::Date { fact, .. }
            | Op::DateIn { fact, .. } => Some(*fact),
            Op::And { .. } | Op::Or { .. } | Op::Not { .. } => None,
        }
    }
}

impl Program {
    /// The children of an `and` or `or` node.
    #[inline]
    pub(crate) fn kids(&self, start: u32, len: u32) -> &[CondIx] {
        range(&self.kids, start, len)
    }
}

/// The `len` items of `v` from `start`: a range an op keeps into one of the
/// program's shared arrays. The ranges are made by [`compile`] over the
/// arrays it fills, so a range past the end is a bug in zeren.
#[inline]
pub(crate) fn range<T>(v: &[T], start: u32, len: u32) -> &[T] {
    // Offsets into arrays: u32 → usize never truncates.
    let (start, len) = (start as usize, len as usize);
    match v.get(start..start.saturating_add(len)) {
        Some(r) => r,
        None => out_of_bounds(start, len, v.len()),
    }
}

/// Reports a range past the end of an array: a bug in zeren. Out of line,
/// so that [`range`] inlines to a bounds check.
#[cold]
#[inline(never)]
#[track_caller]
fn out_of_bounds(start: usize, len: usize, entries: usize) -> ! {
    crate::compile::internal(format!(
        "range {start}+{len} is out of bounds ({entries} entries)"
    ))
}

/// Clauses in list and clause order, and which to evaluate for an incident.
#[derive(Debug, Clone, Default)]
pub(crate) struct Clauses {
    /// Every clause: its list, and its position in the list.
    pub all: Table<ClauseIx, (ListIx, usize)>,
    /// Clauses with no guard: always evaluated.
    pub unguarded: Vec<ClauseIx>,
    /// `(fact, per value: clauses guarded by fact = value)`.
    pub guards: Vec<(FactIx, Vec<Vec<ClauseIx>>)>,
}

fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The clauses guarded by value `v` of an enumeration fact, from its
/// slots (one per member). Values are checked against the fact's type, so
/// a value with no slot is a bug in zeren.
#[inline]
pub(crate) fn guarded(slots: &[Vec<ClauseIx>], v: u32) -> &[ClauseIx] {
    match usize::try_from(v).ok().and_then(|at| slots.get(at)) {
        Some(slot) => slot,
        None => crate::compile::internal(format!(
            "value {v} is out of range ({} values)",
            slots.len()
        )),
    }
}

pub(crate) fn compile(nodes: &Table<CondIx, CondNode>) -> Program {
    let mut p = Program::default();
    for n in nodes {
        let (op, text, fact) = match n {
            CondNode::And(k) | CondNode::Or(k) => {
                let start = len32(p.kids.len());
                p.kids.extend_from_slice(k);
                let len = len32(k.len());
                let op = if matches!(n, CondNode::And(_)) {
                    Op::And { start, len }
                } else {
                    Op::Or { start, len }
                };
                (op, String::new(), None)
            }
            CondNode::Not(kid, text) => (Op::Not { kid: *kid }, text.clone(), None),
            CondNode::Test { fact, test, text } => {
                let f = *fact;
                let op = match test {
                    Test::Truthy => Op::Bool {
                        fact: f,
                        want: true,
                    },
                    Test::Cmp(op, Val::Bool(b)) => Op::Bool {
                        fact: f,
                        want: if *op == CmpOp::Eq { *b } else { !*b },
                    },
                    Test::Cmp(_, Val::Set(_)) => crate::compile::internal(
                        "a condition compares a fact with a set; the checker admits single values only"
                            .into(),
                    ),
                    Test::Cmp(op, Val::Sym(s)) => Op::Sym {
                        fact: f,
                        op: *op,
                        want: *s,
                    },
                    Test::Cmp(op, Val::Num(x)) => Op::Num {
                        fact: f,
                        op: *op,
                        want: *x,
                    },
                    Test::Cmp(op, Val::Date(d)) => Op::Date {
                        fact: f,
                        op: *op,
                        want: *d,
                    },
                    Test::In(vals) => {
                        let syms: Vec<u32> = vals
                            .iter()
                            .filter_map(|v| match v {
                                Val::Sym(s) => Some(*s),
                                _ => None,
                            })
                            .collect();
                        let nums: Vec<f64> = vals
                            .iter()
                            .filter_map(|v| match v {
                                Val::Num(x) => Some(*x),
                                _ => None,
                            })
                            .collect();
                        let dates: Vec<NaiveDate> = vals
                            .iter()
                            .filter_map(|v| match v {
                                Val::Date(d) => Some(*d),
                                _ => None,
                            })
                            .collect();
                        if !nums.is_empty() {
                            let start = len32(p.nums.len());
                            p.nums.extend_from_slice(&nums);
                            Op::NumIn {
                                fact: f,
                                start,
                                len: len32(nums.len()),
                            }
                        } else if !dates.is_empty() {
                            let start = len32(p.dates.len());
                            p.dates.extend_from_slice(&dates);
                            Op::DateIn {
                                fact: f,
                                start,
                                len: len32(dates.len()),
                            }
                        } else if syms.iter().all(|s| *s < 128) {
                            let mask = syms.iter().fold(0u128, |m, s| m | (1u128 << s));
                            Op::SymIn { fact: f, mask }
                        } else {
                            let start = len32(p.syms.len());
                            p.syms.extend_from_slice(&syms);
                            Op::SymInList {
                                fact: f,
                                start,
                                len: len32(syms.len()),
                            }
                        }
                    }
                };
                (op, text.clone(), Some(f))
            }
        };
        p.ops.push(op);
        p.text.push(text);
        p.fact_of.push(fact);
    }
    p
}

/// The enumeration test a clause cannot match without: its root, or the
/// first such conjunct of a root `and` (a false conjunct makes `and` false).
fn guard(p: &Program, facts: &Table<FactIx, FactM>, root: CondIx) -> Option<(FactIx, Vec<u32>)> {
    let leaf = |n: CondIx| -> Option<(FactIx, Vec<u32>)> {
        let is_enum = |f: FactIx| matches!(facts.get(f).ty, FactTy::Enum(_));
        match p.ops.get(n) {
            Op::Sym {
                fact,
                op: CmpOp::Eq,
                want,
            } if is_enum(*fact) => Some((*fact, vec![*want])),
            Op::SymIn { fact, mask } if is_enum(*fact) => Some((
                *fact,
                (0..128).filter(|b| mask & (1u128 << b) != 0).collect(),
            )),
            _ => None,
        }
    };
    match p.ops.get(root) {
        Op::And { start, len } => p.kids(*start, *len).iter().find_map(|k| leaf(*k)),
        _ => leaf(root),
    }
}

pub(crate) fn index(
    p: &Program,
    facts: &Table<FactIx, FactM>,
    lists: &Table<ListIx, TriggerListM>,
) -> Clauses {
    let mut out = Clauses::default();
    for (li, list) in lists.iter_enumerated() {
        for (ci, clause) in list.clauses.iter().enumerate() {
            let id = out.all.push((li, ci));
            let g = clause.cond.and_then(|root| guard(p, facts, root));
            match g {
                None => out.unguarded.push(id),
                Some((fact, values)) => {
                    let members = match &facts.get(fact).ty {
                        FactTy::Enum(m) => m.len(),
                        _ => 0,
                    };
                    let pos = match out.guards.iter().position(|(f, _)| *f == fact) {
                        Some(i) => i,
                        None => {
                            out.guards.push((fact, vec![Vec::new(); members]));
                            out.guards.len() - 1
                        }
                    };
                    if let Some((_, slots)) = out.guards.get_mut(pos) {
                        for v in values {
                            // The values are the enumeration's own (an
                            // `Eq`/`in` test on it), each with its slot.
                            let at = usize::try_from(v).unwrap_or(usize::MAX);
                            match slots.get_mut(at) {
                                Some(slot) => slot.push(id),
                                None => crate::compile::internal(format!(
                                    "value {v} of a guard is out of range ({members} values)"
                                )),
                            }
                        }
                    }
                }
            }
        }
    }
    out
}
