#![doc = include_str!("../README.md")]

// The generated parser refers to `alloc` (pest is used without its `std`
// feature: bracket nesting is bounded before parsing, so its stack guard
// is not needed).
extern crate alloc;

mod check;
mod compile;
mod dates;
mod diag;
mod error;
mod eval;
pub mod events;
mod fmt;
mod ids;
pub mod incident;
mod jsonpos;
pub mod limits;
#[cfg(feature = "lsp")]
pub mod lsp;
mod name_index;
pub mod org;
pub mod period;
mod resolve;
mod source;
mod syntax;
pub mod text;

pub mod articles;
pub mod compliance;
pub mod liability;
pub mod staffing;
pub mod triggers;
pub mod who;

/// The results of the `test` blocks written in a policy.
pub mod testing {
    pub use crate::eval::expect::{
        Coverage, CoverageItem, CoverageKind, CoverageTally, TestOutcome, TestReport,
    };
}

pub use check::HeaderInfo;
/// Dates in queries and answers.
pub use chrono::NaiveDate;
pub use diag::{DiagKind, Diagnostic, Diagnostics, Label, Location, Severity};
pub use error::{Error, QueryError};
pub use fmt::format;
use ids::Idx as _;
pub use source::Excerpt;
use source::Sources;

use compliance::{CalendarAnswer, ComplianceAnswer};
use events::{Event, EventLog};
use incident::{BoundIncident, Incident};
use liability::LiabilityAnswer;
use org::OrgSpec;
use staffing::StaffingAnswer;
use testing::TestReport;
use triggers::TriggerAnswer;
use who::{DutiesAnswer, Subject, WhoAnswer};

use std::path::Path;

/// Parses a `YYYY-MM-DD` date as policy files do: the day must exist and the
/// year lie within [`limits::MIN_YEAR`]..=[`limits::MAX_YEAR`]. On failure
/// returns what is wrong and what would be accepted.
pub fn parse_date(text: &str) -> Result<NaiveDate, (String, String)> {
    syntax::parse_date(text)
}

impl std::error::Error for Diagnostics {}

/// Parses one policy text into its syntax tree, as plain serializable data
/// (for tools and tests; the tree's shape may change between versions).
pub fn parse_tree(name: &str, text: &str) -> Result<impl serde::Serialize, Diagnostics> {
    let mut sources = Sources::new();
    let id = sources.add(name, text.to_string());
    syntax::parse(&sources, id).map_err(Diagnostics)
}

/// The help for a name a query does not know: why it cannot be a name, or
/// the closest declared one.
fn query_help<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    match text::bad_name_message(name) {
        Some((why, _)) => Some(why),
        None => resolve::closest(name, candidates).map(|c| format!("did you mean `{c}`?")),
    }
}

/// Collects the files and orgs that make one policy, then compiles them.
///
/// ```
/// let policy = zeren::Policy::builder()
///     .source("rules.zr", "duties 主体责任\nunit kinds 党委\nassign per \"第三条\" in each 党委 { team bears 主体责任 }")
///     .org("org.json", zeren::org::OrgSpec::new().unit("校党委", "党委", None))
///     .build()
///     .unwrap();
/// let answer = policy.who_unit("校党委", "2020-01-01".parse().unwrap()).unwrap();
/// assert_eq!(answer.responsibilities[0].duty, "主体责任");
/// ```
#[derive(Debug, Default)]
pub struct PolicyBuilder {
    sources: Sources,
    texts: Vec<u32>,
    orgs: Vec<(String, OrgSpec)>,
    early: Vec<Diagnostic>,
    /// Bytes of policy text, and of org JSON, added so far.
    text_bytes: usize,
    json_bytes: usize,
}

impl PolicyBuilder {
    /// Adds policy text; `name` names it in diagnostics.
    pub fn source(mut self, name: &str, text: &str) -> Self {
        if !self.within_budget(name, text.len(), false) {
            return self;
        }
        let id = self.sources.add(name, text.to_string());
        self.texts.push(id);
        self
    }

    /// Adds an org built in code or deserialized; `name` names it in diagnostics.
    pub fn org(mut self, name: &str, org: OrgSpec) -> Self {
        self.orgs.push((name.to_string(), org));
        self
    }

