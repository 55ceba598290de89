//! The algorithm behind [`crate::compliance`]; the answer types live there.

use crate::check::ApproverM;
use crate::check::ObligationM;
use crate::check::{CadenceM, DeadlineM, InterpretM, RecipientM, SubjectM, TargetId};
use crate::compile::Compiled;
use crate::compliance::*;
use crate::events::{EventLog, LoggedEvent, What};
use crate::ids::{ActionIx, EventKindIx, MatterIx, ObligationIx, PersonIx, PositionIx, UnitIx};
use crate::period::Period;
use crate::period::PeriodKind;
use crate::syntax::ast::RecipientMode;
use crate::who::Subject;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use std::sync::Arc;
pub(crate) fn subjects(c: &Compiled, s: &SubjectM) -> Vec<TargetId> {
    match s {
        SubjectM::Unit(u) => vec![TargetId::Unit(*u)],
        SubjectM::EachUnit(kinds) => {
            let mut v: Vec<UnitIx> = kinds
                .iter()
                .flat_map(|k| c.units_of_kind.get(*k).iter().copied())
                .collect();
            v.sort_unstable();
            v.dedup();
            v.into_iter().map(TargetId::Unit).collect()
        }
        SubjectM::EachMatter(kinds) => {
            let mut v: Vec<MatterIx> = kinds
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
fn names_of(c: &Compiled, obligation: ObligationIx, action: ActionIx) -> (&str, &[String]) {
    let name = c.actions.get(action).as_str();
    let recipients = c.obligation_recipients.get(obligation).as_slice();
    (name, recipients)
}

/// The organisation's reading of an obligation the regulation leaves
/// unstated: one made for its action before one made for every action.
pub(crate) fn reading_of<'p>(
    c: &'p crate::check::Model,
    o: &ObligationM,
) -> Option<&'p InterpretM> {
    let fits = |i: &&InterpretM| match o.cadence {
        CadenceM::Regularly => i.regularly.is_some(),
        CadenceM::Promptly { .. } => i.promptly.is_some(),
        _ => false,
    };
    let specific = c
        .interpretations
        .iter()
        .filter(fits)
        .find(|i| i.actions.contains(&o.action));
    specific.or_else(|| {
        c.interpretations
            .iter()
            .filter(fits)
            .find(|i| i.actions.is_empty())
    })
}

/// How a periodic row is assessed: the cadence, and the reading it rests
/// on; `None` cadence for a frequency the regulation does not state.
pub(crate) type Cadence = (
    Option<(u32, Option<u32>, PeriodKind, Option<DeadlineM>)>,
    Option<String>,
);

/// The periodic cadence an obligation is assessed by, if any.
pub(crate) fn periodic_cadence(c: &crate::check::Model, o: &ObligationM) -> Option<Cadence> {
    match o.cadence {
        CadenceM::Periodic {
            min,
            max,
            period,
            deadline,
        } => Some((Some((min, max, period, deadline)), None)),
        CadenceM::Regularly => match reading_of(c, o) {
            Some(InterpretM {
                name,
                regularly:
                    Some(CadenceM::Periodic {
                        min,
                        max,
                        period,
                        deadline,
                    }),
                ..
            }) => Some((Some((*min, *max, *period, *deadline)), Some(name.clone()))),
            _ => Some((None, None)),
        },
        _ => None,
    }
}

/// The period kind a periodic obligation is assessed by (a year for one
/// whose frequency is not stated); `None` for an event-driven one.
pub(crate) fn assessed_per(c: &crate::check::Model, o: &ObligationM) -> Option<PeriodKind> {
    periodic_cadence(c, o).map(|(cadence, _)| cadence.map_or(PeriodKind::Year, |(_, _, k, _)| k))
}

/// The period kinds an action's periodic obligations are assessed by
/// (a year for one whose frequency is not stated), for a log line's `for`.
pub(crate) fn period_kinds(c: &Compiled, action: ActionIx) -> Vec<PeriodKind> {
    let mut out = Vec::new();
    for o in c.obligations.iter().filter(|o| o.action == action) {
        if let Some((cadence, _)) = periodic_cadence(c, o) {
            let k = cadence.map_or(PeriodKind::Year, |(_, _, k, _)| k);
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }
    out
}

/// The superior a `superior [KIND]` recipient names for a subject: the
/// unit's parent, or its nearest ancestor of that kind.
fn superior_of(c: &Compiled, t: TargetId, kind: Option<crate::ids::UnitKindIx>) -> Option<UnitIx> {
    let TargetId::Unit(u) = t else { return None };
    let mut at = c.units.get(u).parent;
    while let Some(a) = at {
        let unit = c.units.get(a);
        if kind.is_none_or(|k| unit.kind == k) {
            return Some(a);
        }
        at = unit.parent;
    }
    None
}

/// Whether an obligation names a superior (of a kind) as a recipient.
fn superior_wanted(o: &ObligationM) -> Option<Option<crate::ids::UnitKindIx>> {
    o.recipients.iter().find_map(|r| match r {
        RecipientM::Superior(k) => Some(*k),
        RecipientM::Unit(_) => None,
    })
}

pub(crate) fn subject_of(c: &Compiled, t: TargetId) -> Subject<'_> {
    match t {
        TargetId::Unit(u) => Subject::Unit(c.units.get(u).name.as_str()),
        TargetId::Matter(m) => Subject::Matter(c.matters.get(m).name.as_str()),
    }
}

/// A person who owes a row of an obligation owed by each holder of a
/// post: the post held, and the post it is held through for a seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ower {
    person: PersonIx,
    position: PositionIx,
    via: Option<(PositionIx, UnitIx)>,
}

