//! The measurements behind the figures: key generation, encryption and
//! decryption, upload and download turnaround on disk, re-encryption.

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use sesphr_engine::net::value::Value;
use sesphr_model::crypto::{Aad, KeyPair, ReKey, decapsulate, encapsulate, open, reencrypt, seal};
use sesphr_model::phr::{Partition, PhrDocument};
use sesphr_model::policy::{Label, Policy, Role, UserId};
use sesphr_model::real::{Config, plaintext};
use sesphr_model::srs::KeyMode;
use sesphr_model::system::System;

use crate::ReportError;
use crate::figure::Figure;
use crate::paper;

/// What to measure and how often.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// User counts for key generation.
    pub users: Vec<usize>,
    /// Partition sizes for encryption and decryption, in KiB.
    pub sizes_kib: Vec<f64>,
    /// Partition sizes for the turnaround times, in KiB.
    pub turnaround_kib: Vec<f64>,
    /// Partition counts for re-encryption.
    pub partitions: Vec<usize>,
    /// Repetitions of each point (the median is reported).
    pub repetitions: usize,
}

impl Plan {
    /// A plan that runs in seconds (for CI): small user counts, the paper's sizes.
    pub fn quick() -> Plan {
        Plan {
            users: vec![10, 100, 500],
            sizes_kib: paper::SIZES_KIB.to_vec(),
            turnaround_kib: vec![50.0, 500.0, 2048.0],
            partitions: vec![1, 2, 4, 8],
            repetitions: 5,
        }
    }

    /// The full plan: the paper's user counts and sizes, then sizes up to 100 MiB.
    pub fn full() -> Plan {
        let mut sizes = paper::SIZES_KIB.to_vec();
        sizes.extend([5.0, 10.0, 20.0, 50.0, 100.0].map(|mib| mib * 1024.0));
        Plan {
            users: vec![10, 100, 500, 1_000, 5_000, 10_000],
            turnaround_kib: sizes.clone(),
            sizes_kib: sizes,
            partitions: vec![1, 2, 4, 8, 16, 32],
            repetitions: 5,
        }
    }

    /// How many points the plan measures (for a progress bar).
    pub fn points(&self) -> usize {
        2 * self.users.len()
            + self.sizes_kib.len()
            + self.turnaround_kib.len()
            + self.partitions.len()
    }
}

/// Key generation for `n` users: `n` key pairs (x, g1^x, g2^x), one after the other.
pub fn key_generation(plan: &Plan, tick: &mut dyn FnMut(String)) -> Result<Figure, ReportError> {
    let figure = Figure::new(
        "key-generation",
        "Key generation",
        "users",
        "users",
        "n key pairs (x, g1^x, g2^x) on BLS12-381",
        paper::KEY_GENERATION,
    );
    time_key_generation(plan, tick, figure, "key generation", |n| {
        (0..n).try_for_each(|_| KeyPair::generate().map(drop))
    })
}

/// Key generation for `n` users on every core (the SRS generates the key
/// pairs of all users in the paper's mode; they are independent).
pub fn key_generation_parallel(
    plan: &Plan,
    tick: &mut dyn FnMut(String),
) -> Result<Figure, ReportError> {
    let figure = Figure::new(
        "key-generation-all-cores",
        "Key generation on all cores",
        "users",
        "users",
        "n key pairs (x, g1^x, g2^x) on BLS12-381, spread over all cores with rayon",
        paper::KEY_GENERATION,
    );
    time_key_generation(plan, tick, figure, "key generation on all cores", |n| {
        (0..n)
            .into_par_iter()
            .try_for_each(|_| KeyPair::generate().map(drop))
    })
}

/// Times `generate(n)` for each user count of the plan (fewer repetitions
/// from 5,000 users on).
fn time_key_generation(
    plan: &Plan,
    tick: &mut dyn FnMut(String),
    mut figure: Figure,
    what: &str,
    generate: impl Fn(usize) -> Result<(), sesphr_model::Error>,
) -> Result<Figure, ReportError> {
    for &n in &plan.users {
        tick(format!("{what}, {n} users"));
        let reps = if n >= 5_000 {
            plan.repetitions.min(2)
        } else {
            plan.repetitions
        };
        let mut times = Vec::new();
        for _ in 0..reps {
            let start = Instant::now();
            generate(n)?;
            times.push(start.elapsed());
        }
        figure.push(n as f64, times);
    }
    Ok(figure)
}

/// Encryption (Gen_ri, Encrypt_Pi, Compt_Ri: r, k = KDF(Z^r), AES-256-GCM, R_P)
/// and decryption (Z^r = R_U^(1/x_U), k, AES-256-GCM open) of one partition.
pub fn encryption_decryption(
    plan: &Plan,
    tick: &mut dyn FnMut(String),
) -> Result<(Figure, Figure), ReportError> {
    let mut enc = Figure::new(
        "encryption",
        "Encryption of one partition",
        "partition size (KiB)",
        "KiB",
        "draw r, k = HKDF(Z^r), AES-256-GCM, R_P = g1^(r x_P)",
        paper::ENCRYPTION,
    );
    let mut dec = Figure::new(
        "decryption",
        "Decryption of one partition",
        "partition size (KiB)",
        "KiB",
        "Z^r = R_U^(1/x_U), k = HKDF(Z^r), AES-256-GCM open",
        paper::DECRYPTION,
    );
    let owner = KeyPair::generate()?;
    let user = KeyPair::generate()?;
    let rk = ReKey::new(&owner.secret, &user.public)?;
    for &kib in &plan.sizes_kib {
        tick(format!("encryption and decryption, {kib} KiB"));
        let plain = data(kib);
        let aad = Aad {
            file: Label::new("rec")?,
            label: Label::new("medical")?,
            version: 1,
        };
        let (mut enc_times, mut dec_times) = (Vec::new(), Vec::new());
        for _ in 0..repetitions(plan, kib) {
            let start = Instant::now();
            let (key, r_owner) = encapsulate(&owner.secret)?;
            let cipher = seal(&key, &aad, &plain)?;
            enc_times.push(start.elapsed());
            let r_user = reencrypt(&r_owner, &rk);
            let start = Instant::now();
            let key = decapsulate(&user.secret, &r_user)?;
            let opened = open(&key, &aad, &cipher)?;
            dec_times.push(start.elapsed());
            if opened.as_bytes() != plain.as_slice() {
                return Err(ReportError::Wrong(
                    "decryption returned another plaintext".into(),
                ));
            }
        }
        enc.push(kib, enc_times);
        dec.push(kib, dec_times);
    }
    Ok((enc, dec))
}

