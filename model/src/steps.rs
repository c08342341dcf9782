//! The protocol's steps over plain bytes, for a simulator whose net
//! transitions carry real values as opaque byte strings.
//!
//! Encodings: secret key 32 bytes, public key 144 (G1 then G2 compressed),
//! owner R value 48 (G1), re-encryption key 96 (G2), user R value 288
//! (compressed GT), ciphertext = 12-byte nonce, AES-GCM body, 16-byte tag.
//! File ids and labels are 1 to 64 characters of `[A-Za-z0-9._-]`, not
//! starting with `.` (`Error::Decode` otherwise).
//!
//! **Nothing here authenticates R_i,P or the ciphertext's origin.** The KEM
//! is chosen-plaintext secure only, and AES-GCM's tag proves only that the
//! ciphertext was made by someone holding the partition key; anyone who
//! knows the owner's public key can make an R_i,P of their own that
//! [`decrypt`] accepts (R = (g1^x_P)^s opens with HKDF(Z^s)), and every
//! reader of a partition knows its key. Authenticity comes from the owner's
//! Ed25519 signature over (file, version, label, ciphertext digest, R_i,P),
//! which [`System`](crate::system::System) makes and checks (the upload
//! statement of [`crate::upload`]); a simulator that uses these functions
//! alone must sign and check the R values and digests it carries itself.
//!
//! ```
//! use sesphr_model::steps;
//! let (owner_sk, _owner_pk) = steps::keygen()?;
//! let (user_sk, user_pk) = steps::keygen()?;
//! let (ct, r_owner) = steps::encrypt_partition(&owner_sk, "rec", "medical", 1, b"BP 120/80")?;
//! let rk = steps::rekey(&owner_sk, &user_pk)?;
//! let r_user = steps::reencrypt(&r_owner, &rk)?;
//! let plain = steps::decrypt(&user_sk, &r_user, "rec", "medical", 1, &ct)?;
//! assert_eq!(&*plain, b"BP 120/80");
//! assert_eq!(steps::digest(&ct).len(), 32);
//! # Ok::<(), sesphr_model::Error>(())
//! ```

use crate::crypto::{
    self, Aad, Ciphertext, KeyPair, OwnerR, Plaintext, PublicKey, ReKey, SecretKey, UserR,
};
use crate::error::Result;
use crate::ledger::Hash;
use crate::policy::Label;
use zeroize::Zeroizing;

/// Gen_Key: a fresh key pair as (secret, public) bytes; the secret's buffer
/// is wiped when dropped.
pub fn keygen() -> Result<(Zeroizing<Vec<u8>>, Vec<u8>)> {
    let pair = KeyPair::generate()?;
    Ok((
        Zeroizing::new(pair.secret.to_bytes().to_vec()),
        pair.public.to_bytes().to_vec(),
    ))
}

/// Gen_ri + Encrypt_Pi + Compt_Ri: encrypt one partition under a fresh r
/// and return (ciphertext, R_i,P). R_i,P is returned unsigned: whoever
/// carries it must authenticate it (see the module's note).
pub fn encrypt_partition(
    owner_secret: &[u8],
    file: &str,
    label: &str,
    version: u32,
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>)> {
    let owner = SecretKey::from_bytes(owner_secret)?;
    let (key, r_owner) = crypto::encapsulate(&owner)?;
    let aad = aad(file, label, version)?;
    let ciphertext = crypto::seal(&key, &aad, plaintext)?;
    Ok((ciphertext.into_bytes(), r_owner.to_bytes().to_vec()))
}

/// RK_P->U from the owner's secret and the user's public key.
pub fn rekey(owner_secret: &[u8], user_public: &[u8]) -> Result<Vec<u8>> {
    let owner = SecretKey::from_bytes(owner_secret)?;
    let user = PublicKey::from_bytes(user_public)?;
    Ok(ReKey::new(&owner, &user)?.to_bytes().to_vec())
}

/// D_R_S: R_i,U = e(R_i,P, RK_P->U). Checks the encodings only: any valid
/// G1 point is re-encrypted, an R_i,P not made by the owner included.
pub fn reencrypt(r_owner: &[u8], rekey: &[u8]) -> Result<Vec<u8>> {
    let r = OwnerR::from_bytes(r_owner)?;
    let rk = ReKey::from_bytes(rekey)?;
    Ok(crypto::reencrypt(&r, &rk).to_bytes()?.to_vec())
}

/// Decrypt_C: recover the partition with the user's secret and R_i,U (wiped
/// when dropped). A success proves only that whoever made the ciphertext
/// knew the partition key, not that the owner made it (see the module's
/// note). A wrong R_i,U (a wrong or corrupted re-encryption key, R_i,P, or
/// secret) and a modified ciphertext both give `Error::TagMismatch`.
pub fn decrypt(
    user_secret: &[u8],
    r_user: &[u8],
    file: &str,
    label: &str,
    version: u32,
    ciphertext: &[u8],
) -> Result<Plaintext> {
    let user = SecretKey::from_bytes(user_secret)?;
    let r = UserR::from_bytes(r_user)?;
    let key = crypto::decapsulate(&user, &r)?;
    let ciphertext = Ciphertext::from_bytes(ciphertext.to_vec())?;
    crypto::open(&key, &aad(file, label, version)?, &ciphertext)
}

/// SHA-256 of a ciphertext, as recorded in the ledger.
pub fn digest(bytes: &[u8]) -> Vec<u8> {
    Hash::of(bytes).0.to_vec()
}

fn aad(file: &str, label: &str, version: u32) -> Result<Aad> {
    let file = Label::new(file).map_err(|e| crate::Error::Decode {
        what: "file id",
        reason: e.reason(),
    })?;
    Ok(Aad {
        file,
        label: Label::new(label)?,
        version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn file_ids_are_validated_as_labels_are() {
        let (owner_sk, _) = keygen().unwrap();
        for bad in ["r\0ec", "", ".rec", "a/b", "r ec", "réc", &"x".repeat(65)] {
            assert!(
                matches!(
                    encrypt_partition(&owner_sk, bad, "medical", 1, b"x"),
                    Err(Error::Decode {
                        what: "file id",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
        let (ct, r) = encrypt_partition(&owner_sk, "rec-2.v_1", "medical", 1, b"x").unwrap();
        assert!(matches!(
            decrypt(&owner_sk, &[0; 288], "r\0ec", "medical", 1, &ct),
            Err(Error::Decode { .. })
        ));
        assert_eq!(r.len(), 48);
    }
}
