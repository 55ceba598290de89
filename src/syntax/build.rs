//! Lowering the pest parse tree into the AST.

use super::ast::*;
use super::Rule;
use crate::dates::parse_date;
use crate::diag::{DiagKind, Diagnostic, Sources, Span};
use crate::limits;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};

struct Builder<'s> {
    sources: &'s Sources,
    file: u32,
    /// Where the parsed text starts in the file.
    offset: usize,
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
            | Rule::K_scale
            | Rule::K_fact
            | Rule::K_one
            | Rule::K_bool
            | Rule::K_date
            | Rule::K_triggers
            | Rule::K_applies
            | Rule::K_when
            | Rule::K_sanctions
            | Rule::K_by
            | Rule::K_liability
            | Rule::K_procedure
            | Rule::K_main
            | Rule::K_others
            | Rule::K_individual
            | Rule::K_actions
            | Rule::K_event
            | Rule::K_obligation
            | Rule::K_must
            | Rule::K_at
            | Rule::K_least
            | Rule::K_most
            | Rule::K_exactly
            | Rule::K_within
            | Rule::K_same
            | Rule::K_and
            | Rule::K_staffing
            | Rule::K_test
            | Rule::K_incident
            | Rule::K_expect
            | Rule::K_who
            | Rule::K_on
            | Rule::K_needs
            | Rule::lbrace
            | Rule::rbrace
            | Rule::comma
    )
}

fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

