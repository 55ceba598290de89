//! Calendar periods, computed from an anchor by index — never by repeated
//! addition — so month ends and leap years come out exact.
//!
//! Periods are numbered from 1900-01-01: the k-th month starts on the first
//! day of month `k` counted from January 1900; the k-th week starts `7k`
//! days after Monday 1900-01-01; years, half-years and quarters are 12, 6
//! and 3 months.

pub use crate::syntax::ast::PeriodKind;
use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;
use std::fmt;

const ANCHOR_YEAR: i32 = 1900;

fn anchor() -> NaiveDate {
    NaiveDate::from_ymd_opt(ANCHOR_YEAR, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn months(kind: PeriodKind) -> Option<i64> {
    match kind {
        PeriodKind::Year => Some(12),
        PeriodKind::HalfYear => Some(6),
        PeriodKind::Quarter => Some(3),
        PeriodKind::Month => Some(1),
        PeriodKind::Week | PeriodKind::Day => None,
    }
}

/// One period: its kind, index from the anchor, first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    /// The kind of period.
    pub kind: PeriodKind,
    /// Its index from 1900-01-01 (every date's periods have one within
    /// `i32`).
    pub index: i32,
    /// First day.
    pub start: NaiveDate,
    /// Last day (inclusive).
    pub end: NaiveDate,
}

impl Period {
    /// The period of `kind` that contains `date`.
    pub fn containing(kind: PeriodKind, date: NaiveDate) -> Period {
        let index = match months(kind) {
            Some(step) => {
                let m = i64::from(date.year() - ANCHOR_YEAR) * 12 + i64::from(date.month0());
                m.div_euclid(step)
            }
            None => {
                let days = (date - anchor()).num_days();
                if kind == PeriodKind::Week {
                    days.div_euclid(7)
                } else {
                    days
                }
            }
        };
        // (Every date's index is within `i32`: ±262,143 years of days.)
        let index = i32::try_from(index).unwrap_or(if index < 0 { i32::MIN } else { i32::MAX });
        Period::nth(kind, index).unwrap_or(Period {
            kind,
            index,
            start: date,
            end: date,
        })
    }

    /// The `index`-th period of `kind` from the anchor, when its days exist.
    pub fn nth(kind: PeriodKind, index: i32) -> Option<Period> {
        let start = start_of(kind, index)?;
        let end = start_of(kind, index.checked_add(1)?)?.pred_opt()?;
        Some(Period {
            kind,
            index,
            start,
            end,
        })
    }

    /// The next period.
    pub fn next(&self) -> Option<Period> {
        let index = self.index.checked_add(1)?;
        let start = self.end.succ_opt()?;
        let end = start_of(self.kind, index.checked_add(1)?)?.pred_opt()?;
        Some(Period {
            kind: self.kind,
            index,
            start,
            end,
        })
    }

    /// Whether `date` falls in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// The N-th day of the period (1-based), if the period has it.
    pub fn day(&self, n: u32) -> Option<NaiveDate> {
        let d = self
            .start
            .checked_add_days(Days::new(u64::from(n.checked_sub(1)?)))?;
        (d <= self.end).then_some(d)
    }
}

fn start_of(kind: PeriodKind, index: i32) -> Option<NaiveDate> {
    let index = i64::from(index);
    match months(kind) {
        Some(step) => {
            let m = index.checked_mul(step)?;
            let year = i32::try_from(m.div_euclid(12))
                .ok()?
                .checked_add(ANCHOR_YEAR)?;
            let month = u32::try_from(m.rem_euclid(12)).ok()? + 1;
            NaiveDate::from_ymd_opt(year, month, 1)
        }
        None => {
            let days = if kind == PeriodKind::Week {
                index.checked_mul(7)?
            } else {
                index
            };
            anchor().checked_add_signed(chrono::TimeDelta::try_days(days)?)
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let y = self.start.year();
        match self.kind {
            PeriodKind::Year => write!(f, "{y}"),
            PeriodKind::HalfYear => write!(f, "{y}-H{}", self.start.month0() / 6 + 1),
            PeriodKind::Quarter => write!(f, "{y}-Q{}", self.start.month0() / 3 + 1),
            PeriodKind::Month => write!(f, "{y}-{:02}", self.start.month()),
            PeriodKind::Week => {
                let w = self.start.iso_week();
                write!(f, "{}-W{:02}", w.year(), w.week())
            }
            PeriodKind::Day => write!(f, "{}", self.start),
        }
    }
}

/// A period's label as a JSON string, written without a `String`.
struct Label(Period);

impl Serialize for Label {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Period", 3)?;
        st.serialize_field("label", &Label(*self))?;
        st.serialize_field("start", &crate::dates::Iso(self.start))?;
        st.serialize_field("end", &crate::dates::Iso(self.end))?;
        st.end()
    }
}

/// Reads a period as written (`2019`, `2019-H1`, `2019-Q2`, `2019-05`,
/// `2019-W05`, `2019-05-01`), in a test or a log line's `for`.
pub(crate) fn parse(text: &str) -> Result<Period, String> {
    let bad = || format!("`{text}` is not a period");
    let mut parts = text.split('-');
    let year_text = parts.next().unwrap_or("");
    if year_text.len() != 4 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let year: i32 = year_text.parse().map_err(|_| bad())?;
    if !(crate::limits::MIN_YEAR..=crate::limits::MAX_YEAR).contains(&year) {
        return Err(format!(
            "the year {year} is outside the years {}–{} that zeren accepts",
            crate::limits::MIN_YEAR,
            crate::limits::MAX_YEAR
        ));
    }
    let first = |m: u32| NaiveDate::from_ymd_opt(year, m, 1).ok_or_else(bad);
    let number = |s: &str, lo: u32, hi: u32| -> Result<u32, String> {
        let n: u32 = s.parse().map_err(|_| bad())?;
        if (lo..=hi).contains(&n) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(n)
        } else {
            Err(bad())
        }
    };
    match (parts.next(), parts.next()) {
        (None, _) => Ok(Period::containing(PeriodKind::Year, first(1)?)),
        (Some(p), None) => {
            if let Some(h) = p.strip_prefix('H') {
                let h = number(h, 1, 2)?;
                Ok(Period::containing(PeriodKind::HalfYear, first(h * 6 - 5)?))
            } else if let Some(q) = p.strip_prefix('Q') {
                let q = number(q, 1, 4)?;
                Ok(Period::containing(PeriodKind::Quarter, first(q * 3 - 2)?))
            } else if let Some(w) = p.strip_prefix('W') {
                let w = if w.len() == 2 {
                    number(w, 1, 53)?
                } else {
                    return Err(bad());
                };
                let monday = NaiveDate::from_isoywd_opt(year, w, chrono::Weekday::Mon)
                    .ok_or_else(|| format!("{year} has no ISO week {w}"))?;
                Ok(Period::containing(PeriodKind::Week, monday))
            } else if p.len() == 2 {
                Ok(Period::containing(
                    PeriodKind::Month,
                    first(number(p, 1, 12)?)?,
                ))
            } else {
                Err(bad())
            }
        }
        (Some(_), Some(_)) => {
            let d = crate::dates::parse_date(text).map_err(|(m, _)| m)?;
            Ok(Period::containing(PeriodKind::Day, d))
        }
    }
}

