//! Obligations owed by each holder of a post, as a person (`each 班子成员 of
//! each 党委 must 述职 …`): one row per holder, only their own log lines count.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::date;
use zeren::compliance::{ReactionStatus, Status};
use zeren::{DiagKind, Policy};

const POLICY: &str = r#"policy "people" { effective 2020-01-01 }
duties 主体责任
unit kinds 党委
matter kinds 讲座
positions 书记 single, 班子成员
actions 述职, 报告
event kinds 重大情况
org {
  unit 校党委 kind 党委
  unit 院党委 kind 党委 under 校党委
  "王 一" holds 班子成员 of 校党委 to 2020-06-30
  "李 二" holds 班子成员 of 校党委 from 2020-07-01
  "赵 三" holds 班子成员 of 校党委
  "钱 四" holds 书记 of 院党委 to 2020-05-31
  "孙 五" holds 书记 of 院党委 from 2020-06-01
}
assign per "第一条" in each 党委 { team bears 主体责任 }
obligation per "第七条" each 班子成员 of each 党委 must 述职 at least 1 per year
obligation per "第八条" each 书记 of 院党委 must 报告 promptly of 重大情况
"#;

fn policy() -> Policy {
    Policy::parse("p.zr", POLICY).unwrap_or_else(|e| panic!("{e}"))
}

/// (period, person, status, count) of every 述职 row.
fn rows(p: &Policy, log: &str, as_of: &str) -> Vec<(String, String, Status, u32)> {
    let log = p
        .events_from_jsonl("log.jsonl", log)
        .unwrap_or_else(|e| panic!("{e}"));
    let a = p.compliance(&log, date(as_of), None, None).unwrap();
    a.periods
        .iter()
        .map(|r| {
            (
                r.period.to_string(),
                r.holder().map(|h| h.person.to_string()).unwrap_or_default(),
                r.status,
                r.count,
            )
        })
        .collect()
}

fn row(period: &str, person: &str, status: Status, count: u32) -> (String, String, Status, u32) {
    (period.into(), person.into(), status, count)
}

