//! `zeren::format` and `zeren fmt`: one canonical layout that changes only
//! whitespace, keeps comments where they were, is idempotent, and leaves
//! every answer of a policy as it was.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use zeren::{NaiveDate, Policy};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn example_policies() -> Vec<PathBuf> {
    let mut out = Vec::new();
    files_under(&Path::new(ROOT).join("examples/policies"), "zr", &mut out);
    assert!(out.len() >= 12, "{out:?}");
    out
}

/// Every `.zr` file under `tests/fixtures/`, this test's own included.
fn fixture_policies() -> Vec<PathBuf> {
    let mut out = Vec::new();
    files_under(&Path::new(ROOT).join("tests/fixtures"), "zr", &mut out);
    assert!(out.len() >= 20, "{out:?}");
    out
}

fn name_of(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// The syntax tree as JSON, without locations.
fn tree(name: &str, text: &str) -> Value {
    let mut v = serde_json::to_value(zeren::parse_tree(name, text).unwrap()).unwrap();
    strip_spans(&mut v);
    v
}

fn strip_spans(v: &mut Value) {
    match v {
        // A location kept under another key (`effective_on_issue`) is one
        // too: an object of exactly `file`, `start` and `end`.
        Value::Object(map)
            if map.len() == 3
                && ["file", "start", "end"]
                    .iter()
                    .all(|k| map.get(*k).is_some_and(Value::is_u64)) =>
        {
            *v = Value::Null;
        }
        Value::Object(map) => {
            map.retain(|k, _| k != "span");
            map.values_mut().for_each(strip_spans);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_spans),
        _ => {}
    }
}

/// Formats `text`, checks that formatting again changes nothing and that
/// the syntax tree is the same; returns the formatted text.
fn format_checked(name: &str, text: &str) -> String {
    let once = zeren::format(text).unwrap_or_else(|d| panic!("{name}: {d}"));
    let twice = zeren::format(&once).unwrap_or_else(|d| panic!("{name} (formatted): {d}"));
    assert_eq!(twice, once, "{name}: formatting twice changed the text");
    assert_eq!(
        tree(name, &once),
        tree(name, text),
        "{name}: the syntax tree changed"
    );
    once
}

/// Every string value under the key `person` (a name, or `{"text": name}`).
fn people_in(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                if k == "person" {
                    match x {
                        Value::String(s) => {
                            out.insert(s.clone());
                        }
                        Value::Object(o) => {
                            if let Some(Value::String(s)) = o.get("text") {
                                out.insert(s.clone());
                            }
                        }
                        _ => {}
                    }
                }
                people_in(x, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|x| people_in(x, out)),
        _ => {}
    }
}

fn json<T: serde::Serialize, E: std::fmt::Display>(r: Result<T, E>) -> Value {
    match r {
        Ok(a) => serde_json::to_value(a).unwrap(),
        Err(e) => Value::String(format!("error: {e}")),
    }
}

