//! End-to-end: `sesphr ledger verify|show` on intact and tampered files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sesphr_model::ledger::{Ledger, Record};
use sesphr_model::policy::UserId;

fn sesphr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(args)
        .output()
        .expect("the sesphr binary runs")
}

/// A ledger of five one-record blocks; returns its path and its lines.
fn sample(name: &str) -> (PathBuf, Vec<Vec<u8>>) {
    let path = std::env::temp_dir().join(format!("ledger-cli-{name}-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut ledger = Ledger::create(&path).unwrap();
    for i in 0..5 {
        let user = UserId::new(&format!("user{i}")).unwrap();
        ledger.append(vec![Record::Revoke { user }]).unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    let lines = bytes
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    (path, lines)
}

fn verify(path: &Path) -> (Option<i32>, String) {
    let out = sesphr(&["ledger", "verify", path.to_str().unwrap()]);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn intact_ledger_verifies_and_shows() {
    let (path, _) = sample("intact");
    let (code, stdout) = verify(&path);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("intact: 5 blocks"));
    let shown = sesphr(&["ledger", "show", path.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&shown.stdout);
    assert_eq!(shown.status.code(), Some(0));
    assert_eq!(text.lines().filter(|l| l.starts_with("block ")).count(), 5);
    assert!(text.contains("- revoke user3"));
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn each_tampering_names_the_first_bad_block() {
    let (path, lines) = sample("tamper");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "flipped byte in block 2",
            {
                let mut l = lines.clone();
                let i = l[2].len() / 2;
                l[2][i] ^= 0x04;
                l.concat()
            },
            "block 2",
        ),
        (
            "truncated inside block 3",
            {
                let all = lines.concat();
                let cut = lines[..3].concat().len() + 20;
                all[..cut].to_vec()
            },
            "block 3",
        ),
        (
            "blocks 1 and 2 swapped",
            {
                let mut l = lines.clone();
                l.swap(1, 2);
                l.concat()
            },
            "block 1",
        ),
        (
            "block 1 removed",
            {
                let mut l = lines.clone();
                l.remove(1);
                l.concat()
            },
            "block 1",
        ),
        (
            "last block and head removed",
            lines[..4].concat(),
            "block 4",
        ),
    ];
    for (what, bytes, named) in cases {
        std::fs::write(&path, &bytes).unwrap();
        let (code, stdout) = verify(&path);
        assert_eq!(code, Some(1), "{what}: {stdout}");
        assert!(
            stdout.contains(&format!("TAMPERED at {named}:")),
            "{what}: {stdout}"
        );
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn unreadable_input_exits_2() {
    let missing = std::env::temp_dir().join("no-such-ledger-file.jsonl");
    let out = sesphr(&["ledger", "verify", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-ledger-file"));
    let out = sesphr(&["ledger", "show", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}
