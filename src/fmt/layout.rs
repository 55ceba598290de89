//! Tokens → formatted text.
//!
//! The source's line breaks are kept (at most one blank line in a row, none
//! right after `{` or right before `}`); each line is re-indented and its
//! spacing normalised:
//!
//! - a line that begins a statement is indented two spaces per `{ }` block
//!   it is in; a line that continues a statement is indented four more
//!   than the statement's first line, or, in a trigger list, to the column
//!   of the clause text;
//! - an own-line comment takes the indentation of the line it precedes
//!   (a continuation line of the same block), else its block's;
//! - tokens are separated by one space, none before `,` `，` `、` `:` `：`
//!   or `)`, none after `(`, `，` `、` `：`; an end-of-line comment by two;
//! - consecutive statements of the same shape in one block, not separated
//!   by a blank line, are aligned in columns (see `tokens::cell_key`),
//!   measuring East Asian wide characters as two columns.

use super::tokens::{Key, Kind, Token};
use std::collections::HashMap;

/// The block id of the top level (blocks are named by their `{` token).
const TOP: usize = usize::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    /// Only a comment.
    Comment,
    /// Begins with `}`.
    Close,
    /// Begins a statement.
    Stmt,
    /// Continues the statement above.
    Cont,
}

#[derive(Debug)]
struct Cell {
    key: Key,
    text: String,
    width: usize,
    /// The width it is padded to when another cell follows.
    target: usize,
}

#[derive(Debug)]
struct Line {
    kind: LineKind,
    /// Preceded by a blank line that is kept.
    blank: bool,
    /// `{ }` blocks the line is in (after the `}` it begins with).
    depth: usize,
    /// The innermost block the line is in.
    block: usize,
    /// Ends inside a block it opened.
    opens: bool,
    /// The blocks it opens.
    opened: Vec<usize>,
    /// The line's text in cells; one cell unless it begins a statement.
    cells: Vec<Cell>,
    indent: usize,
    /// Where a clause's text begins, for the clause's continuation lines.
    text_col: Option<usize>,
}

/// Lays out the tokens; `eol` ends every line.
pub(super) fn render(tokens: &[Token<'_>], eol: &str) -> String {
    let mut lines = split(tokens);
    align(&mut lines);
    indent(&mut lines);
    let mut out = String::new();
    for line in &lines {
        if line.blank {
            out.push_str(eol);
        }
        out.push_str(&" ".repeat(line.indent));
        for (j, cell) in line.cells.iter().enumerate() {
            if j > 0 {
                out.push_str(cell_gap(cell.key));
            }
            out.push_str(&cell.text);
            if j + 1 < line.cells.len() {
                out.push_str(&" ".repeat(pad(cell)));
            }
        }
        out.push_str(eol);
    }
    out
}

/// Spaces before a cell that is not a line's first.
fn cell_gap(key: Key) -> &'static str {
    if key == Key::Comment {
        "  "
    } else {
        " "
    }
}

/// Padding after a cell that another follows.
fn pad(cell: &Cell) -> usize {
    cell.target.saturating_sub(cell.width)
}

