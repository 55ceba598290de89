//! Hostile inputs: each is sized so that quadratic work (or work that grows
//! with anything but the input) would not finish in the test suite's time,
//! and each asserts on the answer and the number of problems. Times are
//! measured in `benches/hostile.rs`, never here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
#[path = "common/hostile_inputs.rs"]
mod inputs;

use common::{date, example};
use zeren::{compliance::ReactionStatus, events::Event, limits, DiagKind, Policy, Severity};

/// The last diagnostic of a capped list counts the rest.
fn assert_capped(d: &zeren::Diagnostics, total: usize) {
    assert_eq!(d.len(), limits::MAX_DIAGNOSTICS + 1, "{}", d.0[0]);
    let last = &d.0[limits::MAX_DIAGNOSTICS];
    assert_eq!(last.kind, DiagKind::Limit);
    let more = total - limits::MAX_DIAGNOSTICS;
    assert!(
        last.message.starts_with(&format!("{more} more ")),
        "{}",
        last.message
    );
}

#[test]
fn twenty_thousand_unknown_participants_are_capped() {
    let p = example("004-province.zr");
    let json = inputs::incident_with_unknown_participants(20_000);
    let d = p.incident_from_json("inc.json", &json).unwrap_err();
    assert_capped(&d, 20_000);
    let first = &d.0[0];
    assert_eq!(first.kind, DiagKind::UnknownName);
    assert_eq!(first.line(), 1);
    assert!(first.message.contains("未知人员00000"), "{}", first.message);
    // The one long line is shown as a window, not copied whole.
    assert!(
        first.snippet().chars().count() < 200,
        "{}",
        first.snippet().len()
    );
}

/// `n` occurrences of 重大情况 for 公司党委, each answered by a 报告 to 政工部
/// that names it.
fn reactive_events(n: usize) -> Vec<Event> {
    let mut events = Vec::with_capacity(2 * n);
    for i in 0..n {
        let when = inputs::when(i);
        events.push(Event {
            id: Some(format!("e{i}")),
            date: when.clone(),
            unit: Some("公司党委".into()),
            event: Some("重大情况".into()),
            ..Event::default()
        });
        events.push(Event {
            date: when,
            unit: Some("公司党委".into()),
            action: Some("报告".into()),
            to: vec!["政工部".into()],
            reference: Some(format!("e{i}")),
            ..Event::default()
        });
    }
    events
}

#[test]
fn two_hundred_thousand_event_driven_events_are_matched_by_index() {
    let p = example("001-A-company.zr");
    let log = p.events("log", &reactive_events(100_000)).unwrap();
    assert_eq!(log.len(), 200_000);
    let a = p
        .compliance(&log, date("2021-12-31"), None, Some("公司党委"))
        .unwrap();
    let reactions: Vec<_> = a
        .reactions
        .iter()
        .filter(|r| r.action == "报告" && r.kind == "重大情况")
        .collect();
    assert_eq!(reactions.len(), 100_000);
    assert!(reactions
        .iter()
        .all(|r| r.status == ReactionStatus::Answered && r.answer.is_some()));
}

#[test]
fn long_unknown_names_in_a_log_get_a_bounded_answer() {
    let path = format!(
        "{}/examples/policies/001-A-company.zr",
        env!("CARGO_MANIFEST_DIR")
    );
    let p = Policy::builder()
        .file(&path)
        .org_json("org.json", &inputs::org_of_branches(1_000))
        .build()
        .unwrap();
    let log = inputs::long_unknown_names(20_000);
    let d = p.events_from_jsonl("log.jsonl", &log).unwrap_err();
    assert_eq!(d.len(), 3);
    for (i, e) in d.iter().enumerate() {
        assert_eq!(e.kind, DiagKind::UnknownName);
        assert_eq!(e.line(), i + 1);
        // The name is cut in the message, and the snippet is a window.
        assert!(e.message.chars().count() < 400, "{}", e.message.len());
        assert!(e.message.contains("(20000 characters)"), "{}", e.message);
        assert!(e.snippet().chars().count() < 200);
    }
}

