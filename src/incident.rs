//! Incidents: what happened, when, where, with which facts, and how the
//! decision behind it was taken. Read from JSON or built in Rust, then bound
//! to a policy, which checks every fact against its declaration.

use crate::check::{FactTy, Val};
use crate::compile::Compiled;
use crate::diag::{DiagKind, Diagnostic, Diagnostics};
use crate::ids::{FactIx, MatterIx, PersonIx, Table, UnitIx};
use crate::jsonpos::{locate, Seg};
use crate::limits;
use crate::resolve::suggest;
use crate::text::shown;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An incident, as a host program or a JSON file describes it.
///
/// ```json
/// {
///   "date": "2019-05-10",
///   "unit": "机械学院党委",
///   "facts": { "失职": "平台错误导向", "后果": "严重后果" },
///   "decision": { "kind": "collective", "participants": ["李 江", "夏建国"], "objectors": [] }
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    /// When it happened.
    #[serde(deserialize_with = "crate::org::date_serde::date")]
    pub date: NaiveDate,
    /// The unit where it happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The matter concerned (a platform, a lecture …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matter: Option<String>,
    /// A free-text description; not evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The facts, by declared name. A fact not given is unknown, not false.
    #[serde(default)]
    pub facts: BTreeMap<String, serde_json::Value>,
    /// How the decision at the root of the incident was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
}

/// How a decision was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Decision {
    /// Taken by the team together (集体决策).
    Collective {
        /// The unit whose team decided; the incident's unit when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        /// Everyone who took part.
        participants: Vec<String>,
        /// Participants who objected on record and were overruled.
        #[serde(default)]
        objectors: Vec<String>,
    },
    /// Decided or approved by one leader alone.
    Individual {
        /// The leader.
        by: String,
    },
}

impl Incident {
    /// Reads an incident from JSON; `source` names it in diagnostics.
    pub fn from_json(source: &str, text: &str) -> Result<Incident, Diagnostics> {
        crate::org::from_json(source, text)
    }
}

#[derive(Debug, Clone)]
pub(crate) enum BoundDecision {
    Collective {
        unit: Option<UnitIx>,
        participants: Vec<PersonIx>,
        objectors: Vec<PersonIx>,
    },
    Individual {
        by: PersonIx,
    },
}

/// An incident checked against a policy: facts typed, names resolved.
///
/// It belongs to the policy that bound it; use it only with that policy.
#[derive(Debug, Clone)]
pub struct BoundIncident {
    /// The policy that bound it (none for incidents of the policy's own tests).
    pub(crate) policy: Option<crate::compile::PolicyKey>,
    pub(crate) date: NaiveDate,
    pub(crate) unit: Option<UnitIx>,
    pub(crate) matter: Option<MatterIx>,
    /// The value given for each fact of the policy.
    pub(crate) facts: Table<FactIx, Option<Val>>,
    pub(crate) decision: Option<BoundDecision>,
}

impl BoundIncident {
    /// The incident's date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }
}

/// Where a problem in an incident is: the exact line and column of the
/// item in the JSON text when there is one, else its path.
struct Locator<'a> {
    source: &'a str,
    text: Option<&'a str>,
}

impl Locator<'_> {
    /// A diagnostic at the item at `at` (its key when `key` is set).
    fn diag(
        &self,
        at: &[Seg<'_>],
        key: bool,
        path: String,
        kind: DiagKind,
        message: String,
        help: String,
    ) -> Diagnostic {
        let found = self
            .text
            .and_then(|text| locate(text, at, key).map(|pos| (text, pos)));
        let Some((text, pos)) = found else {
            return Diagnostic::at_path(kind, self.source, path, message, Some(help));
        };
        let before = text.get(..pos).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = text.get(line_start..pos).map_or(0, |s| s.chars().count()) + 1;
        let line_text = text
            .get(line_start..)
            .and_then(|r| r.split('\n').next())
            .unwrap_or("");
        Diagnostic::at_line(
            kind,
            self.source,
            line_text,
            line,
            column,
            message,
            Some(help),
        )
    }
}

