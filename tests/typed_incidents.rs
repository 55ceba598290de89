//! Incidents stated in Rust (`Policy::fact`, `Policy::choice`,
//! `Policy::incident_on` and the `set_*` methods) answer as the same
//! incidents read from JSON do; a value that does not fit is refused with
//! an error naming the fact.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{date, example_incidents};
use serde_json::Value;
use zeren::incident::{BoundIncident, FactKind};
use zeren::{Policy, QueryError};

/// The incident `json` stated through the typed calls.
fn typed(p: &Policy, json: &Value) -> BoundIncident {
    let mut inc = p
        .incident_on(json["date"].as_str().unwrap().parse().unwrap())
        .unwrap();
    if let Some(u) = json.get("unit").and_then(Value::as_str) {
        inc.set_unit(Some(p.unit_id(u).unwrap())).unwrap();
    }
    for (name, v) in json["facts"].as_object().unwrap() {
        let f = p.fact(name).unwrap();
        match f.kind() {
            FactKind::OneOf | FactKind::Level => inc
                .set_choice(p.choice(f, v.as_str().unwrap()).unwrap())
                .unwrap(),
            FactKind::SomeOf => {
                let members: Vec<_> = v
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| p.choice(f, m.as_str().unwrap()).unwrap())
                    .collect();
                inc.set_members(f, &members).unwrap()
            }
            FactKind::Bool => inc.set_bool(f, v.as_bool().unwrap()).unwrap(),
            FactKind::Number => inc.set_number(f, v.as_f64().unwrap()).unwrap(),
            FactKind::Date => inc
                .set_date(f, v.as_str().unwrap().parse().unwrap())
                .unwrap(),
        }
    }
    inc
}

#[test]
fn typed_incidents_answer_as_their_json_does() {
    let mut compared = 0;
    for (name, p, text) in example_incidents() {
        let mut json: Value = serde_json::from_str(&text).unwrap();
        // The typed calls state the incident's date, unit and facts; a
        // matter or a decision is stated through `Incident`: both sides
        // leave them out.
        json.as_object_mut().unwrap().remove("decision");
        json.as_object_mut().unwrap().remove("matter");
        let from_json = p
            .incident_from_json(&name, &json.to_string())
            .unwrap_or_else(|d| panic!("{name}: {d}"));
        let stated = typed(&p, &json);
        let a = serde_json::to_value(p.triggers(&from_json, true).unwrap()).unwrap();
        let b = serde_json::to_value(p.triggers(&stated, true).unwrap()).unwrap();
        assert_eq!(a, b, "{name}");
        compared += 1;
    }
    assert_eq!(compared, 14, "every example incident compared");
}

fn policy() -> Policy {
    Policy::parse(
        "p.zr",
        r#"
scale 后果 { 不良影响 < 严重影响 }
fact 失职 one of { 瞒报, 不作为 }
fact 情形 some of { 失控, 造谣 }
fact 后果 scale 后果
fact 群体性事件 bool
fact 人数 number
fact 发现日 date
triggers per "第八条" {
  1 "瞒报" when 失职 = 瞒报 and 后果 >= 严重影响
  2 "失控" when 情形 = 失控 and 人数 > 10
}
"#,
    )
    .unwrap()
}

