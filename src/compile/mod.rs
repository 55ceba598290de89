//! Compile: the checked [`Model`] → indexes built once, so queries touch no
//! strings and do no searching beyond a unit's own short lists.
//!
//! - names → ids (hash maps, used only to turn a query's names into ids);
//! - holdings and coverage as compressed rows per unit, per matter, per person;
//! - rules bucketed by unit kind, unit, matter kind, matter.

use crate::check::{
    AnchorM, BearerM, ClauseM, CondNode, Model, SanctionsKindM, ScopeM, TargetId, TriggerListM,
};
use crate::ids::{
    ActionIx, ClauseIx, EventKindIx, FactIx, Idx, ListIx, MatterIx, MatterKindIx, ObligationIx,
    PersonIx, PositionIx, RuleIx, Table, UnitIx, UnitKindIx,
};
use crate::name_index::NameIndex;
use chrono::NaiveDate;
use std::collections::HashMap;

pub(crate) mod cond;
pub(crate) mod slice;

/// Rows of items grouped by a dense key (compressed sparse rows).
#[derive(Debug, Clone, Default)]
pub(crate) struct Rows<K, T> {
    offsets: Vec<u32>,
    items: Vec<T>,
    _key: std::marker::PhantomData<fn(K) -> K>,
}

impl<K: Idx, T> Rows<K, T> {
    /// Groups `items` by `key(item) < n`, keeping their order within a group.
    fn build(n: usize, mut pairs: Vec<(K, T)>) -> Self {
        pairs.sort_by_key(|(k, _)| *k);
        let mut offsets = vec![0u32; n + 1];
        for (k, _) in &pairs {
            if let Some(o) = offsets.get_mut(k.index() + 1) {
                *o += 1;
            }
        }
        for i in 1..offsets.len() {
            let prev = offsets.get(i - 1).copied().unwrap_or(0);
            if let Some(o) = offsets.get_mut(i) {
                *o += prev;
            }
        }
        Rows {
            offsets,
            items: pairs.into_iter().map(|(_, t)| t).collect(),
            _key: std::marker::PhantomData,
        }
    }

    /// The items of group `k` (empty when out of range).
    #[inline]
    pub(crate) fn get(&self, k: K) -> &[T] {
        let k = k.index();
        match (self.offsets.get(k), self.offsets.get(k + 1)) {
            (Some(&a), Some(&b)) => self.items.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// A closed date interval; open ends are stored as the extreme dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Interval {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Interval {
    fn new(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Self {
        Interval {
            from: from.unwrap_or(NaiveDate::MIN),
            to: to.unwrap_or(NaiveDate::MAX),
        }
    }
    #[inline]
    pub(crate) fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }
}

/// A holding seen from its unit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tenure {
    pub person: PersonIx,
    pub position: PositionIx,
    pub when: Interval,
    /// For a seat: the post it is held through.
    pub via: Option<(PositionIx, UnitIx)>,
}

/// A holding seen from its holder.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Post {
    pub unit: UnitIx,
    pub position: PositionIx,
    pub when: Interval,
    /// For a seat: the post it is held through.
    pub via: Option<(PositionIx, UnitIx)>,
}

/// Coverage seen from the covered unit or matter.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Coverer {
    pub person: PersonIx,
    pub liaison: bool,
    pub when: Interval,
}

/// Coverage seen from the person.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Covered {
    pub target: TargetId,
    pub when: Interval,
}