/// The problems of one incident: at most [`limits::MAX_DIAGNOSTICS`] are
/// built (message, help and location); the rest are only counted.
struct Problems<'a> {
    loc: Locator<'a>,
    list: Vec<Diagnostic>,
    omitted: usize,
}

impl Problems<'_> {
    /// Records a problem; `make` gives its message and help, and runs only
    /// while there is room in the list.
    fn add(
        &mut self,
        at: &[Seg<'_>],
        key: bool,
        path: impl FnOnce() -> String,
        kind: DiagKind,
        make: impl FnOnce() -> (String, String),
    ) {
        if self.list.len() >= limits::MAX_DIAGNOSTICS {
            self.omitted += 1;
            return;
        }
        let (message, help) = make();
        let d = self.loc.diag(at, key, path(), kind, message, help);
        self.list.push(d);
    }
}

pub(crate) fn bind(
    c: &Compiled,
    inc: &Incident,
    source: &str,
    text: Option<&str>,
) -> Result<BoundIncident, Diagnostics> {
    let mut errors = Problems {
        loc: Locator { source, text },
        list: Vec::new(),
        omitted: 0,
    };
    let unit = match &inc.unit {
        Some(u) => match c.unit_index.get(u) {
            Some(id) => Some(id),
            None => {
                errors.add(
                    &[Seg::Key("unit")],
                    false,
                    || "unit".into(),
                    DiagKind::UnknownName,
                    || {
                        (
                            format!("unknown unit `{}`", shown(u)),
                            suggest(u, "unit", c.units.iter().map(|x| x.name.as_str())),
                        )
                    },
                );
                None
            }
        },
        None => None,
    };
    let matter = match &inc.matter {
        Some(m) => match c.matter_index.get(m) {
            Some(id) => Some(id),
            None => {
                errors.add(
                    &[Seg::Key("matter")],
                    false,
                    || "matter".into(),
                    DiagKind::UnknownName,
                    || {
                        (
                            format!("unknown matter `{}`", shown(m)),
                            suggest(m, "matter", c.matters.iter().map(|x| x.name.as_str())),
                        )
                    },
                );
                None
            }
        },
        None => None,
    };
    let mut facts: Table<FactIx, Option<Val>> = c.facts.iter().map(|_| None).collect();
    for (name, value) in &inc.facts {
        let Some(id) = c.fact_index.get(name).copied() else {
            errors.add(
                &[Seg::Key("facts"), Seg::Key(name)],
                true,
                || format!("facts.{name}"),
                DiagKind::UnknownName,
                || {
                    (
                        format!("unknown fact `{}`", shown(name)),
                        suggest(name, "fact", c.facts.iter().map(|f| f.name.as_str())),
                    )
                },
            );
            continue;
        };
        let fact = c.facts.get(id);
        let at = |kind: DiagKind, message: String, help: String| (kind, message, help);
        // What the fact accepts, spelled out only for a problem.
        let accepted = || crate::check::accepted(&fact.ty, &c.scales);
        let bound = match (&fact.ty, value) {
            (_, serde_json::Value::Null) => Ok(None),
            (FactTy::Enum(members), serde_json::Value::String(s)) => {
                match members.iter().position(|m| m == s) {
                    Some(i) => Ok(u32::try_from(i).ok().map(Val::Sym)),
                    None => Err(at(
                        DiagKind::UnknownName,
                        format!("`{}` is not a value of `{name}`", shown(s)),
                        suggest(s, "value", members.iter().map(String::as_str)),
                    )),
                }
            }
            (FactTy::Set(members), serde_json::Value::Array(items)) => {
                let mut mask = 0u128;
                let mut bad = None;
                for (i, item) in items.iter().enumerate() {
                    let found = item
                        .as_str()
                        .and_then(|s| members.iter().position(|m| m == s))
                        .filter(|i| *i < 128);
                    match found {
                        Some(m) => mask |= 1u128 << m,
                        None => {
                            bad = Some((i, item));
                            break;
                        }
                    }
                }
                match bad {
                    None => Ok(Some(Val::Set(mask))),
                    Some((i, item)) => {
                        let (message, help) = match item.as_str() {
                            Some(s) => (
                                format!("`{}` is not a value of `{name}`", shown(s)),
                                suggest(s, "value", members.iter().map(String::as_str)),
                            ),
                            None => (
                                format!("the members of `{name}` are names, but item {i} is not"),
                                format!("give {}", accepted()),
                            ),
                        };
                        errors.add(
                            &[Seg::Key("facts"), Seg::Key(name), Seg::Index(i)],
                            false,
                            || format!("facts.{name}[{i}]"),
                            DiagKind::UnknownName,
                            || (message, help),
                        );
                        continue;
                    }
                }
            }
            (FactTy::Set(_), serde_json::Value::String(s)) => Err(at(
                DiagKind::Type,
                format!(
                    "`{name}` is a set (`some of`), but the single value `{}` is given",
                    shown(s)
                ),
                format!("give a list: [\"{}\"]", shown(s)),
            )),
            (FactTy::Scale(sc), serde_json::Value::String(s)) => {
                let levels = &c.scales.get(*sc).levels;
                match levels.iter().position(|m| m == s) {
                    Some(i) => Ok(u32::try_from(i).ok().map(Val::Sym)),
                    None => Err(at(
                        DiagKind::UnknownName,
                        format!("`{}` is not a level of `{name}`", shown(s)),
                        suggest(s, "level", levels.iter().map(String::as_str)),
                    )),
                }
            }
            (FactTy::Bool, serde_json::Value::Bool(b)) => Ok(Some(Val::Bool(*b))),
            (FactTy::Number, serde_json::Value::Number(n)) => match n.as_f64() {
                Some(x) if x.is_finite() => Ok(Some(Val::Num(x))),
                _ => Err(at(
                    DiagKind::Type,
                    format!("`{name}` is out of range"),
                    accepted(),
                )),
            },
            (FactTy::Date, serde_json::Value::String(s)) => match crate::syntax::parse_date(s) {
                Ok(d) => Ok(Some(Val::Date(d))),
                Err((m, h)) => Err(at(DiagKind::InvalidDate, m, h)),
            },
            (ty, v) => {
                let given = match v {
                    serde_json::Value::Bool(_) => "a boolean",
                    serde_json::Value::Number(_) => "a number",
                    serde_json::Value::String(_) => "a string",
                    serde_json::Value::Array(_) => "a list",
                    _ => "an object",
                };
                Err(at(
                    DiagKind::Type,
                    format!(
                        "`{name}` is {}, but {given} is given",
                        crate::check::type_phrase(ty, &c.scales)
                    ),
                    format!("give {}", accepted()),
                ))
            }
        };
        match bound {
            Ok(v) => *facts.get_mut(id) = v,
            Err((kind, message, help)) => {
                errors.add(
                    &[Seg::Key("facts"), Seg::Key(name)],
                    false,
                    || format!("facts.{name}"),
                    kind,
                    || (message, help),
                );
            }
        }
    }
    let person = |errors: &mut Problems<'_>, field: &str, i: Option<usize>, p: &str| match c
        .person_index
        .get(p)
    {
        Some(id) => Some(id),
        None => {
            let at = [
                Seg::Key("decision"),
                Seg::Key(field),
                Seg::Index(i.unwrap_or(0)),
            ];
            let steps = if i.is_some() { 3 } else { 2 };
            errors.add(
                at.get(..steps).unwrap_or(&at),
                false,
                || match i {
                    Some(i) => format!("decision.{field}[{i}]"),
                    None => format!("decision.{field}"),
                },
                DiagKind::UnknownName,
                || {
                    (
                        format!("`{}` is not a person in the org", shown(p)),
                        suggest(p, "person", c.people.iter().map(String::as_str)),
                    )
                },
            );
            None
        }
    };
    let decision = match &inc.decision {
        None => None,
        Some(Decision::Individual { by }) => {
            person(&mut errors, "by", None, by).map(|by| BoundDecision::Individual { by })
        }
        Some(Decision::Collective {
            unit: dunit,
            participants,
            objectors,
        }) => {
            let du = match dunit {
                Some(u) => match c.unit_index.get(u) {
                    Some(id) => Some(id),
                    None => {
                        errors.add(
                            &[Seg::Key("decision"), Seg::Key("unit")],
                            false,
                            || "decision.unit".into(),
                            DiagKind::UnknownName,
                            || {
                                (
                                    format!("unknown unit `{}`", shown(u)),
                                    suggest(u, "unit", c.units.iter().map(|x| x.name.as_str())),
                                )
                            },
                        );
                        None
                    }
                },
                None => None,
            };
            let ps: Vec<PersonIx> = participants
                .iter()
                .enumerate()
                .filter_map(|(i, p)| person(&mut errors, "participants", Some(i), p))
                .collect();
            let os: Vec<PersonIx> = objectors
                .iter()
                .enumerate()
                .filter_map(|(i, p)| person(&mut errors, "objectors", Some(i), p))
                .collect();
            for (i, o) in objectors.iter().enumerate() {
                if !participants.contains(o) {
                    errors.add(
                        &[Seg::Key("decision"), Seg::Key("objectors"), Seg::Index(i)],
                        false,
                        || format!("decision.objectors[{i}]"),
                        DiagKind::Invalid,
                        || {
                            (
                                format!(
                                    "`{}` objected but is not among the participants",
                                    shown(o)
                                ),
                                "list everyone who took part in `participants`, objectors included"
                                    .into(),
                            )
                        },
                    );
                }
            }
            if participants.is_empty() {
                errors.add(
                    &[Seg::Key("decision"), Seg::Key("participants")],
                    true,
                    || "decision.participants".into(),
                    DiagKind::Invalid,
                    || {
                        (
                            "a collective decision with no participants".into(),
                            "list everyone who took part, objectors included".into(),
                        )
                    },
                );
            }
            Some(BoundDecision::Collective {
                unit: du,
                participants: ps,
                objectors: os,
            })
        }
    };
    let Problems {
        list: mut errors,
        omitted,
        ..
    } = errors;
    errors.sort_by_key(|d| (d.line() == 0, d.line(), d.column()));
    crate::diag::note_omitted(&mut errors, omitted, crate::diag::Severity::Error);
    if errors.is_empty() {
        Ok(BoundIncident {
            policy: Some(c.key),
            date: inc.date,
            unit,
            matter,
            facts,
            decision,
        })
    } else {
        Err(Diagnostics(errors))
    }
}

