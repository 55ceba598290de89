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
