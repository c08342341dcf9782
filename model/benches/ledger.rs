//! Ledger: appending one block (written and flushed to disk; wall clock)
//! and verifying a 1,000-block ledger file (CPU time).

use std::time::Duration;

mod support;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sesphr_model::ledger::{Hash, Ledger, Outcome, PartitionDigest, Record, verify};
use sesphr_model::policy::{Label, UserId};
use support::ThreadCpuTime;

fn upload_record(version: u32) -> Record {
    Record::Upload {
        file: Label::new("alice-phr").unwrap(),
        version,
        partitions: Label::defaults()
            .into_iter()
            .map(|label| PartitionDigest {
                digest: Hash::of(label.as_str().as_bytes()),
                label,
                r_owner: None,
                signature: None,
            })
            .collect(),
    }
}

fn access_record(version: u32) -> Record {
    Record::Access {
        user: UserId::new("dr-bob").unwrap(),
        file: Label::new("alice-phr").unwrap(),
        version,
        partition: Label::new("medical").unwrap(),
        outcome: Outcome::Granted,
    }
}

fn append(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("sesphr-bench-ledger-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut group = c.benchmark_group("ledger");

    let mut appended = Ledger::create(dir.join("ledger-append.jsonl")).unwrap();
    let mut version = 0;
    group.bench_function("append_block_fsync", |b| {
        b.iter(|| {
            version += 1;
            appended.append(vec![access_record(version)]).unwrap();
        })
    });

    group.finish();
    std::fs::remove_dir_all(&dir).unwrap();
}

fn verify_blocks(c: &mut Criterion<ThreadCpuTime>) {
    let dir = std::env::temp_dir().join(format!("sesphr-bench-verify-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut group = c.benchmark_group("ledger_cpu");
    let path = dir.join("ledger-verify.jsonl");
    let mut big = Ledger::create(&path).unwrap();
    for v in 0..1_000 {
        let record = if v % 2 == 0 {
            upload_record(v)
        } else {
            access_record(v)
        };
        big.append(vec![record]).unwrap();
    }
    group.throughput(Throughput::Elements(1_000));
    group.bench_function("verify_1000_blocks", |b| b.iter(|| verify(&path).unwrap()));
    group.finish();
    std::fs::remove_dir_all(&dir).unwrap();
}

criterion_group! {
    name = wall;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = append
}
criterion_group! {
    name = cpu;
    config = Criterion::default()
        .with_measurement(ThreadCpuTime)
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = verify_blocks
}
criterion_main!(wall, cpu);
