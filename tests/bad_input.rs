//! Bad input gets an error value with its location, never a panic, a hang
//! or a stack overflow.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::*;
use proptest::prelude::*;
use zeren::{
    limits,
    org::{OrgSpec, RelationsSpec},
    DiagKind, Policy, QueryError,
};

fn date_or(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

const RULES: &str =
    "duties 主体责任 > 第一责任人\nunit kinds 党委, 部门\npositions 书记 single, 班子成员\n\
assign per \"第三条\" in each 党委 { team bears 主体责任  书记 bears 第一责任人 }\n";

fn errors(name: &str, text: &str) -> zeren::Diagnostics {
    Policy::parse(name, text).expect_err("must not compile")
}

#[test]
fn every_raw_seed_text_is_rejected_with_a_syntax_error() {
    let dir = format!("{}/../shared/seeds", env!("CARGO_MANIFEST_DIR"));
    let Ok(entries) = std::fs::read_dir(&dir) else {
        // The seeds live beside the project; a clone without them has the fixture copy.
        return;
    };
    let mut n = 0;
    for e in entries {
        let path = e.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let d = errors("seed.txt", &text);
        assert_eq!(d.len(), 1, "{}", path.display());
        assert_eq!(d.0[0].kind, DiagKind::Syntax);
        assert!(d.0[0].line() >= 1);
        n += 1;
    }
    assert!(n >= 5);
}

#[test]
fn ten_thousand_deep_nesting_is_a_limit_error() {
    for open in ["{", "(", "["] {
        let text = format!("org {}\n", open.repeat(10_000));
        let d = errors("deep.zr", &text);
        assert_eq!(d.0[0].kind, DiagKind::Limit, "{open}");
        assert_eq!(
            (d.0[0].line(), d.0[0].column()),
            (1, 5 + limits::MAX_NESTING)
        );
    }
}

#[test]
fn nesting_at_the_limit_is_not_a_limit_error() {
    let ok = format!("org {}", "{".repeat(limits::MAX_NESTING));
    let d = errors("ok.zr", &ok);
    assert!(d.iter().all(|d| d.kind != DiagKind::Limit), "{d}");
    let bad = format!("org {}", "{".repeat(limits::MAX_NESTING + 1));
    assert!(errors("bad.zr", &bad)
        .iter()
        .any(|d| d.kind == DiagKind::Limit));
}

#[test]
fn name_length_limit_is_n_not_n_plus_one() {
    let at = "甲".repeat(limits::MAX_NAME_CHARS);
    let over = "甲".repeat(limits::MAX_NAME_CHARS + 1);
    assert!(Policy::parse("a.zr", &format!("unit kinds {at}")).is_ok());
    let d = errors("b.zr", &format!("unit kinds {over}"));
    assert_eq!(d.0[0].kind, DiagKind::Limit);
}

#[test]
fn source_size_limit_is_n_not_n_plus_one() {
    let at = format!(
        "unit kinds 甲\n{}",
        " ".repeat(limits::MAX_SOURCE_BYTES - "unit kinds 甲\n".len())
    );
    assert_eq!(at.len(), limits::MAX_SOURCE_BYTES);
    assert!(Policy::parse("a.zr", &at).is_ok());
    let over = format!("{at} ");
    assert_eq!(errors("b.zr", &over).0[0].kind, DiagKind::Limit);
}

#[test]
fn undeclared_duty_and_position_name_their_location_and_the_closest_name() {
    let text = format!("{RULES}assign per \"第四条\" in each 部门 {{ 书纪 bears 主体责人 }}\n");
    let d = errors("p.zr", &text);
    let got: Vec<(DiagKind, usize, usize, Option<String>)> = d
        .iter()
        .map(|d| (d.kind, d.line(), d.column(), d.help.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                DiagKind::UnknownName,
                5,
                31,
                Some("did you mean `书记`?".into())
            ),
            (
                DiagKind::UnknownName,
                5,
                40,
                Some("did you mean `主体责任`?".into())
            ),
        ]
    );
}

