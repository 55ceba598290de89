//! The `zeren` command line.
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
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn check_is_clean_on_every_example_policy() {
    for entry in
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/policies")).unwrap()
    {
        let path = entry.unwrap().path();
        let (code, out, err) = zeren(&["check", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{}: {err}", path.display());
        assert!(out.starts_with("ok: "), "{out}");
    }
}

#[test]
fn check_reports_errors_on_stderr_and_exits_1() {
    let (code, out, err) = zeren(&["check", "tests/fixtures/errors/unknown-names.zr"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("unknown-names.zr:7:12"), "{err}");
    assert!(err.contains("help: did you mean `书记`?"), "{err}");
    assert!(err.trim_end().ends_with("4 errors"), "{err}");
    // Files of one policy are checked together: a declaration in one clashes with the other.
    let (code, _, err) = zeren(&[
        "check",
        "tests/fixtures/errors/cycle.zr",
        "tests/fixtures/errors/interval.zr",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("interval.zr:1:12"), "{err}");
    assert!(err.contains("cycle.zr:3:24"), "{err}");
}

#[test]
fn who_answers_in_text_and_json() {
    let (code, out, _) = zeren(&[
        "who",
        "examples/policies/002-sues.zr",
        "--unit",
        "校党委",
        "--on",
        "2019-07-01",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("第一责任人: 张明远 (书记 of 校党委) [第三条]"),
        "{out}"
    );
    let (code, out, _) = zeren(&[
        "who",
        "examples/policies/003-5-campus.zr",
        "--matter",
        "课堂",
        "--on",
        "2020-01-01",
        "--json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["subject"]["kind"], "matter_kind");
    assert_eq!(v["responsibilities"][1]["bearer"]["unit"], "教务处");
}

#[test]
fn several_files_make_one_policy() {
    let dir = std::env::temp_dir().join(format!("zeren-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("rules.zr");
    let org = dir.join("org.json");
    std::fs::write(&rules, "duties 主体责任\nunit kinds 党委\npositions 书记 single\nassign per \"第三条\" in each 党委 { 书记 bears 主体责任 }\n").unwrap();
    std::fs::write(&org, r#"{"units":[{"name":"校党委","kind":"党委"}],"holdings":[{"person":"甲","position":"书记","unit":"校党委"}]}"#).unwrap();
    let (code, out, err) = zeren(&[
        "who",
        rules.to_str().unwrap(),
        org.to_str().unwrap(),
        "--unit",
        "校党委",
        "--on",
        "2020-01-01",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("主体责任: 甲 (书记 of 校党委) [第三条]"),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_query_arguments_are_errors() {
    let (code, _, err) = zeren(&[
        "who",
        "examples/policies/002-sues.zr",
        "--unit",
        "校党卫",
        "--on",
        "2020-01-01",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean `校党委`?"), "{err}");
    let (code, _, err) = zeren(&[
        "who",
        "examples/policies/002-sues.zr",
        "--unit",
        "校党委",
        "--on",
        "2019-02-29",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("2019-02 has no day 29"), "{err}");
    let (code, _, err) = zeren(&[
        "who",
        "examples/policies/002-sues.zr",
        "--unit",
        "校党委",
        "--on",
        "2018-01-01",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("not applicable"), "{err}");
}

#[test]
fn triggers_and_liability_from_the_command_line() {
    let (code, out, err) = zeren(&[
        "triggers",
        "examples/policies/002-sues.zr",
        "--incident",
        "examples/incidents/002-platform-misled.json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("matched       第八条(五)"), "{out}");
    assert!(out.contains("discretionary 第八条(九)"), "{out}");
    let (_, out, _) = zeren(&[
        "triggers",
        "examples/policies/002-sues.zr",
        "--incident",
        "examples/incidents/002-platform-misled.json",
        "--why-not",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["clauses"].as_array().unwrap().len(), 9);
    assert_eq!(v["clauses"][0]["status"], "not_matched");
    let (code, out, err) = zeren(&[
        "liability",
        "examples/policies/004-province.zr",
        "--incident",
        "examples/incidents/004-collective-decision.json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("罗明: 不承担领导责任 — objected on record and was overruled"),
        "{out}"
    );
}

#[test]
fn a_bad_incident_file_is_an_error() {
    let (code, _, err) = zeren(&[
        "triggers",
        "examples/policies/002-sues.zr",
        "--incident",
        "tests/fixtures/incidents/unknown-fact-and-value.json",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown-fact-and-value.json:7:5"), "{err}");
    let (code, _, err) = zeren(&[
        "liability",
        "examples/policies/002-sues.zr",
        "--incident",
        "examples/incidents/002-platform-misled.json",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("no `liability` article"), "{err}");
    let (code, _, err) = zeren(&[
        "triggers",
        "examples/policies/002-sues.zr",
        "--incident",
        "/nonexistent.json",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn calendar_and_compliance_from_the_command_line() {
    let (code, out, err) = zeren(&[
        "calendar",
        "examples/policies/002-sues.zr",
        "--from",
        "2019-06-01",
        "--to",
        "2019-06-30",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("due from 2019-06-01 to 2019-06-30: 3 items"),
        "{out}"
    );
    // 002's policy over its 2019 log, as of 2020-01-15.
    let sues_2019 = [
        "compliance",
        "examples/policies/002-sues.zr",
        "--events",
        "examples/events/002-2019.jsonl",
        "--as-of",
        "2020-01-15",
    ];
    let (code, out, err) = zeren(&[&sues_2019[..], &["--from", "2019-01-01", "--json"]].concat());
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["periods"][0]["status"], "missed");
    assert_eq!(v["periods"][0]["needed"], 1);
    assert_eq!(v["reactions"][1]["status"], "unanswered");
    // JSON Lines: the same rows, one per line as assessed, then the totals.
    let (code, lines, err) =
        zeren(&[&sues_2019[..], &["--from", "2019-01-01", "--jsonl"]].concat());
    assert_eq!(code, 0, "{err}");
    let rows: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let of = |kind: &str| -> Vec<serde_json::Value> {
        rows.iter().filter_map(|r| r.get(kind).cloned()).collect()
    };
    assert_eq!(of("period"), *v["periods"].as_array().unwrap());
    assert_eq!(of("reaction"), *v["reactions"].as_array().unwrap());
    let summary = &rows.last().unwrap()["summary"];
    assert_eq!(summary["as_of"], "2020-01-15");
    assert_eq!(
        summary["reactions"],
        v["reactions"].as_array().unwrap().len()
    );
    let missed = v["periods"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "missed")
        .count();
    assert_eq!(summary["missed"], missed);
    let (code, _, err) = zeren(&[&sues_2019[..], &["--json", "--jsonl"]].concat());
    assert_eq!(code, 2);
    assert!(err.contains("--jsonl"), "{err}");
    let (code, _, err) = zeren(&[
        "compliance",
        "examples/policies/002-sues.zr",
        "--events",
        "tests/fixtures/events/bad-lines.jsonl",
        "--as-of",
        "2020-01-15",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("bad-lines.jsonl:2:"), "{err}");
    let (code, _, err) = zeren(&[
        "calendar",
        "examples/policies/002-sues.zr",
        "--from",
        "2019-06-31",
        "--to",
        "2019-07-01",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("--from"), "{err}");
}

#[test]
fn staffing_from_the_command_line() {
    let (code, out, err) = zeren(&[
        "staffing",
        "examples/policies/003-5-campus.zr",
        "--on",
        "2020-05-01",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("short  外语系: exactly 1 宣传员 — none [第九条]"),
        "{out}"
    );
    let (code, out, _) = zeren(&[
        "staffing",
        "examples/policies/003-5-campus.zr",
        "--on",
        "2020-05-01",
        "--unit",
        "教务处",
        "--json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"][0]["holders"][0], "朱宣教");
}

#[test]
fn test_blocks_from_the_command_line() {
    let (code, out, err) = zeren(&["test", "examples/policies/002-sues.zr"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.ends_with("32 passed, 0 failed\n"), "{out}");
    let (code, out, _) = zeren(&["test", "tests/fixtures/lang/failing.zr"]);
    assert_eq!(code, 1);
    assert!(out.contains("FAILED  wrong person"), "{out}");
}

#[test]
fn check_can_report_as_json() {
    let (code, out, _) = zeren(&["check", "tests/fixtures/errors/unknown-names.zr", "--json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["errors"][1]["labels"][0]["location"]["line"], 7);
    assert_eq!(v["errors"][1]["labels"][0]["location"]["in"], "text");
    assert_eq!(v["errors"][1]["help"], "did you mean `书记`?");
    let (code, out, _) = zeren(&["check", "examples/policies/001-A-company.zr", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let warnings = v["warnings"].as_array().unwrap();
    let undated = warnings
        .iter()
        .find(|w| w["kind"] == "no-effective-date")
        .unwrap();
    assert_eq!(undated["severity"], "warning");
}

#[test]
fn coverage_lists_what_cites_each_article() {
    let (code, out, err) = zeren(&["coverage", "tests/fixtures/articles/policy.zr"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("第二条(一)  rule [第二条（一）]"), "{out}");
    assert!(out.ends_with("6 of 6 listed articles cited\n"), "{out}");
    let (code, out, _) = zeren(&["coverage", "tests/fixtures/articles/policy.zr", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["articles"][0]["citation"], "第一条");
    assert_eq!(v["articles"][0]["cited_by"][0]["kind"], "note");
}

/// `zeren compliance` writes rows as they are assessed; its table and JSON
/// are byte for byte those of the collected answer.
#[test]
fn streamed_compliance_output_is_the_collected_answer() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let mut compared = 0;
    for entry in std::fs::read_dir(format!("{dir}/examples/events")).unwrap() {
        let log_path = entry.unwrap().path();
        let stem = log_path.file_stem().unwrap().to_str().unwrap().to_string();
        let (id, year) = stem.rsplit_once('-').unwrap();
        let policy = std::fs::read_dir(format!("{dir}/examples/policies"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .starts_with(&format!("{id}-"))
            })
            .unwrap();
        let as_of = format!("{}-01-10", year.parse::<i32>().unwrap() + 1);
        let p = zeren::Policy::from_files(&[&policy]).unwrap();
        let log = p.events_from_file(&log_path).unwrap();
        let whole = p
            .compliance(&log, as_of.parse().unwrap(), None, None)
            .unwrap();
        let args = |extra: Option<&str>| {
            let mut a = vec![
                "compliance".to_string(),
                policy.display().to_string(),
                "--events".into(),
                log_path.display().to_string(),
                "--as-of".into(),
                as_of.clone(),
            ];
            a.extend(extra.map(String::from));
            a
        };
        let run = |a: Vec<String>| {
            let refs: Vec<&str> = a.iter().map(String::as_str).collect();
            let (code, out, err) = zeren(&refs);
            assert_eq!(code, 0, "{err}");
            out
        };
        assert_eq!(run(args(None)), whole.to_string(), "{stem}");
        assert_eq!(
            run(args(Some("--json"))),
            format!("{}\n", serde_json::to_string_pretty(&whole).unwrap()),
            "{stem}"
        );
        compared += 1;
    }
    assert!(compared >= 8);
}
