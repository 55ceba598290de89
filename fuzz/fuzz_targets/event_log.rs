//! Event log bytes (JSON Lines) → compliance, and the calendar of the
//! quarter before the log's last date, on the example policy of document 002
//! (yearly, half-yearly and quarterly obligations, one event-driven).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use zeren::{Policy, events::Event};
use zeren_fuzz::{before, day, show};

static POLICY: LazyLock<Policy> = LazyLock::new(|| {
    let text = include_str!("../../examples/policies/002-sues.zr");
    Policy::parse("002-sues.zr", text).expect("the example policy compiles")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let log = match POLICY.events_from_jsonl("log.jsonl", text) {
        Ok(log) => log,
        Err(e) => return drop(e.to_string()),
    };
    // The last date the log names (the API does not list a log's events).
    let last = text
        .lines()
        .filter_map(|line| serde_json::from_str::<Event>(line).ok())
        .filter_map(|event| zeren::parse_date(event.date.get(..10)?).ok())
        .max();
    for as_of in [day("2020-01-15"), last.unwrap_or(day("2019-06-30"))] {
        show(POLICY.compliance(&log, as_of, None, None));
        let from = before(as_of, 92);
        show(POLICY.compliance(&log, as_of, from, Some("校党委")));
        if let Some(from) = from {
            show(POLICY.calendar(from, as_of, None));
        }
    }
});
