//! Property tests of the ledger as a transparency log: against a pinned
//! signed head, every truncation, deletion, insertion and rewrite of the
//! records it covers is detected, even when the log's own key re-signs the
//! changed log consistently; every extension is accepted; inclusion and
//! consistency proofs verify for every index and size and fail when altered.

use std::sync::atomic::{AtomicU64, Ordering};

use proptest::prelude::*;
use sesphr_model::crypto::SigningKey;
use sesphr_model::ledger::{Ledger, Log, PinMismatch, Proof, Record, SignedHead, inspect};
use sesphr_model::policy::UserId;

fn record(i: u32) -> Record {
    Record::Revoke {
        user: UserId::new(&format!("u{i}")).unwrap(),
    }
}

/// A ledger of `records` in blocks of the given sizes (the rest in one
/// block), signed by the key with `seed`; the verified log, the head before
/// the first block and after each block, and the log grown by one more
/// block holding `extra` (when there are any).
fn build(
    seed: &[u8],
    records: &[Record],
    blocks: &[usize],
    extra: &[Record],
) -> (Log, Vec<SignedHead>, Log) {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "transparency-{}-{}.jsonl",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_file(&path);
    let mut ledger = Ledger::create_with_key(&path, SigningKey::from_bytes(seed).unwrap()).unwrap();
    let mut heads = vec![ledger.head()];
    let mut rest = records;
    for &size in blocks {
        let take = size.min(rest.len());
        ledger.append(rest[..take].to_vec()).unwrap();
        heads.push(ledger.head());
        rest = &rest[take..];
    }
    if !rest.is_empty() {
        ledger.append(rest.to_vec()).unwrap();
        heads.push(ledger.head());
    }
    let log = inspect(&path).unwrap().into_log().unwrap();
    if !extra.is_empty() {
        ledger.append(extra.to_vec()).unwrap();
    }
    let grown = inspect(&path).unwrap().into_log().unwrap();
    std::fs::remove_file(&path).unwrap();
    (log, heads, grown)
}

/// How the records covered by the pinned head are changed.
#[derive(Clone, Debug)]
enum Change {
    Truncate,
    Delete,
    Insert,
    Rewrite,
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        Just(Change::Truncate),
        Just(Change::Delete),
        Just(Change::Insert),
        Just(Change::Rewrite),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn changes_under_a_pinned_head_are_detected_and_extensions_accepted(
        n in 2u32..10,
        blocks in prop::collection::vec(1usize..4, 1..6),
        pin in any::<usize>(),
        change in change(),
        at in any::<usize>(),
        extra in 0u32..3,
    ) {
        let seed = [7u8; 32];
        let records: Vec<Record> = (0..n).map(record).collect();
        let more: Vec<Record> = (n..n + extra).map(record).collect();
        let (log, heads, grown_log) = build(&seed, &records, &blocks, &more);
        // Pin a head that covers at least one record.
        let pinned = heads[1 + pin % (heads.len() - 1)];
        let size = usize::try_from(pinned.head.size).unwrap();
        prop_assert!(size >= 1);
        prop_assert_eq!(log.check_extends(&pinned), Ok(()));

        // The same log grown by `extra` records extends the pinned head, and
        // a consistency proof from the pinned head to the new head checks.
        prop_assert_eq!(grown_log.check_extends(&pinned), Ok(()));
        let proof = grown_log.prove_consistency(pinned.head.size).unwrap();
        prop_assert_eq!(proof.check(&grown_log.head(), Some(&pinned)), Ok(()));

        // A change to the first `size` records, re-signed by the log's own key.
        let j = at % size;
        let mut changed = records.clone();
        match change {
            Change::Truncate => changed.truncate(j),
            Change::Delete => {
                changed.remove(j);
            }
            Change::Insert => changed.insert(j, record(1000)),
            Change::Rewrite => changed[j] = record(2000),
        }
        let (changed_log, _, _) = build(&seed, &changed, &blocks, &[]);
        let verdict = changed_log.check_extends(&pinned);
        prop_assert!(
            matches!(verdict, Err(PinMismatch::Shorter { .. } | PinMismatch::Rewritten { .. })),
            "{:?} at {} of {} undetected: {:?}", change, j, size, verdict
        );
    }

    #[test]
    fn proofs_verify_for_every_index_and_size_and_fail_when_altered(
        n in 1u32..16,
        flip in any::<usize>(),
    ) {
        let records: Vec<Record> = (0..n).map(record).collect();
        // One record per block: a signed head for every size.
        let (log, heads, _) = build(&[9u8; 32], &records, &vec![1; n as usize], &[]);
        let head = log.head();
        for index in 0..u64::from(n) {
            let proof = log.prove_inclusion(index).unwrap();
            prop_assert_eq!(proof.check(&head, None), Ok(()));
            let Proof::Inclusion { index, size, record, path } = proof else {
                unreachable!("an inclusion proof");
            };
            if !path.is_empty() {
                let mut bad = path.clone();
                let k = flip % bad.len();
                bad[k].0[flip % 32] ^= 1;
                let altered = Proof::Inclusion { index, size, record: record.clone(), path: bad };
                prop_assert!(altered.check(&head, None).is_err());
            }
            if n > 1 {
                // The same path does not place the record elsewhere.
                let moved = Proof::Inclusion { index: (index + 1) % u64::from(n), size, record, path };
                prop_assert!(moved.check(&head, None).is_err());
            }
        }
        prop_assert!(log.prove_inclusion(u64::from(n)).is_err());
        for (old, old_head) in heads.iter().enumerate() {
            let proof = log.prove_consistency(old as u64).unwrap();
            prop_assert_eq!(proof.check(&head, Some(old_head)), Ok(()));
            let Proof::Consistency { old_size, new_size, path } = proof else {
                unreachable!("a consistency proof");
            };
            if !path.is_empty() {
                let mut bad = path.clone();
                let k = flip % bad.len();
                bad[k].0[flip % 32] ^= 1;
                let altered = Proof::Consistency { old_size, new_size, path: bad };
                prop_assert!(altered.check(&head, Some(old_head)).is_err());
            }
            if old > 0 {
                // The proof does not vouch for another older head.
                let proof = Proof::Consistency { old_size, new_size, path };
                prop_assert!(proof.check(&head, Some(&heads[old - 1])).is_err());
            }
        }
    }
}
