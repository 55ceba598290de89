//! `who` on generated orgs: compile time for 100,000 units, and the median
//! latency of a `who` query on an org of 1,000 and of 100,000 units; and the
//! cost of naming whom a matched clause holds to account (`against` two
//! duties) on the 100,000-unit org.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{black_box, criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use std::fmt::Write as _;
use std::time::Duration;
use zeren::{org::OrgSpec, Policy, UnitId};

const RULES: &str = r#"
duties 主体责任 > 第一责任人 > 重要领导责任
unit kinds 党委, 部门
positions 书记 single, 班子成员
assign per "第三条" in each 党委, 部门 {
  team bears 主体责任
  书记 bears 第一责任人
  班子成员 covering bears 重要领导责任
}
fact 失职 one of { 失控, 瞒报 }
"#;

/// One clause, held against two duties (or, for the baseline, against nobody).
fn triggers_against(against: bool) -> String {
    let against = if against {
        " against 第一责任人, 重要领导责任"
    } else {
        ""
    };
    format!("triggers per \"第八条\"{against} {{\n  (一) \"失控\" when 失职 = 失控\n}}\n")
}

/// A tree with fan-out 10 and `levels` levels (1 + 10 + … + 10^(levels-1)
/// units); every unit has a secretary who changed in 2020 and a team member
/// who covers every child unit.
/// The org is split into files of about 3,000 units each: several files
/// make one policy, and no file nears the source size limit.
fn generate(levels: u32) -> (Vec<String>, usize) {
    let mut files = vec![RULES.to_string()];
    let mut text = String::from("org {\n");
    let mut frontier = vec!["u".to_string()];
    let mut count = 0;
    writeln!(text, " unit u kind 党委").unwrap();
    for level in 0..levels {
        let mut next = Vec::new();
        for name in &frontier {
            count += 1;
            if count % 3_000 == 0 {
                text.push_str("}\n");
                files.push(std::mem::replace(&mut text, String::from("org {\n")));
            }
            writeln!(
                text,
                " 甲{name} holds 书记 of {name} from 2015-01-01 to 2019-12-31"
            )
            .unwrap();
            writeln!(text, " 乙{name} holds 书记 of {name} from 2020-01-01").unwrap();
            writeln!(text, " 丙{name} holds 班子成员 of {name} from 2015-01-01").unwrap();
            if level + 1 < levels {
                for i in 0..10 {
                    let child = format!("{name}_{i}");
                    let kind = if level % 2 == 0 { "部门" } else { "党委" };
                    writeln!(text, " unit {child} kind {kind} under {name}").unwrap();
                    writeln!(text, " 丙{name} covers {child} from 2015-01-01").unwrap();
                    next.push(child);
                }
            }
        }
        frontier = next;
    }
    text.push_str("}\n");
    files.push(text);
    (files, count)
}

fn build(files: &[String]) -> Policy {
    files
        .iter()
        .enumerate()
        .fold(Policy::builder(), |b, (i, f)| {
            b.source(&format!("gen{i}.zr"), f)
        })
        .build()
        .unwrap()
}

/// The same org as [`generate`], as an [`OrgSpec`] (as a host program would
/// load it from its database).
fn generate_spec(levels: u32) -> OrgSpec {
    let d = |s: &str| Some(s.parse().unwrap());
    let mut org = OrgSpec::new().unit("u", "党委", None);
    let mut frontier = vec!["u".to_string()];
    for level in 0..levels {
        let mut next = Vec::new();
        for name in &frontier {
            org = org
                .holds(
                    &format!("甲{name}"),
                    "书记",
                    name,
                    d("2015-01-01"),
                    d("2019-12-31"),
                )
                .holds(&format!("乙{name}"), "书记", name, d("2020-01-01"), None)
                .holds(
                    &format!("丙{name}"),
                    "班子成员",
                    name,
                    d("2015-01-01"),
                    None,
                );
            if level + 1 < levels {
                for i in 0..10 {
                    let child = format!("{name}_{i}");
                    let kind = if level % 2 == 0 { "部门" } else { "党委" };
                    org = org.unit(&child, kind, Some(name)).covers(
                        &format!("丙{name}"),
                        &[&child],
                        d("2015-01-01"),
                        None,
                    );
                    next.push(child);
                }
            }
        }
        frontier = next;
    }
    org
}

fn leaves(policy: &Policy, n: usize) -> Vec<UnitId> {
    let names: Vec<&str> = policy.units().collect();
    let step = (names.len() / n).max(1);
    names
        .iter()
        .rev()
        .step_by(step)
        .take(n)
        .map(|u| policy.unit_id(u).unwrap())
        .collect()
}

