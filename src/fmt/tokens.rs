//! Policy text → a stream of tokens, each with the whitespace that preceded
//! it reduced to "how many line breaks" and "any space at all".
//!
//! The tokens are the leaves of the real grammar's parse tree (keywords,
//! names, quoted text, dates, clause numbers, braces, commas), the literals
//! the grammar matches without a rule of their own (`>`, `(`, `)`, `=`),
//! and comments. A token's text is never changed: the formatter only
//! decides the whitespace between tokens.
//!
//! From the tree, two marks are put on a token:
//!
//! - `stmt`: the token begins a statement — a declaration, a statement
//!   inside a `{ }` block, or an element of a list written inside braces.
//!   A line that begins elsewhere continues the statement above it.
//! - `cell`: the token begins a column that lines of the same shape align
//!   (`bears` in assign blocks, the clause text in trigger lists, `kind`
//!   and `under` of units, `holds … of … from … to …` of people …).
//!
//! Both come from a short table of rule names below; a grammar rule the
//! table does not name is laid out with plain spacing, so new statements
//! need no change here to be formatted.

use pest::iterators::Pair;
use pest::Parser as _;

/// A second parser over the same grammar file as `crate::syntax`: that one
/// keeps its pest types private, and the formatter needs the tree's leaves.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/zeren.pest"]
struct FmtParser;

/// What a token is, as far as spacing is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A keyword, name, quoted text, date, number or clause number.
    Word,
    /// `{`
    Open,
    /// `}`
    Close,
    /// A list separator or a colon: `,` `，` `、` `:` `：`.
    Sep,
    /// Literal punctuation between rules: `>`, `(`, `)`, `=`.
    Punct,
    /// `# …` to the end of the line (trailing whitespace removed).
    Comment,
}

/// What lines are aligned by: the kind of statement a line begins, or the
/// column a token begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Key {
    /// A statement of this grammar rule.
    Stmt(Rule),
    /// A statement that begins with a name (a person's line in `org`).
    Name,
    /// A field of the policy header.
    Header,
    /// A `main` / `others` / `individual` line of a liability block.
    Liability,
    /// An element of a list written inside braces.
    Elem,
    /// A column of a statement.
    Cell(&'static str),
    /// An end-of-line comment.
    Comment,
}

/// One token of the source text.
#[derive(Debug, Clone)]
pub(super) struct Token<'a> {
    /// The text, exactly as written (a comment without trailing whitespace).
    pub text: &'a str,
    /// What it is.
    pub kind: Kind,
    /// Line breaks between the previous token and this one.
    pub newlines: usize,
    /// Whether any whitespace separates it from the previous token.
    pub spaced: bool,
    /// The statement this token begins, if it begins one.
    pub stmt: Option<Key>,
    /// The column this token begins, if it begins one.
    pub cell: Option<&'static str>,
}

/// A leaf of the parse tree with its marks.
struct Leaf {
    start: usize,
    end: usize,
    kind: Kind,
    stmt: Option<Key>,
    cell: Option<&'static str>,
}

/// The tokens of `text` (without a byte-order mark), or the parser's
/// message when it does not parse.
pub(super) fn tokens(text: &str) -> Result<Vec<Token<'_>>, String> {
    let pairs = FmtParser::parse(Rule::file, text).map_err(|e| e.to_string())?;
    let mut leaves = Vec::new();
    for pair in pairs {
        walk(pair, None, None, &mut leaves);
    }
    let mut out = Vec::with_capacity(leaves.len() * 2);
    let mut at = 0;
    for leaf in leaves {
        let Some(gap) = text.get(at..leaf.start) else {
            return Err("the parse tree's leaves overlap".into());
        };
        let (newlines, spaced) = lex_gap(gap, &mut out);
        out.push(Token {
            text: text.get(leaf.start..leaf.end).unwrap_or(""),
            kind: leaf.kind,
            newlines,
            spaced,
            stmt: leaf.stmt,
            cell: leaf.cell,
        });
        at = leaf.end;
    }
    lex_gap(text.get(at..).unwrap_or(""), &mut out);
    Ok(out)
}

fn is_name(rule: Rule) -> bool {
    matches!(rule, Rule::ident | Rule::string)
}

/// Separators between the statements or elements of a block.
fn is_separator(rule: Rule) -> bool {
    matches!(rule, Rule::comma | Rule::lt)
}

/// The key of a statement of this rule.
fn stmt_key(rule: Rule) -> Key {
    match rule {
        Rule::ident | Rule::string => Key::Name,
        Rule::issuer | Rule::doc_number | Rule::effective | Rule::basis => Key::Header,
        Rule::liab_main | Rule::liab_others | Rule::liab_individual => Key::Liability,
        other => Key::Stmt(other),
    }
}

