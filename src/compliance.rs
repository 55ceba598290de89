//! "What is due when": the calendar of periodic obligations over a date
//! range, and compliance of an event log as of an explicit date.
//!
//! Compliance never reads the clock. For each (obligation, subject, period)
//! from the period containing `from` to the one containing `as_of`:
//! - events dated after `as_of` do not count, nor do events after the
//!   period's deadline (they are counted as `late`);
//! - a period whose due date (deadline, else last day) is before `as_of` is
//!   final: *met* or *missed*;
//! - an open period is *missed* once it exceeds `at most`, *met* once it
//!   reaches `at least` (when there is no maximum), else *pending*;
//! - a period that began before the policy's effective date is *not
//!   assessed*: the rules did not exist for the whole period.
//!
//! The answer types; `eval` computes them.

use crate::events::LoggedEvent;
use crate::period::Period;
use crate::who::Subject;
use chrono::{NaiveDate, NaiveDateTime};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::fmt;
/// How many times per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Required {
    /// At least.
    pub at_least: u32,
    /// At most, when bounded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_most: Option<u32>,
}

impl fmt::Display for Required {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at_most {
            Some(m) if m == self.at_least => write!(f, "exactly {m}"),
            Some(m) if self.at_least == 0 => write!(f, "at most {m}"),
            Some(m) => write!(f, "{}–{m}", self.at_least),
            None => write!(f, "at least {}", self.at_least),
        }
    }
}

/// The verdict for one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The obligation was met.
    Met,
    /// The obligation was not met.
    Missed,
    /// The period is still open and not yet met.
    Pending,
    /// The period began before the policy took effect.
    NotAssessed,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Met => "met",
            Status::Missed => "missed",
            Status::Pending => "pending",
            Status::NotAssessed => "not assessed",
        })
    }
}

/// An event as cited in an answer: its line in the log, id and date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRef<'e>(pub &'e LoggedEvent);

impl Serialize for EventRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = self.0;
        let mut st = s.serialize_struct("Event", 4)?;
        st.serialize_field("line", &e.line)?;
        if let Some(id) = &e.id {
            st.serialize_field("id", id)?;
        }
        st.serialize_field("date", &e.date)?;
        if let Some(t) = e.time {
            st.serialize_field("time", &t)?;
        }
        st.end()
    }
}

/// The events that counted for a period: the subject's events of the
/// action in the counting window, less those addressed to someone other
/// than the obligation's recipients (events that name no recipient count).
#[derive(Debug, Clone, Copy)]
pub struct Counted<'p, 'e> {
    pub(crate) slice: &'e [LoggedEvent],
    pub(crate) recipients: &'p [crate::ids::UnitIx],
}

impl<'p, 'e> Counted<'p, 'e> {
    fn counts(&self, e: &LoggedEvent) -> bool {
        self.recipients.is_empty() || e.to.is_none_or(|t| self.recipients.contains(&t))
    }

    /// The events, in date order.
    pub fn iter(&self) -> impl Iterator<Item = &'e LoggedEvent> + '_ {
        self.slice.iter().filter(|e| self.counts(e))
    }

    /// How many.
    pub fn len(&self) -> usize {
        if self.recipients.is_empty() {
            self.slice.len()
        } else {
            self.iter().count()
        }
    }

    /// True when none counted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Serialize for Counted<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(EventRef))
    }
}

/// One (obligation, subject, period) and its verdict.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodCompliance<'p, 'e> {
    /// The article.
    pub citation: &'p str,
    /// The action required.
    pub action: &'p str,
    /// Who must do it.
    pub subject: Subject<'p>,
    /// The period.
    pub period: Period,
    /// The due date: the deadline, else the period's last day.
    pub due: NaiveDate,
    /// To whom.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub recipients: &'p [String],
    /// How many times.
    pub required: Required,
    /// The verdict.
    pub status: Status,
    /// Events that counted.
    pub count: u32,
    /// How many more are needed.
    pub needed: u32,
    /// Events in the period after its deadline (they do not count).
    #[serde(skip_serializing_if = "is_zero")]
    pub late: u32,
    /// The events that counted.
    pub events: Counted<'p, 'e>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The verdict for one triggering event of an event-driven obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReactionStatus {
    /// Answered by the deadline.
    OnTime,
    /// Answered after the deadline.
    Late,
    /// Not answered, and the deadline has passed.
    Overdue,
    /// Not answered yet; the deadline has not passed.
    Pending,
    /// The event occurred before the policy took effect.
    NotAssessed,
}

/// A triggering event, its deadline and its answer.
#[derive(Debug, Clone, Serialize)]
pub struct Reaction<'p, 'e> {
    /// The article.
    pub citation: &'p str,
    /// The action required.
    pub action: &'p str,
    /// Who must do it.
    pub subject: Subject<'p>,
    /// The event kind that triggered it.
    pub kind: &'p str,
    /// The triggering event.
    pub trigger: EventRef<'e>,
    /// The deadline.
    pub deadline: NaiveDateTime,
    /// To whom.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub recipients: &'p [String],
    /// The answering event, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<EventRef<'e>>,
    /// The verdict.
    pub status: ReactionStatus,
}

