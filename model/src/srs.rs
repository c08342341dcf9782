//! The Setup and Re-encryption Server: ACL, R values, re-encryption keys.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use crate::crypto::{
    KeyPair, OwnerR, PublicKey, ReKey, SecretKey, Signature, UserR, VerifyingKey, reencrypt,
};
use crate::error::{DenyReason, Error, Result};
use crate::policy::{Label, Policy, Role, UserId};
use crate::upload::UploadStatement;

/// Who generates and holds keys (docs/protocol.md section 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyMode {
    /// As published: the SRS generates every key pair, keeps it and
    /// computes re-encryption keys itself.
    Paper,
    /// Users keep their own secrets; the patient computes re-encryption
    /// keys; the SRS holds no secret key. One patient key covers every
    /// partition, so the SRS colluding with any enrolled user opens them all.
    Delegated,
    /// Delegated, with one patient key pair per partition label and one
    /// re-encryption key per (user, granted label): the SRS colluding with a
    /// user opens only the labels that user was granted.
    Hardened,
}

impl KeyMode {
    /// Whether the patient keeps one key pair per partition label.
    pub fn per_label_keys(self) -> bool {
        self == KeyMode::Hardened
    }
}

impl FromStr for KeyMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<KeyMode> {
        match s {
            "paper" => Ok(KeyMode::Paper),
            "delegated" => Ok(KeyMode::Delegated),
            "hardened" => Ok(KeyMode::Hardened),
            other => Err(Error::Decode {
                what: "key mode",
                reason: format!("{other:?} is not paper, delegated or hardened"),
            }),
        }
    }
}

impl fmt::Display for KeyMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyMode::Paper => "paper",
            KeyMode::Delegated => "delegated",
            KeyMode::Hardened => "hardened",
        })
    }
}

/// The SRS's access-control entry for one user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AclEntry {
    /// The user's role.
    pub role: Role,
    /// The partitions the user may read.
    pub rights: BTreeSet<Label>,
    /// The SRS's clock when the user joined.
    pub joined_at: u64,
    /// Revoked by the owner.
    pub revoked: bool,
}

/// A stored R value and when it was stored.
#[derive(Clone, Copy, Debug)]
struct StoredR {
    r: OwnerR,
    stored_at: u64,
}

/// The SRS for one patient (owner): semi-trusted, not on the public cloud.
#[derive(Debug)]
pub struct Srs {
    mode: KeyMode,
    owner: UserId,
    policy: Policy,
    acl: BTreeMap<UserId, AclEntry>,
    /// RK_P->U per user: under `None` one key for every label (paper and
    /// delegated modes), under `Some(label)` one per granted label (hardened).
    rekeys: BTreeMap<(UserId, Option<Label>), ReKey>,
    r_values: BTreeMap<(Label, u32, Label), StoredR>,
    keystore: BTreeMap<UserId, KeyPair>,
    owner_upload_key: Option<VerifyingKey>,
    clock: u64,
}

impl Srs {
    /// An SRS serving `owner` under `policy`.
    pub fn new(mode: KeyMode, owner: UserId, policy: Policy) -> Srs {
        Srs {
            mode,
            owner,
            policy,
            acl: BTreeMap::new(),
            rekeys: BTreeMap::new(),
            r_values: BTreeMap::new(),
            keystore: BTreeMap::new(),
            owner_upload_key: None,
            clock: 0,
        }
    }

    /// The key-management mode.
    pub fn mode(&self) -> KeyMode {
        self.mode
    }

    /// The owner's policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Paper mode (Gen_Key, Send_Keys): generate a user's key pair, keep a
    /// copy and hand one over. Delegated mode never calls this.
    pub fn generate_keys(&mut self, user: &UserId) -> Result<KeyPair> {
        let pair = KeyPair::generate()?;
        let copy = KeyPair {
            secret: SecretKey::from_bytes(&*pair.secret.to_bytes())?,
            public: pair.public,
        };
        self.keystore.insert(user.clone(), copy);
        Ok(pair)
    }

    /// A secret key the SRS holds (paper mode only): what a curious SRS can use.
    pub fn held_secret(&self, user: &UserId) -> Option<&SecretKey> {
        self.keystore.get(user).map(|pair| &pair.secret)
    }

    /// How many secret keys the SRS holds.
    pub fn held_secret_count(&self) -> usize {
        self.keystore.len()
    }