    /// Adds an org written as JSON (the serde form of [`OrgSpec`]).
    pub fn org_json(mut self, name: &str, json: &str) -> Self {
        let json = json.strip_prefix('\u{FEFF}').unwrap_or(json);
        if !self.within_budget(name, json.len(), true) {
            return self;
        }
        if let Some(d) = text::lone_cr_problem(name, json) {
            self.early.push(d);
            return self;
        }
        match OrgSpec::from_json(name, json) {
            Ok(org) => self.orgs.push((name.to_string(), org)),
            Err(mut d) => self.early.append(&mut d.0),
        }
        self
    }

    /// Counts `len` more bytes toward the policy's budget — policy text
    /// ([`limits::MAX_POLICY_BYTES`]) or org JSON
    /// ([`limits::MAX_ORG_JSON_BYTES`]); past it, records the error (once)
    /// and returns false.
    fn within_budget(&mut self, name: &str, len: usize, json: bool) -> bool {
        let (used, max, what) = if json {
            (&mut self.json_bytes, limits::MAX_ORG_JSON_BYTES, "org JSON")
        } else {
            (
                &mut self.text_bytes,
                limits::MAX_POLICY_BYTES,
                "policy text",
            )
        };
        let before = *used;
        *used = before.saturating_add(len);
        if *used <= max {
            return true;
        }
        if before <= max {
            let total = *used;
            self.early.push(Diagnostic::detached(
                DiagKind::Limit,
                name,
                format!(
                    "with this file the policy has {total} bytes of {what}, more than the limit of {max} bytes for all its files together"
                ),
                Some("give a large org from the host program (an `OrgSpec` built in code), or trim the policy".into()),
            ));
        }
        false
    }

    /// Adds a file: `.json` files are orgs, anything else is policy text.
    pub fn file(mut self, path: impl AsRef<Path>) -> Self {
        let path = path.as_ref();
        let name = path.display().to_string();
        // Org JSON is bounded by its total; policy text per file too.
        let json = path.extension().is_some_and(|e| e == "json");
        let max = if json {
            limits::MAX_ORG_JSON_BYTES
        } else {
            limits::MAX_SOURCE_BYTES
        };
        match read_text(path, &name, max) {
            Err(d) => {
                self.early.push(*d);
                self
            }
            Ok(text) if json => self.org_json(&name, &text),
            Ok(text) => self.source(&name, &text),
        }
    }

    /// Parses, checks and compiles everything added, reporting every problem found.
    pub fn build(self) -> Result<Policy, Diagnostics> {
        let PolicyBuilder {
            mut sources,
            texts,
            orgs,
            early,
            text_bytes: _,
            json_bytes: _,
        } = self;
        let mut errors = early;
        if errors.iter().any(|d| d.kind == DiagKind::Limit) {
            // A policy over the size limit is not parsed at all.
            return Err(Diagnostics(errors));
        }
        let mut files = Vec::new();
        for parsed in syntax::parse_files(&sources, &texts) {
            match parsed {
                Ok(f) => files.push(f),
                Err(mut e) => errors.append(&mut e),
            }
        }
        let data: Vec<_> = orgs
            .into_iter()
            .map(|(name, spec)| {
                let (stmts, mut bad) = org::lower(spec, &name, &mut sources);
                errors.append(&mut bad);
                stmts
            })
            .collect();
        if errors.is_empty() {
            match check::check(&sources, &files, &data) {
                Ok((model, warnings)) => {
                    // The text and trees are not needed once checked: free
                    // them before compiling, so peak memory holds one copy.
                    drop((files, data, sources));
                    return Ok(Policy {
                        c: compile::compile(model),
                        warnings: Diagnostics(warnings),
                    });
                }
                Err(mut e) => errors.append(&mut e),
            }
        }
        if errors.len() > limits::MAX_DIAGNOSTICS + 1 {
            let omitted = errors.len() - limits::MAX_DIAGNOSTICS;
            errors.truncate(limits::MAX_DIAGNOSTICS);
            diag::note_omitted(&mut errors, omitted, Severity::Error);
        }
        Err(Diagnostics(errors))
    }
}

/// A compiled policy: immutable, `Send + Sync`, queried many times.
#[derive(Debug, Clone)]
pub struct Policy {
    c: compile::Compiled,
    warnings: Diagnostics,
}