#[derive(Debug, Clone)]
pub(crate) struct UnitC {
    pub name: String,
    pub kind: UnitKindIx,
    /// The unit it is under; none for a top unit.
    pub parent: Option<UnitIx>,
    /// How many units are above it.
    pub depth: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct MatterC {
    pub name: String,
    pub kind: MatterKindIx,
    /// Related units: the instance's own, else the kind's route.
    pub rel: [Option<UnitIx>; 4],
    /// Whether each relation came from the kind's route.
    pub routed: [bool; 4],
}

/// Identifies one compiled policy, so that ids, logs and incidents checked
/// against one policy are refused by another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct PolicyKey(u64);

impl PolicyKey {
    fn fresh() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        PolicyKey(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

/// The compiled, immutable policy: the checked model and the indexes
/// built once from it.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub key: PolicyKey,
    /// The checked model, held as it is: its tables are the policy's own
    /// (reached through `Deref`). Units and matters are replaced by their
    /// compiled forms below.
    pub model: Model,
    pub units: Table<UnitIx, UnitC>,
    pub matters: Table<MatterIx, MatterC>,
    pub unit_index: NameIndex<UnitIx>,
    pub matter_index: NameIndex<MatterIx>,
    pub matter_kind_index: HashMap<String, MatterKindIx>,
    pub person_index: NameIndex<PersonIx>,
    pub unit_tenures: Rows<UnitIx, Tenure>,
    pub person_posts: Rows<PersonIx, Post>,
    pub unit_coverers: Rows<UnitIx, Coverer>,
    pub matter_coverers: Rows<MatterIx, Coverer>,
    pub person_covered: Rows<PersonIx, Covered>,
    /// Non-covering rules scoped `in each KIND`, by unit kind.
    pub kind_rules: Rows<UnitKindIx, RuleIx>,
    /// Non-covering rules scoped `in UNIT`, by unit.
    pub unit_rules: HashMap<UnitIx, Vec<RuleIx>>,
    /// Covering rules with no `of`, by the kind of the unit the holder sits in.
    pub kind_cover_rules: Rows<UnitKindIx, RuleIx>,
    /// Covering rules with no `of`, scoped to one unit.
    pub unit_cover_rules: HashMap<UnitIx, Vec<RuleIx>>,
    /// Rules scoped `for each matter KIND`, by matter kind.
    pub matter_kind_rules: Rows<MatterKindIx, RuleIx>,
    /// Rules scoped `for matter M`, by matter.
    pub matter_rules: HashMap<MatterIx, Vec<RuleIx>>,
    pub fact_index: HashMap<String, FactIx>,
    /// Whether any condition reads the fact.
    pub fact_read: Table<FactIx, bool>,
    pub program: cond::Program,
    pub clauses: cond::Clauses,
    /// The trigger clauses bit-sliced by shape, for the lean query.
    pub sliced: slice::Sliced,
    pub action_index: NameIndex<ActionIx>,
    pub event_kind_index: NameIndex<EventKindIx>,
    /// Names of the units each obligation names as recipients.
    pub obligation_recipients: Table<ObligationIx, Vec<String>>,
    /// The units each obligation names as recipients.
    pub obligation_units: Table<ObligationIx, Vec<UnitIx>>,
    /// Units of each kind, in declaration order.
    pub units_of_kind: Rows<UnitKindIx, UnitIx>,
    /// Matters of each kind, in declaration order.
    pub matters_of_kind: Rows<MatterKindIx, MatterIx>,
}

impl std::ops::Deref for Compiled {
    type Target = Model;
    fn deref(&self) -> &Model {
        &self.model
    }
}

impl Compiled {
    /// The one place that decides whether the policy applies on a date:
    /// `Some(effective)` when `on` is before the policy took effect. Each
    /// query reports it in its own answer (an error, or "not applicable").
    pub(crate) fn not_in_force(&self, on: NaiveDate) -> Option<NaiveDate> {
        self.header.effective.filter(|e| on < *e)
    }

    /// Whether the policy applied on a date: in force, not yet in force,
    /// or unknown when the policy states no effective date.
    pub(crate) fn applicability(&self, on: NaiveDate) -> crate::triggers::Applicability {
        use crate::triggers::Applicability;
        match self.header.effective {
            None => Applicability::Unknown,
            Some(effective) if on < effective => Applicability::NotApplicable { effective },
            Some(_) => Applicability::InForce,
        }
    }

    /// The bearer for `person` holding `position` of `unit`, through the
    /// post `via` when the holding is a seat's.
    pub(crate) fn holder(
        &self,
        unit: UnitIx,
        position: PositionIx,
        person: PersonIx,
        via: Option<(PositionIx, UnitIx)>,
    ) -> crate::who::Bearer<'_> {
        crate::who::Bearer::Holder {
            unit: self.units.get(unit).name.as_str(),
            position: self.positions.get(position).name.as_str(),
            person: self.people.get(person).as_str(),
            via: via.map(|(p, u)| crate::who::Via {
                position: self.positions.get(p).name.as_str(),
                unit: self.units.get(u).name.as_str(),
            }),
        }
    }

