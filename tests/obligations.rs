//! Frequencies: calendar and compliance on the example policies, from the
//! documents' own statements; event-log and cadence errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::*;
use zeren::{
    compliance::{ReactionStatus, Status},
    events::Event,
    DiagKind, Policy,
};

fn log(p: &Policy, lines: &[&str]) -> zeren::events::EventLog {
    match p.events_from_jsonl("log.jsonl", &lines.join("\n")) {
        Ok(l) => l,
        Err(d) => panic!("{d}"),
    }
}

/// `(period label, status, count, needed)` of one obligation for one subject.
fn rows(
    p: &Policy,
    l: &zeren::events::EventLog,
    as_of: &str,
    citation: &str,
    action: &str,
    subject: &str,
) -> Vec<(String, Status, u32, u32)> {
    let a = p
        .compliance(l, date(as_of), Some(date("2019-01-01")), None)
        .unwrap();
    a.periods
        .iter()
        .filter(|r| r.citation() == citation && r.action() == action)
        .filter(|r| matches!(r.subject, zeren::who::Subject::Unit(u) | zeren::who::Subject::Matter(u) if u == subject))
        .map(|r| (r.period.to_string(), r.status, r.count, r.needed))
        .collect()
}

#[test]
fn sues_one_study_session_in_a_year_misses_the_year_one_of_two() {
    // 002 第四条(二): 每年两次重点研究.
    let p = example("002-sues.zr");
    let l = log(
        &p,
        &[r#"{"date": "2019-04-10", "unit": "校党委", "action": "重点研究"}"#],
    );
    let r = rows(&p, &l, "2020-01-15", "第四条(二)", "重点研究", "校党委");
    assert_eq!(r[0], ("2019".into(), Status::Missed, 1, 1));
    // During the year it is pending, and met once the second session is held.
    let r = rows(&p, &l, "2019-10-01", "第四条(二)", "重点研究", "校党委");
    assert_eq!(r, vec![("2019".into(), Status::Pending, 1, 1)]);
    let l2 = log(
        &p,
        &[
            r#"{"date": "2019-04-10", "unit": "校党委", "action": "重点研究"}"#,
            r#"{"date": "2019-09-30", "unit": "校党委", "action": "重点研究"}"#,
        ],
    );
    assert_eq!(
        rows(&p, &l2, "2019-10-01", "第四条(二)", "重点研究", "校党委")[0].1,
        Status::Met
    );
}

#[test]
fn sues_half_yearly_report_pending_in_october_missed_in_january() {
    // 002 第七条: 每半年提供研判报告; a report in H1 and none in H2.
    let p = example("002-sues.zr");
    let l = log(
        &p,
        &[
            r#"{"date": "2019-06-20", "unit": "党委宣传部", "action": "研判报告", "to": "领导小组办公室"}"#,
        ],
    );
    let oct = rows(&p, &l, "2019-10-15", "第七条", "研判报告", "党委宣传部");
    assert_eq!(
        oct,
        vec![
            ("2019-H1".into(), Status::Met, 1, 0),
            ("2019-H2".into(), Status::Pending, 0, 1)
        ]
    );
    let jan = rows(&p, &l, "2020-01-15", "第七条", "研判报告", "党委宣传部");
    assert_eq!(jan[1], ("2019-H2".into(), Status::Missed, 0, 1));
    assert_eq!(jan[2], ("2020-H1".into(), Status::Pending, 0, 1));
}

#[test]
fn sues_quarterly_reports_and_the_yearly_account_review() {
    // 002 第六条 (quarterly) and 第四条(四) (each registered account, yearly).
    let p = example("002-sues.zr");
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/events/002-2019.jsonl"
    ))
    .unwrap();
    let l = p.events_from_jsonl("002-2019.jsonl", &text).unwrap();
    let q = rows(&p, &l, "2020-01-15", "第六条", "季度报告", "领导小组办公室");
    let status: Vec<Status> = q.iter().map(|r| r.1).collect();
    // The Q1 and Q2 reports came after their quarters and say so (`for`):
    // each is late for its own quarter and never counts for the next one.
    assert_eq!(
        status,
        vec![
            Status::Missed,
            Status::Missed,
            Status::Met,
            Status::Met,
            Status::Pending
        ]
    );
    let a = rows(
        &p,
        &l,
        "2020-01-15",
        "第四条(四)",
        "年度审核",
        "工程大微信公众号",
    );
    assert_eq!(a[0].1, Status::Met);
    let b = rows(
        &p,
        &l,
        "2020-01-15",
        "第四条(四)",
        "年度审核",
        "机械学院微信公众号",
    );
    assert_eq!(b[0].1, Status::Missed);
}

