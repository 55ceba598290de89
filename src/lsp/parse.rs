//! Parsing for the editor: a tree even when the file has errors, and the
//! tokens the outline and completion read.
//!
//! `crate::syntax::parse` gives no tree for a file with a syntax error. For
//! the index, each declaration that holds an error is blanked out — its
//! bytes replaced by spaces, line ends kept, so every offset stays where it
//! was — and the rest is parsed again. A declaration runs from a line that
//! starts, unindented, with a declaration keyword to the next such line,
//! as the parser's own recovery reads it; so an error inside an `org`
//! block blanks the whole block. After [`MAX_ROUNDS`] rounds that still
//! find errors, the file has no tree.

use super::position::crate_offset;
use crate::diag::Location;
use crate::source::Sources;
use crate::syntax::ast::Item;

/// Words that start a declaration or an org statement (the grammar's
/// `starter` rule).
pub(crate) const STARTERS: &[&str] = &[
    "aggravating",
    "consequence",
    "obligation",
    "liability",
    "positions",
    "procedure",
    "sanctions",
    "triggers",
    "actions",
    "assign",
    "duties",
    "matter",
    "policy",
    "event",
    "route",
    "scale",
    "fact",
    "unit",
    "org",
    "staffing",
    "test",
    "articles",
    "note",
    "interpret",
    "seat",
    "approval",
];

const MAX_ROUNDS: usize = 4;

/// A policy file as the editor features read it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Parsed {
    /// The text with declarations that have errors blanked out.
    pub text: String,
    /// The declarations that parse.
    pub items: Vec<Item>,
}

/// A character that continues a word (a name or a keyword).
pub(crate) fn word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '（' | '）' | '·')
}

fn starts_with_starter(line: &str) -> Option<&'static str> {
    let end = line.find(|c: char| !word_char(c)).unwrap_or(line.len());
    let word = line.get(..end)?;
    STARTERS.iter().find(|s| **s == word).copied()
}

/// Byte offsets where a declaration can start: lines that begin with a
/// declaration keyword (after a byte-order mark on the first line).
pub(crate) fn declaration_starts(text: &str) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        let line_at = if at == 0 && text.starts_with('\u{FEFF}') {
            3
        } else {
            at
        };
        if let Some(w) = text.get(line_at..).and_then(starts_with_starter) {
            out.push((line_at, w));
        }
        match text.get(at..).and_then(|r| r.find('\n')) {
            Some(i) => at += i + 1,
            None => break,
        }
    }
    out
}

/// Parses one policy text, blanking out declarations with errors.
pub(crate) fn parse(name: &str, text: &str) -> Parsed {
    let mut current = text.to_string();
    for _ in 0..MAX_ROUNDS {
        let mut sources = Sources::new();
        let id = sources.add(name, current.clone());
        let errors = match crate::syntax::parse(&sources, id) {
            Ok(file) => {
                return Parsed {
                    text: current,
                    items: file.items,
                }
            }
            Err(e) => e,
        };
        let offsets: Vec<usize> = errors
            .iter()
            .filter_map(|d| match d.location() {
                Some(Location::Text { line, column, .. }) => {
                    Some(crate_offset(&current, *line, *column))
                }
                _ => None,
            })
            .collect();
        if offsets.is_empty() {
            break;
        }
        current = blank(&current, &offsets);
    }
    Parsed {
        text: current,
        items: Vec::new(),
    }
}

/// The text with every declaration holding one of `offsets` replaced by
/// spaces (line ends kept). An error right at the start of a declaration
/// blanks the one before instead: that one was cut short.
fn blank(text: &str, offsets: &[usize]) -> String {
    let starts: Vec<usize> = declaration_starts(text).iter().map(|s| s.0).collect();
    let mut bytes = text.as_bytes().to_vec();
    let mut wipe = |from: usize, to: usize| {
        for b in bytes.get_mut(from..to).unwrap_or(&mut []) {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    };
    for &e in offsets {
        let k = starts.partition_point(|&s| s <= e);
        let chunk = |i: usize| {
            let from = if i == 0 {
                0
            } else {
                starts.get(i - 1).copied().unwrap_or(0)
            };
            (from, starts.get(i).copied().unwrap_or(text.len()))
        };
        let (from, to) = chunk(k);
        if from == e && k >= 1 {
            // The error is the keyword opening a declaration: the one
            // before it ends too early.
            let (before, _) = chunk(k - 1);
            wipe(before, from);
        } else {
            wipe(from, to);
        }
    }
    // Only ASCII spaces replaced whole characters' bytes: still UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// One token of policy text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'t> {
    pub start: usize,
    pub end: usize,
    pub text: &'t str,
}

/// The tokens of `text` from byte `from` to byte `to`: words, quoted texts
/// (to the closing quote or the end of the line) and single characters;
/// whitespace and comments skipped.
pub(crate) fn tokens(text: &str, from: usize, to: usize) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let slice = text.get(from..to.min(text.len())).unwrap_or("");
    let mut chars = slice.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let start = from + i;
        let mut end = start + c.len_utf8();
        match c {
            c if c.is_whitespace() || c == '\u{FEFF}' => continue,
            '#' => {
                while chars.next_if(|&(_, c)| c != '\n').is_some() {}
                continue;
            }
            '"' => {
                let mut escaped = false;
                while let Some((j, c)) = chars.next_if(|&(_, c)| c != '\n') {
                    end = from + j + c.len_utf8();
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
            }
            '“' => {
                while let Some((j, c)) = chars.next_if(|&(_, c)| c != '\n') {
                    end = from + j + c.len_utf8();
                    if c == '”' {
                        break;
                    }
                }
            }
            c if word_char(c) => {
                while let Some((j, c)) = chars.next_if(|&(_, c)| word_char(c)) {
                    end = from + j + c.len_utf8();
                }
            }
            _ => {}
        }
        out.push(Token {
            start,
            end,
            text: text.get(start..end).unwrap_or(""),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_declaration_is_blanked_and_the_rest_is_indexed() {
        let text = "duties 甲 > 乙\nunit kinds 党委 党委\npositions 书记\n";
        let p = parse("t.zr", text);
        assert_eq!(p.text.len(), text.len());
        assert_eq!(p.items.len(), 2, "{:?}", p.items);
        assert!(p.text.contains("positions 书记"));
        assert!(!p.text.contains("kinds"));
    }

    #[test]
    fn an_unclosed_block_blanks_to_the_end() {
        let text = "duties 甲\norg {\n  unit 校党委 kind 党委\n";
        let p = parse("t.zr", text);
        assert_eq!(p.items.len(), 1);
    }

    #[test]
    fn tokens_skip_comments_and_keep_quoted_text_whole() {
        let text = "assign per \"第三 条\" in each 党委 { # note\n team bears 甲 }";
        let t: Vec<&str> = tokens(text, 0, text.len()).iter().map(|t| t.text).collect();
        assert_eq!(
            t,
            [
                "assign",
                "per",
                "\"第三 条\"",
                "in",
                "each",
                "党委",
                "{",
                "team",
                "bears",
                "甲",
                "}"
            ]
        );
    }
}
