//! The algorithm behind [`crate::who`]; the answer types live there.

use crate::check::{AnchorM, BearerM, ScopeM, TargetId};
use crate::compile::Compiled;
use crate::ids::{Idx, MatterIx, MatterKindIx, PersonIx, PositionIx, RuleIx, UnitIx};
use crate::who::*;
use chrono::NaiveDate;

struct Ctx<'p> {
    c: &'p Compiled,
    on: NaiveDate,
    out: Vec<Responsibility<'p>>,
}

impl<'p> Ctx<'p> {
    fn unit_name(&self, u: UnitIx) -> &'p str {
        self.c.units.get(u).name.as_str()
    }
    fn position_name(&self, p: PositionIx) -> &'p str {
        self.c.positions.get(p).name.as_str()
    }
    fn person_name(&self, p: PersonIx) -> &'p str {
        self.c.people.get(p).as_str()
    }

    fn push(
        &mut self,
        rule: RuleIx,
        bearer: Bearer<'p>,
        ids: (UnitIx, u32, u32),
        path: Vec<Step<'p>>,
    ) {
        let r = self.c.rules.get(rule);
        self.out.push(Responsibility {
            duty: self.c.duties.get(r.duty).as_str(),
            rank: r.duty.index(),
            bearer,
            citation: r.citation.as_str(),
            path,
            key: (r.duty, ids.0, ids.1, ids.2, rule),
        });
    }

    /// Holders of `position` in `unit` on the date: one responsibility each,
    /// or a vacancy. In the sort key, a vacancy comes after every holder
    /// (person `u32::MAX`) and a team before every position (position and
    /// person 0).
    fn holders(&mut self, rule: RuleIx, unit: UnitIx, position: PositionIx, path: &[Step<'p>]) {
        let mut any = false;
        let c = self.c;
        for t in c.unit_tenures.get(unit) {
            if t.position == position && t.when.contains(self.on) {
                any = true;
                let mut p = path.to_vec();
                p.push(Step::Holds {
                    person: self.person_name(t.person),
                    position: self.position_name(position),
                    unit: self.unit_name(unit),
                });
                let bearer = c.holder(unit, position, t.person, t.via);
                self.push(rule, bearer, (unit, position.raw(), t.person.raw()), p);
            }
        }
        if !any {
            let bearer = Bearer::Vacant {
                unit: self.unit_name(unit),
                position: self.position_name(position),
            };
            self.push(
                rule,
                bearer,
                (unit, position.raw(), u32::MAX),
                path.to_vec(),
            );
        }
    }

    fn team(&mut self, rule: RuleIx, unit: UnitIx, path: Vec<Step<'p>>) {
        let bearer = Bearer::Team {
            unit: self.unit_name(unit),
        };
        self.push(rule, bearer, (unit, 0, 0), path);
    }

    fn finish(mut self) -> Vec<Responsibility<'p>> {
        self.out.sort_by_key(|r| r.key);
        // The same rule reaching the same bearer by two routes (covering two
        // units above the target): keep the first. Different articles giving
        // the same duty are all kept, each with its citation.
        self.out
            .dedup_by(|b, a| a.key == b.key && a.bearer == b.bearer);
        self.out
    }

    /// Is `a` a strict ancestor of `u`?
    fn is_strict_ancestor(&self, a: UnitIx, u: UnitIx) -> bool {
        let units = &self.c.units;
        let target_depth = units.get(a).depth;
        let mut cur = units.get(u).parent;
        while let Some(p) = cur {
            if p == a {
                return true;
            }
            let x = units.get(p);
            if x.depth <= target_depth {
                return false;
            }
            cur = x.parent;
        }
        false
    }
}

