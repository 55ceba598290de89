//! Event logs: dated (or date-time) events — an action done by a unit or
//! for a matter, or an occurrence of a declared event kind — read from JSON
//! Lines or built in Rust, and checked against a policy.
//!
//! ```json
//! {"id": "m1", "date": "2019-03-05T10:30", "unit": "宣传部", "event": "重大情况"}
//! {"date": "2019-03-05", "unit": "校党委", "action": "专题研究"}
//! {"date": "2019-03-05T15:00", "unit": "宣传部", "action": "报送", "ref": "m1"}
//! ```
//!
//! Events need not be in order; the log is sorted when read. Every bad line
//! is reported with its line number — never skipped. An event identical to
//! an earlier one (same date and time, subject, person, acting unit, action
//! or kind, recipient, period and reference, and no `id`) is rejected as a
//! duplicate: give each a distinct
//! `id` when both really happened.

use crate::check::TargetId;
use crate::compile::Compiled;
use crate::diag::{DiagKind, Diagnostic, Diagnostics};
use crate::ids::{ActionIx, EventKindIx, Idx, PersonIx, UnitIx};
use crate::limits;
use crate::period::PeriodKind;
use crate::resolve::suggest;
use crate::text::shown;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

mod plain;
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Seek, SeekFrom};

/// One event, as a host program builds it (the serde form of a log line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// An identifier, for references from answering events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`.
    pub date: String,
    /// The unit the event concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The matter the event concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matter: Option<String>,
    /// The person who did it, for an obligation owed by each holder of a
    /// post (`each 班子成员 of …`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// The unit that did it, when it is not the unit or matter the event
    /// concerns (an approval by 党委宣传部 of a lecture).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// A declared action done (专题研究, 汇报 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// A declared event kind that occurred (重大情况 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// The recipient units: `"to": "校党委"` or `"to": ["校党委", "党委宣传部"]`.
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<String>,
    /// The period a report covers (`"for": "2019-Q1"`): it counts for that
    /// period only, never for the period of its date.
    #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_period: Option<String>,
    /// The `id` of the event this one answers.
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Free text; not evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Deserialize, Default)]
#[cfg_attr(test, derive(Debug))]
#[serde(deny_unknown_fields)]
struct RawEvent<'a> {
    #[serde(default, borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    date: Cow<'a, str>,
    #[serde(default, borrow)]
    unit: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    matter: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    person: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    by: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    action: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    event: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    to: OneOrMany<'a>,
    #[serde(default, rename = "for", borrow)]
    for_period: Option<Cow<'a, str>>,
    #[serde(default, rename = "ref", borrow)]
    reference: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    // Read so that `deny_unknown_fields` accepts notes; notes are not evaluated.
    note: Option<Cow<'a, str>>,
}

/// A log line's `to`: one name or a list, borrowed from the line where it can be.
#[derive(Default)]
#[cfg_attr(test, derive(Debug))]
enum OneOrMany<'a> {
    #[default]
    None,
    One(Cow<'a, str>),
    Many(Vec<Cow<'a, str>>),
}

/// A string borrowed from the input when it has no escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a unit's name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for OneOrMany<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = OneOrMany<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a unit's name or a list of them")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<OneOrMany<'a>, E> {
                Ok(OneOrMany::One(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<OneOrMany<'a>, E> {
                Ok(OneOrMany::One(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<OneOrMany<'a>, E> {
                Ok(OneOrMany::One(Cow::Owned(v)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<OneOrMany<'a>, A::Error> {
                let mut v = Vec::new();
                while let Some(Text(t)) = seq.next_element::<Text<'a>>()? {
                    v.push(t);
                }
                Ok(OneOrMany::Many(v))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// `"to"` of an [`Event`]: one name or a list of them.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::None => Vec::new(),
        OneOrMany::One(s) => vec![s.into_owned()],
        OneOrMany::Many(v) => v.into_iter().map(Cow::into_owned).collect(),
    })
}

/// The recipients named by one event, borrowed.
#[derive(Clone, Copy)]
enum ToNames<'a> {
    Cows(&'a [Cow<'a, str>]),
    One(&'a str),
    Strings(&'a [String]),
}

impl<'a> ToNames<'a> {
    fn iter(self) -> impl Iterator<Item = &'a str> {
        let (cows, one, strings): (&[Cow<'a, str>], Option<&'a str>, &[String]) = match self {
            ToNames::Cows(c) => (c, None, &[]),
            ToNames::One(s) => (&[], Some(s), &[]),
            ToNames::Strings(s) => (&[], None, s),
        };
        cows.iter()
            .map(|c| c.as_ref())
            .chain(one)
            .chain(strings.iter().map(String::as_str))
    }
}

/// The fields of one event, borrowed from a log line or an [`Event`].
struct Fields<'a> {
    id: Option<&'a str>,
    date: &'a str,
    unit: Option<&'a str>,
    matter: Option<&'a str>,
    person: Option<&'a str>,
    by: Option<&'a str>,
    action: Option<&'a str>,
    event: Option<&'a str>,
    to: ToNames<'a>,
    for_period: Option<&'a str>,
    reference: Option<&'a str>,
}

impl<'a> From<&'a RawEvent<'a>> for Fields<'a> {
    fn from(r: &'a RawEvent<'a>) -> Self {
        Fields {
            id: r.id.as_deref(),
            date: &r.date,
            unit: r.unit.as_deref(),
            matter: r.matter.as_deref(),
            person: r.person.as_deref(),
            by: r.by.as_deref(),
            action: r.action.as_deref(),
            event: r.event.as_deref(),
            to: match &r.to {
                OneOrMany::None => ToNames::Cows(&[]),
                OneOrMany::One(s) => ToNames::One(s),
                OneOrMany::Many(v) => ToNames::Cows(v),
            },
            for_period: r.for_period.as_deref(),
            reference: r.reference.as_deref(),
        }
    }
}

impl<'a> From<&'a Event> for Fields<'a> {
    fn from(e: &'a Event) -> Self {
        Fields {
            id: e.id.as_deref(),
            date: &e.date,
            unit: e.unit.as_deref(),
            matter: e.matter.as_deref(),
            person: e.person.as_deref(),
            by: e.by.as_deref(),
            action: e.action.as_deref(),
            event: e.event.as_deref(),
            to: ToNames::Strings(&e.to),
            for_period: e.for_period.as_deref(),
            reference: e.reference.as_deref(),
        }
    }
}

/// What an event is: an action done, or an occurrence of an event kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum What {
    Action(ActionIx),
    Kind(EventKindIx),
}

