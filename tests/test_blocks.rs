//! `test` blocks for every kind of answer: each `expect` form holds when
//! the policy answers as written, fails with what it expected, what it found
//! and where when it does not, and names a test cannot use are check
//! errors. Coverage counts what the tests exercised, and every example
//! policy's tests cover all of its trigger clauses and obligations.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::*;
use zeren::{testing::CoverageKind, Policy};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/test-blocks");

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{name}")).unwrap()
}

/// The fixture policy with one file of tests.
fn with_tests(tests: &str) -> Result<Policy, zeren::Diagnostics> {
    Policy::builder()
        .source("policy.zr", &read("policy.zr"))
        .source(tests, &read(tests))
        .build()
}

#[test]
fn every_form_passes_when_the_answer_agrees() {
    let p = with_tests("passing.zr").unwrap();
    let report = p.run_tests();
    assert_eq!(report.failed(), 0, "{report}");
    assert_eq!(report.tests.len(), 8);
    assert!(report.to_string().ends_with("\n8 passed, 0 failed\n"));
}

/// The failures of one test of `failing.zr`.
fn failures_of(name: &str) -> Vec<String> {
    let p = with_tests("failing.zr").unwrap();
    let report = p.run_tests();
    let t = report.tests.iter().find(|t| t.name == name).unwrap();
    assert!(!t.passed, "{name} passed");
    t.failures.clone()
}

#[test]
fn a_wrong_who_fails_with_what_was_expected_and_found() {
    assert_eq!(
        failures_of("wrong who"),
        vec![
            "failing.zr:2:3: expected 乙 to bear 第一责任人 for 校党委 on 2019-06-01, found [甲 (书记 of 校党委)]",
            "failing.zr:3:3: expected the team of 校党委 to bear 主体责任 for 官微 on 2019-06-01, found [team of 外语系]",
            "failing.zr:4:3: expected 甲 to bear 第一责任人 for 机械系 on 2019-06-01, found [vacant (书记 of 机械系)]",
            "failing.zr:5:3: expected 甲 to bear 第一责任人 for 校党委 on 2018-06-01, but 2018-06-01 is before the policy took effect on 2019-01-01",
        ]
    );
}

#[test]
fn wrong_duties_fail_with_the_duties_held() {
    assert_eq!(
        failures_of("wrong duties"),
        vec![
            "failing.zr:8:3: expected 甲 to hold exactly [第一责任人 for 外语系] on 2019-06-01, found [第一责任人 for 校党委]",
            "failing.zr:9:3: expected 丁 to hold no duty on 2019-06-01, found [重要领导责任 for 外语系]",
        ]
    );
}

#[test]
fn a_wrong_liability_fails_with_the_liability_and_why() {
    assert_eq!(
        failures_of("wrong liability"),
        vec![
            "failing.zr:14:3: expected 戊 to bear 主要领导责任, found none (objected on record and was overruled)",
            "failing.zr:15:3: expected 己 to bear none, found 重要领导责任 (took part in the decision)",
        ]
    );
}

#[test]
fn a_wrong_staffing_fails_with_each_need_and_who_counts() {
    assert_eq!(
        failures_of("wrong staffing"),
        vec![
            "failing.zr:18:3: expected every need of 外语系 to be ok on 2019-06-01, found [分管领导 short (exactly 1 needed, nobody), 宣传员 short (exactly 1 needed, nobody)]",
            "failing.zr:19:3: expected 宣传员 of 机械系 to be short on 2019-06-01, found [宣传员 ok (exactly 1 needed, 戊)]",
        ]
    );
}

#[test]
fn a_wrong_compliance_fails_with_each_period_and_count() {
    assert_eq!(
        failures_of("wrong compliance"),
        vec![
            "failing.zr:23:3: expected 专题研究 of 校党委 in 2019 to be met, found [专题研究 2019 missed (1 of at least 2)]",
            "failing.zr:24:3: expected 报送 of 外语系 in 2019 to be met, found [报送 2019-Q1 missed (0 of at least 1), 报送 2019-Q2 missed (0 of at least 1), 报送 2019-Q3 missed (0 of at least 1), 报送 2019-Q4 missed (0 of at least 1)]",
            "failing.zr:25:3: expected 报送 of 外语系 in 2019-09 to be on-time, but the events have no 重大情况 in 2019-09",
        ]
    );
}

