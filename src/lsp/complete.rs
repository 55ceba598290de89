//! Completion: declared names and keywords where they may stand.
//!
//! The word before the caret decides, on the caret's line: after `bears`
//! the duties, after `holds` the positions, after `kind` the unit and
//! matter kinds, after `under`, `to`, `of` or a relation the units, after
//! `must` the actions, after `when`, `and`, `or`, `not` or `(` the facts,
//! after a comparison the fact's levels or values, after `per` the
//! articles already cited, at the start of a line the keywords that open a
//! declaration (or an org statement inside `org { }`). Anywhere else: every
//! declared name and every keyword. Lists (`A, B, `) are read back to the
//! word before them.

use super::index::{Index, Ns};
use super::parse::{tokens, word_char, Token, STARTERS};
use super::position::{Encoding, LineIndex};
use lsp_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, TextEdit};
use std::collections::HashSet;
use std::sync::OnceLock;

/// The language's keywords: the words of the grammar's `K_*` rules, read
/// from the grammar itself so the two cannot drift apart.
pub(crate) fn keywords() -> &'static [String] {
    static KEYWORDS: OnceLock<Vec<String>> = OnceLock::new();
    KEYWORDS.get_or_init(|| {
        let grammar = include_str!("../../grammar/zeren.pest");
        let mut out: Vec<String> = grammar
            .lines()
            .filter(|l| l.starts_with("K_"))
            .filter_map(|l| l.split('"').nth(1))
            .map(str::to_string)
            .collect();
        out.sort();
        out.dedup();
        out
    })
}

/// What may stand at the caret.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Src {
    Names(Ns),
    /// The named values of a fact.
    Values(String),
    Citations,
    Keywords(&'static [&'static str]),
    Everything,
}

const RELATIONS: &[&str] = &["in-charge", "operator", "host", "approver"];
const PERIODS: &[&str] = &["year", "half-year", "quarter", "month", "week", "day"];

fn is_comma(t: &str) -> bool {
    matches!(t, "," | "，" | "、")
}

/// The innermost block keyword the caret is in (`org`, `assign`, …), or
/// `None` at the top level.
fn block_at(text: &str, upto: usize) -> Option<&str> {
    let mut stack: Vec<&str> = Vec::new();
    let mut statement: Option<&str> = None;
    for t in tokens(text, 0, upto) {
        match t.text {
            "{" => stack.push(statement.unwrap_or("")),
            "}" => {
                stack.pop();
                statement = None;
            }
            w if STARTERS.contains(&w) && stack.is_empty() => statement = Some(w),
            _ => {}
        }
    }
    stack.last().copied()
}

