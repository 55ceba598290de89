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

use crate::check::ObligationM;
use crate::check::{CadenceM, DeadlineM, SubjectM, TargetId};
use crate::compile::Compiled;
use crate::eval::who::Subject;
use crate::events::{EventLog, LoggedEvent, What};
use crate::period::Period;
use crate::period::PeriodKind;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
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
    slice: &'e [LoggedEvent],
    recipients: &'p [u32],
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

pub(crate) fn subjects(c: &Compiled, s: &SubjectM) -> Vec<TargetId> {
    match s {
        SubjectM::Unit(u) => vec![TargetId::Unit(*u)],
        SubjectM::EachUnit(kinds) => {
            let mut v: Vec<u32> = kinds
                .iter()
                .flat_map(|k| c.units_of_kind.get(*k).iter().copied())
                .collect();
            v.sort_unstable();
            v.dedup();
            v.into_iter().map(TargetId::Unit).collect()
        }
        SubjectM::EachMatter(kinds) => {
            let mut v: Vec<u32> = kinds
                .iter()
                .flat_map(|k| c.matters_of_kind.get(*k).iter().copied())
                .collect();
            v.sort_unstable();
            v.dedup();
            v.into_iter().map(TargetId::Matter).collect()
        }
    }
}

/// An obligation's action name and recipient names.
fn names_of(c: &Compiled, obligation: usize, action: u32) -> (&str, &[String]) {
    let name = c
        .actions
        .get(action as usize)
        .map(String::as_str)
        .unwrap_or("");
    let recipients = c
        .obligation_recipients
        .get(obligation)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    (name, recipients)
}

pub(crate) fn subject_of(c: &Compiled, t: TargetId) -> Subject<'_> {
    match t {
        TargetId::Unit(u) => Subject::Unit(
            c.units
                .get(u as usize)
                .map(|x| x.name.as_str())
                .unwrap_or(""),
        ),
        TargetId::Matter(m) => Subject::Matter(
            c.matters
                .get(m as usize)
                .map(|x| x.name.as_str())
                .unwrap_or(""),
        ),
    }
}

/// The due date of a period: its deadline, else its last day.
fn due_of(period: &Period, deadline: Option<DeadlineM>) -> NaiveDate {
    match deadline {
        None => period.end,
        Some(DeadlineM::MonthDay(m, d)) => {
            NaiveDate::from_ymd_opt(chrono::Datelike::year(&period.start), m, d)
                .unwrap_or(period.end)
        }
        Some(DeadlineM::Day(n)) => period.day(n).unwrap_or(period.end),
    }
}

/// How many rows a periodic answer over `from..=to` would have.
pub(crate) fn rows(c: &Compiled, from: NaiveDate, to: NaiveDate, only: Option<TargetId>) -> u64 {
    c.obligations
        .iter()
        .map(|o| {
            let CadenceM::Periodic { period, .. } = o.cadence else {
                return 0;
            };
            let periods =
                Period::containing(period, to).index - Period::containing(period, from).index + 1;
            let targets = match only {
                Some(t) => u64::from(subjects(c, &o.subject).contains(&t)),
                None => subjects(c, &o.subject).len() as u64,
            };
            targets.saturating_mul(u64::try_from(periods).unwrap_or(0))
        })
        .fold(0u64, u64::saturating_add)
}

/// What one compliance query asks: the policy, the log, the dates and the
/// unit it is limited to.
struct Query<'p, 'e> {
    c: &'p Compiled,
    log: &'e EventLog,
    as_of: NaiveDate,
    from: NaiveDate,
    only: Option<TargetId>,
    effective: Option<NaiveDate>,
}

pub(crate) fn compliance<'p, 'e>(
    c: &'p Compiled,
    log: &'e EventLog,
    as_of: NaiveDate,
    from: NaiveDate,
    only: Option<TargetId>,
) -> ComplianceAnswer<'p, 'e> {
    let q = Query {
        c,
        log,
        as_of,
        from,
        only,
        effective: c.header.effective,
    };
    let mut periods = Vec::new();
    let mut reactions = Vec::new();
    for (oi, o) in c.obligations.iter().enumerate() {
        match o.cadence {
            CadenceM::Periodic {
                min,
                max,
                period,
                deadline,
            } => q.periodic(oi, o, (min, max, period, deadline), &mut periods),
            CadenceM::Reactive {
                within,
                hours,
                event,
            } => q.reactive(oi, o, (within, hours, event), &mut reactions),
        }
    }
    ComplianceAnswer {
        as_of,
        from,
        periods,
        reactions,
    }
}