#[test]
fn a_hundred_thousand_enum_values_scale_levels_and_clauses_check() {
    let (enum_policy, scale) = inputs::big_enum_and_scale(100_000);
    Policy::parse("enum.zr", &enum_policy).unwrap();
    Policy::parse("scale.zr", &scale).unwrap();
    let clauses = inputs::clauses(100_000, false);
    let p = Policy::parse("clauses.zr", &clauses).unwrap();
    // The lean answer over them: one shape, 1,563 words of bits.
    for (facts, matched, undetermined) in [
        (r#"{"f": "a"}"#, 100_000, 0),
        (r#"{"f": "b"}"#, 0, 0),
        ("{}", 0, 100_000),
    ] {
        let json = format!(r#"{{"date": "2020-01-01", "facts": {facts}}}"#);
        let inc = p.incident_from_json("i.json", &json).unwrap();
        let m = p.matching(&inc).unwrap();
        assert_eq!(
            (m.matched.len(), m.undetermined.len()),
            (matched, undetermined),
            "{facts}"
        );
    }
}

#[test]
fn a_hundred_thousand_duplicates_and_warnings_are_capped() {
    let dup = inputs::duplicate_values(100_000);
    let d = Policy::parse("dup.zr", &dup).unwrap_err();
    assert_capped(&d, 99_999);
    assert_eq!(d.0[0].kind, DiagKind::Duplicate);
    let never = inputs::clauses(100_000, true);
    let p = Policy::parse("never.zr", &never).unwrap();
    let w = p.warnings();
    assert_capped(w, 100_000);
    assert!(w.iter().all(|d| d.severity == Severity::Warning));
}

#[test]
fn a_daily_obligation_over_three_centuries_is_refused_before_building() {
    let text = inputs::daily_obligation(180);
    let p = Policy::parse("daily.zr", &text).unwrap();
    let e = p
        .calendar(date("1900-01-01"), date("2200-12-31"), None)
        .unwrap_err();
    let message = e.to_string();
    assert!(message.contains("19788840 rows"), "{message}");
    assert!(
        message.contains("narrow the dates or pick one unit"),
        "{message}"
    );
    // One unit over the same range is still too big; a decade for all fits.
    assert!(p
        .calendar(date("1900-01-01"), date("2200-12-31"), Some("支部0"))
        .is_ok());
    let a = p
        .calendar(date("2011-01-01"), date("2020-12-31"), None)
        .unwrap();
    assert_eq!(a.items.len(), 180 * 3653);
}

#[test]
fn the_whole_policy_is_bounded_not_only_each_file() {
    let chunk = format!("# {}\n", "x".repeat(limits::MAX_SOURCE_BYTES - 3));
    assert_eq!(chunk.len(), limits::MAX_SOURCE_BYTES);
    let files = limits::MAX_POLICY_BYTES / limits::MAX_SOURCE_BYTES;
    let mut b = Policy::builder();
    for i in 0..files {
        b = b.source(&format!("f{i}.zr"), &chunk);
    }
    // Exactly at the limit: accepted (an empty policy of comments).
    let at = b.build();
    assert!(at.is_ok(), "{}", at.unwrap_err());
    let mut b = Policy::builder();
    for i in 0..=files {
        b = b.source(&format!("f{i}.zr"), &chunk);
    }
    let d = b.build().unwrap_err();
    assert_eq!(d.len(), 1);
    assert_eq!(d.0[0].kind, DiagKind::Limit);
    assert_eq!(d.0[0].file(), format!("f{files}.zr"));
}

/// A log generated as it is read, never held whole in memory.
struct Generated {
    lines: usize,
    at: usize,
    buf: Vec<u8>,
    pos: usize,
}

impl std::io::Read for Generated {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.buf.len() {
            if self.at == self.lines {
                return Ok(0);
            }
            self.buf.clear();
            let i = self.at;
            let units = ["机关党支部", "一车间党支部", "二车间党支部"];
            let line = format!(
                "{{\"date\": \"2021-{:02}-{:02}T{:02}:{:02}\", \"unit\": \"{}\", \"action\": \"专题研究\"}}\n",
                1 + (i / 3) % 12,
                1 + (i / 36) % 28,
                (i / 1008) % 24,
                (i / 24192) % 60,
                units[i % 3]
            );
            self.buf.extend_from_slice(line.as_bytes());
            self.pos = 0;
            self.at += 1;
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl std::io::Seek for Generated {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        assert_eq!(to, std::io::SeekFrom::Start(0));
        self.at = 0;
        self.pos = self.buf.len();
        Ok(0)
    }
}

#[test]
fn a_big_log_is_read_as_a_stream() {
    let p = example("001-A-company.zr");
    let n = 300_000;
    let reader = std::io::BufReader::new(Generated {
        lines: n,
        at: 0,
        buf: Vec::new(),
        pos: 0,
    });
    let log = p.events_from_reader("big.jsonl", reader).unwrap();
    assert_eq!(log.len(), n);
    let a = p.compliance(&log, date("2021-12-31"), None, None).unwrap();
    assert!(!a.periods.is_empty());
}

#[test]
fn hidden_characters_in_org_json_are_rejected_by_path() {
    let path = format!(
        "{}/examples/policies/001-A-company.zr",
        env!("CARGO_MANIFEST_DIR")
    );
    for (bad, why) in [
        ("张\u{200B}三", "zero-width"),
        ("张\u{202E}三", "bidirectional"),
        ("张\u{0}三", "NUL"),
        ("张\u{1B}[2J三", "escape"),
        ("张\n三", "control"),
    ] {
        let org = serde_json::json!({
            "holdings": [{"person": bad, "position": "书记", "unit": "公司党委", "from": "2020-01-01"}]
        })
        .to_string();
        let d = Policy::builder()
            .file(&path)
            .org_json("org.json", &org)
            .build()
            .unwrap_err();
        let hit = d
            .iter()
            .find(|e| e.kind == DiagKind::ForbiddenChar)
            .unwrap_or_else(|| panic!("{bad:?}: {d}"));
        assert_eq!(hit.path(), Some("holdings[0].person"));
        assert!(hit.message.contains(why), "{}", hit.message);
        // The rendered text never carries the raw character.
        let shown = d.to_string();
        assert!(!shown.contains('\u{1B}') && !shown.contains('\u{202E}'));
    }
}

#[test]
fn hidden_characters_in_logs_incidents_and_queries_are_rejected() {
    let p = example("001-A-company.zr");
    let d = p
        .events_from_jsonl(
            "log.jsonl",
            "{\"id\": \"a\\u001b[2J\", \"date\": \"2021-03-01\", \"unit\": \"公司党委\", \"action\": \"专题研究\"}\n",
        )
        .unwrap_err();
    assert_eq!(d.0[0].kind, DiagKind::ForbiddenChar);
    assert_eq!((d.0[0].line(), d.0[0].column()), (1, 8));
    let d = p
        .events_from_jsonl(
            "log.jsonl",
            "{\"date\": \"2021-03-01\", \"unit\": \"公司\\u200b党委\", \"action\": \"专题研究\"}\n",
        )
        .unwrap_err();
    assert_eq!(d.0[0].kind, DiagKind::UnknownName);
    assert!(d.0[0].message.contains("<U+200B>"), "{}", d.0[0].message);
    assert!(d.0[0].help.as_deref().unwrap_or("").contains("zero-width"));
    let e = p
        .who_unit("公司\u{1B}[31m党委", date("2021-03-01"))
        .unwrap_err();
    let shown = e.to_string();
    assert!(!shown.contains('\u{1B}'), "{shown}");
    assert!(shown.contains("escape character"), "{shown}");
}

#[test]
fn a_lone_carriage_return_is_an_error_in_json_inputs() {
    let p = example("001-A-company.zr");
    let d = p
        .events_from_jsonl(
            "log.jsonl",
            "{\"date\": \"2021-03-01\",\r \"unit\": \"公司党委\", \"action\": \"专题研究\"}\n",
        )
        .unwrap_err();
    assert_eq!(d.0[0].kind, DiagKind::ForbiddenChar);
    assert_eq!((d.0[0].line(), d.0[0].column()), (1, 23));
    let d = p
        .incident_from_json("inc.json", "{\"date\": \"2021-03-01\",\r\"facts\": {}}")
        .unwrap_err();
    assert_eq!(d.0[0].kind, DiagKind::ForbiddenChar);
    // CRLF line ends stay accepted.
    assert!(p
        .events_from_jsonl(
            "log.jsonl",
            "{\"date\": \"2021-03-01\", \"unit\": \"公司党委\", \"action\": \"专题研究\"}\r\n",
        )
        .is_ok());
}

#[test]
fn dates_are_exactly_four_two_two_digits_everywhere() {
    let p = example("001-A-company.zr");
    for bad in ["+2021-06-01", "002021-06-01", "2021-6-01"] {
        assert!(zeren::parse_date(bad).is_err(), "{bad}");
        let line =
            format!("{{\"date\": \"{bad}\", \"unit\": \"公司党委\", \"action\": \"专题研究\"}}\n");
        let d = p.events_from_jsonl("log.jsonl", &line).unwrap_err();
        assert_eq!(d.0[0].kind, DiagKind::InvalidDate, "{bad}");
        assert_eq!(d.0[0].column(), 10);
        let inc = format!("{{\"date\": \"{bad}\", \"facts\": {{}}}}");
        let d = p.incident_from_json("inc.json", &inc).unwrap_err();
        assert!(
            d.0[0].message.contains("is not a date"),
            "{}",
            d.0[0].message
        );
        let org = format!(
            r#"{{"holdings": [{{"person": "张三", "position": "书记", "unit": "公司党委", "from": "{bad}"}}]}}"#
        );
        assert!(Policy::builder()
            .source(
                "p.zr",
                "unit kinds 党委\npositions 书记\norg { unit 公司党委 kind 党委 }"
            )
            .org_json("org.json", &org)
            .build()
            .is_err());
    }
}

#[test]
fn invalid_utf8_is_reported_with_line_and_column() {
    let dir = std::env::temp_dir().join(format!("zeren-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = example("001-A-company.zr");
    let log = dir.join("log.jsonl");
    let mut bytes =
        b"{\"date\": \"2021-03-01\", \"unit\": \"\xE5\x85\xAC\xE5\x8F\xB8\xE5\x85\x9A\xE5\xA7\x94\", \"action\": \"\xE4\xB8\x93\xE9\xA2\x98\xE7\xA0\x94\xE7\xA9\xB6\"}\n"
            .to_vec();
    bytes.extend_from_slice(b"{\"date\": \"2021-03-02\", \"unit\": \"\xE5\x85\xAC\xFF\"}\n");
    std::fs::write(&log, &bytes).unwrap();
    let d = p.events_from_file(&log).unwrap_err();
    assert_eq!(d.len(), 1);
    assert_eq!((d.0[0].line(), d.0[0].column()), (2, 34));
    assert!(d.0[0].message.contains("not UTF-8"), "{}", d.0[0].message);
    let inc = dir.join("inc.json");
    std::fs::write(
        &inc,
        b"{\n  \"date\": \"2021-03-01\",\n  \"unit\": \"ab\xC0\"\n}",
    )
    .unwrap();
    let d = p.incident_from_file(&inc).unwrap_err();
    assert_eq!((d.0[0].line(), d.0[0].column()), (3, 14));
    let zr = dir.join("p.zr");
    std::fs::write(&zr, b"unit kinds \xE5\x85\x9A\xE5\xA7\x94\nduties \xFE\n").unwrap();
    let d = Policy::from_files(&[&zr]).unwrap_err();
    assert_eq!((d.0[0].line(), d.0[0].column()), (2, 8));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Inputs found by `cargo fuzz` (kept in `tests/fixtures/fuzz-crashes/`): each once
/// panicked, and now gets an error.
#[test]
fn fuzz_crashes_get_errors() {
    let dir = format!("{}/tests/fixtures/fuzz-crashes", env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let result = std::panic::catch_unwind(|| Policy::parse("crash.zr", &text).map(|_| ()));
        assert!(result.is_ok(), "{} panics", path.display());
        seen += 1;
    }
    assert!(seen >= 1);
    let d = Policy::parse("0.zr", "org\r").unwrap_err();
    assert_eq!(d.0[0].kind, DiagKind::ForbiddenChar);
}

#[test]
fn org_json_files_are_bounded_by_the_policy_total_not_the_file_limit() {
    let dir = std::env::temp_dir().join(format!("zeren-org-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let org = dir.join("org.json");
    let rules = dir.join("rules.zr");
    std::fs::write(&rules, "unit kinds 党委\n").unwrap();
    // Larger than one policy file may be (whitespace is valid JSON).
    let padding = " ".repeat(limits::MAX_SOURCE_BYTES);
    std::fs::write(
        &org,
        format!(r#"{{"units": [{{"name": "校党委", "kind": "党委"}}]}}{padding}"#),
    )
    .unwrap();
    let p = Policy::from_files(&[&rules, &org]).unwrap();
    assert_eq!(p.units().collect::<Vec<_>>(), vec!["校党委"]);
    // A policy text file of the same size is refused.
    std::fs::write(&rules, format!("unit kinds 党委\n{padding}")).unwrap();
    let d = Policy::from_files(&[&rules]).unwrap_err();
    assert_eq!(d.0[0].kind, DiagKind::Limit);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn org_json_has_a_budget_of_its_own_tested_at_n_and_n_plus_one() {
    let org = |total: usize| {
        let head = r#"{"units": [{"name": "校党委", "kind": "党委"}]}"#;
        format!("{head}{}", " ".repeat(total - head.len()))
    };
    let at = org(limits::MAX_ORG_JSON_BYTES);
    assert_eq!(at.len(), limits::MAX_ORG_JSON_BYTES);
    let p = Policy::builder()
        .source("rules.zr", "unit kinds 党委\n")
        .org_json("org.json", &at)
        .build();
    assert!(p.is_ok(), "{}", p.unwrap_err());
    let over = org(limits::MAX_ORG_JSON_BYTES + 1);
    let d = Policy::builder()
        .source("rules.zr", "unit kinds 党委\n")
        .org_json("org.json", &over)
        .build()
        .unwrap_err();
    assert_eq!(d.len(), 1);
    assert_eq!(d.0[0].kind, DiagKind::Limit);
    assert!(d.0[0].message.contains("org JSON"), "{}", d.0[0].message);
}
