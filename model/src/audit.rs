//! `audit`: a system directory's cloud store checked against its ledger.
//!
//! Every object must be listed by a signed upload record with the same
//! SHA-256; every listed partition must be in the store; no temporary file
//! of an interrupted write may be left. The audit only reads: it creates
//! nothing in the directory. [`repair`] moves what is in the way into a
//! quarantine folder beside the store (temporary files, and objects no
//! upload lists, where the whole ledger verifies), deleting nothing, and
//! leaves the rest to the owner.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};

use crate::cloud::{CloudStore, ObjectId, Unreadable};
use crate::error::{Error, Result, TamperReason, io_error};
use crate::ledger::{self, Hash, Log, PinMismatch, Record, SignedHead};
use crate::system::{CLOUD_DIR, LEDGER_FILE};
use crate::upload::UploadStatement;

/// One problem found by [`audit`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finding {
    /// The directory holds no ledger file.
    LedgerMissing(PathBuf),
    /// The ledger cannot be read: not a regular file (a symbolic link is
    /// not followed, a FIFO not waited on), too large, or an I/O error.
    LedgerUnreadable {
        /// The ledger file.
        path: PathBuf,
        /// Why (the OS error, or what the path is).
        reason: String,
    },
    /// The ledger fails verification at `line` (objects are checked against
    /// the part before it).
    LedgerTampered {
        /// The ledger file.
        path: PathBuf,
        /// The first bad line.
        line: u64,
        /// What is wrong.
        reason: TamperReason,
    },
    /// The ledger (at this path) is not an extension of the pinned head.
    NotAnExtension(PathBuf, PinMismatch),
    /// A stored object's SHA-256 differs from the ledger's.
    Corrupted(ObjectId),
    /// The ledger lists an object the store does not hold.
    Missing(ObjectId),
    /// The store holds an object no upload record lists (an interrupted
    /// upload, or a planted object), the whole ledger verifying.
    Orphaned(ObjectId),
    /// The store holds an object no upload of the ledger's verified part
    /// lists, while the ledger is missing, tampered with or not an
    /// extension of the pinned head: whether a genuine upload lists it is
    /// unknown, so it is no orphan and [`repair`] keeps it.
    Unvouched(ObjectId),
    /// An upload entry carries no owner signature (or the ledger registers
    /// no owner key).
    Unsigned(ObjectId),
    /// An upload entry's owner signature does not verify.
    Forged(ObjectId),
    /// A temporary file left by an interrupted write.
    LeftoverTemp(PathBuf),
    /// A file or directory in the store whose name is outside the layout.
    Stray(PathBuf),
    /// A part of the store that could not be read (permission denied, an
    /// I/O error): nothing under it is checked, nor called missing.
    Unreadable(Unreadable),
}

impl Finding {
    /// Whether [`repair`] can fix it (by moving a file no record needs into
    /// the quarantine).
    pub fn repairable(&self) -> bool {
        matches!(self, Finding::Orphaned(_) | Finding::LeftoverTemp(_))
    }

