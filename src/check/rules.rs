//! Checks of assignment rules: scope, bearer, anchor, duty.

use super::{AnchorM, BearerM, Checker, RuleM, ScopeM};
use crate::diag::DiagKind;
use crate::ids::{DutyIx, MatterIx, MatterKindIx, PositionIx, UnitIx, UnitKindIx};
use crate::syntax::ast::{Anchor, AssignBlock, BearerLit, Scope};

impl Checker<'_> {
    pub(super) fn assign_block(&mut self, block: &AssignBlock) {
        let scope = match &block.scope {
            Scope::EachUnit { kinds } => ScopeM::EachUnit(
                kinds
                    .iter()
                    .filter_map(|k| self.resolve::<UnitKindIx>(k))
                    .collect(),
            ),
            Scope::Unit { unit } => match self.resolve::<UnitIx>(unit) {
                Some(u) => ScopeM::Unit(u),
                None => return self.items_only(block),
            },
            Scope::EachMatter { kinds } => ScopeM::EachMatter(
                kinds
                    .iter()
                    .filter_map(|k| self.resolve::<MatterKindIx>(k))
                    .collect(),
            ),
            Scope::Matter { matter } => match self.resolve::<MatterIx>(matter) {
                Some(m) => ScopeM::Matter(m),
                None => return self.items_only(block),
            },
        };
        for item in &block.items {
            let bearer = match &item.bearer {
                BearerLit::Team { of } => {
                    let of = self.anchor(of.as_ref(), scope.is_matter(), item.span);
                    of.map(BearerM::Team)
                }
                BearerLit::Position {
                    position,
                    of,
                    covering,
                } => {
                    let p = self.resolve::<PositionIx>(position);
                    let of = if *covering && of.is_none() {
                        Some(AnchorM::Own)
                    } else {
                        self.anchor(of.as_ref(), scope.is_matter(), item.span)
                    };
                    match (p, of) {
                        (Some(position), Some(of)) => Some(BearerM::Position {
                            position,
                            of,
                            covering: *covering,
                        }),
                        _ => None,
                    }
                }
            };
            let duty = self.resolve::<DutyIx>(&item.duty);
            if let (Some(duty), Some(bearer)) = (duty, bearer) {
                self.model.rules.push(RuleM {
                    citation: block.citation.text.clone(),
                    scope: scope.clone(),
                    bearer,
                    duty,
                    span: item.span,
                });
            }
        }
    }

    /// Still report unknown names inside a block whose scope failed to resolve.
    fn items_only(&mut self, block: &AssignBlock) {
        for item in &block.items {
            if let BearerLit::Position { position, .. } = &item.bearer {
                self.resolve::<PositionIx>(position);
            }
            self.resolve::<DutyIx>(&item.duty);
        }
    }

    fn anchor(
        &mut self,
        of: Option<&Anchor>,
        matter_scope: bool,
        span: crate::diag::Span,
    ) -> Option<AnchorM> {
        match of {
            None if matter_scope => {
                self.error(
                    DiagKind::Invalid,
                    span,
                    "a matter has no team or positions of its own".into(),
                    Some(
                        "say whose: `team of in-charge`, `负责人 of host`, or `POSITION covering`"
                            .into(),
                    ),
                );
                None
            }
            None => Some(AnchorM::Own),
            Some(Anchor::Unit(u)) => self.resolve::<UnitIx>(u).map(AnchorM::Unit),
            Some(Anchor::Relation(r)) if matter_scope => Some(AnchorM::Relation(*r)),
            Some(Anchor::Relation(r)) => {
                self.error(
                    DiagKind::Invalid,
                    span,
                    format!("`of {}` only applies to matters", r.keyword()),
                    Some("in a unit scope write `team`, `POSITION`, or `of UNIT`".into()),
                );
                None
            }
        }
    }
}