/// An event checked against a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedEvent {
    /// The line in the log (or index + 1 for events built in Rust).
    pub line: u32,
    /// Its identifier, if any.
    pub id: Option<Box<str>>,
    /// Its date.
    pub date: NaiveDate,
    /// Its time of day, when given.
    pub time: Option<NaiveTime>,
    pub(crate) subject: TargetId,
    /// Who did it, when the line says.
    pub(crate) person: Option<PersonIx>,
    /// The unit that did it, when the line says.
    pub(crate) by: Option<UnitIx>,
    pub(crate) what: What,
    pub(crate) to: To,
    /// The period it reports for (kind, index), when it says.
    pub(crate) for_period: Option<(PeriodKind, i32)>,
    /// Index (in the sorted log) of the event it answers.
    /// Kept as the index plus one, so the option takes four bytes.
    pub(crate) reference: Option<std::num::NonZeroU32>,
}

/// The recipients of a logged event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum To {
    /// Not addressed.
    #[default]
    Nobody,
    One(UnitIx),
    Many(Box<[UnitIx]>),
}

impl To {
    /// Does it name `u`?
    pub(crate) fn contains(&self, u: UnitIx) -> bool {
        match self {
            To::Nobody => false,
            To::One(x) => *x == u,
            To::Many(v) => v.contains(&u),
        }
    }
}

impl LoggedEvent {
    /// Index (in the sorted log) of the event it answers.
    pub(crate) fn answered(&self) -> Option<usize> {
        self.reference.map(|r| r.get() as usize - 1)
    }

    pub(crate) fn key(&self) -> (What, TargetId) {
        (self.what, self.subject)
    }

    /// Its place in a log: what happened, to whom, when, then line (lines
    /// are unique, so the order is total). What and to whom are packed in
    /// one number, in the order of [`LoggedEvent::key`], so that a sort
    /// compares most pairs of events in one step.
    fn order(&self) -> Place {
        let (what_tag, what) = match self.what {
            What::Action(a) => (0u128, a.raw()),
            What::Kind(k) => (1, k.raw()),
        };
        let (subject_tag, subject) = match self.subject {
            TargetId::Unit(u) => (0u128, u.raw()),
            TargetId::Matter(m) => (1, m.raw()),
        };
        let key = what_tag << 96 | u128::from(what) << 64 | subject_tag << 32 | u128::from(subject);
        (key, self.date, self.time, self.line)
    }
}

/// An event's place in a log ([`LoggedEvent::order`]).
type Place = (u128, NaiveDate, Option<NaiveTime>, u32);

/// A checked event log, sorted by what happened, to whom, and when.
///
/// It belongs to the policy that checked it; use it only with that policy.
#[derive(Debug, Clone, Default)]
pub struct EventLog {
    pub(crate) events: Vec<LoggedEvent>,
    /// The policy that checked it (none for an empty default log).
    pub(crate) policy: Option<crate::compile::PolicyKey>,
}

impl EventLog {
    /// Number of events.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True when the log is empty.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// All events of one kind of thing, by subject, then date.
    pub(crate) fn of_what(&self, what: What) -> &[LoggedEvent] {
        let lo = self.events.partition_point(|e| e.what < what);
        let hi = self.events.partition_point(|e| e.what <= what);
        self.events.get(lo..hi).unwrap_or(&[])
    }