#[test]
fn the_period_that_straddles_the_effective_date_is_not_assessed() {
    // 002 took effect on 2018-11-08: 2018 began before it, so it is not assessed;
    // the quarter 2018-Q4 also began before; 2019-Q1 is the first assessed quarter.
    let p = example("002-sues.zr");
    let l = log(&p, &[]);
    let a = p
        .compliance(
            &l,
            date("2019-04-02"),
            Some(date("2018-11-08")),
            Some("领导小组办公室"),
        )
        .unwrap();
    let q: Vec<(String, Status)> = a
        .periods
        .iter()
        .filter(|r| r.action() == "季度报告")
        .map(|r| (r.period.to_string(), r.status))
        .collect();
    assert_eq!(
        q,
        vec![
            ("2018-Q4".into(), Status::NotAssessed),
            ("2019-Q1".into(), Status::Missed),
            ("2019-Q2".into(), Status::Pending)
        ]
    );
    // The default start is the effective date.
    let d = p.compliance(&l, date("2019-04-02"), None, None).unwrap();
    assert_eq!(d.from, date("2018-11-08"));
}

#[test]
fn events_after_the_as_of_date_do_not_count() {
    let p = example("002-sues.zr");
    let l = log(
        &p,
        &[
            r#"{"date": "2019-04-10", "unit": "校党委", "action": "重点研究"}"#,
            r#"{"date": "2019-11-10", "unit": "校党委", "action": "重点研究"}"#,
        ],
    );
    assert_eq!(
        rows(&p, &l, "2019-11-09", "第四条(二)", "重点研究", "校党委")[0],
        ("2019".into(), Status::Pending, 1, 1)
    );
    assert_eq!(
        rows(&p, &l, "2019-11-10", "第四条(二)", "重点研究", "校党委")[0],
        ("2019".into(), Status::Met, 2, 0)
    );
}

#[test]
fn exact_counts_deadlines_and_recipients() {
    let p = Policy::parse(
        "p.zr",
        "unit kinds 党支部, 上级\npositions 书记\norg { unit 上级党委 kind 上级\n unit 支部 kind 党支部 under 上级党委\n unit 其他 kind 上级 }\n\
         actions 专题报告, 汇报\n\
         obligation per \"第四条\" each 党支部 must 专题报告 to 上级党委 exactly 1 per half-year\n\
         obligation per \"第七条\" each 党支部 must 汇报 at least 1 per year by 06-30\n",
    )
    .unwrap();
    let l = log(
        &p,
        &[
            r#"{"date": "2021-03-01", "unit": "支部", "action": "专题报告", "to": "上级党委"}"#,
            r#"{"date": "2021-03-02", "unit": "支部", "action": "专题报告", "to": "上级党委"}"#,
            r#"{"date": "2021-03-03", "unit": "支部", "action": "专题报告"}"#,
            r#"{"date": "2021-09-01", "unit": "支部", "action": "专题报告", "to": "其他"}"#,
            r#"{"date": "2021-07-15", "unit": "支部", "action": "汇报"}"#,
        ],
    );
    let a = p
        .compliance(&l, date("2022-01-05"), Some(date("2021-01-01")), None)
        .unwrap();
    let got: Vec<(String, &str, Status, u32, u32)> = a
        .periods
        .iter()
        .map(|r| (r.period.to_string(), r.action(), r.status, r.count, r.late))
        .collect();
    assert_eq!(
        got,
        vec![
            // Two reports in H1 to 上级党委: more than exactly one (the
            // third names no recipient, and does not count).
            ("2021-H1".into(), "专题报告", Status::Missed, 2, 0),
            // The H2 report went to someone else: it does not count.
            ("2021-H2".into(), "专题报告", Status::Missed, 0, 0),
            ("2022-H1".into(), "专题报告", Status::Pending, 0, 0),
            // Reported on 07-15, after the 06-30 deadline: late, not counted.
            ("2021".into(), "汇报", Status::Missed, 0, 1),
            ("2022".into(), "汇报", Status::Pending, 0, 0),
        ]
    );
    assert_eq!(a.periods[3].due, date("2021-06-30"));
}

