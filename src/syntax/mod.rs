//! Syntax: policy text → typed AST.
//!
//! 1. [`prescan`] rejects what no grammar rule should see: oversized input,
//!    bidi controls and zero-width characters, control characters, a lone
//!    carriage return, nesting beyond the limit.
//! 2. The pest grammar (`grammar/zeren.pest`) builds a parse tree. After a
//!    syntax error, the declarations before it are parsed and built one at
//!    a time, and parsing resumes at the grammar's next `starter` word. The
//!    grammar is the one source of keywords: tests check the keyword tables
//!    here against it.
//! 3. [`build`] lowers the tree into [`ast`] nodes with compact spans; no
//!    pest type leaves this module.
//!
//! A file that is one plain `org` block (a large org, exported) is read by
//! [`fast`] instead of steps 2–3: the same tree, or, at anything it does
//! not take, the grammar's reading.

pub mod ast;
mod build;
mod fast;
#[cfg(test)]
mod fast_tests;
#[cfg(test)]
mod grammar_tests;
mod names;

use crate::diag::{DiagKind, Diagnostic, Span};
use crate::limits;
use crate::source::Sources;
use crate::text::forbidden_in_name;
use pest::iterators::Pairs;
use pest::Parser as _;

pub(crate) use crate::dates::parse_date;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/zeren.pest"]
struct ZerenParser;

/// Parses one file of `sources` into an AST, or every problem found.
///
/// On a syntax error, the declarations before it are built one at a time,
/// so a problem found while building them (an impossible date, a keyword
/// used as a name) is reported too; then parsing resumes at the next line
/// that starts a declaration, so one mistake does not hide the next.
pub fn parse(sources: &Sources, file: u32) -> Result<ast::File, Vec<Diagnostic>> {
    let text = sources.text(file);
    let problems = prescan(sources, file, text);
    if !problems.is_empty() {
        return Err(problems);
    }
    // A file that is one plain org block is read without the grammar's
    // tree (the same reading; see `fast`); so is a file's last org block
    // when the declarations before it parse alone.
    if let Some(read) = fast::org_file(file, text, 0) {
        return Ok(read);
    }
    if let Some(at) = fast::last_org_start(text) {
        if let Some(org) = fast::org_file(file, text, at) {
            if let Ok(mut read) = by_grammar(sources, file, text.get(..at).unwrap_or("")) {
                read.items.extend(org.items);
                return Ok(read);
            }
        }
    }
    by_grammar(sources, file, text)
}