impl<'p, 'e> Query<'p, 'e> {
    /// Periodic obligations: one row per subject and period, from the
    /// period containing `from` to the one containing `as_of`.
    fn periodic(
        &self,
        oi: usize,
        o: &'p ObligationM,
        (min, max, period, deadline): (u32, Option<u32>, PeriodKind, Option<DeadlineM>),
        out: &mut Vec<PeriodCompliance<'p, 'e>>,
    ) {
        let Query {
            c,
            log,
            as_of,
            from,
            only,
            effective,
        } = *self;
        let (action, recipients) = names_of(c, oi, o.action);
        let targets = subjects(c, &o.subject);
        let required = Required {
            at_least: min,
            at_most: max,
        };
        let first = Period::containing(period, from);
        let span =
            usize::try_from(Period::containing(period, as_of).index - first.index + 1).unwrap_or(1);
        out.reserve(
            targets
                .len()
                .saturating_mul(span)
                .min(crate::limits::MAX_ROWS),
        );
        // Targets and the action's events are both in subject order:
        // walk them together instead of searching per subject.
        let all = log.of_what(What::Action(o.action));
        let mut cursor = 0usize;
        for t in targets.into_iter().filter(|t| only.is_none_or(|o| o == *t)) {
            while all.get(cursor).is_some_and(|e| e.subject < t) {
                cursor += 1;
            }
            let start = cursor;
            while all.get(cursor).is_some_and(|e| e.subject == t) {
                cursor += 1;
            }
            let evs = all.get(start..cursor).unwrap_or(&[]);
            let subject = subject_of(c, t);
            let mut p = first;
            while p.start <= as_of {
                let due = due_of(&p, deadline);
                let counted_to = due.min(p.end).min(as_of);
                let lo = evs.partition_point(|e| e.date < p.start);
                let hi = evs.partition_point(|e| e.date <= counted_to);
                let late_to = p.end.min(as_of);
                let late_hi = evs.partition_point(|e| e.date <= late_to);
                let counted = Counted {
                    slice: evs.get(lo..hi.max(lo)).unwrap_or(&[]),
                    recipients: &o.recipients,
                };
                let late_events = Counted {
                    slice: evs.get(hi.max(lo)..late_hi.max(hi).max(lo)).unwrap_or(&[]),
                    recipients: &o.recipients,
                };
                let count = u32::try_from(counted.len()).unwrap_or(u32::MAX);
                let late = u32::try_from(late_events.len()).unwrap_or(u32::MAX);
                let over = max.is_some_and(|m| count > m);
                let status = if effective.is_some_and(|e| p.start < e) {
                    Status::NotAssessed
                } else if due < as_of {
                    if count >= min && !over {
                        Status::Met
                    } else {
                        Status::Missed
                    }
                } else if over {
                    Status::Missed
                } else if count >= min && max.is_none() {
                    Status::Met
                } else {
                    Status::Pending
                };
                out.push(PeriodCompliance {
                    citation: o.citation.as_str(),
                    action,
                    subject,
                    period: p,
                    due,
                    recipients,
                    required,
                    status,
                    count,
                    needed: min.saturating_sub(count),
                    late,
                    events: counted,
                });
                match p.next() {
                    Some(n) => p = n,
                    None => break,
                }
            }
        }
    }

    /// Event-driven obligations: one row per triggering event, with the
    /// answer found for it and whether it came in time.
    fn reactive(
        &self,
        oi: usize,
        o: &'p ObligationM,
        (within, hours, event): (u32, bool, u32),
        out: &mut Vec<Reaction<'p, 'e>>,
    ) {
        let Query {
            c,
            log,
            as_of,
            from,
            only,
            effective,
        } = *self;
        let (action, recipients) = names_of(c, oi, o.action);
        let targets = subjects(c, &o.subject);
        let kind = c
            .event_kinds
            .get(event as usize)
            .map(String::as_str)
            .unwrap_or("");
        for t in targets.into_iter().filter(|t| only.is_none_or(|o| o == *t)) {
            let (trig_at, triggers) = log.slice(What::Kind(event), t);
            let (_, answers) = log.slice(What::Action(o.action), t);
            let picker = AnswerPicker::new(answers, as_of);
            let mut next_free = 0usize;
            let subject = subject_of(c, t);
            for (ti, trig) in triggers.iter().enumerate() {
                if trig.date < from || trig.date > as_of {
                    continue;
                }
                let at = when(trig);
                let end_of = |d: NaiveDate| {
                    NaiveDateTime::new(
                        d,
                        NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
                    )
                };
                let deadline = if hours && trig.time.is_some() {
                    at.checked_add_signed(TimeDelta::hours(i64::from(within)))
                        .unwrap_or(at)
                } else if hours {
                    end_of(trig.date)
                } else {
                    end_of(
                        trig.date
                            .checked_add_days(chrono::Days::new(u64::from(within)))
                            .unwrap_or(trig.date),
                    )
                };
                let answer = picker.pick(trig_at + ti, at, &mut next_free);
                let status = if effective.is_some_and(|e| trig.date < e) {
                    ReactionStatus::NotAssessed
                } else {
                    match answer {
                        Some(a) if when(a) <= deadline => ReactionStatus::OnTime,
                        Some(_) => ReactionStatus::Late,
                        None if deadline.date() < as_of => ReactionStatus::Overdue,
                        None => ReactionStatus::Pending,
                    }
                };
                out.push(Reaction {
                    citation: o.citation.as_str(),
                    action,
                    subject,
                    kind,
                    trigger: EventRef(trig),
                    deadline,
                    recipients,
                    answer: answer.map(EventRef),
                    status,
                });
            }
        }
    }
}

