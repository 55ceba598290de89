//! Running the `test` blocks written in a policy: each states incidents,
//! events and the answers expected; a test passes when every expectation
//! holds. Every expectation is answered by the same evaluation the queries
//! use (`who`, `duties_of`, `triggers`, `liability`, `staffing`,
//! `calendar`, `compliance`, the policy's warnings), and the runs record
//! which clauses, rules, obligations, staffing rules and liability articles
//! the tests exercised ([`Coverage`]).

use crate::check::{
    AnchorM, BearerM, CadenceM, DeadlineM, RuleM, ScopeM, SubjectM, TargetId, TestM, TestStepM,
};
use crate::compile::Compiled;
use crate::compliance::{ReactionStatus, Status};
use crate::eval::compliance::{calendar, compliance, rows};
use crate::eval::liability::liability;
use crate::eval::staffing::staffing;
use crate::eval::triggers::triggers;
use crate::eval::who::{duties_of, who_matter, who_unit};
use crate::events::{from_events, EventLog};
use crate::ids::{
    ClauseIx, DutyIx, Idx, MatterIx, MatterKindIx, ObligationIx, PersonIx, PositionIx, RuleIx,
    StaffingIx, Table, UnitIx,
};
use crate::incident::BoundIncident;
use crate::period::{Period, PeriodKind};
use crate::staffing::Staffed;
use crate::syntax::ast::{ComplianceLit, StaffedLit};
use crate::triggers::{Applicability, Outcome};
use crate::who::{Bearer, Responsibility, Step, Subject};
use chrono::NaiveDate;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// The warning kinds an `expect warning` may name.
pub(crate) const WARNING_KINDS: &[&str] = &["unassigned", "conflict", "never-matches"];

/// What an `expect who` asks about.
#[derive(Debug, Clone, Copy)]
pub(crate) enum WhoSubject {
    Unit(UnitIx),
    Matter(MatterIx),
    MatterKind(MatterKindIx),
}

/// A duty or a post in `expect accountable`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TargetWant {
    Duty(DutyIx),
    Post(PositionIx),
}

/// Who an `expect who` expects.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BearerWant {
    /// A team: the subject unit's (any related unit's for a matter), or a named unit's.
    Team(Option<UnitIx>),
    Vacant,
    Person(PersonIx),
}

/// A warning of the policy, as a test sees it.
#[derive(Debug, Clone)]
pub(crate) struct WarnSeen {
    pub kind: String,
    pub message: String,
    /// `file:line:column`.
    pub at: String,
}

/// Every warning of the policy, with lookups by kind and by where.
#[derive(Debug, Clone, Default)]
pub(crate) struct Warnings {
    list: Vec<WarnSeen>,
    kinds: HashSet<String>,
    sites: HashSet<(String, String)>,
}

impl Warnings {
    pub(crate) fn new(list: Vec<WarnSeen>) -> Self {
        Warnings {
            kinds: list.iter().map(|w| w.kind.clone()).collect(),
            sites: list
                .iter()
                .map(|w| (w.kind.clone(), w.at.clone()))
                .collect(),
            list,
        }
    }

    /// Whether a warning of `kind` (at `site`, when given) is among them.
    fn has(&self, kind: &str, site: Option<&str>) -> bool {
        match site {
            None => self.kinds.contains(kind),
            Some(at) => self.sites.contains(&(kind.to_string(), at.to_string())),
        }
    }

    /// The first few, as a failure shows them.
    fn shown(&self) -> String {
        let v: Vec<String> = self
            .list
            .iter()
            .take(SHOWN + 1)
            .map(|w| format!("{} at {}: {}", w.kind, w.at, w.message))
            .collect();
        list(&v)
    }
}

/// Where each item coverage counts is written (`file:line:column`),
/// parallel to the compiled clauses (flattened over lists), rules,
/// obligations, staffing rules and liability articles.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sites {
    pub clauses: Vec<String>,
    pub rules: Vec<String>,
    pub obligations: Vec<String>,
    pub staffing: Vec<String>,
    pub liability: Vec<String>,
    pub approvals: Vec<String>,
    pub seats: Vec<String>,
}

/// The outcome of one test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestOutcome<'p> {
    /// The test's name.
    pub name: &'p str,
    /// Where it is written (`file:line:column`).
    pub at: &'p str,
    /// Whether every expectation held.
    pub passed: bool,
    /// What did not hold, each starting with the `file:line:column` of its
    /// `expect`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<String>,
}

/// The outcome of every test of a policy, in order, and what they covered.
///
/// Serialized as `{"tests": […], "passed": N, "failed": N}`; the coverage is
/// serialized on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestReport<'p> {
    /// One per test.
    pub tests: Vec<TestOutcome<'p>>,
    /// What the tests exercised.
    pub coverage: Coverage<'p>,
}

impl TestReport<'_> {
    /// Number of tests that failed.
    pub fn failed(&self) -> usize {
        self.tests.iter().filter(|t| !t.passed).count()
    }

    /// Number of tests that passed.
    pub fn passed(&self) -> usize {
        self.tests.len() - self.failed()
    }

    /// The summary line: `N passed, N failed`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed(), self.failed())
    }
}

impl Serialize for TestReport<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("TestReport", 3)?;
        st.serialize_field("tests", &self.tests)?;
        st.serialize_field("passed", &self.passed())?;
        st.serialize_field("failed", &self.failed())?;
        st.end()
    }
}

impl TestReport<'_> {
    /// The report as text: one line per test (`ok` or `FAILED`, its name
    /// and where it is), each failure under its test, with `coverage` the
    /// coverage, then the summary line.
    pub fn render(&self, coverage: bool) -> String {
        use fmt::Write as _;
        let mut out = String::new();
        for t in &self.tests {
            if t.passed {
                let _ = writeln!(out, "ok      {} ({})", t.name, t.at);
            } else {
                let _ = writeln!(out, "FAILED  {} ({})", t.name, t.at);
                for x in &t.failures {
                    let _ = writeln!(out, "        {x}");
                }
            }
        }
        if coverage {
            let _ = writeln!(out, "\n{}", self.coverage);
        }
        let _ = writeln!(out, "{}", self.summary());
        out
    }
}

impl fmt::Display for TestReport<'_> {
    /// [`TestReport::render`] without the coverage.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// What coverage counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageKind {
    /// A trigger clause.
    Clause,
    /// An assignment rule (one `BEARER bears DUTY` line).
    Rule,
    /// An obligation.
    Obligation,
    /// A staffing rule.
    Staffing,
    /// A liability article.
    Liability,
    /// An approval chain.
    Approval,
    /// A seat held by virtue of other posts.
    Seat,
}

impl CoverageKind {
    const ALL: [CoverageKind; 7] = [
        CoverageKind::Clause,
        CoverageKind::Rule,
        CoverageKind::Obligation,
        CoverageKind::Staffing,
        CoverageKind::Liability,
        CoverageKind::Approval,
        CoverageKind::Seat,
    ];

    fn plural(self) -> &'static str {
        match self {
            CoverageKind::Clause => "trigger clauses",
            CoverageKind::Rule => "assignment rules",
            CoverageKind::Obligation => "obligations",
            CoverageKind::Staffing => "staffing rules",
            CoverageKind::Liability => "liability articles",
            CoverageKind::Approval => "approval chains",
            CoverageKind::Seat => "seats",
        }
    }
}