/// The change in brace depth a token makes: pushes or pops `stack`.
fn track(stack: &mut Vec<usize>, index: usize, token: &Token<'_>) {
    match token.kind {
        Kind::Open => stack.push(index),
        Kind::Close => {
            stack.pop();
        }
        Kind::Punct => {
            for c in token.text.chars() {
                match c {
                    '{' => stack.push(index),
                    '}' => {
                        stack.pop();
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// Relative depth change of one token (for finding a statement's own
/// columns, which are outside any braces it opens).
fn depth_change(token: &Token<'_>) -> i64 {
    match token.kind {
        Kind::Open => 1,
        Kind::Close => -1,
        Kind::Punct => token
            .text
            .chars()
            .map(|c| match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            })
            .sum(),
        _ => 0,
    }
}

/// Spacing between two tokens on one line.
fn gap(a: &Token<'_>, b: &Token<'_>) -> &'static str {
    if b.kind == Kind::Comment {
        return "  ";
    }
    if a.kind == Kind::Open && b.kind == Kind::Close {
        return "";
    }
    if a.kind == Kind::Punct && a.text.ends_with('(') {
        return "";
    }
    if b.kind == Kind::Punct && b.text.starts_with(')') {
        return "";
    }
    if b.kind == Kind::Sep {
        // `5 、` must not become `5、`, which is one clause number.
        let digit = a.text.chars().last().is_some_and(|c| c.is_ascii_digit());
        return if b.spaced && digit && !b.text.is_ascii() {
            " "
        } else {
            ""
        };
    }
    if a.kind == Kind::Sep && !a.text.is_ascii() {
        // Full-width punctuation carries its own space.
        return "";
    }
    " "
}

/// The tokens joined with normal spacing.
fn join(tokens: &[&Token<'_>]) -> String {
    let mut s = String::new();
    let mut prev: Option<&Token<'_>> = None;
    for t in tokens {
        if let Some(p) = prev {
            s.push_str(gap(p, t));
        }
        s.push_str(t.text);
        prev = Some(t);
    }
    s
}

fn cell(key: Key, tokens: &[&Token<'_>]) -> Cell {
    let text = join(tokens);
    let width = super::width::display_width(&text);
    Cell {
        key,
        width,
        text,
        target: width,
    }
}

/// Splits the tokens into lines and cells.
fn split(tokens: &[Token<'_>]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    // Whether the last line ended (comments aside) with `{`.
    let mut after_open = false;
    let mut i = 0;
    while let Some(first) = tokens.get(i) {
        let start = i;
        let mut end = i + 1;
        while tokens.get(end).is_some_and(|t| t.newlines == 0) {
            end += 1;
        }
        let line = tokens.get(start..end).unwrap_or(&[]);
        let mut k = 0;
        while let Some(t) = line.get(k).filter(|t| t.kind == Kind::Close) {
            track(&mut stack, start + k, t);
            k += 1;
        }
        let depth = stack.len();
        let block = stack.last().copied().unwrap_or(TOP);
        let mut opened = Vec::new();
        for (n, t) in line.iter().enumerate().skip(k) {
            track(&mut stack, start + n, t);
            if depth_change(t) > 0 {
                opened.push(start + n);
            }
        }
        let kind = match first.kind {
            Kind::Comment => LineKind::Comment,
            Kind::Close => LineKind::Close,
            _ if first.stmt.is_some() => LineKind::Stmt,
            _ => LineKind::Cont,
        };
        let blank = start > 0 && first.newlines >= 2 && kind != LineKind::Close && !after_open;
        let opens = line.iter().map(depth_change).sum::<i64>() > 0;
        let refs: Vec<&Token<'_>> = line.iter().collect();
        let cells = match (kind, first.stmt) {
            (LineKind::Stmt, Some(key)) => stmt_cells(key, &refs),
            _ => vec![cell(Key::Elem, &refs)],
        };
        if let Some(last) = line.iter().rev().find(|t| t.kind != Kind::Comment) {
            after_open = last.kind == Kind::Open;
        }
        lines.push(Line {
            kind,
            blank,
            depth,
            block,
            opens,
            opened,
            cells,
            indent: 0,
            text_col: None,
        });
        i = end;
    }
    lines
}

/// A statement's first line in cells: the statement's own columns (not
/// those of statements in braces it opens), and an end-of-line comment.
fn stmt_cells(key: Key, line: &[&Token<'_>]) -> Vec<Cell> {
    let mut cells = Vec::new();
    let mut current: (Key, Vec<&Token<'_>>) = (key, Vec::new());
    let mut depth = 0i64;
    for t in line {
        let starts = if t.kind == Kind::Comment {
            Some(Key::Comment)
        } else if depth == 0 && !current.1.is_empty() {
            t.cell.map(Key::Cell)
        } else {
            None
        };
        if let Some(k) = starts {
            if !current.1.is_empty() {
                cells.push(cell(current.0, &current.1));
            }
            current = (k, Vec::new());
        }
        current.1.push(t);
        depth += depth_change(t);
    }
    if !current.1.is_empty() {
        cells.push(cell(current.0, &current.1));
    }
    cells
}

/// Aligns the columns of statements of the same shape: within one block,
/// between blank lines, the `j`-th cells of statements whose cells up to
/// the `j`-th have the same keys line up (so their `j+1`-th cells start in
/// one column). Lines that continue a statement, comments and the lines of
/// inner blocks are skipped over; a statement that opens a block it does
/// not close on its line is not aligned and ends the group, as a blank line
/// does.
fn align(lines: &mut [Line]) {
    let mut segment: HashMap<usize, usize> = HashMap::new();
    let mut order: Vec<(usize, usize)> = Vec::new();
    let mut groups: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for (li, line) in lines.iter().enumerate() {
        let seg = segment.entry(line.block).or_insert(0);
        if line.blank {
            *seg += 1;
        }
        if line.kind != LineKind::Stmt {
            continue;
        }
        if line.opens {
            *seg += 1;
            continue;
        }
        let key = (line.block, *seg);
        groups
            .entry(key)
            .or_insert_with(|| {
                order.push(key);
                Vec::new()
            })
            .push(li);
    }
    for key in order {
        if let Some(group) = groups.get(&key) {
            align_group(lines, group);
        }
    }
}

fn align_group(lines: &mut [Line], group: &[usize]) {
    let mut widths: HashMap<Vec<Key>, usize> = HashMap::new();
    let path = |cells: &[Cell], j: usize| -> Vec<Key> {
        cells.iter().take(j + 1).map(|c| c.key).collect()
    };
    for line in group.iter().filter_map(|&li| lines.get(li)) {
        let count = line.cells.len();
        for (j, cell) in line.cells.iter().enumerate().take(count.saturating_sub(1)) {
            let w = widths.entry(path(&line.cells, j)).or_insert(0);
            *w = (*w).max(cell.width);
        }
    }
    for &li in group {
        if let Some(line) = lines.get_mut(li) {
            let count = line.cells.len();
            let targets: Vec<usize> = (0..count.saturating_sub(1))
                .map(|j| widths.get(&path(&line.cells, j)).copied().unwrap_or(0))
                .collect();
            for (cell, target) in line.cells.iter_mut().zip(targets) {
                cell.target = target.max(cell.width);
            }
        }
    }
}

/// Indents every line, and finds where clause texts begin.
fn indent(lines: &mut [Line]) {
    let mut last_stmt: HashMap<usize, (usize, Option<usize>)> = HashMap::new();
    // The indentation of the line that opened each block.
    let mut opener: HashMap<usize, usize> = HashMap::new();
    for line in lines.iter_mut() {
        let base = 2 * line.depth;
        match line.kind {
            LineKind::Stmt => {
                line.indent = base;
                line.text_col = text_col(line);
                last_stmt.insert(line.block, (line.indent, line.text_col));
            }
            LineKind::Cont => {
                line.indent = match last_stmt.get(&line.block) {
                    Some((_, Some(col))) => *col,
                    Some((indent, None)) => indent + 4,
                    // A block whose first statement is on its opening line.
                    None => opener.get(&line.block).map_or(base, |i| i + 4),
                };
            }
            LineKind::Close | LineKind::Comment => line.indent = base,
        }
        for &block in &line.opened {
            opener.insert(block, line.indent);
        }
    }
    // An own-line comment before a continuation line is indented like it.
    let mut next: Option<(LineKind, usize, usize)> = None;
    for line in lines.iter_mut().rev() {
        if line.kind == LineKind::Comment {
            if let Some((LineKind::Cont, block, indent)) = next {
                if block == line.block {
                    line.indent = indent;
                }
            }
        } else {
            next = Some((line.kind, line.block, line.indent));
        }
    }
}

/// The column where a statement line's clause text begins, if it has one.
fn text_col(line: &Line) -> Option<usize> {
    let mut col = line.indent;
    for (j, cell) in line.cells.iter().enumerate() {
        if j > 0 {
            col += cell_gap(cell.key).len();
        }
        if cell.key == Key::Cell("text") {
            return Some(col);
        }
        col += pad(cell) + cell.width;
    }
    None
}