/// The text with every `:` followed by digits (a `file:line`) cut to `:`.
fn without_lines(s: &str) -> String {
    let mut out = String::new();
    let mut after_colon = false;
    for c in s.chars() {
        if after_colon && c.is_ascii_digit() {
            continue;
        }
        after_colon = c == ':';
        out.push(c);
    }
    out
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The answers a policy gives, as JSON: its tests, its warnings, who is
/// responsible for every unit and what every person holds on several
/// dates, staffing, a calendar, and the triggers and liability of the
/// example incidents given.
fn answers(policy: &Policy, tree: &Value, incidents: &[PathBuf]) -> Value {
    let mut dates: Vec<NaiveDate> = [
        "2018-11-08",
        "2019-01-01",
        "2019-07-01",
        "2020-06-01",
        "2021-09-01",
        "2023-01-01",
    ]
    .iter()
    .map(|d| date(d))
    .collect();
    dates.extend(policy.header().effective);
    let mut people = BTreeSet::new();
    people_in(tree, &mut people);
    let mut who = Vec::new();
    for &on in &dates {
        for unit in policy.units() {
            let answer = json(policy.who_unit(unit, on));
            people_in(&answer, &mut people);
            who.push(answer);
        }
    }
    let mut duties = Vec::new();
    for &on in &dates {
        for person in &people {
            duties.push(json(policy.duties_of(person, on)));
        }
    }
    let staffing: Vec<Value> = dates
        .iter()
        .map(|&on| json(policy.staffing(on, None)))
        .collect();
    let calendar = json(policy.calendar(date("2019-01-01"), date("2021-12-31"), None));
    let warnings: Vec<Value> = policy
        .warnings()
        .0
        .iter()
        .map(|d| serde_json::json!([d.kind, d.message]))
        .collect();
    let mut triggers = Vec::new();
    for path in incidents {
        let text = std::fs::read_to_string(path).unwrap();
        let incident = policy.incident_from_json(&name_of(path), &text).unwrap();
        triggers.push(serde_json::json!({
            "triggers": serde_json::to_value(policy.triggers(&incident, true).unwrap()).unwrap(),
            "liability": json(policy.liability(&incident)),
        }));
    }
    // Tests are compared without their `file:line`: blank lines removed by
    // formatting move lines, not answers.
    let tests: Vec<Value> = policy
        .run_tests()
        .tests
        .iter()
        .map(|t| {
            serde_json::json!([
                t.name,
                t.passed,
                t.failures
                    .iter()
                    .map(|f| without_lines(f))
                    .collect::<Vec<_>>()
            ])
        })
        .collect();
    serde_json::json!({
        "tests": tests,
        "warnings": warnings,
        "who": who,
        "duties": duties,
        "staffing": staffing,
        "calendar": calendar,
        "triggers": triggers,
    })
}

/// The example incidents of a policy, by its document id: `003-5-*.json`
/// for `003-5-campus.zr`, `002-*.json` for `002-sues.zr`.
fn incidents_for(policy: &Path) -> Vec<PathBuf> {
    let file = name_of(policy);
    let b = file.as_bytes();
    let id_len = if b.get(3) == Some(&b'-') && b.get(5) == Some(&b'-') {
        5
    } else {
        3
    };
    let prefix = format!("{}-", &file[..id_len]);
    let mut all = Vec::new();
    files_under(
        &Path::new(ROOT).join("examples/incidents"),
        "json",
        &mut all,
    );
    all.into_iter()
        .filter(|p| name_of(p).starts_with(&prefix))
        .collect()
}

#[test]
fn example_policies_keep_their_answers() {
    let (mut incidents_seen, mut changed, mut tests, mut people) = (0, 0, 0, 0);
    for path in example_policies() {
        let name = name_of(&path);
        let canonical = std::fs::read_to_string(&path).unwrap();
        // The examples are kept in the canonical layout (`zeren fmt`) …
        assert_eq!(
            zeren::format(&canonical).unwrap(),
            canonical,
            "{name}: run `zeren fmt` on the examples"
        );
        // … so the layout is undone first: every run of spaces between
        // tokens made one space. Formatting that gives the canonical text
        // back, with the same answers.
        let text = one_space(&canonical);
        let formatted = format_checked(&name, &text);
        assert_eq!(formatted, canonical, "{name}");
        if text != canonical {
            changed += 1;
        }
        let incidents = incidents_for(&path);
        incidents_seen += incidents.len();
        let before = Policy::parse(&name, &text).unwrap();
        let after = Policy::parse(&name, &formatted).unwrap();
        let tree = tree(&name, &text);
        let expected = answers(&before, &tree, &incidents);
        assert_eq!(
            answers(&after, &tree, &incidents),
            expected,
            "{name}: the formatted policy answers differently"
        );
        assert_eq!(after.warnings().len(), before.warnings().len(), "{name}");
        // The comparison is not vacuous: every policy has units.
        assert!(expected["who"].as_array().unwrap().len() > 1, "{name}");
        people += expected["duties"].as_array().unwrap().len();
        tests += before.run_tests().tests.len();
    }
    // Every example incident belongs to a policy and was compared.
    let mut all = Vec::new();
    files_under(
        &Path::new(ROOT).join("examples/incidents"),
        "json",
        &mut all,
    );
    assert_eq!(incidents_seen, all.len());
    assert!(tests >= 10 && people >= 100, "{tests} {people}");
    // Aligned columns are undone in most examples: the comparison is real.
    assert!(changed >= 6, "only {changed} examples changed");
}

#[test]
fn fixtures_format_idempotently_or_report_their_syntax_errors() {
    let (mut formatted, mut compiled, mut refused) = (0, 0, 0);
    for path in fixture_policies() {
        let name = name_of(&path);
        let bytes = std::fs::read(&path).unwrap();
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        match zeren::parse_tree(&name, &text) {
            Ok(_) => {
                let out = format_checked(&name, &text);
                formatted += 1;
                if let Ok(before) = Policy::parse(&name, &text) {
                    let after = Policy::parse(&name, &out).unwrap();
                    let tree = tree(&name, &text);
                    assert_eq!(
                        answers(&after, &tree, &[]),
                        answers(&before, &tree, &[]),
                        "{name}: the formatted policy answers differently"
                    );
                    compiled += 1;
                } else {
                    // A policy with errors keeps them, at the same lines.
                    let before = Policy::parse(&name, &text).unwrap_err();
                    let after = Policy::parse(&name, &out).unwrap_err();
                    let what = |d: &zeren::Diagnostics| -> Vec<(String, usize)> {
                        d.0.iter().map(|x| (x.message.clone(), x.line())).collect()
                    };
                    assert_eq!(what(&after).len(), what(&before).len(), "{name}");
                }
            }
            Err(errors) => {
                // The same errors as the parser's, for the text as given.
                let got = zeren::format(&text).unwrap_err();
                let key = |d: &zeren::Diagnostics| -> Vec<(String, usize, usize)> {
                    d.0.iter()
                        .map(|x| (x.message.clone(), x.line(), x.column()))
                        .collect()
                };
                assert_eq!(key(&got), key(&errors), "{name}");
                refused += 1;
            }
        }
    }
    assert!(
        formatted >= 20 && compiled >= 8 && refused >= 3,
        "{formatted} {compiled} {refused}"
    );
}

#[test]
fn formatted_fixtures() {
    insta::glob!("fixtures/fmt/*.zr", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let out = format_checked(&name_of(path), &text);
        // Line ends are shown, so a snapshot tells LF from CRLF.
        insta::assert_snapshot!(out.replace('\r', "␍"));
    });
}