    /// The events of one kind of thing for one subject, in date order, and
    /// the index of the first in the log.
    pub(crate) fn slice(&self, what: What, subject: TargetId) -> (usize, &[LoggedEvent]) {
        let lo = self.events.partition_point(|e| e.key() < (what, subject));
        let hi = self.events.partition_point(|e| e.key() <= (what, subject));
        (lo, self.events.get(lo..hi).unwrap_or(&[]))
    }
}

pub(crate) use crate::dates::parse_when;

struct Binder<'c> {
    c: &'c Compiled,
    source: String,
    errors: Vec<Diagnostic>,
    /// Problems past the limit, counted but not built.
    omitted: usize,
    /// Per action, the period kinds a `for` may name; found once.
    period_kinds: HashMap<ActionIx, Vec<PeriodKind>>,
}

impl<'c> Binder<'c> {
    fn new(c: &'c Compiled, source: &str) -> Self {
        Binder {
            c,
            source: source.to_string(),
            errors: Vec::new(),
            omitted: 0,
            period_kinds: HashMap::new(),
        }
    }

    /// True while problems are still listed; counts one more otherwise.
    fn room(&mut self) -> bool {
        if self.errors.len() < limits::MAX_DIAGNOSTICS {
            true
        } else {
            self.omitted += 1;
            false
        }
    }

    /// Reads one log line and binds it.
    fn line(&mut self, line_no: u32, line: &str, part: &mut Part) {
        // (A line that opens an object is not blank: most are not trimmed.)
        if !line.starts_with('{') && line.trim().is_empty() {
            return;
        }
        let read = match plain::line(line) {
            Some(r) => Ok(r),
            None => serde_json::from_str::<RawEvent<'_>>(line),
        };
        match read {
            Err(e) => {
                if self.room() {
                    let msg = e.to_string();
                    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                    self.errors.push(Diagnostic::at_line(
                        DiagKind::Data,
                        &self.source,
                        line,
                        line_no as usize,
                        // serde_json counts bytes; a column counts characters.
                        line.get(..e.column().saturating_sub(1))
                            .map_or(e.column(), |b| b.chars().count() + 1)
                            .max(1),
                        msg,
                        Some("each line is one JSON object: {\"date\": …, \"unit\": …, \"action\": …}".into()),
                    ));
                }
            }
            Ok(r) => self.bind_into(line_no, line, &Fields::from(&r), part),
        }
    }

    /// Binds one event and keeps it, with the id it references apart.
    fn bind_into(&mut self, line_no: u32, line: &str, f: &Fields<'_>, part: &mut Part) {
        if let Some((e, r)) = self.bind(line_no, line, f) {
            if let Some(r) = r {
                part.refs.push((e.line, r));
            }
            part.bound.push(e);
        }
    }

    /// Reads the lines of a chunk of the log, the first numbered
    /// `first_line`, and binds them into `part`.
    fn chunk(&mut self, first_line: u32, text: &[u8], part: &mut Part) {
        let mut line_no = first_line;
        for raw in text.split_inclusive(|b| *b == b'\n') {
            // A leading byte-order mark on the first line is skipped.
            let bytes = match (line_no, raw.strip_prefix("\u{FEFF}".as_bytes())) {
                (1, Some(rest)) => rest,
                _ => raw,
            };
            let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
            let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
            self.raw_line(line_no, bytes, part);
            line_no = line_no.saturating_add(1);
        }
    }

    /// One line as read: checked to be text, then bound.
    fn raw_line(&mut self, line_no: u32, bytes: &[u8], part: &mut Part) {
        let line = match std::str::from_utf8(bytes) {
            Ok(line) => line,
            Err(e) => {
                if self.room() {
                    self.errors.push(crate::text::utf8_problem(
                        &self.source,
                        bytes,
                        line_no as usize,
                        &e,
                    ));
                }
                return;
            }
        };
        if let Some(at) = crate::text::lone_cr(line) {
            if self.room() {
                self.errors.push(Diagnostic::at_line(
                    DiagKind::ForbiddenChar,
                    &self.source,
                    line,
                    line_no as usize,
                    line.get(..at).map_or(0, |s| s.chars().count()) + 1,
                    "a lone carriage return (U+000D) inside a line".into(),
                    Some("end lines with LF or CRLF; one event per line".into()),
                ));
            }
            return;
        }
        self.line(line_no, line, part);
    }

    fn err(
        &mut self,
        line_no: u32,
        line: &str,
        key: Option<&str>,
        kind: DiagKind,
        message: String,
        help: String,
    ) {
        if !self.room() {
            return;
        }
        let d = self.problem(line_no, line, key, kind, message, help);
        self.errors.push(d);
    }

