//! Checks of the organisation: units, matters, routes, holdings, coverage.

use super::{Checker, CoverM, HoldingM, MatterM, TargetId, UnitM};
use crate::diag::{DiagKind, Span};
use crate::ids::Table;
use crate::ids::{MatterKindIx, PersonIx, PositionIx, UnitIx, UnitKindIx};
use crate::syntax::ast::{DateLit, Name, OrgStmt, RelationLit};
use chrono::NaiveDate;

impl Checker<'_> {
    pub(super) fn org(&mut self, stmts: &[&OrgStmt]) {
        // Pass 1: declare units and matters so statements may refer forward.
        // Each unit's declaration, under the id its name was given.
        let mut unit_decls: Table<UnitIx, (&Name, &Name, Option<&Name>)> = Table::new();
        let mut matter_decls: Vec<(&Name, &Name, &[RelationLit])> = Vec::new();
        for s in stmts {
            match s {
                OrgStmt::Unit { name, kind, under } => match self.units.declare(name) {
                    Ok(_) => {
                        unit_decls.push((name, kind, under.as_ref()));
                    }
                    Err(first) => self.duplicate("unit", name, first),
                },
                OrgStmt::Matter {
                    name,
                    kind,
                    relations,
                } => {
                    if self.units.get(&name.text).is_some() {
                        self.error(
                            DiagKind::Duplicate,
                            name.span,
                            format!("`{}` is already the name of a unit", name.text),
                            Some(
                                "give the matter a name no unit has, so coverage is unambiguous"
                                    .into(),
                            ),
                        );
                    } else {
                        match self.matters.declare(name) {
                            Ok(_) => matter_decls.push((name, kind, relations)),
                            Err(first) => self.duplicate("matter", name, first),
                        }
                    }
                }
                _ => {}
            }
        }
        // Pass 2: resolve unit kinds and parents.
        for (name, kind, under) in unit_decls.iter() {
            let kind = self.resolve::<UnitKindIx>(kind);
            let parent = under.and_then(|p| self.resolve::<UnitIx>(p));
            self.model.units.push(UnitM {
                name: name.text.clone(),
                kind,
                parent,
            });
        }
        self.cycles(&unit_decls);
        for (name, kind, relations) in &matter_decls {
            let kind = self.resolve::<MatterKindIx>(kind);
            let rels = self.relations(relations);
            self.model.matters.push(MatterM {
                name: name.text.clone(),
                kind,
                relations: rels,
            });
        }
        // Pass 3: routes, holdings, coverage.
        for s in stmts {
            match s {
                OrgStmt::Route { kind, relations } => {
                    let kind_id = self.resolve::<MatterKindIx>(kind);
                    let rels = self.relations(relations);
                    if let Some(k) = kind_id {
                        let slot = self.model.routes.get_mut(k);
                        for (i, r) in rels.iter().enumerate() {
                            if let (Some(u), Some(cell)) = (r, slot.get_mut(i)) {
                                *cell = Some(*u);
                            }
                        }
                    }
                }
                OrgStmt::Holds {
                    person,
                    position,
                    unit,
                    from,
                    to,
                } => {
                    let p = self.resolve::<PositionIx>(position);
                    let u = self.resolve::<UnitIx>(unit);
                    self.interval(person, from.as_ref(), to.as_ref());
                    let who = self.person(person);
                    if let (Some(position), Some(unit)) = (p, u) {
                        self.model.holdings.push(HoldingM {
                            person: who,
                            position,
                            unit,
                            from: from.map(|d| d.date),
                            to: to.map(|d| d.date),
                            via: None,
                        });
                        self.holding_spans.push(person.span);
                    }
                }
                OrgStmt::Covers {
                    person,
                    liaison,
                    targets,
                    from,
                    to,
                } => {
                    self.interval(person, from.as_ref(), to.as_ref());
                    let who = self.person(person);
                    for t in targets {
                        let target = if let Some(u) = self.units.get(&t.text) {
                            Some(TargetId::Unit(u))
                        } else if let Some(m) = self.matters.get(&t.text) {
                            Some(TargetId::Matter(m))
                        } else {
                            let help = crate::resolve::suggest(
                                &t.text,
                                "unit or matter",
                                self.units.names().chain(self.matters.names()),
                            );
                            self.error(
                                DiagKind::UnknownName,
                                t.span,
                                format!("unknown unit or matter `{}`", t.text),
                                Some(help),
                            );
                            None
                        };
                        if let Some(target) = target {
                            self.model.covers.push(CoverM {
                                person: who,
                                target,
                                liaison: *liaison,
                                from: from.map(|d| d.date),
                                to: to.map(|d| d.date),
                            });
                        }
                    }
                }
                OrgStmt::Unit { .. } | OrgStmt::Matter { .. } | OrgStmt::Seat { .. } => {}
            }
        }
        self.seats(stmts);
        self.overlaps();
    }

    fn person(&mut self, name: &Name) -> PersonIx {
        // People are declared by holding a position; naming one again is fine.
        self.people.get_or_declare(name)
    }

    fn relations(&mut self, relations: &[RelationLit]) -> [Option<UnitIx>; 4] {
        let mut out = [None; 4];
        for r in relations {
            if let Some(u) = self.resolve::<UnitIx>(&r.unit) {
                if let Some(slot) = out.get_mut(r.relation as usize) {
                    if slot.is_some() {
                        self.error(
                            DiagKind::Duplicate,
                            r.unit.span,
                            format!("`{}` is given twice", r.relation.keyword()),
                            Some("give each relation once".into()),
                        );
                    }
                    *slot = Some(u);
                }
            }
        }
        out
    }

    pub(super) fn interval(&mut self, person: &Name, from: Option<&DateLit>, to: Option<&DateLit>) {
        if let (Some(f), Some(t)) = (from, to) {
            if t.date < f.date {
                self.error(
                    DiagKind::Invalid,
                    t.span,
                    format!(
                        "`{}`'s interval ends on {} before it starts on {}",
                        person.text, t.date, f.date
                    ),
                    Some(
                        "the `to` date is the last day held and must not be before the `from` date"
                            .into(),
                    ),
                );
            }
        }
    }

    /// A unit that is, through its parents, under itself.
    fn cycles(&mut self, decls: &Table<UnitIx, (&Name, &Name, Option<&Name>)>) {
        #[derive(Clone, Copy, PartialEq, Eq)]
        enum Seen {
            Unvisited,
            OnWalk,
            Done,
        }
        let mut state: Table<UnitIx, Seen> =
            self.model.units.iter().map(|_| Seen::Unvisited).collect();
        for start in self.model.units.ids() {
            let mut walk = Vec::new();
            let mut cur = Some(start);
            while let Some(u) = cur {
                match *state.get(u) {
                    Seen::Unvisited => {
                        *state.get_mut(u) = Seen::OnWalk;
                        walk.push(u);
                        cur = self.model.units.get(u).parent;
                    }
                    Seen::OnWalk => {
                        // `u` closes a cycle: report it at its `under`.
                        let members: Vec<String> = walk
                            .iter()
                            .skip_while(|w| **w != u)
                            .map(|w| self.model.units.get(*w).name.clone())
                            .collect();
                        let span = decls.get(u).2.map(|n| n.span).unwrap_or_default();
                        let name = self.model.units.get(u).name.clone();
                        self.error(
                            DiagKind::Cycle,
                            span,
                            format!("unit `{name}` is under itself: {} → {name}", members.join(" → ")),
                            Some("units form a tree; change one `under` so the chain ends at a top unit".into()),
                        );
                        // Break the cycle so later phases terminate.
                        self.model.units.get_mut(u).parent = None;
                        break;
                    }
                    Seen::Done => break,
                }
            }
            for w in walk {
                *state.get_mut(w) = Seen::Done;
            }
        }
    }

    /// A holder as an overlap names them: `李 二 (as 书记 of 校党委)` for a seat.
    fn holder_name(&self, h: &HoldingM) -> String {
        let person = self.people.order.get(h.person);
        match h.via {
            None => person.to_string(),
            Some((p, u)) => format!(
                "{person} (as {} of {})",
                self.model.positions.get(p).name,
                self.model.units.get(u).name
            ),
        }
    }

    /// Two people holding a single-holder position in one unit on the same day.
    fn overlaps(&mut self) {
        let mut idx: Vec<usize> = (0..self.model.holdings.len())
            .filter(|i| {
                self.model
                    .holdings
                    .get(*i)
                    .is_some_and(|h| self.model.positions.get(h.position).single)
            })
            .collect();
        let key = |h: &HoldingM| (h.unit, h.position, h.from.unwrap_or(NaiveDate::MIN));
        idx.sort_by_key(|i| self.model.holdings.get(*i).map(key));
        let mut reports: Vec<(Span, String, String)> = Vec::new();
        // The holding reaching furthest so far in the current (unit, position) group.
        let mut reach: Option<usize> = None;
        for b in idx {
            let Some(hb) = self.model.holdings.get(b).copied() else {
                continue;
            };
            let prev = reach.and_then(|a| self.model.holdings.get(a).copied().map(|h| (a, h)));
            let Some((_, ha)) =
                prev.filter(|(_, ha)| ha.unit == hb.unit && ha.position == hb.position)
            else {
                reach = Some(b);
                continue;
            };
            let a_end = ha.to.unwrap_or(NaiveDate::MAX);
            let b_start = hb.from.unwrap_or(NaiveDate::MIN);
            if b_start <= a_end && ha.person != hb.person {
                let day = b_start.max(ha.from.unwrap_or(NaiveDate::MIN));
                let pos = &self.model.positions.get(ha.position).name;
                let unit = self.model.units.get(ha.unit).name.clone();
                let msg = format!(
                    "`{}` and `{}` both hold {pos} of {unit} on {day}, but {pos} is a single-holder position",
                    self.holder_name(&ha),
                    self.holder_name(&hb),
                );
                let help = if ha.to.is_none() {
                    format!("end the earlier holding with `to` a day before {b_start}")
                } else {
                    format!("start this holding after {a_end}, when the earlier one ends")
                };
                let span = self.holding_spans.get(b).copied().unwrap_or_default();
                reports.push((span, msg, help));
            }
            if hb.to.unwrap_or(NaiveDate::MAX) > a_end {
                reach = Some(b);
            }
        }
        for (span, msg, help) in reports {
            self.error(DiagKind::Overlap, span, msg, Some(help));
        }
    }
}
