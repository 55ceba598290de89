//! Lowering the pest parse tree into the AST.

use super::ast::*;
use super::Rule;
use crate::diag::{DiagKind, Diagnostic, Sources, Span};
use crate::limits;
use chrono::{Datelike, NaiveDate};
use pest::iterators::{Pair, Pairs};

struct Builder<'s> {
    sources: &'s Sources,
    file: u32,
    errors: Vec<Diagnostic>,
}

/// Keyword tokens carry no information once the tree is built.
fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::K_policy
            | Rule::K_issuer
            | Rule::K_number
            | Rule::K_effective
            | Rule::K_basis
            | Rule::K_duties
            | Rule::K_unit
            | Rule::K_kinds
            | Rule::K_kind
            | Rule::K_matter
            | Rule::K_positions
            | Rule::K_org
            | Rule::K_under
            | Rule::K_holds
            | Rule::K_of
            | Rule::K_from
            | Rule::K_to
            | Rule::K_route
            | Rule::K_assign
            | Rule::K_per
            | Rule::K_in
            | Rule::K_each
            | Rule::K_for
            | Rule::K_bears
            | Rule::lbrace
            | Rule::rbrace
    )
}

fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

pub(super) fn file(
    sources: &Sources,
    file: u32,
    pairs: Pairs<'_, Rule>,
) -> Result<File, Vec<Diagnostic>> {
    let mut b = Builder {
        sources,
        file,
        errors: Vec::new(),
    };
    let mut items = Vec::new();
    for top in pairs {
        for pair in top.into_inner() {
            if pair.as_rule() == Rule::EOI {
                continue;
            }
            if let Some(item) = b.item(pair) {
                items.push(item);
            }
        }
    }
    if b.errors.is_empty() {
        Ok(File { items })
    } else {
        Err(b.errors)
    }
}

