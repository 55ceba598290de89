//! The editor grammar `editors/zeren.tmLanguage.json`, run over the example
//! policies by a small TextMate tokenizer: every line tokenizes, every
//! character outside whitespace gets a scope, and keywords, citations,
//! clause numbers, dates, strings and comments get theirs.
//!
//! The tokenizer implements what the grammar uses — `match` with
//! `captures`, `begin`/`end` with `beginCaptures` and nested `patterns`,
//! `include` of the repository — on Rust's `regex` crate. The grammar keeps
//! to regular expressions that crate and Oniguruma (the editors' engine)
//! read alike: no lookaround, no backreferences.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use regex::Regex;
use serde_json::Value;
use std::collections::HashMap;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A compiled rule.
enum Rule {
    Match {
        re: Regex,
        name: Option<String>,
        captures: HashMap<usize, String>,
    },
    Block {
        begin: Regex,
        end: Regex,
        name: Option<String>,
        begin_captures: HashMap<usize, String>,
        patterns: Vec<usize>,
    },
}

struct Grammar {
    rules: Vec<Rule>,
    top: Vec<usize>,
}

fn captures(v: &Value) -> HashMap<usize, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.parse().unwrap(), v["name"].as_str().unwrap().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn compile(src: &str) -> Regex {
    Regex::new(src).unwrap_or_else(|e| panic!("{src}: {e}"))
}

impl Grammar {
    fn load() -> Grammar {
        let text =
            std::fs::read_to_string(format!("{ROOT}/editors/zeren.tmLanguage.json")).unwrap();
        let json: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["scopeName"], "source.zeren");
        let mut g = Grammar {
            rules: Vec::new(),
            top: Vec::new(),
        };
        g.top = g.patterns(&json["patterns"], &json["repository"]);
        g
    }

    /// The rules a `patterns` list stands for, includes flattened in order.
    fn patterns(&mut self, list: &Value, repo: &Value) -> Vec<usize> {
        let mut out = Vec::new();
        for p in list.as_array().unwrap() {
            out.extend(self.rule(p, repo));
        }
        out
    }

    fn rule(&mut self, p: &Value, repo: &Value) -> Vec<usize> {
        if let Some(inc) = p["include"].as_str() {
            let key = inc
                .strip_prefix('#')
                .expect("only repository includes are used");
            let target = &repo[key];
            assert!(!target.is_null(), "no repository rule {key}");
            return self.rule(target, repo);
        }
        let name = p["name"].as_str().map(str::to_string);
        if let Some(m) = p["match"].as_str() {
            self.rules.push(Rule::Match {
                re: compile(m),
                name,
                captures: captures(&p["captures"]),
            });
            return vec![self.rules.len() - 1];
        }
        if let Some(b) = p["begin"].as_str() {
            let id = self.rules.len();
            self.rules.push(Rule::Block {
                begin: compile(b),
                end: compile(p["end"].as_str().unwrap()),
                name,
                begin_captures: captures(&p["beginCaptures"]),
                patterns: Vec::new(),
            });
            let inner = if p["patterns"].is_null() {
                Vec::new()
            } else {
                self.patterns(&p["patterns"], repo)
            };
            if let Rule::Block { patterns, .. } = &mut self.rules[id] {
                *patterns = inner;
            }
            return vec![id];
        }
        // A rule that only groups patterns.
        self.patterns(&p["patterns"], repo)
    }
}

/// The scopes of each byte of a line.
fn scopes_of(spans: &mut [Vec<String>], from: usize, to: usize, scope: &str) {
    for s in spans.iter_mut().take(to).skip(from) {
        for part in scope.split_whitespace() {
            s.push(part.to_string());
        }
    }
}

fn apply(
    spans: &mut [Vec<String>],
    caps: &regex::Captures<'_>,
    name: &Option<String>,
    captures: &HashMap<usize, String>,
) {
    let m = caps.get(0).unwrap();
    if let Some(n) = name {
        scopes_of(spans, m.start(), m.end(), n);
    }
    for (i, scope) in captures {
        if let Some(g) = caps.get(*i) {
            scopes_of(spans, g.start(), g.end(), scope);
        }
    }
}