/// One clause, rule, obligation, staffing rule or liability article, and
/// the tests that exercised it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageItem<'p> {
    /// What it is.
    pub kind: CoverageKind,
    /// Its article (a clause's full citation, `第八条(五)`).
    pub citation: &'p str,
    /// It in words, as the policy writes it.
    pub what: String,
    /// Where it is written (`file:line:column`); empty when the policy has no tests.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub at: &'p str,
    /// Whether the tests exercised it (see [`Coverage`]).
    pub covered: bool,
    /// The tests that exercised it, in order.
    pub tests: Vec<&'p str>,
    /// For a clause: whether it is the catch-all (`otherwise`).
    #[serde(skip_serializing_if = "is_false")]
    pub catch_all: bool,
    /// For a clause: the tests that saw it match.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub matched_by: Vec<&'p str>,
    /// For a clause: the tests that saw it not match.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rejected_by: Vec<&'p str>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// How many items of one kind the tests covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoverageTally {
    /// The kind; `None` for all items together.
    pub kind: Option<CoverageKind>,
    /// Covered.
    pub covered: usize,
    /// In the policy.
    pub total: usize,
}

impl CoverageTally {
    /// The share covered, in percent; 100 when there is nothing to cover.
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            // Counts are far below 2^52: exact as f64.
            self.covered as f64 * 100.0 / self.total as f64
        }
    }
}

impl Serialize for CoverageTally {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("CoverageTally", 4)?;
        match self.kind {
            Some(k) => st.serialize_field("kind", &k)?,
            None => st.serialize_field("kind", "all")?,
        }
        st.serialize_field("covered", &self.covered)?;
        st.serialize_field("total", &self.total)?;
        st.serialize_field("percent", &((self.percent() * 10.0).round() / 10.0))?;
        st.end()
    }
}

/// What the tests exercised.
///
/// - a **trigger clause** with a condition is covered when an `expect
///   triggers` (or `expect no triggers`) evaluated an incident for which its
///   condition came out true (the clause matched) or false (it was
///   rejected); the item lists the tests of each way. A clause left
///   undetermined (a fact it reads not given) and an incident dated before
///   the policy took effect count for nothing. A catch-all clause
///   (`otherwise`) is covered when an expectation evaluated an incident that
///   matched no clause of its list — the case the catch-all is for;
/// - an **assignment rule** is covered when the answer to an `expect who`
///   (the responsibilities for the duty it names) or an `expect duties`
///   (every duty held) came from it;
/// - an **obligation** is covered when an `expect compliance` found one of
///   its periods (or one of its triggering events) in the period it names,
///   or an `expect calendar` was about it;
/// - a **staffing rule** is covered when an `expect staffing` looked at one
///   of its needs;
/// - a **liability article** is covered when an `expect liability` was
///   answered by it.
///
/// A test exercises what its expectations evaluated, whether they held or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage<'p> {
    /// Per kind, then all together.
    pub tally: Vec<CoverageTally>,
    /// Every item, by kind, in the order the policy declares them.
    pub items: Vec<CoverageItem<'p>>,
}

impl Coverage<'_> {
    /// All items together.
    pub fn total(&self) -> CoverageTally {
        CoverageTally {
            kind: None,
            covered: self.items.iter().filter(|i| i.covered).count(),
            total: self.items.len(),
        }
    }

    /// One kind.
    pub fn of(&self, kind: CoverageKind) -> CoverageTally {
        let of = self.items.iter().filter(|i| i.kind == kind);
        CoverageTally {
            kind: Some(kind),
            covered: of.clone().filter(|i| i.covered).count(),
            total: of.count(),
        }
    }
}

/// The first `n` characters of `s`, with `…` when cut.
fn cut(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().nth(n).is_some() {
        out.push('…');
    }
    out
}

impl fmt::Display for Coverage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let all = self.total();
        writeln!(
            f,
            "coverage: {} of {} items ({:.1}%)",
            all.covered,
            all.total,
            all.percent()
        )?;
        for t in &self.tally {
            let Some(kind) = t.kind else { continue };
            let mut line = format!("  {:<20} {:>4} of {:<4}", kind.plural(), t.covered, t.total);
            if t.total > 0 {
                line.push_str(&format!(" ({:.1}%)", t.percent()));
            }
            if kind == CoverageKind::Clause && t.total > 0 {
                let conditional = self.items.iter().filter(|i| i.kind == kind && !i.catch_all);
                let matched = conditional.clone().filter(|i| !i.matched_by.is_empty());
                line.push_str(&format!(
                    "; {} of {} seen matching",
                    matched.count(),
                    conditional.count()
                ));
            }
            writeln!(f, "{}", line.trim_end())?;
        }
        for kind in CoverageKind::ALL {
            let items: Vec<&CoverageItem<'_>> =
                self.items.iter().filter(|i| i.kind == kind).collect();
            if items.is_empty() {
                continue;
            }
            writeln!(f, "{}:", kind.plural())?;
            for i in items {
                let mark = if i.covered { "covered " } else { "MISSING " };
                let what = match kind {
                    CoverageKind::Clause if i.catch_all => {
                        format!("{} {} (otherwise)", i.citation, cut(&i.what, 24))
                    }
                    CoverageKind::Clause => format!("{} {}", i.citation, cut(&i.what, 24)),
                    _ if i.citation.is_empty() => i.what.clone(),
                    _ => format!("{} {}", i.citation, i.what),
                };
                write!(f, "  {mark} {what}")?;
                if !i.at.is_empty() {
                    write!(f, " ({})", i.at)?;
                }
                writeln!(f)?;
                if kind == CoverageKind::Clause {
                    if !i.matched_by.is_empty() {
                        writeln!(f, "           matched by: {}", i.matched_by.join("; "))?;
                    }
                    match i.rejected_by.len() {
                        0 => {}
                        n @ 4.. => writeln!(f, "           rejected by {n} tests")?,
                        _ => writeln!(f, "           rejected by: {}", i.rejected_by.join("; "))?,
                    }
                    let other: Vec<&str> = i
                        .tests
                        .iter()
                        .copied()
                        .filter(|t| !i.matched_by.contains(t) && !i.rejected_by.contains(t))
                        .collect();
                    if !other.is_empty() {
                        writeln!(
                            f,
                            "           no clause of its list matched: {}",
                            other.join("; ")
                        )?;
                    }
                } else if !i.tests.is_empty() {
                    writeln!(f, "           by: {}", i.tests.join("; "))?;
                }
            }
        }
        Ok(())
    }
}

/// Which tests exercised each item, by test index.
#[derive(Default)]
struct Hits {
    tests: Vec<usize>,
    matched: Vec<usize>,
    rejected: Vec<usize>,
}

/// Records test `t`; tests run in order, so it is new unless it is the last.
fn add(v: &mut Vec<usize>, t: usize) {
    if v.last() != Some(&t) {
        v.push(t);
    }
}

/// Which tests exercised what, and indexes from answers back to the
/// policy's items.
struct Recorder<'p> {
    clauses: Table<ClauseIx, Hits>,
    rules: Table<RuleIx, Hits>,
    obligations: Table<ObligationIx, Hits>,
    staffing: Table<StaffingIx, Hits>,
    liability: Vec<Hits>,
    approvals: Vec<Hits>,
    seats: Vec<Hits>,
    /// (clause citation, clause text) → flattened clause indices.
    clause_at: HashMap<(&'p str, &'p str), Vec<ClauseIx>>,
    /// (citation, duty) → rules.
    rules_at: HashMap<(&'p str, DutyIx), Vec<RuleIx>>,
    /// citation → staffing rules.
    staffing_at: HashMap<&'p str, Vec<StaffingIx>>,
}

