//! Property tests of the scheme (docs/protocol.md sections 3-5): correctness for
//! granted pairs, refusal for the others, forward access control after
//! revocation, and detection of any single-byte change to a ciphertext or
//! to the ledger file.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use proptest::prelude::*;
use sesphr_model::crypto::{Aad, Ciphertext, KeyPair, ReKey, decapsulate, encapsulate, open, seal};
use sesphr_model::ledger::{Ledger, Outcome, Record, SignedHead, inspect_bytes};
use sesphr_model::policy::{Label, Policy, Role, UserId};
use sesphr_model::srs::{KeyMode, Srs};
use sesphr_model::{DenyReason, Error};

fn label(i: usize) -> Label {
    Label::new(&format!("part{i}")).unwrap()
}

fn user(i: usize) -> UserId {
    UserId::new(&format!("user{i}")).unwrap()
}

fn aad(label: &Label, version: u32) -> Aad {
    Aad {
        file: Label::new("rec").unwrap(),
        label: label.clone(),
        version,
    }
}

/// An SRS in delegated mode with `rights[u]` as the partitions of user u,
/// and the users' key pairs.
fn setup(owner: &KeyPair, rights: &[BTreeSet<usize>], partitions: usize) -> (Srs, Vec<KeyPair>) {
    let mut srs = Srs::new(
        KeyMode::Delegated,
        UserId::new("owner").unwrap(),
        Policy::paper_default(),
    );
    let mut keys = Vec::new();
    for (u, granted) in rights.iter().enumerate() {
        srs.join(&user(u), Role::Researcher, false).unwrap();
        for p in 0..partitions {
            srs.set_right(&user(u), &label(p), granted.contains(&p))
                .unwrap();
        }
        let pair = KeyPair::generate().unwrap();
        srs.install_rekey(&user(u), ReKey::new(&owner.secret, &pair.public).unwrap())
            .unwrap();
        keys.push(pair);
    }
    (srs, keys)
}

/// Encrypt every partition as version `version`; the ciphertexts.
fn upload(owner: &KeyPair, srs: &mut Srs, contents: &[Vec<u8>], version: u32) -> Vec<Ciphertext> {
    contents
        .iter()
        .enumerate()
        .map(|(p, plain)| {
            let (key, r) = encapsulate(&owner.secret).unwrap();
            srs.store_r(&Label::new("rec").unwrap(), version, &label(p), r)
                .unwrap();
            seal(&key, &aad(&label(p), version), plain).unwrap()
        })
        .collect()
}

