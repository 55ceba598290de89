//! The algorithm behind [`crate::liability`]; the answer types live there.

use crate::check::TargetId;
use crate::compile::Compiled;
use crate::eval::triggers::Eval;
use crate::ids::DutyIx;
use crate::incident::{BoundDecision, BoundIncident};
use crate::liability::*;
use crate::triggers::FactNames;
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
    lists: Option<(&[crate::ids::ListIx], &[crate::ids::ListIx])>,
) -> Vec<Procedure<'p>> {
    let mut out = Vec::new();
    for p in &c.procedures {
        let hit = |ls: &[crate::ids::ListIx]| {
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
                None => (None, FactNames::none(&c.facts)),
                Some(root) => match ev.outcome(Some(root), false, false) {
                    Some(Outcome::Matched { .. }) => {
                        (Some(s.cond_text.as_str()), FactNames::none(&c.facts))
                    }
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
    let duty = |d: DutyIx| c.duties.get(d).as_str();
    match decision {
        BoundDecision::Individual { by } => Ok(LiabilityAnswer {
            date: on,
            citation: rules.citation.as_str(),
            decision: "individual",
            unit: None,
            people: vec![PersonLiability {
                person: c.people.get(*by).as_str(),
                liability: Some(duty(rules.individual)),
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
            let mut above = inc.unit;
            while let Some(u) = above.filter(|u| *u != unit) {
                concerned.push(TargetId::Unit(u));
                above = c.units.get(u).parent;
            }
            // By the duty borne (none, for objectors, last), then in the record's order.
            let mut people: Vec<(Option<DutyIx>, usize, PersonLiability<'p>)> = Vec::new();
            let mut warnings = Vec::new();
            // Binding checked that every objector is a participant.
            for (order, p) in participants.iter().enumerate() {
                let posts: Vec<Post<'p>> = c
                    .person_posts
                    .get(*p)
                    .iter()
                    .filter(|post| post.unit == unit && post.when.contains(on))
                    .map(|post| Post {
                        position: c.positions.get(post.position).name.as_str(),
                        unit: c.units.get(post.unit).name.as_str(),
                    })
                    .collect();
                if posts.is_empty() {
                    warnings.push(LiabilityWarning::NotInTeam {
                        person: c.people.get(*p).as_str(),
                        unit: c.units.get(unit).name.as_str(),
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
                        TargetId::Unit(u) => c.units.get(u).name.as_str(),
                        TargetId::Matter(m) => c.matters.get(m).name.as_str(),
                    });
                let (borne, reason) = if objectors.contains(p) {
                    (None, "objected on record and was overruled")
                } else if main_post {
                    (Some(rules.main), "main leader of the deciding team")
                } else if covers.is_some() {
                    (
                        Some(rules.main),
                        "directly in charge (分管) of what the incident concerns",
                    )
                } else {
                    (Some(rules.others), "took part in the decision")
                };
                people.push((
                    borne,
                    order,
                    PersonLiability {
                        person: c.people.get(*p).as_str(),
                        liability: borne.map(duty),
                        reason,
                        posts,
                        covers: if main_post { None } else { covers },
                    },
                ));
            }
            if !participants.is_empty() && participants.iter().all(|p| objectors.contains(p)) {
                warnings.push(LiabilityWarning::AllObjected);
            }
            people.sort_by_key(|(borne, order, _)| (borne.is_none(), *borne, *order));
            Ok(LiabilityAnswer {
                date: on,
                citation: rules.citation.as_str(),
                decision: "collective",
                unit: Some(c.units.get(unit).name.as_str()),
                people: people.into_iter().map(|(_, _, p)| p).collect(),
                procedure,
                warnings,
            })
        }
    }
}
