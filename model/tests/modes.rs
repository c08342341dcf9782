//! The paper-mode weakness (docs/protocol.md section 5): an SRS that can read the
//! cloud recovers a partition in `paper` mode; `delegated` mode closes it.
//! The collusion bound: the SRS with any enrolled user opens every partition in
//! `delegated` mode, only that user's labels in `hardened` mode.

use sesphr_model::cloud::ObjectId;
use sesphr_model::crypto::coalition::OwnerCapability;
use sesphr_model::crypto::{
    Aad, Ciphertext, KeyPair, Plaintext, decapsulate, decapsulate_own, open,
};
use sesphr_model::phr;
use sesphr_model::policy::{Label, Policy, Role, UserId};
use sesphr_model::srs::KeyMode;
use sesphr_model::system::{OwnerKeys, System};
use sesphr_model::{DenyReason, Error};

/// What a curious SRS gets by combining everything it holds with the
/// cloud's ciphertext of `label`: the plaintext, if anything.
fn curious_srs(sys: &System, file: &Label, version: u32, label: &Label) -> Option<Plaintext> {
    let r_owner = sys.srs.stored_r(file, version, label)?;
    let x_owner = sys.srs.held_secret(sys.owner())?;
    let id = ObjectId {
        file: file.clone(),
        version,
        label: label.clone(),
    };
    let ct = Ciphertext::from_bytes(sys.cloud.get(&id).ok()?).ok()?;
    let aad = Aad {
        file: file.clone(),
        label: label.clone(),
        version,
    };
    open(&decapsulate_own(x_owner, &r_owner).ok()?, &aad, &ct).ok()
}