    /// Register a user by role with the owner's default rights. Family and
    /// friends need `owner_approved`.
    pub fn join(&mut self, user: &UserId, role: Role, owner_approved: bool) -> Result<&AclEntry> {
        if role.needs_owner_approval() && !owner_approved {
            return Err(Error::JoinRefused {
                user: user.clone(),
                role,
            });
        }
        if self.acl.contains_key(user) {
            return Err(Error::DuplicateUser(user.clone()));
        }
        let entry = AclEntry {
            role,
            rights: self.policy.rights_for(role),
            joined_at: self.clock,
            revoked: false,
        };
        Ok(self.acl.entry(user.clone()).or_insert(entry))
    }

    /// The ACL entry of a user.
    pub fn acl_entry(&self, user: &UserId) -> Option<&AclEntry> {
        self.acl.get(user)
    }

    /// Whether the owner may still change `user`'s rights or give it a
    /// re-encryption key: the user is enrolled ([`Error::NotEnrolled`]
    /// otherwise) and not revoked ([`Error::Revoked`] otherwise).
    /// Revocation is final: nothing is granted to a revoked user again.
    pub fn check_grantable(&self, user: &UserId) -> Result<&AclEntry> {
        let entry = self
            .acl
            .get(user)
            .ok_or_else(|| Error::NotEnrolled(user.clone()))?;
        if entry.revoked {
            return Err(Error::Revoked(user.clone()));
        }
        Ok(entry)
    }

    /// `user`'s ACL entry to change, [`Error::NotEnrolled`] if it has none.
    fn enrolled_mut(&mut self, user: &UserId) -> Result<&mut AclEntry> {
        self.acl
            .get_mut(user)
            .ok_or_else(|| Error::NotEnrolled(user.clone()))
    }

    /// The owner grants (`allow`) or withdraws a partition for one user;
    /// refused for a user who is not enrolled or was revoked
    /// ([`Srs::check_grantable`]), the ACL unchanged.
    pub fn set_right(&mut self, user: &UserId, label: &Label, allow: bool) -> Result<()> {
        self.check_grantable(user)?;
        let entry = self.enrolled_mut(user)?;
        if allow {
            entry.rights.insert(label.clone());
        } else {
            entry.rights.remove(label);
        }
        Ok(())
    }

    /// Delegated mode: install the RK_P->U that the patient computed.
    /// Refused for a user who is not enrolled or was revoked
    /// ([`Srs::check_grantable`]): the SRS never holds a re-encryption key
    /// of a revoked user.
    pub fn install_rekey(&mut self, user: &UserId, rekey: ReKey) -> Result<()> {
        self.check_grantable(user)?;
        self.rekeys.insert((user.clone(), None), rekey);
        Ok(())
    }

    /// Hardened mode: install the RK_P,label->U that the patient computed
    /// for one granted label. Refused as [`Srs::install_rekey`] is.
    pub fn install_label_rekey(
        &mut self,
        user: &UserId,
        label: &Label,
        rekey: ReKey,
    ) -> Result<()> {
        self.check_grantable(user)?;
        self.rekeys
            .insert((user.clone(), Some(label.clone())), rekey);
        Ok(())
    }

    /// Hardened mode: drop the re-encryption key of one label (the owner
    /// withdrew it), so not even a colluding SRS keeps that label open.
    pub fn remove_label_rekey(&mut self, user: &UserId, label: &Label) {
        self.rekeys.remove(&(user.clone(), Some(label.clone())));
    }

    /// The re-encryption keys the SRS holds for `user`, each with the label
    /// it is limited to (`None`: every label): what a curious SRS can use.
    pub fn held_rekeys(&self, user: &UserId) -> Vec<(Option<Label>, ReKey)> {
        self.rekeys
            .iter()
            .filter(|((holder, _), _)| holder == user)
            .map(|((_, label), rekey)| (label.clone(), *rekey))
            .collect()
    }

    /// Paper mode: compute RK_P->U from the keys the SRS keeps. Refused as
    /// [`Srs::install_rekey`] is.
    pub fn compute_rekey(&mut self, user: &UserId, user_public: &PublicKey) -> Result<()> {
        self.check_grantable(user)?;
        let owner = self
            .keystore
            .get(&self.owner)
            .ok_or_else(|| Error::MissingKey(self.owner.clone()))?;
        let rekey = ReKey::new(&owner.secret, user_public)?;
        self.rekeys.insert((user.clone(), None), rekey);
        Ok(())
    }

