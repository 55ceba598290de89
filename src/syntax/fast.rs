//! A fast reading of the files large orgs are written in: a file that is
//! (or ends with) one `org { … }` block of `unit`, `holds`, `covers` and
//! `liaises` statements with bare or quoted names and well-formed dates — what a
//! program exporting an org writes, a hundred thousand statements long.
//!
//! It gives exactly the tree the grammar and the tree builder give, or
//! nothing: at anything else (another statement, a keyword used as a bare
//! name, a date that is not one, a blank name or one over the limit,
//! anything the grammar would refuse) it stops, and the file is read by the grammar,
//! which stays the one judge of syntax and says what is wrong. A test
//! compares the two readings on generated files, well- and ill-formed.

use super::ast::{DateLit, File, Item, Name, OrgStmt};
use super::names::is_keyword;
use crate::diag::Span;
use crate::limits;

/// Where the last `org` block of `text` starts, when one starts a line: a
/// file's declarations before it are read by the grammar, the block here.
/// (A line that starts with `org` is never inside a string, which ends on
/// its line, nor a comment; if it is inside another block, the text before
/// it does not parse alone, and the grammar reads the whole file.)
pub(super) fn last_org_start(text: &str) -> Option<usize> {
    text.rmatch_indices("\norg").map(|(i, _)| i + 1).find(|at| {
        let after = text.get(at + 3..).unwrap_or("");
        after.starts_with([' ', '\t', '\r', '\n', '{', '\u{3000}', '#'])
    })
}

/// The reading of `text` (file number `file`) from byte `start` to its
/// end when that is one plain org block; `None` otherwise.
pub(super) fn org_file(file: u32, text: &str, start: usize) -> Option<File> {
    let bom = if start == 0 && text.starts_with('\u{FEFF}') {
        '\u{FEFF}'.len_utf8()
    } else {
        0
    };
    let mut r = Reader {
        file,
        text,
        at: start + bom,
    };
    r.skip();
    r.keyword("org")?;
    r.skip();
    r.punct('{')?;
    let mut stmts = Vec::new();
    loop {
        r.skip();
        if r.punct('}').is_some() {
            break;
        }
        stmts.push(r.stmt()?);
    }
    r.skip();
    (r.at == text.len()).then_some(File {
        items: vec![Item::Org { stmts }],
    })
}

struct Reader<'t> {
    file: u32,
    text: &'t str,
    at: usize,
}

/// The first character of a name (the grammar's `XID_START | "_"`).
fn ident_start(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '_' | '\u{4E00}'..='\u{9FFF}' => true,
        _ => !c.is_ascii() && pest::unicode::XID_START(c),
    }
}

/// A character of a name after its first (the grammar's `ident_char`).
fn ident_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '-' => true,
        // The CJK Unified Ideographs: all `XID_Continue`.
        '\u{4E00}'..='\u{9FFF}' => true,
        _ if c.is_ascii() => false,
        _ => pest::unicode::XID_CONTINUE(c) || matches!(c, '（' | '）' | '·'),
    }
}

