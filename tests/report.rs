//! End-to-end: `sesphr report --quick` writes well-formed CSV files, SVG and
//! PNG plots with the paper's series, and report.md with the verification summary.

use std::path::{Path, PathBuf};
use std::process::Command;

const FIGURES: [&str; 7] = [
    "key-generation",
    "key-generation-all-cores",
    "encryption",
    "decryption",
    "upload",
    "download",
    "reencryption",
];

/// Figures that have the paper's values as a second series.
const WITH_PAPER: [&str; 6] = [
    "key-generation",
    "key-generation-all-cores",
    "encryption",
    "decryption",
    "upload",
    "download",
];

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_quick_report_is_complete_and_well_formed() {
    let out_dir = std::env::temp_dir().join(format!("sesphr-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    // A user's `.work` directory in the output directory is not the
    // report's scratch directory: it is left alone.
    std::fs::create_dir_all(out_dir.join(".work")).unwrap();
    std::fs::write(out_dir.join(".work/important.txt"), "precious").unwrap();
    // Run from an empty directory: the nets are built into the program.
    let elsewhere = std::env::temp_dir().join(format!("sesphr-report-cwd-{}", std::process::id()));
    std::fs::create_dir_all(&elsewhere).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .current_dir(&elsewhere)
        .args(["report", "--quick", "--out"])
        .arg(&out_dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run sesphr: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("ours against the paper"), "{stdout}");

    // timings.csv: the header, nine columns per row, every figure present, positive times.
    let csv = read(&out_dir.join("timings.csv"));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("figure,x,unit,repetitions,median_s,min_s,max_s,paper_s,ours_to_paper")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    for row in &rows {
        assert_eq!(row.len(), 9, "{row:?}");
        let median: f64 = row[4].parse().unwrap_or(-1.0);
        let (min, max): (f64, f64) = (
            row[5].parse().unwrap_or(-1.0),
            row[6].parse().unwrap_or(-1.0),
        );
        assert!(median > 0.0 && min <= median && median <= max, "{row:?}");
        if !row[7].is_empty() {
            let paper: f64 = row[7].parse().unwrap_or(0.0);
            let ratio: f64 = row[8].parse().unwrap_or(0.0);
            assert!(
                (ratio - median / paper).abs() < 1e-3 * ratio.max(1.0),
                "{row:?}"
            );
        }
    }
    for figure in FIGURES {
        assert!(
            rows.iter().any(|r| r[0] == figure),
            "{figure} missing from timings.csv"
        );
    }
    // The paper's sizes are all measured, with the paper's values at both ends.
    for kib in ["50", "100", "200", "500", "800", "1024", "1500", "2048"] {
        assert!(
            rows.iter().any(|r| r[0] == "encryption" && r[1] == kib),
            "{kib} KiB"
        );
    }
    assert!(
        rows.iter()
            .any(|r| r[0] == "encryption" && r[1] == "2048" && r[7] == "1.289")
    );
    assert!(
        rows.iter()
            .any(|r| r[0] == "key-generation" && r[1] == "10" && r[7] == "0.6")
    );

    // transitions.csv: the protocol runs.
    let transitions = read(&out_dir.join("transitions.csv"));
    assert!(
        transitions
            .starts_with("transition,fired,unchanged,total_ms,mean_ms,p95_ms,search_ms,disk_ms\n")
    );
    for t in ["join", "upload", "D_R_S", "Decrypt_C", "revoke"] {
        assert!(
            transitions.lines().any(|l| l.starts_with(&format!("{t},"))),
            "{t}"
        );
    }

    // Plots: every SVG parses, names both axes and shows the paper's series where it has one.
    for figure in FIGURES {
        let svg = read(&out_dir.join(format!("{figure}.svg")));
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{figure}.svg: {e}"));
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        assert!(
            texts.iter().any(|t| t.contains("this implementation")),
            "{figure}: {texts:?}"
        );
        assert!(
            texts.iter().any(|t| t.contains("time (s)")),
            "{figure}: {texts:?}"
        );
        let paper = texts.iter().any(|t| t.contains("paper, as reported"));
        assert_eq!(paper, WITH_PAPER.contains(&figure), "{figure}: {texts:?}");
        let png = std::fs::read(out_dir.join(format!("{figure}.png"))).unwrap_or_default();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{figure}.png");
        assert!(png.len() > 10_000, "{figure}.png is {} bytes", png.len());
    }

    // report.md: machine, ratios, every figure, protocol runs, verification summary.
    let report = read(&out_dir.join("report.md"));
    for needle in [
        "## Machines",
        "logical cores",
        "## Ours against the paper",
        "ours / paper",
        "![Key generation](key-generation.svg)",
        "## Hardened key mode against delegated",
        "## Protocol runs with real cryptography",
        "## Verification summary",
        "sesphr-paper.yaml",
    ] {
        assert!(report.contains(needle), "{needle} missing from report.md");
    }
    // The summary's counts are unreduced, and say so; kinds are named as `check` names them.
    let cells_of = |first: &str| -> Vec<String> {
        let row = (report.lines())
            .find(|l| l.starts_with(&format!("| {first} ")))
            .unwrap_or_else(|| panic!("{first} missing from report.md"));
        row.split('|').map(|c| c.trim().to_string()).collect()
    };
    assert_eq!(
        cells_of("net")[3..5],
        ["states (unreduced)", "edges (unreduced)"]
    );
    assert_eq!(cells_of("no_deadlock_before_the_end")[2], "deadlock-free");
    for property in [
        "unauthorized_gets_nothing",
        "acl_enforcement",
        "forward_access_control",
    ] {
        let row = report
            .lines()
            .find(|l| l.starts_with(&format!("| {property} ")))
            .unwrap_or_else(|| panic!("{property} missing from report.md"));
        assert!(row.contains("holds"), "{row}");
    }
    // The key modes, side by side: delegated, then hardened (the paper's policy, one user
    // per role), every timing measured.
    let cells = |first: &str| -> Vec<String> {
        let row = report
            .lines()
            .find(|l| l.starts_with(&format!("| {first}")))
            .unwrap_or_else(|| panic!("{first} missing from report.md"));
        row.split('|').map(|c| c.trim().to_string()).collect()
    };
    assert_eq!(cells("patient's PRE key pairs")[2..4], ["1", "4"]);
    assert_eq!(cells("re-encryption keys at the SRS")[2..4], ["6", "14"]);
    assert_eq!(cells("their size")[2..4], ["576 B", "1344 B"]);
    for timed in [
        "their generation",
        "their computation",
        "upload (four partitions)",
        "read (two partitions)",
    ] {
        for cell in &cells(timed)[2..4] {
            let ms: f64 = cell.trim_end_matches(" ms").parse().expect("a time in ms");
            assert!(ms > 0.0, "{timed}: {cell}");
        }
    }
    assert_eq!(read(&out_dir.join(".work/important.txt")), "precious");
    // The quoted command reproduces the protocol runs: it runs random runs
    // with the report's seed.
    assert!(
        read(&out_dir.join("report.md"))
            .contains("`sesphr simulate nets/sesphr.yaml --crypto --random --seed 1 --param "),
        "the simulate command of report.md"
    );
    let scratch: Vec<_> = (std::fs::read_dir(&out_dir).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".work-"))
        .collect();
    assert_eq!(
        scratch,
        Vec::<String>::new(),
        "the scratch directory is removed"
    );
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "nothing written in the working directory"
    );
    let _ = std::fs::remove_dir_all(&out_dir);
    let _ = std::fs::remove_dir_all(&elsewhere);
}

