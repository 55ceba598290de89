//! The `test` blocks written in the example policies pass, and a failing
//! test says what it expected and what it found.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::*;
use zeren::Policy;

#[test]
fn every_test_block_in_the_example_policies_passes() {
    let mut total = 0;
    for entry in
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/policies")).unwrap()
    {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let p = example(&name);
        let report = p.run_tests();
        assert_eq!(report.failed(), 0, "{name}:\n{report}");
        total += report.tests.len();
    }
    assert!(total >= 10, "only {total} tests in the examples");
}

#[test]
fn a_failing_test_says_what_it_expected_and_found() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/lang/failing.zr"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let p = Policy::parse("failing.zr", &text).unwrap();
    let report = p.run_tests();
    let got: Vec<(&str, bool)> = report.tests.iter().map(|t| (t.name, t.passed)).collect();
    assert_eq!(
        got,
        vec![
            ("passes", true),
            ("wrong clause", false),
            ("wrong person", false)
        ]
    );
    assert_eq!(
        report.tests[1].failures,
        vec!["failing.zr:23:3: expected triggers [第八条(一)], matched []"]
    );
    assert_eq!(
        report.tests[2].failures,
        vec!["failing.zr:26:3: expected 甲 to bear 第一责任人 for 校党委 on 2020-06-01, found [乙 (书记 of 校党委)]"]
    );
    assert!(report.to_string().ends_with("1 passed, 2 failed\n"));
}
