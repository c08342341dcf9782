//! The whole system on disk: cloud store, SRS, ledger, and the protocol's
//! steps from the patient's and the users' side.

use std::path::{Path, PathBuf};

use crate::cloud::{CloudStore, ObjectId};
use crate::crypto::{
    Aad, Ciphertext, KeyPair, ReKey, SecretKey, decapsulate, encapsulate, open, seal,
};
use crate::error::{Error, Result};
use crate::ledger::{Hash, Ledger, Outcome, PartitionDigest, Record};
use crate::phr::PhrDocument;
use crate::policy::{Label, Policy, Role, UserId};
use crate::srs::{KeyMode, Srs};

/// The name of the ledger file inside a system directory.
pub const LEDGER_FILE: &str = "ledger.jsonl";

/// One patient's SeSPHR deployment: the cloud, the SRS and the ledger.
#[derive(Debug)]
pub struct System {
    /// The untrusted object store.
    pub cloud: CloudStore,
    /// The semi-trusted re-encryption server.
    pub srs: Srs,
    /// The append-only ledger.
    pub ledger: Ledger,
    owner: UserId,
}

impl System {
    /// Set up in `dir` (cloud in `dir/cloud`, ledger in `dir/ledger.jsonl`,
    /// which must not exist yet) and return the owner's key pair: generated
    /// by the SRS in paper mode, by the owner in delegated mode.
    pub fn create(
        dir: &Path,
        mode: KeyMode,
        owner: UserId,
        policy: Policy,
    ) -> Result<(System, KeyPair)> {
        std::fs::create_dir_all(dir).map_err(crate::error::io_error(dir))?;
        let cloud = CloudStore::open(dir.join("cloud"))?;
        let ledger = Ledger::create(dir.join(LEDGER_FILE))?;
        let mut srs = Srs::new(mode, owner.clone(), policy);
        let owner_keys = match mode {
            KeyMode::Paper => srs.generate_keys(&owner)?,
            KeyMode::Delegated => KeyPair::generate()?,
        };
        let system = System {
            cloud,
            srs,
            ledger,
            owner,
        };
        Ok((system, owner_keys))
    }

    /// The ledger file's path.
    pub fn ledger_path(&self) -> PathBuf {
        self.ledger.path().to_path_buf()
    }

    /// Enroll a user by role (join). Paper mode: the SRS generates the user's
    /// keys and the re-encryption key. Delegated mode: the user generates its
    /// keys and the owner computes RK from the user's public key. Returns the
    /// user's key pair; records a Grant in the ledger.
    pub fn enroll(
        &mut self,
        user: &UserId,
        role: Role,
        owner_approved: bool,
        owner_secret: &SecretKey,
    ) -> Result<KeyPair> {
        let rights = self.srs.join(user, role, owner_approved)?.rights.clone();
        let keys = match self.srs.mode() {
            KeyMode::Paper => {
                let keys = self.srs.generate_keys(user)?;
                self.srs.compute_rekey(user, &keys.public)?;
                keys
            }
            KeyMode::Delegated => {
                let keys = KeyPair::generate()?;
                self.srs
                    .install_rekey(user, ReKey::new(owner_secret, &keys.public));
                keys
            }
        };
        self.ledger.append(vec![Record::Grant {
            user: user.clone(),
            role,
            partitions: rights.into_iter().collect(),
        }])?;
        Ok(keys)
    }

    /// Revoke a user at the SRS and record it.
    pub fn revoke(&mut self, user: &UserId) -> Result<()> {
        self.srs.revoke(user);
        self.ledger
            .append(vec![Record::Revoke { user: user.clone() }])?;
        Ok(())
    }

    /// Upload a new version of `doc` (Gen_ri, Encrypt_Pi, Compt_Ri, Send_C,
    /// Send_Ri): fresh r_i per partition, ciphertexts to the cloud, R values
    /// to the SRS, digests to the ledger. Returns the version number.
    pub fn upload(&mut self, owner_secret: &SecretKey, doc: &PhrDocument) -> Result<u32> {
        let version = self.cloud.latest_version(&doc.file)? + 1;
        let mut digests = Vec::with_capacity(doc.partitions.len());
        for partition in &doc.partitions {
            let (key, r_owner) = encapsulate(owner_secret)?;
            let aad = Aad {
                file: doc.file.to_string(),
                label: partition.label.clone(),
                version,
            };
            let ciphertext = seal(&key, &aad, partition.plaintext())?;
            let id = ObjectId {
                file: doc.file.clone(),
                version,
                label: partition.label.clone(),
            };
            self.cloud.put(&id, ciphertext.as_bytes())?;
            self.srs
                .store_r(&doc.file, version, &partition.label, r_owner);
            digests.push(PartitionDigest {
                label: partition.label.clone(),
                digest: Hash::of(ciphertext.as_bytes()),
            });
        }
        self.ledger.append(vec![Record::Upload {
            file: doc.file.clone(),
            version,
            partitions: digests,
        }])?;
        Ok(version)
    }

    /// A user reads one partition (D_C, D_R_S or D_R_F, Decrypt_C): download,
    /// check the digest against the ledger, obtain R from the SRS, decrypt.
    /// The outcome is recorded in the ledger.
    pub fn read(
        &mut self,
        user: &UserId,
        secret: &SecretKey,
        file: &Label,
        version: u32,
        label: &Label,
    ) -> Result<Vec<u8>> {
        let result = self.try_read(user, secret, file, version, label);
        let outcome = match &result {
            Ok(_) => Outcome::Granted,
            Err(e) => Outcome::Denied(e.to_string()),
        };
        self.ledger.append(vec![Record::Access {
            user: user.clone(),
            file: file.clone(),
            version,
            partition: label.clone(),
            outcome,
        }])?;
        result
    }

    fn try_read(
        &self,
        user: &UserId,
        secret: &SecretKey,
        file: &Label,
        version: u32,
        label: &Label,
    ) -> Result<Vec<u8>> {
        let id = ObjectId {
            file: file.clone(),
            version,
            label: label.clone(),
        };
        let bytes = self.cloud.get(&id)?;
        if Hash::of(&bytes) != self.ledger.upload_digest(file, version, label)? {
            return Err(Error::DigestMismatch {
                file: file.to_string(),
                partition: label.clone(),
                version,
            });
        }
        let r_user = self.srs.serve(user, file, version, label)?;
        let key = decapsulate(secret, &r_user);
        let aad = Aad {
            file: file.to_string(),
            label: label.clone(),
            version,
        };
        open(&key, &aad, &Ciphertext::from_bytes(bytes)?)
    }

    /// The owner of the record.
    pub fn owner(&self) -> &UserId {
        &self.owner
    }
}
