//! Policy text → build, then every query on what the policy declares: who
//! for its units, people and matters, their duties, staffing, triggers and
//! liability for a few incidents, the `test` blocks, and calendar and
//! compliance over one month.
//!
//! A NUL byte separates files of one policy; a file starting with `{` is an
//! org in JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zeren::{Policy, who::{Bearer, Subject}};
use zeren_fuzz::{after, day, render, show};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let builder = text
        .split('\0')
        .enumerate()
        .fold(Policy::builder(), |b, (i, part)| {
            if part.trim_start().starts_with('{') {
                b.org_json(&format!("{i}.json"), part)
            } else {
                b.source(&format!("{i}.zr"), part)
            }
        });
    let policy = match builder.build() {
        Ok(policy) => policy,
        Err(e) => return drop(e.to_string()),
    };
    let _ = policy.warnings().to_string();
    render(&policy.run_tests());

    let start = policy
        .header()
        .effective
        .unwrap_or_else(|| day("2019-07-01"));
    let units: Vec<&str> = policy.units().collect();
    let (mut people, mut matters) = (Vec::new(), Vec::new());
    for on in [start, after(start, 400).unwrap_or(start)] {
        for unit in &units {
            if let Ok(answer) = policy.who_unit(unit, on) {
                for r in &answer.responsibilities {
                    if let Bearer::Holder { person, .. } = r.bearer {
                        people.push(person.to_string());
                    }
                }
                render(&answer);
            }
            show(policy.staffing(on, Some(unit)));
        }
        show(policy.staffing(on, None));
        people.sort();
        people.dedup();
        for person in &people {
            if let Ok(answer) = policy.duties_of(person, on) {
                for held in &answer.duties {
                    if let Subject::Matter(m) | Subject::MatterKind(m) = held.subject {
                        matters.push(m.to_string());
                    }
                }
                render(&answer);
            }
        }
        for matter in &matters {
            show(policy.who_matter(matter, on));
        }
    }

    let incidents = [
        serde_json::json!({ "date": start }),
        serde_json::json!({ "date": start, "unit": units.first(), "matter": matters.first(),
            "decision": { "kind": "collective", "participants": people, "objectors": people.last() } }),
        serde_json::json!({ "date": start, "unit": units.last(),
            "decision": { "kind": "individual", "by": people.first() } }),
    ];
    for incident in incidents {
        match policy.incident_from_json("incident.json", &incident.to_string()) {
            Ok(incident) => {
                render(&policy.triggers(&incident, true).unwrap());
                show(policy.liability(&incident));
            }
            Err(e) => drop(e.to_string()),
        }
    }

    if let (Some(end), Ok(log)) = (after(start, 31), policy.events_from_jsonl("log.jsonl", "")) {
        show(policy.calendar(start, end, None));
        show(policy.compliance(&log, end, None, None));
    }
});
