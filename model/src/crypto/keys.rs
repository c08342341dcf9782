//! Key pairs: a secret x in Zq* and the public keys g1^x and g2^x.

use std::fmt;

use blstrs::{G1Affine, G2Affine, Scalar};
use group::ff::Field;
use group::prime::PrimeCurveAffine;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use super::wipe::Wipe;
use super::{fixed_base, rng};
use crate::error::{Error, Result};

/// A scalar that can be wiped (blstrs scalars are `Copy` without `Zeroize`).
type WipeableScalar = Wipe<Scalar>;

/// A user's secret key x. Wiped on drop; `Debug` never shows it.
pub struct SecretKey {
    x: WipeableScalar,
}

impl SecretKey {
    /// Length of [`SecretKey::to_bytes`].
    pub const LEN: usize = 32;

    /// Draw a fresh secret from the OS random generator.
    pub fn generate() -> Result<SecretKey> {
        Ok(SecretKey {
            x: Wipe::new(rng::nonzero_scalar()?),
        })
    }

    /// The matching public key (g1^x, g2^x).
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            g1: fixed_base::g1_mul(&self.x),
            g2: fixed_base::g2_mul(&self.x),
        }
    }

    /// The secret as 32 little-endian bytes (for storage by its holder only).
    pub fn to_bytes(&self) -> zeroize::Zeroizing<[u8; 32]> {
        zeroize::Zeroizing::new(self.x.to_bytes_le())
    }

    /// Decode a secret; rejects non-canonical encodings and zero.
    pub fn from_bytes(bytes: &[u8]) -> Result<SecretKey> {
        let array: [u8; 32] = bytes.try_into().map_err(|_| Error::Decode {
            what: "secret key",
            reason: format!("{} bytes, expected 32", bytes.len()),
        })?;
        let array = zeroize::Zeroizing::new(array);
        // Wrapped as soon as decoded: no unwiped copy is kept in a local.
        let x = Option::<Scalar>::from(Scalar::from_bytes_le(&array))
            .map(Wipe::new)
            .ok_or(Error::Decode {
                what: "secret key",
                reason: "not a canonical scalar".into(),
            })?;
        if bool::from(x.ct_eq(&Scalar::from(0u64))) {
            return Err(Error::Decode {
                what: "secret key",
                reason: "zero is not a secret key".into(),
            });
        }
        Ok(SecretKey { x })
    }

    /// Wrap a secret scalar so that it is wiped on drop; zero is refused
    /// ([`Error::ZeroScalar`]), so every `SecretKey` has an inverse.
    pub(crate) fn from_scalar(x: Scalar) -> Result<SecretKey> {
        let x = Wipe::new(x);
        if bool::from(x.is_zero()) {
            return Err(Error::ZeroScalar);
        }
        Ok(SecretKey { x })
    }

    /// The scalar x.
    pub(crate) fn scalar(&self) -> &Scalar {
        &self.x
    }

    /// 1/x, as sensitive as x and wiped the same way; [`Error::ZeroScalar`]
    /// for zero (which no constructor lets in).
    pub(crate) fn inverse(&self) -> Result<SecretKey> {
        SecretKey::from_scalar(Option::from(self.x.invert()).ok_or(Error::ZeroScalar)?)
    }
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        self.x.zeroize();
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// A public key: g1^x and g2^x. Its fields are private: a value comes from
/// [`SecretKey::public_key`] or from [`PublicKey::from_bytes`], which checks
/// it, so every `PublicKey` is valid.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    g1: G1Affine,
    g2: G2Affine,
}

impl PublicKey {
    /// g1^x.
    pub fn g1(&self) -> &G1Affine {
        &self.g1
    }

    /// g2^x (what a re-encryption key is computed from).
    pub fn g2(&self) -> &G2Affine {
        &self.g2
    }

    /// Length of [`PublicKey::to_bytes`]: compressed G1 (48) then G2 (96).
    pub const LEN: usize = 144;

