//! Scalars for the tests of the constant-time routines.

use blstrs::Scalar;
use group::ff::Field;

/// A scalar from four 64-bit limbs, reduced modulo the group order.
pub(super) fn scalar(limbs: [u64; 4]) -> Scalar {
    let two_64 = Scalar::from(1u64 << 32).square();
    limbs
        .iter()
        .rev()
        .fold(Scalar::ZERO, |acc, &limb| acc * two_64 + Scalar::from(limb))
}
