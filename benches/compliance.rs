//! Compliance on a generated org of 100,000 units with 10 obligations and
//! up to 1,000,000 generated events: reading the log (JSON Lines), and
//! assessing it, at 100k and 1M events; and the same with the obligations
//! naming their recipients (two named bodies, `superior`) and a tenth of
//! the lines saying the period they report for. Each assessment is
//! measured twice: collecting the whole answer (`compliance`), and handing
//! each row over as it is made (`compliance_stream`, what `zeren compliance
//! --jsonl` does). The end-to-end case reads the log, assesses it and
//! writes every row as JSON Lines.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::Lcg;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::fmt::Write as _;
use std::time::Duration;
use zeren::{org::OrgSpec, NaiveDate, Policy};

const UNITS: usize = 100_000;

/// Ten obligations over two unit kinds: 10,000 committees (党委) and
/// 90,000 branches (支部), yearly, half-yearly, quarterly and monthly.
const RULES: &str = r#"
unit kinds 党委, 支部
actions a0, a1, a2, a3, a4, a5, a6, a7, a8, a9
obligation per "1" each 党委 must a0 at least 2 per year
obligation per "2" each 党委 must a1 at least 1 per quarter
obligation per "3" each 党委 must a2 at least 1 per half-year
obligation per "4" each 党委 must a3 exactly 1 per year by 06-30
obligation per "5" each 党委 must a4 at least 1 per month
obligation per "6" each 支部 must a5 at least 2 per year
obligation per "7" each 支部 must a6 at least 1 per half-year
obligation per "8" each 支部 must a7 at least 1 per year
obligation per "9" each 支部 must a8 at most 3 per year
obligation per "10" each 支部 must a9 at least 1 per year by day 180
"#;

/// The same obligations, owed to recipients: every committee reports to the
/// two offices, every branch to its committee (`superior`).
fn addressed_rules() -> String {
    RULES
        .lines()
        .map(|l| {
            if !l.starts_with("obligation") {
                return format!("{l}\n");
            }
            let to = if l.contains("each 党委") {
                " to 办公室, 督查室"
            } else {
                " to superior"
            };
            let (head, tail) = l.split_at(l.find(" at ").or_else(|| l.find(" exactly ")).unwrap());
            format!("{head}{to}{tail}\n")
        })
        .collect()
}

fn policy_with(rules: &str) -> Policy {
    let mut org = OrgSpec::new()
        .unit("办公室", "党委", None)
        .unit("督查室", "党委", None);
    for i in 0..UNITS {
        let (kind, under) = if i < 10_000 {
            ("党委", None)
        } else {
            ("支部", Some(format!("u{}", i % 10_000)))
        };
        org = org.unit(&format!("u{i}"), kind, under.as_deref());
    }
    Policy::builder()
        .source("rules.zr", rules)
        .org("org", org)
        .build()
        .unwrap()
}

fn policy() -> Policy {
    policy_with(RULES)
}

/// `n` events in 2021, spread over the units, each with an action its
/// kind owes. The `k`-th event of a unit falls in its own 36-day window,
/// so no two events repeat each other. Written in shuffled order.
/// With `addressed`, each line names its recipients, and every tenth line
/// of a yearly action says it reports for 2021.
fn log_text_with(n: usize, addressed: bool) -> String {
    let mut rng = Lcg(42);
    let start = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.next(i as u64 + 1) as usize);
    }
    let mut text = String::with_capacity(n * 64);
    for i in order {
        let (u, k) = (i % UNITS, (i / UNITS) as u64);
        let a = if u < 10_000 {
            rng.next(5)
        } else {
            5 + rng.next(5)
        };
        let d = start + chrono::TimeDelta::days((k * 36 + rng.next(36)) as i64);
        if !addressed {
            writeln!(
                text,
                r#"{{"date": "{d}", "unit": "u{u}", "action": "a{a}"}}"#
            )
            .unwrap();
            continue;
        }
        let to = if u < 10_000 {
            r#"["办公室", "督查室"]"#.to_string()
        } else {
            format!(r#""u{}""#, u % 10_000)
        };
        let yearly = matches!(a, 0 | 3 | 5 | 7 | 8 | 9);
        let for_period = if yearly && i % 10 == 0 {
            r#", "for": "2021""#
        } else {
            ""
        };
        writeln!(
            text,
            r#"{{"date": "{d}", "unit": "u{u}", "action": "a{a}", "to": {to}{for_period}}}"#
        )
        .unwrap();
    }
    text
}

fn bench(c: &mut Criterion) {
    let as_of = NaiveDate::from_ymd_opt(2022, 1, 10).unwrap();
    let from = Some(NaiveDate::from_ymd_opt(2021, 1, 1).unwrap());
    let mut g = c.benchmark_group("compliance");
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    // Plain, at 100k and 1M events; with recipients and `for`, at 1M.
    let plain = policy();
    let addressed = policy_with(&addressed_rules());
    let cases: [(&Policy, bool, &str, &[usize]); 2] = [
        (&plain, false, "", &[100_000, 1_000_000]),
        (&addressed, true, " (to, for)", &[1_000_000]),
    ];
    for (p, to, label, sizes) in cases {
        for &n in sizes {
            let text = log_text_with(n, to);
            let log = p.events_from_jsonl("gen.jsonl", &text).unwrap();
            assert_eq!(log.len(), n);
            let answer = p.compliance(&log, as_of, from, None).unwrap();
            let counted: u32 = answer.periods.iter().map(|r| r.count).sum();
            let late: u32 = answer.periods.iter().map(|r| r.late).sum();
            assert!((counted + late) as usize <= n);
            if to {
                assert!(
                    counted as usize > n / 2,
                    "most events reach their recipients"
                );
            }
            g.throughput(Throughput::Elements(n as u64));
            g.bench_function(BenchmarkId::new(format!("assess{label}"), n), |b| {
                b.iter(|| {
                    black_box(
                        p.compliance(black_box(&log), as_of, from, None)
                            .unwrap()
                            .periods
                            .len(),
                    )
                })
            });
            g.bench_function(
                BenchmarkId::new(format!("assess streamed{label}"), n),
                |b| {
                    b.iter(|| {
                        let mut rows = 0usize;
                        let s = p
                            .compliance_stream(black_box(&log), as_of, from, None)
                            .unwrap()
                            .for_each(|r| {
                                black_box(&r);
                                rows += 1;
                                Ok::<(), ()>(())
                            })
                            .unwrap();
                        black_box((rows, s.met))
                    })
                },
            );
            if to {
                // Read, assess, and write every row as one JSON line.
                g.bench_function(
                    BenchmarkId::new(format!("end to end, JSON Lines out{label}"), n),
                    |b| {
                        b.iter(|| {
                            let log = p.events_from_jsonl("gen.jsonl", black_box(&text)).unwrap();
                            let mut out = std::io::BufWriter::new(std::io::sink());
                            p.compliance_stream(&log, as_of, from, None)
                                .unwrap()
                                .for_each(|r| {
                                    serde_json::to_writer(&mut out, &r)?;
                                    std::io::Write::write_all(&mut out, b"\n")
                                        .map_err(serde_json::Error::io)
                                })
                                .unwrap()
                        })
                    },
                );
            }
            g.bench_function(
                BenchmarkId::new(format!("read JSON Lines{label}"), n),
                |b| {
                    b.iter(|| {
                        black_box(
                            p.events_from_jsonl("gen.jsonl", black_box(&text))
                                .unwrap()
                                .len(),
                        )
                    })
                },
            );
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