#[test]
fn crlf_line_ends_are_kept_and_lf_is_the_default() {
    let lf = "org {\n unit 校党委 kind 党委  # 党委\n\n\n unit 宣传部 kind 部门 under 校党委\n}\n";
    let want =
        "org {\n  unit 校党委 kind 党委  # 党委\n\n  unit 宣传部 kind 部门 under 校党委\n}\n";
    assert_eq!(zeren::format(lf).unwrap(), want);
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(zeren::format(&crlf).unwrap(), want.replace('\n', "\r\n"));
    // Mixed line ends follow the first line's.
    let mixed = "duties 甲\r\nunit kinds 党委\n";
    assert_eq!(
        zeren::format(mixed).unwrap(),
        "duties 甲\r\nunit kinds 党委\r\n"
    );
    // A byte-order mark stays; an empty text stays empty.
    assert_eq!(
        zeren::format("\u{FEFF}duties  甲").unwrap(),
        "\u{FEFF}duties 甲\n"
    );
    assert_eq!(zeren::format("").unwrap(), "");
    assert_eq!(zeren::format("\n\n").unwrap(), "");
}

#[test]
fn alignment_counts_wide_characters_as_two_columns() {
    let text = "assign per \"x\" in each 党委 {\n  team bears 主体责任\n  书记 bears 第一责任人\n  班子成员 covering bears 重要领导责任\n}\n";
    let out = zeren::format(text).unwrap();
    assert_eq!(
        out,
        "assign per \"x\" in each 党委 {\n  team              bears 主体责任\n  书记              bears 第一责任人\n  班子成员 covering bears 重要领导责任\n}\n"
    );
    let text = "triggers per \"x\" {\n（一） \"甲\" when 失职\n(十一) \"乙\"\nwhen 失职\n10. \"丙\" otherwise\n}\n";
    assert_eq!(
        zeren::format(text).unwrap(),
        "triggers per \"x\" {\n  （一） \"甲\" when 失职\n  (十一) \"乙\"\n         when 失职\n  10.    \"丙\" otherwise\n}\n"
    );
}

