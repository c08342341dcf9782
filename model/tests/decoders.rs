//! Every decoder of untrusted bytes returns a typed error, never panics, and
//! accepts what the encoders produce.

use proptest::prelude::*;
use sesphr_model::crypto::{Ciphertext, KeyPair, OwnerR, PublicKey, ReKey, SecretKey, UserR};
use sesphr_model::{Error, steps};

fn is_decode_error<T>(result: &Result<T, Error>) -> bool {
    matches!(result, Err(Error::Decode { .. }))
}

/// Bytes whose 48-byte chunks encode field elements below p (top nibble
/// cleared), so that decoding gets past the field check into the curve and
/// subgroup checks.
fn field_chunks(len: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), len).prop_map(|mut bytes| {
        for chunk in bytes.chunks_mut(48) {
            if let Some(last) = chunk.last_mut() {
                *last &= 0x0f;
            }
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic_a_decoder(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = SecretKey::from_bytes(&bytes);
        prop_assert!(PublicKey::from_bytes(&bytes).is_err());
        let _ = OwnerR::from_bytes(&bytes);
        let _ = ReKey::from_bytes(&bytes);
        prop_assert!(UserR::from_bytes(&bytes).is_err());
        let _ = Ciphertext::from_bytes(bytes.clone());
        let _ = serde_json::from_slice::<sesphr_model::phr::PhrDocument>(&bytes);
    }

    #[test]
    fn near_valid_gt_encodings_are_rejected(bytes in field_chunks(UserR::LEN)) {
        prop_assert!(is_decode_error(&UserR::from_bytes(&bytes)));
    }

    #[test]
    fn garbage_never_decrypts(
        r_user in field_chunks(UserR::LEN),
        ct in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let (user_sk, _) = steps::keygen().unwrap();
        let result = steps::decrypt(&user_sk, &r_user, "rec", "medical", 1, &ct);
        let refused = matches!(result, Err(Error::Decode { .. } | Error::TagMismatch { .. }));
        prop_assert!(refused);
    }
}

#[test]
fn encodings_round_trip_through_the_steps() {
    let pair = KeyPair::generate().unwrap();
    assert_eq!(
        PublicKey::from_bytes(&pair.public.to_bytes()).unwrap(),
        pair.public
    );
    let (owner_sk, owner_pk) = steps::keygen().unwrap();
    let (user_sk, user_pk) = steps::keygen().unwrap();
    assert_eq!(owner_sk.len(), SecretKey::LEN);
    assert_eq!(owner_pk.len(), PublicKey::LEN);
    let (ct, r_owner) = steps::encrypt_partition(&owner_sk, "rec", "medical", 7, b"").unwrap();
    assert_eq!(r_owner.len(), OwnerR::LEN);
    let rk = steps::rekey(&owner_sk, &user_pk).unwrap();
    assert_eq!(rk.len(), ReKey::LEN);
    let r_user = steps::reencrypt(&r_owner, &rk).unwrap();
    assert_eq!(r_user.len(), UserR::LEN);
    assert_eq!(
        &*steps::decrypt(&user_sk, &r_user, "rec", "medical", 7, &ct).unwrap(),
        b""
    );
    // Wrong associated data: another version, label or file.
    for (file, label, version) in [
        ("rec", "medical", 8),
        ("rec", "personal", 7),
        ("other", "medical", 7),
    ] {
        let result = steps::decrypt(&user_sk, &r_user, file, label, version, &ct);
        assert!(
            matches!(result, Err(Error::TagMismatch { .. })),
            "{file} {label} {version}"
        );
    }
    // The owner's R value is no R value for a user, nor a key for another owner.
    assert!(steps::reencrypt(&r_user, &rk).is_err());
    assert!(steps::rekey(&owner_pk, &user_pk).is_err());
    assert!(steps::decrypt(&owner_sk, &r_user, "rec", "medical", 7, &ct).is_err());
}
