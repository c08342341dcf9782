//! Inclusion and consistency proofs as documents a reader can check against
//! signed heads it trusts.

use serde::{Deserialize, Serialize};

use super::block::Record;
use super::hash::Hash;
use super::head::SignedHead;
use super::merkle::{self, ProofError};

/// A proof about the log, as printed by `sesphr ledger prove` (JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Proof {
    /// Record `index` is in the tree of `size` records.
    Inclusion {
        /// The record's position, from 0.
        index: u64,
        /// The tree size the proof is for.
        size: u64,
        /// The record itself (its leaf hash is recomputed).
        record: Box<Record>,
        /// The audit path (RFC 9162, 2.1.3).
        path: Vec<Hash>,
    },
    /// The tree of `old_size` records is a prefix of the tree of `new_size`.
    Consistency {
        /// The older size.
        old_size: u64,
        /// The newer size.
        new_size: u64,
        /// The consistency path (RFC 9162, 2.1.4).
        path: Vec<Hash>,
    },
}

/// Why a proof was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofCheckError {
    /// A head's signature does not verify with its key.
    #[error("the {0} head's signature is invalid")]
    BadHeadSignature(&'static str),
    /// The two heads are signed by different keys.
    #[error("the two heads are signed by different keys")]
    KeysDiffer,
    /// The proof is for another tree size than the head.
    #[error("the proof is for {proof} records, the {which} head has {head}")]
    SizeMismatch {
        /// Which head.
        which: &'static str,
        /// The proof's size.
        proof: u64,
        /// The head's size.
        head: u64,
    },
    /// A consistency proof needs the older head.
    #[error("a consistency proof needs the older head too")]
    MissingOldHead,
    /// The path does not lead to the head's root.
    #[error("{0}")]
    Path(#[from] ProofError),
}

impl Proof {
    /// Check the proof against `head` (and, for a consistency proof, the
    /// older head `old`); both heads' signatures are checked.
    pub fn check(
        &self,
        head: &SignedHead,
        old: Option<&SignedHead>,
    ) -> Result<(), ProofCheckError> {
        head.verify()
            .map_err(|_| ProofCheckError::BadHeadSignature("newer"))?;
        let size_matches = |which, proof: u64, h: &SignedHead| {
            if proof == h.head.size {
                Ok(())
            } else {
                Err(ProofCheckError::SizeMismatch {
                    which,
                    proof,
                    head: h.head.size,
                })
            }
        };
        match self {
            Proof::Inclusion {
                index,
                size,
                record,
                path,
            } => {
                size_matches("given", *size, head)?;
                merkle::verify_inclusion(
                    *index,
                    *size,
                    &record.leaf_hash(),
                    path,
                    &head.head.root,
                )?;
            }
            Proof::Consistency {
                old_size,
                new_size,
                path,
            } => {
                let old = old.ok_or(ProofCheckError::MissingOldHead)?;
                old.verify()
                    .map_err(|_| ProofCheckError::BadHeadSignature("older"))?;
                if old.key != head.key {
                    return Err(ProofCheckError::KeysDiffer);
                }
                size_matches("newer", *new_size, head)?;
                size_matches("older", *old_size, old)?;
                merkle::verify_consistency(
                    *old_size,
                    *new_size,
                    &old.head.root,
                    &head.head.root,
                    path,
                )?;
            }
        }
        Ok(())
    }
}
