//! The name index of one policy: every declaration and use of every name,
//! by namespace, across the policy's files, with what hover says of each.
//!
//! Built from the syntax trees (`crate::syntax::parse`) and from org JSON
//! (read with [`super::json`]), never from the checked model, so it works
//! on a policy that does not check. It resolves names as the checker does
//! where that is cheap, and is approximate where it is not:
//!
//! - a name covered (`covers X`) is the unit `X` when a unit of that name
//!   is declared, else the matter `X`;
//! - a value in a condition is a level of the fact's scale or a member of
//!   its enumeration, by the fact's declared type; values of facts that
//!   are not declared are not indexed;
//! - a clause a test expects (`(五)`) is the first clause of any trigger
//!   list with that number (or that full citation, `"第八条(五)"`);
//! - names in `procedure` are indexed when a unit of that name exists;
//!   parties (`applies to …`) and sanctions measures are free text;
//! - a person has no declaration: their first `holds` or `covers` counts
//!   as one;
//! - a citation (`per "第三条"`) names an article: every citation with the
//!   same text refers to it, and a trigger list's citation counts as its
//!   declaration (so `sanctions … for "第八条"` goes to the list).

use super::json::{self, Node};
use crate::syntax::ast::{
    Anchor, AssignBlock, BearerLit, CadenceLit, Cond, DateLit, DecisionLit, FactTypeLit,
    FactValueLit, Item, Name, OrgStmt, PeriodKind, RecipientLit, RecipientMode, RelationLit,
    SanctionsLit, Scope, SubjectLit, TestStepLit, ValueLit, WhoBearerLit,
};
use std::collections::HashMap;
use std::fmt::Write as _;

/// A namespace of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Ns {
    Duty,
    UnitKind,
    MatterKind,
    Position,
    Unit,
    Matter,
    Person,
    Scale,
    Level,
    Fact,
    Value,
    Action,
    EventKind,
    Citation,
    Clause,
}

impl Ns {
    /// What a name of this namespace is, in the README's words.
    pub(crate) fn what(self) -> &'static str {
        match self {
            Ns::Duty => "duty",
            Ns::UnitKind => "unit kind",
            Ns::MatterKind => "matter kind",
            Ns::Position => "position",
            Ns::Unit => "unit",
            Ns::Matter => "matter",
            Ns::Person => "person",
            Ns::Scale => "scale",
            Ns::Level => "scale level",
            Ns::Fact => "fact",
            Ns::Value => "value",
            Ns::Action => "action",
            Ns::EventKind => "event kind",
            Ns::Citation => "article",
            Ns::Clause => "clause",
        }
    }
}

/// A name in its namespace; `owner` scopes levels (their scale), values
/// (their fact) and clauses (their list's citation).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Sym {
    pub ns: Ns,
    pub owner: String,
    pub name: String,
}

/// A byte range in one file of the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    pub file: usize,
    pub start: usize,
    pub end: usize,
}

/// One occurrence of a name in a file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Occ {
    pub start: usize,
    pub end: usize,
    pub sym: usize,
}

/// What the index knows of one name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Info {
    pub decls: Vec<Place>,
    pub refs: Vec<Place>,
    /// Lines hover shows.
    pub notes: Vec<String>,
    /// For an article: what cites it, and where.
    pub cited_by: Vec<(String, Place)>,
}

/// One file of the policy in the index.
#[derive(Debug, Clone, Default)]
pub(crate) struct IndexedFile {
    /// The file's name as diagnostics give it.
    pub name: String,
    /// Occurrences, sorted by start.
    pub occs: Vec<Occ>,
    /// Byte offset of each line (counted by LF), for `file:line` in hover.
    lf: Vec<usize>,
}

/// A file to index: a parsed policy text, or an org as JSON.
pub(crate) enum Source<'a> {
    /// A `.zr` file and its (possibly partial) tree.
    Policy(&'a str, &'a [Item]),
    /// An org JSON file and what could be read of it.
    Json(&'a str, Option<&'a Node>),
}

/// The index of one policy.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    pub files: Vec<IndexedFile>,
    pub syms: Vec<Sym>,
    pub info: Vec<Info>,
    /// For each fact with named values: where its values live (the levels
    /// of its scale, or its own enumeration).
    pub fact_values: HashMap<String, (Ns, String)>,
    map: HashMap<Sym, usize>,
}

/// What a use refers to, decided once every declaration is known.
enum Want {
    In(Ns, String),
    UnitOrMatter,
    UnitOrPosition,
    ValueOf(String),
    Clause(String),
    UnitIfAny,
}

/// A fact's type as far as values go.
enum FactValues {
    Scale(String),
    Enum,
    Other,
}

struct Builder {
    idx: Index,
    pending: Vec<(Place, Want, String)>,
    facts: HashMap<String, FactValues>,
    scales: HashMap<String, Vec<String>>,
    /// Trigger clauses: (list citation, clause key, full citation).
    clauses: Vec<(String, String, String)>,
}

/// A clause number as compared: full-width brackets as ASCII, no trailing
/// `.` or `、` (as the checker compares them).
pub(crate) fn clause_key(n: &str) -> String {
    n.replace('（', "(")
        .replace('）', ")")
        .trim_end_matches(['.', '、'])
        .to_string()
}

