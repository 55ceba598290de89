//! "Which trigger applies": matching an incident against every trigger list,
//! in three-valued logic (a fact not given is unknown, not false), with the
//! conditions that held, the facts missing, and on request why not.
//!
//! The answer types; `eval` computes them.

use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;
/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    True,
    False,
    Unknown,
}

/// A fact's value as seen in an incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Seen<'p> {
    /// An enumeration member or a scale level.
    Name(&'p str),
    /// The members given for a set-valued fact, in declaration order.
    Set(Vec<&'p str>),
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A date.
    Date(NaiveDate),
}

impl fmt::Display for Seen<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Seen::Name(n) => write!(f, "{n}"),
            Seen::Set(v) => write!(f, "{{{}}}", v.join(", ")),
            Seen::Bool(b) => write!(f, "{b}"),
            Seen::Number(x) => write!(f, "{x}"),
            Seen::Date(d) => write!(f, "{d}"),
        }
    }
}

/// One condition of a clause, as written, with the value the incident gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition<'p> {
    /// The condition's source text, e.g. `后果 >= 严重后果`.
    pub condition: &'p str,
    /// The fact it reads (absent for `not (…)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fact: Option<&'p str>,
    /// The value the incident gave for it (absent when not given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen: Option<Seen<'p>>,
}

impl fmt::Display for Condition<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.condition)?;
        match (self.fact, &self.seen) {
            (Some(fact), Some(seen)) => write!(f, " ({fact} is {seen})"),
            (Some(fact), None) => write!(f, " ({fact} not given)"),
            _ => Ok(()),
        }
    }
}

/// A clause of a trigger list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clause<'p> {
    /// The citation: the list's article and the clause number, e.g. `第八条(五)`.
    pub citation: &'p str,
    /// The list's article.
    pub list: &'p str,
    /// The clause number as written; absent where the article numbers no items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<&'p str>,
    /// The regulation's text.
    pub text: &'p str,
    /// Who the list applies to.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub parties: &'p [String],
}

/// How a clause came out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome<'p> {
    /// The condition holds.
    Matched {
        /// The conditions that held.
        held: Vec<Condition<'p>>,
    },
    /// The condition depends on facts the incident does not give.
    Undetermined {
        /// The facts to find out.
        missing: FactNames<'p>,
    },
    /// The catch-all clause (其他…情形): a matter of judgement, never a match
    /// (and, for `otherwise when …`, its condition holds).
    Discretionary,
    /// The condition fails.
    NotMatched {
        /// The first condition that failed, with the value seen (boxed:
        /// asked for only with why-not, it should not widen every outcome).
        failed: Box<Condition<'p>>,
    },
}

/// Which clauses apply to an incident, without the explanation
/// ([`crate::Policy::matching`]): the same verdicts as
/// [`crate::Policy::triggers`] gives, in the same order, for a fraction of
/// the work. Ask `triggers` for the conditions that held, the facts
/// missing, the people and the sanctions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Matching<'p> {
    /// Whether the policy applied on the incident's date.
    pub applicability: Applicability,
    /// Clauses whose condition holds, in list and clause order.
    pub matched: Vec<Clause<'p>>,
    /// Clauses left undetermined by facts the incident does not give.
    pub undetermined: Vec<Clause<'p>>,
    /// Catch-all clauses (其他…情形) open to judgement.
    pub discretionary: Vec<Clause<'p>>,
}

/// A clause and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClauseResult<'p> {
    /// The clause.
    #[serde(flatten)]
    pub clause: Clause<'p>,
    /// Its outcome.
    #[serde(flatten)]
    pub outcome: Outcome<'p>,
    /// Whom a matched (or discretionary) clause holds to account, from its
    /// `against`, resolved on the incident's unit or matter and date.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accountable: Vec<Accountable<'p>>,
    /// Duties and posts of its `against` that reach nobody, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreached: Vec<Unreached<'p>>,
}