impl Policy {
    /// Starts collecting the files and orgs of a policy.
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder::default()
    }

    /// Compiles one policy text.
    pub fn parse(name: &str, text: &str) -> Result<Policy, Diagnostics> {
        Policy::builder().source(name, text).build()
    }

    /// Compiles files that together make one policy (`.json` files are orgs).
    pub fn from_files<P: AsRef<Path>>(paths: &[P]) -> Result<Policy, Diagnostics> {
        paths
            .iter()
            .fold(Policy::builder(), |b, p| b.file(p))
            .build()
    }

    /// Problems that did not reject the policy: duties no rule assigns, a
    /// position given two different duties in one scope.
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    /// The policy header.
    pub fn header(&self) -> &HeaderInfo {
        &self.c.header
    }

    /// The duties, strongest first.
    pub fn duties(&self) -> impl Iterator<Item = &str> {
        self.c.duties.iter().map(String::as_str)
    }

    /// The units, in declaration order.
    pub fn units(&self) -> impl Iterator<Item = &str> {
        self.c.units.iter().map(|u| u.name.as_str())
    }

    fn in_force(&self, on: NaiveDate) -> Result<(), QueryError> {
        match self.c.not_in_force(on) {
            Some(effective) => Err(QueryError::NotInForce { on, effective }),
            None => Ok(()),
        }
    }

    /// Looks up a unit's id, for repeated queries without name lookups.
    pub fn unit_id(&self, name: &str) -> Result<UnitId, QueryError> {
        self.c
            .unit_index
            .get(name)
            .map(|i| UnitId {
                policy: self.c.key,
                index: i.raw(),
            })
            .ok_or_else(|| QueryError::UnknownUnit {
                name: name.into(),
                help: query_help(name, self.units()),
            })
    }

    /// Who is responsible for a unit on a date.
    pub fn who_unit(&self, unit: &str, on: NaiveDate) -> Result<WhoAnswer<'_>, QueryError> {
        let id = self.unit_id(unit)?;
        self.who(id, on)
    }

    /// Who is responsible for a unit (by id) on a date.
    pub fn who(&self, unit: UnitId, on: NaiveDate) -> Result<WhoAnswer<'_>, QueryError> {
        if unit.policy != self.c.key {
            return Err(QueryError::OtherPolicy { what: "unit id" });
        }
        self.in_force(on)?;
        // The id was issued by this policy (checked above): it is in range.
        let name = self.c.units.get(unit.ix()).name.as_str();
        Ok(WhoAnswer {
            subject: Subject::Unit(name),
            on,
            responsibilities: eval::who::who_unit(&self.c, unit.ix(), on),
        })
    }

    /// Who is responsible for a matter (an instance, or a matter kind) on a date.
    pub fn who_matter(&self, matter: &str, on: NaiveDate) -> Result<WhoAnswer<'_>, QueryError> {
        self.in_force(on)?;
        if let Some(m) = self.c.matter_index.get(matter) {
            let mc = self.c.matters.get(m);
            let (kind, name) = (mc.kind, mc.name.as_str());
            return Ok(WhoAnswer {
                subject: Subject::Matter(name),
                on,
                responsibilities: eval::who::who_matter(&self.c, Some(m), kind, on),
            });
        }
        if let Some(k) = self.c.matter_kind_index.get(matter) {
            let name = self.c.matter_kinds.get(*k).as_str();
            return Ok(WhoAnswer {
                subject: Subject::MatterKind(name),
                on,
                responsibilities: eval::who::who_matter(&self.c, None, *k, on),
            });
        }
        let names = self
            .c
            .matters
            .iter()
            .map(|m| m.name.as_str())
            .chain(self.c.matter_kinds.iter().map(String::as_str));
        Err(QueryError::UnknownMatter {
            name: matter.into(),
            help: query_help(matter, names),
        })
    }

    /// Every duty a person holds on a date.
    pub fn duties_of(&self, person: &str, on: NaiveDate) -> Result<DutiesAnswer<'_>, QueryError> {
        self.in_force(on)?;
        let Some(p) = self.c.person_index.get(person) else {
            return Err(QueryError::UnknownPerson {
                name: person.into(),
                help: query_help(person, self.c.people.iter().map(String::as_str)),
            });
        };
        let name = self.c.people.get(p).as_str();
        Ok(DutiesAnswer {
            person: name,
            on,
            duties: eval::who::duties_of(&self.c, p, on),
        })
    }
}

impl Policy {
    /// Checks an incident against the policy's facts, units and people.
    pub fn bind(&self, incident: &Incident) -> Result<BoundIncident, Diagnostics> {
        incident::bind(&self.c, incident, "incident", None)
    }

