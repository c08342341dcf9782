//! Target-group (GT) helpers: constant-time exponentiation and encodings.

use blstrs::{Compress, Fp12, Gt, Scalar};
use group::Group;
use std::sync::OnceLock;

use subtle::{Choice, ConditionallySelectable};
use zeroize::{Zeroize, Zeroizing};

use super::wipe::secret;
use super::{blst_ffi, ct_select};
use crate::error::{Error, Result};

/// Length of the canonical uncompressed encoding (twelve 48-byte Fp values).
pub const UNCOMPRESSED_LEN: usize = 576;
/// Length of the compressed (torus) encoding used on the wire.
pub const COMPRESSED_LEN: usize = 288;

/// Bits per window of the fixed-base exponentiation of Z.
const WINDOW: usize = 4;
/// Entries per window table.
const TABLE: usize = 1 << WINDOW;
/// Windows in a 256-bit exponent.
const WINDOWS: usize = 256 / WINDOW;

/// The exponent's 4-bit digits, least significant first.
fn digits(exponent: &Scalar) -> Zeroizing<[u64; WINDOWS]> {
    let mut bytes = exponent.to_bytes_le();
    let mut out = Zeroizing::new([0u64; WINDOWS]);
    for (i, byte) in bytes.iter().enumerate() {
        out[2 * i] = u64::from(byte & 0x0f);
        out[2 * i + 1] = u64::from(byte >> 4);
    }
    bytes.zeroize();
    out
}

/// |z| for the BLS12-381 parameter z = -0xd201000000010000. The field
/// characteristic p is congruent to z modulo the group order r, so the
/// Frobenius map (raising to the p-th power) raises every GT element to z.
const Z_ABS: u64 = 0xd201_0000_0001_0000;

/// Bits per signed window of the variable-base exponentiation.
const SIGNED_WINDOW: usize = 5;
/// Largest signed digit magnitude.
const HALF: u64 = 1 << (SIGNED_WINDOW - 1);
/// Signed windows covering a 64-bit value and its last carry.
const SIGNED_WINDOWS: usize = 65usize.div_ceil(SIGNED_WINDOW);

/// The digits of `exponent` in base |z|, least significant first:
/// e = d0 + d1 |z| + d2 |z|^2 + d3 |z|^3 (e < r < |z|^4, every d below 2^64).
///
/// Three restoring divisions by the public |z|, 256 steps each, every step
/// the same shift, subtraction and constant-time selection whatever the bits.
fn base_z_digits(exponent: &Scalar) -> Zeroizing<[u64; 4]> {
    let bytes = Zeroizing::new(exponent.to_bytes_le());
    let mut number = Zeroizing::new([0u64; 4]);
    for (limb, chunk) in number.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(word);
    }
    let mut out = Zeroizing::new([0u64; 4]);
    for digit in out.iter_mut().take(3) {
        let mut quotient = Zeroizing::new([0u64; 4]);
        // Below 2 |z| < 2^65 throughout: kept as two words.
        let (mut low, mut high) = (0u64, 0u64);
        for bit in (0..256).rev() {
            high = (high << 1) | (low >> 63);
            low = (low << 1) | ((number[bit / 64] >> (bit % 64)) & 1);
            let (diff_low, borrow) = low.overflowing_sub(Z_ABS);
            let (diff_high, below) = high.overflowing_sub(u64::from(borrow));
            let fits = Choice::from(u8::from(!below));
            low = u64::conditional_select(&low, &diff_low, fits);
            high = u64::conditional_select(&high, &diff_high, fits);
            quotient[bit / 64] |= u64::from(fits.unwrap_u8()) << (bit % 64);
        }
        *digit = low;
        *number = *quotient;
    }
    out[3] = number[0];
    out
}

/// Signed digits of a 64-bit value in windows of [`SIGNED_WINDOW`] bits:
/// (magnitude in 0..=HALF, sign 1 when negative), least significant first.
fn signed_digits(value: u64) -> Zeroizing<[(u64, u64); SIGNED_WINDOWS]> {
    let mut out = Zeroizing::new([(0u64, 0u64); SIGNED_WINDOWS]);
    let mut carry = 0u64;
    let wide = u128::from(value);
    for (i, slot) in out.iter_mut().enumerate() {
        let v = ((wide >> (i * SIGNED_WINDOW)) as u64 & ((1 << SIGNED_WINDOW) - 1)) + carry;
        // Above HALF, v becomes v - 2^SIGNED_WINDOW and 1 is carried.
        carry = HALF.wrapping_sub(v) >> 63;
        let negated = (1u64 << SIGNED_WINDOW) - v;
        *slot = (v ^ ((v ^ negated) & carry.wrapping_neg()), carry);
    }
    out
}

