//! Checks of `test` blocks: every name they use resolves, every fact value
//! has its fact's type, every clause, obligation, period and warning kind
//! they expect exists. A problem is a check error at the name, never a
//! failure found only when the test runs.

use super::{CadenceM, Checker, SubjectM, TargetId, Val};
use crate::diag::{DiagKind, Severity, Span};
use crate::eval::expect::{
    BearerWant, Sites, TargetWant, WarnSeen, Warnings, WhoSubject, WARNING_KINDS,
};
use crate::events::Event;
use crate::ids::{
    ActionIx, DutyIx, FactIx, Idx, MatterIx, MatterKindIx, ObligationIx, PersonIx, PositionIx,
    StaffingIx, Table, UnitIx, UnitKindIx,
};
use crate::incident::{BoundDecision, BoundIncident};
use crate::period::{Period, PeriodKind};
use crate::resolve::suggest;
use crate::syntax::ast::{
    ComplianceLit, DecisionLit, DutyItemLit, EventLit, Item, Name, StaffedLit, TestLit,
    TestStepLit, WhoBearerLit,
};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// One checked step of a test, with every name resolved to an id.
#[derive(Debug, Clone)]
pub(crate) enum TestStepM {
    /// The incident later steps ask about.
    Incident(BoundIncident),
    /// The event log later steps ask about.
    Events(Vec<Event>),
    Triggers {
        /// Each expected clause as (citation, text), in order.
        clauses: Vec<(String, String)>,
        at: String,
    },
    Accountable {
        /// The clause (or consequence) as (citation, text).
        clause: (String, String),
        /// A `consequence` rather than a trigger clause.
        consequence: bool,
        /// Exactly the duties or posts and bearers expected; empty for `none`.
        items: Vec<(TargetWant, BearerWant)>,
        at: String,
    },
    Who {
        subject: WhoSubject,
        on: NaiveDate,
        duty: DutyIx,
        bearer: BearerWant,
        at: String,
    },
    Duties {
        person: PersonIx,
        on: NaiveDate,
        /// Duty, and the unit or matter it is held for when given; empty for `none`.
        duties: Vec<(DutyIx, Option<TargetId>)>,
        at: String,
    },
    Liability {
        person: PersonIx,
        duty: Option<DutyIx>,
        at: String,
    },
    Staffing {
        subject: TargetId,
        on: NaiveDate,
        status: StaffedLit,
        /// Empty for every need of the subject.
        positions: Vec<PositionIx>,
        at: String,
    },
    Compliance {
        subject: TargetId,
        /// `by PERSON`: only the rows this holder of a post owes.
        person: Option<crate::ids::PersonIx>,
        /// The obligations the expectation is about.
        obligations: Vec<ObligationIx>,
        period: Period,
        status: ComplianceLit,
        as_of: NaiveDate,
        at: String,
    },
    Holders {
        unit: crate::ids::UnitIx,
        position: crate::ids::PositionIx,
        on: NaiveDate,
        people: Vec<crate::ids::PersonIx>,
        at: String,
    },
    Approval {
        subject: TargetId,
        action: ActionIx,
        period: Period,
        approved: bool,
        as_of: NaiveDate,
        at: String,
    },
    Calendar {
        subject: TargetId,
        obligations: Vec<ObligationIx>,
        period: Period,
        due: Vec<NaiveDate>,
        at: String,
    },
    Warning {
        /// `None` for `expect no warnings`.
        kind: Option<String>,
        /// The clause's citation and where it is written.
        clause: Option<(String, String)>,
        /// Every warning the policy has.
        warnings: Arc<Warnings>,
        at: String,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct TestM {
    pub name: String,
    pub at: String,
    pub steps: Vec<TestStepM>,
    /// Where each item that coverage counts is written.
    pub sites: Arc<Sites>,
}

/// A citation or clause number as compared: full-width brackets as ASCII,
/// no spaces (ASCII or full-width), no trailing `.`/`、`. `第八条（一）`,
/// `第八条(一)` and `第八条 (一)` are the same clause.
pub(crate) fn clause_key(n: &str) -> String {
    let mut out = String::with_capacity(n.len());
    for ch in n.chars() {
        match ch {
            '（' => out.push('('),
            '）' => out.push(')'),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    let kept = out.trim_end_matches(['.', '、']).len();
    out.truncate(kept);
    out
}

/// How long a period is, longest first (a week is shorter than a month).
fn rank(k: PeriodKind) -> u8 {
    match k {
        PeriodKind::Year => 0,
        PeriodKind::HalfYear => 1,
        PeriodKind::Quarter => 2,
        PeriodKind::Month => 3,
        PeriodKind::Week => 4,
        PeriodKind::Day => 5,
    }
}

fn period_word(k: PeriodKind) -> &'static str {
    match k {
        PeriodKind::Year => "year",
        PeriodKind::HalfYear => "half-year",
        PeriodKind::Quarter => "quarter",
        PeriodKind::Month => "month",
        PeriodKind::Week => "week",
        PeriodKind::Day => "day",
    }
}

const PERIOD_HELP: &str =
    "write a year `2019`, a half-year `2019-H1`, a quarter `2019-Q2`, a month `2019-05`, an ISO week `2019-W05` or a day `2019-05-01`";

/// Everyone in a decision record, in order and as a set.
struct Record {
    order: Vec<PersonIx>,
    set: HashSet<PersonIx>,
}

/// Everything the steps of one test refer to so far.
#[derive(Default)]
struct State {
    incident: bool,
    /// The participants of the current incident's decision, when it has one.
    record: Option<std::rc::Rc<Record>>,
}

impl Checker<'_> {
    pub(super) fn tests(&mut self, items: &[&Item]) {
        if items.iter().any(|i| matches!(i, Item::Test(_))) {
            let index = Index::new(self);
            TestCheck { c: self, index }.tests(items);
        }
    }
}

/// The checker, while it checks test blocks: its own methods, with the
/// checker's reached through it.
struct TestCheck<'a, 's> {
    c: &'a mut Checker<'s>,
    index: Index,
}

/// What an obligation's or staffing rule's subject names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum SubjKey {
    Unit(UnitIx),
    UnitKind(UnitKindIx),
    MatterKind(MatterKindIx),
}

fn keys(s: &SubjectM) -> Vec<SubjKey> {
    match s {
        SubjectM::Unit(u) => vec![SubjKey::Unit(*u)],
        SubjectM::EachUnit(ks) => ks.iter().map(|k| SubjKey::UnitKind(*k)).collect(),
        SubjectM::EachMatter(ks) => ks.iter().map(|k| SubjKey::MatterKind(*k)).collect(),
    }
}

/// Lookups the steps of every test make, built once: checking tests stays
/// linear in their number.
struct Index {
    /// Every clause in list and clause order: (citation, text, where written).
    all: Vec<(String, String, Span)>,
    /// A clause's number, citation or text (as compared) → the clauses it
    /// names, in order; more than one when ambiguous.
    clauses: HashMap<String, Vec<usize>>,
    obligations: HashMap<SubjKey, Vec<ObligationIx>>,
    staffing: HashMap<SubjKey, Vec<StaffingIx>>,
}

/// The items of a table (obligations, staffing rules) by what their
/// subject names, each in declaration order.
fn by_subject<'a, I: Idx>(
    subjects: impl Iterator<Item = (I, &'a SubjectM)>,
) -> HashMap<SubjKey, Vec<I>> {
    let mut map: HashMap<SubjKey, Vec<I>> = HashMap::new();
    for (i, s) in subjects {
        for k in keys(s) {
            let v = map.entry(k).or_default();
            if v.last() != Some(&i) {
                v.push(i);
            }
        }
    }
    map
}

impl Index {
    fn new(c: &Checker<'_>) -> Self {
        let mut clauses: HashMap<String, Vec<usize>> = HashMap::new();
        let mut all = Vec::new();
        for (i, cl) in c
            .model
            .trigger_lists
            .iter()
            .flat_map(|l| l.clauses.iter())
            .enumerate()
        {
            all.push((cl.citation.clone(), cl.text.clone(), cl.span));
            let number = cl.number.as_deref().map(clause_key);
            for key in [
                number,
                Some(clause_key(&cl.citation)),
                Some(clause_key(&cl.text)),
            ]
            .into_iter()
            .flatten()
            {
                let v = clauses.entry(key).or_default();
                if v.last() != Some(&i) {
                    v.push(i);
                }
            }
        }
        Index {
            all,
            clauses,
            obligations: by_subject(
                c.model
                    .obligations
                    .iter_enumerated()
                    .map(|(i, o)| (i, &o.subject)),
            ),
            staffing: by_subject(
                c.model
                    .staffing
                    .iter_enumerated()
                    .map(|(i, s)| (i, &s.subject)),
            ),
        }
    }
}

impl<'s> std::ops::Deref for TestCheck<'_, 's> {
    type Target = Checker<'s>;
    fn deref(&self) -> &Checker<'s> {
        self.c
    }
}

