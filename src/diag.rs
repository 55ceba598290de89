//! Diagnostics: one error type for every phase, rendered with the source
//! line and a caret.
//!
//! Style: a message says what is wrong in the policy author's words, names
//! the offending text in backticks, and does not end with a full stop. The
//! help says what would be accepted.

use serde::Serialize;
use std::fmt;

/// A compact byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    /// Index of the file in the [`Sources`] it came from.
    pub file: u32,
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// A span covering `start..end` in `file`.
    pub fn new(file: u32, start: usize, end: usize) -> Self {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }
}

/// What kind of problem a diagnostic reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DiagKind {
    /// The text does not follow the grammar.
    Syntax,
    /// A character that is never accepted (bidi controls, zero-width characters).
    ForbiddenChar,
    /// An input limit was exceeded.
    Limit,
    /// A date that does not exist or is out of range.
    InvalidDate,
    /// A name that was never declared.
    UnknownName,
    /// A name declared twice.
    Duplicate,
    /// A unit that is (indirectly) under itself.
    Cycle,
    /// Two people hold a single-holder position on the same day.
    Overlap,
    /// Something declared in a way that cannot hold (an interval that ends
    /// before it starts, a missing declaration).
    Invalid,
    /// Values of different types compared or combined.
    Type,
    /// Malformed data (JSON) read by the crate.
    Data,
    /// A file could not be read.
    Io,
    /// (warning) A declared duty that no rule gives anyone.
    Unassigned,
    /// (warning) One position given two different duties in one scope.
    Conflict,
    /// (warning) A trigger clause whose condition can never hold.
    NeverMatches,
}

impl DiagKind {
    fn label(self) -> &'static str {
        match self {
            DiagKind::Syntax => "syntax",
            DiagKind::ForbiddenChar => "forbidden-char",
            DiagKind::Limit => "limit",
            DiagKind::InvalidDate => "invalid-date",
            DiagKind::UnknownName => "unknown-name",
            DiagKind::Duplicate => "duplicate",
            DiagKind::Cycle => "cycle",
            DiagKind::Overlap => "overlap",
            DiagKind::Invalid => "invalid",
            DiagKind::Type => "type",
            DiagKind::Data => "data",
            DiagKind::Io => "io",
            DiagKind::Unassigned => "unassigned",
            DiagKind::Conflict => "conflict",
            DiagKind::NeverMatches => "never-matches",
        }
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The input is rejected.
    #[default]
    Error,
    /// The input is accepted, but probably not what the author meant.
    Warning,
}

/// One problem found in the input, with its location resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// An error (the input is rejected) or a warning (it is accepted).
    pub severity: Severity,
    /// What kind of problem.
    pub kind: DiagKind,
    /// What is wrong.
    pub message: String,
    /// The file (or data source) the problem is in.
    pub file: String,
    /// 1-based line; 0 when the source is data without lines.
    pub line: usize,
    /// 1-based column in characters; 0 when the source is data without lines.
    pub column: usize,
    /// For data built in code or deserialized: the path to the bad item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The source line containing the problem.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub snippet: String,
    /// Display width (terminal columns) before the caret, and its width.
    #[serde(skip)]
    caret: (usize, usize),
    /// What would be accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic not tied to any source text (for example an I/O error).
    pub fn detached(kind: DiagKind, file: &str, message: String, help: Option<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            kind,
            message,
            file: file.to_string(),
            line: 0,
            column: 0,
            path: None,
            snippet: String::new(),
            caret: (0, 0),
            help,
        }
    }

    /// A diagnostic at a given line and column of a text that is not held
    /// in a [`Sources`] (JSON lines, incident files).
    pub fn at_line(
        kind: DiagKind,
        file: &str,
        text_line: &str,
        line: usize,
        column: usize,
        message: String,
        help: Option<String>,
    ) -> Self {
        // Long lines (a whole JSON document on one line) are shown as a
        // window around the column, like policy text.
        let text_line = text_line.trim_end_matches('\r');
        let start = text_line
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(text_line.len(), |(i, _)| i);
        let (win_start, win_end) = window(text_line, start, start);
        let mut snippet = String::new();
        if win_start > 0 {
            snippet.push('…');
        }
        let before = format!(
            "{snippet}{}",
            visible(text_line.get(win_start..start).unwrap_or(""))
        );
        snippet.push_str(&visible(text_line.get(win_start..win_end).unwrap_or("")));
        if win_end < text_line.len() {
            snippet.push('…');
        }
        Diagnostic {
            severity: Severity::Error,
            kind,
            message,
            file: file.to_string(),
            line,
            column,
            path: None,
            snippet,
            caret: (display_width(&before), 1),
            help,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{level}[{}]: {}", self.kind.label(), self.message)?;
        if self.line > 0 {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            writeln!(f, "{pad}--> {}:{}:{}", self.file, self.line, self.column)?;
            writeln!(f, "{pad} |")?;
            writeln!(f, "{num} | {}", self.snippet)?;
            writeln!(
                f,
                "{pad} | {}{}",
                " ".repeat(self.caret.0),
                "^".repeat(self.caret.1.max(1))
            )?;
            if let Some(help) = &self.help {
                writeln!(f, "{pad} = help: {help}")?;
            }
        } else {
            match &self.path {
                Some(path) => writeln!(f, "  --> {}: {}", self.file, path)?,
                None => writeln!(f, "  --> {}", self.file)?,
            }
            if let Some(help) = &self.help {
                writeln!(f, "   = help: {help}")?;
            }
        }
        Ok(())
    }
}

