//! Obligations as the regulations write them: `regularly` and `promptly`
//! (no number the regulation does not state), an organisation's reading
//! (`interpret`) named in every verdict resting on it, every recipient
//! (`to A, B`, `to any of`, `to superior KIND`), and the period a report
//! covers (`"for"`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use zeren::compliance::{ReactionStatus, Status};
use zeren::{NaiveDate, Policy};

const POLICY: &str = include_str!("fixtures/obligations/policy.zr");

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn parse(src: &str) -> Policy {
    Policy::parse("policy.zr", src).unwrap_or_else(|e| panic!("{e}"))
}

fn log(p: &Policy, lines: &[&str]) -> zeren::events::EventLog {
    p.events_from_jsonl("log.jsonl", &lines.join("\n"))
        .unwrap_or_else(|d| panic!("{d}"))
}

/// (period, status, count, reading, missing) of one row.
type Row = (String, Status, u32, Option<String>, Vec<String>);

/// The rows of one action.
fn rows(p: &Policy, l: &zeren::events::EventLog, as_of: &str, action: &str) -> Vec<Row> {
    let a = p
        .compliance(l, date(as_of), Some(date("2019-01-01")), None)
        .unwrap();
    a.periods
        .iter()
        .filter(|r| r.action() == action)
        .map(|r| {
            (
                r.period.to_string(),
                r.status,
                r.count,
                r.reading().map(str::to_string),
                r.missing().iter().map(|m| m.to_string()).collect(),
            )
        })
        .collect()
}

#[test]
fn an_unstated_frequency_lists_the_events_seen_and_gives_no_verdict() {
    let p = parse(POLICY);
    let l = log(
        &p,
        &[
            r#"{"date": "2019-03-01", "unit": "一支部", "action": "研判"}"#,
            r#"{"date": "2019-09-01", "unit": "一支部", "action": "研判"}"#,
        ],
    );
    assert_eq!(
        rows(&p, &l, "2020-06-30", "研判"),
        vec![
            ("2019".into(), Status::NotStated, 2, None, vec![]),
            ("2020".into(), Status::NotStated, 0, None, vec![]),
        ]
    );
    let a = p
        .compliance(&l, date("2020-06-30"), Some(date("2019-01-01")), None)
        .unwrap();
    let row = a.periods.iter().find(|r| r.action() == "研判").unwrap();
    assert_eq!(row.required(), None);
    assert!(a.to_string().contains("not stated"), "{a}");
    // The calendar lists it as "frequency not stated", with no due date.
    let c = p
        .calendar(date("2019-01-01"), date("2019-12-31"), None)
        .unwrap();
    assert!(c.items.iter().all(|i| i.action != "研判"));
    assert_eq!(c.unstated.len(), 1);
    assert_eq!(c.unstated[0].action, "研判");
    assert!(c.to_string().contains("frequency not stated"), "{c}");
}

#[test]
fn an_organisations_reading_gives_verdicts_that_name_it() {
    let src = format!(
        "{POLICY}interpret \"本单位执行口径\" {{\n  regularly as at least 1 per half-year\n  promptly as within 1 day\n}}\n"
    );
    let p = parse(&src);
    let l = log(
        &p,
        &[
            r#"{"date": "2019-03-01", "unit": "一支部", "action": "研判"}"#,
            r#"{"id": "a", "date": "2019-05-01T09:00", "unit": "一支部", "event": "重大舆情"}"#,
            r#"{"date": "2019-05-03T10:00", "unit": "一支部", "action": "报告", "to": "校党委", "ref": "a"}"#,
        ],
    );
    let r = rows(&p, &l, "2020-01-15", "研判");
    let reading = Some("本单位执行口径".to_string());
    assert_eq!(
        r[0],
        ("2019-H1".into(), Status::Met, 1, reading.clone(), vec![])
    );
    assert_eq!(r[1], ("2019-H2".into(), Status::Missed, 0, reading, vec![]));
    let a = p
        .compliance(&l, date("2020-01-15"), Some(date("2019-01-01")), None)
        .unwrap();
    assert_eq!(a.reactions[0].status, ReactionStatus::Late);
    assert_eq!(a.reactions[0].reading, Some("本单位执行口径"));
    assert!(
        a.to_string().contains("(as read by “本单位执行口径”)"),
        "{a}"
    );
    // The article is still the regulation's own.
    assert_eq!(a.reactions[0].citation, "第六条");
}

