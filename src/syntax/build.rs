//! Lowering the pest parse tree into the AST.
//!
//! Problems in the policy (an impossible date, a keyword used as a name, a
//! count out of range) are reported as diagnostics. A tree shape the
//! grammar cannot produce is a bug in zeren: it is reported as an
//! "internal error" diagnostic, never silently dropped.

use super::ast::*;
use super::Rule;
use crate::dates::parse_date;
use crate::diag::{DiagKind, Diagnostic, Span};
use crate::liability::StepKind;
use crate::limits;
use crate::source::Sources;
use crate::text::{bad_name_char, bad_name_message};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};

/// Help for an internal error.
const REPORT: &str =
    "please report it to the zeren maintainers, with the policy text that caused it";

/// Builds the AST of one file, one parsed stretch at a time, collecting
/// every problem found on the way.
pub(super) struct Builder<'s> {
    sources: &'s Sources,
    file: u32,
    /// Where the stretch being built starts in the file.
    offset: usize,
    errors: Vec<Diagnostic>,
    /// Problems found, including those past the diagnostics limit.
    reported: usize,
}

/// Keyword tokens, braces and commas carry no information once the tree
/// is built. Every `K_*` rule of the grammar is listed (a test checks).
pub(super) fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::K_policy
            | Rule::K_issuer
            | Rule::K_number
            | Rule::K_effective
            | Rule::K_issued
            | Rule::K_issue
            | Rule::K_basis
            | Rule::K_duties
            | Rule::K_unit
            | Rule::K_kinds
            | Rule::K_kind
            | Rule::K_matter
            | Rule::K_positions
            | Rule::K_seat
            | Rule::K_approval
            | Rule::K_then
            | Rule::K_approved
            | Rule::K_holders
            | Rule::K_unapproved
            | Rule::K_is
            | Rule::K_single
            | Rule::K_org
            | Rule::K_under
            | Rule::K_holds
            | Rule::K_of
            | Rule::K_from
            | Rule::K_to
            | Rule::K_covers
            | Rule::K_liaises
            | Rule::K_route
            | Rule::K_in_charge
            | Rule::K_operator
            | Rule::K_host
            | Rule::K_approver
            | Rule::K_assign
            | Rule::K_per
            | Rule::K_in
            | Rule::K_each
            | Rule::K_for
            | Rule::K_team
            | Rule::K_bears
            | Rule::K_covering
            | Rule::K_scale
            | Rule::K_fact
            | Rule::K_one
            | Rule::K_some
            | Rule::K_bool
            | Rule::K_date
            | Rule::K_and
            | Rule::K_or
            | Rule::K_not
            | Rule::K_true
            | Rule::K_false
            | Rule::K_triggers
            | Rule::K_applies
            | Rule::K_against
            | Rule::K_when
            | Rule::K_otherwise
            | Rule::K_sanctions
            | Rule::K_by
            | Rule::K_consequence
            | Rule::K_aggravating
            | Rule::K_liability
            | Rule::K_main
            | Rule::K_others
            | Rule::K_individual
            | Rule::K_procedure
            | Rule::K_propose
            | Rule::K_decide
            | Rule::K_file
            | Rule::K_refer
            | Rule::K_jointly
            | Rule::K_with
            | Rule::K_needed
            | Rule::K_actions
            | Rule::K_event
            | Rule::K_obligation
            | Rule::K_must
            | Rule::K_at
            | Rule::K_least
            | Rule::K_most
            | Rule::K_exactly
            | Rule::K_half_year
            | Rule::K_year
            | Rule::K_quarter
            | Rule::K_month
            | Rule::K_week
            | Rule::K_day
            | Rule::K_days
            | Rule::K_hour
            | Rule::K_hours
            | Rule::K_within
            | Rule::K_same
            | Rule::K_staffing
            | Rule::K_needs
            | Rule::K_test
            | Rule::K_articles
            | Rule::K_note
            | Rule::K_interpret
            | Rule::K_regularly
            | Rule::K_promptly
            | Rule::K_all
            | Rule::K_any
            | Rule::K_superior
            | Rule::K_not_stated
            | Rule::K_answered
            | Rule::K_unanswered
            | Rule::K_incident
            | Rule::K_expect
            | Rule::K_no
            | Rule::K_who
            | Rule::K_accountable
            | Rule::K_on
            | Rule::K_decided
            | Rule::K_collective
            | Rule::K_objecting
            | Rule::K_events
            | Rule::K_vacant
            | Rule::K_none
            | Rule::K_ok
            | Rule::K_short
            | Rule::K_over
            | Rule::K_compliance
            | Rule::K_met
            | Rule::K_missed
            | Rule::K_pending
            | Rule::K_not_assessed
            | Rule::K_on_time
            | Rule::K_late
            | Rule::K_overdue
            | Rule::K_as
            | Rule::K_calendar
            | Rule::K_due
            | Rule::K_warning
            | Rule::K_warnings
            | Rule::lbrace
            | Rule::rbrace
            | Rule::comma
    )
}

fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

impl<'s> Builder<'s> {
    /// A builder for file `file` of `sources`.
    pub(super) fn new(sources: &'s Sources, file: u32) -> Self {
        Builder {
            sources,
            file,
            offset: 0,
            errors: Vec::new(),
            reported: 0,
        }
    }

    /// How many problems were found so far.
    pub(super) fn problems(&self) -> usize {
        self.reported
    }

    /// Adds a problem found outside the builder (a syntax error).
    pub(super) fn push(&mut self, d: Diagnostic) {
        self.reported += 1;
        if self.errors.len() < limits::MAX_DIAGNOSTICS {
            self.errors.push(d);
        }
    }

    /// Builds what one parse from byte `offset` of the file produced: a
    /// `file`, a `next_item` (one declaration, or the end of the file) or
    /// an `org_rest` (the rest of an org block, after a syntax error).
    /// False when the end of the file was reached.
    pub(super) fn top(
        &mut self,
        offset: usize,
        pairs: Pairs<'_, Rule>,
        items: &mut Vec<Item>,
    ) -> bool {
        self.offset = offset;
        let mut more = true;
        for top in pairs {
            match top.as_rule() {
                Rule::file | Rule::next_item => {
                    for pair in top.into_inner() {
                        if pair.as_rule() == Rule::EOI {
                            more = false;
                            continue;
                        }
                        let (rule, span) = (pair.as_rule(), self.span(&pair));
                        if let Some(item) = self.guarded(rule, span, |b| b.item(pair)) {
                            items.push(item);
                        }
                    }
                }
                Rule::org_rest => {
                    let stmts = self.org_stmts(top);
                    items.push(Item::Org { stmts });
                }
                _ => self.stray(Rule::next_item, &top),
            }
        }
        more
    }

    /// Reports that parsing made no progress at byte `at`.
    pub(super) fn stuck(&mut self, at: usize) {
        let span = Span::new(self.file, at, at);
        self.error(
            DiagKind::Invalid,
            span,
            "internal error: a declaration parsed as nothing; this is a bug in zeren, not in the policy"
                .into(),
            Some(REPORT.into()),
        );
    }

