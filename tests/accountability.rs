//! Accountability on the example policies: each document's own clauses,
//! matched at their threshold and not one step below; unknown facts;
//! catch-all clauses; sanctions; liability.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::*;
use serde_json::json;
use zeren::{
    incident::Incident,
    triggers::{Applicability, Outcome, TriggerAnswer},
    DiagKind, Policy,
};

fn incident(p: &Policy, value: serde_json::Value) -> zeren::incident::BoundIncident {
    let text = value.to_string();
    match p.incident_from_json("incident.json", &text) {
        Ok(i) => i,
        Err(d) => panic!("{d}"),
    }
}

fn status<'a>(a: &'a TriggerAnswer<'_>, citation: &str) -> Option<&'a Outcome<'a>> {
    a.clauses
        .iter()
        .find(|c| c.clause.citation == citation)
        .map(|c| &c.outcome)
}

/// `facts` meet `clause` at the threshold, and with `milder` the clause does not match.
fn threshold(
    policy: &str,
    date: &str,
    facts: serde_json::Value,
    clause: &str,
    scale_fact: &str,
    milder: &str,
) {
    let p = example(policy);
    let inc = incident(&p, json!({ "date": date, "facts": facts.clone() }));
    let a = p.triggers(&inc, false).unwrap();
    assert!(
        a.matched().contains(&clause),
        "{policy}: {clause} should match: {a}"
    );
    let mut mild = facts;
    mild[scale_fact] = json!(milder);
    let inc = incident(&p, json!({ "date": date, "facts": mild }));
    let a = p.triggers(&inc, true).unwrap();
    assert!(
        !a.matched().contains(&clause),
        "{policy}: {clause} should not match one step milder: {a}"
    );
    match status(&a, clause) {
        Some(Outcome::NotMatched { failed }) => {
            assert_eq!(failed.fact, Some(scale_fact), "{policy}");
            assert_eq!(
                failed.seen.as_ref().map(|s| s.to_string()),
                Some(milder.to_string())
            );
        }
        other => panic!("{policy}: {clause}: expected not matched, got {other:?}"),
    }
}

