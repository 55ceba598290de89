//! Seats held by virtue of other posts (`seat POS of U is POS2 of U2, …`,
//! 兼任 / 岗位接任者自然替补): each holding of a source post gives a holding
//! of the seat over the days both hold, marked with the post it comes
//! through. Seats may be held through other seats; a seat held through
//! itself is an error.

use super::{Checker, HoldingM};
use crate::diag::{DiagKind, Span};
use crate::ids::{PositionIx, UnitIx};
use crate::limits::MAX_SEAT_HOLDINGS;
use crate::syntax::ast::{Name, OrgStmt};
use chrono::NaiveDate;
use std::collections::HashMap;

/// A post: a position of a unit.
type Post = (PositionIx, UnitIx);

struct Seat {
    target: Post,
    sources: Vec<Post>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    span: Span,
}

impl Checker<'_> {
    /// Resolve the `seat` statements and add the holdings they give.
    pub(super) fn seats(&mut self, stmts: &[&OrgStmt]) {
        let mut seats = Vec::new();
        for s in stmts {
            let OrgStmt::Seat {
                citation,
                position,
                unit,
                sources,
                from,
                to,
            } = s
            else {
                continue;
            };
            let target = self.post(position, unit);
            self.interval(position, from.as_ref(), to.as_ref());
            let mut resolved = Vec::with_capacity(sources.len());
            for (p, u) in sources {
                if let Some(post) = self.post(p, u) {
                    resolved.push(post);
                }
            }
            if let (Some(target), true) = (target, resolved.len() == sources.len()) {
                self.model.seats.push(super::SeatM {
                    citation: citation
                        .as_ref()
                        .map(|c| c.text.clone())
                        .unwrap_or_default(),
                    position: target.0,
                    unit: target.1,
                    sources: resolved.clone(),
                });
                seats.push(Seat {
                    target,
                    sources: resolved,
                    from: from.map(|d| d.date),
                    to: to.map(|d| d.date),
                    span: Span {
                        end: unit.span.end,
                        ..position.span
                    },
                });
            }
        }
        if seats.is_empty() {
            return;
        }
        let order = self.seat_order(&seats);
        self.derive_holdings(&seats, &order);
    }

    fn post(&mut self, position: &Name, unit: &Name) -> Option<Post> {
        let p = self.resolve::<PositionIx>(position);
        let u = self.resolve::<UnitIx>(unit);
        Some((p?, u?))
    }

    fn post_name(&self, (p, u): Post) -> String {
        format!(
            "{} of {}",
            self.model.positions.get(p).name,
            self.model.units.get(u).name
        )
    }

    /// The seats in an order where every seat comes after the seats its
    /// sources are (Kahn's algorithm over posts, linear in the statements).
    /// Seats held through themselves are reported and left out.
    fn seat_order(&mut self, seats: &[Seat]) -> Vec<usize> {
        // Seat indices by the post they fill.
        let mut by_target: HashMap<Post, Vec<usize>> = HashMap::new();
        for (i, s) in seats.iter().enumerate() {
            by_target.entry(s.target).or_default().push(i);
        }
        // A post is ready when every seat filling each of its sources is.
        let mut waiting: HashMap<Post, usize> = HashMap::new();
        let mut dependents: HashMap<Post, Vec<Post>> = HashMap::new();
        for s in seats {
            for src in &s.sources {
                if by_target.contains_key(src) {
                    *waiting.entry(s.target).or_default() += 1;
                    dependents.entry(*src).or_default().push(s.target);
                }
            }
        }
        let mut ready: Vec<Post> = by_target
            .keys()
            .filter(|t| !waiting.contains_key(*t))
            .copied()
            .collect();
        ready.sort();
        let mut order = Vec::with_capacity(seats.len());
        while let Some(post) = ready.pop() {
            order.extend(by_target.get(&post).into_iter().flatten().copied());
            for d in dependents.get(&post).into_iter().flatten() {
                if let Some(n) = waiting.get_mut(d) {
                    *n -= 1;
                    if *n == 0 {
                        waiting.remove(d);
                        ready.push(*d);
                    }
                }
            }
        }
        if !waiting.is_empty() {
            self.seat_cycle(seats, &by_target, &waiting);
        }
        order
    }

    /// Report one cycle among the posts still waiting: walk from one of
    /// them through sources that are still waiting until a post repeats.
    fn seat_cycle(
        &mut self,
        seats: &[Seat],
        by_target: &HashMap<Post, Vec<usize>>,
        waiting: &HashMap<Post, usize>,
    ) {
        let Some(start) = waiting.keys().min().copied() else {
            return;
        };
        let mut walk: Vec<(Post, usize)> = Vec::new();
        let mut cur = start;
        loop {
            if let Some(at) = walk.iter().position(|(p, _)| *p == cur) {
                let chain: Vec<String> = walk
                    .get(at..)
                    .unwrap_or_default()
                    .iter()
                    .map(|(p, _)| self.post_name(*p))
                    .chain(std::iter::once(self.post_name(cur)))
                    .collect();
                let span = walk
                    .get(at)
                    .and_then(|(_, i)| seats.get(*i))
                    .map(|s| s.span)
                    .unwrap_or_default();
                self.error(
                    DiagKind::Cycle,
                    span,
                    format!("the seat {} is held through itself: {}", self.post_name(cur), chain.join(" ← ")),
                    Some("a seat is held by virtue of other posts; end the chain at a post people hold directly".into()),
                );
                return;
            }
            // The seat filling `cur` with a source that is still waiting.
            let next = by_target.get(&cur).into_iter().flatten().find_map(|i| {
                let s = seats.get(*i)?;
                let src = s.sources.iter().find(|p| waiting.contains_key(*p))?;
                Some((*i, *src))
            });
            let Some((i, src)) = next else {
                return;
            };
            walk.push((cur, i));
            cur = src;
        }
    }

    fn derive_holdings(&mut self, seats: &[Seat], order: &[usize]) {
        // Holdings (indices) by post, the derived ones added as they come.
        let mut by_post: HashMap<Post, Vec<usize>> = HashMap::new();
        for (i, h) in self.model.holdings.iter().enumerate() {
            by_post.entry((h.position, h.unit)).or_default().push(i);
        }
        let mut derived = 0usize;
        for s in order.iter().filter_map(|i| seats.get(*i)) {
            for src in &s.sources {
                let held: Vec<usize> = by_post.get(src).cloned().unwrap_or_default();
                for hi in held {
                    let Some(h) = self.model.holdings.get(hi).copied() else {
                        continue;
                    };
                    let from = later(h.from, s.from);
                    let to = earlier(h.to, s.to);
                    if let (Some(f), Some(t)) = (from, to) {
                        if t < f {
                            continue;
                        }
                    }
                    derived += 1;
                    if derived > MAX_SEAT_HOLDINGS {
                        self.error(
                            DiagKind::Limit,
                            s.span,
                            format!("seats give more than {MAX_SEAT_HOLDINGS} holdings"),
                            Some("hold fewer seats through other seats, or give the holdings directly".into()),
                        );
                        return;
                    }
                    by_post
                        .entry(s.target)
                        .or_default()
                        .push(self.model.holdings.len());
                    self.model.holdings.push(HoldingM {
                        person: h.person,
                        position: s.target.0,
                        unit: s.target.1,
                        from,
                        to,
                        via: Some(*src),
                    });
                    self.holding_spans.push(s.span);
                }
            }
        }
    }
}

/// The later of two starts (`None`: open).
fn later(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The earlier of two ends (`None`: open).
fn earlier(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
