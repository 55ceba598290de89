//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use zeren::Policy;

pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn example(name: &str) -> Policy {
    let path = format!("{}/examples/policies/{name}", env!("CARGO_MANIFEST_DIR"));
    match Policy::from_files(&[&path]) {
        Ok(p) => p,
        Err(d) => panic!("{name} does not compile:\n{d}"),
    }
}

/// `(duty, bearer as text, citation)` of every responsibility for a unit.
pub fn who(p: &Policy, unit: &str, on: &str) -> Vec<(String, String, String)> {
    p.who_unit(unit, date(on))
        .unwrap()
        .responsibilities
        .iter()
        .map(|r| {
            (
                r.duty.to_string(),
                r.bearer.to_string(),
                r.citation.to_string(),
            )
        })
        .collect()
}

pub fn who_matter(p: &Policy, matter: &str, on: &str) -> Vec<(String, String, String)> {
    p.who_matter(matter, date(on))
        .unwrap()
        .responsibilities
        .iter()
        .map(|r| {
            (
                r.duty.to_string(),
                r.bearer.to_string(),
                r.citation.to_string(),
            )
        })
        .collect()
}

pub fn t(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.to_string(), b.to_string(), c.to_string())
}

/// Every failure of the policy's `test` blocks, in order.
pub fn test_failures(p: &Policy) -> Vec<String> {
    p.run_tests()
        .tests
        .iter()
        .flat_map(|t| t.failures.iter().cloned())
        .collect()
}

/// The example policy (file name) that a bundled incident or event log
/// belongs to, by the document id both names start with:
/// `003-2-religion.json` → `003-2-bureau.zr`, `002-2019.jsonl` →
/// `002-sues.zr`.
pub fn example_policy_for(file_name: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/policies");
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|p| {
            // A document id: `002`, or `003-2` / `001-A` with one more part.
            let parts: Vec<&str> = p.splitn(3, '-').collect();
            let id = match parts.as_slice() {
                [a, b, _] if b.chars().count() == 1 => format!("{a}-{b}"),
                [a, ..] => (*a).to_string(),
                [] => String::new(),
            };
            file_name.starts_with(&format!("{id}-"))
        })
        .max_by_key(String::len)
        .unwrap_or_else(|| panic!("no example policy for {file_name}"))
}

/// Every bundled example incident, by file name: its name, the example
/// policy it belongs to, and its text.
pub fn example_incidents() -> Vec<(String, Policy, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/incidents");
    let mut out: Vec<(String, Policy, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let policy = example(&example_policy_for(&name));
            (name, policy, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