impl<'p> Recorder<'p> {
    fn new(c: &'p Compiled) -> Self {
        let mut clause_at: HashMap<(&str, &str), Vec<ClauseIx>> = HashMap::new();
        for i in c.clauses.all.ids() {
            let (_, _, cl) = c.clause(i);
            clause_at
                .entry((cl.citation.as_str(), cl.text.as_str()))
                .or_default()
                .push(i);
        }
        let mut rules_at: HashMap<(&str, DutyIx), Vec<RuleIx>> = HashMap::new();
        for (i, r) in c.rules.iter_enumerated() {
            rules_at
                .entry((r.citation.as_str(), r.duty))
                .or_default()
                .push(i);
        }
        let mut staffing_at: HashMap<&str, Vec<StaffingIx>> = HashMap::new();
        for (i, s) in c.staffing.iter_enumerated() {
            staffing_at.entry(s.citation.as_str()).or_default().push(i);
        }
        Recorder {
            clauses: c.clauses.all.iter().map(|_| Hits::default()).collect(),
            rules: c.rules.iter().map(|_| Hits::default()).collect(),
            obligations: c.obligations.iter().map(|_| Hits::default()).collect(),
            staffing: c.staffing.iter().map(|_| Hits::default()).collect(),
            liability: hits(c.liability.len()),
            approvals: hits(c.approvals.len()),
            seats: hits(c.seats.len()),
            clause_at,
            rules_at,
            staffing_at,
        }
    }
}

fn hits(n: usize) -> Vec<Hits> {
    std::iter::repeat_with(Hits::default).take(n).collect()
}

/// Records test `t` as having exercised item `i`.
fn hit<I: Idx>(v: &mut Table<I, Hits>, i: I, t: usize) {
    add(&mut v.get_mut(i).tests, t);
}

fn unit_name(c: &Compiled, u: UnitIx) -> &str {
    c.units.get(u).name.as_str()
}

fn matter_name(c: &Compiled, m: MatterIx) -> &str {
    c.matters.get(m).name.as_str()
}

fn target_name(c: &Compiled, t: TargetId) -> &str {
    match t {
        TargetId::Unit(u) => unit_name(c, u),
        TargetId::Matter(m) => matter_name(c, m),
    }
}

/// Why a date cannot be asked about, if it cannot.
fn not_in_force(c: &Compiled, on: NaiveDate) -> Option<String> {
    c.header
        .effective
        .filter(|e| on < *e)
        .map(|e| format!("{on} is before the policy took effect on {e}"))
}

/// The rules a responsibility came from: same article, duty and bearer,
/// and a scope the first step of its path names.
fn rules_of(
    c: &Compiled,
    at: &HashMap<(&str, DutyIx), Vec<RuleIx>>,
    r: &Responsibility<'_>,
) -> Vec<RuleIx> {
    let kind_of_unit = |name: &str| c.unit_index.get(name).map(|u| c.units.get(u).kind);
    let position_is = |p: PositionIx, name: &str| c.positions.get(p).name == name;
    let anchored = |of: AnchorM, unit: &str| match of {
        AnchorM::Unit(x) => unit_name(c, x) == unit,
        _ => true,
    };
    let bearer_fits = |rule: &RuleM| match (rule.bearer, &r.bearer) {
        (BearerM::Team(a), Bearer::Team { unit }) => anchored(a, unit),
        (
            BearerM::Position { position, of, .. },
            Bearer::Holder {
                position: p, unit, ..
            }
            | Bearer::Vacant { position: p, unit },
        ) => position_is(position, p) && anchored(of, unit),
        _ => false,
    };
    let covering = |rule: &RuleM| matches!(rule.bearer, BearerM::Position { covering: true, .. });
    let scope_fits = |rule: &RuleM| match (r.path.first(), &rule.scope) {
        (Some(Step::Kind { kind, .. }), ScopeM::EachUnit(ks)) => {
            ks.iter().any(|k| c.unit_kinds.get(*k).as_str() == *kind)
        }
        (Some(Step::Named { name }), ScopeM::Unit(u)) => unit_name(c, *u) == *name,
        (Some(Step::Named { name }), ScopeM::Matter(m)) => matter_name(c, *m) == *name,
        (Some(Step::MatterKind { kind, .. }), ScopeM::EachMatter(ks)) => {
            ks.iter().any(|k| c.matter_kinds.get(*k).as_str() == *kind)
        }
        // 一岗双责 from above: the path starts at the post the holder has.
        (Some(Step::Holds { unit, .. }), ScopeM::EachUnit(ks)) if covering(rule) => {
            kind_of_unit(unit).is_some_and(|k| ks.contains(&k))
        }
        (Some(Step::Holds { unit, .. }), ScopeM::Unit(u)) if covering(rule) => {
            unit_name(c, *u) == *unit
        }
        _ => false,
    };
    at.get(&(r.citation, r.key.0))
        .into_iter()
        .flatten()
        .copied()
        .filter(|i| {
            let rule = c.rules.get(*i);
            bearer_fits(rule) && scope_fits(rule)
        })
        .collect()
}

fn subject_text(s: Subject<'_>) -> &str {
    match s {
        Subject::Unit(n) | Subject::Matter(n) | Subject::MatterKind(n) => n,
    }
}

fn staffed_word(s: Staffed) -> &'static str {
    match s {
        Staffed::Ok => "ok",
        Staffed::Short => "short",
        Staffed::Over => "over",
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Met => "met",
        Status::Missed => "missed",
        Status::Pending => "pending",
        Status::NotAssessed => "not-assessed",
        Status::NotStated => "not-stated",
    }
}

fn reaction_word(s: ReactionStatus) -> &'static str {
    match s {
        ReactionStatus::OnTime => "on-time",
        ReactionStatus::Late => "late",
        ReactionStatus::Overdue => "overdue",
        ReactionStatus::Pending => "pending",
        ReactionStatus::NotAssessed => "not-assessed",
        ReactionStatus::Answered => "answered",
        ReactionStatus::Unanswered => "unanswered",
    }
}

fn within(p: &Period, w: &Period) -> bool {
    w.start <= p.start && p.end <= w.end
}

/// How many answers a failure shows.
const SHOWN: usize = 10;

/// `[a, b, …]`, at most [`SHOWN`] of them; `nothing` when empty.
fn list(v: &[String]) -> String {
    match v.len() {
        0 => "nothing".into(),
        n if n <= SHOWN => format!("[{}]", v.join(", ")),
        _ => format!("[{}, …]", v.get(..SHOWN).unwrap_or(v).join(", ")),
    }
}

/// One test being run.
struct Run<'p> {
    c: &'p Compiled,
    t: usize,
    failures: Vec<String>,
    incident: Option<&'p BoundIncident>,
    log: Result<EventLog, String>,
}

impl<'p> Run<'p> {
    fn fail(&mut self, at: &str, message: String) {
        self.failures.push(format!("{at}: {message}"));
    }

