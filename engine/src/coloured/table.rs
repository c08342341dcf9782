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

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{PoisonError, RwLock};

use foldhash::quality::FixedState;

use crate::explore::hash_state;
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
    /// Which tables these are, among every instance of the process: the
    /// key that keeps one instance's ids out of another's entries in the
    /// per-thread [`ComparisonCache`].
    instance: u64,
}

/// Numbers the instances of [`MarkingTables`] (0 is never one).
static INSTANCES: AtomicU64 = AtomicU64::new(1);

/// Slots of each thread's `ComparisonCache`.
const COMPARISON_SLOTS: usize = 1 << 14;

/// The last comparisons of multisets one thread made, direct-mapped by
/// (tables, place, ids): the symmetry's canonical form compares the same
/// pairs of multisets in marking after marking, and a structural
/// comparison walks every token. Per thread, so a look-up writes nothing
/// another core reads; ids are never reused within one instance, so an
/// entry stays true for as long as its instance lives, and a later
/// instance never matches it.
struct ComparisonCache {
    /// (instance, place and smaller id, larger id, how the smaller id's
    /// multiset compares with the larger id's).
    slots: Vec<(u64, u64, u32, Ordering)>,
}

thread_local! {
    static COMPARISONS: RefCell<ComparisonCache> = RefCell::new(ComparisonCache {
        slots: vec![(0, 0, 0, Ordering::Equal); COMPARISON_SLOTS],
    });
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
            instance: INSTANCES.fetch_add(1, AtomicOrdering::Relaxed),
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
    /// Remembered per thread (`ComparisonCache`).
    pub fn compare(&self, place: usize, a: u32, b: u32) -> Ordering {
        if a == b {
            return Ordering::Equal;
        }
        let (low, high) = (a.min(b), a.max(b));
        let key = ((place as u64) << 32) | u64::from(low);
        let slot = hash_state(&[place as u32, low, high]) as usize % COMPARISON_SLOTS;
        let cached = COMPARISONS.with(|cache| {
            let (instance, k, h, order) = cache.borrow().slots[slot];
            (instance == self.instance && k == key && h == high).then_some(order)
        });
        let low_first = cached.unwrap_or_else(|| {
            let (order, both_known) = self.compare_tokens(place, low, high);
            // An unknown id may be handed out later: not remembered.
            if both_known {
                COMPARISONS.with(|cache| {
                    cache.borrow_mut().slots[slot] = (self.instance, key, high, order);
                });
            }
            order
        });
        if a == low {
            low_first
        } else {
            low_first.reverse()
        }
    }

    /// How multisets `a` and `b` of `place` compare, token by token, and
    /// whether both ids are known.
    fn compare_tokens(&self, place: usize, a: u32, b: u32) -> (Ordering, bool) {
        let Some(table) = self.places.get(place) else {
            return (Ordering::Equal, false);
        };
        let table = table.read().unwrap_or_else(PoisonError::into_inner);
        let (a, b) = (table.entries.get(a as usize), table.entries.get(b as usize));
        let empty = Multiset::new();
        let order = (a.map_or(&empty, |e| &e.tokens)).cmp(b.map_or(&empty, |e| &e.tokens));
        (order, a.is_some() && b.is_some())
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
        // An id compared before it is handed out is compared again after.
        assert_eq!(tables.compare(0, 2, other), std::cmp::Ordering::Equal);
        let later = tables.intern(0, &multiset(&[5])).expect("room");
        assert_eq!(later, 2);
        assert_eq!(
            tables.compare(0, 2, other),
            multiset(&[5]).cmp(&Multiset::new())
        );
        assert_eq!(tables.compare(0, 7, other), std::cmp::Ordering::Equal);
    }

    /// The multiset holding one token `Int(v)` for each `v` of `values`.
    fn multiset(values: &[i64]) -> Multiset {
        let mut m = Multiset::new();
        for &v in values {
            m.add(Value::Int(v), 1).expect("small");
        }
        m
    }

    #[test]
    fn remembered_comparisons_stay_with_their_tables_and_order() {
        // Two instances whose ids 0 and 1 hold multisets in opposite orders:
        // an answer remembered for one must not be given for the other.
        let (small, large) = (multiset(&[1]), multiset(&[2]));
        let first = MarkingTables::new(1);
        assert_eq!(first.intern(0, &small), Ok(0));
        assert_eq!(first.intern(0, &large), Ok(1));
        let second = MarkingTables::new(1);
        assert_eq!(second.intern(0, &large), Ok(0));
        assert_eq!(second.intern(0, &small), Ok(1));
        for _ in 0..2 {
            assert_eq!(first.compare(0, 0, 1), std::cmp::Ordering::Less);
            assert_eq!(first.compare(0, 1, 0), std::cmp::Ordering::Greater);
            assert_eq!(second.compare(0, 0, 1), std::cmp::Ordering::Greater);
            assert_eq!(second.compare(0, 1, 0), std::cmp::Ordering::Less);
        }
        // Many pairs (more than the cache holds, so entries are replaced):
        // every answer is the structural comparison.
        let tables = MarkingTables::new(3);
        let sets: Vec<Multiset> = (0..200)
            .map(|i| multiset(&[i % 7, (i * 13) % 11, i / 17]))
            .collect();
        let ids: Vec<Vec<u32>> = (0..3)
            .map(|place| {
                sets.iter()
                    .map(|m| tables.intern(place, m).expect("room"))
                    .collect()
            })
            .collect();
        for round in 0..2 {
            for (place, ids) in ids.iter().enumerate() {
                for (i, a) in sets.iter().enumerate() {
                    for (j, b) in sets.iter().enumerate().skip(round) {
                        let (x, y) = (ids[i], ids[j]);
                        assert_eq!(tables.compare(place, x, y), a.cmp(b), "{place} {i} {j}");
                    }
                }
            }
        }
    }
}
