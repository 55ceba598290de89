//! Eval: queries over a compiled policy.
//!
//! - [`who`]: responsible parties for a unit or a matter on a date, and the
//!   duties a person holds on a date;
//! - [`triggers`]: which accountability clauses an incident meets, with sanctions;
//! - [`liability`]: how liability is shared from the incident's decision record;
//! - [`compliance`]: the calendar of what falls due, and compliance of an event log;
//! - [`staffing`]: whether units and matters have the holders staffing rules ask for;
//! - [`expect`]: running the `test` blocks written in a policy.

pub(crate) mod accountable;
pub(crate) mod articles;
pub(crate) mod compliance;
pub(crate) mod expect;
pub(crate) mod liability;
pub(crate) mod sliced;
pub(crate) mod staffing;
pub(crate) mod triggers;
pub(crate) mod who;
