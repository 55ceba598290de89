//! `zeren test`: one line per test, the failures, the summary line
//! `N passed, N failed` alone on a line, exit 1 on a failure or a bad test,
//! `--coverage` and `--json`.
#![cfg(feature = "cli")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::process::Command;

fn zeren(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zeren"))
        .args(args)
        .current_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/test-blocks"
        ))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Whether `line` is exactly `N passed, N failed`.
fn is_summary(line: &str) -> bool {
    let Some((passed, failed)) = line.split_once(" passed, ") else {
        return false;
    };
    let Some(failed) = failed.strip_suffix(" failed") else {
        return false;
    };
    [passed, failed]
        .iter()
        .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[test]
fn passing_tests_exit_0_with_one_line_each_and_the_summary_last() {
    let (code, out, err) = zeren(&["test", "policy.zr", "passing.zr"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 9, "{out}");
    assert!(
        lines[..8].iter().all(|l| l.starts_with("ok      ")),
        "{out}"
    );
    assert_eq!(
        lines[0],
        "ok      谁负责：单位、事项、空缺 (passing.zr:1:6)"
    );
    assert_eq!(lines[8], "8 passed, 0 failed");
    assert_eq!(out.lines().filter(|l| is_summary(l)).count(), 1);
}

#[test]
fn a_failing_test_exits_1_with_its_failures_under_it() {
    let (code, out, err) = zeren(&["test", "policy.zr", "failing.zr"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.starts_with(
        "FAILED  wrong who (failing.zr:1:6)\n        failing.zr:2:3: expected 乙 to bear 第一责任人 for 校党委 on 2019-06-01, found [甲 (书记 of 校党委)]\n"
    ), "{out}");
    assert_eq!(out.lines().last(), Some("0 passed, 8 failed"));
    assert_eq!(out.lines().filter(|l| is_summary(l)).count(), 1);
    // Some pass, some fail.
    let (code, out, _) = zeren(&["test", "policy.zr", "passing.zr", "failing.zr"]);
    assert_eq!(code, 1);
    assert_eq!(out.lines().last(), Some("8 passed, 8 failed"));
}

#[test]
fn a_bad_test_is_a_check_error_and_exits_1() {
    let (code, out, err) = zeren(&["test", "policy.zr", "bad.zr"]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("error[invalid]: `2019-Q5` is not a period\n  --> bad.zr:14:25"),
        "{err}"
    );
    assert!(err.contains("unknown unit or matter `外语学院`"), "{err}");
}

#[test]
fn coverage_comes_before_the_summary_line() {
    let (code, out, err) = zeren(&["test", "policy.zr", "passing.zr", "--coverage"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\ncoverage: 15 of 16 items (93.8%)\n"),
        "{out}"
    );
    assert!(
        out.contains("  trigger clauses         4 of 4    (100.0%); 1 of 3 seen matching\n"),
        "{out}"
    );
    assert!(
        out.contains("  covered  第八条(二) 平台错误导向，造成严重后果的 (policy.zr:38:3)\n           rejected by: 集体决策：主要领导、分管、其他成员、反对者\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "  MISSING  第三条 in each 党委: 分管领导 bears 主要领导责任 (policy.zr:25:3)\n"
        ),
        "{out}"
    );
    assert!(out.contains("  covered  第九条 each 院系 needs exactly 1 分管领导, exactly 1 宣传员 (policy.zr:31:14)\n           by: 配备\n"), "{out}");
    assert_eq!(out.lines().last(), Some("8 passed, 0 failed"));
}

#[test]
fn json_reports_tests_counts_and_on_request_coverage() {
    let (code, out, _) = zeren(&["test", "policy.zr", "failing.zr", "--json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["passed"].as_u64(), v["failed"].as_u64()),
        (Some(0), Some(8))
    );
    assert_eq!(v["tests"][0]["passed"], false);
    assert_eq!(
        v["tests"][6]["failures"][2],
        "failing.zr:34:3: expected no warnings, found [never-matches at policy.zr:39:3: clause 第八条(三) can never match: no value of `后果` meets it]"
    );
    assert!(v.get("coverage").is_none());
    let (code, out, _) = zeren(&["test", "policy.zr", "passing.zr", "--json", "--coverage"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let tally = v["coverage"]["tally"].as_array().unwrap();
    assert_eq!(tally[0]["kind"], "clause");
    assert_eq!(tally[0]["percent"], 100.0);
    let first = &v["coverage"]["items"][0];
    assert_eq!(first["citation"], "第八条(一)");
    assert_eq!(first["covered"], true);
    assert_eq!(first["at"], "policy.zr:37:3");
}
