//! Checks of obligations: subject, action, recipients, cadence, deadline.

use super::Checker;
use crate::diag::DiagKind;
use crate::ids::{ActionIx, EventKindIx, MatterKindIx, PositionIx, UnitIx, UnitKindIx};
use crate::syntax::ast::{
    ApprovalLit, CadenceLit, DeadlineLit, InterpretLit, Item, ObligationLit, PeriodKind,
    RecipientLit, RecipientMode, StaffingLit, SubjectLit,
};
use chrono::NaiveDate;

#[derive(Debug, Clone)]
pub(crate) enum SubjectM {
    Unit(UnitIx),
    EachUnit(Vec<UnitKindIx>),
    EachMatter(Vec<MatterKindIx>),
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum DeadlineM {
    /// `by MM-DD` in a yearly period.
    MonthDay(u32, u32),
    /// `by day N` of the period.
    Day(u32),
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum CadenceM {
    Periodic {
        min: u32,
        max: Option<u32>,
        period: PeriodKind,
        deadline: Option<DeadlineM>,
    },
    Reactive {
        within: u32,
        hours: bool,
        event: EventKindIx,
    },
    /// `regularly`: the regulation states no frequency.
    Regularly,
    /// `promptly of EVENT`: the regulation states no time limit.
    Promptly { event: EventKindIx },
}

/// A recipient of an obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecipientM {
    Unit(UnitIx),
    /// The subject unit's parent, or its nearest ancestor of a kind.
    Superior(Option<UnitKindIx>),
}

/// An organisation's reading of what the regulation leaves unstated.
#[derive(Debug, Clone)]
pub(crate) struct InterpretM {
    pub name: String,
    /// The actions whose obligations it reads; all when empty.
    pub actions: Vec<ActionIx>,
    /// `regularly` read as a periodic cadence.
    pub regularly: Option<CadenceM>,
    /// `promptly` read as `(within, hours)`.
    pub promptly: Option<(u32, bool)>,
}

#[derive(Debug, Clone)]
pub(crate) struct ObligationM {
    pub citation: String,
    pub subject: SubjectM,
    /// `each POSITION, … of …`: owed by each holder of the posts in the
    /// subject units, as a person (empty: owed by the units themselves).
    pub holders: Vec<PositionIx>,
    pub action: ActionIx,
    pub recipients: Vec<RecipientM>,
    /// Each recipient must receive it (`All`), or one suffices (`Any`).
    pub mode: RecipientMode,
    pub cadence: CadenceM,
}

/// Who may do a step of an approval chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ApproverM {
    /// A unit: a line that says `"by"` it, or a person holding a post in it.
    Unit(UnitIx),
    /// A post: a person holding it that day.
    Post(PositionIx),
}

/// One step of an approval chain.
#[derive(Debug, Clone)]
pub(crate) struct ApprovalStepM {
    pub action: ActionIx,
    /// Any one of them; empty for anyone.
    pub by: Vec<ApproverM>,
}

/// An approval chain: each time a subject does `action`, `steps` must have
/// been done before it, in order, for the same unit or matter.
#[derive(Debug, Clone)]
pub(crate) struct ApprovalM {
    pub citation: String,
    pub subject: SubjectM,
    pub action: ActionIx,
    pub steps: Vec<ApprovalStepM>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct NeedM {
    pub min: u32,
    pub max: Option<u32>,
    pub position: PositionIx,
    pub covering: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct StaffingM {
    pub citation: String,
    pub subject: SubjectM,
    pub needs: Vec<NeedM>,
}

/// The shortest length, in days, a period of this kind can have.
fn min_days(p: PeriodKind) -> u32 {
    match p {
        PeriodKind::Year => 365,
        PeriodKind::HalfYear => 181,
        PeriodKind::Quarter => 90,
        PeriodKind::Month => 28,
        PeriodKind::Week => 7,
        PeriodKind::Day => 1,
    }
}

fn period_word(p: PeriodKind) -> &'static str {
    match p {
        PeriodKind::Year => "year",
        PeriodKind::HalfYear => "half-year",
        PeriodKind::Quarter => "quarter",
        PeriodKind::Month => "month",
        PeriodKind::Week => "week",
        PeriodKind::Day => "day",
    }
}

impl Checker<'_> {
    pub(super) fn obligations(&mut self, items: &[&Item]) {
        for item in items {
            match item {
                Item::Actions { names } => {
                    for n in names {
                        if let Err(first) = self.actions.declare(n) {
                            self.duplicate("action", n, first);
                        } else {
                            self.model.actions.push(n.text.clone());
                        }
                    }
                }
                Item::EventKinds { names } => {
                    for n in names {
                        if let Err(first) = self.event_kinds.declare(n) {
                            self.duplicate("event kind", n, first);
                        } else {
                            self.model.event_kinds.push(n.text.clone());
                        }
                    }
                }
                _ => {}
            }
        }
        for item in items {
            match item {
                Item::Obligation(o) => self.obligation(o),
                Item::Staffing(st) => self.staffing(st),
                Item::Approval(a) => self.approval(a),
                _ => {}
            }
        }
        for item in items {
            if let Item::Interpret(i) = item {
                self.interpret(i);
            }
        }
    }