/// Upload (encrypt, store in the on-disk cloud with fsync, R to the SRS,
/// ledger block) and download (fetch, digest against the ledger, R_U from the
/// SRS, decrypt, ledger block) of a one-partition record, through [`System`].
pub fn turnaround(
    plan: &Plan,
    work: &Path,
    tick: &mut dyn FnMut(String),
) -> Result<(Figure, Figure), ReportError> {
    let mut up = Figure::new(
        "upload",
        "Upload turnaround (encrypt + store)",
        "partition size (KiB)",
        "KiB",
        "System::upload: encrypt, write to the on-disk cloud (fsync), R to the SRS, ledger block",
        paper::UPLOAD,
    );
    let mut down = Figure::new(
        "download",
        "Download turnaround (fetch + decrypt)",
        "partition size (KiB)",
        "KiB",
        "System::read: fetch, digest against the ledger, SRS re-encryption, decrypt, ledger block",
        paper::DOWNLOAD,
    );
    let owner_id = UserId::new("patient")?;
    let doctor = UserId::new("dr-bob")?;
    let medical = Label::new("medical")?;
    for &kib in &plan.turnaround_kib {
        tick(format!("upload and download turnaround, {kib} KiB"));
        let dir = work.join(format!("turnaround-{kib}"));
        remove(&dir)?;
        let (mut system, owner) = System::create(
            &dir,
            KeyMode::Delegated,
            owner_id.clone(),
            Policy::paper_default(),
        )?;
        let doctor_keys = system.enroll(&doctor, Role::Doctor, true, &owner)?;
        let text = "x".repeat((kib * 1024.0) as usize);
        let doc = PhrDocument {
            file: Label::new("rec")?,
            owner: owner_id.clone(),
            partitions: vec![Partition {
                label: medical.clone(),
                content: serde_json::value::RawValue::from_string(
                    serde_json::Value::String(text).to_string(),
                )
                .map_err(|e| ReportError::Wrong(format!("a JSON string: {e}")))?,
            }],
        };
        let expected = doc.partitions[0].to_plaintext();
        let (mut up_times, mut down_times) = (Vec::new(), Vec::new());
        for _ in 0..repetitions(plan, kib) {
            let start = Instant::now();
            let version = system.upload(&owner, &doc)?;
            up_times.push(start.elapsed());
            let start = Instant::now();
            let plain = system.read(&doctor, &doctor_keys.secret, &doc.file, version, &medical)?;
            down_times.push(start.elapsed());
            if plain != expected {
                return Err(ReportError::Wrong(
                    "download returned another plaintext".into(),
                ));
            }
        }
        drop(system);
        remove(&dir)?;
        up.push(kib, up_times);
        down.push(kib, down_times);
    }
    Ok((up, down))
}

/// The SRS's re-encryption R_U = e(R_P, RK) for every partition of a record.
pub fn reencryption(plan: &Plan, tick: &mut dyn FnMut(String)) -> Result<Figure, ReportError> {
    let mut figure = Figure::new(
        "reencryption",
        "Re-encryption by the SRS",
        "partitions",
        "partitions",
        "one pairing e(R_P, RK) and the GT encoding per partition",
        &[],
    );
    let owner = KeyPair::generate()?;
    let user = KeyPair::generate()?;
    let rk = ReKey::new(&owner.secret, &user.public)?;
    for &k in &plan.partitions {
        tick(format!("re-encryption, {k} partitions"));
        let r_values = (0..k)
            .map(|_| encapsulate(&owner.secret).map(|(_, r)| r))
            .collect::<Result<Vec<_>, _>>()?;
        let mut times = Vec::new();
        for _ in 0..plan.repetitions {
            let start = Instant::now();
            for r in &r_values {
                reencrypt(r, &rk).to_bytes()?;
            }
            times.push(start.elapsed());
        }
        figure.push(k as f64, times);
    }
    Ok(figure)
}

/// Fewer repetitions for the largest sizes.
fn repetitions(plan: &Plan, kib: f64) -> usize {
    if kib >= 20.0 * 1024.0 {
        plan.repetitions.min(3)
    } else {
        plan.repetitions
    }
}

/// A seeded partition plaintext of `kib` KiB.
fn data(kib: f64) -> Vec<u8> {
    let config = Config {
        seed: 1,
        partition_size: (kib * 1024.0) as usize,
        fault: None,
    };
    plaintext(&config, &Value::sym("benchmark"))
}

fn remove(dir: &Path) -> Result<(), ReportError> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(ReportError::Io {
            path: dir.to_path_buf(),
            source,
        }),
    }
}
