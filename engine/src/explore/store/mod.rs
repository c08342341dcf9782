//! The visited set: hash-partitioned shards, each an arena of states with an
//! open-addressing index and a parent link per state.
//!
//! A state's id packs its shard and its index in the shard: `index * SHARDS + shard`.
//! Each shard is written by one task at a time, so no locks are needed.

mod arena;
mod inline;
mod paged;
#[allow(unsafe_code)]
mod prefetch;

pub use arena::ArenaShard;
pub use inline::InlineShard;
pub use prefetch::{advise_huge_pages, release_free_memory};

use super::StateLayout;

/// Number of shards (sub-tables) of the visited set.
pub const SHARDS: usize = 64;
const SHARD_BITS: u32 = SHARDS.trailing_zeros();
/// The largest index a shard can give while ids still fit in a `u32` below [`NO_PARENT`].
pub(crate) const MAX_LOCAL: usize = (1 << (32 - SHARD_BITS)) - 2;
/// The parent link of the initial state.
pub const NO_PARENT: u32 = u32::MAX;

/// A state's id in the visited set: its index in its shard times the number
/// of shards (64) plus its shard.
pub type StateId = u32;

/// The shard and index packed in `id`.
pub fn split_id(id: StateId) -> (usize, usize) {
    (id as usize % SHARDS, id as usize / SHARDS)
}

fn make_id(shard: usize, local: usize) -> StateId {
    // Callers keep `local <= MAX_LOCAL`, so this fits below NO_PARENT.
    (local * SHARDS + shard) as StateId
}