    /// A problem on a line, pointing at `key`'s value when it is given.
    fn problem(
        &self,
        line_no: u32,
        line: &str,
        key: Option<&str>,
        kind: DiagKind,
        message: String,
        help: String,
    ) -> Diagnostic {
        let column = key
            .and_then(|k| serde_json::to_string(k).ok())
            .and_then(|needle| line.find(&needle))
            .map(|i| line.get(..i).map(|s| s.chars().count()).unwrap_or(0) + 1)
            .unwrap_or(1);
        Diagnostic::at_line(
            kind,
            &self.source,
            line,
            line_no as usize,
            column,
            message,
            Some(help),
        )
    }

    /// Reports a line that names both or neither of two exclusive fields.
    fn not_exactly_one<T>(
        &mut self,
        line_no: u32,
        line: &str,
        a: &str,
        b: &str,
        ka: &str,
        kb: &str,
    ) -> Option<T> {
        self.err(
            line_no,
            line,
            None,
            DiagKind::Data,
            format!("an event names exactly one of {a} and {b}"),
            format!("add `\"{ka}\": \"…\"` or `\"{kb}\": \"…\"`"),
        );
        None
    }

    /// The id of a declared name, or an error naming the closest one.
    fn lookup<'n, Id: crate::ids::Idx, I>(
        &mut self,
        line_no: u32,
        line: &str,
        what: &str,
        name: &str,
        index: &crate::name_index::NameIndex<Id>,
        names: I,
    ) -> Option<Id>
    where
        I: IntoIterator<Item = &'n str> + Clone,
    {
        if let Some(id) = index.get(name) {
            return Some(id);
        }
        if self.errors.len() >= limits::MAX_DIAGNOSTICS {
            self.omitted += 1;
            return None;
        }
        let help = match crate::text::bad_name_message(name) {
            Some((why, _)) => why,
            None => suggest(name, what, names),
        };
        self.err(
            line_no,
            line,
            Some(name),
            DiagKind::UnknownName,
            format!("unknown {what} `{}`", crate::text::shown(name)),
            help,
        );
        None
    }

    fn bind(
        &mut self,
        line_no: u32,
        line: &str,
        f: &Fields<'_>,
    ) -> Option<(LoggedEvent, Option<String>)> {
        let c = self.c;
        let Fields {
            id,
            date,
            unit,
            matter,
            person,
            by,
            action,
            event,
            to,
            for_period,
            reference,
        } = *f;
        let (d, t) = match parse_when(date) {
            Ok(x) => x,
            Err((m, h)) => {
                self.err(line_no, line, Some(date), DiagKind::InvalidDate, m, h);
                return None;
            }
        };
        let subject = match (unit, matter) {
            (Some(u), None) => TargetId::Unit(self.lookup(
                line_no,
                line,
                "unit",
                u,
                &c.unit_index,
                c.units.iter().map(|x| x.name.as_str()),
            )?),
            (None, Some(m)) => TargetId::Matter(self.lookup(
                line_no,
                line,
                "matter",
                m,
                &c.matter_index,
                c.matters.iter().map(|x| x.name.as_str()),
            )?),
            _ => {
                return self.not_exactly_one(line_no, line, "`unit`", "`matter`", "unit", "matter")
            }
        };
        let person = match person {
            None => None,
            Some(p) => Some(self.lookup(
                line_no,
                line,
                "person",
                p,
                &c.person_index,
                c.people.iter().map(String::as_str),
            )?),
        };
        let by = match by {
            None => None,
            Some(u) => Some(self.lookup(
                line_no,
                line,
                "unit",
                u,
                &c.unit_index,
                c.units.iter().map(|x| x.name.as_str()),
            )?),
        };
        let what = match (action, event) {
            (Some(a), None) => What::Action(self.lookup(
                line_no,
                line,
                "action",
                a,
                &c.action_index,
                c.actions.iter().map(String::as_str),
            )?),
            (None, Some(k)) => What::Kind(self.lookup(
                line_no,
                line,
                "event kind",
                k,
                &c.event_kind_index,
                c.event_kinds.iter().map(String::as_str),
            )?),
            _ => {
                return self.not_exactly_one(
                    line_no,
                    line,
                    "`action` (something done)",
                    "`event` (something that occurred)",
                    "action",
                    "event",
                )
            }
        };
        let mut units: Vec<UnitIx> = Vec::new();
        for r in to.iter() {
            let u = self.lookup(
                line_no,
                line,
                "unit",
                r,
                &c.unit_index,
                c.units.iter().map(|x| x.name.as_str()),
            )?;
            if !units.contains(&u) {
                units.push(u);
            }
        }
        let to = match units.as_slice() {
            [] => To::Nobody,
            [u] => To::One(*u),
            _ => To::Many(units.into_boxed_slice()),
        };
        let for_period = match for_period {
            None => None,
            Some(text) => Some(self.for_period(line_no, line, what, text)?),
        };
        for (field, value) in [("id", id), ("ref", reference)] {
            let Some(value) = value else { continue };
            if let Some((message, help)) = crate::text::bad_name_message(value) {
                self.err(
                    line_no,
                    line,
                    Some(value),
                    DiagKind::ForbiddenChar,
                    format!("`{field}`: {message}"),
                    help,
                );
                return None;
            }
        }
        // An id used twice is found when the log is whole (`finish`).
        Some((
            LoggedEvent {
                line: line_no,
                id: id.map(Box::from),
                date: d,
                time: t,
                subject,
                person,
                by,
                what,
                to,
                for_period,
                reference: None,
            },
            reference.map(str::to_string),
        ))
    }

    /// A line's `for`: a period of a kind some periodic obligation of its
    /// action is assessed by.
    fn for_period(
        &mut self,
        line_no: u32,
        line: &str,
        what: What,
        text: &str,
    ) -> Option<(PeriodKind, i32)> {
        let What::Action(action) = what else {
            self.err(
                line_no,
                line,
                Some(text),
                DiagKind::Data,
                "only an action reports for a period; an event that occurred has no `for`".into(),
                "remove `for`, or log the report as an `action`".into(),
            );
            return None;
        };
        let p = match crate::period::parse(text) {
            Ok(p) => p,
            Err(m) => {
                self.err(
                    line_no,
                    line,
                    Some(text),
                    DiagKind::Data,
                    format!("`for`: {m}"),
                    "write the period as `2019`, `2019-H1`, `2019-Q2`, `2019-05`, `2019-W05` or `2019-05-01`".into(),
                );
                return None;
            }
        };
        let c = self.c;
        let kinds = self
            .period_kinds
            .entry(action)
            .or_insert_with(|| crate::eval::compliance::period_kinds(c, action));
        if !kinds.contains(&p.kind) {
            let kinds = kinds.clone();
            let name = self.c.actions.get(action);
            let help = if kinds.is_empty() {
                format!("no periodic obligation asks for `{name}`; remove `for`")
            } else {
                let words: Vec<&str> = kinds.iter().map(|k| crate::period::kind_word(*k)).collect();
                format!(
                    "`{name}` is assessed per {}; name a period of that kind",
                    words.join(" or ")
                )
            };
            self.err(
                line_no,
                line,
                Some(text),
                DiagKind::Data,
                format!("`for {text}` names a period no obligation of `{name}` is assessed by"),
                help,
            );
            return None;
        }
        Some((p.kind, p.index))
    }

    /// Sorts the bound events, finds repeats and resolves references.
    /// `refs` holds `(position in bound, referenced id)`; `lines` gives the
    /// text of the few lines a problem found here must show.
    fn finish(
        mut self,
        mut bound: Vec<LoggedEvent>,
        mut refs: Vec<(u32, String)>,
        lines: impl FnOnce(&[u32]) -> HashMap<u32, String>,
    ) -> Result<EventLog, Diagnostics> {
        // Problems found here are kept as line numbers (a log may have
        // millions); only the first few are spelled out.
        enum Found {
            Repeats(u32),
            Dangling,
            IdUsed(u32, String),
        }
        let mut problems: Vec<(u32, Found)> = Vec::new();
        // An id names one event: the first line to use it, in line order;
        // a later event using it again is refused.
        let mut with_id: Vec<(u32, usize)> = bound
            .iter()
            .enumerate()
            .filter(|(_, e)| e.id.is_some())
            .map(|(i, e)| (e.line, i))
            .collect();
        if !with_id.is_empty() {
            with_id.sort_unstable();
            let mut first_use: HashMap<&str, u32> = HashMap::with_capacity(with_id.len());
            let mut again: HashSet<u32> = HashSet::new();
            for (line, i) in &with_id {
                let Some(id) = bound.get(*i).and_then(|e| e.id.as_deref()) else {
                    continue;
                };
                match first_use.entry(id) {
                    Entry::Occupied(first) => {
                        problems.push((*line, Found::IdUsed(*first.get(), id.to_string())));
                        again.insert(*line);
                    }
                    Entry::Vacant(v) => {
                        v.insert(*line);
                    }
                }
            }
            drop(first_use);
            if !again.is_empty() {
                bound.retain(|e| !again.contains(&e.line));
                refs.retain(|(line, _)| !again.contains(line));
            }
        }
        // The referenced id of each event, by its line.
        let ref_of: HashMap<u32, String> = refs.into_iter().collect();
        // Two events without ids that agree in everything repeat each other;
        // in the sorted log they sit in one run of equal (what, subject, when).
        let mut run_start = 0usize;
        for i in 0..bound.len() {
            let Some(e) = bound.get(i) else { continue };
            let same_when =
                |x: &LoggedEvent| x.key() == e.key() && x.date == e.date && x.time == e.time;
            if !bound.get(run_start).is_some_and(same_when) {
                run_start = i;
            }
            if e.id.is_some() {
                continue;
            }
            let r = ref_of.get(&e.line);
            let first = bound.get(run_start..i).unwrap_or(&[]).iter().find(|x| {
                x.id.is_none()
                    && x.to == e.to
                    && x.person == e.person
                    && x.by == e.by
                    && x.for_period == e.for_period
                    && ref_of.get(&x.line) == r
            });
            if let Some(x) = first {
                problems.push((e.line, Found::Repeats(x.line)));
            }
        }
        let index: HashMap<&str, u32> = bound
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let i = u32::try_from(i).ok()?;
                e.id.as_deref().map(|id| (id, i))
            })
            .collect();
        let mut resolved: HashMap<u32, u32> = HashMap::with_capacity(ref_of.len());
        for (line_no, r) in &ref_of {
            match index.get(r.as_str()) {
                Some(i) => {
                    resolved.insert(*line_no, *i);
                }
                None => problems.push((*line_no, Found::Dangling)),
            }
        }
        // By line, then kind: the order (and so which are listed at the
        // limit) does not depend on the order maps are read in.
        let rank = |f: &Found| match f {
            Found::IdUsed(..) => 0,
            Found::Repeats(_) => 1,
            Found::Dangling => 2,
        };
        problems.sort_unstable_by_key(|(line, f)| (*line, rank(f)));
        // The problems reported are the first by line, wherever found: those
        // past the limit could never be among them.
        let total = self.errors.len() + self.omitted + problems.len();
        problems.truncate(limits::MAX_DIAGNOSTICS);
        if !problems.is_empty() {
            let wanted: Vec<u32> = problems.iter().map(|p| p.0).collect();
            let texts = lines(&wanted);
            for (line_no, found) in problems {
                let line = texts.get(&line_no).map_or("", String::as_str);
                let d = match found {
                    Found::Repeats(first) => self.problem(
                        line_no,
                        line,
                        None,
                        DiagKind::Duplicate,
                        format!("this event repeats line {first}"),
                        "remove the copy, or give both an `id` if both really happened".into(),
                    ),
                    Found::IdUsed(first, id) => self.problem(
                        line_no,
                        line,
                        Some(&id),
                        DiagKind::Duplicate,
                        format!("the id `{id}` is already used on line {first}"),
                        "give each event its own id".into(),
                    ),
                    Found::Dangling => {
                        let r = ref_of.get(&line_no).map_or("", String::as_str);
                        let help = if index.is_empty() {
                            "no event in the log has an `id`; give the event this one answers an id"
                                .to_string()
                        } else {
                            suggest(r, "id", index.keys().copied())
                        };
                        self.problem(
                            line_no,
                            line,
                            Some(r),
                            DiagKind::UnknownName,
                            format!("`ref` names `{}`, which no event has as its id", shown(r)),
                            help,
                        )
                    }
                };
                self.errors.push(d);
            }
        }
        if !self.errors.is_empty() {
            self.errors.sort_by_key(|d| (d.line(), d.column()));
            self.errors.truncate(limits::MAX_DIAGNOSTICS);
            self.omitted = total - self.errors.len();
            let mut errors = self.errors;
            crate::diag::note_omitted(&mut errors, self.omitted, crate::diag::Severity::Error);
            return Err(Diagnostics(errors));
        }
        drop(index);
        for e in &mut bound {
            e.reference = resolved
                .get(&e.line)
                .and_then(|i| std::num::NonZeroU32::new(i.saturating_add(1)));
        }
        Ok(EventLog {
            events: bound,
            policy: Some(self.c.key),
        })
    }
}

