//! How the processes of a run meet, before timely takes their connections
//! over: one TCP connection between each pair of processes, opened by the
//! higher-numbered one, on which each first sends a hello (a tag, its index
//! and the [`Fingerprint`] of its run). A process whose peer was started on
//! another net, with other options, another host file or another thread
//! count refuses to run ([`DistError::Mismatch`]) before anything is
//! explored: such a peer would explore another state space, or route
//! timely's messages to workers that do not exist.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use crate::DistError;
use crate::cluster::Cluster;
use crate::fingerprint::{Fingerprint, push_len};

/// The tag that opens every hello: the protocol and its version.
const TAG: &[u8; 8] = b"sesphr\x00\x01";

/// The largest fingerprint read from a peer, in bytes.
const MAX_FINGERPRINT: usize = 1 << 20;

/// How long a connected peer has to send its hello.
const HELLO_WAIT: Duration = Duration::from_secs(10);

/// How often a refused connection is tried again, and the listener polled.
const RETRY: Duration = Duration::from_millis(100);

/// How long this process waits for the others before saying which ones it
/// still waits for (and again after as long, each time).
pub const WAIT_NOTICE: Duration = Duration::from_secs(5);

/// The fingerprint this process sends: the caller's, with the run's shape.
fn own_fingerprint(cluster: &Cluster) -> Fingerprint {
    cluster
        .fingerprint
        .clone()
        .with("the host file", cluster.addresses.join(" "))
        .with("--threads", cluster.threads.max(1).to_string())
}

/// Connects this process to every other process of `cluster` and checks
/// that each was started like this one; returns the connections in process
/// order (`None` at this process's index), ready for timely. Waits for the
/// other processes as long as they take (the caller bounds the wait).
pub fn meet(cluster: &Cluster) -> Result<Vec<Option<TcpStream>>, DistError> {
    let (me, count) = (cluster.process, cluster.addresses.len());
    let ours = own_fingerprint(cluster);
    let address = &cluster.addresses[me];
    let listener = TcpListener::bind(address).map_err(|e| {
        DistError::Start(format!(
            "cannot listen on {address} (line {} of the host file): {e}",
            me + 1
        ))
    })?;
    let mut sockets: Vec<Option<TcpStream>> = (0..count).map(|_| None).collect();
    if count == 1 {
        return Ok(sockets);
    }
    let stop = StopOnDrop(Arc::new(AtomicBool::new(false)));
    let (greeted, greetings) = mpsc::channel();
    spawn_acceptor(listener, me, count, &ours, &stop.0, greeted.clone())?;
    spawn_dialer(
        cluster.addresses[..me].to_vec(),
        me,
        &ours,
        &stop.0,
        greeted,
    )?;
    let mut met = 1;
    while met < count {
        let greeting = match greetings.recv_timeout(WAIT_NOTICE) {
            Ok(greeting) => greeting,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                tell_waiting(cluster, &sockets);
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(DistError::Start(
                    "the connection set-up ended before every process was met".into(),
                ));
            }
        };
        let (process, stream, theirs) = greeting?;
        if let Some(what) = ours.difference(&theirs, process) {
            return Err(DistError::Mismatch { process, what });
        }
        sockets[process] = Some(stream);
        met += 1;
    }
    for stream in sockets.iter().flatten() {
        settle(stream).map_err(|e| DistError::Start(e.to_string()))?;
    }
    Ok(sockets)
}

/// Tells `cluster`'s hook which processes are not met yet: those other
/// than this one without a connection in `sockets`.
fn tell_waiting(cluster: &Cluster, sockets: &[Option<TcpStream>]) {
    let Some(hook) = &cluster.on_waiting else {
        return;
    };
    let waiting: Vec<usize> = (0..sockets.len())
        .filter(|&p| p != cluster.process && sockets[p].is_none())
        .collect();
    (hook.0)(&waiting);
}

/// Stops the set-up's threads when the set-up ends, however it ends.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// A peer met: its index, its connection and its fingerprint.
type Greeting = Result<(usize, TcpStream, Fingerprint), DistError>;

/// A connection made ready for timely: blocking, without the hello's
/// timeout, without Nagle's delay.
fn settle(stream: &TcpStream) -> io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(None)?;
    stream.set_nodelay(true)
}

/// Starts the thread that accepts the connections of the processes after
/// this one (`me + 1..count`) and greets them.
fn spawn_acceptor(
    listener: TcpListener,
    me: usize,
    count: usize,
    ours: &Fingerprint,
    stop: &Arc<AtomicBool>,
    greeted: mpsc::Sender<Greeting>,
) -> Result<(), DistError> {
    let (ours, stop) = (ours.clone(), Arc::clone(stop));
    let accept = move || {
        let mut waiting: Vec<usize> = (me + 1..count).collect();
        let result = listener.set_nonblocking(true);
        if let Err(e) = result {
            let _ = greeted.send(Err(DistError::Start(e.to_string())));
            return;
        }
        while !waiting.is_empty() && !stop.load(Ordering::Relaxed) {
            let greeting = match listener.accept() {
                Ok((stream, _)) => answer(stream, me, &waiting, &ours),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    std::thread::sleep(RETRY);
                    continue;
                }
                Err(e) => Err(DistError::Start(format!("cannot accept a connection: {e}"))),
            };
            match greeting {
                // Not a process of this run (a port scanner, say): ignored.
                Ok(None) => continue,
                Ok(Some((process, stream, theirs))) => {
                    waiting.retain(|&p| p != process);
                    let _ = greeted.send(Ok((process, stream, theirs)));
                }
                Err(e) => {
                    let _ = greeted.send(Err(e));
                    return;
                }
            }
        }
    };
    std::thread::Builder::new()
        .name("sesphr-accept".into())
        .spawn(accept)
        .map(drop)
        .map_err(|e| DistError::Start(e.to_string()))
}