/// Tokenizes one line from the rule stack `stack`; returns the scopes of
/// each byte and leaves the stack as the line ends.
fn tokenize(g: &Grammar, line: &str, stack: &mut Vec<usize>) -> Vec<Vec<String>> {
    let mut spans = vec![Vec::new(); line.len()];
    let mut pos = 0;
    let mut steps = 0;
    while pos <= line.len() {
        steps += 1;
        assert!(steps < 10_000, "the grammar loops on {line:?}");
        let (candidates, end) = match stack.last() {
            Some(&b) => match &g.rules[b] {
                Rule::Block { patterns, end, .. } => (patterns.clone(), Some(end)),
                Rule::Match { .. } => unreachable!(),
            },
            None => (g.top.clone(), None),
        };
        // The earliest match wins; at one position, the end of the block,
        // then the patterns in order.
        let mut best: Option<(usize, Option<usize>, regex::Captures<'_>)> = None;
        if let Some(end) = end {
            if let Some(c) = end.captures_at(line, pos) {
                best = Some((c.get(0).unwrap().start(), None, c));
            }
        }
        for id in candidates {
            let re = match &g.rules[id] {
                Rule::Match { re, .. } => re,
                Rule::Block { begin, .. } => begin,
            };
            if let Some(c) = re.captures_at(line, pos) {
                let start = c.get(0).unwrap().start();
                if best.as_ref().is_none_or(|b| start < b.0) {
                    best = Some((start, Some(id), c));
                }
            }
        }
        let Some((start, which, caps)) = best else {
            break;
        };
        let m = caps.get(0).unwrap();
        let block_scopes: Vec<String> = stack
            .iter()
            .filter_map(|b| match &g.rules[*b] {
                Rule::Block { name, .. } => name.clone(),
                Rule::Match { .. } => None,
            })
            .collect();
        for s in &block_scopes {
            scopes_of(&mut spans, pos, start, s);
        }
        match which {
            None => {
                for s in &block_scopes {
                    scopes_of(&mut spans, m.start(), m.end(), s);
                }
                stack.pop();
            }
            Some(id) => match &g.rules[id] {
                Rule::Match { name, captures, .. } => {
                    for s in &block_scopes {
                        scopes_of(&mut spans, m.start(), m.end(), s);
                    }
                    apply(&mut spans, &caps, name, captures);
                }
                Rule::Block {
                    name,
                    begin_captures,
                    ..
                } => {
                    for s in &block_scopes {
                        scopes_of(&mut spans, m.start(), m.end(), s);
                    }
                    apply(&mut spans, &caps, name, begin_captures);
                    stack.push(id);
                }
            },
        }
        if m.end() > pos {
            pos = m.end();
        } else if which.is_none() {
            // An empty end (`$`): the block closed where it stands.
            if m.end() == line.len() {
                continue;
            }
            pos = m.end();
        } else {
            // An empty match: step over one character.
            pos += line[pos..].chars().next().map_or(1, char::len_utf8);
        }
        if pos >= line.len() && stack.is_empty() {
            break;
        }
    }
    spans
}

/// Tokenizes a whole text, line by line.
fn tokenize_text(g: &Grammar, text: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let mut stack = Vec::new();
    text.lines()
        .map(|line| (line.to_string(), tokenize(g, line, &mut stack)))
        .collect()
}

fn has(scopes: &[String], prefix: &str) -> bool {
    scopes.iter().any(|s| s.starts_with(prefix))
}

fn keywords() -> Vec<String> {
    let grammar = std::fs::read_to_string(format!("{ROOT}/grammar/zeren.pest")).unwrap();
    grammar
        .lines()
        .filter(|l| l.starts_with("K_"))
        .filter_map(|l| l.split('"').nth(1))
        .map(str::to_string)
        .collect()
}

fn examples() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(format!("{ROOT}/examples/policies"))
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_line_of_every_example_tokenizes_with_scopes() {
    let g = Grammar::load();
    for (file, text) in examples() {
        for (n, (line, spans)) in tokenize_text(&g, &text).iter().enumerate() {
            for (i, c) in line.char_indices() {
                if c.is_whitespace() || c == '\u{FEFF}' {
                    continue;
                }
                assert!(
                    !spans[i].is_empty(),
                    "{file}:{}: `{c}` at byte {i} has no scope: {line}",
                    n + 1
                );
            }
        }
    }
}

/// The words of a line outside strings and comments, with their offsets.
fn words(line: &str, spans: &[Vec<String>]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    for (i, c) in line
        .char_indices()
        .chain(std::iter::once((line.len(), ' ')))
    {
        match (start, is_word(c)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let quoted = has(&spans[s], "string") || has(&spans[s], "comment");
                if !quoted {
                    out.push((s, line[s..i].to_string()));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[test]
fn keywords_citations_clauses_dates_strings_and_comments_get_their_scopes() {
    let g = Grammar::load();
    let keywords = keywords();
    let mut seen = HashMap::new();
    for (file, text) in examples() {
        for (n, (line, spans)) in tokenize_text(&g, &text).iter().enumerate() {
            let at = format!("{file}:{}: {line}", n + 1);
            for (i, w) in words(line, spans) {
                if keywords.contains(&w) {
                    let s = &spans[i];
                    assert!(
                        has(s, "keyword") || has(s, "constant.language"),
                        "{at}: keyword `{w}` has {s:?}"
                    );
                    *seen.entry("keyword").or_insert(0) += 1;
                }
            }
            // per "第三条": the quoted article is a citation.
            for (i, _) in line
                .match_indices("per \"")
                .chain(line.match_indices("per “"))
            {
                if has(&spans[i], "comment") {
                    continue;
                }
                let q = i + "per ".len();
                assert!(has(&spans[q], "entity.name.section.citation"), "{at}");
                assert!(has(&spans[q + 1], "string"), "{at}");
                *seen.entry("citation").or_insert(0) += 1;
            }
            // A clause: its number, then its text.
            let trimmed = line.trim_start();
            if trimmed.starts_with(['(', '（']) && trimmed.contains(" \"") {
                let i = line.len() - trimmed.len();
                assert!(
                    has(&spans[i], "constant.other.clause"),
                    "{at}: {:?}",
                    spans[i]
                );
                *seen.entry("clause").or_insert(0) += 1;
            }
            let bytes = line.as_bytes();
            for i in 0..line.len() {
                let date = bytes.len() >= i + 10
                    && bytes[i..i + 10].iter().enumerate().all(|(k, b)| {
                        if k == 4 || k == 7 {
                            *b == b'-'
                        } else {
                            b.is_ascii_digit()
                        }
                    })
                    && (i == 0 || !bytes[i - 1].is_ascii_digit());
                if date && !has(&spans[i], "comment") && !has(&spans[i], "string") {
                    assert!(has(&spans[i], "constant.numeric.date"), "{at}");
                    *seen.entry("date").or_insert(0) += 1;
                }
            }
            if let Some(i) = line.find('#') {
                if !has(&spans[i], "string") {
                    assert!(spans[i..].iter().all(|s| has(s, "comment")), "{at}");
                    *seen.entry("comment").or_insert(0) += 1;
                }
            }
        }
    }
    for what in ["keyword", "citation", "clause", "date", "comment"] {
        assert!(
            seen.get(what).copied().unwrap_or(0) > 10,
            "{what}: {seen:?}"
        );
    }
}

#[test]
fn every_keyword_of_the_language_is_highlighted_as_one() {
    let g = Grammar::load();
    for k in keywords() {
        let line = format!("x {k} y");
        let spans = tokenize(&g, &line, &mut Vec::new());
        let s = &spans[2];
        assert!(
            has(s, "keyword") || has(s, "constant.language"),
            "`{k}`: {s:?}"
        );
        // The whole word, not a prefix of it.
        assert_eq!(spans[2 + k.len() - 1], *s, "`{k}`");
    }
}

#[test]
fn names_strings_and_escapes() {
    let g = Grammar::load();
    let line = r#"  "赵 \"娟\"" holds 书记 of 院（系）领导班子 from 2019-07-01 # 注"#;
    let spans = tokenize(&g, line, &mut Vec::new());
    let at = |s: &str| line.find(s).unwrap();
    assert!(has(&spans[at("\"赵")], "string.quoted.double"));
    assert!(has(&spans[at("\\\"")], "constant.character.escape"));
    assert!(has(&spans[at("书记")], "variable.other.name"));
    let college = at("院（系）");
    assert!(spans[college..college + "院（系）领导班子".len()]
        .iter()
        .all(|s| has(s, "variable.other.name")));
    assert!(has(&spans[at("2019")], "constant.numeric.date"));
    assert!(has(&spans[at("# 注")], "comment"));
    // An unterminated string ends with its line.
    let mut stack = Vec::new();
    let spans = tokenize(&g, "policy \"未完", &mut stack);
    assert!(has(&spans[8], "string"));
    assert!(stack.is_empty(), "a string does not run onto the next line");
    // The duties line names duties.
    let line = "duties 主体责任 > 第一责任人";
    let spans = tokenize(&g, line, &mut Vec::new());
    assert!(has(
        &spans[line.find("第一").unwrap()],
        "entity.name.type.duty"
    ));
    assert!(has(&spans[line.find('>').unwrap()], "keyword.operator"));
}
