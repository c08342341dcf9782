//! End-to-end tests of `sesphr check` and `sesphr graph --reachability`:
//! verdicts, shortest traces, exit codes, limits and input errors.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

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
    assert!(text.contains("  holds     deadlock-free"), "{text}");
    assert_eq!(text.matches("  holds").count(), 2, "{text}");
    assert!(text.contains("state space complete: 3 states"), "{text}");
    assert!(text.ends_with("2 properties: 2 hold\n"), "{text}");
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
    assert_eq!(
        trace["initial"],
        serde_json::json!({"idle_a": 1, "idle_b": 1})
    );
    let steps = trace["steps"].as_array().expect("steps");
    let names: Vec<&str> = steps
        .iter()
        .map(|s| s["transition"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["enter_a", "enter_b"]);
    assert_eq!(
        steps[1]["changes"][2],
        serde_json::json!({"place": "cs", "before": 1, "after": 2})
    );
    assert_eq!(
        trace["final"],
        serde_json::json!({"in_a": 1, "in_b": 1, "cs": 2})
    );

    let human = sesphr(&[&["check"], &asked[..], &[&broken]].concat());
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("VIOLATED  one-safe       bound, counterexample in 2 step(s)"),
        "{text}"
    );
    assert!(
        text.contains("2. enter_b: idle_b: 1 -> 0, in_b: 0 -> 1, cs: 1 -> 2\n"),
        "{text}"
    );
    assert!(text.ends_with("1 of 2 VIOLATED, 1 hold\n"), "{text}");
}

