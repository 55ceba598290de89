//! The lean trigger query over the bit-sliced clauses
//! ([`crate::compile::slice`]): every shape evaluated with word-wide
//! operations, the few clauses left over by the interpreter, and the
//! verdicts read off in clause order.

use super::triggers::{candidates_in, clause_of, Eval};
use crate::check::Val;
use crate::compile::slice::{set, Column, Node, Shape};
use crate::compile::Compiled;
use crate::ids::{ClauseIx, Idx};
use crate::incident::BoundIncident;
use crate::triggers::{Applicability, Clause, Matching, Tri};

/// The first `n` words of `buf`, and the rest. Scratch is sized when the
/// policy is compiled, so a shortfall is a bug in zeren.
#[inline]
fn take(buf: &mut [u64], n: usize) -> (&mut [u64], &mut [u64]) {
    let len = buf.len();
    match buf.split_at_mut_checked(n) {
        Some(parts) => parts,
        None => crate::compile::internal(format!(
            "scratch of {len} words is short of {n} for a sliced condition"
        )),
    }
}

/// A child's verdict (`ky`, `km`) folded into its parent's, word by word.
#[inline]
fn fold(
    yes: &mut [u64],
    maybe: &mut [u64],
    ky: &[u64],
    km: &[u64],
    f: impl Fn(&mut u64, &mut u64, u64, u64),
) {
    for ((y, m), (a, b)) in yes.iter_mut().zip(maybe.iter_mut()).zip(ky.iter().zip(km)) {
        f(y, m, *a, *b);
    }
}

/// Clears from `maybe` what is in `yes`: a clause is one or the other.
#[inline]
fn not_both(maybe: &mut [u64], yes: &[u64]) {
    maybe.iter_mut().zip(yes).for_each(|(m, y)| *m &= !*y);
}

/// The bits set in `words`, ascending.
fn ones(words: &[u64]) -> impl Iterator<Item = usize> + '_ {
    words.iter().enumerate().flat_map(|(k, w)| {
        let mut m = *w;
        std::iter::from_fn(move || {
            (m != 0).then(|| {
                let j = k * 64 + m.trailing_zeros() as usize;
                m &= m - 1;
                j
            })
        })
    })
}

/// One shape evaluated over an incident's facts.
struct Run<'a, 'p, 'f> {
    shape: &'a Shape,
    ev: &'a Eval<'p, 'f>,
}

impl Run<'_, '_, '_> {
    /// Node `i` evaluated for the clauses in `alive` (elsewhere its bits are
    /// left as the enclosing node's verdict makes them irrelevant) into
    /// `yes` and `maybe`; `deeper` is scratch for its children. Returns
    /// the end of the node's subtree.
    fn node(
        &self,
        i: usize,
        alive: &[u64],
        yes: &mut [u64],
        maybe: &mut [u64],
        deeper: &mut [u64],
    ) -> usize {
        let w = self.shape.words;
        match self.shape.nodes.get(i).copied() {
            Some(Node::And { end }) => {
                let end = end as usize;
                let (ky, r) = take(deeper, w);
                let (km, r) = take(r, w);
                // `maybe` holds the clauses not yet false until the end.
                yes.copy_from_slice(alive);
                maybe.copy_from_slice(alive);
                let mut k = i + 1;
                while k < end && maybe.iter().any(|m| *m != 0) {
                    k = self.node(k, maybe, ky, km, r);
                    fold(yes, maybe, ky, km, |y, m, a, b| {
                        *y &= a;
                        *m &= a | b;
                    });
                }
                not_both(maybe, yes);
                end
            }
            Some(Node::Or { end }) => {
                let end = end as usize;
                let (ka, r) = take(deeper, w);
                let (ky, r) = take(r, w);
                let (km, r) = take(r, w);
                yes.fill(0);
                maybe.fill(0);
                let mut k = i + 1;
                while k < end {
                    let mut open = 0;
                    for ((a, l), y) in ka.iter_mut().zip(alive).zip(yes.iter()) {
                        *a = *l & !*y;
                        open |= *a;
                    }
                    if open == 0 {
                        break;
                    }
                    k = self.node(k, ka, ky, km, r);
                    fold(yes, maybe, ky, km, |y, m, a, b| {
                        *y |= a;
                        *m |= b;
                    });
                }
                not_both(maybe, yes);
                end
            }
            Some(Node::Not) => {
                let (ky, r) = take(deeper, w);
                let (km, r) = take(r, w);
                let end = self.node(i + 1, alive, ky, km, r);
                for ((y, m), (l, (a, b))) in yes
                    .iter_mut()
                    .zip(maybe.iter_mut())
                    .zip(alive.iter().zip(ky.iter().zip(km.iter())))
                {
                    *y = *l & !(*a | *b);
                    *m = *b;
                }
                end
            }
            Some(Node::Leaf { col }) => {
                match self.shape.columns.get(col as usize) {
                    Some(column) => self.leaf(column, alive, yes, maybe),
                    None => crate::compile::internal(format!(
                        "column {col} is out of range ({} columns)",
                        self.shape.columns.len()
                    )),
                }
                i + 1
            }
            None => crate::compile::internal(format!(
                "node {i} is out of range ({} nodes)",
                self.shape.nodes.len()
            )),
        }
    }

    /// A column's tests: tables read by the facts' values, the others
    /// evaluated for the clauses in `alive`.
    fn leaf(&self, column: &Column, alive: &[u64], yes: &mut [u64], maybe: &mut [u64]) {
        let w = self.shape.words;
        yes.fill(0);
        maybe.fill(0);
        for g in &column.groups {
            let v = match self.ev.val(g.fact) {
                Some(Val::Sym(v)) => v as usize,
                Some(Val::Bool(b)) => usize::from(b),
                // Not given (a value of another type reads as unknown too,
                // as the interpreter has it).
                _ => {
                    maybe.iter_mut().zip(&g.mask).for_each(|(m, k)| *m |= *k);
                    continue;
                }
            };
            let row = v
                .checked_mul(w)
                .and_then(|at| g.rows.get(at..at.checked_add(w)?));
            match row {
                Some(row) => yes.iter_mut().zip(row).for_each(|(y, r)| *y |= *r),
                None => crate::compile::internal(format!(
                    "value {v} has no row in a sliced column ({} words)",
                    g.rows.len()
                )),
            }
        }
        let open = alive.iter().zip(&column.direct).map(|(a, d)| *a & *d);
        for (k, mut bits) in open.enumerate() {
            while bits != 0 {
                let j = k * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let Some(n) = column.leaf.get(j) else {
                    crate::compile::internal(format!("bit {j} of a sliced column has no test"))
                };
                match self.ev.eval(*n) {
                    Tri::True => set(yes, j),
                    Tri::Unknown => set(maybe, j),
                    Tri::False => {}
                }
            }
        }
    }
}

