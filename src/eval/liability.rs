//! "Who is liable": apportioning liability from an incident's decision
//! record (004 §13, 003-5 §24), with positions resolved from the org on the
//! incident's date.
//!
//! - collective decision: holders of the `main` positions in the deciding
//!   unit, and members who cover (分管) the incident's unit or matter, bear
//!   the `main` liability; other participants bear `others`;
//! - a participant who objected on record and was overruled bears none;
//! - an individual decision: the leader who took it bears `individual`.

use crate::check::TargetId;
use crate::compile::{Compiled, NO_PARENT};
use crate::incident::{BoundDecision, BoundIncident};
use crate::QueryError;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

/// A post a person held on the incident's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Post<'p> {
    /// The position.
    pub position: &'p str,
    /// The unit.
    pub unit: &'p str,
}

/// One person's liability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonLiability<'p> {
    /// The person.
    pub person: &'p str,
    /// The liability, or `None` (不承担领导责任).
    pub liability: Option<&'p str>,
    /// Why, in words.
    pub reason: &'static str,
    /// Posts held in the deciding unit on the date.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub posts: Vec<Post<'p>>,
    /// What the person covers that the incident concerns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covers: Option<&'p str>,
}

/// Who may propose accountability, who decides, where it is filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Procedure<'p> {
    /// The article.
    pub citation: &'p str,
    /// Who may propose accountability.
    pub propose: Vec<&'p str>,
    /// Who decides.
    pub decide: Vec<&'p str>,
    /// Where it is filed.
    pub file: Vec<&'p str>,
}

/// The answer to "who bears which liability for this incident".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiabilityAnswer<'p> {
    /// The incident's date.
    pub date: NaiveDate,
    /// The liability article.
    pub citation: &'p str,
    /// `collective` or `individual`.
    pub decision: &'static str,
    /// The deciding unit, for a collective decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<&'p str>,
    /// Strongest liability first, then in the record's order.
    pub people: Vec<PersonLiability<'p>>,
    /// The procedure articles.
    pub procedure: Vec<Procedure<'p>>,
}

impl fmt::Display for LiabilityAnswer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} decision, {} [{}]:",
            self.decision, self.date, self.citation
        )?;
        for p in &self.people {
            write!(
                f,
                "  {}: {} — {}",
                p.person,
                p.liability.unwrap_or("不承担领导责任"),
                p.reason
            )?;
            for post in &p.posts {
                write!(f, "; {} of {}", post.position, post.unit)?;
            }
            if let Some(c) = p.covers {
                write!(f, "; covers {c}")?;
            }
            writeln!(f)?;
        }
        for pr in &self.procedure {
            if !pr.propose.is_empty() {
                writeln!(f, "  propose [{}]: {}", pr.citation, pr.propose.join(", "))?;
            }
            if !pr.decide.is_empty() {
                writeln!(f, "  decide  [{}]: {}", pr.citation, pr.decide.join(", "))?;
            }
            if !pr.file.is_empty() {
                writeln!(f, "  file    [{}]: {}", pr.citation, pr.file.join(", "))?;
            }
        }
        Ok(())
    }
}

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

fn name(v: &[String], i: u32) -> &str {
    v.get(i as usize).map(String::as_str).unwrap_or("")
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
            let mut everyone: Vec<u32> = participants.clone();
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
                        position: c
                            .positions
                            .get(post.position as usize)
                            .map(|x| x.name.as_str())
                            .unwrap_or(""),
                        unit: c
                            .units
                            .get(post.unit as usize)
                            .map(|x| x.name.as_str())
                            .unwrap_or(""),
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
                        TargetId::Unit(u) => c
                            .units
                            .get(u as usize)
                            .map(|x| x.name.as_str())
                            .unwrap_or(""),
                        TargetId::Matter(m) => c
                            .matters
                            .get(m as usize)
                            .map(|x| x.name.as_str())
                            .unwrap_or(""),
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
            people.sort_by_key(|(rank, order, _)| (*rank, *order));
            Ok(LiabilityAnswer {
                date: on,
                citation: rules.citation.as_str(),
                decision: "collective",
                unit: c.units.get(unit as usize).map(|x| x.name.as_str()),
                people: people.into_iter().map(|(_, _, p)| p).collect(),
                procedure,
            })
        }
    }
}
