//! Regression tests of hostile input and arguments: no crash, limits that hold
//! inside a single marking's binding search, honest partial reports, exit
//! statuses kept on a broken pipe, single clean error messages.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .display()
        .to_string()
}

thread_local! {
    /// The running test's scratch directory, removed when its thread ends
    /// (each test runs on a thread of its own).
    static SCRATCH: tempfile::TempDir = tempfile::Builder::new()
        .prefix("sesphr-limits-")
        .tempdir()
        .expect("scratch dir");
}

/// A path for `name` in the running test's scratch directory.
fn scratch(name: &str) -> PathBuf {
    SCRATCH.with(|dir| dir.path().join(name))
}

fn sesphr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(args)
        .output()
        .expect("run sesphr")
}

/// Waits for `child`, killing it (and failing) after `limit`: a limit that
/// does not hold must fail the test, not hang it.
fn wait_at_most(mut child: Child, limit: Duration) -> Output {
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

/// Runs `sesphr check --json ARGS` within `limit` (see [`wait_at_most`]);
/// asserts the exit code is `expected` and returns the JSON report.
fn check_json_within(args: &[&str], limit: Duration, expected: i32) -> serde_json::Value {
    let child = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(["check", "--json"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run");
    let out = wait_at_most(child, limit);
    assert_eq!(code(&out), Some(expected), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("json")
}

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Four variables bound from 1,000 tokens each: 10^12 bindings in one marking.
fn binding_bomb(guard: &str) -> String {
    let path = scratch(&format!("bomb{}.yaml", guard.len()));
    let guard = if guard.is_empty() {
        String::new()
    } else {
        format!("guard: \"{guard}\", ")
    };
    std::fs::write(
        &path,
        format!(
            "name: bomb\ntypes:\n  N: {{ range: [1, 1000] }}\nplaces:\n  a: {{ type: N, init: [\"all(N)\"] }}\n  b: {{ type: N, init: [\"all(N)\"] }}\n  c: {{ type: N, init: [\"all(N)\"] }}\n  d: {{ type: N, init: [\"all(N)\"] }}\n  out: {{ type: N }}\ntransitions:\n  t: {{ in: {{ a: [\"w\"], b: [\"x\"], c: [\"y\"], d: [\"z\"] }}, {guard}out: {{ out: [\"w\"] }} }}\n"
        ),
    )
    .expect("write net");
    path.display().to_string()
}

#[test]
fn out_of_range_arguments_are_usage_errors_not_panics() {
    let mutex = repo("nets/examples/mutex.yaml");
    for args in [
        vec!["check", &mutex, "--timeout", "1e20"],
        vec!["check", &mutex, "--timeout", "-1"],
        vec!["check", &mutex, "--timeout", "NaN"],
        vec!["check", &mutex, "--max-memory", "1e30"],
        vec!["check", &mutex, "--threads", "0"],
        vec![
            "simulate",
            &mutex,
            "--crypto",
            "--size",
            "18446744073709551615",
        ],
        vec!["simulate", &mutex, "--crypto", "--size", "100000000000"],
    ] {
        let out = sesphr(&args);
        assert_eq!(code(&out), Some(2), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{args:?}");
    }
}

#[test]
fn too_many_threads_are_capped_with_a_warning() {
    let out = sesphr(&[
        "check",
        &repo("nets/examples/mutex.yaml"),
        "--threads",
        "100000",
        "--json",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: --threads 100000: using"),
        "{}",
        stderr(&out)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    assert_eq!(report["threads"], cores * 4);
}

#[test]
fn a_broken_pipe_keeps_the_exit_status() {
    // The reader is gone before the program writes a byte.
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(["check", &repo("nets/mutants/srs-skips-acl-check.yaml")])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run");
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "quiet: {}", stderr(&out));

    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args([
            "simulate",
            &repo("nets/examples/mutex.yaml"),
            "--steps",
            "100000000",
        ])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run");
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "quiet: {}", stderr(&out));
}

#[test]
fn deeply_nested_pages_and_long_reference_chains_load() {
    const HEAD: &str = "<?xml version=\"1.0\"?>\n<pnml><net id=\"n\" type=\"http://www.pnml.org/version-2009/grammar/ptnet\">";
    const NODES: &str = "<place id=\"p0\"><initialMarking><text>1</text></initialMarking></place><transition id=\"t\"/>";
    let depth = 50_000;
    let deep = format!(
        "{HEAD}{}{NODES}<arc id=\"a\" source=\"p0\" target=\"t\"/>{}</net></pnml>\n",
        (0..depth)
            .map(|i| format!("<page id=\"g{i}\">"))
            .collect::<String>(),
        "</page>".repeat(depth)
    );
    let path = scratch("deep.pnml");
    std::fs::write(&path, deep).expect("write");
    let asked = ["--property", "deadlock-free"];
    let out = sesphr(
        &[
            &["check", "--json"],
            &asked[..],
            &[&path.display().to_string()],
        ]
        .concat(),
    );
    std::fs::remove_file(&path).ok();
    // Exit 1: the one transition fires once and the net is dead.
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["states"], 2);

    let chain = 100_000;
    let references: String = (0..chain)
        .map(|i| {
            let target = if i == 0 {
                "p0".to_string()
            } else {
                format!("r{}", i - 1)
            };
            format!("<referencePlace id=\"r{i}\" ref=\"{target}\"/>")
        })
        .collect();
    let text = format!(
        "{HEAD}<page id=\"g\">{NODES}{references}<arc id=\"a\" source=\"r{}\" target=\"t\"/></page></net></pnml>\n",
        chain - 1
    );
    let path = scratch("chain.pnml");
    std::fs::write(&path, text).expect("write");
    let path_text = path.display().to_string();
    let args: Vec<&str> = asked.iter().copied().chain([path_text.as_str()]).collect();
    let report = check_json_within(&args, Duration::from_secs(60), 1);
    std::fs::remove_file(&path).ok();
    assert_eq!(report["states"], 2);
}

#[test]
fn inputs_have_a_size_cap() {
    let out = sesphr(&["validate", "/dev/zero"]);
    assert_eq!(code(&out), Some(2));
    assert!(
        stderr(&out).contains("input size limit"),
        "{}",
        stderr(&out)
    );
    let out = sesphr(&["check", "/dev/zero.pnml"]);
    assert_eq!(code(&out), Some(2));
}

#[test]
fn the_timeout_holds_inside_one_markings_binding_search() {
    // A guard that is always false: 10^12 bindings tried, none enabled.
    let net = binding_bomb("w + x + y + z < 0");
    // With a property on `out` no reduction applies, so the search for the
    // colours of the automatic unfolding meets the bindings first.
    let watched = scratch("watched-bomb.yaml");
    let text = std::fs::read_to_string(&net).expect("the net");
    std::fs::write(
        &watched,
        format!("{text}properties:\n  few: {{ invariant: \"count(out) < 5\" }}\n"),
    )
    .expect("write net");
    for net in [&net, &watched.display().to_string()] {
        let report = check_json_within(&["--timeout", "1", net], Duration::from_secs(60), 3);
        assert_eq!(report["stopped"], "timeout", "{net}");
        assert_eq!(report["complete"], false);
        // Nothing was decided: no `false` stated as a fact.
        assert_eq!(report["deadlock_reachable"], serde_json::Value::Null);
        assert_eq!(report["one_safe"], serde_json::Value::Null);
        assert_eq!(report["max_tokens_per_marking"], serde_json::Value::Null);
    }
    // Unfolding the net, as `--unfold`, the SMT route and the SMT script
    // do, stops there too, naming the limit and the transition being
    // unfolded.
    let routes = [
        &["check", "--unfold"][..],
        &["check", "--engine", "smt", "--depth", "2"],
        &["smt", "--depth", "2"],
    ];
    for route in routes {
        let child = Command::new(env!("CARGO_BIN_EXE_sesphr"))
            .args(route)
            .args(["--timeout", "1", &net])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run");
        let out = wait_at_most(child, Duration::from_secs(60));
        // Incomplete (a limit stopped the run), not bad input.
        assert_eq!(code(&out), Some(3), "{route:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("cannot unfold transition `t`: the time limit was reached"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn the_timeout_holds_inside_one_properties_evaluation() {
    // Four nested quantifiers over 1,000 tokens: 10^12 evaluations of the
    // body in the initial marking alone.
    let net = scratch("nested.yaml");
    std::fs::write(
        &net,
        "name: nested\ntypes:\n  N: { range: [1, 1000] }\nplaces:\n  a: { type: N, init: [\"all(N)\"] }\ntransitions:\n  t: { in: { a: [\"x\"] }, out: { a: [\"x\"] } }\nproperties:\n  positive: { invariant: \"forall w in a: forall x in a: forall y in a: forall z in a: w + x + y + z > 0\" }\n",
    )
    .expect("write net");
    let net = net.display().to_string();
    let report = check_json_within(&["--timeout", "1", &net], Duration::from_secs(60), 3);
    assert_eq!(report["stopped"], "timeout");
    assert_eq!(report["properties"][0]["holds"], serde_json::Value::Null);
}

#[test]
fn the_memory_limit_holds_inside_one_markings_binding_search() {
    let net = binding_bomb("");
    let args = ["--max-memory", "150M", "--timeout", "120", &net];
    let report = check_json_within(&args, Duration::from_secs(120), 3);
    assert_eq!(report["stopped"], "max-memory");
    assert_eq!(report["deadlock_reachable"], serde_json::Value::Null);
}

#[test]
fn an_incomplete_run_states_no_unknown_as_a_fact() {
    let net = repo("nets/examples/philosophers-deadlock.yaml");
    let out = sesphr(&["check", "--json", "--timeout", "0", &net]);
    assert_eq!(code(&out), Some(3));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for field in [
        "deadlock_reachable",
        "one_safe",
        "max_tokens_per_marking",
        "max_tokens_in_place",
    ] {
        assert_eq!(report[field], serde_json::Value::Null, "{field}");
    }
    let human = sesphr(&["check", "--full", "--timeout", "0", &net]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("max tokens: unknown per marking, unknown in a place"),
        "{text}"
    );
    assert!(text.contains("deadlock reachable: unknown"), "{text}");
    // The complete run finds the deadlock.
    let out = sesphr(&["check", "--json", &net]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["deadlock_reachable"], true);
}

#[test]
fn a_run_time_error_is_reported_once() {
    let path = scratch("overflow.yaml");
    std::fs::write(
        &path,
        "name: overflow\nplaces:\n  c: { type: Int, init: [\"9223372036854775807\"] }\ntransitions:\n  inc: { in: { c: [\"x\"] }, out: { c: [\"x + 1\"] } }\n",
    )
    .expect("write");
    let out = sesphr(&["check", &path.display().to_string()]);
    assert_eq!(code(&out), Some(2));
    let message = stderr(&out);
    assert_eq!(message.matches("integer overflow").count(), 1, "{message}");
    // The first line says it; the lines after it quote the arc's line of the file.
    let said = message.lines().next().unwrap_or_default();
    assert_eq!(said.matches("inc").count(), 1, "{message}");
    // At the `+` that overflows.
    assert!(said.contains("overflow.yaml:5:42: "), "{message}");
    assert!(
        message.contains("5 |   inc: { in: { c: [\"x\"] }, out: { c: [\"x + 1\"] } }"),
        "{message}"
    );
}

#[test]
fn error_messages_escape_control_characters_and_cut_long_lines() {
    let path = scratch("control.yaml");
    let mut file = std::fs::File::create(&path).expect("create");
    writeln!(
        file,
        "name: x\nplaces:\n  p: {{ type: \"\x1b[2J\x1b[31mNope\" }}"
    )
    .expect("write");
    drop(file);
    let out = sesphr(&["validate", &path.display().to_string()]);
    assert_eq!(code(&out), Some(2));
    assert!(!out.stderr.contains(&0x1b), "raw escape: {}", stderr(&out));
    assert!(stderr(&out).contains("\\u{1b}"), "{}", stderr(&out));

    let path = scratch("long.yaml");
    let long = format!(
        "name: x\nplaces:\n  p: {{ type: Nope, x: \"{}\" }}\n",
        "y".repeat(5_000_000)
    );
    std::fs::write(&path, long).expect("write");
    let out = sesphr(&["validate", &path.display().to_string()]);
    std::fs::remove_file(&path).ok();
    assert_eq!(code(&out), Some(2));
    assert!(
        out.stderr.len() < 4_000,
        "{} bytes on stderr",
        out.stderr.len()
    );
    assert!(stderr(&out).contains(":3:"), "{}", stderr(&out));
}
