//! The lean query (`Policy::matching`) gives the verdicts the full answer
//! (`Policy::triggers`) gives, clause for clause and in the same order: on
//! generated policies whose clauses share condition shapes (those are
//! evaluated bit-sliced, many clauses at once) and on every example
//! incident.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::example_incidents;
use proptest::prelude::*;
use std::fmt::Write as _;
use zeren::incident::BoundIncident;
use zeren::triggers::Outcome;
use zeren::Policy;

const HEAD: &str = "scale 后果 { 不良影响 < 严重影响 < 恶劣影响 }
fact 失职 one of { 甲, 乙, 丙 }
fact 情形 some of { 失控, 造谣, 炒作 }
fact 后果 scale 后果
fact 群体性事件 bool
fact 人数 number
fact 发现日 date
";

/// Leaf tests over every kind of fact.
const LEAVES: [&str; 16] = [
    "失职 = 甲",
    "失职 = 乙",
    "失职 != 丙",
    "失职 in { 甲, 丙 }",
    "后果 >= 严重影响",
    "后果 < 恶劣影响",
    "后果 = 不良影响",
    "群体性事件",
    "群体性事件 = false",
    "人数 > 10",
    "人数 in { 1, 2 }",
    "情形 = 失控",
    "情形 != 造谣",
    "情形 in { 炒作, 造谣 }",
    "发现日 < 2021-03-01",
    "not 失职 = 乙",
];

/// Condition shapes over leaves `a`…`d`; clauses drawn from a few shapes
/// share them, as the clauses of a real list do.
fn condition(shape: usize, l: &[&str; 4]) -> String {
    let [a, b, c, d] = l;
    match shape % 7 {
        0 => a.to_string(),
        1 => format!("{a} and {b}"),
        2 => format!("{a} and ({b} or {c})"),
        3 => format!("not ({a} and {b}) or {c}"),
        4 => format!("({a} or {b}) and ({c} or not {d}) and {a}"),
        5 => format!("not (not ({a} or {b}) and {c})"),
        _ => format!("{a} or {b} or ({c} and {d})"),
    }
}

/// (shape, four leaves) per clause; an optional catch-all, with or
/// without a condition.
fn policy(clauses: &[(usize, [usize; 4])], catch_all: Option<(usize, [usize; 4])>) -> Policy {
    let mut t = String::from(HEAD);
    t.push_str("triggers per \"第八条\" {\n");
    for (i, (shape, l)) in clauses.iter().enumerate() {
        let leaves = l.map(|k| LEAVES[k % LEAVES.len()]);
        writeln!(
            t,
            "  {} \"c{i}\" when {}",
            i + 1,
            condition(*shape, &leaves)
        )
        .unwrap();
        if clauses.len() > 1 && i == (clauses.len() - 2) / 2 {
            // A second list, so answers run over lists as well as clauses.
            t.push_str("}\ntriggers per \"第九条\" {\n");
        }
    }
    match catch_all {
        Some((shape, l)) if shape % 2 == 0 => {
            let leaves = l.map(|k| LEAVES[k % LEAVES.len()]);
            writeln!(
                t,
                "  {} \"其他\" otherwise when {}",
                clauses.len() + 1,
                condition(shape, &leaves)
            )
            .unwrap();
        }
        Some(_) => writeln!(t, "  {} \"其他\" otherwise", clauses.len() + 1).unwrap(),
        None => {}
    }
    t.push_str("}\n");
    Policy::parse("gen.zr", &t).unwrap_or_else(|d| panic!("{d}\n{t}"))
}

/// An incident giving each fact or not: `pick[k]` 0 leaves fact k unknown.
fn incident(p: &Policy, pick: &[u8; 6]) -> BoundIncident {
    let mut facts = serde_json::Map::new();
    let names = ["甲", "乙", "丙"];
    let levels = ["不良影响", "严重影响", "恶劣影响"];
    if pick[0] > 0 {
        facts.insert("失职".into(), names[usize::from(pick[0]) % 3].into());
    }
    if pick[1] > 0 {
        let all = ["失控", "造谣", "炒作"];
        let given: Vec<&str> = (0..3)
            .filter(|k| pick[1] & (1 << k) != 0)
            .map(|k| all[k])
            .collect();
        facts.insert("情形".into(), given.into());
    }
    if pick[2] > 0 {
        facts.insert("后果".into(), levels[usize::from(pick[2]) % 3].into());
    }
    if pick[3] > 0 {
        facts.insert("群体性事件".into(), (pick[3] % 2 == 0).into());
    }
    if pick[4] > 0 {
        facts.insert("人数".into(), (f64::from(pick[4]) * 2.0 - 1.0).into());
    }
    if pick[5] > 0 {
        let day = if pick[5] % 2 == 0 {
            "2021-01-05"
        } else {
            "2021-06-05"
        };
        facts.insert("发现日".into(), day.into());
    }
    let json = serde_json::json!({ "date": "2021-07-01", "facts": facts }).to_string();
    p.incident_from_json("i.json", &json).unwrap()
}

