//! Loading speed of large nets: a YAML net whose initial marking is `all(T)`
//! of a large type (built once, in time about linear in its tokens; token by
//! token it was quadratic: 12,800 tokens took 2.4 s), and a PNML ring of
//! places and transitions (each place's line and column found without
//! rescanning the text, which made it quadratic: 32,000 places took 51 s),
//! and the same ring in YAML (places found by name in a map, not a list).
//!
//! Run: `cargo bench -p sesphr-engine --bench loading`

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sesphr_engine::load::load_net_str;
use sesphr_engine::load::pnml::parse_pnml;
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

/// Places (and transitions) of the PNML rings.
const RING: [usize; 2] = [1_000, 10_000];

/// A P/T ring of `n` places and `n` transitions, one element a line, one
/// token on the first place.
fn ring(n: usize) -> String {
    let mut text = String::from(
        "<?xml version=\"1.0\"?>\n<pnml xmlns=\"http://www.pnml.org/version-2009/grammar/pnml\">\n\
         <net id=\"ring\" type=\"http://www.pnml.org/version-2009/grammar/ptnet\">\n<page id=\"pg\">\n",
    );
    for i in 0..n {
        let marking = if i == 0 {
            "<initialMarking><text>1</text></initialMarking>"
        } else {
            ""
        };
        let next = (i + 1) % n;
        text.push_str(&format!(
            "<place id=\"p{i}\">{marking}</place>\n<transition id=\"t{i}\"/>\n\
             <arc id=\"a{i}\" source=\"p{i}\" target=\"t{i}\"/>\n\
             <arc id=\"b{i}\" source=\"t{i}\" target=\"p{next}\"/>\n"
        ));
    }
    text.push_str("</page>\n</net>\n</pnml>\n");
    text
}

fn loading_pnml(c: &mut Criterion) {
    let mut group = c.benchmark_group("load_pnml_ring");
    for n in RING {
        let text = ring(n);
        let net = parse_pnml(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(net.places.len(), n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("places", n), &text, |b, text| {
            b.iter(|| black_box(parse_pnml(black_box(text))));
        });
    }
    group.finish();
}

/// The ring of [`ring`] as a YAML net of black tokens.
fn yaml_ring(n: usize) -> String {
    let mut text = String::from("name: ring\nplaces:\n  p0: { type: Unit, init: [\"()\"] }\n");
    for i in 1..n {
        text.push_str(&format!("  p{i}: {{ type: Unit }}\n"));
    }
    text.push_str("transitions:\n");
    for i in 0..n {
        let next = (i + 1) % n;
        text.push_str(&format!(
            "  t{i}: {{ in: {{ p{i}: [\"()\"] }}, out: {{ p{next}: [\"()\"] }} }}\n"
        ));
    }
    text
}

fn loading_yaml_ring(c: &mut Criterion) {
    let mut group = c.benchmark_group("load_yaml_ring");
    for n in RING {
        let source = Source::new("ring.yaml", yaml_ring(n));
        let net = load_net_str(&source, &[], &NoFunctions).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(net.places.len(), n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("places", n), &source, |b, source| {
            b.iter(|| black_box(load_net_str(black_box(source), &[], &NoFunctions)));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = loading, loading_pnml, loading_yaml_ring
}
criterion_main!(benches);
