//! The untrusted cloud: an on-disk store of versioned objects.
//!
//! Layout: `DIR/objects/<file>/v<version>/<label>.ct`. Every write goes to a
//! temporary file in `DIR/tmp`, is flushed to disk, linked into place (a
//! new object never replaces an existing one) and the directory is flushed,
//! so a crash leaves no object or the whole object, never half of one, and
//! at most a leftover temporary file. The store decides nothing: version
//! numbers come from the ledger, and `audit` checks the objects against it.

use std::fs::{self, File, FileType};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result, io_error};
use crate::files::{Links, open_regular};
use crate::ledger::Hash;
use crate::policy::Label;

/// Names one stored partition ciphertext.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId {
    /// The PHR file id.
    pub file: Label,
    /// The record version (from 1).
    pub version: u32,
    /// The partition label.
    pub label: Label,
}

impl std::fmt::Display for ObjectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/v{}/{}", self.file, self.version, self.label)
    }
}

/// A directory acting as the cloud's object store.
#[derive(Debug)]
pub struct CloudStore {
    root: PathBuf,
    temp_counter: AtomicU64,
}

impl CloudStore {
    /// Open (creating if needed) a store in `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<CloudStore> {
        let root = root.into();
        for sub in ["objects", "tmp"] {
            let dir = root.join(sub);
            fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        }
        Ok(CloudStore {
            root,
            temp_counter: AtomicU64::new(0),
        })
    }

    /// The store in `root` as it is, for reading: nothing is created (an
    /// auditor changes nothing; a missing `objects` or `tmp` is empty).
    pub fn existing(root: impl Into<PathBuf>) -> CloudStore {
        CloudStore {
            root: root.into(),
            temp_counter: AtomicU64::new(0),
        }
    }

    /// The store's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn file_dir(&self, file: &Label) -> PathBuf {
        self.root.join("objects").join(file.as_str())
    }

    /// Where an object lives on disk.
    pub fn path_of(&self, id: &ObjectId) -> PathBuf {
        self.file_dir(&id.file)
            .join(format!("v{}", id.version))
            .join(format!("{}.ct", id.label))
    }

    /// Refuses an object whose path passes through a symbolic link inside
    /// the store (`objects`, the file's and the version's directories, the
    /// object itself): an untrusted store cannot make a client read or write
    /// outside it. Components that do not exist yet are no links.
    fn refuse_links(&self, id: &ObjectId) -> Result<()> {
        let object = self.path_of(id);
        let objects = self.root.join("objects");
        object
            .ancestors()
            .take_while(|dir| dir.starts_with(&objects))
            .try_for_each(refuse_link)
    }

    /// Store a new object atomically. Storing the same bytes again is a
    /// no-op; other bytes under an existing name are refused
    /// ([`Error::ObjectExists`]): an object is never replaced.
    pub fn put(&self, id: &ObjectId, bytes: &[u8]) -> Result<()> {
        let (temp, target) = self.stage(id, bytes)?;
        // A hard link, unlike a rename, never replaces an existing file.
        let linked = fs::hard_link(&temp, &target);
        let _ = fs::remove_file(&temp);
        match linked {
            Ok(()) => self.sync_parent(&target),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if self.get(id)? == bytes {
                    Ok(())
                } else {
                    Err(Error::ObjectExists {
                        name: id.to_string(),
                    })
                }
            }
            Err(e) => Err(io_error(&target)(e)),
        }
    }

    /// Write `bytes` to a flushed temporary file; returns it and the target.
    /// Writes refuse a link at `tmp` too (reads do not go through it).
    fn stage(&self, id: &ObjectId, bytes: &[u8]) -> Result<(PathBuf, PathBuf)> {
        self.refuse_links(id)?;
        refuse_link(&self.root.join("tmp"))?;
        let target = self.path_of(id);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(io_error(dir))?;
        }
        let temp = self.root.join("tmp").join(format!(
            "{}-{}.tmp",
            std::process::id(),
            self.temp_counter.fetch_add(1, Ordering::Relaxed)
        ));
        let written = File::create(&temp)
            .and_then(|mut out| {
                out.write_all(bytes)?;
                out.sync_all()
            })
            .map_err(io_error(&temp));
        if let Err(e) = written {
            let _ = fs::remove_file(&temp);
            return Err(e);
        }
        Ok((temp, target))
    }

    fn sync_parent(&self, target: &Path) -> Result<()> {
        let dir = target.parent().unwrap_or(&self.root);
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io_error(dir))
    }

    /// Whether an object is stored under `id` (whatever its bytes), without
    /// reading it; refuses a path through a symbolic link as `get` does.
    pub fn holds(&self, id: &ObjectId) -> Result<bool> {
        self.refuse_links(id)?;
        let path = self.path_of(id);
        match fs::symlink_metadata(&path) {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_error(&path)(e)),
        }
    }

    /// Fetch an object.
    pub fn get(&self, id: &ObjectId) -> Result<Vec<u8>> {
        let (mut file, path) = self.open_object(id)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io_error(path))?;
        Ok(bytes)
    }

    /// The SHA-256 of an object, read in blocks: an object of any size
    /// costs no more memory than a small one.
    pub fn digest(&self, id: &ObjectId) -> Result<Hash> {
        let (file, path) = self.open_object(id)?;
        Hash::of_reader(file).map_err(io_error(path))
    }

    /// Open an object for reading, and its path: through no symbolic link,
    /// and only a regular file (a FIFO is refused, not waited on);
    /// [`Error::NoSuchObject`] where there is none.
    fn open_object(&self, id: &ObjectId) -> Result<(File, PathBuf)> {
        self.refuse_links(id)?;
        let path = self.path_of(id);
        match open_regular(&path, Links::Refuse) {
            Ok(file) => Ok((file, path)),
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                Err(Error::NoSuchObject {
                    name: id.to_string(),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Every object in the store, the leftover temporary files of
    /// interrupted writes, the entries that are not objects (names outside
    /// the layout, and anything that is not a plain directory or file where
    /// one belongs: a symbolic link is not followed, so an untrusted store
    /// cannot make the auditor read elsewhere) and the parts that cannot be
    /// read, each sorted. Nothing stops the listing: what cannot be read is
    /// named and the rest listed.
    pub fn list(&self) -> Listing {
        let mut listing = Listing::default();
        // The root holds `objects` and `tmp`, plain folders, and nothing else.
        for entry in listing.entries(&self.root) {
            match name_of(&entry.path).as_deref() {
                Some("objects") if entry.kind.is_dir() => listing.list_objects(&entry.path),
                Some("tmp") if entry.kind.is_dir() => listing.list_temps(&entry.path),
                _ => listing.strays.push(entry.path),
            }
        }
        listing
    }

    /// Test hook for a tampering cloud: flip the bits of `mask` in byte
    /// `offset` (modulo the object's length) of a stored object.
    pub fn tamper(&self, id: &ObjectId, offset: usize, mask: u8) -> Result<()> {
        let mut bytes = self.get(id)?;
        if let Some(len) = std::num::NonZeroUsize::new(bytes.len()) {
            bytes[offset % len.get()] ^= mask;
        }
        self.overwrite(id, &bytes)
    }

    /// Replace an object's bytes, as a tampering cloud does (the hook by
    /// which a simulated net's cloud mirrors its `tamper` transition). The
    /// protocol's own writes use [`CloudStore::put`], which never replaces.
    pub fn overwrite(&self, id: &ObjectId, bytes: &[u8]) -> Result<()> {
        let (temp, target) = self.stage(id, bytes)?;
        fs::rename(&temp, &target).map_err(io_error(&target))?;
        self.sync_parent(&target)
    }
}

/// The content of a store: its objects, leftover temporary files, entries
/// outside the layout and what could not be read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// The objects, sorted by file, version and label.
    pub objects: Vec<ObjectId>,
    /// The entries of `tmp` (a `tmp` that is no plain directory is a stray).
    pub temps: Vec<PathBuf>,
    /// Files or directories whose names do not fit the layout.
    pub strays: Vec<PathBuf>,
    /// What could not be read: nothing under these paths is listed.
    pub unreadable: Vec<Unreadable>,
}

/// A part of the store that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// The directory or file.
    pub path: PathBuf,
    /// Why: the operating system's error.
    pub reason: String,
}

/// An entry of a directory and its type (a link's own type: not followed).
struct Entry {
    path: PathBuf,
    kind: FileType,
}

impl Listing {
    /// The objects under `objects`, a plain directory.
    fn list_objects(&mut self, objects: &Path) {
        for file_dir in self.entries(objects) {
            let file = name_of(&file_dir.path).and_then(|n| Label::new(&n).ok());
            match file.filter(|_| file_dir.kind.is_dir()) {
                Some(file) => self.list_file(&file, &file_dir.path),
                None => self.strays.push(file_dir.path),
            }
        }
    }

    /// The objects of `file` under its plain directory `dir`.
    fn list_file(&mut self, file: &Label, dir: &Path) {
        for version_dir in self.entries(dir) {
            let version = name_of(&version_dir.path).and_then(|n| version_of(&n));
            match version.filter(|_| version_dir.kind.is_dir()) {
                Some(version) => self.list_version(file, version, &version_dir.path),
                None => self.strays.push(version_dir.path),
            }
        }
    }

    /// The objects of `file` at `version` under its plain directory `dir`.
    fn list_version(&mut self, file: &Label, version: u32, dir: &Path) {
        for object in self.entries(dir) {
            let label = name_of(&object.path)
                .and_then(|n| n.strip_suffix(".ct").and_then(|l| Label::new(l).ok()));
            match label.filter(|_| object.kind.is_file()) {
                Some(label) => self.objects.push(ObjectId {
                    file: file.clone(),
                    version,
                    label,
                }),
                None => self.strays.push(object.path),
            }
        }
    }

    /// The entries of `tmp`, a plain directory.
    fn list_temps(&mut self, tmp: &Path) {
        let temps = self.entries(tmp);
        self.temps.extend(temps.into_iter().map(|e| e.path));
    }

    /// The entries of `dir` with their types, sorted (none when it does not
    /// exist). What cannot be read is added to `unreadable`: `dir` when it
    /// cannot be listed or searched (its entries' types cannot be read
    /// then, so none is returned), else the entry whose type cannot be read.
    fn entries(&mut self, dir: &Path) -> Vec<Entry> {
        let paths = match sorted_entries(dir) {
            Ok(paths) => paths,
            Err(e) => {
                self.unreadable(dir, e.to_string());
                return Vec::new();
            }
        };
        let mut entries = Vec::with_capacity(paths.len());
        for path in paths {
            match fs::symlink_metadata(&path) {
                Ok(meta) => entries.push(Entry {
                    path,
                    kind: meta.file_type(),
                }),
                // Gone since the directory was read.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                    self.unreadable(dir, format!("cannot search the directory: {e}"));
                    return Vec::new();
                }
                Err(e) => self.unreadable(&path, e.to_string()),
            }
        }
        entries
    }

    fn unreadable(&mut self, path: &Path, reason: String) {
        self.unreadable.push(Unreadable {
            path: path.to_path_buf(),
            reason,
        });
    }
}

