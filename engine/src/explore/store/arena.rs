//! Variable-width states: an arena plus an index of (fingerprint, index) slots.

use super::paged::PagedVec;
use super::{Insert, MAX_LOCAL, StateId, StateLayout, append_words, hash_state, same_state};

/// A shard of states back to back in an arena, their parents, and an index of
/// (fingerprint, index) slots over them: for variable-width states.
#[derive(Debug)]
pub struct ArenaShard {
    layout: StateLayout,
    words: Vec<u32>,
    /// End offsets of the states (variable layout only).
    ends: Vec<usize>,
    parents: PagedVec,
    /// Open addressing with linear probing: 0 is empty, otherwise
    /// `fingerprint << 32 | (index + 1)`.
    slots: Vec<u64>,
}

impl ArenaShard {
    /// An empty shard.
    pub fn new(layout: StateLayout) -> Self {
        ArenaShard {
            layout,
            words: Vec::new(),
            ends: Vec::new(),
            parents: PagedVec::new(),
            slots: vec![0; 64],
        }
    }

    /// Number of states stored.
    pub fn len(&self) -> usize {
        self.parents.len()
    }

    /// The state at `local`.
    pub fn state(&self, local: usize) -> &[u32] {
        match self.layout {
            StateLayout::Fixed(width) => &self.words[local * width..(local + 1) * width],
            StateLayout::Variable => {
                let start = if local == 0 { 0 } else { self.ends[local - 1] };
                &self.words[start..self.ends[local]]
            }
        }
    }

    /// The parent link of the state at `local`.
    pub fn parent(&self, local: usize) -> StateId {
        self.parents.get(local)
    }

    /// Bytes held by this shard.
    pub fn bytes(&self) -> usize {
        self.words.capacity() * 4
            + self.ends.capacity() * 8
            + self.parents.bytes()
            + self.slots.capacity() * 8
    }

    /// The index of `state` (whose hash is `hash`), if stored.
    pub fn find(&self, state: &[u32], hash: u64) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let fingerprint = hash >> 32;
        let mut pos = hash as usize & mask;
        loop {
            let slot = self.slots[pos];
            if slot == 0 {
                return None;
            }
            let local = (slot & 0xFFFF_FFFF) as usize - 1;
            if slot >> 32 == fingerprint && same_state(self.state(local), state) {
                return Some(local);
            }
            pos = (pos + 1) & mask;
        }
    }

    /// Loads the slots of `hashes`, then the stored states their fingerprints
    /// point at, without acting on them: independent loads that the processor
    /// overlaps, so that the insertions that follow find them in the cache (a
    /// safe stand-in for prefetch instructions). Returns a value to pass to
    /// [`std::hint::black_box`] so that the loads are not optimised away.
    pub fn warm(&self, hashes: &[u64]) -> u64 {
        let mask = self.slots.len() - 1;
        let mut sum = 0u64;
        for &hash in hashes {
            sum = sum.wrapping_add(self.slots[hash as usize & mask]);
        }
        if let StateLayout::Fixed(width) = self.layout
            && width > 0
        {
            for &hash in hashes {
                let slot = self.slots[hash as usize & mask];
                if slot != 0 && slot >> 32 == hash >> 32 {
                    let local = (slot & 0xFFFF_FFFF) as usize - 1;
                    sum = sum.wrapping_add(u64::from(self.words[local * width]));
                }
            }
        }
        sum
    }

    /// Inserts `state` with its hash and parent unless already stored.
    pub fn insert(&mut self, state: &[u32], hash: u64, parent: StateId) -> Insert {
        let mask = self.slots.len() - 1;
        let fingerprint = hash >> 32;
        let mut pos = hash as usize & mask;
        loop {
            let slot = self.slots[pos];
            if slot == 0 {
                break;
            }
            let local = (slot & 0xFFFF_FFFF) as usize - 1;
            if slot >> 32 == fingerprint && same_state(self.state(local), state) {
                return Insert::Known;
            }
            pos = (pos + 1) & mask;
        }
        let local = self.len();
        if local > MAX_LOCAL {
            return Insert::Full;
        }
        append_words(&mut self.words, state);
        if self.layout == StateLayout::Variable {
            self.ends.push(self.words.len());
        }
        self.parents.push(parent);
        self.slots[pos] = (fingerprint << 32) | (local as u64 + 1);
        if (self.len() + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        Insert::New
    }

    fn grow(&mut self) {
        let capacity = self.slots.len() * 2;
        let mut slots = vec![0u64; capacity];
        let mask = capacity - 1;
        for local in 0..self.len() {
            let hash = hash_state(self.state(local));
            let mut pos = hash as usize & mask;
            while slots[pos] != 0 {
                pos = (pos + 1) & mask;
            }
            slots[pos] = ((hash >> 32) << 32) | (local as u64 + 1);
        }
        self.slots = slots;
    }
}
