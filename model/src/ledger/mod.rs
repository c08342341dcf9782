//! The ledger: an append-only transparency log of records.
//!
//! File format (version 3): JSON lines in canonical compact form. The first
//! line is the [`LogHeader`] (`{"log":{"version":3,"key":...,"head":...}}`):
//! the log's Ed25519 verifying key and the signed head of the empty log.
//! Every further line is a [`Block`] (`{"block":{"seq":N,"records":[...],
//! "head":{...}}}`): records and the [`TreeHead`] after them: the number of
//! records so far, a timestamp and the RFC 9162 Merkle root over all records
//! so far, signed by the log's key together with the head's [`ChainLink`]
//! (the number of blocks so far and the hash of the previous head): no block
//! can be dropped, merged into the next or moved without the key, and a
//! head fixes every head before it. Heads' times never decrease along the
//! log: the appender clamps a clock that went back to the previous head's
//! time, and verification refuses a block timestamped earlier than the head
//! before it ([`TamperReason::TimeWentBack`](crate::TamperReason::TimeWentBack)).
//! A reader that pins a head
//! ([`SignedHead`], one line of text) can later check that the ledger only
//! grew ([`Log::check_extends`]), and anyone can prove that a record is in
//! the log or that one head extends another ([`Proof`]).
//!
//! Appending writes the whole new file to a temporary file beside it,
//! flushes it, renames it over the ledger and flushes the directory: a crash
//! or a full disk at any point leaves the old ledger or the new one, both
//! valid. One process appends at a time.

mod block;
mod hash;
mod head;
mod log;
pub mod merkle;
mod proof;
mod verify;

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

pub use block::{
    Block, ChainLink, FORMAT_VERSION, Line, LogHeader, Outcome, PartitionDigest, Record, TreeHead,
};
pub use hash::Hash;
pub use head::SignedHead;
pub use log::{Log, PinMismatch};
pub use proof::{Proof, ProofCheckError};
pub use verify::{Inspection, MAX_LEDGER_BYTES, inspect, inspect_bytes, inspect_no_follow};

use crate::crypto::SigningKey;
use crate::error::{Error, Result, io_error};
use crate::policy::Label;

/// Verify a ledger file: its blocks when intact, else
/// [`Error::LedgerTampered`] naming the first bad line.
pub fn verify(path: &Path) -> Result<Vec<Block>> {
    Ok(inspect(path)?.into_log()?.blocks().to_vec())
}

/// An open, verified ledger file that blocks can be appended to, with the
/// log's signing key.
#[derive(Debug)]
pub struct Ledger {
    path: PathBuf,
    key: SigningKey,
    log: Log,
    bytes: Vec<u8>,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A signed head at `link` over `size` records with `root`, timestamped
/// now, or `not_before` (the previous head's time) if the system clock
/// reads earlier: a head's time never goes back.
fn sign_head(
    key: &SigningKey,
    link: &ChainLink,
    size: u64,
    root: Hash,
    not_before: u64,
) -> TreeHead {
    let timestamp_ms = now_ms().max(not_before);
    TreeHead {
        size,
        timestamp_ms,
        root,
        signature: key.sign(&TreeHead::signed_bytes(link, size, timestamp_ms, &root)),
    }
}

impl Ledger {
    /// Create a new, empty ledger file signed by a fresh log key (fails if
    /// the file exists).
    pub fn create(path: impl Into<PathBuf>) -> Result<Ledger> {
        Ledger::create_with_key(path, SigningKey::generate()?)
    }

    /// Create a new, empty ledger file whose heads `key` signs (fails if the
    /// file exists).
    pub fn create_with_key(path: impl Into<PathBuf>, key: SigningKey) -> Result<Ledger> {
        let path = path.into();
        let header = LogHeader {
            version: FORMAT_VERSION,
            key: key.verifying_key(),
            head: sign_head(&key, &ChainLink::genesis(), 0, merkle::empty_root(), 0),
        };
        let bytes = Line::Log(header.clone()).to_line();
        let temp = write_temp(&path, &bytes)?;
        // A hard link does not replace an existing file, unlike a rename.
        let linked = fs::hard_link(&temp, &path).map_err(io_error(&path));
        let _ = fs::remove_file(&temp);
        linked?;
        sync_dir(&path)?;
        Ok(Ledger {
            path,
            log: Log::new(header.key, header.head),
            key,
            bytes,
        })
    }

