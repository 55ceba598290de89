//! Running the `test` blocks written in a policy: each states incidents and
//! the answers expected; a test passes when every expectation holds.

use crate::check::{clause_key, TestStepM};
use crate::compile::Compiled;
use crate::eval::triggers::triggers;
use crate::eval::who::who_unit;
use crate::incident::BoundIncident;
use crate::triggers::Outcome;
use crate::who::Bearer;
use serde::Serialize;
use std::fmt;

/// The outcome of one test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestOutcome<'p> {
    /// The test's name.
    pub name: &'p str,
    /// Where it is written (`file:line`).
    pub at: &'p str,
    /// Whether every expectation held.
    pub passed: bool,
    /// What did not hold, each with its `file:line`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<String>,
}

/// The outcome of every test of a policy, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestReport<'p> {
    /// One per test.
    pub tests: Vec<TestOutcome<'p>>,
}

impl TestReport<'_> {
    /// Number of tests that failed.
    pub fn failed(&self) -> usize {
        self.tests.iter().filter(|t| !t.passed).count()
    }
}

impl fmt::Display for TestReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for t in &self.tests {
            if t.passed {
                writeln!(f, "ok      {} ({})", t.name, t.at)?;
            } else {
                writeln!(f, "FAILED  {} ({})", t.name, t.at)?;
                for x in &t.failures {
                    writeln!(f, "        {x}")?;
                }
            }
        }
        let failed = self.failed();
        writeln!(f, "{} passed, {failed} failed", self.tests.len() - failed)
    }
}

fn matches_clause(expected: &str, citation: &str, number: &str) -> bool {
    expected == citation || clause_key(expected) == clause_key(number)
}

pub(crate) fn run(c: &Compiled) -> TestReport<'_> {
    let mut tests = Vec::new();
    for t in &c.tests {
        let mut failures = Vec::new();
        let mut incident: Option<BoundIncident> = None;
        for step in &t.steps {
            match step {
                TestStepM::Incident { date, facts } => {
                    incident = Some(BoundIncident {
                        policy: None,
                        date: *date,
                        unit: None,
                        matter: None,
                        facts: facts.clone(),
                        decision: None,
                    });
                }
                TestStepM::Triggers { clauses, at } => {
                    let Some(inc) = &incident else { continue };
                    let answer = triggers(c, inc, false);
                    let got: Vec<(&str, &str)> = answer
                        .clauses
                        .iter()
                        .filter(|r| matches!(r.outcome, Outcome::Matched { .. }))
                        .map(|r| (r.clause.citation, r.clause.number))
                        .collect();
                    let same = got.len() == clauses.len()
                        && got
                            .iter()
                            .zip(clauses)
                            .all(|((cit, num), want)| matches_clause(want, cit, num));
                    if !same {
                        let got: Vec<&str> = got.iter().map(|(cit, _)| *cit).collect();
                        failures.push(format!(
                            "{at}: expected triggers [{}], matched [{}]",
                            clauses.join(", "),
                            got.join(", ")
                        ));
                    }
                }
                TestStepM::Who {
                    unit,
                    on,
                    duty,
                    person,
                    at,
                } => {
                    let unit_name = crate::compile::item(&c.units, *unit, "units").name.as_str();
                    let duty_name = crate::compile::named(&c.duties, *duty, "duties");
                    let want = person
                        .and_then(|p| c.people.get(p as usize))
                        .map(String::as_str);
                    let answer = who_unit(c, *unit, *on);
                    let found: Vec<String> = answer
                        .iter()
                        .filter(|r| r.duty == duty_name)
                        .map(|r| r.bearer.to_string())
                        .collect();
                    let hit = answer.iter().any(|r| {
                        r.duty == duty_name
                            && match (&r.bearer, want) {
                                (Bearer::Holder { person, .. }, Some(w)) => *person == w,
                                (Bearer::Team { unit: u }, None) => *u == unit_name,
                                _ => false,
                            }
                    });
                    if !hit {
                        failures.push(format!(
                            "{at}: expected {} to bear {duty_name} for {unit_name} on {on}, found [{}]",
                            want.unwrap_or("the team"),
                            found.join(", ")
                        ));
                    }
                }
            }
        }
        tests.push(TestOutcome {
            name: t.name.as_str(),
            at: t.at.as_str(),
            passed: failures.is_empty(),
            failures,
        });
    }
    TestReport { tests }
}
