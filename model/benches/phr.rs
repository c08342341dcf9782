//! Upload and download of whole PHRs per size (the paper's 50 KB ... 2 MB,
//! plus 10 MB and 100 MB), against raw AES-256-GCM on the same bytes.
//!
//! - `encrypt/<KB>`: the patient's work for an upload: per partition, fresh
//!   r_i, k_i = HKDF(Z^r_i), R_i,P and AES-256-GCM (paper: 0.13 s ... 1.289 s).
//! - `decrypt/<KB>`: the user's work for a download of every partition:
//!   Z^r_i = R_i,U^(1/x_U), k_i and AES-GCM open (paper: ~0.03 s ... ~0.25 s).
//! - `encrypt_parallel/<KB>`, `decrypt_parallel/<KB>`: the same with the
//!   partitions spread over the cores (rayon).
//! - `aes_gcm/<KB>`: AES-256-GCM alone, in place, over one buffer of the same size.
//! - `upload_disk/<KB>`, `download_disk/<KB>` (paper sizes only): the same
//!   plus the cloud store's atomic, flushed writes, the SRS and the ledger.

use std::time::Duration;

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use sesphr_model::crypto::{Aad, KeyPair, ReKey, decapsulate, encapsulate, open, reencrypt, seal};
use sesphr_model::phr::{self, PhrDocument};
use sesphr_model::policy::{Label, Policy, Role, UserId};
use sesphr_model::srs::KeyMode;
use sesphr_model::system::System;

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
        file: doc.file.to_string(),
        label: label.clone(),
        version: 1,
    }
}

fn crypto_sizes(c: &mut Criterion, sizes: &[usize], group_suffix: &str, samples: usize) {
    let patient = KeyPair::generate().unwrap();
    let doctor = KeyPair::generate().unwrap();
    let rekey = ReKey::new(&patient.secret, &doctor.public);
    let mut group = c.benchmark_group(format!("phr{group_suffix}"));
    group.sample_size(samples);
    for &kb in sizes {
        let doc = document(kb);
        let bytes = doc.plaintext_len() as u64;
        group.throughput(Throughput::Bytes(bytes));
        group.bench_with_input(BenchmarkId::new("encrypt", kb), &doc, |b, doc| {
            b.iter(|| {
                doc.partitions
                    .iter()
                    .map(|p| {
                        let (key, r) = encapsulate(&patient.secret).unwrap();
                        (seal(&key, &aad(doc, &p.label), p.plaintext()).unwrap(), r)
                    })
                    .collect::<Vec<_>>()
            })
        });
        let sealed: Vec<_> = doc
            .partitions
            .iter()
            .map(|p| {
                let (key, r) = encapsulate(&patient.secret).unwrap();
                let ct = seal(&key, &aad(&doc, &p.label), p.plaintext()).unwrap();
                (p.label.clone(), ct, reencrypt(&r, &rekey))
            })
            .collect();
        group.bench_with_input(BenchmarkId::new("decrypt", kb), &sealed, |b, sealed| {
            b.iter(|| {
                sealed
                    .iter()
                    .map(|(label, ct, r_user)| {
                        open(&decapsulate(&doctor.secret, r_user), &aad(&doc, label), ct).unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        });
        group.bench_with_input(BenchmarkId::new("encrypt_parallel", kb), &doc, |b, doc| {
            b.iter(|| {
                doc.partitions
                    .par_iter()
                    .map(|p| {
                        let (key, r) = encapsulate(&patient.secret).unwrap();
                        (seal(&key, &aad(doc, &p.label), p.plaintext()).unwrap(), r)
                    })
                    .collect::<Vec<_>>()
            })
        });
        group.bench_with_input(
            BenchmarkId::new("decrypt_parallel", kb),
            &sealed,
            |b, sealed| {
                b.iter(|| {
                    sealed
                        .par_iter()
                        .map(|(label, ct, r_user)| {
                            open(&decapsulate(&doctor.secret, r_user), &aad(&doc, label), ct)
                                .unwrap()
                        })
                        .collect::<Vec<_>>()
                })
            },
        );
        // Baseline: AES-256-GCM in place over one buffer of the same size
        // (no allocation, no copy: the fastest use of the library).
        let mut buffer = vec![0x5au8; bytes as usize];
        let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from([7u8; 32]));
        group.bench_function(BenchmarkId::new("aes_gcm", kb), |b| {
            b.iter(|| {
                cipher
                    .encrypt_inout_detached(
                        &Nonce::from([1u8; 12]),
                        b"alice-phr",
                        buffer.as_mut_slice().into(),
                    )
                    .unwrap()
            })
        });
    }
    group.finish();
}

fn paper_sizes(c: &mut Criterion) {
    crypto_sizes(c, &PAPER_SIZES_KB, "", 20);
}

fn large_sizes(c: &mut Criterion) {
    crypto_sizes(c, &LARGE_SIZES_KB, "_large", 10);
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
    let bob_keys = sys
        .enroll(&bob, Role::Family, true, &alice_keys.secret)
        .unwrap();
    for kb in PAPER_SIZES_KB {
        let doc = document(kb);
        group.throughput(Throughput::Bytes(doc.plaintext_len() as u64));
        group.bench_with_input(BenchmarkId::new("upload_disk", kb), &doc, |b, doc| {
            b.iter(|| sys.upload(&alice_keys.secret, doc).unwrap())
        });
        let version = sys.upload(&alice_keys.secret, &doc).unwrap();
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
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    targets = paper_sizes, large_sizes, on_disk
}
criterion_main!(benches);
