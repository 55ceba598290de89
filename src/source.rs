//! The source map: the files of one compilation, a line index and
//! character marks for each, and the excerpts diagnostics show.
//!
//! Text files (`.zr`) are located by line and column; data built in code or
//! deserialized (org JSON, an `OrgSpec`) by the path of each item
//! (`units[1].under`), recorded as the data is read.

use crate::diag::{DiagKind, Diagnostic, Label, Location};
use serde::Serialize;
use std::sync::OnceLock;

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

/// A line of source text as a diagnostic shows it: long lines windowed
/// around the problem (`…` marks a cut), characters a terminal would
/// interpret spelled `<U+XXXX>`, and the byte range of the problem in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Excerpt {
    /// The text shown.
    pub text: String,
    /// Byte range of the problem in `text`.
    #[serde(skip)]
    pub(crate) range: (usize, usize),
}

impl Excerpt {
    /// The excerpt of `line` for the byte range `start..end` of it.
    pub(crate) fn of(line: &str, start: usize, end: usize) -> Excerpt {
        let line = line.trim_end_matches('\r');
        let start = start.min(line.len());
        let end = end.clamp(start, line.len());
        let (win_start, win_end) = window(line, start, end);
        let mut text = String::new();
        if win_start > 0 {
            text.push('…');
        }
        text.push_str(&visible(line.get(win_start..start).unwrap_or("")));
        let a = text.len();
        text.push_str(&visible(line.get(start..end.min(win_end)).unwrap_or("")));
        let b = text.len();
        text.push_str(&visible(
            line.get(end.min(win_end).max(start)..win_end).unwrap_or(""),
        ));
        if win_end < line.len() {
            text.push('…');
        }
        Excerpt {
            text,
            range: (a, b),
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

/// Where an item of structured data is — `units[1].under`,
/// `covers[0].targets[2]`, `matters[3].in-charge` — kept compact and
/// spelled out only when a problem is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DataPath {
    list: &'static str,
    index: usize,
    field: &'static str,
    sub: Option<usize>,
}

impl DataPath {
    /// `list[index].field` (no field when it is empty).
    pub(crate) fn new(list: &'static str, index: usize, field: &'static str) -> Self {
        DataPath {
            list,
            index,
            field,
            sub: None,
        }
    }

    /// The same item's `field`.
    pub(crate) fn field(self, field: &'static str) -> Self {
        DataPath { field, ..self }
    }

    /// Element `sub` of the field.
    pub(crate) fn at(self, sub: usize) -> Self {
        DataPath {
            sub: Some(sub),
            ..self
        }
    }
}

impl std::fmt::Display for DataPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}[{}]", self.list, self.index)?;
        if !self.field.is_empty() {
            write!(f, ".{}", self.field)?;
        }
        if let Some(sub) = self.sub {
            write!(f, "[{sub}]")?;
        }
        Ok(())
    }
}

/// Spacing of the character-count marks in a source file.
const MARK_BYTES: usize = 4096;

/// The source files of one compilation, by index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sources {
    files: Vec<SourceFile>,
}

#[derive(Debug, Clone)]
struct SourceFile {
    name: String,
    text: String,
    /// Built when a position in the file is first asked for: most files
    /// are compiled without one.
    lines: OnceLock<Lines>,
    /// For data: the path of each item; spans index this list.
    paths: Option<Vec<DataPath>>,
}

/// Where a text's lines start, and how many characters precede points in it.
#[derive(Debug, Clone)]
struct Lines {
    starts: Vec<usize>,
    /// `(byte offset, characters before it)` about every [`MARK_BYTES`]
    /// bytes, so a column is found without rescanning a long line.
    char_marks: Vec<(usize, usize)>,
}

impl Lines {
    fn of(text: &str) -> Lines {
        let mut starts = vec![0];
        let mut char_marks = vec![(0, 0)];
        let mut chars = 0usize;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i + 1);
            }
            // Not a UTF-8 continuation byte: a character starts here.
            if (b & 0xC0) != 0x80 {
                if i >= char_marks.last().map_or(0, |m| m.0) + MARK_BYTES {
                    char_marks.push((i, chars));
                }
                chars += 1;
            }
        }
        Lines { starts, char_marks }
    }

    /// Characters before byte `at` (a character boundary) of `text`: O(log
    /// n) to the nearest mark, then at most [`MARK_BYTES`] bytes counted.
    fn chars_before(&self, text: &str, at: usize) -> usize {
        let k = self.char_marks.partition_point(|m| m.0 <= at);
        let (mark, count) = self
            .char_marks
            .get(k.saturating_sub(1))
            .copied()
            .unwrap_or((0, 0));
        count + text.get(mark..at).map_or(0, |s| s.chars().count())
    }
}

