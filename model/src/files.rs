//! Opening files in directories another party may write: only regular
//! files are read, and opening never waits (a FIFO put where a file belongs
//! would otherwise block the reader for ever).

use std::fs::{self, File, FileType};
use std::path::Path;

use crate::error::{Error, Result, io_error};

/// Whether a symbolic link at the opened path itself is followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Links {
    /// Follow it (a path the user named).
    Follow,
    /// Refuse it (a path inside a directory someone else writes).
    Refuse,
}

/// Open `path` for reading if it is a regular file; [`Error::NotAFile`]
/// naming what it is otherwise (a FIFO, a device, a socket, a directory or,
/// with [`Links::Refuse`], a symbolic link), without blocking on any.
pub(crate) fn open_regular(path: &Path, links: Links) -> Result<File> {
    let file = open_without_waiting(path, links).map_err(|source| {
        let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if links == Links::Refuse && is_link {
            not_a_file(path, "a symbolic link")
        } else {
            io_error(path)(source)
        }
    })?;
    let kind = file.metadata().map_err(io_error(path))?.file_type();
    if kind.is_file() {
        Ok(file)
    } else {
        Err(not_a_file(path, describe(kind)))
    }
}

fn not_a_file(path: &Path, kind: &'static str) -> Error {
    Error::NotAFile {
        path: path.to_path_buf(),
        kind,
    }
}

/// Open for reading in non-blocking mode (which regular files ignore), not
/// through a final symbolic link with [`Links::Refuse`].
#[cfg(unix)]
fn open_without_waiting(path: &Path, links: Links) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut flags = libc::O_NONBLOCK;
    if links == Links::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
}

/// Open for reading, a final symbolic link refused with [`Links::Refuse`]
/// (checked just before opening).
#[cfg(not(unix))]
fn open_without_waiting(path: &Path, links: Links) -> std::io::Result<File> {
    if links == Links::Refuse && fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(std::io::Error::from(std::io::ErrorKind::InvalidInput));
    }
    File::open(path)
}

/// What a file that is not a regular file is, for messages.
fn describe(kind: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::mpsc;
    use std::time::Duration;

    /// The kind `open_regular` refuses `path` as, waiting at most 10 s.
    fn refused_as(path: &Path, links: Links) -> &'static str {
        let (send, receive) = mpsc::channel();
        let owned = path.to_path_buf();
        std::thread::spawn(move || {
            let _ = send.send(open_regular(&owned, links).map(|_| ()));
        });
        match receive.recv_timeout(Duration::from_secs(10)) {
            Ok(Err(Error::NotAFile { kind, .. })) => kind,
            other => panic!("{}: {other:?}", path.display()),
        }
    }

    #[test]
    fn only_regular_files_are_opened_and_nothing_blocks() {
        let dir = std::env::temp_dir().join(format!("sesphr-files-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let at = |name: &str| -> PathBuf { dir.join(name) };
        fs::write(at("plain"), b"text").unwrap();
        assert!(open_regular(&at("plain"), Links::Refuse).is_ok());
        let made = std::process::Command::new("mkfifo")
            .arg(at("fifo"))
            .status()
            .unwrap();
        assert!(made.success());
        assert_eq!(refused_as(&at("fifo"), Links::Follow), "a FIFO");
        assert_eq!(refused_as(&dir, Links::Follow), "a directory");
        assert_eq!(
            refused_as(Path::new("/dev/null"), Links::Follow),
            "a character device"
        );
        std::os::unix::fs::symlink(at("plain"), at("link")).unwrap();
        assert_eq!(refused_as(&at("link"), Links::Refuse), "a symbolic link");
        assert!(open_regular(&at("link"), Links::Follow).is_ok());
        std::os::unix::fs::symlink(at("fifo"), at("to-fifo")).unwrap();
        assert_eq!(refused_as(&at("to-fifo"), Links::Follow), "a FIFO");
        assert!(matches!(
            open_regular(&at("missing"), Links::Refuse),
            Err(Error::Io { .. })
        ));
        fs::remove_dir_all(&dir).unwrap();
    }
}
