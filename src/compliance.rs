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
//!   assessed*: the rules did not exist for the whole period; a policy that
//!   states no effective date is assessed as if it applied, and the answer
//!   says applicability is unknown;
//! - an obligation the regulation gives no frequency (`regularly`) is
//!   listed per year with the events seen and *not stated*, never met or
//!   missed — unless the policy's own reading (`interpret`) gives one, and
//!   then every verdict names that reading.
//!
//! Recipients: an obligation `to A, B` (or `to all of A, B`) is met when
//! each recipient received the required number; `to any of A, B` when they
//! did together. An event counts for a recipient when its `to` names it; an
//! event with no `to` does not count for an obligation that names
//! recipients. An event that says which period it reports for (`"for":
//! "2019-Q1"`) counts for that period only — late if after its deadline —
//! never for the period of its date. An event that answers another (`ref`)
//! counts for the event-driven obligation, not for a periodic one.
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
    /// The regulation states no frequency (`regularly`): the events seen
    /// are listed, and no verdict is given.
    NotStated,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Met => "met",
            Status::Missed => "missed",
            Status::Pending => "pending",
            Status::NotAssessed => "not assessed",
            Status::NotStated => "not stated",
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
        st.serialize_field("date", &crate::dates::Iso(e.date))?;
        if let Some(t) = e.time {
            st.serialize_field("time", &t)?;
        }
        st.end()
    }
}

/// The recipients an obligation's events must reach, for one subject: the
/// units it names and, for `superior`, the subject's superior.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Want<'p> {
    pub(crate) units: &'p [crate::ids::UnitIx],
    pub(crate) superior: Option<crate::ids::UnitIx>,
}

impl Want<'_> {
    pub(crate) fn is_empty(&self) -> bool {
        self.units.is_empty() && self.superior.is_none()
    }

    pub(crate) fn all(&self) -> impl Iterator<Item = crate::ids::UnitIx> + '_ {
        self.units.iter().copied().chain(self.superior)
    }

    /// Does the event reach one of them?
    pub(crate) fn reached_by(&self, e: &LoggedEvent) -> bool {
        self.all().any(|u| e.to.contains(u))
    }
}

/// The events that counted for a period: the subject's events of the
/// action in the counting window (those that say which period they report
/// for, only for that period; answers to other events not at all) that
/// reach one of the obligation's recipients (any event, when it names none).
#[derive(Debug, Clone)]
pub struct Counted<'p, 'e> {
    pub(crate) slice: &'e [LoggedEvent],
    /// Recipients, the person, and events that report for a period; `None`
    /// when every event of the slice counts. Kept out of line and shared by
    /// the rows of one subject and person (most rows of a large answer have
    /// none of these, and the rest the same ones).
    pub(crate) more: Option<std::sync::Arc<CountedMore<'p, 'e>>>,
}

/// The events of `slice` and `tagged` that count: with `more`, only those
/// reaching the recipients, of the person (or of nobody), and of the slice
/// only those neither reporting for a period nor answering another event.
pub(crate) fn counting<'a, 'e: 'a>(
    slice: &'e [LoggedEvent],
    tagged: &'a [&'e LoggedEvent],
    more: Option<(Want<'a>, Option<crate::ids::PersonIx>)>,
) -> impl Iterator<Item = &'e LoggedEvent> + 'a {
    let untagged = slice
        .iter()
        .filter(move |e| more.is_none() || (e.for_period.is_none() && e.reference.is_none()));
    tagged
        .iter()
        .copied()
        .filter(|e| e.reference.is_none())
        .chain(untagged)
        .filter(move |e| {
            more.is_none_or(|(w, person)| (w.is_empty() || w.reached_by(e)) && e.person == person)
        })
}

/// What only some rows need to tell which events count.
#[derive(Debug, Clone)]
pub(crate) struct CountedMore<'p, 'e> {
    /// Events dated anywhere that report for this period.
    pub(crate) tagged: Vec<&'e LoggedEvent>,
    pub(crate) want: Want<'p>,
    /// For an obligation owed by each holder of a post, only this person's
    /// events count; for one owed by a unit or matter (`None`), only events
    /// that name no person.
    pub(crate) person: Option<crate::ids::PersonIx>,
}

