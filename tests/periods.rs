//! Period arithmetic against a naive day-by-day reference.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use zeren::period::{Period, PeriodKind};

const KINDS: [PeriodKind; 6] = [
    PeriodKind::Year,
    PeriodKind::HalfYear,
    PeriodKind::Quarter,
    PeriodKind::Month,
    PeriodKind::Week,
    PeriodKind::Day,
];

/// The calendar fields that name a date's period.
fn key(kind: PeriodKind, d: NaiveDate) -> (i32, u32) {
    match kind {
        PeriodKind::Year => (d.year(), 0),
        PeriodKind::HalfYear => (d.year(), d.month0() / 6),
        PeriodKind::Quarter => (d.year(), d.month0() / 3),
        PeriodKind::Month => (d.year(), d.month0()),
        PeriodKind::Week => (d.iso_week().year(), d.iso_week().week()),
        PeriodKind::Day => (d.year(), d.ordinal()),
    }
}

/// First and last day of `d`'s period, found by walking one day at a time.
fn naive(kind: PeriodKind, d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let k = key(kind, d);
    let mut start = d;
    while let Some(p) = start.pred_opt().filter(|p| key(kind, *p) == k) {
        start = p;
    }
    let mut end = d;
    while let Some(n) = end.succ_opt().filter(|n| key(kind, *n) == k) {
        end = n;
    }
    (start, end)
}

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::TimeDelta::days(offset)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn periods_match_the_day_by_day_reference(offset in 0i64..109_500, k in 0usize..6) {
        let kind = KINDS[k];
        let d = day(offset);
        let p = Period::containing(kind, d);
        prop_assert_eq!((p.start, p.end), naive(kind, d), "{:?} {}", kind, d);
        prop_assert!(p.contains(d));
        // The k-th period is computed from the anchor: the next one starts the day after.
        let next = p.next().unwrap();
        prop_assert_eq!(next.start, p.end.succ_opt().unwrap());
        prop_assert_eq!(Period::nth(kind, p.index).unwrap(), p);
    }

    #[test]
    fn far_apart_periods_agree_with_the_reference(a in 0i64..109_500, b in 0i64..109_500, k in 0usize..6) {
        // Jumping straight to the k-th period gives what walking would.
        let kind = KINDS[k];
        let (pa, pb) = (Period::containing(kind, day(a)), Period::containing(kind, day(b)));
        let jumped = Period::nth(kind, pb.index).unwrap();
        prop_assert_eq!(jumped, pb);
        prop_assert_eq!(pa.index.cmp(&pb.index), pa.start.cmp(&pb.start));
    }
}

#[test]
fn month_ends_and_leap_days() {
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    for (date, end) in [
        ("2019-02-10", "2019-02-28"),
        ("2020-02-10", "2020-02-29"),
        ("2000-02-01", "2000-02-29"),
        ("1900-02-01", "1900-02-28"),
    ] {
        assert_eq!(
            Period::containing(PeriodKind::Month, d(date)).end,
            d(end),
            "{date}"
        );
    }
    let h = Period::containing(PeriodKind::HalfYear, d("2020-06-30"));
    assert_eq!((h.start, h.end), (d("2020-01-01"), d("2020-06-30")));
    assert_eq!(
        Period::containing(PeriodKind::Quarter, d("2019-12-31")).to_string(),
        "2019-Q4"
    );
}
