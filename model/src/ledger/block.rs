//! Records, blocks, tree heads and the lines of a ledger file.

use serde::{Deserialize, Serialize};

use super::hash::Hash;
use super::merkle;
use crate::crypto::{OwnerR, Signature, VerifyingKey};
use crate::policy::{Label, Role, UserId};

/// The ledger file format this code writes and reads.
pub const FORMAT_VERSION: u32 = 3;

/// One partition of an upload: its ciphertext digest and, for uploads made
/// through [`System`](crate::system::System), the owner's R value and the
/// owner's signature over [`UploadStatement`](crate::upload::UploadStatement).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartitionDigest {
    /// The partition label.
    pub label: Label,
    /// SHA-256 of the ciphertext as stored in the cloud.
    pub digest: Hash,
    /// R_i,P as the owner handed it to the SRS (absent in unsigned uploads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r_owner: Option<OwnerR>,
    /// The owner's Ed25519 signature over the upload statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

/// Whether an access was served.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Outcome {
    /// R was served and the partition decrypted.
    Granted,
    /// Refused or failed, with the reason.
    Denied(String),
}

/// One ledger record (one leaf of the log's Merkle tree).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Record {
    /// The record owner and the key that signs its uploads. Only the first
    /// record of a log may be an `owner` record.
    Owner {
        /// The patient.
        user: UserId,
        /// The patient's Ed25519 key for upload statements.
        upload_key: VerifyingKey,
    },
    /// A record version was uploaded.
    Upload {
        /// The file id.
        file: Label,
        /// The version.
        version: u32,
        /// Per-partition ciphertext digests.
        partitions: Vec<PartitionDigest>,
    },
    /// A user joined with rights.
    Grant {
        /// The user.
        user: UserId,
        /// The user's role.
        role: Role,
        /// The partitions granted.
        partitions: Vec<Label>,
    },
    /// A user was revoked.
    Revoke {
        /// The user.
        user: UserId,
    },
    /// A user asked for a partition.
    Access {
        /// The user.
        user: UserId,
        /// The file id.
        file: Label,
        /// The version.
        version: u32,
        /// The partition.
        partition: Label,
        /// What happened.
        outcome: Outcome,
    },
}

impl Record {
    /// The canonical encoding: compact JSON, as in the file.
    pub fn canonical(&self) -> Vec<u8> {
        // Serializing these plain data types cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The Merkle leaf hash: SHA-256(0x00 || canonical JSON).
    pub fn leaf_hash(&self) -> Hash {
        merkle::leaf_hash(&self.canonical())
    }
}

/// Where a tree head stands in the log's chain of heads: the number of
/// blocks it covers (0 for the empty log's head in the header) and the hash
/// of the head before it ([`ChainLink::GENESIS_PREV`] for the header's).
/// Both are signed with the head, so a head cannot be moved to another
/// block, and a head fixes every head before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainLink {
    /// Blocks covered by the head.
    pub blocks: u64,
    /// [`TreeHead::hash`] of the head after `blocks - 1` blocks.
    pub prev: Hash,
}

impl ChainLink {
    /// The `prev` of the empty log's head: 32 zero bytes.
    pub const GENESIS_PREV: Hash = Hash([0; 32]);

    /// The place of the empty log's head.
    pub fn genesis() -> ChainLink {
        ChainLink {
            blocks: 0,
            prev: Self::GENESIS_PREV,
        }
    }

    /// The place of the head after this one, whose hash is `this`.
    pub fn next(&self, this: Hash) -> ChainLink {
        ChainLink {
            blocks: self.blocks + 1,
            prev: this,
        }
    }
}

/// A tree head: the log's size and Merkle root at some time, signed by the
/// log's key together with its [`ChainLink`] (which the file does not repeat:
/// a verifier derives it from the block's position and the head before).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreeHead {
    /// Number of records (leaves).
    pub size: u64,
    /// Milliseconds since the Unix epoch when the head was signed.
    pub timestamp_ms: u64,
    /// The RFC 9162 Merkle root of the first `size` records.
    pub root: Hash,
    /// Ed25519 signature by the log's key over [`TreeHead::signed_bytes`].
    pub signature: Signature,
}

impl TreeHead {
    /// What the log's key signs: a domain label, the block count, the
    /// previous head's hash, then size and timestamp (u64 big-endian) and
    /// the root.
    pub fn signed_bytes(link: &ChainLink, size: u64, timestamp_ms: u64, root: &Hash) -> Vec<u8> {
        let mut out = Vec::with_capacity(27 + 8 + 32 + 16 + 32);
        out.extend_from_slice(b"SeSPHR signed tree head v2\0");
        out.extend_from_slice(&link.blocks.to_be_bytes());
        out.extend_from_slice(&link.prev.0);
        out.extend_from_slice(&size.to_be_bytes());
        out.extend_from_slice(&timestamp_ms.to_be_bytes());
        out.extend_from_slice(&root.0);
        out
    }

    /// SHA-256 of what the head signs at `link`: the next head's `prev`.
    pub fn hash(&self, link: &ChainLink) -> Hash {
        Hash::of(&Self::signed_bytes(
            link,
            self.size,
            self.timestamp_ms,
            &self.root,
        ))
    }

    /// Check the signature with the log's key, the head standing at `link`.
    pub fn verify(&self, key: &VerifyingKey, link: &ChainLink) -> crate::Result<()> {
        key.verify(
            &Self::signed_bytes(link, self.size, self.timestamp_ms, &self.root),
            &self.signature,
        )
    }
}

/// The first line of a ledger file: the format, the log's verifying key
/// and the signed head of the empty log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogHeader {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// The key that signs every tree head of this log.
    pub key: VerifyingKey,
    /// The head of the empty log (size 0).
    pub head: TreeHead,
}

/// One block: records appended together, and the signed head after them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Block {
    /// Position in the file, from 0.
    pub seq: u64,
    /// The records, leaves `head.size - records.len()` to `head.size - 1`.
    pub records: Vec<Record>,
    /// The signed head of the log including this block (its [`ChainLink`]:
    /// `seq + 1` blocks, and the hash of the previous block's head).
    pub head: TreeHead,
}

/// One line of a ledger file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Line {
    /// The header (always the first line).
    Log(LogHeader),
    /// A block.
    Block(Block),
}

impl Line {
    /// The canonical encoding: compact JSON and a newline.
    pub fn to_line(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}
