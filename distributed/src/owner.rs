//! Which worker owns a state: a hash of its words, the same on every
//! process and machine (no per-process seed), reduced modulo the workers.

/// A 64-bit hash of an encoded state, identical on every machine: a
/// multiply-rotate over the words, then murmur3's final avalanche.
pub fn state_hash(words: &[u32]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (words.len() as u64).wrapping_mul(K);
    for &word in words {
        h = (h ^ u64::from(word)).wrapping_mul(K).rotate_left(27);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The worker (of `workers`) that owns the state with hash `hash`.
pub fn owner(hash: u64, workers: usize) -> usize {
    // The high half: the low half picks slots in the owner's table.
    ((hash >> 32) % workers.max(1) as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_spread_over_the_workers() {
        let mut counts = [0usize; 4];
        for i in 0..4000u32 {
            counts[owner(state_hash(&[i, 7]), 4)] += 1;
        }
        assert!(counts.iter().all(|&c| c > 800), "{counts:?}");
        assert_ne!(state_hash(&[1, 2]), state_hash(&[2, 1]));
        assert_ne!(state_hash(&[0]), state_hash(&[0, 0]));
    }
}
