//! A signed tree head as one line of text, for readers to pin.

use std::fmt;
use std::str::FromStr;

use super::block::TreeHead;
use super::hash::Hash;
use crate::crypto::{Signature, VerifyingKey};
use crate::error::{Error, Result};
use crate::hex;

/// A tree head with the key that signed it: what a reader keeps to check
/// later that the ledger only grew. Text form (one line, no spaces):
/// `sth1:<size>:<timestamp_ms>:<root>:<key>:<signature>` (hex digests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedHead {
    /// The log's verifying key.
    pub key: VerifyingKey,
    /// The signed head.
    pub head: TreeHead,
}

/// The text form's prefix.
const PREFIX: &str = "sth1";

impl SignedHead {
    /// Check the head's signature with its key.
    pub fn verify(&self) -> Result<()> {
        self.head.verify(&self.key)
    }
}

impl fmt::Display for SignedHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{PREFIX}:{}:{}:{}:{}:{}",
            self.head.size,
            self.head.timestamp_ms,
            self.head.root,
            hex::encode(&self.key.to_bytes()),
            hex::encode(&self.head.signature.to_bytes())
        )
    }
}

impl FromStr for SignedHead {
    type Err = Error;

    /// Parse the text form (surrounding white space ignored). The signature
    /// is not checked here: call [`SignedHead::verify`].
    fn from_str(text: &str) -> Result<SignedHead> {
        let bad = |reason: &str| Error::Decode {
            what: "signed tree head",
            reason: format!("{reason} (expected {PREFIX}:SIZE:TIMESTAMP:ROOT:KEY:SIGNATURE)"),
        };
        let fields: Vec<&str> = text.trim().split(':').collect();
        let [prefix, size, timestamp, root, key, signature] = fields[..] else {
            return Err(bad("not six fields separated by ':'"));
        };
        if prefix != PREFIX {
            return Err(bad("unknown prefix"));
        }
        let number = |field: &str, what: &str| {
            if field.is_empty() || !field.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(&format!("the {what} is not a decimal number")));
            }
            field
                .parse::<u64>()
                .map_err(|_| bad(&format!("the {what} is too large")))
        };
        let bytes = |field: &str, what: &str| {
            hex::decode(field).ok_or_else(|| bad(&format!("the {what} is not lower-case hex")))
        };
        let root = hex::decode_array(root)
            .map(Hash)
            .ok_or_else(|| bad("the root is not 64 lower-case hex digits"))?;
        Ok(SignedHead {
            key: VerifyingKey::from_bytes(&bytes(key, "key")?)?,
            head: TreeHead {
                size: number(size, "size")?,
                timestamp_ms: number(timestamp, "timestamp")?,
                root,
                signature: Signature::from_bytes(&bytes(signature, "signature")?)?,
            },
        })
    }
}
