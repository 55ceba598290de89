//! The algorithm behind [`crate::staffing`]; the answer types live there.

use crate::check::TargetId;
use crate::compile::Compiled;
use crate::compliance::Required;
use crate::eval::compliance::{subject_of, subjects};
use crate::ids::PersonIx;
use crate::staffing::*;
use chrono::NaiveDate;
pub(crate) fn staffing(c: &Compiled, on: NaiveDate, only: Option<TargetId>) -> StaffingAnswer<'_> {
    let person = |p: PersonIx| c.people.get(p).as_str();
    let mut rows = Vec::new();
    for rule in &c.staffing {
        for t in subjects(c, &rule.subject)
            .into_iter()
            .filter(|t| only.is_none_or(|o| o == *t))
        {
            for need in &rule.needs {
                let mut ids: Vec<PersonIx> = if need.covering {
                    let coverers = match t {
                        TargetId::Unit(u) => c.unit_coverers.get(u),
                        TargetId::Matter(m) => c.matter_coverers.get(m),
                    };
                    coverers
                        .iter()
                        .filter(|cv| cv.when.contains(on))
                        .filter(|cv| {
                            c.person_posts
                                .get(cv.person)
                                .iter()
                                .any(|p| p.position == need.position && p.when.contains(on))
                        })
                        .map(|cv| cv.person)
                        .collect()
                } else {
                    match t {
                        TargetId::Unit(u) => c
                            .unit_tenures
                            .get(u)
                            .iter()
                            .filter(|h| h.position == need.position && h.when.contains(on))
                            .map(|h| h.person)
                            .collect(),
                        TargetId::Matter(_) => Vec::new(),
                    }
                };
                ids.sort_unstable();
                ids.dedup();
                let n = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                let status = if n < need.min {
                    Staffed::Short
                } else if need.max.is_some_and(|m| n > m) {
                    Staffed::Over
                } else {
                    Staffed::Ok
                };
                rows.push(StaffingRow {
                    citation: rule.citation.as_str(),
                    subject: subject_of(c, t),
                    position: c.positions.get(need.position).name.as_str(),
                    covering: need.covering,
                    required: Required {
                        at_least: need.min,
                        at_most: need.max,
                    },
                    holders: ids.into_iter().map(person).collect(),
                    status,
                });
            }
        }
    }
    StaffingAnswer { on, rows }
}