    /// Open an existing ledger file, verifying it first; `key` must be the
    /// key that signed it ([`Error::WrongLogKey`] otherwise).
    pub fn open(path: impl Into<PathBuf>, key: SigningKey) -> Result<Ledger> {
        let path = path.into();
        let bytes = verify::read_capped(&path, crate::files::Links::Follow)?;
        let log = inspect_bytes(&bytes).into_log()?;
        if log.key() != &key.verifying_key() {
            return Err(Error::WrongLogKey { path: path.clone() });
        }
        Ok(Ledger {
            path,
            key,
            log,
            bytes,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The verified log.
    pub fn log(&self) -> &Log {
        &self.log
    }

    /// The blocks so far.
    pub fn blocks(&self) -> &[Block] {
        self.log.blocks()
    }

    /// The latest signed head (what readers pin).
    pub fn head(&self) -> SignedHead {
        self.log.head()
    }

    /// Append one block holding `records`, with a new signed head, by
    /// replacing the file atomically. Refused: an `owner` record anywhere
    /// but as the log's first record, and a second upload of a partition
    /// version (file, version, label). The head is timestamped now, or with
    /// the previous head's time if the system clock went back (verification
    /// refuses a block earlier than the one before it), so times never
    /// decrease along the log.
    pub fn append(&mut self, records: Vec<Record>) -> Result<&Block> {
        let mut seen = std::collections::HashSet::new();
        for (i, record) in records.iter().enumerate() {
            match record {
                Record::Owner { .. } if i != 0 || !self.log.leaves().is_empty() => {
                    return Err(Error::OwnerRecordMisplaced);
                }
                Record::Upload {
                    file,
                    version,
                    partitions,
                } => {
                    for entry in partitions {
                        let label = &entry.label;
                        if self.log.has_upload(file, *version, label)
                            || !seen.insert((file, *version, label))
                        {
                            return Err(Error::DuplicateUpload {
                                file: file.to_string(),
                                version: *version,
                                partition: label.clone(),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        let leaves: Vec<Hash> = records.iter().map(Record::leaf_hash).collect();
        let mut all = self.log.leaves().to_vec();
        all.extend_from_slice(&leaves);
        let link = self.log.next_link();
        let not_before = self.log.head().head.timestamp_ms;
        let head = sign_head(
            &self.key,
            &link,
            all.len() as u64,
            merkle::root(&all),
            not_before,
        );
        let block = Block {
            seq: self.log.blocks().len() as u64,
            records,
            head,
        };
        let mut bytes = self.bytes.clone();
        bytes.extend(Line::Block(block.clone()).to_line());
        replace_file(&self.path, &bytes)?;
        self.bytes = bytes;
        self.log.push(block, leaves);
        let blocks = self.log.blocks();
        Ok(&blocks[blocks.len() - 1])
    }

    /// The ledger's entry for one partition of an uploaded version.
    pub fn upload_entry(
        &self,
        file: &Label,
        version: u32,
        label: &Label,
    ) -> Result<&PartitionDigest> {
        self.log.upload_entry(file, version, label)
    }

    /// The digest recorded for a partition of an uploaded version.
    pub fn upload_digest(&self, file: &Label, version: u32, label: &Label) -> Result<Hash> {
        self.upload_entry(file, version, label).map(|p| p.digest)
    }
}

/// The temporary name used while `path` is being replaced.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "ledger".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Write `bytes` to the temporary file of `path` and flush it to disk.
fn write_temp(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let temp = temp_path(path);
    let written = File::create(&temp)
        .and_then(|mut out| {
            out.write_all(bytes)?;
            out.sync_all()
        })
        .map_err(io_error(&temp));
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written.map(|()| temp)
}

/// Replace `path` by `bytes` atomically: temporary file, flush, rename,
/// flush the directory.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = write_temp(path, bytes)?;
    if let Err(e) = fs::rename(&temp, path) {
        let _ = fs::remove_file(&temp);
        return Err(io_error(path)(e));
    }
    sync_dir(path)
}

/// Flush the directory holding `path` (so a rename survives a crash).
fn sync_dir(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_error(dir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TamperReason;
    use crate::policy::UserId;

    fn scratch(name: &str) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("ledger-unit-{name}-{}.jsonl", std::process::id()));
        let _ = fs::remove_file(&path);
        path
    }

    fn revoke(i: usize) -> Record {
        Record::Revoke {
            user: UserId::new(&format!("u{i}")).unwrap(),
        }
    }

    #[test]
    fn appends_survive_reopening_and_verify() {
        let path = scratch("reopen");
        let key = SigningKey::generate().unwrap();
        let seed = key.to_bytes();
        let mut ledger = Ledger::create_with_key(&path, key).unwrap();
        for i in 0..3 {
            ledger.append(vec![revoke(i)]).unwrap();
        }
        let head = ledger.head();
        assert_eq!(head.head.size, 3);
        let mut again = Ledger::open(&path, SigningKey::from_bytes(&*seed).unwrap()).unwrap();
        assert_eq!(again.blocks().len(), 3);
        assert_eq!(again.head(), head);
        again.append(vec![]).unwrap();
        assert_eq!(verify(&path).unwrap().len(), 4);
        assert!(matches!(
            Ledger::open(&path, SigningKey::generate().unwrap()),
            Err(Error::WrongLogKey { .. })
        ));
        assert!(matches!(Ledger::create(&path), Err(Error::Io { .. })));
        assert!(!temp_path(&path).exists());
        fs::remove_file(&path).unwrap();
    }

    #[test]
    fn owner_records_come_first_and_uploads_are_unique() {
        let path = scratch("rules");
        let mut ledger = Ledger::create(&path).unwrap();
        let owner = Record::Owner {
            user: UserId::new("alice").unwrap(),
            upload_key: SigningKey::generate().unwrap().verifying_key(),
        };
        assert!(matches!(
            ledger.append(vec![revoke(0), owner.clone()]),
            Err(Error::OwnerRecordMisplaced)
        ));
        ledger.append(vec![owner.clone()]).unwrap();
        assert!(matches!(
            ledger.append(vec![owner]),
            Err(Error::OwnerRecordMisplaced)
        ));
        let upload = |v| Record::Upload {
            file: Label::new("rec").unwrap(),
            version: v,
            partitions: vec![PartitionDigest {
                label: Label::new("medical").unwrap(),
                digest: Hash::of(b"c"),
                r_owner: None,
                signature: None,
            }],
        };
        assert!(matches!(
            ledger.append(vec![upload(1), upload(1)]),
            Err(Error::DuplicateUpload { version: 1, .. })
        ));
        ledger.append(vec![upload(1)]).unwrap();
        assert!(matches!(
            ledger.append(vec![upload(1)]),
            Err(Error::DuplicateUpload { version: 1, .. })
        ));
        let file = Label::new("rec").unwrap();
        assert_eq!(ledger.log().next_version(&file).unwrap(), 2);
        assert_eq!(verify(&path).unwrap().len(), 2);
        fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_failed_append_leaves_the_old_ledger() {
        let path = scratch("full");
        let mut ledger = Ledger::create(&path).unwrap();
        ledger.append(vec![revoke(0)]).unwrap();
        let before = fs::read(&path).unwrap();
        // A directory where the temporary file goes makes the write fail,
        // as a full disk would.
        fs::create_dir(temp_path(&path)).unwrap();
        assert!(ledger.append(vec![revoke(1)]).is_err());
        fs::remove_dir(temp_path(&path)).unwrap();
        assert_eq!(fs::read(&path).unwrap(), before);
        assert_eq!(ledger.blocks().len(), 1);
        ledger.append(vec![revoke(1)]).unwrap();
        assert_eq!(verify(&path).unwrap().len(), 2);
        fs::remove_file(&path).unwrap();
    }

    /// `lines` with block `block`'s head timestamped `timestamp_ms`, every
    /// head re-signed in its place by `key`: a consistent rewrite only the
    /// log key's holder can make.
    fn retimed(lines: &[Line], key: &SigningKey, block: u64, timestamp_ms: u64) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut place = ChainLink::genesis();
        for line in lines {
            let mut line = line.clone();
            let head = match &mut line {
                Line::Log(header) => header.head,
                Line::Block(b) => {
                    if b.seq == block {
                        b.head.timestamp_ms = timestamp_ms;
                    }
                    let h = &mut b.head;
                    let signed = TreeHead::signed_bytes(&place, h.size, h.timestamp_ms, &h.root);
                    h.signature = key.sign(&signed);
                    b.head
                }
            };
            place = place.next(head.hash(&place));
            bytes.extend(line.to_line());
        }
        bytes
    }

    /// A ledger of `blocks` one-record blocks, its key, and its parsed lines.
    fn sample(name: &str, blocks: usize) -> (PathBuf, SigningKey, Vec<Line>) {
        let path = scratch(name);
        let key = SigningKey::generate().unwrap();
        let seed = key.to_bytes();
        let mut ledger = Ledger::create_with_key(&path, key).unwrap();
        for i in 0..blocks {
            ledger.append(vec![revoke(i)]).unwrap();
        }
        let lines = lines_of(&path);
        (path, SigningKey::from_bytes(&*seed).unwrap(), lines)
    }

    fn time_of(line: &Line) -> u64 {
        match line {
            Line::Log(header) => header.head.timestamp_ms,
            Line::Block(block) => block.head.timestamp_ms,
        }
    }

    #[test]
    fn a_block_timestamped_before_the_one_before_it_is_refused() {
        let (path, key, lines) = sample("backdated", 5);
        // Re-signing every head unchanged gives the same file back.
        let same = retimed(&lines, &key, 3, time_of(&lines[4]));
        assert_eq!(same, fs::read(&path).unwrap());
        fs::remove_file(&path).unwrap();
        // Block 3 (line 5) one millisecond before block 2, re-signed.
        let earlier = time_of(&lines[3]) - 1;
        let inspection = inspect_bytes(&retimed(&lines, &key, 3, earlier));
        let expected = TamperReason::TimeWentBack {
            block: 3,
            timestamp_ms: earlier,
            previous_ms: earlier + 1,
        };
        assert_eq!(inspection.fault, Some((5, expected.clone())));
        assert_eq!(inspection.log.map(|log| log.blocks().len()), Some(3));
        let message = expected.to_string();
        assert!(
            message.contains("block 3") && message.contains("block 2's"),
            "{message}"
        );
        // Block 0 before the header's head.
        let before_header = time_of(&lines[0]) - 1;
        let inspection = inspect_bytes(&retimed(&lines, &key, 0, before_header));
        assert!(matches!(
            inspection.fault,
            Some((2, TamperReason::TimeWentBack { block: 0, .. }))
        ));
        // Equal times are fine (a clamped clock gives them).
        let equal = retimed(&lines, &key, 3, time_of(&lines[3]));
        assert!(inspect_bytes(&equal).fault.is_none());
    }

    #[test]
    fn an_append_after_the_clock_went_back_keeps_the_previous_time() {
        let (path, key, lines) = sample("clock", 2);
        // The last head an hour in the future: the clock now reads earlier.
        let future = now_ms() + 3_600_000;
        fs::write(&path, retimed(&lines, &key, 1, future)).unwrap();
        let mut ledger = Ledger::open(&path, key).unwrap();
        let block = ledger.append(vec![revoke(9)]).unwrap();
        assert_eq!(block.head.timestamp_ms, future);
        assert_eq!(verify(&path).unwrap().len(), 3);
        fs::remove_file(&path).unwrap();
    }

    /// The lines of a ledger file, parsed.
    fn lines_of(path: &Path) -> Vec<Line> {
        let bytes = fs::read(path).unwrap();
        bytes
            .split_inclusive(|&b| b == b'\n')
            .map(|line| serde_json::from_slice(line).unwrap())
            .collect()
    }

    /// `lines` written back with the blocks numbered by position, as one
    /// without the log key would try to hide a change.
    fn renumbered(lines: &[Line]) -> Vec<u8> {
        let mut seq = 0;
        let mut bytes = Vec::new();
        for line in lines {
            let mut line = line.clone();
            if let Line::Block(block) = &mut line {
                block.seq = seq;
                seq += 1;
            }
            bytes.extend(line.to_line());
        }
        bytes
    }

    #[test]
    fn blocks_are_neither_merged_nor_dropped_without_the_key() {
        let path = scratch("merge");
        let mut ledger = Ledger::create(&path).unwrap();
        for i in 0..4 {
            ledger.append(vec![revoke(i)]).unwrap();
        }
        let lines = lines_of(&path);
        fs::remove_file(&path).unwrap();
        for j in 1..lines.len() - 1 {
            // Block j's records moved into block j + 1, whose head covers them.
            let mut merged = lines.clone();
            let Line::Block(gone) = merged.remove(j) else {
                unreachable!("line {j} is a block")
            };
            if let Line::Block(next) = &mut merged[j] {
                next.records.splice(0..0, gone.records);
            }
            let line = j as u64 + 1;
            assert_eq!(
                inspect_bytes(&renumbered(&merged)).fault,
                Some((line, TamperReason::BadSignature)),
                "block {} merged into the next",
                j - 1
            );
            // The last block dropped with its records is a cut (a valid
            // shorter log); any other is caught.
            let mut dropped = lines.clone();
            dropped.remove(j);
            let fault = inspect_bytes(&renumbered(&dropped)).fault;
            assert!(fault.is_some(), "block {} dropped: {fault:?}", j - 1);
        }
    }

    #[test]
    fn a_pinned_head_fixes_the_blocks_and_times_before_it() {
        let seed = SigningKey::generate().unwrap().to_bytes();
        let build = |name: &str, blocks: &[&[usize]]| {
            let path = scratch(name);
            let key = SigningKey::from_bytes(&*seed).unwrap();
            let mut ledger = Ledger::create_with_key(&path, key).unwrap();
            for block in blocks {
                ledger
                    .append(block.iter().map(|&i| revoke(i)).collect())
                    .unwrap();
            }
            fs::remove_file(&path).unwrap();
            ledger
        };
        let one_by_one = build("pinned", &[&[0], &[1], &[2]]);
        let pinned = one_by_one.log().head_after(2).unwrap();
        assert_eq!(one_by_one.log().check_extends(&pinned), Ok(()));
        assert_eq!(one_by_one.log().check_extends(&one_by_one.head()), Ok(()));
        // The same records, regrouped and re-signed by the log's key.
        let regrouped = build("regrouped", &[&[0, 1, 2]]);
        assert_eq!(
            regrouped.log().check_extends(&pinned),
            Err(PinMismatch::Resigned { blocks: 2 })
        );
        // The same blocks, signed again later: the times differ.
        std::thread::sleep(std::time::Duration::from_millis(3));
        let retimed = build("retimed", &[&[0], &[1], &[2]]);
        assert_eq!(
            retimed.log().check_extends(&pinned),
            Err(PinMismatch::Resigned { blocks: 2 })
        );
        // A pinned head's text form round-trips and still verifies.
        let text = pinned.to_string();
        assert!(text.starts_with("sth2:2:2:"), "{text}");
        let parsed: SignedHead = text.parse().unwrap();
        assert_eq!(parsed, pinned);
        assert!(parsed.verify().is_ok());
        let moved = SignedHead {
            link: ChainLink::genesis().next(pinned.link.prev),
            ..pinned
        };
        assert!(moved.verify().is_err(), "a head verified at another place");
    }

    #[test]
    fn content_faults_name_the_line() {
        let path = scratch("faults");
        let mut ledger = Ledger::create(&path).unwrap();
        for i in 0..4 {
            ledger.append(vec![revoke(i)]).unwrap();
        }
        let bytes = fs::read(&path).unwrap();
        fs::remove_file(&path).unwrap();
        let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
        assert_eq!(lines.len(), 5);
        let fault = |b: &[u8]| inspect_bytes(b).fault;
        assert_eq!(fault(&bytes), None);
        let removed = [lines[0], lines[1], lines[3], lines[4]].concat();
        assert!(matches!(
            fault(&removed),
            Some((
                3,
                TamperReason::SequenceMismatch {
                    expected: 1,
                    found: 2
                }
            ))
        ));
        let swapped = [lines[0], lines[1], lines[3], lines[2], lines[4]].concat();
        assert!(matches!(fault(&swapped), Some((3, _))));
        let mid = &bytes[..lines[0].len() + lines[1].len() + 10];
        assert_eq!(fault(mid), Some((3, TamperReason::IncompleteLine)));
        assert_eq!(fault(b""), Some((1, TamperReason::MissingHeader)));
        let no_header = lines[1..].concat();
        assert_eq!(fault(&no_header), Some((1, TamperReason::MissingHeader)));
        // A whole-block cut verifies on its own: only a pinned head catches it.
        let cut = lines[..4].concat();
        assert_eq!(fault(&cut), None);
        let log = inspect_bytes(&cut).into_log().unwrap();
        assert_eq!(
            log.check_extends(&ledger.head()),
            Err(PinMismatch::Shorter { pinned: 4, have: 3 })
        );
    }
}
