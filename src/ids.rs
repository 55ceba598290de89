//! Typed ids of a policy's things, and the tables they index.
//!
//! Each kind of thing a policy numbers has its own id type, so that a unit
//! id cannot be passed where a person id is expected: the named things
//! (units, people, positions, duties, unit kinds, matter kinds, matters,
//! facts, scales, actions, event kinds) and the regulation's items
//! (assignment rules, obligations, staffing rules, trigger lists and their
//! clauses, condition nodes).
//!
//! Ids are issued as the things are declared — by the checker, or for
//! clauses by the compiler — and index the policy's own tables ([`Table`]):
//! the checked model's, the compiled policy's, and the indexes built from
//! them (rows per unit or person, rule buckets, maps keyed by id). A lookup
//! that misses is a bug in zeren, reported by [`Table::get`] as an internal
//! error rather than answered with an empty name. Input (policy text, org
//! JSON, incidents, event logs, the names in a query) never carries an id:
//! its names are resolved first, and an unknown name is an error value.
//!
//! Bare numbers remain where a value is not an id: a value's position among
//! its fact's members or its scale's levels, ranges into the compiled
//! program's arrays, positions in an event log, sort keys, and the public
//! [`crate::UnitId`], which carries its unit's [`Idx::raw`] number.

use std::marker::PhantomData;

/// A dense id: a position in one of the policy's tables.
pub(crate) trait Idx: Copy + Eq + Ord + std::hash::Hash + std::fmt::Debug {
    /// What the id names, for internal error messages.
    const WHAT: &'static str;
    /// The id at position `i` of its table.
    fn from_usize(i: usize) -> Self;
    /// The position this id stands for.
    fn index(self) -> usize;
    /// The id as a bare number, for public handles and sort keys.
    fn raw(self) -> u32;
    /// The id a bare number from [`Idx::raw`] stands for.
    fn from_raw(raw: u32) -> Self;
}

/// Defines id types: `Copy` newtypes over `u32`. Each keeps its index
/// plus one, in a `NonZeroU32`, so that an `Option` of an id is no larger
/// than the id (logged events and org tables hold many).
macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident => $what:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub(crate) struct $name(std::num::NonZeroU32);

        impl Idx for $name {
            const WHAT: &'static str = $what;
            #[inline]
            fn from_usize(i: usize) -> Self {
                Self::from_raw(u32::try_from(i).unwrap_or(u32::MAX))
            }
            #[inline]
            fn index(self) -> usize {
                self.raw() as usize
            }
            #[inline]
            fn raw(self) -> u32 {
                self.0.get() - 1
            }
            #[inline]
            fn from_raw(raw: u32) -> Self {
                $name(std::num::NonZeroU32::MIN.saturating_add(raw))
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.raw())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{} #{}", $what, self.raw())
            }
        }
    )*};
}

ids! {
    /// A unit of the organisation.
    UnitIx => "unit";
    /// A person.
    PersonIx => "person";
    /// A position (a post a person holds in a unit).
    PositionIx => "position";
    /// A duty.
    DutyIx => "duty";
    /// A matter instance.
    MatterIx => "matter";
    /// A matter kind.
    MatterKindIx => "matter kind";
    /// A unit kind.
    UnitKindIx => "unit kind";
    /// A fact.
    FactIx => "fact";
    /// A scale.
    ScaleIx => "scale";
    /// An action.
    ActionIx => "action";
    /// An event kind.
    EventKindIx => "event kind";
    /// An assignment rule.
    RuleIx => "rule";
    /// An obligation.
    ObligationIx => "obligation";
    /// A staffing rule.
    StaffingIx => "staffing rule";
    /// A node of a condition (checked and compiled conditions share them).
    CondIx => "condition";
    /// A trigger list.
    ListIx => "trigger list";
    /// A trigger clause, numbered across all lists in list and clause order.
    ClauseIx => "clause";
}

