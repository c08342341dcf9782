//! The SHA-256 digest the ledger's records, tree and heads are named by.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::hex;

/// A SHA-256 digest, written as 64 lower-case hex digits in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Hash {
        Hash(Sha256::digest(bytes).into())
    }
}

impl TryFrom<String> for Hash {
    type Error = String;
    fn try_from(text: String) -> Result<Hash, String> {
        hex::decode_array(&text)
            .map(Hash)
            .ok_or_else(|| "a hash is not 64 lower-case hex digits".to_owned())
    }
}

impl From<Hash> for String {
    fn from(hash: Hash) -> String {
        hex::encode(&hash.0)
    }
}

impl std::fmt::Display for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex::encode(&self.0))
    }
}