    /// A stable name of its kind, for machine-readable reports: the first
    /// words of its message, in `snake_case`.
    pub fn kind(&self) -> &'static str {
        match self {
            Finding::LedgerMissing(_) => "ledger_missing",
            Finding::LedgerUnreadable { .. } => "ledger_unreadable",
            Finding::LedgerTampered { .. } => "ledger_tampered",
            Finding::NotAnExtension(..) => "ledger_not_an_extension",
            Finding::Corrupted(_) => "corrupted",
            Finding::Missing(_) => "missing",
            Finding::Orphaned(_) => "orphaned",
            Finding::Unvouched(_) => "unverified",
            Finding::Unsigned(_) => "unsigned",
            Finding::Forged(_) => "forged",
            Finding::LeftoverTemp(_) => "leftover_temporary_file",
            Finding::Stray(_) => "unexpected_entry",
            Finding::Unreadable(_) => "unreadable",
        }
    }

    /// The stored object it is about, if it is about one.
    pub fn object(&self) -> Option<&ObjectId> {
        match self {
            Finding::Corrupted(id)
            | Finding::Missing(id)
            | Finding::Orphaned(id)
            | Finding::Unvouched(id)
            | Finding::Unsigned(id)
            | Finding::Forged(id) => Some(id),
            _ => None,
        }
    }

    /// Whether the ledger itself cannot be trusted as a whole (missing,
    /// tampered with, or not an extension of the pinned head).
    pub fn distrusts_the_ledger(&self) -> bool {
        matches!(
            self,
            Finding::LedgerMissing(_)
                | Finding::LedgerUnreadable { .. }
                | Finding::LedgerTampered { .. }
                | Finding::NotAnExtension(..)
        )
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::LedgerMissing(path) => write!(f, "ledger missing: {}", shown(path)),
            Finding::LedgerUnreadable { path, reason } => {
                write!(f, "ledger unreadable: {}: {reason}", shown(path))
            }
            Finding::LedgerTampered { path, line, reason } => {
                write!(f, "ledger TAMPERED: {}:{line}: {reason}", shown(path))
            }
            Finding::NotAnExtension(path, why) => write!(
                f,
                "ledger not an extension of the pinned head: {}: {why}",
                shown(path)
            ),
            Finding::Corrupted(id) => {
                write!(f, "corrupted: {id} (SHA-256 differs from the ledger)")
            }
            Finding::Missing(id) => {
                write!(f, "missing: {id} (listed in the ledger, not in the store)")
            }
            Finding::Orphaned(id) => {
                write!(f, "orphaned: {id} (in the store, listed by no upload)")
            }
            Finding::Unvouched(id) => write!(
                f,
                "unverified: {id} (in the store, listed by no upload of the ledger's verified part; kept)"
            ),
            Finding::Unsigned(id) => write!(f, "unsigned: {id} (no owner signature in the ledger)"),
            Finding::Forged(id) => write!(f, "forged: {id} (owner signature invalid)"),
            Finding::LeftoverTemp(path) => write!(f, "leftover temporary file: {}", shown(path)),
            Finding::Stray(path) => write!(f, "unexpected entry in the store: {}", shown(path)),
            Finding::Unreadable(part) => {
                write!(f, "unreadable: {} ({})", shown(&part.path), part.reason)
            }
        }
    }
}

/// `path` as text that tells names apart: each byte that is not UTF-8 as
/// `\x{..}` (where `Path::display` shows every such byte as U+FFFD).
fn shown(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::fmt::Write;
        use std::os::unix::ffi::OsStrExt;
        let mut text = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            text.push_str(chunk.valid());
            for byte in chunk.invalid() {
                let _ = write!(text, "\\x{{{byte:02x}}}");
            }
        }
        text
    }
    #[cfg(not(unix))]
    {
        path.display().to_string()
    }
}

/// What [`audit`] found.
#[derive(Clone, Debug)]
pub struct AuditReport {
    /// Objects in the store (those that could not be read included).
    pub objects: usize,
    /// Partition versions listed by the ledger.
    pub listed: usize,
    /// The latest head of the ledger's verified part, when there is a
    /// ledger (of the whole ledger unless a finding says it is tampered).
    pub head: Option<SignedHead>,
    /// The problems, in a stable order.
    pub findings: Vec<Finding>,
}

impl AuditReport {
    /// Whether the ledger verifies whole but records nothing (not one block:
    /// a ledger cut back to its header verifies) while the store holds
    /// objects, which then all look orphaned.
    pub fn empty_ledger_beside_objects(&self) -> bool {
        self.objects > 0
            && !self.findings.iter().any(Finding::distrusts_the_ledger)
            && self.head.is_some_and(|head| head.link.blocks == 0)
    }
}

