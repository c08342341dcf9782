//! The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1,
//! over SHA-256: leaf hashes SHA-256(0x00 || leaf), interior nodes
//! SHA-256(0x01 || left || right), the split at the largest power of two
//! below the size; the empty tree hashes to SHA-256 of nothing. Proof
//! generation follows the RFC's recursive definitions, verification its
//! iterative algorithms (sections 2.1.3.2 and 2.1.4.2).

use sha2::{Digest, Sha256};

use super::hash::Hash;

/// The hash of a leaf: SHA-256(0x00 || bytes).
pub fn leaf_hash(bytes: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0u8]);
    hasher.update(bytes);
    Hash(hasher.finalize().into())
}

/// The hash of an interior node: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([1u8]);
    hasher.update(left.0);
    hasher.update(right.0);
    Hash(hasher.finalize().into())
}

/// The root of the empty tree: SHA-256 of the empty string.
pub fn empty_root() -> Hash {
    Hash::of(b"")
}

/// The largest power of two strictly below `n` (n >= 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// MTH(D\[n\]): the root over the leaf hashes `leaves`.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => empty_root(),
        [one] => *one,
        _ => {
            let k = split(leaves.len());
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// Roots of a growing tree in O(log n) per leaf: the roots of its perfect
/// subtrees, largest first (a compact range).
#[derive(Clone, Debug, Default)]
pub struct Accumulator {
    /// (size, root) of each perfect subtree, sizes decreasing powers of two.
    peaks: Vec<(u64, Hash)>,
    size: u64,
}

impl Accumulator {
    /// Add the next leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        let mut carry = (1u64, leaf);
        while let Some(&(size, peak)) = self.peaks.last() {
            if size != carry.0 {
                break;
            }
            self.peaks.pop();
            carry = (size * 2, node_hash(&peak, &carry.1));
        }
        self.peaks.push(carry);
        self.size += 1;
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root of the tree so far (the RFC's MTH).
    pub fn root(&self) -> Hash {
        let mut peaks = self.peaks.iter().rev();
        let Some(&(_, last)) = peaks.next() else {
            return empty_root();
        };
        peaks.fold(last, |acc, (_, peak)| node_hash(peak, &acc))
    }
}

/// Why a proof does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The index or sizes are out of range (index >= size, old > new).
    #[error("index or tree sizes out of range")]
    OutOfRange,
    /// The path has the wrong length for the index and sizes.
    #[error("proof path has the wrong length")]
    WrongLength,
    /// The recomputed root differs from the expected one.
    #[error("the proof does not lead to the expected root")]
    RootMismatch,
}

/// PATH(m, D\[n\]): the inclusion proof of leaf `index` in the tree of
/// `leaves`; `None` when `index` is out of range.
pub fn inclusion_proof(index: usize, leaves: &[Hash]) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let mut path = Vec::new();
    collect_path(index, leaves, &mut path);
    Some(path)
}

fn collect_path(m: usize, leaves: &[Hash], path: &mut Vec<Hash>) {
    if leaves.len() <= 1 {
        return;
    }
    let k = split(leaves.len());
    if m < k {
        collect_path(m, &leaves[..k], path);
        path.push(root(&leaves[k..]));
    } else {
        collect_path(m - k, &leaves[k..], path);
        path.push(root(&leaves[..k]));
    }
}

/// Check that `leaf` is leaf `index` of the tree of `size` leaves with root
/// `root` (RFC 9162, 2.1.3.2).
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    path: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::OutOfRange);
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in path {
        if s == 0 {
            return Err(ProofError::WrongLength);
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength);
    }
    if &r != root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// PROOF(m, D\[n\]): the consistency proof from the first `old_size` leaves
/// to all of `leaves`; empty when `old_size` is 0 or the whole tree; `None`
/// when `old_size` exceeds the tree.
pub fn consistency_proof(old_size: usize, leaves: &[Hash]) -> Option<Vec<Hash>> {
    if old_size > leaves.len() {
        return None;
    }
    let mut path = Vec::new();
    if old_size > 0 && old_size < leaves.len() {
        subproof(old_size, leaves, true, &mut path);
    }
    Some(path)
}