impl<'p, 'e> Counted<'p, 'e> {
    /// The events, in date order (those reporting for the period first).
    pub fn iter(&self) -> impl Iterator<Item = &'e LoggedEvent> + '_ {
        match &self.more {
            Some(m) => counting(self.slice, &m.tagged, Some((m.want, m.person))),
            None => counting(self.slice, &[], None),
        }
    }

    /// How many.
    pub fn len(&self) -> usize {
        match self.more {
            None => self.slice.len(),
            Some(_) => self.iter().count(),
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
///
/// What every row of an obligation shares (its article, action and
/// frequency) is kept once, and read with [`PeriodCompliance::citation`],
/// [`PeriodCompliance::action`] and [`PeriodCompliance::required`].
#[derive(Debug, Clone)]
pub struct PeriodCompliance<'p, 'e> {
    pub(crate) head: std::sync::Arc<RowHead<'p>>,
    /// Who must do it.
    pub subject: Subject<'p>,
    /// The period.
    pub period: Period,
    /// The due date: the deadline, else the period's last day.
    pub due: NaiveDate,
    /// The verdict.
    pub status: Status,
    /// Events that counted.
    pub count: u32,
    /// How many more are needed (by the recipient furthest short).
    pub needed: u32,
    /// Events in the period after its deadline (they do not count).
    pub late: u32,
    /// Recipients, those still missing, and the reading the verdict rests
    /// on, for rows that have any (see the accessors).
    pub notes: Option<std::sync::Arc<RowNotes<'p>>>,
    /// The events that counted.
    pub events: Counted<'p, 'e>,
}

/// What the rows of one obligation share.
#[derive(Debug)]
pub(crate) struct RowHead<'p> {
    pub(crate) citation: &'p str,
    pub(crate) action: &'p str,
    pub(crate) required: Option<Required>,
}

impl<'p> PeriodCompliance<'p, '_> {
    /// The article.
    pub fn citation(&self) -> &'p str {
        self.head.citation
    }

    /// The action required.
    pub fn action(&self) -> &'p str {
        self.head.action
    }

    /// How many times; `None` when the regulation states no frequency.
    pub fn required(&self) -> Option<Required> {
        self.head.required
    }
}

impl Serialize for PeriodCompliance<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        /// The row as written: its fields in this order.
        #[derive(Serialize)]
        struct Row<'r, 'p, 'e> {
            citation: &'p str,
            action: &'p str,
            subject: Subject<'p>,
            period: Period,
            #[serde(serialize_with = "crate::dates::serialize")]
            due: NaiveDate,
            #[serde(skip_serializing_if = "Option::is_none")]
            required: Option<Required>,
            status: Status,
            count: u32,
            needed: u32,
            #[serde(skip_serializing_if = "is_zero")]
            late: u32,
            #[serde(flatten)]
            notes: &'r Option<std::sync::Arc<RowNotes<'p>>>,
            events: &'r Counted<'p, 'e>,
        }
        Row {
            citation: self.citation(),
            action: self.action(),
            subject: self.subject,
            period: self.period,
            due: self.due,
            required: self.required(),
            status: self.status,
            count: self.count,
            needed: self.needed,
            late: self.late,
            notes: &self.notes,
            events: &self.events,
        }
        .serialize(s)
    }
}

/// What only some rows carry.
#[derive(Debug, Clone, Serialize)]
pub struct RowNotes<'p> {
    /// To whom.
    #[serde(skip_serializing_if = "Recipients::is_empty")]
    pub recipients: Recipients<'p>,
    /// The organisation's reading the verdict rests on, when the regulation
    /// leaves the frequency unstated (never the article).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading: Option<&'p str>,
    /// Recipients that have not yet received what is required.
    #[serde(skip_serializing_if = "Missing::is_empty")]
    pub missing: Missing<'p>,
    /// For an obligation owed by each holder of a post: the person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<Holder<'p>>,
}

/// Some of a row's recipients: those that have not yet received what is
/// required (a set over the recipients, so rows share it without copying
/// names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missing<'p> {
    pub(crate) of: Recipients<'p>,
    /// Bit `k`: the `k`-th recipient (an obligation names at most 128).
    pub(crate) mask: u128,
}

impl<'p> Missing<'p> {
    /// None missing.
    pub fn is_empty(&self) -> bool {
        self.mask == 0
    }