impl<'s> std::ops::DerefMut for TestCheck<'_, 's> {
    fn deref_mut(&mut self) -> &mut Checker<'s> {
        self.c
    }
}

impl TestCheck<'_, '_> {
    fn tests(&mut self, items: &[&Item]) {
        let mut tests = Vec::new();
        let mut warnings: Option<Arc<Warnings>> = None;
        for item in items {
            if let Item::Test(t) = item {
                if let Some(t) = self.test(t, &mut warnings) {
                    tests.push(t);
                }
            }
        }
        if tests.is_empty() {
            return;
        }
        let sites = Arc::new(self.sites(items));
        for (name, at, steps) in tests {
            self.model.tests.push(TestM {
                name,
                at,
                steps,
                sites: Arc::clone(&sites),
            });
        }
    }

    /// Where the clauses, rules, obligations, staffing rules and liability
    /// articles are written.
    fn sites(&self, items: &[&Item]) -> Sites {
        let clauses = self
            .model
            .trigger_lists
            .iter()
            .flat_map(|l| l.clauses.iter().map(|c| self.location(c.span)))
            .collect();
        let rules = self
            .model
            .rules
            .iter()
            .map(|r| self.location(r.span))
            .collect();
        let written = |pick: &dyn Fn(&Item) -> Option<Span>, n: usize| -> Vec<String> {
            let found: Vec<String> = items
                .iter()
                .filter_map(|i| pick(i))
                .map(|s| self.location(s))
                .collect();
            if found.len() == n {
                found
            } else {
                vec![String::new(); n]
            }
        };
        let seat_sites: Vec<String> = items
            .iter()
            .filter_map(|i| match i {
                Item::Org { stmts } => Some(stmts),
                _ => None,
            })
            .flatten()
            .filter_map(|s| match s {
                crate::syntax::ast::OrgStmt::Seat { position, .. } => {
                    Some(self.location(position.span))
                }
                _ => None,
            })
            .collect();
        Sites {
            seats: if seat_sites.len() == self.model.seats.len() {
                seat_sites
            } else {
                vec![String::new(); self.model.seats.len()]
            },
            approvals: written(
                &|i| match i {
                    Item::Approval(a) => Some(a.citation.span),
                    _ => None,
                },
                self.model.approvals.len(),
            ),
            clauses,
            rules,
            obligations: written(
                &|i| match i {
                    Item::Obligation(o) => Some(o.citation.span),
                    _ => None,
                },
                self.model.obligations.len(),
            ),
            staffing: written(
                &|i| match i {
                    Item::Staffing(s) => Some(s.citation.span),
                    _ => None,
                },
                self.model.staffing.len(),
            ),
            liability: written(
                &|i| match i {
                    Item::Liability(l) => Some(l.citation.span),
                    _ => None,
                },
                self.model.liability.len(),
            ),
        }
    }

