//! Arbitrary names and dates → who (unit, matter), duties, staffing and a
//! unit's calendar, on the example policy of document 003-5 (the fullest
//! org: matters, coverage, staffing rules).
//!
//! The first line is the date (`YYYY-MM-DD`, else anything chrono reads,
//! else 2019-07-01); every other line is a name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use zeren::{NaiveDate, Policy};
use zeren_fuzz::{after, day, show};

static POLICY: LazyLock<Policy> = LazyLock::new(|| {
    let text = include_str!("../../examples/policies/003-5-campus.zr");
    Policy::parse("003-5-campus.zr", text).expect("the example policy compiles")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.split('\n');
    let date = lines.next().unwrap_or_default();
    let on = zeren::parse_date(date)
        .ok()
        .or_else(|| date.parse::<NaiveDate>().ok())
        .unwrap_or_else(|| day("2019-07-01"));
    show(POLICY.staffing(on, None));
    for name in lines.take(16) {
        show(POLICY.who_unit(name, on));
        show(POLICY.who_matter(name, on));
        show(POLICY.duties_of(name, on));
        show(POLICY.staffing(on, Some(name)));
        if let Some(end) = after(on, 31) {
            show(POLICY.calendar(on, end, Some(name)));
        }
    }
});