#[test]
fn a_reset_incident_is_stated_again_from_nothing() {
    let p = policy();
    let (kind, level, shape, people) = (
        p.fact("失职").unwrap(),
        p.fact("后果").unwrap(),
        p.fact("情形").unwrap(),
        p.fact("人数").unwrap(),
    );
    let mut inc = p.incident_on(date("2021-05-01")).unwrap();
    inc.set_choice(p.choice(kind, "瞒报").unwrap()).unwrap();
    inc.set_choice(p.choice(level, "严重影响").unwrap())
        .unwrap();
    let m = p.matching(&inc).unwrap();
    assert_eq!(m.matched.len(), 1);
    assert_eq!(m.matched[0].citation, "第八条 1");
    // Clause 2 needs 情形 and 人数, neither given.
    assert_eq!(m.undetermined.len(), 1);
    inc.reset(date("2021-06-01")).unwrap();
    assert_eq!(inc.date(), date("2021-06-01"));
    let m = p.matching(&inc).unwrap();
    assert!(m.matched.is_empty());
    assert_eq!(m.undetermined.len(), 2, "every fact is unknown again");
    let lost = p.choice(shape, "失控").unwrap();
    let rumour = p.choice(shape, "造谣").unwrap();
    inc.set_members(shape, &[rumour, lost]).unwrap();
    inc.set_number(people, 11.0).unwrap();
    assert_eq!(p.matching(&inc).unwrap().matched[0].citation, "第八条 2");
    inc.unset(people).unwrap();
    assert!(p.matching(&inc).unwrap().matched.is_empty());
}

#[test]
fn values_that_do_not_fit_are_refused_naming_the_fact() {
    let p = policy();
    let (kind, shape, mass, people, found) = (
        p.fact("失职").unwrap(),
        p.fact("情形").unwrap(),
        p.fact("群体性事件").unwrap(),
        p.fact("人数").unwrap(),
        p.fact("发现日").unwrap(),
    );
    let e = p.fact("失责").unwrap_err();
    assert!(matches!(e, QueryError::UnknownFact { .. }));
    assert_eq!(e.to_string(), "unknown fact `失责` (did you mean `失职`?)");
    let e = p.choice(kind, "瞒抱").unwrap_err();
    assert_eq!(
        e.to_string(),
        "`瞒抱` is not a value of `失职` (did you mean `瞒报`?)"
    );
    let e = p.choice(people, "很多").unwrap_err();
    assert_eq!(
        e.to_string(),
        "`人数` takes a finite number; a named value was given"
    );
    let mut inc = p.incident_on(date("2021-05-01")).unwrap();
    let e = inc.set_bool(people, true).unwrap_err();
    assert_eq!(
        e.to_string(),
        "`人数` takes a finite number; true or false was given"
    );
    let e = inc.set_number(people, f64::NAN).unwrap_err();
    assert_eq!(
        e.to_string(),
        "`人数` takes a finite number; a number that is not finite was given"
    );
    let e = inc.set_number(mass, 1.0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "`群体性事件` takes true or false; a number was given"
    );
    // A single value for a set, and a set member given to a one-of fact.
    let lost = p.choice(shape, "失控").unwrap();
    let e = inc.set_choice(lost).unwrap_err();
    assert_eq!(
        e.to_string(),
        "`情形` takes a set of its members; a single value was given"
    );
    let concealed = p.choice(kind, "瞒报").unwrap();
    let e = inc.set_members(shape, &[concealed]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "`情形` takes a set of its members; a value of another fact was given"
    );
    let e = inc.set_members(kind, &[concealed]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "`失职` takes one of its values; a set was given"
    );
    let e = inc.set_date(found, date("1800-01-01")).unwrap_err();
    assert!(matches!(e, QueryError::DateOutOfRange { .. }), "{e}");
    assert!(p.incident_on(date("2300-01-01")).is_err());
    assert!(inc.reset(date("1899-12-31")).is_err());
    // Nothing refused was stated.
    assert!(p.matching(&inc).unwrap().matched.is_empty());
    assert_eq!(p.matching(&inc).unwrap().undetermined.len(), 2);
    // Facts, values and units of another policy are refused.
    let other = policy();
    let theirs = other.fact("人数").unwrap();
    let e = inc.set_number(theirs, 3.0).unwrap_err();
    assert!(matches!(e, QueryError::OtherPolicy { what: "fact" }), "{e}");
    let e = p.choice(theirs, "x").unwrap_err();
    assert!(matches!(e, QueryError::OtherPolicy { what: "fact" }), "{e}");
    let mut theirs_inc = other.incident_on(date("2021-05-01")).unwrap();
    assert!(theirs_inc.set_choice(concealed).is_err());
    assert!(
        other.matching(&inc).is_err(),
        "an incident bound by another policy"
    );
}