#[test]
fn each_documents_clause_matches_at_its_threshold_and_not_one_step_below() {
    threshold(
        "000-tourism.zr",
        "2020-01-01",
        json!({"失职": "平台错误导向", "未履职": true, "后果": "严重后果"}),
        "第六条(五)",
        "后果",
        "恶劣影响",
    );
    threshold(
        "001-B-branch.zr",
        "2020-01-01",
        json!({"失职": "涉外言行不当", "后果": "恶劣影响"}),
        "追查问责 11",
        "后果",
        "严重影响",
    );
    threshold(
        "001-B-branch.zr",
        "2020-01-01",
        json!({"处置引导不力": true, "思想混乱": true, "后果": "严重影响"}),
        "追查问责 4",
        "后果",
        "不良影响",
    );
    threshold(
        "002-sues.zr",
        "2019-01-01",
        json!({"失职": "平台错误导向", "未履职": true, "后果": "严重后果"}),
        "第八条(五)",
        "后果",
        "恶劣影响",
    );
    threshold(
        "002-sues.zr",
        "2019-01-01",
        json!({"失职": "放任不管", "后果": "恶劣影响"}),
        "第八条(四)",
        "后果",
        "严重影响",
    );
    threshold(
        "003-1-college.zr",
        "2020-01-01",
        json!({"失职": "网信问题处置不力", "后果": "严重影响"}),
        "第九条(8)",
        "后果",
        "不良影响",
    );
    // 003-2: "造成不良影响的" is a yes/no condition of every item.
    let p = example("003-2-bureau.zr");
    let inc = incident(
        &p,
        json!({"date": "2020-01-01", "facts": {"失职": "妄议中央", "造成不良影响": true}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert_eq!(a.matched(), vec!["意识形态责任追究制度 9."], "{a}");
    let inc = incident(
        &p,
        json!({"date": "2020-01-01", "facts": {"失职": "妄议中央", "造成不良影响": false}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert!(a.matched().is_empty(), "{a}");
    threshold(
        "003-5-campus.zr",
        "2020-01-01",
        json!({"失职": "错误言论", "后果": "严重影响"}),
        "第二十二条(六)",
        "后果",
        "不良影响",
    );
    threshold(
        "003-6-township.zr",
        "2020-01-01",
        json!({"错误导向": true, "后果": "严重后果"}),
        "(二)责任追究",
        "后果",
        "负面影响",
    );
    threshold(
        "004-province.zr",
        "2021-01-01",
        json!({"失职": "错误言论", "后果": "严重影响"}),
        "第十二条(九)",
        "后果",
        "不良影响",
    );
}

#[test]
fn a_clause_with_an_alternative_matches_either_way() {
    // 002 第八条(二): 不带头、不站前 … 或者 领导不力，出现重大失误、产生恶劣影响.
    let p = example("002-sues.zr");
    let a = incident(
        &p,
        json!({"date": "2019-01-01", "facts": {"失职": "不带头不站前"}}),
    );
    assert_eq!(p.triggers(&a, false).unwrap().matched(), vec!["第八条(二)"]);
    let b = incident(
        &p,
        json!({"date": "2019-01-01", "facts": {"失职": "领导不力", "重大失误": true, "后果": "恶劣影响"}}),
    );
    assert_eq!(p.triggers(&b, false).unwrap().matched(), vec!["第八条(二)"]);
    let c = incident(
        &p,
        json!({"date": "2019-01-01", "facts": {"失职": "领导不力", "重大失误": true, "后果": "严重影响"}}),
    );
    assert!(p.triggers(&c, false).unwrap().matched().is_empty());
}

#[test]
fn a_missing_fact_is_unknown_not_false() {
    let p = example("002-sues.zr");
    let inc = incident(
        &p,
        json!({"date": "2019-01-01", "facts": {"失职": "平台错误导向", "未履职": true}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert!(a.matched().is_empty());
    match status(&a, "第八条(五)") {
        Some(Outcome::Undetermined { missing }) => assert_eq!(*missing, vec!["后果"]),
        other => panic!("{other:?}"),
    }
    // Clauses that fail on a known fact are not undetermined.
    assert_eq!(status(&a, "第八条(四)"), None);
    // With nothing known, every clause but the catch-all is undetermined.
    let none = incident(&p, json!({"date": "2019-01-01"}));
    let a = p.triggers(&none, false).unwrap();
    let undetermined = a
        .clauses
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Undetermined { .. }))
        .count();
    assert_eq!(undetermined, 8);
}

#[test]
fn the_catch_all_is_discretionary_never_a_match() {
    let p = example("004-province.zr");
    let inc = incident(
        &p,
        json!({"date": "2021-05-01", "facts": {"失职": "组织开展不力", "后果": "严重后果"}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert_eq!(a.matched(), vec!["第十二条(一)"]);
    assert_eq!(status(&a, "第十二条(十)"), Some(&Outcome::Discretionary));
    let json = serde_json::to_value(&a).unwrap();
    let catch_all = json["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == "(十)")
        .unwrap();
    assert_eq!(catch_all["status"], "discretionary");
}

#[test]
fn an_incident_before_the_policy_took_effect_is_not_applicable() {
    let p = example("002-sues.zr");
    let inc = incident(
        &p,
        json!({"date": "2018-11-07", "facts": {"失职": "平台错误导向", "后果": "严重后果"}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert_eq!(
        a.applicability,
        Applicability::NotApplicable {
            effective: date("2018-11-08")
        }
    );
    assert!(a.clauses.is_empty());
    assert!(a
        .to_string()
        .contains("not applicable: 2018-11-07 is before the policy took effect on 2018-11-08"));
}

#[test]
fn graded_sanctions_follow_the_severity() {
    let p = example("001-B-branch.zr");
    for (level, measures) in [
        ("较轻", vec!["批评教育", "书面检查", "诫勉谈话"]),
        (
            "较重",
            vec!["通报批评", "责令公开检讨或公开道歉", "停职检查"],
        ),
        // 情节特别严重的，报县纪委处理: a procedure step, no measures.
        ("特别严重", vec![]),
    ] {
        let inc = incident(
            &p,
            json!({"date": "2021-01-01", "facts": {"失职": "严重问题隐瞒不报", "后果": "严重影响", "情节": level}}),
        );
        let a = p.triggers(&inc, false).unwrap();
        assert_eq!(a.sanctions.len(), 1);
        assert_eq!(a.sanctions[0].grade, Some(level));
        assert_eq!(a.sanctions[0].measures, measures);
    }
    // Severity not given: every grade's measures stay open.
    let inc = incident(
        &p,
        json!({"date": "2021-01-01", "facts": {"失职": "严重问题隐瞒不报", "后果": "严重影响"}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert_eq!(a.sanctions[0].grade, None);
    assert_eq!(a.sanctions[0].measures.len(), 6);
    // No clause matched: only the catch-all is open to judgement, so the
    // sanctions shown are those that would be open, each marked as such.
    let inc = incident(
        &p,
        json!({"date": "2021-01-01", "facts": {"失职": "涉外言行不当", "后果": "严重影响", "不良后果": true}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert!(a.matched().is_empty());
    assert!(!a.sanctions.is_empty());
    assert!(a.sanctions.iter().all(|s| s.discretionary));
}

#[test]
fn menu_sanctions_and_the_promotion_ban() {
    let p = example("004-province.zr");
    let inc = incident(
        &p,
        json!({"date": "2021-05-01", "facts": {"失职": "媒体错误导向"}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert_eq!(
        a.sanctions[0].measures,
        vec![
            "提醒",
            "批评教育",
            "责令作出书面检查",
            "通报批评",
            "组织处理",
            "纪律处分"
        ]
    );
    // 001-A 第十四条: a major problem in one's area that did harm bars promotion.
    let p = example("001-A-company.zr");
    let yes = incident(
        &p,
        json!({"date": "2021-01-01", "facts": {"重大意识形态问题": true, "后果": "不良影响"}}),
    );
    let a = p.triggers(&yes, false).unwrap();
    assert_eq!(a.consequences.len(), 1);
    assert_eq!(a.consequences[0].text, "不得提拔重用");
    assert!(matches!(a.consequences[0].outcome, Outcome::Matched { .. }));
    let no = incident(
        &p,
        json!({"date": "2021-01-01", "facts": {"重大意识形态问题": false}}),
    );
    assert!(p.triggers(&no, false).unwrap().consequences.is_empty());
}

#[test]
fn late_or_false_reports_are_held_to_account() {
    // 003-5 第二十三条: 迟报、漏报、瞒报、谎报的，导致问题未能及时有效处理的 —
    // the article's own limb (no item number), not an aggravation.
    let p = example("003-5-campus.zr");
    let inc = incident(
        &p,
        json!({"date": "2020-05-01", "facts": {"报告问题": "谎报", "未能及时有效处理": true}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert_eq!(a.matched(), vec!["第二十三条"]);
    assert!(a.consequences.is_empty());
}

#[test]
fn collective_decision_apportions_liability_and_exempts_the_objector() {
    // 004 第十三条.
    let p = example("004-province.zr");
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/incidents/004-collective-decision.json"
    ))
    .unwrap();
    let inc = p
        .incident_from_json("004-collective-decision.json", &text)
        .unwrap();
    let a = p.liability(&inc).unwrap();
    let got: Vec<(&str, Option<&str>)> = a.people.iter().map(|x| (x.person, x.liability)).collect();
    assert_eq!(
        got,
        vec![
            ("林国华", Some("主要领导责任")),
            ("高宣东", Some("主要领导责任")),
            ("何志远", Some("主要领导责任")),
            ("罗明", None),
        ]
    );
    assert_eq!(a.citation, "第十三条");
    assert_eq!(
        a.people[2].covers,
        Some("第一分公司党委"),
        "directly in charge of the branch"
    );
    assert_eq!(
        a.procedure[0].bodies(zeren::liability::StepKind::File),
        vec!["上级党委组织部门"]
    );
}

#[test]
fn a_participant_who_covers_nothing_concerned_bears_important_responsibility() {
    let p = example("004-province.zr");
    let inc = incident(
        &p,
        json!({"date": "2021-09-01", "unit": "第二分公司党委", "facts": {},
               "decision": {"kind": "collective", "unit": "公司党委", "participants": ["林国华", "何志远", "罗明"]}}),
    );
    let a = p.liability(&inc).unwrap();
    let got: Vec<(&str, Option<&str>)> = a.people.iter().map(|x| (x.person, x.liability)).collect();
    assert_eq!(
        got,
        vec![
            ("林国华", Some("主要领导责任")),
            ("罗明", Some("主要领导责任")),
            ("何志远", Some("重要领导责任"))
        ]
    );
}

#[test]
fn an_individual_decision_is_that_leaders_own() {
    let p = example("003-5-campus.zr");
    let inc = incident(
        &p,
        json!({"date": "2020-05-01", "decision": {"kind": "individual", "by": "郑教文"}}),
    );
    let a = p.liability(&inc).unwrap();
    assert_eq!(a.decision, "individual");
    assert_eq!(a.people.len(), 1);
    assert_eq!(
        (a.people[0].person, a.people[0].liability),
        ("郑教文", Some("个人责任"))
    );
    assert_eq!(a.citation, "第二十四条");
}

#[test]
fn liability_needs_rules_and_a_record() {
    let p = example("002-sues.zr");
    let inc = incident(
        &p,
        json!({"date": "2019-05-01", "decision": {"kind": "individual", "by": "李 江"}}),
    );
    assert_eq!(
        p.liability(&inc).unwrap_err(),
        zeren::QueryError::NoLiabilityRules
    );
    let p = example("004-province.zr");
    let inc = incident(&p, json!({"date": "2021-05-01"}));
    assert_eq!(
        p.liability(&inc).unwrap_err(),
        zeren::QueryError::NoDecision
    );
}

#[test]
fn bad_incidents_are_rejected_with_their_location() {
    let p = example("002-sues.zr");
    let text = "{\n  \"date\": \"2019-05-01\",\n  \"facts\": {\n    \"失职\": \"平台错误倒向\",\n    \"后果\": 3,\n    \"影响\": \"大\"\n  }\n}";
    let d = p.incident_from_json("bad.json", text).unwrap_err();
    let got: Vec<(DiagKind, usize, usize)> =
        d.iter().map(|d| (d.kind, d.line(), d.column())).collect();
    assert_eq!(
        got,
        vec![
            // A bad value is pointed at, an unknown fact at its name.
            (DiagKind::UnknownName, 4, 11),
            (DiagKind::Type, 5, 11),
            (DiagKind::UnknownName, 6, 5)
        ]
    );
    assert_eq!(d.0[0].help.as_deref(), Some("did you mean `平台错误导向`?"));
    // Malformed JSON, a bad date, an unknown field.
    for (text, kind) in [
        ("{\"date\": \"2019-05-01\", \"facts\": {", DiagKind::Data),
        ("{\"date\": \"2019-02-29\"}", DiagKind::Data),
        ("{\"date\": \"2019-05-01\", \"fact\": {}}", DiagKind::Data),
        ("[1, 2]", DiagKind::Data),
    ] {
        let d = p.incident_from_json("bad.json", text).unwrap_err();
        assert_eq!(d.0[0].kind, kind, "{text}");
        assert!(d.0[0].line() >= 1, "{text}");
    }
    // A decision naming someone the org does not know.
    let text = r#"{"date": "2019-05-01", "decision": {"kind": "individual", "by": "李江"}}"#;
    let d = p.incident_from_json("bad.json", text).unwrap_err();
    assert_eq!(d.0[0].help.as_deref(), Some("did you mean `李 江`?"));
}

#[test]
fn incidents_built_in_rust_are_checked_too() {
    let p = example("002-sues.zr");
    let mut inc: Incident = serde_json::from_value(json!({"date": "2019-05-01"})).unwrap();
    inc.facts.insert("后果".into(), json!("很严重"));
    let d = p.bind(&inc).unwrap_err();
    assert_eq!(d.0[0].path(), Some("facts.后果"));
    inc.facts.insert("后果".into(), json!("严重后果"));
    inc.facts.insert("失职".into(), json!("平台错误导向"));
    inc.facts.insert("未履职".into(), json!(true));
    let bound = p.bind(&inc).unwrap();
    assert_eq!(
        p.triggers(&bound, false).unwrap().matched(),
        vec!["第八条(五)"]
    );
}

#[test]
fn why_not_names_the_first_failed_condition_and_the_value_seen() {
    let p = example("002-sues.zr");
    let inc = incident(
        &p,
        json!({"date": "2019-01-01", "facts": {"失职": "平台错误导向", "后果": "恶劣影响"}}),
    );
    let a = p.triggers(&inc, true).unwrap();
    let Some(Outcome::NotMatched { failed }) = status(&a, "第八条(五)") else {
        panic!("{a}")
    };
    assert_eq!(failed.to_string(), "后果 >= 严重后果 (后果 is 恶劣影响)");
    let Some(Outcome::NotMatched { failed }) = status(&a, "第八条(一)") else {
        panic!("{a}")
    };
    assert_eq!(
        failed.to_string(),
        "失职 = 组织开展不力 (失职 is 平台错误导向)"
    );
    // Without why-not, clauses that did not match are left out.
    assert!(p
        .triggers(&inc, false)
        .unwrap()
        .clauses
        .iter()
        .all(|c| !matches!(c.outcome, Outcome::NotMatched { .. })));
}

#[test]
fn answers_report_the_facts_used() {
    let p = example("002-sues.zr");
    let inc = incident(
        &p,
        json!({"date": "2019-01-01", "facts": {"失职": "平台错误导向", "后果": "严重后果"}}),
    );
    assert_eq!(
        p.triggers(&inc, false).unwrap().facts_used,
        vec!["失职", "后果"]
    );
}

#[test]
fn a_match_says_who_proposes_decides_and_files() {
    // 002 第九条: the office may propose; 按照干部管理权限.
    let p = example("002-sues.zr");
    let inc = incident(
        &p,
        json!({"date": "2019-05-10", "facts": {"失职": "平台错误导向", "未履职": true, "后果": "严重后果"}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert_eq!(a.procedure.len(), 1);
    assert_eq!(a.procedure[0].citation, "第九条");
    assert_eq!(
        a.procedure[0].bodies(zeren::liability::StepKind::Propose),
        vec!["领导小组办公室"]
    );
    // No clause matched: the procedure is shown only as open to judgement
    // (the list's catch-all), or not at all when nothing is open.
    let none = incident(
        &p,
        json!({"date": "2019-05-10", "facts": {"失职": "平台错误导向", "未履职": true, "后果": "恶劣影响"}}),
    );
    let a = p.triggers(&none, false).unwrap();
    assert!(a.matched().is_empty());
    let open = a
        .clauses
        .iter()
        .any(|c| matches!(c.outcome, zeren::triggers::Outcome::Discretionary));
    assert_eq!(a.procedure.is_empty(), !open);
    assert!(a.procedure.iter().all(|p| p.discretionary));
}

#[test]
fn facts_past_the_sixty_fourth_are_listed_in_declaration_order() {
    let mut t = String::new();
    for i in 0..150 {
        t.push_str(&format!("fact f{i} bool\n"));
    }
    t.push_str("triggers per \"第八条\" { 1 \"x\" when f140 and f0 and f70 }\n");
    let p = zeren::Policy::parse("many.zr", &t).unwrap();
    let inc = incident(
        &p,
        json!({"date": "2021-01-01", "facts": {"f0": true, "f5": true}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    // f5 is given but no rule reads it.
    assert_eq!(a.facts_used, vec!["f0"]);
    match &a.clauses[0].outcome {
        Outcome::Undetermined { missing } => {
            assert_eq!(*missing, vec!["f70", "f140"]);
            assert_eq!(missing.len(), 2);
            assert_eq!(missing.join(", "), "f70, f140");
        }
        other => panic!("{other:?}"),
    }
    let inc = incident(
        &p,
        json!({"date": "2021-01-01", "facts": {"f140": true, "f70": true, "f0": true}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert_eq!(a.facts_used, vec!["f0", "f70", "f140"]);
    assert_eq!(
        serde_json::to_value(&a.facts_used).unwrap(),
        json!(["f0", "f70", "f140"])
    );
    assert_eq!(a.matched().len(), 1);
}