/// Appends one diagnostic saying how many more problems were found but not
/// listed (each list stops at [`crate::limits::MAX_DIAGNOSTICS`]).
pub(crate) fn note_omitted(list: &mut Vec<Diagnostic>, omitted: usize, severity: Severity) {
    if omitted == 0 {
        return;
    }
    let what = match (severity, omitted) {
        (Severity::Error, 1) => "error",
        (Severity::Error, _) => "errors",
        (Severity::Warning, 1) => "warning",
        (Severity::Warning, _) => "warnings",
    };
    let file = list.last().map(|d| d.file.clone()).unwrap_or_default();
    let mut d = Diagnostic::detached(
        DiagKind::Limit,
        &file,
        format!(
            "{omitted} more {what} not shown (at most {} are listed)",
            crate::limits::MAX_DIAGNOSTICS
        ),
        Some("fix the problems above and check again".into()),
    );
    d.severity = severity;
    list.push(d);
}

/// Every problem found in the input, in source order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// True when no problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Number of problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// The problems, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        let errors = self
            .0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = self.0.len() - errors;
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        match (errors, warnings) {
            (_, 0) => write!(f, "\n{}", plural(errors, "error")),
            (0, _) => write!(f, "\n{}", plural(warnings, "warning")),
            _ => write!(
                f,
                "\n{}, {}",
                plural(errors, "error"),
                plural(warnings, "warning")
            ),
        }
    }
}

/// The byte range of `line` to show: all of it when short, else about 40
/// characters before the problem and 80 after, on character boundaries.
fn window(line: &str, start: usize, end: usize) -> (usize, usize) {
    const LONG: usize = 160;
    // A char takes at most 4 bytes: only lines of 160..640 bytes need counting.
    if line.len() <= LONG || (line.len() <= 4 * LONG && line.chars().count() <= LONG) {
        return (0, line.len());
    }
    let back = line
        .get(..start)
        .map(|b| b.char_indices().rev().nth(39).map(|(i, _)| i).unwrap_or(0))
        .unwrap_or(0);
    let fwd_from = end.max(start);
    let fwd = line
        .get(fwd_from..)
        .map(|a| {
            a.char_indices()
                .nth(80)
                .map(|(i, _)| fwd_from + i)
                .unwrap_or(line.len())
        })
        .unwrap_or(line.len());
    (back, fwd)
}

/// The text with every character a terminal would interpret (controls,
/// bidi controls, zero-width) spelled out as `<U+XXXX>`, so a snippet shows
/// what the parser saw.
fn visible(s: &str) -> String {
    crate::text::escaped(s).into_owned()
}

