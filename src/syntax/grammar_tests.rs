//! The grammar is the one source of the language's keywords. These tests
//! read `grammar/zeren.pest` as text and check that every table in this
//! module agrees with it, so a keyword added to the grammar cannot be
//! forgotten by the tree builder, the error messages or the recovery.

use super::build::is_keyword;
use super::names::{human, KEYWORDS};
use super::{resume_at, starts_declaration, Rule};
use std::collections::{BTreeMap, BTreeSet};

const GRAMMAR: &str = include_str!("../../grammar/zeren.pest");
/// The code that calls the parser: the rules it names are entry points.
const PARSER_CALLS: &str = include_str!("mod.rs");

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Punct(char),
}

/// The grammar's tokens, comments dropped.
fn tokens(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                let mut s = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => s.extend(chars.next()),
                        '"' => break,
                        c => s.push(c),
                    }
                }
                out.push(Tok::Str(s));
            }
            '\'' => panic!("the reader does not know single-quoted literals"),
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let mut s = c.to_string();
                while let Some(&n) = chars.peek() {
                    if !(n.is_ascii_alphanumeric() || n == '_') {
                        break;
                    }
                    s.push(n);
                    chars.next();
                }
                out.push(Tok::Ident(s));
            }
            c if c.is_whitespace() => {}
            c => out.push(Tok::Punct(c)),
        }
    }
    out
}

/// The grammar's rules, name → body tokens, in order.
fn rules() -> Vec<(String, Vec<Tok>)> {
    let toks = tokens(GRAMMAR);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let Tok::Ident(name) = &toks[i] else {
            panic!("expected a rule name at token {i}: {:?}", toks[i]);
        };
        assert_eq!(toks[i + 1], Tok::Punct('='), "rule {name}");
        i += 2;
        // A modifier: `_` silent, `@` atomic, `$` compound, `!` non-atomic.
        if matches!(&toks[i], Tok::Punct('@' | '$' | '!')) || toks[i] == Tok::Ident("_".into()) {
            i += 1;
        }
        assert_eq!(toks[i], Tok::Punct('{'), "rule {name}");
        let mut depth = 0;
        let start = i + 1;
        loop {
            match &toks[i] {
                Tok::Punct('{') => depth += 1,
                Tok::Punct('}') => depth -= 1,
                _ => {}
            }
            i += 1;
            if depth == 0 {
                break;
            }
        }
        out.push((name.clone(), toks[start..i - 1].to_vec()));
    }
    out
}

/// `K_x` rule name → the keyword it spells. Each must be exactly
/// `"word" ~ !ident_char`.
fn keyword_rules() -> BTreeMap<String, String> {
    rules()
        .into_iter()
        .filter(|(name, _)| name.starts_with("K_"))
        .map(|(name, body)| match body.as_slice() {
            [Tok::Str(word), Tok::Punct('~'), Tok::Punct('!'), Tok::Ident(guard)]
                if guard == "ident_char" =>
            {
                (name, word.clone())
            }
            _ => panic!("{name} is not `\"word\" ~ !ident_char`: {body:?}"),
        })
        .collect()
}