    /// Every warning the policy has, as `policy.warnings()` will list them:
    /// the same lint, run once here and undone (the checker runs it again
    /// when the whole policy has been checked).
    fn current_warnings(&mut self) -> Arc<Warnings> {
        if !self.errors.is_empty() {
            return Arc::new(Warnings::default());
        }
        let before = self.warnings.len();
        let omitted = self.omitted_warnings;
        self.lint();
        let seen = self
            .warnings
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| WarnSeen {
                kind: serde_json::to_value(d.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                message: d.message.clone(),
                at: format!("{}:{}:{}", d.file(), d.line(), d.column()),
            })
            .collect();
        self.warnings.truncate(before);
        self.omitted_warnings = omitted;
        Arc::new(Warnings::new(seen))
    }

    fn test(
        &mut self,
        t: &TestLit,
        warnings: &mut Option<Arc<Warnings>>,
    ) -> Option<(String, String, Vec<TestStepM>)> {
        let mut steps = Vec::new();
        let mut ok = true;
        let mut state = State::default();
        for step in &t.steps {
            match self.step(step, &mut state, warnings) {
                Some(s) => steps.push(s),
                None => ok = false,
            }
        }
        ok.then(|| (t.name.text.clone(), self.location(t.name.span), steps))
    }

    fn step(
        &mut self,
        step: &TestStepLit,
        state: &mut State,
        warnings: &mut Option<Arc<Warnings>>,
    ) -> Option<TestStepM> {
        match step {
            TestStepLit::Incident {
                date,
                unit,
                matter,
                facts,
                decision,
                span: _,
            } => {
                state.incident = true;
                state.record = None;
                let mut ok = true;
                let mut slots: Table<FactIx, Option<Val>> =
                    self.model.facts.iter().map(|_| None).collect();
                for (fact, value) in facts {
                    let Some(id) = self.resolve::<FactIx>(fact) else {
                        ok = false;
                        continue;
                    };
                    let ty = self.model.facts.get(id).ty.clone();
                    match self.fact_value(&fact.text, &ty, value) {
                        Some(v) => *slots.get_mut(id) = Some(v),
                        None => ok = false,
                    }
                }
                let unit_id = match unit {
                    Some(u) => {
                        let id = self.resolve::<UnitIx>(u);
                        ok &= id.is_some();
                        id
                    }
                    None => None,
                };
                let matter_id = match matter {
                    Some(m) => {
                        let id = self.resolve::<MatterIx>(m);
                        ok &= id.is_some();
                        id
                    }
                    None => None,
                };
                let decision = match decision {
                    None => None,
                    Some(d) => {
                        let bound = self.decision(d, unit_id.is_some());
                        if let Some((_, record)) = bound.as_ref() {
                            state.record = Some(std::rc::Rc::new(Record {
                                set: record.iter().copied().collect(),
                                order: record.clone(),
                            }));
                        } else {
                            ok = false;
                        }
                        bound.map(|(d, _)| d)
                    }
                };
                ok.then_some(TestStepM::Incident(BoundIncident {
                    policy: None,
                    date: date.date,
                    unit: unit_id,
                    matter: matter_id,
                    facts: slots,
                    decision,
                }))
            }
            TestStepLit::Events { events, span: _ } => self.events(events),
            TestStepLit::Triggers { clauses, span } => {
                let mut ok = true;
                if !state.incident {
                    self.error(
                        DiagKind::Invalid,
                        *span,
                        "`expect triggers` comes before any `incident`".into(),
                        Some(
                            "state the incident first: `incident DATE { FACT = VALUE, … }`".into(),
                        ),
                    );
                    ok = false;
                }
                let mut want = Vec::new();
                for c in clauses {
                    match self.clause(c) {
                        Some((citation, text, _)) => want.push((citation, text)),
                        None => ok = false,
                    }
                }
                ok.then(|| TestStepM::Triggers {
                    clauses: want,
                    at: self.location(*span),
                })
            }
            TestStepLit::Accountable {
                clause,
                items,
                span,
            } => {
                let mut ok = true;
                if !state.incident {
                    self.error(
                        DiagKind::Invalid,
                        *span,
                        "`expect accountable` comes before any `incident`".into(),
                        Some(
                            "state the incident first: `incident DATE at UNIT { FACT = VALUE, … }`"
                                .into(),
                        ),
                    );
                    ok = false;
                }
                // A consequence (不得提拔重用 …) is named by its article.
                let key = clause_key(&clause.text);
                let consequence = self
                    .model
                    .consequences
                    .iter()
                    .find(|k| clause_key(&k.citation) == key || clause_key(&k.text) == key)
                    .map(|k| (k.citation.clone(), k.text.clone()));
                let is_consequence =
                    consequence.is_some() && !self.index.clauses.contains_key(&key);
                let clause = if is_consequence {
                    consequence.map(|(c, t)| (c, t, String::new()))
                } else {
                    self.clause(clause)
                };
                let mut want = Vec::new();
                for (what, bearer) in items {
                    let t = self.target_want(what);
                    let b = self.bearer_want(bearer);
                    match (t, b) {
                        (Some(t), Some(b)) => want.push((t, b)),
                        _ => ok = false,
                    }
                }
                match (clause, ok) {
                    (Some((citation, text, _)), true) => Some(TestStepM::Accountable {
                        clause: (citation, text),
                        consequence: is_consequence,
                        items: want,
                        at: self.location(*span),
                    }),
                    _ => None,
                }
            }
            TestStepLit::Who {
                subject,
                on,
                duty,
                bearer,
                span,
            } => {
                let s = self.who_subject(subject);
                let d = self.resolve::<DutyIx>(duty);
                let b = self.bearer_want(bearer);
                Some(TestStepM::Who {
                    subject: s?,
                    on: on.date,
                    duty: d?,
                    bearer: b?,
                    at: self.location(*span),
                })
            }
            TestStepLit::Duties {
                person,
                on,
                duties,
                span,
            } => {
                let p = self.person(person);
                let mut ok = true;
                let mut want = Vec::new();
                for DutyItemLit { duty, subject } in duties {
                    let d = self.resolve::<DutyIx>(duty);
                    let s = match subject {
                        None => Some(None),
                        Some(s) => self.target(s).map(Some),
                    };
                    match (d, s) {
                        (Some(d), Some(s)) => want.push((d, s)),
                        _ => ok = false,
                    }
                }
                let person = p?;
                ok.then(|| TestStepM::Duties {
                    person,
                    on: on.date,
                    duties: want,
                    at: self.location(*span),
                })
            }
            TestStepLit::Liability { person, duty, span } => {
                self.liability_step(state, person, duty.as_ref(), *span)
            }
            TestStepLit::Staffing {
                subject,
                on,
                status,
                positions,
                span,
            } => self.staffing_step(subject, on.date, *status, positions, *span),
            TestStepLit::Compliance {
                subject,
                person,
                action,
                period,
                status,
                as_of,
                span,
            } => {
                let person = match person {
                    None => None,
                    Some(p) => Some(self.resolve::<crate::ids::PersonIx>(p)?),
                };
                let (target, obligations, p) =
                    self.obligations_of(subject, action.as_ref(), period, Some(*status))?;
                let as_of = self.as_of(as_of.as_ref(), &p)?;
                Some(TestStepM::Compliance {
                    subject: target,
                    person,
                    obligations,
                    period: p,
                    status: *status,
                    as_of,
                    at: self.location(*span),
                })
            }
            TestStepLit::Holders {
                unit,
                position,
                on,
                people,
                span,
            } => {
                let u = self.resolve::<crate::ids::UnitIx>(unit);
                let p = self.resolve::<crate::ids::PositionIx>(position);
                let mut who = Some(Vec::new());
                for n in people {
                    match (self.resolve::<crate::ids::PersonIx>(n), who.as_mut()) {
                        (Some(x), Some(v)) => v.push(x),
                        (Some(_), None) => {}
                        (None, _) => who = None,
                    }
                }
                let (u, p, mut who) = (u?, p?, who?);
                who.sort_unstable();
                who.dedup();
                Some(TestStepM::Holders {
                    unit: u,
                    position: p,
                    on: on.date,
                    people: who,
                    at: self.location(*span),
                })
            }
            TestStepLit::Approval {
                subject,
                action,
                period,
                approved,
                as_of,
                span,
            } => {
                let target = self.target(subject);
                let act = self.resolve::<ActionIx>(action);
                let p = self.period(period);
                let (target, act, p) = (target?, act?, p?);
                let model = &self.model;
                let binds = |s: &crate::check::SubjectM| match (s, target) {
                    (crate::check::SubjectM::Unit(u), TargetId::Unit(t)) => *u == t,
                    (crate::check::SubjectM::EachUnit(ks), TargetId::Unit(t)) => {
                        model.units.get(t).kind.is_some_and(|k| ks.contains(&k))
                    }
                    (crate::check::SubjectM::EachMatter(ks), TargetId::Matter(m)) => {
                        model.matters.get(m).kind.is_some_and(|k| ks.contains(&k))
                    }
                    _ => false,
                };
                let gated = model
                    .approvals
                    .iter()
                    .any(|a| a.action == act && binds(&a.subject));
                if !gated {
                    self.error(
                        DiagKind::Invalid,
                        action.span,
                        format!(
                            "no approval chain covers `{}` by `{}`",
                            action.text, subject.text
                        ),
                        Some(
                            "an `approval per …` declaration names the subject and the action"
                                .into(),
                        ),
                    );
                    return None;
                }
                let as_of = self.as_of(as_of.as_ref(), &p)?;
                Some(TestStepM::Approval {
                    subject: target,
                    action: act,
                    period: p,
                    approved: *approved,
                    as_of,
                    at: self.location(*span),
                })
            }
            TestStepLit::Calendar {
                subject,
                action,
                period,
                due,
                span,
            } => {
                let (target, obligations, p) =
                    self.obligations_of(subject, action.as_ref(), period, None)?;
                let mut dates: Vec<NaiveDate> = due.iter().map(|d| d.date).collect();
                dates.sort_unstable();
                dates.dedup();
                Some(TestStepM::Calendar {
                    subject: target,
                    obligations,
                    period: p,
                    due: dates,
                    at: self.location(*span),
                })
            }
            TestStepLit::Warning { kind, clause, span } => {
                let mut ok = true;
                if let Some(k) = kind {
                    if !WARNING_KINDS.contains(&k.text.as_str()) {
                        let help = suggest(&k.text, "warning kind", WARNING_KINDS.iter().copied());
                        self.error(
                            DiagKind::UnknownName,
                            k.span,
                            format!("unknown warning kind `{}`", k.text),
                            Some(help),
                        );
                        ok = false;
                    }
                }
                let clause = match clause {
                    None => None,
                    Some(c) => match self.clause(c) {
                        Some((citation, _, site)) => Some((citation, site)),
                        None => {
                            ok = false;
                            None
                        }
                    },
                };
                if !ok {
                    return None;
                }
                let seen = match warnings {
                    Some(w) => Arc::clone(w),
                    None => {
                        let w = self.current_warnings();
                        *warnings = Some(Arc::clone(&w));
                        w
                    }
                };
                Some(TestStepM::Warning {
                    kind: kind.as_ref().map(|k| k.text.clone()),
                    clause,
                    warnings: seen,
                    at: self.location(*span),
                })
            }
        }
    }