fn bench_compile(c: &mut Criterion) {
    let (text, units) = generate(6);
    let mut g = c.benchmark_group("compile");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function(BenchmarkId::new("parse+check+compile", units), |b| {
        b.iter(|| build(black_box(&text)))
    });
    let spec = generate_spec(6);
    let json = serde_json::to_string(&spec).unwrap();
    g.bench_function(BenchmarkId::new("rules + org in code", units), |b| {
        // The host program hands its spec over: the copy made for each
        // run is not timed.
        b.iter_batched(
            || spec.clone(),
            |spec| {
                Policy::builder()
                    .source("rules.zr", RULES)
                    .org("db", spec)
                    .build()
                    .unwrap()
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function(BenchmarkId::new("rules + org as JSON", units), |b| {
        b.iter(|| {
            Policy::builder()
                .source("rules.zr", RULES)
                .org_json("org.json", black_box(&json))
                .build()
                .unwrap()
        })
    });
    g.finish();
}

fn bench_who(c: &mut Criterion) {
    let on = "2021-06-01".parse().unwrap();
    let mut g = c.benchmark_group("who");
    g.measurement_time(Duration::from_secs(5));
    for levels in [4, 6] {
        let (text, units) = generate(levels);
        let policy = build(&text);
        let ids = leaves(&policy, 1024);
        // Sanity: a leaf answers with its team, its secretary, and the
        // covering member of each unit above it (coverage reaches the subtree).
        assert_eq!(
            policy.who(ids[0], on).unwrap().responsibilities.len(),
            2 + levels as usize - 1
        );
        let mut i = 0usize;
        g.bench_function(BenchmarkId::new("leaf unit", units), |b| {
            b.iter(|| {
                i = (i + 1) % ids.len();
                black_box(policy.who(ids[i], on).unwrap())
            })
        });
        // Like for like: units at depth 3 answer the same as the small org's
        // leaves, so only the org's size differs.
        let mid: Vec<UnitId> = policy
            .units()
            .filter(|u| u.matches('_').count() == 3)
            .step_by(7)
            .take(1024)
            .map(|u| policy.unit_id(u).unwrap())
            .collect();
        assert_eq!(policy.who(mid[0], on).unwrap().responsibilities.len(), 5);
        g.bench_function(BenchmarkId::new("depth-3 unit", units), |b| {
            b.iter(|| {
                i = (i + 1) % mid.len();
                black_box(policy.who(mid[i], on).unwrap())
            })
        });
    }
    g.finish();
}

fn bench_accountable(c: &mut Criterion) {
    let mut g = c.benchmark_group("accountable");
    g.measurement_time(Duration::from_secs(5));
    let (mut text, units) = generate(6);
    text.push(triggers_against(true));
    let with = build(&text);
    if let Some(last) = text.last_mut() {
        *last = triggers_against(false);
    }
    let without = build(&text);
    let leaves_of = |p: &Policy| -> Vec<zeren::incident::BoundIncident> {
        p.units()
            .filter(|u| u.matches('_').count() == 5)
            .step_by(97)
            .take(1024)
            .map(|u| {
                let json = format!(
                    r#"{{"date": "2021-06-01", "unit": "{u}", "facts": {{"失职": "失控"}}}}"#
                );
                p.incident_from_json("i.json", &json).unwrap()
            })
            .collect()
    };
    let (inc_with, inc_without) = (leaves_of(&with), leaves_of(&without));
    // Sanity: the secretary and the covering member of each unit above.
    let a = with.triggers(&inc_with[0], false).unwrap();
    assert_eq!(a.clauses[0].accountable.len(), 6, "{a}");
    assert!(without.triggers(&inc_without[0], false).unwrap().clauses[0]
        .accountable
        .is_empty());
    let mut i = 0usize;
    g.bench_function(BenchmarkId::new("clause against two duties", units), |b| {
        b.iter(|| {
            i = (i + 1) % inc_with.len();
            black_box(with.triggers(&inc_with[i], false).unwrap())
        })
    });
    g.bench_function(BenchmarkId::new("same clause, no against", units), |b| {
        b.iter(|| {
            i = (i + 1) % inc_without.len();
            black_box(without.triggers(&inc_without[i], false).unwrap())
        })
    });
    g.finish();
}

criterion_group!(benches, bench_who, bench_compile, bench_accountable);
criterion_main!(benches);