    /// The recipients missing, in the obligation's order.
    pub fn names(&self) -> impl Iterator<Item = &'p str> + '_ {
        let of = self.of;
        let mask = self.mask;
        of.named
            .iter()
            .map(String::as_str)
            .chain(of.superior)
            .enumerate()
            .filter(move |(k, _)| *k < 128 && mask & (1u128 << k) != 0)
            .map(|(_, n)| n)
    }
}

impl Serialize for Missing<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.names())
    }
}

/// The person who owes a row of an obligation owed by each holder of a
/// post (`each 班子成员 of …`): whoever holds the post in the subject unit
/// on the period's last day (on the assessment date while it is open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Holder<'p> {
    /// The person.
    pub person: &'p str,
    /// The post held.
    pub position: &'p str,
    /// For a seat held by virtue of another post: that post.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<crate::who::Via<'p>>,
}

impl fmt::Display for Holder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.via {
            None => write!(f, "{} ({})", self.person, self.position),
            Some(v) => write!(
                f,
                "{} ({}, as {} of {})",
                self.person, self.position, v.position, v.unit
            ),
        }
    }
}

impl<'p> PeriodCompliance<'p, '_> {
    /// To whom; `None` when the obligation names no recipient.
    pub fn recipients(&self) -> Option<Recipients<'p>> {
        self.notes
            .as_ref()
            .map(|n| n.recipients)
            .filter(|r| !r.is_empty())
    }

    /// The reading the verdict rests on, if any.
    pub fn reading(&self) -> Option<&'p str> {
        self.notes.as_ref().and_then(|n| n.reading)
    }

    /// Recipients still missing.
    pub fn missing(&self) -> Vec<&'p str> {
        self.notes
            .as_ref()
            .map_or_else(Vec::new, |n| n.missing.names().collect())
    }

    /// The person who owes it, for an obligation owed by each holder of a post.
    pub fn holder(&self) -> Option<Holder<'p>> {
        self.notes.as_ref().and_then(|n| n.holder)
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// To whom an obligation is owed, for one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recipients<'p> {
    /// The units the obligation names.
    pub named: &'p [String],
    /// The subject's superior, for `to superior [KIND]`.
    pub superior: Option<&'p str>,
    /// `to any of`: one recipient suffices.
    pub any: bool,
}

impl Recipients<'_> {
    /// No recipient named.
    pub fn is_empty(&self) -> bool {
        self.named.is_empty() && self.superior.is_none()
    }

    /// Every recipient, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.named.iter().map(String::as_str).chain(self.superior)
    }
}

impl Serialize for Recipients<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.names())
    }
}

impl fmt::Display for Recipients<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.any {
            write!(f, "any of ")?;
        }
        for (i, n) in self.names().enumerate() {
            write!(f, "{}{n}", if i == 0 { "" } else { ", " })?;
        }
        Ok(())
    }
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
    /// The regulation states no time limit (`promptly`); answered.
    Answered,
    /// The regulation states no time limit (`promptly`); not answered yet.
    Unanswered,
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
    /// For an obligation owed by each holder of a post: the person who
    /// held it when the event occurred.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<Holder<'p>>,
    /// The triggering event.
    pub trigger: EventRef<'e>,
    /// The deadline; absent when the regulation states no time limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<NaiveDateTime>,
    /// The organisation's reading the deadline rests on, when the
    /// regulation states no time limit (never the article).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading: Option<&'p str>,
    /// To whom.
    #[serde(skip_serializing_if = "Recipients::is_empty")]
    pub recipients: Recipients<'p>,
    /// The answering event, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<EventRef<'e>>,
    /// Minutes from the triggering event to its answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed_minutes: Option<i64>,
    /// The verdict.
    pub status: ReactionStatus,
}

/// Whether an action that needs approval had it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    /// Every step was done before it, in order, by whom the chain names.
    Approved,
    /// A step is missing (or came after it, or out of order).
    Unapproved,
    /// It was done before the policy took effect.
    NotAssessed,
}

impl fmt::Display for ApprovalStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ApprovalStatus::Approved => "approved",
            ApprovalStatus::Unapproved => "unapproved",
            ApprovalStatus::NotAssessed => "not assessed",
        })
    }
}

/// One step of an approval chain, and the event that did it.
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalStep<'p, 'e> {
    /// The approving action.
    pub action: &'p str,
    /// Who may do it (any one of them); empty for anyone.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by: Vec<&'p str>,
    /// The event that did it, before the action and after the step before;
    /// absent when none did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<EventRef<'e>>,
}