/// Builds the items of `pairs`, parsed from the file's text starting at
/// byte `offset`.
pub(super) fn file(
    sources: &Sources,
    file: u32,
    offset: usize,
    pairs: Pairs<'_, Rule>,
) -> Result<File, Vec<Diagnostic>> {
    let mut b = Builder {
        sources,
        file,
        offset,
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
        Span::new(self.file, self.offset + s.start(), self.offset + s.end())
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
            Rule::scale_decl => {
                let mut inner = children(pair).filter(|p| p.as_rule() != Rule::lt);
                let name = self.name(inner.next()?)?;
                let levels = inner.filter_map(|p| self.name(p)).collect();
                Some(Item::Scale { name, levels })
            }
            Rule::fact_decl => {
                let mut inner = children(pair);
                let name = self.name(inner.next()?)?;
                let t = inner.next()?;
                let ty = match t.as_rule() {
                    Rule::enum_type => FactTypeLit::Enum(self.first_list(t)),
                    Rule::scale_type => FactTypeLit::Scale(self.name(children(t).next()?)?),
                    Rule::bool_type => FactTypeLit::Bool,
                    Rule::number_type => FactTypeLit::Number,
                    _ => FactTypeLit::Date,
                };
                Some(Item::Fact { name, ty })
            }
            Rule::triggers_block => self.triggers(pair, span).map(Item::Triggers),
            Rule::sanctions_block => self.sanctions(pair).map(Item::Sanctions),
            Rule::consequence_decl => {
                let mut inner = children(pair);
                let aggravating = inner.next()?.as_str() == "aggravating";
                let citation = self.citation(inner.next()?)?;
                let text = self.string(inner.next()?)?;
                let when = self.cond(inner.next()?)?;
                Some(Item::Consequence(ConsequenceDecl {
                    citation,
                    aggravating,
                    text,
                    when,
                }))
            }
            Rule::liability_block => self.liability(pair, span).map(Item::Liability),
            Rule::actions_decl => Some(Item::Actions {
                names: self.first_list(pair),
            }),
            Rule::event_kinds_decl => Some(Item::EventKinds {
                names: self.first_list(pair),
            }),
            Rule::obligation => self.obligation(pair).map(Item::Obligation),
            Rule::test_block => {
                let mut inner = children(pair);
                let name = self.string(inner.next()?)?;
                let mut steps = Vec::new();
                for step in inner {
                    if let Some(st) = self.test_step(step) {
                        steps.push(st);
                    }
                }
                Some(Item::Test(TestLit { name, steps }))
            }
            Rule::staffing_decl => {
                let mut inner = children(pair);
                let citation = self.citation(inner.next()?)?;
                let subject = self.subject(inner.next()?)?;
                let mut needs = Vec::new();
                for need in inner.filter(|p| p.as_rule() == Rule::staff_need) {
                    let span = self.span(&need);
                    let mut min = None;
                    let mut max = None;
                    let mut position = None;
                    let mut covering = false;
                    for part in children(need) {
                        match part.as_rule() {
                            Rule::count => (min, max) = self.count_range(part)?,
                            Rule::covering => covering = true,
                            _ => position = self.name(part),
                        }
                    }
                    needs.push(NeedLit {
                        min,
                        max,
                        position: position?,
                        covering,
                        span,
                    });
                }
                Some(Item::Staffing(StaffingLit {
                    citation,
                    subject,
                    needs,
                }))
            }
            Rule::procedure_block => {
                let mut inner = children(pair);
                let citation = self.citation(inner.next()?)?;
                let mut block = ProcedureBlock {
                    citation,
                    propose: Vec::new(),
                    decide: Vec::new(),
                    file: Vec::new(),
                };
                for item in inner {
                    let mut parts = children(item);
                    let kw = parts.next()?.as_str().to_string();
                    let names = self.list(parts.next()?);
                    match kw.as_str() {
                        "propose" => block.propose.extend(names),
                        "decide" => block.decide.extend(names),
                        _ => block.file.extend(names),
                    }
                }
                Some(Item::Procedure(block))
            }
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
        children(pair).filter_map(|p| self.name(p)).collect()
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
                let text = pair.as_str();
                if super::names::KEYWORDS.contains(&text) {
                    self.error(
                        DiagKind::Syntax,
                        span,
                        format!("`{text}` is a keyword, not a name"),
                        Some(format!("to use it as a name, quote it: \"{text}\"")),
                    );
                    return None;
                }
                self.checked_name(text.to_string(), span)
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

    fn count(&mut self, pair: &Pair<'_, Rule>) -> Option<u32> {
        let text = pair.as_str();
        match text.parse::<u32>() {
            Ok(n) if n <= limits::MAX_COUNT => Some(n),
            _ => {
                let span = self.span(pair);
                self.error(
                    DiagKind::Limit,
                    span,
                    format!("the count `{text}` is too large"),
                    Some(format!("counts run from 0 to {}", limits::MAX_COUNT)),
                );
                None
            }
        }
    }

    fn obligation(&mut self, pair: Pair<'_, Rule>) -> Option<ObligationLit> {
        let mut inner = children(pair);
        let citation = self.citation(inner.next()?)?;
        let subject = self.subject(inner.next()?)?;
        let action = self.name(inner.find(|p| !matches!(p.as_rule(), Rule::K_must))?)?;
        let mut recipients = Vec::new();
        let mut cadence = None;
        for p in inner {
            match p.as_rule() {
                Rule::recipients => recipients = self.first_list(p),
                Rule::cadence => cadence = self.cadence(p),
                Rule::reactive => {
                    let mut r = children(p);
                    let head = r.next()?;
                    let (within, hours) = match head.as_rule() {
                        Rule::within => {
                            let mut w = children(head);
                            let n = w.next()?;
                            let n = self.count(&n)?;
                            let unit = w.next()?.as_str().to_string();
                            (n, unit.starts_with("hour"))
                        }
                        _ => (0, false),
                    };
                    let event = self.name(r.next()?)?;
                    cadence = Some(CadenceLit::Reactive {
                        within,
                        hours,
                        event,
                    });
                }
                _ => {}
            }
        }
        Some(ObligationLit {
            citation,
            subject,
            action,
            recipients,
            cadence: cadence?,
        })
    }

    fn test_step(&mut self, step: Pair<'_, Rule>) -> Option<TestStepLit> {
        let span = self.span(&step);
        match step.as_rule() {
            Rule::test_incident => {
                let mut inner = children(step);
                let date = self.date(inner.next()?)?;
                let mut facts = Vec::new();
                for fv in inner.filter(|p| p.as_rule() == Rule::fact_value) {
                    let mut parts = children(fv);
                    let fact = self.name(parts.next()?)?;
                    let value = self.value(parts.next()?)?;
                    facts.push((fact, value));
                }
                Some(TestStepLit::Incident { date, facts })
            }
            Rule::expect_triggers => {
                let clauses = children(step)
                    .filter(|p| p.as_rule() == Rule::clause_ref)
                    .filter_map(|c| {
                        let inner = c.into_inner().next()?;
                        match inner.as_rule() {
                            Rule::string => self.string(inner),
                            _ => Some(Name {
                                text: inner.as_str().to_string(),
                                span: self.span(&inner),
                            }),
                        }
                    })
                    .collect();
                Some(TestStepLit::Triggers { clauses, span })
            }
            Rule::expect_who => {
                let mut inner = children(step);
                let unit = self.name(inner.next()?)?;
                let on = self.date(inner.next()?)?;
                let duty = self.name(inner.next()?)?;
                let bearer = inner.next()?;
                let person = match bearer.into_inner().next() {
                    Some(p) if p.as_rule() != Rule::K_team => Some(self.name(p)?),
                    _ => None,
                };
                Some(TestStepLit::Who {
                    unit,
                    on,
                    duty,
                    person,
                    span,
                })
            }
            _ => None,
        }
    }

    fn subject(&mut self, subj: Pair<'_, Rule>) -> Option<SubjectLit> {
        Some(match subj.as_rule() {
            Rule::subj_each_matter => SubjectLit::EachMatter(self.first_list(subj)),
            Rule::subj_each => SubjectLit::EachUnit(self.first_list(subj)),
            _ => SubjectLit::Unit(self.name(subj.into_inner().next()?)?),
        })
    }

    /// `at least N [and at most M] | at most M | exactly N` as (min, max).
    fn count_range(&mut self, pair: Pair<'_, Rule>) -> Option<(Option<u32>, Option<u32>)> {
        let mut min = None;
        let mut max = None;
        for c in children(pair) {
            let rule = c.as_rule();
            let n = children(c).find(|x| x.as_rule() == Rule::count_num)?;
            let n = self.count(&n)?;
            match rule {
                Rule::at_least => min = Some(n),
                Rule::at_most => max = Some(n),
                _ => {
                    min = Some(n);
                    max = Some(n);
                }
            }
        }
        Some((min, max))
    }

    fn cadence(&mut self, pair: Pair<'_, Rule>) -> Option<CadenceLit> {
        let mut min = None;
        let mut max = None;
        let mut period = PeriodKind::Year;
        let mut deadline = None;
        let mut span = self.span(&pair);
        for p in children(pair) {
            match p.as_rule() {
                Rule::count => {
                    span = self.span(&p);
                    (min, max) = self.count_range(p)?;
                }
                Rule::period => {
                    period = match p.as_str() {
                        "half-year" => PeriodKind::HalfYear,
                        "quarter" => PeriodKind::Quarter,
                        "month" => PeriodKind::Month,
                        "week" => PeriodKind::Week,
                        "day" => PeriodKind::Day,
                        _ => PeriodKind::Year,
                    }
                }
                Rule::deadline => {
                    let d = children(p).next()?;
                    let dspan = self.span(&d);
                    deadline = match d.as_rule() {
                        Rule::month_day => {
                            let mut parts = d.as_str().splitn(2, '-');
                            let month = parts.next()?.parse().ok()?;
                            let day = parts.next()?.parse().ok()?;
                            Some(DeadlineLit::MonthDay {
                                month,
                                day,
                                span: dspan,
                            })
                        }
                        _ => {
                            let n = children(d).find(|x| x.as_rule() == Rule::count_num)?;
                            let day = self.count(&n)?;
                            Some(DeadlineLit::DayOfPeriod { day, span: dspan })
                        }
                    };
                }
                _ => {}
            }
        }
        Some(CadenceLit::Periodic {
            min,
            max,
            period,
            deadline,
            span,
        })
    }

    fn citation(&mut self, pair: Pair<'_, Rule>) -> Option<Name> {
        let s = children(pair).next()?;
        self.string(s)
    }

    fn triggers(&mut self, pair: Pair<'_, Rule>, span: Span) -> Option<TriggersBlock> {
        let mut block = TriggersBlock {
            citation: Name {
                text: String::new(),
                span,
            },
            parties: Vec::new(),
            clauses: Vec::new(),
            span,
        };
        for p in children(pair) {
            match p.as_rule() {
                Rule::citation => block.citation = self.citation(p)?,
                Rule::parties => {
                    if let Some(list) = children(p).find(|x| x.as_rule() == Rule::name_list) {
                        block.parties = self.list(list);
                    }
                }
                Rule::clause => {
                    let mut inner = children(p);
                    let no = inner.next()?;
                    let number = Name {
                        text: no.as_str().to_string(),
                        span: self.span(&no),
                    };
                    let Some(text) = self.string(inner.next()?) else {
                        continue;
                    };
                    let tail = inner.next()?;
                    let when = match tail.as_rule() {
                        Rule::when_cond => match children(tail).next().and_then(|c| self.cond(c)) {
                            Some(c) => Some(c),
                            None => continue,
                        },
                        _ => None,
                    };
                    block.clauses.push(ClauseLit { number, text, when });
                }
                _ => {}
            }
        }
        Some(block)
    }

    fn sanctions(&mut self, pair: Pair<'_, Rule>) -> Option<SanctionsBlock> {
        let mut inner = children(pair);
        let citation = self.citation(inner.next()?)?;
        let mut lists = Vec::new();
        let mut kind = None;
        for p in inner {
            match p.as_rule() {
                Rule::for_lists => lists = children(p).filter_map(|s| self.string(s)).collect(),
                Rule::menu => {
                    kind = Some(SanctionsLit::Menu {
                        measures: self.first_list(p),
                    })
                }
                Rule::graded => {
                    let mut g = children(p);
                    let by = self.name(g.next()?)?;
                    let mut grades = Vec::new();
                    for grade in g {
                        let mut parts = children(grade).filter(|x| x.as_rule() != Rule::colon);
                        let level = self.name(parts.next()?)?;
                        let measures = self.list(parts.next()?);
                        grades.push((level, measures));
                    }
                    kind = Some(SanctionsLit::Graded { by, grades });
                }
                _ => {}
            }
        }
        Some(SanctionsBlock {
            citation,
            lists,
            kind: kind?,
        })
    }

    fn liability(&mut self, pair: Pair<'_, Rule>, span: Span) -> Option<LiabilityBlock> {
        let mut inner = children(pair);
        let citation = self.citation(inner.next()?)?;
        let mut block = LiabilityBlock {
            citation,
            main_positions: Vec::new(),
            main: None,
            others: None,
            individual: None,
            span,
        };
        for item in inner {
            let rule = item.as_rule();
            let mut parts = children(item).filter(|x| {
                !matches!(
                    x.as_rule(),
                    Rule::K_main | Rule::K_others | Rule::K_individual
                )
            });
            match rule {
                Rule::liab_main => {
                    block.main_positions = self.list(parts.next()?);
                    block.main = parts.next().and_then(|d| self.name(d));
                }
                Rule::liab_others => block.others = parts.next().and_then(|d| self.name(d)),
                Rule::liab_individual => block.individual = parts.next().and_then(|d| self.name(d)),
                _ => {}
            }
        }
        Some(block)
    }

    /// A condition, through the Pratt parser: `not` binds tightest, then
    /// `and`, then `or`. Chains of `and`/`or` are flattened, so evaluation
    /// depth is bounded by bracket nesting.
    fn cond(&mut self, pair: Pair<'_, Rule>) -> Option<Cond> {
        let span = self.span(&pair);
        // Guard the parser's recursion on prefix chains (`not not not …`)
        // and bound a condition's size.
        let mut run = 0usize;
        let mut terms = 0usize;
        for p in pair.clone().into_inner() {
            if matches!(p.as_rule(), Rule::op_and | Rule::op_or) {
                run = 0;
            } else if p.as_rule() == Rule::op_not {
                run += 1;
                if run > limits::MAX_NESTING {
                    self.error(
                        DiagKind::Limit,
                        self.span(&p),
                        format!("more than {} `not` in a row", limits::MAX_NESTING),
                        Some("two `not`s cancel out; remove them in pairs".into()),
                    );
                    return None;
                }
            } else {
                run = 0;
                terms += 1;
            }
        }
        if terms > limits::MAX_CONDITION_TERMS {
            self.error(
                DiagKind::Limit,
                span,
                format!(
                    "a condition with {terms} terms is longer than the limit of {}",
                    limits::MAX_CONDITION_TERMS
                ),
                Some("split the clause, or group values with `FACT in { … }`".into()),
            );
            return None;
        }
        let pratt = PrattParser::new()
            .op(Op::infix(Rule::op_or, Assoc::Left))
            .op(Op::infix(Rule::op_and, Assoc::Left))
            .op(Op::prefix(Rule::op_not));
        let file = self.file;
        let offset = self.offset;
        pratt
            .map_primary(|p| self.primary(p))
            .map_prefix(move |op, rhs| {
                let rhs = rhs?;
                let s = op.as_span();
                let (start, end) = (offset + s.start(), offset + s.end());
                Some(Cond::Not {
                    not: Box::new(rhs),
                    span: Span::new(file, start, end),
                })
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                Some(match (op.as_rule(), lhs) {
                    (Rule::op_and, Cond::And { mut all }) => {
                        all.push(rhs);
                        Cond::And { all }
                    }
                    (Rule::op_and, lhs) => Cond::And {
                        all: vec![lhs, rhs],
                    },
                    (_, Cond::Or { mut any }) => {
                        any.push(rhs);
                        Cond::Or { any }
                    }
                    (_, lhs) => Cond::Or {
                        any: vec![lhs, rhs],
                    },
                })
            })
            .parse(pair.into_inner())
    }

    fn primary(&mut self, pair: Pair<'_, Rule>) -> Option<Cond> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::paren => self.cond(pair.into_inner().next()?),
            Rule::comparison => {
                let mut inner = pair.into_inner();
                let fact = self.name(inner.next()?)?;
                let cmp = match inner.next()?.as_str() {
                    "=" | "==" => CmpOp::Eq,
                    "!=" => CmpOp::Ne,
                    "<" => CmpOp::Lt,
                    "<=" => CmpOp::Le,
                    ">" => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                let value = self.value(inner.next()?)?;
                Some(Cond::Compare {
                    fact,
                    cmp,
                    value,
                    span,
                })
            }
            Rule::membership => {
                let mut inner = children(pair);
                let fact = self.name(inner.next()?)?;
                let values: Option<Vec<ValueLit>> = inner.map(|v| self.value(v)).collect();
                Some(Cond::In {
                    fact,
                    values: values?,
                    span,
                })
            }
            Rule::fact_ref => Some(Cond::Truthy {
                fact: self.name(pair.into_inner().next()?)?,
            }),
            _ => None,
        }
    }

    fn value(&mut self, pair: Pair<'_, Rule>) -> Option<ValueLit> {
        let inner = pair.into_inner().next()?;
        let span = self.span(&inner);
        match inner.as_rule() {
            Rule::date => self.date(inner).map(ValueLit::Date),
            Rule::number_lit => match inner.as_str().parse::<f64>() {
                Ok(n) if n.is_finite() => Some(ValueLit::Number(n, span)),
                _ => {
                    self.error(
                        DiagKind::Limit,
                        span,
                        format!("the number `{}` is out of range", inner.as_str()),
                        Some("use a number of at most 15 significant digits".into()),
                    );
                    None
                }
            },
            Rule::bool_lit => Some(ValueLit::Bool(inner.as_str() == "true", span)),
            _ => self.name(inner).map(ValueLit::Name),
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