/// A duty or a post named by `against`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "as", content = "name", rename_all = "snake_case")]
pub enum Target<'p> {
    /// Whoever bears the duty for the incident's unit or matter.
    Duty(&'p str),
    /// The holders of the post in the incident's unit.
    Post(&'p str),
    /// The holders of the post who cover the incident's unit or matter.
    PostCovering(&'p str),
}

impl fmt::Display for Target<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Duty(n) | Target::Post(n) => write!(f, "{n}"),
            Target::PostCovering(n) => write!(f, "{n} covering"),
        }
    }
}

/// A person or a team held to account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accountable<'p> {
    /// The duty or post through which they are held to account.
    pub against: Target<'p>,
    /// The person (with post and unit), the team, or a vacant post.
    pub bearer: crate::who::Bearer<'p>,
    /// The clause or consequence that holds them to account.
    pub citation: &'p str,
    /// For a duty: the article that gives it to them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_by: Option<&'p str>,
    /// How they were reached.
    pub path: Vec<crate::who::Step<'p>>,
}

impl fmt::Display for Accountable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} as {} [{}", self.bearer, self.against, self.citation)?;
        if let Some(a) = self.assigned_by {
            write!(f, "; {} per {a}", self.against)?;
        }
        write!(f, "]")?;
        for (i, s) in self.path.iter().enumerate() {
            write!(f, "{}{s}", if i == 0 { " — " } else { "; " })?;
        }
        Ok(())
    }
}

/// Why a duty or post named by `against` reaches nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnreachedWhy {
    /// The incident names neither a unit nor a matter.
    NoUnitOrMatter,
    /// No rule gives the duty for the incident's unit or matter on its date.
    NotAssigned,
    /// Nobody holding the post covers the incident's unit or matter that day.
    NobodyCovers,
}

/// A duty or post of `against` that reaches nobody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreached<'p> {
    /// The duty or post.
    pub against: Target<'p>,
    /// The clause or consequence.
    pub citation: &'p str,
    /// Why.
    pub why: UnreachedWhy,
}

impl fmt::Display for Unreached<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.why {
            UnreachedWhy::NoUnitOrMatter => "the incident names no unit or matter",
            UnreachedWhy::NotAssigned => "no rule gives it for the incident's unit or matter",
            UnreachedWhy::NobodyCovers => {
                "nobody holding the post covers the incident's unit or matter"
            }
        };
        write!(f, "{} [{}]: {why}", self.against, self.citation)
    }
}

fn people(
    f: &mut fmt::Formatter<'_>,
    accountable: &[Accountable<'_>],
    unreached: &[Unreached<'_>],
) -> fmt::Result {
    for a in accountable {
        write!(f, "\n                accountable: {a}")?;
    }
    for u in unreached {
        write!(f, "\n                reaches nobody: {u}")?;
    }
    Ok(())
}

impl fmt::Display for ClauseResult<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.clause;
        match &self.outcome {
            Outcome::Matched { held } => {
                write!(f, "matched       {} {}", c.citation, c.text)?;
                for h in held {
                    write!(f, "\n                held: {h}")?;
                }
                people(f, &self.accountable, &self.unreached)
            }
            Outcome::Undetermined { missing } => {
                write!(
                    f,
                    "undetermined  {} {}\n                missing: {}",
                    c.citation,
                    c.text,
                    missing.join(", ")
                )
            }
            Outcome::Discretionary => {
                write!(f, "discretionary {} {}", c.citation, c.text)?;
                people(f, &self.accountable, &self.unreached)
            }
            Outcome::NotMatched { failed } => {
                write!(
                    f,
                    "not matched   {} {}\n                failed: {failed}",
                    c.citation, c.text
                )
            }
        }
    }
}

/// The sanctions open for a trigger list that matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sanctions<'p> {
    /// The sanctions article.
    pub citation: &'p str,
    /// The trigger list it applies to.
    pub for_list: &'p str,
    /// The fact that grades the measures, for a graded table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graded_by: Option<&'p str>,
    /// The grade selected by the incident's level, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<&'p str>,
    /// The measures open: the whole menu, the selected grade's, or every
    /// grade's when the level is not given.
    pub measures: &'p [String],
    /// Open only if the list's catch-all clause is judged to apply: no
    /// clause of the list matched.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub discretionary: bool,
}