    /// Who an expectation names as bearer.
    fn bearer_want(&mut self, bearer: &WhoBearerLit) -> Option<BearerWant> {
        match bearer {
            WhoBearerLit::Team(None) => Some(BearerWant::Team(None)),
            WhoBearerLit::Team(Some(u)) => {
                self.resolve::<UnitIx>(u).map(|u| BearerWant::Team(Some(u)))
            }
            WhoBearerLit::Vacant => Some(BearerWant::Vacant),
            WhoBearerLit::Person(p) => self.person(p).map(BearerWant::Person),
        }
    }

    /// A duty or a post named in `expect accountable`.
    fn target_want(&mut self, n: &Name) -> Option<TargetWant> {
        if let Some(d) = self.duties.get(&n.text) {
            return Some(TargetWant::Duty(d));
        }
        if let Some(p) = self.positions.get(&n.text) {
            return Some(TargetWant::Post(p));
        }
        let help = suggest(
            &n.text,
            "duty or position",
            self.duties.names().chain(self.positions.names()),
        );
        self.error(
            DiagKind::UnknownName,
            n.span,
            format!("`{}` is neither a duty nor a position", n.text),
            Some(help),
        );
        None
    }

    /// A clause named by number, citation or text: its citation, text and
    /// where it is written; an error when no trigger list has it, or when
    /// the name fits clauses of several lists.
    fn clause(&mut self, c: &Name) -> Option<(String, String, String)> {
        let found = self.index.clauses.get(&clause_key(&c.text)).cloned();
        if let Some(ids) = found.as_ref().filter(|v| v.len() > 1) {
            let all: Vec<String> = ids
                .iter()
                .filter_map(|i| self.index.all.get(*i))
                .map(|(cit, text, _)| format!("{cit} “{text}”"))
                .collect();
            self.error(
                DiagKind::Invalid,
                c.span,
                format!("`{}` names {} clauses: {}", c.text, ids.len(), all.join("; ")),
                Some("write the clause's full citation (`\"第八条(一)\"`), or its text in quotes where the article numbers no items".into()),
            );
            return None;
        }
        let found = found
            .and_then(|v| v.first().copied())
            .and_then(|i| self.index.all.get(i).cloned());
        match found {
            Some((citation, text, span)) => Some((citation, text, self.location(span))),
            None => {
                let help = suggest(
                    &c.text,
                    "clause",
                    self.model
                        .trigger_lists
                        .iter()
                        .flat_map(|l| l.clauses.iter().map(|cl| cl.citation.as_str())),
                );
                self.error(
                    DiagKind::UnknownName,
                    c.span,
                    format!("no trigger list has the clause `{}`", c.text),
                    Some(help),
                );
                None
            }
        }
    }