/// An action that needs approval (`approval per …`), and its approvals.
#[derive(Debug, Clone, Serialize)]
pub struct Approval<'p, 'e> {
    /// The article.
    pub citation: &'p str,
    /// The action that needs approval.
    pub action: &'p str,
    /// Who did it.
    pub subject: Subject<'p>,
    /// The event.
    pub event: EventRef<'e>,
    /// The steps, in order.
    pub steps: Vec<ApprovalStep<'p, 'e>>,
    /// The verdict.
    pub status: ApprovalStatus,
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
    /// Actions that need approval, by chain, subject and time.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<Approval<'p, 'e>>,
    /// The policy states no effective date: the periods are assessed as if
    /// it applied, but whether it did is not known.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub applicability_unknown: bool,
}

/// One row of a compliance answer, as [`ComplianceStream::for_each`] hands
/// it over. As JSON, an object with one key naming the kind of row:
/// `{"period": {…}}`, `{"reaction": {…}}` or `{"approval": {…}}`, each
/// row as it appears in [`ComplianceAnswer`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceRow<'p, 'e> {
    /// A periodic obligation's period.
    Period(PeriodCompliance<'p, 'e>),
    /// An event-driven obligation's triggering event.
    Reaction(Reaction<'p, 'e>),
    /// An action that needs approval.
    Approval(Approval<'p, 'e>),
}

/// What a streamed compliance query found, in total: the dates, and how
/// many rows of each verdict it handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ComplianceSummary {
    /// The date of assessment.
    pub as_of: NaiveDate,
    /// Periods are assessed from the one containing this date.
    pub from: NaiveDate,
    /// Periods met.
    pub met: usize,
    /// Periods missed.
    pub missed: usize,
    /// Periods still open and not yet met.
    pub pending: usize,
    /// Periods not assessed (before the effective date).
    pub not_assessed: usize,
    /// Periods of obligations whose frequency is not stated.
    pub not_stated: usize,
    /// Rows of event-driven obligations.
    pub reactions: usize,
    /// Actions that need approval.
    pub approvals: usize,
    /// As in [`ComplianceAnswer::applicability_unknown`].
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub applicability_unknown: bool,
}

impl ComplianceSummary {
    fn count_period(&mut self, status: Status) {
        match status {
            Status::Met => self.met += 1,
            Status::Missed => self.missed += 1,
            Status::Pending => self.pending += 1,
            Status::NotAssessed => self.not_assessed += 1,
            Status::NotStated => self.not_stated += 1,
        }
    }

    fn count(&mut self, row: &ComplianceRow<'_, '_>) {
        match row {
            ComplianceRow::Period(p) => self.count_period(p.status),
            ComplianceRow::Reaction(_) => self.reactions += 1,
            ComplianceRow::Approval(_) => self.approvals += 1,
        }
    }
}

/// A compliance query checked and ready to run, handing each row over as
/// it is made instead of collecting the answer
/// ([`crate::Policy::compliance_stream`]). The rows come obligation by
/// obligation in declaration order (periodic and event-driven alike), then
/// the approvals; [`ComplianceAnswer`] holds the same rows grouped by kind,
/// each kind in this order.
#[derive(Debug, Clone, Copy)]
pub struct ComplianceStream<'p, 'e> {
    pub(crate) c: &'p crate::compile::Compiled,
    pub(crate) log: &'e crate::events::EventLog,
    pub(crate) as_of: NaiveDate,
    pub(crate) from: NaiveDate,
    pub(crate) only: Option<crate::check::TargetId>,
}

/// Hands rows to a callback until it fails.
struct Each<F, E> {
    f: F,
    summary: ComplianceSummary,
    failed: Option<E>,
}

impl<F, E> Each<F, E> {
    fn give<'p, 'e>(&mut self, row: ComplianceRow<'p, 'e>)
    where
        F: FnMut(ComplianceRow<'p, 'e>) -> Result<(), E>,
    {
        if self.failed.is_some() {
            return;
        }
        self.summary.count(&row);
        if let Err(e) = (self.f)(row) {
            self.failed = Some(e);
        }
    }
}