#[test]
fn event_driven_reports_on_time_late_overdue_and_pending() {
    // 003-1 第八条(二)4(1): 询问、置疑、诉求类 … 要在当日回复 (当日 is stated).
    let p = example("003-1-college.zr");
    let l = log(
        &p,
        &[
            r#"{"id": "a", "date": "2021-05-04T08:20", "unit": "信息工程院", "event": "询问"}"#,
            r#"{"date": "2021-05-04T17:45", "unit": "信息工程院", "action": "回复", "ref": "a"}"#,
            r#"{"id": "b", "date": "2021-08-16T22:10", "unit": "信息工程院", "event": "询问"}"#,
            r#"{"date": "2021-08-17T09:00", "unit": "信息工程院", "action": "回复", "ref": "b"}"#,
            r#"{"id": "c", "date": "2021-09-01", "unit": "信息工程院", "event": "询问"}"#,
            r#"{"id": "d", "date": "2021-09-20", "unit": "信息工程院", "event": "询问"}"#,
        ],
    );
    let a = p
        .compliance(&l, date("2021-09-20"), Some(date("2021-01-01")), None)
        .unwrap();
    let got: Vec<(String, ReactionStatus)> = a
        .reactions
        .iter()
        .map(|r| (r.trigger.0.date.to_string(), r.status))
        .collect();
    assert_eq!(
        got,
        vec![
            ("2021-05-04".into(), ReactionStatus::OnTime),
            ("2021-08-16".into(), ReactionStatus::Late),
            ("2021-09-01".into(), ReactionStatus::Overdue),
            ("2021-09-20".into(), ReactionStatus::Pending),
        ]
    );
    assert_eq!(
        a.reactions[0].deadline.unwrap().to_string(),
        "2021-05-04 23:59:59"
    );
}

#[test]
fn same_day_reply_without_a_reference_takes_the_next_answer() {
    // 003-1 第八条: 询问 … 要在当日回复.
    let p = example("003-1-college.zr");
    let l = log(
        &p,
        &[
            r#"{"date": "2020-11-02T10:00", "unit": "信息工程院", "event": "询问"}"#,
            r#"{"date": "2020-11-02T15:00", "unit": "信息工程院", "action": "回复"}"#,
            r#"{"date": "2020-11-03T10:00", "unit": "信息工程院", "event": "询问"}"#,
            r#"{"date": "2020-11-04T10:00", "unit": "信息工程院", "action": "回复"}"#,
        ],
    );
    let a = p
        .compliance(&l, date("2020-11-30"), Some(date("2020-11-01")), None)
        .unwrap();
    let got: Vec<ReactionStatus> = a.reactions.iter().map(|r| r.status).collect();
    assert_eq!(got, vec![ReactionStatus::OnTime, ReactionStatus::Late]);
    assert_eq!(a.reactions[1].answer.unwrap().0.line, 4);
}

#[test]
fn calendar_lists_what_falls_due_in_order() {
    let p = example("002-sues.zr");
    let c = p
        .calendar(date("2019-06-01"), date("2019-12-31"), None)
        .unwrap();
    let first: Vec<(String, &str)> = c
        .items
        .iter()
        .take(3)
        .map(|i| (i.due.to_string(), i.action))
        .collect();
    assert_eq!(
        first,
        vec![
            ("2019-06-30".into(), "季度报告"),
            ("2019-06-30".into(), "研判报告"),
            ("2019-06-30".into(), "研判报告")
        ]
    );
    assert!(c.items.windows(2).all(|w| w[0].due <= w[1].due));
    // Yearly obligations fall due at the year's end, one per subject.
    let yearly = c.items.iter().filter(|i| i.action == "重点研究").count();
    assert_eq!(yearly, 3);
    // One unit only.
    let one = p
        .calendar(
            date("2019-01-01"),
            date("2019-12-31"),
            Some("领导小组办公室"),
        )
        .unwrap();
    assert_eq!(
        one.items.len(),
        6,
        "four quarterly reports, one inspection and the report of its results"
    );
    assert!(p
        .calendar(date("2019-12-31"), date("2019-01-01"), None)
        .is_err());
    assert!(p
        .calendar(date("2019-01-01"), date("2019-12-31"), Some("宣传部"))
        .is_err());
}

