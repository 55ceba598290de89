//! Checks of accountability: scales, typed facts, conditions, trigger
//! lists, sanctions, consequences, liability and procedure.

use super::Checker;
use crate::diag::{DiagKind, Span};
use crate::ids::{DutyIx, FactIx, PositionIx, ScaleIx, Table};
use crate::resolve::suggest;
use crate::syntax::ast::{self, CmpOp, Cond, FactTypeLit, Item, Name, SanctionsLit, ValueLit};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone)]
pub(crate) struct ScaleM {
    pub name: String,
    pub levels: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum FactTy {
    Enum(Vec<String>),
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
    And(Vec<u32>),
    Or(Vec<u32>),
    Not(u32, String),
    Test {
        fact: FactIx,
        test: Test,
        text: String,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct ClauseM {
    /// The list's article and the clause number: `第八条(五)`, `第二十三条 2`.
    pub citation: String,
    pub number: String,
    pub text: String,
    /// Root condition node; `None` for the catch-all.
    pub cond: Option<u32>,
    /// Where the clause number is written.
    pub span: Span,
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
    Graded {
        fact: FactIx,
        grades: Vec<(u32, Vec<String>)>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct SanctionsM {
    pub citation: String,
    /// Trigger lists it applies to; all when empty.
    pub lists: Vec<u32>,
    pub kind: SanctionsKindM,
}

#[derive(Debug, Clone)]
pub(crate) struct ConsequenceM {
    pub citation: String,
    pub aggravating: bool,
    pub text: String,
    pub cond: u32,
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
    pub propose: Vec<String>,
    pub decide: Vec<String>,
    pub file: Vec<String>,
}

/// How a type is named in messages.
pub(crate) fn type_phrase(ty: &FactTy, scales: &Table<ScaleIx, ScaleM>) -> String {
    match ty {
        FactTy::Enum(_) => "an enumeration".into(),
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
                    FactTypeLit::Enum(members) => {
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
                        FactTy::Enum(seen)
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
        let mut list_ids: HashMap<String, u32> = HashMap::new();
        for item in &items {
            if let Item::Triggers(block) = item {
                self.trigger_list(block, &mut list_ids);
            }
        }
        for item in &items {
            match item {
                Item::Sanctions(block) => self.sanctions(block, &list_ids),
                Item::Consequence(c) => {
                    if let Some(cond) = self.cond(&c.when) {
                        self.model.consequences.push(ConsequenceM {
                            citation: c.citation.text.clone(),
                            aggravating: c.aggravating,
                            text: c.text.text.clone(),
                            cond,
                        });
                    }
                }
                Item::Liability(l) => self.liability(l),
                Item::Procedure(p) => self.model.procedures.push(ProcedureM {
                    citation: p.citation.text.clone(),
                    propose: p.propose.iter().map(|n| n.text.clone()).collect(),
                    decide: p.decide.iter().map(|n| n.text.clone()).collect(),
                    file: p.file.iter().map(|n| n.text.clone()).collect(),
                }),
                _ => {}
            }
        }
    }

    fn trigger_list(&mut self, block: &ast::TriggersBlock, list_ids: &mut HashMap<String, u32>) {
        if block.clauses.is_empty() {
            self.error(
                DiagKind::Invalid,
                block.span,
                format!("the trigger list `{}` has no clauses", block.citation.text),
                Some("add numbered clauses: `(一) \"text\" when CONDITION`".into()),
            );
            return;
        }
        if list_ids.contains_key(&block.citation.text) {
            self.error(
                DiagKind::Duplicate,
                block.citation.span,
                format!("a second trigger list cites `{}`", block.citation.text),
                Some("merge the clauses into one list, or cite a different article".into()),
            );
            return;
        }
        let mut numbers: HashSet<String> = HashSet::new();
        let mut clauses = Vec::new();
        let mut catch_all: Option<Span> = None;
        for c in &block.clauses {
            let key = super::clause_key(&c.number.text);
            if !numbers.insert(key) {
                self.error(
                    DiagKind::Duplicate,
                    c.number.span,
                    format!(
                        "clause {} appears twice in `{}`",
                        c.number.text, block.citation.text
                    ),
                    Some("number each clause once, in the regulation's order".into()),
                );
                continue;
            }
            if let Some(prev) = catch_all {
                let _ = prev;
                self.error(
                    DiagKind::Invalid,
                    c.number.span,
                    format!("clause {} follows the catch-all clause", c.number.text),
                    Some("the `otherwise` clause comes last".into()),
                );
            }
            let cond = match &c.when {
                Some(w) => match self.cond(w) {
                    Some(root) => Some(root),
                    None => continue,
                },
                None => {
                    catch_all = Some(c.number.span);
                    None
                }
            };
            let citation = if c.number.text.starts_with(|ch: char| ch.is_ascii_digit()) {
                format!("{} {}", block.citation.text, c.number.text)
            } else {
                format!("{}{}", block.citation.text, c.number.text)
            };
            clauses.push(ClauseM {
                citation,
                number: c.number.text.clone(),
                text: c.text.text.clone(),
                cond,
                span: c.number.span,
            });
        }
        let id = u32::try_from(self.model.trigger_lists.len()).unwrap_or(u32::MAX);
        list_ids.insert(block.citation.text.clone(), id);
        self.model.trigger_lists.push(TriggerListM {
            citation: block.citation.text.clone(),
            parties: block.parties.iter().map(|p| p.text.clone()).collect(),
            clauses,
        });
    }

    fn sanctions(&mut self, block: &ast::SanctionsBlock, list_ids: &HashMap<String, u32>) {
        let mut lists = Vec::new();
        for l in &block.lists {
            match list_ids.get(&l.text) {
                Some(id) => lists.push(*id),
                None => {
                    let help =
                        suggest(&l.text, "trigger list", list_ids.keys().map(String::as_str));
                    self.error(
                        DiagKind::UnknownName,
                        l.span,
                        format!("no trigger list cites `{}`", l.text),
                        Some(help),
                    );
                }
            }
        }
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
                let mut out = Vec::new();
                for (level, measures) in grades {
                    if let Some(l) = self.level(scale, level) {
                        out.push((l, measures.iter().map(|m| m.text.clone()).collect()));
                    }
                }
                SanctionsKindM::Graded { fact, grades: out }
            }
        };
        self.model.sanctions.push(SanctionsM {
            citation: block.citation.text.clone(),
            lists,
            kind,
        });
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

    fn push_node(&mut self, node: CondNode) -> u32 {
        self.model.conds.push(node);
        u32::try_from(self.model.conds.len() - 1).unwrap_or(u32::MAX)
    }

    /// Type-checks a condition and adds it to the arena; returns its root.
    fn cond(&mut self, c: &Cond) -> Option<u32> {
        match c {
            Cond::And { all } => {
                let kids: Vec<Option<u32>> = all.iter().map(|k| self.cond(k)).collect();
                let kids: Option<Vec<u32>> = kids.into_iter().collect();
                let kids = kids?;
                Some(self.push_node(CondNode::And(kids)))
            }
            Cond::Or { any } => {
                let kids: Vec<Option<u32>> = any.iter().map(|k| self.cond(k)).collect();
                let kids: Option<Vec<u32>> = kids.into_iter().collect();
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
            (FactTy::Enum(members), ValueLit::Name(n)) => {
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