fn subproof(m: usize, leaves: &[Hash], complete: bool, path: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !complete {
            path.push(root(leaves));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof(m, &leaves[..k], complete, path);
        path.push(root(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, path);
        path.push(root(&leaves[..k]));
    }
}

/// Check that the tree of `old_size` leaves with root `old_root` is a
/// prefix of the tree of `new_size` leaves with root `new_root` (RFC 9162,
/// 2.1.4.2, extended to the trivial cases: from the empty tree, and between
/// equal sizes, with an empty path).
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    path: &[Hash],
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::OutOfRange);
    }
    if old_size == 0 || old_size == new_size {
        if !path.is_empty() {
            return Err(ProofError::WrongLength);
        }
        let old_ok = if old_size == 0 {
            *old_root == empty_root()
        } else {
            old_root == new_root
        };
        return if old_ok {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    let mut nodes: Vec<Hash> = Vec::with_capacity(path.len() + 1);
    if old_size.is_power_of_two() {
        nodes.push(*old_root);
    }
    nodes.extend_from_slice(path);
    let Some((first, rest)) = nodes.split_first() else {
        return Err(ProofError::WrongLength);
    };
    let (mut f, mut s) = (old_size - 1, new_size - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if s == 0 {
            return Err(ProofError::WrongLength);
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength);
    }
    if &fr != old_root || &sr != new_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The eight leaves of the reference test vectors of RFC 6962's
    /// implementations (certificate-transparency, `merkle_tree_test`).
    fn reference_leaves() -> Vec<Hash> {
        let data: [&[u8]; 8] = [
            b"",
            b"\x00",
            b"\x10",
            b"\x20\x21",
            b"\x30\x31",
            b"\x40\x41\x42\x43",
            b"\x50\x51\x52\x53\x54\x55\x56\x57",
            b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
        ];
        data.iter().map(|d| leaf_hash(d)).collect()
    }

    #[test]
    fn roots_match_the_reference_vectors() {
        let expected = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        let leaves = reference_leaves();
        let mut acc = Accumulator::default();
        for (n, hex) in expected.iter().enumerate() {
            acc.push(leaves[n]);
            assert_eq!(root(&leaves[..=n]).to_string(), *hex, "size {}", n + 1);
            assert_eq!(acc.root().to_string(), *hex, "accumulated size {}", n + 1);
        }
        assert_eq!(
            root(&[]).to_string(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn every_proof_verifies_and_every_altered_proof_fails() {
        let leaves: Vec<Hash> = (0u32..20).map(|i| leaf_hash(&i.to_le_bytes())).collect();
        for n in 1..=leaves.len() {
            let tree = &leaves[..n];
            let top = root(tree);
            for m in 0..n {
                let path = inclusion_proof(m, tree).unwrap();
                assert_eq!(
                    verify_inclusion(m as u64, n as u64, &tree[m], &path, &top),
                    Ok(())
                );
                let other = tree[(m + 1) % n];
                if other != tree[m] {
                    assert!(verify_inclusion(m as u64, n as u64, &other, &path, &top).is_err());
                }
                for i in 0..path.len() {
                    let mut bad = path.clone();
                    bad[i].0[0] ^= 1;
                    assert!(verify_inclusion(m as u64, n as u64, &tree[m], &bad, &top).is_err());
                }
                let mut longer = path.clone();
                longer.push(top);
                assert!(verify_inclusion(m as u64, n as u64, &tree[m], &longer, &top).is_err());
            }
            for old in 0..=n {
                let old_root = root(&tree[..old]);
                let path = consistency_proof(old, tree).unwrap();
                assert_eq!(
                    verify_consistency(old as u64, n as u64, &old_root, &top, &path),
                    Ok(()),
                    "{old} -> {n}"
                );
                for i in 0..path.len() {
                    let mut bad = path.clone();
                    bad[i].0[31] ^= 0x80;
                    assert!(
                        verify_consistency(old as u64, n as u64, &old_root, &top, &bad).is_err()
                    );
                }
                if old > 0 {
                    let mut wrong_old = old_root;
                    wrong_old.0[0] ^= 1;
                    assert!(
                        verify_consistency(old as u64, n as u64, &wrong_old, &top, &path).is_err()
                    );
                }
            }
        }
        assert_eq!(inclusion_proof(3, &leaves[..3]), None);
        assert_eq!(consistency_proof(4, &leaves[..3]), None);
        assert_eq!(
            verify_consistency(4, 3, &leaves[0], &leaves[0], &[]),
            Err(ProofError::OutOfRange)
        );
    }
}
