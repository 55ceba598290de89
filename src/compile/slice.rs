//! Trigger conditions compiled into bit-sliced form for the lean query
//! ([`crate::Policy::matching`]).
//!
//! Clauses whose conditions have the same shape — the same tree of `and`,
//! `or` and `not` over leaf tests, whatever the tests are — are evaluated
//! together: bit `j` of every word array stands for the shape's `j`-th
//! clause, so one pass over the shape's tree with word-wide operations
//! evaluates all of them in three-valued logic (a `yes` and a `maybe`
//! array). The leaves at one place of the shape form a column; a column's
//! tests on an enumeration, scale or boolean fact are precomputed as one
//! row of bits per value the fact can take, so such a test costs a word
//! copy per 64 clauses; other tests (numbers, dates, sets) are evaluated
//! one by one, and only for the clauses still open when their turn comes.
//!
//! A shape gains from this only when many of its clauses would be evaluated
//! for an incident: where the guard index leaves the interpreter a few
//! clauses of a shape to look at (its clauses test one value each of an
//! enumeration, as a list of kinds of failure does), the shape stays with
//! the interpreter.

use super::cond::{Clauses, Op, Program};
use crate::check::{FactM, FactTy, ScaleM, TriggerListM, Val};
use crate::eval::triggers::test;
use crate::ids::{ClauseIx, CondIx, FactIx, Idx, ListIx, ScaleIx, Table};
use crate::triggers::Tri;
use std::collections::HashMap;

/// Shapes of which the interpreter would look at fewer clauses than this
/// for an incident (the guard index passing over the others), on average
/// over the guard's values, are left to it.
const MIN_CANDIDATES: f64 = 4.0;

/// One node of a shape, in preorder: a node's children follow it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Node {
    /// Children from the next node up to `end` (the end of its subtree).
    And { end: u32 },
    /// Children from the next node up to `end`.
    Or { end: u32 },
    /// One child: the next node.
    Not,
    /// A leaf test: column `col` of the shape.
    Leaf { col: u32 },
}

/// The tests on one fact in a column, precomputed per value.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub fact: FactIx,
    /// The column's clauses that test this fact.
    pub mask: Vec<u64>,
    /// Per value of the fact (a member, a level, or `false`/`true`), the
    /// clauses whose test holds on it: `values × words` words.
    pub rows: Vec<u64>,
}

/// The leaf tests at one place of a shape, one per clause.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub groups: Vec<Group>,
    /// Clauses whose test here is evaluated one by one.
    pub direct: Vec<u64>,
    /// The test of each clause, by its bit.
    pub leaf: Vec<CondIx>,
}

/// The clauses of one shape.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    /// The clause of each bit, ascending.
    pub clauses: Vec<ClauseIx>,
    /// Words per bit array: ⌈clauses / 64⌉.
    pub words: usize,
    /// Every clause's bit set.
    pub ones: Vec<u64>,
    pub nodes: Vec<Node>,
    pub columns: Vec<Column>,
}

/// The bit-sliced trigger clauses of a policy.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sliced {
    /// Words per bit array over all clauses.
    pub words: usize,
    /// Catch-all clauses, as bits over all clauses.
    pub catch_all: Vec<u64>,
    pub shapes: Vec<Shape>,
    /// The clauses left to the interpreter, with their guard index.
    pub rest: Clauses,
    /// Scratch words one query needs: two arrays over all clauses, and
    /// three arrays per tree level of the largest shape.
    pub scratch: usize,
}

/// A node's shape, as tokens in preorder (`and`/`or` with their child
/// count); every leaf is alike.
fn shape_key(p: &Program, n: CondIx, key: &mut Vec<u32>, leaves: &mut Vec<CondIx>) {
    match p.ops.get(n) {
        Op::And { start, len } | Op::Or { start, len } => {
            key.push(if matches!(p.ops.get(n), Op::And { .. }) {
                0
            } else {
                1
            });
            key.push(*len);
            for k in p.kids(*start, *len) {
                shape_key(p, *k, key, leaves);
            }
        }
        Op::Not { kid } => {
            key.push(2);
            shape_key(p, *kid, key, leaves);
        }
        _ => {
            key.push(3);
            leaves.push(n);
        }
    }
}

