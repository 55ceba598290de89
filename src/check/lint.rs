//! Warnings: what is accepted but probably not what the author meant.
//!
//! - a declared duty that no rule gives anyone;
//! - one position given two different duties in one scope by different
//!   articles (the sources have this: 001-A §5 gives the main leader
//!   主要领导责任, §6 calls the secretary 直接责任人).

use super::{AnchorM, BearerM, Checker, RuleM, ScopeM};
use crate::diag::{DiagKind, Severity};

fn overlap(a: &ScopeM, b: &ScopeM) -> Option<String> {
    match (a, b) {
        (ScopeM::EachUnit(x), ScopeM::EachUnit(y))
        | (ScopeM::EachMatter(x), ScopeM::EachMatter(y)) => {
            x.iter().find(|k| y.contains(k)).map(|_| String::new())
        }
        (ScopeM::Unit(x), ScopeM::Unit(y)) | (ScopeM::Matter(x), ScopeM::Matter(y)) if x == y => {
            Some(String::new())
        }
        _ => None,
    }
}

impl Checker<'_> {
    pub(super) fn lint(&mut self) {
        let mut used = vec![false; self.model.duties.len()];
        for r in &self.model.rules {
            if let Some(u) = used.get_mut(r.duty as usize) {
                *u = true;
            }
        }
        for l in &self.model.liability {
            for d in [l.main, l.others, l.individual] {
                if let Some(u) = used.get_mut(d as usize) {
                    *u = true;
                }
            }
        }
        for (i, u) in used.iter().enumerate() {
            if *u {
                continue;
            }
            let (Some(name), Some(span)) = (self.model.duties.get(i), self.duty_spans.get(i))
            else {
                continue;
            };
            let d = self.sources.diag_span(
                DiagKind::Unassigned,
                *span,
                format!("no rule gives anyone the duty `{name}`"),
                Some(format!(
                    "assign it (`… bears {name}`), or leave it out of `duties`"
                )),
            );
            self.warn(d);
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
                    && a.citation != b.citation
                    && overlap(&a.scope, &b.scope).is_some()
            });
            if let Some(a) = earlier {
                let name = |v: &[String], i: u32| v.get(i as usize).cloned().unwrap_or_default();
                let pos = self
                    .model
                    .positions
                    .get(position as usize)
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                let whose = match of {
                    AnchorM::Unit(u) => format!(
                        " of {}",
                        self.model
                            .units
                            .get(u as usize)
                            .map(|x| x.name.as_str())
                            .unwrap_or("")
                    ),
                    _ => String::new(),
                };
                found.push((
                    b.span,
                    format!(
                        "{pos}{whose} bears `{}` here ({}) and `{}` by {} in the same scope",
                        name(&self.model.duties, b.duty),
                        b.citation,
                        name(&self.model.duties, a.duty),
                        a.citation
                    ),
                ));
            }
        }
        for (span, message) in found {
            let d = self.sources.diag_span(
                DiagKind::Conflict,
                span,
                message,
                Some("both are answered; if the articles disagree, say which one holds".into()),
            );
            self.warn(d);
        }
    }

    fn warn(&mut self, mut d: crate::diag::Diagnostic) {
        d.severity = Severity::Warning;
        self.warnings.push(d);
    }
}
