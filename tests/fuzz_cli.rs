//! A bounded fuzzing harness over the command line: mutated YAML nets, PNML
//! files, ledgers, contest property files (`mcc`) and check reports (`view
//! --trace`), and random arguments, each run as the real program.
//! Whatever the input, `sesphr` must finish within [`HANG`] with one of its
//! documented exit codes (0-3): never a panic (101), an abort (134) or a
//! signal. On the inputs before any edit, every command a target runs must
//! succeed, so that a misspelt option cannot turn a target into a test of
//! usage errors.
//!
//! CI runs a few dozen cases per target. A longer campaign:
//! `PROPTEST_CASES=5000 cargo test --release --test fuzz_cli`; proptest
//! prints the shrunk failing input.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;

/// Longer than this is a hang (every run below has a limit of a few seconds).
const HANG: Duration = Duration::from_secs(45);

/// Cases per target unless `PROPTEST_CASES` says otherwise.
const DEFAULT_CASES: u32 = 24;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

thread_local! {
    /// The running test's scratch directory, removed when its thread ends
    /// (each test runs on a thread of its own).
    static SCRATCH: tempfile::TempDir = tempfile::Builder::new()
        .prefix("sesphr-fuzz-")
        .tempdir()
        .expect("scratch dir");
}

fn scratch() -> PathBuf {
    SCRATCH.with(|dir| dir.path().to_path_buf())
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Runs `sesphr args`; fails on a hang, a crash or an undocumented exit code.
fn run_ok(args: &[String]) -> Result<i32, TestCaseError> {
    let err_path = scratch().join(format!("stderr-{:?}", std::thread::current().id()));
    let err_file = std::fs::File::create(&err_path).expect("stderr file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err_file)
        .spawn()
        .expect("spawn sesphr");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            return Err(TestCaseError::fail(format!("hang: sesphr {args:?}")));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    match status.code() {
        Some(code @ 0..=3) => {
            prop_assert!(!stderr.contains("panicked"), "sesphr {args:?}: {stderr}");
            Ok(code)
        }
        other => Err(TestCaseError::fail(format!(
            "sesphr {args:?} ended with {other:?} ({status}): {stderr}"
        ))),
    }
}

/// One edit of a file: flip a byte, cut a range, repeat a range, or insert
/// a token likely to upset a parser.
#[derive(Debug, Clone)]
enum Edit {
    Flip(usize, u8),
    Cut(usize, usize),
    Repeat(usize, usize, usize),
    Insert(usize, &'static str),
}

const YAML_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    "'",
    "\"",
    "\t",
    "\0",
    "\u{1b}[2J",
    "&a ",
    "*a",
    "!!binary ",
    "99999999999999999999999",
    "-9223372036854775808",
    "all(",
    "count(",
    "2'",
    ", ",
    "\n  x: 1",
    "\n- ",
    "#",
    "\u{feff}",
    "1e400",
    "()",
    "p % 0",
    "guard: ",
];

const XML_TOKENS: &[&str] = &[
    "<page id=\"q\">",
    "</page>",
    "<place id=\"p0\"/>",
    "<referencePlace id=\"r\" ref=\"r\"/>",
    "<arc id=\"a\" source=\"t\" target=\"t\"/>",
    "&amp;",
    "&x;",
    "<!DOCTYPE x [<!ENTITY e \"e\">]>",
    "99999999999",
    "-1",
    "<text>",
    "</text>",
    "<",
    ">",
    "\"",
    "\0",
    "<inscription><text>0</text></inscription>",
];

const LEDGER_TOKENS: &[&str] = &[
    "{",
    "}",
    "\"",
    ",",
    ":",
    "null",
    "[]",
    "\"prev\":",
    "0000",
    "\u{1b}]0;x\u{7}",
    "\n",
    "1e999",
    "\"kind\":{}",
    "true",
];

const FORMULA_TOKENS: &[&str] = &[
    "<negation>",
    "</negation>",
    "<all-paths><globally>",
    "</globally></all-paths>",
    "<exists-path><until><before><is-fireable><transition>t</transition></is-fireable></before><reach><true/></reach></until></exists-path>",
    "<tokens-count><place>nowhere</place></tokens-count>",
    "<integer-constant>-1</integer-constant>",
    "<integer-constant>99999999999999999999</integer-constant>",
    "<place-bound></place-bound>",
    "<conjunction></conjunction>",
    "<id></id>",
    "</property>",
    "&lt;",
    "<",
    ">",
];

const REPORT_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    "null",
    "-1",
    "18446744073709551616",
    "\"steps\":[{}]",
    "\"binding\":{\"p\":[[[]]]}",
    "\"transition\":\"nope\"",
    "\"final\":{\"nowhere\":1}",
];

fn edits(tokens: &'static [&'static str]) -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Flip(at, b)),
        (any::<usize>(), 0usize..64).prop_map(|(at, n)| Edit::Cut(at, n)),
        (any::<usize>(), 1usize..64, 1usize..2000).prop_map(|(at, n, k)| Edit::Repeat(at, n, k)),
        (any::<usize>(), proptest::sample::select(tokens)).prop_map(|(at, t)| Edit::Insert(at, t)),
    ];
    proptest::collection::vec(edit, 1..6)
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for edit in edits {
        let len = bytes.len().max(1);
        match *edit {
            Edit::Flip(at, b) => {
                if !bytes.is_empty() {
                    bytes[at % len] ^= b | 1;
                }
            }
            Edit::Cut(at, n) => {
                let start = (at % len).min(bytes.len());
                let end = (start + n).min(bytes.len());
                bytes.drain(start..end);
            }
            Edit::Repeat(at, n, k) => {
                let start = (at % len).min(bytes.len());
                let end = (start + n).min(bytes.len());
                let piece = bytes[start..end].to_vec();
                let copies: Vec<u8> = piece
                    .iter()
                    .copied()
                    .cycle()
                    .take(piece.len() * k)
                    .collect();
                bytes.splice(end..end, copies);
            }
            Edit::Insert(at, token) => {
                let at = (at % len).min(bytes.len());
                bytes.splice(at..at, token.bytes());
            }
        }
    }
    bytes
}