/// Audit the system directory `dir` (`dir/ledger.jsonl`, `dir/cloud`),
/// optionally against a pinned head. Only a `dir` that cannot be read
/// (missing, not a directory, not listable) is an error; everything wrong
/// inside it, a ledger or a part of the store that cannot be read included,
/// is a [`Finding`], and the audit goes on with the rest.
pub fn audit(dir: &Path, pinned: Option<&SignedHead>) -> Result<AuditReport> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(Error::Io {
                path: dir.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
            });
        }
        Err(source) => {
            return Err(Error::Io {
                path: dir.to_path_buf(),
                source,
            });
        }
    }
    let mut findings = Vec::new();
    let ledger_path = dir.join(LEDGER_FILE);
    let log = read_ledger(&ledger_path, &mut findings);
    if let (Some(log), Some(pinned)) = (&log, pinned)
        && let Err(why) = log.check_extends(pinned)
    {
        findings.push(Finding::NotAnExtension(ledger_path.clone(), why));
    }
    for temp in ledger_temp_files(dir)? {
        findings.push(Finding::LeftoverTemp(temp));
    }
    let store = CloudStore::existing(dir.join(CLOUD_DIR));
    let view = StoreView::read(&store);
    let listed = log.as_ref().map(listed_objects).unwrap_or_default();
    let owner_key = log.as_ref().and_then(Log::owner_upload_key);
    let stored = &view.stored;
    for (id, (digest, check)) in &listed {
        match stored.get(id) {
            None if view.hides(&store.path_of(id)) => {}
            None => findings.push(Finding::Missing(id.clone())),
            Some(actual) if actual != digest => findings.push(Finding::Corrupted(id.clone())),
            Some(_) => {}
        }
        match check.check(owner_key) {
            Ok(()) => {}
            Err(Error::ForgedUpload { .. }) => findings.push(Finding::Forged(id.clone())),
            Err(_) => findings.push(Finding::Unsigned(id.clone())),
        }
    }
    let ledger_trusted = !findings.iter().any(Finding::distrusts_the_ledger);
    for id in stored.keys().filter(|id| !listed.contains_key(*id)) {
        findings.push(if ledger_trusted {
            Finding::Orphaned(id.clone())
        } else {
            Finding::Unvouched(id.clone())
        });
    }
    let objects = view.objects;
    findings.extend(view.temps.into_iter().map(Finding::LeftoverTemp));
    findings.extend(view.strays.into_iter().map(Finding::Stray));
    findings.extend(view.unreadable.into_iter().map(Finding::Unreadable));
    Ok(AuditReport {
        objects,
        listed: listed.len(),
        head: log.as_ref().map(Log::head),
        findings,
    })
}

/// What the audit read of the store.
#[derive(Default)]
struct StoreView {
    /// The SHA-256 of every object that could be read.
    stored: BTreeMap<ObjectId, Hash>,
    /// Objects in the store, read or not.
    objects: usize,
    /// Leftover temporary files.
    temps: Vec<PathBuf>,
    /// Entries outside the layout (the store itself, if it is a link).
    strays: Vec<PathBuf>,
    /// What could not be read.
    unreadable: Vec<Unreadable>,
}

impl StoreView {
    /// Read `store` as far as it can be read: every object is hashed, and
    /// what cannot be read is named rather than stopping the audit.
    fn read(store: &CloudStore) -> StoreView {
        let mut view = StoreView::default();
        let root = store.root();
        match std::fs::symlink_metadata(root) {
            Ok(meta) if meta.is_dir() => {}
            // The store itself may not be a link (to another store) either.
            Ok(_) => {
                view.strays.push(root.to_path_buf());
                return view;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return view,
            Err(e) => {
                view.unreadable.push(Unreadable {
                    path: root.to_path_buf(),
                    reason: e.to_string(),
                });
                return view;
            }
        }
        let listing = store.list();
        view.objects = listing.objects.len();
        for id in listing.objects {
            match store.digest(&id) {
                Ok(digest) => {
                    view.stored.insert(id, digest);
                }
                Err(e) => view.unreadable.push(Unreadable {
                    path: store.path_of(&id),
                    reason: reason_of(&e),
                }),
            }
        }
        view.temps = listing.temps;
        view.strays = listing.strays;
        view.unreadable.extend(listing.unreadable);
        view
    }

    /// Whether `path` lies in (or is) a part that could not be read.
    fn hides(&self, path: &Path) -> bool {
        self.unreadable.iter().any(|u| path.starts_with(&u.path))
    }
}

/// The verified part of the ledger at `path` (not followed if it is a
/// symbolic link), with what is wrong with it added to `findings`.
fn read_ledger(path: &Path, findings: &mut Vec<Finding>) -> Option<Log> {
    let path_buf = path.to_path_buf();
    match ledger::inspect_no_follow(path) {
        Ok(inspection) => {
            if let Some((line, reason)) = inspection.fault {
                findings.push(Finding::LedgerTampered {
                    path: path_buf,
                    line,
                    reason,
                });
            }
            inspection.log
        }
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            findings.push(Finding::LedgerMissing(path_buf));
            None
        }
        Err(e) => {
            findings.push(Finding::LedgerUnreadable {
                path: path_buf,
                reason: reason_of(&e),
            });
            None
        }
    }
}

