//! Multisets of token values and markings (one multiset per place).

use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

use foldhash::quality::FixedState;

use crate::net::value::Value;

/// A finite multiset of values, kept in canonical (sorted) order.
///
/// Its distinct values and their counts are one shared, sorted slice: clones
/// share it until one of them changes (copy on write), so copying a marking
/// to fire a transition copies only the places it changes, and a multiset of
/// `n` distinct values takes one allocation of `n` entries (the interning
/// tables keep millions of small ones). Look-ups are binary searches; a
/// change copies the slice, which the copy on write would do anyway.
///
/// It carries a hash of its contents, the wrapping sum of a hash of each
/// (value, count) pair, kept up to date by [`Multiset::add`] and
/// [`Multiset::remove`]: hashing a multiset (to intern a place's tokens) costs
/// one word instead of a walk over every token, and unequal multisets rarely
/// need their contents compared.
#[derive(Clone, Default)]
pub struct Multiset {
    /// The distinct values, in order, each with its count (never 0).
    entries: Arc<[(Value, u32)]>,
    hash: u64,
}

/// The hash of a value, hashed once per change of its count.
fn value_hash(value: &Value) -> u64 {
    FixedState::with_seed(0x6d75_6c74).hash_one(value)
}

/// The hash of one (value, count) pair of a multiset, from the value's hash.
fn entry_hash(value_hash: u64, count: u32) -> u64 {
    FixedState::with_seed(0x636f_756e).hash_one((value_hash, count))
}

impl fmt::Debug for Multiset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(v, c)| (v, c)))
            .finish()
    }
}

impl PartialEq for Multiset {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.entries == other.entries
    }
}

impl Eq for Multiset {}

impl PartialOrd for Multiset {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Multiset {
    /// The contents' order: the (value, count) pairs compared in turn, a
    /// prefix before the longer multiset (the hash plays no part).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.entries.cmp(&other.entries)
    }
}

impl Hash for Multiset {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl Multiset {
    /// The empty multiset.
    pub fn new() -> Self {
        Self::default()
    }

    /// The multiset of the `(value, copies)` pairs, in any order (a value may
    /// come more than once); `None` if a count would overflow. Built in one
    /// pass over the sorted pairs rather than by one look-up and one insertion
    /// per pair.
    pub fn from_counts(pairs: impl IntoIterator<Item = (Value, u32)>) -> Option<Multiset> {
        let mut pairs: Vec<(Value, u32)> = pairs.into_iter().filter(|&(_, n)| n > 0).collect();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut merged: Vec<(Value, u32)> = Vec::with_capacity(pairs.len());
        for (value, n) in pairs {
            match merged.last_mut() {
                Some((last, count)) if *last == value => *count = count.checked_add(n)?,
                _ => merged.push((value, n)),
            }
        }
        let hash = merged.iter().fold(0u64, |hash, (value, count)| {
            hash.wrapping_add(entry_hash(value_hash(value), *count))
        });
        Some(Multiset {
            entries: merged.into(),
            hash,
        })
    }

    /// How many copies of `value` it holds.
    pub fn count(&self, value: &Value) -> u32 {
        count_in(&self.entries, value)
    }

    /// The number of elements, copies included.
    pub fn total(&self) -> u64 {
        self.entries.iter().map(|&(_, c)| u64::from(c)).sum()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds `n` copies of `value`; `None` if a count would overflow.
    pub fn add(&mut self, value: Value, n: u32) -> Option<()> {
        if n == 0 {
            return Some(());
        }
        let mut edit = self.edit();
        edit.add(value, n)?;
        *self = edit.finish();
        Some(())
    }

    /// Removes `n` copies of `value`; `None` (and no change) if it holds fewer.
    pub fn remove(&mut self, value: &Value, n: u32) -> Option<()> {
        let mut edit = self.edit();
        edit.remove(value, n)?;
        *self = edit.finish();
        Some(())
    }

    /// A copy of its entries to change (several changes, one copy).
    pub fn edit(&self) -> MultisetEdit {
        MultisetEdit {
            entries: self.entries.to_vec(),
            hash: self.hash,
        }
    }

    /// Distinct values with their counts, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&Value, u32)> {
        self.entries.iter().map(|(v, c)| (v, *c))
    }