    /// Looks up a fact by name, to state incidents in Rust: with
    /// [`Policy::incident_on`] and the `set_*` methods of [`BoundIncident`],
    /// an incident is bound without names, JSON or allocation.
    pub fn fact(&self, name: &str) -> Result<incident::Fact<'_>, QueryError> {
        incident::Fact::lookup(&self.c, name)
    }

    /// Looks up a value of a `one of` fact, a member of a `some of` fact,
    /// or a level of a scale fact.
    pub fn choice<'p>(
        &'p self,
        fact: incident::Fact<'p>,
        name: &str,
    ) -> Result<incident::Choice<'p>, QueryError> {
        fact.choice(&self.c, name)
    }

    /// An incident on `date` with every fact unknown, to be stated with
    /// the `set_*` methods of [`BoundIncident`] (and made again with
    /// [`BoundIncident::reset`], keeping its memory).
    ///
    /// ```
    /// let p = zeren::Policy::parse("p.zr", r#"
    /// fact 失职 one of { 瞒报, 不作为 }
    /// fact 人数 number
    /// triggers per "第八条" { 1 "瞒报" when 失职 = 瞒报 and 人数 > 10 }
    /// "#)?;
    /// let (kind, people) = (p.fact("失职")?, p.fact("人数")?);
    /// let concealed = p.choice(kind, "瞒报")?;
    /// let mut inc = p.incident_on("2021-03-01".parse()?)?;
    /// inc.set_choice(concealed)?;
    /// inc.set_number(people, 30.0)?;
    /// assert_eq!(p.matching(&inc)?.matched[0].citation, "第八条 1");
    /// // A value of the wrong kind is refused, naming the fact.
    /// let e = inc.set_bool(people, true).unwrap_err();
    /// assert_eq!(e.to_string(), "`人数` takes a finite number; true or false was given");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn incident_on(&self, date: NaiveDate) -> Result<BoundIncident, QueryError> {
        BoundIncident::empty(&self.c, date)
    }

    /// Reads an incident from JSON and checks it; problems carry the line
    /// and column in `text`.
    pub fn incident_from_json(
        &self,
        source: &str,
        text: &str,
    ) -> Result<BoundIncident, Diagnostics> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        if let Some(d) = text::lone_cr_problem(source, text) {
            return Err(Diagnostics(vec![d]));
        }
        let inc = Incident::from_json(source, text)?;
        incident::bind(&self.c, &inc, source, Some(text))
    }

    /// Every trigger clause that applies to the incident (in list and clause
    /// order), those left undetermined by missing facts, the catch-all
    /// clauses as discretionary, and the sanctions and consequences open.
    /// With `why_not`, clauses that did not match are listed with the
    /// condition that failed.
    ///
    /// An incident bound by another policy is refused.
    pub fn triggers<'p>(
        &'p self,
        incident: &'p BoundIncident,
        why_not: bool,
    ) -> Result<TriggerAnswer<'p>, QueryError> {
        self.owns(incident.policy, "incident")?;
        Ok(eval::triggers::triggers(&self.c, incident, why_not))
    }

    /// Which clauses apply to the incident — matched, undetermined, open to
    /// judgement — without the explanation: the lean form of
    /// [`Policy::triggers`] (same verdicts, same order), for callers that
    /// only need the clauses.
    pub fn matching<'p>(
        &'p self,
        incident: &BoundIncident,
    ) -> Result<triggers::Matching<'p>, QueryError> {
        self.owns(incident.policy, "incident")?;
        Ok(eval::sliced::matching(&self.c, incident))
    }

    /// The trigger clauses cited `citation`, explained for an incident —
    /// the conditions that held, the facts missing or the condition that
    /// failed, and whom each holds to account — exactly as
    /// [`Policy::triggers`] with why-not gives them, without explaining the
    /// others: the explanation on demand after [`Policy::matching`].
    /// `citation` is as answers give it (`第八条(五)`); full- and half-width
    /// brackets and spaces compare equal. Several clauses share a citation
    /// when the regulation does not number them (the sentences of one
    /// article): all of them are explained, in order.
    pub fn explain<'p>(
        &'p self,
        incident: &'p BoundIncident,
        citation: &str,
    ) -> Result<Vec<triggers::ClauseResult<'p>>, QueryError> {
        self.owns(incident.policy, "incident")?;
        if let triggers::Applicability::NotApplicable { effective } =
            self.c.applicability(incident.date())
        {
            return Err(QueryError::NotInForce {
                on: incident.date(),
                effective,
            });
        }
        let key = check::clause_key(citation);
        let citation_of = |id| self.c.clause(id).2.citation.as_str();
        let found: Vec<triggers::ClauseResult<'p>> = self
            .c
            .clauses
            .all
            .ids()
            .filter(|id| check::clause_key(citation_of(*id)) == key)
            .map(|id| eval::triggers::explain(&self.c, incident, id))
            .collect();
        if found.is_empty() {
            return Err(QueryError::UnknownClause {
                citation: citation.into(),
                help: resolve::closest(citation, self.c.clauses.all.ids().map(citation_of))
                    .map(|n| format!("did you mean `{n}`?")),
            });
        }
        Ok(found)
    }

    /// Refuses data checked against another policy.
    fn owns(&self, key: Option<compile::PolicyKey>, what: &'static str) -> Result<(), QueryError> {
        match key {
            Some(k) if k != self.c.key => Err(QueryError::OtherPolicy { what }),
            _ => Ok(()),
        }
    }

    /// How liability is shared among the people in the incident's decision record.
    pub fn liability<'p>(
        &'p self,
        incident: &BoundIncident,
    ) -> Result<LiabilityAnswer<'p>, QueryError> {
        self.owns(incident.policy, "incident")?;
        eval::liability::liability(&self.c, incident)
    }
}

