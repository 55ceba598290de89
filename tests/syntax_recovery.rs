//! Syntax errors do not hide other problems: recovery resumes at every
//! declaration keyword, and problems found while building declarations are
//! kept on both sides of a syntax error. Characters that would make text
//! read differently from how it parses are rejected with their location.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use zeren::{DiagKind, Diagnostic};

/// Every problem in `text`, as syntax sees it (no semantic checks).
fn problems(text: &str) -> Vec<Diagnostic> {
    match zeren::parse_tree("t.zr", text) {
        Ok(_) => panic!("must not parse:\n{text}"),
        Err(d) => d.0,
    }
}

fn parses(text: &str) {
    if let Err(d) = zeren::parse_tree("t.zr", text) {
        panic!("must parse:\n{text}\n{d}");
    }
}

/// `(kind, line, column)` of each problem.
fn places(d: &[Diagnostic]) -> Vec<(DiagKind, usize, usize)> {
    d.iter().map(|d| (d.kind, d.line(), d.column())).collect()
}

#[test]
fn an_error_in_a_later_test_block_is_reported_with_an_earlier_one() {
    let text = "\
fact 严重 bool
test \"一\" {
  expect triggers
}
test \"二\" {
  incident 2021-06-01 { 严重 = true }
  expect who
}
";
    let d = problems(text);
    assert_eq!(
        places(&d),
        [(DiagKind::Syntax, 4, 1), (DiagKind::Syntax, 8, 1)],
        "{d:#?}"
    );
}

#[test]
fn a_test_block_after_an_error_elsewhere_is_still_checked() {
    let text = "\
duties 主体责任 >
test \"一\" {
  expect triggers
}
";
    let d = problems(text);
    assert_eq!(
        places(&d),
        [(DiagKind::Syntax, 2, 1), (DiagKind::Syntax, 4, 1)],
        "{d:#?}"
    );
    assert!(d[0].help.as_deref().unwrap().contains("ends too early"));
}

#[test]
fn an_impossible_date_on_line_1_is_reported_with_a_syntax_error_on_line_5() {
    let text = "\
policy \"x\" { effective 2019-02-30 }
duties 主体责任
unit kinds 党委

duties > 第一责任人
";
    let d = problems(text);
    assert_eq!(
        places(&d),
        [(DiagKind::InvalidDate, 1, 24), (DiagKind::Syntax, 5, 8)],
        "{d:#?}"
    );
    assert!(d[0].message.contains("2019-02-30"), "{}", d[0].message);
}

#[test]
fn problems_after_a_syntax_error_are_reported_too() {
    let text = "\
unit kinds 党委,
positions 书记 single
org {
  张 holds 书记 of 党委 from 2019-02-30
}
actions kind
";
    let d = problems(text);
    assert_eq!(
        places(&d),
        [
            (DiagKind::Syntax, 2, 1),
            (DiagKind::InvalidDate, 4, 25),
            (DiagKind::Syntax, 6, 9),
        ],
        "{d:#?}"
    );
    assert_eq!(d[2].message, "`kind` is a keyword, not a name");
}

#[test]
fn recovery_resumes_at_an_unindented_route_inside_an_org_block() {
    // The error in `holds` cuts the org block short; the route line that
    // follows is read as the rest of the block, not reported as misplaced,
    // and the error on the last line is still found.
    let text = "\
org {
  张 holds 书记
route 课堂 in-charge 教务处
  unit 甲 kind 部门
}
duties 主体责任 > >
";
    let d = problems(text);
    assert_eq!(
        places(&d),
        [(DiagKind::Syntax, 3, 1), (DiagKind::Syntax, 6, 15)],
        "{d:#?}"
    );
    // An error inside that route line is reported where it is.
    let text = "\
org {
  张 holds 书记
route 课堂 in-charge
}
";
    let d = problems(text);
    assert_eq!(
        places(&d),
        [(DiagKind::Syntax, 3, 1), (DiagKind::Syntax, 4, 1)],
        "{d:#?}"
    );
}

#[test]
fn recovery_resumes_at_each_declaration_keyword() {
    // One broken declaration of each kind after a first error: each one is
    // reported, so recovery stopped at every one of them.
    let broken = [
        "policy {",
        "duties >",
        "unit kinds ,",
        "matter kinds ,",
        "positions ,",
        "org { 张 }",
        "assign { }",
        "scale { }",
        "fact 甲 {",
        "triggers { }",
        "sanctions { }",
        "consequence \"x\"",
        "aggravating \"x\"",
        "liability { }",
        "procedure { }",
        "actions ,",
        "event kinds ,",
        "obligation { }",
        "staffing { }",
        "test { }",
    ];
    let text: String = std::iter::once("duties 甲 > >\n")
        .chain(broken.iter().flat_map(|b| [*b, "\n"]))
        .collect();
    let d = problems(&text);
    let lines: Vec<usize> = d.iter().map(|d| d.line()).collect();
    let expected: Vec<usize> = (1..=broken.len() + 1).collect();
    assert_eq!(lines, expected, "{d:#?}");
}