fn context(text: &str, word_start: usize) -> Vec<Src> {
    let line_start = text
        .get(..word_start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let mut toks: Vec<Token<'_>> = tokens(text, line_start, word_start);
    // A list: read back over `NAME ,` pairs to the word before it.
    while toks.last().is_some_and(|t| is_comma(t.text)) {
        toks.pop();
        if toks.last().is_some_and(|t| !is_comma(t.text)) {
            toks.pop();
        }
    }
    let word = |i: usize| -> &str {
        toks.len()
            .checked_sub(i + 1)
            .and_then(|k| toks.get(k))
            .map_or("", |t| t.text)
    };
    let block = block_at(text, line_start);
    let prev = word(0);
    if prev.is_empty() {
        return match block {
            None => vec![Src::Keywords(STARTERS)],
            Some("org") => vec![
                Src::Keywords(&["unit", "matter", "route"]),
                Src::Names(Ns::Person),
            ],
            Some("assign") => vec![Src::Keywords(&["team"]), Src::Names(Ns::Position)],
            Some("test") => vec![Src::Keywords(&["incident", "expect"])],
            Some("liability") => vec![Src::Keywords(&["main", "others", "individual"])],
            Some("procedure") => vec![Src::Keywords(&["propose", "decide", "file"])],
            Some("policy") => vec![Src::Keywords(&["issuer", "number", "effective", "basis"])],
            Some(_) => vec![Src::Everything],
        };
    }
    // A comparison: the values of the fact before it.
    let ops = toks
        .iter()
        .rev()
        .take_while(|t| matches!(t.text, "=" | "<" | ">" | "!"))
        .count();
    if ops > 0 && block != Some("scale") {
        let fact = word(ops);
        return vec![Src::Values(fact.to_string())];
    }
    match prev {
        "bears" => vec![Src::Names(Ns::Duty)],
        "kind" => match word(2) {
            "unit" => vec![Src::Names(Ns::UnitKind)],
            "matter" => vec![Src::Names(Ns::MatterKind)],
            _ => vec![Src::Names(Ns::UnitKind), Src::Names(Ns::MatterKind)],
        },
        "kinds" | "least" | "most" | "exactly" | "within" | "test" | "incident" | "effective" => {
            Vec::new()
        }
        "under" | "to" | "who" | "in-charge" | "operator" | "host" | "approver" | "propose"
        | "decide" | "file" => vec![Src::Names(Ns::Unit)],
        "in" if !word(1).is_empty() && toks.iter().any(|t| t.text == "assign") => {
            vec![Src::Keywords(&["each"]), Src::Names(Ns::Unit)]
        }
        "of" => match word(1) {
            "one" => Vec::new(),
            "day" | "days" | "hour" | "hours" => vec![Src::Names(Ns::EventKind)],
            _ => vec![Src::Keywords(RELATIONS), Src::Names(Ns::Unit)],
        },
        "holds" | "main" | "needs" => vec![Src::Names(Ns::Position)],
        "covers" | "liaises" => vec![Src::Names(Ns::Unit), Src::Names(Ns::Matter)],
        "each" => vec![Src::Keywords(&["matter"]), Src::Names(Ns::UnitKind)],
        "matter" => match word(1) {
            "each" => vec![Src::Names(Ns::MatterKind)],
            "for" => vec![Src::Names(Ns::Matter)],
            "" => Vec::new(),
            _ => vec![Src::Names(Ns::MatterKind), Src::Names(Ns::Matter)],
        },
        "unit" | "route" | "fact" | "scale" if word(1).is_empty() => match prev {
            "route" => vec![Src::Names(Ns::MatterKind)],
            _ => Vec::new(),
        },
        "scale" => vec![Src::Names(Ns::Scale)],
        "must" => vec![Src::Names(Ns::Action)],
        "when" | "and" | "or" | "not" | "(" => {
            vec![Src::Keywords(&["not"]), Src::Names(Ns::Fact)]
        }
        "by" => vec![Src::Keywords(&["day"]), Src::Names(Ns::Fact)],
        "per" if !word(1).is_empty() && word(1).chars().all(|c| c.is_ascii_digit()) => {
            vec![Src::Keywords(PERIODS)]
        }
        "per" => vec![Src::Citations],
        "{" if word(1) == "in" => vec![Src::Values(word(2).to_string())],
        n if n.chars().all(|c| c.is_ascii_digit()) => match word(1) {
            "within" => vec![Src::Keywords(&["days", "hours"])],
            _ => vec![Src::Keywords(&["per", "and"])],
        },
        _ => vec![Src::Everything],
    }
}

/// Whether a name must be quoted to be read as one.
fn needs_quotes(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return true;
    };
    !(first.is_alphabetic() || first == '_')
        || !name.chars().all(word_char)
        || keywords().iter().any(|k| k == name)
        || STARTERS.contains(&name)
}

fn quoted(name: &str) -> String {
    if needs_quotes(name) {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        name.to_string()
    }
}

fn kind_of(ns: Ns) -> CompletionItemKind {
    match ns {
        Ns::Duty | Ns::Level | Ns::Value => CompletionItemKind::ENUM_MEMBER,
        Ns::UnitKind | Ns::MatterKind => CompletionItemKind::CLASS,
        Ns::Position => CompletionItemKind::FIELD,
        Ns::Unit => CompletionItemKind::MODULE,
        Ns::Matter => CompletionItemKind::STRUCT,
        Ns::Person => CompletionItemKind::VARIABLE,
        Ns::Scale => CompletionItemKind::ENUM,
        Ns::Fact => CompletionItemKind::PROPERTY,
        Ns::Action => CompletionItemKind::FUNCTION,
        Ns::EventKind => CompletionItemKind::EVENT,
        Ns::Citation | Ns::Clause => CompletionItemKind::REFERENCE,
    }
}