/// An extra consequence or an aggravating circumstance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Consequence<'p> {
    /// The article.
    pub citation: &'p str,
    /// What follows (e.g. 不得提拔重用).
    pub text: &'p str,
    /// An aggravating circumstance rather than a consequence.
    pub aggravating: bool,
    /// How it came out: matched or undetermined.
    #[serde(flatten)]
    pub outcome: Outcome<'p>,
    /// Whom it holds to account, when it holds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accountable: Vec<Accountable<'p>>,
    /// Duties and posts of its `against` that reach nobody.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreached: Vec<Unreached<'p>>,
}

/// Whether the policy was in force on the incident's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Applicability {
    /// In force.
    InForce,
    /// The incident is dated before the policy took effect.
    NotApplicable {
        /// The policy's effective date.
        effective: NaiveDate,
    },
    /// The policy states no effective date: the clauses are evaluated, but
    /// whether the policy applied on the incident's date is not known.
    Unknown,
}

/// Facts of the policy named in an answer, in declaration order: a set over
/// the policy's facts, so an answer lists them without copying names (as
/// JSON, a list of names).
#[derive(Clone)]
pub struct FactNames<'p> {
    pub(crate) facts: &'p crate::ids::Table<crate::ids::FactIx, crate::check::FactM>,
    pub(crate) set: FactSet,
}

/// Which facts: bits by fact number while numbers are below 64, else a
/// sorted list (kept small: answers carry one per undetermined clause).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FactSet {
    Few(u64),
    Many(Box<[crate::ids::FactIx]>),
}

/// Facts gathered one by one into a [`FactSet`]: bits while fact numbers
/// are below 128 (no allocation), a list past them.
#[derive(Debug, Default)]
pub(crate) struct FactsFound {
    mask: u128,
    more: Vec<crate::ids::FactIx>,
}

impl FactsFound {
    pub(crate) fn add(&mut self, f: crate::ids::FactIx) {
        use crate::ids::Idx as _;
        match f.index() {
            k if k < 128 => self.mask |= 1u128 << k,
            _ => self.more.push(f),
        }
    }

    /// The set of the facts added, each once.
    pub(crate) fn set(self) -> FactSet {
        let FactsFound { mask, mut more } = self;
        match u64::try_from(mask) {
            Ok(few) if more.is_empty() => FactSet::Few(few),
            _ => {
                more.extend(
                    (0..128u32)
                        .filter(|k| mask & (1u128 << k) != 0)
                        .map(<crate::ids::FactIx as crate::ids::Idx>::from_raw),
                );
                more.sort_unstable();
                more.dedup();
                FactSet::Many(more.into_boxed_slice())
            }
        }
    }
}

impl<'p> FactNames<'p> {
    /// The names, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = &'p str> + '_ {
        use crate::ids::Idx as _;
        let facts = self.facts;
        let name = move |f: crate::ids::FactIx| facts.get(f).name.as_str();
        let (few, many) = match &self.set {
            FactSet::Few(m) => (Some(*m), &[][..]),
            FactSet::Many(v) => (None, &v[..]),
        };
        let bits = std::iter::successors(few.filter(|m| *m != 0), |m| {
            Some(m & (m - 1)).filter(|m| *m != 0)
        })
        .map(move |m| name(crate::ids::FactIx::from_raw(m.trailing_zeros())));
        bits.chain(many.iter().map(move |f| name(*f)))
    }

    /// How many.
    pub fn len(&self) -> usize {
        match &self.set {
            FactSet::Few(m) => m.count_ones() as usize,
            FactSet::Many(v) => v.len(),
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The names, collected.
    pub fn to_vec(&self) -> Vec<&'p str> {
        self.iter().collect()
    }

    /// No facts.
    pub(crate) fn none(
        facts: &'p crate::ids::Table<crate::ids::FactIx, crate::check::FactM>,
    ) -> Self {
        FactNames {
            facts,
            set: FactSet::Few(0),
        }
    }

    /// The names joined by `sep`.
    pub fn join(&self, sep: &str) -> String {
        self.to_vec().join(sep)
    }
}

