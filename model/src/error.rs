//! The crate's typed errors: every refusal and every detected fault.

use std::path::PathBuf;

use crate::policy::{Label, UserId};

/// Why the SRS (or the owner) refused an access.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DenyReason {
    /// The user is not registered with the SRS.
    UnknownUser,
    /// The user's rights do not include this partition.
    NotGranted,
    /// The user was revoked by the owner.
    Revoked,
    /// The version was written before the user joined and the owner's policy
    /// does not open past versions to newcomers.
    BeforeJoining,
    /// The SRS holds no re-encryption key for this user.
    NoReKey,
    /// The SRS holds no R value for this file, version and partition.
    NoRValue,
}

impl std::fmt::Display for DenyReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            DenyReason::UnknownUser => "unknown user",
            DenyReason::NotGranted => "partition not granted",
            DenyReason::Revoked => "user revoked",
            DenyReason::BeforeJoining => "version written before the user joined",
            DenyReason::NoReKey => "no re-encryption key held",
            DenyReason::NoRValue => "no R value for this partition version",
        };
        f.write_str(text)
    }
}

/// What is wrong with a ledger block.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TamperReason {
    /// The line is not a well-formed block (or head) in canonical form.
    BadEncoding(String),
    /// The block's sequence number is not its position.
    SequenceMismatch {
        /// The position in the file.
        expected: u64,
        /// The number stored in the block.
        found: u64,
    },
    /// The block does not point to the previous block's hash.
    PrevHashMismatch,
    /// The stored Merkle root does not match the block's records.
    MerkleRootMismatch,
    /// The stored block hash does not match the block's contents.
    HashMismatch,
    /// The file ends without its head line (truncated or cut after a block).
    MissingHead,
    /// The head line names another block count or last hash.
    HeadMismatch,
    /// The file does not end with a newline after the head (partial write).
    TrailingData,
}

impl std::fmt::Display for TamperReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TamperReason::BadEncoding(why) => write!(f, "malformed block: {why}"),
            TamperReason::SequenceMismatch { expected, found } => {
                write!(f, "sequence number {found} where {expected} was expected")
            }
            TamperReason::PrevHashMismatch => f.write_str("previous-hash link broken"),
            TamperReason::MerkleRootMismatch => f.write_str("Merkle root does not match records"),
            TamperReason::HashMismatch => f.write_str("block hash does not match contents"),
            TamperReason::MissingHead => f.write_str("head line missing (file truncated)"),
            TamperReason::HeadMismatch => f.write_str("head line does not match the last block"),
            TamperReason::TrailingData => f.write_str("data after the head line"),
        }
    }
}

/// Every error of the SeSPHR library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The SRS refused to serve R (SESPHR.md D_R_F), or the owner refused a join.
    #[error("access denied to {user} for partition {partition}: {reason}")]
    AccessDenied {
        /// The requesting user.
        user: UserId,
        /// The partition asked for.
        partition: Label,
        /// Why.
        reason: DenyReason,
    },
    /// AES-GCM authentication failed: wrong key, wrong associated data or a
    /// modified ciphertext. Never a silent wrong plaintext.
    #[error("authentication tag mismatch on {file} v{version} {partition}")]
    TagMismatch {
        /// The file id.
        file: String,
        /// The partition label.
        partition: Label,
        /// The version.
        version: u32,
    },
    /// A downloaded ciphertext's SHA-256 differs from the digest in the ledger.
    #[error("ciphertext digest of {file} v{version} {partition} differs from the ledger")]
    DigestMismatch {
        /// The file id.
        file: String,
        /// The partition label.
        partition: Label,
        /// The version.
        version: u32,
    },
    /// The ledger failed verification; `block` is the first bad block.
    #[error("ledger tampered at block {block}: {reason}")]
    LedgerTampered {
        /// Index of the first bad block (the head line counts as block `n`).
        block: u64,
        /// What is wrong with it.
        reason: TamperReason,
    },
    /// The ledger has no upload record for this file version and partition.
    #[error("ledger has no upload of {file} v{version} {partition}")]
    NotInLedger {
        /// The file id.
        file: String,
        /// The partition label.
        partition: Label,
        /// The version.
        version: u32,
    },
    /// A byte encoding (key, R value, ciphertext, object name) is invalid.
    #[error("invalid {what} encoding: {reason}")]
    Decode {
        /// What was being decoded.
        what: &'static str,
        /// Why it is invalid.
        reason: String,
    },
    /// The cloud store has no such object.
    #[error("no object {name} in the cloud store")]
    NoSuchObject {
        /// The object's name.
        name: String,
    },
    /// The operating system's random generator failed.
    #[error("the OS random generator failed: {0}")]
    Randomness(String),
    /// Family and friends join only with the owner's approval.
    #[error("{user} cannot join as {role} without the owner's approval")]
    JoinRefused {
        /// The user.
        user: UserId,
        /// The role asked for.
        role: crate::policy::Role,
    },
    /// The SRS holds no key pair for this user (paper mode).
    #[error("the SRS holds no key pair for {0}")]
    MissingKey(UserId),
    /// A user id is already registered.
    #[error("user {0} is already registered")]
    DuplicateUser(UserId),
    /// A file operation failed.
    #[error("I/O error on {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A JSON document could not be read or written.
    #[error("JSON error in {}: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Wrap an I/O error with the path it concerns.
pub(crate) fn io_error(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |source| Error::Io { path, source }
}