    /// Revoke a user: delete its RK (and its keys in paper mode), mark the
    /// ACL. [`Error::NotEnrolled`] for a user the SRS never enrolled
    /// (nothing changes), [`Error::AlreadyRevoked`] for one revoked before.
    pub fn revoke(&mut self, user: &UserId) -> Result<()> {
        let entry = self.enrolled_mut(user)?;
        if entry.revoked {
            return Err(Error::AlreadyRevoked(user.clone()));
        }
        entry.revoked = true;
        self.rekeys.retain(|(holder, _), _| holder != user);
        if user != &self.owner {
            self.keystore.remove(user);
        }
        Ok(())
    }

    /// Register the key that signs the owner's uploads: from then on the
    /// SRS stores only R values the owner signed ([`Srs::store_signed_r`]).
    pub fn set_owner_upload_key(&mut self, key: VerifyingKey) {
        self.owner_upload_key = Some(key);
    }

    /// Send_Ri without a signature: store R_i,P for a partition version.
    /// Refused once an owner upload key is registered
    /// ([`Error::UnsignedUpload`]), and for a partition version already
    /// stored ([`Error::DuplicateUpload`]).
    pub fn store_r(&mut self, file: &Label, version: u32, label: &Label, r: OwnerR) -> Result<()> {
        if self.owner_upload_key.is_some() {
            return Err(Error::UnsignedUpload {
                file: file.to_string(),
                partition: label.clone(),
                version,
            });
        }
        self.insert_r(file, version, label, r)
    }

    /// Send_Ri with the owner's signature over the upload statement: the
    /// SRS checks it against the registered owner upload key before storing
    /// R_i,P ([`Error::UnsignedUpload`] without a key,
    /// [`Error::ForgedUpload`] for a bad signature).
    pub fn store_signed_r(
        &mut self,
        statement: &UploadStatement,
        signature: &Signature,
    ) -> Result<()> {
        self.check_signed_r(statement, signature)?;
        self.insert_r(
            &statement.file,
            statement.version,
            &statement.label,
            statement.r_owner,
        )
    }

    /// What [`Srs::store_signed_r`] checks, without storing anything: the
    /// owner's signature, and that no R value is stored for that partition
    /// version yet. [`System::upload`](crate::system::System::upload) checks
    /// every partition of an upload this way before it writes any.
    pub fn check_signed_r(&self, statement: &UploadStatement, signature: &Signature) -> Result<()> {
        let entry = statement.to_entry(*signature);
        UploadStatement::check_entry(
            &statement.file,
            statement.version,
            &entry,
            self.owner_upload_key.as_ref(),
        )?;
        self.check_slot_free(&statement.file, statement.version, &statement.label)
    }

    fn check_slot_free(&self, file: &Label, version: u32, label: &Label) -> Result<()> {
        if self
            .r_values
            .contains_key(&(file.clone(), version, label.clone()))
        {
            return Err(Error::DuplicateUpload {
                file: file.to_string(),
                version,
                partition: label.clone(),
            });
        }
        Ok(())
    }

    fn insert_r(&mut self, file: &Label, version: u32, label: &Label, r: OwnerR) -> Result<()> {
        self.check_slot_free(file, version, label)?;
        let slot = (file.clone(), version, label.clone());
        self.clock += 1;
        self.r_values.insert(
            slot,
            StoredR {
                r,
                stored_at: self.clock,
            },
        );
        Ok(())
    }

    /// The R_i,P values the SRS holds (what a curious SRS sees).
    pub fn stored_r(&self, file: &Label, version: u32, label: &Label) -> Option<OwnerR> {
        self.r_values
            .get(&(file.clone(), version, label.clone()))
            .map(|s| s.r)
    }

    /// The part of the ACL check that depends on the user and the label
    /// only, not on any stored version: the user is enrolled, not revoked,
    /// granted `label`, and the SRS holds a re-encryption key for it
    /// ([`Error::AccessDenied`] otherwise). A refusal here says nothing
    /// about which versions exist, so a reader checks it before it fetches
    /// anything ([`System::read`](crate::system::System::read)).
    pub fn check_access(&self, user: &UserId, label: &Label) -> Result<(&AclEntry, &ReKey)> {
        let deny = |reason| Error::AccessDenied {
            user: user.clone(),
            partition: label.clone(),
            reason,
        };
        let entry = self
            .acl
            .get(user)
            .ok_or_else(|| deny(DenyReason::UnknownUser))?;
        if entry.revoked {
            return Err(deny(DenyReason::Revoked));
        }
        if !entry.rights.contains(label) {
            return Err(deny(DenyReason::NotGranted));
        }
        let scope = self.mode.per_label_keys().then(|| label.clone());
        let rekey = self
            .rekeys
            .get(&(user.clone(), scope))
            .ok_or_else(|| deny(DenyReason::NoReKey))?;
        Ok((entry, rekey))
    }

