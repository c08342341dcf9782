//! Key generation: one user, and 10 / 100 / 1,000 / 10,000 users in
//! parallel with rayon (the paper: 0.60 s / 0.97 s / ~1.35 s / 2.16 s).

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use sesphr_model::crypto::KeyPair;

fn keygen(c: &mut Criterion) {
    let mut group = c.benchmark_group("keygen");
    group.bench_function("one_user", |b| b.iter(|| KeyPair::generate().unwrap()));
    for users in [10u64, 100, 1_000, 10_000] {
        group.throughput(Throughput::Elements(users));
        group.bench_with_input(
            BenchmarkId::new("users_parallel", users),
            &users,
            |b, &n| {
                b.iter(|| {
                    (0..n)
                        .into_par_iter()
                        .map(|_| KeyPair::generate().unwrap())
                        .collect::<Vec<_>>()
                })
            },
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = keygen
}
criterion_main!(benches);