pub(crate) fn who_unit(c: &Compiled, unit: UnitIx, on: NaiveDate) -> Vec<Responsibility<'_>> {
    let mut ctx = Ctx {
        c,
        on,
        out: Vec::new(),
    };
    let u = c.units.get(unit);
    let kind = u.kind;
    let scope_step = Step::Kind {
        unit: u.name.as_str(),
        kind: c.unit_kinds.get(kind).as_str(),
    };
    let named = Step::Named {
        name: u.name.as_str(),
    };
    let direct = c
        .kind_rules
        .get(kind)
        .iter()
        .map(|r| (*r, &scope_step))
        .chain(
            c.unit_rules
                .get(&unit)
                .into_iter()
                .flatten()
                .map(|r| (*r, &named)),
        );
    for (ri, step) in direct {
        let rule = c.rules.get(ri);
        match rule.bearer {
            BearerM::Team(AnchorM::Own) => ctx.team(ri, unit, vec![step.clone()]),
            BearerM::Team(AnchorM::Unit(x)) => ctx.team(ri, x, vec![step.clone()]),
            BearerM::Position {
                position,
                of,
                covering: false,
            } => {
                let at = match of {
                    AnchorM::Unit(x) => x,
                    _ => unit,
                };
                ctx.holders(ri, at, position, std::slice::from_ref(step));
            }
            BearerM::Position {
                position,
                of: AnchorM::Unit(x),
                covering: true,
            } => covering_anchored(&mut ctx, ri, unit, x, position, step),
            _ => {}
        }
    }
    // 一岗双责: people covering this unit or a unit above it, who hold a
    // position in a unit further up whose covering rules name that position.
    let mut above = Some(unit);
    while let Some(covered) = above {
        for cov in c.unit_coverers.get(covered) {
            if !cov.when.contains(on) {
                continue;
            }
            for post in c.person_posts.get(cov.person) {
                if !post.when.contains(on) || !ctx.is_strict_ancestor(post.unit, covered) {
                    continue;
                }
                let holding_unit = c.units.get(post.unit);
                let rules = c
                    .kind_cover_rules
                    .get(holding_unit.kind)
                    .iter()
                    .chain(c.unit_cover_rules.get(&post.unit).into_iter().flatten());
                for ri in rules {
                    let rule = c.rules.get(*ri);
                    let BearerM::Position { position, .. } = rule.bearer else {
                        continue;
                    };
                    if position != post.position {
                        continue;
                    }
                    let mut path = vec![Step::Holds {
                        person: ctx.person_name(cov.person),
                        position: ctx.position_name(position),
                        unit: ctx.unit_name(post.unit),
                    }];
                    path.push(Step::Covers {
                        person: ctx.person_name(cov.person),
                        target: ctx.unit_name(covered),
                        liaison: cov.liaison,
                    });
                    if covered != unit {
                        path.push(Step::Under {
                            unit: ctx.unit_name(unit),
                            ancestor: ctx.unit_name(covered),
                        });
                    }
                    let bearer = c.holder(post.unit, position, cov.person, post.via);
                    ctx.push(
                        *ri,
                        bearer,
                        (post.unit, position.raw(), cov.person.raw()),
                        path,
                    );
                }
            }
        }
        above = c.units.get(covered).parent;
    }
    ctx.finish()
}

/// `POSITION of X covering` in a unit scope: holders of the position in X
/// who cover the unit or a unit above it.
fn covering_anchored<'p>(
    ctx: &mut Ctx<'p>,
    ri: RuleIx,
    unit: UnitIx,
    x: UnitIx,
    position: PositionIx,
    step: &Step<'p>,
) {
    let c = ctx.c;
    for t in c.unit_tenures.get(x) {
        if t.position != position || !t.when.contains(ctx.on) {
            continue;
        }
        let mut above = Some(unit);
        while let Some(covered) = above {
            let hit = c
                .unit_coverers
                .get(covered)
                .iter()
                .find(|cv| cv.person == t.person && cv.when.contains(ctx.on));
            if let Some(cv) = hit {
                let mut path = vec![step.clone()];
                path.push(Step::Holds {
                    person: ctx.person_name(t.person),
                    position: ctx.position_name(position),
                    unit: ctx.unit_name(x),
                });
                path.push(Step::Covers {
                    person: ctx.person_name(t.person),
                    target: ctx.unit_name(covered),
                    liaison: cv.liaison,
                });
                let bearer = c.holder(x, position, t.person, t.via);
                ctx.push(ri, bearer, (x, position.raw(), t.person.raw()), path);
                break;
            }
            above = c.units.get(covered).parent;
        }
    }
}