#[test]
fn company_committee_and_branches_have_different_duties() {
    // 001-A 第八条(三): the committee and each branch differ.
    let p = example("001-A-company.zr");
    let c = p
        .calendar(date("2021-01-01"), date("2021-12-31"), Some("公司党委"))
        .unwrap();
    let mut actions: Vec<&str> = c.items.iter().map(|i| i.action).collect();
    actions.dedup();
    assert!(actions.contains(&"考核交流会") && actions.contains(&"专题汇报"));
    let b = p
        .calendar(date("2021-01-01"), date("2021-12-31"), Some("一车间党支部"))
        .unwrap();
    assert!(b.items.iter().all(|i| i.action != "考核交流会"));
    assert!(b.items.iter().any(|i| i.action == "专题督查"));
}

#[test]
fn bad_event_lines_are_reported_with_their_line_numbers() {
    let p = example("002-sues.zr");
    let text = [
        r#"{"date": "2019-04-10", "unit": "校党委", "action": "重点研究"}"#,
        r#"{"date": "2019-04-10", "unit": "校党委", "action": "重点研究""#,
        r#"{"date": "2019-04-31", "unit": "校党委", "action": "重点研究"}"#,
        r#"{"date": "2019-05-01", "unit": "校党卫", "action": "重点研究"}"#,
        r#"{"date": "2019-05-01", "unit": "校党委", "action": "研究"}"#,
        r#"{"date": "2019-04-10", "unit": "校党委", "action": "重点研究"}"#,
        r#"{"id": "x", "date": "2019-05-02", "unit": "校党委", "event": "重大情况"}"#,
        r#"{"id": "x", "date": "2019-05-03", "unit": "校党委", "event": "重大情况"}"#,
        r#"{"date": "2019-05-03", "unit": "校党委", "action": "报告", "ref": "y"}"#,
        r#"{"date": "1066-10-14", "unit": "校党委", "action": "报告"}"#,
        r#"{"date": "2019-05-03", "action": "报告"}"#,
        r#"{"date": "2019-05-03", "unit": "校党委"}"#,
        r#"{"date": "2019-05-03T25:00", "unit": "校党委", "action": "报告"}"#,
    ]
    .join("\n");
    let d = p.events_from_jsonl("log.jsonl", &text).unwrap_err();
    let lines: Vec<(usize, DiagKind)> = d.iter().map(|d| (d.line(), d.kind)).collect();
    assert_eq!(
        lines,
        vec![
            (2, DiagKind::Data),
            (3, DiagKind::InvalidDate),
            (4, DiagKind::UnknownName),
            (5, DiagKind::UnknownName),
            (6, DiagKind::Duplicate),
            (8, DiagKind::Duplicate),
            (9, DiagKind::UnknownName),
            (10, DiagKind::InvalidDate),
            (11, DiagKind::Data),
            (12, DiagKind::Data),
            (13, DiagKind::InvalidDate),
        ]
    );
    assert_eq!(d.0[2].help.as_deref(), Some("did you mean `校党委`?"));
    assert!(
        d.0[4].message.contains("repeats line 1"),
        "{}",
        d.0[4].message
    );
}

#[test]
fn events_out_of_order_are_accepted_and_sorted() {
    let p = example("002-sues.zr");
    let l = log(
        &p,
        &[
            r#"{"date": "2019-11-10", "unit": "校党委", "action": "重点研究"}"#,
            r#"{"date": "2019-04-10", "unit": "校党委", "action": "重点研究"}"#,
        ],
    );
    let a = p
        .compliance(
            &l,
            date("2020-01-02"),
            Some(date("2019-01-01")),
            Some("校党委"),
        )
        .unwrap();
    let lines: Vec<u32> = a.periods[0].events.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![2, 1]);
}

#[test]
fn events_built_in_rust_are_checked_too() {
    let p = example("002-sues.zr");
    let ok = Event {
        date: "2019-04-10".into(),
        unit: Some("校党委".into()),
        action: Some("重点研究".into()),
        ..Event::default()
    };
    let bad = Event {
        date: "2019-04-10".into(),
        unit: Some("校党委".into()),
        action: Some("专题研".into()),
        ..Event::default()
    };
    assert_eq!(
        p.events("code", std::slice::from_ref(&ok)).unwrap().len(),
        1
    );
    let d = p.events("code", &[ok, bad]).unwrap_err();
    assert_eq!((d.0[0].line(), d.0[0].kind), (2, DiagKind::UnknownName));
}