#[test]
fn each_holder_owes_the_period_they_hold_the_post_at_its_end() {
    let p = policy();
    let log = r#"{"date": "2020-12-10", "unit": "校党委", "person": "李 二", "action": "述职"}
{"date": "2020-03-01", "unit": "校党委", "person": "王 一", "action": "述职"}
{"date": "2020-12-11", "unit": "校党委", "person": "李 二", "action": "报告"}
{"date": "2020-12-12", "unit": "校党委", "action": "述职"}"#;
    // 王 一 left on 2020-06-30: 李 二 owes 2020; 赵 三's report is missing
    // (a line naming nobody counts for nobody, nor 王 一's).
    assert_eq!(
        rows(&p, log, "2021-01-15"),
        vec![
            row("2020", "李 二", Status::Met, 1),
            row("2020", "赵 三", Status::Missed, 0),
            row("2021", "李 二", Status::Pending, 0),
            row("2021", "赵 三", Status::Pending, 0),
        ]
    );
    // While the year is open, the holders on the assessment date owe it.
    assert_eq!(
        rows(&p, log, "2020-05-01"),
        vec![
            row("2020", "王 一", Status::Met, 1),
            row("2020", "赵 三", Status::Pending, 0),
        ]
    );
    // The answer names the person, as JSON and as text.
    let l = p.events_from_jsonl("log.jsonl", log).unwrap();
    let a = p.compliance(&l, date("2021-01-15"), None, None).unwrap();
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(
        json["periods"][0]["holder"],
        serde_json::json!({"person": "李 二", "position": "班子成员"})
    );
    assert!(
        a.to_string()
            .contains("述职         校党委 李 二 (班子成员)"),
        "{a}"
    );
    // The calendar lists each holder.
    let cal = p
        .calendar(date("2020-01-01"), date("2020-12-31"), None)
        .unwrap();
    let who: Vec<String> = cal
        .items
        .iter()
        .map(|i| i.holder.map(|h| h.person.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(who, vec!["李 二", "赵 三"]);
}

#[test]
fn an_event_driven_duty_is_owed_by_the_holder_on_the_day_of_the_event() {
    let p = policy();
    let log = r#"{"id": "a", "date": "2020-05-10", "unit": "院党委", "event": "重大情况"}
{"date": "2020-05-11", "unit": "院党委", "person": "孙 五", "action": "报告"}
{"id": "b", "date": "2020-07-01", "unit": "院党委", "event": "重大情况"}
{"date": "2020-07-02", "unit": "院党委", "person": "孙 五", "action": "报告"}"#;
    let l = p.events_from_jsonl("log.jsonl", log).unwrap();
    let a = p.compliance(&l, date("2020-12-31"), None, None).unwrap();
    let got: Vec<(String, ReactionStatus)> = a
        .reactions
        .iter()
        .map(|r| (r.holder.unwrap().person.to_string(), r.status))
        .collect();
    // On 2020-05-10 钱 四 held the post; 孙 五's report is not theirs.
    assert_eq!(
        got,
        vec![
            ("钱 四".to_string(), ReactionStatus::Unanswered),
            ("孙 五".to_string(), ReactionStatus::Answered)
        ]
    );
}

#[test]
fn tests_name_the_person() {
    let text = format!(
        "{POLICY}
test \"述职\" {{
  events {{
    2020-12-10 校党委 述职 by \"李 二\"
  }}
  expect compliance 校党委 by \"李 二\" 述职 2020 met
  expect compliance 校党委 by \"赵 三\" 述职 2020 missed
  expect compliance 校党委 by \"赵 三\" 述职 2020 met
}}
"
    );
    let p = Policy::parse("p.zr", &text).unwrap_or_else(|e| panic!("{e}"));
    let failures = common::test_failures(&p);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].contains("校党委 by 赵 三") && failures[0].contains("missed"),
        "{failures:?}"
    );
}

#[test]
fn bad_input_about_people_is_reported_where_it_is() {
    let p = policy();
    // A person nobody declared, in a log line: the column of the value.
    let e = p
        .events_from_jsonl(
            "log.jsonl",
            r#"{"date": "2020-12-10", "unit": "校党委", "person": "李 三", "action": "述职"}"#,
        )
        .expect_err("unknown person");
    assert_eq!(e.0[0].kind, DiagKind::UnknownName);
    assert!(e.0[0].message.contains("person `李 三`"), "{e}");
    assert_eq!((e.0[0].line(), e.0[0].column()), (1, 49)); // the value
                                                           // A post of a matter.
    let bad = POLICY.replace(
        "each 班子成员 of each 党委 must 述职",
        "each 班子成员 of each matter 讲座 must 述职",
    );
    let d = Policy::parse("p.zr", &bad).expect_err("a matter has no posts");
    assert_eq!(d.0[0].kind, DiagKind::Invalid);
    assert!(d.0[0].message.contains("a matter has no posts"), "{d}");
    // An undeclared post.
    let bad = POLICY.replace("each 班子成员 of each 党委", "each 委员 of each 党委");
    let d = Policy::parse("p.zr", &bad).expect_err("unknown position");
    assert_eq!(d.0[0].kind, DiagKind::UnknownName);
    assert!(d.0[0].message.contains("`委员`"), "{d}");
    // A test naming an undeclared person.
    let bad = format!(
        "{POLICY}test \"x\" {{\n  events {{\n    2020-12-10 校党委 述职 by 无名\n  }}\n}}\n"
    );
    let d = Policy::parse("p.zr", &bad).expect_err("unknown person in a test");
    assert_eq!(d.0[0].kind, DiagKind::UnknownName);
    assert!(d.0[0].message.contains("`无名`"), "{d}");
}

