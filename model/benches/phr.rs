//! Upload and download of whole PHRs per size (the paper's 50 KB ... 2 MB,
//! plus 10 MB and 100 MB), against raw AES-256-GCM on the same bytes.
//! Single-threaded work is measured in CPU time of the measuring thread
//! (robust on a shared machine); parallel and disk work on the wall clock.
//!
//! - `encrypt/<KB>`: the patient's work for an upload: per partition, fresh
//!   r_i, k_i = HKDF(Z^r_i), R_i,P and AES-256-GCM (paper: 0.13 s ... 1.289 s).
//! - `decrypt/<KB>`: the user's work for a download of every partition:
//!   Z^r_i = R_i,U^(1/x_U), k_i and AES-GCM open (paper: ~0.03 s ... ~0.25 s).
//! - `phr_parallel/encrypt/<KB>`, `phr_parallel/decrypt/<KB>`: the same with
//!   the partitions spread over the cores (rayon).
//! - `aes_gcm/<KB>`, `aes_gcm_in_place/<KB>`: AES-256-GCM alone over one
//!   buffer of the same size, into a new buffer and in place.
//! - `upload_disk/<KB>`, `download_disk/<KB>` (paper sizes only): the same
//!   plus the cloud store's atomic, flushed writes, the SRS and the ledger.

use std::time::Duration;

use aes_gcm::aead::{Aead, AeadInOut, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
mod support;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use sesphr_model::crypto::{
    Aad, Ciphertext, KeyPair, OwnerR, Plaintext, ReKey, UserR, decapsulate, encapsulate, open,
    reencrypt, seal,
};
use sesphr_model::phr::{self, PhrDocument};
use sesphr_model::policy::{Label, Policy, Role, UserId};
use sesphr_model::srs::KeyMode;
use sesphr_model::system::System;
use support::ThreadCpuTime;

const PAPER_SIZES_KB: [usize; 8] = [50, 100, 200, 500, 800, 1024, 1500, 2048];
const LARGE_SIZES_KB: [usize; 2] = [10 * 1024, 100 * 1024];

fn document(kb: usize) -> PhrDocument {
    phr::synthetic(
        Label::new("alice-phr").unwrap(),
        UserId::new("alice").unwrap(),
        &Label::defaults(),
        kb * 1024,
        kb as u64,
    )
}

fn aad(doc: &PhrDocument, label: &Label) -> Aad {
    Aad {
        file: doc.file.clone(),
        label: label.clone(),
        version: 1,
    }
}

/// A patient, a doctor and the re-encryption key between them.
struct Parties {
    patient: KeyPair,
    doctor: KeyPair,
    rekey: ReKey,
}

impl Parties {
    fn new() -> Parties {
        let patient = KeyPair::generate().unwrap();
        let doctor = KeyPair::generate().unwrap();
        let rekey = ReKey::new(&patient.secret, &doctor.public).unwrap();
        Parties {
            patient,
            doctor,
            rekey,
        }
    }

    /// The patient's upload work: every partition encapsulated and sealed.
    fn encrypt(&self, doc: &PhrDocument) -> Vec<(Ciphertext, OwnerR)> {
        doc.partitions
            .iter()
            .map(|p| {
                let (key, r) = encapsulate(&self.patient.secret).unwrap();
                (seal(&key, &aad(doc, &p.label), p.plaintext()).unwrap(), r)
            })
            .collect()
    }

    /// Ciphertexts with the doctor's R values, ready for download.
    fn sealed(&self, doc: &PhrDocument) -> Vec<(Label, Ciphertext, UserR)> {
        doc.partitions
            .iter()
            .zip(self.encrypt(doc))
            .map(|(p, (ct, r))| (p.label.clone(), ct, reencrypt(&r, &self.rekey)))
            .collect()
    }

    /// The user's download work for one partition.
    fn decrypt_one(
        &self,
        doc: &PhrDocument,
        (label, ct, r_user): &(Label, Ciphertext, UserR),
    ) -> Plaintext {
        open(
            &decapsulate(&self.doctor.secret, r_user).unwrap(),
            &aad(doc, label),
            ct,
        )
        .unwrap()
    }
}

/// Sequential encryption and decryption and the AES-GCM baselines, in CPU
/// time of the measuring thread.
fn sequential(c: &mut Criterion<ThreadCpuTime>, group_name: &str, sizes: &[usize], samples: usize) {
    let parties = Parties::new();
    let mut group = c.benchmark_group(group_name);
    group.sample_size(samples);
    for &kb in sizes {
        let doc = document(kb);
        let bytes = doc.plaintext_len() as u64;
        group.throughput(Throughput::Bytes(bytes));
        group.bench_with_input(BenchmarkId::new("encrypt", kb), &doc, |b, doc| {
            b.iter(|| parties.encrypt(doc))
        });
        let sealed = parties.sealed(&doc);
        group.bench_with_input(BenchmarkId::new("decrypt", kb), &sealed, |b, sealed| {
            b.iter(|| {
                sealed
                    .iter()
                    .map(|s| parties.decrypt_one(&doc, s))
                    .collect::<Vec<_>>()
            })
        });
        // Baselines over one buffer of the same size: AES-256-GCM into a new
        // ciphertext buffer (what `encrypt` does too), and in place (no
        // allocation, no copy: the fastest use of the library).
        let mut buffer = vec![0x5au8; bytes as usize];
        let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from([7u8; 32]));
        group.bench_function(BenchmarkId::new("aes_gcm", kb), |b| {
            b.iter(|| {
                let payload = Payload {
                    msg: &buffer,
                    aad: b"alice-phr",
                };
                cipher.encrypt(&Nonce::from([1u8; 12]), payload).unwrap()
            })
        });
        group.bench_function(BenchmarkId::new("aes_gcm_in_place", kb), |b| {
            b.iter(|| {
                let nonce = Nonce::from([1u8; 12]);
                cipher
                    .encrypt_inout_detached(&nonce, b"alice-phr", buffer.as_mut_slice().into())
                    .unwrap()
            })
        });
    }
    group.finish();
}