impl<'p, 'e, F, E> crate::eval::compliance::Sink<'p, 'e> for Each<F, E>
where
    F: FnMut(ComplianceRow<'p, 'e>) -> Result<(), E>,
{
    fn period(&mut self, row: PeriodCompliance<'p, 'e>) {
        self.give(ComplianceRow::Period(row));
    }
    fn reaction(&mut self, row: Reaction<'p, 'e>) {
        self.give(ComplianceRow::Reaction(row));
    }
    fn approval(&mut self, row: Approval<'p, 'e>) {
        self.give(ComplianceRow::Approval(row));
    }
    fn stopped(&self) -> bool {
        self.failed.is_some()
    }
}

impl<'p, 'e> ComplianceStream<'p, 'e> {
    /// The date of assessment, and the date periods are assessed from.
    pub fn dates(&self) -> (NaiveDate, NaiveDate) {
        (self.as_of, self.from)
    }

    /// Runs the query, calling `f` with each row as it is made; the first
    /// error `f` returns ends the query and is returned. Memory stays
    /// that of one subject's rows, whatever the size of the answer.
    pub fn for_each<E>(
        self,
        f: impl FnMut(ComplianceRow<'p, 'e>) -> Result<(), E>,
    ) -> Result<ComplianceSummary, E> {
        let mut each = Each {
            f,
            summary: ComplianceSummary {
                as_of: self.as_of,
                from: self.from,
                applicability_unknown: self.c.header.effective.is_none(),
                ..ComplianceSummary::default()
            },
            failed: None,
        };
        crate::eval::compliance::assess(
            self.c, self.log, self.as_of, self.from, self.only, &mut each,
        );
        match each.failed {
            Some(e) => Err(e),
            None => Ok(each.summary),
        }
    }
}

impl fmt::Display for ComplianceSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "compliance as of {} (from {}): {} met, {} missed, {} pending, {} not assessed",
            self.as_of, self.from, self.met, self.missed, self.pending, self.not_assessed
        )?;
        if self.not_stated > 0 {
            write!(f, ", {} with no frequency stated", self.not_stated)?;
        }
        Ok(())
    }
}

impl ComplianceAnswer<'_, '_> {
    /// How many periods have each status: met, missed, pending, not
    /// assessed (including those whose frequency is not stated).
    pub fn tally(&self) -> [usize; 4] {
        let mut t = [0; 4];
        for p in &self.periods {
            let i = match p.status {
                Status::Met => 0,
                Status::Missed => 1,
                Status::Pending => 2,
                Status::NotAssessed | Status::NotStated => 3,
            };
            if let Some(x) = t.get_mut(i) {
                *x += 1;
            }
        }
        t
    }
}

/// `s` padded with spaces to `width` terminal columns (CJK characters are
/// two), as a cell of the table. Written in place.
fn pad(s: &str, width: usize) -> Padded<&str> {
    Padded {
        value: s,
        width,
        wide: true,
    }
}

/// A value padded with spaces on the right to `width` columns, counted by
/// display width when `wide`, else by characters (as `{:<width}` counts).
/// The value is written into a buffer on the stack first, so a row of the
/// table allocates nothing.
struct Padded<T> {
    value: T,
    width: usize,
    wide: bool,
}

/// A cell counted by characters.
fn cell<T: fmt::Display>(value: T, width: usize) -> Padded<T> {
    Padded {
        value,
        width,
        wide: false,
    }
}

/// Text written on the stack while it fits, else on the heap.
struct CellText {
    buf: [u8; 64],
    len: usize,
    spill: String,
}

impl fmt::Write for CellText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.spill.is_empty() {
            let end = self.len + s.len();
            if let Some(to) = self.buf.get_mut(self.len..end) {
                to.copy_from_slice(s.as_bytes());
                self.len = end;
                return Ok(());
            }
            let head = self.as_str().to_string();
            self.spill = head;
        }
        self.spill.push_str(s);
        Ok(())
    }
}

impl CellText {
    fn as_str(&self) -> &str {
        if !self.spill.is_empty() {
            return &self.spill;
        }
        // Only whole `&str`s are copied in, so the bytes are UTF-8.
        self.buf
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

impl<T: fmt::Display> fmt::Display for Padded<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = CellText {
            buf: [0; 64],
            len: 0,
            spill: String::new(),
        };
        fmt::write(&mut text, format_args!("{}", self.value))?;
        let s = text.as_str();
        f.write_str(s)?;
        let used = if s.is_ascii() {
            s.len()
        } else if self.wide {
            crate::source::display_width(s)
        } else {
            s.chars().count()
        };
        let mut left = self.width.saturating_sub(used);
        const SPACES: &str = "                                ";
        while left > 0 {
            let n = left.min(SPACES.len());
            f.write_str(SPACES.get(..n).unwrap_or_default())?;
            left -= n;
        }
        Ok(())
    }
}