/// A table of the policy: a `Vec<T>` keyed by the id type `I`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Table<I, T> {
    items: Vec<T>,
    _id: PhantomData<fn(I) -> I>,
}

impl<I, T: std::fmt::Debug> std::fmt::Debug for Table<I, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.items.fmt(f)
    }
}

impl<I, T> Default for Table<I, T> {
    fn default() -> Self {
        Table {
            items: Vec::new(),
            _id: PhantomData,
        }
    }
}

impl<I: Idx, T> Table<I, T> {
    /// An empty table.
    pub(crate) fn new() -> Self {
        Table::default()
    }

    /// Item `id`; a missing one is a stated internal error.
    #[inline]
    #[track_caller]
    pub(crate) fn get(&self, id: I) -> &T {
        match self.items.get(id.index()) {
            Some(t) => t,
            None => out_of_range(I::WHAT, id.index(), self.items.len()),
        }
    }

    /// Item `id`, mutably; a missing one is a stated internal error.
    #[inline]
    #[track_caller]
    pub(crate) fn get_mut(&mut self, id: I) -> &mut T {
        let len = self.items.len();
        match self.items.get_mut(id.index()) {
            Some(t) => t,
            None => out_of_range(I::WHAT, id.index(), len),
        }
    }

    /// The items, in id order.
    #[inline]
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The items with their ids, in id order.
    #[inline]
    pub(crate) fn iter_enumerated(&self) -> impl DoubleEndedIterator<Item = (I, &T)> + '_ {
        self.items
            .iter()
            .enumerate()
            .map(|(i, t)| (I::from_usize(i), t))
    }

    /// The ids, in order.
    #[inline]
    pub(crate) fn ids(&self) -> impl DoubleEndedIterator<Item = I> + 'static
    where
        I: 'static,
    {
        (0..self.items.len()).map(I::from_usize)
    }

    /// How many items.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// A table of `n` copies of `item`.
    pub(crate) fn filled(n: usize, item: T) -> Self
    where
        T: Clone,
    {
        Table {
            items: vec![item; n],
            _id: PhantomData,
        }
    }

    /// The items, mutably, in id order.
    #[inline]
    pub(crate) fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    /// The id the next item pushed will have.
    #[inline]
    pub(crate) fn next_id(&self) -> I {
        I::from_usize(self.items.len())
    }

    /// Adds an item; returns its id.
    pub(crate) fn push(&mut self, item: T) -> I {
        let id = I::from_usize(self.items.len());
        self.items.push(item);
        id
    }
}

/// Reports a missing id: a bug in zeren. Out of line, so that a lookup
/// inlines to a bounds check.
#[cold]
#[inline(never)]
#[track_caller]
fn out_of_range(what: &'static str, index: usize, len: usize) -> ! {
    crate::compile::internal(format!("{what} id {index} is out of range ({len} entries)"))
}

impl<I: Idx, T> FromIterator<T> for Table<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(iter: It) -> Self {
        Table {
            items: iter.into_iter().collect(),
            _id: PhantomData,
        }
    }
}

impl<'a, I: Idx, T> IntoIterator for &'a Table<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::{Idx, Table, UnitIx};

    #[test]
    fn push_get_and_enumerate() {
        let mut t: Table<UnitIx, &str> = Table::new();
        let a = t.push("a");
        let b = t.push("b");
        assert_eq!(*t.get(a), "a");
        assert_eq!(*t.get(b), "b");
        assert_eq!(t.len(), 2);
        assert_eq!(t.ids().collect::<Vec<_>>(), vec![a, b]);
        assert_eq!(
            t.iter_enumerated().collect::<Vec<_>>(),
            vec![(a, &"a"), (b, &"b")]
        );
    }

    #[test]
    #[should_panic(expected = "internal error in zeren: unit id 3 is out of range")]
    fn a_missing_id_fails_loudly() {
        let t: Table<UnitIx, &str> = Table::new();
        let _ = t.get(UnitIx::from_usize(3));
    }
}