/// The people who owe a row: `[None]` (the subject itself) for an
/// obligation of units or matters; for one owed by each holder of a post,
/// whoever holds one of its posts in the subject unit on `on` (each person
/// once, in declaration order). A matter holds no posts.
fn owers(c: &Compiled, o: &ObligationM, t: TargetId, on: NaiveDate) -> Owers {
    if o.holders.is_empty() {
        return Owers::Subject(Some(None));
    }
    let TargetId::Unit(u) = t else {
        return Owers::People(Vec::new().into_iter());
    };
    let mut v: Vec<Ower> = c
        .unit_tenures
        .get(u)
        .iter()
        .filter(|h| o.holders.contains(&h.position) && h.when.contains(on))
        .map(|h| Ower {
            person: h.person,
            position: h.position,
            via: h.via,
        })
        .collect();
    v.sort_unstable_by_key(|w| (w.person, w.position));
    v.dedup_by_key(|w| w.person);
    Owers::People(v.into_iter())
}

/// Who owes a row, without an allocation for the common case (the subject).
enum Owers {
    Subject(Option<Option<Ower>>),
    People(std::vec::IntoIter<Ower>),
}

impl Iterator for Owers {
    type Item = Option<Ower>;
    fn next(&mut self) -> Option<Option<Ower>> {
        match self {
            Owers::Subject(once) => once.take(),
            Owers::People(v) => v.next().map(Some),
        }
    }
}

fn holder_of(c: &Compiled, ower: Option<Ower>) -> Option<Holder<'_>> {
    let w = ower?;
    Some(Holder {
        person: c.people.get(w.person).as_str(),
        position: c.positions.get(w.position).name.as_str(),
        via: w.via.map(|(p, u)| crate::who::Via {
            position: c.positions.get(p).name.as_str(),
            unit: c.units.get(u).name.as_str(),
        }),
    })
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
            let periods = i64::from(Period::containing(period, to).index)
                - i64::from(Period::containing(period, from).index)
                + 1;
            let owing = |t: &TargetId| match t {
                _ if o.holders.is_empty() => 1,
                // At most every holding of the posts in the unit.
                TargetId::Unit(u) => c
                    .unit_tenures
                    .get(*u)
                    .iter()
                    .filter(|h| o.holders.contains(&h.position))
                    .count() as u64,
                TargetId::Matter(_) => 0,
            };
            let targets: u64 = subjects(c, &o.subject)
                .iter()
                .filter(|t| only.is_none_or(|o| o == **t))
                .map(owing)
                .sum();
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