#[test]
fn control_characters_in_quoted_names_are_rejected_with_their_place() {
    for (c, what) in [
        ('\u{1b}', "an escape character (U+001B)"),
        ('\0', "a NUL character (U+0000)"),
        ('\t', "a control character (U+0009)"),
        ('\u{7f}', "a control character (U+007F)"),
        ('\u{85}', "a control character (U+0085)"),
        ('\u{9b}', "a control character (U+009B)"),
    ] {
        for (open, close) in [('"', '"'), ('“', '”')] {
            let text = format!("unit kinds 党委\nunit kinds {open}a{c}b{close}\n");
            let d = problems(&text);
            assert_eq!(
                places(&d),
                [(DiagKind::ForbiddenChar, 2, 14)],
                "{text:?}: {d:#?}"
            );
            assert!(d[0].message.starts_with(what), "{}", d[0].message);
        }
    }
}

#[test]
fn control_characters_outside_quotes_are_rejected_too() {
    for (text, line, column) in [
        ("unit kinds 甲\0\n", 1, 13),
        ("# 注释 \u{1b}[2J\nunit kinds 甲\n", 1, 6),
        ("unit kinds 甲\n\u{7}\n", 2, 1),
        ("unit kinds 甲 \u{85}\n", 1, 14),
    ] {
        let d = problems(text);
        assert_eq!(
            places(&d),
            [(DiagKind::ForbiddenChar, line, column)],
            "{text:?}: {d:#?}"
        );
    }
}

#[test]
fn tabs_and_crlf_line_ends_outside_quotes_are_whitespace() {
    parses("unit kinds\t党委,\t部门\r\n# 注释\twith a tab\r\npositions 书记\r\n");
    // An escaped quote does not end the quoted text, so the tab after the
    // text is outside it.
    parses("unit kinds \"a\\\"b\"\t# 注释\n");
}

#[test]
fn a_backslash_escaped_quote_does_not_hide_a_control_in_quoted_text() {
    let d = problems("unit kinds \"a\\\"\tb\"\n");
    assert_eq!(places(&d), [(DiagKind::ForbiddenChar, 1, 16)], "{d:#?}");
}

#[test]
fn a_lone_carriage_return_is_an_error_and_never_hides_code() {
    // Some editors show `duties X` on a line of its own.
    let d = problems("# comment\rduties X\n");
    assert_eq!(places(&d), [(DiagKind::ForbiddenChar, 1, 10)], "{d:#?}");
    assert!(
        d[0].message.contains("lone carriage return (U+000D)"),
        "{}",
        d[0].message
    );
    assert!(d[0].help.as_deref().unwrap().contains("LF or CRLF"));
    for (text, line, column) in [
        ("unit kinds 甲\rpositions 书记\n", 1, 13),
        ("unit kinds \"甲\r\"\n", 1, 14),
        ("unit kinds 甲\r\n\r", 2, 1),
        ("unit kinds 甲\r\r\n", 1, 13),
    ] {
        let d = problems(text);
        assert_eq!(
            places(&d),
            [(DiagKind::ForbiddenChar, line, column)],
            "{text:?}: {d:#?}"
        );
    }
}

#[test]
fn a_sign_or_extra_digits_make_no_date() {
    for (date, column) in [
        ("+2021-06-01", 13),
        ("002021-06-01", 13),
        ("-2021-06-01", 13),
        ("2021-06-001", 13),
    ] {
        let text = format!("policy \"x\" {{\n  effective {date}\n}}\n");
        let d = problems(&text);
        assert_eq!(
            places(&d),
            [(DiagKind::InvalidDate, 2, column)],
            "{date}: {d:#?}"
        );
        assert_eq!(d[0].message, format!("`{date}` is not a date"));
        let help = d[0].help.as_deref().unwrap();
        assert!(help.contains("YYYY-MM-DD"), "{help}");
    }
    // In an org interval and a test incident alike.
    let d = problems(
        "org {\n  张 holds 书记 of 甲 from +2021-06-01\n}\ntest \"t\" {\n  incident 002021-06-01 { }\n}\n",
    );
    assert_eq!(
        places(&d),
        [
            (DiagKind::InvalidDate, 2, 24),
            (DiagKind::InvalidDate, 5, 12)
        ],
        "{d:#?}"
    );
}

#[test]
fn a_tab_in_a_clause_number_is_rejected() {
    let d = problems("triggers per \"第五条\" {\n  (一\t) \"文本\" otherwise\n}\n");
    assert_eq!(places(&d), [(DiagKind::ForbiddenChar, 2, 5)], "{d:#?}");
    assert!(d[0].message.contains("(U+0009)"), "{}", d[0].message);
}
