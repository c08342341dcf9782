//! The states one worker owns: their words in an arena, an open-addressing
//! index over them, the parent link of each (its parent's position in the
//! previous level), and per level the owned states' global positions.

/// The visited states owned by one worker.
#[derive(Debug, Default)]
pub struct OwnedStates {
    words: Vec<u32>,
    /// End of each state's words in `words`.
    ends: Vec<u64>,
    /// Per state, its parent's global position in the previous level.
    parents: Vec<u32>,
    /// Per state, the low half of its hash (to skip most comparisons).
    tags: Vec<u32>,
    /// Open addressing: 0 empty, else the state's index + 1.
    table: Vec<u32>,
    /// Per level, (global position, index) of the owned states, by position.
    levels: Vec<Vec<(u32, u32)>>,
}

/// What an insertion did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// A new state, at this index.
    New(u32),
    /// A state already stored, at this index.
    Known(u32),
}

impl OwnedStates {
    /// Number of states stored.
    pub fn len(&self) -> usize {
        self.parents.len()
    }

    /// Whether no state is stored.
    pub fn is_empty(&self) -> bool {
        self.parents.is_empty()
    }

    /// The words of the state at `index`.
    pub fn state(&self, index: u32) -> &[u32] {
        let i = index as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.words[start..self.ends[i] as usize]
    }

    /// The parent position of the state at `index`.
    pub fn parent(&self, index: u32) -> u32 {
        self.parents[index as usize]
    }

    /// Sets the parent position of the state at `index`.
    pub fn set_parent(&mut self, index: u32, parent: u32) {
        self.parents[index as usize] = parent;
    }

    /// Whether `state` (with hash `hash`) is stored.
    pub fn contains(&self, state: &[u32], hash: u64) -> bool {
        !self.table.is_empty() && self.probe(state, hash).is_ok()
    }

    /// Where `state` (with hash `hash`) is: `Ok` its index if stored, else
    /// `Err` the empty slot of the table that would take it. The table must
    /// not be empty.
    fn probe(&self, state: &[u32], hash: u64) -> Result<u32, usize> {
        let tag = hash as u32;
        let mask = self.table.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            match self.table[slot] {
                0 => return Err(slot),
                entry => {
                    let index = entry - 1;
                    if self.tags[index as usize] == tag && self.state(index) == state {
                        return Ok(index);
                    }
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Inserts `state` (with hash `hash`) unless stored, with parent `parent`.
    pub fn insert(&mut self, state: &[u32], hash: u64, parent: u32) -> Inserted {
        if (self.len() + 1) * 4 > self.table.len() * 3 {
            self.grow();
        }
        let slot = match self.probe(state, hash) {
            Ok(index) => return Inserted::Known(index),
            Err(slot) => slot,
        };
        let index = self.len() as u32;
        self.words.extend_from_slice(state);
        self.ends.push(self.words.len() as u64);
        self.parents.push(parent);
        self.tags.push(hash as u32);
        self.table[slot] = index + 1;
        Inserted::New(index)
    }

    fn grow(&mut self) {
        let size = (self.table.len() * 2).max(1024);
        let mut table = vec![0u32; size];
        let mask = size - 1;
        for index in 0..self.len() {
            let hash = crate::owner::state_hash(self.state(index as u32));
            let mut slot = hash as usize & mask;
            while table[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            table[slot] = index as u32 + 1;
        }
        self.table = table;
    }

    /// Records the owned states of the next level: (global position, index), by position.
    pub fn push_level(&mut self, states: Vec<(u32, u32)>) {
        self.levels.push(states);
    }

    /// The index of the state at global `position` of `level`, if owned here.
    pub fn at(&self, level: usize, position: u32) -> Option<u32> {
        let states = self.levels.get(level)?;
        let k = states.binary_search_by_key(&position, |&(p, _)| p).ok()?;
        Some(states[k].1)
    }

    /// Bytes held.
    pub fn bytes(&self) -> u64 {
        (self.words.capacity() * 4
            + self.ends.capacity() * 8
            + self.parents.capacity() * 4
            + self.tags.capacity() * 4
            + self.table.capacity() * 4
            + self.levels.iter().map(|l| l.capacity() * 8).sum::<usize>()) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owner::state_hash;

    #[test]
    fn insert_find_and_levels() {
        let mut store = OwnedStates::default();
        assert!(!store.contains(&[1], state_hash(&[1])));
        for i in 0..5000u32 {
            let state = vec![i; 1 + (i % 3) as usize];
            let hash = state_hash(&state);
            assert_eq!(store.insert(&state, hash, i), Inserted::New(i));
            assert_eq!(store.insert(&state, hash, 0), Inserted::Known(i));
        }
        assert_eq!(store.len(), 5000);
        assert!(store.contains(&[4999, 4999], state_hash(&[4999, 4999])));
        assert!(!store.contains(&[4999], state_hash(&[4999])));
        assert_eq!(store.state(4999), &[4999, 4999]);
        assert_eq!(store.parent(17), 17);
        store.push_level(vec![(3, 10), (9, 11)]);
        assert_eq!(store.at(0, 9), Some(11));
        assert_eq!(store.at(0, 4), None);
        assert_eq!(store.at(1, 3), None);
    }
}
