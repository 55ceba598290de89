//! Hostile inputs at the sizes that once took minutes or gigabytes: each is
//! answered (or refused) in time proportional to its size. The assertions
//! on these answers live in `tests/hostile.rs`; this measures their time.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::fmt::Write as _;
use std::time::Duration;
use zeren::{NaiveDate, Policy};

fn example(name: &str) -> Policy {
    let path = format!("{}/examples/policies/{name}", env!("CARGO_MANIFEST_DIR"));
    Policy::from_files(&[&path]).unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn bench_incident(c: &mut Criterion) {
    let p = example("004-province.zr");
    let names: Vec<String> = (0..20_000).map(|i| format!("\"未知人员{i:05}\"")).collect();
    let json = format!(
        r#"{{"date": "2021-09-01", "unit": "第一分公司党委", "facts": {{}}, "decision": {{"kind": "collective", "unit": "公司党委", "participants": [{}], "objectors": []}}}}"#,
        names.join(", ")
    );
    c.bench_function("hostile/incident 20k unknown participants", |b| {
        b.iter(|| black_box(p.incident_from_json("inc.json", &json).unwrap_err().len()))
    });
}

fn bench_reactive(c: &mut Criterion) {
    let p = example("001-A-company.zr");
    let mut log = String::new();
    for i in 0..200_000 {
        let when = format!(
            "2021-{:02}-{:02}T{:02}:{:02}",
            1 + i % 12,
            1 + (i / 12) % 28,
            (i / 336) % 24,
            (i / 8064) % 60
        );
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
    let events = p.events_from_jsonl("log.jsonl", &log).unwrap();
    let mut g = c.benchmark_group("hostile/400k event-driven events");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("read", |b| {
        b.iter(|| black_box(p.events_from_jsonl("log.jsonl", &log).unwrap().len()))
    });
    g.bench_function("assess", |b| {
        b.iter(|| {
            let a = p
                .compliance(&events, d("2021-12-31"), None, Some("公司党委"))
                .unwrap();
            black_box(a.reactions.len())
        })
    });
    g.finish();
}

fn bench_long_names(c: &mut Criterion) {
    let mut org = String::from(r#"{"units": ["#);
    for i in 0..1_000 {
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
    let path = format!(
        "{}/examples/policies/001-A-company.zr",
        env!("CARGO_MANIFEST_DIR")
    );
    let p = Policy::builder()
        .file(&path)
        .org_json("org.json", &org)
        .build()
        .unwrap();
    let line = format!(
        r#"{{"date": "2021-03-01", "unit": "{}", "action": "专题研究"}}"#,
        "单".repeat(20_000)
    );
    let log = format!("{line}\n{line}\n{line}\n");
    c.bench_function(
        "hostile/3 log lines, 20k-char unknown unit, 1k units",
        |b| b.iter(|| black_box(p.events_from_jsonl("log.jsonl", &log).unwrap_err().len())),
    );
}

fn bench_big_declarations(c: &mut Criterion) {
    let values: Vec<String> = (0..100_000).map(|i| format!("值{i}")).collect();
    let enums = format!("fact 失职 one of {{ {} }}\n", values.join(", "));
    let scale = format!("scale 后果 {{ {} }}\n", values.join(" < "));
    let dups = format!(
        "fact 失职 one of {{ {} }}\n",
        vec!["值"; 100_000].join(", ")
    );
    let mut clauses = String::from("fact 失职 one of { 甲, 乙 }\ntriggers per \"第八条\" {\n");
    let mut never = String::from("fact f one of { a, b }\ntriggers per \"第八条\" {\n");
    for i in 0..100_000 {
        writeln!(clauses, "  ({i}) \"x\" when 失职 = 甲").unwrap();
        writeln!(never, " ({i}) \"x\" when f = a and f = b").unwrap();
    }
    clauses.push_str("}\n");
    never.push_str("}\n");
    let mut g = c.benchmark_group("hostile/100k declarations");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for (name, text) in [
        ("enum values", &enums),
        ("scale levels", &scale),
        ("duplicate values", &dups),
        ("trigger clauses", &clauses),
        ("never-matching clauses", &never),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| black_box(Policy::parse("p.zr", text).map(|p| p.warnings().len())))
        });
    }
    g.finish();
}

fn bench_daily(c: &mut Criterion) {
    let mut text = String::from(
        "policy \"p\" { effective 1900-01-01 }\nunit kinds 支部\nactions 报送\norg {\n",
    );
    for i in 0..180 {
        writeln!(text, "  unit 支部{i} kind 支部").unwrap();
    }
    text.push_str("}\nobligation per \"第一条\" each 支部 must 报送 at least 1 per day\n");
    let p = Policy::parse("daily.zr", &text).unwrap();
    c.bench_function(
        "hostile/daily obligation, 180 units, 1900-2200 (refused)",
        |b| b.iter(|| black_box(p.calendar(d("1900-01-01"), d("2200-12-31"), None).is_err())),
    );
}

criterion_group!(
    benches,
    bench_incident,
    bench_reactive,
    bench_long_names,
    bench_big_declarations,
    bench_daily
);
criterion_main!(benches);
