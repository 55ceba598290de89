//! The algorithm behind [`crate::liability`]; the answer types live there.

use crate::check::TargetId;
use crate::compile::{Compiled, NO_PARENT};
use crate::eval::triggers::Eval;
use crate::incident::{BoundDecision, BoundIncident};
use crate::liability::*;
use crate::triggers::Outcome;
use crate::QueryError;
/// The steps of the policy's procedure articles that apply to an incident.
///
/// With `lists` (the trigger lists with a matched clause, and those with
/// only a discretionary one), an article bound to lists (`for "…"`) applies
/// when one of them matched; an article bound to none applies when any list
/// matched. Only open lists: shown, marked discretionary. Without `lists`
/// (a liability answer) every article applies. A step whose condition fails
/// is left out; one whose condition is unknown is kept with the facts missing.
pub(crate) fn procedures<'p>(
    c: &'p Compiled,
    ev: &Eval<'p, '_>,
    lists: Option<(&[u32], &[u32])>,
) -> Vec<Procedure<'p>> {
    let mut out = Vec::new();
    for p in &c.procedures {
        let hit = |ls: &[u32]| {
            if p.lists.is_empty() {
                !ls.is_empty()
            } else {
                p.lists.iter().any(|l| ls.contains(l))
            }
        };
        let discretionary = match lists {
            None => false,
            Some((matched, _)) if hit(matched) => false,
            Some((_, open)) if hit(open) => true,
            Some(_) => continue,
        };
        let mut steps = Vec::new();
        for s in &p.steps {
            let (condition, missing) = match s.cond {
                None => (None, Vec::new()),
                Some(root) => match ev.outcome(Some(root), false, false) {
                    Some(Outcome::Matched { .. }) => (Some(s.cond_text.as_str()), Vec::new()),
                    Some(Outcome::Undetermined { missing }) => {
                        (Some(s.cond_text.as_str()), missing)
                    }
                    _ => continue,
                },
            };
            steps.push(ProcedureStep {
                step: s.kind,
                bodies: s.bodies.iter().map(String::as_str).collect(),
                jointly: s.jointly.iter().map(String::as_str).collect(),
                as_needed: s.as_needed,
                condition,
                missing,
            });
        }
        out.push(Procedure {
            citation: p.citation.as_str(),
            steps,
            basis: p.basis.iter().map(String::as_str).collect(),
            discretionary,
        });
    }
    out
}

fn name(v: &[String], i: u32) -> &str {
    crate::compile::named(v, i, "name")
}

pub(crate) fn liability<'p>(
    c: &'p Compiled,
    inc: &BoundIncident,
) -> Result<LiabilityAnswer<'p>, QueryError> {
    if let Some(effective) = c.not_in_force(inc.date) {
        return Err(QueryError::NotInForce {
            on: inc.date,
            effective,
        });
    }
    let Some(rules) = c.liability.first() else {
        return Err(QueryError::NoLiabilityRules);
    };
    let Some(decision) = &inc.decision else {
        return Err(QueryError::NoDecision);
    };
    let on = inc.date;
    let ev = Eval {
        c,
        facts: &inc.facts,
    };
    let procedure = procedures(c, &ev, None);
    let duty = |d: u32| c.duties.get(d as usize).map(String::as_str);
    match decision {
        BoundDecision::Individual { by } => Ok(LiabilityAnswer {
            date: on,
            citation: rules.citation.as_str(),
            decision: "individual",
            unit: None,
            people: vec![PersonLiability {
                person: name(&c.people, *by),
                liability: duty(rules.individual),
                reason: "decided or approved alone",
                posts: Vec::new(),
                covers: None,
            }],
            procedure,
            warnings: Vec::new(),
        }),
        BoundDecision::Collective {
            unit,
            participants,
            objectors,
        } => {
            let Some(unit) = unit.or(inc.unit) else {
                return Err(QueryError::NoDecidingUnit);
            };
            // What the incident concerns, for 分管: its matter, its unit and the units above it.
            let mut concerned: Vec<TargetId> = Vec::new();
            if let Some(m) = inc.matter {
                concerned.push(TargetId::Matter(m));
            }
            let mut u = inc.unit.unwrap_or(NO_PARENT);
            while u != NO_PARENT && u != unit {
                concerned.push(TargetId::Unit(u));
                u = c
                    .units
                    .get(u as usize)
                    .map(|x| x.parent)
                    .unwrap_or(NO_PARENT);
            }
            let mut people: Vec<(u32, usize, PersonLiability<'p>)> = Vec::new();
            let mut warnings = Vec::new();
            // Binding checked that every objector is a participant.
            for (order, p) in participants.iter().enumerate() {
                let posts: Vec<Post<'p>> = c
                    .person_posts
                    .get(*p)
                    .iter()
                    .filter(|post| post.unit == unit && post.when.contains(on))
                    .map(|post| Post {
                        position: crate::compile::item(&c.positions, post.position, "positions")
                            .name
                            .as_str(),
                        unit: crate::compile::item(&c.units, post.unit, "units")
                            .name
                            .as_str(),
                    })
                    .collect();
                if posts.is_empty() {
                    warnings.push(LiabilityWarning::NotInTeam {
                        person: name(&c.people, *p),
                        unit: crate::compile::item(&c.units, unit, "units").name.as_str(),
                    });
                }
                let main_post = c.person_posts.get(*p).iter().any(|post| {
                    post.unit == unit
                        && post.when.contains(on)
                        && rules.main_positions.contains(&post.position)
                });
                let covers = c
                    .person_covered
                    .get(*p)
                    .iter()
                    .find(|cv| cv.when.contains(on) && concerned.contains(&cv.target))
                    .map(|cv| match cv.target {
                        TargetId::Unit(u) => {
                            crate::compile::item(&c.units, u, "units").name.as_str()
                        }
                        TargetId::Matter(m) => {
                            crate::compile::item(&c.matters, m, "matters").name.as_str()
                        }
                    });
                let (rank, liability, reason) = if objectors.contains(p) {
                    (u32::MAX, None, "objected on record and was overruled")
                } else if main_post {
                    (
                        rules.main,
                        duty(rules.main),
                        "main leader of the deciding team",
                    )
                } else if covers.is_some() {
                    (
                        rules.main,
                        duty(rules.main),
                        "directly in charge (分管) of what the incident concerns",
                    )
                } else {
                    (
                        rules.others,
                        duty(rules.others),
                        "took part in the decision",
                    )
                };
                people.push((
                    rank,
                    order,
                    PersonLiability {
                        person: name(&c.people, *p),
                        liability,
                        reason,
                        posts,
                        covers: if main_post { None } else { covers },
                    },
                ));
            }
            if !participants.is_empty() && participants.iter().all(|p| objectors.contains(p)) {
                warnings.push(LiabilityWarning::AllObjected);
            }
            people.sort_by_key(|(rank, order, _)| (*rank, *order));
            Ok(LiabilityAnswer {
                date: on,
                citation: rules.citation.as_str(),
                decision: "collective",
                unit: c.units.get(unit as usize).map(|x| x.name.as_str()),
                people: people.into_iter().map(|(_, _, p)| p).collect(),
                procedure,
                warnings,
            })
        }
    }
}
