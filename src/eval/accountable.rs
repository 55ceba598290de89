//! Whom a trigger clause or a consequence holds to account: the duties and
//! posts of its `against`, resolved on the incident's unit or matter and
//! date with the same resolution as `who`.
//!
//! - a duty reaches whoever bears it for the incident's unit (and for its
//!   matter, when it names one): the `who` answers for that duty;
//! - a post reaches its holders in the incident's unit (for an incident that
//!   names only a matter: in the units related to the matter), or a vacancy;
//! - a post with `covering` reaches the holders of that post, in any unit,
//!   who cover (分管 / 联系) the incident's unit, a unit above it, or its matter.

use crate::check::TargetM;
use crate::compile::Compiled;
use crate::ids::{PositionIx, UnitIx};
use crate::incident::BoundIncident;
use crate::triggers::{Accountable, Target, Unreached, UnreachedWhy};
use crate::who::{Bearer, Responsibility, Step};

/// The people of one incident: the `who` answers are computed once, on the
/// first clause that names a duty, and shared by every clause.
pub(crate) struct People<'p, 'i> {
    c: &'p Compiled,
    inc: &'i BoundIncident,
    who: Option<Vec<Responsibility<'p>>>,
}

impl<'p, 'i> People<'p, 'i> {
    pub(crate) fn new(c: &'p Compiled, inc: &'i BoundIncident) -> Self {
        People { c, inc, who: None }
    }