    fn person(&mut self, p: &Name) -> Option<PersonIx> {
        if let Some(id) = self.people.get(&p.text) {
            return Some(id);
        }
        let help = suggest(&p.text, "person", self.people.names());
        self.error(
            DiagKind::UnknownName,
            p.span,
            format!("`{}` is not a person in the org", p.text),
            Some(help),
        );
        None
    }

    /// A unit or a matter instance.
    fn target(&mut self, n: &Name) -> Option<TargetId> {
        if let Some(u) = self.units.get(&n.text) {
            return Some(TargetId::Unit(u));
        }
        if let Some(m) = self.matters.get(&n.text) {
            return Some(TargetId::Matter(m));
        }
        let help = suggest(
            &n.text,
            "unit and matter name",
            self.units.names().chain(self.matters.names()),
        );
        self.error(
            DiagKind::UnknownName,
            n.span,
            format!("unknown unit or matter `{}`", n.text),
            Some(help),
        );
        None
    }

    /// A unit, a matter instance or a matter kind.
    fn who_subject(&mut self, n: &Name) -> Option<WhoSubject> {
        if let Some(u) = self.units.get(&n.text) {
            return Some(WhoSubject::Unit(u));
        }
        if let Some(m) = self.matters.get(&n.text) {
            return Some(WhoSubject::Matter(m));
        }
        if let Some(k) = self.matter_kinds.get(&n.text) {
            return Some(WhoSubject::MatterKind(k));
        }
        let help = suggest(
            &n.text,
            "unit and matter name",
            self.units
                .names()
                .chain(self.matters.names())
                .chain(self.matter_kinds.names()),
        );
        self.error(
            DiagKind::UnknownName,
            n.span,
            format!("unknown unit or matter `{}`", n.text),
            Some(help),
        );
        None
    }