/// (matched, undetermined, discretionary) citations from both queries.
type Verdicts = (Vec<String>, Vec<String>, Vec<String>);

fn both(p: &Policy, inc: &BoundIncident) -> (Verdicts, Verdicts) {
    let full = p.triggers(inc, false).unwrap();
    let mut want: Verdicts = Default::default();
    for c in &full.clauses {
        let into = match c.outcome {
            Outcome::Matched { .. } => &mut want.0,
            Outcome::Undetermined { .. } => &mut want.1,
            Outcome::Discretionary => &mut want.2,
            Outcome::NotMatched { .. } => continue,
        };
        into.push(c.clause.citation.to_string());
    }
    let lean = p.matching(inc).unwrap();
    let cites = |v: &[zeren::triggers::Clause]| v.iter().map(|c| c.citation.to_string()).collect();
    let got = (
        cites(&lean.matched),
        cites(&lean.undetermined),
        cites(&lean.discretionary),
    );
    (got, want)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_lean_query_agrees_with_the_full_answer(
        clauses in proptest::collection::vec((0usize..7, [0usize..16, 0usize..16, 0usize..16, 0usize..16]), 1..150),
        catch_all in proptest::option::of((0usize..7, [0usize..16, 0usize..16, 0usize..16, 0usize..16])),
        incidents in proptest::collection::vec([0u8..4, 0u8..8, 0u8..4, 0u8..3, 0u8..8, 0u8..3], 1..12),
    ) {
        let p = policy(&clauses, catch_all);
        for pick in &incidents {
            let inc = incident(&p, pick);
            let (got, want) = both(&p, &inc);
            prop_assert_eq!(got, want, "incident {:?}", pick);
        }
    }
}

#[test]
fn sliced_verdicts_hold_past_one_word_of_clauses() {
    // 130 clauses of one shape: three words of bits, the last partly used.
    let clauses: Vec<(usize, [usize; 4])> = (0..130)
        .map(|i| (2, [i % 16, (i / 3) % 16, (i / 7) % 16, 0]))
        .collect();
    let p = policy(&clauses, Some((0, [7, 0, 0, 0])));
    let mut seen = (0, 0, 0);
    for a in 0..4u8 {
        for b in 0..8u8 {
            for c in 0..3u8 {
                let pick = [a, b, c, (a + b) % 3, b % 8, c];
                let (got, want) = both(&p, &incident(&p, &pick));
                assert_eq!(got, want, "incident {pick:?}");
                seen.0 += got.0.len();
                seen.1 += got.1.len();
                seen.2 += got.2.len();
            }
        }
    }
    // Every kind of verdict came up.
    assert!(seen.0 > 0 && seen.1 > 0 && seen.2 > 0, "{seen:?}");
}

#[test]
fn the_lean_query_agrees_on_every_example_incident() {
    let mut compared = 0;
    for (name, p, text) in example_incidents() {
        let inc = p.incident_from_json(&name, &text).unwrap();
        let (got, want) = both(&p, &inc);
        assert_eq!(got, want, "{name}");
        compared += 1;
    }
    assert_eq!(compared, 14);
}

#[test]
fn tests_on_a_long_enumeration_are_evaluated_one_by_one_with_the_same_verdicts() {
    // Six clauses of one shape, none guarded (the enumeration test sits
    // under `or`): sliced, but a table per member of 300 would outweigh the
    // six tests, so they are evaluated one by one.
    let members: Vec<String> = (0..300).map(|i| format!("m{i}")).collect();
    let mut t = format!(
        "fact 失职 one of {{ {} }}\nfact 群体性事件 bool\ntriggers per \"第八条\" {{\n",
        members.join(", ")
    );
    for i in 0..6 {
        writeln!(
            t,
            "  {} \"c{i}\" when 群体性事件 or 失职 = m{}",
            i + 1,
            i * 50
        )
        .unwrap();
    }
    t.push_str("}\n");
    let p = Policy::parse("long.zr", &t).unwrap();
    for (kind, mass) in [
        (Some(100), Some(false)),
        (None, Some(false)),
        (Some(3), None),
        (Some(250), Some(true)),
    ] {
        let mut facts = serde_json::Map::new();
        if let Some(k) = kind {
            facts.insert("失职".into(), format!("m{k}").into());
        }
        if let Some(m) = mass {
            facts.insert("群体性事件".into(), m.into());
        }
        let json = serde_json::json!({ "date": "2021-07-01", "facts": facts }).to_string();
        let inc = p.incident_from_json("i.json", &json).unwrap();
        let (got, want) = both(&p, &inc);
        assert_eq!(got, want, "{kind:?} {mass:?}");
        match (kind, mass) {
            (_, Some(true)) => assert_eq!(got.0.len(), 6),
            (Some(100), Some(false)) => assert_eq!(got.0, vec!["第八条 3"]),
            (None, Some(false)) => assert_eq!(got.1.len(), 6),
            (Some(3), None) => assert_eq!(got.1.len(), 6),
            _ => unreachable!(),
        }
    }
}