/// When an event happened, a missing time counting as midnight.
fn when(e: &LoggedEvent) -> NaiveDateTime {
    NaiveDateTime::new(e.date, e.time.unwrap_or(NaiveTime::MIN))
}

/// Finds the answer to each triggering event of one subject in O(log n):
/// the answer that names the trigger by `ref`, else the first unused,
/// unreferenced answer at or after it.
///
/// Triggers are visited in time order, so the unreferenced answers picked
/// form an increasing sequence: the first unused one at or after a trigger
/// is the later of its lower bound and the slot after the last pick.
struct AnswerPicker<'e> {
    answers: &'e [LoggedEvent],
    /// `(trigger index, answer index)`, sorted, first answer per trigger.
    by_ref: Vec<(usize, usize)>,
    /// Indices of the answers that name no trigger, in time order.
    free: Vec<usize>,
    as_of: NaiveDate,
}

impl<'e> AnswerPicker<'e> {
    fn new(answers: &'e [LoggedEvent], as_of: NaiveDate) -> Self {
        let mut by_ref: Vec<(usize, usize)> = answers
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.reference.map(|r| (r as usize, i)))
            .collect();
        by_ref.sort_unstable();
        by_ref.dedup_by_key(|x| x.0);
        let free = answers
            .iter()
            .enumerate()
            .filter(|(_, a)| a.reference.is_none())
            .map(|(i, _)| i)
            .collect();
        AnswerPicker {
            answers,
            by_ref,
            free,
            as_of,
        }
    }

    fn pick(
        &self,
        trigger: usize,
        at: NaiveDateTime,
        next_free: &mut usize,
    ) -> Option<&'e LoggedEvent> {
        if let Ok(k) = self.by_ref.binary_search_by_key(&trigger, |x| x.0) {
            let i = self.by_ref.get(k)?.1;
            return self.answers.get(i).filter(|a| a.date <= self.as_of);
        }
        let lower = self
            .free
            .partition_point(|&i| self.answers.get(i).is_some_and(|a| when(a) < at));
        let slot = lower.max(*next_free);
        let a = self.answers.get(*self.free.get(slot)?)?;
        if a.date > self.as_of {
            return None;
        }
        *next_free = slot + 1;
        Some(a)
    }
}

pub(crate) fn calendar(
    c: &Compiled,
    from: NaiveDate,
    to: NaiveDate,
    only: Option<TargetId>,
) -> CalendarAnswer<'_> {
    let effective = c.header.effective;
    let mut items: Vec<(NaiveDate, usize, TargetId, DueItem<'_>)> = Vec::new();
    for (oi, o) in c.obligations.iter().enumerate() {
        let CadenceM::Periodic {
            min,
            max,
            period,
            deadline,
        } = o.cadence
        else {
            continue;
        };
        let (action, recipients) = names_of(c, oi, o.action);
        let periods: Vec<Period> = {
            let mut v = Vec::new();
            let mut p = Period::containing(period, from);
            while p.start <= to {
                if (from..=to).contains(&due_of(&p, deadline)) {
                    v.push(p);
                }
                match p.next() {
                    Some(n) => p = n,
                    None => break,
                }
            }
            v
        };
        for t in subjects(c, &o.subject)
            .into_iter()
            .filter(|t| only.is_none_or(|o| o == *t))
        {
            for p in &periods {
                let due = due_of(p, deadline);
                items.push((
                    due,
                    oi,
                    t,
                    DueItem {
                        due,
                        citation: o.citation.as_str(),
                        action,
                        subject: subject_of(c, t),
                        period: *p,
                        recipients,
                        required: Required {
                            at_least: min,
                            at_most: max,
                        },
                        assessed: effective.is_none_or(|e| p.start >= e),
                    },
                ));
            }
        }
    }
    let key = |t: &TargetId| match t {
        TargetId::Unit(u) => (0u8, *u),
        TargetId::Matter(m) => (1u8, *m),
    };
    // (due, obligation, subject) is unique per row (one period per due
    // date), so an unstable sort is deterministic and needs no buffer.
    items.sort_unstable_by_key(|a| (a.0, a.1, key(&a.2)));
    CalendarAnswer {
        from,
        to,
        items: items.into_iter().map(|(_, _, _, i)| i).collect(),
    }
}