impl fmt::Debug for FactNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for FactNames<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for FactNames<'_> {}

impl<'a> PartialEq<Vec<&'a str>> for FactNames<'_> {
    fn eq(&self, other: &Vec<&'a str>) -> bool {
        self.iter().eq(other.iter().copied())
    }
}

impl Serialize for FactNames<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// The answer to "which triggers apply to this incident".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriggerAnswer<'p> {
    /// The incident's date.
    pub date: NaiveDate,
    /// In force, or not applicable with the effective date.
    pub applicability: Applicability,
    /// Matched, undetermined and discretionary clauses (and, on request, the
    /// clauses that did not match), in list and clause order.
    pub clauses: Vec<ClauseResult<'p>>,
    /// Sanctions open for each list with a matched clause.
    pub sanctions: Vec<Sanctions<'p>>,
    /// Extra consequences and aggravating circumstances that hold or may hold.
    pub consequences: Vec<Consequence<'p>>,
    /// The incident's facts that the policy reads.
    pub facts_used: FactNames<'p>,
    /// Who may propose accountability, who decides, where it is filed and
    /// where it is referred, for the lists with a matched (or only a
    /// discretionary) clause.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub procedure: Vec<crate::liability::Procedure<'p>>,
    /// When the incident carries a decision record: the liability it
    /// apportions (apart from whom the clauses hold to account).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liability: Option<Box<crate::liability::LiabilityAnswer<'p>>>,
}

impl TriggerAnswer<'_> {
    /// The citations of the matched clauses, in order.
    pub fn matched(&self) -> Vec<&str> {
        self.clauses
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Matched { .. }))
            .map(|c| c.clause.citation)
            .collect()
    }
}

impl fmt::Display for TriggerAnswer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Applicability::NotApplicable { effective } = self.applicability {
            return writeln!(
                f,
                "not applicable: {} is before the policy took effect on {effective}",
                self.date
            );
        }
        writeln!(f, "incident of {}:", self.date)?;
        if self.applicability == Applicability::Unknown {
            writeln!(
                f,
                "  applicability unknown: the policy states no effective date"
            )?;
        }
        if !self
            .clauses
            .iter()
            .any(|c| matches!(c.outcome, Outcome::Matched { .. }))
        {
            writeln!(f, "  no clause matched")?;
        }
        for c in &self.clauses {
            writeln!(f, "  {c}")?;
        }
        for s in &self.sanctions {
            write!(f, "  sanctions [{}] for {}", s.citation, s.for_list)?;
            if let Some(g) = s.grade {
                write!(f, " ({g})")?;
            }
            write!(f, ": {}", s.measures.join(", "))?;
            if s.discretionary {
                write!(f, " — open if the catch-all is judged to apply")?;
            }
            writeln!(f)?;
        }
        for c in &self.consequences {
            let kind = if c.aggravating {
                "aggravating"
            } else {
                "consequence"
            };
            let status = match &c.outcome {
                Outcome::Matched { .. } => "applies".to_string(),
                Outcome::Undetermined { missing } => {
                    format!("undetermined, missing {}", missing.join(", "))
                }
                _ => String::new(),
            };
            writeln!(f, "  {kind} [{}]: {} — {status}", c.citation, c.text)?;
            for a in &c.accountable {
                writeln!(f, "                accountable: {a}")?;
            }
            for u in &c.unreached {
                writeln!(f, "                reaches nobody: {u}")?;
            }
        }
        for p in &self.procedure {
            write!(f, "{p}")?;
        }
        if let Some(l) = &self.liability {
            write!(f, "  liability from the decision record — ")?;
            for (i, line) in l.to_string().lines().enumerate() {
                if i == 0 {
                    writeln!(f, "{line}")?;
                } else {
                    writeln!(f, "  {line}")?;
                }
            }
        }
        Ok(())
    }
}