    fn step(&mut self, step: &'p TestStepM, rec: &mut Recorder<'_>) {
        let c = self.c;
        match step {
            TestStepM::Incident(inc) => self.incident = Some(inc),
            TestStepM::Events(events) => {
                self.log = from_events(c, "events", events).map_err(|d| d.to_string());
            }
            TestStepM::Triggers { clauses, at } => self.triggers(clauses, at, rec),
            TestStepM::Accountable {
                clause,
                consequence,
                items,
                at,
            } => self.accountable(clause, *consequence, items, at),
            TestStepM::Who {
                subject,
                on,
                duty,
                bearer,
                at,
            } => self.who(*subject, *on, *duty, *bearer, at, rec),
            TestStepM::Duties {
                person,
                on,
                duties,
                at,
            } => self.duties(*person, *on, duties, at, rec),
            TestStepM::Liability { person, duty, at } => self.liability(*person, *duty, at, rec),
            TestStepM::Staffing {
                subject,
                on,
                status,
                positions,
                at,
            } => self.staffing(*subject, *on, *status, positions, at, rec),
            TestStepM::Compliance {
                subject,
                person,
                obligations,
                period,
                status,
                as_of,
                at,
            } => self.compliance(
                (*subject, *person),
                obligations,
                *period,
                *status,
                *as_of,
                at,
                rec,
            ),
            TestStepM::Calendar {
                subject,
                obligations,
                period,
                due,
                at,
            } => self.calendar(*subject, obligations, *period, due, at, rec),
            TestStepM::Holders {
                unit,
                position,
                on,
                people,
                at,
            } => {
                // The seats that fill the post: what it exercises.
                for (k, s) in c.seats.iter().enumerate() {
                    if s.unit == *unit && s.position == *position {
                        if let Some(h) = rec.seats.get_mut(k) {
                            add(&mut h.tests, self.t);
                        }
                    }
                }
                self.holders(*unit, *position, *on, people, at)
            }
            TestStepM::Approval {
                subject,
                action,
                period,
                approved,
                as_of,
                at,
            } => {
                // The chains on the action of the subject: what it exercises.
                for (k, a) in c.approvals.iter().enumerate() {
                    if a.action == *action
                        && crate::eval::compliance::subjects(c, &a.subject).contains(subject)
                    {
                        if let Some(h) = rec.approvals.get_mut(k) {
                            add(&mut h.tests, self.t);
                        }
                    }
                }
                self.approval(*subject, *action, *period, *approved, *as_of, at)
            }
            TestStepM::Warning {
                kind,
                clause,
                warnings,
                at,
            } => match kind {
                None if !warnings.list.is_empty() => self.fail(
                    at,
                    format!("expected no warnings, found {}", warnings.shown()),
                ),
                None => {}
                Some(k) if !warnings.has(k, clause.as_ref().map(|(_, site)| site.as_str())) => {
                    let about = clause
                        .as_ref()
                        .map(|(cit, _)| format!(" about {cit}"))
                        .unwrap_or_default();
                    self.fail(
                        at,
                        format!(
                            "expected a `{k}` warning{about}, found {}",
                            warnings.shown()
                        ),
                    );
                }
                Some(_) => {}
            },
        }
    }

