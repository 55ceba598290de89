//! Seats held by virtue of other posts (`seat … is …`, 兼任): whoever holds
//! a source post on a date holds the seat, and answers say through which post.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{date, t, who};
use zeren::org::OrgSpec;
use zeren::who::Bearer;
use zeren::{DiagKind, Policy};

const HEAD: &str = r#"policy "seats" { effective 2020-01-01 }
duties 组织领导 > 参与 > 宣传
unit kinds 党委, 小组
positions 书记 single, 组长, 成员, 部长 single, 主任 single
assign per "第三条" in 领导小组 {
  组长 bears 组织领导
  成员 bears 参与
}
assign per "第五条" in 宣传部 { 主任 bears 宣传 }
"#;

fn policy(org: &str) -> Policy {
    Policy::parse("p.zr", &format!("{HEAD}org {{\n{org}\n}}\n")).unwrap_or_else(|e| panic!("{e}"))
}

fn errors(org: &str) -> zeren::Diagnostics {
    Policy::parse("p.zr", &format!("{HEAD}org {{\n{org}\n}}\n")).expect_err("must not compile")
}

/// The line of the policy text on which `needle` starts.
fn line_of(org: &str, needle: &str) -> usize {
    let text = format!("{HEAD}org {{\n{org}\n}}\n");
    let at = text.find(needle).expect("needle in text");
    text[..at].matches('\n').count() + 1
}

const UNITS: &str = "  unit 校党委 kind 党委
  unit 宣传部 kind 党委 under 校党委
  unit 领导小组 kind 小组 under 校党委
  \"王 一\" holds 书记 of 校党委 to 2020-06-30
  \"李 二\" holds 书记 of 校党委 from 2020-07-01
  \"赵 三\" holds 部长 of 宣传部";

#[test]
fn the_seat_follows_whoever_holds_the_source_post() {
    let p = policy(&format!(
        "{UNITS}\n  seat 组长 of 领导小组 is 书记 of 校党委"
    ));
    assert_eq!(
        who(&p, "领导小组", "2020-05-01"),
        vec![
            t(
                "组织领导",
                "王 一 (组长 of 领导小组, as 书记 of 校党委)",
                "第三条"
            ),
            t("参与", "vacant (成员 of 领导小组)", "第三条")
        ]
    );
    assert_eq!(
        who(&p, "领导小组", "2020-07-01")[0],
        t(
            "组织领导",
            "李 二 (组长 of 领导小组, as 书记 of 校党委)",
            "第三条"
        )
    );
    // The bearer carries the post, and JSON says it.
    let a = p.who_unit("领导小组", date("2020-07-01")).unwrap();
    let Bearer::Holder { via: Some(v), .. } = &a.responsibilities[0].bearer else {
        panic!("no via in {a:?}");
    };
    assert_eq!((v.position, v.unit), ("书记", "校党委"));
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(
        json["responsibilities"][0]["bearer"]["via"],
        serde_json::json!({"position": "书记", "unit": "校党委"})
    );
    // A direct holding says nothing of a seat.
    let a = p.who_unit("校党委", date("2020-07-01")).unwrap();
    assert!(a.responsibilities.is_empty());
}

#[test]
fn several_sources_a_seat_interval_and_a_chain() {
    let p = policy(&format!(
        "{UNITS}
  seat 成员 of 领导小组 is 部长 of 宣传部, 书记 of 校党委 from 2020-03-01
  seat 主任 of 宣传部 is 组长 of 领导小组
  seat 组长 of 领导小组 is 书记 of 校党委"
    ));
    let bearers = |unit: &str, duty: &str, on: &str| -> Vec<String> {
        who(&p, unit, on)
            .into_iter()
            .filter(|(d, _, _)| d == duty)
            .map(|(_, b, _)| b)
            .collect()
    };
    // Before the seat's `from`, nobody holds it.
    assert_eq!(
        bearers("领导小组", "参与", "2020-02-01"),
        vec!["vacant (成员 of 领导小组)"]
    );
    assert_eq!(
        bearers("领导小组", "参与", "2020-07-01"),
        vec![
            "李 二 (成员 of 领导小组, as 书记 of 校党委)",
            "赵 三 (成员 of 领导小组, as 部长 of 宣传部)"
        ]
    );
    // 主任 of 宣传部 through 组长 of 领导小组, itself through 书记.
    assert_eq!(
        bearers("宣传部", "宣传", "2020-05-01"),
        vec!["王 一 (主任 of 宣传部, as 组长 of 领导小组)"]
    );
    // The person's own duties list the seats.
    let a = p.duties_of("李 二", date("2020-07-01")).unwrap();
    assert_eq!(a.duties.len(), 3, "{a}");
    assert!(a.to_string().contains("as 组长 of 领导小组"), "{a}");
}

#[test]
fn a_seat_held_through_itself_is_an_error_at_its_statement() {
    let org = format!(
        "{UNITS}
  seat 组长 of 领导小组 is 主任 of 宣传部
  seat 主任 of 宣传部 is 组长 of 领导小组"
    );
    let d = errors(&org);
    assert_eq!(d.len(), 1, "{d}");
    let e = &d.0[0];
    assert_eq!(e.kind, DiagKind::Cycle);
    assert!(
        e.message.contains("held through itself")
            && e.message.contains("组长 of 领导小组")
            && e.message.contains("主任 of 宣传部"),
        "{}",
        e.message
    );
    assert_eq!(e.line(), line_of(&org, "seat 组长 of 领导小组 is"));
    assert!(e.help.as_deref().unwrap().contains("directly"));
    // A seat through itself directly.
    let org = format!("{UNITS}\n  seat 组长 of 领导小组 is 组长 of 领导小组");
    let d = errors(&org);
    assert_eq!(
        (d.0[0].kind, d.0[0].line()),
        (DiagKind::Cycle, line_of(&org, "  seat "))
    );
}