/// Whether two encoded states are equal: a branch-free word loop, faster than
/// `memcmp` on the few words a state has.
#[inline]
pub fn same_state(a: &[u32], b: &[u32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Appends `state` to `words` word by word (a `memcpy` call costs more for a few words).
#[inline]
pub fn append_words(words: &mut Vec<u32>, state: &[u32]) {
    words.reserve(state.len());
    for &word in state {
        words.push(word);
    }
}

/// A 64-bit hash of an encoded state (multiply-xor over word pairs, then a
/// final avalanche so that every bit depends on every word).
pub fn hash_state(words: &[u32]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (words.len() as u64).wrapping_mul(K);
    let mut pairs = words.chunks_exact(2);
    for pair in &mut pairs {
        let v = u64::from(pair[0]) | (u64::from(pair[1]) << 32);
        h = (h ^ v).wrapping_mul(K).rotate_left(29);
    }
    if let [last] = pairs.remainder() {
        h = (h ^ u64::from(*last)).wrapping_mul(K).rotate_left(29);
    }
    // murmur3's fmix64
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The shard of a hash: bits from the middle, independent of the low bits that
/// pick a slot and of the high bits kept as a fingerprint.
pub fn shard_of(hash: u64) -> usize {
    (hash >> 26) as usize & (SHARDS - 1)
}

/// What an insertion did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insert {
    /// The state was new and got an index.
    New,
    /// The state was already stored, at this index of the shard where the
    /// shard finds it on the way (an arena shard; an inline one knows only
    /// the slot).
    Known(Option<usize>),
    /// The shard has no index left for a new state.
    Full,
}

/// The widest fixed-width states stored inline in their table's slots: a
/// wider state goes to an arena, where an empty slot costs 8 bytes instead of
/// the state's width (place/transition markings pack into a few words; a
/// coloured marking takes a word per place).
const INLINE_WIDTH: usize = 16;

/// One shard of the visited set: inline keys for narrow fixed-width states,
/// an arena for wide and variable-width ones. Indices count insertions from 0.
#[derive(Debug)]
pub enum Shard {
    /// Fixed-width states stored in the table's slots.
    Inline(InlineShard),
    /// Variable-width states stored in an arena, indexed by the table.
    Arena(ArenaShard),
}

impl Shard {
    /// An empty shard for states of `layout`.
    pub fn new(layout: StateLayout) -> Self {
        match layout {
            StateLayout::Fixed(width) if width <= INLINE_WIDTH => {
                Shard::Inline(InlineShard::new(width))
            }
            StateLayout::Fixed(_) | StateLayout::Variable => Shard::Arena(ArenaShard::new(layout)),
        }
    }

    /// Number of states stored.
    pub fn len(&self) -> usize {
        match self {
            Shard::Inline(s) => s.len(),
            Shard::Arena(s) => s.len(),
        }
    }

    /// The state at `local`.
    pub fn state(&self, local: usize) -> &[u32] {
        match self {
            Shard::Inline(s) => s.state(local),
            Shard::Arena(s) => s.state(local),
        }
    }

    /// The parent link of the state at `local`.
    pub fn parent(&self, local: usize) -> StateId {
        match self {
            Shard::Inline(s) => s.parent(local),
            Shard::Arena(s) => s.parent(local),
        }
    }

    /// Bytes held by this shard.
    pub fn bytes(&self) -> usize {
        match self {
            Shard::Inline(s) => s.bytes(),
            Shard::Arena(s) => s.bytes(),
        }
    }

    /// The index of `state` (whose hash is `hash`), if stored.
    pub fn find(&self, state: &[u32], hash: u64) -> Option<usize> {
        match self {
            Shard::Inline(s) => s.find(state, hash),
            Shard::Arena(s) => s.find(state, hash),
        }
    }

    /// Whether `state` (whose hash is `hash`) is stored.
    pub fn contains(&self, state: &[u32], hash: u64) -> bool {
        match self {
            Shard::Inline(s) => s.contains(state, hash),
            Shard::Arena(s) => s.find(state, hash).is_some(),
        }
    }

    /// Loads the table slots `hashes` lead to (see [`InlineShard::warm`]).
    pub fn warm(&self, hashes: &[u64]) -> u64 {
        match self {
            Shard::Inline(s) => s.warm(hashes),
            Shard::Arena(s) => s.warm(hashes),
        }
    }

    /// Inserts `state` with its hash and parent unless already stored.
    #[inline]
    pub fn insert(&mut self, state: &[u32], hash: u64, parent: StateId) -> Insert {
        match self {
            Shard::Inline(s) => s.insert(state, hash, parent),
            Shard::Arena(s) => s.insert(state, hash, parent),
        }
    }
}

/// The visited set: [`SHARDS`] shards.
#[derive(Debug)]
pub struct Store {
    /// The shards, indexed by [`shard_of`] of a state's hash.
    pub shards: Vec<Shard>,
}

impl Store {
    /// An empty store.
    pub fn new(layout: StateLayout) -> Self {
        Store {
            shards: (0..SHARDS).map(|_| Shard::new(layout)).collect(),
        }
    }

    /// An empty store whose shards are all arenas, even for narrow states:
    /// an arena finds a stored state's index by its hash, where a shard of
    /// inline states scans its table.
    pub fn with_arenas(layout: StateLayout) -> Self {
        Store {
            shards: (0..SHARDS)
                .map(|_| Shard::Arena(ArenaShard::new(layout)))
                .collect(),
        }
    }

    /// The id of the state at `local` in `shard`.
    pub fn id(shard: usize, local: usize) -> StateId {
        make_id(shard, local)
    }

    /// The state with id `id`.
    pub fn state(&self, id: StateId) -> &[u32] {
        let (shard, local) = split_id(id);
        self.shards[shard].state(local)
    }

    /// The parent of `id`, or `None` for the initial state.
    pub fn parent(&self, id: StateId) -> Option<StateId> {
        let (shard, local) = split_id(id);
        Some(self.shards[shard].parent(local)).filter(|&p| p != NO_PARENT)
    }

    /// The id of `state`, if stored.
    pub fn find(&self, state: &[u32]) -> Option<StateId> {
        let hash = hash_state(state);
        let shard = shard_of(hash);
        self.shards[shard]
            .find(state, hash)
            .map(|local| make_id(shard, local))
    }

    /// Number of states stored.
    pub fn len(&self) -> usize {
        self.shards.iter().map(Shard::len).sum()
    }

    /// Number of states stored in each shard.
    pub fn shard_lens(&self) -> Vec<u32> {
        // A shard holds at most MAX_LOCAL + 1 states, which fits a u32.
        self.shards.iter().map(|s| s.len() as u32).collect()
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.shards.iter().map(Shard::bytes).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_then_find_across_growth() {
        for layout in [
            StateLayout::Variable,
            StateLayout::Fixed(3),
            StateLayout::Fixed(INLINE_WIDTH + 1),
        ] {
            insert_then_find(layout);
        }
    }

    fn insert_then_find(layout: StateLayout) {
        let mut store = Store::new(layout);
        let make = |i: u32| -> Vec<u32> {
            match layout {
                StateLayout::Fixed(w) => (0..w as u32).map(|k| i * 7 + k).collect(),
                StateLayout::Variable => (0..=(i % 5)).map(|k| i * 7 + k).collect(),
            }
        };
        for i in 0..5000u32 {
            let state = make(i);
            let hash = hash_state(&state);
            let shard = shard_of(hash);
            assert_eq!(store.shards[shard].insert(&state, hash, i), Insert::New);
            // An arena shard names the index it found; an inline one cannot.
            let local = store.shards[shard].len() - 1;
            let expected = match store.shards[shard] {
                Shard::Arena(_) => Some(local),
                Shard::Inline(_) => None,
            };
            assert_eq!(
                store.shards[shard].insert(&state, hash, 0),
                Insert::Known(expected)
            );
        }
        assert_eq!(store.len(), 5000);
        for i in 0..5000u32 {
            let state = make(i);
            let id = store.find(&state).expect("stored");
            assert_eq!(store.state(id), &state[..]);
            assert_eq!(store.parent(id), Some(i).filter(|&p| p != NO_PARENT));
        }
        assert_eq!(store.find(&[1, 2, 4]), None);
    }

    #[test]
    fn ids_roundtrip() {
        let id = Store::id(5, 1234);
        assert_eq!(split_id(id), (5, 1234));
        assert!(Store::id(SHARDS - 1, MAX_LOCAL) < NO_PARENT);
    }
}
