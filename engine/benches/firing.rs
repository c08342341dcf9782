//! Firing speed on dining philosophers (10 and 50 philosophers): bindings
//! enumerated per second and transitions fired per second, over a fixed set
//! of reachable markings collected from a seeded simulation.
//!
//! Run: `cargo bench -p sesphr-engine --bench firing`

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sesphr_engine::coloured::fire::{Binding, enabled_bindings, fire};
use sesphr_engine::coloured::simulate::simulate;
use sesphr_engine::load::load_net;
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::net::marking::Marking;
use sesphr_engine::net::model::Net;

/// Philosophers per net.
const SIZES: [usize; 2] = [10, 50];
/// Markings collected per net (the first ones of one seeded run).
const MARKINGS: u64 = 500;
/// The seed of that run.
const SEED: u64 = 2024;

fn philosophers(n: usize) -> Net {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../nets/examples/philosophers.yaml");
    load_net(&path, &[("n".to_string(), n.to_string())], &NoFunctions)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The initial marking and the markings of a seeded run of `MARKINGS` steps.
fn reachable(net: &Net) -> Vec<Marking> {
    let mut markings = vec![net.initial.clone()];
    simulate(net, MARKINGS, SEED, |_, _, m| markings.push(m.clone())).expect("simulates");
    markings
}

/// Every enabled binding of every marking, with its marking.
fn enabled(net: &Net, markings: &[Marking]) -> Vec<(usize, Binding)> {
    let mut all = Vec::new();
    for (i, m) in markings.iter().enumerate() {
        let mut bindings = Vec::new();
        enabled_bindings(net, m, &mut bindings).expect("evaluates");
        all.extend(bindings.into_iter().map(|b| (i, b)));
    }
    all
}

fn firing(c: &mut Criterion) {
    let nets: Vec<(usize, Net)> = SIZES.iter().map(|&n| (n, philosophers(n))).collect();

    let mut group = c.benchmark_group("enabled_bindings");
    for (n, net) in &nets {
        let markings = reachable(net);
        let bindings = enabled(net, &markings).len() as u64;
        eprintln!(
            "philosophers/{n}: {} markings, {bindings} enabled bindings",
            markings.len()
        );
        group.throughput(Throughput::Elements(bindings));
        group.bench_with_input(BenchmarkId::new("philosophers", n), &markings, |b, ms| {
            let mut out = Vec::with_capacity(64);
            b.iter(|| {
                for m in ms {
                    out.clear();
                    enabled_bindings(net, black_box(m), &mut out).expect("evaluates");
                    black_box(&out);
                }
            });
        });
    }
    group.finish();

    let mut group = c.benchmark_group("fire");
    for (n, net) in &nets {
        let markings = reachable(net);
        let work = enabled(net, &markings);
        group.throughput(Throughput::Elements(work.len() as u64));
        group.bench_with_input(BenchmarkId::new("philosophers", n), &work, |b, work| {
            b.iter(|| {
                for (i, binding) in work {
                    black_box(fire(net, &markings[*i], black_box(binding)).expect("fires"));
                }
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = firing
}
criterion_main!(benches);