fn subject_name(s: Subject<'_>) -> &str {
    match s {
        Subject::Unit(n) | Subject::Matter(n) | Subject::MatterKind(n) => n,
    }
}

/// Who owes a row: the subject, and the person when a post's holder owes it.
fn owed_by<'a>(s: Subject<'a>, holder: Option<Holder<'a>>) -> OwedBy<'a> {
    OwedBy(s, holder)
}

struct OwedBy<'a>(Subject<'a>, Option<Holder<'a>>);

impl fmt::Display for OwedBy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(subject_name(self.0))?;
        if let Some(h) = &self.1 {
            write!(f, " {h}")?;
        }
        Ok(())
    }
}

/// The required count of a row, or that the policy does not state one.
struct RequiredText(Option<Required>);

impl fmt::Display for RequiredText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(r) => write!(f, "{r}"),
            None => f.write_str("not stated"),
        }
    }
}

impl ComplianceAnswer<'_, '_> {
    /// The totals, as [`ComplianceStream::for_each`] gives them.
    pub fn summary(&self) -> ComplianceSummary {
        let mut sum = ComplianceSummary {
            as_of: self.as_of,
            from: self.from,
            applicability_unknown: self.applicability_unknown,
            ..ComplianceSummary::default()
        };
        for p in &self.periods {
            sum.count_period(p.status);
        }
        sum.reactions = self.reactions.len();
        sum.approvals = self.approvals.len();
        sum
    }
}

impl fmt::Display for ComplianceAnswer<'_, '_> {
    /// The table: the heading, then a line per row.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.summary().heading())?;
        for p in &self.periods {
            writeln!(f, "{p}")?;
        }
        for r in &self.reactions {
            writeln!(f, "{r}")?;
        }
        for a in &self.approvals {
            writeln!(f, "{a}")?;
        }
        Ok(())
    }
}

/// The heading of a compliance table: the totals, a line when
/// applicability is unknown, and the column names.
#[derive(Debug, Clone, Copy)]
pub struct Heading(ComplianceSummary);

impl ComplianceSummary {
    /// The heading of the table that [`ComplianceAnswer`]'s `Display`
    /// writes (each line ending in a newline); the rows' own `Display`
    /// writes each of its lines.
    pub fn heading(&self) -> Heading {
        Heading(*self)
    }
}

impl fmt::Display for Heading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.0)?;
        if self.0.applicability_unknown {
            writeln!(f, "  applicability unknown: the policy states no effective date; the verdicts assume it applied")?;
        }
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
        )
    }
}

impl fmt::Display for PeriodCompliance<'_, '_> {
    /// The row's line of the table.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self;
        write!(
            f,
            "{} {} {} {:>5} {} {:>4}  {} {} {}",
            cell(p.status, 12),
            cell(p.period, 10),
            cell(crate::dates::Iso(p.due), 10),
            p.count,
            cell(RequiredText(p.required()), 12),
            p.needed,
            pad(p.citation(), 14),
            pad(p.action(), 12),
            owed_by(p.subject, p.holder())
        )?;
        if !p.missing().is_empty() {
            write!(f, " — not yet to {}", p.missing().join(", "))?;
        }
        if let Some(r) = p.reading() {
            write!(f, " (as read by “{r}”)")?;
        }
        Ok(())
    }
}

impl fmt::Display for Reaction<'_, '_> {
    /// The row's line of the table.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self;
        let status = match r.status {
            ReactionStatus::OnTime => "on time",
            ReactionStatus::Late => "late",
            ReactionStatus::Overdue => "overdue",
            ReactionStatus::Pending => "pending",
            ReactionStatus::NotAssessed => "not assessed",
            ReactionStatus::Answered => "answered",
            ReactionStatus::Unanswered => "unanswered",
        };
        write!(
            f,
            "{status:<12} {} {} at {} (line {}) → {}",
            r.kind,
            owed_by(r.subject, r.holder),
            r.trigger.0.date,
            r.trigger.0.line,
            r.action,
        )?;
        match r.deadline {
            Some(d) => write!(f, " by {d}")?,
            None => write!(f, ", time limit not stated")?,
        }
        if let Some(rd) = r.reading {
            write!(f, " (as read by “{rd}”)")?;
        }
        if let Some(a) = r.answer {
            write!(f, ": line {} on {}", a.0.line, a.0.date)?;
            if let Some(m) = r.elapsed_minutes {
                write!(f, " after {}", elapsed(m))?;
            }
        }
        write!(f, " [{}]", r.citation)
    }
}