    /// `interpret "NAME" [for ACTION, …] { … }`: each reading must apply to
    /// an obligation the regulation leaves unstated.
    fn interpret(&mut self, i: &InterpretLit) {
        if let Some(first) = self
            .model
            .interpretations
            .iter()
            .position(|x| x.name == i.name.text)
        {
            let _ = first;
            self.error(
                DiagKind::Duplicate,
                i.name.span,
                format!("a second interpretation named “{}”", i.name.text),
                Some("merge the readings into one `interpret` block".into()),
            );
            return;
        }
        let mut actions = Vec::new();
        for a in &i.actions {
            match self.resolve::<ActionIx>(a) {
                Some(x) => actions.push(x),
                None => return,
            }
        }
        let reads = |o: &ObligationM, regularly: bool| {
            (actions.is_empty() || actions.contains(&o.action))
                && match o.cadence {
                    CadenceM::Regularly => regularly,
                    CadenceM::Promptly { .. } => !regularly,
                    _ => false,
                }
        };
        let regularly = match &i.regularly {
            None => None,
            Some(c) => {
                let Some(m) = self.periodic(c) else { return };
                if !self.model.obligations.iter().any(|o| reads(o, true)) {
                    self.error(
                        DiagKind::Invalid,
                        i.name.span,
                        format!(
                            "“{}” reads `regularly`, but no obligation{} says `regularly`",
                            i.name.text,
                            if actions.is_empty() { "" } else { " of those actions" }
                        ),
                        Some("an interpretation reads only what the regulation leaves unstated; remove this reading".into()),
                    );
                    return;
                }
                Some(m)
            }
        };
        if i.promptly.is_some() && !self.model.obligations.iter().any(|o| reads(o, false)) {
            self.error(
                DiagKind::Invalid,
                i.name.span,
                format!(
                    "“{}” reads `promptly`, but no obligation{} says `promptly`",
                    i.name.text,
                    if actions.is_empty() { "" } else { " of those actions" }
                ),
                Some("an interpretation reads only what the regulation leaves unstated; remove this reading".into()),
            );
            return;
        }
        if regularly.is_none() && i.promptly.is_none() {
            self.error(
                DiagKind::Invalid,
                i.span,
                format!("the interpretation “{}” reads nothing", i.name.text),
                Some(
                    "add `regularly as at least 1 per quarter` or `promptly as within 1 day`"
                        .into(),
                ),
            );
            return;
        }
        self.model.interpretations.push(InterpretM {
            name: i.name.text.clone(),
            actions,
            regularly,
            promptly: i.promptly,
        });
    }

    fn subject(&mut self, s: &SubjectLit) -> Option<SubjectM> {
        match s {
            SubjectLit::Unit(u) => self.resolve::<UnitIx>(u).map(SubjectM::Unit),
            SubjectLit::EachUnit(kinds) => {
                let ids: Vec<Option<UnitKindIx>> = kinds
                    .iter()
                    .map(|k| self.resolve::<UnitKindIx>(k))
                    .collect();
                ids.into_iter()
                    .collect::<Option<Vec<_>>>()
                    .map(SubjectM::EachUnit)
            }
            SubjectLit::EachMatter(kinds) => {
                let ids: Vec<Option<MatterKindIx>> = kinds
                    .iter()
                    .map(|k| self.resolve::<MatterKindIx>(k))
                    .collect();
                ids.into_iter()
                    .collect::<Option<Vec<_>>>()
                    .map(SubjectM::EachMatter)
            }
        }
    }

