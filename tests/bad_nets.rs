//! The corpus of bad nets: every file under `tests/bad_nets/` has one defect,
//! and says in its first lines what `sesphr validate` must report:
//!
//! ```yaml
//! # args: --param users=many        (optional: extra arguments)
//! # expect: 7:11: unknown place `idel`
//! ```
//!
//! `7:11` is the line and column the error must point at (`7` alone checks
//! the line only; `-` means an error about the whole file, without a line),
//! and the rest is a fragment the message must contain. Each file must make
//! the program exit with code 2 and name the file in its message.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What a bad net's header says the error must be.
#[derive(Debug)]
struct Expectation {
    args: Vec<String>,
    line: Option<usize>,
    col: Option<usize>,
    fragment: String,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_nets")
}

fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/bad_nets exists")
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn expectation(path: &Path) -> Result<Expectation, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut args = Vec::new();
    let mut expect = None;
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        if let Some(rest) = line.strip_prefix("# args:") {
            args = rest.split_whitespace().map(str::to_string).collect();
        } else if let Some(rest) = line.strip_prefix("# expect:") {
            expect = Some(rest.trim().to_string());
        }
    }
    let expect = expect.ok_or("no `# expect:` line in the header")?;
    let (place, fragment) = expect
        .split_once(": ")
        .ok_or("write `# expect: LINE[:COL]: fragment` or `# expect: -: fragment`")?;
    let (line, col) = match place {
        "-" => (None, None),
        _ => {
            let mut parts = place.split(':').map(|n| n.parse::<usize>());
            let line = parts.next().and_then(Result::ok).ok_or("bad line number")?;
            let col = parts.next().transpose().map_err(|_| "bad column number")?;
            (Some(line), col)
        }
    };
    Ok(Expectation {
        args,
        line,
        col,
        fragment: fragment.to_string(),
    })
}

fn validate(path: &Path, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .arg("validate")
        .arg(path)
        .args(args)
        .output()
        .expect("the sesphr binary runs")
}

/// Checks one bad net; `Err` describes every way the output is wrong.
fn check(path: &Path) -> Result<(), String> {
    let want = expectation(path)?;
    let out = validate(path, &want.args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut problems = Vec::new();
    if out.status.code() != Some(2) {
        problems.push(format!("exit code {:?}, expected 2", out.status.code()));
    }
    if stderr.contains("panicked") {
        problems.push("the program panicked".to_string());
    }
    let shown = path.display().to_string();
    let location = match (want.line, want.col) {
        (Some(l), Some(c)) => format!("{shown}:{l}:{c}: "),
        (Some(l), None) => format!("{shown}:{l}:"),
        (None, _) => format!("{shown}: "),
    };
    if !stderr.starts_with(&format!("error: {location}")) {
        problems.push(format!(
            "the message does not start with `error: {location}`"
        ));
    }
    if let Some(line) = want.line {
        // The caret snippet quotes the offending line.
        let quoted = format!("{line} | ");
        if !stderr.contains(&quoted) {
            problems.push(format!("no snippet of line {line}"));
        }
    }
    if !stderr.contains(&want.fragment) {
        problems.push(format!("the message lacks `{}`", want.fragment));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n---- stderr:\n{stderr}", problems.join("; ")))
    }
}

#[test]
fn every_bad_net_yields_its_expected_error() {
    let files = corpus();
    assert!(files.len() >= 25, "the corpus has {} nets", files.len());
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| check(f).err().map(|e| format!("{}: {e}", f.display())))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} bad nets misreported:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

/// Every file of the corpus is different: no two nets test the same text.
#[test]
fn corpus_files_are_distinct_and_self_describing() {
    let mut seen = std::collections::HashSet::new();
    for f in corpus() {
        expectation(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let text = std::fs::read_to_string(&f).expect("readable");
        assert!(seen.insert(text), "{} duplicates another file", f.display());
    }
}

#[test]
fn a_missing_file_is_bad_input_naming_the_file() {
    let path = corpus_dir().join("no-such-net.yaml");
    let out = validate(&path, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with(&format!("error: {}: cannot read the file", path.display())),
        "{stderr}"
    );
}

/// The checker itself must notice a wrong expectation (else it proves nothing).
#[test]
fn a_wrong_expectation_is_noticed() {
    let dir = std::env::temp_dir().join(format!("sesphr-bad-nets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let cases = [
        // Right message, wrong line.
        "# expect: 3:11: unknown place\nplaces: {}\ntransitions:\n  t: { in: { nope: [\"()\"] } }\n",
        // Right line, wrong message.
        "# expect: 4:14: unknown type\nplaces: {}\ntransitions:\n  t: { in: { nope: [\"()\"] } }\n",
        // A valid net: exit code 0.
        "# expect: -: anything\nplaces: {}\ntransitions: {}\n",
    ];
    for (i, text) in cases.iter().enumerate() {
        let path = dir.join(format!("case{i}.yaml"));
        std::fs::write(&path, text).expect("written");
        assert!(check(&path).is_err(), "case {i} passed the checker");
    }
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}