/// `base` raised to `exponent` (written `base * exponent` in additive notation).
///
/// The exponent is split along the Frobenius map: with e = sum_k d_k |z|^k
/// (`base_z_digits`) and f^(|z|^k) = Frobenius^k(f), conjugated for odd k
/// (z is negative; conjugation inverts in GT), the power is a product of
/// four powers with 64-bit exponents sharing 65 squarings instead of 256.
/// Each 64-bit exponent is taken in signed 5-bit windows (13 per exponent);
/// every window costs five squarings and four multiplications by table
/// entries, each read by a full masked scan (`ct_select::select`), mapped
/// by the Frobenius map (a fixed sequence of field operations, the k-th power
/// for the k-th digit) and conjugated or not by a constant-time selection.
/// The table holds f^0..=f^16; nothing depends on the exponent but the
/// masks. Squarings use `blst`'s cyclotomic squaring
/// (`blst_ffi::cyclotomic_square`): every value here is in GT. (`blstrs`
/// offers only a double-and-add that branches on the bits, unfit for
/// secrets.)
pub fn pow_ct(base: &Gt, exponent: &Scalar) -> Gt {
    let one = Fp12::from(Gt::identity());
    let base = Fp12::from(*base);
    let mut powers = [one; HALF as usize + 1];
    for m in 1..powers.len() {
        powers[m] = if m % 2 == 0 {
            blst_ffi::cyclotomic_square(&powers[m / 2])
        } else {
            powers[m - 1] * base
        };
    }
    let table: Vec<[u64; ct_select::FP12]> = powers
        .iter()
        .map(|power| ct_select::fp12_limbs(*power))
        .collect();
    let digits = base_z_digits(exponent);
    let signed: [_; 4] = std::array::from_fn(|k| signed_digits(digits[k]));
    // The running product and the selected entries depend on the exponent:
    // held in wiped values.
    let mut acc = secret(one);
    for window in (0..SIGNED_WINDOWS).rev() {
        if window + 1 < SIGNED_WINDOWS {
            for _ in 0..SIGNED_WINDOW {
                **acc = blst_ffi::cyclotomic_square(&acc);
            }
        }
        for (k, digits) in signed.iter().enumerate() {
            let (magnitude, sign) = digits[window];
            let limbs = Zeroizing::new(ct_select::select(&table, magnitude));
            let mut entry = secret(ct_select::fp12_from_limbs(&limbs));
            if k > 0 {
                entry.frobenius_map(k);
            }
            let mut inverse = secret(**entry);
            inverse.conjugate();
            // Conjugated for a negative digit, and for odd k (z is negative):
            // the public parity folded into the secret sign without a branch.
            let conjugate = sign ^ (k as u64 & 1);
            **acc *= Fp12::conditional_select(&entry, &inverse, Choice::from(conjugate as u8));
        }
    }
    Gt::from(**acc)
}

/// Z^(16^i * j) for every window i and digit j: fixed-base tables for Z.
fn generator_tables() -> &'static [[[u64; ct_select::FP12]; TABLE]] {
    static TABLES: OnceLock<Vec<[[u64; ct_select::FP12]; TABLE]>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let one = Fp12::from(Gt::identity());
        let mut power = Fp12::from(Gt::generator());
        // Window 0 holds the least significant digit.
        (0..WINDOWS)
            .map(|_| {
                let mut entries = [one; TABLE];
                for j in 1..TABLE {
                    entries[j] = entries[j - 1] * power;
                }
                power = entries[TABLE - 1] * power;
                entries.map(ct_select::fp12_limbs)
            })
            .collect()
    })
}

/// Z = e(g1, g2) raised to `exponent`, with precomputed fixed-base tables:
/// one multiplication and one constant-time masked table scan per 4-bit
/// digit.
pub fn generator_pow_ct(exponent: &Scalar) -> Gt {
    let tables = generator_tables();
    let mut acc = secret(Fp12::from(Gt::identity()));
    for (table, &digit) in tables.iter().zip(digits(exponent).iter()) {
        let limbs = Zeroizing::new(ct_select::select(table, digit));
        **acc *= ct_select::fp12_from_limbs(&limbs);
    }
    Gt::from(**acc)
}