/// Who is responsible for a matter instance (`Some(m)`) or for any matter of a kind.
pub(crate) fn who_matter(
    c: &Compiled,
    matter: Option<MatterIx>,
    kind: MatterKindIx,
    on: NaiveDate,
) -> Vec<Responsibility<'_>> {
    let mut ctx = Ctx {
        c,
        on,
        out: Vec::new(),
    };
    let (name, rel, routed) = match matter.map(|m| c.matters.get(m)) {
        Some(m) => (m.name.as_str(), m.rel, m.routed),
        None => (
            c.matter_kinds.get(kind).as_str(),
            *c.routes.get(kind),
            [true; 4],
        ),
    };
    let kind_step = Step::MatterKind {
        matter: name,
        kind: c.matter_kinds.get(kind).as_str(),
    };
    let named = Step::Named { name };
    let rules = c
        .matter_kind_rules
        .get(kind)
        .iter()
        .map(|r| (*r, &kind_step))
        .chain(
            matter
                .and_then(|m| c.matter_rules.get(&m))
                .into_iter()
                .flatten()
                .map(|r| (*r, &named)),
        );
    for (ri, step) in rules {
        let rule = c.rules.get(ri);
        let (anchor, position, covering) = match rule.bearer {
            BearerM::Team(a) => (a, None, false),
            BearerM::Position {
                position,
                of,
                covering,
            } => (of, Some(position), covering),
        };
        // The unit the anchor names, and the step explaining it.
        let at: Option<(UnitIx, Option<Step<'_>>)> = match anchor {
            AnchorM::Own => None,
            AnchorM::Unit(x) => Some((x, None)),
            AnchorM::Relation(r) => match rel.get(r as usize).copied().flatten() {
                Some(u) => Some((
                    u,
                    Some(Step::Related {
                        matter: name,
                        relation: r,
                        unit: ctx.unit_name(u),
                        routed: routed.get(r as usize).copied().unwrap_or(false),
                    }),
                )),
                None => continue, // the matter has no such unit: the rule has no bearer here
            },
        };
        let mut path = vec![step.clone()];
        if let Some((_, Some(rs))) = &at {
            path.push(rs.clone());
        }
        match (position, covering) {
            (None, _) => {
                if let Some((u, _)) = at {
                    ctx.team(ri, u, path);
                }
            }
            (Some(p), false) => {
                if let Some((u, _)) = at {
                    ctx.holders(ri, u, p, &path);
                }
            }
            (Some(p), true) => {
                let Some(m) = matter else { continue };
                for cov in c.matter_coverers.get(m) {
                    if !cov.when.contains(on) {
                        continue;
                    }
                    for post in c.person_posts.get(cov.person) {
                        let anchored = at.as_ref().map(|(u, _)| *u == post.unit).unwrap_or(true);
                        if post.position != p || !post.when.contains(on) || !anchored {
                            continue;
                        }
                        let mut pp = path.clone();
                        pp.push(Step::Holds {
                            person: ctx.person_name(cov.person),
                            position: ctx.position_name(p),
                            unit: ctx.unit_name(post.unit),
                        });
                        pp.push(Step::Covers {
                            person: ctx.person_name(cov.person),
                            target: name,
                            liaison: cov.liaison,
                        });
                        let bearer = c.holder(post.unit, p, cov.person, post.via);
                        ctx.push(ri, bearer, (post.unit, p.raw(), cov.person.raw()), pp);
                    }
                }
            }
        }
    }
    ctx.finish()
}