#[test]
fn cadence_errors() {
    let base = "unit kinds 党委\norg { unit 甲 kind 党委 }\nactions 研究\n";
    for (rule, kind, needle) in [
        (
            "each 党委 must 研究 at least 3 and at most 2 per year",
            DiagKind::Invalid,
            "at least 3 and at most 2",
        ),
        (
            "each 党委 must 研究 at least 1 per year by 06-31",
            DiagKind::InvalidDate,
            "`06-31` is not a day",
        ),
        (
            "each 党委 must 研究 at least 1 per year by 02-29",
            DiagKind::InvalidDate,
            "does not exist every year",
        ),
        (
            "each 党委 must 研究 at least 1 per quarter by 06-30",
            DiagKind::Invalid,
            "outside some quarters",
        ),
        (
            "each 党委 must 研究 at least 1 per quarter by day 91",
            DiagKind::Invalid,
            "only 90 days",
        ),
        (
            "each 党委 must 研究 at least 1 per month by day 0",
            DiagKind::Invalid,
            "outside its period",
        ),
        (
            "each 党委 must 研究 at least 99999999999999999999 per year",
            DiagKind::Limit,
            "too large",
        ),
        (
            "each 党委 must 研究 at least 10001 per year",
            DiagKind::Limit,
            "too large",
        ),
        (
            "each 党委 must 研穷 at least 1 per year",
            DiagKind::UnknownName,
            "unknown action",
        ),
        (
            "each 党委 must 研究 within 1 day of 重大情况",
            DiagKind::UnknownName,
            "unknown event kind",
        ),
        (
            "乙 must 研究 at least 1 per year",
            DiagKind::UnknownName,
            "unknown unit",
        ),
    ] {
        let text = format!("{base}obligation per \"x\" {rule}\n");
        let d = Policy::parse("p.zr", &text).expect_err(rule);
        assert_eq!(d.0[0].kind, kind, "{rule}: {d}");
        assert!(
            d.0[0].message.contains(needle),
            "{rule}: {}",
            d.0[0].message
        );
        assert_eq!(d.0[0].line(), 4, "{rule}");
    }
    // The limits themselves are accepted.
    let ok = format!(
        "{base}obligation per \"x\" each 党委 must 研究 at least 10000 per year by 12-31\n"
    );
    assert!(Policy::parse("p.zr", &ok).is_ok());
    let ok = format!(
        "{base}obligation per \"x\" each 党委 must 研究 at least 1 per quarter by day 90\n"
    );
    assert!(Policy::parse("p.zr", &ok).is_ok());
}

#[test]
fn oversized_or_out_of_range_queries_are_errors() {
    let mut text = String::from("unit kinds 党委\nactions 值班\nobligation per \"x\" each 党委 must 值班 at least 1 per day\norg {\n");
    for i in 0..1000 {
        text.push_str(&format!(" unit u{i} kind 党委\n"));
    }
    text.push('}');
    let p = Policy::parse("daily.zr", &text).unwrap();
    let l = log(&p, &[]);
    let e = p
        .compliance(&l, date("2200-12-31"), Some(date("1900-01-01")), None)
        .unwrap_err();
    assert!(
        matches!(e, zeren::QueryError::TooManyRows { rows } if rows > 100_000_000),
        "{e}"
    );
    assert!(p
        .calendar(date("1900-01-01"), date("2200-12-31"), None)
        .is_err());
    // One unit over the same range is fine.
    let one = p
        .compliance(&l, date("1901-01-01"), Some(date("1900-01-01")), Some("u7"))
        .unwrap();
    assert_eq!(one.periods.len(), 366);
    let far = zeren::NaiveDate::from_ymd_opt(9999, 1, 1).unwrap();
    assert!(matches!(
        p.compliance(&l, far, None, None),
        Err(zeren::QueryError::DateOutOfRange { .. })
    ));
    assert!(matches!(
        p.calendar(zeren::NaiveDate::MIN, date("2000-01-01"), None),
        Err(zeren::QueryError::DateOutOfRange { .. })
    ));
}

#[test]
fn compliance_before_the_policy_took_effect_is_not_applicable() {
    let p = example("002-sues.zr");
    let l = log(&p, &[]);
    let e = p
        .compliance(&l, date("2018-10-01"), None, None)
        .unwrap_err();
    assert_eq!(
        e,
        zeren::QueryError::NotInForce {
            on: date("2018-10-01"),
            effective: date("2018-11-08")
        }
    );
}
