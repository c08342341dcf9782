//! Keeps timely's connection messages off standard output.
//!
//! timely's TCP set-up prints "awaiting connections" and retry lines with
//! `println!`; on process 0 they would mix with the report (and break
//! `--json`). While the workers run, file descriptor 1 points at standard
//! error, or at the null device where the messages are not wanted (a
//! supervised run on loopback); it is restored afterwards.

use std::io::Write;

/// Runs `f` with standard output sent to standard error, or dropped if
/// `quiet` (where the system allows; otherwise unchanged). Where `f` fails
/// it stays so: a run whose processes did not connect leaves timely's
/// thread printing its waiting lines until the process ends, and nothing
/// of the failed run belongs on standard output.
pub fn redirected_during<T, E>(quiet: bool, f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    let _ = std::io::stdout().flush();
    let null = quiet
        .then(|| {
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/null")
                .ok()
        })
        .flatten();
    let target = null.as_ref().map_or(2, std::os::fd::AsRawFd::as_raw_fd);
    // SAFETY: dup and dup2 on the process's own standard descriptors and an
    // open file; the saved copy is closed afterwards (after it is restored,
    // where it is).
    #[allow(unsafe_code)]
    let saved = unsafe { libc::dup(1) };
    #[allow(unsafe_code)]
    let redirected = saved >= 0 && unsafe { libc::dup2(target, 1) } >= 0;
    let result = f();
    let _ = std::io::stdout().flush();
    if saved >= 0 {
        #[allow(unsafe_code)]
        unsafe {
            if redirected && result.is_ok() {
                libc::dup2(saved, 1);
            }
            libc::close(saved);
        }
    }
    result
}