/// Where a compliance query puts what it finds, in answer order: periodic
/// rows and event-driven rows obligation by obligation, then approvals.
/// `stopped` is asked between subjects: once true, the query ends early.
pub(crate) trait Sink<'p, 'e> {
    fn period(&mut self, row: PeriodCompliance<'p, 'e>);
    fn reaction(&mut self, row: Reaction<'p, 'e>);
    fn approval(&mut self, row: Approval<'p, 'e>);
    fn stopped(&self) -> bool {
        false
    }
}

/// The whole answer, collected.
struct Collect<'p, 'e>(ComplianceAnswer<'p, 'e>);

impl<'p, 'e> Sink<'p, 'e> for Collect<'p, 'e> {
    fn period(&mut self, row: PeriodCompliance<'p, 'e>) {
        self.0.periods.push(row);
    }
    fn reaction(&mut self, row: Reaction<'p, 'e>) {
        self.0.reactions.push(row);
    }
    fn approval(&mut self, row: Approval<'p, 'e>) {
        self.0.approvals.push(row);
    }
}

pub(crate) fn compliance<'p, 'e>(
    c: &'p Compiled,
    log: &'e EventLog,
    as_of: NaiveDate,
    from: NaiveDate,
    only: Option<TargetId>,
) -> ComplianceAnswer<'p, 'e> {
    // Every periodic row, reserved at once: growing obligation by obligation
    // would copy the rows made so far each time.
    let expected = rows(c, from, as_of, only).min(crate::limits::MAX_ROWS as u64);
    let mut out = Collect(ComplianceAnswer {
        as_of,
        from,
        periods: Vec::with_capacity(usize::try_from(expected).unwrap_or(0)),
        reactions: Vec::new(),
        approvals: Vec::new(),
        applicability_unknown: c.header.effective.is_none(),
    });
    assess(c, log, as_of, from, only, &mut out);
    out.0
}

/// Assesses every obligation and approval chain, handing each row to `out`
/// as it is made.
pub(crate) fn assess<'p, 'e, S: Sink<'p, 'e>>(
    c: &'p Compiled,
    log: &'e EventLog,
    as_of: NaiveDate,
    from: NaiveDate,
    only: Option<TargetId>,
    out: &mut S,
) {
    let q = Query {
        c,
        log,
        as_of,
        from,
        only,
        effective: c.header.effective,
    };
    for (oi, o) in c.obligations.iter_enumerated() {
        if out.stopped() {
            return;
        }
        let (action, recipients) = names_of(c, oi, o.action);
        let ob = Owed {
            o,
            action,
            recipients,
            units: c.obligation_units.get(oi),
            superior: superior_wanted(o),
            targets: subjects(c, &o.subject),
        };
        match o.cadence {
            CadenceM::Periodic { .. } | CadenceM::Regularly => {
                if let Some(cadence) = periodic_cadence(c, o) {
                    q.periodic(ob, cadence, out);
                }
            }
            CadenceM::Reactive {
                within,
                hours,
                event,
            } => q.reactive(ob, Some((within, hours)), None, event, out),
            CadenceM::Promptly { event } => {
                let reading = reading_of(c, o);
                let limit = reading.and_then(|i| i.promptly);
                let name = reading.map(|i| i.name.as_str());
                q.reactive(ob, limit, name, event, out)
            }
        }
    }
    if !out.stopped() {
        q.approvals(out);
    }
}

