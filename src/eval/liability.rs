//! The algorithm behind [`crate::liability`]; the answer types live there.

use crate::check::TargetId;
use crate::compile::Compiled;
use crate::ids::{DutyIx, PersonIx};
use crate::incident::{BoundDecision, BoundIncident};
use crate::liability::*;
use crate::QueryError;
/// The policy's procedure articles: who proposes, decides, files.
pub(crate) fn procedures(c: &Compiled) -> Vec<Procedure<'_>> {
    c.procedures
        .iter()
        .map(|p| Procedure {
            citation: p.citation.as_str(),
            propose: p.propose.iter().map(String::as_str).collect(),
            decide: p.decide.iter().map(String::as_str).collect(),
            file: p.file.iter().map(String::as_str).collect(),
        })
        .collect()
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
    let procedure = procedures(c);
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
            let mut everyone: Vec<PersonIx> = participants.clone();
            for o in objectors {
                if !everyone.contains(o) {
                    everyone.push(*o);
                }
            }
            for (order, p) in everyone.iter().enumerate() {
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
            people.sort_by_key(|(borne, order, _)| (borne.is_none(), *borne, *order));
            Ok(LiabilityAnswer {
                date: on,
                citation: rules.citation.as_str(),
                decision: "collective",
                unit: Some(c.units.get(unit).name.as_str()),
                people: people.into_iter().map(|(_, _, p)| p).collect(),
                procedure,
            })
        }
    }
}