/// Scratch words kept on the stack; larger policies take them from the heap.
const STACK_WORDS: usize = 32;

/// The lean query: which clauses match, are undetermined or open to
/// judgement — the conditions evaluated, nothing explained.
pub(crate) fn matching<'p>(c: &'p Compiled, inc: &BoundIncident) -> Matching<'p> {
    let applicability = c.applicability(inc.date);
    let mut out = Matching {
        applicability,
        matched: Vec::new(),
        undetermined: Vec::new(),
        discretionary: Vec::new(),
    };
    if let Applicability::NotApplicable { .. } = applicability {
        return out;
    }
    let ev = Eval {
        c,
        facts: &inc.facts,
    };
    let sl = &c.sliced;
    if sl.shapes.is_empty() {
        // Nothing sliced: the verdicts come in clause order as they are found.
        for id in candidates_in(&sl.rest, inc) {
            let (_, list, clause) = c.clause(id);
            let into = match clause.cond.map_or(Tri::True, |root| ev.eval(root)) {
                Tri::True if clause.catch_all => &mut out.discretionary,
                Tri::True => &mut out.matched,
                Tri::Unknown => &mut out.undetermined,
                Tri::False => continue,
            };
            into.push(clause_of(list, clause));
        }
        return out;
    }
    let mut stack = [0u64; STACK_WORDS];
    let mut heap = Vec::new();
    let buf = match stack.get_mut(..sl.scratch) {
        Some(b) => b,
        None => {
            heap.resize(sl.scratch, 0);
            heap.as_mut_slice()
        }
    };
    let (yes, r) = take(buf, sl.words);
    let (maybe, r) = take(r, sl.words);
    for shape in &sl.shapes {
        let (sy, r) = take(r, shape.words);
        let (sm, r) = take(r, shape.words);
        let run = Run { shape, ev: &ev };
        run.node(0, &shape.ones, sy, sm, r);
        let clause = |j: usize| match shape.clauses.get(j) {
            Some(id) => id.index(),
            None => crate::compile::internal(format!("bit {j} of a shape has no clause")),
        };
        ones(sy).for_each(|j| set(yes, clause(j)));
        ones(sm).for_each(|j| set(maybe, clause(j)));
    }
    for id in candidates_in(&sl.rest, inc) {
        let (_, _, clause) = c.clause(id);
        match clause.cond.map_or(Tri::True, |root| ev.eval(root)) {
            Tri::True => set(yes, id.index()),
            Tri::Unknown => set(maybe, id.index()),
            Tri::False => {}
        }
    }
    let count = |v: &[u64]| v.iter().map(|w| w.count_ones() as usize).sum::<usize>();
    out.matched.reserve_exact(count(yes));
    out.undetermined.reserve_exact(count(maybe));
    for (k, w) in sl.catch_all.iter().enumerate() {
        if let Some(y) = yes.get_mut(k) {
            // Catch-alls that hold are open to judgement, not matched.
            let open = *y & *w;
            *y &= !*w;
            for j in ones(&[open]) {
                out.discretionary.push(clause(c, k * 64 + j));
            }
        }
    }
    out.matched.extend(ones(yes).map(|j| clause(c, j)));
    out.undetermined.extend(ones(maybe).map(|j| clause(c, j)));
    out
}

/// The clause of bit `j` over all clauses.
#[inline]
fn clause(c: &Compiled, j: usize) -> Clause<'_> {
    let Ok(raw) = u32::try_from(j) else {
        crate::compile::internal(format!("bit {j} is past the clause ids"))
    };
    let (_, list, clause) = c.clause(ClauseIx::from_raw(raw));
    clause_of(list, clause)
}
