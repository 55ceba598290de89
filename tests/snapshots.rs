//! Insta snapshots over fixture folders: parse trees, rendered diagnostics,
//! and `who` answers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use zeren::Policy;

fn read(path: &Path) -> (String, String) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).unwrap();
    (name, text)
}

#[test]
fn parse_trees() {
    insta::glob!("fixtures/parse/*.zr", |path| {
        let (name, text) = read(path);
        let tree = zeren::parse_tree(&name, &text).unwrap();
        insta::assert_json_snapshot!(tree);
    });
}

#[test]
fn rendered_diagnostics() {
    insta::glob!("fixtures/errors/*.zr", |path| {
        let (name, text) = read(path);
        let err = Policy::parse(&name, &text).expect_err("fixture must not compile");
        insta::assert_snapshot!(err.to_string());
    });
}

#[test]
fn who_answers() {
    insta::glob!("fixtures/who/*.zr", |path| {
        let (name, text) = read(path);
        let policy = Policy::parse(&name, &text).unwrap();
        let mut answers = Vec::new();
        for line in text.lines().filter_map(|l| l.strip_prefix("#? ")) {
            let parts: Vec<&str> = line.split_whitespace().collect();
            let [what, subject, on] = parts[..] else {
                panic!("bad query line: {line}")
            };
            let on = on.parse().unwrap();
            let answer = match what {
                "unit" => serde_json::to_value(policy.who_unit(subject, on).unwrap()),
                "matter" => serde_json::to_value(policy.who_matter(subject, on).unwrap()),
                "person" => serde_json::to_value(policy.duties_of(subject, on).unwrap()),
                other => panic!("unknown query kind {other}"),
            };
            answers.push(answer.unwrap());
        }
        assert!(!answers.is_empty(), "fixture has no #? queries");
        insta::assert_json_snapshot!(answers);
    });
}

fn example_policy_for(incident: &Path) -> Policy {
    // Incidents and logs are named by document id: `003-5-late-report.json` → `003-5-*.zr`.
    let name = incident.file_name().unwrap().to_string_lossy();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/policies");
    let mut found = None;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let id_len =
            if file.as_bytes().get(3) == Some(&b'-') && file.as_bytes().get(5) == Some(&b'-') {
                5
            } else {
                3
            };
        let id = &file[..id_len];
        if name.starts_with(&format!("{id}-")) {
            found = Some(path);
        }
    }
    let path = found.unwrap_or_else(|| panic!("no policy for {name}"));
    Policy::from_files(&[path]).unwrap()
}

#[test]
fn example_incident_answers() {
    insta::glob!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/incidents"),
        "*.json",
        |path| {
            let policy = example_policy_for(path);
            let (name, text) = read(path);
            let incident = policy.incident_from_json(&name, &text).unwrap();
            let triggers =
                serde_json::to_value(policy.triggers(&incident, false).unwrap()).unwrap();
            // A liability answer comes with the triggers when the incident
            // carries a decision record; otherwise, why there is none.
            let liability = match policy.liability(&incident) {
                Ok(_) => serde_json::Value::Null,
                Err(e) => serde_json::Value::String(e.to_string()),
            };
            insta::assert_json_snapshot!(
                serde_json::json!({ "triggers": triggers, "liability": liability })
            );
        }
    );
}

#[test]
fn incident_diagnostics() {
    let policy = Policy::from_files(&[concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/policies/002-sues.zr"
    )])
    .unwrap();
    insta::glob!("fixtures/incidents/*.json", |path| {
        let (name, text) = read(path);
        let err = policy
            .incident_from_json(&name, &text)
            .expect_err("fixture must be rejected");
        insta::assert_snapshot!(err.to_string());
    });
}

#[test]
fn example_calendar_and_compliance() {
    insta::glob!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/events"),
        "*.jsonl",
        |path| {
            let policy = example_policy_for(path);
            let (name, text) = read(path);
            // `002-2019.jsonl`: the year 2019, assessed in mid-January 2020.
            let year: i32 = name
                .trim_end_matches(".jsonl")
                .rsplit('-')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let from = zeren::NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            let to = zeren::NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
            let as_of = zeren::NaiveDate::from_ymd_opt(year + 1, 1, 15).unwrap();
            let log = policy.events_from_jsonl(&name, &text).unwrap();
            let compliance = policy.compliance(&log, as_of, Some(from), None).unwrap();
            let calendar = policy.calendar(from, to, None).unwrap();
            insta::assert_snapshot!(format!("{compliance}\n{calendar}"));
            insta::assert_json_snapshot!(serde_json::json!({ "compliance": compliance }));
        }
    );
}

#[test]
fn event_log_diagnostics() {
    let policy = Policy::from_files(&[concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/policies/002-sues.zr"
    )])
    .unwrap();
    insta::glob!("fixtures/events/*.jsonl", |path| {
        let (name, text) = read(path);
        let err = policy
            .events_from_jsonl(&name, &text)
            .expect_err("fixture must be rejected");
        insta::assert_snapshot!(err.to_string());
    });
}

/// `zeren coverage` of two documents: every article, and what cites it.
#[test]
fn example_article_coverage() {
    for name in ["003-3-school.zr", "003-6-township.zr"] {
        let path = format!("{}/examples/policies/{name}", env!("CARGO_MANIFEST_DIR"));
        let p = Policy::from_files(&[&path]).unwrap_or_else(|e| panic!("{e}"));
        let text = p.articles().to_string();
        // Locations name the file as given; keep them relative.
        let text = text.replace(concat!(env!("CARGO_MANIFEST_DIR"), "/"), "");
        insta::assert_snapshot!(format!("article_coverage@{name}"), text);
    }
}
