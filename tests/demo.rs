//! End-to-end: `sesphr demo` in each key mode leaves a verifiable ledger.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sesphr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(args)
        .output()
        .expect("the sesphr binary runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sesphr-demo-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn run_demo(mode: &str) -> (String, PathBuf) {
    let dir = scratch(mode);
    let out = sesphr(&["demo", "--dir", dir.to_str().unwrap(), "--mode", mode]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "demo --mode {mode} failed:\n{stdout}");
    (stdout, dir)
}

fn check_leftovers(dir: &Path) {
    let ledger = dir.join("ledger.jsonl");
    assert!(ledger.is_file());
    assert!(dir.join("cloud/objects/alice-phr/v2/medical.ct").is_file());
    let verify = sesphr(&["ledger", "verify", ledger.to_str().unwrap()]);
    assert_eq!(verify.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("intact: 13 blocks"));
}

#[test]
fn delegated_demo_passes_every_step() {
    let (stdout, dir) = run_demo("delegated");
    assert!(
        stdout.contains("all 13 steps behaved as the scheme says"),
        "{stdout}"
    );
    assert!(stdout.contains("the SRS holds no secret key and recovers nothing"));
    assert!(stdout.contains("delegated mode: RK^(1/x_U) = g2^(1/x_P) opens every partition"));
    assert!(!stdout.contains("FAILED"));
    check_leftovers(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn hardened_demo_bounds_the_srs_user_coalition() {
    let (stdout, dir) = run_demo("hardened");
    assert!(
        stdout.contains("all 13 steps behaved as the scheme says"),
        "{stdout}"
    );
    assert!(stdout.contains("the SRS holds no secret key and recovers nothing"));
    assert!(
        stdout.contains(
            "re-encryption keys are per label (medical, prescription); personal stays closed"
        ),
        "{stdout}"
    );
    check_leftovers(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn paper_demo_passes_and_shows_the_weakness() {
    let (stdout, dir) = run_demo("paper");
    assert!(
        stdout.contains("all 13 steps behaved as the scheme says"),
        "{stdout}"
    );
    assert!(stdout.contains("recovers the partition (the paper's weakness)"));
    check_leftovers(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn demo_refuses_a_non_empty_or_unmakeable_directory_and_a_bad_mode() {
    let dir = scratch("busy");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("keep.txt"), b"x").unwrap();
    let out = sesphr(&["demo", "--dir", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    assert_eq!(std::fs::read(dir.join("keep.txt")).unwrap(), b"x");
    // A directory that cannot be made (under a file) is bad input too, named.
    let under_a_file = dir.join("keep.txt").join("demo");
    let out = sesphr(&["demo", "--dir", under_a_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "cannot use the demo directory: creating {}",
            under_a_file.display()
        )),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    let out = sesphr(&["demo", "--mode", "trusting"]);
    assert!(!out.status.success());
}

#[test]
fn demo_without_dir_uses_a_fresh_temp_directory() {
    let out = sesphr(&["demo"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let line = stdout.lines().find(|l| l.contains("ledger: ")).unwrap();
    let ledger = PathBuf::from(line.split("ledger: ").nth(1).unwrap().trim());
    assert!(ledger.starts_with(std::env::temp_dir()));
    assert!(ledger.is_file());
    std::fs::remove_dir_all(ledger.parent().unwrap()).unwrap();
}
