//! Names → ids: an open-addressing table whose slots hold a short name's
//! bytes themselves, so a lookup reads one slot (one cache line) where a
//! map of `String`s reads the table, then the key's own allocation. The
//! checker declares every name in one as it goes (a large org declares
//! hundreds of thousands); the unit, matter and person indexes are then
//! kept by the compiled policy, where the reader of a million-line log
//! looks up two or three names a line.
//!
//! Names are hashed with the standard library's keyed hasher, as its maps
//! do, so names chosen to collide cannot slow lookups down.

use crate::ids::Idx;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

/// Bytes of a name kept in its slot; longer names are kept in one shared
/// string, and the slot holds where.
const INLINE: usize = 16;

#[derive(Debug, Clone, Copy)]
struct Slot {
    /// High bits of the name's hash, with the lowest bit set: 0 is empty.
    tag: u32,
    /// Low bits of the name's hash, which choose its slot: a table grows
    /// without hashing its names again.
    home: u32,
    id: u32,
    len: u32,
    /// The name (up to [`INLINE`] bytes), or its offset in `long`.
    bytes: [u8; INLINE],
}

const EMPTY: Slot = Slot {
    tag: 0,
    home: 0,
    id: 0,
    len: 0,
    bytes: [0; INLINE],
};

/// A map from names to ids of type `I`.
#[derive(Debug, Clone)]
pub(crate) struct NameIndex<I> {
    slots: Vec<Slot>,
    /// Names in the table.
    len: usize,
    long: String,
    hasher: RandomState,
    _id: std::marker::PhantomData<fn() -> I>,
}

impl<I> Default for NameIndex<I> {
    fn default() -> Self {
        NameIndex {
            slots: Vec::new(),
            len: 0,
            long: String::new(),
            hasher: RandomState::new(),
            _id: std::marker::PhantomData,
        }
    }
}

