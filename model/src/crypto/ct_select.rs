//! Constant-time table look-ups over plain limbs.
//!
//! The precomputed tables of [`super::fixed_base`] and [`super::gt`] store
//! field elements as the 64-bit limbs `blst` keeps them in (Montgomery form),
//! so that a look-up is one pass over the whole table with a mask per entry:
//! every entry is read, in the same order, whatever the secret index, and the
//! only data-dependent value is the mask, computed with `subtle`'s
//! constant-time comparison (which the compiler cannot turn into a branch).
//! The masked OR over whole entries compiles to vector instructions, about
//! ten times faster than selecting field element by field element.

use blst::{blst_fp, blst_fp2, blst_fp6, blst_fp12};
use blstrs::{Fp, Fp2, Fp12};
use subtle::{ConditionallySelectable, ConstantTimeEq};

/// Limbs of an Fp element.
pub(crate) const FP: usize = 6;
/// Limbs of an Fp12 element.
pub(crate) const FP12: usize = 72;

/// The entry of `table` at `index`, or all-zero limbs when `index` is out of
/// range; reads every entry. `table` is one of the crate's precomputed
/// tables, never empty.
pub(crate) fn select<L>(table: &[L], index: u64) -> L
where
    L: Copy + AsRef<[u64]> + AsMut<[u64]>,
{
    let mut chosen = table[0];
    chosen.as_mut().fill(0);
    for (j, entry) in table.iter().enumerate() {
        let hit = (j as u64).ct_eq(&index);
        let mask = u64::conditional_select(&0, &u64::MAX, hit);
        for (out, limb) in chosen.as_mut().iter_mut().zip(entry.as_ref()) {
            *out |= limb & mask;
        }
    }
    chosen
}

/// The limbs of `value`.
pub(crate) fn fp_limbs(value: Fp) -> [u64; FP] {
    blst_fp::from(value).l
}

/// The Fp element with these limbs (as produced by [`fp_limbs`]).
pub(crate) fn fp_from_limbs(limbs: &[u64]) -> Fp {
    let mut l = [0u64; FP];
    l.copy_from_slice(&limbs[..FP]);
    Fp::from_raw_unchecked(l)
}

/// The limbs of `value`: c0 then c1.
pub(crate) fn fp2_limbs(value: Fp2) -> [u64; 2 * FP] {
    let mut out = [0u64; 2 * FP];
    out[..FP].copy_from_slice(&fp_limbs(value.c0()));
    out[FP..].copy_from_slice(&fp_limbs(value.c1()));
    out
}

/// The Fp2 element with these limbs (as produced by [`fp2_limbs`]).
pub(crate) fn fp2_from_limbs(limbs: &[u64]) -> Fp2 {
    Fp2::new(fp_from_limbs(&limbs[..FP]), fp_from_limbs(&limbs[FP..]))
}

/// The limbs of `value`, in `blst`'s coefficient order.
pub(crate) fn fp12_limbs(value: Fp12) -> [u64; FP12] {
    let raw = blst_fp12::from(value);
    let mut out = [0u64; FP12];
    let fps = raw
        .fp6
        .iter()
        .flat_map(|fp6| fp6.fp2.iter())
        .flat_map(|fp2| fp2.fp.iter());
    for (chunk, fp) in out.chunks_exact_mut(FP).zip(fps) {
        chunk.copy_from_slice(&fp.l);
    }
    out
}

/// The Fp12 element with these limbs (as produced by [`fp12_limbs`]).
pub(crate) fn fp12_from_limbs(limbs: &[u64; FP12]) -> Fp12 {
    let fp = |i: usize| {
        let mut l = [0u64; FP];
        l.copy_from_slice(&limbs[FP * i..FP * (i + 1)]);
        blst_fp { l }
    };
    let fp2 = |i: usize| blst_fp2 {
        fp: [fp(2 * i), fp(2 * i + 1)],
    };
    let fp6 = |i: usize| blst_fp6 {
        fp2: [fp2(3 * i), fp2(3 * i + 1), fp2(3 * i + 2)],
    };
    Fp12::from(blst_fp12 {
        fp6: [fp6(0), fp6(1)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use blstrs::{Gt, Scalar};
    use group::Group;

    #[test]
    fn limbs_round_trip() {
        let value = Fp12::from(Gt::generator() * Scalar::from(5u64));
        assert_eq!(fp12_from_limbs(&fp12_limbs(value)), value);
        let fp2 = value.c0().c1();
        assert_eq!(fp2_from_limbs(&fp2_limbs(fp2)), fp2);
    }

    #[test]
    fn select_picks_the_indexed_entry_or_zero() {
        let table: Vec<[u64; 3]> = (0..20u64).map(|j| [j, j * 7 + 1, !j]).collect();
        for j in 0..20u64 {
            assert_eq!(select(&table, j), table[j as usize]);
        }
        assert_eq!(select(&table, 20), [0; 3]);
        assert_eq!(select(&table, u64::MAX), [0; 3]);
    }
}