    fn triggers(&mut self, clauses: &[(String, String)], at: &str, rec: &mut Recorder<'_>) {
        let c = self.c;
        let Some(inc) = self.incident else { return };
        let answer = triggers(c, inc, true);
        let got: Vec<(&str, &str)> = answer
            .clauses
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Matched { .. }))
            .map(|r| (r.clause.citation, r.clause.text))
            .collect();
        // Coverage: every determined clause, and each catch-all of a list
        // nothing matched.
        let matched_lists: HashSet<&str> = answer
            .clauses
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Matched { .. }))
            .map(|r| r.clause.list)
            .collect();
        for r in &answer.clauses {
            let Some(ids) = rec.clause_at.get(&(r.clause.citation, r.clause.text)) else {
                continue;
            };
            for i in ids {
                let h = rec.clauses.get_mut(*i);
                match r.outcome {
                    Outcome::Matched { .. } => {
                        add(&mut h.matched, self.t);
                        add(&mut h.tests, self.t);
                    }
                    Outcome::NotMatched { .. } => {
                        add(&mut h.rejected, self.t);
                        add(&mut h.tests, self.t);
                    }
                    Outcome::Discretionary if !matched_lists.contains(r.clause.list) => {
                        add(&mut h.tests, self.t)
                    }
                    _ => {}
                }
            }
        }
        let same = got.len() == clauses.len()
            && got
                .iter()
                .zip(clauses)
                .all(|((cit, text), (wc, wt))| cit == wc && text == wt);
        if !same {
            let got: Vec<String> = got.iter().map(|(cit, _)| cit.to_string()).collect();
            let want: Vec<&str> = clauses.iter().map(|(c, _)| c.as_str()).collect();
            let why = match answer.applicability {
                Applicability::NotApplicable { effective } => format!(
                    " (not applicable: {} is before the policy took effect on {effective})",
                    inc.date
                ),
                Applicability::InForce | Applicability::Unknown => String::new(),
            };
            self.fail(
                at,
                format!(
                    "expected triggers [{}], matched [{}]{why}",
                    want.join(", "),
                    got.join(", ")
                ),
            );
        }
    }

    /// `expect accountable`: exactly these duties or posts and bearers for
    /// the clause, which must have matched (or be open to judgement).
    fn accountable(
        &mut self,
        clause: &(String, String),
        consequence: bool,
        items: &[(TargetWant, BearerWant)],
        at: &str,
    ) {
        let c = self.c;
        let Some(inc) = self.incident else { return };
        let answer = triggers(c, inc, false);
        let found = if consequence {
            answer
                .consequences
                .iter()
                .find(|k| k.citation == clause.0 && k.text == clause.1)
                .filter(|k| matches!(k.outcome, Outcome::Matched { .. }))
                .map(|k| (&k.accountable, &k.unreached))
        } else {
            answer
                .clauses
                .iter()
                .find(|r| r.clause.citation == clause.0 && r.clause.text == clause.1)
                .filter(|r| matches!(r.outcome, Outcome::Matched { .. } | Outcome::Discretionary))
                .map(|r| (&r.accountable, &r.unreached))
        };
        let Some((accountable, unreached)) = found else {
            self.fail(
                at,
                format!(
                    "expected people held to account by {}, but the clause did not match",
                    clause.0
                ),
            );
            return;
        };
        let fits = |a: &crate::triggers::Accountable<'_>, (t, b): &(TargetWant, BearerWant)| {
            let target_ok = match (a.against, t) {
                (crate::triggers::Target::Duty(d), TargetWant::Duty(w)) => {
                    d == c.duties.get(*w).as_str()
                }
                (
                    crate::triggers::Target::Post(p) | crate::triggers::Target::PostCovering(p),
                    TargetWant::Post(w),
                ) => p == c.positions.get(*w).name,
                _ => false,
            };
            target_ok
                && match (&a.bearer, b) {
                    (Bearer::Holder { person, .. }, BearerWant::Person(p)) => {
                        *person == c.people.get(*p).as_str()
                    }
                    (Bearer::Team { .. }, BearerWant::Team(None)) => true,
                    (Bearer::Team { unit }, BearerWant::Team(Some(u))) => *unit == unit_name(c, *u),
                    (Bearer::Vacant { .. }, BearerWant::Vacant) => true,
                    _ => false,
                }
        };
        let all_wanted_found = items.iter().all(|w| accountable.iter().any(|a| fits(a, w)));
        let nothing_else = accountable.iter().all(|a| items.iter().any(|w| fits(a, w)));
        if !(all_wanted_found && nothing_else) {
            let want: Vec<String> = items
                .iter()
                .map(|(t, b)| {
                    let t = match t {
                        TargetWant::Duty(d) => c.duties.get(*d).to_string(),
                        TargetWant::Post(p) => c.positions.get(*p).name.clone(),
                    };
                    let b = match b {
                        BearerWant::Person(p) => c.people.get(*p).as_str().to_string(),
                        BearerWant::Team(None) => "team".into(),
                        BearerWant::Team(Some(u)) => format!("team of {}", unit_name(c, *u)),
                        BearerWant::Vacant => "vacant".into(),
                    };
                    format!("{t} {b}")
                })
                .collect();
            let got: Vec<String> = accountable
                .iter()
                .map(|a| format!("{} {}", a.against, a.bearer))
                .chain(
                    unreached
                        .iter()
                        .map(|u| format!("{} reaches nobody", u.against)),
                )
                .collect();
            self.fail(
                at,
                format!(
                    "expected {} to hold [{}] to account, found [{}]",
                    clause.0,
                    if want.is_empty() {
                        "nobody".to_string()
                    } else {
                        want.join(", ")
                    },
                    got.join(", ")
                ),
            );
        }
    }

    fn who(
        &mut self,
        subject: WhoSubject,
        on: NaiveDate,
        duty: DutyIx,
        want: BearerWant,
        at: &str,
        rec: &mut Recorder<'_>,
    ) {
        let c = self.c;
        let duty_name = c.duties.get(duty).as_str();
        let (subject_name, answer) = match subject {
            WhoSubject::Unit(u) => (unit_name(c, u), who_unit(c, u, on)),
            WhoSubject::Matter(m) => {
                let kind = c.matters.get(m).kind;
                (matter_name(c, m), who_matter(c, Some(m), kind, on))
            }
            WhoSubject::MatterKind(k) => {
                (c.matter_kinds.get(k).as_str(), who_matter(c, None, k, on))
            }
        };
        let wanted = match want {
            BearerWant::Person(p) => c.people.get(p).clone(),
            BearerWant::Team(None) => "the team".into(),
            BearerWant::Team(Some(u)) => format!("the team of {}", unit_name(c, u)),
            BearerWant::Vacant => "nobody (a vacant post)".into(),
        };
        if let Some(why) = not_in_force(c, on) {
            self.fail(
                at,
                format!(
                    "expected {wanted} to bear {duty_name} for {subject_name} on {on}, but {why}"
                ),
            );
            return;
        }
        let rows: Vec<&Responsibility<'_>> =
            answer.iter().filter(|r| r.duty == duty_name).collect();
        for r in &rows {
            for i in rules_of(c, &rec.rules_at, r) {
                hit(&mut rec.rules, i, self.t);
            }
        }
        let is_unit = matches!(subject, WhoSubject::Unit(_));
        let ok = rows.iter().any(|r| match (&r.bearer, want) {
            (Bearer::Holder { person, .. }, BearerWant::Person(p)) => *person == c.people.get(p),
            (Bearer::Team { unit }, BearerWant::Team(None)) => !is_unit || *unit == subject_name,
            (Bearer::Team { unit }, BearerWant::Team(Some(u))) => *unit == unit_name(c, u),
            (Bearer::Vacant { .. }, BearerWant::Vacant) => true,
            _ => false,
        });
        if !ok {
            let found: Vec<String> = rows.iter().map(|r| r.bearer.to_string()).collect();
            self.fail(
                at,
                format!(
                    "expected {wanted} to bear {duty_name} for {subject_name} on {on}, found [{}]",
                    found.join(", ")
                ),
            );
        }
    }

    fn duties(
        &mut self,
        person: PersonIx,
        on: NaiveDate,
        want: &[(DutyIx, Option<TargetId>)],
        at: &str,
        rec: &mut Recorder<'_>,
    ) {
        let c = self.c;
        let who = c.people.get(person).as_str();
        let wanted: Vec<(&str, Option<&str>)> = want
            .iter()
            .map(|(d, s)| (c.duties.get(*d).as_str(), s.map(|t| target_name(c, t))))
            .collect();
        let shown: Vec<String> = wanted
            .iter()
            .map(|(d, s)| match s {
                Some(s) => format!("{d} for {s}"),
                None => d.to_string(),
            })
            .collect();
        if let Some(why) = not_in_force(c, on) {
            self.fail(
                at,
                format!("expected {who} to hold {} on {on}, but {why}", list(&shown)),
            );
            return;
        }
        let held = duties_of(c, person, on);
        for h in &held {
            for i in rules_of(c, &rec.rules_at, &h.responsibility) {
                hit(&mut rec.rules, i, self.t);
            }
        }
        let found: Vec<(&str, &str)> = held
            .iter()
            .map(|h| (h.responsibility.duty, subject_text(h.subject)))
            .collect();
        let fits = |(d, s): &(&str, Option<&str>), (fd, fs): &(&str, &str)| {
            d == fd && s.is_none_or(|s| s == *fs)
        };
        let ok = wanted.iter().all(|w| found.iter().any(|f| fits(w, f)))
            && found.iter().all(|f| wanted.iter().any(|w| fits(w, f)));
        if !ok {
            let mut got: Vec<String> = found.iter().map(|(d, s)| format!("{d} for {s}")).collect();
            got.dedup();
            let wanted = if shown.is_empty() {
                "no duty".to_string()
            } else {
                format!("exactly {}", list(&shown))
            };
            self.fail(
                at,
                format!(
                    "expected {who} to hold {wanted} on {on}, found {}",
                    list(&got)
                ),
            );
        }
    }

    fn liability(
        &mut self,
        person: PersonIx,
        duty: Option<DutyIx>,
        at: &str,
        rec: &mut Recorder<'_>,
    ) {
        let c = self.c;
        let who = c.people.get(person).as_str();
        let wanted = duty.map(|d| c.duties.get(d).as_str()).unwrap_or("none");
        let Some(inc) = self.incident else { return };
        let answer = match liability(c, inc) {
            Ok(a) => a,
            Err(e) => {
                self.fail(at, format!("expected {who} to bear {wanted}, but {e}"));
                return;
            }
        };
        let article = c
            .liability
            .iter()
            .position(|l| l.citation == answer.citation);
        if let Some(h) = article.and_then(|i| rec.liability.get_mut(i)) {
            add(&mut h.tests, self.t);
        }
        let row = answer.people.iter().find(|p| p.person == who);
        let got = row.map(|p| (p.liability.unwrap_or("none"), p.reason));
        match got {
            Some((l, _)) if l == wanted => {}
            Some((l, reason)) => self.fail(
                at,
                format!("expected {who} to bear {wanted}, found {l} ({reason})"),
            ),
            None => self.fail(
                at,
                format!("expected {who} to bear {wanted}, found {who} not in the answer"),
            ),
        }
    }

    fn staffing(
        &mut self,
        subject: TargetId,
        on: NaiveDate,
        status: StaffedLit,
        positions: &[PositionIx],
        at: &str,
        rec: &mut Recorder<'_>,
    ) {
        let c = self.c;
        let want = match status {
            StaffedLit::Ok => Staffed::Ok,
            StaffedLit::Short => Staffed::Short,
            StaffedLit::Over => Staffed::Over,
        };
        let subject_name = target_name(c, subject);
        let names: Vec<&str> = positions
            .iter()
            .map(|p| c.positions.get(*p).name.as_str())
            .collect();
        let answer = staffing(c, on, Some(subject));
        let rows: Vec<_> = answer
            .rows
            .iter()
            .filter(|r| names.is_empty() || names.contains(&r.position))
            .collect();
        for r in &rows {
            for i in rec.staffing_at.get(r.citation).into_iter().flatten() {
                let has = c
                    .staffing
                    .get(*i)
                    .needs
                    .iter()
                    .any(|n| c.positions.get(n.position).name == r.position);
                if has {
                    hit(&mut rec.staffing, *i, self.t);
                }
            }
        }
        let what = if names.is_empty() {
            "every need".to_string()
        } else {
            names.join(", ")
        };
        if rows.is_empty() || rows.iter().any(|r| r.status != want) {
            let found: Vec<String> = rows
                .iter()
                .map(|r| {
                    let holders = if r.holders.is_empty() {
                        "nobody".to_string()
                    } else {
                        r.holders.join(", ")
                    };
                    format!(
                        "{} {} ({} needed, {holders})",
                        r.position,
                        staffed_word(r.status),
                        r.required
                    )
                })
                .collect();
            self.fail(
                at,
                format!(
                    "expected {what} of {subject_name} to be {} on {on}, found {}",
                    staffed_word(want),
                    list(&found)
                ),
            );
        }
    }

    /// Every assessed row of the obligations within the period, checked
    /// against the status.
    #[allow(clippy::too_many_arguments)]
    fn compliance(
        &mut self,
        (subject, person): (TargetId, Option<crate::ids::PersonIx>),
        obligations: &[ObligationIx],
        period: Period,
        status: ComplianceLit,
        as_of: NaiveDate,
        at: &str,
        rec: &mut Recorder<'_>,
    ) {
        let c = self.c;
        let subject_name = match person {
            None => target_name(c, subject).to_string(),
            Some(p) => format!("{} by {}", target_name(c, subject), c.people.get(p)),
        };
        let by = person.map(|p| c.people.get(p).as_str());
        let owed_by = |h: Option<crate::compliance::Holder<'_>>| {
            by.is_none_or(|name| h.is_some_and(|h| h.person == name))
        };
        let actions = self.actions_of(obligations);
        let head = format!(
            "expected {actions} of {subject_name} in {period} to be {}",
            status.keyword()
        );
        if let Some(why) = c.header.effective.filter(|e| as_of < *e) {
            self.fail(
                at,
                format!("{head}, but {as_of} is before the policy took effect on {why}"),
            );
            return;
        }
        let from = period.start;
        if rows(c, from, as_of, Some(subject)) > crate::limits::MAX_ROWS as u64 {
            self.fail(at, format!("{head}, but the answer would be too large"));
            return;
        }
        let log = match &self.log {
            Ok(l) => l,
            Err(e) => {
                let e = e.clone();
                self.fail(at, format!("{head}, but the events could not be read: {e}"));
                return;
            }
        };
        let answer = compliance(c, log, as_of, from, Some(subject));
        // The rows of the obligations asked about, found in one pass.
        let mut periodic: HashMap<(&str, &str, PeriodKind), Vec<ObligationIx>> = HashMap::new();
        let mut reactive: HashMap<(&str, &str, &str), Vec<ObligationIx>> = HashMap::new();
        for o in obligations {
            let ob = c.obligations.get(*o);
            let action = c.actions.get(ob.action).as_str();
            match ob.cadence {
                CadenceM::Periodic { .. } | CadenceM::Regularly => {
                    if let Some(kind) = crate::eval::compliance::assessed_per(c, ob) {
                        periodic
                            .entry((ob.citation.as_str(), action, kind))
                            .or_default()
                            .push(*o)
                    }
                }
                CadenceM::Reactive { event, .. } | CadenceM::Promptly { event } => reactive
                    .entry((
                        ob.citation.as_str(),
                        action,
                        c.event_kinds.get(event).as_str(),
                    ))
                    .or_default()
                    .push(*o),
            }
        }
        let want_period = match status {
            ComplianceLit::Met => Some(Status::Met),
            ComplianceLit::Missed => Some(Status::Missed),
            ComplianceLit::Pending => Some(Status::Pending),
            ComplianceLit::NotAssessed => Some(Status::NotAssessed),
            ComplianceLit::NotStated => Some(Status::NotStated),
            _ => None,
        };
        let want_reaction = match status {
            ComplianceLit::OnTime => Some(ReactionStatus::OnTime),
            ComplianceLit::Late => Some(ReactionStatus::Late),
            ComplianceLit::Overdue => Some(ReactionStatus::Overdue),
            ComplianceLit::Pending => Some(ReactionStatus::Pending),
            ComplianceLit::NotAssessed => Some(ReactionStatus::NotAssessed),
            ComplianceLit::Answered => Some(ReactionStatus::Answered),
            ComplianceLit::Unanswered => Some(ReactionStatus::Unanswered),
            _ => None,
        };
        let mut found: Vec<String> = Vec::new();
        let mut wrong = false;
        let mut examined = false;
        for p in &answer.periods {
            if !within(&p.period, &period) || !owed_by(p.holder()) {
                continue;
            }
            let Some(obs) = periodic.get(&(p.citation(), p.action(), p.period.kind)) else {
                continue;
            };
            examined = true;
            // A row a post's holder owes exercises the obligations of that post.
            let owed = |o: &&ObligationIx| {
                p.holder().is_none_or(|h| {
                    c.obligations
                        .get(**o)
                        .holders
                        .iter()
                        .any(|pos| c.positions.get(*pos).name == h.position)
                })
            };
            for o in obs.iter().filter(owed) {
                hit(&mut rec.obligations, *o, self.t);
            }
            wrong |= want_period != Some(p.status);
            if found.len() <= SHOWN {
                found.push(format!(
                    "{} {} {} ({} of {})",
                    p.action(),
                    p.period,
                    status_word(p.status),
                    p.count,
                    p.required()
                        .map_or_else(|| "not stated".to_string(), |r| r.to_string())
                ));
            }
        }
        for r in &answer.reactions {
            if !period.contains(r.trigger.0.date) || !owed_by(r.holder) {
                continue;
            }
            let Some(obs) = reactive.get(&(r.citation, r.action, r.kind)) else {
                continue;
            };
            examined = true;
            for o in obs {
                hit(&mut rec.obligations, *o, self.t);
            }
            wrong |= want_reaction != Some(r.status);
            if found.len() <= SHOWN {
                let answered = match r.answer {
                    Some(a) => format!("{} on {}", r.action, a.0.date),
                    None => format!("no {}", r.action),
                };
                let due = r.deadline.map_or_else(
                    || "time limit not stated".to_string(),
                    |d| format!("due by {d}"),
                );
                found.push(format!(
                    "{} on {} {} ({answered}, {due})",
                    r.kind,
                    r.trigger.0.date,
                    reaction_word(r.status),
                ));
            }
        }
        if !examined {
            let kinds: Vec<&str> = obligations
                .iter()
                .filter_map(|o| match c.obligations.get(*o).cadence {
                    CadenceM::Reactive { event, .. } | CadenceM::Promptly { event } => {
                        Some(c.event_kinds.get(event).as_str())
                    }
                    CadenceM::Periodic { .. } | CadenceM::Regularly => None,
                })
                .collect();
            let of_people = obligations
                .iter()
                .any(|o| !c.obligations.get(*o).holders.is_empty());
            let why = if let (Some(name), false) = (by, of_people) {
                format!("it is owed by the unit or matter, not by a person (`by {name}`)")
            } else if let Some(name) = by {
                format!("{name} owes no period of it in {period} (the holder on a period's last day owes it)")
            } else if kinds.is_empty() {
                format!("no period of it lies in {period}")
            } else {
                format!("the events have no {} in {period}", kinds.join(" or "))
            };
            self.fail(at, format!("{head}, but {why}"));
        } else if wrong {
            self.fail(at, format!("{head}, found {}", list(&found)));
        }
    }

    fn actions_of(&self, obligations: &[ObligationIx]) -> String {
        let mut names: Vec<&str> = obligations
            .iter()
            .map(|o| self.c.obligations.get(*o))
            .map(|o| self.c.actions.get(o.action).as_str())
            .collect();
        names.dedup();
        names.join(", ")
    }

    /// `expect holders`: exactly these people hold the post that day.
    fn holders(
        &mut self,
        unit: crate::ids::UnitIx,
        position: crate::ids::PositionIx,
        on: NaiveDate,
        people: &[crate::ids::PersonIx],
        at: &str,
    ) {
        let c = self.c;
        let mut found: Vec<(crate::ids::PersonIx, String)> = c
            .unit_tenures
            .get(unit)
            .iter()
            .filter(|t| t.position == position && t.when.contains(on))
            .map(|t| {
                (
                    t.person,
                    c.holder(unit, position, t.person, t.via).to_string(),
                )
            })
            .collect();
        found.sort_unstable_by_key(|f| f.0);
        found.dedup_by_key(|f| f.0);
        let got: Vec<crate::ids::PersonIx> = found.iter().map(|f| f.0).collect();
        if got != people {
            let want: Vec<String> = people.iter().map(|p| c.people.get(*p).clone()).collect();
            let shown: Vec<String> = found.into_iter().map(|f| f.1).collect();
            self.fail(
                at,
                format!(
                    "expected {} of {} on {on} to be held by {}, found {}",
                    c.positions.get(position).name,
                    c.units.get(unit).name,
                    if want.is_empty() {
                        "nobody".into()
                    } else {
                        list(&want)
                    },
                    if shown.is_empty() {
                        "nobody".into()
                    } else {
                        list(&shown)
                    },
                ),
            );
        }
    }

    /// `expect approval`: every time the subject did the action in the
    /// period, it had (or lacked) the approvals its chain asks for.
    fn approval(
        &mut self,
        subject: TargetId,
        action: crate::ids::ActionIx,
        period: Period,
        approved: bool,
        as_of: NaiveDate,
        at: &str,
    ) {
        let c = self.c;
        let action = c.actions.get(action).as_str();
        let word = if approved { "approved" } else { "unapproved" };
        let head = format!(
            "expected each {action} of {} in {period} to be {word}",
            target_name(c, subject)
        );
        let log = match &self.log {
            Ok(l) => l,
            Err(e) => {
                let e = e.clone();
                self.fail(at, format!("{head}, but the events could not be read: {e}"));
                return;
            }
        };
        let answer = compliance(c, log, as_of, period.start, Some(subject));
        let want = if approved {
            crate::compliance::ApprovalStatus::Approved
        } else {
            crate::compliance::ApprovalStatus::Unapproved
        };
        // One verdict per time the action was done: approved when every
        // chain on it approved it, unapproved when one did not.
        let mut seen: Vec<(u32, NaiveDate, crate::compliance::ApprovalStatus)> = Vec::new();
        for a in answer
            .approvals
            .iter()
            .filter(|a| a.action == action && period.contains(a.event.0.date))
        {
            let line = a.event.0.line;
            match seen.iter_mut().find(|s| s.0 == line) {
                Some(s) if a.status == crate::compliance::ApprovalStatus::Unapproved => {
                    s.2 = a.status;
                }
                Some(_) => {}
                None => seen.push((line, a.event.0.date, a.status)),
            }
        }
        if seen.is_empty() {
            self.fail(at, format!("{head}, but it did not {action} in {period}"));
        } else if seen.iter().any(|s| s.2 != want) {
            let found: Vec<String> = seen
                .iter()
                .take(SHOWN)
                .map(|s| format!("{action} on {} {}", s.1, s.2))
                .collect();
            self.fail(at, format!("{head}, found {}", list(&found)));
        }
    }

    fn calendar(
        &mut self,
        subject: TargetId,
        obligations: &[ObligationIx],
        period: Period,
        due: &[NaiveDate],
        at: &str,
        rec: &mut Recorder<'_>,
    ) {
        let c = self.c;
        let subject_name = target_name(c, subject);
        let actions = self.actions_of(obligations);
        let wanted: Vec<String> = due.iter().map(NaiveDate::to_string).collect();
        let head = if wanted.is_empty() {
            format!("expected nothing of {actions} of {subject_name} to fall due in {period}")
        } else {
            format!(
                "expected {actions} of {subject_name} to fall due on {} in {period}",
                list(&wanted)
            )
        };
        if rows(c, period.start, period.end, Some(subject)) > crate::limits::MAX_ROWS as u64 {
            self.fail(at, format!("{head}, but the answer would be too large"));
            return;
        }
        let answer = calendar(c, period.start, period.end, Some(subject));
        let mut asked: HashSet<(&str, &str, PeriodKind)> = HashSet::new();
        for o in obligations {
            let ob = c.obligations.get(*o);
            let CadenceM::Periodic { period: kind, .. } = ob.cadence else {
                continue;
            };
            hit(&mut rec.obligations, *o, self.t);
            asked.insert((
                ob.citation.as_str(),
                c.actions.get(ob.action).as_str(),
                kind,
            ));
        }
        let mut got: Vec<NaiveDate> = answer
            .items
            .iter()
            .filter(|i| {
                subject_text(i.subject) == subject_name
                    && asked.contains(&(i.citation, i.action, i.period.kind))
            })
            .map(|i| i.due)
            .collect();
        got.sort_unstable();
        got.dedup();
        if got != due {
            let found: Vec<String> = got.iter().map(NaiveDate::to_string).collect();
            self.fail(at, format!("{head}, found {}", list(&found)));
        }
    }
}

