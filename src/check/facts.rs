//! Checks of accountability: scales, typed facts, conditions, trigger
//! lists, sanctions, consequences, liability and procedure.

use super::Checker;
use crate::diag::{DiagKind, Span};
use crate::ids::{CondIx, DutyIx, FactIx, ListIx, PositionIx, ScaleIx, Table};
use crate::liability::StepKind;
use crate::limits;
use crate::resolve::suggest;
use crate::syntax::ast::{
    self, CmpOp, Cond, FactTypeLit, Item, Name, SanctionsLit, TargetLit, ValueLit,
};
use chrono::NaiveDate;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub(crate) struct ScaleM {
    pub name: String,
    pub levels: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum FactTy {
    Enum(Vec<String>),
    /// Set-valued (`some of { … }`): at most [`limits::MAX_SET_MEMBERS`] members.
    Set(Vec<String>),
    Scale(ScaleIx),
    Bool,
    Number,
    Date,
}

#[derive(Debug, Clone)]
pub(crate) struct FactM {
    pub name: String,
    pub ty: FactTy,
}

/// A value a fact can take: an enumeration member or scale level (by
/// index; a scale's order is its index order), a boolean, a number, a date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Val {
    Sym(u32),
    /// The members given for a set-valued fact, as bits by member index.
    Set(u128),
    Bool(bool),
    Num(f64),
    Date(NaiveDate),
}

#[derive(Debug, Clone)]
pub(crate) enum Test {
    Cmp(CmpOp, Val),
    In(Vec<Val>),
    Truthy,
}