    fn unit_name(&self, u: UnitIx) -> &'p str {
        self.c.units.get(u).name.as_str()
    }

    fn position_name(&self, p: PositionIx) -> &'p str {
        self.c.positions.get(p).name.as_str()
    }

    fn person_name(&self, p: crate::ids::PersonIx) -> &'p str {
        self.c.people.get(p).as_str()
    }

    fn responsibilities(&mut self) -> &[Responsibility<'p>] {
        let (c, inc) = (self.c, self.inc);
        self.who.get_or_insert_with(|| {
            let mut out = Vec::new();
            if let Some(u) = inc.unit {
                out.extend(crate::eval::who::who_unit(c, u, inc.date));
            }
            if let Some(m) = inc.matter {
                let kind = c.matters.get(m).kind;
                for r in crate::eval::who::who_matter(c, Some(m), kind, inc.date) {
                    if !out.iter().any(|o| o.duty == r.duty && o.bearer == r.bearer) {
                        out.push(r);
                    }
                }
            }
            out
        })
    }

    /// The units where a post is looked for: the incident's unit, else the
    /// units related to its matter.
    fn post_units(&self) -> Vec<UnitIx> {
        if let Some(u) = self.inc.unit {
            return vec![u];
        }
        let mut out: Vec<UnitIx> = Vec::new();
        if let Some(m) = self.inc.matter {
            let matter = self.c.matters.get(m);
            for u in matter.rel.iter().flatten() {
                if !out.contains(u) {
                    out.push(*u);
                }
            }
        }
        out
    }

    /// Resolves the targets of one clause or consequence.
    #[inline]
    pub(crate) fn resolve(
        &mut self,
        citation: &'p str,
        targets: &[TargetM],
    ) -> (Vec<Accountable<'p>>, Vec<Unreached<'p>>) {
        // Most clauses hold nobody to account by name: answered in place.
        if targets.is_empty() {
            return (Vec::new(), Vec::new());
        }
        self.resolve_targets(citation, targets)
    }

    #[inline(never)]
    fn resolve_targets(
        &mut self,
        citation: &'p str,
        targets: &[TargetM],
    ) -> (Vec<Accountable<'p>>, Vec<Unreached<'p>>) {
        let mut found: Vec<Accountable<'p>> = Vec::new();
        let mut unreached = Vec::new();
        let nowhere = self.inc.unit.is_none() && self.inc.matter.is_none();
        for t in targets {
            let target = self.target(*t);
            if nowhere {
                unreached.push(Unreached {
                    against: target,
                    citation,
                    why: UnreachedWhy::NoUnitOrMatter,
                });
                continue;
            }
            let before = found.len();
            match *t {
                TargetM::Duty(d) => {
                    let duty = self.c.duties.get(d).as_str();
                    for r in self.responsibilities() {
                        // A bearer given the duty by several rules (item by
                        // item) is held to account once, by the first rule.
                        let again = || {
                            found
                                .get(before..)
                                .is_some_and(|f| f.iter().any(|a| a.bearer == r.bearer))
                        };
                        if r.duty == duty && !again() {
                            found.push(Accountable {
                                against: target,
                                bearer: r.bearer.clone(),
                                citation,
                                assigned_by: Some(r.citation),
                                path: r.path.clone(),
                            });
                        }
                    }
                }
                TargetM::Post {
                    position,
                    covering: false,
                } => {
                    for u in self.post_units() {
                        self.holders(target, citation, u, position, &mut found);
                    }
                }
                TargetM::Post {
                    position,
                    covering: true,
                } => self.coverers(target, citation, position, &mut found),
            }
            if found.len() == before {
                unreached.push(Unreached {
                    against: target,
                    citation,
                    why: match t {
                        TargetM::Duty(_) => UnreachedWhy::NotAssigned,
                        TargetM::Post { covering: true, .. } => UnreachedWhy::NobodyCovers,
                        // A matter related to no unit: nowhere to look for the post.
                        TargetM::Post {
                            covering: false, ..
                        } => UnreachedWhy::NoUnitOrMatter,
                    },
                });
            }
        }
        (found, unreached)
    }

    fn target(&self, t: TargetM) -> Target<'p> {
        match t {
            TargetM::Duty(d) => Target::Duty(self.c.duties.get(d).as_str()),
            TargetM::Post {
                position,
                covering: false,
            } => Target::Post(self.position_name(position)),
            TargetM::Post {
                position,
                covering: true,
            } => Target::PostCovering(self.position_name(position)),
        }
    }

    /// Holders of `position` in `unit` on the incident's date, or a vacancy.
    fn holders(
        &self,
        against: Target<'p>,
        citation: &'p str,
        unit: UnitIx,
        position: PositionIx,
        out: &mut Vec<Accountable<'p>>,
    ) {
        let on = self.inc.date;
        let mut any = false;
        for t in self.c.unit_tenures.get(unit) {
            if t.position != position || !t.when.contains(on) {
                continue;
            }
            any = true;
            let (person, pos, u) = (
                self.person_name(t.person),
                self.position_name(position),
                self.unit_name(unit),
            );
            out.push(Accountable {
                against,
                bearer: self.c.holder(unit, position, t.person, t.via),
                citation,
                assigned_by: None,
                path: vec![Step::Holds {
                    person,
                    position: pos,
                    unit: u,
                }],
            });
        }
        if !any {
            out.push(Accountable {
                against,
                bearer: Bearer::Vacant {
                    unit: self.unit_name(unit),
                    position: self.position_name(position),
                },
                citation,
                assigned_by: None,
                path: Vec::new(),
            });
        }
    }

    /// Holders of `position` who cover the incident's matter, its unit or a
    /// unit above it, nearest first; each person once.
    fn coverers(
        &self,
        against: Target<'p>,
        citation: &'p str,
        position: PositionIx,
        out: &mut Vec<Accountable<'p>>,
    ) {
        let (c, on) = (self.c, self.inc.date);
        let mut seen: Vec<crate::ids::PersonIx> = Vec::new();
        let mut visit = |covered_name: &'p str,
                         under: Option<(&'p str, &'p str)>,
                         coverers: &[crate::compile::Coverer],
                         out: &mut Vec<Accountable<'p>>| {
            for cov in coverers {
                if !cov.when.contains(on) || seen.contains(&cov.person) {
                    continue;
                }
                let Some(post) = c
                    .person_posts
                    .get(cov.person)
                    .iter()
                    .find(|p| p.position == position && p.when.contains(on))
                else {
                    continue;
                };
                seen.push(cov.person);
                let (person, pos, unit) = (
                    self.person_name(cov.person),
                    self.position_name(position),
                    self.unit_name(post.unit),
                );
                let mut path = vec![
                    Step::Holds {
                        person,
                        position: pos,
                        unit,
                    },
                    Step::Covers {
                        person,
                        target: covered_name,
                        liaison: cov.liaison,
                    },
                ];
                if let Some((unit, ancestor)) = under {
                    path.push(Step::Under { unit, ancestor });
                }
                out.push(Accountable {
                    against,
                    bearer: c.holder(post.unit, position, cov.person, post.via),
                    citation,
                    assigned_by: None,
                    path,
                });
            }
        };
        if let Some(m) = self.inc.matter {
            let name = c.matters.get(m).name.as_str();
            visit(name, None, c.matter_coverers.get(m), out);
        }
        if let Some(unit) = self.inc.unit {
            let mut at = Some(unit);
            while let Some(covered) = at {
                let under =
                    (covered != unit).then(|| (self.unit_name(unit), self.unit_name(covered)));
                visit(
                    self.unit_name(covered),
                    under,
                    c.unit_coverers.get(covered),
                    out,
                );
                at = c.units.get(covered).parent;
            }
        }
    }
}