#[test]
fn an_unstated_time_limit_shows_the_answer_and_the_time_it_took() {
    let p = parse(POLICY);
    let l = log(
        &p,
        &[
            r#"{"id": "a", "date": "2019-05-01T09:00", "unit": "一支部", "event": "重大舆情"}"#,
            r#"{"date": "2019-05-03T10:30", "unit": "一支部", "action": "报告", "to": "校党委", "ref": "a"}"#,
            r#"{"id": "b", "date": "2019-08-01", "unit": "一支部", "event": "重大舆情"}"#,
        ],
    );
    let a = p
        .compliance(&l, date("2019-12-31"), Some(date("2019-01-01")), None)
        .unwrap();
    let got: Vec<(ReactionStatus, Option<i64>)> = a
        .reactions
        .iter()
        .map(|r| (r.status, r.elapsed_minutes))
        .collect();
    assert_eq!(
        got,
        vec![
            (ReactionStatus::Answered, Some(2 * 1440 + 90)),
            (ReactionStatus::Unanswered, None)
        ]
    );
    assert!(a.reactions.iter().all(|r| r.deadline.is_none()));
    let text = a.to_string();
    assert!(text.contains("time limit not stated"), "{text}");
    assert!(text.contains("after 2 d 1 h"), "{text}");
    // `superior 党委` of 一支部 is 校党委 (its parent is a 党总支).
    assert_eq!(a.reactions[0].recipients.superior, Some("校党委"));
    // An answer sent elsewhere, or to nobody, does not answer it.
    for to in [r#", "to": "宣传部""#, ""] {
        let answer = format!(
            r#"{{"date": "2019-05-03T10:30", "unit": "一支部", "action": "报告"{to}, "ref": "a"}}"#
        );
        let l = log(
            &p,
            &[
                r#"{"id": "a", "date": "2019-05-01T09:00", "unit": "一支部", "event": "重大舆情"}"#,
                &answer,
            ],
        );
        let a = p
            .compliance(&l, date("2019-12-31"), Some(date("2019-01-01")), None)
            .unwrap();
        assert_eq!(a.reactions[0].status, ReactionStatus::Unanswered, "{to}");
    }
}