    /// Distinct values from `start` on, in order (for prefix look-ups).
    pub fn iter_from<'a>(&'a self, start: &Value) -> impl Iterator<Item = (&'a Value, u32)> + 'a {
        let first = self.entries.partition_point(|(v, _)| v < start);
        self.entries[first..].iter().map(|(v, c)| (v, *c))
    }

    /// Whether `self` and `other` share their contents (one is an unchanged
    /// clone of the other): a constant-time sufficient test of equality.
    pub fn shares(&self, other: &Multiset) -> bool {
        Arc::ptr_eq(&self.entries, &other.entries)
    }

    /// Whether every element of `other` is in `self` at least as often.
    pub fn contains_all(&self, other: &Multiset) -> bool {
        other.iter().all(|(v, c)| self.count(v) >= c)
    }
}

/// A multiset being changed: its entries copied once, then changed in place
/// ([`Multiset::edit`], [`MultisetEdit::finish`]).
pub struct MultisetEdit {
    entries: Vec<(Value, u32)>,
    hash: u64,
}

/// Where `value` is among the sorted `entries`, or where it would go.
fn position_in(entries: &[(Value, u32)], value: &Value) -> Result<usize, usize> {
    entries.binary_search_by(|(v, _)| v.cmp(value))
}

/// The count of `value` among the sorted `entries` (0 if absent).
fn count_in(entries: &[(Value, u32)], value: &Value) -> u32 {
    position_in(entries, value).map_or(0, |i| entries[i].1)
}

impl MultisetEdit {
    /// How many copies of `value` it holds.
    pub fn count(&self, value: &Value) -> u32 {
        count_in(&self.entries, value)
    }

    /// Adds `n` copies of `value`; `None` (and no change) if a count would
    /// overflow.
    pub fn add(&mut self, value: Value, n: u32) -> Option<()> {
        if n == 0 {
            return Some(());
        }
        let hash = value_hash(&value);
        match position_in(&self.entries, &value) {
            Ok(i) => {
                let old = self.entries[i].1;
                let new = old.checked_add(n)?;
                self.hash = self
                    .hash
                    .wrapping_sub(entry_hash(hash, old))
                    .wrapping_add(entry_hash(hash, new));
                self.entries[i].1 = new;
            }
            Err(i) => {
                self.hash = self.hash.wrapping_add(entry_hash(hash, n));
                self.entries.insert(i, (value, n));
            }
        }
        Some(())
    }

    /// Removes `n` copies of `value`; `None` (and no change) if it holds
    /// fewer.
    pub fn remove(&mut self, value: &Value, n: u32) -> Option<()> {
        let i = position_in(&self.entries, value).ok()?;
        let c = self.entries[i].1;
        if c < n {
            return None;
        }
        let hash = value_hash(value);
        self.hash = self.hash.wrapping_sub(entry_hash(hash, c));
        if c == n {
            self.entries.remove(i);
        } else {
            self.hash = self.hash.wrapping_add(entry_hash(hash, c - n));
            self.entries[i].1 = c - n;
        }
        Some(())
    }

    /// The multiset changed.
    pub fn finish(self) -> Multiset {
        Multiset {
            entries: self.entries.into(),
            hash: self.hash,
        }
    }
}

impl fmt::Display for Multiset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        for (i, (v, c)) in self.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            if c == 1 {
                write!(f, "{v}")?;
            } else {
                write!(f, "{c}'{v}")?;
            }
        }
        write!(f, "}}")
    }
}

/// A marking: the multiset of tokens of each place, indexed by place number.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Marking {
    /// One multiset per place, in the net's place order.
    pub places: Vec<Multiset>,
}

