//! One clause explained on demand (`Policy::explain`) is the clause's row
//! of the full why-not answer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{example, example_incidents};
use zeren::QueryError;

#[test]
fn every_clause_explained_alone_is_its_row_of_the_full_answer() {
    let mut explained = 0;
    for (name, p, text) in example_incidents() {
        let inc = p.incident_from_json(&name, &text).unwrap();
        let whole = p.triggers(&inc, true).unwrap();
        assert!(!whole.clauses.is_empty(), "{name}");
        // Rows sharing a citation (unnumbered sentences) come together.
        let mut at = 0;
        while let Some(row) = whole.clauses.get(at) {
            let alone = p.explain(&inc, row.clause.citation).unwrap();
            let same = &whole.clauses[at..at + alone.len()];
            assert_eq!(alone, same, "{name}: {}", row.clause.citation);
            at += alone.len();
            explained += alone.len();
        }
    }
    assert!(explained > 50, "{explained} clauses explained");
}

#[test]
fn a_clause_is_found_by_its_citation_written_either_way() {
    let p = example("004-province.zr");
    let inc = p
        .incident_from_json(
            "i.json",
            r#"{"date": "2021-05-01", "facts": {"失职": "媒体错误导向"}}"#,
        )
        .unwrap();
    let first = p.triggers(&inc, true).unwrap().clauses[0].clause.citation;
    let wide = first.replace('(', "（").replace(')', "）");
    assert_eq!(
        p.explain(&inc, &wide).unwrap()[0].clause.citation,
        first,
        "{wide}"
    );
    let e = p.explain(&inc, "第九十九条(一)").unwrap_err();
    assert!(matches!(e, QueryError::UnknownClause { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("no trigger clause is cited `第九十九条(一)`"),
        "{e}"
    );
    // An incident of another policy is refused.
    let sues = example("002-sues.zr");
    let e = sues.explain(&inc, first).unwrap_err();
    assert!(matches!(e, QueryError::OtherPolicy { .. }), "{e}");
    // Before the policy took effect (002: 2018-11-08), nothing is explained.
    let early = sues
        .incident_from_json("i.json", r#"{"date": "2018-05-01", "facts": {}}"#)
        .unwrap();
    let e = sues.explain(&early, "第八条(一)").unwrap_err();
    assert!(matches!(e, QueryError::NotInForce { .. }), "{e}");
    // … and in force, that clause is there.
    let later = sues
        .incident_from_json("i.json", r#"{"date": "2019-05-01", "facts": {}}"#)
        .unwrap();
    assert_eq!(sues.explain(&later, "第八条(一)").unwrap().len(), 1);
}