/// A fresh scratch directory `sesphr-report-TAG-PID` holding `nets/` with
/// the paper's net copied in; returns it, that `nets/`, and the repository's
/// `nets/`.
fn scratch_with_the_paper_net(tag: &str) -> (PathBuf, PathBuf, PathBuf) {
    let scratch = std::env::temp_dir().join(format!("sesphr-report-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let nets = scratch.join("nets");
    std::fs::create_dir_all(&nets).unwrap();
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("nets");
    std::fs::copy(
        good.join("sesphr-paper.yaml"),
        nets.join("sesphr-paper.yaml"),
    )
    .unwrap();
    (scratch, nets, good)
}

#[test]
fn a_failed_report_names_the_bad_net_and_leaves_nothing_behind() {
    let (scratch, nets, _) = scratch_with_the_paper_net("bad");
    std::fs::write(nets.join("sesphr.yaml"), "name: broken\nplaces: [\n").unwrap();
    let out_dir = scratch.join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .current_dir(&scratch)
        .args(["report", "--quick", "--nets", "nets", "--out"])
        .arg(&out_dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run sesphr: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("sesphr.yaml"), "{stderr}");
    assert!(!out_dir.exists(), "the output directory is not left behind");
    let mut left: Vec<String> = std::fs::read_dir(&scratch)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["nets"], "only the input remains");
    std::fs::remove_dir_all(&scratch).unwrap();
}

/// Protocol runs that compare no plaintext check nothing: the report is
/// written but fails (exit 1), and the terminal says why and lists the
/// violated properties of the verification summary.
#[test]
fn a_report_whose_runs_compare_no_plaintext_fails() {
    let (scratch, nets, good) = scratch_with_the_paper_net("nodec");
    let net = read(&good.join("sesphr.yaml"));
    let guard =
        "guard: \"signature_ok(verifying_key(signing_key(p)), ((p, q, v), d), s) && digest(c)";
    assert_eq!(net.matches(guard).count(), 1, "the decryption's guard");
    let never = net.replace(guard, &guard.replace("guard: \"", "guard: \"false && "));
    std::fs::write(nets.join("sesphr.yaml"), never).unwrap();
    let out_dir = scratch.join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(["report", "--quick", "--nets"])
        .arg(&nets)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run sesphr: {e}"));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("compared no decrypted plaintext"),
        "{stderr}"
    );
    assert!(
        stdout.contains("verification: sesphr.yaml: VIOLATED: "),
        "{stdout}"
    );
    assert!(out_dir.join("report.md").exists(), "the report is written");
    std::fs::remove_dir_all(&scratch).unwrap();
}

