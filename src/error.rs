//! The crate's errors: a policy that does not compile (its diagnostics),
//! and a query that cannot be answered.

use crate::diag::Diagnostics;
use crate::{limits, text};
use chrono::NaiveDate;

/// A query that cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// The policy has no unit of that name.
    #[error("unknown unit `{}`{}", text::shown(.name), help_suffix(.help))]
    UnknownUnit {
        /// The name asked for.
        name: String,
        /// The closest declared name, if any.
        help: Option<String>,
    },
    /// The policy has no matter or matter kind of that name.
    #[error("unknown matter `{}`{}", text::shown(.name), help_suffix(.help))]
    UnknownMatter {
        /// The name asked for.
        name: String,
        /// The closest declared name, if any.
        help: Option<String>,
    },
    /// The org has no person of that name.
    #[error("unknown person `{}`{}", text::shown(.name), help_suffix(.help))]
    UnknownPerson {
        /// The name asked for.
        name: String,
        /// The closest declared name, if any.
        help: Option<String>,
    },
    /// The policy declares no `liability` article.
    #[error("the policy has no `liability` article")]
    NoLiabilityRules,
    /// The incident has no decision record.
    #[error("the incident has no `decision` record; liability follows from who decided and how")]
    NoDecision,
    /// A collective decision names no unit, and the incident has none.
    #[error("the collective decision names no unit, and neither does the incident")]
    NoDecidingUnit,
    /// A date range that ends before it starts.
    #[error("the range from {from} to {to} is empty: it ends before it starts")]
    EmptyRange {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
    /// A date outside the accepted years.
    #[error("{date} is outside the years {min}–{max} that zeren accepts", min = limits::MIN_YEAR, max = limits::MAX_YEAR)]
    DateOutOfRange {
        /// The date.
        date: NaiveDate,
    },
    /// The answer would be too large.
    #[error("the answer would have {rows} rows, more than the limit of {limit}; narrow the dates or pick one unit", limit = limits::MAX_ROWS)]
    TooManyRows {
        /// How many rows it would have.
        rows: u64,
    },
    /// An id, event log or incident checked against another policy.
    #[error("the {what} was checked against another policy; check it against this one")]
    OtherPolicy {
        /// What was given: `unit id`, `event log`, `incident` or `fact`.
        what: &'static str,
    },
    /// The policy has no trigger clause with that citation.
    #[error("no trigger clause is cited `{}`{}", text::shown(.citation), help_suffix(.help))]
    UnknownClause {
        /// The citation asked for.
        citation: String,
        /// The closest clause citation, if any.
        help: Option<String>,
    },
    /// The policy declares no fact of that name.
    #[error("unknown fact `{}`{}", text::shown(.name), help_suffix(.help))]
    UnknownFact {
        /// The name asked for.
        name: String,
        /// The closest declared name, if any.
        help: Option<String>,
    },
    /// The fact has no value (member, level) of that name.
    #[error("`{}` is not a value of `{fact}`{}", text::shown(.name), help_suffix(.help))]
    UnknownValue {
        /// The fact.
        fact: String,
        /// The name asked for.
        name: String,
        /// The closest value, if any.
        help: Option<String>,
    },
    /// A value of the wrong kind for a fact, or a value of another fact.
    #[error("`{fact}` takes {takes}; {given} was given")]
    WrongValue {
        /// The fact.
        fact: String,
        /// What it takes: `one of its values`, `a number` …
        takes: &'static str,
        /// What was given.
        given: &'static str,
    },
    /// The date is before the policy took effect.
    #[error("not applicable: {on} is before the policy took effect on {effective}")]
    NotInForce {
        /// The date asked about.
        on: NaiveDate,
        /// The policy's effective date.
        effective: NaiveDate,
    },
}

fn help_suffix(help: &Option<String>) -> String {
    match help {
        Some(h) => format!(" ({h})"),
        None => String::new(),
    }
}

/// Any error of the crate: a policy that does not compile, or a query that
/// cannot be answered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The policy (or its org) has problems; all are listed.
    #[error("{0}")]
    Policy(#[from] Diagnostics),
    /// A query could not be answered.
    #[error(transparent)]
    Query(#[from] QueryError),
}