fn write_case(name: &str, bytes: &[u8]) -> String {
    let path = scratch().join(name);
    std::fs::write(&path, bytes).expect("write case");
    path.display().to_string()
}

fn seed(path: &str) -> Vec<u8> {
    std::fs::read(repo(path)).expect("seed file")
}

/// A real ledger, made once by the demo.
fn ledger_seed() -> Vec<u8> {
    static LEDGER: OnceLock<Vec<u8>> = OnceLock::new();
    LEDGER
        .get_or_init(|| {
            let dir = scratch().join("demo");
            let _ = std::fs::remove_dir_all(&dir);
            let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
                .args(["demo", "--dir", &dir.display().to_string()])
                .stdout(Stdio::null())
                .output()
                .expect("run the demo");
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::fs::read(dir.join("ledger.jsonl")).expect("the demo's ledger")
        })
        .clone()
}

/// The examinations with property files whose mutants `mutated_mcc_property_files` answers.
const MCC_EXAMINATIONS: &[&str] = &[
    "ReachabilityCardinality",
    "ReachabilityFireability",
    "CTLCardinality",
    "CTLFireability",
    "LTLCardinality",
    "LTLFireability",
    "UpperBounds",
];

/// The net whose `check --json` report `mutated_check_reports` mutates.
const REPORT_NET: &str = "nets/examples/philosophers-deadlock.yaml";

