//! The regulation's articles: `articles` lists, notes, the coverage warnings
//! of `check`, and the `articles` answer behind `zeren coverage`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use zeren::articles::CitingKind;
use zeren::{DiagKind, Policy};

const POLICY: &str = include_str!("fixtures/articles/policy.zr");

fn parse(src: &str) -> Policy {
    Policy::parse("policy.zr", src).unwrap_or_else(|e| panic!("{e}"))
}

fn warnings_of(p: &Policy, kind: DiagKind) -> Vec<String> {
    p.warnings()
        .iter()
        .filter(|d| d.kind == kind)
        .map(|d| format!("{}:{}: {}", d.line(), d.column(), d.message))
        .collect()
}

#[test]
fn a_policy_that_cites_every_listed_article_has_no_coverage_warnings() {
    let p = parse(POLICY);
    assert!(p.warnings().is_empty(), "{}", p.warnings());
    let a = p.articles();
    let got: Vec<(&str, Vec<CitingKind>)> = a
        .articles
        .iter()
        .map(|x| (x.citation, x.cited_by.iter().map(|c| c.kind).collect()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("第一条", vec![CitingKind::Note]),
            ("第二条(一)", vec![CitingKind::Rule]),
            ("第二条(二)", vec![CitingKind::Rule]),
            ("第三条", vec![CitingKind::Obligation]),
            ("第四条(一)", vec![CitingKind::Trigger]),
            ("第四条(二)", vec![CitingKind::Trigger]),
        ]
    );
    assert!(a.articles[0].noted_only());
    // The one test saw 第四条(一) match and (二) not; nothing tests 第三条.
    assert_eq!(a.articles[4].tests, vec!["失控"]);
    assert_eq!(a.articles[5].tests, vec!["失控"]);
    assert!(a.articles[3].tests.is_empty());
    assert!(a.unlisted.is_empty());
    assert_eq!(a.uncited().count(), 0);
    let text = a.to_string();
    assert!(
        text.contains("第三条      obligation 专题研究 [第三条]"),
        "{text}"
    );
    assert!(text.ends_with("6 of 6 listed articles cited\n"), "{text}");
}

#[test]
fn removing_an_articles_rules_warns_that_nothing_cites_it() {
    let src = POLICY.replace(
        "obligation per \"第三条\" each 党委 must 专题研究 at least 2 per year\n",
        "",
    );
    let p = parse(&src);
    assert_eq!(
        warnings_of(&p, DiagKind::UncitedArticle),
        vec!["9:3: no rule, obligation, trigger or note cites 第三条"]
    );
    let src = POLICY.replace("  (二) \"瞒报的\" when 失职 = 瞒报\n", "");
    let p = parse(&src);
    assert_eq!(
        warnings_of(&p, DiagKind::UncitedArticle),
        vec!["10:14: no rule, obligation, trigger or note cites 第四条(二)"]
    );
    assert_eq!(
        p.articles()
            .uncited()
            .map(|a| a.citation)
            .collect::<Vec<_>>(),
        vec!["第四条(二)"]
    );
}

#[test]
fn a_citation_of_no_listed_article_is_a_warning() {
    let src = POLICY.replace("assign per \"第二条 (二)\"", "assign per \"第五条\"");
    let p = parse(&src);
    assert_eq!(
        warnings_of(&p, DiagKind::UnlistedCitation),
        vec!["21:12: `第五条` is not an article of the `articles` list"]
    );
    // 第二条(二) lost its only rule too.
    assert_eq!(warnings_of(&p, DiagKind::UncitedArticle).len(), 1);
    let a = p.articles();
    assert_eq!(a.unlisted.len(), 1);
    assert_eq!(a.unlisted[0].citation, "第五条");
    assert!(a.to_string().contains("citing no listed article:"));
}

#[test]
fn an_article_level_citation_does_not_cover_its_items() {
    // Citing 第四条 as a whole names a listed article, but its items each
    // need their own citation.
    let src = POLICY
        .replace("triggers per \"第四条\" {\n  (一) \"失控的\" when 失职 = 失控\n  (二) \"瞒报的\" when 失职 = 瞒报\n}\n", "sanctions per \"第四条\" { 提醒 }\n")
        .replace("test \"失控\" {\n  incident 2020-05-01 at 校党委 { 失职 = 失控 }\n  expect triggers (一)\n}\n", "");
    let p = parse(&src);
    assert!(warnings_of(&p, DiagKind::UnlistedCitation).is_empty());
    assert_eq!(warnings_of(&p, DiagKind::UncitedArticle).len(), 2);
}

