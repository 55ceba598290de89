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

#[path = "../tests/common/hostile_inputs.rs"]
mod inputs;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
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
    let json = inputs::incident_with_unknown_participants(20_000);
    c.bench_function("hostile/incident 20k unknown participants", |b| {
        b.iter(|| black_box(p.incident_from_json("inc.json", &json).unwrap_err().len()))
    });
}

fn bench_reactive(c: &mut Criterion) {
    let p = example("001-A-company.zr");
    let log = inputs::reactive_log(200_000);
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
    let path = format!(
        "{}/examples/policies/001-A-company.zr",
        env!("CARGO_MANIFEST_DIR")
    );
    let p = Policy::builder()
        .file(&path)
        .org_json("org.json", &inputs::org_of_branches(1_000))
        .build()
        .unwrap();
    let log = inputs::long_unknown_names(20_000);
    c.bench_function(
        "hostile/3 log lines, 20k-char unknown unit, 1k units",
        |b| b.iter(|| black_box(p.events_from_jsonl("log.jsonl", &log).unwrap_err().len())),
    );
}

fn bench_big_declarations(c: &mut Criterion) {
    let (enums, scale) = inputs::big_enum_and_scale(100_000);
    let dups = inputs::duplicate_values(100_000);
    let clauses = inputs::clauses(100_000, false);
    let never = inputs::clauses(100_000, true);
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
    let p = Policy::parse("daily.zr", &inputs::daily_obligation(180)).unwrap();
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
