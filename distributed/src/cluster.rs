//! The processes of a run: their addresses (a host file), this process's
//! index among them, the worker threads each runs, and how this process
//! meets the others (how long it waits for them, what they must agree on,
//! whether what timely prints is shown).

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::DistError;
use crate::fingerprint::Fingerprint;

/// Where the processes of a run listen, and which one this is.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// This process's index in `addresses`.
    pub process: usize,
    /// `host:port` of every process, in process order.
    pub addresses: Vec<String>,
    /// Worker threads per process.
    pub threads: usize,
    /// Whether what timely prints is dropped (a supervised run on
    /// loopback, where it is noise) rather than shown on standard error.
    pub quiet: bool,
    /// How long to wait for the other processes to connect (`None`: for
    /// ever); past it the run ends with [`DistError::Start`].
    pub connect_within: Option<Duration>,
    /// What every process of the run must agree on (the net, the options);
    /// the host file and the thread count are added to it when the
    /// processes meet ([`crate::meet`]).
    pub fingerprint: Fingerprint,
    /// Told, every [`crate::meet::WAIT_NOTICE`] while this process waits
    /// for others to connect, which ones it still waits for.
    pub on_waiting: Option<WaitingHook>,
}

/// Called with the processes (their indices in the host file) not met
/// yet, while this process waits for them.
#[derive(Clone)]
pub struct WaitingHook(pub Arc<WaitingFn>);

/// What a [`WaitingHook`] calls.
pub type WaitingFn = dyn Fn(&[usize]) + Send + Sync;

impl fmt::Debug for WaitingHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WaitingHook")
    }
}

impl Cluster {
    /// Workers in the whole run.
    pub fn workers(&self) -> usize {
        self.addresses.len() * self.threads.max(1)
    }
}

/// Reads a host file: one `host:port` per line, in process order; blank
/// lines and `#` comments are skipped. The path `-` reads standard input
/// (how a `--processes` supervisor hands its workers their addresses, so no
/// file is left behind if it is killed).
pub fn read_hosts(path: &Path) -> Result<Vec<String>, DistError> {
    let (name, text) = if path == Path::new("-") {
        (
            "standard input".to_string(),
            std::io::read_to_string(std::io::stdin()),
        )
    } else {
        (path.display().to_string(), std::fs::read_to_string(path))
    };
    let text = text.map_err(|source| DistError::Hosts {
        path: name.clone(),
        line: 0,
        message: source.to_string(),
    })?;
    parse_hosts(&text).map_err(|(line, message)| DistError::Hosts {
        path: name,
        line,
        message,
    })
}

/// The addresses of a host file's text, or (line, what is wrong). A UTF-8
/// byte order mark at its start is skipped; each address is kept as
/// `host:port` with the port as a plain number, so that `:0101` and `:101`
/// are seen to be the same port.
pub fn parse_hosts(text: &str) -> Result<Vec<String>, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut addresses: Vec<String> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let address = parse_address(line).map_err(|message| (n + 1, message))?;
        if let Some(first) = addresses.iter().position(|a| *a == address) {
            return Err((
                n + 1,
                format!(
                    "{line:?} is already the address of process {first}: every process needs its own port"
                ),
            ));
        }
        addresses.push(address);
    }
    if addresses.is_empty() {
        return Err((0, "no host:port line".into()));
    }
    Ok(addresses)
}

/// One line's address as `host:port` (the port a plain number), or what is
/// wrong with it.
fn parse_address(line: &str) -> Result<String, String> {
    if line.contains(char::is_whitespace) {
        return Err(format!(
            "{line:?} holds more than one word: one host:port per line"
        ));
    }
    match line
        .rsplit_once(':')
        .map(|(host, port)| (host, port.parse::<u16>()))
    {
        Some((host, Ok(port))) if !host.is_empty() && port > 0 => Ok(format!("{host}:{port}")),
        _ => Err(format!(
            "{line:?} is not host:port (e.g. node1:2101, 10.0.0.2:2101)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_files() {
        let text = "# two machines\nnode1:2101\n\n10.0.0.2:2101  # the second\n";
        assert_eq!(
            parse_hosts(text),
            Ok(vec!["node1:2101".to_string(), "10.0.0.2:2101".to_string()])
        );
        assert_eq!(parse_hosts("node1\n").unwrap_err().0, 1);
        assert_eq!(parse_hosts("a:1\nb:port\n").unwrap_err().0, 2);
        assert_eq!(parse_hosts("a:0\n").unwrap_err().0, 1);
        assert_eq!(parse_hosts("# nothing\n").unwrap_err().0, 0);
        let (line, message) = parse_hosts("a:1\n# b\nb:1\na:1\n").unwrap_err();
        assert_eq!(line, 4);
        assert!(message.contains("process 0"), "{message}");
    }

    #[test]
    fn host_files_as_editors_write_them() {
        // A byte order mark is skipped, not read as part of a host name.
        assert_eq!(
            parse_hosts("\u{feff}127.0.0.1:23301\n127.0.0.1:23302\n"),
            Ok(vec![
                "127.0.0.1:23301".to_string(),
                "127.0.0.1:23302".to_string()
            ])
        );
        // The same port written with a leading zero is the same port.
        let (line, message) = parse_hosts("127.0.0.1:23301\n127.0.0.1:023301\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(
            message.contains("already the address of process 0"),
            "{message}"
        );
        // Two addresses on one line are refused at that line.
        let (line, message) = parse_hosts("# two\na:1 b:2\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(message.contains("one host:port per line"), "{message}");
        // IPv6 addresses keep their brackets.
        assert_eq!(
            parse_hosts("[::1]:2101\n"),
            Ok(vec!["[::1]:2101".to_string()])
        );
    }
}
