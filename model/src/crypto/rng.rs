//! Randomness from the operating system.

use blstrs::Scalar;
use group::ff::Field;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::error::{Error, Result};

/// Fill `buf` from the OS random generator.
pub(crate) fn fill(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| Error::Randomness(e.to_string()))
}

/// A uniformly random non-zero scalar (an element of Zq*).
///
/// Rejection sampling: 255 random bits are accepted when they encode a
/// canonical non-zero scalar (about 9 draws in 10). A rejection reveals
/// nothing about the accepted value.
pub(crate) fn nonzero_scalar() -> Result<Scalar> {
    let mut bytes = [0u8; 32];
    loop {
        fill(&mut bytes)?;
        bytes[31] &= 0x7f;
        let candidate = Scalar::from_bytes_le(&bytes);
        bytes.zeroize();
        if let Some(s) = Option::<Scalar>::from(candidate)
            && !bool::from(s.ct_eq(&Scalar::ZERO))
        {
            return Ok(s);
        }
    }
}