#[test]
fn a_report_owed_to_two_bodies_is_met_only_when_both_have_it() {
    let p = parse(POLICY);
    let l = log(
        &p,
        &[
            r#"{"date": "2019-03-01", "unit": "机关党总支", "action": "季度报告", "to": ["校党委", "宣传部"]}"#,
            r#"{"date": "2019-05-01", "unit": "机关党总支", "action": "季度报告", "to": "校党委"}"#,
            r#"{"date": "2019-08-01", "unit": "机关党总支", "action": "季度报告"}"#,
        ],
    );
    let r = rows(&p, &l, "2019-12-31", "季度报告");
    assert_eq!(r[0], ("2019-Q1".into(), Status::Met, 1, None, vec![]));
    assert_eq!(
        r[1],
        (
            "2019-Q2".into(),
            Status::Missed,
            1,
            None,
            vec!["宣传部".into()]
        )
    );
    // No `to`: it reaches nobody the article names.
    assert_eq!(
        r[2],
        (
            "2019-Q3".into(),
            Status::Missed,
            0,
            None,
            vec!["校党委".into(), "宣传部".into()]
        )
    );
    // `to any of`: one suffices.
    let l = log(
        &p,
        &[r#"{"date": "2019-05-01", "unit": "机关党总支", "action": "汇报", "to": "宣传部"}"#],
    );
    assert_eq!(rows(&p, &l, "2020-01-15", "汇报")[0].1, Status::Met);
}

#[test]
fn a_report_for_a_period_counts_for_that_period_only() {
    let p = parse(POLICY);
    let l = log(
        &p,
        &[
            // The Q1 report, filed in April: late for Q1, not Q2's.
            r#"{"date": "2019-04-02", "unit": "机关党总支", "action": "季度报告", "to": ["校党委", "宣传部"], "for": "2019-Q1"}"#,
            // A Q2 report filed early in Q1 still counts for Q2.
            r#"{"date": "2019-03-20", "unit": "机关党总支", "action": "季度报告", "to": ["校党委", "宣传部"], "for": "2019-Q2"}"#,
        ],
    );
    let a = p
        .compliance(&l, date("2019-12-31"), Some(date("2019-01-01")), None)
        .unwrap();
    let q: Vec<(String, Status, u32, u32)> = a
        .periods
        .iter()
        .filter(|r| r.action() == "季度报告")
        .map(|r| (r.period.to_string(), r.status, r.count, r.late))
        .collect();
    assert_eq!(
        q[..2],
        [
            ("2019-Q1".into(), Status::Missed, 0, 1),
            ("2019-Q2".into(), Status::Met, 1, 0),
        ]
    );
}

#[test]
fn bad_periods_and_names_in_a_log_or_a_policy_are_errors_with_their_place() {
    let p = parse(POLICY);
    let bad = |line: &str| -> String {
        p.events_from_jsonl("log.jsonl", line)
            .unwrap_err()
            .to_string()
    };
    // A half-year for a quarterly obligation.
    let e = bad(
        r#"{"date": "2019-04-02", "unit": "机关党总支", "action": "季度报告", "to": "校党委", "for": "2019-H1"}"#,
    );
    assert!(
        e.contains("`for 2019-H1` names a period no obligation of `季度报告` is assessed by"),
        "{e}"
    );
    assert!(e.contains("`季度报告` is assessed per quarter"), "{e}");
    assert!(e.contains("log.jsonl:1:"), "{e}");
    let e = bad(
        r#"{"date": "2019-04-02", "unit": "机关党总支", "action": "季度报告", "for": "2301-Q1"}"#,
    );
    assert!(e.contains("outside the years"), "{e}");
    let e = bad(r#"{"date": "2019-04-02", "unit": "一支部", "event": "重大舆情", "for": "2019"}"#);
    assert!(e.contains("only an action reports for a period"), "{e}");
    let e = bad(
        r#"{"date": "2019-04-02", "unit": "机关党总支", "action": "季度报告", "to": ["校党委", "校委"]}"#,
    );
    assert!(e.contains("unknown unit `校委`"), "{e}");
    let e = bad(r#"{"date": "2019-04-02", "unit": "机关党总支", "action": "季度报告", "to": 3}"#);
    assert!(e.contains("a unit's name or a list of them"), "{e}");
    // In the policy: an undeclared recipient, a reading that reads nothing
    // the regulation leaves unstated, `superior` for a matter.
    let e = Policy::parse(
        "policy.zr",
        &POLICY.replace("to any of 校党委, 宣传部", "to all of 校党委, 组织部"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("unknown unit `组织部`"), "{e}");
    let e = Policy::parse(
        "policy.zr",
        &format!("{POLICY}interpret \"口径\" for 汇报 {{ regularly as at least 1 per year }}\n"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("“口径” reads `regularly`, but no obligation of those actions says `regularly`"),
        "{e}"
    );
    let line = POLICY.lines().count() + 1;
    assert!(e.contains(&format!("policy.zr:{line}:11")), "{e}");
    let e = Policy::parse(
        "policy.zr",
        &format!("{POLICY}interpret \"口径\" for 研究 {{ regularly as at least 1 per year }}\n"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("unknown action `研究`"), "{e}");
}

#[test]
fn test_blocks_state_several_recipients_periods_and_unstated_verdicts() {
    let p = parse(POLICY);
    let r = p.run_tests();
    assert_eq!(r.failed(), 0, "{}", r.render(false));
    // A late Q2 report said to be for Q2 does not make Q2 met.
    let wrong = POLICY.replace("2019-Q2 missed as of", "2019-Q2 met as of");
    let q = parse(&wrong);
    let text = q.run_tests().render(false);
    assert!(
        text.contains("expected 季度报告 of 机关党总支 in 2019-Q2 to be met, found [季度报告 2019-Q2 missed (0 of at least 1)]"),
        "{text}"
    );
}