    fn approval(&mut self, a: &ApprovalLit) {
        let subject = self.subject(&a.subject);
        let action = self.resolve::<ActionIx>(&a.action);
        let mut steps = Some(Vec::new());
        for s in &a.steps {
            let step_action = self.resolve::<ActionIx>(&s.action);
            if step_action.is_some() && step_action == action {
                self.error(
                    DiagKind::Invalid,
                    s.action.span,
                    format!("`{}` cannot need itself", s.action.text),
                    Some("a step is another action done before it (审核, 审批 …)".into()),
                );
                steps = None;
            }
            if s.by.len() > 1 && !s.any {
                self.error(
                    DiagKind::Invalid,
                    s.span,
                    format!("`{}` names several approvers", s.action.text),
                    Some(format!(
                        "write `{} by any of …` when one of them suffices, or one step per approver (`… then …`) when each must",
                        s.action.text
                    )),
                );
                steps = None;
            }
            let mut by = Vec::new();
            for b in &s.by {
                let unit = self.units.get(&b.text);
                let post = self.positions.get(&b.text);
                match (unit, post) {
                    (Some(u), None) => by.push(ApproverM::Unit(u)),
                    (None, Some(p)) => by.push(ApproverM::Post(p)),
                    (Some(_), Some(_)) => {
                        self.error(
                            DiagKind::Invalid,
                            b.span,
                            format!("`{}` is both a unit and a position", b.text),
                            Some("rename one of them so the approver is unambiguous".into()),
                        );
                        steps = None;
                    }
                    (None, None) => {
                        let help = crate::resolve::suggest(
                            &b.text,
                            "unit or position",
                            self.units.names().chain(self.positions.names()),
                        );
                        self.error(
                            DiagKind::UnknownName,
                            b.span,
                            format!("unknown unit or position `{}`", b.text),
                            Some(help),
                        );
                        steps = None;
                    }
                }
            }
            match (step_action, steps.as_mut()) {
                (Some(action), Some(v)) => v.push(ApprovalStepM { action, by }),
                _ => steps = None,
            }
        }
        if let (Some(subject), Some(action), Some(steps)) = (subject, action, steps) {
            self.model.approvals.push(ApprovalM {
                citation: a.citation.text.clone(),
                subject,
                action,
                steps,
            });
        }
    }

    fn staffing(&mut self, st: &StaffingLit) {
        let subject = self.subject(&st.subject);
        let matters = matches!(st.subject, SubjectLit::EachMatter(_));
        let mut needs = Vec::new();
        let mut ok = true;
        for n in &st.needs {
            let lo = n.min.unwrap_or(0);
            if let Some(hi) = n.max.filter(|hi| lo > *hi) {
                self.error(
                    DiagKind::Invalid,
                    n.span,
                    format!(
                        "the need asks for at least {lo} and at most {hi} `{}`",
                        n.position.text
                    ),
                    Some("no count meets both; make the minimum at most the maximum".into()),
                );
                ok = false;
            }
            if matters && !n.covering {
                self.error(
                    DiagKind::Invalid,
                    n.span,
                    "a matter has no positions of its own".into(),
                    Some(format!(
                        "count the people who cover it: `… {} covering`",
                        n.position.text
                    )),
                );
                ok = false;
            }
            match self.resolve::<PositionIx>(&n.position) {
                Some(position) => needs.push(NeedM {
                    min: lo,
                    max: n.max,
                    position,
                    covering: n.covering,
                }),
                None => ok = false,
            }
        }
        if let (Some(subject), true) = (subject, ok) {
            self.model.staffing.push(StaffingM {
                citation: st.citation.text.clone(),
                subject,
                needs,
            });
        }
    }