/// The nodes of a shape from its key, and the depth of its tree.
fn nodes_of(key: &[u32]) -> (Vec<Node>, usize) {
    fn walk(
        key: &[u32],
        at: &mut usize,
        out: &mut Vec<Node>,
        col: &mut u32,
        depth: usize,
    ) -> usize {
        let tok = key.get(*at).copied().unwrap_or(3);
        *at += 1;
        match tok {
            0 | 1 => {
                let n = key.get(*at).copied().unwrap_or(0);
                *at += 1;
                let me = out.len();
                out.push(Node::Not);
                let mut deepest = depth;
                for _ in 0..n {
                    deepest = deepest.max(walk(key, at, out, col, depth + 1));
                }
                let end = u32::try_from(out.len()).unwrap_or(u32::MAX);
                if let Some(slot) = out.get_mut(me) {
                    *slot = if tok == 0 {
                        Node::And { end }
                    } else {
                        Node::Or { end }
                    };
                }
                deepest
            }
            2 => {
                out.push(Node::Not);
                walk(key, at, out, col, depth + 1)
            }
            _ => {
                out.push(Node::Leaf { col: *col });
                *col += 1;
                depth
            }
        }
    }
    let mut out = Vec::new();
    let mut col = 0;
    let depth = walk(key, &mut 0, &mut out, &mut col, 0);
    (out, depth)
}

/// How many values a fact can take, when its tests can be precomputed per
/// value: enumeration members, scale levels, booleans.
fn arity(ty: &FactTy, scales: &Table<ScaleIx, ScaleM>) -> Option<usize> {
    match ty {
        FactTy::Enum(m) => Some(m.len()),
        FactTy::Scale(s) => Some(scales.get(*s).levels.len()),
        FactTy::Bool => Some(2),
        FactTy::Set(_) | FactTy::Number | FactTy::Date => None,
    }
}

/// Value `i` of a fact [`arity`] counts: `false` and `true` for a boolean.
fn nth(ty: &FactTy, i: usize) -> Val {
    match ty {
        FactTy::Bool => Val::Bool(i == 1),
        _ => Val::Sym(u32::try_from(i).unwrap_or(u32::MAX)),
    }
}

/// Sets bit `j` of a bit array (bit `j % 64` of word `j / 64`).
#[inline]
pub(crate) fn set(bits: &mut [u64], j: usize) {
    if let Some(w) = bits.get_mut(j / 64) {
        *w |= 1u64 << (j % 64);
    }
}

