//! Target-group (GT) helpers: constant-time exponentiation and encodings.

use blstrs::{Compress, Fp12, Gt, Scalar};
use group::Group;
use group::ff::Field;
use std::sync::OnceLock;

use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

/// Length of the canonical uncompressed encoding (twelve 48-byte Fp values).
pub const UNCOMPRESSED_LEN: usize = 576;
/// Length of the compressed (torus) encoding used on the wire.
pub const COMPRESSED_LEN: usize = 288;

/// Bits per window of the exponentiations below.
const WINDOW: usize = 4;
/// Entries per window table.
const TABLE: usize = 1 << WINDOW;
/// Windows in a 256-bit exponent.
const WINDOWS: usize = 256 / WINDOW;

/// The exponent's 4-bit digits, most significant first.
fn digits(exponent: &Scalar) -> Zeroizing<[u8; WINDOWS]> {
    let mut bytes = exponent.to_bytes_le();
    let mut out = Zeroizing::new([0u8; WINDOWS]);
    for (i, byte) in bytes.iter().rev().enumerate() {
        out[2 * i] = byte >> 4;
        out[2 * i + 1] = byte & 0x0f;
    }
    bytes.zeroize();
    out
}

/// `table[digit]`, reading every entry (no secret-dependent memory access).
fn select(table: &[Fp12; TABLE], digit: u8) -> Fp12 {
    let mut chosen = table[0];
    for (j, entry) in table.iter().enumerate().skip(1) {
        chosen = Fp12::conditional_select(&chosen, entry, (j as u8).ct_eq(&digit));
    }
    chosen
}

/// `base` raised to `exponent` (written `base * exponent` in additive notation).
///
/// Constant time in the exponent: a fixed 4-bit window, every window costing
/// four squarings, one multiplication and a full scan of the table with the
/// library's constant-time selection. (`blstrs` offers only a double-and-add
/// that branches on the bits, unfit for secrets.)
pub fn pow_ct(base: &Gt, exponent: &Scalar) -> Gt {
    let mut table = [Fp12::from(Gt::identity()); TABLE];
    let base = Fp12::from(*base);
    for j in 1..TABLE {
        table[j] = table[j - 1] * base;
    }
    let mut acc = Fp12::from(Gt::identity());
    for &digit in digits(exponent).iter() {
        for _ in 0..WINDOW {
            acc = acc.square();
        }
        acc *= select(&table, digit);
    }
    Gt::from(acc)
}

/// Z^(16^i * j) for every window i and digit j: fixed-base tables for Z.
fn generator_tables() -> &'static [[Fp12; TABLE]; WINDOWS] {
    static TABLES: OnceLock<Box<[[Fp12; TABLE]; WINDOWS]>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let one = Fp12::from(Gt::identity());
        let mut tables = Box::new([[one; TABLE]; WINDOWS]);
        let mut power = Fp12::from(Gt::generator());
        // Window 0 holds the least significant digit.
        for table in tables.iter_mut() {
            for j in 1..TABLE {
                table[j] = table[j - 1] * power;
            }
            power = table[TABLE - 1] * power;
        }
        tables
    })
}

/// Z = e(g1, g2) raised to `exponent`, with precomputed fixed-base tables:
/// one multiplication and one constant-time table scan per 4-bit digit.
pub fn generator_pow_ct(exponent: &Scalar) -> Gt {
    let tables = generator_tables();
    let mut acc = Fp12::from(Gt::identity());
    for (table, &digit) in tables.iter().rev().zip(digits(exponent).iter()) {
        acc *= select(table, digit);
    }
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
            assert_eq!(generator_pow_ct(&s), z * s);
        }
        let big = -Scalar::from(7u64);
        assert_eq!(pow_ct(&z, &big), z * big);
        assert_eq!(generator_pow_ct(&big), z * big);
        let other = z * Scalar::from(99u64);
        assert_eq!(pow_ct(&other, &big), other * big);
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