    /// The file's items, or every problem found.
    pub(super) fn finish(self, items: Vec<Item>) -> Result<File, Vec<Diagnostic>> {
        if self.reported == 0 {
            Ok(File { items })
        } else {
            Err(self.errors)
        }
    }

    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.offset + s.start(), self.offset + s.end())
    }

    fn error(&mut self, kind: DiagKind, span: Span, message: String, help: Option<String>) {
        self.reported += 1;
        if self.errors.len() < limits::MAX_DIAGNOSTICS {
            let d = self.sources.diag_span(kind, span, message, help);
            self.errors.push(d);
        }
    }

    /// Reports `pair` where `parent` cannot hold it: the grammar cannot
    /// produce this tree, so it is a bug in zeren.
    fn unexpected<T>(&mut self, parent: Rule, pair: &Pair<'_, Rule>) -> Option<T> {
        let span = self.span(pair);
        self.error(
            DiagKind::Invalid,
            span,
            format!(
                "internal error: unexpected `{:?}` in `{parent:?}`; this is a bug in zeren, not in the policy",
                pair.as_rule()
            ),
            Some(REPORT.into()),
        );
        None
    }

    /// Reports `pair` where `parent` cannot hold it, and goes on.
    fn stray(&mut self, parent: Rule, pair: &Pair<'_, Rule>) {
        self.unexpected::<()>(parent, pair);
    }

    /// Builds a `rule` at `span` with `build`. Nothing built and no problem
    /// reported means the tree lacked a part the grammar always produces:
    /// that is reported as a bug in zeren instead of dropping the part.
    fn guarded<T>(
        &mut self,
        rule: Rule,
        span: Span,
        build: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        let before = self.reported;
        let built = build(self);
        if built.is_none() && self.reported == before {
            self.error(
                DiagKind::Invalid,
                span,
                format!(
                    "internal error: a `{rule:?}` has a shape the grammar cannot produce; this is a bug in zeren, not in the policy"
                ),
                Some(REPORT.into()),
            );
        }
        built
    }

    /// `pair` when it is a `rule`, else an internal error.
    fn expect<'i>(
        &mut self,
        rule: Rule,
        parent: Rule,
        pair: Pair<'i, Rule>,
    ) -> Option<Pair<'i, Rule>> {
        if pair.as_rule() == rule {
            Some(pair)
        } else {
            self.unexpected(parent, &pair)
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
            Rule::positions_decl => {
                let mut positions = Vec::new();
                for p in children(pair) {
                    let span = self.span(&p);
                    let built = self.guarded(Rule::position, span, |b| {
                        let p = b.expect(Rule::position, Rule::positions_decl, p)?;
                        let mut inner = p.into_inner();
                        let name = b.name(inner.next()?)?;
                        let single = match inner.next() {
                            None => false,
                            Some(s) => b.expect(Rule::single, Rule::position, s).is_some(),
                        };
                        Some(PositionDecl { name, single })
                    });
                    positions.extend(built);
                }
                Some(Item::Positions { positions })
            }
            Rule::org_block => Some(Item::Org {
                stmts: self.org_stmts(pair),
            }),
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
                    Rule::set_type => FactTypeLit::Set(self.first_list(t)),
                    Rule::scale_type => FactTypeLit::Scale(self.name(children(t).next()?)?),
                    Rule::bool_type => FactTypeLit::Bool,
                    Rule::number_type => FactTypeLit::Number,
                    Rule::date_type => FactTypeLit::Date,
                    _ => return self.unexpected(Rule::fact_decl, &t),
                };
                Some(Item::Fact { name, ty })
            }
            Rule::triggers_block => self.triggers(pair, span).map(Item::Triggers),
            Rule::sanctions_block => self.sanctions(pair).map(Item::Sanctions),
            Rule::consequence_decl => {
                let mut inner = children(pair);
                let kw =
                    self.expect(Rule::consequence_kw, Rule::consequence_decl, inner.next()?)?;
                let kw = kw.into_inner().next()?;
                let aggravating = match kw.as_rule() {
                    Rule::K_aggravating => true,
                    Rule::K_consequence => false,
                    _ => return self.unexpected(Rule::consequence_kw, &kw),
                };
                let citation = self.citation(inner.next()?)?;
                let text = self.string(inner.next()?)?;
                let when = self.cond(inner.next()?)?;
                let against = match inner.next() {
                    Some(p) => self.against(p)?,
                    None => Vec::new(),
                };
                Some(Item::Consequence(ConsequenceDecl {
                    citation,
                    aggravating,
                    text,
                    when,
                    against,
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
                    let (rule, span) = (step.as_rule(), self.span(&step));
                    steps.extend(self.guarded(rule, span, |b| b.test_step(step)));
                }
                Some(Item::Test(TestLit { name, steps }))
            }
            Rule::staffing_decl => {
                let mut inner = children(pair);
                let citation = self.citation(inner.next()?)?;
                let subject = self.subject(inner.next()?)?;
                let mut needs = Vec::new();
                for need in inner {
                    let need = self.expect(Rule::staff_need, Rule::staffing_decl, need)?;
                    let span = self.span(&need);
                    let mut min = None;
                    let mut max = None;
                    let mut position = None;
                    let mut covering = false;
                    for part in children(need) {
                        match part.as_rule() {
                            Rule::count => (min, max) = self.count_range(part)?,
                            Rule::covering => covering = true,
                            Rule::ident | Rule::string => position = self.name(part),
                            _ => return self.unexpected(Rule::staff_need, &part),
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
            Rule::procedure_block => self.procedure(pair).map(Item::Procedure),
            Rule::approval_decl => {
                let mut inner = children(pair);
                let citation = self.citation(inner.next()?)?;
                let subject = self.subject(inner.next()?)?;
                let action = self.name(inner.next()?)?;
                let mut steps = Vec::new();
                for step in inner {
                    let step = self.expect(Rule::approval_step, Rule::approval_decl, step)?;
                    let span = self.span(&step);
                    let mut parts = children(step);
                    let action = self.name(parts.next()?)?;
                    let (mut by, mut any) = (Vec::new(), false);
                    if let Some(approvers) = parts.next() {
                        for p in children(approvers) {
                            match p.as_rule() {
                                Rule::approver_any => any = true,
                                Rule::name_list => by = self.list(p),
                                _ => return self.unexpected(Rule::approvers, &p),
                            }
                        }
                    }
                    steps.push(ApprovalStepLit {
                        action,
                        by,
                        any,
                        span,
                    });
                }
                Some(Item::Approval(ApprovalLit {
                    citation,
                    subject,
                    action,
                    steps,
                }))
            }
            Rule::articles_decl => {
                let mut articles = Vec::new();
                for a in children(pair) {
                    let a = self.expect(Rule::article, Rule::articles_decl, a)?;
                    let mut ids = children(a);
                    let id = self.article_id(ids.next()?)?;
                    let items = ids.map(|i| self.article_id(i)).collect::<Option<_>>()?;
                    articles.push(ArticleLit { id, items });
                }
                Some(Item::Articles { articles, span })
            }
            Rule::interpret_decl => self.interpret(pair, span).map(Item::Interpret),
            Rule::note_decl => {
                let mut inner = children(pair);
                let citation = self.citation(inner.next()?)?;
                let reason = self.string(inner.next()?)?;
                Some(Item::Note { citation, reason })
            }
            _ => self.unexpected(Rule::next_item, &pair),
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
            issued: None,
            effective: None,
            effective_on_issue: None,
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
                Rule::issued => {
                    let span = self.span(&p);
                    header.issued = self.guarded(Rule::issued, span, |b| {
                        let d = children(p).next()?;
                        b.date(d)
                    });
                }
                Rule::effective => {
                    let span = self.span(&p);
                    let Some(d) = children(p.clone()).next() else {
                        self.stray(Rule::policy_header, &p);
                        continue;
                    };
                    if d.as_rule() == Rule::on_issue {
                        header.effective_on_issue = Some(span);
                    } else {
                        header.effective = self.guarded(Rule::effective, span, |b| b.date(d));
                    }
                }
                _ => self.stray(Rule::policy_header, &p),
            }
        }
        header
    }

    fn only_string(&mut self, pair: Pair<'_, Rule>) -> Option<Name> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        self.guarded(rule, span, |b| {
            let s = children(pair).next()?;
            b.string(s)
        })
    }

    fn first_list(&mut self, pair: Pair<'_, Rule>) -> Vec<Name> {
        let parent = pair.as_rule();
        match children(pair).next() {
            Some(list) => match self.expect(Rule::name_list, parent, list) {
                Some(list) => self.list(list),
                None => Vec::new(),
            },
            None => Vec::new(),
        }
    }

    fn list(&mut self, pair: Pair<'_, Rule>) -> Vec<Name> {
        children(pair).filter_map(|p| self.name(p)).collect()
    }

    /// A name: a bare `ident` or a quoted `string`.
    fn name(&mut self, pair: Pair<'_, Rule>) -> Option<Name> {
        match pair.as_rule() {
            Rule::string => self.string(pair),
            Rule::ident => {
                let span = self.span(&pair);
                let text = pair.as_str();
                if super::names::is_keyword(text) {
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
            _ => self.unexpected(Rule::name, &pair),
        }
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> Option<Name> {
        let pair = self.expect(Rule::string, Rule::name, pair)?;
        let span = self.span(&pair);
        let raw = pair.into_inner().next()?.as_str();
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

    /// A clause number as written (`(一)`, `3.`): a name like any other, so
    /// it may not contain a control character (a tab is the only one that
    /// gets this far).
    fn clause_no(&mut self, pair: &Pair<'_, Rule>) -> Option<Name> {
        let span = self.span(pair);
        let text = pair.as_str();
        if let (Some((at, c, _)), Some((message, help))) =
            (bad_name_char(text), bad_name_message(text))
        {
            let start = span.start as usize + at;
            let span = Span::new(self.file, start, start + c.len_utf8());
            self.error(DiagKind::ForbiddenChar, span, message, Some(help));
            return None;
        }
        Some(Name {
            text: text.to_string(),
            span,
        })
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
        let pair = self.expect(Rule::date, Rule::date, pair)?;
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
                _ => self.stray(Rule::interval, &p),
            }
        }
        (from, to)
    }

    fn relation(&mut self, pair: Pair<'_, Rule>) -> Option<RelationLit> {
        let pair = self.expect(Rule::relation, Rule::relation, pair)?;
        let mut inner = pair.into_inner();
        let relation = self.relation_kw(inner.next()?)?;
        let unit = self.name(inner.next()?)?;
        Some(RelationLit { relation, unit })
    }

    /// The relations of a matter or route statement; each one that cannot
    /// be built is reported, the others are kept.
    fn relations<'i>(&mut self, pairs: impl Iterator<Item = Pair<'i, Rule>>) -> Vec<RelationLit> {
        let mut out = Vec::new();
        for p in pairs {
            let span = self.span(&p);
            out.extend(self.guarded(Rule::relation, span, |b| b.relation(p)));
        }
        out
    }

    /// The statements of an `org` block or of an `org_rest`.
    fn org_stmts(&mut self, pair: Pair<'_, Rule>) -> Vec<OrgStmt> {
        let parent = pair.as_rule();
        let mut stmts = Vec::new();
        // `PERSON holds …` / `PERSON covers …`: the name, then the tail.
        let mut person: Option<Pair<'_, Rule>> = None;
        for p in children(pair) {
            let (rule, span) = (p.as_rule(), self.span(&p));
            match rule {
                Rule::ident | Rule::string => {
                    if let Some(stray) = person.replace(p) {
                        self.stray(parent, &stray);
                    }
                }
                Rule::holds_tail | Rule::covers_tail => {
                    let who = person.take();
                    stmts.extend(self.guarded(rule, span, |b| {
                        let who = b.name(who?)?;
                        b.person_stmt(who, p)
                    }));
                }
                Rule::unit_stmt | Rule::matter_stmt | Rule::route_stmt | Rule::seat_stmt => {
                    stmts.extend(self.guarded(rule, span, |b| b.org_stmt(p)));
                }
                _ => self.stray(parent, &p),
            }
        }
        if let Some(stray) = person {
            self.stray(parent, &stray);
        }
        stmts
    }

    fn org_stmt(&mut self, pair: Pair<'_, Rule>) -> Option<OrgStmt> {
        let rule = pair.as_rule();
        let mut inner = children(pair.clone());
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
                let relations = self.relations(inner);
                Some(OrgStmt::Matter {
                    name,
                    kind,
                    relations,
                })
            }
            Rule::route_stmt => {
                let kind = self.name(inner.next()?)?;
                let relations = self.relations(inner);
                Some(OrgStmt::Route { kind, relations })
            }
            Rule::seat_stmt => {
                let mut first = inner.next()?;
                let mut citation = None;
                if first.as_rule() == Rule::citation {
                    citation = Some(self.citation(first)?);
                    first = inner.next()?;
                }
                let position = self.name(first)?;
                let unit = self.name(inner.next()?)?;
                let mut sources = Vec::new();
                let mut interval = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::seat_source => {
                            let mut pu = children(p);
                            let pos = self.name(pu.next()?)?;
                            let of = self.name(pu.next()?)?;
                            sources.push((pos, of));
                        }
                        Rule::interval => interval = Some(p),
                        Rule::comma => {}
                        _ => return self.unexpected(Rule::seat_stmt, &p),
                    }
                }
                let (from, to) = self.interval(interval?);
                Some(OrgStmt::Seat {
                    citation,
                    position,
                    unit,
                    sources,
                    from,
                    to,
                })
            }
            _ => self.unexpected(Rule::org_block, &pair),
        }
    }

    fn person_stmt(&mut self, person: Name, tail: Pair<'_, Rule>) -> Option<OrgStmt> {
        let rule = tail.as_rule();
        let mut inner = children(tail.clone());
        match rule {
            Rule::holds_tail => {
                let position = self.name(inner.next()?)?;
                let unit = self.name(inner.next()?)?;
                let interval = self.expect(Rule::interval, Rule::holds_tail, inner.next()?)?;
                let (from, to) = self.interval(interval);
                Some(OrgStmt::Holds {
                    person,
                    position,
                    unit,
                    from,
                    to,
                })
            }
            Rule::covers_tail => {
                let verb = self.expect(Rule::cover_verb, Rule::covers_tail, inner.next()?)?;
                let verb = verb.into_inner().next()?;
                let liaison = match verb.as_rule() {
                    Rule::K_liaises => true,
                    Rule::K_covers => false,
                    _ => return self.unexpected(Rule::cover_verb, &verb),
                };
                let targets = self.list(inner.next()?);
                let interval = self.expect(Rule::interval, Rule::covers_tail, inner.next()?)?;
                let (from, to) = self.interval(interval);
                Some(OrgStmt::Covers {
                    person,
                    liaison,
                    targets,
                    from,
                    to,
                })
            }
            _ => self.unexpected(Rule::org_block, &tail),
        }
    }

    fn count(&mut self, pair: &Pair<'_, Rule>) -> Option<u32> {
        if pair.as_rule() != Rule::count_num {
            return self.unexpected(Rule::count_num, pair);
        }
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
        let mut next = inner.next()?;
        let mut holders = Vec::new();
        if next.as_rule() == Rule::holders {
            holders = self.first_list(next);
            next = inner.next()?;
        }
        let subject = self.subject(next)?;
        let action = self.name(inner.next()?)?;
        let mut recipients = Vec::new();
        let mut mode = RecipientMode::All;
        let mut cadence = None;
        for p in inner {
            match p.as_rule() {
                Rule::recipients => (mode, recipients) = self.recipients(p)?,
                Rule::cadence => cadence = Some(self.cadence(p)?),
                Rule::reactive => {
                    let mut r = children(p);
                    let head = r.next()?;
                    let (within, hours) = match head.as_rule() {
                        Rule::within | Rule::same_day => self.delay(head)?,
                        Rule::promptly => {
                            let event = self.name(r.next()?)?;
                            cadence = Some(CadenceLit::Promptly { event });
                            continue;
                        }
                        _ => return self.unexpected(Rule::reactive, &head),
                    };
                    let event = self.name(r.next()?)?;
                    cadence = Some(CadenceLit::Reactive {
                        within,
                        hours,
                        event,
                    });
                }
                _ => return self.unexpected(Rule::obligation, &p),
            }
        }
        Some(ObligationLit {
            citation,
            holders,
            subject,
            action,
            recipients,
            mode,
            cadence: cadence?,
        })
    }

    /// `within N days|hours` or `same day`: the delay and whether it counts hours.
    fn delay(&mut self, head: Pair<'_, Rule>) -> Option<(u32, bool)> {
        match head.as_rule() {
            Rule::within => {
                let mut w = children(head);
                let n = self.count(&w.next()?)?;
                let unit = self.expect(Rule::duration_unit, Rule::within, w.next()?)?;
                let unit = unit.into_inner().next()?;
                let hours = match unit.as_rule() {
                    Rule::K_hours | Rule::K_hour => true,
                    Rule::K_days | Rule::K_day => false,
                    _ => return self.unexpected(Rule::duration_unit, &unit),
                };
                Some((n, hours))
            }
            Rule::same_day => Some((0, false)),
            _ => self.unexpected(Rule::reactive, &head),
        }
    }

    /// `to [all of|any of] RECIPIENT, …`
    fn recipients(&mut self, pair: Pair<'_, Rule>) -> Option<(RecipientMode, Vec<RecipientLit>)> {
        let mut mode = RecipientMode::All;
        let mut out = Vec::new();
        for p in children(pair) {
            match p.as_rule() {
                Rule::recipient_mode => {
                    let kw = p.into_inner().next()?;
                    mode = match kw.as_rule() {
                        Rule::K_any => RecipientMode::Any,
                        _ => RecipientMode::All,
                    };
                }
                Rule::recipient => {
                    let r = p.into_inner().next()?;
                    match r.as_rule() {
                        Rule::superior => {
                            let span = self.span(&r);
                            let kind = match children(r).next() {
                                Some(k) => Some(self.name(k)?),
                                None => None,
                            };
                            out.push(RecipientLit::Superior(kind, span));
                        }
                        _ => out.push(RecipientLit::Unit(self.name(r)?)),
                    }
                }
                _ => return self.unexpected(Rule::recipients, &p),
            }
        }
        Some((mode, out))
    }

    /// `interpret "NAME" [for ACTION, …] { … }`
    fn interpret(&mut self, pair: Pair<'_, Rule>, span: Span) -> Option<InterpretLit> {
        let mut inner = children(pair);
        let name = self.string(inner.next()?)?;
        let mut lit = InterpretLit {
            name,
            actions: Vec::new(),
            regularly: None,
            promptly: None,
            span,
        };
        for p in inner {
            match p.as_rule() {
                Rule::interpret_for => lit.actions = self.first_list(p),
                Rule::interp_regularly => lit.regularly = Some(self.cadence(p)?),
                Rule::interp_promptly => {
                    let head = children(p).next()?;
                    lit.promptly = Some(self.delay(head)?);
                }
                _ => return self.unexpected(Rule::interpret_decl, &p),
            }
        }
        Some(lit)
    }

    fn test_step(&mut self, step: Pair<'_, Rule>) -> Option<TestStepLit> {
        let span = self.span(&step);
        match step.as_rule() {
            Rule::test_incident => {
                let mut inner = children(step);
                let date = self.date(inner.next()?)?;
                let mut unit = None;
                let mut matter = None;
                let mut facts = Vec::new();
                let mut decision = None;
                for part in inner {
                    match part.as_rule() {
                        Rule::incident_at => unit = Some(self.name(children(part).next()?)?),
                        Rule::incident_for => matter = Some(self.name(children(part).next()?)?),
                        Rule::fact_value => {
                            let mut parts = children(part);
                            let fact = self.name(parts.next()?)?;
                            let v = parts.next()?;
                            let value = if v.as_rule() == Rule::value_set {
                                let vspan = self.span(&v);
                                let values =
                                    children(v).map(|x| self.value(x)).collect::<Option<_>>()?;
                                FactValueLit::Set(values, vspan)
                            } else {
                                FactValueLit::One(self.value(v)?)
                            };
                            facts.push((fact, value));
                        }
                        Rule::decision => decision = Some(self.decision(part)?),
                        _ => return self.unexpected(Rule::test_incident, &part),
                    }
                }
                Some(TestStepLit::Incident {
                    date,
                    unit,
                    matter,
                    facts,
                    decision,
                    span,
                })
            }
            Rule::test_events => {
                let mut events = Vec::new();
                for e in children(step) {
                    let (rule, espan) = (e.as_rule(), self.span(&e));
                    events.extend(self.guarded(rule, espan, |b| b.test_event(e)));
                }
                Some(TestStepLit::Events { events, span })
            }
            Rule::expect_triggers => {
                let mut clauses = Vec::new();
                for c in children(step) {
                    if c.as_rule() == Rule::no_triggers {
                        continue; // `expect no triggers`: the list stays empty
                    }
                    let (rule, span) = (c.as_rule(), self.span(&c));
                    clauses.extend(self.guarded(rule, span, |b| b.clause_ref(c)));
                }
                Some(TestStepLit::Triggers { clauses, span })
            }
            Rule::expect_accountable => {
                let mut inner = children(step);
                let clause = self.clause_ref(inner.next()?)?;
                let mut items = Vec::new();
                for item in inner {
                    match item.as_rule() {
                        Rule::none => {}
                        Rule::accountable_item => {
                            let mut parts = children(item);
                            let what = self.name(parts.next()?)?;
                            let bearer = self.who_bearer(Rule::accountable_item, parts.next()?)?;
                            items.push((what, bearer));
                        }
                        _ => return self.unexpected(Rule::expect_accountable, &item),
                    }
                }
                Some(TestStepLit::Accountable {
                    clause,
                    items,
                    span,
                })
            }
            Rule::expect_who => {
                let mut inner = children(step);
                let subject = self.name(inner.next()?)?;
                let on = self.date(inner.next()?)?;
                let duty = self.name(inner.next()?)?;
                let bearer = self.who_bearer(Rule::expect_who, inner.next()?)?;
                Some(TestStepLit::Who {
                    subject,
                    on,
                    duty,
                    bearer,
                    span,
                })
            }
            Rule::expect_duties => {
                let mut inner = children(step);
                let person = self.name(inner.next()?)?;
                let on = self.date(inner.next()?)?;
                let mut duties = Vec::new();
                for item in inner {
                    match item.as_rule() {
                        Rule::none => {}
                        Rule::duty_item => {
                            let mut parts = children(item);
                            let duty = self.name(parts.next()?)?;
                            let subject = match parts.next() {
                                Some(p) => Some(self.name(p)?),
                                None => None,
                            };
                            duties.push(DutyItemLit { duty, subject });
                        }
                        _ => return self.unexpected(Rule::expect_duties, &item),
                    }
                }
                Some(TestStepLit::Duties {
                    person,
                    on,
                    duties,
                    span,
                })
            }
            Rule::expect_liability => {
                let mut inner = children(step);
                let person = self.name(inner.next()?)?;
                let what = inner.next()?;
                let duty = match what.as_rule() {
                    Rule::none => None,
                    _ => Some(self.name(what)?),
                };
                Some(TestStepLit::Liability { person, duty, span })
            }
            Rule::expect_staffing => {
                let mut inner = children(step);
                let subject = self.name(inner.next()?)?;
                let on = self.date(inner.next()?)?;
                let st =
                    self.expect(Rule::staffing_status, Rule::expect_staffing, inner.next()?)?;
                let kw = st.into_inner().next()?;
                let status = match kw.as_rule() {
                    Rule::K_ok => StaffedLit::Ok,
                    Rule::K_short => StaffedLit::Short,
                    Rule::K_over => StaffedLit::Over,
                    _ => return self.unexpected(Rule::staffing_status, &kw),
                };
                let positions = inner.filter_map(|p| self.name(p)).collect();
                Some(TestStepLit::Staffing {
                    subject,
                    on,
                    status,
                    positions,
                    span,
                })
            }
            Rule::expect_holders => {
                let mut inner = children(step);
                let unit = self.name(inner.next()?)?;
                let position = self.name(inner.next()?)?;
                let on = self.date(inner.next()?)?;
                let people = match inner.next() {
                    Some(p) if p.as_rule() == Rule::name_list => self.list(p),
                    _ => Vec::new(), // `none`
                };
                Some(TestStepLit::Holders {
                    unit,
                    position,
                    on,
                    people,
                    span,
                })
            }
            Rule::expect_approval => {
                let mut inner = children(step);
                let subject = self.name(inner.next()?)?;
                let action = self.name(inner.next()?)?;
                let period = self.period_lit(&inner.next()?)?;
                let status = inner.next()?.into_inner().next()?;
                let approved = match status.as_rule() {
                    Rule::K_approved => true,
                    Rule::K_unapproved => false,
                    _ => return self.unexpected(Rule::approval_status, &status),
                };
                let as_of = match inner.next() {
                    Some(p) => Some(self.date(children(p).next()?)?),
                    None => None,
                };
                Some(TestStepLit::Approval {
                    subject,
                    action,
                    period,
                    approved,
                    as_of,
                    span,
                })
            }
            Rule::expect_compliance => {
                let mut subject = None;
                let mut person = None;
                let mut action = None;
                let mut period = None;
                let mut status = None;
                let mut as_of = None;
                for part in children(step) {
                    match part.as_rule() {
                        Rule::ident | Rule::string if subject.is_none() => {
                            subject = Some(self.name(part)?)
                        }
                        Rule::event_by => person = Some(self.name(children(part).next()?)?),
                        Rule::ident | Rule::string => action = Some(self.name(part)?),
                        Rule::period_lit => period = Some(self.period_lit(&part)?),
                        Rule::compliance_status => {
                            let kw = part.into_inner().next()?;
                            status = Some(match kw.as_rule() {
                                Rule::K_met => ComplianceLit::Met,
                                Rule::K_missed => ComplianceLit::Missed,
                                Rule::K_pending => ComplianceLit::Pending,
                                Rule::K_not_assessed => ComplianceLit::NotAssessed,
                                Rule::K_not_stated => ComplianceLit::NotStated,
                                Rule::K_answered => ComplianceLit::Answered,
                                Rule::K_unanswered => ComplianceLit::Unanswered,
                                Rule::K_on_time => ComplianceLit::OnTime,
                                Rule::K_late => ComplianceLit::Late,
                                Rule::K_overdue => ComplianceLit::Overdue,
                                _ => return self.unexpected(Rule::compliance_status, &kw),
                            });
                        }
                        Rule::as_of => as_of = Some(self.date(children(part).next()?)?),
                        _ => return self.unexpected(Rule::expect_compliance, &part),
                    }
                }
                Some(TestStepLit::Compliance {
                    subject: subject?,
                    person,
                    action,
                    period: period?,
                    status: status?,
                    as_of,
                    span,
                })
            }
            Rule::expect_calendar => {
                let mut subject = None;
                let mut action = None;
                let mut period = None;
                let mut due = Vec::new();
                for part in children(step) {
                    match part.as_rule() {
                        Rule::ident | Rule::string if subject.is_none() => {
                            subject = Some(self.name(part)?)
                        }
                        Rule::ident | Rule::string => action = Some(self.name(part)?),
                        Rule::period_lit => period = Some(self.period_lit(&part)?),
                        Rule::none => {}
                        Rule::date => due.push(self.date(part)?),
                        _ => return self.unexpected(Rule::expect_calendar, &part),
                    }
                }
                Some(TestStepLit::Calendar {
                    subject: subject?,
                    action,
                    period: period?,
                    due,
                    span,
                })
            }
            Rule::expect_warning => {
                let mut kind = None;
                let mut clause = None;
                for part in children(step) {
                    match part.as_rule() {
                        Rule::no_warnings => {}
                        Rule::warning_kind => {
                            kind = Some(Name {
                                text: part.as_str().to_string(),
                                span: self.span(&part),
                            })
                        }
                        Rule::clause_ref => clause = Some(self.clause_ref(part)?),
                        _ => return self.unexpected(Rule::expect_warning, &part),
                    }
                }
                Some(TestStepLit::Warning { kind, clause, span })
            }
            _ => self.unexpected(Rule::test_block, &step),
        }
    }

    /// A clause named in a test: its number or its full citation.
    fn clause_ref(&mut self, pair: Pair<'_, Rule>) -> Option<Name> {
        let c = self.expect(Rule::clause_ref, Rule::clause_ref, pair)?;
        let inner = c.into_inner().next()?;
        match inner.as_rule() {
            Rule::string => self.string(inner),
            Rule::clause_no => self.clause_no(&inner),
            _ => self.unexpected(Rule::clause_ref, &inner),
        }
    }

    /// A period as written; the checker reads it.
    fn period_lit(&mut self, pair: &Pair<'_, Rule>) -> Option<Name> {
        Some(Name {
            text: pair.as_str().to_string(),
            span: self.span(pair),
        })
    }

    /// `decided by collective [of UNIT] { PERSON [objecting], … }` or `decided by PERSON`.
    fn decision(&mut self, pair: Pair<'_, Rule>) -> Option<DecisionLit> {
        let d = children(pair).next()?;
        match d.as_rule() {
            Rule::collective => {
                let span = self.span(&d);
                let mut unit = None;
                let mut participants = Vec::new();
                for part in children(d) {
                    match part.as_rule() {
                        Rule::ident | Rule::string => unit = Some(self.name(part)?),
                        Rule::participant => {
                            let mut p = children(part);
                            let who = self.name(p.next()?)?;
                            let objected = p.next().is_some();
                            participants.push((who, objected));
                        }
                        _ => return self.unexpected(Rule::collective, &part),
                    }
                }
                Some(DecisionLit::Collective {
                    unit,
                    participants,
                    span,
                })
            }
            Rule::ident | Rule::string => Some(DecisionLit::Individual { by: self.name(d)? }),
            _ => self.unexpected(Rule::decision, &d),
        }
    }

    /// `DATE [HH:MM] SUBJECT ACTION [by PERSON] [to UNIT] [for PERIOD] [;]`
    fn test_event(&mut self, pair: Pair<'_, Rule>) -> Option<EventLit> {
        let pair = self.expect(Rule::test_event, Rule::test_events, pair)?;
        let span = self.span(&pair);
        let mut date = None;
        let mut time = None;
        let mut names = Vec::new();
        let mut to = Vec::new();
        let mut for_period = None;
        let mut person = None;
        for part in children(pair) {
            match part.as_rule() {
                Rule::date => date = Some(self.date(part)?),
                Rule::event_by => person = Some(self.name(children(part).next()?)?),
                Rule::time_of_day => {
                    let d = date?;
                    let text = format!("{}T{}", d.date, part.as_str());
                    match crate::dates::parse_when(&text) {
                        Ok((_, Some(t))) => time = Some(t.format("%H:%M:%S").to_string()),
                        Ok((_, None)) => return self.unexpected(Rule::test_event, &part),
                        Err((message, _)) => {
                            let tspan = self.span(&part);
                            self.error(
                                DiagKind::InvalidDate,
                                tspan,
                                message,
                                Some(
                                    "write the time as HH:MM or HH:MM:SS, from 00:00 to 23:59:59"
                                        .into(),
                                ),
                            );
                            return None;
                        }
                    }
                }
                Rule::ident | Rule::string => names.push(self.name(part)?),
                Rule::name_list => to = self.list(part),
                Rule::event_for => {
                    let p = children(part).next()?;
                    for_period = Some(self.period_lit(&p)?);
                }
                Rule::semicolon => {}
                _ => return self.unexpected(Rule::test_event, &part),
            }
        }
        let mut names = names.into_iter();
        Some(EventLit {
            date: date?,
            time,
            subject: names.next()?,
            what: names.next()?,
            person,
            to,
            for_period,
            span,
        })
    }

    fn subject(&mut self, subj: Pair<'_, Rule>) -> Option<SubjectLit> {
        Some(match subj.as_rule() {
            Rule::subj_each_matter => SubjectLit::EachMatter(self.first_list(subj)),
            Rule::subj_each => SubjectLit::EachUnit(self.first_list(subj)),
            Rule::subj_unit => SubjectLit::Unit(self.name(subj.into_inner().next()?)?),
            _ => return self.unexpected(Rule::obligation, &subj),
        })
    }

    /// `at least N [and at most M] | at most M | exactly N` as (min, max).
    fn count_range(&mut self, pair: Pair<'_, Rule>) -> Option<(Option<u32>, Option<u32>)> {
        let mut min = None;
        let mut max = None;
        for c in children(pair) {
            let rule = c.as_rule();
            let n = children(c.clone()).next()?;
            let n = self.count(&n)?;
            match rule {
                Rule::at_least => min = Some(n),
                Rule::at_most => max = Some(n),
                Rule::exactly => {
                    min = Some(n);
                    max = Some(n);
                }
                _ => return self.unexpected(Rule::count, &c),
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
                Rule::regularly => return Some(CadenceLit::Regularly { span }),
                Rule::count => {
                    span = self.span(&p);
                    (min, max) = self.count_range(p)?;
                }
                Rule::period => {
                    let kw = p.into_inner().next()?;
                    period = match kw.as_rule() {
                        Rule::K_half_year => PeriodKind::HalfYear,
                        Rule::K_quarter => PeriodKind::Quarter,
                        Rule::K_month => PeriodKind::Month,
                        Rule::K_week => PeriodKind::Week,
                        Rule::K_day => PeriodKind::Day,
                        Rule::K_year => PeriodKind::Year,
                        _ => return self.unexpected(Rule::period, &kw),
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
                        Rule::day_of_period => {
                            let n = children(d).next()?;
                            let day = self.count(&n)?;
                            Some(DeadlineLit::DayOfPeriod { day, span: dspan })
                        }
                        _ => return self.unexpected(Rule::deadline, &d),
                    };
                }
                _ => return self.unexpected(Rule::cadence, &p),
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
        let pair = self.expect(Rule::citation, Rule::citation, pair)?;
        let s = children(pair).next()?;
        self.string(s)
    }

    fn who_bearer(&mut self, parent: Rule, pair: Pair<'_, Rule>) -> Option<WhoBearerLit> {
        let bearer = self.expect(Rule::who_bearer, parent, pair)?;
        let bearer = bearer.into_inner().next()?;
        Some(match bearer.as_rule() {
            Rule::team_of => match children(bearer).next() {
                Some(unit) => WhoBearerLit::Team(Some(self.name(unit)?)),
                None => WhoBearerLit::Team(None),
            },
            Rule::vacant => WhoBearerLit::Vacant,
            Rule::ident | Rule::string => WhoBearerLit::Person(self.name(bearer)?),
            _ => return self.unexpected(Rule::who_bearer, &bearer),
        })
    }

    /// An article's number or heading, or an item's number.
    fn article_id(&mut self, pair: Pair<'_, Rule>) -> Option<Name> {
        let pair = self.expect(Rule::article_id, Rule::article, pair)?;
        let inner = pair.into_inner().next()?;
        match inner.as_rule() {
            Rule::clause_no => self.clause_no(&inner),
            _ => self.name(inner),
        }
    }

    /// `against TARGET, …`
    fn against(&mut self, pair: Pair<'_, Rule>) -> Option<Vec<TargetLit>> {
        let pair = self.expect(Rule::against, Rule::against, pair)?;
        let mut targets = Vec::new();
        for t in children(pair) {
            let t = self.expect(Rule::target, Rule::against, t)?;
            let mut parts = children(t);
            let name = self.name(parts.next()?)?;
            let covering = match parts.next() {
                None => false,
                Some(c) if c.as_rule() == Rule::covering => true,
                Some(c) => return self.unexpected(Rule::target, &c),
            };
            targets.push(TargetLit { name, covering });
        }
        Some(targets)
    }

    /// `procedure per "…" [for "…"] { … }`
    fn procedure(&mut self, pair: Pair<'_, Rule>) -> Option<ProcedureBlock> {
        let mut inner = children(pair);
        let citation = self.citation(inner.next()?)?;
        let mut block = ProcedureBlock {
            citation,
            lists: Vec::new(),
            steps: Vec::new(),
            basis: Vec::new(),
        };
        for item in inner {
            match item.as_rule() {
                Rule::for_lists => {
                    block.lists = children(item).filter_map(|s| self.string(s)).collect();
                }
                Rule::proc_basis => block.basis.extend(self.only_string(item)),
                Rule::procedure_item => {
                    let span = self.span(&item);
                    block
                        .steps
                        .extend(self.guarded(Rule::procedure_item, span, |b| b.proc_step(item)));
                }
                _ => return self.unexpected(Rule::procedure_block, &item),
            }
        }
        Some(block)
    }

    fn proc_step(&mut self, item: Pair<'_, Rule>) -> Option<ProcStepLit> {
        let mut parts = children(item);
        let kw = self.expect(Rule::procedure_kw, Rule::procedure_item, parts.next()?)?;
        let kw = kw.into_inner().next()?;
        let kind = match kw.as_rule() {
            Rule::K_propose => StepKind::Propose,
            Rule::K_decide => StepKind::Decide,
            Rule::K_file => StepKind::File,
            Rule::K_refer => StepKind::Refer,
            _ => return self.unexpected(Rule::procedure_kw, &kw),
        };
        let bodies = self.list(parts.next()?);
        let mut step = ProcStepLit {
            kind,
            bodies,
            jointly: Vec::new(),
            as_needed: false,
            when: None,
            when_span: None,
        };
        for p in parts {
            match p.as_rule() {
                Rule::jointly => {
                    for j in children(p) {
                        match j.as_rule() {
                            Rule::name_list => step.jointly = self.list(j),
                            Rule::as_needed => step.as_needed = true,
                            _ => return self.unexpected(Rule::jointly, &j),
                        }
                    }
                }
                Rule::when_cond => {
                    let c = children(p).next()?;
                    step.when_span = Some(self.span(&c));
                    step.when = Some(self.cond(c)?);
                }
                _ => return self.unexpected(Rule::procedure_item, &p),
            }
        }
        Some(step)
    }

    fn triggers(&mut self, pair: Pair<'_, Rule>, span: Span) -> Option<TriggersBlock> {
        let mut block = TriggersBlock {
            citation: Name {
                text: String::new(),
                span,
            },
            parties: Vec::new(),
            against: Vec::new(),
            clauses: Vec::new(),
            span,
        };
        for p in children(pair) {
            match p.as_rule() {
                Rule::citation => block.citation = self.citation(p)?,
                Rule::parties => block.parties = self.first_list(p),
                Rule::against => block.against = self.against(p)?,
                Rule::clause => {
                    let span = self.span(&p);
                    block
                        .clauses
                        .extend(self.guarded(Rule::clause, span, |b| b.clause(p)));
                }
                _ => return self.unexpected(Rule::triggers_block, &p),
            }
        }
        Some(block)
    }

    fn clause(&mut self, pair: Pair<'_, Rule>) -> Option<ClauseLit> {
        let mut inner = children(pair).peekable();
        let number = inner
            .next_if(|p| p.as_rule() == Rule::clause_no)
            .map(|no| self.clause_no(&no));
        let text = self.string(inner.next()?);
        let tail = inner.next()?;
        let (catch_all, when) = match tail.as_rule() {
            Rule::when_cond => (false, Some(self.cond(children(tail).next()?)?)),
            Rule::otherwise => match children(tail).next() {
                Some(w) => (true, Some(self.cond(children(w).next()?)?)),
                None => (true, None),
            },
            _ => return self.unexpected(Rule::clause, &tail),
        };
        let against = match inner.next() {
            Some(p) => self.against(p)?,
            None => Vec::new(),
        };
        Some(ClauseLit {
            number: match number {
                Some(n) => Some(n?),
                None => None,
            },
            text: text?,
            catch_all,
            when,
            against,
        })
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
                        let grade = self.expect(Rule::grade, Rule::graded, grade)?;
                        let mut parts = children(grade).filter(|x| x.as_rule() != Rule::colon);
                        let level = self.name(parts.next()?)?;
                        let measures = self.list(parts.next()?);
                        grades.push((level, measures));
                    }
                    kind = Some(SanctionsLit::Graded { by, grades });
                }
                _ => return self.unexpected(Rule::sanctions_block, &p),
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
            let (rule, span) = (item.as_rule(), self.span(&item));
            let mut parts = children(item.clone());
            // A part that cannot be built is reported; the others are kept.
            self.guarded(rule, span, |b| {
                match rule {
                    Rule::liab_main => {
                        block.main_positions = b.list(parts.next()?);
                        block.main = Some(b.name(parts.next()?)?);
                    }
                    Rule::liab_others => block.others = Some(b.name(parts.next()?)?),
                    Rule::liab_individual => block.individual = Some(b.name(parts.next()?)?),
                    _ => return b.unexpected(Rule::liability_block, &item),
                }
                Some(())
            });
        }
        Some(block)
    }

    /// A condition, through the Pratt parser: `not` binds tightest, then
    /// `and`, then `or`. Chains of `and`/`or` are flattened, so evaluation
    /// depth is bounded by bracket nesting.
    fn cond(&mut self, pair: Pair<'_, Rule>) -> Option<Cond> {
        let pair = self.expect(Rule::cond, Rule::cond, pair)?;
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
                let op = self.expect(Rule::cmp_op, Rule::comparison, inner.next()?)?;
                let cmp = match op.as_str() {
                    "=" | "==" => CmpOp::Eq,
                    "!=" => CmpOp::Ne,
                    "<" => CmpOp::Lt,
                    "<=" => CmpOp::Le,
                    ">" => CmpOp::Gt,
                    ">=" => CmpOp::Ge,
                    _ => return self.unexpected(Rule::comparison, &op),
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
            _ => self.unexpected(Rule::cond, &pair),
        }
    }

    fn value(&mut self, pair: Pair<'_, Rule>) -> Option<ValueLit> {
        let pair = self.expect(Rule::value, Rule::value, pair)?;
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
            Rule::bool_lit => {
                let kw = inner.into_inner().next()?;
                match kw.as_rule() {
                    Rule::K_true => Some(ValueLit::Bool(true, span)),
                    Rule::K_false => Some(ValueLit::Bool(false, span)),
                    _ => self.unexpected(Rule::bool_lit, &kw),
                }
            }
            Rule::ident | Rule::string => self.name(inner).map(ValueLit::Name),
            _ => self.unexpected(Rule::value, &inner),
        }
    }

    fn assign(&mut self, pair: Pair<'_, Rule>) -> Option<AssignBlock> {
        let mut inner = children(pair);
        let citation = self.citation(inner.next()?)?;
        let scope_pair = inner.next()?;
        let scope_rule = scope_pair.as_rule();
        let mut scope_inner = children(scope_pair.clone());
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
            _ => return self.unexpected(Rule::assign_block, &scope_pair),
        };
        let mut items = Vec::new();
        for p in inner {
            let span = self.span(&p);
            items.extend(self.guarded(Rule::assign_item, span, |b| b.assign_item(p)));
        }
        Some(AssignBlock {
            citation,
            scope,
            items,
        })
    }

    fn assign_item(&mut self, pair: Pair<'_, Rule>) -> Option<AssignItem> {
        let pair = self.expect(Rule::assign_item, Rule::assign_block, pair)?;
        let span = self.span(&pair);
        let mut inner = children(pair);
        let bearer_pair = inner.next()?;
        let duty = self.name(inner.next()?)?;
        let bearer = match bearer_pair.as_rule() {
            Rule::team_bearer => {
                let of = match children(bearer_pair).next() {
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
                        Rule::ident | Rule::string => position = Some(self.name(p)?),
                        Rule::anchor => of = Some(self.anchor(p)?),
                        Rule::covering => covering = true,
                        _ => return self.unexpected(Rule::position_bearer, &p),
                    }
                }
                BearerLit::Position {
                    position: position?,
                    of,
                    covering,
                }
            }
            _ => return self.unexpected(Rule::assign_item, &bearer_pair),
        };
        Some(AssignItem { bearer, duty, span })
    }

    fn anchor(&mut self, pair: Pair<'_, Rule>) -> Option<Anchor> {
        let pair = self.expect(Rule::anchor, Rule::anchor, pair)?;
        let inner = pair.into_inner().next()?;
        match inner.as_rule() {
            Rule::relation_kw => self.relation_kw(inner).map(Anchor::Relation),
            Rule::ident | Rule::string => self.name(inner).map(Anchor::Unit),
            _ => self.unexpected(Rule::anchor, &inner),
        }
    }

    fn relation_kw(&mut self, pair: Pair<'_, Rule>) -> Option<Relation> {
        let pair = self.expect(Rule::relation_kw, Rule::relation, pair)?;
        let kw = pair.into_inner().next()?;
        Some(match kw.as_rule() {
            Rule::K_in_charge => Relation::InCharge,
            Rule::K_operator => Relation::Operator,
            Rule::K_host => Relation::Host,
            Rule::K_approver => Relation::Approver,
            _ => return self.unexpected(Rule::relation_kw, &kw),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ZerenParser;
    use pest::Parser as _;

    fn internal(errors: &[Diagnostic]) -> Vec<&str> {
        errors
            .iter()
            .filter(|d| d.kind == DiagKind::Invalid && d.message.starts_with("internal error:"))
            .map(|d| d.message.as_str())
            .collect()
    }

    #[test]
    fn a_rule_where_a_declaration_belongs_is_an_internal_error() {
        let text = "unit 党委 kind 部门";
        let mut sources = Sources::new();
        let f = sources.add("t.zr", text.into());
        let pairs = ZerenParser::parse(Rule::unit_stmt, text).unwrap();
        let mut b = Builder::new(&sources, f);
        let mut items = Vec::new();
        assert!(b.top(0, pairs, &mut items));
        assert!(items.is_empty());
        let errors = b.finish(items).unwrap_err();
        let messages = internal(&errors);
        assert_eq!(messages.len(), 1, "{errors:?}");
        assert!(messages[0].contains("`unit_stmt`"), "{}", messages[0]);
        assert!(messages[0].contains("a bug in zeren"), "{}", messages[0]);
    }

    #[test]
    fn a_wrong_rule_inside_a_declaration_is_an_internal_error_not_a_name() {
        // A keyword token handed over where a name is built: without the
        // check it would be reported as "`kind` is a keyword" to the user.
        let text = "kind";
        let mut sources = Sources::new();
        let f = sources.add("t.zr", text.into());
        let pair = ZerenParser::parse(Rule::K_kind, text)
            .unwrap()
            .next()
            .unwrap();
        let mut b = Builder::new(&sources, f);
        assert!(b.name(pair).is_none());
        let errors = b.finish(Vec::new()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(internal(&errors).len(), 1, "{errors:?}");
        assert!(
            errors[0].message.contains("`K_kind` in `name`"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn a_part_dropped_without_a_reason_is_an_internal_error() {
        let mut sources = Sources::new();
        let f = sources.add("t.zr", "2019-02-30".into());
        let mut b = Builder::new(&sources, f);
        let span = Span::new(f, 0, 10);
        assert!(b.guarded(Rule::position, span, |_| None::<()>).is_none());
        // A part not built because of a problem in the policy is that
        // problem alone.
        let date = ZerenParser::parse(Rule::date, "2019-02-30")
            .unwrap()
            .next()
            .unwrap();
        assert!(b.guarded(Rule::date, span, |b| b.date(date)).is_none());
        let errors = b.finish(Vec::new()).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0]
            .message
            .starts_with("internal error: a `position`"));
        assert!(errors[0].message.contains("a bug in zeren"));
        assert_eq!(errors[1].kind, DiagKind::InvalidDate);
    }
}
