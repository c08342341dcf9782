//! The one `blst` routine used without a `blstrs` wrapper: the squaring of
//! the cyclotomic subgroup of Fp12, where GT lives.
//!
//! `blstrs` squares GT elements with the generic Fp12 squaring; `blst` also
//! exports the Granger-Scott squaring, valid for elements of the cyclotomic
//! subgroup and about half the cost, which it uses in its own final
//! exponentiation. [`super::gt::pow_ct`] makes 60 squarings per secret
//! power, so it calls this one. This module is the crate's only `unsafe`
//! code: one foreign call, on plain data.

use blst::{blst_fp12, blst_fp12_cyclotomic_sqr};
use blstrs::Fp12;

/// `value` squared, for `value` in the cyclotomic subgroup of Fp12 (every
/// element of GT, their products, Frobenius images and conjugates); the
/// result is meaningless for other elements. Straight-line field arithmetic
/// in `blst`, so constant time.
pub(crate) fn cyclotomic_square(value: &Fp12) -> Fp12 {
    let input = blst_fp12::from(*value);
    let mut output = blst_fp12::default();
    // SAFETY: `output` and `input` are distinct, live, properly aligned
    // `blst_fp12` values (`repr(C)` plain data with no invalid bit
    // patterns); the function reads 576 bytes from `input` and writes 576
    // bytes to `output`, and keeps neither pointer.
    unsafe { blst_fp12_cyclotomic_sqr(&mut output, &input) };
    Fp12::from(output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::test_scalars::scalar;
    use blstrs::Gt;
    use group::Group;
    use group::ff::Field;
    use proptest::prelude::*;

    #[test]
    fn squares_the_identity_and_the_generator() {
        for value in [Gt::identity(), Gt::generator()] {
            let fp12 = Fp12::from(value);
            assert_eq!(cyclotomic_square(&fp12), fp12.square());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        #[test]
        fn agrees_with_the_generic_squaring_on_gt(limbs in any::<[u64; 4]>()) {
            let fp12 = Fp12::from(Gt::generator() * scalar(limbs));
            prop_assert_eq!(cyclotomic_square(&fp12), fp12.square());
            // Conjugates (inverses in GT) and Frobenius images stay in the subgroup.
            let mut image = fp12;
            image.frobenius_map(1);
            image.conjugate();
            prop_assert_eq!(cyclotomic_square(&image), image.square());
        }
    }
}
