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

    /// SHA-256 of everything `reader` yields, read in blocks (a file of any
    /// size is hashed in constant memory).
    pub fn of_reader(mut reader: impl std::io::Read) -> std::io::Result<Hash> {
        let mut hasher = Sha256::new();
        let mut block = vec![0u8; 64 * 1024];
        loop {
            match reader.read(&mut block) {
                Ok(0) => return Ok(Hash(hasher.finalize().into())),
                Ok(n) => hasher.update(&block[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
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