#[test]
fn tokens_and_separators_are_kept_as_written() {
    // `，` and `、` stay, with no space after them; `,` gets one.
    assert_eq!(
        zeren::format("unit kinds 党委 ，部门、 学院,处室\n").unwrap(),
        "unit kinds 党委，部门、学院, 处室\n"
    );
    // `5 、6` is two clause numbers; `5、6` would be one and a syntax error.
    let text = "test \"t\" { expect triggers 5 、6 }\n";
    let out = zeren::format(text).unwrap();
    assert_eq!(out, "test \"t\" { expect triggers 5 、6 }\n");
    // Quoted text, dates, numbers and hyphenated keywords are untouched.
    let text =
        "fact  人数 number\ntriggers per \"第 八 条\" { ( 五 ) \"“x”  y\" when 人数 >= -1.5 }\n";
    assert_eq!(
        zeren::format(text).unwrap(),
        "fact 人数 number\ntriggers per \"第 八 条\" { ( 五 ) \"“x”  y\" when 人数 >= -1.5 }\n"
    );
}

/// Spaces outside quoted text, clause numbers and comments, as byte offsets.
fn free_spaces(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut close: Option<char> = None;
    for (i, c) in text.char_indices() {
        match close {
            Some(end) => {
                if c == end || c == '\n' {
                    close = None;
                }
            }
            None => match c {
                '"' => close = Some('"'),
                '“' => close = Some('”'),
                '#' => close = Some('\n'),
                ' ' => out.push(i),
                _ => {}
            },
        }
    }
    out
}

/// The text with every run of free spaces (outside quotes and comments)
/// made one space.
fn one_space(text: &str) -> String {
    let spaces = free_spaces(text);
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let run = c == ' ' && spaces.binary_search(&i).is_ok();
        if run && out.ends_with(' ') && i > 0 && spaces.binary_search(&(i - 1)).is_ok() {
            continue;
        }
        out.push(c);
    }
    out
}