/// A fact of one policy, looked up once by name ([`crate::Policy::fact`]),
/// to state incidents in Rust without names: the `set_*` methods of
/// [`BoundIncident`]. Another policy refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fact<'p> {
    policy: crate::compile::PolicyKey,
    ix: FactIx,
    kind: FactKind,
    name: &'p str,
}

/// What kind of values a fact takes, as declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FactKind {
    /// `one of { … }`: one value.
    OneOf,
    /// `some of { … }`: a set of members.
    SomeOf,
    /// `scale S`: one level.
    Level,
    /// `bool`.
    Bool,
    /// `number`.
    Number,
    /// `date`.
    Date,
}

impl FactKind {
    fn of(ty: &FactTy) -> FactKind {
        match ty {
            FactTy::Enum(_) => FactKind::OneOf,
            FactTy::Set(_) => FactKind::SomeOf,
            FactTy::Scale(_) => FactKind::Level,
            FactTy::Bool => FactKind::Bool,
            FactTy::Number => FactKind::Number,
            FactTy::Date => FactKind::Date,
        }
    }

    fn takes(self) -> &'static str {
        match self {
            FactKind::OneOf => "one of its values",
            FactKind::SomeOf => "a set of its members",
            FactKind::Level => "one of its scale's levels",
            FactKind::Bool => "true or false",
            FactKind::Number => "a finite number",
            FactKind::Date => "a date",
        }
    }
}