/// A system in `dir` (named after the test, so tests run in parallel) with
/// one upload and one doctor.
fn run(mode: KeyMode, test: &str) -> (System, phr::PhrDocument, OwnerKeys, u32) {
    let dir = std::env::temp_dir().join(format!("sesphr-modes-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let owner = UserId::new("alice").unwrap();
    let (mut sys, owner_keys) =
        System::create(&dir, mode, owner.clone(), Policy::paper_default()).unwrap();
    let doc = phr::synthetic(
        Label::new("rec").unwrap(),
        owner,
        &Label::defaults(),
        4_000,
        9,
    );
    let version = sys.upload(&owner_keys, &doc).unwrap();
    sys.enroll(
        &UserId::new("dr-bob").unwrap(),
        Role::Doctor,
        false,
        &owner_keys,
    )
    .unwrap();
    (sys, doc, owner_keys, version)
}

#[test]
fn paper_mode_lets_a_curious_srs_read_the_personal_partition() {
    let (sys, doc, _, version) = run(KeyMode::Paper, "paper");
    let personal = Label::new("personal").unwrap();
    assert_eq!(sys.srs.held_secret_count(), 2);
    let stolen = curious_srs(&sys, &doc.file, version, &personal);
    assert_eq!(
        stolen,
        Some(doc.partition(&personal).unwrap().to_plaintext())
    );
    std::fs::remove_dir_all(sys.cloud.root().parent().unwrap()).unwrap();
}

#[test]
fn delegated_mode_leaves_the_srs_without_any_secret() {
    let (mut sys, doc, owner_keys, version) = run(KeyMode::Delegated, "delegated");
    let personal = Label::new("personal").unwrap();
    assert_eq!(sys.srs.held_secret_count(), 0);
    assert_eq!(curious_srs(&sys, &doc.file, version, &personal), None);
    // The SRS re-encrypting for itself, as a registered insider with its own
    // key pair, is refused for partitions outside that role's rights; and the
    // values it computes for the doctor do not open the partition without the
    // doctor's secret.
    let insider = UserId::new("srs-insider").unwrap();
    let insider_keys = sys
        .enroll(&insider, Role::Insurer, false, &owner_keys)
        .unwrap();
    let refused = sys.read(
        &insider,
        &insider_keys.secret,
        &doc.file,
        version,
        &personal,
    );
    assert!(matches!(
        refused,
        Err(Error::AccessDenied {
            reason: DenyReason::NotGranted,
            ..
        })
    ));
    let medical = Label::new("medical").unwrap();
    let r_doctor = sys
        .srs
        .serve(
            &UserId::new("dr-bob").unwrap(),
            &doc.file,
            version,
            &medical,
        )
        .unwrap();
    let id = ObjectId {
        file: doc.file.clone(),
        version,
        label: medical.clone(),
    };
    let ct = Ciphertext::from_bytes(sys.cloud.get(&id).unwrap()).unwrap();
    let aad = Aad {
        file: doc.file.clone(),
        label: medical,
        version,
    };
    let wrong = open(
        &decapsulate(&insider_keys.secret, &r_doctor).unwrap(),
        &aad,
        &ct,
    );
    assert!(matches!(wrong, Err(Error::TagMismatch { .. })));
    std::fs::remove_dir_all(sys.cloud.root().parent().unwrap()).unwrap();
}

/// The labels whose version-`version` partition the SRS and `user` open
/// together, by raising each re-encryption key the SRS holds for the user
/// to the user's 1/x_U.
fn coalition_opens(
    sys: &System,
    user: &UserId,
    user_secret: &sesphr_model::crypto::SecretKey,
    doc: &phr::PhrDocument,
    version: u32,
) -> Vec<String> {
    let mut opened = Vec::new();
    for partition in &doc.partitions {
        let label = &partition.label;
        let r_owner = sys.srs.stored_r(&doc.file, version, label).unwrap();
        let id = ObjectId {
            file: doc.file.clone(),
            version,
            label: label.clone(),
        };
        let ct = Ciphertext::from_bytes(sys.cloud.get(&id).unwrap()).unwrap();
        let aad = Aad {
            file: doc.file.clone(),
            label: label.clone(),
            version,
        };
        let opens = sys.srs.held_rekeys(user).iter().any(|(_, rekey)| {
            let capability = OwnerCapability::derive(rekey, user_secret).unwrap();
            open(&capability.decapsulate(&r_owner), &aad, &ct).is_ok()
        });
        if opens {
            opened.push(label.to_string());
        }
    }
    opened.sort();
    opened
}

/// The system of [`run`] with a second doctor whose keys the test keeps.
fn with_doctor(
    mode: KeyMode,
    test: &str,
) -> (System, phr::PhrDocument, OwnerKeys, u32, UserId, KeyPair) {
    let (mut sys, doc, owner_keys, version) = run(mode, test);
    let carol = UserId::new("dr-carol").unwrap();
    let keys = sys
        .enroll(&carol, Role::Doctor, false, &owner_keys)
        .unwrap();
    (sys, doc, owner_keys, version, carol, keys)
}

#[test]
fn delegated_mode_lets_the_srs_and_any_user_open_every_partition() {
    let (sys, doc, _, version, carol, keys) =
        with_doctor(KeyMode::Delegated, "coalition-delegated");
    assert_eq!(
        coalition_opens(&sys, &carol, &keys.secret, &doc, version),
        ["insurance", "medical", "personal", "prescription"]
    );
    std::fs::remove_dir_all(sys.cloud.root().parent().unwrap()).unwrap();
}

#[test]
fn hardened_mode_bounds_the_srs_user_coalition_to_the_granted_labels() {
    let (mut sys, doc, owner_keys, version, carol, keys) =
        with_doctor(KeyMode::Hardened, "coalition-hardened");
    assert_eq!(sys.srs.held_secret_count(), 0);
    assert_eq!(owner_keys.reencryption_key_count(), 4);
    assert_eq!(
        coalition_opens(&sys, &carol, &keys.secret, &doc, version),
        ["medical", "prescription"]
    );
    // Reading works as in delegated mode, label by label.
    let medical = Label::new("medical").unwrap();
    let personal = Label::new("personal").unwrap();
    let plain = sys
        .read(&carol, &keys.secret, &doc.file, version, &medical)
        .unwrap();
    assert_eq!(plain, doc.partition(&medical).unwrap().to_plaintext());
    // A later grant computes the label's key; a withdrawal drops it, so not
    // even the colluding SRS keeps the label open.
    sys.set_right(&carol, &personal, true, &owner_keys).unwrap();
    let plain = sys
        .read(&carol, &keys.secret, &doc.file, version, &personal)
        .unwrap();
    assert_eq!(plain, doc.partition(&personal).unwrap().to_plaintext());
    assert_eq!(
        coalition_opens(&sys, &carol, &keys.secret, &doc, version),
        ["medical", "personal", "prescription"]
    );
    sys.set_right(&carol, &medical, false, &owner_keys).unwrap();
    assert!(matches!(
        sys.read(&carol, &keys.secret, &doc.file, version, &medical),
        Err(Error::AccessDenied {
            reason: DenyReason::NotGranted,
            ..
        })
    ));
    assert_eq!(
        coalition_opens(&sys, &carol, &keys.secret, &doc, version),
        ["personal", "prescription"]
    );
    // Revocation drops every label's key.
    sys.revoke(&carol).unwrap();
    assert!(sys.srs.held_rekeys(&carol).is_empty());
    std::fs::remove_dir_all(sys.cloud.root().parent().unwrap()).unwrap();
}

/// Revocation is final: granting a revoked user a label again is refused,
/// so the SRS holds no re-encryption key of hers, and the SRS colluding
/// with her opens nothing uploaded after the revocation.
#[test]
fn hardened_mode_grants_a_revoked_user_nothing_again() {
    let (mut sys, doc, owner_keys, _, carol, keys) =
        with_doctor(KeyMode::Hardened, "coalition-revoked");
    sys.revoke(&carol).unwrap();
    let blocks = sys.ledger.blocks().len();
    for name in ["personal", "medical", "insurance", "prescription"] {
        let label = Label::new(name).unwrap();
        assert!(matches!(
            sys.set_right(&carol, &label, true, &owner_keys),
            Err(Error::Revoked(user)) if user == carol
        ));
    }
    assert!(sys.srs.held_rekeys(&carol).is_empty());
    assert_eq!(sys.ledger.blocks().len(), blocks, "no grant recorded");
    assert!(
        !sys.srs
            .acl_entry(&carol)
            .unwrap()
            .rights
            .contains(&Label::new("personal").unwrap())
    );
    // A version uploaded after the revocation: the coalition opens none of it.
    let version = sys.upload(&owner_keys, &doc).unwrap();
    assert!(coalition_opens(&sys, &carol, &keys.secret, &doc, version).is_empty());
    // Nor does the SRS take a re-encryption key for her handed over directly.
    let label = Label::new("personal").unwrap();
    let rekey = sesphr_model::crypto::ReKey::new(
        owner_keys.partition_secret(&label).unwrap(),
        &keys.public,
    )
    .unwrap();
    assert!(matches!(
        sys.srs.install_label_rekey(&carol, &label, rekey),
        Err(Error::Revoked(_))
    ));
    assert!(sys.srs.held_rekeys(&carol).is_empty());
    std::fs::remove_dir_all(sys.cloud.root().parent().unwrap()).unwrap();
}

#[test]
fn hardened_mode_refuses_a_label_it_keeps_no_key_for() {
    let (mut sys, _, owner_keys, _) = run(KeyMode::Hardened, "unknown-label");
    let owner = sys.owner().clone();
    let doc = phr::synthetic(
        Label::new("rec").unwrap(),
        owner,
        &[Label::new("genome").unwrap()],
        100,
        1,
    );
    let blocks = sys.ledger.blocks().len();
    assert!(matches!(
        sys.upload(&owner_keys, &doc),
        Err(Error::NoLabelKey(label)) if label.as_str() == "genome"
    ));
    assert_eq!(sys.ledger.blocks().len(), blocks);
    std::fs::remove_dir_all(sys.cloud.root().parent().unwrap()).unwrap();
}