/// The entries of a directory, sorted (none when it does not exist).
fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut paths = entries
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    paths.sort();
    Ok(paths)
}

/// Refuses `path` if it is a symbolic link ([`Error::LinkInStore`]).
fn refuse_link(path: &Path) -> Result<()> {
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Error::LinkInStore {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// The version a directory name stands for: only `v` and the number as the
/// store writes it (from 1, no sign, no leading zero), so that no other name
/// (`v01`, `v+1`) is read as the same version and its content left unread.
fn version_of(name: &str) -> Option<u32> {
    let version = name.strip_prefix('v')?.parse::<u32>().ok()?;
    (version >= 1 && name == format!("v{version}")).then_some(version)
}

fn name_of(path: &Path) -> Option<String> {
    path.file_name().and_then(|n| n.to_str()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(version: u32, label: &str) -> ObjectId {
        ObjectId {
            file: Label::new("rec").unwrap(),
            version,
            label: Label::new(label).unwrap(),
        }
    }

    #[test]
    fn objects_are_never_replaced_listed_and_tampered() {
        let dir = std::env::temp_dir().join(format!("sesphr-cloud-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let cloud = CloudStore::open(&dir).unwrap();
        assert_eq!(cloud.list(), Listing::default());
        cloud.put(&id(1, "medical"), b"one").unwrap();
        cloud.put(&id(2, "medical"), b"two").unwrap();
        cloud.put(&id(2, "medical"), b"two").unwrap();
        assert!(matches!(
            cloud.put(&id(2, "medical"), b"TWO"),
            Err(Error::ObjectExists { .. })
        ));
        assert_eq!(cloud.get(&id(1, "medical")).unwrap(), b"one");
        assert_eq!(cloud.get(&id(2, "medical")).unwrap(), b"two");
        assert!(matches!(
            cloud.get(&id(3, "medical")),
            Err(Error::NoSuchObject { .. })
        ));
        cloud.tamper(&id(1, "medical"), 5, 0x01).unwrap();
        assert_eq!(cloud.get(&id(1, "medical")).unwrap(), b"ond");
        assert!(cloud.list().temps.is_empty());
        fs::write(dir.join("objects/rec/v2/notes.txt"), b"?").unwrap();
        fs::write(dir.join("tmp/9-9.tmp"), b"?").unwrap();
        let listing = cloud.list();
        assert_eq!(listing.objects, vec![id(1, "medical"), id(2, "medical")]);
        assert_eq!(listing.strays, vec![dir.join("objects/rec/v2/notes.txt")]);
        assert_eq!(listing.temps, vec![dir.join("tmp/9-9.tmp")]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_the_stores_own_version_names_are_versions() {
        assert_eq!(version_of("v1"), Some(1));
        assert_eq!(version_of("v4294967295"), Some(u32::MAX));
        for name in [
            "v0",
            "v01",
            "v+1",
            "v-1",
            "v",
            "1",
            "V1",
            "v1 ",
            "v4294967296",
        ] {
            assert_eq!(version_of(name), None, "{name}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_object_that_is_a_fifo_is_refused_not_waited_on() {
        let dir = std::env::temp_dir().join(format!("sesphr-cloud-fifo-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let cloud = CloudStore::open(&dir).unwrap();
        cloud.put(&id(1, "medical"), b"one").unwrap();
        let object = cloud.path_of(&id(1, "medical"));
        fs::remove_file(&object).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&object)
            .status()
            .unwrap();
        assert!(made.success());
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = send.send((
                cloud.get(&id(1, "medical")),
                cloud.digest(&id(1, "medical")),
            ));
        });
        let (got, digest) = receive
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("reading a FIFO object returns at once");
        for result in [got.map(|_| ()), digest.map(|_| ())] {
            assert!(
                matches!(&result, Err(Error::NotAFile { kind: "a FIFO", path }) if *path == object),
                "{result:?}"
            );
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    /// Whether `result` is the refusal of the link at `path`.
    #[cfg(unix)]
    fn is_link_error<T>(result: Result<T>, path: &Path) -> bool {
        matches!(result, Err(Error::LinkInStore { path: p }) if p == path)
    }

    #[cfg(unix)]
    #[test]
    fn links_in_the_store_are_refused_not_followed() {
        use std::os::unix::fs::symlink;
        let dir = std::env::temp_dir().join(format!("sesphr-cloud-links-{}", std::process::id()));
        let elsewhere = dir.with_extension("elsewhere");
        let _ = fs::remove_dir_all(&dir);
        let _ = fs::remove_dir_all(&elsewhere);
        fs::create_dir_all(elsewhere.join("v1")).unwrap();
        fs::write(elsewhere.join("secret.txt"), b"not the cloud's").unwrap();
        let cloud = CloudStore::open(&dir).unwrap();
        // A file's directory that points outside: no write lands there.
        symlink(&elsewhere, dir.join("objects/rec")).unwrap();
        let linked = dir.join("objects/rec");
        assert!(is_link_error(cloud.put(&id(1, "medical"), b"one"), &linked));
        assert!(is_link_error(cloud.get(&id(1, "medical")), &linked));
        assert!(!elsewhere.join("v1/medical.ct").exists());
        assert!(cloud.list().temps.is_empty());
        // An object that points at another file: not read.
        fs::remove_file(&linked).unwrap();
        fs::create_dir_all(dir.join("objects/rec/v1")).unwrap();
        let object = dir.join("objects/rec/v1/medical.ct");
        symlink(elsewhere.join("secret.txt"), &object).unwrap();
        assert!(is_link_error(cloud.get(&id(1, "medical")), &object));
        assert!(is_link_error(
            cloud.tamper(&id(1, "medical"), 0, 1),
            &object
        ));
        assert_eq!(
            fs::read(elsewhere.join("secret.txt")).unwrap(),
            b"not the cloud's"
        );
        // Plain objects beside it are served as before.
        cloud.put(&id(1, "insurance"), b"two").unwrap();
        assert_eq!(cloud.get(&id(1, "insurance")).unwrap(), b"two");
        fs::remove_dir_all(&dir).unwrap();
        fs::remove_dir_all(&elsewhere).unwrap();
    }
}