#[test]
fn two_holders_of_a_single_position_on_one_day() {
    let text = format!(
        "{RULES}org {{ unit 校党委 kind 党委\n 甲 holds 书记 of 校党委 from 2019-01-01 to 2019-06-30\n 乙 holds 书记 of 校党委 from 2019-06-30\n}}"
    );
    let d = errors("p.zr", &text);
    assert_eq!(d.len(), 1);
    assert_eq!(d.0[0].kind, DiagKind::Overlap);
    assert_eq!((d.0[0].line(), d.0[0].column()), (7, 2));
    assert!(d.0[0].message.contains("2019-06-30"), "{}", d.0[0].message);
    // Handing over the next day is fine; so are two holders of a multi-holder post.
    let ok = text.replace("乙 holds 书记 of 校党委 from 2019-06-30", "乙 holds 书记 of 校党委 from 2019-07-01\n 丙 holds 班子成员 of 校党委\n 丁 holds 班子成员 of 校党委");
    assert!(Policy::parse("p.zr", &ok).is_ok());
}

#[test]
fn an_open_ended_holding_overlaps_every_later_one() {
    let text = format!(
        "{RULES}org {{ unit 校党委 kind 党委\n 甲 holds 书记 of 校党委 from 2018-01-01\n 乙 holds 书记 of 校党委 from 2019-01-01 to 2019-02-01\n 丙 holds 书记 of 校党委 from 2020-01-01\n}}"
    );
    let d = errors("p.zr", &text);
    assert_eq!(
        d.iter().filter(|d| d.kind == DiagKind::Overlap).count(),
        2,
        "{d}"
    );
}

#[test]
fn a_unit_under_itself() {
    let d = errors(
        "p.zr",
        "unit kinds 部门\norg { unit 甲 kind 部门 under 乙\n unit 乙 kind 部门 under 甲 }",
    );
    assert_eq!(d.len(), 1);
    assert_eq!(d.0[0].kind, DiagKind::Cycle);
    assert_eq!(d.0[0].line(), 2);
}

#[test]
fn a_long_chain_of_units_is_not_a_cycle_and_does_not_recurse() {
    let mut text = String::from("duties 主体责任\nunit kinds 部门\nassign per \"x\" in each 部门 { team bears 主体责任 }\norg {\n unit u0 kind 部门\n");
    for i in 1..20_000 {
        text.push_str(&format!(" unit u{i} kind 部门 under u{}\n", i - 1));
    }
    text.push('}');
    let p = Policy::parse("chain.zr", &text).unwrap();
    assert_eq!(who(&p, "u19999", "2020-01-01").len(), 1);
}

#[test]
fn impossible_dates() {
    for (bad, needle) in [
        ("2019-02-29", "2019-02 has no day 29"),
        ("2019-04-31", "no day 31"),
        ("2019-00-10", "no month 0"),
    ] {
        let d = errors("p.zr", &format!("policy \"x\" {{ effective {bad} }}"));
        assert_eq!(d.0[0].kind, DiagKind::InvalidDate);
        assert!(d.0[0].message.contains(needle), "{}", d.0[0].message);
        assert_eq!((d.0[0].line(), d.0[0].column()), (1, 24));
    }
    assert!(Policy::parse("p.zr", "policy \"x\" { effective 2020-02-29 }").is_ok());
}

#[test]
fn bidi_and_zero_width_characters_are_rejected_everywhere() {
    for (text, col) in [
        ("unit kinds 党\u{202E}委", 13),
        ("# comment \u{2066}\nunit kinds 党委", 11),
        ("policy \"标题\u{200B}\" { }", 11),
        ("unit kinds 党委\u{FEFF}", 14),
    ] {
        let d = errors("p.zr", text);
        assert_eq!(d.0[0].kind, DiagKind::ForbiddenChar, "{text:?}");
        assert_eq!(d.0[0].column(), col, "{text:?}");
        assert!(!d.0[0]
            .snippet()
            .contains(['\u{202E}', '\u{2066}', '\u{200B}', '\u{FEFF}']));
    }
}

