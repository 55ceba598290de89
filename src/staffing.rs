//! Staffing: whether each unit (or matter) has the holders a staffing rule
//! asks for on a date — "明确 1 名分管领导和 1 名宣传员" (003-5 §9),
//! "每个网络阵地不少于 1 名网络评论员" (003-1 §7).
//!
//! The answer types; `eval` computes them.

use crate::compliance::Required;
use crate::who::Subject;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;
/// Whether a need is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Staffed {
    /// As many holders as needed.
    Ok,
    /// Fewer than needed.
    Short,
    /// More than allowed.
    Over,
}

/// One need of one subject on the date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffingRow<'p> {
    /// The article.
    pub citation: &'p str,
    /// The unit or matter.
    pub subject: Subject<'p>,
    /// The position.
    pub position: &'p str,
    /// Whether holders are counted by coverage of the subject.
    pub covering: bool,
    /// How many are needed.
    pub required: Required,
    /// Who counts, in declaration order.
    pub holders: Vec<&'p str>,
    /// The verdict.
    pub status: Staffed,
}

/// The answer to "is everyone staffed as the rules ask, on this date".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffingAnswer<'p> {
    /// The date.
    pub on: NaiveDate,
    /// By rule, subject and need.
    pub rows: Vec<StaffingRow<'p>>,
}

impl fmt::Display for StaffingAnswer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short = self.rows.iter().filter(|r| r.status != Staffed::Ok).count();
        writeln!(
            f,
            "staffing on {}: {} needs, {short} not met",
            self.on,
            self.rows.len()
        )?;
        for r in &self.rows {
            let status = match r.status {
                Staffed::Ok => "ok",
                Staffed::Short => "short",
                Staffed::Over => "over",
            };
            let name = match r.subject {
                Subject::Unit(n) | Subject::Matter(n) | Subject::MatterKind(n) => n,
            };
            writeln!(
                f,
                "  {status:<6} {name}: {} {}{} — {} [{}]",
                r.required,
                r.position,
                if r.covering { " covering" } else { "" },
                if r.holders.is_empty() {
                    "none".to_string()
                } else {
                    r.holders.join(", ")
                },
                r.citation
            )?;
        }
        Ok(())
    }
}