#[test]
fn a_wrong_calendar_fails_with_the_due_dates() {
    assert_eq!(
        failures_of("wrong calendar"),
        vec![
            "failing.zr:28:3: expected 专题研究 of 校党委 to fall due on [2019-06-30] in 2019, found [2019-12-31]",
            "failing.zr:29:3: expected nothing of 报送 of 外语系 to fall due in 2019-H1, found [2019-03-31, 2019-06-30]",
        ]
    );
}

#[test]
fn a_wrong_warning_fails_with_the_warnings_the_policy_has() {
    let seen = "never-matches at policy.zr:39:3: clause 第八条(三) can never match: no value of `后果` meets it";
    assert_eq!(
        failures_of("wrong warning"),
        vec![
            format!("failing.zr:32:3: expected a `never-matches` warning about 第八条(一), found [{seen}]"),
            format!("failing.zr:33:3: expected a `unassigned` warning, found [{seen}]"),
            format!("failing.zr:34:3: expected no warnings, found [{seen}]"),
        ]
    );
}

#[test]
fn wrong_triggers_fail_and_say_when_the_policy_was_not_in_force() {
    assert_eq!(
        failures_of("wrong triggers"),
        vec![
            "failing.zr:38:3: expected triggers [第八条(一)], matched []",
            "failing.zr:40:3: expected triggers [第八条(一)], matched [] (not applicable: 2018-09-01 is before the policy took effect on 2019-01-01)",
        ]
    );
}

#[test]
fn every_test_of_the_failing_file_fails_and_the_summary_counts_them() {
    let p = with_tests("failing.zr").unwrap();
    let report = p.run_tests();
    assert_eq!((report.passed(), report.failed()), (0, 8));
    assert_eq!(report.summary(), "0 passed, 8 failed");
    let text = report.to_string();
    assert!(text.starts_with("FAILED  wrong who (failing.zr:1:6)\n        failing.zr:2:3: "));
    assert!(text.ends_with("\n0 passed, 8 failed\n"), "{text}");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["failed"], 8);
    assert_eq!(json["tests"][0]["name"], "wrong who");
    assert_eq!(json["tests"][0]["failures"].as_array().unwrap().len(), 4);
}

#[test]
fn names_a_test_cannot_use_are_check_errors_with_their_location() {
    let err = with_tests("bad.zr").unwrap_err();
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn a_bad_time_of_day_is_an_error_not_a_panic() {
    let text = format!(
        "{}\ntest \"t\" {{ events {{ 2019-09-02 24:00 外语系 重大情况 }} }}\n",
        read("policy.zr")
    );
    let err = Policy::parse("t.zr", &text).unwrap_err().to_string();
    assert!(err.contains("t.zr:55:32"), "{err}");
    assert!(err.contains("HH:MM"), "{err}");
}

#[test]
fn a_step_keyword_is_not_taken_for_a_name_at_the_end_of_a_step() {
    let text = format!(
        "{}\ntest \"t\" {{\n  expect staffing 外语系 on 2019-06-01 short\n  expect warning never-matches\n  incident 2019-06-01 {{ }}\n}}\n",
        read("policy.zr")
    );
    let p = Policy::parse("t.zr", &text).unwrap();
    assert_eq!(p.run_tests().failed(), 0);
}

#[test]
fn coverage_counts_what_the_tests_exercised() {
    let p = with_tests("passing.zr").unwrap();
    let cov = p.run_tests().coverage;
    let item = |citation: &str| cov.items.iter().find(|i| i.citation == citation).unwrap();
    // Matched by the collective decision's incident, rejected by the individual one's.
    let one = item("第八条(一)");
    assert!(one.covered);
    assert_eq!(
        one.matched_by,
        vec!["集体决策：主要领导、分管、其他成员、反对者"]
    );
    // Only ever rejected: covered, and seen matching by no test.
    let two = item("第八条(二)");
    assert!(two.covered && two.matched_by.is_empty() && !two.rejected_by.is_empty());
    // The catch-all: covered by the incident nothing matched.
    assert!(item("第八条(四)").covered && item("第八条(四)").catch_all);
    assert_eq!(cov.of(CoverageKind::Clause).covered, 4);
    assert_eq!(cov.of(CoverageKind::Obligation).covered, 4);
    assert_eq!(cov.of(CoverageKind::Staffing).covered, 1);
    assert_eq!(cov.of(CoverageKind::Liability).covered, 1);
    // 分管领导 bears 主要领导责任 is the one rule no who or duties expectation reached.
    let rules: Vec<_> = cov
        .items
        .iter()
        .filter(|i| i.kind == CoverageKind::Rule && !i.covered)
        .map(|i| i.what.as_str())
        .collect();
    assert_eq!(rules, vec!["in each 党委: 分管领导 bears 主要领导责任"]);
    let all = cov.total();
    assert_eq!((all.covered, all.total), (15, 16));
    assert!((all.percent() - 93.75).abs() < 1e-9);
    let json = serde_json::to_value(&cov).unwrap();
    // One tally per kind (clauses, rules, obligations, staffing, liability,
    // approval chains, seats), then all.
    assert_eq!(json["tally"][7]["kind"], "all");
    assert_eq!(json["tally"][7]["percent"], 93.8);
    assert_eq!(json["items"][0]["at"], "policy.zr:37:3");
}

#[test]
fn a_policy_without_tests_covers_nothing() {
    let p = Policy::parse("p.zr", &read("policy.zr")).unwrap();
    let report = p.run_tests();
    assert!(report.tests.is_empty());
    assert_eq!(report.summary(), "0 passed, 0 failed");
    assert_eq!(report.coverage.total().covered, 0);
    assert!(report.coverage.items.iter().all(|i| i.at.is_empty()));
}

fn example_names() -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/policies"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
    names.sort();
    names
}