    /// A decision record, and everyone in it.
    fn decision(
        &mut self,
        d: &DecisionLit,
        incident_has_unit: bool,
    ) -> Option<(BoundDecision, Vec<PersonIx>)> {
        match d {
            DecisionLit::Individual { by } => {
                let by = self.person(by)?;
                Some((BoundDecision::Individual { by }, vec![by]))
            }
            DecisionLit::Collective {
                unit,
                participants,
                span,
            } => {
                let mut ok = true;
                let unit = match unit {
                    Some(u) => {
                        let id = self.resolve::<UnitIx>(u);
                        ok &= id.is_some();
                        id
                    }
                    None if incident_has_unit => None,
                    None => {
                        self.error(
                            DiagKind::Invalid,
                            *span,
                            "the collective decision names no unit, and neither does the incident".into(),
                            Some("name the deciding unit: `decided by collective of UNIT { … }`, or where it happened: `incident DATE at UNIT { … }`".into()),
                        );
                        ok = false;
                        None
                    }
                };
                let mut all = Vec::new();
                let mut objectors = Vec::new();
                let mut seen = HashSet::new();
                let mut objected_seen = HashSet::new();
                for (p, objected) in participants {
                    match self.person(p) {
                        Some(id) => {
                            if seen.insert(id) {
                                all.push(id);
                            }
                            if *objected && objected_seen.insert(id) {
                                objectors.push(id);
                            }
                        }
                        None => ok = false,
                    }
                }
                ok.then(|| {
                    (
                        BoundDecision::Collective {
                            unit,
                            participants: all.clone(),
                            objectors,
                        },
                        all,
                    )
                })
            }
        }
    }

    fn liability_step(
        &mut self,
        state: &State,
        person: &Name,
        duty: Option<&Name>,
        span: Span,
    ) -> Option<TestStepM> {
        let mut ok = true;
        if self.model.liability.is_empty() {
            self.error(
                DiagKind::Invalid,
                span,
                "the policy has no `liability` article".into(),
                Some("declare one: `liability per \"…\" { main POSITIONS bears DUTY  others bears DUTY  individual bears DUTY }`".into()),
            );
            ok = false;
        }
        let record = match &state.record {
            Some(r) => Some(std::rc::Rc::clone(r)),
            None => {
                self.error(
                    DiagKind::Invalid,
                    span,
                    "no incident with a decision record comes before `expect liability`".into(),
                    Some("state the decision first: `incident DATE at UNIT { … } decided by collective { PERSON, PERSON objecting }` or `… decided by PERSON`".into()),
                );
                ok = false;
                None
            }
        };
        let p = self.person(person);
        if let (Some(p), Some(record)) = (p, &record) {
            if !record.set.contains(&p) {
                let mut names: Vec<String> = record
                    .order
                    .iter()
                    .take(8)
                    .map(|r| self.people.order.get(*r).clone())
                    .collect();
                if record.order.len() > 8 {
                    names.push(format!("… ({} in all)", record.order.len()));
                }
                self.error(
                    DiagKind::UnknownName,
                    person.span,
                    format!("`{}` is not in the incident's decision record", person.text),
                    Some(format!("the record names {}", names.join(", "))),
                );
                ok = false;
            }
        }
        let d = match duty {
            None => Some(None),
            Some(d) => self.resolve::<DutyIx>(d).map(Some),
        };
        let (person, duty) = (p?, d?);
        ok.then(|| TestStepM::Liability {
            person,
            duty,
            at: self.location(span),
        })
    }

