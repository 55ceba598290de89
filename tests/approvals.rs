//! Approval chains (`approval per … SUBJECT ACTION needs STEP then STEP`):
//! each action needs its steps before it, in order, by whom the chain names.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::date;
use zeren::compliance::ApprovalStatus;
use zeren::{DiagKind, Policy};

const POLICY: &str = r#"policy "approvals" { effective 2020-01-01 }
duties 主体责任
unit kinds 党委, 部门
matter kinds 讲座
positions 书记 single, 分管领导, 主要领导 single
actions 发布, 初审, 审批, 举办
org {
  unit 镇党委 kind 党委
  unit 宣传部 kind 部门 under 镇党委
  "王 一" holds 分管领导 of 镇党委
  "李 二" holds 主要领导 of 镇党委
  "赵 三" holds 书记 of 宣传部
  matter 读书会 kind 讲座
}
assign per "第一条" in each 党委 { team bears 主体责任 }
approval per "(二)" 镇党委 发布 needs 初审 by 分管领导 then 审批 by 主要领导
approval per "第二十条(四)" each matter 讲座 举办 needs 审批 by 宣传部
"#;

fn policy() -> Policy {
    Policy::parse("p.zr", POLICY).unwrap_or_else(|e| panic!("{e}"))
}

/// (action, date, status, the line of each step's event or 0) of every approval.
fn approvals(p: &Policy, log: &str) -> Vec<(String, String, ApprovalStatus, Vec<u32>)> {
    let log = p
        .events_from_jsonl("log.jsonl", log)
        .unwrap_or_else(|e| panic!("{e}"));
    let a = p.compliance(&log, date("2020-12-31"), None, None).unwrap();
    a.approvals
        .iter()
        .map(|x| {
            (
                x.action.to_string(),
                x.event.0.date.to_string(),
                x.status,
                x.steps
                    .iter()
                    .map(|s| s.event.map_or(0, |e| e.0.line))
                    .collect(),
            )
        })
        .collect()
}

fn row(
    a: &str,
    d: &str,
    s: ApprovalStatus,
    lines: &[u32],
) -> (String, String, ApprovalStatus, Vec<u32>) {
    (a.into(), d.into(), s, lines.to_vec())
}

#[test]
fn each_step_in_order_by_its_approver_before_the_action() {
    let p = policy();
    let log = r#"{"date": "2020-05-01T09:00", "unit": "镇党委", "person": "王 一", "action": "初审"}
{"date": "2020-05-01T10:00", "unit": "镇党委", "person": "李 二", "action": "审批"}
{"date": "2020-05-01T11:00", "unit": "镇党委", "action": "发布"}
{"date": "2020-05-03", "unit": "镇党委", "person": "李 二", "action": "审批"}
{"date": "2020-05-04", "unit": "镇党委", "person": "王 一", "action": "初审"}
{"date": "2020-05-05", "unit": "镇党委", "action": "发布"}
{"date": "2020-06-01", "unit": "镇党委", "person": "赵 三", "action": "初审"}
{"date": "2020-06-02", "unit": "镇党委", "person": "李 二", "action": "审批"}
{"date": "2020-06-03", "unit": "镇党委", "action": "发布"}"#;
    use ApprovalStatus::*;
    assert_eq!(
        approvals(&p, log),
        vec![
            // In order, by the 分管领导 then the 主要领导.
            row("发布", "2020-05-01", Approved, &[1, 2]),
            // Out of order: the 审批 came before the 初审 it must follow.
            row("发布", "2020-05-05", Unapproved, &[5, 0]),
            // The 初审 by someone who holds no 分管领导 post does not count;
            // the first unused 审批 before it (05-03) is shown, to no avail.
            row("发布", "2020-06-03", Unapproved, &[0, 4]),
        ]
    );
}

#[test]
fn an_approval_serves_one_action_and_a_unit_approves_by_its_lines() {
    let p = policy();
    let log = r#"{"date": "2020-05-02", "matter": "读书会", "by": "宣传部", "action": "审批"}
{"date": "2020-05-06", "matter": "读书会", "action": "举办"}
{"date": "2020-05-07", "matter": "读书会", "action": "举办"}
{"date": "2020-05-08", "matter": "读书会", "person": "赵 三", "action": "审批"}
{"date": "2020-05-09", "matter": "读书会", "action": "举办"}
{"date": "2020-05-10", "matter": "读书会", "action": "审批"}
{"date": "2020-05-11", "matter": "读书会", "action": "举办"}"#;
    use ApprovalStatus::*;
    assert_eq!(
        approvals(&p, log),
        vec![
            row("举办", "2020-05-06", Approved, &[1]),
            row("举办", "2020-05-07", Unapproved, &[0]),
            // 赵 三 holds a post in 宣传部.
            row("举办", "2020-05-09", Approved, &[4]),
            // A line that says neither who nor which unit approves nothing.
            row("举办", "2020-05-11", Unapproved, &[0]),
        ]
    );
    // As text, with the article.
    let l = p.events_from_jsonl("log.jsonl", log).unwrap();
    let a = p.compliance(&l, date("2020-12-31"), None, None).unwrap();
    assert!(
        a.to_string().contains(
            "unapproved   举办 读书会 on 2020-05-07 (line 3): no 审批 (by 宣传部) [第二十条(四)]"
        ),
        "{a}"
    );
}

