//! `sesphr check --distributed`: the exploration spread over worker
//! processes (see docs/distributed.md).
//!
//! With `--processes N` and no host file, this process is a supervisor: it
//! picks N free loopback ports, writes them to a host file, starts N copies
//! of itself as worker processes 0..N-1 and waits for them. Process 0 prints
//! the report; the supervisor forwards it only if every worker ended
//! normally, and ends the run with an error as soon as one dies. With
//! `--hosts FILE --process I` (one call per machine), this process is
//! worker I of the host file.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use sesphr_distributed::{
    Cluster, DistError, DistOptions, Fingerprint, RUN_THREAD, WaitingHook,
    check_coloured_distributed, check_pt_distributed, panic_message, parse_hosts, read_hosts,
};
use sesphr_engine::check::{StandardProperty, pt_properties, with_standard_properties};
use sesphr_engine::coloured::stubborn::Stubborn;
use sesphr_engine::coloured::symmetry::Symmetry;
use sesphr_engine::load::LoadedNet;

use super::check::{CheckArgs, load_selected};
use super::check_json::report_json;
use super::check_text::{TextOptions, TraceChoice, render};
use super::{error_json, write_out};
use crate::NetArgs;

/// Runs a distributed check (of `--engine explicit`, which `sesphr check`
/// made sure of) and returns the exit code of `sesphr check`.
pub fn run(args: &CheckArgs) -> ExitCode {
    let result = match (&args.nets[..], &args.distributed.hosts) {
        ([net], None) => supervise(args, net),
        ([net], Some(hosts)) => work(args, net, hosts),
        _ => Err(anyhow::anyhow!(
            "--distributed checks one NET at a time ({} given)",
            args.nets.len()
        )),
    };
    result.unwrap_or_else(|e| {
        crate::output::report_error(&e);
        // In JSON, as without --distributed: the file and what is wrong.
        if let ([net], true) = (&args.nets[..], args.json) {
            super::print_json(&error_json(&net.display().to_string(), &e));
        }
        ExitCode::from(2)
    })
}