fn scenario() -> impl Strategy<Value = (Vec<Vec<u8>>, Vec<BTreeSet<usize>>)> {
    (1usize..=4).prop_flat_map(|partitions| {
        (
            prop::collection::vec(prop::collection::vec(any::<u8>(), 0..600), partitions),
            prop::collection::vec(
                prop::collection::btree_set(0..partitions, 0..=partitions),
                1..=3,
            ),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn granted_pairs_decrypt_and_others_are_refused((contents, rights) in scenario()) {
        let owner = KeyPair::generate().unwrap();
        let (mut srs, keys) = setup(&owner, &rights, contents.len());
        let cts = upload(&owner, &mut srs, &contents, 1);
        let file = Label::new("rec").unwrap();
        for (u, granted) in rights.iter().enumerate() {
            for (p, plain) in contents.iter().enumerate() {
                let served = srs.serve(&user(u), &file, 1, &label(p));
                if granted.contains(&p) {
                    let r = served.unwrap();
                    let got = open(&decapsulate(&keys[u].secret, &r).unwrap(), &aad(&label(p), 1), &cts[p]).unwrap();
                    prop_assert_eq!(got.as_bytes(), plain.as_slice());
                } else {
                    let refused = matches!(
                        served,
                        Err(Error::AccessDenied { reason: DenyReason::NotGranted, .. })
                    );
                    prop_assert!(refused);
                }
            }
        }
    }

    #[test]
    fn revoked_users_open_no_later_version(
        (contents, rights) in scenario(),
        victim in 0usize..3,
    ) {
        let owner = KeyPair::generate().unwrap();
        let (mut srs, keys) = setup(&owner, &rights, contents.len());
        let victim = victim % rights.len();
        let file = Label::new("rec").unwrap();
        upload(&owner, &mut srs, &contents, 1);
        // Before revocation the victim caches R for every granted partition.
        let cached: Vec<_> = (0..contents.len())
            .map(|p| srs.serve(&user(victim), &file, 1, &label(p)).ok())
            .collect();
        srs.revoke(&user(victim)).unwrap();
        let cts = upload(&owner, &mut srs, &contents, 2);
        for p in 0..contents.len() {
            let served = srs.serve(&user(victim), &file, 2, &label(p));
            let refused = matches!(served, Err(Error::AccessDenied { reason: DenyReason::Revoked, .. }));
            prop_assert!(refused);
            if let Some(old_r) = cached[p] {
                let key = decapsulate(&keys[victim].secret, &old_r).unwrap();
                let tag_mismatch = matches!(
                    open(&key, &aad(&label(p), 2), &cts[p]),
                    Err(Error::TagMismatch { .. })
                );
                prop_assert!(tag_mismatch);
            }
        }
    }

    #[test]
    fn any_ciphertext_byte_change_is_detected(
        plain in prop::collection::vec(any::<u8>(), 0..2000),
        position in any::<prop::sample::Index>(),
        mask in 1u8..=255,
    ) {
        let owner = KeyPair::generate().unwrap();
        let (key, _) = encapsulate(&owner.secret).unwrap();
        let ct = seal(&key, &aad(&label(0), 3), &plain).unwrap();
        let mut bytes = ct.into_bytes();
        let i = position.index(bytes.len());
        bytes[i] ^= mask;
        let result = open(&key, &aad(&label(0), 3), &Ciphertext::from_bytes(bytes).unwrap());
        prop_assert!(matches!(result, Err(Error::TagMismatch { .. })), "byte {} undetected", i);
    }
}

/// A ledger file with a few blocks of every record kind, and its head.
fn sample_ledger() -> &'static [u8] {
    &sample().0
}

/// The sample ledger's signed head.
fn sample_head() -> SignedHead {
    sample().1
}

fn sample() -> &'static (Vec<u8>, SignedHead) {
    static BYTES: OnceLock<(Vec<u8>, SignedHead)> = OnceLock::new();
    BYTES.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("ledger-prop-{}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut ledger = Ledger::create(&path).unwrap();
        ledger
            .append(vec![Record::Grant {
                user: user(1),
                role: Role::Doctor,
                partitions: vec![label(0), label(1)],
            }])
            .unwrap();
        ledger
            .append(vec![
                Record::Access {
                    user: user(1),
                    file: label(9),
                    version: 1,
                    partition: label(0),
                    outcome: Outcome::Granted,
                },
                Record::Access {
                    user: user(2),
                    file: label(9),
                    version: 1,
                    partition: label(1),
                    outcome: Outcome::Denied("partition not granted".into()),
                },
                Record::Revoke { user: user(2) },
            ])
            .unwrap();
        ledger
            .append(vec![Record::Revoke { user: user(1) }])
            .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        (bytes, ledger.head())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_ledger_byte_change_is_detected(
        position in any::<prop::sample::Index>(),
        mask in 1u8..=255,
    ) {
        let mut bytes = sample_ledger().to_vec();
        prop_assert!(inspect_bytes(&bytes).fault.is_none());
        let i = position.index(bytes.len());
        bytes[i] ^= mask;
        prop_assert!(inspect_bytes(&bytes).fault.is_some(), "flip at byte {} undetected", i);
    }

    #[test]
    fn any_ledger_truncation_is_detected(position in any::<prop::sample::Index>()) {
        // A cut inside a line is a fault of the file; a cut after a whole
        // block leaves a valid shorter log that the pinned head rejects.
        let bytes = sample_ledger();
        let cut = position.index(bytes.len());
        let inspection = inspect_bytes(&bytes[..cut]);
        let detected = inspection.fault.is_some()
            || inspection.log.is_none_or(|log| log.check_extends(&sample_head()).is_err());
        prop_assert!(detected, "cut at {} undetected", cut);
    }

    #[test]
    fn the_ledger_parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let inspection = inspect_bytes(&bytes);
        prop_assert!(inspection.fault.is_some() || bytes.ends_with(b"}}\n"));
    }
}