/// On a coloured net, a violation of one-safe names the place that holds
/// two tokens or more, and how many, whichever engine explores it.
#[test]
fn a_coloured_nets_one_safety_names_the_fullest_place() {
    let net = path("nets/examples/mutex.yaml");
    for route in ["--unfold=auto", "--unfold=never"] {
        let out = sesphr(&["check", "--json", "--property", "one-safe", route, &net]);
        assert_eq!(out.status.code(), Some(1), "{route}");
        let r = json(&out);
        let properties = r["properties"].as_array().expect("properties");
        let one_safe = (properties.iter())
            .find(|p| p["name"] == "one-safe")
            .expect("one-safe");
        assert_eq!(one_safe["holds"], false, "{route}");
        // A bound, as on P/T nets, not an invariant of the net's own.
        assert_eq!(one_safe["kind"], "bound", "{route}: {one_safe}");
        let failing = one_safe["explanation"]["failing"]
            .as_str()
            .unwrap_or_default();
        assert_eq!(failing, "count(idle) <= 1", "{route}: {one_safe}");
        assert_eq!(
            one_safe["explanation"]["readings"][0]["value"], 2,
            "{route}: {one_safe}"
        );
    }
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

/// `sesphr check` on the mutant `srs-skips-acl-check` with its own
/// parameters (its `# params:` line), then `extra`.
fn acl_mutant(extra: &[&str]) -> Output {
    let mutant = path("nets/mutants/srs-skips-acl-check.yaml");
    let params = "--param roles=1 --param users_per_role=1 --param partitions=2 --param versions=2 --param tampers=0";
    let args: Vec<&str> = ["check", mutant.as_str()]
        .into_iter()
        .chain(params.split(' '))
        .chain(extra.iter().copied())
        .collect();
    sesphr(&args)
}

/// `--depth K` checks every marking within K steps: a violation K steps
/// away is found with the unbounded run's counterexample, the rest is "not
/// violated within K steps" (exit 3), and a bound at the longest shortest
/// path is the whole check. No partial-order reduction under a bound.
#[test]
fn depth_bounds_the_check() {
    let run = acl_mutant;
    let whole = run(&["--json"]);
    assert_eq!(whole.status.code(), Some(1));
    let violated = |report: &serde_json::Value| -> Vec<serde_json::Value> {
        let properties = report["properties"].as_array().expect("properties");
        (properties.iter())
            .filter(|p| p["holds"] == false)
            .cloned()
            .collect()
    };
    let counterexamples = violated(&json(&whole));
    assert_eq!(counterexamples[0]["name"], "acl_enforcement");
    let steps = counterexamples[0]["trace"]["steps"]
        .as_array()
        .expect("steps")
        .len();
    let short = run(&["--depth", &(steps - 1).to_string()]);
    assert_eq!(short.status.code(), Some(3));
    let text = String::from_utf8_lossy(&short.stdout);
    let bound = format!("not violated within {} step(s)", steps - 1);
    assert!(
        text.lines()
            .any(|l| l.contains("undecided acl_enforcement") && l.ends_with(&bound)),
        "{text}"
    );
    assert!(
        text.contains(&format!("bounded to {} step(s) (--depth)", steps - 1)),
        "{text}"
    );
    let enough = run(&["--json", "--depth", &steps.to_string()]);
    assert_eq!(enough.status.code(), Some(1));
    let enough = json(&enough);
    assert_eq!(enough["stopped"], "max-depth");
    assert_eq!(violated(&enough), counterexamples);

    let sesphr_net = path("nets/sesphr.yaml");
    let unbounded = json(&sesphr(&["check", "--json", &sesphr_net]));
    // The longest shortest path: the markings that far have no successor
    // that is not stored already, so the bounded run is the whole check; one
    // step less is not.
    let farthest = unbounded["depth"].as_u64().expect("depth") - 1;
    let bounded = |depth: u64| {
        let out = sesphr(&[
            "check",
            "--json",
            "--depth",
            &depth.to_string(),
            &sesphr_net,
        ]);
        (out.status.code(), json(&out))
    };
    let (code, whole) = bounded(farthest);
    assert_eq!(code, Some(0));
    for field in ["complete", "states", "edges", "depth", "properties"] {
        assert_eq!(whole[field], unbounded[field], "{field}");
    }
    let (code, short) = bounded(farthest - 1);
    assert_eq!(code, Some(3));
    assert_eq!(short["stopped"], "max-depth");

    let mutex = path("nets/examples/mutex.yaml");
    let reduced = json(&sesphr(&["check", "--json", "--unfold=never", &mutex]));
    assert!(
        reduced["reduction"]
            .as_str()
            .is_some_and(|r| r.contains("partial order"))
    );
    let bounded = json(&sesphr(&[
        "check",
        "--json",
        "--unfold=never",
        "--depth",
        "2",
        &mutex,
    ]));
    assert_eq!(bounded["reduction"], serde_json::Value::Null);
    assert_eq!(bounded["stopped"], "max-depth");
}

#[test]
fn random_walks_find_real_violations_and_prove_nothing() {
    let run = acl_mutant;
    let shortest = json(&run(&["--json"]));
    let walks = ["--json", "--engine", "random", "--walks", "100"];
    let (one, two) = (
        run(&[&walks[..], &["--threads", "1"]].concat()),
        run(&[&walks[..], &["--threads", "2"]].concat()),
    );
    assert_eq!(one.status.code(), Some(1));
    let (mut one, mut two) = (json(&one), json(&two));
    assert_eq!(
        (one["walks"].as_u64(), one["engine"].as_str()),
        (Some(100), Some("random"))
    );
    // A walk's counterexample is a real run, no shorter than the shortest one.
    let property = |report: &serde_json::Value, name: &str| -> serde_json::Value {
        let properties = report["properties"].as_array().expect("properties");
        (properties.iter().find(|p| p["name"] == name))
            .expect("the property")
            .clone()
    };
    let walked = property(&one, "acl_enforcement");
    assert_eq!(walked["holds"], false);
    let steps = |p: &serde_json::Value| p["trace"]["steps"].as_array().expect("steps").len();
    assert!(steps(&walked) >= steps(&property(&shortest, "acl_enforcement")));
    // The walks judged some of the markings the exhaustive check counts.
    let markings = (shortest["represented_states"].as_u64())
        .or(shortest["states"].as_u64())
        .expect("states");
    let distinct = one["distinct"].as_u64().expect("distinct");
    assert!(
        distinct > 1 && distinct <= markings,
        "{distinct} of {markings}"
    );
    // Every verdict the walks give is the exhaustive check's.
    for p in one["properties"].as_array().expect("properties") {
        if !p["holds"].is_null() {
            assert_eq!(
                p["holds"],
                property(&shortest, p["name"].as_str().unwrap())["holds"]
            );
        }
    }
    // The same report whatever the thread count.
    for report in [&mut one, &mut two] {
        report["seconds"] = 0.into();
        report["threads"] = 0.into();
    }
    assert_eq!(one, two);

    // On the protocol as it stands: nothing violated, nothing proved (exit
    // 3), the CTL/LTL properties undecided, the goals reached.
    let sesphr_net = path("nets/sesphr.yaml");
    let out = sesphr(&[
        "check",
        "--engine",
        "random",
        "--walks",
        "200",
        "--progress",
        &sesphr_net,
    ]);
    assert_eq!(out.status.code(), Some(3));
    let progress = String::from_utf8_lossy(&out.stderr);
    assert!(
        progress.contains("progress: ") && progress.contains(" of 200 walks, "),
        "{progress}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("  undecided acl_enforcement")
                && l.ends_with("not violated in 200 walk(s)")),
        "{text}"
    );
    // The CTL and LTL properties, named on one line, without their formulas.
    let temporal = (text.lines())
        .find(|l| l.starts_with("  random walks decide no CTL or LTL property"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        temporal.contains("uploads_are_eventually_recorded"),
        "{temporal}"
    );
    assert_eq!(text.matches("decide no CTL or LTL").count(), 1, "{text}");
    assert!(!text.contains("AG EF ("), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("  holds     every_role_reads_its_partitions")),
        "{text}"
    );
    assert!(
        text.contains("undecided (random walks prove no property)"),
        "{text}"
    );
    // The explicit explorer's state limit means nothing to walks.
    let refused = sesphr(&[
        "check",
        "--engine",
        "random",
        "--max-states",
        "9",
        &sesphr_net,
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("--max-states bounds the explicit explorer")
    );
}

/// A flag that only another engine reads is refused, naming the engine it
/// belongs to, before any net is loaded; the same flag with its engine runs.
#[test]
fn flags_of_another_engine_are_refused() {
    let net = path("nets/sesphr.yaml");
    let refusals: [(&[&str], &str); 9] = [
        (
            &["--seed", "7"],
            "--seed only applies to --engine random; this check runs --engine explicit",
        ),
        (&["--walks", "5"], "--walks only applies to --engine random"),
        (
            &["--defer", "revoke"],
            "--defer only applies to --engine random",
        ),
        (
            &["--engine", "random", "--solver", "z3"],
            "--solver only applies to --engine smt; this check runs --engine random",
        ),
        (
            &["--engine", "smt", "--depth", "2", "--seed", "3"],
            "--seed only applies to --engine random; this check runs --engine smt",
        ),
        (
            &["--engine", "random", "--unfold"],
            "--unfold only applies to --engine explicit",
        ),
        (
            &["--engine", "random", "--distributed"],
            "--distributed only applies to --engine explicit",
        ),
        (
            &["--engine", "random", "--no-reduction"],
            "--no-reduction only applies to --engine explicit; this check runs --engine random",
        ),
        (
            &["--engine", "smt", "--depth", "2", "--no-reduction"],
            "--no-reduction only applies to --engine explicit; this check runs --engine smt",
        ),
    ];
    for (flags, message) in refusals {
        let mut args = vec!["check"];
        args.extend_from_slice(flags);
        args.push(&net);
        let out = sesphr(&args);
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{flags:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{flags:?}: nothing is checked");
    }
    let accepted = sesphr(&[
        "check", "--engine", "random", "--walks", "3", "--seed", "7", "--defer", "revoke",
        "--json", &net,
    ]);
    assert_eq!(
        accepted.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&accepted.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&accepted.stdout).unwrap();
    assert_eq!(report["walks"], 3);
    assert_eq!(report["seed"], 7);
}

/// `--defer` puts transitions off until nothing else changes the marking:
/// a fork whose left branch breaks an invariant is never taken left when
/// `go_left` is deferred, and still is when both branches are.
#[test]
fn random_walks_put_deferred_transitions_off() {
    let dir = std::env::temp_dir().join(format!("sesphr-defer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let net = dir.join("fork.yaml");
    std::fs::write(
        &net,
        "name: fork\nplaces:\n  start: { type: Unit, init: [\"()\"] }\n  left: { type: Unit }\n  \
         right: { type: Unit }\ntransitions:\n  go_left: { in: { start: [\"()\"] }, out: { left: [\"()\"] } }\n  \
         go_right: { in: { start: [\"()\"] }, out: { right: [\"()\"] } }\nproperties:\n  \
         never_left: { invariant: \"count(left) == 0\" }\n",
    )
    .unwrap();
    let net = net.display().to_string();
    let walks = |extra: &[&str]| {
        let out = sesphr(
            &[
                &["check", "--engine", "random", "--walks", "50", &net][..],
                extra,
            ]
            .concat(),
        );
        out.status.code()
    };
    assert_eq!(walks(&[]), Some(1));
    assert_eq!(walks(&["--defer", "go_left"]), Some(3));
    assert_eq!(walks(&["--defer", "go_left,go_right"]), Some(1));
    let unknown = sesphr(&["check", "--engine", "random", "--defer", "go_up", &net]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&unknown.stderr)
            .contains("--defer go_up: the net has no such transition")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_stopped_exploration_leaves_the_temporal_properties_undecided() {
    // The CTL/LTL graph holds every marking the exploration stored, so a
    // limit that stopped the exploration is not tried again on the graph.
    let sesphr_net = path("nets/sesphr.yaml");
    for (flag, value, reason) in [
        ("--max-states", "1000", "max-states"),
        ("--timeout", "0", "timeout"),
    ] {
        let out = sesphr(&["check", "--json", flag, value, &sesphr_net]);
        assert_eq!(out.status.code(), Some(3), "{flag}");
        let r = json(&out);
        assert_eq!(r["stopped"], reason, "{flag}");
        let temporal: Vec<&serde_json::Value> = (r["properties"].as_array().expect("properties"))
            .iter()
            .filter(|p| p["kind"] == "ltl" || p["kind"] == "ctl")
            .collect();
        assert_eq!(temporal.len(), 6, "{flag}");
        for p in temporal {
            assert_eq!(p["holds"], serde_json::Value::Null, "{flag}: {p}");
            let meaning = p["meaning"].as_str().expect("meaning");
            assert!(
                meaning.contains(&format!(
                    "undecided: the exploration stopped first ({reason})"
                )),
                "{flag}: {meaning}"
            );
        }
    }
}

#[test]
fn a_stopped_unfolded_exploration_leaves_the_temporal_properties_undecided_too() {
    let dir = std::env::temp_dir().join(format!("sesphr-check-unfold-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let net = dir.join("counter.yaml");
    std::fs::write(
        &net,
        "places:\n  c: { type: Int, init: [0] }\ntransitions:\n  step: { in: { c: [x] }, out: { c: [\"(x + 1) % 50\"] } }\nproperties:\n  back_to_zero: { ltl: \"G F 0 in c\" }\n",
    )
    .expect("write");
    let out = sesphr(&[
        "check",
        "--json",
        "--unfold",
        "--max-states",
        "10",
        &net.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    let r = json(&out);
    assert_eq!(r["stopped"], "max-states");
    let ltl = &r["properties"][0];
    assert_eq!(ltl["kind"], "ltl");
    assert_eq!(ltl["holds"], serde_json::Value::Null);
    let meaning = ltl["meaning"].as_str().expect("meaning");
    assert!(
        meaning.contains("undecided: the exploration stopped first (max-states)"),
        "{meaning}"
    );
    // Without the limit the same net is decided, and `--progress` reports
    // the graph of its temporal property.
    let net = net.display().to_string();
    let out = sesphr(&["check", "--json", "--unfold", "--progress", &net]);
    assert_eq!(json(&out)["properties"][0]["holds"], true);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(": CTL/LTL properties: graph of "),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
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

    // Each refused for its own reason, named.
    let mutex = path("nets/pnml/mutex.pnml");
    for (args, reason) in [
        (
            vec![
                "check".to_string(),
                dir.join("missing.pnml").display().to_string(),
            ],
            "missing.pnml: cannot read the file",
        ),
        (
            vec![
                "check".into(),
                "--param".into(),
                "n=2".into(),
                mutex.clone(),
            ],
            "mutex.pnml: parameter: n: PNML nets take no parameters",
        ),
        (
            vec![
                "check".into(),
                "--threads".into(),
                "many".into(),
                mutex.clone(),
            ],
            "\"many\" is not a number of threads",
        ),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = sesphr(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Regression: an expression that fails while the net runs (here a division
/// by zero) was reported without the file or the line: `state space error:
/// division by zero`, not even naming the property. A division by zero
/// points at its `/`, wherever it is written: in a guard conjunct, an arc,
/// an invariant, a goal, a deadlock exception or a CTL/LTL property's atom;
/// a host function's failure at its call.
#[test]
fn run_time_errors_name_the_file_and_the_line_that_failed() {
    let dir = std::env::temp_dir().join(format!("sesphr-run-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let net = |name: &str, guard: &str, output: &str, property: &str| {
        let file = dir.join(name);
        let text = format!(
            "name: n\nplaces:\n  P: {{ type: Int, init: [\"1\"] }}\ntransitions:\n  step:\n    \
             in: {{ P: [\"x\"] }}\n    guard: \"{guard}\"\n    out: {{ P: [\"{output}\"] }}\n\
             properties:\n  fine:\n    invariant: \"count(P) == 1\"\n  {property}\n"
        );
        std::fs::write(&file, text).expect("write");
        file.display().to_string()
    };
    let other = "other:\n    invariant: \"true\"";
    let cases = [
        (
            net("guard.yaml", "x / (x - 1) > 0", "x + 1", other),
            "guard.yaml:7:15: state space error: in transition `step`: division by zero",
            "7 |     guard: \"x / (x - 1) > 0\"",
        ),
        (
            net("conjunct.yaml", "x < 3 && x / (x - 1) > 0", "x + 1", other),
            "conjunct.yaml:7:24: state space error: in transition `step`: division by zero",
            "7 |     guard: \"x < 3 && x / (x - 1) > 0\"",
        ),
        (
            net("output.yaml", "x < 3", "10 / (x - 1)", other),
            "output.yaml:8:20: state space error: in transition `step`: division by zero",
            "8 |     out: { P: [\"10 / (x - 1)\"] }",
        ),
        (
            net(
                "invariant.yaml",
                "x < 3",
                "x + 1",
                "positive:\n    invariant: >\n      forall x in P:\n        10 / (x - 1) >= 0",
            ),
            "invariant.yaml:15:12: state space error: in property `positive`: division by zero",
            "15 |         10 / (x - 1) >= 0",
        ),
        (
            net(
                "goal.yaml",
                "x < 3",
                "x + 1",
                "goal:\n    reachable: \"count(P) == 1 && 10 / (count(P) - 1) > 0\"",
            ),
            "goal.yaml:13:37: state space error: in property `goal`: division by zero",
            "13 |     reachable: \"count(P) == 1 && 10 / (count(P) - 1) > 0\"",
        ),
        (
            net(
                "ctl.yaml",
                "x < 3",
                "x + 1",
                "always:\n    ctl: \"AG (forall x in P: 10 / (x - 1) >= 0)\"",
            ),
            "ctl.yaml:13:33: in property `always`: division by zero",
            "13 |     ctl: \"AG (forall x in P: 10 / (x - 1) >= 0)\"",
        ),
        (
            net(
                "except.yaml",
                "x < 3",
                "x + 1",
                "ends:\n    deadlock-free:\n      except: \"forall x in P: x == 3 && 10 / (x - 3) > 0\"",
            ),
            "except.yaml:14:44: state space error: in property `ends`: division by zero",
            "14 |       except: \"forall x in P: x == 3 && 10 / (x - 3) > 0\"",
        ),
        (
            // A negation's overflow: at its `-`, not at the conjunct's start.
            net(
                "negation.yaml",
                "x < 3",
                "x + 1",
                "negated:\n    invariant: \"forall x in P: x > 0 && 1 + -(x - 9223372036854775807 - 2) > 0\"",
            ),
            "negation.yaml:13:45: state space error: in property `negated`: integer overflow",
            "13 |     invariant: \"forall x in P: x > 0 && 1 + -(x - 9223372036854775807 - 2) > 0\"",
        ),
    ];
    // `args` exits 2 and its error says each of `expected`.
    let refused = |args: &[&str], expected: &[&str]| {
        let out = sesphr(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        for text in expected {
            assert!(stderr.contains(text), "{args:?}: {stderr}");
        }
    };
    for (file, message, quoted) in &cases {
        refused(&["check", file], &[message, quoted]);
    }
    let guard = cases[0].0.as_str();
    let in_step = "in transition `step`: division by zero";
    let page = dir.join("page").display().to_string();
    for command in [
        &["simulate"][..],
        &["graph", "--reachability"],
        &["view", "--out", &page],
    ] {
        refused(
            &[command, &[guard]].concat(),
            &["guard.yaml:7:15: ", in_step],
        );
    }
    // A host function that fails points at its call, inside the arc item.
    let call = dir.join("call.yaml");
    std::fs::write(
        &call,
        "name: n\ntypes:\n  Patient: { enum: [p1] }\n  Term: { opaque: true }\nfunctions:\n  \
         patient_secret: { args: [Patient], returns: Term }\n  recover: { args: [Term, Term], returns: Term }\n  \
         digest: { args: [Term], returns: Term }\nplaces:\n  P: { type: Patient, init: [\"p1\"] }\n  \
         K: { type: Term }\ntransitions:\n  t:\n    in: { P: [\"p\"] }\n    \
         out: { K: [\"digest(recover(patient_secret(p), patient_secret(p)))\"] }\n",
    )
    .expect("write");
    refused(
        &["check", &call.display().to_string()],
        &["call.yaml:15:24: state space error: in transition `t`: recover: bad arguments"],
    );
    // Mutation testing checks the net itself first, and says where it failed.
    refused(
        &["mutate", guard],
        &[
            "guard.yaml:7:15: the net itself cannot be checked: ",
            in_step,
            "7 |     guard: \"x / (x - 1) > 0\"",
        ],
    );
    // Forced through the unfolding (and in the SMT encoding, which unfolds
    // the net), the binding search fails while unfolding: the transition is
    // named once, the failing conjunct located.
    let unfolding = "conjunct.yaml:7:24: cannot unfold transition `step`: division by zero";
    for command in [&["check", "--unfold"][..], &["smt", "--depth", "2"]] {
        refused(
            &[command, &[cases[1].0.as_str()]].concat(),
            &[unfolding, cases[1].2],
        );
    }
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
    assert!(
        dot.contains("0 [ label = \"idle_a idle_b lock\" peripheries = 2]"),
        "{dot}"
    );

    // A coloured net's firings carry their bindings; deadlocks are marked.
    let philosophers = path("nets/examples/philosophers-deadlock.yaml");
    let out = sesphr(&["graph", "--reachability", "--format", "json", &philosophers]);
    let g = json(&out);
    let arcs = g["arcs"].as_array().unwrap();
    assert!(
        arcs.iter()
            .all(|a| a["binding"].as_object().is_some_and(|b| !b.is_empty()))
    );
    let firings: std::collections::HashSet<(u64, String)> = (arcs.iter())
        .map(|a| {
            (
                a["from"].as_u64().unwrap(),
                format!("{}{}", a["transition"], a["binding"]),
            )
        })
        .collect();
    assert_eq!(
        firings.len(),
        arcs.len(),
        "two arcs from a node, one firing"
    );
    let nodes = g["nodes"].as_array().unwrap();
    for node in nodes {
        let id = node["id"].as_u64().unwrap();
        let dead = !arcs.iter().any(|a| a["from"] == id);
        assert_eq!(node.get("deadlock").is_some(), dead, "{node}");
    }
    let check = sesphr(&["check", "--json", "--no-reduction", &philosophers]);
    let deadlocks = json(&check)["deadlocks"].as_u64().unwrap();
    let marked = nodes.iter().filter(|n| n["deadlock"] == true).count() as u64;
    assert_eq!(marked, deadlocks);
    let out = sesphr(&["graph", "--reachability", &philosophers]);
    let dot = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        dot.matches("color = red").count() as u64,
        deadlocks,
        "{dot}"
    );
    assert!(dot.contains("label = \"take_left (p=1)\""), "{dot}");

    let philosophers = path("tests/data/mcc/Philosophers-PT-000005.pnml");
    let out = sesphr(&[
        "graph",
        "--reachability",
        "--max-states",
        "100",
        &philosophers,
    ]);
    // A limit, as everywhere: incomplete (3), not bad input.
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "Philosophers-PT-000005.pnml: the reachability graph has more than 100 states; raise the limit with --max-states N"
        ),
        "the file is named: {stderr}"
    );
    // `--limit`, the old name, still works.
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
/// and Rumur have the state space of the contest's P/T unfolding, with the
/// coloured engine and as checked by default (through its unfolding).
#[test]
fn coloured_philosophers_match_their_pt_unfolding() {
    for route in ["--unfold=never", "--unfold=auto"] {
        for (n, pt) in [
            ("5", "tests/data/mcc/Philosophers-PT-000005.pnml"),
            ("7", ""),
        ] {
            let coloured = sesphr(&[
                "check",
                "--json",
                route,
                "--param",
                &format!("n={n}"),
                &path("nets/examples/philosophers-mcc.yaml"),
            ]);
            // Exit 1: the deadlock-freedom property fails, as in the contest.
            assert_eq!(coloured.status.code(), Some(1), "{route}");
            let coloured = json(&coloured);
            let n: u32 = n.parse().expect("a number");
            assert_eq!(coloured["states"], 3u64.pow(n), "{route}");
            assert_eq!(coloured["deadlock_reachable"], true, "{route}");
            if !pt.is_empty() {
                let unfolded = json(&sesphr(&["check", "--json", &path(pt)]));
                assert_eq!(coloured["states"], unfolded["states"], "{route}");
                assert_eq!(coloured["edges"], unfolded["edges"], "{route}");
            }
        }
    }
}

/// By default a small coloured net without reductions is explored through
/// its unfolding, says so, and prints the coloured engine's report; the
/// route is chosen with `--unfold=WHEN`.
#[test]
fn the_route_through_the_unfolding_is_shown_and_can_be_chosen() {
    let net = path("nets/examples/philosophers-mcc.yaml");
    let report = |route: &str| {
        let out = sesphr(&["check", route, "--param", "n=4", &net]);
        assert_eq!(out.status.code(), Some(1), "{route}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let auto = report("--unfold=auto");
    let never = report("--unfold=never");
    let line = "  explored through its P/T unfolding: 20 places, 20 transitions\n";
    assert!(auto.contains(line), "{auto}");
    assert!(!never.contains("unfolding"), "{never}");
    // The rest is the coloured engine's report, the timing aside.
    let untimed = |text: &str| {
        text.lines()
            .filter(|l| !l.starts_with("state space") && !l.contains("unfolding"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(untimed(&auto), untimed(&never));
    assert!(
        auto.contains("take_left (p=1): think: -1, fork: -1, catch_left: +1"),
        "{auto}"
    );
    let out = sesphr(&["check", "--unfold=sometimes", &net]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid value 'sometimes'"), "{stderr}");
}

/// Counts past 2^31 - 1, which the unfolding's counters cannot hold, keep
/// a net with the coloured engine by default: in the initial marking, in
/// an arc's weight, or reached on the way; `--unfold=always` says why it
/// cannot.
#[test]
fn counts_too_large_for_the_unfolding_stay_with_the_coloured_engine() {
    let dir = std::env::temp_dir().join(format!("sesphr-large-counts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let nets = [
        (
            "initial",
            "a: { type: Unit, init: [\"3000000000'()\"] }",
            "b: [\"()\"]",
        ),
        (
            "weight",
            "a: { type: Unit, init: [\"()\"] }",
            "b: [\"3000000000'()\"]",
        ),
        (
            "reached",
            "a: { type: Unit, init: [\"2147483647'()\"] }",
            "a: [\"2'()\"]",
        ),
    ];
    for (name, place, out) in nets {
        let net = dir.join(format!("{name}.yaml"));
        std::fs::write(
            &net,
            format!(
                "name: {name}\n\
                 places:\n  {place}\n  b: {{ type: Unit }}\n  go: {{ type: Unit, init: [\"()\"] }}\n\
                 transitions:\n  t: {{ in: {{ go: [\"()\"], a: [\"()\"] }}, out: {{ {out} }} }}\n\
                 properties:\n  some: {{ invariant: \"count(go) <= 1\" }}\n"
            ),
        )
        .unwrap();
        let net = net.to_str().unwrap();
        let auto = sesphr(&["check", "--json", net]);
        assert_eq!(auto.status.code(), Some(0), "{name}: {auto:?}");
        let auto: serde_json::Value = serde_json::from_slice(&auto.stdout).unwrap();
        let never = sesphr(&["check", "--json", "--unfold=never", net]);
        let never: serde_json::Value = serde_json::from_slice(&never.stdout).unwrap();
        assert!(auto.get("unfolding").is_none(), "{name}: {auto}");
        assert_eq!(auto["states"], 2, "{name}");
        assert_eq!(auto["properties"], never["properties"], "{name}");
        let always = sesphr(&["check", "--unfold=always", net]);
        assert_eq!(always.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&always.stderr);
        assert!(stderr.contains("2147483647"), "{name}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A net of black tokens larger than the fixed limits of the automatic
/// unfolding (a ring of 300 places, one colour each) unfolds to no more
/// places and transitions than it has, so without reductions it is explored
/// through its unfolding, with the coloured engine's report; a net that
/// builds more colours than places stays with the coloured engine.
#[test]
fn a_large_net_of_black_tokens_is_explored_through_its_unfolding() {
    let dir = std::env::temp_dir().join(format!("sesphr-black-ring-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let places = 300;
    let mut text = String::from("name: ring\nplaces:\n  p0: { type: Unit, init: [\"()\"] }\n");
    for i in 1..places {
        text.push_str(&format!("  p{i}: {{ type: Unit }}\n"));
    }
    text.push_str("transitions:\n");
    for i in 0..places {
        let next = (i + 1) % places;
        text.push_str(&format!(
            "  t{i}: {{ in: {{ p{i}: [\"()\"] }}, out: {{ p{next}: [\"()\"] }} }}\n"
        ));
    }
    let ring = dir.join("ring.yaml");
    std::fs::write(&ring, text).expect("write");
    let ring = ring.display().to_string();
    let report = |route: &str| {
        let out = sesphr(&["check", "--json", "--no-reduction", route, &ring]);
        assert_eq!(out.status.code(), Some(0), "{route}: {out:?}");
        let mut report = json(&out);
        let object = report.as_object_mut().expect("an object");
        for timing in ["seconds", "states_per_second", "bytes_per_state"] {
            object.remove(timing);
        }
        report
    };
    let mut auto = report("--unfold=auto");
    let never = report("--unfold=never");
    let unfolding = auto
        .as_object_mut()
        .and_then(|o| o.remove("unfolding"))
        .expect("explored through its unfolding");
    assert_eq!(unfolding["places"], places);
    assert_eq!(unfolding["transitions"], places);
    assert_eq!(auto, never);
    assert_eq!(auto["states"], places);
    // Two places of a type of 300 values: more colours than places.
    let counters = dir.join("counters.yaml");
    std::fs::write(
        &counters,
        "types:\n  N: { range: [0, 299] }\nplaces:\n  c: { type: N, init: [0] }\n  \
         d: { type: N }\ntransitions:\n  step: { in: { c: [x] }, out: { c: [\"(x + 1) % 300\"] } }\n",
    )
    .expect("write");
    let out = sesphr(&[
        "check",
        "--json",
        "--no-reduction",
        &counters.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(json(&out)["states"], 300);
    assert!(json(&out).get("unfolding").is_none(), "{out:?}");
    std::fs::remove_dir_all(&dir).ok();
}

/// The README's main command: one line per property and a summary, a screenful in all.
#[test]
fn the_main_command_prints_a_screenful() {
    let out = sesphr(&["check", &path("nets/sesphr.yaml")]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() <= 50, "{} lines:\n{text}", lines.len());
    assert!(lines.iter().all(|l| l.chars().count() <= 100), "{text}");
    let verdicts = lines.iter().filter(|l| l.starts_with("  holds ")).count();
    let summary = lines.last().expect("a summary line");
    assert_eq!(*summary, format!("{verdicts} properties: {verdicts} hold"));
    // One version: the goals that need a second one are written to hold
    // without it, and the report says they hold before any step.
    let goal = |name: &str| lines.iter().find(|l| l.contains(name)).copied();
    assert!(
        goal("a_re_upload_is_read")
            .is_some_and(|l| l.ends_with("reachable, met by the initial marking")),
        "{text}"
    );
    assert!(
        goal("a_reader_is_revoked").is_some_and(|l| l.contains("reachable, witness in 5 step(s)")),
        "{text}"
    );
}

#[test]
fn traces_properties_and_several_nets_are_chosen_on_the_command_line() {
    let broken = path("nets/pnml/mutex-broken.pnml");
    let mutex = path("nets/pnml/mutex.pnml");
    // Only the chosen property is checked.
    let out = sesphr(&["check", "--property", "deadlock-free", &broken]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("one-safe"), "{text}");
    assert!(text.ends_with("1 property: 1 hold\n"), "{text}");
    // An unknown name is refused with the names the net has: the closest
    // one if it is close, the net's own (a P/T net has none) and the
    // standard ones, or where to find a long list of them.
    let refused = |args: &[&str]| {
        let out = sesphr(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let stderr = refused(&["check", "--property", "safety", &broken]);
    let standard = "deadlock-free and one-safe are always available";
    assert!(
        stderr.contains(&format!(
            "no such property; it declares none, and {standard}"
        )),
        "{stderr}"
    );
    let stderr = refused(&["check", "--property", "deadlock_free", &broken]);
    assert!(
        stderr.contains("(did you mean `deadlock-free`?)"),
        "{stderr}"
    );
    let mutex_yaml = path("nets/examples/mutex.yaml");
    let stderr = refused(&["check", "--property", "mutual_exclusio", &mutex_yaml]);
    assert!(
        stderr.contains(
            "(did you mean `mutual_exclusion`?); it declares mutual_exclusion, lock_or_holder"
        ),
        "{stderr}"
    );
    let sesphr_yaml = path("nets/sesphr.yaml");
    let stderr = refused(&["check", "--property", "every_user_read", &sesphr_yaml]);
    assert!(
        stderr.contains("(did you mean `every_user_reads`?); `sesphr validate ")
            && stderr.contains(&format!(" it declares, and {standard}")),
        "{stderr}"
    );
    // --trace none hides the counterexample, not the verdict.
    let both = ["--property", "deadlock-free", "--property", "one-safe"];
    let out = sesphr(&[&["check", "--trace", "none"], &both[..], &[&broken]].concat());
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("VIOLATED") && !text.contains("enter_b"),
        "{text}"
    );
    // Several nets: one report each, the worst exit code.
    let out = sesphr(&[&["check"], &both[..], &[&mutex, &broken]].concat());
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2 properties: 2 hold\n"), "{text}");
    assert!(text.ends_with("1 of 2 VIOLATED, 1 hold\n"), "{text}");
    let out = sesphr(&[&["check", "--json"], &both[..], &[&mutex, &broken]].concat());
    let reports = json(&out);
    assert_eq!(reports.as_array().map(Vec::len), Some(2));
    assert_eq!(reports[1]["file"], broken.as_str());
}

#[test]
fn long_terms_are_shortened_unless_full() {
    // The paper's key management: the curious SRS learns a partition key in one upload.
    let net = path("nets/sesphr.yaml");
    let args = [
        "check",
        &net,
        "--param",
        "key_mode=paper",
        "--param",
        "roles=1",
        "--param",
        "users_per_role=1",
        "--property",
        "srs_confidentiality",
    ];
    let out = sesphr(&args);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("1. upload (p=p1"), "{text}");
    assert!(
        text.contains("Cloud: +(p1, medical, 1, enc(key(…), (…), phr(…)))"),
        "{text}"
    );
    assert!(text.ends_with("1 of 1 VIOLATED\n"), "{text}");
    let full = sesphr(&[&args[..], &["--full"]].concat());
    let text = String::from_utf8_lossy(&full.stdout);
    assert!(!text.contains('…'), "{text}");
    assert!(
        text.contains("enc(key(gt(r(p1, medical, 1))), (p1, medical, 1), phr(p1, medical, 1))"),
        "{text}"
    );
    assert!(
        text.contains("initial marking: ") && text.contains("final marking: "),
        "{text}"
    );
}

/// A lasso names where its cycle starts (or where the run dead-ends) by the
/// step that reaches it; `--full` prints that marking whole.
#[test]
fn a_lasso_says_where_its_cycle_starts() {
    let net = path("nets/mutants/ledger-may-never-record.yaml");
    let args = [
        "check",
        &net,
        "--param",
        "roles=1",
        "--param",
        "users_per_role=1",
        "--param",
        "partitions=2",
        "--param",
        "versions=2",
        "--param",
        "tampers=0",
        "--property",
        "uploads_are_eventually_recorded",
    ];
    let out = sesphr(&args);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("lasso: a stem of 2 step(s), then a cycle of 1 step(s) repeated for ever"),
        "{text}"
    );
    assert!(
        text.contains("cycle starts at: the marking after step 2 (--full shows it)\n      3. "),
        "{text}"
    );
    let full = sesphr(&[&args[..], &["--full"]].concat());
    let text = String::from_utf8_lossy(&full.stdout);
    assert!(text.contains("cycle starts at: RoleOrder: "), "{text}");

    let lost = path("nets/mutants/srs-may-lose-r.yaml");
    let out = sesphr(&[
        "check",
        &lost,
        "--param",
        "roles=1",
        "--param",
        "users_per_role=1",
        "--param",
        "tampers=0",
        "--property",
        "every_request_is_answered",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("lasso: a stem of 4 step(s) to a deadlock, where the run stays for ever"),
        "{text}"
    );
    assert!(
        text.contains("deadlock at: the marking after step 4 (--full shows it)"),
        "{text}"
    );
    assert!(!text.contains("cycle"), "{text}");
}

/// A net whose grants go to bob, 2 then 3, with its properties to follow.
const GRANTS: &str = r#"name: grants
types:
  Who: { enum: [alice, bob] }
  Grant: { tuple: [Who, Int] }
places:
  Granted: { type: Grant, init: ["(alice, 1)"] }
transitions:
  grant:
    in: { Granted: ["(w, n)"] }
    out: { Granted: ["(bob, n + 1)"] }
    guard: "n < 3"
properties:
"#;

/// A violated invariant names the quantifier instance and the false
/// sub-formula; so does a deadlock property's unexcused dead marking.
#[test]
fn a_violation_is_explained() {
    let dir = std::env::temp_dir().join(format!("sesphr-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let net = dir.join("grants.yaml");
    let property = "  bob_gets_little:\n    invariant: \"forall (w, n) in Granted: w == alice || (n > 1 => n < 3)\"\n";
    std::fs::write(&net, format!("{GRANTS}{property}")).expect("write");
    let net = net.display().to_string();
    let out = sesphr(&["check", &net]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "      why: for (w, n) = (bob, 3) in Granted\n           where !(w == alice) holds\n           where n > 1 holds\n           false: n < 3\n"
        ),
        "{text}"
    );
    let out = sesphr(&["check", "--json", &net]);
    let why = &json(&out)["properties"][0]["explanation"];
    assert_eq!(
        *why,
        serde_json::json!({
            "instances": [{"pattern": "(w, n)", "place": "Granted", "token": ["bob", 3]}],
            "given": ["!(w == alice)", "n > 1"],
            "failing": "n < 3",
            "readings": []
        })
    );
    // A dead marking its `except` does not excuse: why the predicate is false there.
    let ends = dir.join("ends.yaml");
    std::fs::write(
        &ends,
        "name: ends\nplaces:\n  P: { type: Int, init: [\"1\"] }\ntransitions:\n  step:\n    \
         in: { P: [\"x\"] }\n    guard: \"x < 3\"\n    out: { P: [\"x + 1\"] }\nproperties:\n  \
         ends_at_two:\n    deadlock-free: { except: \"forall x in P: x == 2\" }\n",
    )
    .expect("write");
    let out = sesphr(&["check", &ends.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("      why: for x = 3 in P\n           false: x == 2\n"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// The false part of an explanation comes with the values of the token
/// counts and sums it reads, in the text and in JSON; a partial-order
/// reduction that left bindings out says its traces may not be the shortest.
#[test]
fn an_explanation_gives_the_counts_and_sums_it_reads() {
    let dir = std::env::temp_dir().join(format!("sesphr-readings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let net = dir.join("grants.yaml");
    let property = "  few:\n    invariant: \"count(Granted) + sum(n for (_, n) in Granted) < 4\"\n";
    std::fs::write(&net, format!("{GRANTS}{property}")).expect("write");
    let net = net.display().to_string();
    let out = sesphr(&["check", &net]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "      why: false: count(Granted) + sum(n for (_, n) in Granted) < 4, where count(Granted) = 1, sum(n for (_, n) in Granted) = 3\n"
        ),
        "{text}"
    );
    let why = &json(&sesphr(&["check", "--json", &net]))["properties"][0]["explanation"];
    assert_eq!(
        why["readings"],
        serde_json::json!([
            {"expression": "count(Granted)", "value": 1},
            {"expression": "sum(n for (_, n) in Granted)", "value": 3}
        ])
    );
    // Two processes, one lock, and an invariant that fails as soon as one
    // enters: stubborn sets reach it in 3 steps, the shortest run takes 2.
    let mutex = std::fs::read_to_string(path("nets/examples/mutex.yaml")).expect("read");
    let broken = dir.join("mutex.yaml");
    let mutex = mutex.replace("count(critical) <= 1", "count(critical) < 1");
    std::fs::write(&broken, mutex).expect("write");
    let broken = broken.display().to_string();
    let note = "  traces: shortest within the reduced state space, maybe not overall (--no-reduction gives the shortest)\n";
    let text = stdout_of(&sesphr(&["check", &broken]));
    assert!(
        text.contains("counterexample in 3 step(s)") && text.contains(note),
        "{text}"
    );
    let text = stdout_of(&sesphr(&["check", "--no-reduction", &broken]));
    assert!(
        text.contains("counterexample in 2 step(s)") && !text.contains(note),
        "{text}"
    );
    // The JSON report says the same in a field of its own.
    let shortest = |extra: &[&str]| {
        let args = [&["check", "--json"], extra, &[broken.as_str()]].concat();
        json(&sesphr(&args))["shortest_traces"].clone()
    };
    assert_eq!(shortest(&[]), serde_json::json!(false));
    assert_eq!(shortest(&["--no-reduction"]), serde_json::json!(true));
    // A witness is a trace too: the example's goal, reached in 2 steps,
    // takes 3 under the reduction.
    let text = stdout_of(&sesphr(&["check", &path("nets/examples/mutex.yaml")]));
    assert!(
        text.contains("witness in 3 step(s)") && text.contains(note),
        "{text}"
    );
    // Without a trace there is nothing to say about traces.
    let quiet = ["check", "--property", "mutual_exclusion"];
    let text = stdout_of(&sesphr(
        &[&quiet[..], &[&path("nets/examples/mutex.yaml")]].concat(),
    ));
    assert!(
        text.contains("partial order") && !text.contains(note),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A P/T place that outgrows its counter while the net runs stops `check`,
/// `graph --reachability` and `simulate` with an error at the place's
/// element; the token game shows it and keeps the marking.
#[test]
fn a_place_that_outgrows_its_counter_is_named_at_its_line() {
    let dir = std::env::temp_dir().join(format!("sesphr-counter-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let net = dir.join("big.pnml");
    let arc = |id: &str, from: &str, to: &str| {
        format!(
            "<arc id=\"{id}\" source=\"{from}\" target=\"{to}\"><inscription><text>2147483647</text></inscription></arc>\n"
        )
    };
    let text = format!(
        "<?xml version=\"1.0\"?>\n<pnml xmlns=\"http://www.pnml.org/version-2009/grammar/pnml\">\n\
         <net id=\"n\" type=\"http://www.pnml.org/version-2009/grammar/ptnet\"><page id=\"g\">\n\
         <place id=\"p1\"><initialMarking><text>2147483647</text></initialMarking></place>\n\
         <place id=\"p2\"><initialMarking><text>1</text></initialMarking></place>\n\
         <transition id=\"t1\"/>\n{}{}</page></net></pnml>\n",
        arc("a1", "p1", "t1"),
        arc("a2", "t1", "p2")
    );
    std::fs::write(&net, text).expect("write");
    let net = net.display().to_string();
    for args in [vec!["check", &net], vec!["graph", "--reachability", &net]] {
        let out = sesphr(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let expected = format!(
            "error: {net}:5:1: state space error: place p2 holds more than 2147483647 tokens"
        );
        assert!(stderr.starts_with(&expected), "{args:?}: {stderr}");
    }
    let overflow =
        format!("{net}:5:1: in transition `t1`: place p2 holds more than 2147483647 tokens");
    let out = sesphr(&["simulate", &net]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!("error: {overflow}")),
        "{stderr}"
    );
    assert!(!stdout_of(&out).contains("final marking"));
    let out = sesphr(&["simulate", "--json", &net]);
    assert_eq!(out.status.code(), Some(2));
    let run = json(&out);
    assert_eq!(run["stopped"], "error", "{run}");
    assert_eq!(run["steps"], serde_json::json!([]), "{run}");
    assert_eq!(run["final"]["p2"][0]["count"], 1, "{run}");
    assert!(
        run["error"]
            .as_str()
            .is_some_and(|e| e.starts_with(&overflow)),
        "{run}"
    );
    let mut game = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(["simulate", "--interactive", &net])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut input = game.stdin.take().expect("piped");
    input.write_all(b"1\nq\n").expect("written");
    drop(input);
    let out = game.wait_with_output().expect("ends");
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    assert!(
        text.contains(&format!("q to quit? 1\ncannot fire t1: {overflow}\n")),
        "{text}"
    );
    assert!(
        text.ends_with("q to quit? q\n0 moves; the last marking is above.\n"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A sum past 64-bit integers stops the coloured engine with an overflow;
/// the unfolding, which computes in wider integers, is not taken for it
/// (by default) or refused (`--unfold=always`) rather than judging on.
#[test]
fn an_overflowing_sum_is_an_error_whatever_the_route() {
    let dir = std::env::temp_dir().join(format!("sesphr-overflow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let net = dir.join("big.yaml");
    let half = "4611686018427387904"; // 2^62, twice
    std::fs::write(
        &net,
        format!(
            "places:\n  a: {{ type: Int, init: [\"{half}\", \"{half}\"] }}\ntransitions: {{}}\n\
             properties:\n  p: {{ invariant: \"sum(x for x in a) > 0\" }}\n"
        ),
    )
    .expect("write");
    let net = net.display().to_string();
    for (route, message) in [
        (
            "--unfold=auto",
            "5:20: state space error: in property `p`: integer overflow",
        ),
        (
            "--unfold=never",
            "5:20: state space error: in property `p`: integer overflow",
        ),
        (
            "--unfold=always",
            "its arithmetic on token counts could leave 64-bit integers",
        ),
    ] {
        let out = sesphr(&["check", route, &net]);
        assert_eq!(out.status.code(), Some(2), "{route}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{route}: {stderr}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

fn stdout_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `--progress` prints progress lines on a standard error that is not a
/// terminal (as in CI logs); without it such a run stays quiet, and with
/// `--json` standard output holds only the JSON.
#[test]
fn progress_lines_appear_with_progress_only() {
    let net = path("nets/examples/philosophers.yaml");
    let out = sesphr(&["check", "--progress", "--json", &net]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("progress: "))
        .unwrap_or_else(|| panic!("no progress line: {stderr}"));
    for part in ["states", "/s", "frontier", "depth", "MB"] {
        assert!(line.contains(part), "{part}: {line}");
    }
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("only JSON on stdout");
    assert!(json["states"].as_u64() > Some(0));
    let quiet = sesphr(&["check", &net]);
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("progress: "));
}

/// While the CTL/LTL properties' graph is built, `--progress` says so too:
/// the first chunk of markings always gets a line (the net's graph has one
/// marking per state the exploration stored), then a line before the first
/// property is checked on it and one after each; the result is unchanged.
#[test]
fn progress_lines_cover_the_temporal_properties_graph() {
    let net = path("nets/sesphr.yaml");
    let args = ["check", "--json", "--trace", "none", "--param", "roles=1"];
    let out = sesphr(&[&args[..], &["--progress", &net]].concat());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(": CTL/LTL properties: graph of "))
        .collect();
    let first = lines
        .first()
        .unwrap_or_else(|| panic!("no progress line of the temporal graph: {stderr}"));
    assert!(first.starts_with("progress: "), "{first}");
    for part in ["markings", "expanded", "edges", " s"] {
        assert!(first.contains(part), "{part}: {first}");
    }
    let with: serde_json::Value = serde_json::from_slice(&out.stdout).expect("only JSON");
    let temporal = with["properties"]
        .as_array()
        .expect("properties")
        .iter()
        .filter(|p| matches!(p["kind"].as_str(), Some("ctl" | "ltl")))
        .count();
    assert!(temporal > 1, "{temporal} CTL/LTL properties");
    let checked: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.split("; ").nth(1))
        .map(|tail| tail.split(',').next().unwrap_or(tail))
        .collect();
    let expected: Vec<String> = (0..=temporal)
        .map(|k| format!("{k} of {temporal} properties checked"))
        .collect();
    assert_eq!(checked, expected, "{stderr}");
    let quiet = sesphr(&[&args[..], &[&net[..]]].concat());
    let without: serde_json::Value = serde_json::from_slice(&quiet.stdout).expect("JSON");
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("CTL/LTL properties"));
    assert_eq!(with["properties"], without["properties"]);
    assert_eq!(with["states"], without["states"]);
}

/// Under a symmetry, the report says how many markings the stored orbits
/// stand for; a stopped run counts only the states it expanded, and says so.
#[test]
fn a_stopped_run_counts_the_markings_of_its_expanded_states_only() {
    let net = path("nets/sesphr.yaml");
    let small = ["--param", "roles=1", "--param", "tampers=0"];
    let complete = sesphr(&[&["check", &net][..], &small[..]].concat());
    assert_eq!(complete.status.code(), Some(0));
    let text = String::from_utf8_lossy(&complete.stdout);
    assert!(text.contains("\n  the states stand for "), "{text}");

    let stopped = sesphr(&["check", "--max-states", "1000", &net]);
    assert_eq!(stopped.status.code(), Some(3));
    let text = String::from_utf8_lossy(&stopped.stdout);
    assert!(
        text.contains("\n  the expanded states stand for "),
        "{text}"
    );
    assert!(!text.contains("\n  the states stand for "), "{text}");
}

/// Once the partial-order reduction has left bindings out, the markings
/// the stored states stand for are a lower bound, and the report says so:
/// the mutex stores 7 of its 8 markings.
#[test]
fn a_partial_order_reduction_counts_at_least_the_markings_it_stored() {
    let net = path("nets/examples/mutex.yaml");
    let reduced = sesphr(&["check", "--json", &net]);
    let reduced: serde_json::Value = serde_json::from_slice(&reduced.stdout).expect("JSON");
    let full = sesphr(&["check", "--json", "--no-reduction", &net]);
    let full: serde_json::Value = serde_json::from_slice(&full.stdout).expect("JSON");
    assert_eq!(reduced["shortest_traces"], false, "{reduced}");
    let stood_for = reduced["represented_states"].as_u64().expect("a count");
    let markings = full["states"].as_u64().expect("a count");
    assert!(stood_for < markings, "{stood_for} of {markings}");
    let text = sesphr(&["check", &net]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(&format!(
            "\n  the states stand for at least {stood_for} markings: the partial-order reduction may have left some out"
        )),
        "{text}"
    );
}

/// Past an unboundedness proof, its steps are fired again: a bound or an
/// invariant that fails on the way is violated, a goal met on the way
/// holds, each with the run that got there; a goal the growth never meets
/// stays undecided. The same whatever the engine path and thread count.
#[test]
fn an_unbounded_nets_growth_settles_its_bounds_and_goals() {
    let dir = std::env::temp_dir().join(format!("sesphr-pump-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let net = dir.join("source.yaml");
    std::fs::write(
        &net,
        "name: source\n\
         places:\n  on: { type: Unit, init: [\"()\"] }\n  p: { type: Unit }\n\
         transitions:\n  gen: { in: { on: [\"()\"] }, out: { on: [\"()\"], p: [\"()\"] } }\n\
         properties:\n\
         \x20 bounded: { bound: { place: p, max: 100 } }\n\
         \x20 seventy: { reachable: \"count(p) == 70\" }\n\
         \x20 negative: { reachable: \"count(p) < 0\" }\n",
    )
    .unwrap();
    let net = net.to_str().unwrap();
    let mut reports = Vec::new();
    for extra in [
        &["--threads", "1"][..],
        &["--threads", "2"],
        &["--unfold=never"],
    ] {
        let out = sesphr(&[&["check", "--json", net][..], extra].concat());
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["stopped"], "unbounded", "{extra:?}");
        let verdict = |i: usize| report["properties"][i]["holds"].clone();
        let steps = |i: usize| {
            report["properties"][i]["trace"]["steps"]
                .as_array()
                .map(Vec::len)
        };
        assert_eq!(verdict(0), false, "{extra:?}");
        assert_eq!(
            steps(0),
            Some(101),
            "the 101st token breaks the bound: {extra:?}"
        );
        assert_eq!(verdict(1), true, "{extra:?}");
        assert_eq!(steps(1), Some(70), "{extra:?}");
        assert_eq!(verdict(2), serde_json::Value::Null, "{extra:?}");
        reports.push(report["properties"].clone());
    }
    assert!(reports.windows(2).all(|w| w[0] == w[1]), "{reports:?}");
    let text = sesphr(&["check", net]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("\n  verdicts past the proof: found by repeating these steps; their traces may not be the shortest\n"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An unbounded net stops the run: exit 2, an error located at the place
/// that grows, and the steps that repeat, the same with one thread or two.
/// A deep net whose token values change but whose counts do not is
/// explored to the end.
#[test]
fn unbounded_nets_stop_with_the_steps_that_repeat() {
    let dir = std::env::temp_dir().join(format!("sesphr-unbounded-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let net = dir.join("buffer.yaml");
    std::fs::write(
        &net,
        "name: buffer\n\
         types:\n  Proc: { range: [1, 3], symmetric: true }\n\
         places:\n  ready: { type: Proc, init: [\"all(Proc)\"] }\n  busy: { type: Proc }\n  buffer: { type: Proc }\n\
         transitions:\n\
         \x20 produce: { in: { ready: [\"p\"] }, out: { busy: [\"p\"] } }\n\
         \x20 deliver: { in: { busy: [\"p\"] }, out: { ready: [\"p\"], buffer: [\"p\"] } }\n\
         \x20 consume: { in: { buffer: [\"p\"], busy: [\"q\"] }, out: { busy: [\"q\"] } }\n",
    )
    .unwrap();
    let net = net.to_str().unwrap();
    let run = |threads: &str| {
        let out = sesphr(&["check", "--json", "--threads", threads, net]);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (stderr, report)
    };
    let (stderr, report) = run("2");
    assert!(
        stderr.contains(
            "buffer.yaml:7:3: the net is unbounded: buffer gains 1 token each time steps"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("buffer: { type: Proc }"),
        "the line is quoted: {stderr}"
    );
    assert_eq!(report["stopped"], "unbounded");
    assert_eq!(report["complete"], false);
    let unbounded = &report["unbounded"];
    assert_eq!(
        unbounded["growth"],
        serde_json::json!([{ "place": "buffer", "more": 1 }])
    );
    let steps = unbounded["trace"]["steps"].as_array().unwrap();
    let from = unbounded["repeat_from"].as_u64().unwrap() as usize;
    let repeated: Vec<&str> = steps[from..]
        .iter()
        .map(|s| s["transition"].as_str().unwrap())
        .collect();
    assert_eq!(repeated, ["produce", "deliver"]);
    let (_, one_thread) = run("1");
    assert_eq!(one_thread["unbounded"], report["unbounded"]);
    assert_eq!(one_thread["states"], report["states"]);
    // Unreduced, the net goes through its unfolding, whose growth is told
    // per coloured place (its colours' gains added up) all the same.
    let out = sesphr(&["check", "--json", "--no-reduction", net]);
    assert_eq!(out.status.code(), Some(2));
    let unfolded: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(unfolded["unfolding"].is_object(), "{unfolded}");
    assert_eq!(unfolded["unbounded"]["growth"], unbounded["growth"]);
    // A pump that adds a token of every colour to `buffer` and one to `log`:
    // the unfolding adds up the three colours' gains, in the places' order.
    let pump = dir.join("pump.yaml");
    std::fs::write(
        &pump,
        "name: pump\n\
         types:\n  Proc: { range: [1, 3] }\n\
         places:\n  go: { type: Unit, init: [\"()\"] }\n  buffer: { type: Proc }\n  log: { type: Unit }\n\
         transitions:\n\
         \x20 pump: { in: { go: [\"()\"] }, out: { go: [\"()\"], buffer: [\"all(Proc)\"], log: [\"()\"] } }\n",
    )
    .unwrap();
    let pump = pump.to_str().unwrap();
    for route in ["--no-reduction", "--unfold=never"] {
        let out = sesphr(&["check", "--json", route, pump]);
        assert_eq!(out.status.code(), Some(2), "{route}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["unfolding"].is_object(), route == "--no-reduction");
        assert_eq!(
            report["unbounded"]["growth"],
            serde_json::json!([{ "place": "buffer", "more": 3 }, { "place": "log", "more": 1 }]),
            "{route}"
        );
    }
    // The human report shows the steps that repeat.
    let text = sesphr(&["check", net]);
    assert_eq!(text.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("state space INCOMPLETE (stopped: unbounded)"),
        "{stdout}"
    );
    // Its replayed run covers the marking it passed as it is.
    assert!(
        stdout.contains(
            "every token of the one they started from, and more (buffer +1); they can be repeated for ever:"
        ),
        "{stdout}"
    );
    assert_eq!(report["unbounded"]["up_to_permutation"], false);
    // A relay passing a token between two symmetric processes: under the
    // symmetry the stored markings cover each other after one step, the
    // replayed run's only up to swapping the processes (unreduced, after two).
    let relay = dir.join("relay.yaml");
    std::fs::write(
        &relay,
        "name: relay\n\
         types:\n  Proc: { range: [1, 2], symmetric: true }\n\
         places:\n  start: { type: Proc, init: [\"all(Proc)\"] }\n  token: { type: Proc }\n  idle: { type: Proc }\n  out: { type: Proc }\n\
         transitions:\n\
         \x20 begin: { in: { start: [\"p\", \"q\"] }, guard: \"p != q\", out: { token: [\"p\"], idle: [\"q\"] } }\n\
         \x20 pass: { in: { token: [\"p\"], idle: [\"q\"] }, out: { token: [\"q\"], idle: [\"p\"], out: [\"p\"] } }\n",
    )
    .unwrap();
    let relay = relay.to_str().unwrap();
    let reduced = sesphr(&["check", relay]);
    assert_eq!(reduced.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&reduced.stdout).contains(
            "step 64 ends in a marking that holds every token of the one it started from \
             (up to a permutation of the symmetric values), and more (out +1)"
        ),
        "{}",
        String::from_utf8_lossy(&reduced.stdout)
    );
    let unreduced = json(&sesphr(&["check", "--json", "--no-reduction", relay]));
    assert_eq!(unreduced["unbounded"]["up_to_permutation"], false);
    assert_eq!(unreduced["unbounded"]["repeat_from"], 62);
    // Random walks find it as well, with the error located alike.
    let walks = sesphr(&["check", "--engine", "random", net]);
    assert_eq!(walks.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&walks.stderr)
            .contains("buffer.yaml:7:3: the net is unbounded: buffer gains"),
        "{}",
        String::from_utf8_lossy(&walks.stderr)
    );
    assert!(String::from_utf8_lossy(&walks.stdout).contains("random walks (stopped: unbounded)"));
    // A counter going round 0..99: deep, and bounded.
    let counter = dir.join("counter.yaml");
    std::fs::write(
        &counter,
        "name: counter\n\
         places:\n  n: { type: Int, init: [\"0\"] }\n\
         transitions:\n  tick: { in: { n: [\"x\"] }, out: { n: [\"(x + 1) % 100\"] } }\n",
    )
    .unwrap();
    let out = sesphr(&["check", "--unfold=never", counter.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("state space complete: 100 states"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// An unbounded net's text report shows the whole run with `--full`, and
/// says how to get it without; the error on stderr points at both.
#[test]
fn an_unbounded_run_is_shown_whole_with_full() {
    let net = "tests/data/unbounded-buffer.yaml";
    let short = sesphr(&["check", net]);
    assert_eq!(short.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&short.stdout);
    let numbered = |text: &str, n: usize| text.contains(&format!("      {n}. "));
    let proof = |text: &str| text[text.find("  unbounded:").expect("the proof")..].to_string();
    let unbounded = proof(&stdout);
    assert!(
        numbered(&unbounded, 63) && !numbered(&unbounded, 1),
        "{unbounded}"
    );
    assert!(
        stdout.contains(
            "(steps 1 to 62 lead to where they start: --full shows them, \
             --json has the whole run as unbounded.trace)"
        ),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&short.stderr);
    assert!(
        stderr.contains(
            "steps 63 to 64 of the run in the report (all of it with --full, \
             or --json's unbounded.trace) are repeated"
        ),
        "{stderr}"
    );
    let full = sesphr(&["check", "--full", net]);
    let unbounded = proof(&String::from_utf8_lossy(&full.stdout));
    assert!((1..=64).all(|n| numbered(&unbounded, n)), "{unbounded}");
    assert!(
        unbounded.contains("(then the steps that repeat:)\n      63. "),
        "{unbounded}"
    );
    assert!(!unbounded.contains("--full shows them"), "{unbounded}");
}

/// Two PNML places of one name are two keys of a JSON marking (by their
/// identifiers), not one.
#[test]
fn pnml_places_of_one_name_stay_apart_in_markings() {
    let dir = std::env::temp_dir().join(format!("sesphr-same-name-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let net = dir.join("same-name.pnml");
    std::fs::write(
        &net,
        r#"<pnml xmlns="http://www.pnml.org/version-2009/grammar/pnml">
  <net id="n" type="http://www.pnml.org/version-2009/grammar/ptnet"><page id="g">
    <place id="a"><name><text>slot</text></name><initialMarking><text>2</text></initialMarking></place>
    <place id="b"><name><text>slot</text></name></place>
    <transition id="t"/>
    <arc id="x" source="a" target="t"/><arc id="y" source="t" target="b"/>
  </page></net></pnml>"#,
    )
    .unwrap();
    let out = sesphr(&[
        "check",
        "--json",
        "--property",
        "deadlock-free",
        net.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let trace = &json(&out)["properties"][0]["trace"];
    assert_eq!(trace["final"], serde_json::json!({ "b": 2 }));
    assert_eq!(trace["steps"][0]["changes"].as_array().unwrap().len(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A P/T net read from PNML is located alike: the error names the line of
/// the `<place>` element that grows, and quotes it.
#[test]
fn an_unbounded_pnml_net_is_located_at_its_place() {
    let out = sesphr(&["check", &path("tests/data/unbounded-pump.pnml")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "unbounded-pump.pnml:10:7: the net is unbounded: buffer gains 1 token each time steps 63 to 64"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("<place id=\"buffer\"/>"),
        "the line is quoted: {stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("state space INCOMPLETE (stopped: unbounded)"),
        "{stdout}"
    );
    // Its reachability graph is refused at the same place.
    let graph = sesphr(&[
        "graph",
        "--reachability",
        &path("tests/data/unbounded-pump.pnml"),
    ]);
    assert_eq!(graph.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&graph.stderr);
    assert!(
        stderr
            .contains("unbounded-pump.pnml:10:7: the net is unbounded (buffer can grow for ever)"),
        "{stderr}"
    );
}

#[test]
fn integers_that_keep_changing_are_noted_once_at_their_place() {
    let net = path("tests/data/counter-without-end.yaml");
    let out = sesphr(&["check", "--json", "--max-states", "10000", &net]);
    assert_eq!(out.status.code(), Some(3), "stopped by the limit");
    let report = json(&out);
    assert_eq!(report["stopped"], "max-states", "{report}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "counter-without-end.yaml:12:3: the integers of type Int in place `cars` keep \
             changing (by +1 every step: 1023 after 1024 steps)"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.matches("note:").count(), 1, "{stderr}");
    // A deeper counter whose range type bounds it is not noted.
    let counter = path("nets/examples/counter.yaml");
    let out = sesphr(&["check", "--param", "n=3000", &counter]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The markings of a JSON trace are built from the places, not parsed back
/// from their text: place names with spaces, `: ` and `, ` stay whole.
#[test]
fn json_markings_keep_place_names_with_spaces_and_separators() {
    let out = sesphr(&[
        "check",
        "--json",
        "--property",
        "deadlock-free",
        &path("tests/data/view/hostile.pnml"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let trace = &json(&out)["properties"][0]["trace"];
    assert_eq!(trace["initial"], serde_json::json!({ "<!--<script>": 1 }));
    assert_eq!(
        trace["final"],
        serde_json::json!({ "a b": 1, "x: 1, y": 1 })
    );
}

/// PNML ids are unique across the document: `validate` refuses an arc id
/// used twice, or one a place has, where the second use stands (exit 2),
/// and a net without a type says the type is missing.
#[test]
fn pnml_arc_ids_are_unique_and_a_net_needs_a_type() {
    let dir = std::env::temp_dir().join(format!("sesphr-pnml-ids-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let net = dir.join("ids.pnml");
    let write = |net_attributes: &str, arcs: &str| {
        std::fs::write(
            &net,
            format!(
                r#"<pnml xmlns="http://www.pnml.org/version-2009/grammar/pnml">
  <net {net_attributes}><page id="g">
    <place id="p"><initialMarking><text>1</text></initialMarking></place>
    <transition id="t"/>
    {arcs}
  </page></net></pnml>"#
            ),
        )
        .unwrap();
    };
    let ptnet = r#"id="n" type="http://www.pnml.org/version-2009/grammar/ptnet""#;
    let validate = || {
        let out = sesphr(&["validate", net.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    write(
        ptnet,
        r#"<arc id="a2" source="p" target="t"/>
    <arc id="a2" source="t" target="p"/>"#,
    );
    let stderr = validate();
    assert!(
        stderr.contains(&format!("{}:6:5", net.display()))
            && stderr.contains("the id a2 is used twice"),
        "{stderr}"
    );
    write(ptnet, r#"<arc id="p" source="p" target="t"/>"#);
    let stderr = validate();
    assert!(
        stderr.contains(&format!("{}:5:5", net.display()))
            && stderr.contains("the id p is used twice"),
        "{stderr}"
    );
    write(r#"id="n""#, r#"<arc id="a" source="p" target="t"/>"#);
    let stderr = validate();
    assert!(
        stderr.contains(&format!("{}:2:3", net.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains("<net> lacks the attribute type"),
        "{stderr}"
    );
    assert!(!stderr.contains("of type  "), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// With `--trace none` the meaning of a CTL or LTL verdict promises no run
/// below, since none is printed: it says how to see it.
#[test]
fn meanings_promise_no_run_that_trace_none_leaves_out() {
    let dir = std::env::temp_dir().join(format!("sesphr-trace-none-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let net = dir.join("toggle.yaml");
    std::fs::write(
        &net,
        r#"name: toggle
places:
  p: { type: Unit, init: ["()"] }
  q: { type: Unit }
transitions:
  t: { in: { p: ["()"] }, out: { q: ["()"] } }
  back: { in: { q: ["()"] }, out: { p: ["()"] } }
properties:
  stays_in_q: { ltl: "F G count(q) == 1" }
  always_p: { ctl: "AG count(p) == 1" }
"#,
    )
    .unwrap();
    let net = net.to_str().unwrap();
    let out = sesphr(&["check", "--trace", "none", net]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("below"), "{text}");
    assert!(!text.contains("lasso:"), "{text}");
    assert_eq!(text.matches("(--trace all prints it").count(), 2, "{text}");
    // So do the JSON meanings, which have no trace or lasso beside them.
    let out = sesphr(&["check", "--json", "--trace", "none", net]);
    let report = json(&out);
    for p in report["properties"].as_array().unwrap() {
        let meaning = p["meaning"].as_str().unwrap();
        assert!(!meaning.contains("below") && p["lasso"].is_null(), "{p}");
    }
    // Printed, the runs are announced as before.
    let out = sesphr(&["check", net]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("the lasso below (its cycle repeats for ever)"),
        "{text}"
    );
    assert!(text.contains("the run below shows why"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A P/T net's violated bound says which place is over it, as a coloured
/// net's does (`why:`), in text and JSON.
#[test]
fn a_pt_bound_violation_names_the_place() {
    let net = path("tests/data/mcc/GPPP-PT-C0001N0000000001.pnml");
    let out = sesphr(&["check", "--property", "one-safe", &net]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("      why: false: count(ATP) <= 1, where count(ATP) = 4\n"),
        "{text}"
    );
    let out = sesphr(&["check", "--json", "--property", "one-safe", &net]);
    let explanation = &json(&out)["properties"][0]["explanation"];
    assert_eq!(explanation["failing"], "count(ATP) <= 1", "{explanation}");
}