/// Worker process `--process` of the host file: explores its share and, as
/// process 0, prints the report.
fn work(args: &CheckArgs, path: &Path, hosts: &Path) -> Result<ExitCode> {
    let supervised = args.distributed.supervised;
    let addresses = if supervised {
        supervised_hosts()?
    } else {
        read_hosts(hosts)?
    };
    let process = args.distributed.process.unwrap_or(0);
    if process >= addresses.len() {
        bail!(
            "--process {process}: the host file {} has {} line(s)",
            hosts.display(),
            addresses.len()
        );
    }
    let (net, standard) = prepare(args, path)?;
    let explore = args.limits.explore_options();
    quiet_timely_panics();
    let options = DistOptions {
        max_states: args.limits.max_states,
        max_depth: args.depth,
        // The default limit is for one process per machine: with several,
        // say --max-memory.
        max_memory: args.limits.max_memory,
        timeout: explore.timeout,
        // Process 0's hook; the other processes' reports would repeat it.
        progress: (args.progress && process == 0).then(|| super::check::progress_lines(path)),
        on_integer_drift: (process == 0).then(|| super::check_drift::drift_note(&net, path, None)),
    };
    // A supervisor starts every process at once and says itself which one
    // failed to start.
    let on_waiting = (!supervised).then(|| waiting_notice(process, addresses.clone()));
    let cluster = Cluster {
        process,
        addresses,
        threads: args.limits.threads.unwrap_or(1),
        quiet: supervised,
        // A short --timeout still leaves the processes time to meet (and
        // then stops the run).
        connect_within: explore.timeout.map(|t| t.max(MIN_CONNECT_WAIT)),
        fingerprint: fingerprint(args, path)?,
        on_waiting,
    };
    let dist = match &net {
        LoadedNet::PlaceTransition(net) => check_pt_distributed(
            Arc::new((**net).clone()),
            pt_properties(&standard),
            options,
            &cluster,
        ),
        LoadedNet::Coloured(net) => {
            let net = with_standard_properties(net, &standard);
            check_coloured_distributed(Arc::new(net), !args.no_reduction, options, &cluster)
        }
    };
    // A broken connection: the message of timely's first panic says which.
    let dist = dist.map_err(|e| match e {
        DistError::Panicked(message) => {
            DistError::Panicked(TIMELY_PANIC.get().cloned().unwrap_or(message))
        }
        e => e,
    });
    let dist = match dist {
        Ok(dist) => dist,
        // The worker that found the error reports it, on the same terminal
        // (process 0 still gives it in JSON, the supervisor's output).
        Err(e @ DistError::Peer { .. }) if supervised => {
            if args.json {
                let at = e.position();
                let e = crate::host::located(e, at, path);
                super::print_json(&error_json(&path.display().to_string(), &e));
            }
            return Ok(ExitCode::from(2));
        }
        Err(e) => {
            let at = e.position();
            return Err(crate::host::located(e, at, path));
        }
    };
    let Some(dist) = dist else {
        return Ok(ExitCode::SUCCESS);
    };
    let report = dist.report;
    crate::output::write_err(format_args!(
        "distributed: {} process(es), {} worker(s), {} bytes sent between processes ({:.1} per state)\n",
        dist.processes,
        dist.workers,
        dist.bytes_sent,
        dist.bytes_sent as f64 / report.states.max(1) as f64
    ));
    let traces = args.trace.unwrap_or(if args.json {
        TraceChoice::All
    } else {
        TraceChoice::Violations
    });
    let shown = path.display().to_string();
    if args.json {
        super::print_json(&report_json(&report, &shown, traces));
    } else {
        let options = TextOptions {
            traces,
            full: args.full,
        };
        write_out(format_args!("{}", render(&report, &shown, options)));
    }
    // An unbounded net is bad input, as in a single-process run.
    if let Some(unbounded) = &report.unbounded {
        crate::output::report_error(&super::check::unbounded_error(unbounded, &net, path));
        return Ok(ExitCode::from(2));
    }
    Ok(if report.violated() {
        ExitCode::from(1)
    } else if !report.complete {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

/// The line the supervisor writes to a worker's standard input after the
/// addresses; the pipe then stays open as long as the supervisor lives.
const END_OF_HOSTS: &str = "# end of the addresses";

/// A supervised worker's addresses, read from its standard input up to
/// [`END_OF_HOSTS`]. A thread then waits for the end of standard input,
/// which comes when the supervisor is gone however it ended (a signal,
/// SIGKILL included), and ends this process at once: no worker outlives its
/// supervisor.
fn supervised_hosts() -> Result<Vec<String>> {
    let stdin = std::io::stdin();
    let mut text = String::new();
    loop {
        let mut line = String::new();
        if stdin.read_line(&mut line)? == 0 {
            bail!("the supervisor ended before it gave the addresses");
        }
        if line.trim_end() == END_OF_HOSTS {
            break;
        }
        text.push_str(&line);
    }
    let addresses = parse_hosts(&text).map_err(|(line, message)| DistError::Hosts {
        path: "standard input".into(),
        line,
        message,
    })?;
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(2);
    });
    Ok(addresses)
}

/// What every process of the run must agree on, beyond the host file and
/// `--threads` (which the processes compare themselves): sesphr's version,
/// the net file's bytes, and every option that changes the exploration or
/// process 0's report. `--max-memory` and `--timeout` may differ (each
/// process stops at its own limit, and every process stops with it), and so
/// may the options of process 0's output alone (`--json`, `--trace`,
/// `--full`, `--progress`).
fn fingerprint(args: &CheckArgs, path: &Path) -> Result<Fingerprint> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let params: std::collections::BTreeMap<&str, &str> = args
        .params
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let shown = |value: Option<String>| value.unwrap_or_else(|| "none".into());
    Ok(Fingerprint::new()
        .with("sesphr", env!("CARGO_PKG_VERSION"))
        .with_digest("the net file", &bytes)
        .with("--param", format!("{params:?}"))
        .with("--property", format!("{:?}", args.properties))
        .with(
            "--max-states",
            shown(args.limits.max_states.map(|n| n.to_string())),
        )
        .with("--depth", shown(args.depth.map(|k| k.to_string())))
        .with("--no-reduction", args.no_reduction.to_string()))
}

/// The first panic message of one of timely's threads in this process.
static TIMELY_PANIC: OnceLock<String> = OnceLock::new();

/// Keeps the panics of timely's threads (a peer's connection broke, and
/// every thread that shares its queues follows) off standard error: the
/// run's error reports the first one. Other threads' panics, and every
/// panic under `RUST_BACKTRACE`, are shown as usual.
fn quiet_timely_panics() {
    let backtrace = std::env::var_os("RUST_BACKTRACE").is_some();
    let shown = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let name = std::thread::current().name().map(str::to_string);
        if name.is_some_and(|n| n.starts_with("timely:") || n == RUN_THREAD) {
            let _ = TIMELY_PANIC.set(panic_message(info.payload()));
            if !backtrace {
                return;
            }
        }
        shown(info)
    }));
}

/// Loads the net with the properties `--property` selects (and the
/// standard ones it names), refusing what the distributed explorer does not
/// do: the partial-order reduction, and a symmetry group too large to
/// enumerate (refused here rather than by every worker).
fn prepare(args: &CheckArgs, path: &Path) -> Result<(LoadedNet, Vec<StandardProperty>)> {
    let (net, standard) = load_selected(
        args,
        &NetArgs {
            net: path.to_path_buf(),
            params: args.params.clone(),
        },
    )?;
    if let LoadedNet::Coloured(net) = &net {
        if !args.no_reduction {
            // A group too large to enumerate: refused here, not by every worker.
            Symmetry::new(net).with_context(|| path.display().to_string())?;
        }
        if !args.no_reduction && Stubborn::new(net).is_some() {
            bail!(
                "{}: the partial-order reduction, which applies to this net, is not \
                 distributed; run with --no-reduction (and compare with a single-process \
                 run with --no-reduction)",
                path.display()
            );
        }
    }
    Ok((net, standard))
}

