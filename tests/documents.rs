//! The source documents' own statements, asserted on the example policies.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::*;
use zeren::{
    who::{Bearer, Step},
    QueryError,
};

#[test]
fn sues_first_responsible_person_is_whoever_holds_the_post_that_day() {
    // 002 annex: "以上人员如有变动，由其岗位接任者自然替补".
    let p = example("002-sues.zr");
    let before = who(&p, "校党委", "2019-06-30");
    let after = who(&p, "校党委", "2019-07-01");
    assert!(before.contains(&t("第一责任人", "李 江 (书记 of 校党委)", "第三条")));
    assert!(after.contains(&t("第一责任人", "张明远 (书记 of 校党委)", "第三条")));
    assert!(!after.iter().any(|r| r.1.starts_with("李 江")));
}

#[test]
fn sues_team_bears_principal_responsibility_and_the_director_primary() {
    // 002 第三条: 党委领导班子负主体责任 … 直接主管的班子成员承担主要领导责任.
    let p = example("002-sues.zr");
    let answer = who(&p, "校党委", "2019-01-01");
    assert_eq!(answer[0], t("主体责任", "team of 校党委", "第三条"));
    assert!(answer.contains(&t("主要领导责任", "夏建国 (分管领导 of 校党委)", "第三条")));
}

#[test]
fn sues_member_bears_important_responsibility_only_for_what_they_cover() {
    // 002 第三条: 一岗双责 — members answer for the units they oversee (分管) or liaise with (联系).
    let p = example("002-sues.zr");
    let mech = who(&p, "机械学院党委", "2019-01-01");
    let mgmt = who(&p, "管理学院党委", "2019-01-01");
    assert!(mech.contains(&t("重要领导责任", "史健勇 (班子成员 of 校党委)", "第三条")));
    assert!(!mech.iter().any(|r| r.1.starts_with("鲁嘉华")));
    assert!(mgmt.contains(&t("重要领导责任", "鲁嘉华 (班子成员 of 校党委)", "第三条")));
    assert!(!mgmt.iter().any(|r| r.1.starts_with("史健勇")));
    // The path says why: the coverage, marked as 联系 for 鲁嘉华.
    let answer = p.who_unit("管理学院党委", date("2019-01-01")).unwrap();
    let r = answer
        .responsibilities
        .iter()
        .find(|r| r.duty == "重要领导责任")
        .unwrap();
    assert!(r.path.contains(&Step::Covers {
        person: "鲁嘉华",
        target: "管理学院党委",
        liaison: true
    }));
}

#[test]
fn sues_office_coordinates_everywhere() {
    // 002 第六条: the office 统筹协调 across the university.
    let p = example("002-sues.zr");
    for unit in ["校党委", "党委宣传部", "机械学院党委"] {
        assert!(
            who(&p, unit, "2019-01-01").contains(&t(
                "统筹协调",
                "team of 领导小组办公室",
                "第六条"
            )),
            "{unit}"
        );
    }
    // The office's work is the office's, not its 主任's; 宣传部 综合指导.
    assert_eq!(
        who(&p, "领导小组办公室", "2019-01-01"),
        vec![
            t("统筹协调", "team of 领导小组办公室", "第六条"),
            t("综合指导", "team of 党委宣传部", "第六条")
        ]
    );
}

#[test]
fn sues_reverse_query_lists_a_persons_duties() {
    let p = example("002-sues.zr");
    let a = p.duties_of("李 江", date("2019-01-01")).unwrap();
    let got: Vec<(&str, &str)> = a
        .duties
        .iter()
        .map(|h| {
            (
                h.responsibility.duty,
                match h.subject {
                    zeren::who::Subject::Unit(u) => u,
                    _ => "",
                },
            )
        })
        .collect();
    // The 附件 gives the leading group's 组长 no duty of its own.
    assert_eq!(got, vec![("第一责任人", "校党委")]);
    // After the succession, 李 江 bears nothing.
    let a = p.duties_of("李 江", date("2020-01-01")).unwrap();
    assert!(a.duties.is_empty(), "{a}");
}

