//! Where each breadth-first level ends in the store's shards, kept as the
//! changes from one level to the next.
//!
//! A level's states are, in every shard, those stored after the previous
//! level's (the states themselves keep no list of their level). Writing out
//! every shard's length at every level would cost [`SHARDS`] words a level
//! whatever its width: on a net whose levels hold a state or two (a counter,
//! a ring) that is more than the states themselves. Only the shards a level
//! added to are noted, so a level costs what it changed.

use super::store::{SHARDS, StateId, Store};

/// The ends of the levels explored so far, level by level.
#[derive(Debug, Default)]
pub struct LevelEnds {
    /// Each shard's length at the end of the last level noted.
    last: Vec<u32>,
    /// Per level, the index in `shards` and `ends` of its first change.
    firsts: Vec<u32>,
    /// The shards that grew, level after level, each level's in shard order.
    shards: Vec<u8>,
    /// Their lengths at the end of that level.
    ends: Vec<u32>,
}

impl LevelEnds {
    /// Notes the end of a level: each shard's length, `lens`, after it.
    pub fn push(&mut self, lens: &[u32]) {
        debug_assert_eq!(lens.len(), SHARDS);
        self.last.resize(SHARDS, 0);
        self.firsts.push(self.shards.len() as u32);
        for (s, (&len, last)) in lens.iter().zip(&mut self.last).enumerate() {
            if len != *last {
                self.shards.push(s as u8);
                self.ends.push(len);
                *last = len;
            }
        }
    }

    /// Every state id noted, level by level and, within a level, shard by
    /// shard in insertion order.
    pub fn ids(&self) -> impl Iterator<Item = StateId> + '_ {
        let mut starts = [0u32; SHARDS];
        (0..self.firsts.len()).flat_map(move |level| {
            let changes = self.changes(level);
            let ranges: Vec<(usize, u32, u32)> = changes
                .map(|(s, end)| (s, std::mem::replace(&mut starts[s], end), end))
                .collect();
            ranges
                .into_iter()
                .flat_map(|(s, start, end)| (start..end).map(move |l| Store::id(s, l as usize)))
        })
    }

    /// The number of states of each level, in order.
    #[cfg(test)]
    pub fn sizes(&self) -> impl Iterator<Item = u64> + '_ {
        let mut starts = [0u32; SHARDS];
        (0..self.firsts.len()).map(move |level| {
            self.changes(level)
                .map(|(s, end)| u64::from(end - std::mem::replace(&mut starts[s], end)))
                .sum()
        })
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.last.capacity() * 4
            + self.firsts.capacity() * 4
            + self.shards.capacity()
            + self.ends.capacity() * 4
    }

    /// The shards that level `level` grew, with their lengths after it.
    fn changes(&self, level: usize) -> impl Iterator<Item = (usize, u32)> + '_ {
        let first = self.firsts[level] as usize;
        let last = self
            .firsts
            .get(level + 1)
            .map_or(self.shards.len(), |&f| f as usize);
        (first..last).map(|i| (usize::from(self.shards[i]), self.ends[i]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ids of the levels written out in full, as they used to be kept.
    fn ids_of_full_ends(levels: &[Vec<u32>]) -> Vec<StateId> {
        let mut starts = vec![0; SHARDS];
        let mut ids = Vec::new();
        for ends in levels {
            for s in 0..SHARDS {
                ids.extend((starts[s]..ends[s]).map(|l| Store::id(s, l as usize)));
            }
            starts.clone_from(ends);
        }
        ids
    }

    #[test]
    fn the_changes_give_every_levels_states_in_order() {
        // A level of one state, a wide one, an empty one, and another narrow one.
        let mut lens = vec![0u32; SHARDS];
        let mut levels = Vec::new();
        let mut ends = LevelEnds::default();
        for grown in [
            vec![5],
            (0..SHARDS).collect::<Vec<_>>(),
            vec![],
            vec![63, 0],
        ] {
            for &s in &grown {
                lens[s] += 1 + s as u32 % 3;
            }
            levels.push(lens.clone());
            ends.push(&lens);
        }
        assert_eq!(ends.ids().collect::<Vec<_>>(), ids_of_full_ends(&levels));
        let sizes: Vec<u64> = ends.sizes().collect();
        let total: u32 = (0..SHARDS as u32).map(|s| 1 + s % 3).sum();
        assert_eq!(sizes, vec![3, u64::from(total), 0, 1 + 1]);
        // The narrow levels cost a change each, not a word per shard.
        assert_eq!(ends.shards.len(), 1 + SHARDS + 2);
    }
}
