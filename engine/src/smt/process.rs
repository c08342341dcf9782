//! Running the external SMT solver: the script on its standard input, its
//! answers read back, and the process killed at a deadline (answers given
//! before it are kept: Z3 writes each one as soon as it has it).

use std::io::Read;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::SmtError;

/// What the solver wrote, and whether the deadline stopped it.
pub struct SolverOutput {
    /// Its standard output: the answers, in script order.
    pub stdout: String,
    /// Its standard error (for error messages).
    pub stderr: String,
    /// Whether it was killed at the deadline before it finished.
    pub timed_out: bool,
}

/// How often a running solver is polled for exit while a deadline is set.
const POLL: Duration = Duration::from_millis(10);

/// Runs `solver -smt2 -in` on the script `write_script` writes (on its own
/// thread, as the solver reads it); kills it after `timeout`, if set.
pub fn run(
    solver: &str,
    write_script: impl FnOnce(&mut ChildStdin) -> std::io::Result<()> + Send,
    timeout: Option<Duration>,
) -> Result<SolverOutput, SmtError> {
    let started = Instant::now();
    let mut child = Command::new(solver)
        .args(["-smt2", "-in"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| SmtError::Solver(format!("cannot run {solver}: {e}")))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));
    let (timed_out, written) = thread::scope(|scope| {
        // The script's end closes the solver's input.
        let writer = scope.spawn(move || write_script(&mut stdin));
        let timed_out = match timeout {
            Some(limit) => wait_until(&mut child, started + limit),
            None => child
                .wait()
                .map(|_| false)
                .map_err(|e| SmtError::Solver(e.to_string())),
        };
        (timed_out, writer.join())
    });
    let timed_out = timed_out?;
    let written = written.map_err(|_| SmtError::Solver("writing the script failed".into()))?;
    // A killed solver closes its input: the rest of the script is not
    // needed. One that stopped reading on its own (an error, a licence)
    // says why in its output, which the caller reads: a broken pipe would
    // hide it.
    match written {
        Err(e) if !timed_out && e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(SmtError::Solver(format!("writing the script: {e}")));
        }
        _ => {}
    }
    let text = |reader: thread::JoinHandle<Vec<u8>>| {
        reader
            .join()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .map_err(|_| SmtError::Solver("reading the solver's output failed".into()))
    };
    Ok(SolverOutput {
        stdout: text(stdout)?,
        stderr: text(stderr)?,
        timed_out,
    })
}

/// Reads a pipe to its end on its own thread (so neither pipe can fill up and
/// block the solver).
fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        // A read error ends the output; what was read is kept.
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Waits for `child` to exit; kills it at `deadline`. Returns whether it was
/// killed.
fn wait_until(child: &mut Child, deadline: Instant) -> Result<bool, SmtError> {
    loop {
        if child
            .try_wait()
            .map_err(|e| SmtError::Solver(e.to_string()))?
            .is_some()
        {
            return Ok(false);
        }
        let now = Instant::now();
        if now >= deadline {
            // It may have exited since `try_wait`; then `kill` fails harmlessly.
            let _ = child.kill();
            child.wait().map_err(|e| SmtError::Solver(e.to_string()))?;
            return Ok(true);
        }
        thread::sleep(POLL.min(deadline - now));
    }
}