/// The same with the partitions spread over the cores (wall clock).
fn parallel(c: &mut Criterion, sizes: &[usize]) {
    let parties = Parties::new();
    let mut group = c.benchmark_group("phr_parallel");
    group.sample_size(10);
    for &kb in sizes {
        let doc = document(kb);
        group.throughput(Throughput::Bytes(doc.plaintext_len() as u64));
        group.bench_with_input(BenchmarkId::new("encrypt", kb), &doc, |b, doc| {
            b.iter(|| {
                doc.partitions
                    .par_iter()
                    .map(|p| {
                        let (key, r) = encapsulate(&parties.patient.secret).unwrap();
                        (seal(&key, &aad(doc, &p.label), p.plaintext()).unwrap(), r)
                    })
                    .collect::<Vec<_>>()
            })
        });
        let sealed = parties.sealed(&doc);
        group.bench_with_input(BenchmarkId::new("decrypt", kb), &sealed, |b, sealed| {
            b.iter(|| {
                sealed
                    .par_iter()
                    .map(|s| parties.decrypt_one(&doc, s))
                    .collect::<Vec<_>>()
            })
        });
    }
    group.finish();
}

fn paper_sizes(c: &mut Criterion<ThreadCpuTime>) {
    sequential(c, "phr", &PAPER_SIZES_KB, 20);
}

fn large_sizes(c: &mut Criterion<ThreadCpuTime>) {
    sequential(c, "phr_large", &LARGE_SIZES_KB, 10);
}

fn all_sizes_parallel(c: &mut Criterion) {
    let sizes: Vec<usize> = PAPER_SIZES_KB
        .iter()
        .chain(&LARGE_SIZES_KB)
        .copied()
        .collect();
    parallel(c, &sizes);
}

fn on_disk(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("sesphr-bench-disk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let alice = UserId::new("alice").unwrap();
    let bob = UserId::new("dr-bob").unwrap();
    let (mut sys, alice_keys) =
        System::create(&dir, KeyMode::Delegated, alice, Policy::paper_default()).unwrap();
    let mut group = c.benchmark_group("phr_disk");
    group.sample_size(10);
    // Family rights cover all four partitions: the download reads the whole record.
    let bob_keys = sys.enroll(&bob, Role::Family, true, &alice_keys).unwrap();
    for kb in PAPER_SIZES_KB {
        let doc = document(kb);
        group.throughput(Throughput::Bytes(doc.plaintext_len() as u64));
        group.bench_with_input(BenchmarkId::new("upload_disk", kb), &doc, |b, doc| {
            b.iter(|| sys.upload(&alice_keys, doc).unwrap())
        });
        let version = sys.upload(&alice_keys, &doc).unwrap();
        group.bench_with_input(BenchmarkId::new("download_disk", kb), &doc, |b, doc| {
            b.iter(|| {
                doc.partitions
                    .iter()
                    .map(|p| {
                        sys.read(&bob, &bob_keys.secret, &doc.file, version, &p.label)
                            .unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        });
    }
    group.finish();
    std::fs::remove_dir_all(&dir).unwrap();
}

criterion_group! {
    name = cpu;
    config = Criterion::default()
        .with_measurement(ThreadCpuTime)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    targets = paper_sizes, large_sizes
}
criterion_group! {
    name = wall;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    targets = all_sizes_parallel, on_disk
}
criterion_main!(cpu, wall);
