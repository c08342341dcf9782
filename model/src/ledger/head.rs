//! A signed tree head as one line of text, for readers to pin.

use std::fmt;
use std::str::FromStr;

use super::block::{ChainLink, TreeHead};
use super::hash::Hash;
use crate::crypto::{Signature, VerifyingKey};
use crate::error::{Error, Result};
use crate::hex;

/// A tree head with its place in the chain of heads and the key that signed
/// it: what a reader keeps to check later that the ledger only grew. Text
/// form (one line, no spaces):
/// `sth2:<blocks>:<size>:<timestamp_ms>:<root>:<prev>:<key>:<signature>`
/// (hex digests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedHead {
    /// The log's verifying key.
    pub key: VerifyingKey,
    /// The head's place: blocks covered, hash of the head before.
    pub link: ChainLink,
    /// The signed head.
    pub head: TreeHead,
}

/// The text form's prefix.
const PREFIX: &str = "sth2";

/// The prefix of the heads of ledger format 2, which are no longer read.
const OLD_PREFIX: &str = "sth1";

impl SignedHead {
    /// Check the head's signature with its key.
    pub fn verify(&self) -> Result<()> {
        self.head.verify(&self.key, &self.link)
    }

    /// Whether `other` is the same head: same key, place, size, time and
    /// root (the signature aside: a key's holder can sign one message in
    /// several valid ways).
    pub fn same_as(&self, other: &SignedHead) -> bool {
        self.key == other.key
            && self.link == other.link
            && self.head.size == other.head.size
            && self.head.timestamp_ms == other.head.timestamp_ms
            && self.head.root == other.head.root
    }
}

impl fmt::Display for SignedHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{PREFIX}:{}:{}:{}:{}:{}:{}:{}",
            self.link.blocks,
            self.head.size,
            self.head.timestamp_ms,
            self.head.root,
            self.link.prev,
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
            reason: format!(
                "{reason} (expected {PREFIX}:BLOCKS:SIZE:TIMESTAMP:ROOT:PREV:KEY:SIGNATURE)"
            ),
        };
        let fields: Vec<&str> = text.trim().split(':').collect();
        if fields.first() == Some(&OLD_PREFIX) {
            return Err(bad(
                "a head of ledger format 2, which is no longer read: pin a head of the current format",
            ));
        }
        let [prefix, blocks, size, timestamp, root, prev, key, signature] = fields[..] else {
            return Err(bad("not eight fields separated by ':'"));
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
        let digest = |field: &str, what: &str| {
            hex::decode_array(field)
                .map(Hash)
                .ok_or_else(|| bad(&format!("the {what} is not 64 lower-case hex digits")))
        };
        Ok(SignedHead {
            key: VerifyingKey::from_bytes(&bytes(key, "key")?)?,
            link: ChainLink {
                blocks: number(blocks, "block count")?,
                prev: digest(prev, "previous head's hash")?,
            },
            head: TreeHead {
                size: number(size, "size")?,
                timestamp_ms: number(timestamp, "timestamp")?,
                root: digest(root, "root")?,
                signature: Signature::from_bytes(&bytes(signature, "signature")?)?,
            },
        })
    }
}
