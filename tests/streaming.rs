//! Compliance handed over row by row (`Policy::compliance_stream`) gives the
//! collected answer's rows, in its order, with the same totals; a failing
//! callback ends the query.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{date, example, example_policy_for};
use serde_json::Value;
use zeren::compliance::{ComplianceRow, Status};

/// Every example policy with a bundled event log, and the log's path.
fn logged_examples() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(format!("{dir}/events")).unwrap() {
        let log = entry.unwrap().path();
        let stem = log.file_stem().unwrap().to_str().unwrap().to_string();
        let policy = example_policy_for(&format!("{stem}.jsonl"));
        out.push((policy, log.display().to_string()));
    }
    out.sort();
    assert!(out.len() >= 8, "the examples have event logs");
    out
}

#[test]
fn streamed_rows_are_the_collected_answer_in_order() {
    for (name, log_path) in logged_examples() {
        let p = example(&name);
        let log = p.events_from_file(&log_path).unwrap();
        let year: i32 = log_path
            .rsplit_once('-')
            .unwrap()
            .1
            .trim_end_matches(".jsonl")
            .parse()
            .unwrap();
        let as_of = date(&format!("{}-01-10", year + 1));
        let whole = p.compliance(&log, as_of, None, None).unwrap();
        let mut kinds = Vec::new();
        let mut streamed = (Vec::new(), Vec::new(), Vec::new());
        let summary = p
            .compliance_stream(&log, as_of, None, None)
            .unwrap()
            .for_each(|row| {
                let v = serde_json::to_value(&row).unwrap();
                // One key naming the kind of row.
                let obj = v.as_object().unwrap();
                assert_eq!(obj.len(), 1, "{name}: {v}");
                let (kind, inner) = obj.iter().next().unwrap();
                kinds.push(kind.clone());
                match row {
                    ComplianceRow::Period(_) => streamed.0.push(inner.clone()),
                    ComplianceRow::Reaction(_) => streamed.1.push(inner.clone()),
                    ComplianceRow::Approval(_) => streamed.2.push(inner.clone()),
                }
                Ok::<(), ()>(())
            })
            .unwrap();
        let all: Value = serde_json::to_value(&whole).unwrap();
        let list = |k: &str| {
            all.get(k)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        assert_eq!(streamed.0, list("periods"), "{name}");
        assert_eq!(streamed.1, list("reactions"), "{name}");
        assert_eq!(streamed.2, list("approvals"), "{name}");
        // Approvals come last.
        if let Some(first) = kinds.iter().position(|k| k == "approval") {
            assert!(kinds[first..].iter().all(|k| k == "approval"), "{name}");
        }
        // The totals are the answer's.
        let [met, missed, pending, na] = whole.tally();
        let unstated = whole
            .periods
            .iter()
            .filter(|r| r.status == Status::NotStated)
            .count();
        assert_eq!(
            (summary.met, summary.missed, summary.pending),
            (met, missed, pending),
            "{name}"
        );
        assert_eq!(summary.not_assessed + summary.not_stated, na, "{name}");
        assert_eq!(summary.not_stated, unstated, "{name}");
        assert_eq!(summary.reactions, whole.reactions.len(), "{name}");
        assert_eq!(summary.approvals, whole.approvals.len(), "{name}");
        assert_eq!((summary.as_of, summary.from), (whole.as_of, whole.from));
        assert_eq!(summary.applicability_unknown, whole.applicability_unknown);
    }
}

#[test]
fn a_failing_callback_ends_the_query_with_its_error() {
    let p = example("002-sues.zr");
    let log = p
        .events_from_file(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/events/002-2019.jsonl"
        ))
        .unwrap();
    let as_of = date("2020-01-10");
    let total = p.compliance(&log, as_of, None, None).unwrap().periods.len();
    assert!(total > 5);
    let mut seen = 0;
    let err = p
        .compliance_stream(&log, as_of, None, None)
        .unwrap()
        .for_each(|_| {
            seen += 1;
            if seen == 3 {
                Err("disk full")
            } else {
                Ok(())
            }
        })
        .unwrap_err();
    assert_eq!(err, "disk full");
    assert_eq!(seen, 3, "no row is handed over after the error");
}

#[test]
fn a_stream_is_checked_like_the_collected_query() {
    let p = example("002-sues.zr");
    let log = p.events_from_jsonl("e.jsonl", "").unwrap();
    let e = p
        .compliance_stream(&log, date("2020-01-10"), Some(date("2020-02-01")), None)
        .unwrap_err();
    assert!(e.to_string().contains("2020-02-01"), "{e}");
    let e = p
        .compliance_stream(&log, date("2020-01-10"), None, Some("没有这个单位"))
        .unwrap_err();
    assert!(e.to_string().contains("没有这个单位"), "{e}");
    let other = example("004-province.zr");
    let e = other
        .compliance_stream(&log, date("2021-01-10"), None, None)
        .unwrap_err();
    assert!(e.to_string().contains("event log"), "{e}");
}

/// An event-driven obligation declared before a periodic one: the stream
/// hands rows over obligation by obligation, the collected answer groups
/// them by kind; a failing callback stops the event-driven rows too.
#[test]
fn rows_come_obligation_by_obligation() {
    let p = zeren::Policy::parse(
        "p.zr",
        r#"
policy "细则" { effective 2019-01-01 }
unit kinds 党委
org { unit 甲 kind 党委
      unit 乙 kind 党委 }
actions 报告, 研究
event kinds 舆情
obligation per "第一条" each 党委 must 报告 within 1 day of 舆情
obligation per "第二条" each 党委 must 研究 at least 1 per year
"#,
    )
    .unwrap();
    let log = p
        .events_from_jsonl(
            "e.jsonl",
            concat!(
                r#"{"date": "2019-03-01", "unit": "甲", "event": "舆情"}"#,
                "\n",
                r#"{"date": "2019-04-01", "unit": "乙", "event": "舆情"}"#,
                "\n",
                r#"{"date": "2019-05-01", "unit": "甲", "event": "舆情"}"#,
                "\n",
                r#"{"date": "2019-05-01", "unit": "甲", "action": "研究"}"#,
            ),
        )
        .unwrap();
    let as_of = date("2020-01-10");
    let mut kinds = Vec::new();
    p.compliance_stream(&log, as_of, None, None)
        .unwrap()
        .for_each(|row| {
            kinds.push(match row {
                ComplianceRow::Period(p) => format!("period {}", p.citation()),
                ComplianceRow::Reaction(r) => format!("reaction {}", r.citation),
                ComplianceRow::Approval(a) => format!("approval {}", a.citation),
            });
            Ok::<(), ()>(())
        })
        .unwrap();
    assert_eq!(
        kinds,
        [
            "reaction 第一条",
            "reaction 第一条",
            "reaction 第一条",
            "period 第二条",
            "period 第二条",
            "period 第二条",
            "period 第二条",
        ]
    );
    let whole = p.compliance(&log, as_of, None, None).unwrap();
    // Two units, 2019 and 2020.
    assert_eq!((whole.reactions.len(), whole.periods.len()), (3, 4));
    // Stopped after the first row: no other row is made or handed over.
    let mut calls = 0;
    let stopped = p
        .compliance_stream(&log, as_of, None, None)
        .unwrap()
        .for_each(|_| {
            calls += 1;
            Err(())
        });
    assert_eq!((stopped, calls), (Err(()), 1));
}