/// Completion items for the caret at byte `offset` of `text`.
pub(crate) fn complete(
    index: Option<&Index>,
    text: &str,
    offset: usize,
    lines: &LineIndex,
    enc: Encoding,
) -> Vec<CompletionItem> {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let mut start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| word_char(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    // A name being quoted: the quote is replaced too.
    if let Some(q) = text.get(..start).and_then(|t| t.chars().next_back()) {
        if q == '"' || q == '“' {
            start -= q.len_utf8();
        }
    }
    let range = lines.range(text, start, offset, enc);
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |label: String, kind: CompletionItemKind, detail: &str, insert: String| {
        if !seen.insert(label.clone()) {
            return;
        }
        out.push(CompletionItem {
            sort_text: Some(format!("{:05}", out.len())),
            label,
            kind: Some(kind),
            detail: Some(detail.to_string()),
            filter_text: Some(insert.clone()),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range,
                new_text: insert,
            })),
            ..CompletionItem::default()
        });
    };
    let names = |want: &dyn Fn(Ns, &str) -> bool,
                 push: &mut dyn FnMut(String, CompletionItemKind, &str, String)| {
        let Some(index) = index else { return };
        for (sym, info) in index.syms.iter().zip(&index.info) {
            let declared = !info.decls.is_empty() || sym.ns == Ns::Citation;
            if declared && want(sym.ns, &sym.owner) {
                let insert = if sym.ns == Ns::Citation {
                    format!(
                        "\"{}\"",
                        sym.name.replace('\\', "\\\\").replace('"', "\\\"")
                    )
                } else {
                    quoted(&sym.name)
                };
                push(sym.name.clone(), kind_of(sym.ns), sym.ns.what(), insert);
            }
        }
    };
    for src in context(text, start) {
        match src {
            Src::Names(ns) => names(&|n, _| n == ns, &mut push),
            Src::Values(fact) => {
                if let Some((ns, owner)) = index.and_then(|i| i.fact_values.get(&fact)) {
                    names(&|n, o| n == *ns && o == owner, &mut push);
                }
            }
            Src::Citations => names(&|n, _| n == Ns::Citation, &mut push),
            Src::Keywords(list) => {
                for k in list {
                    push(
                        (*k).to_string(),
                        CompletionItemKind::KEYWORD,
                        "keyword",
                        (*k).to_string(),
                    );
                }
            }
            Src::Everything => {
                names(
                    &|n, _| !matches!(n, Ns::Citation | Ns::Clause | Ns::Level | Ns::Value),
                    &mut push,
                );
                for k in keywords() {
                    push(k.clone(), CompletionItemKind::KEYWORD, "keyword", k.clone());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_read_from_the_grammar() {
        let k = keywords();
        assert!(k.len() > 80, "{k:?}");
        for w in ["assign", "bears", "half-year", "in-charge", "who"] {
            assert!(k.iter().any(|x| x == w), "{w}");
        }
        for s in STARTERS {
            assert!(k.iter().any(|x| x == s), "{s}");
        }
    }

    #[test]
    fn the_word_before_the_caret_decides() {
        let ctx = |t: &str| context(t, t.len());
        assert_eq!(ctx("  书记 bears "), vec![Src::Names(Ns::Duty)]);
        assert_eq!(ctx("unit kinds 党委, "), Vec::new());
        assert_eq!(ctx("org {\n  张三 holds "), vec![Src::Names(Ns::Position)]);
        assert_eq!(
            ctx("triggers per \"x\" {\n (一) \"t\" when 后果 >= "),
            vec![Src::Values("后果".into())]
        );
        assert_eq!(ctx(""), vec![Src::Keywords(STARTERS)]);
        assert_eq!(
            ctx("org {\n"),
            vec![
                Src::Keywords(&["unit", "matter", "route"]),
                Src::Names(Ns::Person)
            ]
        );
    }

    #[test]
    fn names_are_quoted_when_they_must_be() {
        assert_eq!(quoted("李 江"), "\"李 江\"");
        assert_eq!(quoted("unit"), "\"unit\"");
        assert_eq!(quoted("院（系）领导班子"), "院（系）领导班子");
        assert_eq!(quoted("a\"b"), "\"a\\\"b\"");
    }
}