impl Builder<'_> {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, s.start(), s.end())
    }

    fn error(&mut self, kind: DiagKind, span: Span, message: String, help: Option<String>) {
        if self.errors.len() < limits::MAX_DIAGNOSTICS {
            let d = self.sources.diag_span(kind, span, message, help);
            self.errors.push(d);
        }
    }

    fn item(&mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::policy_header => Some(Item::Header(self.header(pair, span))),
            Rule::duties_decl => Some(Item::Duties {
                names: children(pair).filter_map(|p| self.name(p)).collect(),
                span,
            }),
            Rule::unit_kinds_decl => Some(Item::UnitKinds {
                names: self.first_list(pair),
            }),
            Rule::matter_kinds_decl => Some(Item::MatterKinds {
                names: self.first_list(pair),
            }),
            Rule::positions_decl => Some(Item::Positions {
                positions: children(pair)
                    .filter_map(|p| {
                        let mut inner = p.into_inner();
                        let name = self.name(inner.next()?)?;
                        let single = inner.next().is_some();
                        Some(PositionDecl { name, single })
                    })
                    .collect(),
            }),
            Rule::org_block => {
                let mut stmts = Vec::new();
                let mut person: Option<Name> = None;
                for p in children(pair) {
                    match p.as_rule() {
                        // `PERSON holds …` / `PERSON covers …`: the name, then the tail.
                        Rule::ident | Rule::string => person = self.name(p),
                        Rule::holds_tail | Rule::covers_tail => {
                            if let Some(s) = person.take().and_then(|who| self.person_stmt(who, p))
                            {
                                stmts.push(s);
                            }
                        }
                        _ => {
                            if let Some(s) = self.org_stmt(p) {
                                stmts.push(s);
                            }
                        }
                    }
                }
                Some(Item::Org { stmts })
            }
            Rule::assign_block => self.assign(pair).map(Item::Assign),
            _ => None,
        }
    }

    fn header(&mut self, pair: Pair<'_, Rule>, span: Span) -> Header {
        let mut header = Header {
            title: Name {
                text: String::new(),
                span,
            },
            issuer: None,
            number: None,
            effective: None,
            basis: Vec::new(),
            span,
        };
        for p in children(pair) {
            match p.as_rule() {
                Rule::string => {
                    if let Some(n) = self.string(p) {
                        header.title = n;
                    }
                }
                Rule::issuer => header.issuer = self.only_string(p),
                Rule::doc_number => header.number = self.only_string(p),
                Rule::basis => {
                    if let Some(n) = self.only_string(p) {
                        header.basis.push(n);
                    }
                }
                Rule::effective => {
                    header.effective = children(p).next().and_then(|d| self.date(d));
                }
                _ => {}
            }
        }
        header
    }

    fn only_string(&mut self, pair: Pair<'_, Rule>) -> Option<Name> {
        let s = children(pair).next()?;
        self.string(s)
    }

    fn first_list(&mut self, pair: Pair<'_, Rule>) -> Vec<Name> {
        match children(pair).next() {
            Some(list) => self.list(list),
            None => Vec::new(),
        }
    }

    fn list(&mut self, pair: Pair<'_, Rule>) -> Vec<Name> {
        pair.into_inner().filter_map(|p| self.name(p)).collect()
    }

    /// A `name` (bare or quoted) or a bare `string`.
    fn name(&mut self, pair: Pair<'_, Rule>) -> Option<Name> {
        match pair.as_rule() {
            Rule::name => {
                let inner = pair.into_inner().next()?;
                self.name(inner)
            }
            Rule::string => self.string(pair),
            _ => {
                let span = self.span(&pair);
                self.checked_name(pair.as_str().to_string(), span)
            }
        }
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> Option<Name> {
        let span = self.span(&pair);
        let raw = pair.into_inner().next().map(|p| p.as_str()).unwrap_or("");
        let mut text = String::with_capacity(raw.len());
        let mut escaped = false;
        for c in raw.chars() {
            if escaped {
                text.push(c);
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else {
                text.push(c);
            }
        }
        self.checked_name(text, span)
    }

    fn checked_name(&mut self, text: String, span: Span) -> Option<Name> {
        let chars = text.chars().count();
        if chars > limits::MAX_NAME_CHARS && !self.is_prose(span) {
            self.error(
                DiagKind::Limit,
                span,
                format!(
                    "a name of {chars} characters is longer than the limit of {}",
                    limits::MAX_NAME_CHARS
                ),
                Some("shorten the name".into()),
            );
            return None;
        }
        if text.trim().is_empty() {
            self.error(
                DiagKind::Syntax,
                span,
                "an empty name".into(),
                Some("write at least one visible character between the quotes".into()),
            );
            return None;
        }
        Some(Name { text, span })
    }

    /// Titles, basis and citations may be long texts.
    fn is_prose(&self, span: Span) -> bool {
        let before = self
            .sources
            .text(span.file)
            .get(..span.start as usize)
            .unwrap_or("");
        let word = before
            .trim_end()
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("");
        matches!(word, "policy" | "basis" | "issuer" | "number")
    }

    fn date(&mut self, pair: Pair<'_, Rule>) -> Option<DateLit> {
        let span = self.span(&pair);
        let text = pair.as_str();
        match parse_date(text) {
            Ok(date) => Some(DateLit { date, span }),
            Err((message, help)) => {
                self.error(DiagKind::InvalidDate, span, message, Some(help));
                None
            }
        }
    }

    fn interval(&mut self, pair: Pair<'_, Rule>) -> (Option<DateLit>, Option<DateLit>) {
        let mut from = None;
        let mut to = None;
        let mut next_is_to = false;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::K_from => next_is_to = false,
                Rule::K_to => next_is_to = true,
                Rule::date => {
                    let d = self.date(p);
                    if next_is_to {
                        to = d;
                    } else {
                        from = d;
                    }
                }
                _ => {}
            }
        }
        (from, to)
    }

    fn relation(&mut self, pair: Pair<'_, Rule>) -> Option<RelationLit> {
        let mut inner = pair.into_inner();
        let relation = relation_of(inner.next()?)?;
        let unit = self.name(inner.next()?)?;
        Some(RelationLit { relation, unit })
    }

    fn org_stmt(&mut self, pair: Pair<'_, Rule>) -> Option<OrgStmt> {
        let rule = pair.as_rule();
        let mut inner = children(pair);
        match rule {
            Rule::unit_stmt => {
                let name = self.name(inner.next()?)?;
                let kind = self.name(inner.next()?)?;
                let under = match inner.next() {
                    Some(p) => Some(self.name(p)?),
                    None => None,
                };
                Some(OrgStmt::Unit { name, kind, under })
            }
            Rule::matter_stmt => {
                let name = self.name(inner.next()?)?;
                let kind = self.name(inner.next()?)?;
                let relations = inner.filter_map(|p| self.relation(p)).collect();
                Some(OrgStmt::Matter {
                    name,
                    kind,
                    relations,
                })
            }
            Rule::route_stmt => {
                let kind = self.name(inner.next()?)?;
                let relations = inner.filter_map(|p| self.relation(p)).collect();
                Some(OrgStmt::Route { kind, relations })
            }
            _ => None,
        }
    }

    fn person_stmt(&mut self, person: Name, tail: Pair<'_, Rule>) -> Option<OrgStmt> {
        let rule = tail.as_rule();
        let mut inner = children(tail);
        match rule {
            Rule::holds_tail => {
                let position = self.name(inner.next()?)?;
                let unit = self.name(inner.next()?)?;
                let (from, to) = self.interval(inner.next()?);
                Some(OrgStmt::Holds {
                    person,
                    position,
                    unit,
                    from,
                    to,
                })
            }
            Rule::covers_tail => {
                let verb = inner.next()?;
                let liaison = verb.as_str() == "liaises";
                let targets = self.list(inner.next()?);
                let (from, to) = self.interval(inner.next()?);
                Some(OrgStmt::Covers {
                    person,
                    liaison,
                    targets,
                    from,
                    to,
                })
            }
            _ => None,
        }
    }

    fn assign(&mut self, pair: Pair<'_, Rule>) -> Option<AssignBlock> {
        let mut inner = children(pair);
        let citation = {
            let c = inner.next()?;
            let s = children(c).next()?;
            self.string(s)?
        };
        let scope_pair = inner.next()?;
        let scope_rule = scope_pair.as_rule();
        let mut scope_inner = children(scope_pair);
        let scope = match scope_rule {
            Rule::scope_each_unit => Scope::EachUnit {
                kinds: self.list(scope_inner.next()?),
            },
            Rule::scope_unit => Scope::Unit {
                unit: self.name(scope_inner.next()?)?,
            },
            Rule::scope_each_matter => Scope::EachMatter {
                kinds: self.list(scope_inner.next()?),
            },
            Rule::scope_matter => Scope::Matter {
                matter: self.name(scope_inner.next()?)?,
            },
            _ => return None,
        };
        let items = inner.filter_map(|p| self.assign_item(p)).collect();
        Some(AssignBlock {
            citation,
            scope,
            items,
        })
    }

    fn assign_item(&mut self, pair: Pair<'_, Rule>) -> Option<AssignItem> {
        let span = self.span(&pair);
        let mut inner = children(pair);
        let bearer_pair = inner.next()?;
        let duty = self.name(inner.next()?)?;
        let bearer = match bearer_pair.as_rule() {
            Rule::team_bearer => {
                let of = match children(bearer_pair).find(|p| p.as_rule() == Rule::anchor) {
                    Some(a) => Some(self.anchor(a)?),
                    None => None,
                };
                BearerLit::Team { of }
            }
            Rule::position_bearer => {
                let mut position = None;
                let mut of = None;
                let mut covering = false;
                for p in children(bearer_pair) {
                    match p.as_rule() {
                        Rule::ident | Rule::string => position = self.name(p),
                        Rule::anchor => of = Some(self.anchor(p)?),
                        Rule::covering => covering = true,
                        _ => {}
                    }
                }
                BearerLit::Position {
                    position: position?,
                    of,
                    covering,
                }
            }
            _ => return None,
        };
        Some(AssignItem { bearer, duty, span })
    }

    fn anchor(&mut self, pair: Pair<'_, Rule>) -> Option<Anchor> {
        let inner = pair.into_inner().next()?;
        match inner.as_rule() {
            Rule::relation_kw => relation_of(inner).map(Anchor::Relation),
            _ => self.name(inner).map(Anchor::Unit),
        }
    }
}

