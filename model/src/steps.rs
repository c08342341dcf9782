//! The protocol's steps over plain bytes, for a simulator whose net
//! transitions carry real values as opaque byte strings.
//!
//! Encodings: secret key 32 bytes, public key 144 (G1 then G2 compressed),
//! owner R value 48 (G1), re-encryption key 96 (G2), user R value 288
//! (compressed GT), ciphertext = 12-byte nonce, AES-GCM body, 16-byte tag.
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
/// and return (ciphertext, R_i,P).
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

/// D_R_S: R_i,U = e(R_i,P, RK_P->U).
pub fn reencrypt(r_owner: &[u8], rekey: &[u8]) -> Result<Vec<u8>> {
    let r = OwnerR::from_bytes(r_owner)?;
    let rk = ReKey::from_bytes(rekey)?;
    Ok(crypto::reencrypt(&r, &rk).to_bytes()?.to_vec())
}

/// Decrypt_C: recover the partition with the user's secret and R_i,U (wiped
/// when dropped).
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
    Ok(Aad {
        file: file.to_owned(),
        label: Label::new(label)?,
        version,
    })
}
