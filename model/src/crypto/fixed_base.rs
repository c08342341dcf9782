//! Fixed-base scalar multiplication of the generators g1 and g2.
//!
//! Signed windows ("Booth" digits) of [`WINDOW`] bits over precomputed
//! tables: the scalar is rewritten as x = sum_i d_i 2^(6 i) with digits d_i
//! in [-32, 32], and window i's table holds m 2^(6 i) g for m = 1..=32, so
//! that x g is the sum of one table entry, negated or not, per window: 43
//! additions instead of the 64 of unsigned 4-bit windows, and no doubling.
//!
//! Constant time in x, by construction:
//! - the digits come from the scalar's bits by the same shifts, masks and
//!   carries whatever their values (no branch, no table indexed by a digit);
//! - a look-up reads every entry of the window's table and keeps one with a
//!   mask ([`ct_select::select`]); digit 0 keeps none, which is the
//!   all-zero encoding `blst` uses for the point at infinity;
//! - a negative digit negates y with the library's field negation and a
//!   constant-time selection, always computed;
//! - the sum uses the library's mixed addition (`blst`'s add-or-double),
//!   which handles the identity and the doubling case without branching.
//!
//! The tables (132 KB for G1, 264 KB for G2) are built once per process from
//! the library's own group operations and normalised with its batch
//! inversion; they hold public multiples of the public generators.
//!
//! Wiped on return: the digits, the selected limbs, the selected and negated
//! entry of every window, the running (projective) partial sum and the
//! projective result, all of which depend on the secret x.

use std::ops::AddAssign;
use std::sync::OnceLock;

use blstrs::{Fp, Fp2, G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use group::{Curve, Group};
use subtle::{Choice, ConditionallySelectable};
use zeroize::Zeroizing;

use super::ct_select::{self, FP};
use super::wipe::{Point, secret};

/// Bits per signed window.
const WINDOW: usize = 6;
/// Largest digit magnitude, and entries per window table.
const HALF: usize = 1 << (WINDOW - 1);
/// Windows covering a scalar below 2^255, with room for the last carry.
const WINDOWS: usize = 256usize.div_ceil(WINDOW);

/// The signed digits of `x`: magnitudes in 0..=HALF and signs (1 when
/// negative), least significant first, such that
/// x = sum_i (-1)^sign_i magnitude_i 2^(WINDOW i).
struct Digits {
    magnitudes: Zeroizing<[u64; WINDOWS]>,
    signs: Zeroizing<[u64; WINDOWS]>,
}

fn digits(x: &Scalar) -> Digits {
    let bytes = Zeroizing::new(x.to_bytes_le());
    // Five limbs: a window may straddle the end of the fourth.
    let mut limbs = Zeroizing::new([0u64; 5]);
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(word);
    }
    let mut out = Digits {
        magnitudes: Zeroizing::new([0; WINDOWS]),
        signs: Zeroizing::new([0; WINDOWS]),
    };
    let mut carry = 0u64;
    for i in 0..WINDOWS {
        let bit = i * WINDOW;
        let pair =
            Zeroizing::new(u128::from(limbs[bit / 64]) | (u128::from(limbs[bit / 64 + 1]) << 64));
        // v in 0..=2^WINDOW; above HALF it becomes v - 2^WINDOW, carrying 1.
        let v = ((*pair >> (bit % 64)) as u64 & ((1 << WINDOW) - 1)) + carry;
        carry = (HALF as u64).wrapping_sub(v) >> 63;
        let negated = (1u64 << WINDOW) - v;
        out.magnitudes[i] = v ^ ((v ^ negated) & carry.wrapping_neg());
        out.signs[i] = carry;
    }
    // A scalar is below 2^255: the top window is at most 2^3, so nothing is
    // carried out of it.
    debug_assert_eq!(carry, 0);
    out
}

/// An affine point stored as the limbs of its coordinates.
trait TablePoint: Copy {
    /// The limbs of x then y.
    type Limbs: Copy + Default + AsRef<[u64]> + AsMut<[u64]> + zeroize::Zeroize;
    fn to_limbs(&self) -> Self::Limbs;
    fn from_limbs(limbs: &Self::Limbs) -> Self;
    /// -self when `negate` is set, else self; constant time.
    fn conditional_negate(&self, negate: Choice) -> Self;
}

impl TablePoint for G1Affine {
    type Limbs = [u64; 2 * FP];

    fn to_limbs(&self) -> Self::Limbs {
        let mut out = [0u64; 2 * FP];
        out[..FP].copy_from_slice(&ct_select::fp_limbs(self.x()));
        out[FP..].copy_from_slice(&ct_select::fp_limbs(self.y()));
        out
    }

    fn from_limbs(limbs: &Self::Limbs) -> Self {
        let x = ct_select::fp_from_limbs(&limbs[..FP]);
        let y = ct_select::fp_from_limbs(&limbs[FP..]);
        G1Affine::from_raw_unchecked(x, y, false)
    }

    fn conditional_negate(&self, negate: Choice) -> Self {
        let y = Fp::conditional_select(&self.y(), &-self.y(), negate);
        G1Affine::from_raw_unchecked(self.x(), y, false)
    }
}

impl TablePoint for G2Affine {
    type Limbs = [u64; 4 * FP];

    fn to_limbs(&self) -> Self::Limbs {
        let mut out = [0u64; 4 * FP];
        out[..2 * FP].copy_from_slice(&ct_select::fp2_limbs(self.x()));
        out[2 * FP..].copy_from_slice(&ct_select::fp2_limbs(self.y()));
        out
    }

