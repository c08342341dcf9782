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
    pub(crate) fn derive(z_r: &Gt) -> PartitionKey {
        let ikm = gt::to_kdf_bytes(z_r);
        // Expanded straight into the key (no copy left on the stack). 32
        // bytes is far below HKDF-SHA-256's 8160-byte limit: expand cannot fail.
        let mut key = PartitionKey([0u8; 32]);
        let _ = Hkdf::<Sha256>::new(Some(SALT), &*ikm).expand(INFO, &mut key.0);
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