#[test]
fn sues_before_the_effective_date_is_not_applicable() {
    let p = example("002-sues.zr");
    let err = p.who_unit("校党委", date("2018-11-07")).unwrap_err();
    assert_eq!(
        err,
        QueryError::NotInForce {
            on: date("2018-11-07"),
            effective: date("2018-11-08")
        }
    );
    assert!(p.who_unit("校党委", date("2018-11-08")).is_ok());
}

#[test]
fn school_secretary_and_principal_are_both_first_responsible() {
    // 003-3 第四: 党支部书记和校长是第一责任人.
    let p = example("003-3-school.zr");
    let a = who(&p, "学校党支部", "2021-01-01");
    let first: Vec<&str> = a
        .iter()
        .filter(|r| r.0 == "第一责任人")
        .map(|r| r.1.as_str())
        .collect();
    assert_eq!(
        first,
        vec!["王书文 (书记 of 学校党支部)", "李校明 (校长 of 学校党支部)"]
    );
}

#[test]
fn school_member_leads_only_the_office_they_cover() {
    // 003-3 第五: 其他成员 … 对职责范围内的意识形态工作负领导责任.
    let p = example("003-3-school.zr");
    assert_eq!(
        who(&p, "教导处", "2021-01-01"),
        vec![t("领导责任", "钱教学 (班子成员 of 学校党支部)", "第五")]
    );
    assert_eq!(
        who(&p, "德育处", "2021-01-01"),
        vec![t("领导责任", "赵德育 (班子成员 of 学校党支部)", "第五")]
    );
    assert!(who(&p, "总务处", "2021-01-01").is_empty());
}

#[test]
fn campus_departments_duties_reach_every_college() {
    // 003-5 第五条 to 第七条: 宣传部 重要责任, 纪委 监督责任, 组织部 干部考核.
    let p = example("003-5-campus.zr");
    let a = who(&p, "机械工程系", "2020-05-01");
    assert!(a.contains(&t("重要责任", "team of 党委宣传部", "第五条")));
    assert!(a.contains(&t("监督责任", "team of 纪委", "第六条")));
    assert!(a.contains(&t("干部考核", "team of 党委组织部", "第七条")));
    // 第九条: 各单位党政负责人共同…落实主体责任; 党总支书记 第一责任人.
    assert!(a.contains(&t("主体责任", "卫机械 (书记 of 机械工程系)", "第九条")));
    assert!(a.contains(&t(
        "主体责任",
        "马系主 (行政负责人 of 机械工程系)",
        "第九条"
    )));
    assert!(a.contains(&t("第一责任人", "卫机械 (书记 of 机械工程系)", "第九条")));
    // The 分管领导 and 宣传员 the article asks for carry no label of their own.
    assert!(!a
        .iter()
        .any(|r| r.1.contains("分管领导 of") || r.1.contains("宣传员 of")));
}

#[test]
fn campus_vacant_posts_are_reported_not_hidden() {
    // 外语系 has no 行政负责人 in the example org: the answer says so.
    let p = example("003-5-campus.zr");
    let a = p.who_unit("外语系", date("2020-05-01")).unwrap();
    let vacant: Vec<&Bearer> = a
        .responsibilities
        .iter()
        .map(|r| &r.bearer)
        .filter(|b| matches!(b, Bearer::Vacant { .. }))
        .collect();
    assert_eq!(
        vacant,
        vec![&Bearer::Vacant {
            unit: "外语系",
            position: "行政负责人"
        }]
    );
}

