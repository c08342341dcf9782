//! The paper-mode weakness (docs/protocol.md section 5): an SRS that can read the
//! cloud recovers a partition in `paper` mode; `delegated` mode closes it.

use sesphr_model::cloud::ObjectId;
use sesphr_model::crypto::{Aad, Ciphertext, decapsulate, decapsulate_own, open};
use sesphr_model::phr;
use sesphr_model::policy::{Label, Policy, Role, UserId};
use sesphr_model::srs::KeyMode;
use sesphr_model::system::{OwnerKeys, System};
use sesphr_model::{DenyReason, Error};

/// What a curious SRS gets by combining everything it holds with the
/// cloud's ciphertext of `label`: the plaintext, if anything.
fn curious_srs(sys: &System, file: &Label, version: u32, label: &Label) -> Option<Vec<u8>> {
    let r_owner = sys.srs.stored_r(file, version, label)?;
    let x_owner = sys.srs.held_secret(sys.owner())?;
    let id = ObjectId {
        file: file.clone(),
        version,
        label: label.clone(),
    };
    let ct = Ciphertext::from_bytes(sys.cloud.get(&id).ok()?).ok()?;
    let aad = Aad {
        file: file.to_string(),
        label: label.clone(),
        version,
    };
    open(&decapsulate_own(x_owner, &r_owner).ok()?, &aad, &ct).ok()
}

fn run(mode: KeyMode) -> (System, phr::PhrDocument, OwnerKeys, u32) {
    let dir = std::env::temp_dir().join(format!("sesphr-modes-{mode}-{}", std::process::id()));
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
        &owner_keys.secret,
    )
    .unwrap();
    (sys, doc, owner_keys, version)
}

#[test]
fn paper_mode_lets_a_curious_srs_read_the_personal_partition() {
    let (sys, doc, _, version) = run(KeyMode::Paper);
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
    let (mut sys, doc, owner_keys, version) = run(KeyMode::Delegated);
    let personal = Label::new("personal").unwrap();
    assert_eq!(sys.srs.held_secret_count(), 0);
    assert_eq!(curious_srs(&sys, &doc.file, version, &personal), None);
    // The SRS re-encrypting for itself, as a registered insider with its own
    // key pair, is refused for partitions outside that role's rights; and the
    // values it computes for the doctor do not open the partition without the
    // doctor's secret.
    let insider = UserId::new("srs-insider").unwrap();
    let insider_keys = sys
        .enroll(&insider, Role::Insurer, false, &owner_keys.secret)
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
        file: doc.file.to_string(),
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
