//! Interning of place markings: every distinct multiset a place ever holds is
//! stored once and named by a 32-bit id, so a marking is one id per place.
//!
//! This is the collapse compression of SPIN applied to coloured markings: a
//! multiset (the tokens of one place) is hash-consed in the table of its place,
//! and its tokens (values that share their parts through `Arc`s, terms carrying
//! their hash) are stored once whatever the number of markings that hold them.
//!
//! Ids are handed out in the order threads first meet each multiset, so they
//! may differ from run to run; nothing observable depends on them (see
//! [`super::ColouredSpace`]): two markings are the same exactly when their ids
//! are, in every run, because each table is a bijection.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use foldhash::quality::FixedState;

use crate::net::marking::Multiset;

/// A distinct multiset of one place, with its size for the token statistics.
#[derive(Debug, Clone)]
struct Entry {
    tokens: Multiset,
    total: u64,
}

/// The multisets of one place, each once.
#[derive(Debug, Default)]
struct PlaceTable {
    ids: HashMap<Multiset, u32, FixedState>,
    entries: Vec<Entry>,
}

/// One interning table per place.
#[derive(Debug)]
pub struct MarkingTables {
    places: Vec<RwLock<PlaceTable>>,
}

/// A place ran out of ids (more than 4 billion distinct multisets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableFull;

impl MarkingTables {
    /// Empty tables for `places` places.
    pub fn new(places: usize) -> Self {
        MarkingTables {
            places: (0..places)
                .map(|_| RwLock::new(PlaceTable::default()))
                .collect(),
        }
    }

    /// The id of `tokens` in the table of `place`, adding it if new.
    pub fn intern(&self, place: usize, tokens: &Multiset) -> Result<u32, TableFull> {
        let table = &self.places[place];
        if let Some(&id) = table
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .ids
            .get(tokens)
        {
            return Ok(id);
        }
        let mut table = table.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(&id) = table.ids.get(tokens) {
            return Ok(id);
        }
        // u32::MAX is never an id: memos use it for "not known yet".
        let id = u32::try_from(table.entries.len())
            .ok()
            .filter(|&id| id != u32::MAX)
            .ok_or(TableFull)?;
        table.entries.push(Entry {
            tokens: tokens.clone(),
            total: tokens.total(),
        });
        table.ids.insert(tokens.clone(), id);
        Ok(id)
    }

    /// The multiset with id `id` of `place` (a cheap shared copy), if any.
    pub fn get(&self, place: usize, id: u32) -> Option<Multiset> {
        self.entry(place, id, |e| e.tokens.clone())
    }

    /// How multisets `a` and `b` of `place` compare in the values' order,
    /// without copying them (an unknown id counts as the empty multiset).
    pub fn compare(&self, place: usize, a: u32, b: u32) -> std::cmp::Ordering {
        let Some(table) = self.places.get(place) else {
            return std::cmp::Ordering::Equal;
        };
        let table = table.read().unwrap_or_else(PoisonError::into_inner);
        let empty = Multiset::new();
        let tokens = |id: u32| table.entries.get(id as usize).map_or(&empty, |e| &e.tokens);
        tokens(a).cmp(tokens(b))
    }

    /// The number of tokens of the multiset `id` of `place`, if any.
    pub fn total(&self, place: usize, id: u32) -> Option<u64> {
        self.entry(place, id, |e| e.total)
    }

    fn entry<T>(&self, place: usize, id: u32, f: impl FnOnce(&Entry) -> T) -> Option<T> {
        let table = self
            .places
            .get(place)?
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        table.entries.get(id as usize).map(f)
    }

    /// Distinct multisets stored, over all places.
    pub fn len(&self) -> usize {
        self.places
            .iter()
            .map(|t| {
                t.read()
                    .unwrap_or_else(PoisonError::into_inner)
                    .entries
                    .len()
            })
            .sum()
    }

    /// Whether no multiset is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::value::Value;

    #[test]
    fn equal_multisets_get_one_id_and_read_back() {
        let tables = MarkingTables::new(2);
        let mut a = Multiset::new();
        a.add(Value::Int(1), 2).expect("small");
        let mut b = Multiset::new();
        b.add(Value::Int(1), 1).expect("small");
        b.add(Value::Int(1), 1).expect("small");
        let id = tables.intern(0, &a).expect("room");
        assert_eq!(tables.intern(0, &b), Ok(id), "equal contents, same id");
        assert_eq!(tables.intern(1, &a), Ok(0), "each place has its own ids");
        let other = tables.intern(0, &Multiset::new()).expect("room");
        assert_ne!(other, id);
        assert_eq!(tables.get(0, id).as_ref(), Some(&a));
        assert_eq!(tables.total(0, id), Some(2));
        assert_eq!(tables.get(0, 7), None);
        assert_eq!(tables.len(), 3);
        assert_eq!(tables.compare(0, other, id), Multiset::new().cmp(&a));
        assert_eq!(tables.compare(0, id, other), a.cmp(&Multiset::new()));
        assert_eq!(tables.compare(0, id, id), std::cmp::Ordering::Equal);
        assert_eq!(tables.compare(0, 7, other), std::cmp::Ordering::Equal);
    }
}