impl Policy {
    /// Reads an event log from JSON Lines and checks every line; bad lines
    /// are reported with their line numbers, never skipped.
    pub fn events_from_jsonl(&self, source: &str, text: &str) -> Result<EventLog, Diagnostics> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        events::from_jsonl(&self.c, source, text)
    }

    /// Reads an event log from a JSON Lines reader, in chunks of whole
    /// lines, without holding the text: memory grows with the number of
    /// events, not the size of the log. Bad lines (invalid UTF-8 included)
    /// are reported with their line and column; past the limit of
    /// [`limits::MAX_DIAGNOSTICS`], the first by line are listed. The reader
    /// is read a second time, only to show the lines of problems found after
    /// reading (an id used twice, repeats, dangling `ref`s).
    ///
    /// A log longer than one chunk (256 KB) is bound by scoped worker
    /// threads, one per core (at most four), while this thread reads; they
    /// end before this returns, and the answer is the same whatever their
    /// number. Where the system gives no thread, the chunks are bound here.
    pub fn events_from_reader<R: std::io::BufRead + std::io::Seek>(
        &self,
        source: &str,
        reader: R,
    ) -> Result<EventLog, Diagnostics> {
        events::read_log(&self.c, source, reader)
    }

    /// Reads an event log from a JSON Lines file, streaming (see
    /// [`Policy::events_from_reader`]).
    pub fn events_from_file(&self, path: impl AsRef<Path>) -> Result<EventLog, Diagnostics> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| {
            Diagnostics(vec![Diagnostic::detached(
                DiagKind::Io,
                &name,
                format!("cannot read the file: {e}"),
                Some("check the path".into()),
            )])
        })?;
        self.events_from_reader(&name, std::io::BufReader::with_capacity(1 << 16, file))
    }

    /// Reads an incident from a JSON file and checks it (see
    /// [`Policy::incident_from_json`]).
    pub fn incident_from_file(&self, path: impl AsRef<Path>) -> Result<BoundIncident, Diagnostics> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let text =
            read_text(path, &name, limits::MAX_SOURCE_BYTES).map_err(|d| Diagnostics(vec![*d]))?;
        self.incident_from_json(&name, &text)
    }

    /// Checks events built in Rust; problems are reported by position (`line` = index + 1).
    pub fn events(&self, source: &str, events: &[Event]) -> Result<EventLog, Diagnostics> {
        events::from_events(&self.c, source, events)
    }

    /// Whether every unit and matter has the holders the staffing rules ask
    /// for on a date (optionally one unit).
    pub fn staffing(
        &self,
        on: NaiveDate,
        unit: Option<&str>,
    ) -> Result<StaffingAnswer<'_>, QueryError> {
        let only = self.target(unit)?;
        Ok(eval::staffing::staffing(&self.c, on, only))
    }

    /// Runs the `test` blocks written in the policy's files.
    pub fn run_tests(&self) -> TestReport<'_> {
        eval::expect::run(&self.c)
    }

    /// Each article the policy's `articles` list names, and what cites it
    /// (with the tests that exercised those), for "did I miss anything?".
    /// Runs the policy's tests to attribute them.
    pub fn articles(&self) -> articles::ArticlesAnswer<'_> {
        let report = self.run_tests();
        eval::articles::articles(&self.c, &report.coverage)
    }

    /// Dates within the accepted years, and an answer of bounded size.
    fn bounded(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        only: Option<check::TargetId>,
    ) -> Result<(), QueryError> {
        for d in [from, to] {
            let y = chrono::Datelike::year(&d);
            if !(limits::MIN_YEAR..=limits::MAX_YEAR).contains(&y) {
                return Err(QueryError::DateOutOfRange { date: d });
            }
        }
        let rows = eval::compliance::rows(&self.c, from, to, only);
        if rows > limits::MAX_ROWS as u64 {
            return Err(QueryError::TooManyRows { rows });
        }
        Ok(())
    }

    fn target(&self, unit: Option<&str>) -> Result<Option<check::TargetId>, QueryError> {
        match unit {
            None => Ok(None),
            Some(u) => self
                .unit_id(u)
                .map(|id| Some(check::TargetId::Unit(id.ix()))),
        }
    }

    /// Every periodic obligation falling due from `from` to `to` (inclusive),
    /// optionally for one unit, sorted by due date, obligation and subject.
    pub fn calendar(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        unit: Option<&str>,
    ) -> Result<CalendarAnswer<'_>, QueryError> {
        if to < from {
            return Err(QueryError::EmptyRange { from, to });
        }
        let only = self.target(unit)?;
        self.bounded(from, to, only)?;
        Ok(eval::compliance::calendar(&self.c, from, to, only))
    }

    /// Compliance of an event log as of `as_of`, never the clock. Periods are
    /// assessed from the one containing `from` — by default the policy's
    /// effective date, else the first day of `as_of`'s year.
    pub fn compliance<'p, 'e>(
        &'p self,
        log: &'e EventLog,
        as_of: NaiveDate,
        from: Option<NaiveDate>,
        unit: Option<&str>,
    ) -> Result<ComplianceAnswer<'p, 'e>, QueryError> {
        let q = self.compliance_stream(log, as_of, from, unit)?;
        Ok(eval::compliance::compliance(
            &self.c, log, as_of, q.from, q.only,
        ))
    }

    /// The compliance query of [`Policy::compliance`], checked, to run row by
    /// row: [`compliance::ComplianceStream::for_each`] hands each row over
    /// as it is made — obligation by obligation in declaration order, then
    /// the approvals (the collected answer groups the same rows by kind) —
    /// so a large answer is never held in memory (`zeren compliance
    /// --jsonl` writes it that way).
    pub fn compliance_stream<'p, 'e>(
        &'p self,
        log: &'e EventLog,
        as_of: NaiveDate,
        from: Option<NaiveDate>,
        unit: Option<&str>,
    ) -> Result<compliance::ComplianceStream<'p, 'e>, QueryError> {
        self.owns(log.policy, "event log")?;
        if let Some(effective) = self.c.not_in_force(as_of) {
            return Err(QueryError::NotInForce {
                on: as_of,
                effective,
            });
        }
        let from = from
            .or(self.c.header.effective)
            .or_else(|| NaiveDate::from_ymd_opt(chrono::Datelike::year(&as_of), 1, 1))
            .unwrap_or(as_of);
        if as_of < from {
            return Err(QueryError::EmptyRange { from, to: as_of });
        }
        let only = self.target(unit)?;
        self.bounded(from, as_of, only)?;
        Ok(compliance::ComplianceStream {
            c: &self.c,
            log,
            as_of,
            from,
            only,
        })
    }
}

/// Reads a text file of at most [`limits::MAX_SOURCE_BYTES`] bytes (never
/// more is read), checking that it is UTF-8.
fn read_text(path: &Path, name: &str, max: usize) -> Result<String, Box<Diagnostic>> {
    use std::io::Read as _;
    let io = |e: std::io::Error| {
        Box::new(Diagnostic::detached(
            DiagKind::Io,
            name,
            format!("cannot read the file: {e}"),
            Some("check the path".into()),
        ))
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() > max {
        return Err(Box::new(Diagnostic::detached(
            DiagKind::Limit,
            name,
            format!("the file has more than {max} bytes, the limit for one file"),
            Some("split it into several files".into()),
        )));
    }
    text::utf8_text(name, bytes)
}

/// A unit's id in one compiled policy; another policy refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnitId {
    policy: compile::PolicyKey,
    index: u32,
}

impl UnitId {
    /// The unit's id in the policy's tables.
    fn ix(self) -> ids::UnitIx {
        ids::UnitIx::from_raw(self.index)
    }
}

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn policy_is_send_and_sync() {
        assert_send_sync::<super::Policy>();
    }
}
