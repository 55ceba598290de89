//! Dates and times as every input format writes them: exactly
//! `YYYY-MM-DD`, and `YYYY-MM-DDTHH:MM[:SS]` where a time of day is allowed.
//!
//! The same checks and messages apply to policy files, org JSON, incidents,
//! event logs, CLI arguments and library calls: no sign, no extra digits,
//! a day that exists, a year within [`limits::MIN_YEAR`]..=[`limits::MAX_YEAR`].

use crate::limits;
use chrono::{Datelike, NaiveDate, NaiveTime};

/// What is wrong with a date, and what would be accepted.
pub(crate) type DateError = (String, String);

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses exactly `YYYY-MM-DD`, checking that the day exists and the year is
/// in range. On failure returns a message and a help text.
pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, DateError> {
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let nums = if shape {
        (|| {
            Some((
                i32::try_from(digits(text.get(0..4)?)?).ok()?,
                digits(text.get(5..7)?)?,
                digits(text.get(8..10)?)?,
            ))
        })()
    } else {
        None
    };
    let Some((y, m, d)) = nums else {
        return Err((
            format!("`{}` is not a date", crate::text::escaped(text)),
            "write a date as YYYY-MM-DD (four-digit year, two-digit month and day), e.g. 2018-11-08"
                .into(),
        ));
    };
    if !(limits::MIN_YEAR..=limits::MAX_YEAR).contains(&y) {
        return Err((
            format!("the year {y} in `{text}` is out of range"),
            format!(
                "years from {} to {} are accepted",
                limits::MIN_YEAR,
                limits::MAX_YEAR
            ),
        ));
    }
    if !(1..=12).contains(&m) {
        return Err((
            format!("`{text}` has no month {m}"),
            "months run from 1 to 12".into(),
        ));
    }
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => Ok(date),
        None => {
            let last = last_day_of_month(y, m);
            Err((
                format!("`{text}` is not a date: {y}-{m:02} has no day {d}"),
                format!("the last day of {y}-{m:02} is {y}-{m:02}-{last:02}"),
            ))
        }
    }
}

/// Parses exactly `HH:MM` or `HH:MM:SS` (24-hour clock).
fn parse_time(text: &str) -> Result<NaiveTime, DateError> {
    let bad = || {
        (
            format!("`{}` is not a time of day", crate::text::escaped(text)),
            "write the time as HH:MM or HH:MM:SS, e.g. 2019-03-05T14:30".to_string(),
        )
    };
    let parts: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.len() != 2) {
        return Err(bad());
    }
    let mut nums = parts.iter().map(|p| digits(p));
    let h = nums.next().flatten().ok_or_else(bad)?;
    let m = nums.next().flatten().ok_or_else(bad)?;
    let s = match nums.next() {
        Some(s) => s.ok_or_else(bad)?,
        None => 0,
    };
    NaiveTime::from_hms_opt(h, m, s).ok_or_else(bad)
}

/// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]` (a space may stand for `T`).
pub(crate) fn parse_when(text: &str) -> Result<(NaiveDate, Option<NaiveTime>), DateError> {
    match text.find(['T', ' ']) {
        Some(i) => {
            let date = parse_date(text.get(..i).unwrap_or(""))?;
            let time = parse_time(text.get(i + 1..).unwrap_or(""))?;
            Ok((date, Some(time)))
        }
        None => Ok((parse_date(text)?, None)),
    }
}

fn last_day_of_month(y: i32, m: u32) -> u32 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .map(|d| d.day())
        .unwrap_or(28)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_shape_is_a_date() {
        assert!(parse_date("2021-06-01").is_ok());
        for bad in [
            "+2021-06-01",
            "002021-06-01",
            "2021-6-01",
            "2021-06-1",
            "2021-06-01 ",
            " 2021-06-01",
            "２０２１-06-01",
            "-2021-06-01",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert!(parse_date("2019-02-29").is_err());
        assert!(parse_date("1899-12-31").is_err());
    }

    #[test]
    fn times_are_two_digit_fields() {
        assert!(parse_when("2019-03-05T14:30").is_ok());
        assert!(parse_when("2019-03-05 14:30:59").is_ok());
        for bad in [
            "2019-03-05T4:30",
            "2019-03-05T14:30:5",
            "2019-03-05T+4:30",
            "2019-03-05T24:00",
            "2019-03-05T",
        ] {
            assert!(parse_when(bad).is_err(), "{bad}");
        }
    }
}

/// A date as JSON writes it, `YYYY-MM-DD`, made without formatting
/// machinery: answers of a million rows write several dates a row. Years
/// outside 0–9999 are written as chrono writes them.
pub(crate) fn serialize<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    let text = iso_digits(*d);
    match text.as_ref().and_then(|t| std::str::from_utf8(t).ok()) {
        Some(t) => s.serialize_str(t),
        None => serde::Serialize::serialize(d, s),
    }
}

/// `YYYY-MM-DD` for a year in 0–9999.
fn iso_digits(d: NaiveDate) -> Option<[u8; 10]> {
    let (y, m, day) = (u32::try_from(d.year()).ok()?, d.month(), d.day());
    if y > 9999 {
        return None;
    }
    let digit = |n: u32| b'0' + u8::try_from(n % 10).unwrap_or(0);
    Some([
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(day / 10),
        digit(day),
    ])
}

/// A date serialised by [`serialize`].
pub(crate) struct Iso(pub NaiveDate);

impl std::fmt::Display for Iso {
    /// As chrono displays a date, without its formatting machinery.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match iso_digits(self.0)
            .as_ref()
            .and_then(|t| std::str::from_utf8(t).ok())
        {
            Some(t) => f.pad(t),
            None => std::fmt::Display::fmt(&self.0, f),
        }
    }
}

impl serde::Serialize for Iso {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize(&self.0, s)
    }
}

#[cfg(test)]
mod iso_tests {
    use super::*;

    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        for (y, m, d) in [
            (2021, 12, 31),
            (1900, 1, 1),
            (9999, 12, 31),
            (0, 1, 1),
            (10000, 1, 1),
            (-1, 3, 4),
            (205, 7, 9),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
            let ours = serde_json::to_string(&Iso(date)).unwrap_or_default();
            let theirs = serde_json::to_string(&date).unwrap_or_default();
            assert_eq!(ours, theirs, "{date:?}");
            assert_eq!(Iso(date).to_string(), date.to_string(), "{date:?}");
        }
    }
}