/// What went wrong reading a file, without its path (the finding names it).
fn reason_of(error: &Error) -> String {
    match error {
        Error::Io { source, .. } => source.to_string(),
        Error::NotAFile { kind, .. } => {
            format!("{kind}, not a regular file (not followed or read)")
        }
        Error::TooLarge { limit, .. } => format!("larger than {limit} bytes"),
        other => other.to_string(),
    }
}

/// A signature check to run on one listed partition.
struct EntryCheck {
    file: crate::policy::Label,
    version: u32,
    entry: ledger::PartitionDigest,
}

impl EntryCheck {
    fn check(&self, owner_key: Option<&crate::crypto::VerifyingKey>) -> Result<()> {
        UploadStatement::check_entry(&self.file, self.version, &self.entry, owner_key)
    }
}

/// Every partition version the log's upload records list.
fn listed_objects(log: &Log) -> BTreeMap<ObjectId, (Hash, EntryCheck)> {
    let mut listed = BTreeMap::new();
    for record in log.records() {
        if let Record::Upload {
            file,
            version,
            partitions,
        } = record
        {
            for entry in partitions {
                let id = ObjectId {
                    file: file.clone(),
                    version: *version,
                    label: entry.label.clone(),
                };
                let check = EntryCheck {
                    file: file.clone(),
                    version: *version,
                    entry: entry.clone(),
                };
                listed.insert(id, (entry.digest, check));
            }
        }
    }
    listed
}

/// Temporary files of interrupted ledger appends in `dir`.
fn ledger_temp_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let prefix = format!(".{LEDGER_FILE}.");
    let mut temps = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_error(dir))? {
        let path = entry.map_err(io_error(dir))?.path();
        let is_temp = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".tmp"));
        if is_temp {
            temps.push(path);
        }
    }
    temps.sort();
    Ok(temps)
}

/// The folder of `DIR` that [`repair`] moves files into, outside the cloud
/// store: it deletes nothing.
pub const QUARANTINE_DIR: &str = "quarantine";

/// Fix the repairable findings of `report`: move leftover temporary files
/// and orphaned objects out of the way, into `dir/quarantine` (under their
/// path relative to `dir`), so that nothing is ever deleted: an object no
/// upload of the ledger lists may still be genuine (a ledger cut back to an
/// earlier block verifies, and without a pinned head as recent as the cut
/// nothing shows it). Returns the findings it fixed. Run it only when no
/// upload is in progress: an upload's objects are orphans until its ledger
/// record is written. Objects are not even moved where the ledger is in
/// doubt ([`Finding::Unvouched`]).
pub fn repair(dir: &Path, report: &AuditReport) -> Result<Vec<Finding>> {
    let store = CloudStore::existing(dir.join(CLOUD_DIR));
    let mut fixed = Vec::new();
    for finding in &report.findings {
        let path = match finding {
            Finding::LeftoverTemp(path) => path.clone(),
            Finding::Orphaned(id) => store.path_of(id),
            _ => continue,
        };
        quarantine(dir, &path)?;
        fixed.push(finding.clone());
    }
    Ok(fixed)
}

/// Moves `path` (inside `dir`) to the same relative path under
/// `dir/quarantine`, with `.1`, `.2`, ... appended where that is taken.
/// Nothing is moved through a symbolic link, on either side: every folder
/// between `dir` and `path`, and `quarantine` and every folder under it, must
/// be a plain directory ([`Error::QuarantineRefused`] otherwise), so a
/// planted link cannot send a file outside `dir`.
fn quarantine(dir: &Path, path: &Path) -> Result<PathBuf> {
    let relative = path
        .strip_prefix(dir)
        .ok()
        .filter(|r| r.components().all(|c| matches!(c, Component::Normal(_))))
        .ok_or_else(|| refused(path, "lies outside the system directory"))?;
    if let Some(parent) = relative.parent() {
        for folder in walk(dir, parent).iter().skip(1) {
            require_plain_dir(folder)?;
        }
    }
    let base = dir.join(QUARANTINE_DIR).join(relative);
    let into = Path::new(QUARANTINE_DIR).join(relative.parent().unwrap_or(Path::new("")));
    for folder in walk(dir, &into).iter().skip(1) {
        make_plain_dir(folder)?;
    }
    let mut target = base.clone();
    let mut n = 0u32;
    while std::fs::symlink_metadata(&target).is_ok() {
        n += 1;
        let mut name = base.clone().into_os_string();
        name.push(format!(".{n}"));
        target = PathBuf::from(name);
    }
    std::fs::rename(path, &target).map_err(io_error(path))?;
    Ok(target)
}