/// A period kind in words, as the language writes it.
pub(crate) fn kind_word(k: PeriodKind) -> &'static str {
    match k {
        PeriodKind::Year => "year",
        PeriodKind::HalfYear => "half-year",
        PeriodKind::Quarter => "quarter",
        PeriodKind::Month => "month",
        PeriodKind::Week => "week",
        PeriodKind::Day => "day",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_at_month_ends_and_leap_years() -> Result<(), chrono::ParseError> {
        let d = |s: &str| s.parse::<NaiveDate>();
        let q = Period::containing(PeriodKind::Quarter, d("2020-02-29")?);
        assert_eq!((q.start, q.end), (d("2020-01-01")?, d("2020-03-31")?));
        let h = Period::containing(PeriodKind::HalfYear, d("2019-07-01")?);
        assert_eq!(
            (h.start, h.end, h.to_string()),
            (d("2019-07-01")?, d("2019-12-31")?, "2019-H2".into())
        );
        let m = Period::containing(PeriodKind::Month, d("2100-02-15")?);
        assert_eq!(m.end, d("2100-02-28")?, "2100 is not a leap year");
        let w = Period::containing(PeriodKind::Week, d("2021-01-03")?);
        assert_eq!((w.start, w.end), (d("2020-12-28")?, d("2021-01-03")?));
        assert_eq!(w.to_string(), "2020-W53");
        let before = Period::containing(PeriodKind::Month, d("1899-12-31")?);
        assert_eq!((before.start, before.index), (d("1899-12-01")?, -1));
        Ok(())
    }
}