    /// Compressed encoding.
    pub fn to_bytes(&self) -> [u8; Self::LEN] {
        let mut out = [0u8; Self::LEN];
        out[..48].copy_from_slice(&self.g1.to_compressed());
        out[48..].copy_from_slice(&self.g2.to_compressed());
        out
    }

    /// Decode and validate (on curve, in subgroup, not the identity, and
    /// both halves with the same exponent).
    pub fn from_bytes(bytes: &[u8]) -> Result<PublicKey> {
        let bad = |reason: &str| Error::Decode {
            what: "public key",
            reason: reason.into(),
        };
        if bytes.len() != Self::LEN {
            return Err(bad("wrong length"));
        }
        let mut g1 = [0u8; 48];
        g1.copy_from_slice(&bytes[..48]);
        let mut g2 = [0u8; 96];
        g2.copy_from_slice(&bytes[48..]);
        let g1 = Option::<G1Affine>::from(G1Affine::from_compressed(&g1))
            .ok_or_else(|| bad("invalid G1 point"))?;
        let g2 = Option::<G2Affine>::from(G2Affine::from_compressed(&g2))
            .ok_or_else(|| bad("invalid G2 point"))?;
        if bool::from(g1.is_identity()) || bool::from(g2.is_identity()) {
            return Err(bad("identity point"));
        }
        if blstrs::pairing(&g1, &G2Affine::generator())
            != blstrs::pairing(&G1Affine::generator(), &g2)
        {
            return Err(bad("G1 and G2 halves do not match"));
        }
        Ok(PublicKey { g1, g2 })
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.to_bytes();
        write!(f, "PublicKey({}…)", crate::hex::encode(&bytes[..8]))
    }
}

/// A secret key with its public key.
#[derive(Debug)]
pub struct KeyPair {
    /// The secret x.
    pub secret: SecretKey,
    /// g1^x and g2^x.
    pub public: PublicKey,
}

impl KeyPair {
    /// Generate a key pair from OS randomness.
    pub fn generate() -> Result<KeyPair> {
        let secret = SecretKey::generate()?;
        let public = secret.public_key();
        Ok(KeyPair { secret, public })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_debug_is_redacted() {
        let pair = KeyPair::generate().unwrap();
        let again = SecretKey::from_bytes(&*pair.secret.to_bytes()).unwrap();
        assert_eq!(again.public_key(), pair.public);
        assert_eq!(
            PublicKey::from_bytes(&pair.public.to_bytes()).unwrap(),
            pair.public
        );
        let shown = format!("{pair:?}");
        assert!(shown.contains("<redacted>"));
        let secret_hex = crate::hex::encode(&*pair.secret.to_bytes());
        assert!(!shown.contains(&secret_hex));
        assert!(SecretKey::from_bytes(&[0u8; 32]).is_err());
        assert!(SecretKey::from_bytes(&[0xff; 32]).is_err());
        assert!(SecretKey::from_bytes(&[1u8; 31]).is_err());
    }

    #[test]
    fn zero_has_no_inverse_and_inverses_are_secret_keys() {
        assert!(matches!(
            SecretKey::from_scalar(Scalar::from(0u64)),
            Err(Error::ZeroScalar)
        ));
        let x = SecretKey::generate().unwrap();
        let inverse = x.inverse().unwrap();
        assert_eq!(*inverse.scalar() * x.scalar(), Scalar::from(1u64));
        assert!(format!("{inverse:?}").contains("<redacted>"));
    }

    #[test]
    fn mismatched_public_key_halves_are_rejected() {
        let a = KeyPair::generate().unwrap().public;
        let b = KeyPair::generate().unwrap().public;
        let mut mixed = a.to_bytes();
        mixed[48..].copy_from_slice(&b.to_bytes()[48..]);
        assert!(PublicKey::from_bytes(&mixed).is_err());
        assert!(PublicKey::from_bytes(&mixed[..100]).is_err());
    }
}
