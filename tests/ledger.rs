//! End-to-end: `sesphr ledger verify|show|head|prove|check-proof` on intact,
//! tampered, cut and rewritten ledgers.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sesphr_model::crypto::SigningKey;
use sesphr_model::ledger::{ChainLink, Ledger, Line, Outcome, Record, TreeHead};
use sesphr_model::policy::{Label, UserId};

fn sesphr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(args)
        .output()
        .expect("the sesphr binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("ledger-cli-{name}-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

fn revoke(name: &str) -> Record {
    Record::Revoke {
        user: UserId::new(name).unwrap(),
    }
}

/// A ledger of five one-record blocks signed by `key`, the records named by
/// `users`; returns its path and its lines.
fn ledger_of(name: &str, key: SigningKey, users: &[&str]) -> (PathBuf, Vec<Vec<u8>>) {
    let path = scratch(name);
    let mut ledger = Ledger::create_with_key(&path, key).unwrap();
    for user in users {
        ledger.append(vec![revoke(user)]).unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    let lines = bytes
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    (path, lines)
}

const USERS: [&str; 5] = ["user0", "user1", "user2", "user3", "user4"];

fn sample(name: &str) -> (PathBuf, Vec<Vec<u8>>) {
    ledger_of(name, SigningKey::generate().unwrap(), &USERS)
}

fn head_of(path: &Path) -> String {
    let out = sesphr(&["ledger", "head", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    text.trim().to_owned()
}

fn verify(path: &Path, pinned: Option<&str>) -> (Option<i32>, String) {
    let mut args = vec!["ledger", "verify", path.to_str().unwrap()];
    if let Some(head) = pinned {
        args.extend(["--expect-head", head]);
    }
    let out = sesphr(&args);
    (out.status.code(), stdout(&out))
}

#[test]
fn intact_ledger_verifies_shows_and_prints_its_head() {
    let (path, _) = sample("intact");
    let head = head_of(&path);
    assert!(head.starts_with("sth2:5:5:"), "{head}");
    let (code, text) = verify(&path, Some(&head));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("intact: 5 blocks, 5 records, extends the pinned head of 5 records"));
    assert!(text.contains(&format!("head {head}")));
    let shown = sesphr(&["ledger", "show", path.to_str().unwrap()]);
    let text = stdout(&shown);
    assert_eq!(shown.status.code(), Some(0));
    assert_eq!(text.lines().filter(|l| l.starts_with("block ")).count(), 5);
    assert!(text.contains("- revoke user3"));
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn each_tampering_names_the_first_bad_line() {
    let (path, lines) = sample("tamper");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "flipped byte in block 1",
            {
                let mut l = lines.clone();
                let i = l[2].len() / 2;
                l[2][i] ^= 0x04;
                l.concat()
            },
            "line 3 (block 1)",
        ),
        (
            "truncated inside block 2",
            {
                let all = lines.concat();
                let cut = lines[..3].concat().len() + 20;
                all[..cut].to_vec()
            },
            "line 4 (block 2): incomplete last line",
        ),
        (
            "blocks 0 and 1 swapped",
            {
                let mut l = lines.clone();
                l.swap(1, 2);
                l.concat()
            },
            "line 2 (block 0): sequence number 1",
        ),
        (
            "block 1 removed",
            {
                let mut l = lines.clone();
                l.remove(2);
                l.concat()
            },
            "line 3 (block 1): sequence number 2",
        ),
        (
            "record kind renamed",
            {
                let mut l = lines.clone();
                let text = String::from_utf8(l[3].clone()).unwrap();
                l[3] = text.replace("\"revoke\"", "\"revokx\"").into_bytes();
                l.concat()
            },
            "line 4 (block 2): not a well-formed block (column",
        ),
        (
            "header removed",
            lines[1..].concat(),
            "line 1 (header): the log header line is missing",
        ),
    ];
    for (what, bytes, named) in cases {
        std::fs::write(&path, &bytes).unwrap();
        let (code, text) = verify(&path, None);
        assert_eq!(code, Some(1), "{what}: {text}");
        assert!(
            text.contains(&format!("TAMPERED at {named}")),
            "{what}: {text}"
        );
        for leak in [
            "invalid type",
            "unknown variant",
            "expected value",
            "at line 1 column",
        ] {
            assert!(!text.contains(leak), "{what}: library text leaked: {text}");
        }
    }
    std::fs::remove_file(&path).unwrap();
}

/// `lines` of a ledger signed by `key` with block `block`'s head
/// timestamped `timestamp_ms`, every head re-signed in its place: what the
/// log key's holder can write.
fn retimed(lines: &[Vec<u8>], key: &SigningKey, block: u64, timestamp_ms: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut place = ChainLink::genesis();
    for raw in lines {
        let mut line: Line = serde_json::from_slice(raw).unwrap();
        let head = match &mut line {
            Line::Log(header) => header.head,
            Line::Block(b) => {
                if b.seq == block {
                    b.head.timestamp_ms = timestamp_ms;
                }
                let h = &mut b.head;
                h.signature = key.sign(&TreeHead::signed_bytes(
                    &place,
                    h.size,
                    h.timestamp_ms,
                    &h.root,
                ));
                b.head
            }
        };
        place = place.next(head.hash(&place));
        bytes.extend(line.to_line());
    }
    bytes
}

#[test]
fn a_block_timestamped_before_the_one_before_it_is_tampering() {
    let seed = SigningKey::generate().unwrap().to_bytes();
    let key = SigningKey::from_bytes(&*seed).unwrap();
    let (path, lines) = ledger_of("backdated", SigningKey::from_bytes(&*seed).unwrap(), &USERS);
    let time = |line: &[u8]| match serde_json::from_slice(line).unwrap() {
        Line::Block(block) => block.head.timestamp_ms,
        Line::Log(header) => header.head.timestamp_ms,
    };
    // Re-signing with the times unchanged writes the same file.
    assert_eq!(retimed(&lines, &key, 3, time(&lines[4])), lines.concat());
    // Block 3 (line 5) a second before block 2, consistently re-signed.
    let previous = time(&lines[3]);
    let earlier = previous - 1_000;
    std::fs::write(&path, retimed(&lines, &key, 3, earlier)).unwrap();
    let (code, text) = verify(&path, None);
    assert_eq!(code, Some(1), "{text}");
    let named = format!(
        "TAMPERED at line 5 (block 3): block 3 is timestamped {earlier} ms, earlier than block 2's {previous} ms"
    );
    assert!(text.contains(&named), "{text}");
    // `ledger show` refuses it too; a time equal to the one before passes.
    let out = sesphr(&["ledger", "show", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    std::fs::write(&path, retimed(&lines, &key, 3, previous)).unwrap();
    assert_eq!(verify(&path, None).0, Some(0));
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_block_merged_into_the_next_is_tampering() {
    let (path, lines) = sample("merged");
    let pinned = head_of(&path);
    // Block 1's records moved into block 2, whose head covers them, block 1
    // dropped and the blocks renumbered: no key is needed for that.
    let mut blocks: Vec<Line> = lines[1..]
        .iter()
        .map(|line| serde_json::from_slice(line).unwrap())
        .collect();
    let Line::Block(gone) = blocks.remove(1) else {
        panic!("line 3 is a block")
    };
    let mut merged = lines[0].clone();
    for (seq, mut line) in (0u64..).zip(blocks) {
        if let Line::Block(block) = &mut line {
            if seq == 1 {
                block.records.splice(0..0, gone.records.clone());
            }
            block.seq = seq;
        }
        merged.extend(line.to_line());
    }
    std::fs::write(&path, &merged).unwrap();
    for pin in [None, Some(pinned.as_str())] {
        let (code, text) = verify(&path, pin);
        assert_eq!(code, Some(1), "{text}");
        assert!(
            text.contains("TAMPERED at line 3 (block 1): tree head signature invalid"),
            "{text}"
        );
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_pinned_head_catches_cuts_and_consistent_rewrites() {
    let seed = SigningKey::generate().unwrap().to_bytes();
    let key = || SigningKey::from_bytes(&*seed).unwrap();
    let (path, lines) = ledger_of("pinned", key(), &USERS);
    let pinned = head_of(&path);
    // The last block removed: a valid ledger of four records on its own.
    std::fs::write(&path, lines[..5].concat()).unwrap();
    assert_eq!(verify(&path, None).0, Some(0));
    let (code, text) = verify(&path, Some(&pinned));
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("fewer than the pinned head's 5 (truncated)"),
        "{text}"
    );
    // Every record about user2 deleted and the log re-signed by its own key.
    let (rewritten, _) = ledger_of(
        "rewritten",
        key(),
        &["user0", "user1", "user3", "user4", "user5"],
    );
    assert_eq!(verify(&rewritten, None).0, Some(0));
    let (code, text) = verify(&rewritten, Some(&pinned));
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("differ from those of the pinned head (rewritten)"),
        "{text}"
    );
    // The same records signed by another key.
    let (forged, _) = ledger_of("forged", SigningKey::generate().unwrap(), &USERS);
    let (code, text) = verify(&forged, Some(&pinned));
    assert_eq!(code, Some(1));
    assert!(text.contains("another key"), "{text}");
    // The same records re-signed by the same key at other times: the
    // pinned head is not in it.
    let (resigned, _) = ledger_of("resigned", key(), &USERS);
    let (code, text) = verify(&resigned, Some(&pinned));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("is not the pinned head"), "{text}");
    // The ledger grown by a block extends the pinned head.
    let grown = scratch("grown");
    std::fs::write(&grown, lines.concat()).unwrap();
    Ledger::open(&grown, key())
        .unwrap()
        .append(vec![revoke("user5")])
        .unwrap();
    assert_eq!(verify(&grown, Some(&pinned)).0, Some(0));
    // A pinned head with a changed signature is refused.
    let mut bad = pinned.clone();
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    let (code, text) = verify(&grown, Some(&bad));
    assert_eq!(code, Some(1));
    assert!(
        text.contains("pinned head's signature is invalid"),
        "{text}"
    );
    for p in [path, rewritten, forged, resigned, grown] {
        std::fs::remove_file(p).unwrap();
    }
}

#[test]
fn proofs_are_printed_and_checked() {
    let (path, lines) = sample("proofs");
    // The same ledger as it was three blocks earlier.
    let old = scratch("old");
    std::fs::write(&old, lines[..4].concat()).unwrap();
    let (old_head, head) = (head_of(&old), head_of(&path));
    let file = path.to_str().unwrap();
    let proof_file = scratch("proof");
    let check = |proof: &str, args: &[&str]| {
        std::fs::write(&proof_file, proof).unwrap();
        let mut all = vec!["ledger", "check-proof", proof_file.to_str().unwrap()];
        all.extend_from_slice(args);
        let out = sesphr(&all);
        let printed = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
        (out.status.code(), printed)
    };
    for index in 0..5 {
        let out = sesphr(&["ledger", "prove", file, "--record", &index.to_string()]);
        assert_eq!(out.status.code(), Some(0));
        let proof = stdout(&out);
        let (code, text) = check(&proof, &["--head", &head]);
        assert_eq!(code, Some(0), "{text}");
        assert!(text.contains(&format!("revoke user{index}")), "{text}");
        // Another record in its place fails.
        let altered = proof.replace(&format!("user{index}"), "user9");
        assert_eq!(check(&altered, &["--head", &head]).0, Some(1));
        // An older head has no part in an inclusion proof: refused, not ignored.
        let (code, text) = check(&proof, &["--head", &head, "--old-head", &old_head]);
        assert_eq!(code, Some(2), "{text}");
        assert!(
            text.contains("--old-head applies to a consistency proof"),
            "{text}"
        );
    }
    let out = sesphr(&["ledger", "prove", file, "--record", "5"]);
    assert_eq!(out.status.code(), Some(2));
    let named = format!("{file}: the log of 5 records has no record 5");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&named),
        "{out:?}"
    );
    let out = sesphr(&["ledger", "prove", file, "--from", &old_head]);
    assert_eq!(out.status.code(), Some(0));
    let proof = stdout(&out);
    let (code, text) = check(&proof, &["--head", &head, "--old-head", &old_head]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("the log of 5 records extends the log of 3 records"));
    assert_eq!(
        check(&proof, &["--head", &old_head, "--old-head", &head]).0,
        Some(1)
    );
    assert_eq!(check(&proof, &["--head", &head]).0, Some(1));
    // What is not a proof at all is bad input (exit 2), as an unreadable
    // file is; a well-formed proof that does not check is invalid (exit 1).
    let extra_field = proof.replacen("{\"consistency\":{", "{\"consistency\":{\"x\":1,", 1);
    let bad_hex = proof.replacen("\"path\":[\"", "\"path\":[\"zz", 1);
    assert_ne!(extra_field, proof);
    assert_ne!(bad_hex, proof);
    for not_a_proof in ["{\"nonsense\":1}", &extra_field, &bad_hex] {
        let (code, text) = check(not_a_proof, &["--head", &head, "--old-head", &old_head]);
        assert_eq!(code, Some(2), "{not_a_proof}: {text}");
        assert!(
            text.contains("not a proof from `sesphr ledger prove`"),
            "{text}"
        );
    }
    let huge = " ".repeat(1 << 24) + &proof;
    let (code, text) = check(&huge, &["--head", &head, "--old-head", &old_head]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("larger than 16777216 bytes, too large for a proof"),
        "{text}"
    );
    for p in [old, path, proof_file] {
        std::fs::remove_file(p).unwrap();
    }
}

#[test]
fn show_escapes_control_characters() {
    let path = scratch("escape");
    let mut ledger = Ledger::create(&path).unwrap();
    ledger
        .append(vec![Record::Access {
            user: UserId::new("eve").unwrap(),
            file: Label::new("rec").unwrap(),
            version: 1,
            partition: Label::new("medical").unwrap(),
            outcome: Outcome::Denied("\u{1b}[2J\u{1b}[31mred\u{202e}".into()),
        }])
        .unwrap();
    let out = sesphr(&["ledger", "show", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    assert!(
        text.contains("denied (\\u{1b}[2J\\u{1b}[31mred\\u{202e})"),
        "{text}"
    );
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn unreadable_input_exits_2() {
    let missing = std::env::temp_dir().join("no-such-ledger-file.jsonl");
    for command in ["verify", "show", "head"] {
        let out = sesphr(&["ledger", command, missing.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-ledger-file"));
    }
    // Endless input is no regular file; a big one is refused by its size.
    let out = sesphr(&["ledger", "verify", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/dev/zero is a character device, not a regular file"),
        "{stderr}"
    );
    let big = scratch("big");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(sesphr_model::ledger::MAX_LEDGER_BYTES + 1)
        .unwrap();
    let out = sesphr(&["ledger", "verify", big.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is larger than 134217728 bytes"),
        "{stderr}"
    );
    std::fs::remove_file(&big).unwrap();
}

/// Runs `sesphr args`, killing it (and failing) after 20 s.
#[cfg(unix)]
fn sesphr_within_20s(args: &[&str]) -> Output {
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the sesphr binary runs");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("sesphr {args:?} still runs after 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_the_ledger_is_refused_not_waited_on() {
    let fifo = scratch("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for command in ["verify", "show", "head"] {
        let out = sesphr_within_20s(&["ledger", command, fifo.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{command}: {out:?}");
        let named = format!("{} is a FIFO, not a regular file", fifo.display());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(&named),
            "{command}: {out:?}"
        );
    }
    std::fs::remove_file(&fifo).unwrap();
}