#[test]
fn campus_matters_are_routed_to_the_unit_in_charge() {
    // 003-5 第二十条: 课堂 → 教务处, 讲座 → 科研处, 社团 → 团委.
    let p = example("003-5-campus.zr");
    assert!(who_matter(&p, "课堂", "2020-05-01").contains(&t(
        "管理责任",
        "team of 教务处",
        "第二十条(一)"
    )));
    // 第十八条: 宣传部 对…阵地管理负总责, for every kind of 阵地.
    for (m, unit, item) in [
        ("课堂", "教务处", "第二十条(一)"),
        ("学术讲座", "科研处", "第二十条(二)"),
        ("社团", "团委", "第二十条(三)"),
    ] {
        assert_eq!(
            who_matter(&p, m, "2020-05-01"),
            vec![
                t("阵地管理负总责", "team of 党委宣传部", "第十八条"),
                t("管理责任", &format!("team of {unit}"), item)
            ],
            "{m}"
        );
    }
}

#[test]
fn campus_lecture_host_answers_and_propaganda_department_approves() {
    // 003-5 第二十条(四): 主办单位为责任主体, 审批和监督部门为党委宣传部.
    let p = example("003-5-campus.zr");
    assert_eq!(
        who_matter(&p, "机械工程系读书会", "2020-05-01"),
        vec![
            t("主体责任", "team of 机械工程系", "第二十条(四)"),
            t("阵地管理负总责", "team of 党委宣传部", "第十八条"),
            t("审批监督", "team of 党委宣传部", "第二十条(四)")
        ]
    );
    assert_eq!(
        who_matter(&p, "工会职工讲堂", "2020-05-01")[0],
        t("主体责任", "team of 工会", "第二十条(四)")
    );
}

#[test]
fn campus_member_covering_a_club_bears_leadership_for_it() {
    let p = example("003-5-campus.zr");
    let a = who_matter(&p, "外语系英语角", "2020-05-01");
    assert!(a.contains(&t("领导责任", "冯科达 (班子成员 of 校区党委)", "第四条")));
    assert!(!who_matter(&p, "机械工程系读书会", "2020-05-01")
        .iter()
        .any(|r| r.1.starts_with("冯科达")));
}

#[test]
fn answers_are_deterministic() {
    let p = example("003-5-campus.zr");
    let a = serde_json::to_string(&p.who_unit("校区党委", date("2020-05-01")).unwrap()).unwrap();
    let b = serde_json::to_string(&p.who_unit("校区党委", date("2020-05-01")).unwrap()).unwrap();
    assert_eq!(a, b);
    let ranks: Vec<usize> = p
        .who_unit("校区党委", date("2020-05-01"))
        .unwrap()
        .responsibilities
        .iter()
        .map(|r| r.rank)
        .collect();
    let mut sorted = ranks.clone();
    sorted.sort();
    assert_eq!(ranks, sorted, "strongest duty first");
}

#[test]
fn two_ranks_for_one_post_warn_and_a_task_beside_a_rank_does_not() {
    let text = |duties: &str| {
        format!(
            "{duties}\nunit kinds 党委\npositions 书记\n\
             assign per \"第五条\" in each 党委 {{ 书记 bears 主要领导责任 }}\n\
             assign per \"第六条\" in each 党委 {{ 书记 bears 直接责任人 }}\n"
        )
    };
    // One chain: two ranks by two articles for one post — which holds?
    let p = zeren::Policy::parse("p.zr", &text("duties 主要领导责任 > 直接责任人")).unwrap();
    let w: Vec<_> = p
        .warnings()
        .iter()
        .filter(|d| d.kind == zeren::DiagKind::Conflict)
        .collect();
    assert_eq!(w.len(), 1, "{}", p.warnings());
    assert!(
        w[0].message
            .contains("`直接责任人` here (第六条) and `主要领导责任` by 第五条"),
        "{}",
        w[0].message
    );
    assert_eq!(w[0].severity, zeren::Severity::Warning);
    // Two chains (a task beside a rank): no conflict, both answered.
    let p = zeren::Policy::parse("p.zr", &text("duties 主要领导责任\nduties 直接责任人")).unwrap();
    assert!(
        p.warnings()
            .iter()
            .all(|d| d.kind != zeren::DiagKind::Conflict),
        "{}",
        p.warnings()
    );
    // 001-A gives its 书记 第六条's rank and 第八条(六)'s task: both answered.
    let p = example("001-A-company.zr");
    assert!(p
        .warnings()
        .iter()
        .all(|d| d.kind != zeren::DiagKind::Conflict));
    let a = who(&p, "公司党委", "2021-01-01");
    assert!(a.contains(&t("直接责任人", "田书记 (书记 of 公司党委)", "第六条")));
}

