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
//! an earlier one (same date and time, subject, action or kind, recipient and
//! reference, and no `id`) is rejected as a duplicate: give each a distinct
//! `id` when both really happened.

use crate::check::TargetId;
use crate::compile::Compiled;
use crate::diag::{suggest, DiagKind, Diagnostic, Diagnostics};
use crate::limits;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;

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
    /// A declared action done (专题研究, 汇报 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// A declared event kind that occurred (重大情况 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// The recipient unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The `id` of the event this one answers.
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Free text; not evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Deserialize)]
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
    action: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    event: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    to: Option<Cow<'a, str>>,
    #[serde(default, rename = "ref", borrow)]
    reference: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    #[expect(
        dead_code,
        reason = "read so that `deny_unknown_fields` accepts notes; notes are not evaluated"
    )]
    note: Option<Cow<'a, str>>,
}

/// The fields of one event, borrowed from a log line or an [`Event`].
struct Fields<'a> {
    id: Option<&'a str>,
    date: &'a str,
    unit: Option<&'a str>,
    matter: Option<&'a str>,
    action: Option<&'a str>,
    event: Option<&'a str>,
    to: Option<&'a str>,
    reference: Option<&'a str>,
}

impl<'a> From<&'a RawEvent<'a>> for Fields<'a> {
    fn from(r: &'a RawEvent<'a>) -> Self {
        Fields {
            id: r.id.as_deref(),
            date: &r.date,
            unit: r.unit.as_deref(),
            matter: r.matter.as_deref(),
            action: r.action.as_deref(),
            event: r.event.as_deref(),
            to: r.to.as_deref(),
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
            action: e.action.as_deref(),
            event: e.event.as_deref(),
            to: e.to.as_deref(),
            reference: e.reference.as_deref(),
        }
    }
}

/// What an event is: an action done, or an occurrence of an event kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum What {
    Action(u32),
    Kind(u32),
}

/// An event checked against a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedEvent {
    /// The line in the log (or index + 1 for events built in Rust).
    pub line: u32,
    /// Its identifier, if any.
    pub id: Option<String>,
    /// Its date.
    pub date: NaiveDate,
    /// Its time of day, when given.
    pub time: Option<NaiveTime>,
    pub(crate) subject: TargetId,
    pub(crate) what: What,
    pub(crate) to: Option<u32>,
    /// Index (in the sorted log) of the event it answers.
    pub(crate) reference: Option<usize>,
}

impl LoggedEvent {
    pub(crate) fn key(&self) -> (What, TargetId) {
        (self.what, self.subject)
    }
}

/// A checked event log, sorted by what happened, to whom, and when.
///
/// It belongs to the policy that checked it; use it only with that policy.
#[derive(Debug, Clone, Default)]
pub struct EventLog {
    pub(crate) events: Vec<LoggedEvent>,
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
    ids: HashMap<String, u32>,
}

impl<'c> Binder<'c> {
    fn new(c: &'c Compiled, source: &str) -> Self {
        Binder {
            c,
            source: source.to_string(),
            errors: Vec::new(),
            ids: HashMap::new(),
        }
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
        if self.errors.len() >= limits::MAX_DIAGNOSTICS {
            return;
        }
        let column = key
            .and_then(|k| serde_json::to_string(k).ok())
            .and_then(|needle| line.find(&needle))
            .map(|i| line.get(..i).map(|s| s.chars().count()).unwrap_or(0) + 1)
            .unwrap_or(1);
        self.errors.push(Diagnostic::at_line(
            kind,
            &self.source,
            line,
            line_no as usize,
            column,
            message,
            Some(help),
        ));
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
    fn lookup<'n, I>(
        &mut self,
        line_no: u32,
        line: &str,
        what: &str,
        name: &str,
        index: &HashMap<String, u32>,
        names: I,
    ) -> Option<u32>
    where
        I: IntoIterator<Item = &'n str> + Clone,
    {
        if let Some(id) = index.get(name) {
            return Some(*id);
        }
        let help = suggest(name, what, names);
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
            action,
            event,
            to,
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
        let to = match to {
            None => None,
            Some(r) => Some(self.lookup(
                line_no,
                line,
                "unit",
                r,
                &c.unit_index,
                c.units.iter().map(|x| x.name.as_str()),
            )?),
        };
        if let Some(id) = id {
            if let Some(first) = self.ids.insert(id.to_string(), line_no) {
                self.err(
                    line_no,
                    line,
                    Some(id),
                    DiagKind::Duplicate,
                    format!("the id `{id}` is already used on line {first}"),
                    "give each event its own id".into(),
                );
                return None;
            }
        }
        Some((
            LoggedEvent {
                line: line_no,
                id: id.map(str::to_string),
                date: d,
                time: t,
                subject,
                what,
                to,
                reference: None,
            },
            reference.map(str::to_string),
        ))
    }