/// The canonical uncompressed encoding of `value` (for key derivation).
///
/// Coefficients in a fixed order, each little-endian; no branch on the value.
/// The value is as secret as the key derived from it (Z^r): the Fp12 copy,
/// each Fp6, Fp2 and Fp coefficient taken from it and each coefficient's
/// bytes are held in wiped locals (the branches are on the public loop
/// indices only).
pub fn to_kdf_bytes(value: &Gt) -> Zeroizing<[u8; UNCOMPRESSED_LEN]> {
    let fp12 = secret(Fp12::from(*value));
    let mut out = Zeroizing::new([0u8; UNCOMPRESSED_LEN]);
    let mut chunks = out.chunks_exact_mut(48);
    for half in 0..2 {
        let fp6 = secret(if half == 0 { fp12.c0() } else { fp12.c1() });
        for third in 0..3 {
            let fp2 = secret(match third {
                0 => fp6.c0(),
                1 => fp6.c1(),
                _ => fp6.c2(),
            });
            for part in 0..2 {
                let fp = secret(if part == 0 { fp2.c0() } else { fp2.c1() });
                let bytes = Zeroizing::new(fp.to_bytes_le());
                if let Some(chunk) = chunks.next() {
                    chunk.copy_from_slice(&*bytes);
                }
            }
        }
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
    use crate::crypto::test_scalars::scalar;
    use group::ff::Field;

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
    fn base_z_digits_rebuild_the_exponent() {
        let z = Scalar::from(Z_ABS);
        for e in [
            Scalar::ZERO,
            Scalar::ONE,
            z - Scalar::ONE,
            z,
            z * z * z,
            z * z * z - Scalar::ONE,
            -Scalar::ONE,
            scalar([u64::MAX; 4]),
        ] {
            let d = base_z_digits(&e);
            let rebuilt = d
                .iter()
                .rev()
                .fold(Scalar::ZERO, |acc, &digit| acc * z + Scalar::from(digit));
            assert_eq!(rebuilt, e);
            assert!(d[..3].iter().all(|&digit| digit < Z_ABS));
        }
    }

    #[test]
    fn signed_digits_rebuild_the_value() {
        for value in [0, 1, 16, 17, 31, u64::MAX, Z_ABS, 0x8421_0842_1084_2108] {
            let rebuilt =
                signed_digits(value)
                    .iter()
                    .rev()
                    .fold(0i128, |acc, &(magnitude, sign)| {
                        assert!(magnitude <= HALF && sign <= 1);
                        let digit = if sign == 1 {
                            -(magnitude as i128)
                        } else {
                            magnitude as i128
                        };
                        acc * (1 << SIGNED_WINDOW) + digit
                    });
            assert_eq!(rebuilt, value as i128);
        }
    }

    #[test]
    fn pow_ct_agrees_with_the_library_on_edge_exponents() {
        let base = Gt::generator() * Scalar::from(0x1234_5678u64);
        let z = Scalar::from(Z_ABS);
        for e in [
            z,
            z - Scalar::ONE,
            z * z,
            z * z * z,
            -z,
            scalar([u64::MAX; 4]),
            scalar([0x8421_0842_1084_2108; 4]),
        ] {
            assert_eq!(pow_ct(&base, &e), base * e);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]
        #[test]
        fn pow_ct_agrees_with_the_library_everywhere(
            limbs in proptest::prelude::any::<[u64; 4]>(),
            base in 1u64..1000,
        ) {
            let base = Gt::generator() * Scalar::from(base);
            let e = scalar(limbs);
            proptest::prop_assert_eq!(pow_ct(&base, &e), base * e);
            proptest::prop_assert_eq!(generator_pow_ct(&e), Gt::generator() * e);
        }
    }

    #[test]
    fn the_kdf_encoding_is_the_twelve_coefficients_in_order() {
        let z = Gt::generator() * Scalar::from(987_654_321u64);
        let fp12 = Fp12::from(z);
        let mut expected = Vec::new();
        for fp6 in [fp12.c0(), fp12.c1()] {
            for fp2 in [fp6.c0(), fp6.c1(), fp6.c2()] {
                for fp in [fp2.c0(), fp2.c1()] {
                    expected.extend_from_slice(&fp.to_bytes_le());
                }
            }
        }
        assert_eq!(&to_kdf_bytes(&z)[..], &expected[..]);
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