impl<I: Idx> NameIndex<I> {
    /// The index of `names`; a name given twice keeps its first id (names
    /// are checked unique before this is built).
    pub(crate) fn build<'a>(names: impl Iterator<Item = (I, &'a str)>) -> Self {
        let names: Vec<(I, &str)> = names.collect();
        let mut t = NameIndex::default();
        t.grow_to(names.len());
        for (id, name) in names {
            t.insert(id, name);
        }
        t
    }

    /// Room for `n` names, the table at most half full: probes stay short.
    fn grow_to(&mut self, n: usize) {
        let size = (n.max(4) * 2).next_power_of_two();
        if size <= self.slots.len() {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
        let mask = size - 1;
        for s in old.into_iter().filter(|s| s.tag != 0) {
            let mut at = s.home as usize & mask;
            while self.slots.get(at).is_some_and(|t| t.tag != 0) {
                at = (at + 1) & mask;
            }
            if let Some(t) = self.slots.get_mut(at) {
                *t = s;
            }
        }
    }

    /// The name's hash: its low bits choose the slot, its high bits tag it.
    fn hash(&self, name: &str) -> (u32, u32) {
        let h = self.hasher.hash_one(name);
        (h as u32, ((h >> 32) as u32) | 1)
    }

    /// Adds `name` with `id`, growing the table as needed; returns the id
    /// the name already had instead, if it had one (and then adds nothing).
    pub(crate) fn insert(&mut self, id: I, name: &str) -> Option<I> {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow_to(self.len + 1);
        }
        let (h, tag) = self.hash(name);
        let Ok(len) = u32::try_from(name.len()) else {
            return None;
        };
        let mask = self.slots.len() - 1;
        let mut at = h as usize & mask;
        // The free slot the name goes in; a name already in keeps its id.
        loop {
            match self.slots.get(at) {
                Some(s) if s.tag == 0 => break,
                Some(s) if s.tag == tag && s.len == len && self.name_of(s) == name.as_bytes() => {
                    return Some(I::from_raw(s.id))
                }
                Some(_) => at = (at + 1) & mask,
                None => return None,
            }
        }
        let mut bytes = [0u8; INLINE];
        if name.len() <= INLINE {
            if let Some(to) = bytes.get_mut(..name.len()) {
                to.copy_from_slice(name.as_bytes());
            }
        } else {
            let offset = u32::try_from(self.long.len()).unwrap_or(u32::MAX);
            self.long.push_str(name);
            if let Some(to) = bytes.get_mut(..4) {
                to.copy_from_slice(&offset.to_le_bytes());
            }
        }
        if let Some(s) = self.slots.get_mut(at) {
            *s = Slot {
                tag,
                home: h,
                id: id.raw(),
                len,
                bytes,
            };
            self.len += 1;
        }
        None
    }

    fn name_of<'s>(&'s self, s: &'s Slot) -> &'s [u8] {
        let len = s.len as usize;
        if len <= INLINE {
            s.bytes.get(..len).unwrap_or_default()
        } else {
            let mut off = [0u8; 4];
            off.copy_from_slice(s.bytes.get(..4).unwrap_or(&[0; 4]));
            let at = u32::from_le_bytes(off) as usize;
            self.long
                .as_bytes()
                .get(at..at.saturating_add(len))
                .unwrap_or_default()
        }
    }

    /// The id of `name`, if it is one.
    #[inline]
    pub(crate) fn get(&self, name: &str) -> Option<I> {
        if self.slots.is_empty() {
            return None;
        }
        let (h, tag) = self.hash(name);
        let mask = self.slots.len() - 1;
        let mut at = h as usize & mask;
        loop {
            let s = self.slots.get(at)?;
            if s.tag == 0 {
                return None;
            }
            if s.tag == tag && s.len as usize == name.len() && self.name_of(s) == name.as_bytes() {
                return Some(I::from_raw(s.id));
            }
            at = (at + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UnitIx;

    #[test]
    fn short_and_long_names_are_found_and_others_are_not() {
        let names: Vec<String> = (0..1000)
            .map(|i| {
                if i % 3 == 0 {
                    format!("党委宣传部第{i}个很长的单位名称")
                } else {
                    format!("u{i}")
                }
            })
            .collect();
        let t = NameIndex::build(
            names
                .iter()
                .enumerate()
                .map(|(i, n)| (UnitIx::from_raw(i as u32), n.as_str())),
        );
        for (i, n) in names.iter().enumerate() {
            assert_eq!(t.get(n), Some(UnitIx::from_raw(i as u32)), "{n}");
        }
        for missing in ["", "u1000", "u", "党委宣传部第0个很长的单位名", "U1"] {
            assert_eq!(t.get(missing), None, "{missing}");
        }
        // A name given twice keeps its first id.
        let twice = NameIndex::build(
            [(UnitIx::from_raw(7), "甲"), (UnitIx::from_raw(8), "甲")].into_iter(),
        );
        assert_eq!(twice.get("甲"), Some(UnitIx::from_raw(7)));
        // Grown one name at a time, from empty, through many resizes: a
        // name is added once, and its id and bytes survive every resize.
        let mut grown = NameIndex::default();
        for (i, n) in names.iter().enumerate() {
            assert_eq!(grown.insert(UnitIx::from_raw(i as u32), n), None, "{n}");
            assert_eq!(
                grown.insert(UnitIx::from_raw(9999), n),
                Some(UnitIx::from_raw(i as u32))
            );
        }
        for (i, n) in names.iter().enumerate() {
            assert_eq!(grown.get(n), Some(UnitIx::from_raw(i as u32)), "{n}");
        }
        assert_eq!(grown.get("u1000"), None);
        let empty: NameIndex<UnitIx> = NameIndex::build(std::iter::empty());
        assert_eq!(empty.get("u1"), None);
        assert_eq!(NameIndex::<UnitIx>::default().get("u1"), None);
    }
}
