//! Incident JSON bytes → triggers (with and without why-not) and liability,
//! on the example policy of document 004 (collective and individual
//! decisions, a liability article, a procedure).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use zeren::Policy;
use zeren_fuzz::{render, show};

static POLICY: LazyLock<Policy> = LazyLock::new(|| {
    let text = include_str!("../../examples/policies/004-province.zr");
    Policy::parse("004-province.zr", text).expect("the example policy compiles")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match POLICY.incident_from_json("incident.json", text) {
        Ok(incident) => {
            render(&POLICY.triggers(&incident, false).unwrap());
            render(&POLICY.triggers(&incident, true).unwrap());
            show(POLICY.liability(&incident));
        }
        Err(e) => drop(e.to_string()),
    }
});