/// Terminal display width of a string: East Asian wide characters take two
/// columns, so the caret lands under Chinese text.
pub(crate) fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let cp = c as u32;
    let wide = matches!(cp,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF |
        0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

/// Spacing of the character-count marks in a source file.
const MARK_BYTES: usize = 4096;

impl SourceFile {
    /// Characters before byte `at` (a character boundary): O(log n) to the
    /// nearest mark, then at most [`MARK_BYTES`] bytes counted.
    fn chars_before(&self, at: usize) -> usize {
        let k = self.char_marks.partition_point(|m| m.0 <= at);
        let (mark, count) = self
            .char_marks
            .get(k.saturating_sub(1))
            .copied()
            .unwrap_or((0, 0));
        count + self.text.get(mark..at).map_or(0, |s| s.chars().count())
    }
}

/// The source files of one compilation, by index.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

#[derive(Debug, Clone)]
struct SourceFile {
    name: String,
    text: String,
    line_starts: Vec<usize>,
    /// `(byte offset, characters before it)` about every [`MARK_BYTES`]
    /// bytes, so a column is found without rescanning a long line.
    char_marks: Vec<(usize, usize)>,
    /// Synthetic `path = value` lines standing for data built in code.
    data: bool,
}

impl Sources {
    /// An empty set of sources.
    pub fn new() -> Self {
        Sources::default()
    }

    /// Adds a file and returns its index.
    pub fn add(&mut self, name: &str, text: String) -> u32 {
        self.push(name, text, false)
    }

    /// Adds synthetic `path = value` lines standing for data built in code
    /// or deserialized; diagnostics in it are reported by path.
    pub(crate) fn add_data(&mut self, name: &str, text: String) -> u32 {
        self.push(name, text, true)
    }

    fn push(&mut self, name: &str, text: String, data: bool) -> u32 {
        let mut line_starts = vec![0];
        let mut char_marks = vec![(0, 0)];
        let mut chars = 0usize;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
            }
            // Not a UTF-8 continuation byte: a character starts here.
            if (b & 0xC0) != 0x80 {
                if i >= char_marks.last().map_or(0, |m| m.0) + MARK_BYTES {
                    char_marks.push((i, chars));
                }
                chars += 1;
            }
        }
        self.files.push(SourceFile {
            name: name.to_string(),
            text,
            line_starts,
            char_marks,
            data,
        });
        u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX)
    }

    /// The text of a file.
    pub fn text(&self, file: u32) -> &str {
        self.files
            .get(file as usize)
            .map(|f| f.text.as_str())
            .unwrap_or("")
    }

    /// The name of a file.
    pub fn name(&self, file: u32) -> &str {
        self.files
            .get(file as usize)
            .map(|f| f.name.as_str())
            .unwrap_or("<unknown>")
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.text(span.file)
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    pub(crate) fn diag_span(
        &self,
        kind: DiagKind,
        span: Span,
        message: String,
        help: Option<String>,
    ) -> Diagnostic {
        let Some(file) = self.files.get(span.file as usize) else {
            return Diagnostic::detached(kind, "<unknown>", message, help);
        };
        let start = (span.start as usize).min(file.text.len());
        let line_idx = match file.line_starts.binary_search(&start) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = file.line_starts.get(line_idx).copied().unwrap_or(0);
        let line_end = file
            .line_starts
            .get(line_idx + 1)
            .map(|next| next - 1)
            .unwrap_or(file.text.len());
        let line_text = file
            .text
            .get(line_start..line_end)
            .unwrap_or("")
            .trim_end_matches('\r');
        // A span may start past the shown text (after a trailing CR).
        let end = (span.end as usize).clamp(start, (line_start + line_text.len()).max(start));
        // Long lines are shown as a window around the problem.
        let (win_start, win_end) = window(line_text, start - line_start, end - line_start);
        let mut snippet = String::new();
        if win_start > 0 {
            snippet.push('…');
        }
        let before = format!(
            "{snippet}{}",
            visible(file.text.get(line_start + win_start..start).unwrap_or(""))
        );
        let covered = visible(
            file.text
                .get(start..end.min(line_start + win_end))
                .unwrap_or(""),
        );
        snippet.push_str(&visible(line_text.get(win_start..win_end).unwrap_or("")));
        if win_end < line_text.len() {
            snippet.push('…');
        }
        if file.data {
            let path = line_text.split(" = ").next().unwrap_or("").to_string();
            return Diagnostic {
                severity: Severity::Error,
                kind,
                message,
                file: file.name.clone(),
                line: 0,
                column: 0,
                path: Some(path),
                snippet: String::new(),
                caret: (0, 0),
                help,
            };
        }
        Diagnostic {
            severity: Severity::Error,
            kind,
            message,
            file: file.name.clone(),
            line: line_idx + 1,
            column: file
                .chars_before(start)
                .saturating_sub(file.chars_before(line_start))
                + 1,
            path: None,
            snippet,
            caret: (display_width(&before), display_width(&covered).max(1)),
            help,
        }
    }
}