#[test]
fn every_example_covers_all_its_trigger_clauses_and_obligations() {
    for name in example_names() {
        let p = example(&name);
        let report = p.run_tests();
        assert_eq!(report.failed(), 0, "{name}:\n{report}");
        let cov = &report.coverage;
        for kind in [CoverageKind::Clause, CoverageKind::Obligation] {
            let missing: Vec<String> = cov
                .items
                .iter()
                .filter(|i| i.kind == kind && !i.covered)
                .map(|i| format!("{} {}", i.citation, i.what))
                .collect();
            assert!(missing.is_empty(), "{name}: not covered: {missing:#?}");
        }
        // Stricter than coverage: every clause with a condition was seen matching.
        let never: Vec<&str> = cov
            .items
            .iter()
            .filter(|i| i.kind == CoverageKind::Clause && !i.catch_all && i.matched_by.is_empty())
            .map(|i| i.citation)
            .collect();
        assert!(never.is_empty(), "{name}: never seen matching: {never:?}");
    }
}

#[test]
fn coverage_of_the_examples() {
    for name in ["002-sues.zr", "004-province.zr"] {
        let path = format!("{}/examples/policies/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        let p = Policy::parse(name, &text).unwrap();
        let report = p.run_tests();
        insta::assert_snapshot!(format!("coverage@{name}"), report.coverage.to_string());
    }
}

/// Sized so that checking each step against every clause, or each
/// participant against every other, would not finish in the suite's time.
#[test]
fn many_steps_over_many_clauses_and_a_long_decision_record_stay_linear() {
    use std::fmt::Write as _;
    let clauses = 9_000;
    let steps = 20_000;
    let people = 20_000;
    let mut text = String::from(
        "duties 主要 > 重要 > 个人\nunit kinds 党委\npositions 书记 single, 成员\nscale 后果 { 轻 < 重 }\nfact 后果 scale 后果\n",
    );
    text.push_str("triggers per \"第一条\" {\n");
    for i in 1..=clauses {
        writeln!(text, "  {i} \"t\" when 后果 = 重").unwrap();
    }
    text.push_str("}\nliability per \"第二条\" { main 书记 bears 主要  others bears 重要  individual bears 个人 }\n");
    text.push_str("org {\n  unit 党委 kind 党委\n");
    for i in 0..people {
        writeln!(text, "  p{i} holds 成员 of 党委").unwrap();
    }
    text.push_str(
        "}\ntest \"t\" {\n  incident 2020-01-01 at 党委 { 后果 = 重 } decided by collective {",
    );
    let record: Vec<String> = (0..people).map(|i| format!("p{i}")).collect();
    text.push_str(&record.join(", "));
    text.push_str("}\n  expect liability p7 重要\n");
    for i in 0..steps {
        writeln!(text, "  expect warning never-matches {}", 1 + i % clauses).unwrap();
    }
    text.push_str("}\n");
    let p = Policy::parse("big.zr", &text).unwrap();
    let report = p.run_tests();
    let failures = &report.tests[0].failures;
    assert_eq!(failures.len(), steps);
    assert!(
        failures[0].ends_with("expected a `never-matches` warning about 第一条 1, found nothing"),
        "{}",
        failures[0]
    );
}