/// The column of leaves `leaf` (one per clause of a shape).
fn column(
    p: &Program,
    facts: &Table<FactIx, FactM>,
    scales: &Table<ScaleIx, ScaleM>,
    leaf: Vec<CondIx>,
    words: usize,
) -> Column {
    let mut direct = vec![0u64; words];
    // The clauses testing each fact, in first-seen order.
    let mut by_fact: Vec<(FactIx, Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<FactIx, usize> = HashMap::new();
    for (j, n) in leaf.iter().enumerate() {
        match p.fact_of.get(*n) {
            Some(f) if arity(&facts.get(*f).ty, scales).is_some() => {
                let at = *group_of.entry(*f).or_insert_with(|| {
                    by_fact.push((*f, Vec::new()));
                    by_fact.len() - 1
                });
                if let Some((_, js)) = by_fact.get_mut(at) {
                    js.push(j);
                }
            }
            _ => set(&mut direct, j),
        }
    }
    let mut groups = Vec::new();
    for (fact, js) in by_fact {
        let ty = &facts.get(fact).ty;
        let vals = arity(ty, scales).unwrap_or(0);
        // A table costs `values × words` words: kept within a few words per
        // test, so memory stays in proportion to the policy.
        let size = vals.saturating_mul(words);
        let mut exact = size <= 4 * js.len() + 64;
        let mut rows = Vec::new();
        if exact {
            rows = vec![0u64; size];
            for (v, row) in rows.chunks_exact_mut(words.max(1)).enumerate() {
                let v = nth(ty, v);
                for &j in &js {
                    let op = leaf.get(j).map(|n| p.ops.get(*n));
                    match op.map(|op| test(p, op, Some(v))) {
                        Some(Tri::True) => set(row, j),
                        Some(Tri::False) => {}
                        // A value a test cannot decide is not the fact's own:
                        // leave the tests to the interpreter.
                        Some(Tri::Unknown) | None => exact = false,
                    }
                }
            }
        }
        if exact {
            let mut mask = vec![0u64; words];
            js.iter().for_each(|j| set(&mut mask, *j));
            groups.push(Group { fact, mask, rows });
        } else {
            js.iter().for_each(|j| set(&mut direct, *j));
        }
    }
    Column {
        groups,
        direct,
        leaf,
    }
}

/// A clause of a shape, with its leaf tests in the shape's order.
type Member = (ClauseIx, Vec<CondIx>);

/// Groups the clauses with a condition by shape; shapes of at least
/// [`MIN_CANDIDATES`] clauses to evaluate are sliced, the other clauses are
/// left to the interpreter with their part of the guard index `idx`.
pub(crate) fn slice(
    p: &Program,
    facts: &Table<FactIx, FactM>,
    scales: &Table<ScaleIx, ScaleM>,
    lists: &Table<ListIx, TriggerListM>,
    idx: &Clauses,
) -> Sliced {
    let n = idx.all.len();
    let words = n.div_ceil(64);
    let mut catch_all = vec![0u64; words];
    let mut keys: HashMap<Vec<u32>, usize> = HashMap::new();
    // Per shape: its key, and its clauses with their leaves.
    let mut found: Vec<(Vec<u32>, Vec<Member>)> = Vec::new();
    for (id, (li, ci)) in idx.all.iter_enumerated() {
        let Some(clause) = lists.get(*li).clauses.get(*ci) else {
            continue;
        };
        if clause.catch_all {
            set(&mut catch_all, id.index());
        }
        let Some(root) = clause.cond else { continue };
        let (mut key, mut leaves) = (Vec::new(), Vec::new());
        shape_key(p, root, &mut key, &mut leaves);
        let at = *keys.entry(key.clone()).or_insert_with(|| {
            found.push((key, Vec::new()));
            found.len() - 1
        });
        if let Some((_, members)) = found.get_mut(at) {
            members.push((id, leaves));
        }
    }
    // The share of incidents for which the interpreter evaluates each
    // clause: 1 unguarded, else the share of its guard's values that pass it.
    // Each clause is in one guard at most.
    let mut passes = vec![0usize; n];
    let mut of = vec![0usize; n];
    for (_, slots) in &idx.guards {
        for id in slots.iter().flatten() {
            if let (Some(k), Some(m)) = (passes.get_mut(id.index()), of.get_mut(id.index())) {
                *k += 1;
                *m = slots.len();
            }
        }
    }
    let share: Vec<f64> = passes
        .iter()
        .zip(&of)
        .map(|(k, m)| if *m == 0 { 1.0 } else { *k as f64 / *m as f64 })
        .collect();
    let mut shapes = Vec::new();
    let mut sliced = vec![false; n];
    let mut scratch = 0;
    for (key, members) in found {
        let expected: f64 = members
            .iter()
            .map(|(id, _)| share.get(id.index()).copied().unwrap_or(1.0))
            .sum();
        if expected < MIN_CANDIDATES {
            continue;
        }
        let (nodes, depth) = nodes_of(&key);
        let w = members.len().div_ceil(64);
        let cols = members.first().map_or(0, |(_, l)| l.len());
        let mut leaf_cols: Vec<Vec<CondIx>> = vec![Vec::with_capacity(members.len()); cols];
        let mut clauses = Vec::with_capacity(members.len());
        for (id, leaves) in members {
            if let Some(s) = sliced.get_mut(id.index()) {
                *s = true;
            }
            clauses.push(id);
            for (col, l) in leaf_cols.iter_mut().zip(leaves) {
                col.push(l);
            }
        }
        let mut ones = vec![0u64; w];
        (0..clauses.len()).for_each(|j| set(&mut ones, j));
        let columns = leaf_cols
            .into_iter()
            .map(|l| column(p, facts, scales, l, w))
            .collect();
        scratch = scratch.max((depth + 2) * 3 * w);
        shapes.push(Shape {
            clauses,
            words: w,
            ones,
            nodes,
            columns,
        });
    }
    let keep = |c: &ClauseIx| !sliced.get(c.index()).copied().unwrap_or(false);
    let rest = Clauses {
        all: Table::default(),
        unguarded: idx.unguarded.iter().copied().filter(keep).collect(),
        guards: idx
            .guards
            .iter()
            .map(|(f, slots)| {
                let slots: Vec<Vec<ClauseIx>> = slots
                    .iter()
                    .map(|s| s.iter().copied().filter(keep).collect())
                    .collect();
                (*f, slots)
            })
            .filter(|(_, slots)| slots.iter().any(|s| !s.is_empty()))
            .collect(),
    };
    Sliced {
        words,
        catch_all,
        shapes,
        rest,
        scratch: scratch + 2 * words,
    }
}