/// A value of a `one of` fact, a member of a `some of` fact or a level of a
/// scale fact, looked up once ([`crate::Policy::choice`]); it belongs to
/// that fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Choice<'p> {
    fact: Fact<'p>,
    index: u32,
}

impl<'p> Fact<'p> {
    /// The fact's name.
    pub fn name(self) -> &'p str {
        self.name
    }

    /// What kind of values the fact takes.
    pub fn kind(self) -> FactKind {
        self.kind
    }

    pub(crate) fn lookup(c: &'p Compiled, name: &str) -> Result<Fact<'p>, crate::QueryError> {
        match c.fact_index.get(name) {
            Some(ix) => {
                let f = c.facts.get(*ix);
                Ok(Fact {
                    policy: c.key,
                    ix: *ix,
                    kind: FactKind::of(&f.ty),
                    name: f.name.as_str(),
                })
            }
            None => Err(crate::QueryError::UnknownFact {
                name: name.into(),
                help: crate::resolve::closest(name, c.facts.iter().map(|f| f.name.as_str()))
                    .map(|n| format!("did you mean `{n}`?")),
            }),
        }
    }

    pub(crate) fn choice(
        self,
        c: &'p Compiled,
        name: &str,
    ) -> Result<Choice<'p>, crate::QueryError> {
        if self.policy != c.key {
            return Err(crate::QueryError::OtherPolicy { what: "fact" });
        }
        let values: &[String] = match &c.facts.get(self.ix).ty {
            FactTy::Enum(m) | FactTy::Set(m) => m,
            FactTy::Scale(s) => &c.scales.get(*s).levels,
            _ => return Err(self.wrong("a named value")),
        };
        match values.iter().position(|v| v == name) {
            Some(i) => Ok(Choice {
                fact: self,
                index: u32::try_from(i).unwrap_or(u32::MAX),
            }),
            None => Err(crate::QueryError::UnknownValue {
                fact: self.name.into(),
                name: name.into(),
                help: crate::resolve::closest(name, values.iter().map(String::as_str))
                    .map(|n| format!("did you mean `{n}`?")),
            }),
        }
    }

    fn wrong(self, given: &'static str) -> crate::QueryError {
        crate::QueryError::WrongValue {
            fact: self.name.into(),
            takes: self.kind.takes(),
            given,
        }
    }
}