#[test]
fn all_errors_of_a_file_are_reported_together() {
    let text = format!("{RULES}org {{ unit 甲 kind 部分\n 张 holds 书纪 of 甲\n 李 covers 乙 }}\nassign per \"x\" in 丙 {{ team bears 责任 }}");
    let d = errors("p.zr", &text);
    assert_eq!(d.len(), 5, "{d}");
}

#[test]
fn json_org_errors_name_the_path() {
    let json = r#"{"units": [{"name": "校党委", "kind": "党委"}, {"name": "宣传部", "kind": "部门", "under": "校党委x"}],
                   "holdings": [{"person": "甲", "position": "书记", "unit": "校党委", "from": "2019-01-01"},
                                {"person": "乙", "position": "书记", "unit": "校党委", "from": "2019-06-01"}]}"#;
    let d = Policy::builder()
        .source("rules.zr", RULES)
        .org_json("org.json", json)
        .build()
        .unwrap_err();
    let got: Vec<(DiagKind, String, Option<String>)> = d
        .iter()
        .map(|d| (d.kind, d.file().to_string(), d.path().map(String::from)))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                DiagKind::UnknownName,
                "org.json".into(),
                Some("units[1].under".into())
            ),
            (
                DiagKind::Overlap,
                "org.json".into(),
                Some("holdings[1].person".into())
            ),
        ]
    );
    assert!(d.to_string().contains("org.json: units[1].under"));
}

#[test]
fn malformed_json_org_names_line_and_column() {
    let json = "{\n  \"units\": [\n    {\"name\": \"甲\", \"kind\": \"党委\",}\n  ]\n}";
    let d = Policy::builder()
        .source("rules.zr", RULES)
        .org_json("org.json", json)
        .build()
        .unwrap_err();
    assert_eq!(d.0[0].kind, DiagKind::Data);
    assert_eq!(d.0[0].line(), 3);
    let bad_date = r#"{"holdings": [{"person": "甲", "position": "书记", "unit": "x", "from": "2019-02-29"}]}"#;
    let d = Policy::builder()
        .source("rules.zr", RULES)
        .org_json("org.json", bad_date)
        .build()
        .unwrap_err();
    assert_eq!(d.0[0].kind, DiagKind::Data);
    let unknown_field = r#"{"unit": []}"#;
    let d = Policy::builder()
        .source("rules.zr", RULES)
        .org_json("org.json", unknown_field)
        .build()
        .unwrap_err();
    assert!(
        d.0[0].message.contains("unknown field"),
        "{}",
        d.0[0].message
    );
}

#[test]
fn orgs_built_in_code_get_the_same_checks() {
    let org = OrgSpec::new()
        .unit("校党委", "党委", None)
        .unit("宣传部", "部门", Some("校党委"))
        .holds("甲", "书记", "校党委", Some(date("2019-01-01")), None)
        .holds("乙", "书纪", "校党委", None, None)
        .route(
            "课堂",
            RelationsSpec {
                in_charge: Some("宣传部".into()),
                ..Default::default()
            },
        );
    let d = Policy::builder()
        .source("rules.zr", RULES)
        .org("db", org)
        .build()
        .unwrap_err();
    let paths: Vec<Option<String>> = d.iter().map(|d| d.path().map(String::from)).collect();
    assert_eq!(
        paths,
        vec![
            Some("holdings[1].position".into()),
            Some("routes[0].kind".into())
        ]
    );
}