/// The answer to "does this log meet the obligations as of this date".
#[derive(Debug, Clone, Serialize)]
pub struct ComplianceAnswer<'p, 'e> {
    /// The date of assessment.
    pub as_of: NaiveDate,
    /// Periods are assessed from the one containing this date.
    pub from: NaiveDate,
    /// Periodic obligations, by obligation, subject and period.
    pub periods: Vec<PeriodCompliance<'p, 'e>>,
    /// Event-driven obligations, by obligation, subject and trigger time.
    pub reactions: Vec<Reaction<'p, 'e>>,
}

impl ComplianceAnswer<'_, '_> {
    /// How many periods have each status: met, missed, pending, not assessed.
    pub fn tally(&self) -> [usize; 4] {
        let mut t = [0; 4];
        for p in &self.periods {
            let i = match p.status {
                Status::Met => 0,
                Status::Missed => 1,
                Status::Pending => 2,
                Status::NotAssessed => 3,
            };
            if let Some(x) = t.get_mut(i) {
                *x += 1;
            }
        }
        t
    }
}

/// `s` padded with spaces to `width` terminal columns (CJK characters are two).
fn pad(s: &str, width: usize) -> String {
    let w = crate::source::display_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn subject_name(s: Subject<'_>) -> &str {
    match s {
        Subject::Unit(n) | Subject::Matter(n) | Subject::MatterKind(n) => n,
    }
}

impl fmt::Display for ComplianceAnswer<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [met, missed, pending, na] = self.tally();
        writeln!(
            f,
            "compliance as of {} (from {}): {met} met, {missed} missed, {pending} pending, {na} not assessed",
            self.as_of, self.from
        )?;
        writeln!(
            f,
            "{:<12} {:<10} {:<10} {:>5} {:<12} {:>4}  {} {} subject",
            "status",
            "period",
            "due",
            "count",
            "required",
            "need",
            pad("citation", 14),
            pad("action", 12)
        )?;
        for p in &self.periods {
            writeln!(
                f,
                "{:<12} {:<10} {:<10} {:>5} {:<12} {:>4}  {} {} {}",
                p.status.to_string(),
                p.period.to_string(),
                p.due.to_string(),
                p.count,
                p.required.to_string(),
                p.needed,
                pad(p.citation, 14),
                pad(p.action, 12),
                subject_name(p.subject)
            )?;
        }
        for r in &self.reactions {
            let status = match r.status {
                ReactionStatus::OnTime => "on time",
                ReactionStatus::Late => "late",
                ReactionStatus::Overdue => "overdue",
                ReactionStatus::Pending => "pending",
                ReactionStatus::NotAssessed => "not assessed",
            };
            write!(
                f,
                "{status:<12} {} {} at {} (line {}) → {} by {}",
                r.kind,
                subject_name(r.subject),
                r.trigger.0.date,
                r.trigger.0.line,
                r.action,
                r.deadline
            )?;
            match r.answer {
                Some(a) => writeln!(f, ": line {} on {} [{}]", a.0.line, a.0.date, r.citation)?,
                None => writeln!(f, " [{}]", r.citation)?,
            }
        }
        Ok(())
    }
}

/// One item due in a date range.
#[derive(Debug, Clone, Serialize)]
pub struct DueItem<'p> {
    /// The due date.
    pub due: NaiveDate,
    /// The article.
    pub citation: &'p str,
    /// The action required.
    pub action: &'p str,
    /// Who must do it.
    pub subject: Subject<'p>,
    /// The period it is due for.
    pub period: Period,
    /// To whom.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub recipients: &'p [String],
    /// How many times.
    pub required: Required,
    /// False for a period that began before the policy took effect.
    pub assessed: bool,
}

/// The answer to "what falls due between these dates".
#[derive(Debug, Clone, Serialize)]
pub struct CalendarAnswer<'p> {
    /// First day of the range.
    pub from: NaiveDate,
    /// Last day of the range.
    pub to: NaiveDate,
    /// By due date, then obligation, then subject.
    pub items: Vec<DueItem<'p>>,
}

impl fmt::Display for CalendarAnswer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "due from {} to {}: {} items",
            self.from,
            self.to,
            self.items.len()
        )?;
        for i in &self.items {
            write!(
                f,
                "{}  {:<10} {:<12} {} {} {}",
                i.due,
                i.period.to_string(),
                i.required.to_string(),
                pad(i.citation, 14),
                pad(i.action, 12),
                subject_name(i.subject)
            )?;
            if !i.recipients.is_empty() {
                write!(f, " → {}", i.recipients.join(", "))?;
            }
            if !i.assessed {
                write!(f, " (before the policy took effect)")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
