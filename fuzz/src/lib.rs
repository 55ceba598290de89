//! Helpers shared by the zeren fuzz targets.

use chrono::Days;
use serde::Serialize;
use std::fmt::Display;
use zeren::NaiveDate;

/// Renders an answer the two ways a program would show it (text and JSON),
/// so the formatting code is fuzzed too.
pub fn render<T: Display + Serialize>(answer: &T) {
    let _ = answer.to_string();
    let _ = serde_json::to_string(answer);
}

/// Renders a query's answer, or its error message.
pub fn show<T: Display + Serialize, E: Display>(result: Result<T, E>) {
    match result {
        Ok(answer) => render(&answer),
        Err(e) => drop(e.to_string()),
    }
}

/// `n` days after `day`, if that is a date.
pub fn after(day: NaiveDate, n: u64) -> Option<NaiveDate> {
    day.checked_add_days(Days::new(n))
}

/// `n` days before `day`, if that is a date.
pub fn before(day: NaiveDate, n: u64) -> Option<NaiveDate> {
    day.checked_sub_days(Days::new(n))
}

/// A date written in a harness.
pub fn day(text: &str) -> NaiveDate {
    zeren::parse_date(text).expect("a valid date in the harness")
}