#[test]
fn bad_listings_are_errors_or_warnings_with_their_place() {
    // An article listed twice (however its brackets are written), an item twice.
    let src = POLICY.replace("  第三条\n", "  第三条\n  \"第三条 \"\n");
    let e = Policy::parse("policy.zr", &src).unwrap_err();
    assert_eq!(e.0[0].kind, DiagKind::Duplicate);
    assert!(
        e.0[0]
            .message
            .contains("article `第三条 ` is declared twice"),
        "{e}"
    );
    assert_eq!(e.0[0].labels.len(), 2);
    let src = POLICY.replace("第四条 { (一), (二) }", "第四条 { (一), （一） }");
    let e = Policy::parse("policy.zr", &src).unwrap_err();
    assert!(
        e.to_string()
            .contains("item of 第四条 `（一）` is declared twice"),
        "{e}"
    );
    // A note on an article the list does not have.
    let src = POLICY.replace("note per \"第一条\"", "note per \"第十一条\"");
    let e = Policy::parse("policy.zr", &src).unwrap_err();
    assert!(
        e.to_string()
            .contains("a note on `第十一条`, which the `articles` list does not have"),
        "{e}"
    );
    assert_eq!((e.0[0].line(), e.0[0].column()), (12, 10));
    // A second list.
    let src = POLICY.replace("note per", "articles { 第五条 }\nnote per");
    let e = Policy::parse("policy.zr", &src).unwrap_err();
    assert!(e.to_string().contains("a second `articles` list"), "{e}");
    // A listing that nothing cites at all: one warning, not one per article.
    let p = parse("policy \"x\" { effective 2020-01-01 }\narticles { 第一条 第二条 }\n");
    assert_eq!(
        warnings_of(&p, DiagKind::UncitedArticle),
        vec!["2:1: the policy lists its regulation's articles, but no rule, obligation, trigger or note cites any"]
    );
    // A syntax error in a listing says what is accepted.
    let e = Policy::parse("policy.zr", "articles { 第一条 { (一) (二) } }").unwrap_err();
    assert_eq!(e.0[0].kind, DiagKind::Syntax);
    assert_eq!((e.0[0].line(), e.0[0].column()), (1, 22));
}

#[test]
fn without_a_list_nothing_is_warned_and_every_citation_is_unlisted() {
    let p = zeren::Policy::parse(
        "p.zr",
        "policy \"x\" { effective 2020-01-01 }\nnote per \"第一条\" \"目的\"\nduties 主体责任\nunit kinds 党委\nassign per \"第三条\" in each 党委 { team bears 主体责任 }\n",
    )
    .unwrap();
    assert!(p.warnings().is_empty(), "{}", p.warnings());
    let a = p.articles();
    assert!(a.articles.is_empty());
    assert_eq!(a.unlisted.len(), 2);
    assert!(a.to_string().starts_with("the policy lists no articles"));
}

#[test]
fn removing_an_articles_rule_from_a_real_example_warns_about_that_article() {
    // 003-4 六: one `assign` block carries the article; without it, `check`
    // names 六 and nothing else, and the rest of the document stays covered.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/policies/003-4-bureau.zr"
    );
    let text = std::fs::read_to_string(path).unwrap();
    assert!(parse(&text)
        .warnings()
        .iter()
        .all(|w| w.kind != DiagKind::UncitedArticle));
    let block =
        "assign per \"六\" in 文旅局 {\n  team bears 配合巡察组对意识形态工作进行监督检查\n}\n";
    assert!(text.contains(block));
    let p = parse(&text.replace(block, ""));
    let uncited = warnings_of(&p, DiagKind::UncitedArticle);
    assert_eq!(uncited.len(), 1, "{}", p.warnings());
    assert!(uncited[0].contains("cites 六"), "{uncited:?}");
    let w = p
        .warnings()
        .iter()
        .find(|w| w.kind == DiagKind::UncitedArticle)
        .unwrap();
    // The warning points at the listed article.
    assert_eq!(&text.lines().nth(w.line() - 1).unwrap().trim(), &"六");
}
