//! Explorer throughput on Model Checking Contest nets (`tests/data/mcc/`), with
//! 1 and 2 threads. Run: `cargo bench -p sesphr-engine --bench explore`.
//! Kanban-PT-00005 (2.5 M states) is left to `scripts/bench-vs-spin`.

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sesphr_engine::explore::{ExploreOptions, explore};
use sesphr_engine::load::pnml::parse_pnml;
use sesphr_engine::ptnet::{PackedNet, PtNet};

fn load(name: &str) -> Option<PtNet> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/mcc")
        .join(format!("{name}.pnml"));
    let text = std::fs::read_to_string(&path).ok()?;
    parse_pnml(&text).ok()
}

fn bench_explore(c: &mut Criterion) {
    for (name, states) in [
        ("Philosophers-PT-000010", 59_049u64),
        ("Peterson-PT-2", 20_754),
    ] {
        let Some(net) = load(name) else {
            eprintln!("{name}: not found under tests/data/mcc, skipped");
            continue;
        };
        let Ok(space) = PackedNet::new(&net, Vec::new()) else {
            continue;
        };
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Elements(states));
        group.sample_size(10);
        for threads in [1, 2] {
            let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(threads).build() else {
                continue;
            };
            group.bench_function(format!("{threads}-threads"), |b| {
                b.iter(|| {
                    let ex = pool.install(|| explore(&space, &ExploreOptions::default()));
                    assert_eq!(ex.map(|e| e.states).ok(), Some(states));
                });
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_explore);
criterion_main!(benches);