/// Events bound from some lines, and the ids they answer, by line.
#[derive(Default)]
struct Part {
    bound: Vec<LoggedEvent>,
    refs: Vec<(u32, String)>,
}

/// The order of the log: by what happened, to whom, when, then line. Lines
/// are unique, so the order is total and an unstable sort gives it.
fn sort_events(events: &mut [LoggedEvent]) {
    events.sort_unstable_by_key(LoggedEvent::order);
}

/// Sorted runs merged into one sorted log, each event moved once. The
/// runs are taken from their ends (the latest events first) and given back
/// their memory as they empty, so the log is not held twice.
fn merge_sorted(mut runs: Vec<Vec<LoggedEvent>>) -> Vec<LoggedEvent> {
    runs.retain(|r| !r.is_empty());
    if runs.len() <= 1 {
        return runs.pop().unwrap_or_default();
    }
    /// Events taken from a run before its memory is given back.
    const STEP: usize = 1 << 15;
    let total = runs.iter().map(Vec::len).sum();
    // Filled from its front, latest first: when exactly full, it is the
    // sorted log in place, and becomes a `Vec` without moving an event.
    let mut out = std::collections::VecDeque::with_capacity(total);
    // The place of each run's last event, found once per event taken.
    let mut lasts: Vec<Option<Place>> = runs
        .iter()
        .map(|r| r.last().map(LoggedEvent::order))
        .collect();
    loop {
        let mut latest: Option<(usize, Place)> = None;
        for (i, k) in lasts.iter().enumerate() {
            if let Some(k) = k {
                if latest.as_ref().is_none_or(|(_, b)| k > b) {
                    latest = Some((i, *k));
                }
            }
        }
        let Some((i, _)) = latest else { break };
        if let (Some(r), Some(last)) = (runs.get_mut(i), lasts.get_mut(i)) {
            if let Some(e) = r.pop() {
                out.push_front(e);
            }
            *last = r.last().map(LoggedEvent::order);
            if r.capacity() - r.len() >= STEP {
                r.shrink_to_fit();
            }
        }
    }
    Vec::from(out)
}