    /// D_R_S / D_R_F: check the ACL ([`Srs::check_access`], then the
    /// version: an R value stored, and not before the user joined unless
    /// the policy opens past versions) and, only if allowed, re-encrypt.
    pub fn serve(&self, user: &UserId, file: &Label, version: u32, label: &Label) -> Result<UserR> {
        let (entry, rekey) = self.check_access(user, label)?;
        let deny = |reason| Error::AccessDenied {
            user: user.clone(),
            partition: label.clone(),
            reason,
        };
        let stored = self
            .r_values
            .get(&(file.clone(), version, label.clone()))
            .ok_or_else(|| deny(DenyReason::NoRValue))?;
        if stored.stored_at <= entry.joined_at && !self.policy.newcomers_read_past_versions {
            return Err(deny(DenyReason::BeforeJoining));
        }
        Ok(reencrypt(&stored.r, rekey))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{decapsulate, encapsulate};

    fn label(name: &str) -> Label {
        Label::new(name).unwrap()
    }

    /// An SRS whose owner uploaded version 1 before `newcomer` joined as a
    /// doctor, and version 2 after.
    fn srs_with_newcomer(past_versions: bool) -> (Srs, KeyPair, Vec<crate::crypto::PartitionKey>) {
        let mut policy = Policy::paper_default();
        policy.newcomers_read_past_versions = past_versions;
        let owner = KeyPair::generate().unwrap();
        let mut srs = Srs::new(KeyMode::Delegated, UserId::new("alice").unwrap(), policy);
        let (k1, r1) = encapsulate(&owner.secret).unwrap();
        srs.store_r(&label("rec"), 1, &label("medical"), r1)
            .unwrap();
        let newcomer = UserId::new("dr-new").unwrap();
        srs.join(&newcomer, Role::Doctor, false).unwrap();
        let keys = KeyPair::generate().unwrap();
        srs.install_rekey(&newcomer, ReKey::new(&owner.secret, &keys.public).unwrap())
            .unwrap();
        let (k2, r2) = encapsulate(&owner.secret).unwrap();
        srs.store_r(&label("rec"), 2, &label("medical"), r2)
            .unwrap();
        assert!(matches!(
            srs.store_r(&label("rec"), 2, &label("medical"), r2),
            Err(Error::DuplicateUpload { version: 2, .. })
        ));
        (srs, keys, vec![k1, k2])
    }

    #[test]
    fn newcomers_read_past_versions_only_if_the_policy_says_so() {
        let newcomer = UserId::new("dr-new").unwrap();
        let (closed, keys, partition_keys) = srs_with_newcomer(false);
        let old = closed.serve(&newcomer, &label("rec"), 1, &label("medical"));
        assert!(matches!(
            old,
            Err(Error::AccessDenied {
                reason: DenyReason::BeforeJoining,
                ..
            })
        ));
        let new = closed
            .serve(&newcomer, &label("rec"), 2, &label("medical"))
            .unwrap();
        assert_eq!(decapsulate(&keys.secret, &new).unwrap(), partition_keys[1]);

        let (open, keys, partition_keys) = srs_with_newcomer(true);
        let old = open
            .serve(&newcomer, &label("rec"), 1, &label("medical"))
            .unwrap();
        assert_eq!(decapsulate(&keys.secret, &old).unwrap(), partition_keys[0]);
    }

    #[test]
    fn joins_need_approval_for_the_private_domain_and_are_unique() {
        let mut srs = Srs::new(
            KeyMode::Delegated,
            UserId::new("alice").unwrap(),
            Policy::paper_default(),
        );
        let erin = UserId::new("erin").unwrap();
        assert!(matches!(
            srs.join(&erin, Role::Family, false),
            Err(Error::JoinRefused { .. })
        ));
        assert!(srs.acl_entry(&erin).is_none());
        assert_eq!(srs.join(&erin, Role::Family, true).unwrap().rights.len(), 4);
        assert!(matches!(
            srs.join(&erin, Role::Doctor, false),
            Err(Error::DuplicateUser(_))
        ));
        let stranger = UserId::new("nobody").unwrap();
        assert!(matches!(
            srs.serve(&stranger, &label("rec"), 1, &label("medical")),
            Err(Error::AccessDenied {
                reason: DenyReason::UnknownUser,
                ..
            })
        ));
    }
}