impl BoundIncident {
    /// An incident on `date` with every fact unknown, no unit, matter or
    /// decision, for the `set_*` methods ([`crate::Policy::incident_on`]).
    pub(crate) fn empty(c: &Compiled, date: NaiveDate) -> Result<BoundIncident, crate::QueryError> {
        dated(date)?;
        Ok(BoundIncident {
            policy: Some(c.key),
            date,
            unit: None,
            matter: None,
            facts: Table::filled(c.facts.len(), None),
            decision: None,
        })
    }

    /// Makes the incident one on `date` with every fact unknown and no
    /// unit, matter or decision, keeping its memory: the next incident is
    /// stated in the same value without allocating.
    pub fn reset(&mut self, date: NaiveDate) -> Result<(), crate::QueryError> {
        dated(date)?;
        self.date = date;
        self.unit = None;
        self.matter = None;
        self.decision = None;
        self.facts.iter_mut().for_each(|v| *v = None);
        Ok(())
    }

    /// The unit where it happened (a unit id of the same policy), or none.
    pub fn set_unit(&mut self, unit: Option<crate::UnitId>) -> Result<(), crate::QueryError> {
        self.unit = match unit {
            None => None,
            Some(u) if self.policy.is_some_and(|k| k != u.policy) => {
                return Err(crate::QueryError::OtherPolicy { what: "unit id" })
            }
            Some(u) => Some(u.ix()),
        };
        Ok(())
    }

