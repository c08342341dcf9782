//! The partition key k = HKDF-SHA-256(Z^r).

use blstrs::Gt;
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::gt;

/// HKDF salt: names the scheme and its version.
const SALT: &[u8] = b"SeSPHR v1 partition KEM";
/// HKDF info: names the key's use.
const INFO: &[u8] = b"AES-256-GCM partition key";

/// A 256-bit AES-GCM key for one partition version. Wiped on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct PartitionKey([u8; 32]);

impl PartitionKey {
    /// Derive the key from Z^r (canonical uncompressed GT encoding as IKM).
    ///
    /// Wiped: the IKM (a `Zeroizing` buffer), the PRK that HKDF-Extract
    /// returns, and on drop the HMAC-SHA-256 states (the extract's, keyed by
    /// the salt, which hashed the IKM; the expand's, keyed by the PRK, and
    /// its clone) with their SHA-256 states and block buffers (the `zeroize`
    /// features of `sha2`, `hmac` and `digest`, model/Cargo.toml). Not
    /// wiped: locals in the frames of `hmac`, `hkdf` and `sha2` (the padded
    /// HMAC key block, the inner hash of each HMAC, which for the extract
    /// gives the PRK with the public salt, the output block T(1) that
    /// `hkdf` copies into the key and keeps, SHA-256's message schedule);
    /// docs/crypto.md, "Zeroization".
    pub(crate) fn derive(z_r: &Gt) -> PartitionKey {
        let ikm = gt::to_kdf_bytes(z_r);
        let (mut prk, hkdf) = Hkdf::<Sha256>::extract(Some(SALT), &*ikm);
        prk.as_mut_slice().zeroize();
        // Expanded into the key. 32 bytes is far below HKDF-SHA-256's
        // 8160-byte limit: expand cannot fail.
        let mut key = PartitionKey([0u8; 32]);
        let _ = hkdf.expand(INFO, &mut key.0);
        key
    }

    /// Wrap raw key bytes (the net simulator carries partition keys as bytes).
    pub(crate) fn from_bytes(bytes: [u8; 32]) -> PartitionKey {
        PartitionKey(bytes)
    }

    /// The raw key bytes (for the DEM).
    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for PartitionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PartitionKey(<redacted>)")
    }
}

impl PartialEq for PartitionKey {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for PartitionKey {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails to compile if the `zeroize` features of `sha2`/`digest`
    /// (model/Cargo.toml) are dropped: the SHA-256 states and block buffers
    /// inside HKDF's HMAC, which hash Z^r and are keyed by the PRK, are
    /// wiped when dropped.
    #[test]
    fn the_hash_states_inside_hkdf_are_wiped_on_drop() {
        fn wiped_on_drop<T: ZeroizeOnDrop>() {}
        wiped_on_drop::<Sha256>();
        wiped_on_drop::<<Sha256 as hmac::EagerHash>::Core>();
        wiped_on_drop::<hmac::digest::block_api::Buffer<hmac::block_api::HmacCore<Sha256>>>();
    }

    #[test]
    fn the_key_is_hkdf_of_the_canonical_encoding() {
        let z = <Gt as group::Group>::generator();
        let ikm = gt::to_kdf_bytes(&z);
        let mut expected = [0u8; 32];
        Hkdf::<Sha256>::new(Some(SALT), &*ikm)
            .expand(INFO, &mut expected)
            .unwrap();
        assert_eq!(PartitionKey::derive(&z).as_bytes(), &expected);
    }
}