/// Builds the index of the files of one policy, in order.
pub(crate) fn build(files: &[(String, Source<'_>)]) -> Index {
    let mut b = Builder {
        idx: Index::default(),
        pending: Vec::new(),
        facts: HashMap::new(),
        scales: HashMap::new(),
        clauses: Vec::new(),
    };
    for (f, (name, source)) in files.iter().enumerate() {
        let text = match source {
            Source::Policy(text, _) | Source::Json(text, _) => text,
        };
        let mut lf = vec![0];
        lf.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        b.idx.files.push(IndexedFile {
            name: name.clone(),
            occs: Vec::new(),
            lf,
        });
        match source {
            Source::Policy(_, items) => {
                for item in *items {
                    b.item(f, item);
                }
            }
            Source::Json(text, Some(root)) => b.json(f, text, root),
            Source::Json(_, None) => {}
        }
    }
    b.finish()
}

fn place(file: usize, name: &Name) -> Place {
    Place {
        file,
        start: name.span.start as usize,
        end: name.span.end as usize,
    }
}

fn dates(from: Option<&DateLit>, to: Option<&DateLit>) -> String {
    match (from, to) {
        (Some(f), Some(t)) => format!(" from {} to {}", f.date, t.date),
        (Some(f), None) => format!(" from {}", f.date),
        (None, Some(t)) => format!(" to {}", t.date),
        (None, None) => String::new(),
    }
}

fn names(list: &[Name]) -> String {
    list.iter()
        .map(|n| n.text.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn scope_text(scope: &Scope) -> String {
    match scope {
        Scope::EachUnit { kinds } => format!("in each {}", names(kinds)),
        Scope::Unit { unit } => format!("in {}", unit.text),
        Scope::EachMatter { kinds } => format!("for each matter {}", names(kinds)),
        Scope::Matter { matter } => format!("for matter {}", matter.text),
    }
}

fn anchor_text(a: &Anchor) -> String {
    match a {
        Anchor::Unit(n) => n.text.clone(),
        Anchor::Relation(r) => r.keyword().to_string(),
    }
}

fn bearer_text(b: &BearerLit) -> String {
    match b {
        BearerLit::Team { of: None } => "team".into(),
        BearerLit::Team { of: Some(a) } => format!("team of {}", anchor_text(a)),
        BearerLit::Position {
            position,
            of,
            covering,
        } => {
            let mut s = position.text.clone();
            if let Some(a) = of {
                let _ = write!(s, " of {}", anchor_text(a));
            }
            if *covering {
                s.push_str(" covering");
            }
            s
        }
    }
}

pub(crate) fn subject_text(s: &SubjectLit) -> String {
    match s {
        SubjectLit::Unit(n) => n.text.clone(),
        SubjectLit::EachUnit(k) => format!("each {}", names(k)),
        SubjectLit::EachMatter(k) => format!("each matter {}", names(k)),
    }
}

fn period_text(p: PeriodKind) -> &'static str {
    match p {
        PeriodKind::Year => "year",
        PeriodKind::HalfYear => "half-year",
        PeriodKind::Quarter => "quarter",
        PeriodKind::Month => "month",
        PeriodKind::Week => "week",
        PeriodKind::Day => "day",
    }
}

pub(crate) fn cadence_text(c: &CadenceLit) -> String {
    match c {
        CadenceLit::Periodic {
            min, max, period, ..
        } => {
            let count = match (min, max) {
                (Some(a), Some(b)) if a == b => format!("exactly {a}"),
                (Some(a), Some(b)) => format!("at least {a} and at most {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => String::new(),
            };
            format!("{count} per {}", period_text(*period))
        }
        CadenceLit::Reactive {
            within,
            hours,
            event,
        } => {
            if *within == 0 && !*hours {
                format!("same day of {}", event.text)
            } else {
                let unit = if *hours { "hours" } else { "days" };
                format!("within {within} {unit} of {}", event.text)
            }
        }
        CadenceLit::Regularly { .. } => "regularly".into(),
        CadenceLit::Promptly { event } => format!("promptly of {}", event.text),
    }
}

fn value_text(v: &ValueLit) -> String {
    match v {
        ValueLit::Name(n) => n.text.clone(),
        ValueLit::Bool(b, _) => b.to_string(),
        ValueLit::Number(n, _) => n.to_string(),
        ValueLit::Date(d) => d.date.to_string(),
    }
}

/// A condition as written (brackets where `or` is inside `and` or `not`).
pub(crate) fn cond_text(c: &Cond) -> String {
    let inner = |c: &Cond| match c {
        Cond::Or { .. } | Cond::And { .. } => format!("({})", cond_text(c)),
        _ => cond_text(c),
    };
    match c {
        Cond::And { all } => all
            .iter()
            .map(|c| match c {
                Cond::Or { .. } => format!("({})", cond_text(c)),
                _ => cond_text(c),
            })
            .collect::<Vec<_>>()
            .join(" and "),
        Cond::Or { any } => any.iter().map(cond_text).collect::<Vec<_>>().join(" or "),
        Cond::Not { not, .. } => format!("not {}", inner(not)),
        Cond::Compare {
            fact, cmp, value, ..
        } => format!("{} {} {}", fact.text, cmp.symbol(), value_text(value)),
        Cond::In { fact, values, .. } => format!(
            "{} in {{ {} }}",
            fact.text,
            values.iter().map(value_text).collect::<Vec<_>>().join(", ")
        ),
        Cond::Truthy { fact } => fact.text.clone(),
    }
}

impl Builder {
    fn sym(&mut self, ns: Ns, owner: &str, name: &str) -> usize {
        let key = Sym {
            ns,
            owner: owner.to_string(),
            name: name.to_string(),
        };
        if let Some(id) = self.idx.map.get(&key) {
            return *id;
        }
        let id = self.idx.syms.len();
        self.idx.map.insert(key.clone(), id);
        self.idx.syms.push(key);
        self.idx.info.push(Info::default());
        id
    }

    fn info(&mut self, sym: usize) -> Option<&mut Info> {
        self.idx.info.get_mut(sym)
    }

    fn occ(&mut self, at: Place, sym: usize) {
        if let Some(f) = self.idx.files.get_mut(at.file) {
            f.occs.push(Occ {
                start: at.start,
                end: at.end,
                sym,
            });
        }
    }

    fn decl(&mut self, f: usize, name: &Name, ns: Ns, owner: &str) -> usize {
        let sym = self.sym(ns, owner, &name.text);
        let at = place(f, name);
        if let Some(i) = self.info(sym) {
            i.decls.push(at);
        }
        self.occ(at, sym);
        sym
    }

    fn note(&mut self, sym: usize, note: String) {
        if let Some(i) = self.info(sym) {
            i.notes.push(note);
        }
    }

    fn note_on(&mut self, ns: Ns, name: &str, note: String) {
        let sym = self.sym(ns, "", name);
        self.note(sym, note);
    }

    fn want(&mut self, f: usize, name: &Name, want: Want) {
        self.pending.push((place(f, name), want, name.text.clone()));
    }

    fn uses(&mut self, f: usize, list: &[Name], ns: Ns) {
        for n in list {
            self.want(f, n, Want::In(ns, String::new()));
        }
    }

    /// A person: their first appearance declares them.
    fn person(&mut self, f: usize, name: &Name) {
        let sym = self.sym(Ns::Person, "", &name.text);
        let at = place(f, name);
        if let Some(i) = self.info(sym) {
            if i.decls.is_empty() {
                i.decls.push(at);
            } else {
                i.refs.push(at);
            }
        }
        self.occ(at, sym);
    }

    /// A citation: a use of the article, and what cites it.
    fn cite(&mut self, f: usize, citation: &Name, what: String, declares: bool) {
        let sym = self.sym(Ns::Citation, "", &citation.text);
        let at = place(f, citation);
        if let Some(i) = self.info(sym) {
            if declares {
                i.decls.push(at);
            } else {
                i.refs.push(at);
            }
            i.cited_by.push((what, at));
        }
        self.occ(at, sym);
    }

    fn item(&mut self, f: usize, item: &Item) {
        match item {
            Item::Header(_) => {}
            Item::Articles { .. } => {}
            Item::Interpret(i) => {
                for a in &i.actions {
                    self.want(f, a, Want::In(Ns::Action, String::new()));
                }
            }
            Item::Note { citation, reason } => {
                self.cite(f, citation, format!("note “{}”", reason.text), false);
            }
            Item::Duties { names: list, .. } => {
                for (i, n) in list.iter().enumerate() {
                    let sym = self.decl(f, n, Ns::Duty, "");
                    let chain = list
                        .iter()
                        .map(|d| {
                            if d.text == n.text {
                                format!("**{}**", d.text)
                            } else {
                                d.text.clone()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" > ");
                    self.note(sym, format!("rank {} of {}: {chain}", i + 1, list.len()));
                }
            }
            Item::UnitKinds { names: list } => {
                for n in list {
                    self.decl(f, n, Ns::UnitKind, "");
                }
            }
            Item::MatterKinds { names: list } => {
                for n in list {
                    self.decl(f, n, Ns::MatterKind, "");
                }
            }
            Item::Positions { positions } => {
                for p in positions {
                    let sym = self.decl(f, &p.name, Ns::Position, "");
                    if p.single {
                        self.note(sym, "`single`: one holder per unit on any day".into());
                    }
                }
            }
            Item::Org { stmts } => {
                for s in stmts {
                    self.org_stmt(f, s);
                }
            }
            Item::Assign(block) => self.assign(f, block),
            Item::Scale { name, levels } => {
                let sym = self.decl(f, name, Ns::Scale, "");
                self.note(
                    sym,
                    format!(
                        "levels, lowest first: {}",
                        names(levels).replace(", ", " < ")
                    ),
                );
                self.scales.insert(
                    name.text.clone(),
                    levels.iter().map(|l| l.text.clone()).collect(),
                );
                for (i, l) in levels.iter().enumerate() {
                    let s = self.decl(f, l, Ns::Level, &name.text);
                    self.note(
                        s,
                        format!(
                            "level {} of {} of scale `{}`",
                            i + 1,
                            levels.len(),
                            name.text
                        ),
                    );
                }
            }
            Item::Fact { name, ty } => {
                let sym = self.decl(f, name, Ns::Fact, "");
                let values = match ty {
                    FactTypeLit::Enum(values) | FactTypeLit::Set(values) => {
                        let how = if matches!(ty, FactTypeLit::Set(_)) {
                            "some"
                        } else {
                            "one"
                        };
                        self.note(sym, format!("{how} of {{ {} }}", names(values)));
                        for v in values {
                            let s = self.decl(f, v, Ns::Value, &name.text);
                            self.note(s, format!("a value of fact `{}`", name.text));
                        }
                        FactValues::Enum
                    }
                    FactTypeLit::Scale(s) => {
                        self.want(f, s, Want::In(Ns::Scale, String::new()));
                        FactValues::Scale(s.text.clone())
                    }
                    FactTypeLit::Bool => {
                        self.note(sym, "bool".into());
                        FactValues::Other
                    }
                    FactTypeLit::Number => {
                        self.note(sym, "number".into());
                        FactValues::Other
                    }
                    FactTypeLit::Date => {
                        self.note(sym, "date".into());
                        FactValues::Other
                    }
                };
                self.facts.insert(name.text.clone(), values);
            }
            Item::Triggers(block) => {
                let parties = if block.parties.is_empty() {
                    String::new()
                } else {
                    format!(", applies to {}", names(&block.parties))
                };
                let what = format!("triggers: {} clauses{parties}", block.clauses.len());
                self.cite(f, &block.citation, what, true);
                for c in &block.clauses {
                    // An unnumbered clause is named by its text.
                    let at = c.number.as_ref().unwrap_or(&c.text);
                    let key = clause_key(&at.text);
                    let sym = self.decl(f, at, Ns::Clause, &block.citation.text);
                    let full = match &c.number {
                        None => block.citation.text.clone(),
                        Some(n) if n.text.starts_with(|ch: char| ch.is_ascii_digit()) => {
                            format!("{} {}", block.citation.text, n.text)
                        }
                        Some(n) => format!("{}{}", block.citation.text, n.text),
                    };
                    self.note(sym, format!("{full}: “{}”", c.text.text));
                    match (&c.when, c.catch_all) {
                        (Some(cond), false) => {
                            self.note(sym, format!("when `{}`", cond_text(cond)));
                            self.cond(f, cond);
                        }
                        (Some(cond), true) => {
                            self.note(
                                sym,
                                format!(
                                    "otherwise when `{}`: the catch-all, discretionary when it holds",
                                    cond_text(cond)
                                ),
                            );
                            self.cond(f, cond);
                        }
                        (None, _) => {
                            self.note(sym, "otherwise: the catch-all, discretionary".into())
                        }
                    }
                    self.clauses.push((block.citation.text.clone(), key, full));
                }
            }
            Item::Sanctions(block) => {
                let what = match &block.kind {
                    SanctionsLit::Menu { measures } => format!("sanctions: {}", names(measures)),
                    SanctionsLit::Graded { by, .. } => format!("sanctions graded by {}", by.text),
                };
                self.cite(f, &block.citation, what, false);
                for l in &block.lists {
                    self.want(f, l, Want::In(Ns::Citation, String::new()));
                }
                if let SanctionsLit::Graded { by, grades } = &block.kind {
                    self.want(f, by, Want::In(Ns::Fact, String::new()));
                    for (level, _) in grades {
                        self.want(f, level, Want::ValueOf(by.text.clone()));
                    }
                }
            }
            Item::Consequence(c) => {
                let kw = if c.aggravating {
                    "aggravating"
                } else {
                    "consequence"
                };
                self.cite(f, &c.citation, format!("{kw} “{}”", c.text.text), false);
                self.cond(f, &c.when);
            }
            Item::Liability(l) => {
                self.cite(f, &l.citation, "liability".into(), false);
                self.uses(f, &l.main_positions, Ns::Position);
                for d in [&l.main, &l.others, &l.individual].into_iter().flatten() {
                    self.want(f, d, Want::In(Ns::Duty, String::new()));
                }
            }
            Item::Procedure(p) => {
                self.cite(f, &p.citation, "procedure".into(), false);
                for l in &p.lists {
                    self.want(f, l, Want::In(Ns::Citation, String::new()));
                }
                for s in &p.steps {
                    for n in s.bodies.iter().chain(&s.jointly) {
                        self.want(f, n, Want::UnitIfAny);
                    }
                    if let Some(cond) = &s.when {
                        self.cond(f, cond);
                    }
                }
            }
            Item::Actions { names: list } => {
                for n in list {
                    self.decl(f, n, Ns::Action, "");
                }
            }
            Item::EventKinds { names: list } => {
                for n in list {
                    self.decl(f, n, Ns::EventKind, "");
                }
            }
            Item::Obligation(o) => {
                let to = if o.recipients.is_empty() {
                    String::new()
                } else {
                    let list: Vec<String> = o
                        .recipients
                        .iter()
                        .map(|r| match r {
                            RecipientLit::Unit(n) => n.text.clone(),
                            RecipientLit::Superior(None, _) => "superior".into(),
                            RecipientLit::Superior(Some(k), _) => format!("superior {}", k.text),
                        })
                        .collect();
                    let mode = match o.mode {
                        RecipientMode::Any => "any of ",
                        RecipientMode::All => "",
                    };
                    format!(" to {mode}{}", list.join(", "))
                };
                let posts = if o.holders.is_empty() {
                    String::new()
                } else {
                    format!("each {} of ", names(&o.holders))
                };
                for h in &o.holders {
                    self.want(f, h, Want::In(Ns::Position, String::new()));
                }
                let what = format!(
                    "obligation: {posts}{} must {}{to} {}",
                    subject_text(&o.subject),
                    o.action.text,
                    cadence_text(&o.cadence)
                );
                self.cite(f, &o.citation, what.clone(), false);
                self.subject(f, &o.subject);
                self.want(f, &o.action, Want::In(Ns::Action, String::new()));
                self.note_on(
                    Ns::Action,
                    &o.action.text,
                    format!("{what} [{}]", o.citation.text),
                );
                for r in &o.recipients {
                    match r {
                        RecipientLit::Unit(n) => self.want(f, n, Want::In(Ns::Unit, String::new())),
                        RecipientLit::Superior(Some(k), _) => {
                            self.want(f, k, Want::In(Ns::UnitKind, String::new()))
                        }
                        RecipientLit::Superior(None, _) => {}
                    }
                }
                if let CadenceLit::Reactive { event, .. } | CadenceLit::Promptly { event } =
                    &o.cadence
                {
                    self.want(f, event, Want::In(Ns::EventKind, String::new()));
                    self.note_on(
                        Ns::EventKind,
                        &event.text,
                        format!("{what} [{}]", o.citation.text),
                    );
                }
            }
            Item::Approval(a) => {
                let steps: Vec<String> = a
                    .steps
                    .iter()
                    .map(|s| match s.by.as_slice() {
                        [] => s.action.text.clone(),
                        by => format!("{} by {}", s.action.text, names(by)),
                    })
                    .collect();
                let what = format!(
                    "approval: {} {} needs {}",
                    subject_text(&a.subject),
                    a.action.text,
                    steps.join(" then ")
                );
                self.cite(f, &a.citation, what.clone(), false);
                self.subject(f, &a.subject);
                for act in std::iter::once(&a.action).chain(a.steps.iter().map(|s| &s.action)) {
                    self.want(f, act, Want::In(Ns::Action, String::new()));
                }
                self.note_on(
                    Ns::Action,
                    &a.action.text,
                    format!("{what} [{}]", a.citation.text),
                );
                for s in &a.steps {
                    for b in &s.by {
                        self.want(f, b, Want::UnitOrPosition);
                    }
                }
            }
            Item::Staffing(s) => {
                let needs = s
                    .needs
                    .iter()
                    .map(|n| n.position.text.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                let what = format!("staffing: {} needs {needs}", subject_text(&s.subject));
                self.cite(f, &s.citation, what, false);
                self.subject(f, &s.subject);
                for n in &s.needs {
                    self.want(f, &n.position, Want::In(Ns::Position, String::new()));
                }
            }
            Item::Test(t) => {
                for step in &t.steps {
                    self.test_step(f, step);
                }
            }
        }
    }

    /// The names a `test` step uses.
    fn test_step(&mut self, f: usize, step: &TestStepLit) {
        let unit = || Want::In(Ns::Unit, String::new());
        let person = || Want::In(Ns::Person, String::new());
        let duty = || Want::In(Ns::Duty, String::new());
        match step {
            TestStepLit::Incident {
                unit: at,
                matter,
                facts,
                decision,
                ..
            } => {
                if let Some(u) = at {
                    self.want(f, u, unit());
                }
                if let Some(m) = matter {
                    self.want(f, m, Want::In(Ns::Matter, String::new()));
                }
                for (fact, value) in facts {
                    self.want(f, fact, Want::In(Ns::Fact, String::new()));
                    let values = match value {
                        FactValueLit::One(v) => std::slice::from_ref(v),
                        FactValueLit::Set(vs, _) => vs.as_slice(),
                    };
                    for v in values {
                        if let ValueLit::Name(v) = v {
                            self.want(f, &v.clone(), Want::ValueOf(fact.text.clone()));
                        }
                    }
                }
                match decision {
                    Some(DecisionLit::Collective {
                        unit: of,
                        participants,
                        ..
                    }) => {
                        if let Some(u) = of {
                            self.want(f, u, unit());
                        }
                        for (p, _) in participants {
                            self.want(f, p, person());
                        }
                    }
                    Some(DecisionLit::Individual { by, .. }) => self.want(f, by, person()),
                    None => {}
                }
            }
            TestStepLit::Events { events, .. } => {
                for e in events {
                    self.want(f, &e.subject, Want::UnitOrMatter);
                    for to in &e.to {
                        self.want(f, to, unit());
                    }
                }
            }
            TestStepLit::Triggers { clauses, .. } => {
                for c in clauses {
                    self.want(f, c, Want::Clause(c.text.clone()));
                }
            }
            TestStepLit::Accountable { items, .. } => {
                for (_, bearer) in items {
                    match bearer {
                        WhoBearerLit::Person(p) => self.want(f, p, person()),
                        WhoBearerLit::Team(Some(u)) => self.want(f, u, unit()),
                        WhoBearerLit::Team(None) | WhoBearerLit::Vacant => {}
                    }
                }
            }
            TestStepLit::Who {
                subject,
                duty: d,
                bearer,
                ..
            } => {
                self.want(f, subject, Want::UnitOrMatter);
                self.want(f, d, duty());
                match bearer {
                    WhoBearerLit::Person(p) => self.want(f, p, person()),
                    WhoBearerLit::Team(Some(u)) => self.want(f, u, unit()),
                    WhoBearerLit::Team(None) | WhoBearerLit::Vacant => {}
                }
            }
            TestStepLit::Duties {
                person: p, duties, ..
            } => {
                self.want(f, p, person());
                for item in duties {
                    self.want(f, &item.duty, duty());
                    if let Some(s) = &item.subject {
                        self.want(f, s, Want::UnitOrMatter);
                    }
                }
            }
            TestStepLit::Liability {
                person: p, duty: d, ..
            } => {
                self.want(f, p, person());
                if let Some(d) = d {
                    self.want(f, d, duty());
                }
            }
            TestStepLit::Staffing {
                subject, positions, ..
            } => {
                self.want(f, subject, Want::UnitOrMatter);
                for p in positions {
                    self.want(f, p, Want::In(Ns::Position, String::new()));
                }
            }
            TestStepLit::Compliance {
                subject, action, ..
            }
            | TestStepLit::Calendar {
                subject, action, ..
            } => {
                self.want(f, subject, Want::UnitOrMatter);
                if let Some(a) = action {
                    self.want(f, a, Want::In(Ns::Action, String::new()));
                }
            }
            TestStepLit::Holders {
                unit,
                position,
                people,
                ..
            } => {
                self.want(f, unit, Want::In(Ns::Unit, String::new()));
                self.want(f, position, Want::In(Ns::Position, String::new()));
                for p in people {
                    self.want(f, p, Want::In(Ns::Person, String::new()));
                }
            }
            TestStepLit::Approval {
                subject, action, ..
            } => {
                self.want(f, subject, Want::UnitOrMatter);
                self.want(f, action, Want::In(Ns::Action, String::new()));
            }
            TestStepLit::Warning { clause, .. } => {
                if let Some(c) = clause {
                    self.want(f, c, Want::Clause(c.text.clone()));
                }
            }
        }
    }

    fn subject(&mut self, f: usize, s: &SubjectLit) {
        match s {
            SubjectLit::Unit(n) => self.want(f, n, Want::In(Ns::Unit, String::new())),
            SubjectLit::EachUnit(k) => self.uses(f, k, Ns::UnitKind),
            SubjectLit::EachMatter(k) => self.uses(f, k, Ns::MatterKind),
        }
    }

    fn assign(&mut self, f: usize, block: &AssignBlock) {
        let scope = scope_text(&block.scope);
        let what = format!("assign {scope}: {} rules", block.items.len());
        self.cite(f, &block.citation, what, false);
        match &block.scope {
            Scope::EachUnit { kinds } => self.uses(f, kinds, Ns::UnitKind),
            Scope::Unit { unit } => self.want(f, unit, Want::In(Ns::Unit, String::new())),
            Scope::EachMatter { kinds } => self.uses(f, kinds, Ns::MatterKind),
            Scope::Matter { matter } => self.want(f, matter, Want::In(Ns::Matter, String::new())),
        }
        let cit = &block.citation.text;
        for item in &block.items {
            let bearer = bearer_text(&item.bearer);
            match &item.bearer {
                BearerLit::Team { of } => self.anchor(f, of.as_ref()),
                BearerLit::Position { position, of, .. } => {
                    self.want(f, position, Want::In(Ns::Position, String::new()));
                    self.note_on(
                        Ns::Position,
                        &position.text,
                        format!("bears `{}` {scope} [{cit}]", item.duty.text),
                    );
                    self.anchor(f, of.as_ref());
                }
            }
            self.want(f, &item.duty, Want::In(Ns::Duty, String::new()));
            self.note_on(
                Ns::Duty,
                &item.duty.text,
                format!("borne by {bearer} {scope} [{cit}]"),
            );
        }
    }

    fn anchor(&mut self, f: usize, a: Option<&Anchor>) {
        if let Some(Anchor::Unit(n)) = a {
            self.want(f, n, Want::In(Ns::Unit, String::new()));
        }
    }

    fn relations(&mut self, f: usize, owner: Ns, name: &str, rel: &[RelationLit]) {
        for r in rel {
            self.want(f, &r.unit, Want::In(Ns::Unit, String::new()));
            self.note_on(
                owner,
                name,
                format!("{} `{}`", r.relation.keyword(), r.unit.text),
            );
        }
    }

    fn org_stmt(&mut self, f: usize, s: &OrgStmt) {
        match s {
            OrgStmt::Unit { name, kind, under } => {
                let sym = self.decl(f, name, Ns::Unit, "");
                self.want(f, kind, Want::In(Ns::UnitKind, String::new()));
                match under {
                    Some(p) => {
                        self.note(sym, format!("kind `{}`, under `{}`", kind.text, p.text));
                        self.want(f, p, Want::In(Ns::Unit, String::new()));
                        self.note_on(Ns::Unit, &p.text, format!("over `{}`", name.text));
                    }
                    None => self.note(sym, format!("kind `{}`", kind.text)),
                }
                self.note_on(Ns::UnitKind, &kind.text, format!("unit `{}`", name.text));
            }
            OrgStmt::Matter {
                name,
                kind,
                relations,
            } => {
                let sym = self.decl(f, name, Ns::Matter, "");
                self.note(sym, format!("kind `{}`", kind.text));
                self.want(f, kind, Want::In(Ns::MatterKind, String::new()));
                self.note_on(
                    Ns::MatterKind,
                    &kind.text,
                    format!("matter `{}`", name.text),
                );
                self.relations(f, Ns::Matter, &name.text, relations);
            }
            OrgStmt::Route { kind, relations } => {
                self.want(f, kind, Want::In(Ns::MatterKind, String::new()));
                self.relations(f, Ns::MatterKind, &kind.text, relations);
            }
            OrgStmt::Holds {
                person,
                position,
                unit,
                from,
                to,
            } => {
                self.person(f, person);
                self.want(f, position, Want::In(Ns::Position, String::new()));
                self.want(f, unit, Want::In(Ns::Unit, String::new()));
                let when = dates(from.as_ref(), to.as_ref());
                self.note_on(
                    Ns::Person,
                    &person.text,
                    format!("holds `{}` of `{}`{when}", position.text, unit.text),
                );
                self.note_on(
                    Ns::Unit,
                    &unit.text,
                    format!("`{}`: {}{when}", position.text, person.text),
                );
            }
            OrgStmt::Covers {
                person,
                liaison,
                targets,
                from,
                to,
            } => {
                self.person(f, person);
                let verb = if *liaison { "liaises" } else { "covers" };
                let when = dates(from.as_ref(), to.as_ref());
                self.note_on(
                    Ns::Person,
                    &person.text,
                    format!("{verb} {}{when}", names(targets)),
                );
                for t in targets {
                    self.want(f, t, Want::UnitOrMatter);
                }
            }
            OrgStmt::Seat {
                citation,
                position,
                unit,
                sources,
                from,
                to,
            } => {
                if let Some(cite) = citation {
                    self.cite(
                        f,
                        cite,
                        format!("seat: {} of {}", position.text, unit.text),
                        false,
                    );
                }
                self.want(f, position, Want::In(Ns::Position, String::new()));
                self.want(f, unit, Want::In(Ns::Unit, String::new()));
                let when = dates(from.as_ref(), to.as_ref());
                for (p, u) in sources {
                    self.want(f, p, Want::In(Ns::Position, String::new()));
                    self.want(f, u, Want::In(Ns::Unit, String::new()));
                    self.note_on(
                        Ns::Unit,
                        &unit.text,
                        format!(
                            "`{}`: held by `{}` of `{}`{when}",
                            position.text, p.text, u.text
                        ),
                    );
                }
            }
        }
    }

    fn cond(&mut self, f: usize, c: &Cond) {
        match c {
            Cond::And { all } => all.iter().for_each(|c| self.cond(f, c)),
            Cond::Or { any } => any.iter().for_each(|c| self.cond(f, c)),
            Cond::Not { not, .. } => self.cond(f, not),
            Cond::Compare { fact, value, .. } => {
                self.want(f, fact, Want::In(Ns::Fact, String::new()));
                if let ValueLit::Name(v) = value {
                    self.want(f, v, Want::ValueOf(fact.text.clone()));
                }
            }
            Cond::In { fact, values, .. } => {
                self.want(f, fact, Want::In(Ns::Fact, String::new()));
                for v in values {
                    if let ValueLit::Name(v) = v {
                        self.want(f, v, Want::ValueOf(fact.text.clone()));
                    }
                }
            }
            Cond::Truthy { fact } => self.want(f, fact, Want::In(Ns::Fact, String::new())),
        }
    }

    /// An org written as JSON (the serde form of `OrgSpec`).
    fn json(&mut self, f: usize, source: &str, root: &Node) {
        let name = |n: Option<&Node>| -> Option<Name> {
            let n = n?;
            Some(Name {
                text: n.str()?.to_string(),
                span: crate::diag::Span::new(0, n.start, n.end),
            })
        };
        let text = |n: Option<&Node>| n.and_then(Node::str).map(str::to_string);
        let when = |o: &Node| match (text(o.get("from")), text(o.get("to"))) {
            (Some(a), Some(b)) => format!(" from {a} to {b}"),
            (Some(a), None) => format!(" from {a}"),
            (None, Some(b)) => format!(" to {b}"),
            (None, None) => String::new(),
        };
        let relations = |o: &Node| -> Vec<(&'static str, Name)> {
            let holder = o.get("relations").unwrap_or(o);
            ["in-charge", "operator", "host", "approver"]
                .into_iter()
                .filter_map(|k| Some((k, name(holder.get(k))?)))
                .collect()
        };
        let section = |key: &str| root.get(key).map(Node::items).unwrap_or(&[]);
        for u in section("units") {
            let Some(n) = name(u.get("name")) else {
                continue;
            };
            let sym = self.decl(f, &n, Ns::Unit, "");
            let kind = name(u.get("kind"));
            let under = name(u.get("under"));
            let kind_text = kind.as_ref().map_or("", |k| k.text.as_str());
            match &under {
                Some(p) => {
                    self.note(sym, format!("kind `{kind_text}`, under `{}`", p.text));
                    self.note_on(Ns::Unit, &p.text, format!("over `{}`", n.text));
                    self.want(f, p, Want::In(Ns::Unit, String::new()));
                }
                None => self.note(sym, format!("kind `{kind_text}`")),
            }
            if let Some(k) = kind {
                self.note_on(Ns::UnitKind, &k.text, format!("unit `{}`", n.text));
                self.want(f, &k, Want::In(Ns::UnitKind, String::new()));
            }
        }
        for h in section("holdings") {
            let (Some(person), Some(position), Some(unit)) = (
                name(h.get("person")),
                name(h.get("position")),
                name(h.get("unit")),
            ) else {
                continue;
            };
            self.person(f, &person);
            self.want(f, &position, Want::In(Ns::Position, String::new()));
            self.want(f, &unit, Want::In(Ns::Unit, String::new()));
            let when = when(h);
            self.note_on(
                Ns::Person,
                &person.text,
                format!("holds `{}` of `{}`{when}", position.text, unit.text),
            );
            self.note_on(
                Ns::Unit,
                &unit.text,
                format!("`{}`: {}{when}", position.text, person.text),
            );
        }
        for c in section("covers") {
            let Some(person) = name(c.get("person")) else {
                continue;
            };
            self.person(f, &person);
            let targets: Vec<Name> = c
                .get("targets")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .filter_map(|t| name(Some(t)))
                .collect();
            let liaison = c
                .get("liaison")
                .is_some_and(|l| source.get(l.start..l.end) == Some("true"));
            let verb = if liaison { "liaises" } else { "covers" };
            self.note_on(
                Ns::Person,
                &person.text,
                format!("{verb} {}{}", names(&targets), when(c)),
            );
            for t in &targets {
                self.want(f, t, Want::UnitOrMatter);
            }
        }
        for m in section("matters") {
            let Some(n) = name(m.get("name")) else {
                continue;
            };
            let sym = self.decl(f, &n, Ns::Matter, "");
            if let Some(k) = name(m.get("kind")) {
                self.note(sym, format!("kind `{}`", k.text));
                self.note_on(Ns::MatterKind, &k.text, format!("matter `{}`", n.text));
                self.want(f, &k, Want::In(Ns::MatterKind, String::new()));
            }
            for (rel, unit) in relations(m) {
                self.note(sym, format!("{rel} `{}`", unit.text));
                self.want(f, &unit, Want::In(Ns::Unit, String::new()));
            }
        }
        for r in section("routes") {
            let Some(k) = name(r.get("kind")) else {
                continue;
            };
            self.want(f, &k, Want::In(Ns::MatterKind, String::new()));
            for (rel, unit) in relations(r) {
                self.note_on(Ns::MatterKind, &k.text, format!("{rel} `{}`", unit.text));
                self.want(f, &unit, Want::In(Ns::Unit, String::new()));
            }
        }
    }

    fn declared(&self, ns: Ns, owner: &str, name: &str) -> bool {
        let key = Sym {
            ns,
            owner: owner.to_string(),
            name: name.to_string(),
        };
        self.idx
            .map
            .get(&key)
            .and_then(|id| self.idx.info.get(*id))
            .is_some_and(|i| !i.decls.is_empty())
    }

    fn finish(mut self) -> Index {
        // Facts typed by a scale: their levels, now that every scale is known.
        let typed: Vec<(String, String)> = self
            .facts
            .iter()
            .filter_map(|(fact, v)| match v {
                FactValues::Scale(s) => Some((fact.clone(), s.clone())),
                _ => None,
            })
            .collect();
        for (fact, scale) in typed {
            let levels = self
                .scales
                .get(&scale)
                .map(|l| l.join(" < "))
                .unwrap_or_default();
            let sym = self.sym(Ns::Fact, "", &fact);
            self.note(sym, format!("scale `{scale}`: {levels}"));
        }
        for (fact, values) in &self.facts {
            let owner = match values {
                FactValues::Scale(s) => (Ns::Level, s.clone()),
                FactValues::Enum => (Ns::Value, fact.clone()),
                FactValues::Other => continue,
            };
            self.idx.fact_values.insert(fact.clone(), owner);
        }
        for (at, want, text) in std::mem::take(&mut self.pending) {
            let key = match want {
                Want::In(ns, owner) => Some((ns, owner, text)),
                Want::UnitOrMatter => {
                    let ns = if !self.declared(Ns::Unit, "", &text)
                        && self.declared(Ns::Matter, "", &text)
                    {
                        Ns::Matter
                    } else {
                        Ns::Unit
                    };
                    Some((ns, String::new(), text))
                }
                Want::UnitOrPosition => {
                    let ns = if !self.declared(Ns::Unit, "", &text)
                        && self.declared(Ns::Position, "", &text)
                    {
                        Ns::Position
                    } else {
                        Ns::Unit
                    };
                    Some((ns, String::new(), text))
                }
                Want::UnitIfAny => self
                    .declared(Ns::Unit, "", &text)
                    .then(|| (Ns::Unit, String::new(), text)),
                Want::ValueOf(fact) => match self.facts.get(&fact) {
                    Some(FactValues::Scale(s)) => Some((Ns::Level, s.clone(), text)),
                    Some(FactValues::Enum) => Some((Ns::Value, fact, text)),
                    _ => None,
                },
                Want::Clause(c) => {
                    let key = clause_key(&c);
                    self.clauses
                        .iter()
                        .find(|(_, k, full)| *k == key || *full == c)
                        .map(|(list, k, _)| (Ns::Clause, list.clone(), k.clone()))
                }
            };
            let Some((ns, owner, name)) = key else {
                continue;
            };
            let sym = self.sym(ns, &owner, &name);
            if let Some(i) = self.info(sym) {
                i.refs.push(at);
            }
            self.occ(at, sym);
        }
        for file in &mut self.idx.files {
            file.occs.sort_by_key(|o| (o.start, o.end));
        }
        self.idx
    }
}

impl Index {
    /// The name at byte `offset` of file `file`: one that contains it, else
    /// one that ends there (a caret right after a name).
    pub(crate) fn at(&self, file: usize, offset: usize) -> Option<Occ> {
        let occs = &self.files.get(file)?.occs;
        let k = occs.partition_point(|o| o.start <= offset);
        let mut best = None;
        for o in occs.get(..k)?.iter().rev().take(8) {
            if o.start <= offset && offset < o.end {
                return Some(*o);
            }
            if o.end == offset && best.is_none() {
                best = Some(*o);
            }
        }
        best
    }

    /// `file:line` of a place (1-based line).
    pub(crate) fn where_(&self, p: Place) -> String {
        match self.files.get(p.file) {
            Some(f) => format!("{}:{}", f.name, f.lf.partition_point(|&s| s <= p.start)),
            None => String::new(),
        }
    }

    /// What hover says of a name, in Markdown.
    pub(crate) fn hover(&self, sym: usize) -> Option<String> {
        const MAX_LINES: usize = 20;
        let s = self.syms.get(sym)?;
        let info = self.info.get(sym)?;
        let mut out = match s.ns {
            Ns::Clause => format!("**clause** `{}` of `{}`", s.name, s.owner),
            Ns::Level => format!("**scale level** `{}` of `{}`", s.name, s.owner),
            Ns::Value => format!("**value** `{}` of fact `{}`", s.name, s.owner),
            ns => format!("**{}** `{}`", ns.what(), s.name),
        };
        let declared = !info.decls.is_empty() || matches!(s.ns, Ns::Citation | Ns::Person);
        if !declared {
            out.push_str(" — not declared");
        }
        let mut lines: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for n in &info.notes {
            if seen.insert(n.as_str()) {
                lines.push(n.clone());
            }
        }
        if s.ns == Ns::Citation {
            if !info.cited_by.is_empty() {
                lines.push("cited by:".into());
            }
            for (what, at) in &info.cited_by {
                lines.push(format!("  - {what} — {}", self.where_(*at)));
            }
        } else if let Some(d) = info.decls.first() {
            let what = if s.ns == Ns::Person {
                "first named at"
            } else {
                "declared at"
            };
            lines.push(format!("{what} {}", self.where_(*d)));
        }
        let total = lines.len();
        if total > 0 {
            out.push('\n');
        }
        for l in lines.iter().take(MAX_LINES) {
            out.push_str(if l.starts_with("  - ") { "\n" } else { "\n- " });
            out.push_str(l);
        }
        if total > MAX_LINES {
            let _ = write!(out, "\n- … and {} more", total - MAX_LINES);
        }
        Some(out)
    }
}

/// Parses org JSON for the index.
pub(crate) fn parse_json(text: &str) -> Option<Node> {
    json::parse(text)
}