impl SourceFile {
    fn lines(&self) -> &Lines {
        self.lines.get_or_init(|| Lines::of(&self.text))
    }
}

impl Sources {
    /// An empty set of sources.
    pub(crate) fn new() -> Self {
        Sources::default()
    }

    /// Adds a text file and returns its index.
    pub(crate) fn add(&mut self, name: &str, text: String) -> u32 {
        self.push(SourceFile {
            name: name.to_string(),
            text,
            lines: OnceLock::new(),
            paths: None,
        })
    }

    /// Adds data built in code or deserialized: `paths[i]` is where item
    /// `i` is (a span `i..i` in this file points at it).
    pub(crate) fn add_data(&mut self, name: &str, paths: Vec<DataPath>) -> u32 {
        self.push(SourceFile {
            name: name.to_string(),
            text: String::new(),
            lines: OnceLock::new(),
            paths: Some(paths),
        })
    }

    fn push(&mut self, file: SourceFile) -> u32 {
        self.files.push(file);
        u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX)
    }

    /// The index the next file added will get.
    pub(crate) fn next_id(&self) -> u32 {
        u32::try_from(self.files.len()).unwrap_or(u32::MAX)
    }

    /// The text of a file.
    pub(crate) fn text(&self, file: u32) -> &str {
        self.files
            .get(file as usize)
            .map(|f| f.text.as_str())
            .unwrap_or("")
    }

    /// The text a span covers.
    pub(crate) fn slice(&self, span: Span) -> &str {
        self.text(span.file)
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// Where a span is: a line, column and excerpt in a text file, or a
    /// path in data.
    pub(crate) fn locate(&self, span: Span) -> Location {
        let Some(file) = self.files.get(span.file as usize) else {
            return Location::File {
                file: "<unknown>".into(),
            };
        };
        if let Some(paths) = &file.paths {
            return Location::Data {
                file: file.name.clone(),
                path: paths
                    .get(span.start as usize)
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            };
        }
        let start = (span.start as usize).min(file.text.len());
        let lines = file.lines();
        let line_idx = match lines.starts.binary_search(&start) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = lines.starts.get(line_idx).copied().unwrap_or(0);
        let line_end = lines
            .starts
            .get(line_idx + 1)
            .map(|next| next - 1)
            .unwrap_or(file.text.len());
        let line_text = file.text.get(line_start..line_end).unwrap_or("");
        let end = (span.end as usize).max(start);
        let excerpt = Excerpt::of(
            line_text,
            start - line_start,
            end.min(line_end) - line_start,
        );
        Location::Text {
            file: file.name.clone(),
            line: line_idx + 1,
            column: lines
                .chars_before(&file.text, start)
                .saturating_sub(lines.chars_before(&file.text, line_start))
                + 1,
            excerpt,
        }
    }

    /// A label at a span.
    pub(crate) fn label(&self, span: Span, text: impl Into<String>) -> Label {
        Label {
            location: self.locate(span),
            text: text.into(),
        }
    }

    /// An error at a span.
    pub(crate) fn diag_span(
        &self,
        kind: DiagKind,
        span: Span,
        message: String,
        help: Option<String>,
    ) -> Diagnostic {
        Diagnostic::new(kind, message, self.label(span, ""), help)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_after_a_trailing_carriage_return_is_located() {
        // Found by fuzzing: the end of `org\r` lies past the shown line.
        let mut s = Sources::new();
        let f = s.add("0.zr", "org\r".into());
        let Location::Text {
            line,
            column,
            excerpt,
            ..
        } = s.locate(Span::new(f, 4, 4))
        else {
            unreachable!()
        };
        assert_eq!((line, column), (1, 5));
        assert_eq!(excerpt.text, "org");
    }

    #[test]
    fn columns_count_characters() {
        let mut s = Sources::new();
        let f = s.add("a.zr", "unit 机械 kind x\n".into());
        let Location::Text {
            line,
            column,
            excerpt,
            ..
        } = s.locate(Span::new(f, 5, 11))
        else {
            unreachable!()
        };
        assert_eq!((line, column), (1, 6));
        assert_eq!(excerpt.range, (5, 11));
    }

    #[test]
    fn data_is_located_by_path() {
        let mut s = Sources::new();
        let f = s.add_data(
            "org.json",
            vec![
                DataPath::new("units", 0, "name"),
                DataPath::new("units", 0, "under"),
            ],
        );
        assert_eq!(
            s.locate(Span::new(f, 1, 1)),
            Location::Data {
                file: "org.json".into(),
                path: "units[0].under".into()
            }
        );
    }
}