/// Bytes of log read at a time: a chunk of whole lines, bound by one worker.
const CHUNK_BYTES: usize = 256 * 1024;

/// Reads the next chunk of whole lines, counting them on from `line_no`:
/// `None` at the end of the log.
fn next_chunk<R: BufRead>(
    reader: &mut R,
    source: &str,
    line_no: &mut u32,
) -> Result<Option<(u32, Vec<u8>)>, Diagnostics> {
    let first = line_no.saturating_add(1);
    let mut text = Vec::with_capacity(CHUNK_BYTES + 1024);
    while text.len() < CHUNK_BYTES {
        match reader.read_until(b'\n', &mut text) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(Diagnostics(vec![Diagnostic::detached(
                    DiagKind::Io,
                    source,
                    format!("cannot read the log after line {line_no}: {e}"),
                    Some("check the file".into()),
                )]))
            }
        }
        *line_no = line_no.saturating_add(1);
        if *line_no as usize > limits::MAX_EVENTS {
            return Err(Diagnostics(vec![Diagnostic::detached(
                DiagKind::Limit,
                source,
                format!("the log has more than {} lines", limits::MAX_EVENTS),
                Some("split the log by year".into()),
            )]));
        }
    }
    Ok((!text.is_empty()).then_some((first, text)))
}