#[test]
fn other_example_policies_have_no_warnings() {
    for entry in
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/policies")).unwrap()
    {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let p = example(&name);
        // A regulation that states no date it takes effect is warned about,
        // and only such a one.
        let (dateless, other): (Vec<_>, Vec<_>) = p
            .warnings()
            .iter()
            .partition(|d| d.kind == zeren::DiagKind::NoEffectiveDate);
        assert!(other.is_empty(), "{name}: {}", p.warnings());
        assert_eq!(
            dateless.is_empty(),
            p.header().effective.is_some(),
            "{name}: {}",
            p.warnings()
        );
    }
}

#[test]
fn a_duty_nobody_bears_is_a_warning() {
    let p = zeren::Policy::parse("p.zr", "duties 主体责任 > 监督责任\nunit kinds 党委\nassign per \"x\" in each 党委 { team bears 主体责任 }").unwrap();
    let w = p.warnings();
    assert_eq!(w.len(), 1);
    assert_eq!(
        (w.0[0].kind, w.0[0].line(), w.0[0].column()),
        (zeren::DiagKind::Unassigned, 1, 15)
    );
    assert!(w.to_string().ends_with("1 warning"));
}

#[test]
fn campus_units_need_one_deputy_and_one_publicist() {
    // 003-5 第九条: 明确 1 名分管领导和 1 名宣传员.
    let p = example("003-5-campus.zr");
    let a = p.staffing(date("2020-05-01"), None).unwrap();
    let got: Vec<(&str, &str, zeren::staffing::Staffed)> = a
        .rows
        .iter()
        .filter(|r| r.citation == "第九条")
        .map(|r| {
            (
                match r.subject {
                    zeren::who::Subject::Unit(u) => u,
                    _ => "",
                },
                r.position,
                r.status,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("机械工程系", "分管领导", zeren::staffing::Staffed::Ok),
            ("机械工程系", "宣传员", zeren::staffing::Staffed::Ok),
            ("外语系", "分管领导", zeren::staffing::Staffed::Short),
            ("外语系", "宣传员", zeren::staffing::Staffed::Short),
        ]
    );
    assert_eq!(a.rows[1].holders, vec!["沈小宣"]);
    // Before anyone was appointed, the college is short too.
    let early = p.staffing(date("2018-12-31"), Some("机械工程系")).unwrap();
    assert!(early
        .rows
        .iter()
        .all(|r| r.status == zeren::staffing::Staffed::Short));
}

#[test]
fn every_outlet_needs_a_commentator() {
    // 003-1 第七条(二): 每个网络阵地不少于 1 名网络评论员.
    let p = example("003-1-college.zr");
    let a = p.staffing(date("2020-05-01"), None).unwrap();
    let got: Vec<(&str, zeren::staffing::Staffed)> = a
        .rows
        .iter()
        .map(|r| {
            (
                match r.subject {
                    zeren::who::Subject::Matter(m) => m,
                    _ => "",
                },
                r.status,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("信息工程院微信公众号", zeren::staffing::Staffed::Ok),
            ("学院官方微博", zeren::staffing::Staffed::Short)
        ]
    );
}

#[test]
fn too_many_holders_is_over() {
    let p = zeren::Policy::parse(
        "p.zr",
        "unit kinds 院系\npositions 宣传员\norg { unit 甲 kind 院系\n 张 holds 宣传员 of 甲\n 李 holds 宣传员 of 甲 }\n\
         staffing per \"第九条\" each 院系 needs exactly 1 宣传员",
    )
    .unwrap();
    let a = p.staffing(date("2020-01-01"), None).unwrap();
    assert_eq!(a.rows[0].status, zeren::staffing::Staffed::Over);
    assert_eq!(a.rows[0].holders, vec!["张", "李"]);
}

#[test]
fn a_clause_that_can_never_match_is_a_warning() {
    let p = zeren::Policy::parse(
        "p.zr",
        "scale 后果 { 不良影响 < 严重影响 < 严重后果 }\nfact 后果 scale 后果\nfact 失职 one of { 甲, 乙 }\nfact 事件 bool\n\
         triggers per \"第八条\" {\n\
           (一) \"a\" when 后果 > 严重后果\n\
           (二) \"b\" when 失职 = 甲 and 失职 = 乙\n\
           (三) \"c\" when 后果 >= 严重后果 and 后果 < 严重影响 and 事件\n\
           (四) \"d\" when 后果 < 不良影响 or 失职 in { 甲 } and 失职 != 甲\n\
           (五) \"fine\" when 后果 >= 严重影响 and 后果 < 严重后果 or 失职 != 甲\n\
         }",
    )
    .unwrap();
    let w: Vec<(usize, String)> = p
        .warnings()
        .iter()
        .map(|d| (d.line(), d.message.clone()))
        .collect();
    assert_eq!(
        w,
        vec![
            (
                6,
                "clause 第八条(一) can never match: no value of `后果` meets it".to_string()
            ),
            (
                7,
                "clause 第八条(二) can never match: its conditions on `失职` exclude each other"
                    .to_string()
            ),
            (
                8,
                "clause 第八条(三) can never match: its conditions on `后果` exclude each other"
                    .to_string()
            ),
            (
                9,
                "clause 第八条(四) can never match: no value of `后果` meets it".to_string()
            ),
        ]
    );
    assert!(p
        .warnings()
        .iter()
        .all(|d| d.kind == zeren::DiagKind::NeverMatches));
}

#[test]
fn two_articles_giving_one_duty_are_both_cited() {
    let p = zeren::Policy::parse(
        "p.zr",
        "duties 主体责任\nunit kinds 党委\norg { unit 甲 kind 党委 }\n\
         assign per \"第三条\" in each 党委 { team bears 主体责任 }\n\
         assign per \"第五条\" in 甲 { team bears 主体责任 }",
    )
    .unwrap();
    let a = who(&p, "甲", "2020-01-01");
    assert_eq!(
        a,
        vec![
            t("主体责任", "team of 甲", "第三条"),
            t("主体责任", "team of 甲", "第五条")
        ]
    );
}

#[test]
fn a_team_given_one_duty_item_by_item_is_held_to_account_once() {
    // 000 第四条(二)1–5 each give the 系部 网络意识形态工作责任; 第六条 is
    // against that duty: the team is named once, by the first item.
    let p = example("000-tourism.zr");
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/incidents/000-mass-incident.json"
    ))
    .unwrap();
    let inc = p
        .incident_from_json("000-mass-incident.json", &text)
        .unwrap();
    let a = p.triggers(&inc, false).unwrap();
    let team: Vec<_> = a
        .clauses
        .iter()
        .flat_map(|c| c.accountable.iter().map(move |x| (c.clause.citation, x)))
        .filter(|(_, x)| {
            x.bearer
                == Bearer::Team {
                    unit: "旅游管理系"
                }
        })
        .map(|(c, x)| (c, x.against.to_string(), x.assigned_by))
        .collect();
    assert_eq!(
        team,
        vec![
            ("第六条(三)", "主体责任".to_string(), Some("第三条")),
            (
                "第六条(三)",
                "网络意识形态工作责任".to_string(),
                Some("第四条(二)2")
            )
        ],
        "{a}"
    );
}
