//! Check: name resolution and consistency over all files of a policy.
//!
//! Reads every parsed file (and every org supplied as data), resolves each
//! name against its declarations, and collects *all* problems rather than
//! stopping at the first. The output is a [`Model`] of typed ids that the
//! compile phase indexes.
//!
//! - declarations: header, duties and their order, unit kinds, matter kinds, positions;
//! - org: units (kinds, parents, cycles), matters and routes, holdings
//!   (intervals, single-holder overlaps), coverage;
//! - assignment rules: scopes, bearers, anchors, duties.

mod articles;
mod facts;
mod lint;
mod obligations;
mod org;
mod rules;
mod seats;
mod test_blocks;

pub use articles::CitingKind;
pub(crate) use articles::{within, ArticleM, CiteM};
pub(crate) use test_blocks::{clause_key, TestM, TestStepM};

pub(crate) use facts::{
    accepted, type_phrase, ClauseM, CondNode, ConsequenceM, FactM, FactTy, LiabilityM, ProcedureM,
    SanctionsKindM, SanctionsM, ScaleM, TargetM, Test, TriggerListM, Val,
};
pub(crate) use obligations::{
    ApprovalM, ApproverM, CadenceM, DeadlineM, InterpretM, ObligationM, RecipientM, StaffingM,
    SubjectM,
};

use crate::diag::{DiagKind, Diagnostic, Severity, Span};
use crate::ids::{
    ActionIx, CondIx, DutyIx, EventKindIx, FactIx, Idx, ListIx, MatterIx, MatterKindIx,
    ObligationIx, PersonIx, PositionIx, RuleIx, ScaleIx, StaffingIx, Table, UnitIx, UnitKindIx,
};
use crate::limits;
use crate::name_index::NameIndex;
use crate::resolve::suggest;
use crate::source::Sources;
use crate::syntax::ast::{self, Item, Name, OrgStmt, Relation};
use chrono::NaiveDate;

/// The checked policy: every name resolved to a dense id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Model {
    pub header: HeaderInfo,
    pub duties: Table<DutyIx, String>,
    /// Which `duties` declaration (chain) each duty comes from: duties of
    /// one chain are ranked against each other, of two chains are not.
    pub duty_chain: Table<DutyIx, u32>,
    pub unit_kinds: Table<UnitKindIx, String>,
    pub matter_kinds: Table<MatterKindIx, String>,
    pub positions: Table<PositionIx, PositionM>,
    pub units: Table<UnitIx, UnitM>,
    pub people: Table<PersonIx, String>,
    /// Units, matters and people by name (as the checker declared them).
    pub unit_index: NameIndex<UnitIx>,
    pub matter_index: NameIndex<MatterIx>,
    pub person_index: NameIndex<PersonIx>,
    pub holdings: Vec<HoldingM>,
    pub covers: Vec<CoverM>,
    pub matters: Table<MatterIx, MatterM>,
    /// Per matter kind: the unit for each relation (indexed by `Relation as usize`).
    pub routes: Table<MatterKindIx, [Option<UnitIx>; 4]>,
    pub rules: Table<RuleIx, RuleM>,
    pub scales: Table<ScaleIx, ScaleM>,
    pub facts: Table<FactIx, FactM>,
    /// Condition nodes; triggers and consequences refer to their roots.
    pub conds: Table<CondIx, CondNode>,
    pub trigger_lists: Table<ListIx, TriggerListM>,
    pub sanctions: Vec<SanctionsM>,
    pub consequences: Vec<ConsequenceM>,
    pub liability: Vec<LiabilityM>,
    pub procedures: Vec<ProcedureM>,
    pub actions: Table<ActionIx, String>,
    pub event_kinds: Table<EventKindIx, String>,
    pub obligations: Table<ObligationIx, ObligationM>,
    pub staffing: Table<StaffingIx, StaffingM>,
    pub tests: Vec<TestM>,
    /// The organisation's readings of what the regulation leaves unstated.
    pub interpretations: Vec<InterpretM>,
    /// Approval chains (`approval per … needs … then …`).
    pub approvals: Vec<ApprovalM>,
    /// Seats held by virtue of other posts, as written (for coverage).
    pub seats: Vec<SeatM>,
    /// The regulation's articles and items as listed (empty when not listed).
    pub articles: Vec<ArticleM>,
    /// Every citation the policy writes.
    pub cites: Vec<CiteM>,
}

