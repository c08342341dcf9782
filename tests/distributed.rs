//! End-to-end tests of `sesphr check --distributed` on this machine
//! (loopback only): 1, 2 and 4 worker processes give exactly the
//! single-process report, on P/T nets and on coloured ones (the SeSPHR net,
//! its CTL/LTL properties included, with and without its symmetry); limits stop cleanly with a partial report; a
//! worker that dies ends the run with an error, never a verdict.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .display()
        .to_string()
}

fn sesphr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(args)
        .output()
        .expect("run sesphr")
}

/// The JSON report without the fields that measure the run itself.
fn report(out: &Output) -> serde_json::Value {
    let mut value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON on stdout ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    if let Some(object) = value.as_object_mut() {
        for measured in ["seconds", "states_per_second", "threads", "bytes_per_state"] {
            assert!(object.remove(measured).is_some(), "{measured} missing");
        }
        // The route, not the result: a single-process run may explore a small
        // coloured net through its unfolding; a distributed one never does.
        object.remove("unfolding");
    }
    value
}

/// `sesphr check --json` on `net` with `extra` arguments, single-process
/// and with 1, 2 and 4 worker processes: the same report, exit code and
/// verdicts; returns the report.
fn same_report_whatever_the_processes(net: &str, extra: &[&str]) -> serde_json::Value {
    let net = repo(net);
    let mut args = vec!["check", "--json", "--threads", "1", net.as_str()];
    args.extend_from_slice(extra);
    let single = sesphr(&args);
    let expected = report(&single);
    for processes in ["1", "2", "4"] {
        let mut distributed = args.clone();
        distributed.extend(["--distributed", "--processes", processes]);
        let out = sesphr(&distributed);
        assert_eq!(
            out.status.code(),
            single.status.code(),
            "{processes} processes"
        );
        assert_eq!(report(&out), expected, "{net}: {processes} processes");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("distributed: {processes} process(es)")),
            "{stderr}"
        );
    }
    expected
}

const STANDARD: [&str; 4] = ["--property", "deadlock-free", "--property", "one-safe"];

#[test]
fn dekker_has_the_same_states_and_verdicts() {
    let report = same_report_whatever_the_processes("tests/data/mcc/Dekker-PT-010.pnml", &STANDARD);
    assert_eq!(report["states"], 6144);
    assert_eq!(report["complete"], true);
}

#[test]
fn philosophers_have_the_same_shortest_deadlock_trace() {
    let report =
        same_report_whatever_the_processes("tests/data/mcc/Philosophers-PT-000005.pnml", &STANDARD);
    assert_eq!(report["states"], 243);
    let deadlock = &report["properties"][0];
    assert_eq!(deadlock["holds"], false);
    // The trace is compared whole above; it is a real one.
    assert!(!deadlock["trace"]["steps"].as_array().unwrap().is_empty());
}

#[test]
fn peterson_and_eratosthenes_agree() {
    let report = same_report_whatever_the_processes("tests/data/mcc/Peterson-PT-2.pnml", &STANDARD);
    assert_eq!(report["states"], 20754);
    let report =
        same_report_whatever_the_processes("tests/data/mcc/Eratosthenes-PT-020.pnml", &STANDARD);
    assert_eq!(report["states"], 2048);
}