/// Starts `--processes` worker processes on loopback ports, waits for them,
/// and forwards process 0's report if every one ended normally.
fn supervise(args: &CheckArgs, path: &Path) -> Result<ExitCode> {
    // Refused requests are refused once, here, not by every worker.
    prepare(args, path)?;
    let count = usize::from(args.distributed.processes.unwrap_or(1));
    // Free ports: bound to port 0, noted, released for the workers.
    let listeners = (0..count)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<std::io::Result<Vec<_>>>()
        .context("cannot find free loopback ports")?;
    let mut hosts = String::new();
    for listener in &listeners {
        hosts.push_str(&format!("127.0.0.1:{}\n", listener.local_addr()?.port()));
    }
    drop(listeners);
    let exe = std::env::current_exe().context("cannot find the sesphr executable")?;
    let own_args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let mut children: Vec<Option<Child>> = Vec::with_capacity(count);
    for process in 0..count {
        let child = Command::new(&exe)
            .args(&own_args)
            .arg("--hosts")
            .arg("-")
            .arg("--process")
            .arg(process.to_string())
            .arg("--supervised")
            .stdin(Stdio::piped())
            .stdout(if process == 0 {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .spawn();
        // The addresses go through the worker's standard input: no file to
        // leave behind if this process is killed. The pipe stays open (in
        // `child`) until the worker is reaped: when this process dies, it
        // closes, and the worker ends (see `supervised_hosts`).
        let given = format!("{hosts}{END_OF_HOSTS}\n");
        let child = child.and_then(|mut child| {
            let written = child.stdin.as_mut().map(|stdin| {
                stdin
                    .write_all(given.as_bytes())
                    .and_then(|()| stdin.flush())
            });
            match written {
                Some(Err(e)) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    Err(e)
                }
                _ => Ok(child),
            }
        });
        match child {
            Ok(child) => children.push(Some(child)),
            Err(e) => {
                stop_all(&mut children);
                return Err(e).context("cannot start a worker process");
            }
        }
    }
    let mut stdout = children[0].as_mut().and_then(|c| c.stdout.take());
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(out) = stdout.as_mut() {
            let _ = out.read_to_end(&mut text);
        }
        text
    });
    let mut code_of_first = None;
    // When a worker ended with an error of its own (exit 2, its message on
    // standard error): the others learn of it at the same round and end too.
    let mut failed_at: Option<Instant> = None;
    while children.iter().any(Option::is_some) {
        if failed_at.is_some_and(|at| at.elapsed() > GRACE) {
            stop_all(&mut children);
            break;
        }
        for process in 0..count {
            let Some(child) = children[process].as_mut() else {
                continue;
            };
            let Some(status) = child.try_wait()? else {
                continue;
            };
            let pid = child.id();
            children[process] = None;
            match status.code() {
                Some(0) => {}
                Some(1 | 3) if process == 0 => {}
                Some(2) => {
                    failed_at.get_or_insert_with(Instant::now);
                }
                _ => {
                    stop_all(&mut children);
                    let _ = reader.join();
                    bail!(
                        "worker process {process} (pid {pid}) ended abnormally ({status}); \
                         the distributed run is abandoned without a verdict"
                    );
                }
            }
            if process == 0 {
                code_of_first = status.code();
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let text = reader.join().unwrap_or_default();
    // Process 0's output: the report, or with --json the error it ended with.
    write_out(format_args!("{}", String::from_utf8_lossy(&text)));
    if failed_at.is_some() {
        if text.is_empty() && args.json {
            let e = anyhow::anyhow!("a worker process ended with an error (on standard error)");
            super::print_json(&error_json(&path.display().to_string(), &e));
        }
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::from(code_of_first.unwrap_or(2) as u8))
}

/// The least time a worker waits for the others to connect under
/// `--timeout`.
const MIN_CONNECT_WAIT: Duration = Duration::from_secs(10);

/// What a process started with `--hosts` says while it waits for the
/// others: which ones, where, and how to start them.
fn waiting_notice(me: usize, addresses: Vec<String>) -> WaitingHook {
    WaitingHook(Arc::new(move |waiting: &[usize]| {
        let which: Vec<String> = waiting
            .iter()
            .map(|&p| {
                let address = addresses.get(p).map_or("?", String::as_str);
                format!("process {p} ({address}, line {} of the host file)", p + 1)
            })
            .collect();
        eprintln!(
            "process {me}: waiting for {} to connect (each machine runs the same command with its own --process)",
            which.join(", ")
        );
    }))
}

/// How long the other workers have to end after one ended with an error.
const GRACE: Duration = Duration::from_secs(5);

/// Kills and reaps the worker processes still running.
fn stop_all(children: &mut [Option<Child>]) {
    for child in children.iter_mut().flatten() {
        let _ = child.kill();
        let _ = child.wait();
    }
}
