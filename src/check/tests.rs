//! Checks of `test` blocks: every name they use resolves, every fact value
//! has its fact's type, every clause they expect exists.

use super::{Checker, Ns, Val};
use crate::diag::{suggest, DiagKind};
use crate::syntax::ast::{Item, TestLit, TestStepLit};
use chrono::NaiveDate;

#[derive(Debug, Clone)]
pub(crate) enum TestStepM {
    Incident {
        date: NaiveDate,
        facts: Vec<Option<Val>>,
    },
    Triggers {
        clauses: Vec<String>,
        at: String,
    },
    Who {
        unit: u32,
        on: NaiveDate,
        duty: u32,
        person: Option<u32>,
        at: String,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct TestM {
    pub name: String,
    pub at: String,
    pub steps: Vec<TestStepM>,
}

/// A clause number as compared: full-width brackets as ASCII, no trailing `.`/`、`.
pub(crate) fn clause_key(n: &str) -> String {
    n.replace('（', "(")
        .replace('）', ")")
        .trim_end_matches(['.', '、'])
        .to_string()
}

impl Checker<'_> {
    fn location(&self, span: crate::diag::Span) -> String {
        let d = self
            .sources
            .diag_span(DiagKind::Invalid, span, String::new(), None);
        format!("{}:{}", d.file(), d.line())
    }

    pub(super) fn tests(&mut self, items: &[&Item]) {
        for item in items {
            if let Item::Test(t) = item {
                self.test(t);
            }
        }
    }

    fn test(&mut self, t: &TestLit) {
        let mut steps = Vec::new();
        let mut ok = true;
        let mut incident_seen = false;
        for step in &t.steps {
            match step {
                TestStepLit::Incident { date, facts } => {
                    incident_seen = true;
                    let mut slots = vec![None; self.model.facts.len()];
                    for (fact, value) in facts {
                        let Some(id) = self.resolve(Ns::Fact, fact) else {
                            ok = false;
                            continue;
                        };
                        let Some(ty) = self.model.facts.get(id as usize).map(|f| f.ty.clone())
                        else {
                            continue;
                        };
                        match self.value(&fact.text, &ty, value) {
                            Some(v) => {
                                if let Some(slot) = slots.get_mut(id as usize) {
                                    *slot = Some(v);
                                }
                            }
                            None => ok = false,
                        }
                    }
                    steps.push(TestStepM::Incident {
                        date: date.date,
                        facts: slots,
                    });
                }
                TestStepLit::Triggers { clauses, span } => {
                    if !incident_seen {
                        self.error(
                            DiagKind::Invalid,
                            *span,
                            "`expect triggers` comes before any `incident`".into(),
                            Some(
                                "state the incident first: `incident DATE { FACT = VALUE, … }`"
                                    .into(),
                            ),
                        );
                        ok = false;
                    }
                    let known: Vec<(String, String)> = self
                        .model
                        .trigger_lists
                        .iter()
                        .flat_map(|l| {
                            l.clauses
                                .iter()
                                .map(|c| (clause_key(&c.number), c.citation.clone()))
                        })
                        .collect();
                    for c in clauses {
                        let key = clause_key(&c.text);
                        if !known.iter().any(|(n, cit)| *n == key || *cit == c.text) {
                            let help = suggest(
                                &c.text,
                                "clause",
                                known.iter().map(|(_, cit)| cit.as_str()),
                            );
                            self.error(
                                DiagKind::UnknownName,
                                c.span,
                                format!("no trigger list has the clause `{}`", c.text),
                                Some(help),
                            );
                            ok = false;
                        }
                    }
                    steps.push(TestStepM::Triggers {
                        clauses: clauses.iter().map(|c| c.text.clone()).collect(),
                        at: self.location(*span),
                    });
                }
                TestStepLit::Who {
                    unit,
                    on,
                    duty,
                    person,
                    span,
                } => {
                    let u = self.resolve(Ns::Unit, unit);
                    let d = self.resolve(Ns::Duty, duty);
                    let p = match person {
                        None => Some(None),
                        Some(p) => match self.people.get(&p.text) {
                            Some(id) => Some(Some(id)),
                            None => {
                                let help = suggest(
                                    &p.text,
                                    "person",
                                    self.people.order.iter().map(String::as_str),
                                );
                                self.error(
                                    DiagKind::UnknownName,
                                    p.span,
                                    format!("`{}` is not a person in the org", p.text),
                                    Some(help),
                                );
                                None
                            }
                        },
                    };
                    match (u, d, p) {
                        (Some(unit), Some(duty), Some(person)) => steps.push(TestStepM::Who {
                            unit,
                            on: on.date,
                            duty,
                            person,
                            at: self.location(*span),
                        }),
                        _ => ok = false,
                    }
                }
            }
        }
        if ok {
            let at = self.location(t.name.span);
            self.model.tests.push(TestM {
                name: t.name.text.clone(),
                at,
                steps,
            });
        }
    }
}