    fn staffing_step(
        &mut self,
        subject: &Name,
        on: NaiveDate,
        status: StaffedLit,
        positions: &[Name],
        span: Span,
    ) -> Option<TestStepM> {
        let target = self.target(subject)?;
        let needs: Vec<PositionIx> = self
            .binding(&self.index.staffing, target)
            .into_iter()
            .map(|i| self.model.staffing.get(i))
            .flat_map(|s| s.needs.iter().map(|n| n.position))
            .collect();
        if needs.is_empty() {
            self.error(
                DiagKind::Invalid,
                subject.span,
                format!("no staffing rule applies to `{}`", subject.text),
                Some("staffing rules apply to the units and matters their subject names".into()),
            );
            return None;
        }
        let mut ok = true;
        let mut ids = Vec::new();
        for p in positions {
            let Some(id) = self.resolve::<PositionIx>(p) else {
                ok = false;
                continue;
            };
            if !needs.contains(&id) {
                let asked: Vec<String> = needs
                    .iter()
                    .map(|n| self.model.positions.get(*n).name.clone())
                    .collect();
                self.error(
                    DiagKind::UnknownName,
                    p.span,
                    format!("no staffing rule asks `{}` for `{}`", subject.text, p.text),
                    Some(format!("its needs are {}", asked.join(", "))),
                );
                ok = false;
            }
            ids.push(id);
        }
        ok.then(|| TestStepM::Staffing {
            subject: target,
            on,
            status,
            positions: ids,
            at: self.location(span),
        })
    }

