//! A verified log: its key, blocks, leaf hashes and signed heads, with
//! look-ups, proofs and the check against a pinned head.

use super::block::{Block, ChainLink, PartitionDigest, Record, TreeHead};
use super::hash::Hash;
use super::head::SignedHead;
use super::merkle;
use super::proof::Proof;
use crate::crypto::VerifyingKey;
use crate::error::{Error, Result};
use crate::policy::Label;

/// Why a ledger is not an extension of a pinned head.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PinMismatch {
    /// The pinned head's own signature does not verify with its key.
    #[error("the pinned head's signature is invalid")]
    BadPinnedSignature,
    /// The ledger is signed by another key than the pinned head.
    #[error("the ledger is signed by another key than the pinned head")]
    OtherKey,
    /// The ledger holds fewer records than the pinned head (truncated).
    #[error("the ledger holds {have} records, fewer than the pinned head's {pinned} (truncated)")]
    Shorter {
        /// Records in the pinned head.
        pinned: u64,
        /// Records in the ledger.
        have: u64,
    },
    /// The first records differ from those the pinned head commits to.
    #[error("its first {size} records differ from those of the pinned head (rewritten)")]
    Rewritten {
        /// The pinned head's size.
        size: u64,
    },
    /// The records are those of the pinned head, but its head after as many
    /// blocks is another: blocks regrouped, or their times changed, and
    /// re-signed by the log's key.
    #[error(
        "its head after {blocks} blocks is not the pinned head (blocks regrouped or re-timed, and re-signed)"
    )]
    Resigned {
        /// The pinned head's block count.
        blocks: u64,
    },
}

/// The verified content of a ledger file.
#[derive(Clone, Debug)]
pub struct Log {
    key: VerifyingKey,
    genesis: TreeHead,
    blocks: Vec<Block>,
    leaves: Vec<Hash>,
    /// [`TreeHead::hash`] of the head after 0, 1, ... blocks.
    head_hashes: Vec<Hash>,
}

impl Log {
    /// A log with its header only (the caller has verified `genesis`).
    pub(crate) fn new(key: VerifyingKey, genesis: TreeHead) -> Log {
        Log {
            key,
            genesis,
            blocks: Vec::new(),
            leaves: Vec::new(),
            head_hashes: vec![genesis.hash(&ChainLink::genesis())],
        }
    }

    /// Add a verified block (its head signed at [`Log::next_link`]) and its
    /// records' leaf hashes.
    pub(crate) fn push(&mut self, block: Block, leaves: Vec<Hash>) {
        let hash = block.head.hash(&self.next_link());
        self.head_hashes.push(hash);
        self.leaves.extend(leaves);
        self.blocks.push(block);
    }

    /// Where the head of the next block stands in the chain of heads.
    pub fn next_link(&self) -> ChainLink {
        self.link_at(self.blocks.len()).next(self.last_head_hash())
    }

    /// The hash of the latest head.
    fn last_head_hash(&self) -> Hash {
        self.head_hashes
            .last()
            .copied()
            .unwrap_or(ChainLink::GENESIS_PREV)
    }

    /// Where the head after `blocks` blocks stands (`blocks` at most the
    /// log's block count).
    fn link_at(&self, blocks: usize) -> ChainLink {
        match blocks.checked_sub(1) {
            None => ChainLink::genesis(),
            Some(before) => ChainLink {
                blocks: blocks as u64,
                prev: self.head_hashes[before],
            },
        }
    }

    /// The signed head after `blocks` blocks (the header's for 0), if the
    /// log has that many.
    pub fn head_after(&self, blocks: u64) -> Option<SignedHead> {
        let count = usize::try_from(blocks).ok()?;
        let head = match count.checked_sub(1) {
            None => self.genesis,
            Some(last) => self.blocks.get(last)?.head,
        };
        Some(SignedHead {
            key: self.key,
            link: self.link_at(count),
            head,
        })
    }

    /// The log's verifying key.
    pub fn key(&self) -> &VerifyingKey {
        &self.key
    }

    /// The blocks.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The leaf hashes of all records, in order.
    pub fn leaves(&self) -> &[Hash] {
        &self.leaves
    }

