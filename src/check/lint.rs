//! Warnings: what is accepted but probably not what the author meant.
//!
//! - a declared duty that no rule gives anyone;
//! - one position given two different duties of one `duties` chain in one
//!   scope by different articles (two ranks for one post: which holds?);
//! - a trigger clause whose condition can never hold (`后果 > 严重后果` on
//!   the top level, `失职 = A and 失职 = B`).

use super::{AnchorM, BearerM, Checker, CondNode, FactTy, RuleM, ScopeM, Test, Val};
use crate::diag::{DiagKind, Severity};
use crate::ids::{CondIx, DutyIx, FactIx, Table};
use crate::syntax::ast::CmpOp;

fn overlap(a: &ScopeM, b: &ScopeM) -> Option<String> {
    match (a, b) {
        (ScopeM::EachUnit(x), ScopeM::EachUnit(y)) => {
            x.iter().find(|k| y.contains(k)).map(|_| String::new())
        }
        (ScopeM::EachMatter(x), ScopeM::EachMatter(y)) => {
            x.iter().find(|k| y.contains(k)).map(|_| String::new())
        }
        (ScopeM::Unit(x), ScopeM::Unit(y)) if x == y => Some(String::new()),
        (ScopeM::Matter(x), ScopeM::Matter(y)) if x == y => Some(String::new()),
        _ => None,
    }
}

impl Checker<'_> {
    pub(super) fn lint(&mut self) {
        let mut used: Table<DutyIx, bool> = self.model.duties.iter().map(|_| false).collect();
        for r in self.model.rules.iter() {
            *used.get_mut(r.duty) = true;
        }
        for l in &self.model.liability {
            for d in [l.main, l.others, l.individual] {
                *used.get_mut(d) = true;
            }
        }
        for (i, u) in used.iter_enumerated() {
            if *u {
                continue;
            }
            let name = self.model.duties.get(i);
            let span = self.duties.spans.get(i);
            self.warn(
                DiagKind::Unassigned,
                *span,
                format!("no rule gives anyone the duty `{name}`"),
                Some(format!(
                    "assign it (`… bears {name}`), or leave it out of `duties`"
                )),
            );
        }
        let rules: Vec<&RuleM> = self.model.rules.iter().collect();
        let mut found = Vec::new();
        for (j, b) in rules.iter().enumerate() {
            let BearerM::Position {
                position,
                of,
                covering: false,
            } = b.bearer
            else {
                continue;
            };
            let earlier = rules.iter().take(j).find(|a| {
                matches!(a.bearer, BearerM::Position { position: p, of: o, covering: false } if p == position && o == of)
                    && a.duty != b.duty
                    && self.model.duty_chain.get(a.duty) == self.model.duty_chain.get(b.duty)
                    && a.citation != b.citation
                    && overlap(&a.scope, &b.scope).is_some()
            });
            if let Some(a) = earlier {
                let pos = &self.model.positions.get(position).name;
                let whose = match of {
                    AnchorM::Unit(u) => format!(" of {}", self.model.units.get(u).name),
                    _ => String::new(),
                };
                found.push((
                    b.span,
                    format!(
                        "{pos}{whose} bears `{}` here ({}) and `{}` by {} in the same scope",
                        self.model.duties.get(b.duty),
                        b.citation,
                        self.model.duties.get(a.duty),
                        a.citation
                    ),
                ));
            }
        }
        self.never_matching();
        for (span, message) in found {
            self.warn(
                DiagKind::Conflict,
                span,
                message,
                Some("both are answered; if the articles disagree, say which one holds".into()),
            );
        }
    }

    /// How many values an enumeration or scale fact has.
    fn values(&self, fact: FactIx) -> Option<u32> {
        match &self.model.facts.get(fact).ty {
            FactTy::Enum(m) => u32::try_from(m.len()).ok(),
            FactTy::Scale(s) => u32::try_from(self.model.scales.get(*s).levels.len()).ok(),
            _ => None,
        }
    }

    /// The values of an enumeration or scale fact a leaf allows, as a bit
    /// set (`None` when the leaf is not such a test, or there are over 128 values).
    fn allowed(&self, node: &CondNode) -> Option<(FactIx, u128)> {
        let CondNode::Test { fact, test, .. } = node else {
            return None;
        };
        let n = self.values(*fact).filter(|n| *n <= 128)?;
        let all: u128 = if n == 128 {
            u128::MAX
        } else {
            (1u128 << n) - 1
        };
        let bit = |v: u32| 1u128.checked_shl(v).unwrap_or(0);
        let below = |v: u32| bit(v).wrapping_sub(1) & all; // values < v
        let set = match test {
            Test::Cmp(op, Val::Sym(v)) => match op {
                CmpOp::Eq => bit(*v),
                CmpOp::Ne => all & !bit(*v),
                CmpOp::Lt => below(*v),
                CmpOp::Le => below(*v) | bit(*v),
                CmpOp::Gt => all & !(below(*v) | bit(*v)),
                CmpOp::Ge => all & !below(*v),
            },
            Test::In(vals) => vals.iter().fold(0, |m, v| match v {
                Val::Sym(s) => m | bit(*s),
                _ => m,
            }),
            _ => return None,
        };
        Some((*fact, set & all))
    }

    /// Why a condition can never hold, if it cannot.
    fn never(&self, n: CondIx, depth: usize) -> Option<String> {
        if depth > 64 {
            return None;
        }
        let node = self.model.conds.get(n);
        if let Some((fact, 0)) = self.allowed(node) {
            let name = &self.model.facts.get(fact).name;
            return Some(format!("no value of `{name}` meets it"));
        }
        match node {
            CondNode::And(kids) => {
                let mut sets: Vec<(FactIx, u128)> = Vec::new();
                for k in kids {
                    if let Some(why) = self.never(*k, depth + 1) {
                        return Some(why);
                    }
                    if let Some((fact, set)) = self.allowed(self.model.conds.get(*k)) {
                        match sets.iter_mut().find(|(f, _)| *f == fact) {
                            Some((_, s)) => *s &= set,
                            None => sets.push((fact, set)),
                        }
                    }
                }
                sets.iter().find(|(_, s)| *s == 0).map(|(fact, _)| {
                    let name = &self.model.facts.get(*fact).name;
                    format!("its conditions on `{name}` exclude each other")
                })
            }
            CondNode::Or(kids) => {
                let whys: Option<Vec<String>> =
                    kids.iter().map(|k| self.never(*k, depth + 1)).collect();
                whys.and_then(|w| w.into_iter().next())
            }
            _ => None,
        }
    }

    fn never_matching(&mut self) {
        let mut found = Vec::new();
        for list in &self.model.trigger_lists {
            for clause in &list.clauses {
                if let Some(why) = clause.cond.and_then(|root| self.never(root, 0)) {
                    found.push((
                        clause.span,
                        format!("clause {} can never match: {why}", clause.citation),
                    ));
                }
            }
        }
        for (span, message) in found {
            self.warn(
                DiagKind::NeverMatches,
                span,
                message,
                Some(
                    "check the comparison against the order of the scale, or the values named"
                        .into(),
                ),
            );
        }
    }

    /// Records a warning; past the limit, warnings are only counted.
    pub(super) fn warn(
        &mut self,
        kind: crate::diag::DiagKind,
        span: crate::diag::Span,
        message: String,
        help: Option<String>,
    ) {
        if self.warnings.len() >= crate::limits::MAX_DIAGNOSTICS {
            self.omitted_warnings += 1;
            return;
        }
        let mut d = self.sources.diag_span(kind, span, message, help);
        d.severity = Severity::Warning;
        self.warnings.push(d);
    }
}