/// Reads the hello of a process that connected to this one and answers
/// with this one's; `None` if the connection is not from a process of a
/// run (no tag).
fn answer(
    mut stream: TcpStream,
    me: usize,
    waiting: &[usize],
    ours: &Fingerprint,
) -> Result<Option<(usize, TcpStream, Fingerprint)>, DistError> {
    let start = |e: io::Error| DistError::Start(format!("cannot greet a connecting process: {e}"));
    stream.set_nonblocking(false).map_err(start)?;
    stream.set_read_timeout(Some(HELLO_WAIT)).map_err(start)?;
    let Ok(Some((process, theirs))) = read_hello(&mut stream) else {
        return Ok(None);
    };
    if !waiting.contains(&process) {
        return Err(DistError::Start(format!(
            "a process connected as process {process}, which this process (process {me}) \
             does not wait for: do the processes have the same host file?"
        )));
    }
    write_hello(&mut stream, me, ours).map_err(start)?;
    Ok(Some((process, stream, theirs)))
}

/// Starts the thread that connects to the processes before this one
/// (`addresses`, in order) and greets them.
fn spawn_dialer(
    addresses: Vec<String>,
    me: usize,
    ours: &Fingerprint,
    stop: &Arc<AtomicBool>,
    greeted: mpsc::Sender<Greeting>,
) -> Result<(), DistError> {
    let (ours, stop) = (ours.clone(), Arc::clone(stop));
    let dial_all = move || {
        for (process, address) in addresses.iter().enumerate() {
            let greeting = dial(address, &stop).and_then(|mut stream| {
                write_hello(&mut stream, me, &ours)?;
                stream.set_read_timeout(Some(HELLO_WAIT))?;
                Ok((read_hello(&mut stream)?, stream))
            });
            let greeting = match greeting {
                Ok((Some((index, theirs)), stream)) if index == process => {
                    Ok((process, stream, theirs))
                }
                Ok((Some((index, _)), _)) => Err(DistError::Start(format!(
                    "the process at {address}, process {process} in this host file, \
                     answered as process {index}: do the processes have the same host file?"
                ))),
                Ok((None, _)) => Err(DistError::Start(format!(
                    "{address}, process {process} in the host file, is not a process of this run"
                ))),
                Err(_) if stop.load(Ordering::Relaxed) => return,
                Err(e) => Err(DistError::Start(format!(
                    "cannot reach process {process} at {address}: {e}"
                ))),
            };
            let failed = greeting.is_err();
            if greeted.send(greeting).is_err() || failed {
                return;
            }
        }
    };
    std::thread::Builder::new()
        .name("sesphr-dial".into())
        .spawn(dial_all)
        .map(drop)
        .map_err(|e| DistError::Start(e.to_string()))
}

/// A connection to `address`, tried again while the process there is not
/// listening yet (or until `stop`).
fn dial(address: &str, stop: &AtomicBool) -> io::Result<TcpStream> {
    loop {
        match TcpStream::connect(address) {
            Ok(stream) => return Ok(stream),
            Err(e) if not_up_yet(&e) && !stop.load(Ordering::Relaxed) => {
                std::thread::sleep(RETRY);
            }
            Err(e) => return Err(e),
        }
    }
}

/// Whether a connection failed because the other process (or its machine)
/// is not up yet, rather than for good (an unknown name, no descriptors).
fn not_up_yet(error: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(
        error.kind(),
        ConnectionRefused
            | ConnectionReset
            | ConnectionAborted
            | TimedOut
            | HostUnreachable
            | NetworkUnreachable
            | AddrNotAvailable
    )
}

/// Sends this process's hello: the tag, its index, its fingerprint.
fn write_hello(stream: &mut TcpStream, me: usize, ours: &Fingerprint) -> io::Result<()> {
    let fingerprint = ours.encode();
    let mut hello = TAG.to_vec();
    hello.extend_from_slice(&(me as u64).to_le_bytes());
    push_len(&mut hello, fingerprint.len());
    hello.extend_from_slice(&fingerprint);
    stream.write_all(&hello)?;
    stream.flush()
}

/// Reads a peer's hello: its index and fingerprint; `None` if what came is
/// not a hello.
fn read_hello(stream: &mut TcpStream) -> io::Result<Option<(usize, Fingerprint)>> {
    let mut head = [0u8; 20];
    stream.read_exact(&mut head)?;
    let (tag, rest) = head.split_at(8);
    let (index, len) = rest.split_at(8);
    let index = u64::from_le_bytes(index.try_into().unwrap_or_default());
    let len = u32::from_le_bytes(len.try_into().unwrap_or_default()) as usize;
    if tag != TAG || len > MAX_FINGERPRINT {
        return Ok(None);
    }
    let mut bytes = vec![0u8; len];
    stream.read_exact(&mut bytes)?;
    let index = usize::try_from(index).ok();
    Ok(index.zip(Fingerprint::decode(&bytes)))
}
