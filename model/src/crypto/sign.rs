//! Ed25519 signatures (RFC 8032, from `ed25519-dalek`): the patient signs
//! its uploads, the ledger's operator signs tree heads.
//!
//! Verification is `verify_strict`: it rejects non-canonical signatures and
//! small-order keys, so one message has one valid signature per key.

use ed25519_dalek::Signer;
use zeroize::Zeroizing;

use super::rng;
use crate::error::{Error, Result};

/// An Ed25519 signing key. Wiped on drop (by `ed25519-dalek`); `Debug`
/// never shows it.
pub struct SigningKey(ed25519_dalek::SigningKey);

/// An Ed25519 verifying (public) key, validated on decoding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct VerifyingKey(ed25519_dalek::VerifyingKey);

/// An Ed25519 signature (64 bytes).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(ed25519_dalek::Signature);

impl SigningKey {
    /// Length of [`SigningKey::to_bytes`].
    pub const LEN: usize = 32;

    /// A fresh key from the OS random generator.
    pub fn generate() -> Result<SigningKey> {
        let mut seed = Zeroizing::new([0u8; Self::LEN]);
        rng::fill(&mut *seed)?;
        Ok(SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed)))
    }

    /// The 32-byte seed (for storage by its holder only).
    pub fn to_bytes(&self) -> Zeroizing<[u8; Self::LEN]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// A key from its 32-byte seed.
    pub fn from_bytes(bytes: &[u8]) -> Result<SigningKey> {
        let seed: Zeroizing<[u8; Self::LEN]> =
            Zeroizing::new(bytes.try_into().map_err(|_| Error::Decode {
                what: "signing key",
                reason: format!("{} bytes, expected {}", bytes.len(), Self::LEN),
            })?);
        Ok(SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed)))
    }

    /// The matching verifying key.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey(self.0.verifying_key())
    }

    /// Sign `message` (deterministic, RFC 8032).
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(self.0.sign(message))
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

impl VerifyingKey {
    /// Length of the encoding.
    pub const LEN: usize = 32;

    /// The compressed Edwards point.
    pub fn to_bytes(&self) -> [u8; Self::LEN] {
        self.0.to_bytes()
    }

    /// Decode; rejects points off the curve and small-order (weak) keys.
    pub fn from_bytes(bytes: &[u8]) -> Result<VerifyingKey> {
        let bad = |reason: String| Error::Decode {
            what: "verifying key",
            reason,
        };
        let array: [u8; Self::LEN] = bytes
            .try_into()
            .map_err(|_| bad(format!("{} bytes, expected {}", bytes.len(), Self::LEN)))?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&array)
            .map_err(|_| bad("not a point of Curve25519".into()))?;
        if key.is_weak() {
            return Err(bad("a small-order point is not a key".into()));
        }
        Ok(VerifyingKey(key))
    }

    /// The key as 64 lower-case hex digits.
    pub fn to_hex(&self) -> String {
        crate::hex::encode(&self.to_bytes())
    }

    /// Check `signature` on `message` (strict: canonical encodings only).
    pub fn verify(&self, message: &[u8], signature: &Signature) -> Result<()> {
        self.0
            .verify_strict(message, &signature.0)
            .map_err(|_| Error::BadSignature)
    }
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VerifyingKey({})", crate::hex::encode(&self.to_bytes()))
    }
}

impl Signature {
    /// Length of the encoding.
    pub const LEN: usize = 64;

    /// The 64-byte encoding (R then s).
    pub fn to_bytes(&self) -> [u8; Self::LEN] {
        self.0.to_bytes()
    }

    /// Decode 64 bytes (the scalar's range is checked by verification).
    pub fn from_bytes(bytes: &[u8]) -> Result<Signature> {
        let array: [u8; Self::LEN] = bytes.try_into().map_err(|_| Error::Decode {
            what: "signature",
            reason: format!("{} bytes, expected {}", bytes.len(), Self::LEN),
        })?;
        Ok(Signature(ed25519_dalek::Signature::from_bytes(&array)))
    }
}

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signature({})", crate::hex::encode(&self.to_bytes()))
    }
}

/// Hex text in files: 64 digits for a key, 128 for a signature.
macro_rules! hex_serde {
    ($type:ty, $what:literal) => {
        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(
                &self,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(&crate::hex::encode(&self.to_bytes()))
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(
                d: D,
            ) -> std::result::Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(d)?;
                let bytes = crate::hex::decode(&text).ok_or_else(|| {
                    serde::de::Error::custom(concat!($what, " is not lower-case hex"))
                })?;
                <$type>::from_bytes(&bytes)
                    .map_err(|_| serde::de::Error::custom(concat!("invalid ", $what)))
            }
        }
    };
}

hex_serde!(VerifyingKey, "verifying key");
hex_serde!(Signature, "signature");
hex_serde!(super::OwnerR, "R value");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_only_for_their_message_and_key() {
        let key = SigningKey::generate().unwrap();
        let other = SigningKey::generate().unwrap();
        let signature = key.sign(b"upload v1");
        let public = key.verifying_key();
        assert!(public.verify(b"upload v1", &signature).is_ok());
        assert!(matches!(
            public.verify(b"upload v2", &signature),
            Err(Error::BadSignature)
        ));
        assert!(matches!(
            other.verifying_key().verify(b"upload v1", &signature),
            Err(Error::BadSignature)
        ));
        let again = SigningKey::from_bytes(&*key.to_bytes()).unwrap();
        assert_eq!(again.verifying_key(), public);
        assert_eq!(
            VerifyingKey::from_bytes(&public.to_bytes()).unwrap(),
            public
        );
        assert_eq!(
            Signature::from_bytes(&signature.to_bytes()).unwrap(),
            signature
        );
        assert!(format!("{key:?}").contains("<redacted>"));
        // The identity point (small order) is refused as a key.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(VerifyingKey::from_bytes(&identity).is_err());
        assert!(Signature::from_bytes(&[0u8; 63]).is_err());
    }
}
