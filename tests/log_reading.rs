//! A log long enough to be read in many chunks (bound by several workers
//! where the machine has the cores) reads as the same events built in Rust
//! one by one; its problems are the first by line wherever they sit, and an
//! id used again far from its first use is still refused.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{date, example};
use zeren::events::Event;
use zeren::{limits, DiagKind, Policy};

const UNITS: [&str; 3] = ["机关党支部", "一车间党支部", "二车间党支部"];

/// Event `i`: a distinct day and time, one of three units, one of two
/// actions; every 50th has an id.
fn event(i: usize) -> Event {
    Event {
        id: (i % 50 == 0).then(|| format!("e{i}")),
        date: format!(
            "2021-{:02}-{:02}T{:02}:{:02}",
            1 + (i / 3) % 12,
            1 + (i / 36) % 28,
            (i / 1008) % 24,
            (i / 24192) % 60
        ),
        unit: Some(UNITS[i % 3].to_string()),
        action: Some(if i % 7 == 0 { "通报" } else { "专题研究" }.to_string()),
        ..Event::default()
    }
}

fn jsonl(events: &[Event]) -> String {
    events
        .iter()
        .map(|e| serde_json::to_string(e).unwrap() + "\n")
        .collect()
}

/// 40,000 lines: about 3 MB, a dozen chunks.
const LINES: usize = 40_000;

fn policy() -> Policy {
    example("001-A-company.zr")
}

#[test]
fn a_log_of_many_chunks_reads_as_the_same_events_built_in_rust() {
    let p = policy();
    let events: Vec<Event> = (0..LINES).map(event).collect();
    let text = jsonl(&events);
    assert!(text.len() > 2_000_000, "{} bytes", text.len());
    let read = p.events_from_jsonl("big.jsonl", &text).unwrap();
    let built = p.events("built", &events).unwrap();
    assert_eq!(read.len(), LINES);
    assert_eq!(built.len(), LINES);
    let as_of = date("2022-01-10");
    let a = serde_json::to_value(p.compliance(&read, as_of, None, None).unwrap()).unwrap();
    let b = serde_json::to_value(p.compliance(&built, as_of, None, None).unwrap()).unwrap();
    assert_eq!(a, b);
    // Met rows cite the log's events, in order: the answer is not empty.
    assert!(a["periods"].as_array().unwrap().len() > 10);
}

#[test]
fn problems_across_chunks_are_the_first_by_line() {
    let p = policy();
    let mut events: Vec<Event> = (0..LINES).map(event).collect();
    // An unknown unit on every 97th line: more problems than are listed.
    let bad: Vec<usize> = (0..LINES).filter(|i| i % 97 == 96).collect();
    for i in &bad {
        events[*i].unit = Some("不存在的支部".into());
    }
    assert!(bad.len() > limits::MAX_DIAGNOSTICS + 100);
    let text = jsonl(&events);
    let d = p.events_from_jsonl("bad.jsonl", &text).unwrap_err();
    assert_eq!(d.len(), limits::MAX_DIAGNOSTICS + 1);
    let lines: Vec<usize> = d.0[..limits::MAX_DIAGNOSTICS]
        .iter()
        .map(|x| x.line())
        .collect();
    let want: Vec<usize> = bad[..limits::MAX_DIAGNOSTICS]
        .iter()
        .map(|i| i + 1)
        .collect();
    assert_eq!(lines, want);
    for x in &d.0[..limits::MAX_DIAGNOSTICS] {
        assert_eq!(x.kind, DiagKind::UnknownName);
        let line = text.lines().nth(x.line() - 1).unwrap();
        let at = line.find("\"不存在的支部\"").unwrap();
        assert_eq!(x.column(), line[..at].chars().count() + 1);
    }
    let last = &d.0[limits::MAX_DIAGNOSTICS];
    assert_eq!(last.kind, DiagKind::Limit);
    let rest = bad.len() - limits::MAX_DIAGNOSTICS;
    assert!(
        last.message
            .starts_with(&format!("{rest} more errors not shown")),
        "{}",
        last.message
    );
    // Built in Rust, one by one: the same lines.
    let d2 = p.events("built", &events).unwrap_err();
    let lines2: Vec<usize> = d2.0.iter().map(|x| x.line()).collect();
    let all: Vec<usize> = d.0.iter().map(|x| x.line()).collect();
    assert_eq!(lines2, all);
}

#[test]
fn an_id_used_again_chunks_later_is_refused_naming_its_first_line() {
    let p = policy();
    let mut events: Vec<Event> = (0..LINES).map(event).collect();
    for i in [30_001, 39_001] {
        events[i].id = Some("甲".into());
    }
    events[2].id = Some("甲".into());
    let text = jsonl(&events);
    let d = p.events_from_jsonl("ids.jsonl", &text).unwrap_err();
    assert_eq!(d.len(), 2, "{d}");
    for (x, line) in d.0.iter().zip([30_002, 39_002]) {
        assert_eq!(x.kind, DiagKind::Duplicate);
        assert_eq!(x.line(), line);
        assert_eq!(x.message, "the id `甲` is already used on line 3");
        // The column is the id's, in the line as written.
        let text_line = text.lines().nth(line - 1).unwrap();
        let at = text_line.find("\"甲\"").unwrap();
        assert_eq!(x.column(), text_line[..at].chars().count() + 1);
    }
    // Built in Rust: the same problems, by position.
    let d2 = p.events("built", &events).unwrap_err();
    let got: Vec<(usize, &str)> =
        d2.0.iter()
            .map(|x| (x.line(), x.message.as_str()))
            .collect();
    assert_eq!(
        got,
        vec![
            (30_002, "the id `甲` is already used on line 3"),
            (39_002, "the id `甲` is already used on line 3")
        ]
    );
}