impl<'t> Reader<'t> {
    fn rest(&self) -> &'t str {
        self.text.get(self.at..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Skips what the grammar skips between tokens: spaces, tabs, line
    /// breaks (`\n`, `\r\n`), ideographic spaces and `#` comments.
    fn skip(&mut self) {
        loop {
            let rest = self.rest();
            let step = match rest.chars().next() {
                Some(c @ (' ' | '\t' | '\n' | '\u{3000}')) => c.len_utf8(),
                Some('\r') if rest.starts_with("\r\n") => 2,
                Some('#') => rest.find(['\n', '\r']).unwrap_or(rest.len()),
                _ => return,
            };
            self.at += step;
        }
    }

    fn punct(&mut self, c: char) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.at += c.len_utf8())
    }

    /// A word: a run of name characters, as the grammar's `ident` reads it
    /// (its first character a name's first), and its span.
    fn word(&mut self) -> Option<(&'t str, Span)> {
        let rest = self.rest();
        if !ident_start(rest.chars().next()?) {
            return None;
        }
        let len = rest
            .char_indices()
            .find(|(_, c)| !ident_char(*c))
            .map_or(rest.len(), |(i, _)| i);
        let start = self.at;
        self.at += len;
        Some((rest.get(..len)?, Span::new(self.file, start, start + len)))
    }

    fn keyword(&mut self, k: &'static str) -> Option<()> {
        self.peek_keyword(&[k]).map(|_| ())
    }

    /// The next word, when it is one of `words`, without taking it otherwise.
    fn peek_keyword(&mut self, words: &[&'static str]) -> Option<&'static str> {
        let back = self.at;
        let found = self
            .word()
            .and_then(|(w, _)| words.iter().copied().find(|k| *k == w));
        if found.is_none() {
            self.at = back;
        }
        found
    }

    /// A name: bare (not a keyword) or quoted (`"…"` with `\"` and `\\`,
    /// or `“…”`), within the length limit and not blank.
    fn name(&mut self) -> Option<Name> {
        let (text, span) = match self.peek()? {
            '"' | '“' => self.quoted()?,
            _ => {
                let (w, span) = self.word()?;
                if is_keyword(w) {
                    return None;
                }
                (w.to_string(), span)
            }
        };
        // (A name of no more bytes than the limit has no more characters.)
        if (text.len() > limits::MAX_NAME_CHARS && text.chars().count() > limits::MAX_NAME_CHARS)
            || text.trim().is_empty()
        {
            return None;
        }
        Some(Name { text, span })
    }

    /// A quoted name, its text as the tree builder takes it (a backslash
    /// keeps the next character as is), and its span, quotes included.
    fn quoted(&mut self) -> Option<(String, Span)> {
        let rest = self.rest();
        let open = rest.chars().next()?;
        let close = if open == '"' { '"' } else { '”' };
        let mut text = String::new();
        let mut chars = rest.char_indices().skip(1);
        let end = loop {
            let (i, c) = chars.next()?;
            match c {
                '\n' | '\r' => return None,
                c if c == close => break i + c.len_utf8(),
                // In `"…"` a backslash escapes `"` or `\` only.
                '\\' if open == '"' => match chars.next()? {
                    (_, e @ ('"' | '\\')) => text.push(e),
                    _ => return None,
                },
                // In `“…”` it is kept by the grammar and dropped by the tree
                // builder, which keeps the next character as is.
                '\\' => match chars.next()? {
                    (_, '\n' | '\r') => return None,
                    // `\”` ends the text in the grammar: the builder's
                    // reading of a trailing backslash is left to it.
                    (_, e) if e == close => return None,
                    (_, e) => text.push(e),
                },
                c => text.push(c),
            }
        };
        let start = self.at;
        self.at += end;
        Some((text, Span::new(self.file, start, start + end)))
    }

    /// `YYYY-MM-DD` (the grammar's `date`, read by the tree builder).
    fn date(&mut self) -> Option<DateLit> {
        let rest = self.rest();
        let len = rest
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || *c == '-'))
            .map_or(rest.len(), |(i, _)| i);
        let text = rest.get(..len)?;
        // Three runs of 1–9 digits joined by `-`; what follows is no digit.
        let parts: Vec<&str> = text.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return None;
        };
        if [y, m, d]
            .iter()
            .any(|p| p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        let date = super::parse_date(text).ok()?;
        let start = self.at;
        self.at += len;
        Some(DateLit {
            date,
            span: Span::new(self.file, start, start + len),
        })
    }

    /// `[from DATE] [to DATE]`.
    fn interval(&mut self) -> Option<(Option<DateLit>, Option<DateLit>)> {
        let mut from = None;
        let mut to = None;
        self.skip();
        if self.keyword("from").is_some() {
            self.skip();
            from = Some(self.date()?);
            self.skip();
        }
        if self.keyword("to").is_some() {
            self.skip();
            to = Some(self.date()?);
        }
        Some((from, to))
    }

    fn stmt(&mut self) -> Option<OrgStmt> {
        if self.keyword("unit").is_some() {
            self.skip();
            let name = self.name()?;
            self.skip();
            self.keyword("kind")?;
            self.skip();
            let kind = self.name()?;
            self.skip();
            let under = match self.keyword("under") {
                Some(_) => {
                    self.skip();
                    Some(self.name()?)
                }
                None => None,
            };
            return Some(OrgStmt::Unit { name, kind, under });
        }
        let person = self.name()?;
        self.skip();
        match self.peek_keyword(&["holds", "covers", "liaises"])? {
            "holds" => {
                self.skip();
                let position = self.name()?;
                self.skip();
                self.keyword("of")?;
                self.skip();
                let unit = self.name()?;
                let (from, to) = self.interval()?;
                Some(OrgStmt::Holds {
                    person,
                    position,
                    unit,
                    from,
                    to,
                })
            }
            verb => {
                self.skip();
                let mut targets = vec![self.name()?];
                loop {
                    let back = self.at;
                    self.skip();
                    if [',', '，', '、'].iter().any(|c| self.punct(*c).is_some()) {
                        self.skip();
                        targets.push(self.name()?);
                    } else {
                        self.at = back;
                        break;
                    }
                }
                let (from, to) = self.interval()?;
                Some(OrgStmt::Covers {
                    person,
                    liaison: verb == "liaises",
                    targets,
                    from,
                    to,
                })
            }
        }
    }
}
