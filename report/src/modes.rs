//! The cost of the `hardened` key mode against `delegated`, measured on the
//! same work in one run: the patient's key generation, the re-encryption keys
//! (count, bytes, time to compute), an upload and a read.

use std::path::Path;
use std::time::Instant;

use sesphr_model::crypto::{KeyPair, ReKey};
use sesphr_model::phr;
use sesphr_model::policy::{Label, Policy, Role, UserId};
use sesphr_model::real::Samples;
use sesphr_model::srs::KeyMode;
use sesphr_model::system::System;

use crate::ReportError;
use crate::bench::Plan;

/// Bytes of one re-encryption key (a compressed G2 point).
pub const REKEY_BYTES: usize = 96;

/// Size of the record uploaded and read, in bytes (four partitions).
pub const RECORD_BYTES: usize = 50 * 1024;

/// What one key mode costs for the paper's policy with one user per role.
#[derive(Debug, Clone)]
pub struct ModeCost {
    /// The key mode.
    pub mode: KeyMode,
    /// Proxy re-encryption key pairs the patient keeps.
    pub owner_key_pairs: usize,
    /// Re-encryption keys the SRS holds after one user per role joined.
    pub rekeys: usize,
    /// Time to generate the patient's key pairs (CPU work only).
    pub key_generation: Samples,
    /// Time to compute every re-encryption key of the joins (CPU work only).
    pub rekeying: Samples,
    /// `System::upload` of a four-partition record of [`RECORD_BYTES`]
    /// (encryption, cloud store with fsync, SRS, ledger block).
    pub upload: Samples,
    /// `System::read` of the doctor's two partitions of that record (SRS
    /// re-encryption, digest and signature checks, decryption, ledger blocks).
    pub read: Samples,
}

impl ModeCost {
    /// Bytes of re-encryption keys the SRS stores.
    pub fn rekey_bytes(&self) -> usize {
        self.rekeys * REKEY_BYTES
    }
}

/// Measures `delegated` and `hardened`, in that order, `plan.repetitions` times each.
pub fn key_modes(
    plan: &Plan,
    work: &Path,
    tick: &mut dyn FnMut(String),
) -> Result<Vec<ModeCost>, ReportError> {
    [KeyMode::Delegated, KeyMode::Hardened]
        .into_iter()
        .map(|mode| {
            tick(format!("key mode {}: keys, upload, read", mode_name(mode)));
            measure(plan, work, mode)
        })
        .collect()
}

/// The mode's name as the CLI spells it.
pub fn mode_name(mode: KeyMode) -> &'static str {
    match mode {
        KeyMode::Paper => "paper",
        KeyMode::Delegated => "delegated",
        KeyMode::Hardened => "hardened",
    }
}

fn measure(plan: &Plan, work: &Path, mode: KeyMode) -> Result<ModeCost, ReportError> {
    let dir = work.join(format!("mode-{}", mode_name(mode)));
    let owner_id = UserId::new("patient")?;
    let (mut system, owner) =
        System::create(&dir, mode, owner_id.clone(), Policy::paper_default())?;
    let mut users = Vec::new();
    for role in Role::ALL {
        let user = UserId::new(&format!("{role:?}").to_lowercase())?;
        let keys = system.enroll(&user, role, true, &owner)?;
        users.push((user, role, keys));
    }
    let rekeys: usize = users
        .iter()
        .map(|(user, _, _)| system.srs.held_rekeys(user).len())
        .sum();
    let owner_key_pairs = owner.reencryption_key_count();
    let mut key_generation = Samples::default();
    let mut rekeying = Samples::default();
    let mut upload = Samples::default();
    let mut read = Samples::default();
    let doc = phr::synthetic(
        Label::new("rec")?,
        owner_id,
        &Label::defaults(),
        RECORD_BYTES,
        1,
    );
    let (doctor, _, doctor_keys) = users
        .iter()
        .find(|(_, role, _)| *role == Role::Doctor)
        .ok_or_else(|| ReportError::Wrong("no doctor enrolled".into()))?;
    let granted = [Label::new("medical")?, Label::new("prescription")?];
    for _ in 0..plan.repetitions {
        let start = Instant::now();
        for _ in 0..owner_key_pairs {
            KeyPair::generate()?;
        }
        key_generation.push(start.elapsed());
        let start = Instant::now();
        for _ in 0..rekeys {
            ReKey::new(&owner.secret, &doctor_keys.public)?;
        }
        rekeying.push(start.elapsed());
        let start = Instant::now();
        let version = system.upload(&owner, &doc)?;
        upload.push(start.elapsed());
        let start = Instant::now();
        for label in &granted {
            system.read(doctor, &doctor_keys.secret, &doc.file, version, label)?;
        }
        read.push(start.elapsed());
    }
    drop(system);
    std::fs::remove_dir_all(&dir).map_err(|source| ReportError::Io {
        path: dir.clone(),
        source,
    })?;
    Ok(ModeCost {
        mode,
        owner_key_pairs,
        rekeys,
        key_generation,
        rekeying,
        upload,
        read,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hardened_keeps_more_keys_than_delegated_for_the_same_work() {
        let dir = std::env::temp_dir().join(format!("sesphr-modes-{}", std::process::id()));
        let plan = Plan {
            repetitions: 1,
            ..Plan::quick()
        };
        let costs = key_modes(&plan, &dir, &mut |_| {}).expect("both modes run");
        let _ = std::fs::remove_dir_all(&dir);
        let [delegated, hardened] = &costs[..] else {
            panic!("two modes expected");
        };
        assert_eq!(delegated.mode, KeyMode::Delegated);
        assert_eq!(hardened.mode, KeyMode::Hardened);
        // The paper's policy, one user per role: one RK per user, against one per granted label.
        assert_eq!((delegated.owner_key_pairs, delegated.rekeys), (1, 6));
        assert_eq!((hardened.owner_key_pairs, hardened.rekeys), (4, 14));
        assert_eq!(hardened.rekey_bytes(), 1_344);
        for cost in &costs {
            for samples in [
                &cost.key_generation,
                &cost.rekeying,
                &cost.upload,
                &cost.read,
            ] {
                assert_eq!(samples.count(), 1);
            }
        }
    }
}
