//! End-to-end: `sesphr simulate --crypto` runs the SeSPHR nets on real
//! cryptography (the checker's witnesses by default, random runs with
//! `--random`), prints the per-transition timings, fails on a planted fault,
//! and fails when it compared no plaintext.

mod support;

use std::path::PathBuf;
use std::process::Output;

use support::{sesphr, stderr, stdout};

/// `sesphr simulate nets/sesphr.yaml --crypto ARGS`.
fn simulate_crypto(args: &[&str]) -> Output {
    sesphr(&[&["simulate", "nets/sesphr.yaml", "--crypto"], args].concat())
}

/// The number in front of `marker` on the checks line.
fn count_before(out: &str, marker: &str) -> usize {
    out.lines()
        .find_map(|l| {
            let at = l.find(marker)?;
            l[..at].split_whitespace().last()?.parse().ok()
        })
        .unwrap_or_else(|| panic!("no `{marker}` in:\n{out}"))
}

#[test]
fn the_full_net_runs_on_real_crypto_with_a_timing_table() {
    let dir = std::env::temp_dir().join(format!("sesphr-crypto-sim-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let dir_arg = dir.display().to_string();
    let out = simulate_crypto(&[
        "--param",
        "roles=3",
        "--param",
        "users_per_role=1",
        "--param",
        "partitions=2",
        "--param",
        "versions=2",
        "--random",
        "--runs",
        "2",
        "--size",
        "4096",
        "--defer",
        "revoke,tamper,substitute,forge,plant_upload",
        "--dir",
        &dir_arg,
    ]);
    let stdout = stdout(&out);
    assert!(out.status.success(), "{stdout}\n{}", stderr(&out));
    assert!(
        stdout.contains("run 1 (seed 1)") && stdout.contains("run 2 (seed 2)"),
        "{stdout}"
    );
    for column in ["transition", "fired", "mean ms", "p95 ms"] {
        assert!(stdout.contains(column), "{column}: {stdout}");
    }
    let row = |name: &str| {
        stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row {name}:\n{stdout}"))
            .to_string()
    };
    let fired = |name: &str| -> usize {
        row(name)
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    assert_eq!(fired("upload"), 8, "two partitions, two versions, two runs");
    assert!(fired("D_R_S") > 0 && fired("Decrypt_C") > 0, "{stdout}");
    assert!(stdout.contains("engine overhead"), "{stdout}");
    assert!(count_before(&stdout, "decrypted plaintexts equal") > 0);
    assert!(count_before(&stdout, "ciphertexts written") >= 8);
    assert!(count_before(&stdout, "ledger records in") >= 8);
    let stored = PathBuf::from(&dir).join("run-1/cloud/objects/p1/v1/medical.ct");
    assert!(stored.is_file(), "{}", stored.display());
    let ledger = PathBuf::from(&dir).join("run-1/ledger.jsonl");
    let ledger_arg = ledger.display().to_string();
    let verified = sesphr(&["ledger", "verify", &ledger_arg]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert!(String::from_utf8_lossy(&verified.stdout).contains("intact"));
    // A second run into the same folder is refused: nothing of the first
    // run's store and ledger is removed, and nothing else the folder holds.
    let again = simulate_crypto(&["--random", "--size", "1024", "--dir", &dir_arg]);
    assert_eq!(again.status.code(), Some(2), "{}", support::stdout(&again));
    assert!(
        stderr(&again).contains("is not empty; give an empty or new directory"),
        "{}",
        stderr(&again)
    );
    assert!(ledger.is_file() && stored.is_file());
    // A file where the folder belongs, and no runs at all: bad input too.
    let file = dir.join("run-1/ledger.jsonl").display().to_string();
    let refused = simulate_crypto(&["--random", "--dir", &file]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("is not a directory"),
        "{}",
        stderr(&refused)
    );
    let refused = simulate_crypto(&["--random", "--runs", "0"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("--runs 0"),
        "{}",
        stderr(&refused)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_paper_net_runs_on_real_crypto() {
    let out = sesphr(&[
        "simulate",
        "nets/sesphr-paper.yaml",
        "--crypto",
        "--size",
        "50000",
    ]);
    let stdout = stdout(&out);
    assert!(out.status.success(), "{stdout}\n{}", stderr(&out));
    for t in [
        "Gen_Key",
        "Encrypt_Pi",
        "Compt_Ri",
        "D_R_S",
        "D_R_F",
        "Decrypt_C",
    ] {
        assert!(stdout.lines().any(|l| l.starts_with(t)), "{t}: {stdout}");
    }
    assert_eq!(count_before(&stdout, "decrypted plaintexts equal"), 1);
}

#[test]
fn a_corrupted_plaintext_fails_the_run() {
    let out = sesphr(&[
        "simulate",
        "nets/sesphr-paper.yaml",
        "--crypto",
        "--size",
        "1000",
        "--inject-fault",
        "plaintext",
    ]);
    let stderr = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("real and symbolic semantics disagree"),
        "{stderr}"
    );
    assert!(
        stderr.contains("differs from the partition the patient uploaded"),
        "{stderr}"
    );
}

#[test]
fn a_corrupted_ciphertext_fails_the_run() {
    let out = simulate_crypto(&[
        "--param",
        "newcomers_read_past=true",
        "--size",
        "1000",
        "--random",
        "--defer",
        "revoke,tamper,substitute,forge,plant_upload",
        "--inject-fault",
        "ciphertext",
    ]);
    let stderr = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("real and symbolic semantics disagree"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_deferred_transition_is_refused() {
    let out = simulate_crypto(&["--random", "--defer", "nap"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--defer nap"));
}

/// The line of `goal` in the output of a witness replay.
fn goal_line<'a>(out: &'a str, goal: &str) -> &'a str {
    out.lines()
        .find(|l| l.starts_with(&format!("{goal}: ")))
        .unwrap_or_else(|| panic!("no line for {goal}:\n{out}"))
}

#[test]
fn by_default_the_witnesses_of_the_goals_are_replayed_and_decrypt() {
    let out = simulate_crypto(&["--size", "4096"]);
    let stdout = stdout(&out);
    assert!(out.status.success(), "{stdout}\n{}", stderr(&out));
    // Each goal with a witness is replayed; the reading goals decrypt.
    for goal in [
        "every_role_reads_its_partitions",
        "every_user_reads",
        "a_reader_is_revoked",
        "a_forgery_is_caught",
    ] {
        let line = goal_line(&stdout, goal);
        assert!(line.contains("replayed"), "{line}");
        assert!(count_before(line, "plaintexts checked") >= 1, "{line}");
    }
    // every_user_reads: both users of the default configuration read.
    assert!(count_before(goal_line(&stdout, "every_user_reads"), "plaintexts checked") >= 2);
    // Tampering is caught by the real AEAD too: the witness replays, and says
    // that it compared no plaintext.
    let tamper = goal_line(&stdout, "tampering_is_caught");
    assert!(
        tamper.contains("replayed") && tamper.contains("no plaintext compared"),
        "{tamper}"
    );
    // A goal that holds in the initial marking is vacuous here: nothing to replay.
    assert!(goal_line(&stdout, "a_re_upload_is_read").contains("vacuous"));
    assert!(count_before(&stdout, "decrypted plaintexts equal") >= 5);
    let row = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some("Decrypt_C"))
        .unwrap_or_else(|| panic!("no Decrypt_C row:\n{stdout}"));
    assert!(
        row.split_whitespace()
            .nth(1)
            .and_then(|n| n.parse::<u32>().ok())
            > Some(0),
        "{row}"
    );
}

#[test]
fn a_replay_that_compares_no_plaintext_fails_and_says_so() {
    let out = simulate_crypto(&["--size", "1000", "--property", "tampering_is_caught"]);
    let stderr = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("checked nothing"), "{stderr}");
    assert!(stdout(&out).contains("tampering_is_caught: witness of"));
}

#[test]
fn a_random_run_that_reaches_no_decryption_fails_and_says_so() {
    let out = simulate_crypto(&["--random", "--max-steps", "1", "--size", "1000"]);
    let stderr = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("checked nothing"), "{stderr}");
    assert!(stderr.contains("drop --random"), "{stderr}");
    assert!(stdout(&out).contains("step limit reached"));
}

#[test]
fn a_corrupted_plaintext_fails_a_witness_replay() {
    let out = simulate_crypto(&[
        "--size",
        "1000",
        "--property",
        "every_role_reads_its_partitions",
        "--inject-fault",
        "plaintext",
    ]);
    let stderr = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the witness of every_role_reads_its_partitions failed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("real and symbolic semantics disagree"),
        "{stderr}"
    );
}

#[test]
fn options_that_do_not_apply_are_refused() {
    for (args, names) in [
        (&["--runs", "2"][..], "--crypto"),
        (&["--size", "1K"], "--crypto"),
        (&["--crypto", "--runs", "2"], "--random"),
        (&["--crypto", "--defer", "revoke"], "--random"),
        (&["--crypto", "--max-steps", "5"], "--random"),
        (
            &["--crypto", "--random", "--property", "every_user_reads"],
            "--property",
        ),
        (
            &["--crypto", "--property", "acl_enforcement"],
            "no such `reachable` property",
        ),
    ] {
        let mut all = vec!["simulate", "nets/sesphr.yaml"];
        all.extend_from_slice(args);
        let out = sesphr(&all);
        let stderr = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(names), "{args:?}: {stderr}");
    }
}

/// Goals skipped because their search stopped at a limit make the run
/// incomplete: exit 3, `passed` false in JSON, and with every goal skipped
/// (`--timeout 0`) exit 3 too, not the exit 1 of a run that checked nothing.
#[test]
fn goals_skipped_at_a_limit_make_the_run_incomplete() {
    let out = simulate_crypto(&["--size", "1K", "--max-states", "600", "--json"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("incomplete"), "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let skipped = value["skipped"].as_array().expect("skipped");
    assert!(skipped.iter().any(|s| s["reason"] == "limit"), "{value}");
    assert_eq!(value["passed"], false, "{value}");
    let out = simulate_crypto(&["--size", "1K", "--timeout", "0"]);
    let stderr = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("incomplete"), "{stderr}");
    assert!(!stderr.contains("checked nothing"), "{stderr}");
}