/// The column that the `index`-th child (of rule `child`) of a `parent`
/// begins, if it begins one.
fn cell_key(parent: Rule, child: Rule, index: usize) -> Option<&'static str> {
    use Rule as R;
    Some(match (parent, child) {
        (R::assign_item | R::liab_main | R::liab_others | R::liab_individual, R::K_bears) => {
            "bears"
        }
        (R::clause, R::string) => "text",
        (R::unit_stmt | R::matter_stmt, R::K_kind) => "kind",
        (R::unit_stmt, R::K_under) => "under",
        (R::matter_stmt | R::route_stmt, R::relation) => "relation",
        (R::org_block, R::holds_tail) => "holds",
        (R::org_block, R::covers_tail) => "covers",
        (R::holds_tail, R::K_of) => "of",
        (R::interval, R::K_from) => "from",
        (R::interval, R::K_to) => "to",
        (R::issuer | R::doc_number | R::effective | R::basis | R::procedure_item, _)
            if index == 1 =>
        {
            "value"
        }
        (R::grade, R::name_list) => "value",
        (R::fact_decl, _) if index == 2 => "type",
        (R::assign_block, _) if index == 2 => "scope",
        _ => return None,
    })
}

/// Collects the leaves under `pair`; the first gets `stmt` and `cell`.
fn walk(pair: Pair<'_, Rule>, stmt: Option<Key>, cell: Option<&'static str>, out: &mut Vec<Leaf>) {
    let rule = pair.as_rule();
    let span = pair.as_span();
    let children: Vec<Pair<'_, Rule>> = pair.into_inner().collect();
    // Quoted text is one token; its inner rule only marks the content.
    if rule == Rule::string || children.is_empty() {
        if span.start() < span.end() {
            let kind = match rule {
                Rule::lbrace => Kind::Open,
                Rule::rbrace => Kind::Close,
                Rule::comma | Rule::colon => Kind::Sep,
                _ => Kind::Word,
            };
            out.push(Leaf {
                start: span.start(),
                end: span.end(),
                kind,
                stmt,
                cell,
            });
        }
        return;
    }
    let open = children.iter().position(|c| c.as_rule() == Rule::lbrace);
    let close = children.iter().rposition(|c| c.as_rule() == Rule::rbrace);
    let mut pending = (stmt, cell);
    let mut after_name = false;
    for (i, child) in children.into_iter().enumerate() {
        let crule = child.as_rule();
        let inside =
            rule == Rule::file || matches!((open, close), (Some(o), Some(c)) if o < i && i < c);
        let mut cstmt = None;
        let mut list = false;
        if inside && !is_separator(crule) && crule != Rule::EOI {
            let name = is_name(crule);
            // A person's line in `org` is a name and its tail: one statement.
            if name || !after_name {
                if rule != Rule::file && is_list(&child) {
                    list = true;
                } else {
                    cstmt = Some(stmt_key(crule));
                }
            }
            after_name = name;
        } else {
            after_name = false;
        }
        let ccell = cell_key(rule, crule, i);
        let marks = (pending.0.or(cstmt), pending.1.or(ccell));
        let before = out.len();
        if list {
            walk_list(child, marks.0, marks.1, out);
        } else {
            walk(child, marks.0, marks.1, out);
        }
        if out.len() > before {
            pending = (None, None);
        }
    }
}

/// Whether a pair is a list: elements separated by commas, and nothing else.
fn is_list(pair: &Pair<'_, Rule>) -> bool {
    let mut count = 0;
    for (i, child) in pair.clone().into_inner().enumerate() {
        if (child.as_rule() == Rule::comma) != (i % 2 == 1) {
            return false;
        }
        count = i + 1;
    }
    count >= 3
}

/// A list written inside braces: each element begins a statement.
fn walk_list(
    pair: Pair<'_, Rule>,
    stmt: Option<Key>,
    cell: Option<&'static str>,
    out: &mut Vec<Leaf>,
) {
    let mut pending = (stmt, cell);
    for child in pair.into_inner() {
        let before = out.len();
        if child.as_rule() == Rule::comma {
            walk(child, pending.0, pending.1, out);
        } else {
            walk(child, pending.0.or(Some(Key::Elem)), pending.1, out);
        }
        if out.len() > before {
            pending = (None, None);
        }
    }
}

/// Whitespace as the grammar reads it.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{3000}')
}

/// Reads the text between two leaves: whitespace, comments, and literal
/// punctuation. Pushes the comments and punctuation; returns the line
/// breaks and whether there was whitespace before what comes next.
fn lex_gap<'a>(gap: &'a str, out: &mut Vec<Token<'a>>) -> (usize, bool) {
    let mut newlines = 0;
    let mut spaced = false;
    let mut rest = gap;
    while let Some(c) = rest.chars().next() {
        if is_space(c) {
            if c == '\n' {
                newlines += 1;
            }
            spaced = true;
            rest = rest.get(c.len_utf8()..).unwrap_or("");
            continue;
        }
        let end = if c == '#' {
            rest.find('\n').unwrap_or(rest.len())
        } else {
            rest.find(|c: char| is_space(c) || c == '#')
                .unwrap_or(rest.len())
        };
        let (word, after) = rest.split_at(end);
        let (text, kind) = if c == '#' {
            (word.trim_end(), Kind::Comment)
        } else {
            (word, Kind::Punct)
        };
        out.push(Token {
            text,
            kind,
            newlines,
            spaced,
            stmt: None,
            cell: None,
        });
        newlines = 0;
        spaced = false;
        rest = after;
    }
    (newlines, spaced)
}