/// The words of the `starter` rule.
fn starter_words() -> BTreeSet<String> {
    let rules = rules();
    let (_, body) = rules.iter().find(|(n, _)| n == "starter").unwrap();
    body.iter()
        .filter_map(|t| match t {
            Tok::Str(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// Splits `toks` at `sep` outside brackets.
fn split(toks: &[Tok], sep: char) -> Vec<&[Tok]> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut from = 0;
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Punct('(' | '{') => depth += 1,
            Tok::Punct(')' | '}') => depth -= 1,
            Tok::Punct(c) if *c == sep && depth == 0 => {
                parts.push(&toks[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&toks[from..]);
    parts
}

/// The keywords an expression can begin with, and whether it can match
/// nothing.
fn first(
    toks: &[Tok],
    rules: &BTreeMap<String, Vec<Tok>>,
    keywords: &BTreeMap<String, String>,
    depth: usize,
) -> (BTreeSet<String>, bool) {
    assert!(depth < 64, "the grammar reader recursed too deep");
    let mut words = BTreeSet::new();
    let mut nullable = false;
    for alt in split(toks, '|') {
        let mut alt_nullable = true;
        for element in split(alt, '~') {
            let (predicate, rest) = match element.first() {
                Some(Tok::Punct('!' | '&')) => (true, &element[1..]),
                _ => (false, element),
            };
            if predicate {
                continue; // a lookahead consumes nothing
            }
            let optional = matches!(rest.last(), Some(Tok::Punct('?' | '*')));
            let (w, n) = match rest.first() {
                Some(Tok::Ident(name)) if keywords.contains_key(name) => {
                    ([keywords[name].clone()].into(), false)
                }
                Some(Tok::Ident(name)) if rules.contains_key(name) => {
                    first(&rules[name], rules, keywords, depth + 1)
                }
                Some(Tok::Punct('(')) => {
                    let close = rest.iter().rposition(|t| *t == Tok::Punct(')')).unwrap();
                    first(&rest[1..close], rules, keywords, depth + 1)
                }
                // A built-in rule or a literal that is not a keyword.
                _ => (BTreeSet::new(), false),
            };
            words.extend(w);
            if !(n || optional) {
                alt_nullable = false;
                break;
            }
        }
        nullable |= alt_nullable;
    }
    (words, nullable)
}

#[test]
fn the_reader_sees_every_rule_of_the_grammar() {
    let read: BTreeSet<String> = rules().into_iter().map(|(n, _)| n).collect();
    let generated: BTreeSet<String> = Rule::all_rules().iter().map(|r| format!("{r:?}")).collect();
    assert_eq!(read, generated);
    assert!(keyword_rules().len() > 80);
}

#[test]
fn the_keyword_table_is_the_grammars_keyword_rules() {
    let grammar: BTreeSet<String> = keyword_rules().into_values().collect();
    let table: BTreeSet<String> = KEYWORDS.iter().map(|k| k.to_string()).collect();
    let missing: Vec<_> = grammar.difference(&table).collect();
    let extra: Vec<_> = table.difference(&grammar).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "KEYWORDS lacks {missing:?} and has {extra:?} that no K_ rule spells"
    );
    assert!(
        KEYWORDS.windows(2).all(|w| w[0] < w[1]),
        "KEYWORDS is sorted, without repeats"
    );
}

#[test]
fn every_keyword_rule_is_dropped_by_the_builder_and_named_in_messages() {
    let keywords = keyword_rules();
    for &rule in Rule::all_rules() {
        let name = format!("{rule:?}");
        let token = matches!(rule, Rule::lbrace | Rule::rbrace | Rule::comma);
        assert_eq!(
            is_keyword(rule),
            keywords.contains_key(&name) || token,
            "{name}"
        );
        if let Some(word) = keywords.get(&name) {
            assert_eq!(human(rule), format!("`{word}`"), "{name}");
        }
    }
}

#[test]
fn starters_are_exactly_the_words_that_open_a_declaration_or_org_statement() {
    let keywords = keyword_rules();
    let rules: BTreeMap<String, Vec<Tok>> = rules().into_iter().collect();
    let (mut opening, _) = first(&rules["item"], &rules, &keywords, 0);
    let (org, _) = first(&rules["org_stmt"], &rules, &keywords, 0);
    opening.extend(org);
    assert!(opening.contains("test") && opening.contains("route"));
    assert_eq!(
        starter_words(),
        opening,
        "`starter` must list exactly the keywords that open an `item` or an `org_stmt`"
    );
}

#[test]
fn recovery_resumes_at_every_starter_and_nowhere_else() {
    let starters = starter_words();
    for word in &starters {
        assert!(starts_declaration(&format!("{word} x\n")), "{word}");
        assert!(starts_declaration(&format!("{word}{{")), "{word}");
        assert!(
            !starts_declaration(&format!("  {word} x")),
            "indented {word}"
        );
        assert!(
            !starts_declaration(&format!("{word}-x")),
            "{word}-x is a name"
        );
        let text = format!("duties 甲 >\n  # note\n{word} x\n");
        let pos = "duties 甲 >".len();
        assert_eq!(
            resume_at(&text, pos, 0),
            text.find(&format!("\n{word}")).map(|i| i + 1)
        );
    }
    for word in keyword_rules().values().filter(|w| !starters.contains(*w)) {
        assert!(!starts_declaration(&format!("{word} x")), "{word}");
    }
}

#[test]
fn every_rule_is_used_by_another_rule_or_by_the_parser() {
    let rules = rules();
    let mut used: BTreeSet<String> = ["WHITESPACE", "COMMENT"].map(String::from).into();
    for (_, body) in &rules {
        for t in body {
            if let Tok::Ident(name) = t {
                used.insert(name.clone());
            }
        }
    }
    // Whitespace removed, so a call that rustfmt breaks over lines counts.
    let calls: String = PARSER_CALLS.split_whitespace().collect();
    for call in calls.split("ZerenParser::parse(Rule::").skip(1) {
        let name: String = call
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        used.insert(name);
    }
    let unused: Vec<_> = rules
        .iter()
        .map(|(n, _)| n)
        .filter(|n| !used.contains(*n))
        .collect();
    assert!(unused.is_empty(), "rules nothing uses: {unused:?}");
}

#[test]
fn the_fuzzing_dictionary_lists_every_keyword() {
    let dict = include_str!("../../fuzz/zeren.dict");
    for word in super::names::KEYWORDS {
        assert!(
            dict.contains(&format!("=\"{word}\"")),
            "fuzz/zeren.dict lacks the keyword `{word}`"
        );
    }
}
