//! The hostile inputs of `tests/hostile.rs`, generated at full size; the
//! bench `benches/hostile.rs` measures the same inputs.
#![allow(dead_code, clippy::unwrap_used)]

use std::fmt::Write as _;

/// An incident whose collective decision names `n` people nobody knows.
pub fn incident_with_unknown_participants(n: usize) -> String {
    let names: Vec<String> = (0..n).map(|i| format!("\"未知人员{i:05}\"")).collect();
    format!(
        r#"{{"date": "2021-09-01", "unit": "第一分公司党委", "facts": {{}}, "decision": {{"kind": "collective", "unit": "公司党委", "participants": [{}], "objectors": []}}}}"#,
        names.join(", ")
    )
}

/// The date and time of the `i`-th generated event in 2021.
pub fn when(i: usize) -> String {
    format!(
        "2021-{:02}-{:02}T{:02}:{:02}",
        1 + i % 12,
        1 + (i / 12) % 28,
        (i / 336) % 24,
        (i / 8064) % 60
    )
}

/// `n` occurrences of 重大情况 for 公司党委 (001-A), each answered by a
/// 报告 to 政工部 that names it: `2n` JSON Lines.
pub fn reactive_log(n: usize) -> String {
    let mut log = String::new();
    for i in 0..n {
        let when = when(i);
        writeln!(
            log,
            r#"{{"id": "e{i}", "date": "{when}", "unit": "公司党委", "event": "重大情况"}}"#
        )
        .unwrap();
        writeln!(
            log,
            r#"{{"date": "{when}", "unit": "公司党委", "action": "报告", "to": "政工部", "ref": "e{i}"}}"#
        )
        .unwrap();
    }
    log
}

/// An org (JSON) of `n` branches under 公司党委.
pub fn org_of_branches(n: usize) -> String {
    let mut org = String::from(r#"{"units": ["#);
    for i in 0..n {
        if i > 0 {
            org.push_str(", ");
        }
        write!(
            org,
            r#"{{"name": "单位{i:04}", "kind": "党支部", "under": "公司党委"}}"#
        )
        .unwrap();
    }
    org.push_str("]}");
    org
}

/// Three log lines naming a unit of `chars` characters that nobody declared.
pub fn long_unknown_names(chars: usize) -> String {
    let line = format!(
        r#"{{"date": "2021-03-01", "unit": "{}", "action": "专题研究"}}"#,
        "单".repeat(chars)
    );
    format!("{line}\n{line}\n{line}\n")
}

/// A fact with `n` enum values, a scale with `n` levels.
pub fn big_enum_and_scale(n: usize) -> (String, String) {
    let values: Vec<String> = (0..n).map(|i| format!("值{i}")).collect();
    (
        format!("fact 失职 one of {{ {} }}\n", values.join(", ")),
        format!("scale 后果 {{ {} }}\n", values.join(" < ")),
    )
}

/// A fact whose `n` values are all the same.
pub fn duplicate_values(n: usize) -> String {
    format!("fact 失职 one of {{ {} }}\n", vec!["值"; n].join(", "))
}

/// A trigger list of `n` clauses; with `never`, each can never match.
/// Lines are short, so 100,000 clauses fit in one file.
pub fn clauses(n: usize, never: bool) -> String {
    let mut text = String::from("fact f one of { a, b }\ntriggers per \"第八条\" {\n");
    for i in 0..n {
        if never {
            writeln!(text, " ({i}) \"x\" when f = a and f = b").unwrap();
        } else {
            writeln!(text, " ({i}) \"x\" when f = a").unwrap();
        }
    }
    text.push_str("}\n");
    text
}

/// A daily obligation for `units` branches, in force from 1900.
pub fn daily_obligation(units: usize) -> String {
    let mut text = String::from(
        "policy \"p\" { effective 1900-01-01 }\nunit kinds 支部\nactions 报送\norg {\n",
    );
    for i in 0..units {
        writeln!(text, "  unit 支部{i} kind 支部").unwrap();
    }
    text.push_str("}\nobligation per \"第一条\" each 支部 must 报送 at least 1 per day\n");
    text
}
