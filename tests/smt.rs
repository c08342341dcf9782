//! The SMT route: the unfolding of coloured nets keeps their state space, the
//! SMT-LIB script has the shape of a bounded unrolling, and Z3 on it finds
//! exactly what the explicit checker finds within the same depth.
//!
//! Z3 is installed by `.ci/run` (Debian's `z3`); where it is missing the
//! differential test says so on stderr and is skipped, unless
//! `SESPHR_SMT_TEST=required` (set by `.ci/run`), where it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use sesphr_engine::check::{CheckOptions, StandardProperty};
use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::explore::{ExploreOptions, check};
use sesphr_engine::load::{LoadedNet, open};
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::ptnet::PackedNet;
use sesphr_engine::smt::{prepare, script, solve, unfold::unfold};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &Path) -> LoadedNet {
    open(path, &[], &NoFunctions).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
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
    for path in coloured_mcc_nets() {
        let LoadedNet::Coloured(net) = load(&path) else {
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
    assert_eq!(count("(check-sat)"), properties.len() * (depth + 1));
    assert_eq!(count("(push 1)"), count("(pop 1)"));
    assert!(text.starts_with("; Bounded unrolling of the net"));
    assert!(text.contains("(set-logic QF_LIA)"));
}

#[test]
fn the_smt_command_writes_the_script_and_refuses_opaque_nets() {
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
    // The SeSPHR net computes with opaque terms: no finite unfolding.
    let sesphr = root().join("nets/sesphr.yaml");
    let out = run(&["--depth", "1", sesphr.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not finite"), "{stderr}");
}

/// The length of the explicit checker's shortest counterexample of each
/// standard property (`None` when it holds), and the solver's verdicts.
fn differential(path: &Path, depth: usize) {
    let net = load(path);
    let standard = [StandardProperty::DeadlockFree, StandardProperty::OneSafe];
    let options = CheckOptions {
        properties: standard.to_vec(),
        symmetry: false,
        partial_order: false,
        ..CheckOptions::default()
    };
    let report = net.check(&options).expect("explicit check");
    let (pt, properties) = prepare(&net, &standard).expect("encodes");
    let verdicts = solve("z3", &pt, &properties, depth).expect("z3 answers");
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
    }
}

#[test]
fn z3_finds_what_the_explicit_checker_finds_within_the_depth() {
    let z3 = Command::new("z3").arg("--version").output();
    if z3.is_err() {
        let required = std::env::var("SESPHR_SMT_TEST").is_ok_and(|v| v == "required");
        assert!(
            !required,
            "z3 is required (SESPHR_SMT_TEST=required) but not found"
        );
        eprintln!("SKIPPED: z3 not found; the SMT differential test did not run");
        return;
    }
    let mut nets = vec![
        root().join("nets/pnml/mutex.pnml"),
        root().join("nets/pnml/mutex-broken.pnml"),
        root().join("nets/examples/mutex.yaml"),
        root().join("tests/data/mcc/Philosophers-PT-000005.pnml"),
        root().join("tests/data/mcc/TokenRing-PT-005.pnml"),
    ];
    nets.extend(coloured_mcc_nets());
    for net in nets {
        differential(&net, 5);
    }
}
