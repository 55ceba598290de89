//! Document symbols: the declarations of a file as an outline — the
//! header, declarations with their names, the org with its units, matters
//! and people, assign blocks with their rules, trigger lists with their
//! clauses, sanctions, liability, procedures, obligations, staffing rules
//! and tests.
//!
//! The tree has no span for every declaration; a declaration's range runs
//! from its keyword (found among the file's tokens outside any block) to
//! the last token before the next declaration.

use super::index::{cadence_text, clause_key, subject_text};
use super::parse::{tokens, Parsed, Token};
use super::position::{Encoding, LineIndex};
use crate::syntax::ast::{Item, Name, OrgStmt, SanctionsLit, Scope};
use lsp_types::{DocumentSymbol, SymbolKind};

/// A symbol before positions are computed.
struct Sym {
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: (usize, usize),
    select: (usize, usize),
    children: Vec<Sym>,
}

fn span(n: &Name) -> (usize, usize) {
    (n.span.start as usize, n.span.end as usize)
}

fn leaf(n: &Name, kind: SymbolKind, detail: Option<String>) -> Sym {
    Sym {
        name: non_empty(&n.text),
        detail,
        kind,
        range: span(n),
        select: span(n),
        children: Vec::new(),
    }
}

fn non_empty(s: &str) -> String {
    if s.trim().is_empty() {
        "\"\"".to_string()
    } else {
        s.to_string()
    }
}

/// The first keyword of a declaration, and the token that must follow it
/// when that keyword also appears inside other declarations.
fn keyword(item: &Item) -> (&'static [&'static str], Option<&'static str>) {
    match item {
        Item::Header(_) => (&["policy"], None),
        Item::Duties { .. } => (&["duties"], None),
        Item::UnitKinds { .. } => (&["unit"], Some("kinds")),
        Item::MatterKinds { .. } => (&["matter"], Some("kinds")),
        Item::Positions { .. } => (&["positions"], None),
        Item::Org { .. } => (&["org"], None),
        Item::Assign(_) => (&["assign"], None),
        Item::Scale { .. } => (&["scale"], None),
        Item::Fact { .. } => (&["fact"], None),
        Item::Triggers(_) => (&["triggers"], None),
        Item::Sanctions(_) => (&["sanctions"], None),
        Item::Consequence(_) => (&["consequence", "aggravating"], None),
        Item::Liability(_) => (&["liability"], None),
        Item::Procedure(_) => (&["procedure"], None),
        Item::Actions { .. } => (&["actions"], None),
        Item::EventKinds { .. } => (&["event"], Some("kinds")),
        Item::Obligation(_) => (&["obligation"], None),
        Item::Staffing(_) => (&["staffing"], None),
        Item::Approval(_) => (&["approval"], None),
        Item::Test(_) => (&["test"], None),
        Item::Articles { .. } => (&["articles"], None),
        Item::Note { .. } => (&["note"], None),
        Item::Interpret(_) => (&["interpret"], None),
    }
}

/// Tokens outside any `{ }` block, with the token after each.
fn top_tokens(text: &str) -> Vec<Token<'_>> {
    let mut depth = 0usize;
    let mut out = Vec::new();
    for t in tokens(text, 0, text.len()) {
        match t.text {
            "{" => {
                if depth == 0 {
                    out.push(t);
                }
                depth += 1;
            }
            "}" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    out.push(t);
                }
            }
            _ if depth == 0 => out.push(t),
            _ => {}
        }
    }
    out
}

/// The byte range of each item: from its keyword to the last token before
/// the next item's keyword; `None` where the keyword is not found.
fn item_ranges(parsed: &Parsed) -> Vec<Option<(usize, usize, usize)>> {
    let toks = top_tokens(&parsed.text);
    let mut starts: Vec<Option<usize>> = Vec::with_capacity(parsed.items.len());
    let mut k = 0;
    for item in &parsed.items {
        let (words, next) = keyword(item);
        // `scale NAME {` declares a scale; `fact X scale S` does not.
        let is_scale = matches!(item, Item::Scale { .. });
        let found = (k..toks.len()).find(|&j| {
            toks.get(j).is_some_and(|t| words.contains(&t.text))
                && next.is_none_or(|n| toks.get(j + 1).map(|t| t.text) == Some(n))
                && (!is_scale || toks.get(j + 2).map(|t| t.text) == Some("{"))
        });
        if let Some(j) = found {
            k = j + 1;
        }
        starts.push(found);
    }
    let mut out = Vec::with_capacity(starts.len());
    for (i, start) in starts.iter().enumerate() {
        let Some(tok) = *start else {
            out.push(None);
            continue;
        };
        let limit = starts
            .get(i + 1..)
            .and_then(|rest| rest.iter().flatten().next().copied())
            .unwrap_or(toks.len());
        let (first, kw_end) = toks.get(tok).map_or((0, 0), |t| (t.start, t.end));
        let end = toks
            .get(tok..limit.max(tok))
            .and_then(|t| t.last())
            .map_or(first, |t| t.end);
        out.push(Some((first, end.max(kw_end), kw_end)));
    }
    out
}