/// Whether an event was done by one of a step's approvers: a unit the line
/// says did it (`"by"`) or one where its person holds a post that day; a
/// post its person holds that day. Anyone, when the step names nobody.
fn approved_by(c: &Compiled, by: &[ApproverM], e: &LoggedEvent) -> bool {
    if by.is_empty() {
        return true;
    }
    let posts = || {
        e.person
            .into_iter()
            .flat_map(|p| c.person_posts.get(p).iter())
            .filter(|post| post.when.contains(e.date))
    };
    by.iter().any(|b| match *b {
        ApproverM::Unit(u) => e.by == Some(u) || posts().any(|post| post.unit == u),
        ApproverM::Post(p) => posts().any(|post| post.position == p),
    })
}

fn approver_name(c: &Compiled, b: ApproverM) -> &str {
    match b {
        ApproverM::Unit(u) => c.units.get(u).name.as_str(),
        ApproverM::Post(p) => c.positions.get(p).name.as_str(),
    }
}

/// One obligation with what both kinds of assessment need of it.
struct Owed<'p> {
    o: &'p ObligationM,
    action: &'p str,
    recipients: &'p [String],
    /// The units it names as recipients.
    units: &'p [UnitIx],
    /// `Some(kind)` when a superior (of that kind) must receive it too.
    superior: Option<Option<crate::ids::UnitKindIx>>,
    targets: Vec<TargetId>,
}

impl<'p> Owed<'p> {
    /// The recipients for one subject, or `None` when the obligation's only
    /// recipient is a superior the subject does not have (a top unit reports
    /// to no one).
    fn for_subject(&self, c: &'p Compiled, t: TargetId) -> Option<(Want<'p>, Recipients<'p>)> {
        // A subject with no such superior owes the others what it owes;
        // with no other recipient, it owes nothing.
        let superior = match self.superior {
            None => None,
            Some(kind) => match superior_of(c, t, kind) {
                Some(u) => Some(u),
                None if self.units.is_empty() => return None,
                None => None,
            },
        };
        Some((
            Want {
                units: self.units,
                superior,
            },
            Recipients {
                named: self.recipients,
                superior: superior.map(|u| c.units.get(u).name.as_str()),
                any: self.o.mode == RecipientMode::Any,
            },
        ))
    }
}

