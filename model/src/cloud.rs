//! The untrusted cloud: an on-disk store of versioned objects.
//!
//! Layout: `DIR/objects/<file>/v<version>/<label>.ct`. Every write goes to a
//! temporary file in `DIR/tmp`, is flushed to disk, renamed into place and the
//! directory is flushed, so a crash leaves either the old object or the new
//! one, never half of one.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result, io_error};
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

    /// Store an object atomically (replacing any previous content).
    pub fn put(&self, id: &ObjectId, bytes: &[u8]) -> Result<()> {
        let target = self.path_of(id);
        let dir = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone());
        fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        let temp = self.root.join("tmp").join(format!(
            "{}-{}.tmp",
            std::process::id(),
            self.temp_counter.fetch_add(1, Ordering::Relaxed)
        ));
        let mut out = File::create(&temp).map_err(io_error(&temp))?;
        out.write_all(bytes).map_err(io_error(&temp))?;
        out.sync_all().map_err(io_error(&temp))?;
        drop(out);
        fs::rename(&temp, &target).map_err(io_error(&target))?;
        File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(io_error(&dir))
    }

    /// Fetch an object.
    pub fn get(&self, id: &ObjectId) -> Result<Vec<u8>> {
        let path = self.path_of(id);
        fs::read(&path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                Error::NoSuchObject {
                    name: id.to_string(),
                }
            } else {
                Error::Io { path, source }
            }
        })
    }

    /// The highest stored version of a file (0 when there is none).
    pub fn latest_version(&self, file: &Label) -> Result<u32> {
        let dir = self.file_dir(file);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(io_error(&dir)(e)),
        };
        let mut latest = 0;
        for entry in entries {
            let entry = entry.map_err(io_error(&dir))?;
            let name = entry.file_name();
            let version = name
                .to_str()
                .and_then(|n| n.strip_prefix('v'))
                .and_then(|n| n.parse::<u32>().ok());
            latest = latest.max(version.unwrap_or(0));
        }
        Ok(latest)
    }

    /// Test hook for a tampering cloud: flip the bits of `mask` in byte
    /// `offset` (modulo the object's length) of a stored object.
    pub fn tamper(&self, id: &ObjectId, offset: usize, mask: u8) -> Result<()> {
        let mut bytes = self.get(id)?;
        if let Some(len) = std::num::NonZeroUsize::new(bytes.len()) {
            bytes[offset % len.get()] ^= mask;
        }
        self.put(id, &bytes)
    }
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
    fn objects_are_versioned_replaced_and_tampered() {
        let dir = std::env::temp_dir().join(format!("sesphr-cloud-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let cloud = CloudStore::open(&dir).unwrap();
        assert_eq!(
            cloud.latest_version(&Label::new("rec").unwrap()).unwrap(),
            0
        );
        cloud.put(&id(1, "medical"), b"one").unwrap();
        cloud.put(&id(2, "medical"), b"two").unwrap();
        cloud.put(&id(2, "medical"), b"TWO").unwrap();
        assert_eq!(cloud.get(&id(1, "medical")).unwrap(), b"one");
        assert_eq!(cloud.get(&id(2, "medical")).unwrap(), b"TWO");
        assert_eq!(
            cloud.latest_version(&Label::new("rec").unwrap()).unwrap(),
            2
        );
        assert!(matches!(
            cloud.get(&id(3, "medical")),
            Err(Error::NoSuchObject { .. })
        ));
        cloud.tamper(&id(1, "medical"), 5, 0x01).unwrap();
        assert_eq!(cloud.get(&id(1, "medical")).unwrap(), b"ond");
        assert_eq!(fs::read_dir(dir.join("tmp")).unwrap().count(), 0);
        fs::remove_dir_all(&dir).unwrap();
    }
}
