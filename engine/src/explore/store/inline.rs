//! Fixed-width states stored inline in an open-addressing table.
//!
//! A slot is just a state's words, so a lookup costs one cache miss: the probe
//! reads the key it compares, and the table is as small as the states. An
//! occupancy bitmap (one bit a slot, small enough to stay cached) says which
//! slots are full, so a new state costs no miss at all. Through table growth
//! states keep their index (insertion rank): `order[index]` is the slot that
//! holds the state, rewritten when the table grows.

use super::paged::PagedVec;
use super::prefetch::prefetch;
use super::{Insert, MAX_LOCAL, StateId, hash_state, same_state};

/// A shard of fixed-width states stored in the slots of its table.
#[derive(Debug)]
pub struct InlineShard {
    width: usize,
    /// Number of slots (a power of two).
    capacity: usize,
    /// `capacity` slots of `width` words.
    slots: Vec<u32>,
    /// One bit per slot: full or empty.
    occupied: Vec<u64>,
    /// The parent link of each state, by index.
    parents: PagedVec,
    /// The slot of each state, by index.
    order: PagedVec,
}

impl InlineShard {
    /// An empty shard for states of `width` words.
    pub fn new(width: usize) -> Self {
        let capacity = 64;
        InlineShard {
            width,
            capacity,
            slots: vec![0; capacity * width],
            occupied: vec![0; capacity / 64],
            parents: PagedVec::new(),
            order: PagedVec::new(),
        }
    }

    /// Number of states stored.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    fn slot(&self, pos: usize) -> &[u32] {
        &self.slots[pos * self.width..(pos + 1) * self.width]
    }

    fn is_full(&self, pos: usize) -> bool {
        self.occupied[pos / 64] & (1 << (pos % 64)) != 0
    }

    /// The state at `local`.
    pub fn state(&self, local: usize) -> &[u32] {
        self.slot(self.order.get(local) as usize)
    }

    /// The parent link of the state at `local`.
    pub fn parent(&self, local: usize) -> StateId {
        self.parents.get(local)
    }

    /// Bytes held by this shard.
    pub fn bytes(&self) -> usize {
        self.slots.capacity() * 4
            + self.parents.bytes()
            + self.order.bytes()
            + self.occupied.capacity() * 8
    }

    /// The slot holding `state` (`true`), or the empty slot where it belongs.
    #[inline]
    fn probe(&self, state: &[u32], hash: u64) -> (usize, bool) {
        let mask = self.capacity - 1;
        let mut pos = hash as usize & mask;
        loop {
            if !self.is_full(pos) {
                return (pos, false);
            }
            if same_state(self.slot(pos), state) {
                return (pos, true);
            }
            pos = (pos + 1) & mask;
        }
    }

    /// Whether `state` (whose hash is `hash`) is stored.
    pub fn contains(&self, state: &[u32], hash: u64) -> bool {
        self.probe(state, hash).1
    }

    /// The index of `state` (whose hash is `hash`), if stored. Slow: a scan of
    /// the shard's index (slots do not hold indices); for graph export and tests.
    pub fn find(&self, state: &[u32], hash: u64) -> Option<usize> {
        match self.probe(state, hash) {
            (pos, true) => self.order.iter().position(|p| p as usize == pos),
            (_, false) => None,
        }
    }

    /// Prefetches the home slot and occupancy word of each hash, so that the
    /// insertions that follow find them in the cache: the misses of a batch
    /// overlap instead of coming one after the other. Returns 0 (the shard
    /// interface lets other shards return a value to keep plain loads alive).
    pub fn warm(&self, hashes: &[u64]) -> u64 {
        if self.width == 0 {
            return 0;
        }
        let mask = self.capacity - 1;
        for &hash in hashes {
            let pos = hash as usize & mask;
            prefetch(&self.slots[pos * self.width]);
            prefetch(&self.occupied[pos / 64]);
        }
        0
    }

    /// Inserts `state` with its hash and parent unless already stored.
    #[inline]
    pub fn insert(&mut self, state: &[u32], hash: u64, parent: StateId) -> Insert {
        let (pos, found) = self.probe(state, hash);
        if found {
            return Insert::Known(None);
        }
        if self.len() > MAX_LOCAL {
            return Insert::Full;
        }
        self.slots[pos * self.width..(pos + 1) * self.width].copy_from_slice(state);
        self.occupied[pos / 64] |= 1 << (pos % 64);
        self.parents.push(parent);
        self.order.push(pos as u32);
        if (self.len() + 1) * 4 > self.capacity * 3 {
            self.grow();
        }
        Insert::New
    }

    fn grow(&mut self) {
        let capacity = self.capacity * 2;
        let mask = capacity - 1;
        let mut slots = vec![0u32; capacity * self.width];
        let mut occupied = vec![0u64; capacity / 64];
        for pos in self.order.iter_mut() {
            let old = *pos as usize * self.width;
            let state = &self.slots[old..old + self.width];
            let mut new = hash_state(state) as usize & mask;
            while occupied[new / 64] & (1 << (new % 64)) != 0 {
                new = (new + 1) & mask;
            }
            slots[new * self.width..(new + 1) * self.width].copy_from_slice(state);
            occupied[new / 64] |= 1 << (new % 64);
            *pos = new as u32;
        }
        self.capacity = capacity;
        self.slots = slots;
        self.occupied = occupied;
    }
}
