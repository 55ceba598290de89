//! Whom clauses hold to account (`against`), set-valued facts, procedure by
//! grade, the conditional catch-all, unnumbered clauses, effective dates, and
//! the liability record's validation — on a small policy written for them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::json;
use zeren::liability::StepKind;
use zeren::triggers::{Applicability, ClauseResult, Outcome, Target, TriggerAnswer, UnreachedWhy};
use zeren::who::Bearer;
use zeren::{DiagKind, Policy};

const POLICY: &str = include_str!("fixtures/accountable/policy.zr");

fn policy() -> Policy {
    Policy::parse("policy.zr", POLICY).unwrap_or_else(|e| panic!("{e}"))
}

fn bind(p: &Policy, v: serde_json::Value) -> zeren::incident::BoundIncident {
    p.incident_from_json("incident.json", &v.to_string())
        .unwrap_or_else(|d| panic!("{d}"))
}

fn clause<'a>(a: &'a TriggerAnswer<'a>, citation: &str, text: &str) -> &'a ClauseResult<'a> {
    a.clauses
        .iter()
        .find(|c| c.clause.citation == citation && c.clause.text.starts_with(text))
        .unwrap_or_else(|| panic!("no clause {citation} {text} in\n{a}"))
}

/// (duty or post, person or "team of U" or "vacant P of U") of a clause.
fn people(c: &ClauseResult<'_>) -> Vec<(String, String)> {
    c.accountable
        .iter()
        .map(|a| {
            let who = match &a.bearer {
                Bearer::Holder { person, .. } => person.to_string(),
                Bearer::Team { unit } => format!("team of {unit}"),
                Bearer::Vacant { unit, position } => format!("vacant {position} of {unit}"),
            };
            (a.against.to_string(), who)
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn a_list_against_two_duties_reaches_their_bearers_with_path_and_article() {
    let p = policy();
    let inc = bind(
        &p,
        json!({"date": "2020-06-01", "unit": "外语系", "facts": {"失职": ["阵地失控"], "后果": "严重影响"}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert_eq!(a.applicability, Applicability::InForce);
    let c = clause(&a, "第八条(一)", "阵地失控");
    assert!(matches!(c.outcome, Outcome::Matched { .. }));
    assert_eq!(
        people(c),
        pairs(&[("第一责任人", "赵书记"), ("直接责任人", "王委员")])
    );
    let first = &c.accountable[0];
    assert_eq!(first.against, Target::Duty("第一责任人"));
    assert_eq!(first.citation, "第八条(一)");
    assert_eq!(first.assigned_by, Some("第四条"));
    let direct = &c.accountable[1];
    assert_eq!(direct.assigned_by, Some("第三条"));
    let path: Vec<String> = direct.path.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        path,
        vec![
            "王委员 holds 分管领导 of 学院党委",
            "王委员 covers 外语系 → 一岗双责"
        ]
    );
    assert!(c.unreached.is_empty());
    // The same people are named in the answer's text and JSON.
    let text = a.to_string();
    assert!(
        text.contains("accountable: 赵书记 (书记 of 外语系) as 第一责任人 [第八条(一); 第一责任人 per 第四条]"),
        "{text}"
    );
    let v = serde_json::to_value(&a).unwrap();
    assert_eq!(v["clauses"][0]["accountable"][0]["against"]["as"], "duty");
    assert_eq!(
        v["clauses"][0]["accountable"][0]["bearer"]["person"],
        "赵书记"
    );
}

#[test]
fn a_clause_against_a_post_nobody_holds_is_answered_vacant() {
    let p = policy();
    // 赵书记 left the post at the end of 2020.
    let inc = bind(
        &p,
        json!({"date": "2021-03-01", "unit": "外语系", "facts": {"失职": ["不带头"]}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    let c = clause(&a, "第八条(二)", "书记不带头");
    assert_eq!(people(c), pairs(&[("书记", "vacant 书记 of 外语系")]));
    // The clause's own `against` replaces the list's.
    assert!(c
        .accountable
        .iter()
        .all(|x| x.against == Target::Post("书记")));
}

#[test]
fn covering_reaches_whoever_covers_the_unit_or_the_matter() {
    let p = policy();
    let inc = bind(
        &p,
        json!({"date": "2020-06-01", "unit": "外语系", "facts": {"失职": ["瞒报"]}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    let c = clause(&a, "第九条", "瞒报");
    assert_eq!(people(c), pairs(&[("分管领导 covering", "王委员")]));
    assert_eq!(c.unreached.len(), 1);
    assert_eq!(c.unreached[0].against, Target::PostCovering("委员"));
    assert_eq!(c.unreached[0].why, UnreachedWhy::NobodyCovers);
    // For the website (a matter), its coverer 周委员 is reached.
    let inc = bind(
        &p,
        json!({"date": "2020-06-01", "matter": "外语系网站", "facts": {"失职": ["瞒报"]}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    let c = clause(&a, "第九条", "瞒报");
    assert_eq!(people(c), pairs(&[("委员 covering", "周委员")]));
}

#[test]
fn targets_that_reach_nobody_say_why() {
    let p = policy();
    // No unit and no matter: nobody can be named.
    let inc = bind(
        &p,
        json!({"date": "2020-06-01", "facts": {"失职": ["阵地失控"], "后果": "严重后果"}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    let c = clause(&a, "第八条(一)", "阵地失控");
    assert!(c.accountable.is_empty());
    assert_eq!(
        c.unreached.iter().map(|u| u.why).collect::<Vec<_>>(),
        vec![UnreachedWhy::NoUnitOrMatter, UnreachedWhy::NoUnitOrMatter]
    );
    // 机械系: its 书记 post is vacant, and nobody covers it.
    let inc = bind(
        &p,
        json!({"date": "2020-06-01", "unit": "机械系", "facts": {"失职": ["阵地失控"], "后果": "严重后果"}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    let c = clause(&a, "第八条(一)", "阵地失控");
    assert_eq!(people(c), pairs(&[("第一责任人", "vacant 书记 of 机械系")]));
    assert_eq!(c.unreached[0].against, Target::Duty("直接责任人"));
    assert_eq!(c.unreached[0].why, UnreachedWhy::NotAssigned);
}

#[test]
fn a_set_valued_fact_matches_clauses_of_two_articles_at_once() {
    let p = policy();
    let inc = bind(
        &p,
        json!({"date": "2020-06-01", "unit": "外语系", "facts": {"失职": ["阵地失控", "瞒报"], "后果": "严重影响"}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert_eq!(a.matched(), vec!["第八条(一)", "第九条"]);
    // `!=` on a set: the member is not among those given; `in`: any overlap.
    let src = POLICY.replace(
        "\"属乙类的\" when 类别 = 乙",
        "\"属乙类的\" when 失职 != 不带头 and 失职 in { 瞒报, 不带头 }",
    );
    let q = Policy::parse("policy.zr", &src).unwrap();
    let yes = bind(
        &q,
        json!({"date": "2020-06-01", "unit": "外语系", "facts": {"失职": ["瞒报"]}}),
    );
    assert!(q
        .triggers(&yes, false)
        .unwrap()
        .matched()
        .contains(&"第九条"));
    let both = bind(
        &q,
        json!({"date": "2020-06-01", "unit": "外语系", "facts": {"失职": ["瞒报", "不带头"]}}),
    );
    let a = q.triggers(&both, true).unwrap();
    assert!(matches!(
        clause(&a, "第九条", "属乙类").outcome,
        Outcome::NotMatched { .. }
    ));
    // An empty set makes every `=` false, not unknown.
    let none = bind(
        &p,
        json!({"date": "2020-06-01", "unit": "外语系", "facts": {"失职": [], "后果": "严重后果"}}),
    );
    let a = p.triggers(&none, true).unwrap();
    assert!(matches!(
        clause(&a, "第八条(一)", "阵地失控").outcome,
        Outcome::NotMatched { .. }
    ));
}

#[test]
fn a_set_given_one_value_or_an_enumeration_given_a_list_is_an_error() {
    let p = policy();
    let e = p
        .incident_from_json(
            "incident.json",
            r#"{"date": "2020-06-01", "facts": {"失职": "瞒报"}}"#,
        )
        .unwrap_err();
    assert_eq!(e.0[0].kind, DiagKind::Type);
    assert!(e.0[0].message.contains("is a set"), "{e}");
    assert_eq!((e.0[0].line(), e.0[0].column()), (1, 40));
    let e = p
        .incident_from_json(
            "incident.json",
            r#"{"date": "2020-06-01", "facts": {"类别": ["甲"]}}"#,
        )
        .unwrap_err();
    assert!(e.0[0].message.contains("but a list is given"), "{e}");
    let e = p
        .incident_from_json(
            "incident.json",
            r#"{"date": "2020-06-01", "facts": {"失职": ["瞒报", "谎报"]}}"#,
        )
        .unwrap_err();
    assert!(
        e.0[0].message.contains("`谎报` is not a value of `失职`"),
        "{e}"
    );
    assert_eq!(e.0[0].path(), None);
    assert_eq!((e.0[0].line(), e.0[0].column()), (1, 47));
    // In a test block, likewise.
    let src = format!(
        "{POLICY}\ntest \"x\" {{\n  incident 2020-06-01 {{ 失职 = 瞒报 }}\n  incident 2020-06-01 {{ 类别 = {{ 甲 }} }}\n}}\n"
    );
    let e = Policy::parse("policy.zr", &src).unwrap_err().to_string();
    assert!(
        e.contains("`失职` is a set (`some of`), but one value is given"),
        "{e}"
    );
    assert!(
        e.contains("`类别` is an enumeration, but a set of values is given"),
        "{e}"
    );
}

#[test]
fn the_procedure_follows_the_grade_and_marks_what_is_unknown() {
    let p = policy();
    let steps = |facts: serde_json::Value| -> Vec<String> {
        let inc = bind(
            &p,
            json!({"date": "2020-06-01", "unit": "外语系", "facts": facts}),
        );
        let a = p.triggers(&inc, false).unwrap();
        assert_eq!(a.procedure.len(), 1);
        a.procedure[0]
            .steps
            .iter()
            .map(|s| format!("{} {s}", s.step.word()))
            .collect()
    };
    // 特别严重 → 县纪委 decides too; 涉嫌犯罪 → referred; both known.
    assert_eq!(
        steps(
            json!({"失职": ["阵地失控"], "后果": "严重后果", "情节": "特别严重", "涉嫌犯罪": true})
        ),
        vec![
            "propose 宣传部, jointly with 组织部, 纪委 as needed",
            "decide 学院党委",
            "decide 县纪委 (as 情节 = 特别严重)",
            "refer 司法机关 (as 涉嫌犯罪)",
            "file 组织部",
        ]
    );
    // A lower grade and no crime: those steps are left out.
    assert_eq!(
        steps(json!({"失职": ["阵地失控"], "后果": "严重后果", "情节": "较轻", "涉嫌犯罪": false})),
        vec![
            "propose 宣传部, jointly with 组织部, 纪委 as needed",
            "decide 学院党委",
            "file 组织部",
        ]
    );
    // Not given: kept, with the facts still needed.
    let unknown = steps(json!({"失职": ["阵地失控"], "后果": "严重后果"}));
    assert!(unknown.contains(&"decide 县纪委 (if 情节 = 特别严重; missing 情节)".to_string()));
    let inc = bind(
        &p,
        json!({"date": "2020-06-01", "unit": "外语系", "facts": {"失职": ["阵地失控"], "后果": "严重后果"}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert_eq!(a.procedure[0].basis, vec!["中国共产党问责条例"]);
    assert_eq!(a.procedure[0].bodies(StepKind::Refer), vec!["司法机关"]);
    // A referral is a step, never a sanction.
    assert!(a
        .sanctions
        .iter()
        .all(|s| !s.measures.iter().any(|m| m == "司法机关")));
    // The procedure is bound to 第八条: 第九条 alone brings none.
    let inc = bind(
        &p,
        json!({"date": "2020-06-01", "unit": "外语系", "facts": {"失职": ["瞒报"], "后果": "严重影响"}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert!(!a.matched().contains(&"第八条(一)"));
    assert!(a.procedure.iter().all(|p| p.discretionary));
}

#[test]
fn the_conditional_catch_all_is_open_only_when_its_condition_holds() {
    let p = policy();
    let outcome = |facts: serde_json::Value| -> Option<String> {
        let inc = bind(
            &p,
            json!({"date": "2020-06-01", "unit": "外语系", "facts": facts}),
        );
        let a = p.triggers(&inc, false).unwrap();
        a.clauses
            .iter()
            .find(|c| c.clause.citation == "第八条(三)")
            .map(|c| match &c.outcome {
                Outcome::Discretionary => "discretionary".to_string(),
                Outcome::Undetermined { missing } => format!("undetermined {missing:?}"),
                o => format!("{o:?}"),
            })
    };
    assert_eq!(
        outcome(json!({"失职": [], "后果": "不良影响"})).as_deref(),
        Some("discretionary")
    );
    assert_eq!(
        outcome(json!({"失职": []})).as_deref(),
        Some("undetermined [\"后果\"]")
    );
    // The condition fails: the catch-all is not open at all, and nothing
    // of 第八条 is shown as open to judgement.
    let inc = bind(
        &p,
        json!({"date": "2020-06-01", "unit": "外语系", "facts": {"失职": []}}),
    );
    let _ = inc;
    let src = POLICY.replace("scale 后果 { 不良影响 <", "scale 后果 { 无 < 不良影响 <");
    let q = Policy::parse("policy.zr", &src).unwrap();
    let inc = bind(
        &q,
        json!({"date": "2020-06-01", "unit": "外语系", "facts": {"失职": [], "后果": "无"}}),
    );
    let a = q.triggers(&inc, false).unwrap();
    assert!(a.clauses.iter().all(|c| c.clause.citation != "第八条(三)"));
    assert!(a.sanctions.is_empty() && a.procedure.is_empty(), "{a}");
    // Open only to judgement: sanctions and procedure shown, marked.
    let inc = bind(
        &p,
        json!({"date": "2020-06-01", "unit": "外语系", "facts": {"失职": [], "后果": "不良影响"}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    assert!(a.matched().is_empty());
    assert_eq!(a.sanctions.len(), 1);
    assert!(a.sanctions[0].discretionary);
    assert!(a.procedure[0].discretionary);
    assert!(a
        .to_string()
        .contains("open if the catch-all is judged to apply"));
}

#[test]
fn unnumbered_clauses_are_cited_by_their_article_and_named_by_their_text() {
    let p = policy();
    let inc = bind(
        &p,
        json!({"date": "2020-06-01", "unit": "外语系", "facts": {"失职": ["瞒报"], "类别": "乙"}}),
    );
    let a = p.triggers(&inc, false).unwrap();
    let got: Vec<(&str, Option<&str>, &str)> = a
        .clauses
        .iter()
        .filter(|c| c.clause.list == "第九条")
        .map(|c| (c.clause.citation, c.clause.number, c.clause.text))
        .collect();
    assert_eq!(
        got,
        vec![("第九条", None, "瞒报的"), ("第九条", None, "属乙类的")]
    );
    // `sanctions for "第 九 条"` found the list despite the spaces.
    assert!(a
        .sanctions
        .iter()
        .any(|s| s.citation == "第十一条" && s.for_list == "第九条"));
}

#[test]
fn a_clause_number_that_fits_two_lists_must_be_written_in_full() {
    // The fixture's own tests name `(一)` bare; leave them out here.
    let own_tests = POLICY.find("test \"").unwrap();
    let src = POLICY[..own_tests].replace(
        "  \"属乙类的\" when 类别 = 乙\n",
        "  \"属乙类的\" when 类别 = 乙\n}\ntriggers per \"第十四条\" {\n  (一) \"另一条\" when 类别 = 甲\n",
    ) + "test \"歧义\" {\n  incident 2020-06-01 { 类别 = 甲 }\n  expect triggers (一)\n}\n";
    let e = Policy::parse("policy.zr", &src).unwrap_err();
    let d =
        e.0.iter()
            .find(|d| d.message.contains("names 2 clauses"))
            .unwrap_or_else(|| panic!("{e}"));
    assert!(d.message.contains("第八条(一)") && d.message.contains("第十四条(一)"));
    assert!(d.help.as_deref().unwrap().contains("full citation"));
    // Written in full, it passes.
    let ok = src.replace(
        "expect triggers (一)\n}",
        "expect triggers \"第十四条（一）\"\n}",
    );
    let p = Policy::parse("policy.zr", &ok).unwrap();
    let r = p.run_tests();
    assert_eq!(r.failed(), 0, "{}", r.render(false));
}

#[test]
fn expect_accountable_fails_with_what_it_found() {
    let src = format!(
        "{POLICY}\ntest \"错\" {{\n  incident 2020-06-01 at 外语系 {{ 失职 = {{ 阵地失控 }}, 后果 = 严重后果 }}\n  expect accountable (一) 第一责任人 李书记\n  expect accountable (二) none\n}}\n"
    );
    let p = Policy::parse("policy.zr", &src).unwrap();
    let r = p.run_tests();
    let text = r.render(false);
    assert!(
        text.contains("expected 第八条(一) to hold [第一责任人 李书记] to account, found [第一责任人 赵书记 (书记 of 外语系), 直接责任人 王委员 (分管领导 of 学院党委)]"),
        "{text}"
    );
    assert!(
        text.contains(
            "expected people held to account by 第八条(二), but the clause did not match"
        ),
        "{text}"
    );
}

#[test]
fn against_names_must_be_duties_or_posts() {
    let bad = |from: &str, to: &str| -> String {
        let src = POLICY.replace(from, to);
        assert_ne!(src, POLICY, "{from}");
        Policy::parse("policy.zr", &src).unwrap_err().to_string()
    };
    let e = bad(
        "against 第一责任人, 直接责任人",
        "against 第一责任人, 直接负责人",
    );
    assert!(
        e.contains("`against` names `直接负责人`, which is neither a duty nor a position"),
        "{e}"
    );
    assert!(e.contains("did you mean `直接责任人`?"), "{e}");
    assert!(e.contains("policy.zr:45:35"), "{e}");
    let e = bad(
        "when 失职 = 不带头 against 书记",
        "when 失职 = 不带头 against 第一责任人 covering",
    );
    assert!(
        e.contains("`第一责任人` is a duty; `covering` applies to a post"),
        "{e}"
    );
    let e = bad(
        "positions 书记 single, 分管领导, 委员",
        "positions 书记 single, 分管领导, 委员, 第一责任人",
    );
    assert!(
        e.contains("`第一责任人` is both a duty and a position"),
        "{e}"
    );
    let e = bad(
        "decide  县纪委 when 情节 = 特别严重",
        "decide  县纪委 when 等级 = 特别严重",
    );
    assert!(e.contains("unknown fact `等级`"), "{e}");
    let e = bad(
        "procedure per \"第十三条\" for \"第八条\"",
        "procedure per \"第十三条\" for \"第八十条\"",
    );
    assert!(e.contains("no trigger list cites `第八十条`"), "{e}");
    // Two lists citing one article, however the brackets and spaces are written.
    let e = bad("triggers per \"第九条\" {", "triggers per \"第 八 条\" {");
    assert!(e.contains("a second trigger list cites `第 八 条`"), "{e}");
    assert!(e.contains("the first list citing it"), "{e}");
}

#[test]
fn effective_on_issue_takes_the_date_of_issue() {
    let p = policy();
    assert_eq!(
        p.header().effective,
        Some(zeren::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap())
    );
    assert!(p.warnings().is_empty(), "{}", p.warnings());
    let inc = bind(
        &p,
        json!({"date": "2019-12-31", "unit": "外语系", "facts": {}}),
    );
    assert!(matches!(
        p.triggers(&inc, false).unwrap().applicability,
        Applicability::NotApplicable { .. }
    ));
    // No date of issue: a warning, and answers say applicability is unknown.
    let src = POLICY.replace("  issued    2020-01-01\n", "");
    let q = Policy::parse("policy.zr", &src).unwrap();
    assert_eq!(q.warnings().0[0].kind, DiagKind::NoEffectiveDate);
    assert_eq!(q.warnings().0[0].line(), 5);
    let inc = bind(
        &q,
        json!({"date": "2019-12-31", "unit": "外语系", "facts": {"失职": ["阵地失控"], "后果": "严重后果"}}),
    );
    let a = q.triggers(&inc, false).unwrap();
    assert_eq!(a.applicability, Applicability::Unknown);
    assert_eq!(a.matched(), vec!["第八条(一)"]);
    assert!(a.to_string().contains("applicability unknown"));
    // No effective date at all.
    let src = POLICY.replace("  effective on issue\n", "");
    let q = Policy::parse("policy.zr", &src).unwrap();
    assert!(q.warnings().0[0]
        .message
        .contains("states no effective date"));
}

#[test]
fn a_decision_record_that_does_not_fit_is_refused_or_warned_about() {
    let src = POLICY.to_string()
        + "liability per \"第十五条\" {\n  main 书记 bears 第一责任人\n  others bears 直接责任人\n  individual bears 第一责任人\n}\n";
    let p = Policy::parse("policy.zr", &src).unwrap();
    // An objector who did not take part: refused, with its place.
    let e = p
        .incident_from_json(
            "incident.json",
            r#"{"date": "2020-06-01", "unit": "学院党委", "decision": {"kind": "collective", "participants": ["李书记"], "objectors": ["王委员"]}}"#,
        )
        .unwrap_err();
    assert!(
        e.0[0]
            .message
            .contains("`王委员` objected but is not among the participants"),
        "{e}"
    );
    assert_eq!(e.0[0].line(), 1);
    // Someone with no post in the deciding unit; everyone objecting.
    let inc = bind(
        &p,
        json!({"date": "2020-06-01", "unit": "学院党委", "decision": {"kind": "collective", "participants": ["李书记", "赵书记"], "objectors": ["李书记", "赵书记"]}}),
    );
    let a = p.liability(&inc).unwrap();
    let w: Vec<String> = a.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        w,
        vec![
            "赵书记 held no post in 学院党委 on the date, yet took part in its decision",
            "every participant objected on record: the record names nobody who decided",
        ]
    );
    assert!(a.to_string().contains("warning: 赵书记 held no post"));
}
