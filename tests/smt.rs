//! The SMT route: the unfolding of coloured nets keeps their state space, the
//! SMT-LIB script has the shape of a bounded unrolling, and Z3 on it finds
//! exactly what the explicit checker finds within the same depth.
//!
//! Z3 is installed by `.ci/run` (Debian's `z3`); where it is missing the
//! differential test says so on stderr and is skipped, unless
//! `SESPHR_SMT_TEST=required` (set by `.ci/run`), where it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use sesphr_engine::check::{CheckOptions, StandardProperty, Unfold};
use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::explore::{ExploreOptions, check};
use sesphr_engine::load::{LoadedNet, open};
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::ptnet::PackedNet;
use sesphr_engine::smt::bounded::check_bounded;
use sesphr_engine::smt::{prepare, script, solve, unfold::unfold};
use sesphr_model::symbolic::SymbolicFunctions;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &Path) -> LoadedNet {
    open(path, &[], &NoFunctions).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A net that calls the SeSPHR symbolic library.
fn load_sesphr(path: &Path) -> LoadedNet {
    open(path, &[], &SymbolicFunctions::new()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The paper's net and its variant whose Send_Ri rewrites the ACL: their
/// tokens are opaque symbolic terms, unfolded over the terms the net builds.
fn paper_nets() -> Vec<PathBuf> {
    [
        "nets/sesphr-paper.yaml",
        "nets/paper-variants/send-ri-writes-the-acl.yaml",
    ]
    .iter()
    .map(|n| root().join(n))
    .collect()
}

/// `first`, the coloured contest nets and the paper's nets, loaded (the
/// paper's with the symbolic library), each with its path.
fn coloured_nets(first: Vec<PathBuf>) -> impl Iterator<Item = (LoadedNet, PathBuf)> {
    first
        .into_iter()
        .chain(coloured_mcc_nets())
        .map(|path| (load(&path), path))
        .chain(
            paper_nets()
                .into_iter()
                .map(|path| (load_sesphr(&path), path)),
        )
}

fn coloured_mcc_nets() -> Vec<PathBuf> {
    [
        "DatabaseWithMutex-COL-02",
        "Philosophers-COL-000005",
        "TokenRing-COL-005",
    ]
    .iter()
    .map(|n| root().join(format!("tests/data/mcc/colored/{n}.pnml")))
    .collect()
}

#[test]
fn unfolding_keeps_the_state_space_of_the_coloured_nets() {
    let options = ExploreOptions::default();
    for (net, path) in coloured_nets(Vec::new()) {
        let LoadedNet::Coloured(net) = net else {
            panic!("coloured")
        };
        let native = check(&ColouredSpace::new(&net), &options).expect("native");
        let (pt, _) = unfold(&net).expect("unfolds");
        let unfolded =
            check(&PackedNet::new(&pt, Vec::new()).expect("packs"), &options).expect("unfolded");
        assert_eq!(
            (native.states, native.edges, native.deadlocks),
            (unfolded.states, unfolded.edges, unfolded.deadlocks),
            "{}",
            path.display()
        );
    }
}

#[test]
fn the_script_is_a_bounded_unrolling() {
    let net = load(&root().join("nets/pnml/mutex.pnml"));
    let (pt, properties) = prepare(
        &net,
        &[StandardProperty::DeadlockFree, StandardProperty::OneSafe],
    )
    .expect("encodes");
    let depth = 4;
    let text = script(&pt, &properties, depth);
    let count = |needle: &str| text.matches(needle).count();
    let places = pt.places.len();
    assert_eq!(count("(declare-fun m_"), places * (depth + 1));
    assert_eq!(count("(declare-fun t_"), depth);
    // Each step: one update per place, one enabling condition per transition.
    assert_eq!(count("(assert (= m_1_"), places);
    assert_eq!(count("(assert (=> (= t_0 "), pt.transitions.len());
    assert_eq!(count("(check-sat)"), properties.len() * (depth + 1));
    assert_eq!(count("(push 1)"), count("(pop 1)"));
    // Runs are asked for by `--solve` alone, after `sat` (after `unsat` a
    // solver answers with an error).
    assert!(!text.lines().any(|l| l.starts_with("(get-value")), "{text}");
    assert!(text.starts_with("; Bounded unrolling of the net"));
    assert!(text.contains("(set-logic QF_LIA)"));
}

/// The line number (from 1) of the first line of the file at `path` that is
/// `text`.
fn line_of(path: &Path, text: &str) -> usize {
    let file = std::fs::read_to_string(path).expect("read the net");
    1 + file
        .lines()
        .position(|l| l == text)
        .unwrap_or_else(|| panic!("{} has no line {text:?}", path.display()))
}

#[test]
fn the_smt_command_writes_the_script_and_refuses_nets_too_large_to_unfold() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_sesphr"))
            .arg("smt")
            .args(args)
            .output()
            .expect("run sesphr")
    };
    let mutex = root().join("nets/examples/mutex.yaml");
    let out = run(&["--depth", "2", mutex.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("(check-sat)") && text.contains("(declare-fun t_1 () Int)"),
        "{text}"
    );
    // The paper's net computes with opaque terms, finitely many of them.
    let paper = root().join("nets/sesphr-paper.yaml");
    let out = run(&["--depth", "1", paper.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("; transition 0: Gen_Key (u=u1") && text.contains("(check-sat)"),
        "{text}"
    );
    // The whole SeSPHR net builds too many terms (the insiders' knowledge).
    let sesphr = root().join("nets/sesphr.yaml");
    let out = run(&["--depth", "1", sesphr.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Located at the transition that cannot be unfolded.
    let line = line_of(&sesphr, "  join:");
    assert!(
        stderr.contains(&format!(
            "sesphr.yaml:{line}:3: cannot unfold transition `join`: more than"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("bindings may fire (the net may build too many colours to unfold)"),
        "{stderr}"
    );
    // A counter without a bound has infinitely many colours.
    let dir = std::env::temp_dir().join(format!("sesphr-smt-counter-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let counter = dir.join("counter.yaml");
    std::fs::write(
        &counter,
        "name: counter\nplaces:\n  n: { type: Int, init: [\"0\"] }\n\
         transitions:\n  inc:\n    in: { n: [\"i\"] }\n    out: { n: [\"i + 1\"] }\n",
    )
    .expect("write the net");
    let out = run(&["--depth", "1", counter.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "counter.yaml:5:3: cannot unfold transition `inc`: more than 4194304 bindings searched"
        ),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_with_the_smt_engine_skips_what_it_cannot_encode_and_checks_the_rest() {
    if !z3_present("the skipped-property test") {
        return;
    }
    let net = root().join("tests/data/halves.yaml");
    let out = sesphr(&[
        "check",
        "--engine",
        "smt",
        "--depth",
        "2",
        net.to_str().expect("UTF-8"),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    // The skipped property has no verdict: incomplete, as an undecided one.
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(
        text.contains("skipped   halved  division of token counts is not encoded"),
        "{text}"
    );
    assert!(
        text.contains("holds     moved   reachable, witness in 1 step(s)"),
        "{text}"
    );
    assert!(
        text.ends_with("\n2 properties: none violated, 1 skipped\n"),
        "{text}"
    );
    // Every property skipped: still no verdict, not a success.
    let out = sesphr(&[
        "check",
        "--engine",
        "smt",
        "--depth",
        "2",
        "--property",
        "halved",
        net.to_str().expect("UTF-8"),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(
        text.ends_with("\n1 property: none violated, 1 skipped\n"),
        "{text}"
    );
}

/// A net whose token counts are multiplied (`i_mul`, and `i_sum`, whose
/// body reads a count) beside linear properties: a bound exceeded at once,
/// an invariant violated in 2 steps, one that holds, a goal reached in 1.
const PRODUCTS: &str = "name: products
places: { a: {type: Unit, init: [\"()\", \"()\"]}, b: {type: Unit} }
transitions: { t: { in: {a: [\"()\"]}, out: {b: [\"()\"]} } }
properties:
  i_mul: { invariant: \"count(a) * count(b) < 1\" }
  i_sum: { invariant: \"sum(count(a, x) for x in a) <= 4\" }
  bnd: { bound: {place: a, max: 1} }
  never2: { invariant: \"count(b) < 2\" }
  lin: { invariant: \"2 * count(a) + count(b) * 3 >= 0\" }
  r: { reachable: \"count(b) == 1\" }
";

/// Writes `text` as `name` in a scratch directory named after `test`;
/// returns the directory and the file.
fn scratch_file(test: &str, name: &str, text: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("sesphr-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the scratch file");
    (dir, path)
}

/// Z3's answers to `script`, read from its standard input as a user would
/// run it: `z3 -in`.
fn plain_z3(script: &[u8]) -> String {
    use std::io::Write;
    let mut z3 = Command::new("z3")
        .arg("-in")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run z3");
    z3.stdin
        .take()
        .expect("stdin")
        .write_all(script)
        .expect("write the script");
    let out = z3.wait_with_output().expect("z3 answers");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn products_of_token_counts_are_skipped_and_the_other_properties_answered() {
    if !z3_present("the nonlinear-property test") {
        return;
    }
    let (dir, net) = scratch_file("smt-products", "products.yaml", PRODUCTS);
    let net = net.to_str().expect("UTF-8");
    let skipped = "a product of two token counts (or a sum whose body reads a count) \
                   is nonlinear arithmetic, which the encoding (QF_LIA) does not express";
    let out = sesphr(&["check", "--engine", "smt", "--depth", "2", net]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}{out:?}");
    assert!(
        text.ends_with("\n2 of 6 VIOLATED, 1 undecided beyond 2 step(s), 2 skipped\n"),
        "{text}"
    );
    for line in [
        format!("  skipped   i_mul   {skipped}"),
        format!("  skipped   i_sum   {skipped}"),
        "  VIOLATED  bnd     bound, counterexample in 0 step(s)".into(),
        "  VIOLATED  never2  invariant, counterexample in 2 step(s)".into(),
        "  undecided lin     invariant, not violated within 2 step(s)".into(),
        "  holds     r       reachable, witness in 1 step(s)".into(),
    ] {
        assert!(text.contains(&line), "{line:?} in\n{text}");
    }
    let out = sesphr(&["smt", "--depth", "2", "--solve", net]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}{out:?}");
    for line in [
        "  VIOLATED      bnd     in 0 step(s): the initial marking\n".to_string(),
        "  VIOLATED      never2  in 2 step(s): t, t\n".into(),
        "  not violated  lin     within 2 step(s)\n".into(),
        "  reached       r       in 1 step(s): t\n".into(),
        format!("  skipped       i_mul   {skipped}\n"),
    ] {
        assert!(text.contains(&line), "{line:?} in\n{text}");
    }
    // The script of the others, the two left out named (exit 3); plain z3
    // answers each of its 4 x 3 queries, and nothing else.
    let out = sesphr(&["smt", "--depth", "2", net]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "property `i_sum` is left out of the script: {skipped}"
        )),
        "{stderr}"
    );
    let answers = plain_z3(&out.stdout);
    let lines: Vec<&str> = answers.lines().collect();
    assert_eq!(lines.len(), 12, "{answers}");
    assert!(
        lines.iter().all(|l| *l == "sat" || *l == "unsat"),
        "{answers}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A P/T net whose names try to end the script's comments and add a command
/// (PNML keeps line breaks in a name: `&#10;` and `&#13;`).
const INJECTED_NAMES: &str = r#"<?xml version="1.0"?>
<pnml xmlns="http://www.pnml.org/version-2009/grammar/pnml">
  <net id="n" type="http://www.pnml.org/version-2009/grammar/ptnet">
    <name><text>net&#10;(assert false)</text></name>
    <page id="page0">
      <place id="p1"><name><text>a&#10;(assert false)</text></name><initialMarking><text>1</text></initialMarking></place>
      <place id="p2"><name><text>b|c\d</text></name></place>
      <transition id="t1"><name><text>t&#13;(assert false)</text></name></transition>
      <arc id="a0" source="p1" target="t1"/>
      <arc id="a1" source="t1" target="p2"/>
    </page>
  </net>
</pnml>
"#;

#[test]
fn names_with_line_breaks_stay_in_their_comments() {
    if !z3_present("the injected-names test") {
        return;
    }
    let (dir, net) = scratch_file("smt-names", "names.pnml", INJECTED_NAMES);
    let net = net.to_str().expect("UTF-8");
    let out = sesphr(&["smt", "--depth", "1", "--property", "deadlock-free", net]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let script = String::from_utf8_lossy(&out.stdout);
    assert!(
        script.contains("; place 0: a\\n(assert false)\n"),
        "{script}"
    );
    // Not dead at first, dead after the one step: no error, no `(assert false)`.
    assert_eq!(plain_z3(&out.stdout), "unsat\nsat\n", "{script}");
    let out = sesphr(&[
        "smt",
        "--depth",
        "1",
        "--property",
        "deadlock-free",
        "--solve",
        net,
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Compares, for each property of `net` and each of `standard`, the length
/// of the explicit checker's shortest counterexample (or witness) with the
/// solver's run within `depth` steps, and with `check --engine smt`'s replay.
fn differential(net: &LoadedNet, path: &Path, depth: usize, standard: &[StandardProperty]) {
    let options = CheckOptions {
        properties: standard.to_vec(),
        symmetry: false,
        partial_order: false,
        ..CheckOptions::default()
    };
    let report = net.check(&options).expect("explicit check");
    // `check --depth K`: the explicit checker bounded as the solver is.
    let explicit_bounded = net
        .check(&CheckOptions {
            explore: ExploreOptions {
                max_depth: Some(u32::try_from(depth).expect("a small depth")),
                ..ExploreOptions::default()
            },
            ..options.clone()
        })
        .expect("bounded explicit check");
    let (pt, properties) = prepare(net, standard).expect("encodes");
    let verdicts = solve("z3", &pt, &properties, depth, None)
        .expect("z3 answers")
        .verdicts;
    let bounded = check_bounded(net, standard, depth, "z3", None).expect("bounded check");
    for verdict in &verdicts {
        let result = report
            .properties
            .iter()
            .find(|r| r.name == verdict.name)
            .unwrap_or_else(|| panic!("{}: no explicit verdict", verdict.name));
        let explicit = if verdict.witness {
            // A `reachable` property: the shortest witness, where one is shown.
            match (&result.holds, &result.trace) {
                (Some(true), Some(trace)) => Some(trace.steps.len()),
                (Some(true), None) => continue,
                _ => None,
            }
        } else {
            match result.holds {
                Some(true) => None,
                Some(false) => Some(result.trace.as_ref().expect("trace").steps.len()),
                None => panic!("{}: undecided", path.display()),
            }
        };
        let within = explicit.filter(|&d| d <= depth);
        assert_eq!(
            verdict.run.as_ref().map(Vec::len),
            within,
            "{} {}: explicit {explicit:?}, smt {:?}",
            path.display(),
            verdict.name,
            verdict.run
        );
        // `check --engine smt`: the run replays on the net's own space into
        // a trace of the same length, with the explicit verdict where found.
        let smt = bounded
            .properties
            .iter()
            .find(|r| r.name == verdict.name)
            .unwrap_or_else(|| panic!("{}: no bounded verdict", verdict.name));
        assert_eq!(
            smt.trace.as_ref().map(|t| t.steps.len()),
            within,
            "{} {}",
            path.display(),
            verdict.name
        );
        let expected = within.map(|_| verdict.witness);
        assert_eq!(smt.holds, expected, "{} {}", path.display(), verdict.name);
        let bounded_explicit = (explicit_bounded.properties.iter())
            .find(|r| r.name == verdict.name)
            .unwrap_or_else(|| panic!("{}: no bounded explicit verdict", verdict.name));
        let found = match (bounded_explicit.holds, &bounded_explicit.trace) {
            (Some(holds), Some(trace)) if holds == verdict.witness => Some(trace.steps.len()),
            _ => None,
        };
        assert_eq!(
            found,
            within,
            "--depth {depth}: {} {}",
            path.display(),
            verdict.name
        );
    }
}

/// Whether z3 runs here; where it does not, the caller skips its test,
/// unless `SESPHR_SMT_TEST=required`, where this fails.
fn z3_present(test: &str) -> bool {
    if Command::new("z3").arg("--version").output().is_ok() {
        return true;
    }
    let required = std::env::var("SESPHR_SMT_TEST").is_ok_and(|v| v == "required");
    assert!(
        !required,
        "z3 is required (SESPHR_SMT_TEST=required) but not found"
    );
    eprintln!("SKIPPED: z3 not found; {test} did not run");
    false
}

fn sesphr(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(args)
        .output()
        .expect("run sesphr")
}

#[test]
fn check_with_the_smt_engine_reports_violations_with_traces_and_bounded_verdicts() {
    if !z3_present("the check --engine smt test") {
        return;
    }
    let deadlock = root().join("nets/examples/philosophers-deadlock.yaml");
    let deadlock = deadlock.to_str().expect("UTF-8");
    // The explicit checker's shortest deadlock takes 3 steps.
    let out = sesphr(&["check", "--engine", "smt", "--depth", "4", deadlock]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("VIOLATED  no_deadlock") && text.contains("counterexample in 3 step(s)"),
        "{text}"
    );
    assert!(text.contains("      3. take_left (p="), "{text}");
    // The quantified invariant expands over the colours of `eating`.
    assert!(
        text.contains("undecided no_two_neighbours_eat  invariant, not violated within 4 step(s)"),
        "{text}"
    );
    // Too shallow to see the deadlock: undecided, exit 3 like a stopped run.
    let out = sesphr(&["check", "--engine", "smt", "--depth", "2", deadlock]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("undecided no_deadlock") && text.contains("not violated within 2 step(s)"),
        "{text}"
    );
    // JSON: the trace in the explicit checker's shape.
    let out = sesphr(&[
        "check", "--engine", "smt", "--depth", "4", "--json", deadlock,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["engine"], "smt");
    assert_eq!(json["depth"], 4);
    let property = json["properties"]
        .as_array()
        .expect("properties")
        .iter()
        .find(|p| p["name"] == "no_deadlock")
        .expect("no_deadlock");
    assert_eq!(property["holds"], false);
    assert_eq!(property["trace"]["steps"].as_array().map(Vec::len), Some(3));
    // A P/T net with a reachable two-token place: violated, with its run.
    let broken = root().join("nets/pnml/mutex-broken.pnml");
    let out = sesphr(&[
        "check",
        "--engine",
        "smt",
        "--depth",
        "5",
        "--property",
        "one-safe",
        broken.to_str().expect("UTF-8"),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("VIOLATED  one-safe"), "{text}");
}

/// A solver that answers `unsat` to every question about the initial
/// marking, then hangs: `--timeout` must stop it and keep those answers.
/// Written in a scratch directory named after `test`; returns both.
#[cfg(unix)]
fn solver_that_hangs_after_depth_zero(test: &str) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("sesphr-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join("slow-solver");
    let script = "#!/bin/sh\n\
        awk '/^; depth 1,/ { exit } /^\\(check-sat\\)/ { print \"unsat\" }'\n\
        exec sleep 600\n";
    std::fs::write(&path, script).expect("write the fake solver");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    (dir, path)
}

#[cfg(unix)]
#[test]
fn check_with_the_smt_engine_stops_the_solver_at_the_timeout_and_keeps_its_answers() {
    let (dir, solver) = solver_that_hangs_after_depth_zero("smt-timeout");
    let deadlock = root().join("nets/examples/philosophers-deadlock.yaml");
    let deadlock = deadlock.to_str().expect("UTF-8");
    let args = |json: bool| {
        let mut args = vec![
            "check",
            "--engine",
            "smt",
            "--depth",
            "4",
            "--timeout",
            "1",
            "--solver",
            solver.to_str().expect("UTF-8"),
        ];
        if json {
            args.push("--json");
        }
        args.push(deadlock);
        args
    };
    let out = sesphr(&args(false));
    let text = String::from_utf8_lossy(&out.stdout);
    // Undecided beyond the depth answered before the timeout (exit 3), not
    // an error, and not "not violated within 4 steps".
    assert_eq!(out.status.code(), Some(3), "{text}{out:?}");
    assert!(
        text.contains("stopped by --timeout: every run of at most 0 of 4 step(s)"),
        "{text}"
    );
    assert!(
        text.contains("not violated within 0 step(s)") && !text.contains("within 4 step(s)"),
        "{text}"
    );
    let out = sesphr(&args(true));
    assert_eq!(out.status.code(), Some(3));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["depth"], 4);
    assert_eq!(json["searched"], 0);
    assert_eq!(json["timed_out"], true);
    // The limits of the explicit explorer do not apply to the SMT route.
    let out = sesphr(&[
        "check",
        "--engine",
        "smt",
        "--depth",
        "4",
        "--max-states",
        "10",
        deadlock,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--depth and --timeout"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn the_smt_command_stops_the_solver_at_the_timeout_and_keeps_its_answers() {
    let (dir, solver) = solver_that_hangs_after_depth_zero("smt-cmd-timeout");
    let deadlock = root().join("nets/examples/philosophers-deadlock.yaml");
    let out = sesphr(&[
        "smt",
        "--depth",
        "4",
        "--solve",
        "--timeout",
        "1",
        "--property",
        "deadlock-free",
        "--solver",
        solver.to_str().expect("UTF-8"),
        deadlock.to_str().expect("UTF-8"),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    // Undecided beyond depth 0 (exit 3), not "not violated within 4 steps".
    assert_eq!(out.status.code(), Some(3), "{text}{out:?}");
    // Columns: status, name (as wide as the widest), detail.
    let words = |line: &str| line.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.lines().any(|l| words(l)
            == "undecided deadlock-free not violated within 0 step(s), \
                the solver stopped by --timeout"),
        "{text}"
    );
    assert!(!text.contains("within 4 step(s)"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A solver that stops reading at once, saying why: its message is what the
/// command reports, not the broken pipe of a script longer than the pipe.
#[cfg(unix)]
#[test]
fn a_solver_that_stops_reading_is_reported_in_its_own_words() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("sesphr-early-exit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let solver = dir.join("failing-solver");
    std::fs::write(
        &solver,
        "#!/bin/sh\necho 'failing-solver: out of licences' >&2\nexit 1\n",
    )
    .expect("write the fake solver");
    std::fs::set_permissions(&solver, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let deadlock = root().join("nets/examples/philosophers-deadlock.yaml");
    let out = sesphr(&[
        "smt",
        "--depth",
        "200",
        "--solve",
        "--property",
        "deadlock-free",
        "--solver",
        solver.to_str().expect("UTF-8"),
        deadlock.to_str().expect("UTF-8"),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("failing-solver: out of licences"),
        "{stderr}"
    );
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The script is written a step at a time: an unrolling far too deep to
/// hold in memory is cut by `--timeout` (exit 3, said on standard error),
/// its steps so far already written.
#[test]
fn a_script_too_deep_to_hold_is_streamed_until_the_timeout() {
    let deadlock = root().join("nets/examples/philosophers-deadlock.yaml");
    let out = sesphr(&[
        "smt",
        "--depth",
        "1000000000",
        "--timeout",
        "0.3",
        deadlock.to_str().expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--timeout stopped the script before it reached depth 1000000000"),
        "{stderr}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("; Bounded unrolling of the net"),
        "{stderr}"
    );
    assert!(text.contains("(declare-fun t_1 () Int)"));
}

#[test]
fn check_refuses_the_smt_engine_without_a_depth() {
    let mutex = root().join("nets/examples/mutex.yaml");
    let mutex = mutex.to_str().expect("UTF-8");
    let out = sesphr(&["check", "--engine", "smt", mutex]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--depth"));
}

#[test]
fn z3_finds_what_the_explicit_checker_finds_within_the_depth() {
    if !z3_present("the SMT differential test") {
        return;
    }
    // Every example net and every contest P/T net; left out:
    // nets/examples/philosophers-mcc.yaml (Z3 needs more than 120 s at depth
    // 5 for its invariant `forks_conserved`; 4.5 s without it).
    let mut nets = vec![
        root().join("nets/pnml/mutex.pnml"),
        root().join("nets/pnml/mutex-broken.pnml"),
    ];
    for example in [
        "mutex",
        "philosophers",
        "philosophers-deadlock",
        "producer-consumer",
        "bank",
    ] {
        nets.push(root().join(format!("nets/examples/{example}.yaml")));
    }
    for contest in [
        "BridgeAndVehicles-PT-V04P05N02",
        "DatabaseWithMutex-PT-02",
        "Dekker-PT-010",
        "Eratosthenes-PT-020",
        "FMS-PT-00002",
        "GPPP-PT-C0001N0000000001",
        "Kanban-PT-00005",
        "Peterson-PT-2",
        "Philosophers-PT-000005",
        "Philosophers-PT-000010",
        "Railroad-PT-005",
        "SharedMemory-PT-000005",
        "TokenRing-PT-005",
    ] {
        nets.push(root().join(format!("tests/data/mcc/{contest}.pnml")));
    }
    nets.extend(coloured_mcc_nets());
    for path in nets {
        differential(
            &load(&path),
            &path,
            5,
            &[StandardProperty::DeadlockFree, StandardProperty::OneSafe],
        );
    }
}

/// The paper's method on the paper's net, with the net's own properties and
/// the standard ones: the witness of `a_user_decrypts` takes 12 steps, and
/// the shortest counterexamples of the variant 9.
#[test]
fn z3_finds_what_the_explicit_checker_finds_on_the_papers_net() {
    if !z3_present("the SMT differential test on the paper's net") {
        return;
    }
    for (path, depth) in paper_nets().into_iter().zip([12, 9]) {
        differential(
            &load_sesphr(&path),
            &path,
            depth,
            &[StandardProperty::DeadlockFree, StandardProperty::OneSafe],
        );
    }
}

/// The coloured example nets.
fn coloured_examples() -> Vec<PathBuf> {
    [
        "mutex",
        "philosophers",
        "philosophers-deadlock",
        "philosophers-mcc",
        "producer-consumer",
        "bank",
    ]
    .map(|n| root().join(format!("nets/examples/{n}.yaml")))
    .to_vec()
}

/// The coloured engine without reductions, with both standard properties.
fn unreduced_with_standard_properties() -> CheckOptions {
    CheckOptions {
        properties: vec![StandardProperty::DeadlockFree, StandardProperty::OneSafe],
        symmetry: false,
        partial_order: false,
        ..CheckOptions::default()
    }
}

/// `check --unfold`: the unfolding explored by the P/T explorer has the
/// native state space and gives the native verdicts, with shortest traces of
/// the same length, on every coloured example net, the paper's nets and the
/// coloured contest nets.
#[test]
fn the_unfolded_exploration_gives_the_native_states_and_verdicts() {
    let native = unreduced_with_standard_properties();
    let unfolded = CheckOptions {
        unfold: Unfold::Always,
        ..native.clone()
    };
    for (net, path) in coloured_nets(coloured_examples()) {
        let a = net.check(&native).expect("native");
        let b = net.check(&unfolded).expect("unfolded");
        let label = path.display();
        assert_eq!(
            (a.states, a.edges, a.deadlocks, a.depth),
            (b.states, b.edges, b.deadlocks, b.depth),
            "{label}"
        );
        assert_eq!(a.properties.len(), b.properties.len(), "{label}");
        for p in &a.properties {
            let q = b
                .properties
                .iter()
                .find(|q| q.name == p.name)
                .unwrap_or_else(|| panic!("{label}: no {}", p.name));
            assert_eq!((p.holds, p.kind), (q.holds, q.kind), "{label} {}", p.name);
            assert_eq!(
                p.trace.as_ref().map(|t| t.steps.len()),
                q.trace.as_ref().map(|t| t.steps.len()),
                "{label} {}",
                p.name
            );
        }
    }
}

/// The default route (`Unfold::Auto`) takes the unfolding wherever no
/// reduction is in force, and its report is the coloured engine's, counter-
/// examples and explanations included, on every coloured example net, the
/// paper's nets and the coloured contest nets; only the timings differ.
#[test]
fn the_automatic_unfolding_gives_the_coloured_engines_report() {
    let native = unreduced_with_standard_properties();
    let auto = CheckOptions {
        unfold: Unfold::Auto,
        ..native.clone()
    };
    let untimed = |mut report: sesphr_engine::explore::CheckReport| {
        report.seconds = 0.0;
        report.states_per_second = 0.0;
        report.bytes_per_state = 0.0;
        report
    };
    for (net, path) in coloured_nets(coloured_examples()) {
        let label = path.display();
        let a = untimed(net.check(&native).expect("native"));
        let mut b = untimed(net.check(&auto).expect("auto"));
        assert!(b.unfolding.take().is_some(), "{label}: not unfolded");
        assert_eq!(a, b, "{label}");
    }
}

#[test]
fn check_unfold_runs_from_the_command_line_and_refuses_what_does_not_unfold() {
    let philosophers = root().join("nets/examples/philosophers-mcc.yaml");
    let out = sesphr(&["check", "--unfold", philosophers.to_str().expect("UTF-8")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("state space complete: 59049 states, 459270 edges"),
        "{text}"
    );
    assert!(text.contains("VIOLATED  no_deadlock"), "{text}");
    let sesphr_net = root().join("nets/sesphr.yaml");
    let join = format!(
        "sesphr.yaml:{}:3: cannot unfold transition `join`: more than 65536 bindings may fire",
        line_of(&sesphr_net, "  join:")
    );
    let net = sesphr_net.to_str().expect("UTF-8");
    for args in [
        &["check", "--unfold", net][..],
        &["check", "--engine", "smt", "--depth", "1", net],
    ] {
        let out = sesphr(args);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&join), "{args:?}: {stderr}");
    }
    let halves = root().join("tests/data/halves.yaml");
    let out = sesphr(&["check", "--unfold", halves.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("division of token counts is not encoded"),
        "{stderr}"
    );
}

/// A conditional over token counts used as a number, and two conditions
/// compared: `i_ite` holds, `i_eq` is violated in one step.
const CONDITIONALS: &str = "name: conditionals
places: { a: {type: Unit, init: [\"()\"]}, b: {type: Unit, init: [\"()\"]} }
transitions: { t: { in: {a: [\"()\"]}, out: {b: [\"()\"]} } }
properties:
  i_ite: { invariant: \"(if count(a) > 0 then 1 else 0) <= 1\" }
  i_eq: { invariant: \"(count(a) > 0) == (count(b) > 0)\" }
";

#[test]
fn check_unfold_lifts_conditionals_and_quotes_the_properties_it_refuses() {
    let (dir, net) = scratch_file("unfold-conditionals", "conditionals.yaml", CONDITIONALS);
    let net = net.to_str().expect("UTF-8");
    for unfold in ["--unfold", "--unfold=never"] {
        let out = sesphr(&["check", unfold, net]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{unfold}: {text}{out:?}");
        assert!(
            text.contains("  holds     i_ite  invariant\n"),
            "{unfold}: {text}"
        );
        assert!(
            text.contains("  VIOLATED  i_eq   invariant, counterexample in 1 step(s)\n"),
            "{unfold}: {text}"
        );
    }
    // Conditionals in one comparison are lifted out of it up to 12 deep.
    let conditionals = |n: usize| {
        let sum = vec!["(if count(a) > 0 then 1 else 0)"; n].join(" + ");
        format!(
            "places: {{ a: {{type: Unit, init: [\"()\"]}} }}\n\
             transitions: {{ t: {{ in: {{a: [\"()\"]}} }} }}\n\
             properties: {{ many: {{ invariant: \"{sum} <= {n}\" }} }}\n"
        )
    };
    let (_, twelve) = scratch_file("unfold-conditionals", "twelve.yaml", &conditionals(12));
    let out = sesphr(&["check", "--unfold", twelve.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let (_, more) = scratch_file("unfold-conditionals", "thirteen.yaml", &conditionals(13));
    let out = sesphr(&["check", "--unfold", more.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("property `many`: `(if count(a) > 0 then 1 else 0) + ")
            && stderr.contains(
                " <= 13`: one comparison holds more than 12 conditionals \
                 (`if ... then ... else`) over token counts"
            ),
        "{stderr}"
    );
    // A refusal names the property and quotes it as written.
    let (_, products) = scratch_file("unfold-conditionals", "products.yaml", PRODUCTS);
    let out = sesphr(&[
        "check",
        "--unfold",
        "--property",
        "i_mul",
        products.to_str().expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "property `i_mul`: `count(a) * count(b) < 1`: its arithmetic on token counts \
             could leave 64-bit integers"
        ),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A coloured net whose only properties are CTL and LTL ones: none is encoded.
const TEMPORAL_ONLY: &str = r#"name: temporal-only
places:
  p: { type: Unit, init: ["()"] }
  q: { type: Unit }
transitions:
  t:
    in:  { p: ["()"] }
    out: { q: ["()"] }
properties:
  ends_in_q: { ctl: "AF count(q) == 1" }
  stays_in_q: { ltl: "F G count(q) == 1" }
"#;

/// `smt` names each CTL/LTL property it leaves out and exits 3, with and
/// without --solve, as `check --engine smt` does; a net with no property at
/// all gets a note.
#[test]
fn the_smt_command_names_the_temporal_properties_it_leaves_out() {
    let (dir, net) = scratch_file("smt-temporal", "temporal.yaml", TEMPORAL_ONLY);
    let net = net.to_str().expect("UTF-8");
    let out = sesphr(&["smt", "--depth", "3", net]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    for name in ["ends_in_q", "stays_in_q"] {
        let line = format!(
            "property `{name}` is left out of the script: CTL and LTL properties are not encoded"
        );
        assert!(stderr.contains(&line), "{line:?} in\n{stderr}");
    }
    if z3_present("the temporal-only --solve test") {
        let out = sesphr(&["smt", "--depth", "3", "--solve", net]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(3), "{text}{out:?}");
        let line = "  skipped       ends_in_q   CTL and LTL properties are not encoded\n";
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
    let pt = root().join("tests/data/mcc/TokenRing-PT-005.pnml");
    let out = sesphr(&["smt", "--depth", "1", pt.to_str().expect("UTF-8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("declares no property and none was asked for"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
