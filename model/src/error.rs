//! The crate's typed errors: every refusal and every detected fault.

use std::path::PathBuf;

use crate::policy::{Label, NameError, UserId};

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

/// What is wrong with a line of a ledger file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TamperReason {
    /// The first line is not the log header (or the file is empty).
    MissingHeader,
    /// The header names a format version this code does not read.
    UnsupportedVersion(u32),
    /// A header line after the first line.
    HeaderNotFirst,
    /// The line is not valid JSON (column of the first error).
    NotJson {
        /// Column (from 1) where the JSON breaks.
        column: usize,
    },
    /// The line is JSON of the wrong shape: an unknown or missing field, a
    /// value of the wrong type, a malformed hash, key or signature.
    WrongShape {
        /// Column (from 1) where the offending value ends.
        column: usize,
    },
    /// The line parses but is not in canonical form (changed spacing,
    /// escapes or field order).
    NotCanonical,
    /// The last line has no newline: cut in the middle.
    IncompleteLine,
    /// The block's sequence number is not its position.
    SequenceMismatch {
        /// The position in the file.
        expected: u64,
        /// The number stored in the block.
        found: u64,
    },
    /// The head's record count does not match the records so far.
    SizeMismatch {
        /// Records so far.
        expected: u64,
        /// The count in the head.
        found: u64,
    },
    /// The head's Merkle root does not match the records so far.
    RootMismatch,
    /// The head's signature does not verify with the log's key.
    BadSignature,
    /// An `owner` record that is not the log's first record.
    OwnerNotFirst,
    /// A second upload record for the same partition version.
    DuplicateUpload {
        /// The file id.
        file: String,
        /// The version.
        version: u32,
        /// The partition label.
        partition: Label,
    },
    /// The block's head is timestamped earlier than the head before it
    /// (the previous block's, or the header's for block 0): a re-ordered or
    /// back-dated block, re-signed with the log's key.
    TimeWentBack {
        /// The block (its sequence number, from 0).
        block: u64,
        /// Its head's time, in milliseconds since the Unix epoch.
        timestamp_ms: u64,
        /// The previous head's time, in milliseconds since the Unix epoch.
        previous_ms: u64,
    },
}

impl std::fmt::Display for TamperReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TamperReason::MissingHeader => f.write_str("the log header line is missing"),
            TamperReason::UnsupportedVersion(v) => {
                write!(f, "unsupported ledger format version {v}")
            }
            TamperReason::HeaderNotFirst => f.write_str("a header line after the first line"),
            TamperReason::NotJson { column } => write!(f, "not valid JSON (column {column})"),
            TamperReason::WrongShape { column } => {
                write!(f, "not a well-formed block (column {column})")
            }
            TamperReason::NotCanonical => f.write_str("not in canonical form"),
            TamperReason::IncompleteLine => f.write_str("incomplete last line (no newline)"),
            TamperReason::SequenceMismatch { expected, found } => {
                write!(f, "sequence number {found} where {expected} was expected")
            }
            TamperReason::SizeMismatch { expected, found } => {
                write!(f, "head counts {found} records where there are {expected}")
            }
            TamperReason::RootMismatch => f.write_str("Merkle root does not match the records"),
            TamperReason::BadSignature => f.write_str("tree head signature invalid"),
            TamperReason::OwnerNotFirst => f.write_str("owner record after the first record"),
            TamperReason::DuplicateUpload {
                file,
                version,
                partition,
            } => write!(f, "second upload record for {file} v{version} {partition}"),
            TamperReason::TimeWentBack {
                block,
                timestamp_ms,
                previous_ms,
            } => {
                let previous = block
                    .checked_sub(1)
                    .map_or_else(|| "the header's".to_owned(), |b| format!("block {b}'s"));
                write!(
                    f,
                    "block {block} is timestamped {timestamp_ms} ms, earlier than {previous} {previous_ms} ms (times must not go back)"
                )
            }
        }
    }
}