/// Parses `files` of `sources`, each as [`parse`] does, the results in the
/// order given. Policies of several large files (a big org is written in
/// several, each under the size limit) are parsed on up to four threads.
pub fn parse_files(sources: &Sources, files: &[u32]) -> Vec<Result<ast::File, Vec<Diagnostic>>> {
    let bytes: usize = files.iter().map(|f| sources.text(*f).len()).sum();
    let workers = if files.len() < 2 || bytes < PARALLEL_BYTES {
        0
    } else {
        std::thread::available_parallelism().map_or(0, |n| n.get().min(4).min(files.len()))
    };
    if workers < 2 {
        return files.iter().map(|f| parse(sources, *f)).collect();
    }
    // Each worker takes the next file not yet taken, and keeps its results
    // with their places; this thread takes files too.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(f) = files.get(i) else { break };
            done.push((i, parse(sources, *f)));
        }
        done
    };
    let mut done = std::thread::scope(|s| {
        let handles: Vec<_> = (1..workers)
            .filter_map(|_| {
                // A thread the system will not give is done without.
                std::thread::Builder::new()
                    .name("zeren-parse".into())
                    .spawn_scoped(s, work)
                    .ok()
            })
            .collect();
        let mut done = work();
        for h in handles {
            match h.join() {
                Ok(mut d) => done.append(&mut d),
                // A worker panics only on a bug in zeren: fail as loudly.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Total text below which files are parsed one after another: threads
/// cost more than they save on policies of ordinary size.
const PARALLEL_BYTES: usize = 1 << 20;

/// The grammar's reading of a file that passed the prescan.
fn by_grammar(sources: &Sources, file: u32, text: &str) -> Result<ast::File, Vec<Diagnostic>> {
    let mut builder = build::Builder::new(sources, file);
    let mut items = Vec::new();
    // A byte-order mark that some editors write at the start is skipped.
    let mut start = if text.starts_with('\u{FEFF}') {
        '\u{FEFF}'.len_utf8()
    } else {
        0
    };
    // Whether `start` is where parsing resumed after a syntax error.
    let mut resumed = false;
    while builder.problems() < limits::MAX_DIAGNOSTICS {
        let rest = text.get(start..).unwrap_or("");
        let mut err = match ZerenParser::parse(Rule::file, rest) {
            Ok(pairs) => {
                builder.top(start, pairs, &mut items);
                break;
            }
            Err(err) => err,
        };
        let mut pos = start + names::error_pos(&err);
        if resumed {
            // Recovery may land on an unindented org statement inside an
            // org block: read it as the rest of that block when that
            // explains more of the text.
            match ZerenParser::parse(Rule::org_rest, rest) {
                Ok(pairs) => match advance(&mut builder, start, pairs, &mut items) {
                    Some(next) => {
                        start = next;
                        resumed = false;
                        continue;
                    }
                    None => break,
                },
                Err(org) if start + names::error_pos(&org) > pos => {
                    pos = start + names::error_pos(&org);
                    err = org;
                }
                Err(_) => {}
            }
        }
        build_before(&mut builder, text, start, pos, &mut items);
        builder.push(names::describe(sources, file, text, pos, &err));
        match resume_at(text, pos, start) {
            Some(next) => {
                start = next;
                resumed = true;
            }
            None => break,
        }
    }
    builder.finish(items)
}

/// Builds, one at a time, the declarations that parse from byte `start`
/// up to a syntax error at `pos`.
fn build_before(
    builder: &mut build::Builder<'_>,
    text: &str,
    mut start: usize,
    pos: usize,
    items: &mut Vec<ast::Item>,
) {
    while let Ok(pairs) = ZerenParser::parse(Rule::next_item, text.get(start..).unwrap_or("")) {
        let end = start + parsed_len(&pairs);
        // The declaration the error is in may parse as a shorter one
        // (`duties A` of `duties A > >`); it ends before the error all the
        // same, so it is built.
        if end > pos {
            break;
        }
        match advance(builder, start, pairs, items) {
            Some(next) => start = next,
            None => break,
        }
    }
}

/// How many bytes a parse consumed.
fn parsed_len(pairs: &Pairs<'_, Rule>) -> usize {
    pairs.clone().map(|p| p.as_span().end()).max().unwrap_or(0)
}

/// Builds what a parse from byte `start` produced; where the next parse
/// starts, or `None` at the end of the file.
fn advance(
    builder: &mut build::Builder<'_>,
    start: usize,
    pairs: Pairs<'_, Rule>,
    items: &mut Vec<ast::Item>,
) -> Option<usize> {
    let len = parsed_len(&pairs);
    if !builder.top(start, pairs, items) {
        return None;
    }
    if len == 0 {
        // Every declaration starts with a keyword, so this cannot happen;
        // stop rather than loop.
        builder.stuck(start);
        return None;
    }
    Some(start + len)
}

/// Whether `line` begins with a word that starts a declaration or an org
/// statement. The grammar's `starter` rule decides, so recovery knows every
/// declaration keyword the parser knows.
fn starts_declaration(line: &str) -> bool {
    ZerenParser::parse(Rule::starter, line).is_ok()
}

/// Where to resume after an error at `pos`: the start of the error's own
/// line when the error is a declaration keyword opening it (the statement
/// before was cut short), else of the next line that begins, unindented,
/// with a declaration keyword. Always past `start`, so parsing progresses.
fn resume_at(text: &str, pos: usize, start: usize) -> Option<usize> {
    let line_start = text.get(..pos)?.rfind('\n').map(|i| i + 1).unwrap_or(0);
    if line_start == pos && pos > start && starts_declaration(text.get(pos..)?) {
        return Some(pos);
    }
    let mut at = text.get(pos..)?.find('\n')? + pos + 1;
    loop {
        let line = text.get(at..)?;
        if starts_declaration(line) {
            return Some(at);
        }
        at += line.find('\n')? + 1;
    }
}

pub(crate) use crate::text::forbidden_char;

/// Rejects what no grammar rule should see: oversized input, characters
/// that display differently from how they read (bidi controls, zero-width
/// characters), control characters (tab, LF and CRLF line ends aside; no
/// control at all inside quoted text), a lone carriage return, and nesting
/// beyond the limit. Every problem has its location.
fn prescan(sources: &Sources, file: u32, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if text.len() > limits::MAX_SOURCE_BYTES {
        out.push(sources.diag_span(
            DiagKind::Limit,
            Span::new(file, 0, 0),
            format!(
                "the file is {} bytes, more than the limit of {} bytes",
                text.len(),
                limits::MAX_SOURCE_BYTES
            ),
            Some("split the policy into several files".into()),
        ));
        return out;
    }
    let mut depth = 0usize;
    let mut in_string: Option<char> = None;
    // After a backslash in "…" text: the next character is taken as is.
    let mut escape = false;
    let mut in_comment = false;
    let mut reported_depth = false;
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        // A character no rule below looks at only ends an escape: most of
        // a file, skipped a byte at a time without decoding (a character
        // that starts with an ordinary byte goes on with ordinary ones).
        if ORDINARY.get(usize::from(b)) == Some(&true) {
            escape = false;
            let rest = bytes.get(at..).unwrap_or_default();
            at += rest
                .iter()
                .position(|b| ORDINARY.get(usize::from(*b)) != Some(&true))
                .unwrap_or(rest.len());
            continue;
        }
        let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        let i = at;
        at += c.len_utf8();
        if i == 0 && c == '\u{FEFF}' {
            continue; // a byte-order mark at the start of the file
        }
        let span = Span::new(file, i, i + c.len_utf8());
        let lone_cr = c == '\r' && bytes.get(at) != Some(&b'\n');
        let breaks_line = c == '\n' || c == '\r';
        let problem = if let Some(what) = forbidden_char(c) {
            Some((
                format!("{what} (U+{:04X}) is not allowed", c as u32),
                "delete it; names and text may not contain invisible or direction-changing characters",
            ))
        } else if lone_cr {
            Some((
                "a lone carriage return (U+000D) is not a line end".to_string(),
                "use LF or CRLF line ends; an editor may show a lone CR as a line break, zeren does not",
            ))
        } else if breaks_line {
            None
        } else if in_string.is_some() {
            forbidden_in_name(c).map(|what| {
                (
                    format!("{what} (U+{:04X}) is not allowed in quoted text", c as u32),
                    "delete it; names and quoted text may not contain control characters, tabs included",
                )
            })
        } else if c == '\t' {
            None
        } else {
            forbidden_in_name(c).map(|what| {
                (
                    format!("{what} (U+{:04X}) is not allowed", c as u32),
                    "delete it; a policy may contain no control character but tab and line ends",
                )
            })
        };
        if let Some((message, help)) = problem {
            out.push(sources.diag_span(DiagKind::ForbiddenChar, span, message, Some(help.into())));
            if out.len() >= limits::MAX_DIAGNOSTICS {
                break;
            }
        }
        // A line end (a lone CR too, as the grammar reads it) closes a
        // comment or an unterminated quoted text.
        if breaks_line {
            in_comment = false;
            in_string = None;
            escape = false;
            continue;
        }
        if in_comment {
            continue;
        }
        if let Some(close) = in_string {
            if escape {
                escape = false;
            } else if close == '"' && c == '\\' {
                escape = true;
            } else if c == close {
                in_string = None;
            }
            continue;
        }
        match c {
            '#' => in_comment = true,
            '"' => in_string = Some('"'),
            '“' => in_string = Some('”'),
            '{' | '(' | '[' => {
                depth += 1;
                if depth > limits::MAX_NESTING && !reported_depth {
                    reported_depth = true;
                    out.push(sources.diag_span(
                        DiagKind::Limit,
                        span,
                        format!("brackets are nested more than {} deep", limits::MAX_NESTING),
                        Some("flatten the nesting; no construct needs this depth".into()),
                    ));
                }
            }
            '}' | ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    out
}

/// For each byte, whether it is one [`prescan`] takes no note of but to
/// end an escape: printable ASCII other than brackets, `#`, `"` and `\`;
/// every byte that continues a character; and every byte that starts one
/// no forbidden, line-breaking, quoting or bracket character starts with
/// (those start with `C2` for the C1 controls, `D8` for U+061C, `E2` for
/// U+2000–U+2FFF, `EF` for U+FEFF).
// Built at compile time: an index out of bounds is a build error.
#[allow(clippy::indexing_slicing)]
static ORDINARY: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b'#' | b'"' | b'\\' | b'{' | b'(' | b'[' | b'}' | b')' | b']' => false,
            0x20..=0x7E => true,
            0xC2 | 0xD8 | 0xE2 | 0xEF => false,
            0x80.. => true,
            _ => false,
        };
        b += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<ast::File, Vec<Diagnostic>> {
        let mut s = Sources::new();
        let f = s.add("t.zr", text.to_string());
        parse(&s, f)
    }

    #[test]
    fn keywords_are_not_prefixes_of_names() {
        let f = parse_str("positions index, 书记 single\n").map_err(|e| format!("{e:?}"));
        let Ok(f) = f else { unreachable!("{f:?}") };
        let Some(ast::Item::Positions { positions }) = f.items.first() else {
            unreachable!()
        };
        assert_eq!(positions.len(), 2);
        assert_eq!(positions[0].name.text, "index");
        assert!(positions[1].single);
    }

    /// The prescan skips a character whose first byte is `ORDINARY`
    /// without looking at it: no such character may be one it looks for.
    #[test]
    fn no_character_the_prescan_skips_is_one_it_looks_for() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let first = c.encode_utf8(&mut buf).as_bytes()[0];
            if ORDINARY[usize::from(first)] {
                assert!(
                    forbidden_in_name(c).is_none() && !"\r\n\t#\"\\{([])}“”".contains(c),
                    "U+{:04X} is skipped",
                    c as u32
                );
            }
        }
        // And a byte that continues a character never stops the skip.
        assert!((0x80..0xC0).all(|b| ORDINARY[b]));
    }

    /// Files parsed on several threads give what each gives alone, in the
    /// order given, errors included.
    #[test]
    fn files_parsed_together_read_as_each_alone() {
        let mut s = Sources::new();
        let mut ids = Vec::new();
        for i in 0..6 {
            let mut text = String::from("org {\n");
            for u in 0..8_000 {
                text.push_str(&format!(
                    "  unit u{i}_{u} kind 党委\n  甲{u} holds 书记 of u{i}_{u}\n"
                ));
            }
            if i % 2 == 1 {
                text.push_str(&format!("  unit 坏{i} kind\n"));
            }
            text.push_str("}\n");
            ids.push(s.add(&format!("f{i}.zr"), text));
        }
        let together = parse_files(&s, &ids);
        assert_eq!(together.len(), ids.len());
        for (id, got) in ids.iter().zip(&together) {
            let alone = parse(&s, *id);
            assert_eq!(format!("{got:?}"), format!("{alone:?}"));
            assert_eq!(got.is_err(), id % 2 == 1);
        }
    }

    #[test]
    fn nesting_limit_is_n_not_n_plus_one() {
        let ok = format!(
            "{}{}",
            "{".repeat(limits::MAX_NESTING),
            "}".repeat(limits::MAX_NESTING)
        );
        let bad = format!(
            "{}{}",
            "{".repeat(limits::MAX_NESTING + 1),
            "}".repeat(limits::MAX_NESTING + 1)
        );
        let mut s = Sources::new();
        let a = s.add("a", ok.clone());
        let b = s.add("b", bad.clone());
        assert!(prescan(&s, a, &ok).is_empty());
        let errs = prescan(&s, b, &bad);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].kind, DiagKind::Limit);
    }
}