#[test]
fn the_three_ways_of_writing_an_org_give_the_same_answers() {
    let zr =
        format!("{RULES}org {{ unit 校党委 kind 党委\n 甲 holds 书记 of 校党委 from 2019-01-01 }}");
    let spec = OrgSpec::new().unit("校党委", "党委", None).holds(
        "甲",
        "书记",
        "校党委",
        Some(date("2019-01-01")),
        None,
    );
    let json = serde_json::to_string(&spec).unwrap();
    let a = Policy::parse("a.zr", &zr).unwrap();
    let b = Policy::builder()
        .source("r.zr", RULES)
        .org("code", spec)
        .build()
        .unwrap();
    let c = Policy::builder()
        .source("r.zr", RULES)
        .org_json("org.json", &json)
        .build()
        .unwrap();
    let on = date("2020-01-01");
    let ja = serde_json::to_value(a.who_unit("校党委", on).unwrap()).unwrap();
    assert_eq!(
        ja,
        serde_json::to_value(b.who_unit("校党委", on).unwrap()).unwrap()
    );
    assert_eq!(
        ja,
        serde_json::to_value(c.who_unit("校党委", on).unwrap()).unwrap()
    );
}

#[test]
fn unknown_query_names_suggest_the_closest() {
    let p = example("002-sues.zr");
    let e = p.who_unit("校党卫", date("2020-01-01")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown unit `校党卫` (did you mean `校党委`?)"
    );
    assert!(p.who_matter("课堂", date("2020-01-01")).is_err());
    assert!(p.duties_of("无名氏", date("2020-01-01")).is_err());
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let d = Policy::from_files(&["/nonexistent/policy.zr"]).unwrap_err();
    assert_eq!(d.0[0].kind, DiagKind::Io);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_token_soup_never_panics(tokens in proptest::collection::vec(prop_oneof![
        Just("policy"), Just("org"), Just("unit"), Just("kind"), Just("kinds"), Just("{"), Just("}"),
        Just("assign"), Just("per"), Just("\"第三条\""), Just("in"), Just("each"), Just("bears"), Just("team"),
        Just("党委"), Just("书记"), Just("holds"), Just("of"), Just("from"), Just("2019-02-29"), Just("2020-01-01"),
        Just("covering"), Just(","), Just(">"), Just("duties"), Just("positions"), Just("single"), Just("\n"),
        Just("under"), Just("matter"), Just("route"), Just("in-charge"), Just("#"), Just("\""), Just("“"),
    ], 0..60)) {
        let text = tokens.join(" ");
        let _ = Policy::parse("soup.zr", &text).map(|p| p.who_unit("党委", date("2020-01-01")).ok().map(|a| a.responsibilities.len()));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = Policy::parse("any.zr", &text);
    }

    #[test]
    fn arbitrary_incidents_and_event_lines_never_panic(
        date in prop_oneof![Just("2019-05-01".to_string()), "[0-9]{4}-[0-9]{2}-[0-9]{2}", "\\PC{0,12}"],
        key in prop_oneof![Just("失职".to_string()), Just("后果".to_string()), "\\PC{0,6}"],
        value in prop_oneof![Just("\"平台错误导向\"".to_string()), Just("true".to_string()), Just("3".to_string()), Just("null".to_string()), "\\PC{0,8}"],
        noise in "\\PC{0,40}",
    ) {
        let p = example("002-sues.zr");
        let incident = format!(r#"{{"date": "{date}", "facts": {{"{key}": {value}}}}}"#);
        if let Ok(i) = p.incident_from_json("i.json", &incident) {
            let _ = p.triggers(&i, true).unwrap();
            let _ = p.liability(&i);
        }
        let _ = p.incident_from_json("i.json", &noise);
        let log = format!("{{\"date\": \"{date}\", \"unit\": \"校党委\", \"action\": \"{key}\"}}\n{noise}");
        if let Ok(l) = p.events_from_jsonl("l.jsonl", &log) {
            let _ = p.compliance(&l, date_or("2020-01-01"), None, None);
        }
    }
}

#[test]
fn a_condition_nested_to_the_limit_parses_and_evaluates() {
    let depth = limits::MAX_NESTING - 2; // the clause list's braces count too
    let cond = format!("{}甲{}", "(".repeat(depth), ")".repeat(depth));
    let text = format!("fact 甲 bool\ntriggers per \"x\" {{\n  1 \"deep\" when {cond}\n}}");
    let p = Policy::parse("deep.zr", &text).unwrap();
    let inc = p
        .incident_from_json("i.json", r#"{"date": "2020-01-01", "facts": {"甲": true}}"#)
        .unwrap();
    assert_eq!(p.triggers(&inc, false).unwrap().matched(), vec!["x 1"]);
}

#[test]
fn a_keyword_is_not_a_bare_name() {
    let d = errors("k.zr", "unit kinds 党委\norg { unit unit kind 党委 }");
    assert_eq!(
        (d.0[0].kind, d.0[0].line(), d.0[0].column()),
        (DiagKind::Syntax, 2, 12)
    );
    assert!(d.0[0].help.as_deref().unwrap().contains("quote it"));
    // Quoted, it is a name like any other.
    assert!(Policy::parse("k.zr", "unit kinds 党委\norg { unit \"unit\" kind 党委 }").is_ok());
}

#[test]
fn staffing_rule_errors() {
    let base = "unit kinds 院系\nmatter kinds 阵地\npositions 宣传员\n";
    for (rule, needle) in [
        (
            "each 院系 needs at least 2 and at most 1 宣传员",
            "at least 2 and at most 1",
        ),
        (
            "each matter 阵地 needs at least 1 宣传员",
            "a matter has no positions",
        ),
        ("each 院系 needs at least 1 宣传", "unknown position"),
        ("each 院部 needs at least 1 宣传员", "unknown unit kind"),
    ] {
        let d = errors("s.zr", &format!("{base}staffing per \"x\" {rule}\n"));
        assert!(
            d.0[0].message.contains(needle),
            "{rule}: {}",
            d.0[0].message
        );
        assert_eq!(d.0[0].line(), 4);
    }
}

#[test]
fn windows_files_parse_byte_order_mark_and_crlf() {
    let text = "\u{FEFF}duties 主体责任\r\nunit kinds 党委，部门\r\norg {\r\n  unit 校党委 kind 党委 # 注释\r\n}\r\nassign per \"第三条\" in each 党委 { team bears 主体责任 }\r\n";
    let p = Policy::parse("win.zr", text).unwrap();
    assert_eq!(who(&p, "校党委", "2020-01-01").len(), 1);
    // Errors still point at the right line and column.
    let bad = text.replace("kind 党委 #", "kind 党委x #");
    let d = errors("win.zr", &bad);
    assert_eq!((d.0[0].line(), d.0[0].column()), (4, 17));
    assert!(!d.0[0].snippet().contains('\r'));
    // A BOM anywhere else is still rejected.
    assert_eq!(
        errors("x.zr", "unit kinds 党委\u{FEFF}").0[0].kind,
        DiagKind::ForbiddenChar
    );
    // JSON with a BOM too.
    let org = "\u{FEFF}{\"units\": [{\"name\": \"校党委\", \"kind\": \"党委\"}]}";
    assert!(Policy::builder()
        .source("r.zr", "unit kinds 党委")
        .org_json("org.json", org)
        .build()
        .is_ok());
}

#[test]
fn condition_limits_are_n_not_n_plus_one() {
    let clause =
        |cond: &str| format!("fact 甲 bool\ntriggers per \"x\" {{\n  1 \"c\" when {cond}\n}}");
    // Terms in one condition.
    let terms = |n: usize| vec!["甲"; n].join(" or ");
    assert!(Policy::parse("t.zr", &clause(&terms(limits::MAX_CONDITION_TERMS))).is_ok());
    let d = errors("t.zr", &clause(&terms(limits::MAX_CONDITION_TERMS + 1)));
    assert_eq!(d.0[0].kind, DiagKind::Limit);
    // `not` in a row.
    let nots = |n: usize| format!("{}甲", "not ".repeat(n));
    assert!(Policy::parse("n.zr", &clause(&nots(limits::MAX_NESTING))).is_ok());
    assert_eq!(
        errors("n.zr", &clause(&nots(limits::MAX_NESTING + 1))).0[0].kind,
        DiagKind::Limit
    );
}

#[test]
fn at_most_the_diagnostic_limit_is_reported() {
    let mut text = String::from("unit kinds 党委\norg {\n");
    for i in 0..limits::MAX_DIAGNOSTICS + 50 {
        text.push_str(&format!(" unit u{i} kind 不存在\n"));
    }
    text.push('}');
    let d = errors("many.zr", &text);
    // The limit, then one line counting the rest.
    assert_eq!(d.len(), limits::MAX_DIAGNOSTICS + 1);
    let last = &d.0[limits::MAX_DIAGNOSTICS];
    assert_eq!(last.kind, DiagKind::Limit);
    assert!(
        last.message.starts_with("50 more errors not shown"),
        "{}",
        last.message
    );
}

#[test]
fn ids_logs_and_incidents_of_another_policy_are_refused() {
    let path = format!(
        "{}/examples/policies/001-A-company.zr",
        env!("CARGO_MANIFEST_DIR")
    );
    let a = Policy::from_files(&[&path]).unwrap();
    let b = Policy::from_files(&[&path]).unwrap();
    let on = "2021-06-01".parse().unwrap();
    let id = a.unit_id("公司党委").unwrap();
    assert!(a.who(id, on).is_ok());
    assert_eq!(
        b.who(id, on).unwrap_err(),
        QueryError::OtherPolicy { what: "unit id" }
    );
    let log = a
        .events_from_jsonl(
            "log.jsonl",
            "{\"date\": \"2021-03-01\", \"unit\": \"公司党委\", \"action\": \"专题研究\"}\n",
        )
        .unwrap();
    assert!(a.compliance(&log, on, None, None).is_ok());
    let e = b.compliance(&log, on, None, None).unwrap_err();
    assert_eq!(e, QueryError::OtherPolicy { what: "event log" });
    assert!(e.to_string().contains("checked against another policy"));
    let inc = a
        .incident_from_json("inc.json", r#"{"date": "2021-03-01", "facts": {}}"#)
        .unwrap();
    assert!(a.triggers(&inc, false).is_ok());
    assert_eq!(
        b.triggers(&inc, false).unwrap_err(),
        QueryError::OtherPolicy { what: "incident" }
    );
    assert!(matches!(
        b.liability(&inc),
        Err(QueryError::OtherPolicy { what: "incident" })
    ));
    // A clone is the same policy.
    let c = a.clone();
    assert!(c.who(id, on).is_ok());
}

#[test]
fn an_obligation_names_at_most_the_recipient_limit() {
    let n = limits::MAX_RECIPIENTS;
    let policy = |k: usize| {
        let units: Vec<String> = (0..k).map(|i| format!("r{i}")).collect();
        let org: String = units
            .iter()
            .map(|u| format!(" unit {u} kind 部门\n"))
            .collect();
        format!(
            "unit kinds 部门\nactions 报告\norg {{\n unit 甲 kind 部门\n{org}}}\n\
             obligation per \"x\" 甲 must 报告 to {} at least 1 per year\n",
            units.join(", ")
        )
    };
    assert!(Policy::parse("r.zr", &policy(n)).is_ok());
    let d = errors("r.zr", &policy(n + 1));
    assert_eq!(d.0[0].kind, DiagKind::Limit);
    assert!(
        d.0[0]
            .message
            .contains(&format!("names {} recipients", n + 1)),
        "{d}"
    );
}