    fn finish(
        mut self,
        mut bound: Vec<(LoggedEvent, Option<String>)>,
        lines: &[&str],
    ) -> Result<EventLog, Diagnostics> {
        bound.sort_by(|(a, _), (b, _)| {
            (a.key(), a.date, a.time, a.line).cmp(&(b.key(), b.date, b.time, b.line))
        });
        // Two events without ids that agree in everything repeat each other;
        // after sorting they sit in one run of equal (what, subject, when).
        let mut repeats: Vec<(u32, u32)> = Vec::new();
        let mut run_start = 0usize;
        for i in 0..bound.len() {
            let Some((e, r)) = bound.get(i) else { continue };
            let same_when =
                |x: &LoggedEvent| x.key() == e.key() && x.date == e.date && x.time == e.time;
            if !bound.get(run_start).is_some_and(|(x, _)| same_when(x)) {
                run_start = i;
            }
            if e.id.is_some() {
                continue;
            }
            let first = bound
                .get(run_start..i)
                .unwrap_or(&[])
                .iter()
                .find(|(x, xr)| x.id.is_none() && x.to == e.to && xr == r);
            if let Some((x, _)) = first {
                repeats.push((e.line, x.line));
            }
        }
        for (line_no, first) in repeats {
            let line = lines
                .get((line_no as usize).saturating_sub(1))
                .copied()
                .unwrap_or("");
            self.err(
                line_no,
                line,
                None,
                DiagKind::Duplicate,
                format!("this event repeats line {first}"),
                "remove the copy, or give both an `id` if both really happened".into(),
            );
        }
        let index: HashMap<&str, usize> = bound
            .iter()
            .enumerate()
            .filter_map(|(i, (e, _))| e.id.as_deref().map(|id| (id, i)))
            .collect();
        let mut refs = Vec::with_capacity(bound.len());
        let mut problems = Vec::new();
        for (e, r) in &bound {
            match r {
                None => refs.push(None),
                Some(r) => match index.get(r.as_str()) {
                    Some(i) => refs.push(Some(*i)),
                    None => {
                        refs.push(None);
                        problems.push((e.line, r.clone()));
                    }
                },
            }
        }
        for (line_no, r) in problems {
            let line = lines
                .get((line_no as usize).saturating_sub(1))
                .copied()
                .unwrap_or("");
            let help = if index.is_empty() {
                "no event in the log has an `id`; give the event this one answers an id".to_string()
            } else {
                suggest(&r, "id", index.keys().copied())
            };
            self.err(
                line_no,
                line,
                Some(&r),
                DiagKind::UnknownName,
                format!("`ref` names `{r}`, which no event has as its id"),
                help,
            );
        }
        if !self.errors.is_empty() {
            self.errors.sort_by_key(|d| (d.line, d.column));
            return Err(Diagnostics(self.errors));
        }
        let events = bound
            .into_iter()
            .zip(refs)
            .map(|((mut e, _), r)| {
                e.reference = r;
                e
            })
            .collect();
        Ok(EventLog { events })
    }
}

pub(crate) fn from_jsonl(c: &Compiled, source: &str, text: &str) -> Result<EventLog, Diagnostics> {
    let mut b = Binder::new(c, source);
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() > limits::MAX_EVENTS {
        return Err(Diagnostics(vec![Diagnostic::detached(
            DiagKind::Limit,
            source,
            format!(
                "the log has {} lines, more than the limit of {}",
                lines.len(),
                limits::MAX_EVENTS
            ),
            Some("split the log by year".into()),
        )]));
    }
    let mut bound = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<RawEvent<'_>>(line) {
            Err(e) => {
                let msg = e.to_string();
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                if b.errors.len() < limits::MAX_DIAGNOSTICS {
                    b.errors.push(Diagnostic::at_line(
                        DiagKind::Data,
                        source,
                        line,
                        line_no as usize,
                        e.column().max(1),
                        msg,
                        Some("each line is one JSON object: {\"date\": …, \"unit\": …, \"action\": …}".into()),
                    ));
                }
            }
            Ok(r) => {
                if let Some(e) = b.bind(line_no, line, &Fields::from(&r)) {
                    bound.push(e);
                }
            }
        }
    }
    b.finish(bound, &lines)
}

pub(crate) fn from_events(
    c: &Compiled,
    source: &str,
    events: &[Event],
) -> Result<EventLog, Diagnostics> {
    let mut b = Binder::new(c, source);
    // Events built in code have no text: a problem names the event's
    // position (1-based) as its line.
    let lines: Vec<&str> = Vec::new();
    let mut bound = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = "";
        if let Some(x) = b.bind(line_no, line, &Fields::from(e)) {
            bound.push(x);
        }
    }
    b.finish(bound, &lines)
}
