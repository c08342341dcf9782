//! Loading speed of a net whose initial marking is `all(T)` of a large type:
//! the initial marking is built once, in time about linear in its tokens
//! (token by token it was quadratic: 12,800 tokens took 2.4 s).
//!
//! Run: `cargo bench -p sesphr-engine --bench loading`

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sesphr_engine::load::load_net_str;
use sesphr_engine::load::source::Source;
use sesphr_engine::net::functions::NoFunctions;

/// Tokens in the initial marking: `all(Request)` with this many versions
/// times four users.
const VERSIONS: [u64; 3] = [250, 2_500, 25_000];

/// A net of one place holding every `(user, version)` pair, users in an order
/// other than their names' (so the tokens do not arrive sorted).
fn net(versions: u64) -> String {
    format!(
        "name: requests\n\
         types:\n  \
           User: {{ enum: [pharmacist, doctor, researcher, family] }}\n  \
           Version: {{ range: [1, {versions}] }}\n  \
           Request: {{ tuple: [User, Version] }}\n\
         places:\n  \
           Requests: {{ type: Request, init: [\"all(Request)\"] }}\n\
         transitions:\n  \
           ask: {{ in: {{ Requests: [\"r\"] }} }}\n"
    )
}

fn loading(c: &mut Criterion) {
    let mut group = c.benchmark_group("load_all");
    for versions in VERSIONS {
        let source = Source::new("requests.yaml", net(versions));
        let tokens = versions * 4;
        let loaded = load_net_str(&source, &[], &NoFunctions).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.initial.places[0].total(), tokens);
        group.throughput(Throughput::Elements(tokens));
        group.bench_with_input(BenchmarkId::new("tokens", tokens), &source, |b, source| {
            b.iter(|| black_box(load_net_str(black_box(source), &[], &NoFunctions)));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = loading
}
criterion_main!(benches);