impl fmt::Display for Approval<'_, '_> {
    /// The row's line of the table.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self;
        write!(
            f,
            "{:<12} {} {} on {} (line {}):",
            a.status.to_string(),
            a.action,
            subject_name(a.subject),
            a.event.0.date,
            a.event.0.line,
        )?;
        for (i, s) in a.steps.iter().enumerate() {
            let then = if i == 0 { " " } else { ", then " };
            match s.event {
                Some(e) => write!(f, "{then}{} line {}", s.action, e.0.line)?,
                None => write!(f, "{then}no {}", s.action)?,
            }
            if !s.by.is_empty() {
                write!(f, " (by {})", s.by.join(" or "))?;
            }
        }
        write!(f, " [{}]", a.citation)
    }
}

impl fmt::Display for ComplianceRow<'_, '_> {
    /// The row's line of the table.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ComplianceRow::Period(p) => p.fmt(f),
            ComplianceRow::Reaction(r) => r.fmt(f),
            ComplianceRow::Approval(a) => a.fmt(f),
        }
    }
}

/// Minutes as days, hours and minutes: `2 d 3 h`, `45 min`.
fn elapsed(m: i64) -> String {
    let (d, h, min) = (m / 1440, (m % 1440) / 60, m % 60);
    match (d, h, min) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
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
    /// For an obligation owed by each holder of a post: the person who
    /// holds it on the period's last day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<Holder<'p>>,
    /// The period it is due for.
    pub period: Period,
    /// To whom.
    #[serde(skip_serializing_if = "Recipients::is_empty")]
    pub recipients: Recipients<'p>,
    /// How many times.
    pub required: Required,
    /// The organisation's reading the cadence rests on, when the regulation
    /// states no frequency (never the article).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading: Option<&'p str>,
    /// False for a period that began before the policy took effect.
    pub assessed: bool,
}

/// An obligation the regulation gives no frequency (`regularly`) and no
/// reading makes one: it is listed, with no due date.
#[derive(Debug, Clone, Serialize)]
pub struct Unstated<'p> {
    /// The article.
    pub citation: &'p str,
    /// The action required.
    pub action: &'p str,
    /// Who must do it.
    pub subject: Subject<'p>,
    /// For an obligation owed by each holder of a post: the person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<Holder<'p>>,
    /// To whom.
    #[serde(skip_serializing_if = "Recipients::is_empty")]
    pub recipients: Recipients<'p>,
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
    /// Obligations whose frequency the regulation does not state, by
    /// obligation and subject.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unstated: Vec<Unstated<'p>>,
    /// The policy states no effective date: what falls due is listed as if
    /// it applied, but whether it did is not known.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub applicability_unknown: bool,
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
        if self.applicability_unknown {
            writeln!(f, "  applicability unknown: the policy states no effective date; listed as if it applied")?;
        }
        for i in &self.items {
            write!(
                f,
                "{}  {} {} {} {} {}",
                i.due,
                cell(i.period, 10),
                cell(i.required, 12),
                pad(i.citation, 14),
                pad(i.action, 12),
                owed_by(i.subject, i.holder)
            )?;
            if !i.recipients.is_empty() {
                write!(f, " → {}", i.recipients)?;
            }
            if let Some(r) = i.reading {
                write!(f, " (as read by “{r}”)")?;
            }
            if !i.assessed {
                write!(f, " (before the policy took effect)")?;
            }
            writeln!(f)?;
        }
        for u in &self.unstated {
            write!(
                f,
                "frequency not stated  {} {} {}",
                pad(u.citation, 14),
                pad(u.action, 12),
                owed_by(u.subject, u.holder)
            )?;
            if !u.recipients.is_empty() {
                write!(f, " → {}", u.recipients)?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
