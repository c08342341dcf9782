//! The DEM: AES-256-GCM with the file id, partition label and version as
//! associated data.

use aes_gcm::aead::inout::InOutBuf;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce, Tag};

use super::kem::PartitionKey;
use super::plaintext::Plaintext;
use super::rng;
use crate::error::{Error, Result};
use crate::policy::Label;

/// Length of the random nonce that prefixes a ciphertext.
const NONCE_LEN: usize = 12;
/// Length of the GCM tag that ends a ciphertext.
const TAG_LEN: usize = 16;

/// The associated data bound to a partition ciphertext. The file id is a
/// [`Label`], validated as partition labels are (1 to 64 characters of
/// `[A-Za-z0-9._-]`, not starting with `.`), so no two different
/// (file, label, version) triples share an encoding and no file id carries
/// control characters into an error message or a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aad {
    /// The PHR file id.
    pub file: Label,
    /// The partition label.
    pub label: Label,
    /// The record version.
    pub version: u32,
}

impl Aad {
    /// Length-prefixed encoding: "SeSPHR-AAD-v1", file, label, version.
    fn encode(&self) -> Vec<u8> {
        let (file, label) = (self.file.as_str(), self.label.as_str());
        let mut out = Vec::with_capacity(32 + file.len() + label.len());
        out.extend_from_slice(b"SeSPHR-AAD-v1");
        for part in [file.as_bytes(), label.as_bytes()] {
            out.extend_from_slice(&(part.len() as u64).to_le_bytes());
            out.extend_from_slice(part);
        }
        out.extend_from_slice(&self.version.to_le_bytes());
        out
    }
}

/// A partition ciphertext: nonce, then AES-GCM output (body and tag).
#[derive(Clone, PartialEq, Eq)]
pub struct Ciphertext(Vec<u8>);

impl Ciphertext {
    /// The encoding stored in the cloud.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Take the encoding stored in the cloud.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// Accept bytes from the cloud (only the length is checked here; the tag
    /// is checked by [`open`]).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Ciphertext> {
        if bytes.len() < NONCE_LEN + TAG_LEN {
            return Err(Error::Decode {
                what: "ciphertext",
                reason: format!("{} bytes, shorter than nonce and tag", bytes.len()),
            });
        }
        Ok(Ciphertext(bytes))
    }
}

impl std::fmt::Debug for Ciphertext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ciphertext({} bytes)", self.0.len())
    }
}

/// The AES-256-GCM instance for `key`, made from a reference to the key
/// (no copy of it on the stack); the instance wipes its key schedule on drop
/// (`aes-gcm`'s `zeroize` feature).
fn cipher(key: &PartitionKey) -> Aes256Gcm {
    Aes256Gcm::new(<&Key<Aes256Gcm>>::from(key.as_bytes()))
}

/// Encrypt one partition under its key (straight from the plaintext into
/// the output buffer: no intermediate copy).
pub fn seal(key: &PartitionKey, aad: &Aad, plaintext: &[u8]) -> Result<Ciphertext> {
    let too_long = |_| Error::Decode {
        what: "plaintext",
        reason: "too long for AES-GCM".into(),
    };
    let mut nonce = [0u8; NONCE_LEN];
    rng::fill(&mut nonce)?;
    let body_end = NONCE_LEN + plaintext.len();
    let mut out = vec![0u8; body_end + TAG_LEN];
    out[..NONCE_LEN].copy_from_slice(&nonce);
    let cipher = cipher(key);
    let buffer =
        InOutBuf::new(plaintext, &mut out[NONCE_LEN..body_end]).map_err(|_| Error::Decode {
            what: "plaintext",
            reason: "buffer length mismatch".into(),
        })?;
    let tag = cipher
        .encrypt_inout_detached(&Nonce::from(nonce), &aad.encode(), buffer)
        .map_err(too_long)?;
    out[body_end..].copy_from_slice(&tag);
    Ok(Ciphertext(out))
}

/// Decrypt one partition; any change to key, associated data or ciphertext
/// gives [`Error::TagMismatch`]. The plaintext is wiped when dropped, and so
/// is the buffer of a refused decryption.
pub fn open(key: &PartitionKey, aad: &Aad, ciphertext: &Ciphertext) -> Result<Plaintext> {
    let mismatch = || Error::TagMismatch {
        file: aad.file.to_string(),
        partition: aad.label.clone(),
        version: aad.version,
    };
    let bytes = &ciphertext.0;
    let body_end = bytes.len() - TAG_LEN;
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&bytes[..NONCE_LEN]);
    let tag = Tag::try_from(&bytes[body_end..]).map_err(|_| mismatch())?;
    let body = &bytes[NONCE_LEN..body_end];
    let mut plaintext = Plaintext::zeroed(body.len());
    let cipher = cipher(key);
    let buffer = InOutBuf::new(body, plaintext.as_mut_bytes()).map_err(|_| mismatch())?;
    cipher
        .decrypt_inout_detached(&Nonce::from(nonce), &aad.encode(), buffer, &tag)
        .map_err(|_| mismatch())?;
    Ok(plaintext)
}
