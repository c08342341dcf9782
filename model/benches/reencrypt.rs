//! The scheme's public-key steps, one partition each: encapsulation
//! (patient), re-encryption key, re-encryption (SRS), decapsulation (user),
//! in CPU time of the measuring thread.

use std::time::Duration;

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use sesphr_model::crypto::{KeyPair, ReKey, decapsulate, encapsulate, reencrypt};
use support::ThreadCpuTime;

fn steps(c: &mut Criterion<ThreadCpuTime>) {
    let patient = KeyPair::generate().unwrap();
    let doctor = KeyPair::generate().unwrap();
    let (_, r_owner) = encapsulate(&patient.secret).unwrap();
    let rekey = ReKey::new(&patient.secret, &doctor.public).unwrap();
    let r_user = reencrypt(&r_owner, &rekey);
    let mut group = c.benchmark_group("pre");
    group.bench_function("encapsulate", |b| {
        b.iter(|| encapsulate(&patient.secret).unwrap())
    });
    group.bench_function("rekey", |b| {
        b.iter(|| ReKey::new(&patient.secret, &doctor.public))
    });
    group.bench_function("reencrypt", |b| b.iter(|| reencrypt(&r_owner, &rekey)));
    group.bench_function("decapsulate", |b| {
        b.iter(|| decapsulate(&doctor.secret, &r_user))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .with_measurement(ThreadCpuTime)
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = steps
}
criterion_main!(benches);