/// Reads a JSON Lines log without holding its text: chunks of lines are
/// read, checked and bound, then dropped. A log of more than one chunk is
/// bound by a worker thread per core, each sorting what it bound; the
/// sorted parts are merged. The answer does not depend on the number of
/// workers: problems are reported by line, the first ones first. Problems
/// found after reading (an id used twice, repeated events, dangling
/// references) show their lines from a second pass over the few lines
/// concerned.
pub(crate) fn read_log<R: BufRead + Seek>(
    c: &Compiled,
    source: &str,
    mut reader: R,
) -> Result<EventLog, Diagnostics> {
    let mut line_no = 0u32;
    let first = next_chunk(&mut reader, source, &mut line_no)?;
    let second = match first {
        Some(_) => next_chunk(&mut reader, source, &mut line_no)?,
        None => None,
    };
    // At most four, each reserving room for 2^18 events (see `read_parallel`);
    // none for a log of one chunk, or on one core: it is bound here.
    let workers = match second {
        None => 0,
        Some(_) => std::thread::available_parallelism().map_or(0, |n| n.get().min(4)),
    };
    let workers = if workers < 2 { 0 } else { workers };
    let (binders, mut parts) = read_parallel(
        c,
        source,
        &mut reader,
        &mut line_no,
        [first, second],
        workers,
    )?;
    let mut b = Binder::new(c, source);
    for w in binders {
        b.errors.extend(w.errors);
        b.omitted += w.omitted;
    }
    let refs: Vec<(u32, String)> = parts.iter_mut().flat_map(|p| p.refs.drain(..)).collect();
    let bound = merge_sorted(parts.into_iter().map(|p| p.bound).collect());
    b.finish(bound, refs, |wanted| {
        let mut texts = HashMap::new();
        if reader.seek(SeekFrom::Start(0)).is_err() {
            return texts;
        }
        let mut at = 0u32;
        let mut next = wanted.iter().copied().peekable();
        let mut buf = Vec::new();
        while let Some(&want) = next.peek() {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => at += 1,
            }
            if at == want {
                let text = String::from_utf8_lossy(&buf);
                texts.insert(want, text.trim_end_matches(['\n', '\r']).to_string());
                while next.peek() == Some(&want) {
                    next.next();
                }
            }
        }
        texts
    })
}