/// `dir`, then `dir` joined with each longer prefix of `relative`.
fn walk(dir: &Path, relative: &Path) -> Vec<PathBuf> {
    let mut at = dir.to_path_buf();
    let mut folders = vec![at.clone()];
    for part in relative.components() {
        at.push(part);
        folders.push(at.clone());
    }
    folders
}

/// Refuses `folder` unless it is a directory itself (not a link to one).
fn require_plain_dir(folder: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(folder).map_err(io_error(folder))?;
    if meta.file_type().is_symlink() {
        Err(refused(folder, "is a symbolic link"))
    } else if meta.is_dir() {
        Ok(())
    } else {
        Err(refused(folder, "is not a directory"))
    }
}

/// Makes `folder` (its parent a plain directory) unless it exists, then
/// refuses it unless it is a plain directory: an existing link is never
/// followed (creating a folder over a link fails, it does not go through).
fn make_plain_dir(folder: &Path) -> Result<()> {
    match std::fs::create_dir(folder) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => require_plain_dir(folder),
        Err(e) => Err(io_error(folder)(e)),
    }
}

fn refused(path: &Path, reason: &'static str) -> Error {
    Error::QuarantineRefused {
        path: path.to_path_buf(),
        reason,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::policy::Label;
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn names_that_are_not_utf8_are_shown_apart() {
        let ff = Path::new(OsStr::from_bytes(b"v1/bad\xffname"));
        let fe = Path::new(OsStr::from_bytes(b"v1/bad\xfename"));
        assert_eq!(shown(ff), "v1/bad\\x{ff}name");
        assert_eq!(shown(fe), "v1/bad\\x{fe}name");
        assert_eq!(shown(Path::new("v1/caf\u{e9}.ct")), "v1/caf\u{e9}.ct");
        let stray = Finding::Stray(ff.to_path_buf()).to_string();
        assert_eq!(stray, "unexpected entry in the store: v1/bad\\x{ff}name");
    }

    #[test]
    fn each_kind_names_the_first_words_of_its_message() {
        let path = PathBuf::from("ledger.jsonl");
        let id = ObjectId {
            file: Label::new("phr").unwrap(),
            version: 1,
            label: Label::new("medical").unwrap(),
        };
        let findings = [
            Finding::LedgerMissing(path.clone()),
            Finding::LedgerUnreadable {
                path: path.clone(),
                reason: "a FIFO".into(),
            },
            Finding::LedgerTampered {
                path: path.clone(),
                line: 3,
                reason: TamperReason::NotCanonical,
            },
            Finding::NotAnExtension(path.clone(), PinMismatch::OtherKey),
            Finding::Corrupted(id.clone()),
            Finding::Missing(id.clone()),
            Finding::Orphaned(id.clone()),
            Finding::Unvouched(id.clone()),
            Finding::Unsigned(id.clone()),
            Finding::Forged(id.clone()),
            Finding::LeftoverTemp(path.clone()),
            Finding::Stray(path.clone()),
            Finding::Unreadable(Unreadable {
                path,
                reason: "permission denied".into(),
            }),
        ];
        let mut kinds: Vec<_> = findings.iter().map(Finding::kind).collect();
        for finding in &findings {
            let words = finding.kind().replace('_', " ");
            let message = finding.to_string().to_lowercase();
            assert!(message.starts_with(&words), "{message} / {words}");
            let about_an_object = finding.object() == Some(&id);
            assert_eq!(
                about_an_object,
                finding.to_string().contains("phr/v1/medical")
            );
        }
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds.len(), findings.len(), "one kind per variant");
    }
}
