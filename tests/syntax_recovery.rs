//! Syntax errors do not hide other problems: recovery resumes at every
//! declaration keyword, and problems found while building declarations are
//! kept on both sides of a syntax error.
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
    d.iter().map(|d| (d.kind, d.line, d.column)).collect()
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
    let lines: Vec<usize> = d.iter().map(|d| d.line).collect();
    let expected: Vec<usize> = (1..=broken.len() + 1).collect();
    assert_eq!(lines, expected, "{d:#?}");
}