/// The policy header.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct HeaderInfo {
    /// The regulation's title.
    pub title: String,
    /// Issuing body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Document number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Effective date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<NaiveDate>,
    /// Date of issue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued: Option<NaiveDate>,
    /// Documents it is based on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub basis: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct PositionM {
    pub name: String,
    pub single: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct UnitM {
    pub name: String,
    /// None only when the kind named is unknown: the model then has
    /// errors and is never compiled.
    pub kind: Option<UnitKindIx>,
    /// The unit it is `under`; none for a top unit.
    pub parent: Option<UnitIx>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct HoldingM {
    pub person: PersonIx,
    pub position: PositionIx,
    pub unit: UnitIx,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// For a seat (`seat … is …`): the post it is held through.
    pub via: Option<(PositionIx, UnitIx)>,
}

/// A seat as written: its article, the post it fills and the posts that
/// carry it (the holdings it gives are in `holdings`).
#[derive(Debug, Clone)]
pub(crate) struct SeatM {
    pub citation: String,
    pub position: PositionIx,
    pub unit: UnitIx,
    pub sources: Vec<(PositionIx, UnitIx)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum TargetId {
    Unit(UnitIx),
    Matter(MatterIx),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct CoverM {
    pub person: PersonIx,
    pub target: TargetId,
    pub liaison: bool,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub(crate) struct MatterM {
    pub name: String,
    /// None only when the kind named is unknown: the model then has
    /// errors and is never compiled.
    pub kind: Option<MatterKindIx>,
    /// Relations given on the instance (routes are applied at compile time).
    pub relations: [Option<UnitIx>; 4],
}

#[derive(Debug, Clone)]
pub(crate) struct RuleM {
    pub citation: String,
    pub scope: ScopeM,
    pub bearer: BearerM,
    pub duty: DutyIx,
    /// Where the rule is written.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) enum ScopeM {
    EachUnit(Vec<UnitKindIx>),
    Unit(UnitIx),
    EachMatter(Vec<MatterKindIx>),
    Matter(MatterIx),
}

impl ScopeM {
    pub fn is_matter(&self) -> bool {
        matches!(self, ScopeM::EachMatter(_) | ScopeM::Matter(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AnchorM {
    /// The scope's own unit.
    Own,
    Unit(UnitIx),
    Relation(Relation),
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum BearerM {
    Team(AnchorM),
    Position {
        position: PositionIx,
        of: AnchorM,
        covering: bool,
    },
}

/// A namespace of declared names: text → (id, where declared). What the
/// names are called in messages is the id type's [`Idx::WHAT`].
#[derive(Debug)]
pub(crate) struct Names<I> {
    index: NameIndex<I>,
    /// The names, in declaration order.
    order: Table<I, String>,
    /// Where each name was declared, parallel to `order`.
    spans: Table<I, Span>,
}

impl<I: Idx> Names<I> {
    fn new() -> Self {
        Names {
            index: NameIndex::default(),
            order: Table::new(),
            spans: Table::new(),
        }
    }

    /// Declares a name; returns its id, or where it was first declared.
    fn declare(&mut self, name: &Name) -> Result<I, Span> {
        match self.index.insert(self.order.next_id(), &name.text) {
            Some(id) => Err(*self.spans.get(id)),
            None => Ok(self.add(name)),
        }
    }

    /// The id of a name, declaring it when it is new.
    fn get_or_declare(&mut self, name: &Name) -> I {
        match self.index.insert(self.order.next_id(), &name.text) {
            Some(id) => id,
            None => self.add(name),
        }
    }

    /// Adds a name just entered in the index under the next id.
    fn add(&mut self, name: &Name) -> I {
        self.spans.push(name.span);
        self.order.push(name.text.clone())
    }

    fn get(&self, text: &str) -> Option<I> {
        self.index.get(text)
    }

    /// The declared names, in order.
    fn names(&self) -> impl Iterator<Item = &str> + Clone {
        self.order.iter().map(String::as_str)
    }
}

pub(crate) struct Checker<'s> {
    sources: &'s Sources,
    errors: Vec<Diagnostic>,
    duties: Names<DutyIx>,
    unit_kinds: Names<UnitKindIx>,
    matter_kinds: Names<MatterKindIx>,
    positions: Names<PositionIx>,
    units: Names<UnitIx>,
    matters: Names<MatterIx>,
    people: Names<PersonIx>,
    scales: Names<ScaleIx>,
    facts: Names<FactIx>,
    actions: Names<ActionIx>,
    event_kinds: Names<EventKindIx>,
    model: Model,
    /// Span of each accepted holding, parallel to `model.holdings`.
    holding_spans: Vec<Span>,
    /// Problems that do not reject the policy.
    warnings: Vec<Diagnostic>,
    /// Errors and warnings past the limit, counted but not built.
    omitted_errors: usize,
    omitted_warnings: usize,
}

impl<'s> Checker<'s> {
    fn error(&mut self, kind: DiagKind, span: Span, message: String, help: Option<String>) {
        if self.errors.len() < limits::MAX_DIAGNOSTICS {
            let d = self.sources.diag_span(kind, span, message, help);
            self.errors.push(d);
        } else {
            self.omitted_errors += 1;
        }
    }

    /// `file:line:column` of a span.
    fn location(&self, span: Span) -> String {
        let d = self
            .sources
            .diag_span(DiagKind::Invalid, span, String::new(), None);
        format!("{}:{}:{}", d.file(), d.line(), d.column())
    }

    /// Reports a diagnostic already made (with extra labels).
    fn push_error(&mut self, d: Diagnostic) {
        if self.errors.len() < limits::MAX_DIAGNOSTICS {
            self.errors.push(d);
        } else {
            self.omitted_errors += 1;
        }
    }

    /// Reports a name declared again, pointing at both declarations.
    fn duplicate(&mut self, what: &str, name: &Name, first: Span) {
        if self.errors.len() >= limits::MAX_DIAGNOSTICS {
            self.omitted_errors += 1;
            return;
        }
        let d = self
            .sources
            .diag_span(
                DiagKind::Duplicate,
                name.span,
                format!("{what} `{}` is declared twice", name.text),
                Some(format!(
                    "remove one of the declarations, or give this {what} another name"
                )),
            )
            .with_label(self.sources.label(first, "first declared here"));
        self.errors.push(d);
    }

    /// Resolves a name in the namespace of its id type, reporting an unknown
    /// one with the closest match.
    fn resolve<I: Space>(&mut self, name: &Name) -> Option<I> {
        let names = I::names(self);
        if let Some(id) = names.get(&name.text) {
            return Some(id);
        }
        let what = I::WHAT;
        let help = suggest(&name.text, what, names.names());
        self.error(
            DiagKind::UnknownName,
            name.span,
            format!("unknown {what} `{}`", name.text),
            Some(help),
        );
        None
    }
}

/// An id type with a namespace of its own in the checker.
pub(crate) trait Space: Idx {
    /// The checker's namespace of this kind of name.
    fn names<'a>(c: &'a Checker<'_>) -> &'a Names<Self>;
}

/// Ties each id type to the checker's namespace of its names.
macro_rules! spaces {
    ($($id:ty => $field:ident;)*) => {$(
        impl Space for $id {
            fn names<'a>(c: &'a Checker<'_>) -> &'a Names<Self> {
                &c.$field
            }
        }
    )*};
}

spaces! {
    UnitIx => units;
    PersonIx => people;
    PositionIx => positions;
    DutyIx => duties;
    UnitKindIx => unit_kinds;
    MatterKindIx => matter_kinds;
    MatterIx => matters;
    FactIx => facts;
    ScaleIx => scales;
    ActionIx => actions;
    EventKindIx => event_kinds;
}

/// Checks parsed files and data orgs together.
pub(crate) fn check(
    sources: &Sources,
    files: &[ast::File],
    data_orgs: &[Vec<OrgStmt>],
) -> Result<(Model, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut c = Checker {
        sources,
        errors: Vec::new(),
        duties: Names::new(),
        unit_kinds: Names::new(),
        matter_kinds: Names::new(),
        positions: Names::new(),
        units: Names::new(),
        matters: Names::new(),
        people: Names::new(),
        scales: Names::new(),
        facts: Names::new(),
        actions: Names::new(),
        event_kinds: Names::new(),
        model: Model::default(),
        holding_spans: Vec::new(),
        warnings: Vec::new(),
        omitted_errors: 0,
        omitted_warnings: 0,
    };
    c.declarations(files);
    let stmts: Vec<&OrgStmt> = files
        .iter()
        .flat_map(|f| f.items.iter())
        .filter_map(|i| match i {
            Item::Org { stmts } => Some(stmts.iter()),
            _ => None,
        })
        .flatten()
        .chain(data_orgs.iter().flatten())
        .collect();
    c.org(&stmts);
    for f in files {
        for item in &f.items {
            if let Item::Assign(block) = item {
                c.assign_block(block);
            }
        }
    }
    c.accountability(files);
    let items: Vec<&Item> = files.iter().flat_map(|f| f.items.iter()).collect();
    c.obligations(&items);
    c.tests(&items);
    c.articles(&items);
    if c.errors.is_empty() {
        c.lint();
        let mut model = c.model;
        model.people = c.people.order;
        model.person_index = c.people.index;
        model.unit_index = c.units.index;
        model.matter_index = c.matters.index;
        let mut warnings = c.warnings;
        crate::diag::note_omitted(&mut warnings, c.omitted_warnings, Severity::Warning);
        Ok((model, warnings))
    } else {
        let mut errors = c.errors;
        crate::diag::note_omitted(&mut errors, c.omitted_errors, Severity::Error);
        Err(errors)
    }
}

impl Checker<'_> {
    fn declarations(&mut self, files: &[ast::File]) {
        let mut header_seen: Option<Span> = None;
        let mut duty_chains = 0u32;
        for item in files.iter().flat_map(|f| f.items.iter()) {
            match item {
                Item::Header(h) => {
                    if header_seen.is_some() {
                        self.error(
                            DiagKind::Duplicate,
                            h.span,
                            "a second `policy` header".into(),
                            Some("a policy has one header; remove this one".into()),
                        );
                        continue;
                    }
                    header_seen = Some(h.span);
                    let issued = h.issued.map(|d| d.date);
                    let effective = match (h.effective_on_issue, issued) {
                        (Some(span), None) => {
                            self.warn(
                                DiagKind::NoEffectiveDate,
                                span,
                                "the policy takes effect on issue, but its date of issue is not given".into(),
                                Some("add `issued YYYY-MM-DD` when the date is known; until then answers say applicability is unknown".into()),
                            );
                            None
                        }
                        (Some(_), issued) => issued,
                        (None, _) => h.effective.map(|d| d.date),
                    };
                    if let (Some(span), Some(_)) = (h.effective_on_issue, h.effective) {
                        self.error(
                            DiagKind::Duplicate,
                            span,
                            "the header gives two effective dates".into(),
                            Some("keep `effective on issue` or `effective DATE`, not both".into()),
                        );
                    }
                    if effective.is_none() && h.effective_on_issue.is_none() {
                        self.warn(
                            DiagKind::NoEffectiveDate,
                            h.span,
                            format!("the policy `{}` states no effective date", h.title.text),
                            Some("add `effective YYYY-MM-DD`, or `issued YYYY-MM-DD` with `effective on issue` (自发布之日起施行); until then answers say applicability is unknown".into()),
                        );
                    }
                    self.model.header = HeaderInfo {
                        title: h.title.text.clone(),
                        issuer: h.issuer.as_ref().map(|n| n.text.clone()),
                        number: h.number.as_ref().map(|n| n.text.clone()),
                        issued,
                        effective,
                        basis: h.basis.iter().map(|n| n.text.clone()).collect(),
                    };
                }
                Item::Duties { names, .. } => {
                    for n in names {
                        match self.duties.declare(n) {
                            Ok(_) => {
                                self.model.duties.push(n.text.clone());
                                self.model.duty_chain.push(duty_chains);
                            }
                            Err(first) => self.duplicate("duty", n, first),
                        }
                    }
                    duty_chains += 1;
                }
                Item::UnitKinds { names } => {
                    for n in names {
                        match self.unit_kinds.declare(n) {
                            Ok(_) => {
                                self.model.unit_kinds.push(n.text.clone());
                            }
                            Err(first) => self.duplicate("unit kind", n, first),
                        }
                    }
                }
                Item::MatterKinds { names } => {
                    for n in names {
                        match self.matter_kinds.declare(n) {
                            Ok(_) => {
                                self.model.matter_kinds.push(n.text.clone());
                                self.model.routes.push([None; 4]);
                            }
                            Err(first) => self.duplicate("matter kind", n, first),
                        }
                    }
                }
                Item::Positions { positions } => {
                    for p in positions {
                        match self.positions.declare(&p.name) {
                            Ok(_) => {
                                self.model.positions.push(PositionM {
                                    name: p.name.text.clone(),
                                    single: p.single,
                                });
                            }
                            Err(first) => self.duplicate("position", &p.name, first),
                        }
                    }
                }
                Item::Org { .. }
                | Item::Assign(_)
                | Item::Scale { .. }
                | Item::Fact { .. }
                | Item::Triggers(_)
                | Item::Sanctions(_)
                | Item::Consequence(_)
                | Item::Liability(_)
                | Item::Procedure(_)
                | Item::Actions { .. }
                | Item::EventKinds { .. }
                | Item::Obligation(_)
                | Item::Staffing(_)
                | Item::Approval(_)
                | Item::Articles { .. }
                | Item::Interpret(_)
                | Item::Note { .. }
                | Item::Test(_) => {}
            }
        }
    }
}
