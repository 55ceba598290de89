//! Positions: byte offsets in a document and LSP positions in the encoding
//! the client negotiated (UTF-16 code units by default, or UTF-8 bytes, or
//! UTF-32 characters).
//!
//! LSP lines end at LF, CRLF or a lone CR. zeren's own diagnostics count
//! lines by LF only and columns in characters; [`crate_offset`] reads them.

use lsp_types::{Position, PositionEncodingKind, Range};

/// How the client counts the `character` of a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Bytes of UTF-8.
    Utf8,
    /// Code units of UTF-16 (the LSP default).
    #[default]
    Utf16,
    /// Characters (Unicode scalar values).
    Utf32,
}

impl Encoding {
    /// The first encoding the client offers that the server supports, in
    /// the client's order of preference; UTF-16 when it offers none.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        offered
            .unwrap_or(&[])
            .iter()
            .find_map(|k| match k.as_str() {
                "utf-8" => Some(Encoding::Utf8),
                "utf-16" => Some(Encoding::Utf16),
                "utf-32" => Some(Encoding::Utf32),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The encoding as LSP names it.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// Where each LSP line of a text starts.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineIndex {
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`: lines end at LF, CRLF or a lone CR.
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            match b {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
        }
        LineIndex { starts }
    }

    /// Number of lines (at least 1).
    #[cfg(test)]
    pub(crate) fn lines(&self) -> usize {
        self.starts.len()
    }

    /// The byte range of line `line` without its line end.
    fn line_range(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.starts.get(line).copied().unwrap_or(text.len());
        let mut end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(text.len())
            .min(text.len());
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        (start, end.max(start))
    }

    /// The LSP position of byte `offset` (rounded down to a character
    /// boundary, clamped to the text).
    pub(crate) fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let (start, end) = self.line_range(text, line);
        let upto = offset.clamp(start, end);
        let character = text
            .get(start..upto)
            .map_or(0, |s| s.chars().map(|c| enc.units(c)).sum::<usize>());
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }

    /// The LSP range of bytes `start..end`.
    pub(crate) fn range(&self, text: &str, start: usize, end: usize, enc: Encoding) -> Range {
        Range {
            start: self.position(text, start, enc),
            end: self.position(text, end.max(start), enc),
        }
    }

    /// The byte offset of an LSP position. Out-of-range positions are
    /// clamped: a line past the end is the end of the text, a character
    /// past the end of its line is the line's end, and a position inside
    /// a character (the middle of a surrogate pair) is its start.
    pub(crate) fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let (start, end) = self.line_range(text, line);
        let want = pos.character as usize;
        let mut units = 0;
        for (i, c) in text.get(start..end).unwrap_or("").char_indices() {
            let next = units + enc.units(c);
            if next > want {
                return start + i;
            }
            units = next;
        }
        end
    }
}

/// The byte offset of a place zeren's diagnostics name: a 1-based line
/// counted by LF and a 1-based column in characters (clamped to the line).
pub(crate) fn crate_offset(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    if line > 1 {
        match text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1) {
            Some(s) => start = s,
            None => return text.len(),
        }
    }
    let rest = text.get(start..).unwrap_or("");
    let line_text = rest.split('\n').next().unwrap_or("");
    line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(start + line_text.len(), |(i, _)| start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caret_after_a_chinese_name_lands_on_its_end_in_each_encoding() {
        let text = "assign per \"第三条\" in each 党委 {\n  书记 bears 第一责任人\n}\n";
        let idx = LineIndex::new(text);
        let after = text.find("第一责任人").unwrap() + "第一责任人".len();
        let p16 = idx.position(text, after, Encoding::Utf16);
        assert_eq!((p16.line, p16.character), (1, 16));
        assert_eq!(idx.offset(text, p16, Encoding::Utf16), after);
        let p8 = idx.position(text, after, Encoding::Utf8);
        assert_eq!(p8.character, 2 + 6 + 1 + 5 + 1 + 15);
        assert_eq!(idx.offset(text, p8, Encoding::Utf8), after);
        let p32 = idx.position(text, after, Encoding::Utf32);
        assert_eq!(p32.character, 16);
        assert_eq!(idx.offset(text, p32, Encoding::Utf32), after);
    }

    #[test]
    fn surrogate_pairs_and_out_of_range_positions_are_clamped() {
        let text = "a𠀀b\r\nc\rd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.lines(), 3);
        // Inside the surrogate pair: the character's start.
        let mid = Position::new(0, 2);
        assert_eq!(idx.offset(text, mid, Encoding::Utf16), 1);
        assert_eq!(idx.offset(text, Position::new(0, 3), Encoding::Utf16), 5);
        assert_eq!(idx.offset(text, Position::new(0, 99), Encoding::Utf16), 6);
        assert_eq!(idx.offset(text, Position::new(2, 0), Encoding::Utf16), 10);
        assert_eq!(
            idx.offset(text, Position::new(9, 0), Encoding::Utf16),
            text.len()
        );
        assert_eq!(idx.position(text, 3, Encoding::Utf16), Position::new(0, 1));
    }

    #[test]
    fn crate_locations_count_lines_by_lf_and_columns_in_characters() {
        let text = "duties 甲\nunit kinds 党委, 党委\n";
        assert_eq!(crate_offset(text, 2, 16), text.rfind("党委").unwrap());
        assert_eq!(crate_offset(text, 9, 1), text.len());
        assert_eq!(crate_offset(text, 1, 99), text.find('\n').unwrap());
    }

    #[test]
    fn the_client_picks_the_encoding() {
        let offered = [
            PositionEncodingKind::new("utf-32"),
            PositionEncodingKind::UTF8,
        ];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf32);
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        let odd = [PositionEncodingKind::new("latin-1")];
        assert_eq!(Encoding::negotiate(Some(&odd)), Encoding::Utf16);
    }
}
