//! The fast reading of plain org files (`fast`) gives the grammar's tree,
//! spans included, or leaves the file to the grammar.

use super::{by_grammar, fast, parse, prescan};
use crate::source::Sources;
use proptest::prelude::*;

/// Both readings of `text`: the fast one, and the grammar's.
fn both(text: &str) -> (Option<String>, Result<String, usize>) {
    let mut sources = Sources::default();
    let file = sources.add("org.zr", text.to_string());
    assert!(prescan(&sources, file, text).is_empty(), "{text}");
    let fast = fast::org_file(file, text, 0).map(|f| format!("{f:?}"));
    let grammar = by_grammar(&sources, file, text)
        .map(|f| format!("{f:?}"))
        .map_err(|d| d.len());
    (fast, grammar)
}

/// The fast reading, where it reads, is the grammar's.
fn agree(text: &str) -> bool {
    match both(text) {
        (Some(fast), Ok(grammar)) => {
            assert_eq!(fast, grammar, "{text}");
            true
        }
        (Some(fast), Err(n)) => {
            panic!("the grammar refuses ({n} problems) what was read fast:\n{text}\n{fast}")
        }
        (None, _) => false,
    }
}

#[test]
fn plain_org_files_are_read_fast_as_the_grammar_reads_them() {
    let text = "\u{FEFF}# 组织\norg {\n  unit 校党委 kind 党委\n  unit 机械学院党委 kind 基层党委 under 校党委 # 注\r\n\
                \u{3000}张三 holds 书记 of 校党委 from 2019-01-01 to 2020-12-31\n\
                李四 holds 班子成员 of 校党委\n李四 covers 机械学院党委，校党委、机械学院党委 , 校党委 from 2019-01-01\n\
                王五 liaises 机械学院党委 to 2021-06-30\tunit a_b-c（一）·d kind 党委}\n# 完\n";
    assert!(agree(text), "read fast");
    assert!(agree("org{}"), "an empty block");
    assert!(
        agree("org { unit \"校 党委\" kind “党 委” under \"a\\\"b\" }"),
        "quoted names"
    );
    assert!(agree("org {\n}\n\n"), "an empty block");
}

#[test]
fn anything_else_is_left_to_the_grammar() {
    for text in [
        "org { unit \"  \" kind 党委 }",
        "org { unit \"校\\n党委\" kind 党委 }",
        "org { unit “校党委\\” kind 党委 }",
        "org { unit 校党委 kind 党委 }\nunit kinds 党委",
        "org { unit kind kind 党委 }",
        "org { 张三 holds 书记 of 校党委 from 2019-02-30 }",
        "org { 张三 holds 书记 of 校党委 from 2019-01-01-01 }",
        "org { 张三 holds 书记 of 校党委 from +2019-01-01 }",
        "org { 张三 holds 书记 of 校党委 from }",
        "org { 张三 holds 书记 of 校党委 to 2019 }",
        "org { 张三 covers 校党委, }",
        "org { 张三 holds 书记 }",
        "org { matter 课程 kind 课 }",
        "org { unit 校党委 kind 党委 under }",
        "org { unit 校党委 kind 党委 }}",
        "org { unit 校党委 kind 党委",
        "org { holds holds 书记 of 校党委 }",
        "orgs { }",
    ] {
        assert!(!agree(text), "{text}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn the_fast_reading_is_the_grammars_or_none(tokens in proptest::collection::vec(prop_oneof![
        Just("unit"), Just("kind"), Just("under"), Just("holds"), Just("of"), Just("covers"),
        Just("liaises"), Just("from"), Just("to"), Just("党委"), Just("u_1"), Just("张三"),
        Just("2019-01-01"), Just("2019-13-01"), Just("1-2-3"), Just(","), Just("、"), Just("\n"),
        Just("# 注\n"), Just("\u{3000}"), Just("\"名\""), Just("unit1"), Just("kindx"),
        Just("2019-01-01x"), Just("·"), Just("-"), Just("matter"), Just("\"李 江\""),
        Just("“王 五”"), Just("\"a\\\"b\""), Just("\"unit\""), Just("\"\""), Just("\"  \""),
        Just("“a\\b”"), Just("“a\\”"), Just("\"a\\x\""), Just("\"a"), Just("“"),
        Just("Unit"), Just("_x"), Just("9a"), Just("x-y"), Just("é"), Just("\u{20000}"),
        Just("甲（兼）"), Just("\u{0660}"), Just("\u{4DFF}"), Just("\u{A000}"),
    ], 0..40), glue in proptest::collection::vec(prop_oneof![Just(" "), Just(""), Just("\r\n")], 40)) {
        let mut text = String::from("org {");
        for (t, g) in tokens.iter().zip(glue.iter().cycle()) {
            text.push_str(g);
            text.push_str(t);
        }
        text.push_str(" }");
        agree(&text);
    }

    #[test]
    fn generated_statements_are_read_fast(stmts in proptest::collection::vec((0usize..3, 0usize..6, 0usize..6, any::<bool>(), any::<bool>()), 0..30)) {
        let names = ["校党委", "u_1", "\"李 江\"", "“张三（兼）”", "\"of\"", "\"a\\\\b\\\"c\""];
        let mut text = String::from("org {\n");
        for (kind, a, b, from, to) in &stmts {
            let line = match kind {
                0 => format!("  unit {} kind 党委{}", names[*a], if *from { format!(" under {}", names[*b]) } else { String::new() }),
                1 => format!("  {} holds 书记 of {}", names[*a], names[*b]),
                _ => format!("  {} covers {}, {}", names[*a], names[*b], names[*a]),
            };
            text.push_str(&line);
            if *kind > 0 && *from {
                text.push_str(" from 2019-01-01");
            }
            if *kind > 0 && *to {
                text.push_str(" to 2020-12-31");
            }
            text.push('\n');
        }
        text.push('}');
        prop_assert!(agree(&text), "{}", text);
    }
}