/// A real report with a counterexample, made once by `check --json`.
fn report_seed() -> Vec<u8> {
    static REPORT: OnceLock<Vec<u8>> = OnceLock::new();
    REPORT
        .get_or_init(|| {
            let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
                .args(["check", "--json", &repo(REPORT_NET).display().to_string()])
                .output()
                .expect("run check");
            assert_eq!(
                out.status.code(),
                Some(1),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        })
        .clone()
}

const YAML_SEEDS: &[&str] = &[
    "nets/examples/mutex.yaml",
    "nets/examples/philosophers.yaml",
    "nets/examples/producer-consumer.yaml",
    "nets/sesphr-paper.yaml",
];

const PNML_SEEDS: &[&str] = &[
    "nets/pnml/mutex.pnml",
    "tests/data/mcc/TokenRing-PT-005.pnml",
];

/// The commands a YAML net is run through.
fn yaml_commands(net: &str) -> Vec<Vec<String>> {
    [
        vec!["validate", net],
        vec!["check", net, "--timeout", "3", "--max-memory", "300M"],
        vec!["simulate", net, "--max-steps", "20"],
    ]
    .map(words)
    .into()
}

/// The commands a PNML net is run through.
fn pnml_commands(net: &str) -> Vec<Vec<String>> {
    [
        vec![
            "check",
            net,
            "--json",
            "--timeout",
            "3",
            "--max-memory",
            "300M",
        ],
        vec!["graph", net, "--reachability", "--max-states", "500"],
    ]
    .map(words)
    .into()
}

/// The commands a ledger is run through.
fn ledger_commands(ledger: &str) -> Vec<Vec<String>> {
    [
        vec!["ledger", "verify", ledger],
        vec!["ledger", "show", ledger],
    ]
    .map(words)
    .into()
}

/// The command that answers `examination` from the property files in `dir`,
/// on the TokenRing net.
fn mcc_command(dir: &str, examination: &str) -> Vec<String> {
    let net = repo("tests/data/mcc/TokenRing-PT-005.pnml")
        .display()
        .to_string();
    words(vec![
        "mcc",
        dir,
        "--net",
        &net,
        "--examination",
        examination,
        "--timeout",
        "3",
    ])
}

/// The command that shows the check report `report` of [`REPORT_NET`].
fn view_command(report: &str) -> Vec<String> {
    let net = repo(REPORT_NET).display().to_string();
    let out = scratch().join("view").display().to_string();
    words(vec!["view", &net, "--trace", report, "--out", &out])
}

fn words(words: Vec<&str>) -> Vec<String> {
    words.into_iter().map(str::to_string).collect()
}

/// `examination`'s property file, with `edits`, in a fresh model directory.
fn mcc_case(examination: &str, edits: &[Edit]) -> String {
    let dir = scratch().join("mcc");
    std::fs::create_dir_all(&dir).expect("model dir");
    let source = format!("tests/data/mcc/examinations/TokenRing-PT-005/{examination}.xml");
    std::fs::write(
        dir.join(format!("{examination}.xml")),
        apply(seed(&source), edits),
    )
    .expect("write case");
    dir.display().to_string()
}

#[test]
fn every_command_of_the_harness_succeeds_on_its_unmutated_input() {
    // What the targets run is real work only if the commands are right:
    // on the inputs before any edit, each exits 0 (a misspelt option would
    // make every case a usage error, exit 2, and the target test nothing).
    let mut commands: Vec<Vec<String>> = Vec::new();
    for seed in YAML_SEEDS {
        commands.extend(yaml_commands(&repo(seed).display().to_string()));
    }
    for seed in PNML_SEEDS {
        commands.extend(pnml_commands(&repo(seed).display().to_string()));
    }
    commands.extend(ledger_commands(&write_case("ledger.jsonl", &ledger_seed())));
    for examination in MCC_EXAMINATIONS {
        commands.push(mcc_command(&mcc_case(examination, &[]), examination));
    }
    commands.push(view_command(&write_case("report.json", &report_seed())));
    for command in commands {
        assert_eq!(run_ok(&command).ok(), Some(0), "sesphr {command:?}");
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_yaml_nets(which in 0..YAML_SEEDS.len(), edits in edits(YAML_TOKENS)) {
        let net = write_case("net.yaml", &apply(seed(YAML_SEEDS[which]), &edits));
        for command in yaml_commands(&net) {
            run_ok(&command)?;
        }
    }

    #[test]
    fn mutated_pnml_nets(which in 0..PNML_SEEDS.len(), edits in edits(XML_TOKENS)) {
        let net = write_case("net.pnml", &apply(seed(PNML_SEEDS[which]), &edits));
        for command in pnml_commands(&net) {
            run_ok(&command)?;
        }
    }

    #[test]
    fn mutated_ledgers(edits in edits(LEDGER_TOKENS)) {
        let ledger = write_case("ledger.jsonl", &apply(ledger_seed(), &edits));
        for command in ledger_commands(&ledger) {
            run_ok(&command)?;
        }
    }

    #[test]
    fn mutated_mcc_property_files(which in 0..MCC_EXAMINATIONS.len(), edits in edits(FORMULA_TOKENS)) {
        let examination = MCC_EXAMINATIONS[which];
        run_ok(&mcc_command(&mcc_case(examination, &edits), examination))?;
    }

    #[test]
    fn mutated_check_reports(edits in edits(REPORT_TOKENS)) {
        let report = write_case("report.json", &apply(report_seed(), &edits));
        run_ok(&view_command(&report))?;
    }

    #[test]
    fn random_arguments(args in proptest::collection::vec(argument(), 0..7)) {
        let args: Vec<String> = args.into_iter().map(|a| a.replace("{dir}", &scratch().display().to_string())).collect();
        // Whatever comes first, a time limit keeps every run short.
        let mut bounded = args.clone();
        if matches!(args.first().map(String::as_str), Some("check")) {
            bounded.extend(["--timeout".into(), "3".into()]);
        }
        run_ok(&bounded)?;
    }
}

/// Words of a command line: commands, flags, values (hostile ones included)
/// and files.
fn argument() -> impl Strategy<Value = String> {
    let words: Vec<String> = [
        // commands
        "validate",
        "simulate",
        "check",
        "graph",
        "ledger",
        "verify",
        "show",
        // flags
        "--timeout",
        "--threads",
        "--max-memory",
        "--max-states",
        "--json",
        "--seed",
        "--param",
        "--format",
        "--reachability",
        "--limit",
        "--crypto",
        "--size",
        "--defer",
        "--help",
        "--interactive",
        "-i",
        "--version",
        // values
        "0",
        "1",
        "2",
        "-1",
        "1e20",
        "NaN",
        "inf",
        "18446744073709551615",
        "99999999999999999999999",
        "",
        "x",
        "1K",
        "500M",
        "16E",
        "=",
        "n=3",
        "n=-1",
        "n=1e9",
        "procs=100000",
        "dot",
        "json",
        "revoke,tamper",
        // files
        "nets/examples/mutex.yaml",
        "nets/examples/philosophers.yaml",
        "nets/pnml/mutex.pnml",
        "/dev/zero",
        "/dev/null",
        "/",
        "{dir}",
        "{dir}/missing.yaml",
    ]
    .iter()
    .map(|w| {
        if w.starts_with("nets/") {
            repo(w).display().to_string()
        } else {
            (*w).to_string()
        }
    })
    .collect();
    proptest::sample::select(words)
}