impl Marking {
    /// The total number of tokens.
    pub fn total(&self) -> u64 {
        self.places.iter().map(Multiset::total).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn add_remove_count() {
        let mut m = Multiset::new();
        m.add(Value::Int(1), 2).expect("no overflow");
        m.add(Value::Int(0), 1).expect("no overflow");
        assert_eq!(m.count(&Value::Int(1)), 2);
        assert_eq!(m.total(), 3);
        assert_eq!(m.to_string(), "{0, 2'1}");
        assert!(m.remove(&Value::Int(1), 3).is_none());
        assert_eq!(
            m.count(&Value::Int(1)),
            2,
            "a failed removal changes nothing"
        );
        m.remove(&Value::Int(1), 2).expect("present");
        assert_eq!(m.to_string(), "{0}");
        assert!(m.add(Value::Int(5), u32::MAX).is_some());
        assert!(m.add(Value::Int(5), 1).is_none(), "overflow is reported");
        let pairs = [(Value::Int(5), u32::MAX), (Value::Int(5), 1)];
        assert!(
            Multiset::from_counts(pairs).is_none(),
            "overflow is reported"
        );
    }

    proptest! {
        /// The carried hash depends on the contents only: any order of
        /// additions, and removals back to the same contents, give it.
        #[test]
        fn the_hash_follows_the_contents(
            items in proptest::collection::vec((0i64..6, 1u32..4), 0..10),
            extra in proptest::collection::vec((0i64..6, 1u32..4), 0..6),
        ) {
            let build = |list: &[(i64, u32)]| {
                let mut m = Multiset::new();
                for (v, c) in list { m.add(Value::Int(*v), *c).expect("small"); }
                m
            };
            let forward = build(&items);
            let mut reversed_items = items.clone();
            reversed_items.reverse();
            let mut other = build(&reversed_items);
            for (v, c) in &extra { other.add(Value::Int(*v), *c).expect("small"); }
            for (v, c) in &extra { other.remove(&Value::Int(*v), *c).expect("was added"); }
            let hasher = FixedState::with_seed(1);
            prop_assert_eq!(&forward, &other);
            prop_assert_eq!(hasher.hash_one(&forward), hasher.hash_one(&other));
            prop_assert_eq!(forward.cmp(&other), std::cmp::Ordering::Equal);
            if !extra.is_empty() {
                let bigger = build(&[items.clone(), extra.clone()].concat());
                prop_assert_ne!(&forward, &bigger);
            }
        }

        /// Built at once from pairs in any order, with repeats and zero
        /// counts, a multiset equals (contents and carried hash) the one
        /// built by adding the pairs one by one.
        #[test]
        fn from_counts_is_adding_each_pair(
            pairs in proptest::collection::vec((0i64..6, 0u32..4), 0..12),
        ) {
            let mut added = Multiset::new();
            for (v, c) in &pairs { added.add(Value::Int(*v), *c).expect("small"); }
            let built = Multiset::from_counts(pairs.iter().map(|&(v, c)| (Value::Int(v), c)))
                .expect("small");
            let hasher = FixedState::with_seed(1);
            prop_assert_eq!(hasher.hash_one(&built), hasher.hash_one(&added));
            prop_assert_eq!(built.to_string(), added.to_string());
            prop_assert_eq!(built, added);
        }

        /// Several changes made on one copy ([`Multiset::edit`]) give the
        /// multiset (contents, hash, order) that the changes made one at a
        /// time give, a failed one changing nothing; the original is left as
        /// it was.
        #[test]
        fn an_edit_is_its_changes_one_at_a_time(
            base in proptest::collection::vec((0i64..6, 1u32..4), 0..8),
            changes in proptest::collection::vec((any::<bool>(), 0i64..6, 1u32..4), 0..10),
        ) {
            let original = Multiset::from_counts(base.iter().map(|&(v, c)| (Value::Int(v), c)))
                .expect("small");
            let (mut edit, mut stepwise) = (original.edit(), original.clone());
            for &(add, v, n) in &changes {
                let (by_edit, by_step) = if add {
                    (edit.add(Value::Int(v), n), stepwise.add(Value::Int(v), n))
                } else {
                    (edit.remove(&Value::Int(v), n), stepwise.remove(&Value::Int(v), n))
                };
                prop_assert_eq!(by_edit, by_step);
            }
            let edited = edit.finish();
            let hasher = FixedState::with_seed(1);
            prop_assert_eq!(hasher.hash_one(&edited), hasher.hash_one(&stepwise));
            prop_assert_eq!(edited.cmp(&stepwise), std::cmp::Ordering::Equal);
            prop_assert_eq!(&edited, &stepwise);
            let rebuilt = Multiset::from_counts(base.iter().map(|&(v, c)| (Value::Int(v), c)))
                .expect("small");
            prop_assert_eq!(original, rebuilt);
        }

        /// Multisets are ordered by their (value, count) lists.
        #[test]
        fn the_order_is_that_of_the_value_count_lists(
            a in proptest::collection::vec((0i64..4, 1u32..3), 0..5),
            b in proptest::collection::vec((0i64..4, 1u32..3), 0..5),
        ) {
            let build = |pairs: &[(i64, u32)]| {
                Multiset::from_counts(pairs.iter().map(|&(v, c)| (Value::Int(v), c))).expect("small")
            };
            let (a, b) = (build(&a), build(&b));
            let list = |m: &Multiset| m.iter().map(|(v, c)| (v.clone(), c)).collect::<Vec<_>>();
            prop_assert_eq!(a.cmp(&b), list(&a).cmp(&list(&b)));
        }

        #[test]
        fn add_then_remove_is_identity(
            base in proptest::collection::vec((0i64..5, 1u32..4), 0..8),
            extra in proptest::collection::vec((0i64..5, 1u32..4), 0..8),
        ) {
            let mut m = Multiset::new();
            for (v, c) in &base { m.add(Value::Int(*v), *c).expect("small"); }
            let before = m.clone();
            for (v, c) in &extra { m.add(Value::Int(*v), *c).expect("small"); }
            prop_assert!(m.contains_all(&before));
            for (v, c) in &extra { m.remove(&Value::Int(*v), *c).expect("was added"); }
            prop_assert_eq!(m, before);
        }
    }
}
