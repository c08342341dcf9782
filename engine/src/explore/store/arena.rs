//! States in an arena plus an index of (fingerprint, index) slots: for
//! variable-width states, and for wide fixed-width ones, where a table of
//! whole states would waste a state's width on every empty slot.

use super::paged::{PagedRows, PagedVec};
use super::{Insert, MAX_LOCAL, StateId, StateLayout, append_words, hash_state, same_state};

/// A shard of states in an arena, their parents, and an index of
/// (fingerprint, index) slots over them.
#[derive(Debug)]
pub struct ArenaShard {
    words: Words,
    parents: PagedVec,
    /// Open addressing with linear probing: 0 is empty, otherwise
    /// `fingerprint << 32 | (index + 1)`.
    slots: Vec<u64>,
}

/// The arena's states.
#[derive(Debug)]
enum Words {
    /// Fixed-width states in pages (no copy as the arena grows).
    Rows(PagedRows),
    /// Variable-width states back to back, with their end offsets.
    Packed { words: Vec<u32>, ends: Vec<usize> },
}

impl ArenaShard {
    /// An empty shard.
    pub fn new(layout: StateLayout) -> Self {
        let words = match layout {
            StateLayout::Fixed(width) => Words::Rows(PagedRows::new(width)),
            StateLayout::Variable => Words::Packed {
                words: Vec::new(),
                ends: Vec::new(),
            },
        };
        ArenaShard {
            words,
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
        match &self.words {
            Words::Rows(rows) => rows.get(local),
            Words::Packed { words, ends } => {
                let start = if local == 0 { 0 } else { ends[local - 1] };
                &words[start..ends[local]]
            }
        }
    }

    /// The parent link of the state at `local`.
    pub fn parent(&self, local: usize) -> StateId {
        self.parents.get(local)
    }

    /// Bytes held by this shard.
    pub fn bytes(&self) -> usize {
        let words = match &self.words {
            Words::Rows(rows) => rows.bytes(),
            Words::Packed { words, ends } => words.capacity() * 4 + ends.capacity() * 8,
        };
        words + self.parents.bytes() + self.slots.capacity() * 8
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
        if let Words::Rows(rows) = &self.words {
            for &hash in hashes {
                let slot = self.slots[hash as usize & mask];
                if slot != 0 && slot >> 32 == hash >> 32 {
                    let local = (slot & 0xFFFF_FFFF) as usize - 1;
                    let first = rows.get(local).first().copied().unwrap_or(0);
                    sum = sum.wrapping_add(u64::from(first));
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
                return Insert::Known(Some(local));
            }
            pos = (pos + 1) & mask;
        }
        let local = self.len();
        if local > MAX_LOCAL {
            return Insert::Full;
        }
        match &mut self.words {
            Words::Rows(rows) => rows.push(state),
            Words::Packed { words, ends } => {
                append_words(words, state);
                ends.push(words.len());
            }
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