/// The binders and sorted parts of `workers` threads binding the chunks
/// read here, the first two given; with no worker, they are bound here.
fn read_parallel<'c, R: BufRead>(
    c: &'c Compiled,
    source: &str,
    reader: &mut R,
    line_no: &mut u32,
    given: [Option<(u32, Vec<u8>)>; 2],
    workers: usize,
) -> Result<(Vec<Binder<'c>>, Vec<Part>), Diagnostics> {
    // Each worker's events start with room for 2^18 (32 MB, reserved, not
    // yet written): a list that size is mapped on its own and grows in
    // place, where smaller ones would be copied as they grow, and the
    // copies' memory kept by the allocator.
    let each = 1 << 18;
    let (tx, rx) = std::sync::mpsc::sync_channel::<(u32, Vec<u8>)>(workers * 2);
    // The workers alone hold the receiver: should they all stop, sending
    // fails and reading stops, rather than wait on a full channel.
    let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .filter_map(|_| {
                let rx = std::sync::Arc::clone(&rx);
                let worker = std::thread::Builder::new().name("zeren-log".into());
                // A thread the system will not give is done without.
                worker
                    .spawn_scoped(s, move || {
                        let mut b = Binder::new(c, source);
                        let mut part = Part {
                            bound: Vec::with_capacity(each),
                            refs: Vec::new(),
                        };
                        loop {
                            // A poisoned lock means another worker failed; its
                            // failure is reported when it is joined.
                            let next = match rx.lock() {
                                Ok(r) => r.recv(),
                                Err(_) => break,
                            };
                            let Ok((at, text)) = next else { break };
                            b.chunk(at, &text, &mut part);
                        }
                        sort_events(&mut part.bound);
                        (b, part)
                    })
                    .ok()
            })
            .collect();
        drop(rx);
        // Without a worker (none asked for, or none to be had), the chunks
        // are bound here.
        let mut here = handles
            .is_empty()
            .then(|| (Binder::new(c, source), Part::default()));
        let mut give = |(at, text): (u32, Vec<u8>)| match &mut here {
            Some((b, part)) => {
                b.chunk(at, &text, part);
                true
            }
            None => tx.send((at, text)).is_ok(),
        };
        let mut read = Ok(());
        for chunk in given.into_iter().flatten() {
            if !give(chunk) {
                break;
            }
        }
        loop {
            match next_chunk(reader, source, line_no) {
                Ok(Some(chunk)) => {
                    if !give(chunk) {
                        break;
                    }
                }
                Ok(None) => break,
                Err(d) => {
                    read = Err(d);
                    break;
                }
            }
        }
        drop(tx);
        let mut binders = Vec::with_capacity(workers);
        let mut parts = Vec::with_capacity(workers);
        if let Some((b, mut part)) = here {
            sort_events(&mut part.bound);
            binders.push(b);
            parts.push(part);
        }
        for h in handles {
            match h.join() {
                Ok((b, p)) => {
                    binders.push(b);
                    parts.push(p);
                }
                // A worker panics only on a bug in zeren: fail as loudly.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        read.map(|()| (binders, parts))
    })
}

pub(crate) fn from_jsonl(c: &Compiled, source: &str, text: &str) -> Result<EventLog, Diagnostics> {
    read_log(c, source, std::io::Cursor::new(text.as_bytes()))
}

pub(crate) fn from_events(
    c: &Compiled,
    source: &str,
    events: &[Event],
) -> Result<EventLog, Diagnostics> {
    let mut b = Binder::new(c, source);
    // Events built in code have no text: a problem names the event's
    // position (1-based) as its line.
    let mut part = Part {
        bound: Vec::with_capacity(events.len()),
        refs: Vec::new(),
    };
    for (i, e) in events.iter().enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        b.bind_into(line_no, "", &Fields::from(e), &mut part);
    }
    sort_events(&mut part.bound);
    b.finish(part.bound, part.refs, |_| HashMap::new())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::ids::{EventKindIx, MatterIx};

    /// The packed order is the order of what, to whom, when and line.
    #[test]
    fn places_order_events_as_their_fields_do() {
        let mut events = Vec::new();
        let mut line = 0;
        for what in [
            What::Action(ActionIx::from_raw(0)),
            What::Action(ActionIx::from_raw(u32::MAX - 1)),
            What::Kind(EventKindIx::from_raw(0)),
            What::Kind(EventKindIx::from_raw(7)),
        ] {
            for subject in [
                TargetId::Unit(UnitIx::from_raw(3)),
                TargetId::Unit(UnitIx::from_raw(u32::MAX - 1)),
                TargetId::Matter(MatterIx::from_raw(0)),
                TargetId::Matter(MatterIx::from_raw(2)),
            ] {
                for (date, time) in [
                    ("2021-01-02", None),
                    ("2021-01-01", Some("09:30:00")),
                    ("2021-01-01", None),
                ] {
                    line += 7919 % 97;
                    events.push(LoggedEvent {
                        line: (line * 31) % 1000,
                        id: None,
                        date: date.parse().unwrap(),
                        time: time.map(|t| t.parse().unwrap()),
                        subject,
                        person: None,
                        by: None,
                        what,
                        to: To::Nobody,
                        for_period: None,
                        reference: None,
                    });
                }
            }
        }
        let mut by_place = events.clone();
        by_place.sort_by_key(LoggedEvent::order);
        let mut by_fields = events.clone();
        by_fields.sort_by_key(|e| (e.key(), e.date, e.time, e.line));
        assert_eq!(by_place, by_fields);
        // Sorted runs of every size merge into the sorted whole.
        for parts in 1..5 {
            let mut runs: Vec<Vec<LoggedEvent>> = vec![Vec::new(); parts];
            for (i, e) in events.iter().enumerate() {
                runs[(i * 7) % parts].push(e.clone());
            }
            runs.iter_mut().for_each(|r| sort_events(r));
            assert_eq!(merge_sorted(runs), by_place, "{parts} runs");
        }
    }
}