    fn from_limbs(limbs: &Self::Limbs) -> Self {
        let x = ct_select::fp2_from_limbs(&limbs[..2 * FP]);
        let y = ct_select::fp2_from_limbs(&limbs[2 * FP..]);
        G2Affine::from_raw_unchecked(x, y, false)
    }

    fn conditional_negate(&self, negate: Choice) -> Self {
        let y = Fp2::conditional_select(&self.y(), &-self.y(), negate);
        G2Affine::from_raw_unchecked(self.x(), y, false)
    }
}

/// Window i's table: m 2^(WINDOW i) g at index m - 1, for m = 1..=HALF.
type Tables<A> = Vec<[<A as TablePoint>::Limbs; HALF]>;

/// Build the tables for generator `g`.
fn tables<G>(g: G) -> Tables<G::AffineRepr>
where
    G: Curve + Group,
    G::AffineRepr: TablePoint + Default,
{
    let mut projective = Vec::with_capacity(WINDOWS * HALF);
    let mut base = g;
    for _ in 0..WINDOWS {
        let mut multiple = base;
        for _ in 0..HALF {
            projective.push(multiple);
            multiple += base;
        }
        // The last entry is HALF base; the next window's base is twice that.
        base = projective[projective.len() - 1].double();
    }
    let mut affine = vec![G::AffineRepr::default(); projective.len()];
    G::batch_normalize(&projective, &mut affine);
    affine
        .chunks_exact(HALF)
        .map(|chunk| {
            let mut table = [<G::AffineRepr as TablePoint>::Limbs::default(); HALF];
            for (slot, point) in table.iter_mut().zip(chunk) {
                *slot = point.to_limbs();
            }
            table
        })
        .collect()
}

/// x g from the tables of g; constant time in x.
fn multiply<G>(tables: &Tables<G::AffineRepr>, x: &Scalar) -> G::AffineRepr
where
    G: Curve + Group + for<'a> AddAssign<&'a G::AffineRepr>,
    G::AffineRepr: TablePoint + Default,
{
    let digits = digits(x);
    let mut acc = secret(Point(G::identity()));
    for ((table, &magnitude), &sign) in tables
        .iter()
        .zip(digits.magnitudes.iter())
        .zip(digits.signs.iter())
    {
        // Index magnitude - 1; magnitude 0 wraps to an index no entry has,
        // which selects all-zero limbs: the point at infinity.
        let limbs = Zeroizing::new(ct_select::select(table, magnitude.wrapping_sub(1)));
        let entry = secret(G::AffineRepr::from_limbs(&limbs));
        let signed = secret(entry.conditional_negate(Choice::from(sign as u8)));
        acc.0 += &**signed;
    }
    acc.0.to_affine()
}

fn g1_tables() -> &'static Tables<G1Affine> {
    static TABLES: OnceLock<Tables<G1Affine>> = OnceLock::new();
    TABLES.get_or_init(|| tables(G1Projective::generator()))
}

fn g2_tables() -> &'static Tables<G2Affine> {
    static TABLES: OnceLock<Tables<G2Affine>> = OnceLock::new();
    TABLES.get_or_init(|| tables(G2Projective::generator()))
}

/// x * g1, constant time in x.
pub(crate) fn g1_mul(x: &Scalar) -> G1Affine {
    multiply::<G1Projective>(g1_tables(), x)
}

/// x * g2, constant time in x.
pub(crate) fn g2_mul(x: &Scalar) -> G2Affine {
    multiply::<G2Projective>(g2_tables(), x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::test_scalars::scalar;
    use group::ff::Field;
    use group::prime::PrimeCurveAffine;
    use proptest::prelude::*;

    fn agrees_with_the_library(s: Scalar) {
        assert_eq!(g1_mul(&s), (G1Affine::generator() * s).to_affine());
        assert_eq!(g2_mul(&s), (G2Affine::generator() * s).to_affine());
    }

    #[test]
    fn digits_rebuild_the_scalar() {
        let edge = [
            Scalar::ZERO,
            Scalar::ONE,
            -Scalar::ONE,
            Scalar::from(HALF as u64),
            Scalar::from(HALF as u64 + 1),
            scalar([u64::MAX; 4]),
            scalar([0x8208_2082_0820_8208; 4]),
        ];
        let two_w = Scalar::from(1u64 << WINDOW);
        for s in edge {
            let d = digits(&s);
            let mut rebuilt = Scalar::ZERO;
            for i in (0..WINDOWS).rev() {
                assert!(d.magnitudes[i] <= HALF as u64 && d.signs[i] <= 1);
                let digit = Scalar::from(d.magnitudes[i]);
                rebuilt = rebuilt * two_w + if d.signs[i] == 1 { -digit } else { digit };
            }
            assert_eq!(rebuilt, s);
        }
    }

    #[test]
    fn tables_agree_with_the_library_on_edge_scalars() {
        for s in [
            Scalar::ZERO,
            Scalar::ONE,
            Scalar::from(15u64),
            Scalar::from(HALF as u64),
            Scalar::from(HALF as u64 + 1),
            Scalar::from((1u64 << WINDOW) - 1),
            -Scalar::ONE,
            -Scalar::from(HALF as u64 + 1),
            // Every window HALF + 1 (100001 in binary): a carry out of each.
            scalar([0x8618_6186_1861_8618 | 0x2082_0820_8208_2082; 4]),
            scalar([0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210, 7, 1 << 62]),
        ] {
            agrees_with_the_library(s);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn tables_agree_with_the_library(limbs in any::<[u64; 4]>()) {
            agrees_with_the_library(scalar(limbs));
        }
    }
}
