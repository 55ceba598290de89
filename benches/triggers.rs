//! Trigger matching: 40 and 1,000 generated triggers against 10,000
//! generated incidents — the full answer (`triggers`) and the lean one
//! (`matching`) — with two hand-written Rust evaluations of the same
//! conditions for the ratio: a three-valued loop over the clauses, and the
//! strongest baseline, the clauses' tests precomputed as bit sets.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::Lcg;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use std::fmt::Write as _;
use zeren::{incident::BoundIncident, Policy};

const KINDS: u32 = 20;
const LEVELS: [&str; 4] = ["不良影响", "严重影响", "恶劣影响", "严重后果"];

/// Trigger `i`: `失职 = k{i % 20} and (后果 >= LEVEL[i % 4] or 群体性事件)`,
/// every fifth with `and 人数 > i`; the last is the catch-all.
fn policy(n: u32) -> Policy {
    let mut t = String::from(
        "scale 后果 { 不良影响 < 严重影响 < 恶劣影响 < 严重后果 }\nfact 失职 one of { ",
    );
    t.push_str(
        &(0..KINDS)
            .map(|k| format!("k{k}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    t.push_str(" }\nfact 后果 scale 后果\nfact 群体性事件 bool\nfact 人数 number\ntriggers per \"第八条\" {\n");
    for i in 0..n - 1 {
        let extra = if i % 5 == 0 {
            format!(" and 人数 > {i}")
        } else {
            String::new()
        };
        writeln!(
            t,
            "  {} \"clause {i}\" when 失职 = k{} and (后果 >= {} or 群体性事件){extra}",
            i + 1,
            i % KINDS,
            LEVELS[(i % 4) as usize]
        )
        .unwrap();
    }
    writeln!(
        t,
        "  {n} \"其他\" otherwise\n}}\nsanctions per \"第八条\" {{ 提醒, 批评教育 }}"
    )
    .unwrap();
    Policy::parse("gen.zr", &t).unwrap()
}

/// The same incident, as the policy sees it and as the hand-written code does.
#[derive(Clone, Copy)]
struct Plain {
    kind: Option<u32>,
    level: Option<u32>,
    mass: Option<bool>,
    people: Option<f64>,
}

fn incidents(p: &Policy, count: usize) -> (Vec<BoundIncident>, Vec<Plain>) {
    let mut rng = Lcg(7);
    let mut bound = Vec::with_capacity(count);
    let mut plain = Vec::with_capacity(count);
    for _ in 0..count {
        // Most facts given; some left unknown so undetermined answers occur.
        let pl = Plain {
            kind: Some(rng.next(u64::from(KINDS)) as u32),
            level: (rng.next(10) != 0).then(|| rng.next(4) as u32),
            mass: (rng.next(3) != 0).then(|| rng.next(2) == 1),
            people: (rng.next(4) != 0).then(|| rng.next(1200) as f64),
        };
        let mut facts = serde_json::Map::new();
        facts.insert("失职".into(), format!("k{}", pl.kind.unwrap()).into());
        if let Some(l) = pl.level {
            facts.insert("后果".into(), LEVELS[l as usize].into());
        }
        if let Some(m) = pl.mass {
            facts.insert("群体性事件".into(), m.into());
        }
        if let Some(x) = pl.people {
            facts.insert("人数".into(), x.into());
        }
        let json = serde_json::json!({ "date": "2020-01-01", "facts": facts }).to_string();
        bound.push(p.incident_from_json("gen.json", &json).unwrap());
        plain.push(pl);
    }
    (bound, plain)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum T {
    Yes,
    No,
    Unknown,
}
fn and(a: T, b: T) -> T {
    match (a, b) {
        (T::No, _) | (_, T::No) => T::No,
        (T::Yes, T::Yes) => T::Yes,
        _ => T::Unknown,
    }
}
fn or(a: T, b: T) -> T {
    match (a, b) {
        (T::Yes, _) | (_, T::Yes) => T::Yes,
        (T::No, T::No) => T::No,
        _ => T::Unknown,
    }
}
fn lift(x: Option<bool>) -> T {
    match x {
        Some(true) => T::Yes,
        Some(false) => T::No,
        None => T::Unknown,
    }
}

/// The hand-written evaluation: the same conditions in three-valued logic,
/// collecting matched and undetermined clause numbers.
fn hand_written(n: u32, inc: &Plain) -> (Vec<u32>, Vec<u32>) {
    let mut matched = Vec::new();
    let mut undetermined = Vec::new();
    for i in 0..n - 1 {
        let kind = lift(inc.kind.map(|k| k == i % KINDS));
        let level = lift(inc.level.map(|l| l >= i % 4));
        let mut t = and(kind, or(level, lift(inc.mass)));
        if i % 5 == 0 {
            t = and(t, lift(inc.people.map(|x| x > f64::from(i))));
        }
        match t {
            T::Yes => matched.push(i + 1),
            T::Unknown => undetermined.push(i + 1),
            T::No => {}
        }
    }
    (matched, undetermined)
}

/// The strongest hand-written baseline: the clauses' tests precomputed as
/// bit sets (clause `i` is bit `i`), so an incident is a few word-wide ANDs
/// and ORs in three-valued logic (a `yes` set and a `maybe` set).
struct Bits {
    words: usize,
    /// Clauses testing `失职 = k`, per k.
    kind: Vec<Vec<u64>>,
    /// Clauses whose level test `后果 >= L` holds at level l, per l.
    level: Vec<Vec<u64>>,
    /// Clauses with the `人数 > i` test, and their thresholds (ascending).
    extra: Vec<u64>,
    thresholds: Vec<(f64, usize)>,
    all: Vec<u64>,
}

impl Bits {
    fn new(n: u32) -> Bits {
        let words = (n as usize).div_ceil(64);
        let set = |v: &mut Vec<u64>, i: usize| v[i / 64] |= 1 << (i % 64);
        let mut b = Bits {
            words,
            kind: vec![vec![0; words]; KINDS as usize],
            level: vec![vec![0; words]; 4],
            extra: vec![0; words],
            thresholds: Vec::new(),
            all: vec![0; words],
        };
        for i in 0..(n - 1) as usize {
            set(&mut b.all, i);
            set(&mut b.kind[i % KINDS as usize], i);
            for l in (i % 4)..4 {
                set(&mut b.level[l], i);
            }
            if i % 5 == 0 {
                set(&mut b.extra, i);
                b.thresholds.push((i as f64, i));
            }
        }
        b
    }

    /// (matched, undetermined) clause numbers, as `hand_written` gives them.
    fn eval(&self, inc: &Plain) -> (Vec<u32>, Vec<u32>) {
        let w = self.words;
        let (mut yes, mut maybe) = (vec![0u64; w], vec![0u64; w]);
        for k in 0..w {
            // 失职 = k: known in every generated incident.
            let kind = inc.kind.map_or(self.all[k], |x| self.kind[x as usize][k]);
            // 后果 >= L or 群体性事件.
            let (lv_yes, lv_maybe) = match inc.level {
                Some(l) => (self.level[l as usize][k], 0),
                None => (0, self.all[k]),
            };
            let (m_yes, m_maybe) = match inc.mass {
                Some(true) => (self.all[k], 0),
                Some(false) => (0, 0),
                None => (0, self.all[k]),
            };
            let or_yes = lv_yes | m_yes;
            let or_maybe = (lv_maybe | m_maybe) & !or_yes;
            yes[k] = kind & or_yes;
            maybe[k] = kind & or_maybe;
        }
        // and 人数 > i, on the clauses that have it.
        for &(t, i) in &self.thresholds {
            let bit = 1u64 << (i % 64);
            let (word_yes, word_maybe) = (&mut yes[i / 64], &mut maybe[i / 64]);
            match inc.people {
                Some(x) if x > t => {}
                Some(_) => {
                    *word_yes &= !bit;
                    *word_maybe &= !bit;
                }
                None => {
                    *word_maybe |= *word_yes & bit;
                    *word_yes &= !bit;
                }
            }
        }
        let list = |v: &[u64]| {
            let mut out = Vec::new();
            for (k, word) in v.iter().enumerate() {
                let mut m = *word;
                while m != 0 {
                    out.push((k * 64 + m.trailing_zeros() as usize) as u32 + 1);
                    m &= m - 1;
                }
            }
            out
        };
        (list(&yes), list(&maybe))
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("triggers");
    for n in [40u32, 1000] {
        let p = policy(n);
        let (bound, plain) = incidents(&p, 10_000);
        // The engine and the hand-written code agree on every incident.
        for (b, pl) in bound.iter().zip(&plain) {
            let a = p.triggers(b, false).unwrap();
            let (m, u) = hand_written(n, pl);
            let got_m: Vec<String> = a.matched().iter().map(|s| s.to_string()).collect();
            let want_m: Vec<String> = m.iter().map(|i| format!("第八条 {i}")).collect();
            assert_eq!(got_m, want_m);
            let got_u = a
                .clauses
                .iter()
                .filter(|c| matches!(c.outcome, zeren::triggers::Outcome::Undetermined { .. }))
                .count();
            assert_eq!(got_u, u.len());
        }
        // The lean query and the bit-set baseline agree too.
        let bits = Bits::new(n);
        for (b, pl) in bound.iter().zip(&plain) {
            let m = p.matching(b).unwrap();
            let (want_m, want_u) = hand_written(n, pl);
            assert_eq!(bits.eval(pl), (want_m.clone(), want_u.clone()));
            let got_m: Vec<String> = m.matched.iter().map(|c| c.citation.to_string()).collect();
            let want_m: Vec<String> = want_m.iter().map(|i| format!("第八条 {i}")).collect();
            assert_eq!(got_m, want_m);
            assert_eq!(m.undetermined.len(), want_u.len());
        }
        let mut i = 0usize;
        g.bench_function(BenchmarkId::new("zeren-matching", n), |b| {
            b.iter(|| {
                i = (i + 1) % bound.len();
                black_box(p.matching(&bound[i]).unwrap())
            })
        });
        g.bench_function(BenchmarkId::new("bit-sets", n), |b| {
            b.iter(|| {
                i = (i + 1) % plain.len();
                black_box(bits.eval(black_box(&plain[i])))
            })
        });
        g.bench_function(BenchmarkId::new("zeren", n), |b| {
            b.iter(|| {
                i = (i + 1) % bound.len();
                black_box(p.triggers(&bound[i], false).unwrap())
            })
        });
        g.bench_function(BenchmarkId::new("hand-written", n), |b| {
            b.iter(|| {
                i = (i + 1) % plain.len();
                black_box(hand_written(n, black_box(&plain[i])))
            })
        });
    }
    g.finish();
}

/// Binding one incident of five facts (a one-of value, a level, a bool, a
/// number, a date): from an `Incident` built in Rust (`Policy::bind`, names
/// looked up and checked), and stated through the typed calls into a reused
/// incident (`reset` and five `set_*`, the handles looked up once).
fn bind(c: &mut Criterion) {
    let p = Policy::parse(
        "bind.zr",
        "scale 后果 { 不良影响 < 严重影响 < 恶劣影响 < 严重后果 }\n\
         fact 失职 one of { k0, k1, k2, k3, k4, k5, k6, k7, k8, k9 }\n\
         fact 后果 scale 后果\nfact 群体性事件 bool\nfact 人数 number\nfact 发现日 date\n\
         triggers per \"第八条\" { 1 \"x\" when 失职 = k3 and 后果 >= 严重影响 and 人数 > 3 }\n",
    )
    .unwrap();
    let date = zeren::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let found = zeren::NaiveDate::from_ymd_opt(2021, 2, 20).unwrap();
    let incident: zeren::incident::Incident = serde_json::from_value(serde_json::json!({
        "date": "2021-03-01",
        "facts": { "失职": "k3", "后果": "恶劣影响", "群体性事件": false, "人数": 30, "发现日": "2021-02-20" }
    }))
    .unwrap();
    let (kind, level, mass, people, day) = (
        p.fact("失职").unwrap(),
        p.fact("后果").unwrap(),
        p.fact("群体性事件").unwrap(),
        p.fact("人数").unwrap(),
        p.fact("发现日").unwrap(),
    );
    let (k3, bad) = (
        p.choice(kind, "k3").unwrap(),
        p.choice(level, "恶劣影响").unwrap(),
    );
    let mut typed = p.incident_on(date).unwrap();
    let state = |inc: &mut BoundIncident| {
        inc.reset(date).unwrap();
        inc.set_choice(k3).unwrap();
        inc.set_choice(bad).unwrap();
        inc.set_bool(mass, false).unwrap();
        inc.set_number(people, 30.0).unwrap();
        inc.set_date(day, found).unwrap();
    };
    // Both ways give the same incident.
    state(&mut typed);
    let bound = p.bind(&incident).unwrap();
    assert_eq!(
        serde_json::to_value(p.triggers(&typed, true).unwrap()).unwrap(),
        serde_json::to_value(p.triggers(&bound, true).unwrap()).unwrap()
    );
    let mut g = c.benchmark_group("bind");
    g.bench_function("Policy::bind, 5 facts", |b| {
        b.iter(|| black_box(p.bind(black_box(&incident)).unwrap()))
    });
    g.bench_function("typed, 5 facts", |b| {
        b.iter(|| {
            state(black_box(&mut typed));
            black_box(&typed);
        })
    });
    g.finish();
}

criterion_group!(benches, bench, bind);
criterion_main!(benches);
