//! Fixed-base scalar multiplication of the generators g1 and g2.
//!
//! A comb over 4-bit digits: tables of j * 16^i * g for every window i and
//! digit j, computed once; a multiplication is then one mixed addition and
//! one constant-time scan of a 16-entry table per digit (about half the
//! cost of `blst`'s variable-base multiplication, which knows nothing of a
//! fixed base).

use std::sync::OnceLock;

use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use group::{Curve, Group};
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

/// Digits (windows) of a 256-bit scalar.
const WINDOWS: usize = 64;
/// Entries per window table.
const TABLE: usize = 16;

/// The scalar's 4-bit digits, least significant first.
fn digits(scalar: &Scalar) -> Zeroizing<[u8; WINDOWS]> {
    let mut bytes = scalar.to_bytes_le();
    let mut out = Zeroizing::new([0u8; WINDOWS]);
    for (i, byte) in bytes.iter().enumerate() {
        out[2 * i] = byte & 0x0f;
        out[2 * i + 1] = byte >> 4;
    }
    bytes.zeroize();
    out
}

/// `table[digit]`, reading every entry.
fn select<P: ConditionallySelectable>(table: &[P; TABLE], digit: u8) -> P {
    let mut chosen = table[0];
    for (j, entry) in table.iter().enumerate().skip(1) {
        chosen = P::conditional_select(&chosen, entry, (j as u8).ct_eq(&digit));
    }
    chosen
}

/// Build the comb tables for generator `g`: table i holds j * 16^i * g.
fn tables<G>(g: G) -> Box<[[G::AffineRepr; TABLE]; WINDOWS]>
where
    G: Curve + Group,
    G::AffineRepr: Copy + Default,
{
    let mut projective = Vec::with_capacity(WINDOWS * TABLE);
    let mut base = g;
    for _ in 0..WINDOWS {
        let mut multiple = G::identity();
        for _ in 0..TABLE {
            projective.push(multiple);
            multiple += base;
        }
        base = multiple;
    }
    let mut affine = vec![G::AffineRepr::default(); projective.len()];
    G::batch_normalize(&projective, &mut affine);
    let mut out = Box::new([[G::AffineRepr::default(); TABLE]; WINDOWS]);
    for (table, chunk) in out.iter_mut().zip(affine.chunks_exact(TABLE)) {
        table.copy_from_slice(chunk);
    }
    out
}

/// x * g1, constant time in x.
pub(crate) fn g1_mul(x: &Scalar) -> G1Affine {
    static TABLES: OnceLock<Box<[[G1Affine; TABLE]; WINDOWS]>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| tables(G1Projective::generator()));
    let mut acc = G1Projective::identity();
    for (table, &digit) in tables.iter().zip(digits(x).iter()) {
        acc += select(table, digit);
    }
    acc.to_affine()
}

/// x * g2, constant time in x.
pub(crate) fn g2_mul(x: &Scalar) -> G2Affine {
    static TABLES: OnceLock<Box<[[G2Affine; TABLE]; WINDOWS]>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| tables(G2Projective::generator()));
    let mut acc = G2Projective::identity();
    for (table, &digit) in tables.iter().zip(digits(x).iter()) {
        acc += select(table, digit);
    }
    acc.to_affine()
}

#[cfg(test)]
mod tests {
    use super::*;
    use group::prime::PrimeCurveAffine;

    #[test]
    fn combs_agree_with_the_library() {
        let mut scalars = vec![
            Scalar::from(0u64),
            Scalar::from(1u64),
            Scalar::from(15u64),
            -Scalar::from(1u64),
        ];
        scalars
            .push(Scalar::from(0x0123_4567_89ab_cdefu64) * Scalar::from(0xfedc_ba98_7654_3210u64));
        for s in scalars {
            assert_eq!(g1_mul(&s), (G1Affine::generator() * s).to_affine());
            assert_eq!(g2_mul(&s), (G2Affine::generator() * s).to_affine());
        }
    }
}