#[test]
fn coloured_philosophers_have_the_same_orbits_and_deadlock_trace() {
    let report = same_report_whatever_the_processes("nets/examples/philosophers-mcc.yaml", &[]);
    assert_eq!(report["states"], 59049);
    let deadlock = report["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "no_deadlock")
        .unwrap();
    assert_eq!(deadlock["holds"], false);
    assert!(!deadlock["trace"]["steps"].as_array().unwrap().is_empty());
}

#[test]
fn sesphr_gives_the_same_report_under_its_symmetry_and_without() {
    let report = same_report_whatever_the_processes("nets/sesphr.yaml", &[]);
    assert_eq!(report["complete"], true);
    assert!(report["reduction"].as_str().unwrap().contains("symmetry"));
    let properties = report["properties"].as_array().unwrap();
    assert!(
        properties.iter().all(|p| p["holds"] == true),
        "{properties:?}"
    );
    // The CTL/LTL ones too, checked by process 0 after the exploration.
    assert!(properties.iter().any(|p| p["kind"] == "ltl"));
    // Without the symmetry: a smaller configuration, every marking stored.
    let report = same_report_whatever_the_processes(
        "nets/sesphr.yaml",
        &["--no-reduction", "--param", "tampers=0"],
    );
    assert!(report["reduction"].is_null(), "{}", report["reduction"]);
}

/// The length of the run that proves a report's net unbounded.
fn steps_to_growth(report: &serde_json::Value) -> usize {
    report["unbounded"]["trace"]["steps"]
        .as_array()
        .expect("an unbounded run")
        .len()
}

/// An unbounded net stops every run at the same proof (exit 2), P/T or
/// coloured, one marking that covers another 64 steps from the start, or
/// only 128 steps away (after a lead of 70 steps).
#[test]
fn unbounded_nets_stop_at_the_same_proof() {
    let report = same_report_whatever_the_processes("tests/data/unbounded-pump.pnml", &[]);
    assert_eq!(report["stopped"], "unbounded");
    assert_eq!(steps_to_growth(&report), 64);
    assert_eq!(report["unbounded"]["repeat_from"], 62);
    // Its partial-order reduction is not distributed.
    let report =
        same_report_whatever_the_processes("tests/data/unbounded-buffer.yaml", &["--no-reduction"]);
    assert_eq!(report["stopped"], "unbounded");
    assert_eq!(report["unbounded"]["growth"][0]["place"], "buffer");
    let dir = std::env::temp_dir().join(format!("sesphr-dist-late-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let late = dir.join("late.yaml");
    std::fs::write(
        &late,
        "name: late\n\
         places:\n  lead: { type: Int, init: [\"0\"] }\n  pump: { type: Int }\n  out: { type: Int }\n\
         transitions:\n\
         \x20 walk: { in: { lead: [\"x\"] }, out: { lead: [\"x + 1\"] }, guard: \"x < 70\" }\n\
         \x20 enter: { in: { lead: [\"x\"] }, out: { pump: [\"0\"] }, guard: \"x == 70\" }\n\
         \x20 turn: { in: { pump: [\"x\"] }, out: { pump: [\"1 - x\"] }, guard: \"x == 0\" }\n\
         \x20 spill: { in: { pump: [\"x\"] }, out: { pump: [\"1 - x\"], out: [\"0\"] }, guard: \"x == 1\" }\n",
    )
    .unwrap();
    let report = same_report_whatever_the_processes(late.to_str().unwrap(), &["--no-reduction"]);
    assert_eq!(report["stopped"], "unbounded");
    assert_eq!(steps_to_growth(&report), 128);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn max_states_gives_the_same_partial_report() {
    let report = same_report_whatever_the_processes(
        "tests/data/mcc/Philosophers-PT-000010.pnml",
        &["--property", "deadlock-free", "--max-states", "5000"],
    );
    assert_eq!(report["complete"], false);
    assert_eq!(report["stopped"], "max-states");
}

#[test]
fn integers_that_keep_changing_are_noted_once_by_process_0() {
    let net = repo("tests/data/counter-without-end.yaml");
    let limits = ["--no-reduction", "--max-states", "3000", "--json"];
    let single = sesphr(&[&["check", &net][..], &limits].concat());
    let out = sesphr(
        &[
            &["check", &net, "--distributed", "--processes", "2"][..],
            &limits,
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(3), "stopped by the limit");
    assert_eq!(report(&out), report(&single));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let note = "counter-without-end.yaml:12:3: the integers of type Int in place `cars` keep \
                changing (by +1 every step: 1023 after 1024 steps)";
    assert!(stderr.contains(note), "{stderr}");
    assert_eq!(stderr.matches("note:").count(), 1, "{stderr}");
    assert!(String::from_utf8_lossy(&single.stderr).contains(note));
}

#[test]
fn a_depth_bound_gives_the_same_bounded_report() {
    // A violation three steps away: found within three, not within two; the
    // CTL/LTL properties undecided as in the single process.
    // The mutant's own parameters (its `# params:` line).
    let mutant: Vec<&str> =
        "--param roles=1 --param users_per_role=1 --param partitions=2 --param versions=2 --param tampers=0"
            .split(' ')
            .collect();
    for (depth, violated) in [("2", false), ("3", true)] {
        let report = same_report_whatever_the_processes(
            "nets/mutants/srs-skips-acl-check.yaml",
            &[&mutant[..], &["--depth", depth]].concat(),
        );
        assert_eq!(report["stopped"], "max-depth");
        let properties = report["properties"].as_array().unwrap();
        assert_eq!(
            properties.iter().any(|p| p["holds"] == false),
            violated,
            "--depth {depth}"
        );
        assert!(
            (properties.iter())
                .filter(|p| p["kind"] == "ltl")
                .all(|p| p["holds"].is_null())
        );
    }
    // At the longest shortest path of the default net (14 steps), every
    // successor of the last markings is stored: the whole check.
    let whole = same_report_whatever_the_processes("nets/sesphr.yaml", &["--depth", "14"]);
    assert_eq!(whole["complete"], true);
    assert_eq!(whole["depth"], 15);
}

#[test]
fn progress_lines_come_from_process_0_and_change_nothing() {
    let net = repo("tests/data/mcc/Dekker-PT-010.pnml");
    let args = ["check", "--json", "--threads", "1", net.as_str()];
    let quiet = sesphr(&[&args[..], &["--distributed", "--processes", "2"]].concat());
    let loud = sesphr(
        &[
            &args[..],
            &["--distributed", "--processes", "2", "--progress"],
        ]
        .concat(),
    );
    assert_eq!(loud.status.code(), quiet.status.code());
    assert_eq!(report(&loud), report(&quiet));
    let stderr = String::from_utf8_lossy(&loud.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("progress: "))
        .collect();
    // At least the first level's line, from process 0 alone: the states of
    // the whole run, never more than the report's.
    assert!(!lines.is_empty(), "{stderr}");
    let states = report(&quiet)["states"].as_u64().expect("states");
    for line in &lines {
        let shown: u64 = line
            .split(": ")
            .nth(2)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no state count in {line:?}"));
        assert!(shown >= 1 && shown <= states, "{line}");
    }
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("progress: "));
}

#[test]
fn timeout_and_memory_limits_stop_with_a_partial_report() {
    let net = repo("tests/data/mcc/Kanban-PT-00005.pnml");
    for (limit, value, reason) in [
        ("--timeout", "0.5", "timeout"),
        ("--max-memory", "1M", "max-memory"),
    ] {
        let out = sesphr(&[
            "check",
            "--json",
            &net,
            "--distributed",
            "--processes",
            "2",
            limit,
            value,
        ]);
        assert_eq!(out.status.code(), Some(3), "{limit}");
        let report = report(&out);
        assert_eq!(report["complete"], false);
        assert_eq!(report["stopped"], reason);
        assert!(report["states"].as_u64().unwrap() < 2_546_432);
    }
}

#[test]
fn a_worker_that_dies_ends_the_run_without_a_verdict() {
    let net = repo("tests/data/mcc/Kanban-PT-00005.pnml");
    let supervisor = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(["check", "--json", &net, "--distributed", "--processes", "2"])
        .args(["--timeout", "120"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sesphr");
    let pid = supervisor.id();
    // Find worker process 1 among the supervisor's children, and kill it.
    let started = Instant::now();
    let victim = loop {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no worker started"
        );
        let children =
            std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
        let worker = children.split_whitespace().find(|child| {
            std::fs::read(format!("/proc/{child}/cmdline"))
                .is_ok_and(|cmd| cmd.windows(12).any(|w| w == b"--process\x001\x00"))
        });
        if let Some(worker) = worker {
            break worker.parse::<i32>().expect("a pid");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: a plain kill(2) of a process this test started (through the supervisor).
    #[allow(unsafe_code)]
    let killed = unsafe { libc::kill(victim, libc::SIGKILL) };
    assert_eq!(killed, 0);
    let out = supervisor.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("worker process 1"), "{stderr}");
    assert!(stderr.contains("without a verdict"), "{stderr}");
    // No report: in JSON, the file and the error alone.
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let keys: Vec<&String> = value.as_object().expect("an object").keys().collect();
    assert_eq!(keys, ["error", "file"], "{value}");
    let error = value["error"].as_str().expect("an error");
    assert!(error.contains("worker process 1"), "{error}");
}

/// A host file at `path` for two processes on loopback ports that were free
/// a moment ago; returns `path`.
fn host_file(path: PathBuf) -> PathBuf {
    let ports: Vec<std::net::TcpListener> = (0..2)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("a free port"))
        .collect();
    let lines: Vec<String> = ports
        .iter()
        .map(|l| format!("127.0.0.1:{}", l.local_addr().expect("port").port()))
        .collect();
    std::fs::write(&path, lines.join("\n")).expect("write");
    path
}

/// A net whose guard divides by zero in its second marking, in `dir`.
fn failing_net(dir: &std::path::Path) -> String {
    std::fs::create_dir_all(dir).expect("temp dir");
    let net = dir.join("divides.yaml");
    std::fs::write(
        &net,
        "name: n\nplaces:\n  P: { type: Int, init: [\"1\"] }\ntransitions:\n  step:\n    \
         in: { P: [\"x\"] }\n    guard: \"x < 3 && x / (x - 1) > 0\"\n    out: { P: [\"x + 1\"] }\n\
         properties:\n  one_token:\n    invariant: \"count(P) == 1\"\n",
    )
    .expect("write");
    net.display().to_string()
}

#[test]
fn a_run_time_error_is_located_and_reported_once() {
    let dir = std::env::temp_dir().join(format!("sesphr-dist-error-{}", std::process::id()));
    let net = failing_net(&dir);
    let located = "divides.yaml:7:24: state space error: in transition `step`: division by zero";
    for (processes, threads) in [("1", "1"), ("2", "1"), ("2", "2"), ("4", "1")] {
        let run = [
            "--distributed",
            "--processes",
            processes,
            "--threads",
            threads,
        ];
        let out = sesphr(&[&["check", net.as_str()][..], &run].concat());
        assert_eq!(out.status.code(), Some(2), "{processes} x {threads}");
        assert!(out.stdout.is_empty(), "a report was printed");
        let stderr = String::from_utf8_lossy(&out.stderr);
        // One message, from the worker that found it, the line quoted; no
        // connection chatter, no second word from the supervisor.
        let messages = stderr.lines().filter(|l| l.starts_with("error: ")).count();
        assert_eq!(messages, 1, "{stderr}");
        assert!(stderr.contains(located), "{stderr}");
        assert!(stderr.contains("7 |     guard: "), "{stderr}");
        assert!(!stderr.contains("awaiting"), "{stderr}");
        // In JSON, as without --distributed: the file and the located error.
        let out = sesphr(&[&["check", "--json", net.as_str()][..], &run].concat());
        assert_eq!(out.status.code(), Some(2));
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(value["file"], net.as_str());
        let error = value["error"].as_str().expect("an error");
        assert!(
            error.contains("divides.yaml:7:24: state space error"),
            "{error}"
        );
    }
    // Started by hand (one terminal each), every process locates the
    // error, the one that found it and the one told of it.
    let hosts = host_file(dir.join("hosts")).display().to_string();
    let workers: Vec<_> = ["0", "1"]
        .iter()
        .map(|process| {
            Command::new(env!("CARGO_BIN_EXE_sesphr"))
                .args(["check", &net, "--distributed", "--hosts", &hosts])
                .args(["--process", process, "--timeout", "60"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("run sesphr")
        })
        .collect();
    for worker in workers {
        let out = worker.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("divides.yaml:7:24: state space error"),
            "{stderr}"
        );
        assert!(
            stderr.contains("in transition `step`: division by zero"),
            "{stderr}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A process whose peers never start says, while it waits, which ones it
/// waits for, and waits no longer than `--timeout`, then says so (exit 2)
/// instead of waiting for ever.
#[test]
fn a_process_alone_gives_up_at_the_timeout() {
    let hosts =
        host_file(std::env::temp_dir().join(format!("sesphr-lonely-{}", std::process::id())));
    let out = sesphr(&[
        "check",
        &repo("nets/pnml/mutex.pnml"),
        "--distributed",
        "--hosts",
        &hosts.display().to_string(),
        "--process",
        "0",
        "--timeout",
        "10",
    ]);
    let _ = std::fs::remove_file(&hosts);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "a report was printed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the other processes did not all connect within 10 s"),
        "{stderr}"
    );
    assert!(
        stderr.contains("process 0: waiting for process 1 (127.0.0.1:")
            && stderr.contains(", line 2 of the host file) to connect"),
        "{stderr}"
    );
}

/// Processes started by hand (no supervisor): when one dies, the other
/// ends with exit 2 and one line saying so, without a verdict or timely's
/// thread panics.
#[test]
fn a_process_whose_peer_dies_ends_with_one_message() {
    let (out, stderr) = run_with_peer("dies", "120", |victim| {
        victim.kill().expect("kill");
    });
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "a report was printed");
    assert!(stderr.contains("did a peer process die?"), "{stderr}");
    assert!(stderr.contains("timely communication error"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A peer that stops answering but keeps its connections open (a stopped
/// process; a machine gone from the network): past the time limit the
/// other process gives up on it rather than wait for ever.
#[test]
fn a_process_whose_peer_falls_silent_gives_up_after_the_timeout() {
    let started = std::time::Instant::now();
    let (out, stderr) = run_with_peer("silent", "3", |victim| {
        let stopped = Command::new("kill")
            .args(["-STOP", &victim.id().to_string()])
            .status()
            .expect("run kill");
        assert!(stopped.success());
    });
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "a report was printed");
    assert!(
        stderr.contains("the other processes fell silent"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did a process or a machine stop?"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The limit and the 20 s of silence, not the helper's 120 s.
    assert!(started.elapsed() < Duration::from_secs(90), "{stderr}");
}

/// Runs Kanban-PT-00005 on two processes started by hand under `--timeout
/// timeout`, does `act` to process 1 once process 0 reports progress, and
/// returns process 0's output and its standard error; process 1 is killed
/// after.
fn run_with_peer(
    tag: &str,
    timeout: &str,
    act: impl FnOnce(&mut std::process::Child),
) -> (std::process::Output, String) {
    let hosts =
        host_file(std::env::temp_dir().join(format!("sesphr-{tag}-{}", std::process::id())));
    let net = repo("tests/data/mcc/Kanban-PT-00005.pnml");
    let hosts_arg = hosts.display().to_string();
    let start = |process: &str| {
        Command::new(env!("CARGO_BIN_EXE_sesphr"))
            .args(["check", &net, "--distributed", "--hosts", &hosts_arg])
            .args(["--process", process, "--timeout", timeout, "--progress"])
            .env_remove("RUST_BACKTRACE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run sesphr")
    };
    let mut survivor = start("0");
    let mut victim = start("1");
    // Process 0's standard error, line by line: its first progress line
    // says the run is under way (Kanban-PT-00005 takes seconds more).
    let stderr = survivor.stderr.take().expect("piped");
    let (line_tx, lines) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = line_tx.send(line);
        }
    });
    let mut seen = Vec::new();
    while !seen.iter().any(|l: &String| l.starts_with("progress: ")) {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no progress line: {seen:?}"));
        seen.push(line);
    }
    act(&mut victim);
    // A process that waits for ever fails the test instead of hanging it.
    let given_up = std::time::Instant::now() + Duration::from_secs(120);
    while survivor.try_wait().expect("wait").is_none() {
        if std::time::Instant::now() > given_up {
            let _ = survivor.kill();
            let _ = victim.kill();
            panic!("process 0 still runs 120 s after its peer was acted on: {seen:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = survivor.wait_with_output().expect("wait");
    let _ = victim.kill();
    let _ = victim.wait();
    reader.join().expect("reader");
    seen.extend(lines.try_iter());
    let _ = std::fs::remove_file(&hosts);
    (out, seen.join("\n"))
}

#[test]
fn bad_requests_are_refused_clearly() {
    let smt = sesphr(&[
        "check",
        &repo("tests/data/mcc/Dekker-PT-010.pnml"),
        "--distributed",
        "--engine",
        "smt",
        "--depth",
        "3",
    ]);
    assert_eq!(smt.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&smt.stderr).contains(
            "--distributed only applies to --engine explicit; this check runs --engine smt"
        )
    );
    // Refused once, by the supervisor, before any worker starts.
    let reduced = sesphr(&[
        "check",
        &repo("nets/paper-variants/send-ri-writes-the-acl.yaml"),
        "--distributed",
    ]);
    assert_eq!(reduced.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&reduced.stderr);
    assert!(stderr.contains("--no-reduction"), "{stderr}");

    let big = std::env::temp_dir().join(format!("sesphr-big-group-{}.yaml", std::process::id()));
    std::fs::write(
        &big,
        "types:\n  S: { range: [1, 8], symmetric: true }\nplaces:\n  P: { type: S, init: [\"all(S)\"] }\n\
         transitions:\n  t: { in: { P: [x] }, out: { P: [x] } }\n",
    )
    .unwrap();
    let group = sesphr(&["check", &big.display().to_string(), "--distributed"]);
    // Without --distributed: the same error, at the symmetric type's line.
    let alone = sesphr(&["check", &big.display().to_string()]);
    let _ = std::fs::remove_file(&big);
    assert_eq!(group.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&group.stderr);
    assert!(stderr.contains("too many permutations"), "{stderr}");
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
    assert_eq!(alone.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&alone.stderr);
    let located = format!(
        "{}:2:3: the symmetric types (S) have too many permutations",
        big.display()
    );
    assert!(stderr.contains(&located), "{stderr}");

    let mutex = repo("nets/pnml/mutex.pnml");
    let two = sesphr(&["check", &mutex, &mutex, "--distributed"]);
    assert_eq!(two.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&two.stderr).contains("one NET at a time"));

    // A bad host file: its line named, or the file alone when it is missing.
    let hosts = std::env::temp_dir().join(format!("sesphr-bad-hosts-{}", std::process::id()));
    let refused = |text: Option<&str>, expected: &[&str]| {
        match text {
            Some(text) => std::fs::write(&hosts, text).unwrap(),
            None => {
                let _ = std::fs::remove_file(&hosts);
            }
        }
        let shown = hosts.display().to_string();
        let bad = sesphr(&[
            "check",
            &mutex,
            "--distributed",
            "--hosts",
            &shown,
            "--process",
            "0",
        ]);
        assert_eq!(bad.status.code(), Some(2), "{text:?}");
        let stderr = String::from_utf8_lossy(&bad.stderr);
        for part in expected {
            assert!(
                stderr.contains(&part.replace("FILE", &shown)),
                "{text:?}: {stderr}"
            );
        }
    };
    refused(
        Some("# machines\nnode1:2101\nnode2\n"),
        &["FILE:3: ", "host:port"],
    );
    refused(
        Some("node1:2101\n\nnode1:2101\n"),
        &["FILE:3: ", "already the address of process 0"],
    );
    refused(None, &["error: FILE: ", "No such file"]);
}

/// Runs `net` on two processes started by hand, process 0 with `first` and
/// process 1 with `second` as extra arguments; returns both outputs.
fn run_pair(tag: &str, net: &str, first: &[&str], second: &[&str]) -> [Output; 2] {
    let hosts =
        host_file(std::env::temp_dir().join(format!("sesphr-{tag}-{}", std::process::id())));
    let hosts_arg = hosts.display().to_string();
    let start = |process: &str, net: &str, extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_sesphr"))
            .args(["check", net, "--distributed", "--hosts", &hosts_arg])
            .args(["--process", process, "--timeout", "60"])
            .args(extra)
            .env_remove("RUST_BACKTRACE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run sesphr")
    };
    let zero = start("0", net, first);
    let one = start("1", net, second);
    let outputs = [zero, one].map(|child| child.wait_with_output().expect("wait"));
    let _ = std::fs::remove_file(&hosts);
    outputs
}

/// Processes started with different options or nets would explore
/// different state spaces (or route messages to workers that do not exist):
/// each refuses, naming the other process and what differs, before any
/// exploration and without a report.
#[test]
fn processes_started_differently_refuse_to_run() {
    let philosophers = repo("tests/data/mcc/Philosophers-PT-000010.pnml");
    let cases: [(&[&str], &[&str], &str, &str); 4] = [
        (
            &["--threads", "1"],
            &["--threads", "1", "--max-states", "50"],
            "--max-states none here, 50 on process 1",
            "--max-states 50 here, none on process 0",
        ),
        (
            &["--threads", "1"],
            &["--threads", "2"],
            "--threads 1 here, 2 on process 1",
            "--threads 2 here, 1 on process 0",
        ),
        (
            &["--depth", "3"],
            &[],
            "--depth 3 here, none on process 1",
            "--depth none here, 3 on process 0",
        ),
        (
            &["--property", "deadlock-free"],
            &[],
            "--property [\"deadlock-free\"] here, [] on process 1",
            "--property [] here, [\"deadlock-free\"] on process 0",
        ),
    ];
    for (first, second, said_by_0, said_by_1) in cases {
        let outputs = run_pair("differ", &philosophers, first, second);
        for (out, said) in outputs.iter().zip([said_by_0, said_by_1]) {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{first:?} {second:?}: {stderr}");
            assert!(out.stdout.is_empty(), "a report was printed: {stderr}");
            assert!(stderr.contains("was not started like this one"), "{stderr}");
            assert!(stderr.contains(said), "{said}: {stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
        }
    }
    // Another net (or another version of the file): named by its digest.
    let hosts = host_file(std::env::temp_dir().join(format!("sesphr-nets-{}", std::process::id())));
    let hosts_arg = hosts.display().to_string();
    let start = |process: &str, net: String, params: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_sesphr"))
            .args(["check", &net, "--distributed", "--hosts", &hosts_arg])
            .args(["--process", process, "--timeout", "60", "--no-reduction"])
            .args(params)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run sesphr")
    };
    let counter = repo("nets/examples/counter.yaml");
    for (net, params) in [
        (repo("tests/data/mcc/Peterson-PT-2.pnml"), &[][..]),
        (counter.clone(), &["--param", "n=500"][..]),
    ] {
        let zero = start("0", counter.clone(), &[]);
        let one = start("1", net, params);
        let what = if params.is_empty() {
            "the net file SHA-256 "
        } else {
            "--param {} here, {\"n\": \"500\"} on process 1"
        };
        let out = zero.wait_with_output().expect("wait");
        let _ = one.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(out.stdout.is_empty(), "a report was printed: {stderr}");
        assert!(stderr.contains(what), "{stderr}");
    }
    let _ = std::fs::remove_file(&hosts);
}

/// The pids of the processes whose parent is `parent`.
fn children_of(parent: u32) -> Vec<i32> {
    std::fs::read_to_string(format!("/proc/{parent}/task/{parent}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|child| child.parse().ok())
        .collect()
}

/// Whether `pid` still runs (a zombie, ended but not reaped, does not).
fn running(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        let state = stat.rsplit(')').next().unwrap_or("").trim_start();
        !state.starts_with('Z') && !state.starts_with('X')
    })
}

#[test]
fn workers_end_when_their_supervisor_is_killed() {
    let net = repo("nets/sesphr.yaml");
    let mut supervisor = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(["check", "--json", &net, "--param", "roles=3"])
        .args(["--distributed", "--processes", "2", "--timeout", "120"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run sesphr");
    let started = Instant::now();
    let workers = loop {
        let workers = children_of(supervisor.id());
        if workers.len() == 2 {
            break workers;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the workers did not start: {workers:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    std::thread::sleep(Duration::from_millis(500));
    assert!(workers.iter().all(|&w| running(w)), "{workers:?}");
    supervisor.kill().expect("SIGKILL");
    supervisor.wait().expect("wait");
    let killed = Instant::now();
    while workers.iter().any(|&w| running(w)) {
        assert!(
            killed.elapsed() < Duration::from_secs(5),
            "workers {workers:?} outlive their supervisor"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
