//! Eval: queries over a compiled policy.
//!
//! - [`who`]: responsible parties for a unit or a matter on a date, and the
//!   duties a person holds on a date.

pub mod who;