/// Every file of a directory, by name, with its bytes.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// A report whose final write fails (`report.md` is a directory) leaves the
/// earlier report's files byte for byte as they were, and no scratch
/// directory.
#[test]
fn a_report_failing_at_its_last_write_leaves_the_earlier_report_as_it_was() {
    let out_dir = std::env::temp_dir().join(format!("sesphr-report-kept-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    let report = || {
        Command::new(env!("CARGO_BIN_EXE_sesphr"))
            .args(["report", "--quick", "--out"])
            .arg(&out_dir)
            .output()
            .unwrap_or_else(|e| panic!("cannot run sesphr: {e}"))
    };
    let first = report();
    assert!(first.status.success(), "{first:?}");
    std::fs::remove_file(out_dir.join("report.md")).unwrap();
    std::fs::create_dir(out_dir.join("report.md")).unwrap();
    std::fs::write(out_dir.join("notes.txt"), "mine").unwrap();
    let before = contents(&out_dir);
    assert!(before.len() > 15, "{before:?}");
    let second = report();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("report.md"), "{stderr}");
    assert!(
        contents(&out_dir) == before,
        "the earlier files are unchanged"
    );
    let left: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".work"))
        .collect();
    assert!(left.is_empty(), "scratch left behind: {left:?}");
    std::fs::remove_dir_all(&out_dir).unwrap();
}
