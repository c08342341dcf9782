//! Fixed-width states stored inline in an open-addressing table.
//!
//! A slot holds a state's words followed by its index (its insertion rank), so
//! a lookup costs one cache miss: the probe reads the key it compares. Through
//! table growth states keep their index: `order[index]` is the slot that holds
//! the state, rewritten when the table grows.

use super::{Insert, MAX_LOCAL, StateId, hash_state, same_state};

/// The index field of an empty slot (indices stay below it, see `MAX_LOCAL`).
const EMPTY: u32 = u32::MAX - 1;

/// A shard of fixed-width states stored in the slots of its table.
#[derive(Debug)]
pub struct InlineShard {
    width: usize,
    /// `slots.len() / (width + 1)` slots of `width` state words and an index.
    slots: Vec<u32>,
    /// The parent link of each state, by index.
    parents: Vec<StateId>,
    /// The slot of each state, by index.
    order: Vec<u32>,
}

impl InlineShard {
    /// An empty shard for states of `width` words.
    pub fn new(width: usize) -> Self {
        InlineShard {
            width,
            slots: empty_slots(64, width),
            parents: Vec::new(),
            order: Vec::new(),
        }
    }

    fn stride(&self) -> usize {
        self.width + 1
    }

    fn capacity(&self) -> usize {
        self.slots.len() / self.stride()
    }

    /// Number of states stored.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// The state at `local`.
    pub fn state(&self, local: usize) -> &[u32] {
        let start = self.order[local] as usize * self.stride();
        &self.slots[start..start + self.width]
    }

    /// The parent link of the state at `local`.
    pub fn parent(&self, local: usize) -> StateId {
        self.parents[local]
    }

    /// Bytes held by this shard.
    pub fn bytes(&self) -> usize {
        (self.slots.capacity() + self.parents.capacity() + self.order.capacity()) * 4
    }

    /// The slot holding `state` and its index, or the empty slot where it belongs.
    #[inline]
    fn probe(&self, state: &[u32], hash: u64) -> (usize, Option<usize>) {
        let stride = self.stride();
        let mask = self.capacity() - 1;
        let mut pos = hash as usize & mask;
        loop {
            let start = pos * stride;
            let slot = &self.slots[start..start + stride];
            if slot[self.width] == EMPTY {
                return (pos, None);
            }
            if same_state(&slot[..self.width], state) {
                return (pos, Some(slot[self.width] as usize));
            }
            pos = (pos + 1) & mask;
        }
    }

    /// The index of `state` (whose hash is `hash`), if stored.
    pub fn find(&self, state: &[u32], hash: u64) -> Option<usize> {
        self.probe(state, hash).1
    }

    /// Loads the home slots of `hashes` without acting on them: independent
    /// loads that the processor overlaps, so that the insertions that follow
    /// find them in the cache (a safe stand-in for prefetch instructions).
    /// Returns a value to pass to [`std::hint::black_box`] so that the loads stay.
    pub fn warm(&self, hashes: &[u64]) -> u64 {
        let stride = self.stride();
        let mask = self.capacity() - 1;
        hashes.iter().fold(0u64, |sum, &hash| {
            sum.wrapping_add(u64::from(
                self.slots[(hash as usize & mask) * stride + self.width],
            ))
        })
    }

    /// Inserts `state` with its hash and parent unless already stored.
    #[inline]
    pub fn insert(&mut self, state: &[u32], hash: u64, parent: StateId) -> Insert {
        let (pos, found) = self.probe(state, hash);
        if found.is_some() {
            return Insert::Known;
        }
        let local = self.len();
        if local > MAX_LOCAL {
            return Insert::Full;
        }
        let start = pos * self.stride();
        self.slots[start..start + self.width].copy_from_slice(state);
        self.slots[start + self.width] = local as u32;
        self.parents.push(parent);
        self.order.push(pos as u32);
        if (self.len() + 1) * 4 > self.capacity() * 3 {
            self.grow();
        }
        Insert::New
    }

    fn grow(&mut self) {
        let stride = self.stride();
        let capacity = self.capacity() * 2;
        let mask = capacity - 1;
        let mut slots = empty_slots(capacity, self.width);
        for pos in self.order.iter_mut() {
            let old = *pos as usize * stride;
            let entry = &self.slots[old..old + stride];
            let mut new = hash_state(&entry[..self.width]) as usize & mask;
            while slots[new * stride + self.width] != EMPTY {
                new = (new + 1) & mask;
            }
            slots[new * stride..(new + 1) * stride].copy_from_slice(entry);
            *pos = new as u32;
        }
        self.slots = slots;
    }
}

fn empty_slots(capacity: usize, width: usize) -> Vec<u32> {
    let mut slots = vec![0u32; capacity * (width + 1)];
    for pos in 0..capacity {
        slots[pos * (width + 1) + width] = EMPTY;
    }
    slots
}