    /// The fact's slot, once the fact is known to be this policy's and of
    /// the kind of the value given.
    fn slot(
        &mut self,
        fact: Fact<'_>,
        ok: bool,
        given: &'static str,
    ) -> Result<&mut Option<Val>, crate::QueryError> {
        if self.policy.is_some_and(|k| k != fact.policy) {
            return Err(crate::QueryError::OtherPolicy { what: "fact" });
        }
        if !ok {
            return Err(fact.wrong(given));
        }
        // A fact of this policy: in range.
        Ok(self.facts.get_mut(fact.ix))
    }

    /// Gives a `one of` fact its value, or a scale fact its level.
    pub fn set_choice(&mut self, value: Choice<'_>) -> Result<(), crate::QueryError> {
        let fact = value.fact;
        let ok = matches!(fact.kind, FactKind::OneOf | FactKind::Level);
        *self.slot(fact, ok, "a single value")? = Some(Val::Sym(value.index));
        Ok(())
    }

    /// Gives a `some of` fact its members (each a member of that fact).
    pub fn set_members(
        &mut self,
        fact: Fact<'_>,
        members: &[Choice<'_>],
    ) -> Result<(), crate::QueryError> {
        let slot = self.slot(fact, fact.kind == FactKind::SomeOf, "a set")?;
        let mut mask = 0u128;
        for m in members {
            // A set has at most 128 members (checked with the policy).
            if m.fact != fact || m.index >= 128 {
                return Err(fact.wrong("a value of another fact"));
            }
            mask |= 1u128 << m.index;
        }
        *slot = Some(Val::Set(mask));
        Ok(())
    }

    /// Gives a `bool` fact its value.
    pub fn set_bool(&mut self, fact: Fact<'_>, value: bool) -> Result<(), crate::QueryError> {
        *self.slot(fact, fact.kind == FactKind::Bool, "true or false")? = Some(Val::Bool(value));
        Ok(())
    }

    /// Gives a `number` fact its value, which must be finite.
    pub fn set_number(&mut self, fact: Fact<'_>, value: f64) -> Result<(), crate::QueryError> {
        let (ok, given) = match (fact.kind == FactKind::Number, value.is_finite()) {
            (true, true) => (true, "a number"),
            (_, false) => (false, "a number that is not finite"),
            (false, true) => (false, "a number"),
        };
        *self.slot(fact, ok, given)? = Some(Val::Num(value));
        Ok(())
    }

    /// Gives a `date` fact its value.
    pub fn set_date(&mut self, fact: Fact<'_>, value: NaiveDate) -> Result<(), crate::QueryError> {
        dated(value)?;
        *self.slot(fact, fact.kind == FactKind::Date, "a date")? = Some(Val::Date(value));
        Ok(())
    }

    /// Makes a fact unknown again.
    pub fn unset(&mut self, fact: Fact<'_>) -> Result<(), crate::QueryError> {
        *self.slot(fact, true, "")? = None;
        Ok(())
    }
}

/// A date zeren accepts: within the years of [`crate::limits`].
fn dated(date: NaiveDate) -> Result<(), crate::QueryError> {
    let y = chrono::Datelike::year(&date);
    if (crate::limits::MIN_YEAR..=crate::limits::MAX_YEAR).contains(&y) {
        Ok(())
    } else {
        Err(crate::QueryError::DateOutOfRange { date })
    }
}