fn relation_of(pair: Pair<'_, Rule>) -> Option<Relation> {
    let kw = pair.into_inner().next()?;
    Some(match kw.as_rule() {
        Rule::K_in_charge => Relation::InCharge,
        Rule::K_operator => Relation::Operator,
        Rule::K_host => Relation::Host,
        Rule::K_approver => Relation::Approver,
        _ => return None,
    })
}

/// Parses `YYYY-MM-DD`, checking that the day exists and the year is in range.
/// On failure returns a message and a help text.
pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, (String, String)> {
    let mut parts = text.splitn(3, '-');
    let nums: Option<(i32, u32, u32)> = (|| {
        let y = parts.next()?.parse().ok()?;
        let m = parts.next()?.parse().ok()?;
        let d = parts.next()?.parse().ok()?;
        Some((y, m, d))
    })();
    let Some((y, m, d)) = nums else {
        return Err((
            format!("`{text}` is not a date"),
            "write a date as YYYY-MM-DD, e.g. 2018-11-08".into(),
        ));
    };
    if !(limits::MIN_YEAR..=limits::MAX_YEAR).contains(&y) {
        return Err((
            format!("the year {y} in `{text}` is out of range"),
            format!(
                "years from {} to {} are accepted",
                limits::MIN_YEAR,
                limits::MAX_YEAR
            ),
        ));
    }
    if !(1..=12).contains(&m) {
        return Err((
            format!("`{text}` has no month {m}"),
            "months run from 1 to 12".into(),
        ));
    }
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => Ok(date),
        None => {
            let last = last_day_of_month(y, m);
            Err((
                format!("`{text}` is not a date: {y}-{m:02} has no day {d}"),
                format!("the last day of {y}-{m:02} is {y}-{m:02}-{last:02}"),
            ))
        }
    }
}

fn last_day_of_month(y: i32, m: u32) -> u32 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .map(|d| d.day())
        .unwrap_or(28)
}