#[test]
fn spacing_within_lines_does_not_change_the_result() {
    // Widen every space between tokens of the formatted examples at random
    // (more spaces, tabs, ideographic spaces): the result is the same.
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    for path in example_policies() {
        let name = name_of(&path);
        let canonical = zeren::format(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for _ in 0..3 {
            let mut messy = String::new();
            let mut at = 0;
            for i in free_spaces(&canonical) {
                messy.push_str(&canonical[at..i]);
                messy.push_str(["  ", "\t", " \u{3000}", " ", "   "][next() % 5]);
                at = i + 1;
            }
            messy.push_str(&canonical[at..]);
            assert_ne!(messy, canonical);
            assert_eq!(zeren::format(&messy).unwrap(), canonical, "{name}");
        }
    }
}

#[test]
fn line_breaks_anywhere_between_tokens_are_formatted() {
    // Break the formatted examples' lines at random spaces between tokens:
    // every result formats, keeps its tree, and is stable.
    let mut seed: u64 = 0xb4ea_c0de;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    for path in example_policies() {
        let name = name_of(&path);
        let canonical = zeren::format(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for round in 0..3 {
            let mut broken = String::new();
            let mut at = 0;
            for i in free_spaces(&canonical) {
                broken.push_str(&canonical[at..i]);
                broken.push_str(if next() % 4 == 0 { "\n" } else { " " });
                at = i + 1;
            }
            broken.push_str(&canonical[at..]);
            format_checked(&format!("{name} (round {round})"), &broken);
        }
    }
}

#[test]
fn syntax_errors_are_returned_not_formatted() {
    let err = zeren::format("unit kinds 党委,\norg {\n  unit 校党委 kind\n}\n").unwrap_err();
    assert!(!err.0.is_empty());
    assert!(err
        .0
        .iter()
        .all(|d| d.severity == zeren::Severity::Error && d.line() > 0));
    assert_eq!(err.0[0].kind, zeren::DiagKind::Syntax);
    assert_eq!(err.0[0].line(), 2, "{err}");
    // Problems the parser reports besides the grammar: a lone CR, a bad date.
    assert!(zeren::format("duties 甲\r乙\n").is_err());
    assert!(zeren::format("policy \"x\" { effective 2019-02-29 }\n").is_err());
    // Unknown names are no concern of the formatter: a file of a policy
    // of several is formatted on its own.
    assert_eq!(
        zeren::format("assign per \"x\" in 校党委 {  书记  bears  甲 }").unwrap(),
        "assign per \"x\" in 校党委 { 书记 bears 甲 }\n"
    );
}

// ---- the command line -------------------------------------------------------

fn zeren(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zeren"))
        .args(args)
        .current_dir(ROOT)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A fresh directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zeren-fmt-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const MESSY: &str = "org {\nunit 校党委 kind 党委\n}\n";
const TIDY: &str = "org {\n  unit 校党委 kind 党委\n}\n";
const BROKEN: &str = "org {\nunit 校党委 kind\n}\n";

#[test]
#[cfg(feature = "cli")]
fn fmt_check_lists_the_files_that_would_change_and_writes_nothing() {
    let dir = scratch("check");
    let (messy, tidy) = (dir.join("messy.zr"), dir.join("tidy.zr"));
    std::fs::write(&messy, MESSY).unwrap();
    std::fs::write(&tidy, TIDY).unwrap();
    let (m, t) = (messy.to_str().unwrap(), tidy.to_str().unwrap());

    let (code, out, err) = zeren(&["fmt", "--check", m, t]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, format!("{m}\n"));
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), MESSY);

    let (code, out, err) = zeren(&["fmt", "--check", t]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));

    // Paths are listed as given.
    let (code, out, _) = zeren(&["fmt", "--check", "tests/fixtures/fmt/spacing.zr"]);
    assert_eq!((code, out.trim()), (1, "tests/fixtures/fmt/spacing.zr"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
#[cfg(feature = "cli")]
fn fmt_rewrites_only_the_files_that_change() {
    let dir = scratch("write");
    let (messy, tidy) = (dir.join("messy.zr"), dir.join("tidy.zr"));
    std::fs::write(&messy, MESSY).unwrap();
    std::fs::write(&tidy, TIDY).unwrap();
    // A file that is not rewritten keeps its modification time.
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    for p in [&messy, &tidy] {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    let (m, t) = (messy.to_str().unwrap(), tidy.to_str().unwrap());
    let (code, out, err) = zeren(&["fmt", m, t]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, format!("formatted {m}\n"));
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), TIDY);
    assert_eq!(std::fs::read_to_string(&tidy).unwrap(), TIDY);
    let modified = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    assert_eq!(modified(&tidy), old);
    assert_ne!(modified(&messy), old);
    // Now everything is formatted.
    let (code, out, _) = zeren(&["fmt", "--check", m, t]);
    assert_eq!((code, out.as_str()), (0, ""));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
#[cfg(feature = "cli")]
fn fmt_reports_syntax_errors_and_leaves_the_file_untouched() {
    let dir = scratch("broken");
    let (broken, messy) = (dir.join("broken.zr"), dir.join("messy.zr"));
    std::fs::write(&broken, BROKEN).unwrap();
    std::fs::write(&messy, MESSY).unwrap();
    let (b, m) = (broken.to_str().unwrap(), messy.to_str().unwrap());
    for check in [true, false] {
        let mut args = vec!["fmt", b, m];
        if check {
            args.insert(1, "--check");
        }
        let (code, _, err) = zeren(&args);
        assert_eq!(code, 1);
        assert!(err.contains("error[syntax]"), "{err}");
        assert!(err.contains(&format!("{b}:3:1")), "{err}");
        assert_eq!(std::fs::read_to_string(&broken).unwrap(), BROKEN);
    }
    // The other file was still formatted (by the run without --check).
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), TIDY);
    // A file that cannot be read is an error too.
    let (code, _, err) = zeren(&["fmt", dir.join("missing.zr").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read the file"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
