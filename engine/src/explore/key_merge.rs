//! Merging the shards' lists of a level into one list in discovery-key order.
//!
//! Each shard of the visited set receives a level's successors chunk by
//! chunk, in chunk order, so what it notes per successor (its new states,
//! its recorded edges) is already in key order. A k-way merge of those lists
//! gives the level's order without copying every entry with its 8-byte key
//! into one list and sorting it: the output holds the values alone.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The values of `lists`, each a list of (key, value) pairs, in the order
/// of their keys (keys are distinct across lists). A list not in key order
/// is sorted first (a list already in order is only scanned); each list is
/// freed once merged.
pub fn merged_by_key<T: Copy>(mut lists: Vec<Vec<(u64, T)>>) -> Vec<T> {
    for list in &mut lists {
        if !list.is_sorted_by_key(|&(key, _)| key) {
            list.sort_unstable_by_key(|&(key, _)| key);
        }
    }
    let total = lists.iter().map(Vec::len).sum();
    let mut merged = Vec::with_capacity(total);
    // (next key, list, position in the list) of every list not yet merged.
    let mut heads: BinaryHeap<Reverse<(u64, usize, usize)>> = (lists.iter().enumerate())
        .filter_map(|(l, list)| list.first().map(|&(key, _)| Reverse((key, l, 0))))
        .collect();
    while let Some(Reverse((_, l, at))) = heads.pop() {
        let list = &mut lists[l];
        merged.push(list[at].1);
        match list.get(at + 1) {
            Some(&(key, _)) => heads.push(Reverse((key, l, at + 1))),
            None => *list = Vec::new(),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The merge gives what one sorted list of every pair gives.
        #[test]
        fn merging_equals_sorting_everything(
            keys in proptest::collection::btree_set(any::<u64>(), 0..300),
            lists in 1usize..8,
            seed in any::<u64>(),
            shuffled in any::<bool>(),
        ) {
            let mut split: Vec<Vec<(u64, u64)>> = vec![Vec::new(); lists];
            for (i, &key) in keys.iter().enumerate() {
                let l = (key ^ seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) as usize % lists;
                split[l].push((key, i as u64));
            }
            if shuffled {
                for list in &mut split {
                    list.reverse();
                }
            }
            let mut all: Vec<(u64, u64)> = split.iter().flatten().copied().collect();
            all.sort_unstable();
            let expected: Vec<u64> = all.into_iter().map(|(_, v)| v).collect();
            prop_assert_eq!(merged_by_key(split), expected);
        }
    }

    #[test]
    fn no_lists_or_empty_lists_merge_to_nothing() {
        assert!(merged_by_key::<u32>(Vec::new()).is_empty());
        assert!(merged_by_key::<u32>(vec![Vec::new(), Vec::new()]).is_empty());
    }
}