#[derive(Debug, Clone)]
pub(crate) enum CondNode {
    And(Vec<CondIx>),
    Or(Vec<CondIx>),
    Not(CondIx, String),
    Test {
        fact: FactIx,
        test: Test,
        text: String,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct ClauseM {
    /// The list's article and the clause number: `第八条(五)`, `第二十三条 2`;
    /// the article alone for a clause the regulation does not number.
    pub citation: String,
    pub number: Option<String>,
    pub text: String,
    /// The catch-all (`otherwise`): discretionary when its condition holds.
    pub catch_all: bool,
    /// Root condition node; `None` for an unconditional catch-all.
    pub cond: Option<CondIx>,
    /// Whom it holds to account (the list's targets when it names none).
    pub against: Vec<TargetM>,
    /// Where the clause number (or, unnumbered, its text) is written.
    pub span: Span,
}

/// A duty or a post that `against` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TargetM {
    /// Whoever bears the duty for the incident's unit or matter.
    Duty(DutyIx),
    /// Holders of the position in the incident's unit, or (`covering`) the
    /// holders who cover the incident's unit or matter.
    Post {
        position: PositionIx,
        covering: bool,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct TriggerListM {
    pub citation: String,
    pub parties: Vec<String>,
    pub clauses: Vec<ClauseM>,
}

#[derive(Debug, Clone)]
pub(crate) enum SanctionsKindM {
    Menu(Vec<String>),
    /// Every grade's measures in declaration order, one run per grade, so
    /// that one grade or all of them is a slice.
    Graded {
        fact: FactIx,
        measures: Vec<String>,
        grades: Vec<(u32, std::ops::Range<usize>)>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct SanctionsM {
    pub citation: String,
    /// Trigger lists it applies to; all when empty.
    pub lists: Vec<ListIx>,
    pub kind: SanctionsKindM,
}

#[derive(Debug, Clone)]
pub(crate) struct ConsequenceM {
    pub citation: String,
    pub aggravating: bool,
    pub text: String,
    pub cond: CondIx,
    pub against: Vec<TargetM>,
}

#[derive(Debug, Clone)]
pub(crate) struct LiabilityM {
    pub citation: String,
    pub main_positions: Vec<PositionIx>,
    pub main: DutyIx,
    pub others: DutyIx,
    pub individual: DutyIx,
}

#[derive(Debug, Clone)]
pub(crate) struct ProcedureM {
    pub citation: String,
    /// Trigger lists it applies to; all when empty.
    pub lists: Vec<ListIx>,
    pub steps: Vec<ProcStepM>,
    pub basis: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct ProcStepM {
    pub kind: StepKind,
    pub bodies: Vec<String>,
    pub jointly: Vec<String>,
    pub as_needed: bool,
    /// Only when this holds.
    pub cond: Option<CondIx>,
    /// The condition as written.
    pub cond_text: String,
}

/// How a type is named in messages.
pub(crate) fn type_phrase(ty: &FactTy, scales: &Table<ScaleIx, ScaleM>) -> String {
    match ty {
        FactTy::Enum(_) => "an enumeration".into(),
        FactTy::Set(_) => "a set (`some of`)".into(),
        FactTy::Scale(s) => format!("a scale ({})", scales.get(*s).name),
        FactTy::Bool => "a boolean".into(),
        FactTy::Number => "a number".into(),
        FactTy::Date => "a date".into(),
    }
}

/// What values a type accepts, for help texts.
pub(crate) fn accepted(ty: &FactTy, scales: &Table<ScaleIx, ScaleM>) -> String {
    let list = |v: &[String]| {
        if v.len() <= 8 {
            v.join(", ")
        } else {
            format!(
                "{}, … ({} in all)",
                v.iter().take(8).cloned().collect::<Vec<_>>().join(", "),
                v.len()
            )
        }
    };
    match ty {
        FactTy::Enum(m) => format!("one of: {}", list(m)),
        FactTy::Set(m) => format!("a list of any of: {}", list(m)),
        FactTy::Scale(s) => format!("one of the levels: {}", scales.get(*s).levels.join(" < ")),
        FactTy::Bool => "`true` or `false`".into(),
        FactTy::Number => "a number".into(),
        FactTy::Date => "a date (YYYY-MM-DD)".into(),
    }
}

impl Checker<'_> {
    pub(super) fn accountability(&mut self, files: &[ast::File]) {
        let items: Vec<&Item> = files.iter().flat_map(|f| f.items.iter()).collect();
        // Scales, then facts (which may name a scale declared later).
        for item in &items {
            if let Item::Scale { name, levels } = item {
                if let Err(first) = self.scales.declare(name) {
                    self.duplicate("scale", name, first);
                    continue;
                }
                let mut seen: Vec<String> = Vec::new();
                let mut set: HashMap<&str, Span> = HashMap::new();
                for l in levels {
                    match set.get(l.text.as_str()) {
                        None => {
                            set.insert(&l.text, l.span);
                            seen.push(l.text.clone());
                        }
                        Some(first) => self.duplicate("scale level", l, *first),
                    }
                }
                self.model.scales.push(ScaleM {
                    name: name.text.clone(),
                    levels: seen,
                });
            }
        }
        for item in &items {
            if let Item::Fact { name, ty } = item {
                let ty = match ty {
                    FactTypeLit::Enum(members) => FactTy::Enum(self.members(members)),
                    FactTypeLit::Set(members) => {
                        if members.len() > limits::MAX_SET_MEMBERS {
                            let at = members
                                .get(limits::MAX_SET_MEMBERS)
                                .map_or(name.span, |m| m.span);
                            self.error(
                                DiagKind::Limit,
                                at,
                                format!(
                                    "the set-valued fact `{}` has {} members; at most {} are accepted",
                                    name.text,
                                    members.len(),
                                    limits::MAX_SET_MEMBERS
                                ),
                                Some("split it into several facts".into()),
                            );
                            continue;
                        }
                        FactTy::Set(self.members(members))
                    }
                    FactTypeLit::Scale(s) => match self.resolve::<ScaleIx>(s) {
                        Some(id) => FactTy::Scale(id),
                        None => continue,
                    },
                    FactTypeLit::Bool => FactTy::Bool,
                    FactTypeLit::Number => FactTy::Number,
                    FactTypeLit::Date => FactTy::Date,
                };
                if let Err(first) = self.facts.declare(name) {
                    self.duplicate("fact", name, first);
                    continue;
                }
                self.model.facts.push(FactM {
                    name: name.text.clone(),
                    ty,
                });
            }
        }
        let mut list_ids: HashMap<String, (ListIx, Span)> = HashMap::new();
        for item in &items {
            if let Item::Triggers(block) = item {
                self.trigger_list(block, &mut list_ids);
            }
        }
        for item in &items {
            match item {
                Item::Sanctions(block) => {
                    // Checked whole even when a list it names is unknown.
                    let lists = self.list_refs(&block.lists, &list_ids);
                    self.sanctions(block, lists);
                }
                Item::Consequence(c) => {
                    let against = self.targets(&c.against);
                    if let (Some(cond), Some(against)) = (self.cond(&c.when), against) {
                        self.model.consequences.push(ConsequenceM {
                            citation: c.citation.text.clone(),
                            aggravating: c.aggravating,
                            text: c.text.text.clone(),
                            cond,
                            against,
                        });
                    }
                }
                Item::Liability(l) => self.liability(l),
                Item::Procedure(p) => self.procedure(p, &list_ids),
                _ => {}
            }
        }
    }

    /// The members of an enumeration or a set, each once.
    fn members(&mut self, members: &[Name]) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        let mut set: HashMap<&str, Span> = HashMap::new();
        for m in members {
            match set.get(m.text.as_str()) {
                None => {
                    set.insert(&m.text, m.span);
                    seen.push(m.text.clone());
                }
                Some(first) => self.duplicate("value", m, *first),
            }
        }
        seen
    }

    /// Trigger lists named by citation (`for "第八条"`); `None` after an error.
    fn list_refs(
        &mut self,
        names: &[Name],
        list_ids: &HashMap<String, (ListIx, Span)>,
    ) -> Option<Vec<ListIx>> {
        let mut lists = Vec::new();
        let mut ok = true;
        for l in names {
            match list_ids.get(&super::clause_key(&l.text)) {
                Some((id, _)) => lists.push(*id),
                None => {
                    let help = suggest(
                        &l.text,
                        "trigger list",
                        self.model.trigger_lists.iter().map(|t| t.citation.as_str()),
                    );
                    self.error(
                        DiagKind::UnknownName,
                        l.span,
                        format!("no trigger list cites `{}`", l.text),
                        Some(help),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(lists)
    }

    /// The duties and posts `against` names; `None` after an error.
    fn targets(&mut self, targets: &[TargetLit]) -> Option<Vec<TargetM>> {
        let mut out = Vec::new();
        let mut ok = true;
        for t in targets {
            let duty = self.duties.get(&t.name.text);
            let position = self.positions.get(&t.name.text);
            let target = match (duty, position) {
                (Some(_), Some(_)) => {
                    self.error(
                        DiagKind::Invalid,
                        t.name.span,
                        format!("`{}` is both a duty and a position", t.name.text),
                        Some("give the duty or the position another name".into()),
                    );
                    None
                }
                (Some(d), None) if t.covering => {
                    self.error(
                        DiagKind::Invalid,
                        t.name.span,
                        format!("`{}` is a duty; `covering` applies to a post", t.name.text),
                        Some(
                            "name a position (`分管领导 covering`), or leave out `covering`".into(),
                        ),
                    );
                    let _ = d;
                    None
                }
                (Some(d), None) => Some(TargetM::Duty(d)),
                (None, Some(p)) => Some(TargetM::Post {
                    position: p,
                    covering: t.covering,
                }),
                (None, None) => {
                    let help = suggest(
                        &t.name.text,
                        "duty or position",
                        self.duties.names().chain(self.positions.names()),
                    );
                    self.error(
                        DiagKind::UnknownName,
                        t.name.span,
                        format!(
                            "`against` names `{}`, which is neither a duty nor a position",
                            t.name.text
                        ),
                        Some(help),
                    );
                    None
                }
            };
            match target {
                Some(t) if !out.contains(&t) => out.push(t),
                Some(_) => {}
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn procedure(&mut self, p: &ast::ProcedureBlock, list_ids: &HashMap<String, (ListIx, Span)>) {
        let lists = self.list_refs(&p.lists, list_ids);
        let mut steps = Vec::new();
        let mut ok = true;
        for s in &p.steps {
            let cond = match &s.when {
                Some(w) => match self.cond(w) {
                    Some(c) => Some(c),
                    None => {
                        ok = false;
                        continue;
                    }
                },
                None => None,
            };
            steps.push(ProcStepM {
                kind: s.kind,
                bodies: s.bodies.iter().map(|n| n.text.clone()).collect(),
                jointly: s.jointly.iter().map(|n| n.text.clone()).collect(),
                as_needed: s.as_needed,
                cond,
                cond_text: s
                    .when_span
                    .map(|sp| self.sources.slice(sp).trim_end().to_string())
                    .unwrap_or_default(),
            });
        }
        if let (Some(lists), true) = (lists, ok) {
            self.model.procedures.push(ProcedureM {
                citation: p.citation.text.clone(),
                lists,
                steps,
                basis: p.basis.iter().map(|n| n.text.clone()).collect(),
            });
        }
    }

    fn trigger_list(
        &mut self,
        block: &ast::TriggersBlock,
        list_ids: &mut HashMap<String, (ListIx, Span)>,
    ) {
        if block.clauses.is_empty() {
            self.error(
                DiagKind::Invalid,
                block.span,
                format!("the trigger list `{}` has no clauses", block.citation.text),
                Some("add clauses: `(一) \"text\" when CONDITION`".into()),
            );
            return;
        }
        let list_key = super::clause_key(&block.citation.text);
        if let Some((_, first)) = list_ids.get(&list_key) {
            let d = self
                .sources
                .diag_span(
                    DiagKind::Duplicate,
                    block.citation.span,
                    format!("a second trigger list cites `{}`", block.citation.text),
                    Some("merge the clauses into one list, or cite a different article".into()),
                )
                .with_label(self.sources.label(*first, "the first list citing it"));
            self.push_error(d);
            return;
        }
        let list_against = self.targets(&block.against);
        let mut numbers: HashMap<String, Span> = HashMap::new();
        let mut clauses = Vec::new();
        let mut catch_all: Option<Span> = None;
        for c in &block.clauses {
            // Where the clause is pointed at: its number, or its text when unnumbered.
            let at = c.number.as_ref().map_or(c.text.span, |n| n.span);
            if let Some(n) = &c.number {
                let key = super::clause_key(&n.text);
                if let Some(first) = numbers.get(&key) {
                    let d = self
                        .sources
                        .diag_span(
                            DiagKind::Duplicate,
                            n.span,
                            format!(
                                "clause {} appears twice in `{}`",
                                n.text, block.citation.text
                            ),
                            Some("number each clause once, in the regulation's order".into()),
                        )
                        .with_label(self.sources.label(*first, "first here"));
                    self.push_error(d);
                    continue;
                }
                numbers.insert(key, n.span);
            }
            let shown = c
                .number
                .as_ref()
                .map_or_else(|| format!("“{}”", c.text.text), |n| n.text.clone());
            if catch_all.is_some() {
                self.error(
                    DiagKind::Invalid,
                    at,
                    format!("clause {shown} follows the catch-all clause"),
                    Some("the `otherwise` clause comes last".into()),
                );
            }
            if c.catch_all {
                catch_all = Some(at);
            }
            let cond = match &c.when {
                Some(w) => match self.cond(w) {
                    Some(root) => Some(root),
                    None => continue,
                },
                None => None,
            };
            let Some(against) = self.targets(&c.against) else {
                continue;
            };
            let citation = match &c.number {
                None => block.citation.text.clone(),
                Some(n) if n.text.starts_with(|ch: char| ch.is_ascii_digit()) => {
                    format!("{} {}", block.citation.text, n.text)
                }
                Some(n) => format!("{}{}", block.citation.text, n.text),
            };
            let against = if against.is_empty() {
                list_against.clone().unwrap_or_default()
            } else {
                against
            };
            clauses.push(ClauseM {
                citation,
                number: c.number.as_ref().map(|n| n.text.clone()),
                text: c.text.text.clone(),
                catch_all: c.catch_all,
                cond,
                against,
                span: at,
            });
        }
        let id = self.model.trigger_lists.push(TriggerListM {
            citation: block.citation.text.clone(),
            parties: block.parties.iter().map(|p| p.text.clone()).collect(),
            clauses,
        });
        list_ids.insert(list_key, (id, block.citation.span));
    }

    fn sanctions(&mut self, block: &ast::SanctionsBlock, lists: Option<Vec<ListIx>>) {
        let kind = match &block.kind {
            SanctionsLit::Menu { measures } => {
                SanctionsKindM::Menu(measures.iter().map(|m| m.text.clone()).collect())
            }
            SanctionsLit::Graded { by, grades } => {
                let Some(fact) = self.resolve::<FactIx>(by) else {
                    return;
                };
                let FactTy::Scale(scale) = self.model.facts.get(fact).ty.clone() else {
                    let phrase = type_phrase(&self.model.facts.get(fact).ty, &self.model.scales);
                    self.error(
                        DiagKind::Type,
                        by.span,
                        format!(
                            "sanctions are graded by `{}`, which is {phrase}, not a scale",
                            by.text
                        ),
                        Some("grade by a fact declared as `scale NAME`, e.g. 情节".into()),
                    );
                    return;
                };
                let mut all = Vec::new();
                let mut out: Vec<(u32, std::ops::Range<usize>)> = Vec::new();
                let mut first_at: HashMap<u32, Span> = HashMap::new();
                for (level, measures) in grades {
                    let Some(l) = self.level(scale, level) else {
                        continue;
                    };
                    if let Some(first) = first_at.get(&l) {
                        let d = self
                            .sources
                            .diag_span(
                                DiagKind::Duplicate,
                                level.span,
                                format!("the level `{}` is graded twice", level.text),
                                Some("list each level's measures once".into()),
                            )
                            .with_label(self.sources.label(*first, "first here"));
                        self.push_error(d);
                        continue;
                    }
                    first_at.insert(l, level.span);
                    let start = all.len();
                    all.extend(measures.iter().map(|m| m.text.clone()));
                    out.push((l, start..all.len()));
                }
                SanctionsKindM::Graded {
                    fact,
                    measures: all,
                    grades: out,
                }
            }
        };
        if let Some(lists) = lists {
            self.model.sanctions.push(SanctionsM {
                citation: block.citation.text.clone(),
                lists,
                kind,
            });
        }
    }

    fn liability(&mut self, l: &ast::LiabilityBlock) {
        let positions: Vec<PositionIx> = l
            .main_positions
            .iter()
            .filter_map(|p| self.resolve::<PositionIx>(p))
            .collect();
        let duty = |c: &mut Self, n: &Option<Name>, what: &str| -> Option<DutyIx> {
            match n {
                Some(n) => c.resolve::<DutyIx>(n),
                None => {
                    c.error(
                        DiagKind::Invalid,
                        l.span,
                        format!("the liability article `{}` does not say {what}", l.citation.text),
                        Some("write `main POSITIONS bears DUTY`, `others bears DUTY` and `individual bears DUTY`".into()),
                    );
                    None
                }
            }
        };
        let main = duty(
            self,
            &l.main,
            "what the main leaders bear (`main … bears …`)",
        );
        let others = duty(
            self,
            &l.others,
            "what other participants bear (`others bears …`)",
        );
        let individual = duty(
            self,
            &l.individual,
            "what a leader deciding alone bears (`individual bears …`)",
        );
        if let (Some(main), Some(others), Some(individual)) = (main, others, individual) {
            self.model.liability.push(LiabilityM {
                citation: l.citation.text.clone(),
                main_positions: positions,
                main,
                others,
                individual,
            });
        }
    }

    fn level(&mut self, scale: ScaleIx, name: &Name) -> Option<u32> {
        let s = self.model.scales.get(scale);
        if let Some(i) = s.levels.iter().position(|l| *l == name.text) {
            return u32::try_from(i).ok();
        }
        let scale_name = s.name.clone();
        let help = suggest(&name.text, "level", s.levels.iter().map(String::as_str));
        self.error(
            DiagKind::UnknownName,
            name.span,
            format!("`{}` is not a level of the scale {scale_name}", name.text),
            Some(help),
        );
        None
    }

    fn push_node(&mut self, node: CondNode) -> CondIx {
        self.model.conds.push(node)
    }

    /// Type-checks a condition and adds it to the arena; returns its root.
    fn cond(&mut self, c: &Cond) -> Option<CondIx> {
        match c {
            Cond::And { all } => {
                let kids: Vec<Option<CondIx>> = all.iter().map(|k| self.cond(k)).collect();
                let kids: Option<Vec<CondIx>> = kids.into_iter().collect();
                let kids = kids?;
                Some(self.push_node(CondNode::And(kids)))
            }
            Cond::Or { any } => {
                let kids: Vec<Option<CondIx>> = any.iter().map(|k| self.cond(k)).collect();
                let kids: Option<Vec<CondIx>> = kids.into_iter().collect();
                let kids = kids?;
                Some(self.push_node(CondNode::Or(kids)))
            }
            Cond::Not { not, span } => {
                let inner = self.cond(not)?;
                let text = self.sources.slice(*span).to_string();
                Some(self.push_node(CondNode::Not(inner, text)))
            }
            Cond::Truthy { fact } => {
                let id = self.resolve::<FactIx>(fact)?;
                let ty = self.model.facts.get(id).ty.clone();
                if !matches!(ty, FactTy::Bool) {
                    let phrase = type_phrase(&ty, &self.model.scales);
                    self.error(
                        DiagKind::Type,
                        fact.span,
                        format!(
                            "`{}` is {phrase}, not a boolean, so it cannot stand alone",
                            fact.text
                        ),
                        Some(format!(
                            "compare it with a value: {}",
                            accepted(&ty, &self.model.scales)
                        )),
                    );
                    return None;
                }
                Some(self.push_node(CondNode::Test {
                    fact: id,
                    test: Test::Truthy,
                    text: fact.text.clone(),
                }))
            }
            Cond::Compare {
                fact,
                cmp,
                value,
                span,
            } => {
                let id = self.resolve::<FactIx>(fact)?;
                let ty = self.model.facts.get(id).ty.clone();
                let ordered = matches!(ty, FactTy::Scale(_) | FactTy::Number | FactTy::Date);
                if !ordered && !matches!(cmp, CmpOp::Eq | CmpOp::Ne) {
                    let phrase = type_phrase(&ty, &self.model.scales);
                    self.error(
                        DiagKind::Type,
                        *span,
                        format!(
                            "`{}` is {phrase}; its values have no order, so `{}` does not apply",
                            fact.text,
                            cmp.symbol()
                        ),
                        Some(
                            "use `=`, `!=` or `in { … }`; declare a `scale` for ordered values"
                                .into(),
                        ),
                    );
                    return None;
                }
                let v = self.value(&fact.text, &ty, value)?;
                let text = self.sources.slice(*span).to_string();
                Some(self.push_node(CondNode::Test {
                    fact: id,
                    test: Test::Cmp(*cmp, v),
                    text,
                }))
            }
            Cond::In { fact, values, span } => {
                let id = self.resolve::<FactIx>(fact)?;
                let ty = self.model.facts.get(id).ty.clone();
                let vals: Vec<Option<Val>> = values
                    .iter()
                    .map(|v| self.value(&fact.text, &ty, v))
                    .collect();
                let vals: Option<Vec<Val>> = vals.into_iter().collect();
                let text = self.sources.slice(*span).to_string();
                Some(self.push_node(CondNode::Test {
                    fact: id,
                    test: Test::In(vals?),
                    text,
                }))
            }
        }
    }

    /// A test incident's value for a fact: one value, or the members of a
    /// set-valued fact.
    pub(super) fn fact_value(
        &mut self,
        fact: &str,
        ty: &FactTy,
        v: &ast::FactValueLit,
    ) -> Option<Val> {
        match (ty, v) {
            (FactTy::Set(_), ast::FactValueLit::Set(values, _)) => {
                let mut mask = 0u128;
                let mut ok = true;
                for x in values {
                    match self.value(fact, ty, x) {
                        Some(Val::Sym(i)) if i < 128 => mask |= 1u128 << i,
                        _ => ok = false,
                    }
                }
                ok.then_some(Val::Set(mask))
            }
            (FactTy::Set(_), ast::FactValueLit::One(x)) => {
                self.error(
                    DiagKind::Type,
                    x.span(),
                    format!("`{fact}` is a set (`some of`), but one value is given"),
                    Some(format!("give the members in braces: `{fact} = {{ A, B }}`")),
                );
                None
            }
            (_, ast::FactValueLit::Set(_, span)) => {
                let phrase = type_phrase(ty, &self.model.scales);
                self.error(
                    DiagKind::Type,
                    *span,
                    format!("`{fact}` is {phrase}, but a set of values is given"),
                    Some(format!(
                        "give one value: {}; declare it `some of {{ … }}` to allow several",
                        accepted(ty, &self.model.scales)
                    )),
                );
                None
            }
            (_, ast::FactValueLit::One(x)) => self.value(fact, ty, x),
        }
    }

    /// A literal checked against the fact's type.
    pub(super) fn value(&mut self, fact: &str, ty: &FactTy, v: &ValueLit) -> Option<Val> {
        let mismatch = |c: &mut Self, what: &str| {
            let phrase = type_phrase(ty, &c.model.scales);
            let help = format!("`{fact}` takes {}", accepted(ty, &c.model.scales));
            c.error(
                DiagKind::Type,
                v.span(),
                format!("`{fact}` is {phrase}, but {what} is given"),
                Some(help),
            );
            None
        };
        match (ty, v) {
            (FactTy::Enum(members) | FactTy::Set(members), ValueLit::Name(n)) => {
                match members.iter().position(|m| *m == n.text) {
                    Some(i) => u32::try_from(i).ok().map(Val::Sym),
                    None => {
                        let help = suggest(&n.text, "value", members.iter().map(String::as_str));
                        self.error(
                            DiagKind::UnknownName,
                            n.span,
                            format!("`{}` is not a value of `{fact}`", n.text),
                            Some(help),
                        );
                        None
                    }
                }
            }
            (FactTy::Scale(s), ValueLit::Name(n)) => self.level(*s, n).map(Val::Sym),
            (FactTy::Bool, ValueLit::Bool(b, _)) => Some(Val::Bool(*b)),
            (FactTy::Number, ValueLit::Number(x, _)) => Some(Val::Num(*x)),
            (FactTy::Date, ValueLit::Date(d)) => Some(Val::Date(d.date)),
            (_, ValueLit::Name(n)) => mismatch(self, &format!("the name `{}`", n.text)),
            (_, ValueLit::Bool(b, _)) => mismatch(self, &format!("the boolean `{b}`")),
            (_, ValueLit::Number(x, _)) => mismatch(self, &format!("the number `{x}`")),
            (_, ValueLit::Date(d)) => mismatch(self, &format!("the date `{}`", d.date)),
        }
    }
}