    /// The obligations or staffing rules (by `index`) whose subject covers
    /// a unit or matter, in declaration order.
    fn binding<I: Idx>(&self, index: &HashMap<SubjKey, Vec<I>>, t: TargetId) -> Vec<I> {
        let keys: Vec<SubjKey> = match t {
            TargetId::Unit(u) => {
                let kind = self.model.units.get(u).kind;
                std::iter::once(SubjKey::Unit(u))
                    .chain(kind.map(SubjKey::UnitKind))
                    .collect()
            }
            TargetId::Matter(m) => self
                .model
                .matters
                .get(m)
                .kind
                .map(SubjKey::MatterKind)
                .into_iter()
                .collect(),
        };
        let mut out: Vec<I> = keys
            .iter()
            .filter_map(|k| index.get(k))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The obligations a compliance (`status` given) or calendar expectation
    /// is about: those binding the subject, of the action when named, that
    /// can have the status, assessed over periods that fit in the period
    /// written.
    /// A period as written (`2019`, `2019-Q2` …), or an error at it.
    fn period(&mut self, period: &Name) -> Option<Period> {
        match crate::period::parse(&period.text) {
            Ok(p) => Some(p),
            Err(message) => {
                self.error(
                    DiagKind::Invalid,
                    period.span,
                    message,
                    Some(PERIOD_HELP.into()),
                );
                None
            }
        }
    }

    /// The date a period is assessed as of: the one written (not before the
    /// period begins), else the day after the period.
    fn as_of(
        &mut self,
        as_of: Option<&crate::syntax::ast::DateLit>,
        p: &Period,
    ) -> Option<NaiveDate> {
        match as_of {
            Some(d) if d.date < p.start => {
                self.error(
                    DiagKind::Invalid,
                    d.span,
                    format!("{} is before the period {p} begins", d.date),
                    Some(format!("assess {p} as of a day from {} on", p.start)),
                );
                None
            }
            Some(d) => Some(d.date),
            None => Some(p.end.succ_opt().unwrap_or(p.end)),
        }
    }

    fn obligations_of(
        &mut self,
        subject: &Name,
        action: Option<&Name>,
        period: &Name,
        status: Option<ComplianceLit>,
    ) -> Option<(TargetId, Vec<ObligationIx>, Period)> {
        let target = self.target(subject);
        let action_id = match action {
            Some(a) => Some(self.resolve::<ActionIx>(a)?),
            None => None,
        };
        let p = self.period(period);
        let (target, p) = (target?, p?);
        let action_name = |c: &Self, a: ActionIx| c.model.actions.get(a).clone();
        let binding: Vec<ObligationIx> = self
            .binding(&self.index.obligations, target)
            .into_iter()
            .filter(|i| {
                status.is_some()
                    || matches!(
                        self.model.obligations.get(*i).cadence,
                        CadenceM::Periodic { .. }
                    )
            })
            .collect();
        let mut actions: Vec<ActionIx> = binding
            .iter()
            .map(|i| self.model.obligations.get(*i).action)
            .collect();
        actions.sort_unstable();
        actions.dedup();
        let what = if status.is_some() {
            "obligation"
        } else {
            "periodic obligation"
        };
        if binding.is_empty() {
            self.error(
                DiagKind::Invalid,
                subject.span,
                format!("no {what} binds `{}`", subject.text),
                Some("obligations bind the units and matters their subject names".into()),
            );
            return None;
        }
        let listed = |c: &Self| {
            actions
                .iter()
                .map(|a| action_name(c, *a))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let chosen: Vec<ObligationIx> = match (action_id, action) {
            (Some(a), Some(name)) => {
                let v: Vec<ObligationIx> = binding
                    .iter()
                    .copied()
                    .filter(|i| self.model.obligations.get(*i).action == a)
                    .collect();
                if v.is_empty() {
                    let help = format!("`{}` must {}", subject.text, listed(self));
                    self.error(
                        DiagKind::UnknownName,
                        name.span,
                        format!("no {what} binds `{}` to `{}`", subject.text, name.text),
                        Some(help),
                    );
                    return None;
                }
                v
            }
            _ if status.is_some() && actions.len() > 1 => {
                let help = format!(
                    "name one of {}: `expect compliance {} {} {} …`",
                    listed(self),
                    subject.text,
                    actions
                        .first()
                        .map(|a| action_name(self, *a))
                        .unwrap_or_default(),
                    period.text
                );
                self.error(
                    DiagKind::Invalid,
                    subject.span,
                    format!(
                        "`{}` has several obligations: name the action",
                        subject.text
                    ),
                    Some(help),
                );
                return None;
            }
            _ => binding,
        };
        // Keep the obligations the status can describe.
        let fitting: Vec<ObligationIx> = chosen
            .iter()
            .copied()
            .filter(|i| {
                let o = self.model.obligations.get(*i);
                !matches!(
                    (o.cadence, status),
                    (
                        CadenceM::Periodic { .. },
                        Some(ComplianceLit::OnTime | ComplianceLit::Late | ComplianceLit::Overdue),
                    ) | (
                        CadenceM::Reactive { .. },
                        Some(ComplianceLit::Met | ComplianceLit::Missed) | None,
                    )
                )
            })
            .collect();
        if fitting.is_empty() {
            let (message, help) = match status {
                Some(ComplianceLit::Met | ComplianceLit::Missed) => (
                    "answers events as they occur; a period is not met or missed".to_string(),
                    "say how each event in the period was answered: `on-time`, `late`, `overdue` or `pending`",
                ),
                _ => (
                    "is due per period; it has no events to answer".to_string(),
                    "say how its periods came out: `met`, `missed`, `pending` or `not-assessed`",
                ),
            };
            let named = action
                .map(|a| a.text.clone())
                .unwrap_or_else(|| listed(self));
            self.error(
                DiagKind::Invalid,
                subject.span,
                format!("`{named}` of `{}` {message}", subject.text),
                Some(help.into()),
            );
            return None;
        }
        // A calendar lists what falls due in the period; compliance
        // assesses whole periods of the obligation in it.
        if status.is_none() {
            return Some((target, fitting, p));
        }
        let whole: Vec<ObligationIx> = fitting
            .iter()
            .copied()
            .filter(|i| {
                match crate::eval::compliance::assessed_per(
                    &self.model,
                    self.model.obligations.get(*i),
                ) {
                    Some(k) => rank(p.kind) <= rank(k),
                    None => true,
                }
            })
            .collect();
        if whole.is_empty() {
            let kinds: Vec<&str> = fitting
                .iter()
                .filter_map(|i| {
                    crate::eval::compliance::assessed_per(
                        &self.model,
                        self.model.obligations.get(*i),
                    )
                    .map(period_word)
                })
                .collect();
            let named = action
                .map(|a| a.text.clone())
                .unwrap_or_else(|| listed(self));
            self.error(
                DiagKind::Invalid,
                period.span,
                format!(
                    "`{}` of `{}` is assessed per {}, and {} holds no whole one",
                    named,
                    subject.text,
                    kinds.join(", "),
                    period.text
                ),
                Some("write a period at least that long (a year `2019`, a half-year `2019-H1`, a quarter `2019-Q2` …)".into()),
            );
            return None;
        }
        Some((target, whole, p))
    }

    fn events(&mut self, events: &[EventLit]) -> Option<TestStepM> {
        let mut ok = true;
        let mut out = Vec::new();
        for e in events {
            let subject = self.target(&e.subject);
            let what = if self.actions.get(&e.what.text).is_some() {
                Some((Some(e.what.text.clone()), None))
            } else if self.event_kinds.get(&e.what.text).is_some() {
                Some((None, Some(e.what.text.clone())))
            } else {
                let help = suggest(
                    &e.what.text,
                    "action and event kind name",
                    self.actions.names().chain(self.event_kinds.names()),
                );
                self.error(
                    DiagKind::UnknownName,
                    e.what.span,
                    format!("unknown action or event kind `{}`", e.what.text),
                    Some(help),
                );
                None
            };
            let mut to = Some(Vec::new());
            for t in &e.to {
                match (self.resolve::<UnitIx>(t), to.as_mut()) {
                    (Some(_), Some(v)) => v.push(t.text.clone()),
                    (Some(_), None) => {}
                    (None, _) => to = None,
                }
            }
            // `by NAME`: a person, else the unit that did it.
            let mut by = None;
            let person = match &e.person {
                None => Some(None),
                Some(p)
                    if self.people.get(&p.text).is_none() && self.units.get(&p.text).is_some() =>
                {
                    by = Some(p.text.clone());
                    Some(None)
                }
                Some(p) => self
                    .resolve::<crate::ids::PersonIx>(p)
                    .map(|_| Some(p.text.clone())),
            };
            let (Some(subject), Some((action, event)), Some(to), Some(person)) =
                (subject, what, to, person)
            else {
                ok = false;
                continue;
            };
            // Each line is one event: two equal lines are two events, told
            // apart by where they are written.
            let id = self.location(e.span);
            let date = match &e.time {
                Some(t) => format!("{}T{t}", e.date.date),
                None => e.date.date.to_string(),
            };
            let (unit, matter) = match subject {
                TargetId::Unit(_) => (Some(e.subject.text.clone()), None),
                TargetId::Matter(_) => (None, Some(e.subject.text.clone())),
            };
            out.push(Event {
                id: Some(id),
                date,
                unit,
                matter,
                person,
                by,
                action,
                event,
                to,
                for_period: e.for_period.as_ref().map(|p| p.text.clone()),
                reference: None,
                note: None,
            });
        }
        ok.then_some(TestStepM::Events(out))
    }
}