/// The outline of one parsed file.
pub(crate) fn symbols(parsed: &Parsed, lines: &LineIndex, enc: Encoding) -> Vec<DocumentSymbol> {
    let ranges = item_ranges(parsed);
    let mut out = Vec::new();
    for (item, range) in parsed.items.iter().zip(&ranges) {
        let Some((start, end, kw_end)) = *range else {
            continue;
        };
        let range = (start, end);
        let mut s = item_symbol(item, range, (start, kw_end));
        // Keep every child inside its parent, whatever the spans say.
        clamp(&mut s, range);
        out.push(to_lsp(&s, &parsed.text, lines, enc));
    }
    out
}

fn clamp(s: &mut Sym, within: (usize, usize)) {
    let a = s.range.0.clamp(within.0, within.1);
    s.range = (a, s.range.1.clamp(a, within.1));
    s.select = {
        let a = s.select.0.clamp(s.range.0, s.range.1);
        (a, s.select.1.clamp(a, s.range.1))
    };
    let r = s.range;
    for c in &mut s.children {
        clamp(c, r);
    }
}

#[expect(
    deprecated,
    reason = "DocumentSymbol has a deprecated field that must be given"
)]
fn to_lsp(s: &Sym, text: &str, lines: &LineIndex, enc: Encoding) -> DocumentSymbol {
    let children: Vec<DocumentSymbol> = s
        .children
        .iter()
        .map(|c| to_lsp(c, text, lines, enc))
        .collect();
    DocumentSymbol {
        name: s.name.clone(),
        detail: s.detail.clone(),
        kind: s.kind,
        tags: None,
        deprecated: None,
        range: lines.range(text, s.range.0, s.range.1, enc),
        selection_range: lines.range(text, s.select.0, s.select.1, enc),
        children: (!children.is_empty()).then_some(children),
    }
}

fn names_of(list: &[Name], kind: SymbolKind) -> Vec<Sym> {
    list.iter().map(|n| leaf(n, kind, None)).collect()
}

fn block(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: (usize, usize),
    select: (usize, usize),
    children: Vec<Sym>,
) -> Sym {
    Sym {
        name,
        detail,
        kind,
        range,
        select,
        children,
    }
}