/// The closest name to `wanted` among `candidates`, if one is close enough
/// to be a likely misspelling (at most half its characters differ).
///
/// Bounded work: a name longer than [`crate::limits::MAX_NAME_CHARS`] gets no
/// suggestion, candidates whose length alone rules them out are skipped, and
/// each distance stops once it exceeds the best found so far.
pub(crate) fn closest<'a, I>(wanted: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted: Vec<char> = wanted.chars().collect();
    if wanted.len() > crate::limits::MAX_NAME_CHARS {
        return None;
    }
    let mut limit = (wanted.len() / 2).max(1);
    let mut best: Option<(usize, &str)> = None;
    let mut row = Vec::new();
    let mut prev = Vec::new();
    for c in candidates {
        // Byte length bounds character count: skip without decoding when
        // even the shortest reading is too long or too short.
        if c.len() > 4 * (wanted.len() + limit) || c.len() + limit < wanted.len() {
            continue;
        }
        let n = c.chars().count();
        if n.abs_diff(wanted.len()) > limit {
            continue;
        }
        if let Some(d) = bounded_distance(&wanted, c, limit, &mut prev, &mut row) {
            let better = match best {
                None => true,
                Some((bd, bc)) => d < bd || (d == bd && c < bc),
            };
            if better {
                best = Some((d, c));
                limit = d;
            }
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance over characters, or `None` once every entry of a
/// row exceeds `limit` (the distance can only grow from there).
fn bounded_distance(
    a: &[char],
    b: &str,
    limit: usize,
    prev: &mut Vec<usize>,
    cur: &mut Vec<usize>,
) -> Option<usize> {
    let b: Vec<char> = b.chars().collect();
    prev.clear();
    prev.extend(0..=b.len());
    cur.clear();
    cur.resize(b.len() + 1, 0);
    for (i, ca) in a.iter().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        let mut row_min = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            let v = sub.min(del).min(ins);
            row_min = row_min.min(v);
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = v;
            }
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(prev, cur);
    }
    prev.last().copied().filter(|d| *d <= limit)
}

#[cfg(test)]
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    bounded_distance(&a, b, usize::MAX / 2, &mut Vec::new(), &mut Vec::new()).unwrap_or(usize::MAX)
}

/// A help line suggesting the closest declared name, or listing what is declared.
pub(crate) fn suggest<'a, I>(wanted: &str, what: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str> + Clone,
{
    if let Some(c) = closest(wanted, candidates.clone()) {
        return format!("did you mean `{c}`?");
    }
    // The distinct names, counted, and the first few in order: O(n), not a
    // sort of every declared name.
    let mut distinct = std::collections::HashSet::new();
    let mut first: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for c in candidates {
        if distinct.insert(c) {
            first.insert(c);
            if first.len() > 8 {
                first.pop_last();
            }
        }
    }
    let all: Vec<&str> = first.into_iter().collect();
    if all.is_empty() {
        format!("no {what} is declared; declare it first")
    } else if distinct.len() <= 8 {
        format!("declared {what}s: {}", all.join(", "))
    } else {
        format!(
            "declare it, or use one of the {} declared {what}s (e.g. {})",
            distinct.len(),
            all.iter().take(5).copied().collect::<Vec<_>>().join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_chinese_characters() {
        assert_eq!(edit_distance("书记", "书纪"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(closest("书纪", ["校长", "书记"]), Some("书记"));
        assert_eq!(closest("宣传部", ["教务处"]), None);
    }

    #[test]
    fn a_span_after_a_trailing_carriage_return_is_located() {
        // Found by fuzzing: the end of `org\r` lies past the shown line.
        let mut s = Sources::new();
        let f = s.add("0.zr", "org\r".into());
        let d = s.diag_span(DiagKind::Syntax, Span::new(f, 4, 4), "m".into(), None);
        assert_eq!((d.line, d.column), (1, 5));
        assert_eq!(d.snippet, "org");
    }

    #[test]
    fn caret_is_placed_by_display_width() {
        let mut s = Sources::new();
        let f = s.add("a.zr", "unit 机械 kind x\n".into());
        let d = s.diag_span(DiagKind::Syntax, Span::new(f, 5, 11), "m".into(), None);
        assert_eq!((d.line, d.column), (1, 6));
        assert_eq!(d.caret, (5, 4));
    }
}
