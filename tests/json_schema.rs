//! The JSON outputs match the schemas committed in docs/schema: real outputs
//! of `check --json` (P/T and coloured nets, violations with traces and
//! explanations, several nets, an incomplete run; the SMT route's bounded
//! reports, complete and stopped by the timeout), `validate --json`,
//! `ledger verify --json`, `simulate --json`, `demo --json`, `mcc --json`,
//! `mutate --json`, `audit --json` and `graph --reachability --format json`,
//! bad input included.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .display()
        .to_string()
}

fn sesphr_json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(args)
        .output()
        .expect("run sesphr");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo(&format!("docs/schema/{name}"))).expect("schema file");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::draft202012::new(&schema).expect("a valid draft 2020-12 schema")
}

fn assert_valid(validator: &jsonschema::Validator, value: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(5)
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn check_reports_match_their_schema() {
    let validator = schema("check.schema.json");
    let both = ["--property", "deadlock-free", "--property", "one-safe"];
    let broken = repo("nets/pnml/mutex-broken.pnml");
    let deadlock = repo("nets/examples/philosophers-deadlock.yaml");
    let sesphr = repo("nets/sesphr.yaml");
    let runs: Vec<Vec<&str>> = vec![
        [&["check", "--json"], &both[..], &[broken.as_str()]].concat(),
        vec!["check", "--json", &deadlock],
        // Through the unfolding: the P/T explorer's report of a coloured net.
        vec!["check", "--json", "--unfold", &deadlock],
        // Coloured terms, tuples, multisets, explanations of violated invariants.
        vec![
            "check",
            "--json",
            &sesphr,
            "--param",
            "key_mode=paper",
            "--param",
            "roles=1",
            "--param",
            "users_per_role=1",
        ],
        // Several nets: an array.
        [
            &["check", "--json"],
            &both[..],
            &[broken.as_str(), deadlock.as_str()],
        ]
        .concat(),
        // Incomplete: nulls.
        vec!["check", "--json", "--timeout", "0", &deadlock],
        // Bounded by --depth.
        vec!["check", "--json", "--depth", "2", &sesphr],
    ];
    let mut explained = 0;
    for args in &runs {
        let report = sesphr_json(args);
        assert_valid(&validator, &report, &format!("{args:?}"));
        explained += report["properties"].as_array().map_or(0, |ps| {
            ps.iter().filter(|p| p.get("explanation").is_some()).count()
        });
    }
    assert!(explained > 0, "no explanation was validated");

    // A net that cannot be checked keeps its place in the JSON, with its file
    // and the located error (exit 2).
    let bad = repo("tests/bad_nets/unknown-place.yaml");
    let (report, code) = sesphr_json_code(&["check", "--json", &bad, &deadlock]);
    assert_eq!(code, Some(2));
    assert_valid(&validator, &report, "check --json, a bad net first");
    assert_eq!(report[0]["file"], bad.as_str());
    let message = report[0]["error"].as_str().expect("an error message");
    assert!(message.starts_with(&format!("{bad}:")), "{message}");
    assert_eq!(report[1]["complete"], true);
    let (alone, code) = sesphr_json_code(&["check", "--json", &bad]);
    assert_eq!((alone["error"].as_str(), code), (Some(message), Some(2)));
    assert_valid(&validator, &alone, "check --json, a bad net alone");

    // The schema is strict where it matters: a token printed as a string in a
    // multiset entry, or a count of zero, is refused.
    let mut report = sesphr_json(&runs[1]);
    let step = &mut report["properties"][1]["trace"]["steps"][0];
    step["changes"][0]["removed"][0]["count"] = Value::from(0);
    assert!(!validator.is_valid(&report), "a zero count passed");
    let mut report = sesphr_json(&runs[1]);
    report["properties"][1]["kind"] = Value::from("liveness");
    assert!(!validator.is_valid(&report), "an unknown kind passed");
}

#[test]
fn smt_check_reports_match_their_schema() {
    if Command::new("z3").arg("--version").output().is_err() {
        let required = std::env::var("SESPHR_SMT_TEST").is_ok_and(|v| v == "required");
        assert!(
            !required,
            "z3 is required (SESPHR_SMT_TEST=required) but not found"
        );
        eprintln!("SKIPPED: z3 not found; the SMT report schema test did not run");
        return;
    }
    let validator = schema("check.schema.json");
    let deadlock = repo("nets/examples/philosophers-deadlock.yaml");
    let mutex = repo("nets/examples/mutex.yaml");
    let smt = ["check", "--json", "--engine", "smt", "--depth"];
    // A violation with its replayed trace, a property skipped with its reason.
    let report = sesphr_json(&[&smt[..], &["4", deadlock.as_str()]].concat());
    assert_valid(&validator, &report, "check --engine smt --depth 4");
    assert_eq!(report["searched"], 4);
    assert_eq!(report["timed_out"], false);
    let halves = repo("tests/data/halves.yaml");
    let report = sesphr_json(&[&smt[..], &["2", halves.as_str()]].concat());
    assert_valid(
        &validator,
        &report,
        "check --engine smt --depth 2, a property skipped",
    );
    assert!(
        !report["not_encoded"]
            .as_array()
            .expect("not_encoded")
            .is_empty()
    );
    // Stopped at once by the timeout: `searched` is whatever was answered.
    let stopped = sesphr_json(&[&smt[..], &["4", "--timeout", "0", deadlock.as_str()]].concat());
    assert_valid(&validator, &stopped, "check --engine smt --timeout 0");
    // Several nets: an array.
    let both = sesphr_json(&[&smt[..], &["2", deadlock.as_str(), mutex.as_str()]].concat());
    assert_valid(&validator, &both, "check --engine smt, two nets");
    assert_eq!(both.as_array().map(Vec::len), Some(2));
    // Strict: a field the report does not have is refused.
    let mut extra = report.clone();
    extra["states"] = Value::from(1);
    assert!(
        !validator.is_valid(&extra),
        "an SMT report with `states` passed"
    );
}

#[test]
fn validate_reports_match_their_schema() {
    let validator = schema("validate.schema.json");
    for net in [
        "nets/sesphr.yaml",
        "nets/examples/mutex.yaml",
        "nets/pnml/mutex.pnml",
        "tests/bad_nets/does-not-exist.yaml",
    ] {
        let report = sesphr_json(&["validate", "--json", &repo(net)]);
        assert_valid(&validator, &report, net);
    }
    let report = sesphr_json(&["validate", "--json", &repo("nets/sesphr.yaml")]);
    assert_eq!(report["parameters"]["roles"], 2);
    assert_eq!(report["parameters"]["key_mode"], "delegated");
    // The bounds the net declares, bounded parameters only.
    assert_eq!(
        report["parameter_bounds"]["roles"],
        json!({"min": 1, "max": 5})
    );
    assert_eq!(report["parameter_bounds"]["tampers"], json!({"min": 0}));
    assert!(report["parameter_bounds"].get("key_mode").is_none());
    // The listed properties are those `check` reports, in its order, with
    // their kinds, the CTL and LTL ones included.
    let listed = report["property_list"].as_array().expect("property_list");
    assert_eq!(report["properties"], listed.len());
    let checked = sesphr_json(&["check", "--json", &repo("nets/sesphr.yaml")]);
    let checked = checked["properties"]
        .as_array()
        .expect("checked properties");
    let pairs = |list: &[Value]| -> Vec<(String, String)> {
        list.iter()
            .map(|p| (p["name"].to_string(), p["kind"].to_string()))
            .collect()
    };
    assert_eq!(pairs(listed), pairs(checked));
    assert!(listed.iter().any(|p| p["kind"] == "ltl") && listed.iter().any(|p| p["kind"] == "ctl"));
}

/// The JSON on standard output and the exit code.
fn sesphr_json_code(args: &[&str]) -> (Value, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(args)
        .output()
        .expect("run sesphr");
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (value, out.status.code())
}

/// A fresh `sesphr demo` directory (a real ledger inside).
fn demo_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("json-schema-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(["demo", "--dir", &dir.display().to_string()])
        .output()
        .expect("run sesphr demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

#[test]
fn audit_reports_match_their_schema() {
    let validator = schema("audit.schema.json");
    let dir = demo_dir("audit");
    let shown = dir.display().to_string();
    let audit = |extra: &[&str], expected: i32| {
        let mut args = vec!["audit", "--json", &shown];
        args.extend_from_slice(extra);
        let (value, code) = sesphr_json_code(&args);
        assert_valid(&validator, &value, &format!("{extra:?}"));
        assert_eq!(code, Some(expected), "{extra:?}: {value}");
        value
    };
    // The demo's own tampering: one finding about an object.
    let value = audit(&[], 1);
    assert_eq!(value["findings"][0]["object"], "alice-phr/v2/medical");
    // Repaired and unrepaired findings.
    std::fs::write(dir.join("cloud/tmp/1-1.tmp"), b"half").expect("write");
    let value = audit(&["--repair"], 1);
    assert_eq!(value["repaired"][0]["kind"], "leftover_temporary_file");
    // A tampered ledger: the finding carries the line.
    let ledger = dir.join("ledger.jsonl");
    let text = std::fs::read_to_string(&ledger).expect("ledger");
    std::fs::write(&ledger, text.replacen("\"version\":2", "\"version\":3", 1)).expect("write");
    let value = audit(&[], 1);
    assert_eq!(value["findings"][0]["kind"], "ledger_tampered", "{value}");
    assert!(value["findings"][0]["line"].is_u64(), "{value}");
    // Bad input: a head that does not parse, a directory that is gone.
    audit(&["--expect-head", "sth2:nonsense"], 2);
    std::fs::remove_dir_all(&dir).expect("remove");
    let value = audit(&[], 2);
    assert!(value["error"].is_string(), "{value}");
}

#[test]
fn ledger_verify_reports_match_their_schema() {
    let validator = schema("ledger-verify.schema.json");
    let dir = demo_dir("ledger");
    let ledger = dir.join("ledger.jsonl").display().to_string();
    let verify = |extra: &[&str]| {
        let mut args = vec!["ledger", "verify", "--json", &ledger];
        args.extend_from_slice(extra);
        let (value, code) = sesphr_json_code(&args);
        assert_valid(&validator, &value, &format!("{extra:?}"));
        (value, code)
    };
    let (intact, code) = verify(&[]);
    assert_eq!(code, Some(0));
    assert_eq!(intact["intact"], true);
    assert!(intact["blocks"].as_u64() > Some(0), "{intact}");
    let head = intact["head"].as_str().expect("a head").to_string();
    let (pinned, code) = verify(&["--expect-head", &head]);
    assert_eq!(
        (code, &pinned["extends_pinned_head"]),
        (Some(0), &Value::Bool(true))
    );

    // Another log's head: not an extension.
    let other = demo_dir("ledger-other");
    let (value, _) = sesphr_json_code(&[
        "ledger",
        "verify",
        "--json",
        &other.join("ledger.jsonl").display().to_string(),
    ]);
    let other_head = value["head"].as_str().expect("a head").to_string();
    let (foreign, code) = verify(&["--expect-head", &other_head]);
    assert_eq!(code, Some(1));
    assert_eq!(foreign["extends_pinned_head"], false);
    assert!(foreign["reason"].is_string(), "{foreign}");

    // A damaged third line: tampered, named.
    let text = std::fs::read_to_string(&ledger).expect("ledger");
    let damaged: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 2 {
                l.replacen('"', "'", 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&ledger, damaged.join("\n") + "\n").expect("write");
    let (tampered, code) = verify(&[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        (&tampered["intact"], &tampered["line"]),
        (&Value::Bool(false), &Value::from(3))
    );

    // Unreadable: still JSON, exit 2.
    let missing = dir.join("no-such-ledger.jsonl").display().to_string();
    let (value, code) = sesphr_json_code(&["ledger", "verify", "--json", &missing]);
    assert_valid(&validator, &value, "missing");
    assert_eq!(code, Some(2));
    assert!(
        value["error"]
            .as_str()
            .is_some_and(|e| e.contains("no-such-ledger"))
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&other);
}

#[test]
fn simulate_reports_match_their_schema() {
    let validator = schema("simulate.schema.json");
    let mutex = repo("nets/examples/mutex.yaml");
    let pnml = repo("nets/pnml/mutex.pnml");
    let sesphr = repo("nets/sesphr.yaml");
    let (run, code) = sesphr_json_code(&["simulate", "--json", "--max-steps", "5", &mutex]);
    assert_valid(&validator, &run, "random run");
    assert_eq!(code, Some(0));
    assert_eq!(run["steps"].as_array().map(Vec::len), Some(5));
    assert!(run["steps"][0]["binding"]["p"].is_i64(), "{run}");
    let (run, _) = sesphr_json_code(&["simulate", "--json", "--max-steps", "3", &pnml]);
    assert_valid(&validator, &run, "P/T run");
    // A run long enough to be written in several blocks is still one object,
    // every step in order, and its first steps those of a short run.
    let (long, code) = sesphr_json_code(&["simulate", "--json", "--max-steps", "5000", &mutex]);
    assert_valid(&validator, &long, "a long random run");
    assert_eq!(code, Some(0));
    let steps = long["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 5000);
    assert!(steps.iter().enumerate().all(|(i, s)| s["step"] == i + 1));
    let (short, _) = sesphr_json_code(&["simulate", "--json", "--max-steps", "5", &mutex]);
    assert_eq!(short["steps"].as_array().map(|s| &s[..]), Some(&steps[..5]));
    let (none, _) = sesphr_json_code(&["simulate", "--json", "--max-steps", "0", &mutex]);
    assert_valid(&validator, &none, "a run of no step");
    assert_eq!(none["steps"], serde_json::json!([]));
    // A run whose third step divides by zero: the two steps made and the
    // marking it failed in are kept, with the located error (exit 2).
    let failing =
        std::env::temp_dir().join(format!("sesphr-failing-run-{}.yaml", std::process::id()));
    std::fs::write(
        &failing,
        "name: c\nplaces:\n  P: { type: Int, init: [\"5\"] }\n  Q: { type: Int }\ntransitions:\n  step:\n    in: { P: [\"x\"] }\n    out: { P: [\"x - 1\"], Q: [\"10 / (x - 3)\"] }\n",
    )
    .expect("write the net");
    let failing = failing.display().to_string();
    let (run, code) = sesphr_json_code(&["simulate", "--json", &failing]);
    std::fs::remove_file(&failing).ok();
    assert_valid(&validator, &run, "a run that fails");
    assert_eq!(code, Some(2));
    assert_eq!(
        (run["steps"].as_array().map(Vec::len), &run["stopped"]),
        (Some(2), &Value::from("error"))
    );
    assert_eq!(run["final"]["P"][0]["value"], 3);
    let error = run["error"].as_str().expect("the error");
    assert!(
        error.starts_with(&format!("{failing}:8:34: ")) && error.contains("division by zero"),
        "{error}"
    );

    let (replays, code) =
        sesphr_json_code(&["simulate", "--json", "--crypto", "--size", "2K", &sesphr]);
    assert_valid(&validator, &replays, "witness replays");
    assert_eq!(code, Some(0));
    assert_eq!(replays["passed"], true);
    assert!(
        replays["checks"]["plaintexts"].as_u64() > Some(0),
        "{replays}"
    );
    assert!(
        replays["skipped"]
            .as_array()
            .is_some_and(|s| s.iter().any(|g| g["reason"] == "vacuous")),
        "{replays}"
    );
    let (nothing, code) = sesphr_json_code(&[
        "simulate",
        "--json",
        "--crypto",
        "--random",
        "--max-steps",
        "1",
        "--size",
        "1K",
        &sesphr,
    ]);
    assert_valid(&validator, &nothing, "a random run that compared nothing");
    assert_eq!((code, &nothing["passed"]), (Some(1), &Value::Bool(false)));
    let (broken, code) = sesphr_json_code(&[
        "simulate",
        "--json",
        "--crypto",
        "--size",
        "1K",
        "--property",
        "every_user_reads",
        "--inject-fault",
        "plaintext",
        &sesphr,
    ]);
    assert_valid(&validator, &broken, "a failed run");
    assert_eq!(code, Some(1));
    assert!(broken["error"].is_string(), "{broken}");
}

/// A net with a line that names an unknown place, written to a temporary
/// file: line 5, column 29 is the `q` of `out`.
fn net_with_unknown_place(name: &str) -> PathBuf {
    let net = std::env::temp_dir().join(format!("sesphr-{name}-{}.yaml", std::process::id()));
    std::fs::write(
        &net,
        "name: x\nplaces:\n  p: { type: Int, init: [1] }\ntransitions:\n  t: { in: { p: x }, out: { q: x } }\n",
    )
    .expect("write the net");
    net
}

/// `sesphr ARGS` exits 2 and prints `{file, error}` valid under `validator`,
/// naming `file` and saying `expected`.
fn assert_bad_input_reported(
    validator: &jsonschema::Validator,
    args: &[&str],
    file: &str,
    expected: &str,
) {
    assert_error_reported(validator, args, (file, expected), 2);
}

/// `sesphr ARGS` exits `exit` and prints `{file, error}` valid under
/// `validator`, naming `file` and saying `expected`.
fn assert_error_reported(
    validator: &jsonschema::Validator,
    args: &[&str],
    (file, expected): (&str, &str),
    exit: i32,
) {
    let (value, code) = sesphr_json_code(args);
    assert_valid(validator, &value, expected);
    assert_eq!(code, Some(exit), "{args:?}");
    assert_eq!(value["file"], file, "{args:?}");
    let error = value["error"].as_str().expect("the error");
    assert!(error.contains(expected), "{args:?}: {error}");
}

#[test]
fn simulate_reports_bad_input_in_its_schema() {
    let validator = schema("simulate.schema.json");
    let broken = net_with_unknown_place("simulate-bad-input");
    let shown = broken.display().to_string();
    let missing = repo("nets/no-such-net.yaml");
    let sesphr = repo("nets/sesphr.yaml");
    let runs: [(&[&str], &str, &str); 4] = [
        (
            &["simulate", "--json", &shown],
            &shown,
            ":5:29: unknown place `q`",
        ),
        (
            &["simulate", "--json", "--crypto", &shown],
            &shown,
            ":5:29: unknown place `q`",
        ),
        (
            &["simulate", "--json", &missing],
            &missing,
            "cannot read the file",
        ),
        // An option the replay refuses: no run, the error in JSON.
        (
            &[
                "simulate",
                "--json",
                "--crypto",
                "--max-steps",
                "2",
                &sesphr,
            ],
            &sesphr,
            "--max-steps applies to random runs",
        ),
    ];
    for (args, file, expected) in runs {
        assert_bad_input_reported(&validator, args, file, expected);
    }
    std::fs::remove_file(&broken).ok();
}

#[test]
fn graph_reports_bad_input_in_its_schema() {
    let validator = schema("graph.schema.json");
    let broken = net_with_unknown_place("graph-bad-input");
    let shown = broken.display().to_string();
    let sesphr = repo("nets/sesphr.yaml");
    let graph = ["graph", "--reachability", "--format", "json"];
    // A graph above --max-states is incomplete (3), not bad input (2).
    let runs: [(Vec<&str>, &str, &str, i32); 2] = [
        (
            [&graph[..], &[&shown]].concat(),
            &shown,
            ":5:29: unknown place `q`",
            2,
        ),
        (
            [&graph[..], &["--max-states", "10", &sesphr]].concat(),
            &sesphr,
            "more than 10 states",
            3,
        ),
    ];
    for (args, file, expected, exit) in runs {
        assert_error_reported(&validator, &args, (file, expected), exit);
    }
    std::fs::remove_file(&broken).ok();
}

#[test]
fn demo_reports_match_their_schema() {
    let validator = schema("demo.schema.json");
    let dir = std::env::temp_dir().join(format!("json-schema-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let shown = dir.display().to_string();
    let (demo, code) = sesphr_json_code(&["demo", "--json", "--dir", &shown]);
    assert_valid(&validator, &demo, "a demo run");
    assert_eq!((code, &demo["passed"]), (Some(0), &Value::Bool(true)));
    let steps = demo["steps"].as_array().expect("steps");
    assert!(steps.len() >= 10, "{demo}");
    assert!(
        steps
            .iter()
            .flat_map(|s| s["checks"].as_array().expect("checks"))
            .all(|c| c["ok"] == true)
    );
    // The head it reports is the ledger's.
    let (verified, _) = sesphr_json_code(&[
        "ledger",
        "verify",
        "--json",
        &dir.join("ledger.jsonl").display().to_string(),
    ]);
    assert_eq!(demo["ledger_head"], verified["head"]);

    // The directory is now not empty: refused, still JSON, exit 2.
    let (refused, code) = sesphr_json_code(&["demo", "--json", "--dir", &shown]);
    assert_valid(&validator, &refused, "a refused directory");
    assert_eq!(code, Some(2));
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|e| e.contains("not empty")),
        "{refused}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn mcc_reports_match_their_schema() {
    let validator = schema("mcc.schema.json");
    let data = |path: &str| repo(&format!("tests/data/mcc/{path}"));
    let mcc = |instance: &str, examination: &str, extra: &[&str]| {
        let dir = data(&format!("examinations/{instance}"));
        let net = data(&format!("{instance}.pnml"));
        let mut args = vec!["mcc", &dir, "--examination", examination, "--net", &net];
        args.extend_from_slice(extra);
        let text = Command::new(env!("CARGO_BIN_EXE_sesphr"))
            .args(&args)
            .output()
            .expect("run sesphr");
        args.push("--json");
        let (value, code) = sesphr_json_code(&args);
        assert_valid(&validator, &value, &format!("{args:?}"));
        assert_eq!(code, text.status.code(), "{args:?}");
        (value, code, String::from_utf8(text.stdout).expect("UTF-8"))
    };
    // The JSON answers are the contest's lines, as values, in the same order.
    for (instance, examination) in [
        ("Peterson-PT-2", "ReachabilityCardinality"),
        ("Peterson-PT-2", "StateSpace"),
        ("TokenRing-PT-005", "UpperBounds"),
    ] {
        let (value, code, text) = mcc(instance, examination, &[]);
        assert_eq!(code, Some(0), "{instance} {examination}");
        let answers = value["answers"].as_array().expect("answers");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(answers.len(), lines.len(), "{text}");
        for (answer, line) in answers.iter().zip(&lines) {
            let words: Vec<&str> = line.split_whitespace().collect();
            let id = answer["id"].as_str().expect("an id");
            let shown = match &answer["value"] {
                Value::Bool(true) => "TRUE".to_string(),
                Value::Bool(false) => "FALSE".to_string(),
                other => other.to_string(),
            };
            assert_eq!((words[1], words[2]), (id, shown.as_str()), "{line}");
        }
    }
    // CTL and LTL formulas carry the time each took on the shared graph.
    for examination in ["CTLCardinality", "LTLFireability"] {
        let (value, code, _) = mcc("Dekker-PT-010", examination, &[]);
        assert_eq!(code, Some(0), "{examination}");
        for answer in value["answers"].as_array().expect("answers") {
            let seconds = answer["seconds"].as_f64();
            assert!(seconds.is_some_and(|s| s >= 0.0), "{answer}");
        }
    }
    // Undecided: null values, exit 3.
    let (value, code, _) = mcc(
        "Peterson-PT-2",
        "ReachabilityDeadlock",
        &["--max-states", "2"],
    );
    assert_eq!(code, Some(3));
    assert!(value["answers"][0]["value"].is_null(), "{value}");
    // Bad input: the error, exit 2.
    let (value, code) = sesphr_json_code(&[
        "mcc",
        &data("no-such-model"),
        "--examination",
        "StateSpace",
        "--json",
    ]);
    assert_valid(&validator, &value, "a missing model");
    assert_eq!(code, Some(2));
    assert!(value["error"].is_string(), "{value}");
}

#[test]
fn unbounded_net_reports_match_their_schema() {
    let validator = schema("check.schema.json");
    let net = repo("tests/data/unbounded-buffer.yaml");
    let (report, code) = sesphr_json_code(&["check", "--json", &net]);
    assert_eq!(code, Some(2));
    assert_valid(&validator, &report, "check of an unbounded net");
    assert_eq!(report["stopped"], "unbounded");
    assert_eq!(report["unbounded"]["growth"][0]["place"], "buffer");
    // Random walks prove it too.
    let (walks, code) = sesphr_json_code(&["check", "--json", "--engine", "random", &net]);
    assert_eq!(code, Some(2));
    assert_valid(&validator, &walks, "random walks on an unbounded net");
    assert_eq!(walks["stopped"], "unbounded");
    assert_eq!(walks["unbounded"]["growth"][0]["place"], "buffer");
    let mut extra = report.clone();
    extra["unbounded"]["steps"] = Value::from(1);
    assert!(
        !validator.is_valid(&extra),
        "an unbounded proof with `steps` passed"
    );
}

#[test]
fn random_walk_reports_match_their_schema() {
    let validator = schema("check.schema.json");
    let deadlock = repo("nets/examples/philosophers-deadlock.yaml");
    let sesphr = repo("nets/sesphr.yaml");
    let walks = ["check", "--json", "--engine", "random", "--walks", "20"];
    // A deadlock found, with its trace; a coloured net with CTL/LTL
    // properties left undecided; two nets (an array); a run stopped at once.
    let report = sesphr_json(&[&walks[..], &[deadlock.as_str()]].concat());
    assert_valid(&validator, &report, "check --engine random");
    assert_eq!(report["walks"], 20);
    let report = sesphr_json(&[&walks[..], &[sesphr.as_str()]].concat());
    assert_valid(&validator, &report, "check --engine random, SeSPHR");
    let both = sesphr_json(&[&walks[..], &[deadlock.as_str(), sesphr.as_str()]].concat());
    assert_valid(&validator, &both, "check --engine random, two nets");
    let stopped = sesphr_json(&[&walks[..], &["--timeout", "0", deadlock.as_str()]].concat());
    assert_valid(&validator, &stopped, "check --engine random --timeout 0");
    assert_eq!(stopped["stopped"], "timeout");
    // Strict: a field the report does not have is refused.
    let mut extra = report.clone();
    extra["states"] = Value::from(1);
    assert!(
        !validator.is_valid(&extra),
        "a walk report with `states` passed"
    );
}

#[test]
fn mutate_reports_match_their_schema() {
    let validator = schema("mutate.schema.json");
    let tiny = repo("tests/mutate/tiny.yaml");
    let stale = repo("tests/mutate/stale.equivalent-mutants.yaml");
    let progress = repo("tests/mutate/progress.yaml");
    // Each run's exit code, and the verdicts its report must hold.
    let runs: [(Vec<&str>, i32, &[&str]); 4] = [
        // Killed, invalid (located) and a listed equivalent.
        (vec![&tiny], 0, &["killed", "invalid", "survived"]),
        // Stale entries of an equivalent-mutants file.
        (vec![&tiny, "--equivalents", &stale], 0, &["killed"]),
        // Survivors of the temporal properties.
        (vec![&progress], 1, &["killed", "survived"]),
        // Every checked mutant stopped at the limit.
        (vec![&tiny, "--max-states", "1"], 3, &["undecided"]),
    ];
    for (args, exit, verdicts) in runs {
        let args = [&["mutate", "--json"][..], &args].concat();
        let (report, code) = sesphr_json_code(&args);
        assert_valid(&validator, &report, &format!("{args:?}"));
        assert_eq!(code, Some(exit), "{args:?}");
        let mutants = report["mutants"].as_array().expect("mutants");
        for verdict in verdicts {
            assert!(
                mutants.iter().any(|m| m["verdict"] == *verdict),
                "{args:?}: no {verdict} mutant"
            );
        }
        if args.contains(&stale.as_str()) {
            assert!(report["stale"].as_array().is_some_and(|s| !s.is_empty()));
        }
    }
    // `--list`: the mutants alone, the same as the report's.
    let (listed, code) = sesphr_json_code(&["mutate", "--json", "--list", &tiny]);
    assert_valid(&validator, &listed, "--list");
    assert_eq!(code, Some(0));
    assert_eq!(listed.as_array().map(Vec::len), Some(23));
    // Bad input: the file and the located error, exit 2.
    let failing = repo("tests/data/division-by-zero.yaml");
    let (refused, code) = sesphr_json_code(&["mutate", "--json", &failing]);
    assert_valid(&validator, &refused, "a net that fails while checked");
    assert_eq!(code, Some(2));
    assert_eq!(refused["file"], failing.as_str());
    assert!(
        (refused["error"].as_str()).is_some_and(
            |e| e.contains("division-by-zero.yaml:15:21: the net itself cannot be checked")
        ),
        "{refused}"
    );
    // The schema is not vacuous: a verdict it does not know is refused.
    let (mut report, _) = sesphr_json_code(&["mutate", "--json", &tiny]);
    report["mutants"][0]["verdict"] = json!("maybe");
    assert!(!validator.is_valid(&report));
}

#[test]
fn reachability_graphs_match_their_schema() {
    let validator = schema("graph.schema.json");
    for (net, states) in [
        ("nets/examples/mutex.yaml", 8),
        ("nets/examples/philosophers-deadlock.yaml", 14),
        ("nets/pnml/mutex.pnml", 3),
        ("tests/data/mcc/TokenRing-PT-005.pnml", 166),
    ] {
        let args = ["graph", "--reachability", "--format", "json", &repo(net)];
        let (graph, code) = sesphr_json_code(&args);
        assert_valid(&validator, &graph, net);
        assert_eq!(code, Some(0), "{net}");
        // The counts are those of the lists, and every arc joins two nodes.
        assert_eq!(graph["states"], states, "{net}");
        let nodes = graph["nodes"].as_array().expect("nodes");
        let arcs = graph["arcs"].as_array().expect("arcs");
        assert_eq!(nodes.len(), states, "{net}");
        assert_eq!(graph["edges"].as_u64(), Some(arcs.len() as u64), "{net}");
        let ids: Vec<u64> = nodes.iter().filter_map(|n| n["id"].as_u64()).collect();
        assert_eq!(ids, (0..states as u64).collect::<Vec<_>>(), "{net}");
        for arc in arcs {
            for end in ["from", "to"] {
                assert!(
                    arc[end].as_u64().is_some_and(|id| id < states as u64),
                    "{net}: {arc}"
                );
            }
        }
    }
}