fn join(list: &[Name]) -> String {
    list.iter()
        .map(|n| n.text.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The symbol of one declaration spanning `range`, its keyword at `kw`.
fn item_symbol(item: &Item, range: (usize, usize), kw: (usize, usize)) -> Sym {
    match item {
        Item::Header(h) => block(
            format!("policy {}", h.title.text),
            h.effective.map(|d| format!("effective {}", d.date)),
            SymbolKind::FILE,
            range,
            span(&h.title),
            Vec::new(),
        ),
        Item::Duties { names, .. } => block(
            "duties".into(),
            Some(
                names
                    .iter()
                    .map(|n| n.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" > "),
            ),
            SymbolKind::ENUM,
            range,
            kw,
            names_of(names, SymbolKind::ENUM_MEMBER),
        ),
        Item::UnitKinds { names } => block(
            "unit kinds".into(),
            Some(join(names)),
            SymbolKind::CLASS,
            range,
            kw,
            names_of(names, SymbolKind::CLASS),
        ),
        Item::MatterKinds { names } => block(
            "matter kinds".into(),
            Some(join(names)),
            SymbolKind::CLASS,
            range,
            kw,
            names_of(names, SymbolKind::CLASS),
        ),
        Item::Positions { positions } => block(
            "positions".into(),
            None,
            SymbolKind::FIELD,
            range,
            kw,
            positions
                .iter()
                .map(|p| {
                    leaf(
                        &p.name,
                        SymbolKind::FIELD,
                        p.single.then(|| "single".into()),
                    )
                })
                .collect(),
        ),
        Item::Org { stmts } => block(
            "org".into(),
            None,
            SymbolKind::NAMESPACE,
            range,
            kw,
            stmts.iter().map(org_symbol).collect(),
        ),
        Item::Assign(a) => {
            let scope = match &a.scope {
                Scope::EachUnit { kinds } => format!("in each {}", join(kinds)),
                Scope::Unit { unit } => format!("in {}", unit.text),
                Scope::EachMatter { kinds } => format!("for each matter {}", join(kinds)),
                Scope::Matter { matter } => format!("for matter {}", matter.text),
            };
            let children = a
                .items
                .iter()
                .map(|i| {
                    let bearer = match &i.bearer {
                        crate::syntax::ast::BearerLit::Team { .. } => "team".to_string(),
                        crate::syntax::ast::BearerLit::Position { position, .. } => {
                            position.text.clone()
                        }
                    };
                    let r = (i.span.start as usize, i.span.end as usize);
                    block(
                        format!("{bearer} bears {}", i.duty.text),
                        None,
                        SymbolKind::FIELD,
                        r,
                        r,
                        Vec::new(),
                    )
                })
                .collect();
            block(
                format!("assign {}", non_empty(&a.citation.text)),
                Some(scope),
                SymbolKind::OBJECT,
                range,
                span(&a.citation),
                children,
            )
        }
        Item::Scale { name, levels } => block(
            format!("scale {}", name.text),
            Some(join(levels).replace(", ", " < ")),
            SymbolKind::ENUM,
            range,
            span(name),
            names_of(levels, SymbolKind::ENUM_MEMBER),
        ),
        Item::Fact { name, ty } => {
            let (detail, children) = match ty {
                crate::syntax::ast::FactTypeLit::Enum(v) => (
                    format!("one of {{ {} }}", join(v)),
                    names_of(v, SymbolKind::ENUM_MEMBER),
                ),
                crate::syntax::ast::FactTypeLit::Set(v) => (
                    format!("some of {{ {} }}", join(v)),
                    names_of(v, SymbolKind::ENUM_MEMBER),
                ),
                crate::syntax::ast::FactTypeLit::Scale(s) => {
                    (format!("scale {}", s.text), Vec::new())
                }
                crate::syntax::ast::FactTypeLit::Bool => ("bool".into(), Vec::new()),
                crate::syntax::ast::FactTypeLit::Number => ("number".into(), Vec::new()),
                crate::syntax::ast::FactTypeLit::Date => ("date".into(), Vec::new()),
            };
            block(
                format!("fact {}", name.text),
                Some(detail),
                SymbolKind::PROPERTY,
                range,
                span(name),
                children,
            )
        }
        Item::Triggers(t) => {
            let children = t
                .clauses
                .iter()
                .map(|c| {
                    let start = c
                        .number
                        .as_ref()
                        .map_or(c.text.span.start, |n| n.span.start);
                    let r = (start as usize, c.text.span.end as usize);
                    let number = c.number.as_ref().map(|n| clause_key(&n.text));
                    block(
                        match number {
                            Some(n) => format!("{n} {}", c.text.text),
                            None => c.text.text.clone(),
                        },
                        Some(
                            if c.when.is_some() {
                                "when …"
                            } else {
                                "otherwise"
                            }
                            .into(),
                        ),
                        SymbolKind::KEY,
                        r,
                        span(c.number.as_ref().unwrap_or(&c.text)),
                        Vec::new(),
                    )
                })
                .collect();
            block(
                format!("triggers {}", non_empty(&t.citation.text)),
                (!t.parties.is_empty()).then(|| format!("applies to {}", join(&t.parties))),
                SymbolKind::EVENT,
                range,
                span(&t.citation),
                children,
            )
        }
        Item::Sanctions(s) => block(
            format!("sanctions {}", non_empty(&s.citation.text)),
            Some(match &s.kind {
                SanctionsLit::Menu { measures } => join(measures),
                SanctionsLit::Graded { by, .. } => format!("by {}", by.text),
            }),
            SymbolKind::ARRAY,
            range,
            span(&s.citation),
            Vec::new(),
        ),
        Item::Consequence(c) => block(
            format!(
                "{} {}",
                if c.aggravating {
                    "aggravating"
                } else {
                    "consequence"
                },
                non_empty(&c.citation.text)
            ),
            Some(c.text.text.clone()),
            SymbolKind::EVENT,
            range,
            span(&c.citation),
            Vec::new(),
        ),
        Item::Liability(l) => block(
            format!("liability {}", non_empty(&l.citation.text)),
            None,
            SymbolKind::OBJECT,
            range,
            span(&l.citation),
            Vec::new(),
        ),
        Item::Procedure(p) => block(
            format!("procedure {}", non_empty(&p.citation.text)),
            None,
            SymbolKind::OBJECT,
            range,
            span(&p.citation),
            Vec::new(),
        ),
        Item::Actions { names } => block(
            "actions".into(),
            Some(join(names)),
            SymbolKind::FUNCTION,
            range,
            kw,
            names_of(names, SymbolKind::FUNCTION),
        ),
        Item::EventKinds { names } => block(
            "event kinds".into(),
            Some(join(names)),
            SymbolKind::EVENT,
            range,
            kw,
            names_of(names, SymbolKind::EVENT),
        ),
        Item::Obligation(o) => block(
            format!("obligation {}", non_empty(&o.citation.text)),
            Some(format!(
                "{}{} must {} {}",
                if o.holders.is_empty() {
                    String::new()
                } else {
                    format!("each {} of ", join(&o.holders))
                },
                subject_text(&o.subject),
                o.action.text,
                cadence_text(&o.cadence)
            )),
            SymbolKind::METHOD,
            range,
            span(&o.citation),
            Vec::new(),
        ),
        Item::Approval(a) => block(
            format!("approval {}", non_empty(&a.citation.text)),
            Some(format!(
                "{} {} needs {}",
                subject_text(&a.subject),
                a.action.text,
                a.steps
                    .iter()
                    .map(|s| s.action.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" then ")
            )),
            SymbolKind::METHOD,
            range,
            span(&a.citation),
            Vec::new(),
        ),
        Item::Staffing(s) => block(
            format!("staffing {}", non_empty(&s.citation.text)),
            Some(format!(
                "{} needs {}",
                subject_text(&s.subject),
                s.needs
                    .iter()
                    .map(|n| n.position.text.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            SymbolKind::METHOD,
            range,
            span(&s.citation),
            Vec::new(),
        ),
        Item::Test(t) => block(
            format!("test {}", non_empty(&t.name.text)),
            None,
            SymbolKind::METHOD,
            range,
            span(&t.name),
            Vec::new(),
        ),
        Item::Articles { articles, span: s } => {
            let children = articles
                .iter()
                .map(|a| {
                    let r = (a.id.span.start as usize, a.id.span.end as usize);
                    block(
                        a.id.text.clone(),
                        (!a.items.is_empty()).then(|| join(&a.items)),
                        SymbolKind::KEY,
                        r,
                        span(&a.id),
                        Vec::new(),
                    )
                })
                .collect();
            block(
                "articles".into(),
                Some(format!("{} articles", articles.len())),
                SymbolKind::NAMESPACE,
                range,
                (s.start as usize, s.start as usize + "articles".len()),
                children,
            )
        }
        Item::Interpret(i) => block(
            format!("interpret {}", non_empty(&i.name.text)),
            (!i.actions.is_empty()).then(|| join(&i.actions)),
            SymbolKind::INTERFACE,
            range,
            span(&i.name),
            Vec::new(),
        ),
        Item::Note { citation, reason } => block(
            format!("note {}", non_empty(&citation.text)),
            Some(reason.text.clone()),
            SymbolKind::STRING,
            range,
            span(citation),
            Vec::new(),
        ),
    }
}

fn org_symbol(s: &OrgStmt) -> Sym {
    match s {
        OrgStmt::Unit { name, kind, under } => leaf(
            name,
            SymbolKind::MODULE,
            Some(match under {
                Some(p) => format!("unit, kind {} under {}", kind.text, p.text),
                None => format!("unit, kind {}", kind.text),
            }),
        ),
        OrgStmt::Matter { name, kind, .. } => leaf(
            name,
            SymbolKind::STRUCT,
            Some(format!("matter, kind {}", kind.text)),
        ),
        OrgStmt::Route { kind, .. } => leaf(kind, SymbolKind::STRUCT, Some("route".into())),
        OrgStmt::Holds {
            person,
            position,
            unit,
            ..
        } => {
            let r = (span(person).0, span(unit).1);
            block(
                non_empty(&person.text),
                Some(format!("holds {} of {}", position.text, unit.text)),
                SymbolKind::VARIABLE,
                r,
                span(person),
                Vec::new(),
            )
        }
        OrgStmt::Covers {
            person,
            liaison,
            targets,
            ..
        } => {
            let end = targets.last().map_or(span(person).1, |t| span(t).1);
            block(
                non_empty(&person.text),
                Some(format!(
                    "{} {}",
                    if *liaison { "liaises" } else { "covers" },
                    join(targets)
                )),
                SymbolKind::VARIABLE,
                (span(person).0, end),
                span(person),
                Vec::new(),
            )
        }
        OrgStmt::Seat {
            position,
            unit,
            sources,
            ..
        } => {
            let end = sources.last().map_or(span(unit).1, |(_, u)| span(u).1);
            let held: Vec<String> = sources
                .iter()
                .map(|(p, u)| format!("{} of {}", p.text, u.text))
                .collect();
            block(
                non_empty(&position.text),
                Some(format!(
                    "seat of {}, held by {}",
                    unit.text,
                    held.join(", ")
                )),
                SymbolKind::VARIABLE,
                (span(position).0, end),
                span(position),
                Vec::new(),
            )
        }
    }
}
