//! Target-group (GT) helpers: constant-time exponentiation and encodings.

use blstrs::{Compress, Fp12, Gt, Scalar};
use group::Group;
use group::ff::Field;
use subtle::{Choice, ConditionallySelectable};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

/// Length of the canonical uncompressed encoding (twelve 48-byte Fp values).
pub const UNCOMPRESSED_LEN: usize = 576;
/// Length of the compressed (torus) encoding used on the wire.
pub const COMPRESSED_LEN: usize = 288;

/// `base` raised to `exponent` (written `base * exponent` in additive notation).
///
/// Constant time in the exponent: every bit costs one squaring, one
/// multiplication and one constant-time selection, whatever its value. `blstrs`
/// offers only a double-and-add that branches on the bits, unfit for secrets.
pub fn pow_ct(base: &Gt, exponent: &Scalar) -> Gt {
    let mut bytes = exponent.to_bytes_le();
    let mut acc = Fp12::from(Gt::identity());
    let base = Fp12::from(*base);
    for byte in bytes.iter().rev() {
        for shift in (0..8).rev() {
            acc = acc.square();
            let bit = Choice::from((byte >> shift) & 1);
            let sum = acc * base;
            acc = Fp12::conditional_select(&acc, &sum, bit);
        }
    }
    bytes.zeroize();
    Gt::from(acc)
}

/// The canonical uncompressed encoding of `value` (for key derivation).
///
/// Coefficients in a fixed order, each little-endian; no branch on the value.
pub fn to_kdf_bytes(value: &Gt) -> Zeroizing<[u8; UNCOMPRESSED_LEN]> {
    let fp12 = Fp12::from(*value);
    let mut out = Zeroizing::new([0u8; UNCOMPRESSED_LEN]);
    let coefficients = [fp12.c0(), fp12.c1()]
        .into_iter()
        .flat_map(|fp6| [fp6.c0(), fp6.c1(), fp6.c2()])
        .flat_map(|fp2| [fp2.c0(), fp2.c1()]);
    for (chunk, fp) in out.chunks_exact_mut(48).zip(coefficients) {
        chunk.copy_from_slice(&fp.to_bytes_le());
    }
    out
}

/// The compressed wire encoding of a non-identity GT element.
pub fn to_bytes(value: &Gt) -> Result<[u8; COMPRESSED_LEN]> {
    if bool::from(value.is_identity()) {
        return Err(Error::Decode {
            what: "GT element",
            reason: "the identity is not a valid R value".into(),
        });
    }
    let mut out = Vec::with_capacity(COMPRESSED_LEN);
    value
        .write_compressed(&mut out)
        .map_err(|e| Error::Decode {
            what: "GT element",
            reason: e.to_string(),
        })?;
    out.try_into().map_err(|_| Error::Decode {
        what: "GT element",
        reason: "unexpected compressed length".into(),
    })
}

/// Decode a compressed GT element, checking subgroup membership.
pub fn from_bytes(bytes: &[u8]) -> Result<Gt> {
    if bytes.len() != COMPRESSED_LEN {
        return Err(Error::Decode {
            what: "GT element",
            reason: format!("{} bytes, expected {COMPRESSED_LEN}", bytes.len()),
        });
    }
    let value = Gt::read_compressed(bytes).map_err(|e| Error::Decode {
        what: "GT element",
        reason: e.to_string(),
    })?;
    if bool::from(value.is_identity()) {
        return Err(Error::Decode {
            what: "GT element",
            reason: "the identity is not a valid R value".into(),
        });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pow_ct_agrees_with_the_library() {
        let z = Gt::generator();
        for k in [1u64, 2, 3, 255, 0xdead_beef_cafe] {
            let s = Scalar::from(k);
            assert_eq!(pow_ct(&z, &s), z * s);
        }
        let big = -Scalar::from(7u64);
        assert_eq!(pow_ct(&z, &big), z * big);
        assert_eq!(pow_ct(&z, &Scalar::from(0u64)), Gt::identity());
    }

    #[test]
    fn encodings_round_trip_and_reject_garbage() {
        let z = pow_ct(&Gt::generator(), &Scalar::from(12345u64));
        let bytes = to_bytes(&z).unwrap();
        assert_eq!(from_bytes(&bytes).unwrap(), z);
        assert!(from_bytes(&bytes[1..]).is_err());
        assert!(to_bytes(&Gt::identity()).is_err());
        let mut bad = bytes;
        bad[5] ^= 1;
        assert!(from_bytes(&bad).map(|v| v != z).unwrap_or(true));
        assert_ne!(*to_kdf_bytes(&z), *to_kdf_bytes(&Gt::generator()));
    }
}