/// `parse` (with its fast readings) and the grammar alone read `text` alike.
fn parse_agrees(text: &str) {
    let mut sources = Sources::default();
    let file = sources.add("p.zr", text.to_string());
    let fast = parse(&sources, file).map(|f| format!("{f:?}"));
    let grammar = if prescan(&sources, file, text).is_empty() {
        by_grammar(&sources, file, text).map(|f| format!("{f:?}"))
    } else {
        Err(prescan(&sources, file, text))
    };
    match (fast, grammar) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
        (Err(a), Err(b)) => assert_eq!(
            a.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            b.iter().map(|d| d.to_string()).collect::<Vec<_>>()
        ),
        (a, b) => panic!("{text}\n{a:?}\n{b:?}"),
    }
}

#[test]
fn every_example_policy_and_fixture_reads_as_the_grammar_reads_it() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut read = 0;
    let mut dirs = vec![
        std::path::PathBuf::from(format!("{root}/examples/policies")),
        std::path::PathBuf::from(format!("{root}/tests/fixtures")),
    ];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "zr") {
                // Fixtures include files that are not UTF-8 on purpose.
                if let Ok(text) = std::fs::read_to_string(&path) {
                    parse_agrees(&text);
                    read += 1;
                }
            }
        }
    }
    assert!(read > 40, "{read} files");
}

#[test]
fn declarations_then_a_plain_org_block_read_as_the_grammar_reads_them() {
    let org = "org {\n  unit 校党委 kind 党委\n  张三 holds 书记 of 校党委 from 2019-01-01\n}\n";
    for head in [
        "unit kinds 党委\npositions 书记 single\n",
        "unit kinds 党委\npositions 书记, \n",
        "policy \"p\" { effective 2019-01-01 }\nunit kinds 党委\n# org {\n",
        "unit kinds 党委\ntest \"t\" {\n",
        "unit kinds 党委\norg {\n unit 甲 kind 党委\n}\n",
    ] {
        parse_agrees(&format!("{head}{org}"));
    }
    let mut sources = Sources::default();
    let text = format!("unit kinds 党委\npositions 书记 single\n{org}");
    let file = sources.add("p.zr", text.clone());
    assert!(fast::last_org_start(&text).is_some());
    assert!(parse(&sources, file).is_ok());
}

#[test]
fn every_keyword_is_known_as_one() {
    for k in super::names::KEYWORDS {
        assert!(super::names::is_keyword(k), "{k}");
        assert!(!super::names::is_keyword(&format!("{k}1")), "{k}1");
    }
    assert!(!super::names::is_keyword("书记"));
}
