//! What the patient signs for each partition of an upload, and the check
//! that readers, the SRS and `audit` make.

use crate::crypto::{OwnerR, Signature, SigningKey, VerifyingKey};
use crate::error::{Error, Result};
use crate::ledger::{Hash, PartitionDigest};
use crate::policy::Label;

/// One partition version as the patient vouches for it: the file, version
/// and label, the ciphertext's SHA-256 and R_i,P.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadStatement {
    /// The file id.
    pub file: Label,
    /// The version.
    pub version: u32,
    /// The partition label.
    pub label: Label,
    /// SHA-256 of the ciphertext.
    pub digest: Hash,
    /// R_i,P.
    pub r_owner: OwnerR,
}

impl UploadStatement {
    /// The signed message: a domain label, file and label each preceded by
    /// their length (u64 big-endian), the version (u32 big-endian), the
    /// digest and the compressed R_i,P.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        out.extend_from_slice(b"SeSPHR upload statement v1\0");
        for part in [self.file.as_str(), self.label.as_str()] {
            out.extend_from_slice(&(part.len() as u64).to_be_bytes());
            out.extend_from_slice(part.as_bytes());
        }
        out.extend_from_slice(&self.version.to_be_bytes());
        out.extend_from_slice(&self.digest.0);
        out.extend_from_slice(&self.r_owner.to_bytes());
        out
    }

    /// The patient's signature.
    pub fn sign(&self, key: &SigningKey) -> Signature {
        key.sign(&self.to_bytes())
    }

    /// The ledger entry for this partition, with its signature.
    pub fn to_entry(&self, signature: Signature) -> PartitionDigest {
        PartitionDigest {
            label: self.label.clone(),
            digest: self.digest,
            r_owner: Some(self.r_owner),
            signature: Some(signature),
        }
    }

    /// Check a ledger entry of `file` `version` against the owner's key:
    /// [`Error::UnsignedUpload`] when there is no key, R value or signature,
    /// [`Error::ForgedUpload`] when the signature does not verify.
    pub fn check_entry(
        file: &Label,
        version: u32,
        entry: &PartitionDigest,
        owner_key: Option<&VerifyingKey>,
    ) -> Result<()> {
        let unsigned = || Error::UnsignedUpload {
            file: file.to_string(),
            partition: entry.label.clone(),
            version,
        };
        let (Some(key), Some(r_owner), Some(signature)) =
            (owner_key, entry.r_owner, entry.signature.as_ref())
        else {
            return Err(unsigned());
        };
        let statement = UploadStatement {
            file: file.clone(),
            version,
            label: entry.label.clone(),
            digest: entry.digest,
            r_owner,
        };
        key.verify(&statement.to_bytes(), signature)
            .map_err(|_| Error::ForgedUpload {
                file: file.to_string(),
                partition: entry.label.clone(),
                version,
            })
    }
}