#[test]
fn unknown_names_in_a_seat_are_reported_with_a_suggestion() {
    let org = format!("{UNITS}\n  seat 组长 of 领导小组 is 书纪 of 校党委");
    let d = errors(&org);
    assert_eq!(d.len(), 1, "{d}");
    assert_eq!(d.0[0].kind, DiagKind::UnknownName);
    assert_eq!(
        (d.0[0].line(), d.0[0].column()),
        (line_of(&org, "  seat "), 22)
    );
    assert!(d.0[0].help.as_deref().unwrap().contains("书记"), "{d}");
    let d = errors(&format!("{UNITS}\n  seat 组长 of 小组 is 书记 of 校党委"));
    assert_eq!(d.0[0].kind, DiagKind::UnknownName);
    assert!(d.0[0].message.contains("`小组`"), "{d}");
}

#[test]
fn a_single_holder_seat_given_to_two_people_is_an_overlap() {
    let d = errors(&format!(
        "{UNITS}\n  seat 主任 of 宣传部 is 书记 of 校党委\n  \"钱 四\" holds 主任 of 宣传部 from 2020-06-01"
    ));
    // 王 一 until 2020-06-30, then 李 二: both overlap 钱 四's holding.
    assert_eq!(d.len(), 2, "{d}");
    for e in &d.0 {
        assert_eq!(e.kind, DiagKind::Overlap);
        assert!(e.message.contains("钱 四"), "{d}");
    }
    assert!(d.0[1].message.contains("李 二 (as 书记 of 校党委)"), "{d}");
}

#[test]
fn a_seat_in_an_org_built_in_code_and_from_json() {
    let spec = OrgSpec::new()
        .unit("校党委", "党委", None)
        .unit("领导小组", "小组", Some("校党委"))
        .unit("宣传部", "党委", Some("校党委"))
        .holds("王 一", "书记", "校党委", None, None)
        .seat("组长", "领导小组", &[("书记", "校党委")]);
    let p = Policy::builder()
        .source("p.zr", HEAD)
        .org("org", spec)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        who(&p, "领导小组", "2020-05-01")[0],
        t(
            "组织领导",
            "王 一 (组长 of 领导小组, as 书记 of 校党委)",
            "第三条"
        )
    );
    let json = r#"{"units": [{"name": "校党委", "kind": "党委"}, {"name": "领导小组", "kind": "小组"},
        {"name": "宣传部", "kind": "党委"}],
        "seats": [{"position": "组长", "unit": "领导小组", "held_by": [{"position": "书纪", "unit": "校党委"}]}]}"#;
    let d = Policy::builder()
        .source("p.zr", HEAD)
        .org_json("org.json", json)
        .build()
        .expect_err("unknown position");
    assert_eq!(d.0[0].kind, DiagKind::UnknownName);
    assert_eq!(d.0[0].path(), Some("seats[0].held_by[0]"));
}

#[test]
fn seats_that_would_give_too_many_holdings_are_refused() {
    // 1,001 holders of the first post, and a chain of 1,000 seats through
    // it: 1,001,000 holdings, one over the limit.
    let mut org = String::from("  unit 甲 kind 小组\n");
    for i in 0..1001 {
        org.push_str(&format!("  p{i} holds 成员 of 甲\n"));
    }
    for i in 0..1000 {
        org.push_str(&format!("  unit u{i} kind 小组\n"));
        let src = if i == 0 {
            "甲".to_string()
        } else {
            format!("u{}", i - 1)
        };
        org.push_str(&format!("  seat 成员 of u{i} is 成员 of {src}\n"));
    }
    let text = format!("{HEAD}org {{\n{org}}}\n").replace("in 领导小组", "in 甲");
    let d = Policy::parse("p.zr", &text).expect_err("over the limit");
    assert_eq!(d.0[0].kind, DiagKind::Limit, "{d}");
    assert!(d.0[0].message.contains("1000000"), "{d}");
}

#[test]
fn a_seat_cites_its_article_and_tests_ask_who_holds_it() {
    let text = format!(
        "{HEAD}articles {{ 第三条 第五条 第六条 }}\norg {{\n{UNITS}\n  seat per \"第六条\" 组长 of 领导小组 is 书记 of 校党委\n}}\n\
         test \"seat\" {{\n  expect holders 领导小组 组长 on 2020-05-01 \"王 一\"\n  expect holders 领导小组 成员 on 2020-05-01 none\n  expect holders 领导小组 组长 on 2020-08-01 \"王 一\"\n}}\n"
    );
    let p = Policy::parse("p.zr", &text).unwrap_or_else(|e| panic!("{e}"));
    // 第六条 is cited by the seat alone.
    assert!(
        p.warnings().iter().all(|w| !w.message.contains("第六条")),
        "{}",
        p.warnings()
    );
    let art = p.articles();
    let six = art
        .articles
        .iter()
        .find(|a| a.citation == "第六条")
        .unwrap();
    assert_eq!(
        six.cited_by[0].to_string().split(" [").next(),
        Some("seat 组长 of 领导小组")
    );
    let report = p.run_tests();
    let failures: Vec<&String> = report.tests.iter().flat_map(|t| &t.failures).collect();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].contains("found [李 二 (组长 of 领导小组, as 书记 of 校党委)]"),
        "{failures:?}"
    );
}