/// `each 党委`, `校党委`, `each matter 新媒体`.
fn subject_words(c: &Compiled, s: &SubjectM) -> String {
    match s {
        SubjectM::Unit(u) => unit_name(c, *u).to_string(),
        SubjectM::EachUnit(ks) => format!(
            "each {}",
            ks.iter()
                .map(|k| c.unit_kinds.get(*k).as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        SubjectM::EachMatter(ks) => format!(
            "each matter {}",
            ks.iter()
                .map(|k| c.matter_kinds.get(*k).as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn required_words(min: u32, max: Option<u32>) -> String {
    crate::compliance::Required {
        at_least: min,
        at_most: max,
    }
    .to_string()
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

fn rule_words(c: &Compiled, r: &RuleM) -> String {
    let scope = match &r.scope {
        ScopeM::EachUnit(ks) => format!(
            "in each {}",
            ks.iter()
                .map(|k| c.unit_kinds.get(*k).as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ScopeM::Unit(u) => format!("in {}", unit_name(c, *u)),
        ScopeM::EachMatter(ks) => format!(
            "for each matter {}",
            ks.iter()
                .map(|k| c.matter_kinds.get(*k).as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ScopeM::Matter(m) => format!("for matter {}", matter_name(c, *m)),
    };
    let anchor = |a: AnchorM| match a {
        AnchorM::Own => String::new(),
        AnchorM::Unit(u) => format!(" of {}", unit_name(c, u)),
        AnchorM::Relation(rel) => format!(" of {}", rel.keyword()),
    };
    let bearer = match r.bearer {
        BearerM::Team(a) => format!("team{}", anchor(a)),
        BearerM::Position {
            position,
            of,
            covering,
        } => format!(
            "{}{}{}",
            c.positions.get(position).name.as_str(),
            anchor(of),
            if covering { " covering" } else { "" }
        ),
    };
    format!("{scope}: {bearer} bears {}", c.duties.get(r.duty).as_str())
}

fn coverage<'p>(c: &'p Compiled, rec: Recorder<'p>) -> Coverage<'p> {
    let sites = c.tests.first().map(|t| t.sites.as_ref());
    let site = |v: fn(&Sites) -> &Vec<String>, i: usize| -> &'p str {
        sites
            .and_then(|s| v(s).get(i))
            .map(String::as_str)
            .unwrap_or("")
    };
    let names = |v: &[usize]| -> Vec<&'p str> {
        v.iter()
            .filter_map(|t| c.tests.get(*t).map(|x: &TestM| x.name.as_str()))
            .collect()
    };
    let mut items = Vec::new();
    for i in c.clauses.all.ids() {
        let flat = i.index();
        let (_, _, cl) = c.clause(i);
        {
            let h = rec.clauses.get(i);
            let (tests, matched, rejected) =
                (names(&h.tests), names(&h.matched), names(&h.rejected));
            // A catch-all, also one with a condition (`otherwise when`), never
            // matches: it is covered by any test that evaluated it.
            let covered = match cl.cond {
                Some(_) if !cl.catch_all => !matched.is_empty() || !rejected.is_empty(),
                _ => !tests.is_empty(),
            };
            items.push(CoverageItem {
                kind: CoverageKind::Clause,
                citation: cl.citation.as_str(),
                what: cl.text.clone(),
                at: site(|s| &s.clauses, flat),
                covered,
                tests,
                catch_all: cl.catch_all,
                matched_by: matched,
                rejected_by: rejected,
            });
        }
    }
    let simple = |kind: CoverageKind,
                  citation: &'p str,
                  what: String,
                  at: &'p str,
                  h: Option<&Hits>|
     -> CoverageItem<'p> {
        let tests = h.map(|h| names(&h.tests)).unwrap_or_default();
        CoverageItem {
            kind,
            citation,
            what,
            at,
            covered: !tests.is_empty(),
            tests,
            catch_all: false,
            matched_by: Vec::new(),
            rejected_by: Vec::new(),
        }
    };
    for (i, r) in c.rules.iter_enumerated() {
        items.push(simple(
            CoverageKind::Rule,
            r.citation.as_str(),
            rule_words(c, r),
            site(|s| &s.rules, i.index()),
            Some(rec.rules.get(i)),
        ));
    }
    for (i, o) in c.obligations.iter_enumerated() {
        let cadence = match o.cadence {
            CadenceM::Periodic {
                min,
                max,
                period,
                deadline,
            } => {
                let by = match deadline {
                    Some(DeadlineM::MonthDay(m, d)) => format!(" by {m:02}-{d:02}"),
                    Some(DeadlineM::Day(n)) => format!(" by day {n}"),
                    None => String::new(),
                };
                format!(
                    "{} per {}{by}",
                    required_words(min, max),
                    period_word(period)
                )
            }
            CadenceM::Reactive { event, .. } => {
                format!("on each {}", c.event_kinds.get(event).as_str())
            }
            CadenceM::Regularly => "regularly".to_string(),
            CadenceM::Promptly { event } => {
                format!("promptly on each {}", c.event_kinds.get(event).as_str())
            }
        };
        let mut recipients: Vec<String> = c.obligation_recipients.get(i).clone();
        for r in &o.recipients {
            if let crate::check::RecipientM::Superior(k) = r {
                recipients.push(match k {
                    Some(k) => format!("superior {}", c.unit_kinds.get(*k)),
                    None => "superior".into(),
                });
            }
        }
        let to = if recipients.is_empty() {
            String::new()
        } else if o.mode == crate::syntax::ast::RecipientMode::Any {
            format!(" to any of {}", recipients.join(", "))
        } else {
            format!(" to {}", recipients.join(", "))
        };
        items.push(simple(
            CoverageKind::Obligation,
            o.citation.as_str(),
            format!(
                "{}{} must {}{to} {cadence}",
                if o.holders.is_empty() {
                    String::new()
                } else {
                    let posts: Vec<&str> = o
                        .holders
                        .iter()
                        .map(|p| c.positions.get(*p).name.as_str())
                        .collect();
                    format!("each {} of ", posts.join(", "))
                },
                subject_words(c, &o.subject),
                c.actions.get(o.action).as_str()
            ),
            site(|s| &s.obligations, i.index()),
            Some(rec.obligations.get(i)),
        ));
    }
    for (i, s) in c.staffing.iter_enumerated() {
        let needs: Vec<String> = s
            .needs
            .iter()
            .map(|n| {
                format!(
                    "{} {}{}",
                    required_words(n.min, n.max),
                    c.positions.get(n.position).name.as_str(),
                    if n.covering { " covering" } else { "" }
                )
            })
            .collect();
        items.push(simple(
            CoverageKind::Staffing,
            s.citation.as_str(),
            format!(
                "{} needs {}",
                subject_words(c, &s.subject),
                needs.join(", ")
            ),
            site(|s| &s.staffing, i.index()),
            Some(rec.staffing.get(i)),
        ));
    }
    for (i, l) in c.liability.iter().enumerate() {
        items.push(simple(
            CoverageKind::Liability,
            l.citation.as_str(),
            format!(
                "main {}, others {}, individual {}",
                c.duties.get(l.main).as_str(),
                c.duties.get(l.others).as_str(),
                c.duties.get(l.individual).as_str()
            ),
            site(|s| &s.liability, i),
            rec.liability.get(i),
        ));
    }
    for (i, a) in c.approvals.iter().enumerate() {
        let steps: Vec<String> = a
            .steps
            .iter()
            .map(|s| {
                let by: Vec<&str> =
                    s.by.iter()
                        .map(|b| match *b {
                            crate::check::ApproverM::Unit(u) => c.units.get(u).name.as_str(),
                            crate::check::ApproverM::Post(p) => c.positions.get(p).name.as_str(),
                        })
                        .collect();
                match by.as_slice() {
                    [] => c.actions.get(s.action).clone(),
                    [one] => format!("{} by {one}", c.actions.get(s.action)),
                    many => format!("{} by any of {}", c.actions.get(s.action), many.join(", ")),
                }
            })
            .collect();
        items.push(simple(
            CoverageKind::Approval,
            a.citation.as_str(),
            format!(
                "{} {} needs {}",
                subject_words(c, &a.subject),
                c.actions.get(a.action).as_str(),
                steps.join(" then ")
            ),
            site(|s| &s.approvals, i),
            rec.approvals.get(i),
        ));
    }
    for (i, s) in c.seats.iter().enumerate() {
        let post = |(p, u): (crate::ids::PositionIx, UnitIx)| {
            format!("{} of {}", c.positions.get(p).name, c.units.get(u).name)
        };
        let sources: Vec<String> = s.sources.iter().map(|x| post(*x)).collect();
        items.push(simple(
            CoverageKind::Seat,
            s.citation.as_str(),
            format!("{} is {}", post((s.position, s.unit)), sources.join(", ")),
            site(|s| &s.seats, i),
            rec.seats.get(i),
        ));
    }
    let mut cov = Coverage {
        tally: Vec::new(),
        items,
    };
    cov.tally = CoverageKind::ALL.iter().map(|k| cov.of(*k)).collect();
    cov.tally.push(cov.total());
    cov
}

pub(crate) fn run(c: &Compiled) -> TestReport<'_> {
    let mut rec = Recorder::new(c);
    let mut tests = Vec::new();
    for (i, t) in c.tests.iter().enumerate() {
        let mut run = Run {
            c,
            t: i,
            failures: Vec::new(),
            incident: None,
            log: from_events(c, "events", &[]).map_err(|d| d.to_string()),
        };
        for step in &t.steps {
            run.step(step, &mut rec);
        }
        tests.push(TestOutcome {
            name: t.name.as_str(),
            at: t.at.as_str(),
            passed: run.failures.is_empty(),
            failures: run.failures,
        });
    }
    TestReport {
        tests,
        coverage: coverage(c, rec),
    }
}
