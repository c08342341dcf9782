//! Keeps timely's connection messages off standard output.
//!
//! timely's TCP set-up prints "awaiting connections" and retry lines with
//! `println!`; on process 0 they would mix with the report (and break
//! `--json`). While the workers run, file descriptor 1 points at standard
//! error; it is restored afterwards.

use std::io::Write;

/// Runs `f` with standard output sent to standard error (where the system
/// allows; otherwise unchanged).
pub fn to_stderr_during<T>(f: impl FnOnce() -> T) -> T {
    let _ = std::io::stdout().flush();
    // SAFETY: dup and dup2 on the process's own standard descriptors; the
    // saved copy is closed after it is restored.
    #[allow(unsafe_code)]
    let saved = unsafe { libc::dup(1) };
    #[allow(unsafe_code)]
    let redirected = saved >= 0 && unsafe { libc::dup2(2, 1) } >= 0;
    let result = f();
    let _ = std::io::stdout().flush();
    if saved >= 0 {
        #[allow(unsafe_code)]
        unsafe {
            if redirected {
                libc::dup2(saved, 1);
            }
            libc::close(saved);
        }
    }
    result
}
