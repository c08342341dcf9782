//! The SeSPHR net's CTL and LTL properties are checked on the graph the
//! exploration recorded (the successors and their canonical forms are not
//! computed again): that graph must be the one built by exploring again,
//! marking for marking and edge for edge, in the configurations below.

use std::path::{Path, PathBuf};

use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::explore::{ExploreOptions, check_keeping};
use sesphr_engine::load::load_net;
use sesphr_engine::net::code::Env;
use sesphr_engine::net::model::Net;
use sesphr_engine::net::value::Value;
use sesphr_engine::temporal::Atom;
use sesphr_engine::temporal::graph::{Limits, MarkingGraph};
use sesphr_model::symbolic::SymbolicFunctions;

/// A file of the repository, by its path from the repository's root.
fn repository_file(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

/// The net in `path` with the parameters `params`.
fn load(path: &Path, params: &[(&str, &str)]) -> Net {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    load_net(path, &params, &SymbolicFunctions::new()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_recorded_graph_of_the_sesphr_net_is_the_graph_built_again() {
    let configurations: [&[(&str, &str)]; 4] = [
        &[],
        &[("users_per_role", "2"), ("roles", "1")],
        &[("srs_colludes_with_users", "true"), ("key_mode", "paper")],
        &[
            ("newcomers_read_past", "true"),
            ("rekey_on_upload", "false"),
        ],
    ];
    for params in configurations {
        let net = load(&repository_file("nets/sesphr.yaml"), params);
        let space = ColouredSpace::with_reductions(&net).unwrap_or_else(|e| panic!("{e}"));
        read_and_built_graphs_agree(&net, &space, &format!("{params:?}"));
    }
}

/// Where a revoked user is still served, the `enabled(D_R_S, condition)`
/// atom holds in some markings: the record, which skips the bindings of a
/// transition with no edge, labels them as the graph built again does.
#[test]
fn the_recorded_graph_labels_a_served_revoked_user_as_the_graph_built_again() {
    let net = load(
        &repository_file("nets/mutants/revocation-not-applied.yaml"),
        &[],
    );
    let space = ColouredSpace::with_reductions(&net).unwrap_or_else(|e| panic!("{e}"));
    let (read, atoms) = read_and_built_graphs_agree(&net, &space, "revocation-not-applied");
    let served = atoms
        .iter()
        .position(|atom| {
            matches!(atom, Atom::Transition { fired: false, condition: Some(_), transition, .. }
                if net.transitions[*transition].name == "D_R_S")
        })
        .expect("an enabled(D_R_S, condition) atom");
    let labelled = (0..read.len())
        .filter(|&n| read.state_atom(n, served))
        .count();
    assert!(labelled > 0, "no marking serves a revoked user");
    assert!(labelled < read.len(), "every marking serves a revoked user");
    // Each `enabled(T, condition)` label (remembered by the ids of the
    // places it depends on, the bindings by those of `T`'s inputs) is what
    // the bindings of `T` searched in that very marking say.
    for (i, atom) in atoms.iter().enumerate() {
        let Atom::Transition {
            fired: false,
            transition,
            condition: Some((code, slots)),
            ..
        } = atom
        else {
            continue;
        };
        for node in 0..read.len() {
            let state = read.state(node);
            let mut decoded = None;
            let bindings = space
                .enabled_binding_values(*transition, state, &mut decoded)
                .unwrap_or_else(|e| panic!("{e}"));
            let marking = decoded.expect("decoded for the search");
            let enabled = bindings.into_iter().any(|mut values| {
                values.resize(values.len().max(*slots), Value::Bool(false));
                (code.holds(&mut Env::new(&mut values, Some(&marking))))
                    .unwrap_or_else(|e| panic!("{e}"))
            });
            assert_eq!(read.state_atom(node, i), enabled, "atom {i} at node {node}");
        }
    }
}

/// The graph of `net`'s CTL/LTL atoms read from a recording exploration of
/// `space` (the net's), checked equal to the graph built by exploring
/// again, and those atoms.
fn read_and_built_graphs_agree(
    net: &Net,
    space: &ColouredSpace<'_>,
    what: &str,
) -> (MarkingGraph, Vec<Atom>) {
    assert!(!net.temporal.is_empty(), "{what}");
    let atoms: Vec<Atom> = (net.temporal.iter())
        .flat_map(|p| p.atoms.iter().cloned())
        .collect();
    let options = ExploreOptions {
        record_edges: true,
        ..ExploreOptions::default()
    };
    let (report, explored) = check_keeping(space, &options).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.complete, "{what}");
    let limits = Limits::default();
    let read = MarkingGraph::from_exploration(space, &atoms, &net.fairness, explored, limits, None)
        .unwrap_or_else(|| panic!("{what}: no graph recorded"))
        .unwrap_or_else(|e| panic!("{e}"));
    let built = MarkingGraph::build(space, &atoms, &net.fairness, limits, None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read.len() as u64, report.states, "{what}");
    assert_eq!(read.edge_count() as u64, report.edges, "{what}");
    assert!(read == built, "{what}: the graphs differ");
    (read, atoms)
}