    fn obligation(&mut self, o: &ObligationLit) {
        let subject = self.subject(&o.subject);
        let mut holders = Some(Vec::new());
        for post in &o.holders {
            let position = self.resolve::<PositionIx>(post);
            if matches!(o.subject, SubjectLit::EachMatter(_)) {
                self.error(
                    DiagKind::Invalid,
                    post.span,
                    format!(
                        "`each {} of` names the holders of a post in units; a matter has no posts",
                        post.text
                    ),
                    Some(
                        "name units: `each POSITION of each KIND` or `each POSITION of UNIT`"
                            .into(),
                    ),
                );
                holders = None;
                break;
            }
            match (position, holders.as_mut()) {
                (Some(p), Some(v)) if !v.contains(&p) => v.push(p),
                (Some(_), _) => {}
                (None, _) => holders = None,
            }
        }
        let action = self.resolve::<ActionIx>(&o.action);
        let mut recipients = Some(Vec::new());
        for r in &o.recipients {
            let m = match r {
                RecipientLit::Unit(u) => self.resolve::<UnitIx>(u).map(RecipientM::Unit),
                RecipientLit::Superior(kind, span) => {
                    if !matches!(o.subject, SubjectLit::Unit(_) | SubjectLit::EachUnit(_)) {
                        self.error(
                            DiagKind::Invalid,
                            *span,
                            "`superior` is the subject unit's parent; a matter has none".into(),
                            Some("name the recipient unit".into()),
                        );
                        None
                    } else {
                        match kind {
                            None => Some(RecipientM::Superior(None)),
                            Some(k) => self
                                .resolve::<UnitKindIx>(k)
                                .map(|k| RecipientM::Superior(Some(k))),
                        }
                    }
                }
            };
            match (m, recipients.as_mut()) {
                (Some(m), Some(v)) if !v.contains(&m) => v.push(m),
                (Some(_), _) => {}
                (None, _) => recipients = None,
            }
        }
        if o.recipients.len() > crate::limits::MAX_RECIPIENTS {
            self.error(
                DiagKind::Limit,
                o.action.span,
                format!(
                    "the obligation names {} recipients; at most {} are accepted",
                    o.recipients.len(),
                    crate::limits::MAX_RECIPIENTS
                ),
                Some("name a superior (`to superior KIND`) or split the obligation".into()),
            );
            recipients = None;
        }
        let cadence = match &o.cadence {
            CadenceLit::Regularly { .. } => Some(CadenceM::Regularly),
            CadenceLit::Promptly { event } => self
                .resolve::<EventKindIx>(event)
                .map(|event| CadenceM::Promptly { event }),
            CadenceLit::Reactive {
                within,
                hours,
                event,
            } => self
                .resolve::<EventKindIx>(event)
                .map(|event| CadenceM::Reactive {
                    within: *within,
                    hours: *hours,
                    event,
                }),
            c @ CadenceLit::Periodic { .. } => self.periodic(c),
        };
        if let (Some(subject), Some(holders), Some(action), Some(recipients), Some(cadence)) =
            (subject, holders, action, recipients, cadence)
        {
            self.model.obligations.push(ObligationM {
                citation: o.citation.text.clone(),
                subject,
                holders,
                action,
                recipients,
                mode: o.mode,
                cadence,
            });
        }
    }

    /// A periodic cadence checked: counts that can be met, a deadline inside
    /// every period.
    fn periodic(&mut self, c: &CadenceLit) -> Option<CadenceM> {
        match c {
            CadenceLit::Periodic {
                min,
                max,
                period,
                deadline,
                span,
            } => {
                let lo = min.unwrap_or(0);
                let mut ok = true;
                if let Some(hi) = max.filter(|hi| lo > *hi) {
                    self.error(
                        DiagKind::Invalid,
                        *span,
                        format!(
                            "the cadence asks for at least {lo} and at most {hi} per {}",
                            period_word(*period)
                        ),
                        Some("no count meets both; make the minimum at most the maximum".into()),
                    );
                    ok = false;
                }
                let dl = match deadline {
                    None => None,
                    Some(DeadlineLit::MonthDay { month, day, span }) => {
                        if *period != PeriodKind::Year {
                            self.error(
                                DiagKind::Invalid,
                                *span,
                                format!(
                                    "`by {month:02}-{day:02}` lies outside some {}s",
                                    period_word(*period)
                                ),
                                Some(format!(
                                    "a month-day deadline applies to yearly obligations; use `by day N` for each {}",
                                    period_word(*period)
                                )),
                            );
                            ok = false;
                            None
                        } else if NaiveDate::from_ymd_opt(2001, *month, *day).is_none() {
                            let leap_only = NaiveDate::from_ymd_opt(2000, *month, *day).is_some();
                            self.error(
                                DiagKind::InvalidDate,
                                *span,
                                if leap_only {
                                    format!("`{month:02}-{day:02}` does not exist every year")
                                } else {
                                    format!("`{month:02}-{day:02}` is not a day of the year")
                                },
                                Some(if leap_only {
                                    "use 02-28, or `by day 59`".into()
                                } else {
                                    "write the month and day as MM-DD, e.g. 06-30 for 6 月底".into()
                                }),
                            );
                            ok = false;
                            None
                        } else {
                            Some(DeadlineM::MonthDay(*month, *day))
                        }
                    }
                    Some(DeadlineLit::DayOfPeriod { day, span }) => {
                        let most = min_days(*period);
                        if *day == 0 || *day > most {
                            self.error(
                                DiagKind::Invalid,
                                *span,
                                format!("day {day} lies outside its period: a {} may have only {most} days", period_word(*period)),
                                Some(format!("use a day from 1 to {most}")),
                            );
                            ok = false;
                            None
                        } else {
                            Some(DeadlineM::Day(*day))
                        }
                    }
                };
                ok.then_some(CadenceM::Periodic {
                    min: lo,
                    max: *max,
                    period: *period,
                    deadline: dl,
                })
            }
            _ => None,
        }
    }
}