    /// All records, in order.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.blocks.iter().flat_map(|b| &b.records)
    }

    /// The latest signed head.
    pub fn head(&self) -> SignedHead {
        SignedHead {
            key: self.key,
            link: self.link_at(self.blocks.len()),
            head: self.blocks.last().map_or(self.genesis, |b| b.head),
        }
    }

    /// Check that this log extends the pinned head: same key, at least as
    /// many records, the same root over the pinned head's records, and the
    /// pinned head itself after as many blocks (which, by the chain of
    /// heads, fixes every block and time before it).
    pub fn check_extends(&self, pinned: &SignedHead) -> Result<(), PinMismatch> {
        if pinned.verify().is_err() {
            return Err(PinMismatch::BadPinnedSignature);
        }
        if pinned.key != self.key {
            return Err(PinMismatch::OtherKey);
        }
        let have = self.leaves.len() as u64;
        let size = pinned.head.size;
        if size > have {
            return Err(PinMismatch::Shorter { pinned: size, have });
        }
        let prefix =
            usize::try_from(size).map_err(|_| PinMismatch::Shorter { pinned: size, have })?;
        if merkle::root(&self.leaves[..prefix]) != pinned.head.root {
            return Err(PinMismatch::Rewritten { size });
        }
        let blocks = pinned.link.blocks;
        match self.head_after(blocks) {
            Some(head) if head.same_as(pinned) => Ok(()),
            _ => Err(PinMismatch::Resigned { blocks }),
        }
    }

    /// An inclusion proof of record `index` in the latest head.
    pub fn prove_inclusion(&self, index: u64) -> Result<Proof> {
        let out_of_range = || Error::ProofRange {
            what: format!("record {index}"),
            size: self.leaves.len() as u64,
        };
        let i = usize::try_from(index).map_err(|_| out_of_range())?;
        let path = merkle::inclusion_proof(i, &self.leaves).ok_or_else(out_of_range)?;
        let record = self.records().nth(i).cloned().ok_or_else(out_of_range)?;
        Ok(Proof::Inclusion {
            index,
            size: self.leaves.len() as u64,
            record: Box::new(record),
            path,
        })
    }

    /// A consistency proof from an older head of `old_size` records to the
    /// latest head.
    pub fn prove_consistency(&self, old_size: u64) -> Result<Proof> {
        let out_of_range = || Error::ProofRange {
            what: format!("an older head of {old_size} records"),
            size: self.leaves.len() as u64,
        };
        let m = usize::try_from(old_size).map_err(|_| out_of_range())?;
        let path = merkle::consistency_proof(m, &self.leaves).ok_or_else(out_of_range)?;
        Ok(Proof::Consistency {
            old_size,
            new_size: self.leaves.len() as u64,
            path,
        })
    }

    /// The upload record's entry for one partition of a file version.
    pub fn upload_entry(
        &self,
        file: &Label,
        version: u32,
        label: &Label,
    ) -> Result<&PartitionDigest> {
        self.records()
            .find_map(|record| match record {
                Record::Upload {
                    file: f,
                    version: v,
                    partitions,
                } if f == file && *v == version => partitions.iter().find(|p| &p.label == label),
                _ => None,
            })
            .ok_or_else(|| Error::NotInLedger {
                file: file.to_string(),
                partition: label.clone(),
                version,
            })
    }

    /// The owner's upload key, from the log's first record.
    pub fn owner_upload_key(&self) -> Option<&VerifyingKey> {
        match self.records().next() {
            Some(Record::Owner { upload_key, .. }) => Some(upload_key),
            _ => None,
        }
    }

    /// Whether an upload of partition `label` of `file` at `version` is
    /// recorded.
    pub fn has_upload(&self, file: &Label, version: u32, label: &Label) -> bool {
        self.upload_entry(file, version, label).is_ok()
    }

    /// The version after the highest recorded upload of `file` (1 when
    /// there is none); [`Error::VersionOverflow`] after version 2^32 - 1.
    pub fn next_version(&self, file: &Label) -> Result<u32> {
        let latest = self
            .records()
            .filter_map(|r| match r {
                Record::Upload {
                    file: f, version, ..
                } if f == file => Some(*version),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        latest.checked_add(1).ok_or_else(|| Error::VersionOverflow {
            file: file.to_string(),
        })
    }
}