/// Every duty `person` holds on the date: the forward answers for every
/// unit and matter the person could answer for, kept where the person is
/// the bearer.
pub(crate) fn duties_of(c: &Compiled, person: PersonIx, on: NaiveDate) -> Vec<Held<'_>> {
    let mut units: Vec<UnitIx> = Vec::new();
    let mut matters: Vec<MatterIx> = Vec::new();
    for post in c.person_posts.get(person) {
        if post.when.contains(on) {
            units.push(post.unit);
        }
    }
    for cov in c.person_covered.get(person) {
        if !cov.when.contains(on) {
            continue;
        }
        match cov.target {
            TargetId::Unit(u) => units.push(u),
            TargetId::Matter(m) => matters.push(m),
        }
    }
    // Units anchored by name in rules, and everything below covered units,
    // could also name the person: include every unit a rule of the person's
    // units reaches. Matters related to the person's units.
    let held_units: Vec<UnitIx> = units.clone();
    for (i, m) in c.matters.iter_enumerated() {
        if m.rel.iter().flatten().any(|u| held_units.contains(u)) {
            matters.push(i);
        }
    }
    // Units whose rules anchor a position or team in one of the person's units.
    for r in &c.rules {
        let anchored = match r.bearer {
            BearerM::Team(AnchorM::Unit(x))
            | BearerM::Position {
                of: AnchorM::Unit(x),
                ..
            } => held_units.contains(&x),
            _ => false,
        };
        if !anchored {
            continue;
        }
        match &r.scope {
            ScopeM::Unit(u) => units.push(*u),
            ScopeM::Matter(m) => matters.push(*m),
            ScopeM::EachUnit(kinds) => {
                for (i, u) in c.units.iter_enumerated() {
                    if kinds.contains(&u.kind) {
                        units.push(i);
                    }
                }
            }
            ScopeM::EachMatter(kinds) => {
                for (i, m) in c.matters.iter_enumerated() {
                    if kinds.contains(&m.kind) {
                        matters.push(i);
                    }
                }
            }
        }
    }
    // Covering a unit covers what lies under it.
    let covered_roots: Vec<UnitIx> = c
        .person_covered
        .get(person)
        .iter()
        .filter(|cv| cv.when.contains(on))
        .filter_map(|cv| match cv.target {
            TargetId::Unit(u) => Some(u),
            TargetId::Matter(_) => None,
        })
        .collect();
    if !covered_roots.is_empty() {
        let ctx = Ctx {
            c,
            on,
            out: Vec::new(),
        };
        for u in c.units.ids() {
            if covered_roots.iter().any(|r| ctx.is_strict_ancestor(*r, u)) {
                units.push(u);
            }
        }
    }
    units.sort_unstable();
    units.dedup();
    matters.sort_unstable();
    matters.dedup();
    let who = c.people.get(person).as_str();
    let mine =
        |r: &Responsibility<'_>| matches!(r.bearer, Bearer::Holder { person, .. } if person == who);
    // Sorted by duty, then units before matters, each in declaration order.
    let mut out: Vec<(TargetId, Held<'_>)> = Vec::new();
    for u in units {
        let name = c.units.get(u).name.as_str();
        for r in who_unit(c, u, on).into_iter().filter(mine) {
            out.push((
                TargetId::Unit(u),
                Held {
                    subject: Subject::Unit(name),
                    responsibility: r,
                },
            ));
        }
    }
    for m in matters {
        let mc = c.matters.get(m);
        for r in who_matter(c, Some(m), mc.kind, on).into_iter().filter(mine) {
            out.push((
                TargetId::Matter(m),
                Held {
                    subject: Subject::Matter(mc.name.as_str()),
                    responsibility: r,
                },
            ));
        }
    }
    out.sort_by_key(|(t, h)| (h.responsibility.key.0, *t, h.responsibility.key));
    out.into_iter().map(|(_, h)| h).collect()
}