/// Every error of the SeSPHR library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The SRS refused to serve R (the paper's D_R_F), or the owner refused a join.
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
    /// modified ciphertext; the tag cannot tell which, so a corrupted
    /// re-encryption key or R value surfaces here too, naming the
    /// ciphertext. Never a silent wrong plaintext.
    #[error("authentication tag mismatch on {file} v{version} {partition}")]
    TagMismatch {
        /// The file id.
        file: String,
        /// The partition label.
        partition: Label,
        /// The version.
        version: u32,
    },
    /// [`System::read`](crate::system::System::read): the ciphertext
    /// matches the digest the owner signed (so it is the one uploaded), yet
    /// the partition key derived from the SRS's answer and the reader's
    /// secret fails its tag: the re-encryption key or the R value the SRS
    /// used is wrong (corrupted), or the secret key is not the reader's.
    /// (`open` and `steps::decrypt`, which check no digest, report any of
    /// these as [`Error::TagMismatch`].)
    #[error(
        "the partition key of {file} v{version} {partition} does not open its authentic ciphertext: a wrong re-encryption key or R value at the SRS, or a secret key that is not the reader's"
    )]
    WrongPartitionKey {
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
    /// The ledger failed verification; `line` is the first bad line.
    #[error("ledger tampered at line {line}: {reason}")]
    LedgerTampered {
        /// The first bad line, from 1 (line 1 is the header, line n + 2
        /// block n).
        line: u64,
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
    /// Hardened mode: the owner has no key pair for this partition label.
    #[error(
        "the owner has no key pair for partition {0} (hardened mode keeps one per label of the policy)"
    )]
    NoLabelKey(Label),
    /// A user id is already registered.
    #[error("user {0} is already registered")]
    DuplicateUser(UserId),
    /// The owner changed the rights of, installed a re-encryption key for,
    /// or revoked a user the SRS never enrolled.
    #[error("user {0} is not enrolled")]
    NotEnrolled(UserId),
    /// The owner granted or withdrew a right of a revoked user, or handed
    /// the SRS a re-encryption key for one: refused, so that revocation is
    /// final (a revoked user gets no new re-encryption key, hence nothing
    /// new even from an SRS that colludes with it).
    #[error(
        "user {0} was revoked: a revoked user is granted nothing and given no re-encryption key"
    )]
    Revoked(UserId),
    /// The owner revoked a user a second time (the first revocation is on
    /// the ledger; a second would record an event that changed nothing).
    #[error("user {0} is already revoked")]
    AlreadyRevoked(UserId),
    /// An upload of a document with no partition (it would use up a
    /// version number and record nothing).
    #[error("{file} has no partition to upload")]
    EmptyUpload {
        /// The file id.
        file: String,
    },
    /// An upload of a document whose owner is not the system's patient.
    #[error("{file} belongs to {owner}, not to this system's patient {patient}")]
    WrongOwner {
        /// The file id.
        file: String,
        /// The owner the document names.
        owner: UserId,
        /// The system's patient.
        patient: UserId,
    },
    /// An upload of a document that holds two partitions with one label.
    #[error("{file} holds two partitions labelled {partition}")]
    DuplicatePartition {
        /// The file id.
        file: String,
        /// The label used twice.
        partition: Label,
    },
    /// A signature does not verify.
    #[error("signature invalid")]
    BadSignature,
    /// An upload in the ledger carries no owner signature, or the ledger
    /// registers no owner key.
    #[error("upload {file} v{version} {partition} is not signed by the owner")]
    UnsignedUpload {
        /// The file id.
        file: String,
        /// The partition label.
        partition: Label,
        /// The version.
        version: u32,
    },
    /// The owner's signature on an upload does not verify.
    #[error("owner signature on {file} v{version} {partition} is invalid")]
    ForgedUpload {
        /// The file id.
        file: String,
        /// The partition label.
        partition: Label,
        /// The version.
        version: u32,
    },
    /// A second upload of the same partition version.
    #[error("{file} v{version} {partition} was already uploaded")]
    DuplicateUpload {
        /// The file id.
        file: String,
        /// The version.
        version: u32,
        /// The partition label.
        partition: Label,
    },
    /// A symbolic link where the cloud store has a directory or an object.
    #[error(
        "{} is a symbolic link in the cloud store: objects are read and written only through plain directories and files",
        path.display()
    )]
    LinkInStore {
        /// The link.
        path: PathBuf,
    },
    /// `audit --repair` would move a file through a path it must not use.
    #[error(
        "{} {reason}: repair moves files only through plain directories inside the system directory",
        path.display()
    )]
    QuarantineRefused {
        /// The offending path.
        path: PathBuf,
        /// What is wrong with it ("is a symbolic link", ...).
        reason: &'static str,
    },
    /// The cloud already holds an object that the ledger does not list.
    #[error(
        "the cloud already holds {name} (left by an interrupted upload? `sesphr audit --repair` removes it)"
    )]
    ObjectExists {
        /// The object's name.
        name: String,
    },
    /// No version number is left for this file.
    #[error("{file} has reached the last version number")]
    VersionOverflow {
        /// The file id.
        file: String,
    },
    /// An `owner` record that would not be the log's first record.
    #[error("an owner record can only be the first record of a ledger")]
    OwnerRecordMisplaced,
    /// A ledger was opened with another key than the one that signs it.
    #[error("{} is signed by another log key", path.display())]
    WrongLogKey {
        /// The ledger file.
        path: PathBuf,
    },
    /// A path that must be a regular file is something else (a FIFO, a
    /// device, a directory, or a symbolic link where links are not followed).
    #[error("{} is {kind}, not a regular file: only regular files are read", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is ("a FIFO", "a symbolic link", ...).
        kind: &'static str,
    },
    /// An input file exceeds its size limit.
    #[error("{} is larger than {limit} bytes", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// A proof was asked for a record or size the log does not have.
    #[error("the log of {size} records has no {what}")]
    ProofRange {
        /// What was asked for.
        what: String,
        /// The log's size.
        size: u64,
    },
    /// A secret scalar is zero where an inverse is needed.
    #[error("a secret scalar is zero and has no inverse")]
    ZeroScalar,
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

impl From<NameError> for Error {
    /// A refused name is an invalid encoding of what it names.
    fn from(error: NameError) -> Error {
        Error::Decode {
            what: error.what,
            reason: error.reason(),
        }
    }
}