#[test]
fn lines_of_two_people_are_two_events_and_count_for_people_only() {
    // A unit's own duty of the same action beside the members' duty.
    let text = POLICY.replace(
        "obligation per \"第八条\"",
        "obligation per \"第九条\" each 党委 must 述职 at least 1 per year\nobligation per \"第八条\"",
    );
    let p = Policy::parse("p.zr", &text).unwrap_or_else(|e| panic!("{e}"));
    let log = r#"{"date": "2020-12-10", "unit": "校党委", "person": "李 二", "action": "述职"}
{"date": "2020-12-10", "unit": "校党委", "person": "赵 三", "action": "述职"}"#;
    let got = rows(&p, log, "2021-01-15");
    let year: Vec<_> = got.iter().filter(|r| r.0 == "2020").cloned().collect();
    assert_eq!(
        year,
        vec![
            row("2020", "李 二", Status::Met, 1),
            row("2020", "赵 三", Status::Met, 1),
            // The units' own 述职: the members' lines are theirs, not the unit's.
            row("2020", "", Status::Missed, 0),
            row("2020", "", Status::Missed, 0),
        ]
    );
}

#[test]
fn one_duty_may_name_several_posts_and_a_person_owes_it_once() {
    let text = POLICY.replace(
        "each 班子成员 of each 党委 must 述职",
        "each 书记, 班子成员 of each 党委 must 述职",
    );
    let p = Policy::parse("p.zr", &text).unwrap_or_else(|e| panic!("{e}"));
    let got: Vec<String> = rows(&p, "", "2020-12-31")
        .into_iter()
        .map(|r| r.1)
        .collect();
    assert_eq!(got, vec!["李 二", "赵 三", "孙 五"]);
}

#[test]
fn asking_a_person_about_a_duty_they_do_not_owe_says_why() {
    let text = POLICY
        .replace("actions 述职, 报告", "actions 述职, 报告, 总结")
        .replace(
            "obligation per \"第八条\"",
            "obligation per \"第九条\" 院党委 must 总结 at least 1 per year\nobligation per \"第八条\"",
        );
    let text = format!(
        "{text}test \"x\" {{
  expect compliance 院党委 by \"钱 四\" 总结 2020 met
  expect compliance 校党委 by \"王 一\" 述职 2020 met
}}
"
    );
    let p = Policy::parse("p.zr", &text).unwrap_or_else(|e| panic!("{e}"));
    let failures = common::test_failures(&p);
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert!(
        failures[0].contains("owed by the unit or matter, not by a person"),
        "{failures:?}"
    );
    // 王 一 left on 2020-06-30: the successor owes 2020.
    assert!(
        failures[1].contains("王 一 owes no period of it in 2020"),
        "{failures:?}"
    );
}

#[test]
fn compliance_and_calendar_say_when_the_effective_date_is_not_stated() {
    let dated = policy();
    let log = dated.events_from_jsonl("log.jsonl", "").unwrap();
    let a = dated
        .compliance(&log, date("2020-12-31"), None, None)
        .unwrap();
    assert!(!a.applicability_unknown);
    assert!(serde_json::to_value(&a)
        .unwrap()
        .get("applicability_unknown")
        .is_none());
    let undated = Policy::parse(
        "p.zr",
        &POLICY.replace(
            "policy \"people\" { effective 2020-01-01 }",
            "policy \"people\" { }",
        ),
    )
    .unwrap();
    let log = undated.events_from_jsonl("log.jsonl", "").unwrap();
    let a = undated
        .compliance(&log, date("2020-12-31"), Some(date("2020-01-01")), None)
        .unwrap();
    assert!(a.applicability_unknown);
    assert!(a.to_string().contains("applicability unknown"), "{a}");
    let cal = undated
        .calendar(date("2020-01-01"), date("2020-12-31"), None)
        .unwrap();
    assert!(cal.applicability_unknown);
    assert_eq!(
        serde_json::to_value(&cal).unwrap()["applicability_unknown"],
        serde_json::json!(true)
    );
}
