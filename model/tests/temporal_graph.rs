//! The SeSPHR net's CTL and LTL properties are checked on the graph the
//! exploration recorded (the successors and their canonical forms are not
//! computed again): that graph must be the one built by exploring again,
//! marking for marking and edge for edge, in the configurations below.

use std::path::PathBuf;

use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::explore::{ExploreOptions, check_keeping};
use sesphr_engine::load::load_net;
use sesphr_engine::net::model::Net;
use sesphr_engine::temporal::Atom;
use sesphr_engine::temporal::graph::{Limits, MarkingGraph};
use sesphr_model::symbolic::SymbolicFunctions;

fn sesphr(params: &[(&str, &str)]) -> Net {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../nets/sesphr.yaml");
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    load_net(&path, &params, &SymbolicFunctions::new()).unwrap_or_else(|e| panic!("{e}"))
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
        let net = sesphr(params);
        assert!(!net.temporal.is_empty(), "{params:?}");
        let atoms: Vec<Atom> = (net.temporal.iter())
            .flat_map(|p| p.atoms.iter().cloned())
            .collect();
        let space = ColouredSpace::with_reductions(&net).unwrap_or_else(|e| panic!("{e}"));
        let options = ExploreOptions {
            record_edges: true,
            ..ExploreOptions::default()
        };
        let (report, explored) = check_keeping(&space, &options).unwrap_or_else(|e| panic!("{e}"));
        assert!(report.complete, "{params:?}");
        let limits = Limits::default();
        let read =
            MarkingGraph::from_exploration(&space, &atoms, &net.fairness, explored, limits, None)
                .unwrap_or_else(|| panic!("{params:?}: no graph recorded"))
                .unwrap_or_else(|e| panic!("{e}"));
        let built = MarkingGraph::build(&space, &atoms, &net.fairness, limits, None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.len() as u64, report.states, "{params:?}");
        assert_eq!(read.edge_count() as u64, report.edges, "{params:?}");
        assert!(read == built, "{params:?}: the graphs differ");
    }
}