#[test]
fn tests_ask_about_approvals() {
    let text = format!(
        "{POLICY}test \"审核后方可发布\" {{
  events {{
    2020-05-01 09:00 镇党委 初审 by \"王 一\"
    2020-05-01 10:00 镇党委 审批 by \"李 二\"
    2020-05-01 11:00 镇党委 发布
    2020-05-05 镇党委 发布
  }}
  expect approval 镇党委 发布 2020-05-01 approved
  expect approval 镇党委 发布 2020-05-05 unapproved
  expect approval 镇党委 发布 2020-05 approved
  expect approval 镇党委 发布 2020-07 approved
}}
"
    );
    let p = Policy::parse("p.zr", &text).unwrap_or_else(|e| panic!("{e}"));
    let failures = common::test_failures(&p);
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert!(
        failures[0].contains("发布 on 2020-05-05 unapproved"),
        "{failures:?}"
    );
    assert!(
        failures[1].contains("did not 发布 in 2020-07"),
        "{failures:?}"
    );
}

#[test]
fn bad_approval_chains_are_errors_where_they_are_written() {
    let bad = |from: &str, to: &str| {
        let text = POLICY.replace(from, to);
        assert_ne!(text, POLICY, "{from}");
        Policy::parse("p.zr", &text).expect_err("must not compile")
    };
    // A step naming the action itself.
    let d = bad("needs 初审 by 分管领导", "needs 发布 by 分管领导");
    assert_eq!(d.0[0].kind, DiagKind::Invalid);
    assert!(d.0[0].message.contains("cannot need itself"), "{d}");
    // Several approvers without `any of`.
    let d = bad("审批 by 主要领导", "审批 by 主要领导, 书记");
    assert!(d.0[0].message.contains("several approvers"), "{d}");
    assert!(d.0[0].help.as_deref().unwrap().contains("any of"), "{d}");
    // Neither a unit nor a position, with a suggestion.
    let d = bad("审批 by 主要领导", "审批 by 主要领道");
    assert_eq!(d.0[0].kind, DiagKind::UnknownName);
    assert!(d.0[0].help.as_deref().unwrap().contains("主要领导"), "{d}");
    // An undeclared action.
    let d = bad("then 审批 by", "then 核准 by");
    assert_eq!(d.0[0].kind, DiagKind::UnknownName);
    assert!(d.0[0].message.contains("`核准`"), "{d}");
    // A log line naming an unknown acting unit.
    let e = policy()
        .events_from_jsonl(
            "log.jsonl",
            r#"{"date": "2020-05-02", "matter": "读书会", "by": "宣传处", "action": "审批"}"#,
        )
        .expect_err("unknown unit");
    assert_eq!(e.0[0].kind, DiagKind::UnknownName);
    assert!(e.0[0].help.as_deref().unwrap().contains("宣传部"), "{e}");
    // `expect approval` of an action no chain covers.
    let d = Policy::parse(
        "p.zr",
        &format!("{POLICY}test \"x\" {{\n  expect approval 镇党委 初审 2020 approved\n}}\n"),
    )
    .expect_err("no chain");
    assert!(d.0[0].message.contains("no approval chain covers"), "{d}");
}

#[test]
fn two_chains_on_one_action_approve_it_together_and_tests_name_a_unit() {
    let text = format!(
        "{POLICY}approval per \"第二十条(五)\" each matter 讲座 举办 needs 初审
test \"两条审批链\" {{
  events {{
    2020-05-01 读书会 审批 by 宣传部
    2020-05-02 读书会 初审
    2020-05-03 读书会 举办
    2020-05-04 读书会 审批 by 宣传部
    2020-05-05 读书会 举办
  }}
  expect approval 读书会 举办 2020-05-03 approved
  expect approval 读书会 举办 2020-05-05 unapproved
  expect approval 读书会 举办 2020-05 approved
}}
"
    );
    let p = Policy::parse("p.zr", &text).unwrap_or_else(|e| panic!("{e}"));
    let failures = common::test_failures(&p);
    // The 05-05 举办 had its 审批 but no 初审 of its own: unapproved, so
    // the whole month is not approved.
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].contains("举办 on 2020-05-05 unapproved"),
        "{failures:?}"
    );
}