impl<'p, 'e> Query<'p, 'e> {
    /// Actions that need approval: each one done from `from` to `as_of`,
    /// with the event that did each step before it, in order. An approval
    /// serves one action: the earliest after it that still needs one.
    fn approvals<S: Sink<'p, 'e>>(&self, out: &mut S) {
        let Query {
            c,
            log,
            as_of,
            from,
            only,
            effective,
        } = *self;
        for a in &c.approvals {
            let action = c.actions.get(a.action).as_str();
            for t in subjects(c, &a.subject) {
                if out.stopped() {
                    return;
                }
                if only.is_some_and(|o| o != t) {
                    continue;
                }
                let (_, done) = log.slice(What::Action(a.action), t);
                if !done.iter().any(|g| g.date >= from && g.date <= as_of) {
                    continue;
                }
                // Per step: the events by its approvers, and the first unused.
                let mut steps: Vec<(Vec<&'e LoggedEvent>, usize)> = a
                    .steps
                    .iter()
                    .map(|s| {
                        let (_, evs) = log.slice(What::Action(s.action), t);
                        let ok: Vec<&'e LoggedEvent> = evs
                            .iter()
                            .filter(|e| e.date <= as_of && approved_by(c, &s.by, e))
                            .collect();
                        (ok, 0)
                    })
                    .collect();
                let subject = subject_of(c, t);
                for g in done.iter().filter(|g| g.date <= as_of) {
                    let at = when(g);
                    let mut after: Option<NaiveDateTime> = None;
                    let mut shown = Vec::with_capacity(a.steps.len());
                    let mut all = true;
                    for (s, (evs, next)) in a.steps.iter().zip(steps.iter_mut()) {
                        let lo = after
                            .map_or(0, |p| evs.partition_point(|e| when(e) < p))
                            .max(*next);
                        let found = evs.get(lo).copied().filter(|e| when(e) <= at);
                        match found {
                            Some(e) => {
                                after = Some(when(e));
                                *next = lo + 1;
                            }
                            None => all = false,
                        }
                        shown.push(ApprovalStep {
                            action: c.actions.get(s.action).as_str(),
                            by: s.by.iter().map(|b| approver_name(c, *b)).collect(),
                            event: found.map(EventRef),
                        });
                    }
                    if g.date < from {
                        continue; // approvals before the window are used up, not shown
                    }
                    let status = if effective.is_some_and(|e| g.date < e) {
                        ApprovalStatus::NotAssessed
                    } else if all {
                        ApprovalStatus::Approved
                    } else {
                        ApprovalStatus::Unapproved
                    };
                    out.approval(Approval {
                        citation: a.citation.as_str(),
                        action,
                        subject,
                        event: EventRef(g),
                        steps: shown,
                        status,
                    });
                }
            }
        }
    }

    /// Periodic obligations: one row per subject and period, from the
    /// period containing `from` to the one containing `as_of`. An obligation
    /// with no stated frequency (and no reading giving one) is listed per
    /// year with the events seen, and no verdict.
    fn periodic<S: Sink<'p, 'e>>(&self, ob: Owed<'p>, (cadence, reading): Cadence, out: &mut S) {
        let Query {
            c,
            log,
            as_of,
            from,
            only,
            effective,
        } = *self;
        let o = ob.o;
        let (min, max, period, deadline) = cadence.unwrap_or((0, None, PeriodKind::Year, None));
        let stated = cadence.is_some();
        let reading: Option<&'p str> = reading
            .and_then(|r| c.interpretations.iter().find(|i| i.name == r))
            .map(|i| i.name.as_str());
        // What every row of the obligation shares, kept once.
        let head = Arc::new(crate::compliance::RowHead {
            citation: o.citation.as_str(),
            action: ob.action,
            required: stated.then_some(Required {
                at_least: min,
                at_most: max,
            }),
        });
        let first = Period::containing(period, from);
        // Targets and the action's events are both in subject order:
        // walk them together instead of searching per subject.
        let all = log.of_what(What::Action(o.action));
        let mut cursor = 0usize;
        // Buffers and shared parts kept across subjects: most subjects have
        // one or two rows, so per-subject allocations would dominate.
        let mut each: Vec<UnitIx> = Vec::new();
        let mut tally: Vec<u32> = Vec::new();
        // The filter last made, by (person, superior); the last few notes,
        // by (person, superior, recipients missing).
        let mut shared: Option<(Option<PersonIx>, Option<UnitIx>, Arc<CountedMore<'p, 'e>>)> = None;
        // (A person's notes name their post, which is the subject's: those
        // are not shared across subjects.)
        type Noted<'p> = (
            (Option<PersonIx>, Option<UnitIx>, u128, Option<TargetId>),
            Arc<RowNotes<'p>>,
        );
        let mut shared_notes: Vec<Noted<'p>> = Vec::new();
        for &t in ob.targets.iter().filter(|t| only.is_none_or(|o| o == **t)) {
            if out.stopped() {
                return;
            }
            while all.get(cursor).is_some_and(|e| e.subject < t) {
                cursor += 1;
            }
            let start = cursor;
            while all.get(cursor).is_some_and(|e| e.subject == t) {
                cursor += 1;
            }
            let evs = all.get(start..cursor).unwrap_or(&[]);
            let Some((want, recipients)) = ob.for_subject(c, t) else {
                continue;
            };
            let plain = !evs
                .iter()
                .any(|e| e.for_period.is_some() || e.reference.is_some() || e.person.is_some());
            let tagged: Vec<&'e LoggedEvent> = if plain {
                Vec::new()
            } else {
                evs.iter().filter(|e| e.for_period.is_some()).collect()
            };
            each.clear();
            if o.mode == RecipientMode::All {
                each.extend(want.all());
            }
            let subject = subject_of(c, t);
            let mut p = first;
            while p.start <= as_of {
                let due = due_of(&p, deadline);
                // A post's holders owe the period they hold it at the end of
                // (or on the assessment date, while it is open).
                for ower in owers(c, o, t, p.end.min(as_of)) {
                    let person = ower.map(|w| w.person);
                    let counted_to = due.min(p.end).min(as_of);
                    let lo = evs.partition_point(|e| e.date < p.start);
                    let hi = evs.partition_point(|e| e.date <= counted_to);
                    let late_to = p.end.min(as_of);
                    let late_hi = evs.partition_point(|e| e.date <= late_to);
                    let key = Some((p.kind, p.index));
                    let (on_time, after): (Vec<&'e LoggedEvent>, Vec<&'e LoggedEvent>) =
                        if tagged.is_empty() {
                            (Vec::new(), Vec::new())
                        } else {
                            tagged
                                .iter()
                                .filter(|e| e.for_period == key && e.date <= as_of)
                                .partition(|e| e.date <= due)
                        };
                    // Rows of one subject and person share one filter unless
                    // events report for their period: one allocation per
                    // subject, not per row.
                    let filtered = !plain || !want.is_empty() || person.is_some();
                    let more = if !filtered {
                        None
                    } else if on_time.is_empty() {
                        match &shared {
                            Some((who, sup, m)) if *who == person && *sup == want.superior => {
                                Some(Arc::clone(m))
                            }
                            _ => {
                                let m = Arc::new(CountedMore {
                                    tagged: Vec::new(),
                                    want,
                                    person,
                                });
                                shared = Some((person, want.superior, Arc::clone(&m)));
                                Some(m)
                            }
                        }
                    } else {
                        Some(Arc::new(CountedMore {
                            tagged: on_time,
                            want,
                            person,
                        }))
                    };
                    let counted = Counted {
                        slice: evs.get(lo..hi.max(lo)).unwrap_or(&[]),
                        more,
                    };
                    let late_slice = evs.get(hi.max(lo)..late_hi.max(hi).max(lo)).unwrap_or(&[]);
                    let late = crate::compliance::counting(
                        late_slice,
                        &after,
                        filtered.then_some((want, person)),
                    )
                    .count();
                    let late = u32::try_from(late).unwrap_or(u32::MAX);
                    // One pass: how many counted, and how many reached each of
                    // several recipients (the one furthest short decides).
                    tally.clear();
                    tally.resize(each.len(), 0);
                    let mut n_counted = 0usize;
                    if each.len() > 1 {
                        for e in counted.iter() {
                            n_counted += 1;
                            for (k, u) in each.iter().enumerate() {
                                if e.to.contains(*u) {
                                    if let Some(x) = tally.get_mut(k) {
                                        *x += 1;
                                    }
                                }
                            }
                        }
                    } else {
                        n_counted = counted.len();
                    }
                    let count = u32::try_from(n_counted).unwrap_or(u32::MAX);
                    let mut mask = 0u128;
                    let mut reached = count;
                    if each.len() > 1 {
                        for (k, n) in tally.iter().enumerate() {
                            reached = reached.min(*n);
                            if *n < min && k < 128 {
                                mask |= 1u128 << k;
                            }
                        }
                    }
                    // Rows of one subject, person and recipients missing share
                    // their notes, as they share their filter.
                    let noted = !recipients.is_empty() || reading.is_some() || person.is_some();
                    let notes = if !noted {
                        None
                    } else {
                        let key = (person, want.superior, mask, person.map(|_| t));
                        match shared_notes.iter().find(|(k, _)| *k == key) {
                            Some((_, n)) => Some(Arc::clone(n)),
                            None => {
                                let n = Arc::new(RowNotes {
                                    recipients,
                                    reading,
                                    missing: Missing {
                                        of: recipients,
                                        mask,
                                    },
                                    holder: holder_of(c, ower),
                                });
                                if shared_notes.len() >= 8 {
                                    shared_notes.remove(0);
                                }
                                shared_notes.push((key, Arc::clone(&n)));
                                Some(n)
                            }
                        }
                    };
                    let over = max.is_some_and(|m| count > m);
                    let status = if effective.is_some_and(|e| p.start < e) {
                        Status::NotAssessed
                    } else if !stated {
                        Status::NotStated
                    } else if due < as_of {
                        if reached >= min && !over {
                            Status::Met
                        } else {
                            Status::Missed
                        }
                    } else if over {
                        Status::Missed
                    } else if reached >= min && max.is_none() {
                        Status::Met
                    } else {
                        Status::Pending
                    };
                    out.period(PeriodCompliance {
                        head: Arc::clone(&head),
                        subject,
                        period: p,
                        due,
                        status,
                        count,
                        needed: if stated {
                            min.saturating_sub(reached)
                        } else {
                            0
                        },
                        late,
                        notes,
                        events: counted,
                    });
                }
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
        ob: Owed<'p>,
        limit: Option<(u32, bool)>,
        reading: Option<&'p str>,
        event: EventKindIx,
        out: &mut impl Sink<'p, 'e>,
    ) {
        let o = ob.o;
        let action = ob.action;
        let Query {
            c,
            log,
            as_of,
            from,
            only,
            effective,
        } = *self;
        let kind = c.event_kinds.get(event).as_str();
        for &t in ob.targets.iter().filter(|t| only.is_none_or(|o| o == **t)) {
            if out.stopped() {
                return;
            }
            let Some((want, recipients)) = ob.for_subject(c, t) else {
                continue;
            };
            // An answer counts when it reaches the recipients: each of them,
            // or (`to any of`) one.
            let any = o.mode == RecipientMode::Any;
            let reaches = move |a: &LoggedEvent| {
                want.is_empty()
                    || if any {
                        want.reached_by(a)
                    } else {
                        want.all().all(|u| a.to.contains(u))
                    }
            };
            let (trig_at, triggers) = log.slice(What::Kind(event), t);
            let (_, answers) = log.slice(What::Action(o.action), t);
            // One picker per person who owes answers (one for the subject
            // itself when no post's holders owe them), with its next free answer.
            let mut pickers: Vec<(Option<PersonIx>, AnswerPicker<'e>, usize)> = Vec::new();
            let subject = subject_of(c, t);
            for (ti, trig) in triggers.iter().enumerate() {
                if trig.date < from || trig.date > as_of {
                    continue;
                }
                for ower in owers(c, o, t, trig.date) {
                    let person = ower.map(|w| w.person);
                    let k = match pickers.iter().position(|(p, _, _)| *p == person) {
                        Some(k) => k,
                        None => {
                            let by = move |a: &LoggedEvent| reaches(a) && a.person == person;
                            pickers.push((person, AnswerPicker::new(answers, as_of, by), 0));
                            pickers.len() - 1
                        }
                    };
                    let Some((_, picker, next_free)) = pickers.get_mut(k) else {
                        continue;
                    };
                    let at = when(trig);
                    let end_of = |d: NaiveDate| {
                        NaiveDateTime::new(
                            d,
                            NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
                        )
                    };
                    let deadline = limit.map(|(within, hours)| {
                        if hours && trig.time.is_some() {
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
                        }
                    });
                    let answer = picker.pick(trig_at + ti, at, next_free);
                    let status = if effective.is_some_and(|e| trig.date < e) {
                        ReactionStatus::NotAssessed
                    } else {
                        match (answer, deadline) {
                            (Some(a), Some(d)) if when(a) <= d => ReactionStatus::OnTime,
                            (Some(_), Some(_)) => ReactionStatus::Late,
                            (None, Some(d)) if d.date() < as_of => ReactionStatus::Overdue,
                            (None, Some(_)) => ReactionStatus::Pending,
                            (Some(_), None) => ReactionStatus::Answered,
                            (None, None) => ReactionStatus::Unanswered,
                        }
                    };
                    out.reaction(Reaction {
                        citation: o.citation.as_str(),
                        action,
                        subject,
                        kind,
                        holder: holder_of(c, ower),
                        trigger: EventRef(trig),
                        deadline,
                        reading: deadline.and(reading),
                        recipients,
                        answer: answer.map(EventRef),
                        elapsed_minutes: answer.map(|a| (when(a) - at).num_minutes()),
                        status,
                    });
                }
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
    /// The answers that `counts` accepts (those that reach the recipients).
    fn new(
        answers: &'e [LoggedEvent],
        as_of: NaiveDate,
        counts: impl Fn(&LoggedEvent) -> bool,
    ) -> Self {
        let mut by_ref: Vec<(usize, usize)> = answers
            .iter()
            .enumerate()
            .filter(|(_, a)| counts(a))
            .filter_map(|(i, a)| a.answered().map(|r| (r, i)))
            .collect();
        by_ref.sort_unstable();
        by_ref.dedup_by_key(|x| x.0);
        let free = answers
            .iter()
            .enumerate()
            .filter(|(_, a)| a.reference.is_none() && counts(a))
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
    // (due, obligation, (subject, person), row): the sort key and the row.
    type Keyed<'p> = (
        NaiveDate,
        ObligationIx,
        (TargetId, Option<PersonIx>),
        DueItem<'p>,
    );
    let mut items: Vec<Keyed<'_>> = Vec::new();
    let mut unstated = Vec::new();
    for (oi, o) in c.obligations.iter_enumerated() {
        let Some((cadence, reading)) = periodic_cadence(c, o) else {
            continue;
        };
        let (action, names) = names_of(c, oi, o.action);
        let ob = Owed {
            o,
            action,
            recipients: names,
            units: c.obligation_units.get(oi),
            superior: superior_wanted(o),
            targets: subjects(c, &o.subject),
        };
        let targets = ob.targets.iter().filter(|t| only.is_none_or(|o| o == **t));
        let Some((min, max, period, deadline)) = cadence else {
            for &t in targets {
                if let Some((_, recipients)) = ob.for_subject(c, t) {
                    for ower in owers(c, o, t, to) {
                        unstated.push(Unstated {
                            citation: o.citation.as_str(),
                            action,
                            subject: subject_of(c, t),
                            holder: holder_of(c, ower),
                            recipients,
                        });
                    }
                }
            }
            continue;
        };
        let reading: Option<&str> = reading
            .and_then(|r| c.interpretations.iter().find(|i| i.name == r))
            .map(|i| i.name.as_str());
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
        for &t in targets {
            let Some((_, recipients)) = ob.for_subject(c, t) else {
                continue;
            };
            for p in &periods {
                let due = due_of(p, deadline);
                for ower in owers(c, o, t, p.end) {
                    let person = ower.map(|w| w.person);
                    items.push((
                        due,
                        oi,
                        (t, person),
                        DueItem {
                            due,
                            citation: o.citation.as_str(),
                            action,
                            subject: subject_of(c, t),
                            holder: holder_of(c, ower),
                            period: *p,
                            recipients,
                            required: Required {
                                at_least: min,
                                at_most: max,
                            },
                            reading,
                            assessed: effective.is_none_or(|e| p.start >= e),
                        },
                    ));
                }
            }
        }
    }
    // (due, obligation, subject, person) is unique per row (one period per
    // due date), so an unstable sort is deterministic and needs no buffer.
    // Subjects sort units first, then matters, each in declaration order.
    items.sort_unstable_by_key(|a| (a.0, a.1, a.2));
    CalendarAnswer {
        from,
        to,
        items: items.into_iter().map(|(_, _, _, i)| i).collect(),
        unstated,
        applicability_unknown: c.header.effective.is_none(),
    }
}
