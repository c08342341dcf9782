//! End-to-end tests of `sesphr check` and `sesphr graph --reachability`:
//! verdicts, shortest traces, exit codes, limits and input errors.

use std::path::PathBuf;
use std::process::{Command, Output};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn sesphr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(args)
        .output()
        .expect("run sesphr")
}

fn path(p: &str) -> String {
    repo(p).display().to_string()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn the_mutex_example_holds() {
    let out = sesphr(&[
        "check",
        "--property",
        "deadlock-free",
        "--property",
        "one-safe",
        &path("nets/pnml/mutex.pnml"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("property deadlock-free"), "{text}");
    assert_eq!(text.matches("  holds").count(), 2, "{text}");
    assert!(text.contains("State space complete."), "{text}");
    assert!(text.contains("3 states"), "{text}");
}

#[test]
fn the_broken_mutex_fails_with_its_shortest_trace() {
    let broken = path("nets/pnml/mutex-broken.pnml");
    let asked = ["--property", "deadlock-free", "--property", "one-safe"];
    let out = sesphr(&[&["check", "--json"], &asked[..], &[&broken]].concat());
    assert_eq!(out.status.code(), Some(1));
    let r = json(&out);
    assert_eq!(r["properties"][0]["holds"], true);
    let one_safe = &r["properties"][1];
    assert_eq!(one_safe["name"], "one-safe");
    assert_eq!(one_safe["holds"], false);
    let trace = &one_safe["trace"];
    assert_eq!(trace["initial"], "idle_a idle_b");
    let steps = trace["steps"].as_array().expect("steps");
    let names: Vec<&str> = steps
        .iter()
        .map(|s| s["transition"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["enter_a", "enter_b"]);
    assert_eq!(
        steps[1]["changes"][2],
        serde_json::json!({"place": "cs", "before": "1", "after": "2"})
    );
    assert_eq!(trace["final"], "in_a in_b cs*2");

    let human = sesphr(&[&["check"], &asked[..], &[&broken]].concat());
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("VIOLATED"), "{text}");
    assert!(text.contains("shortest trace, 2 step(s)"), "{text}");
    assert!(
        text.contains("2. enter_b: idle_b: 1 -> 0, in_b: 0 -> 1, cs: 1 -> 2"),
        "{text}"
    );
}

#[test]
fn a_deadlock_gets_a_shortest_trace() {
    let out = sesphr(&[
        "check",
        "--json",
        "--property",
        "deadlock-free",
        &path("tests/data/mcc/Philosophers-PT-000005.pnml"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let r = json(&out);
    let deadlock = &r["properties"][0];
    assert_eq!(deadlock["holds"], false);
    // Every philosopher takes one fork: five steps, no fewer.
    assert_eq!(deadlock["trace"]["steps"].as_array().map(Vec::len), Some(5));
}

#[test]
fn limits_stop_the_run_as_incomplete() {
    let peterson = path("tests/data/mcc/Peterson-PT-2.pnml");
    for (flag, value, reason) in [
        ("--max-states", "1000", "max-states"),
        ("--max-memory", "64K", "max-memory"),
        ("--timeout", "0", "timeout"),
    ] {
        let out = sesphr(&[
            "check",
            "--json",
            "--property",
            "deadlock-free",
            flag,
            value,
            &peterson,
        ]);
        assert_eq!(out.status.code(), Some(3), "{flag}");
        let r = json(&out);
        assert_eq!(r["complete"], false, "{flag}");
        assert_eq!(r["stopped"], reason, "{flag}");
        assert!(r["states"].as_u64().expect("states") < 20_754, "{flag}");
        // Peterson is deadlock-free and one-safe: no verdict without the whole state space.
        assert_eq!(r["properties"][0]["holds"], serde_json::Value::Null);
    }
}

#[test]
fn bad_input_exits_2_with_a_position() {
    let dir = std::env::temp_dir().join(format!("sesphr-check-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bad = dir.join("bad.pnml");
    std::fs::write(&bad, "<pnml>\n  <net id=\"x\" type=\"t\">\n</pnml>\n").expect("write");
    let out = sesphr(&["check", &bad.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.pnml:3:1: syntax error"), "{stderr}");

    let out = sesphr(&["check", &dir.join("missing.pnml").display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    let out = sesphr(&["check", "--param", "n=2", &path("nets/pnml/mutex.pnml")]);
    assert_eq!(out.status.code(), Some(2));
    let out = sesphr(&["check", "--threads", "many", &path("nets/pnml/mutex.pnml")]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn reachability_graph_exports_and_refuses_above_the_limit() {
    let mutex = path("nets/pnml/mutex.pnml");
    let out = sesphr(&["graph", "--reachability", "--format", "json", &mutex]);
    assert_eq!(out.status.code(), Some(0));
    let g = json(&out);
    assert_eq!(g["states"], 3);
    assert_eq!(g["edges"], 4);
    assert_eq!(g["nodes"][0]["marking"], "idle_a idle_b lock");

    let out = sesphr(&["graph", "--reachability", &mutex]);
    let dot = String::from_utf8_lossy(&out.stdout);
    assert!(dot.starts_with("digraph reachability {"), "{dot}");
    assert!(dot.contains("0 -> 1 [ label = \"enter_a\" ]"), "{dot}");

    let philosophers = path("tests/data/mcc/Philosophers-PT-000005.pnml");
    let out = sesphr(&["graph", "--reachability", "--limit", "100", &philosophers]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--limit"));
    let out = sesphr(&[
        "graph",
        "--reachability",
        "--limit",
        "243",
        "--format",
        "json",
        &philosophers,
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["edges"], 945);
}

/// The coloured philosophers that `scripts/bench-anchors` runs against SPIN
/// and Rumur have the state space of the contest's P/T unfolding.
#[test]
fn coloured_philosophers_match_their_pt_unfolding() {
    for (n, pt) in [
        ("5", "tests/data/mcc/Philosophers-PT-000005.pnml"),
        ("7", ""),
    ] {
        let coloured = sesphr(&[
            "check",
            "--json",
            "--param",
            &format!("n={n}"),
            &path("nets/examples/philosophers-mcc.yaml"),
        ]);
        // Exit 1: the deadlock-freedom property fails, as in the contest.
        assert_eq!(coloured.status.code(), Some(1));
        let coloured = json(&coloured);
        let n: u32 = n.parse().expect("a number");
        assert_eq!(coloured["states"], 3u64.pow(n));
        assert_eq!(coloured["deadlock_reachable"], true);
        if !pt.is_empty() {
            let unfolded = json(&sesphr(&["check", "--json", &path(pt)]));
            assert_eq!(coloured["states"], unfolded["states"]);
            assert_eq!(coloured["edges"], unfolded["edges"]);
        }
    }
}