    /// Clause `id` and the list it belongs to.
    pub(crate) fn clause(&self, id: ClauseIx) -> (ListIx, &TriggerListM, &ClauseM) {
        let (li, ci) = *self.clauses.all.get(id);
        let list = self.trigger_lists.get(li);
        match list.clauses.get(ci) {
            Some(clause) => (li, list, clause),
            None => internal(format!(
                "clause {ci} of {li} is out of range ({} clauses)",
                list.clauses.len()
            )),
        }
    }
}

pub(crate) fn compile(mut model: Model) -> Compiled {
    let n_units = model.units.len();
    // Depth of each unit; parents may be declared after children. Each walk
    // stops at the first unit whose depth is known, so this is linear.
    let mut depth: Table<UnitIx, Option<u32>> = model.units.iter().map(|_| None).collect();
    for start in model.units.ids() {
        let mut walk = Vec::new();
        let mut cur = Some(start);
        let mut base = 0u32;
        while let Some(u) = cur {
            if let Some(d) = *depth.get(u) {
                base = d + 1;
                break;
            }
            if walk.len() > n_units {
                break; // cannot happen after the cycle check; stay finite anyway
            }
            walk.push(u);
            cur = model.units.get(u).parent;
        }
        for (k, u) in walk.iter().rev().enumerate() {
            *depth.get_mut(*u) = Some(base + u32::try_from(k).unwrap_or(u32::MAX));
        }
    }
    let units: Table<UnitIx, UnitC> = model
        .units
        .iter()
        .zip(depth.iter())
        .map(|(u, depth)| UnitC {
            name: u.name.clone(),
            kind: u.kind.unwrap_or_else(|| {
                internal(format!("unit `{}` has no kind in a checked model", u.name))
            }),
            parent: u.parent,
            depth: depth.unwrap_or(0),
        })
        .collect();
    let matters: Table<MatterIx, MatterC> = model
        .matters
        .iter()
        .map(|m| {
            let kind = m.kind.unwrap_or_else(|| {
                internal(format!(
                    "matter `{}` has no kind in a checked model",
                    m.name
                ))
            });
            let route = *model.routes.get(kind);
            let mut rel = [None; 4];
            let mut routed = [false; 4];
            for i in 0..4 {
                let own = m.relations.get(i).copied().flatten();
                let via = route.get(i).copied().flatten();
                if let (Some(r), Some(f)) = (rel.get_mut(i), routed.get_mut(i)) {
                    *r = own.or(via);
                    *f = own.is_none() && via.is_some();
                }
            }
            MatterC {
                name: m.name.clone(),
                kind,
                rel,
                routed,
            }
        })
        .collect();
    let unit_index = std::mem::take(&mut model.unit_index);
    let matter_index = std::mem::take(&mut model.matter_index);
    let matter_kind_index = names_index(model.matter_kinds.iter_enumerated());
    let person_index = std::mem::take(&mut model.person_index);

    let mut holdings = model.holdings.clone();
    holdings.sort_by_key(|h| (h.unit, h.position, h.from, h.person));
    let unit_tenures = Rows::build(
        n_units,
        holdings
            .iter()
            .map(|h| {
                (
                    h.unit,
                    Tenure {
                        person: h.person,
                        position: h.position,
                        when: Interval::new(h.from, h.to),
                        via: h.via,
                    },
                )
            })
            .collect(),
    );
    let person_posts = Rows::build(
        model.people.len(),
        holdings
            .iter()
            .map(|h| {
                (
                    h.person,
                    Post {
                        unit: h.unit,
                        position: h.position,
                        when: Interval::new(h.from, h.to),
                        via: h.via,
                    },
                )
            })
            .collect(),
    );
    let mut unit_cov = Vec::new();
    let mut matter_cov = Vec::new();
    let mut person_cov = Vec::new();
    for c in &model.covers {
        let when = Interval::new(c.from, c.to);
        let coverer = Coverer {
            person: c.person,
            liaison: c.liaison,
            when,
        };
        match c.target {
            TargetId::Unit(u) => unit_cov.push((u, coverer)),
            TargetId::Matter(m) => matter_cov.push((m, coverer)),
        }
        person_cov.push((
            c.person,
            Covered {
                target: c.target,
                when,
            },
        ));
    }
    let unit_coverers = Rows::build(n_units, unit_cov);
    let matter_coverers = Rows::build(matters.len(), matter_cov);
    let person_covered = Rows::build(model.people.len(), person_cov);

    let mut kind_rules = Vec::new();
    let mut unit_rules: HashMap<UnitIx, Vec<RuleIx>> = HashMap::new();
    let mut kind_cover_rules = Vec::new();
    let mut unit_cover_rules: HashMap<UnitIx, Vec<RuleIx>> = HashMap::new();
    let mut matter_kind_rules = Vec::new();
    let mut matter_rules: HashMap<MatterIx, Vec<RuleIx>> = HashMap::new();
    for (i, r) in model.rules.iter_enumerated() {
        let own_covering = matches!(
            r.bearer,
            BearerM::Position {
                covering: true,
                of: AnchorM::Own,
                ..
            }
        );
        match &r.scope {
            ScopeM::EachUnit(kinds) => {
                for k in kinds {
                    if own_covering {
                        kind_cover_rules.push((*k, i));
                    } else {
                        kind_rules.push((*k, i));
                    }
                }
            }
            ScopeM::Unit(u) => {
                if own_covering {
                    unit_cover_rules.entry(*u).or_default().push(i);
                } else {
                    unit_rules.entry(*u).or_default().push(i);
                }
            }
            ScopeM::EachMatter(kinds) => {
                for k in kinds {
                    matter_kind_rules.push((*k, i));
                }
            }
            ScopeM::Matter(m) => matter_rules.entry(*m).or_default().push(i),
        }
    }
    let fact_index = names_index(model.facts.iter_enumerated().map(|(i, f)| (i, &f.name)));
    let mut fact_read: Table<FactIx, bool> = model.facts.iter().map(|_| false).collect();
    for n in &model.conds {
        if let CondNode::Test { fact, .. } = n {
            *fact_read.get_mut(*fact) = true;
        }
    }
    for s in &model.sanctions {
        if let SanctionsKindM::Graded { fact, .. } = s.kind {
            *fact_read.get_mut(fact) = true;
        }
    }
    let program = cond::compile(&model.conds);
    let action_index = NameIndex::build(
        model
            .actions
            .iter_enumerated()
            .map(|(i, a)| (i, a.as_str())),
    );
    let event_kind_index = NameIndex::build(
        model
            .event_kinds
            .iter_enumerated()
            .map(|(i, k)| (i, k.as_str())),
    );
    let units_of_kind = Rows::build(
        model.unit_kinds.len(),
        units.iter_enumerated().map(|(i, u)| (u.kind, i)).collect(),
    );
    let matters_of_kind = Rows::build(
        model.matter_kinds.len(),
        matters
            .iter_enumerated()
            .map(|(i, m)| (m.kind, i))
            .collect(),
    );
    let clauses = cond::index(&program, &model.facts, &model.trigger_lists);
    let sliced = slice::slice(
        &program,
        &model.facts,
        &model.scales,
        &model.trigger_lists,
        &clauses,
    );
    let obligation_units = model
        .obligations
        .iter()
        .map(|o| {
            o.recipients
                .iter()
                .filter_map(|r| match r {
                    crate::check::RecipientM::Unit(u) => Some(*u),
                    crate::check::RecipientM::Superior(_) => None,
                })
                .collect()
        })
        .collect();
    let obligation_recipients = model
        .obligations
        .iter()
        .map(|o| {
            o.recipients
                .iter()
                .filter_map(|r| match r {
                    crate::check::RecipientM::Unit(u) => Some(units.get(*u).name.clone()),
                    crate::check::RecipientM::Superior(_) => None,
                })
                .collect()
        })
        .collect();
    let kind_rules = Rows::build(model.unit_kinds.len(), kind_rules);
    let kind_cover_rules = Rows::build(model.unit_kinds.len(), kind_cover_rules);
    let matter_kind_rules = Rows::build(model.matter_kinds.len(), matter_kind_rules);
    // The compiled units and matters replace the model's own.
    model.units = Table::new();
    model.matters = Table::new();
    Compiled {
        key: PolicyKey::fresh(),
        model,
        fact_index,
        fact_read,
        clauses,
        sliced,
        program,
        action_index,
        event_kind_index,
        obligation_recipients,
        obligation_units,
        units_of_kind,
        matters_of_kind,
        kind_rules,
        kind_cover_rules,
        matter_kind_rules,
        units,
        matters,
        unit_index,
        matter_index,
        matter_kind_index,
        person_index,
        unit_tenures,
        person_posts,
        unit_coverers,
        matter_coverers,
        person_covered,
        unit_rules,
        unit_cover_rules,
        matter_rules,
    }
}

/// Each name of a table → its id, for turning a query's names into ids.
fn names_index<'a, I: Idx>(names: impl Iterator<Item = (I, &'a String)>) -> HashMap<String, I> {
    names.map(|(i, n)| (n.clone(), i)).collect()
}

/// Reports a broken internal invariant: a bug in zeren, never a property of
/// the input (which is checked before any id is issued).
#[track_caller]
pub(crate) fn internal(what: String) -> ! {
    #[expect(
        clippy::panic,
        reason = "an id issued by a policy always indexes that policy's tables; a miss is a bug in zeren, reported loudly rather than answered with an empty name"
    )]
    {
        panic!("internal error in zeren: {what}; please report it")
    }
}

#[cfg(test)]
mod tests {
    use super::Rows;
    use crate::ids::{Idx, UnitIx};

    #[test]
    fn rows_group_and_keep_order() {
        let u = UnitIx::from_usize;
        let r: Rows<UnitIx, char> =
            Rows::build(3, vec![(u(2), 'c'), (u(0), 'a'), (u(2), 'd'), (u(0), 'b')]);
        assert_eq!(r.get(u(0)), &['a', 'b']);
        assert!(r.get(u(1)).is_empty());
        assert_eq!(r.get(u(2)), &['c', 'd']);
        assert!(r.get(u(7)).is_empty());
    }
}
