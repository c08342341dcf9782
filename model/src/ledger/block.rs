//! Records, blocks, the Merkle root and the block hash.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::hex;
use crate::policy::{Label, Role, UserId};

/// A SHA-256 digest, written as 64 lower-case hex digits in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// The all-zero hash: the `prev` of block 0.
    pub const ZERO: Hash = Hash([0; 32]);

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
            .ok_or_else(|| format!("{text:?} is not 64 lower-case hex digits"))
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

/// The digest of one partition ciphertext of an upload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartitionDigest {
    /// The partition label.
    pub label: Label,
    /// SHA-256 of the ciphertext as stored in the cloud.
    pub digest: Hash,
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

/// One ledger record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Record {
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
    /// The Merkle leaf: SHA-256(0x00 || canonical JSON of the record).
    fn leaf_hash(&self) -> Hash {
        let mut bytes = vec![0u8];
        bytes.extend(serde_json::to_vec(self).unwrap_or_default());
        Hash::of(&bytes)
    }
}

/// Merkle root over records: leaves SHA-256(0x00 || record), inner nodes
/// SHA-256(0x01 || left || right), an odd node moves up unchanged; the root
/// of no records is SHA-256 of the empty string.
pub fn merkle_root(records: &[Record]) -> Hash {
    let mut level: Vec<Hash> = records.iter().map(Record::leaf_hash).collect();
    if level.is_empty() {
        return Hash::of(b"");
    }
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [left, right] => {
                    let mut bytes = Vec::with_capacity(65);
                    bytes.push(1u8);
                    bytes.extend_from_slice(&left.0);
                    bytes.extend_from_slice(&right.0);
                    Hash::of(&bytes)
                }
                [single] => *single,
                _ => Hash::ZERO,
            })
            .collect();
    }
    level[0]
}

/// One block of the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Block {
    /// Position in the chain, from 0.
    pub seq: u64,
    /// Hash of the previous block ([`Hash::ZERO`] for block 0).
    pub prev: Hash,
    /// Milliseconds since the Unix epoch when the block was made.
    pub timestamp_ms: u64,
    /// Merkle root of `records`.
    pub merkle_root: Hash,
    /// The records.
    pub records: Vec<Record>,
    /// This block's hash: SHA-256 over the header (seq, prev, timestamp, root).
    pub hash: Hash,
}

/// The fields covered by a block's hash, in canonical order.
#[derive(Serialize)]
struct Header<'a> {
    seq: u64,
    prev: &'a Hash,
    timestamp_ms: u64,
    merkle_root: &'a Hash,
}

impl Block {
    /// Make block `seq` after `prev` from `records`.
    pub fn new(seq: u64, prev: Hash, timestamp_ms: u64, records: Vec<Record>) -> Block {
        let merkle_root = merkle_root(&records);
        let mut block = Block {
            seq,
            prev,
            timestamp_ms,
            merkle_root,
            records,
            hash: Hash::ZERO,
        };
        block.hash = block.computed_hash();
        block
    }

    /// The hash the header calls for.
    pub fn computed_hash(&self) -> Hash {
        let header = Header {
            seq: self.seq,
            prev: &self.prev,
            timestamp_ms: self.timestamp_ms,
            merkle_root: &self.merkle_root,
        };
        Hash::of(&serde_json::to_vec(&header).unwrap_or_default())
    }
}

/// The last line of a ledger file: how many blocks precede it and the last
/// block's hash. It turns a cut after a whole block into a detectable fault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Head {
    /// Number of blocks in the file.
    pub blocks: u64,
    /// Hash of the last block ([`Hash::ZERO`] when there is none).
    pub last: Hash,
}

/// One line of a ledger file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Line {
    /// A block.
    Block(Block),
    /// The head (always the last line).
    Head(Head),
}

impl Line {
    /// The canonical encoding: compact JSON and a newline.
    pub fn to_line(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}
