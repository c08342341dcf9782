//! Checking a coloured net with the distributed explorer: each worker has
//! its own coloured space (its own interning tables), states travel
//! through per-channel dictionaries of spelled-out multisets
//! ([`crate::portable`]), and the symmetry reduction, whose
//! representatives are chosen by comparing values, not ids, stores the
//! same representative in every process.

use std::sync::Arc;

use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::net::model::Net;

use crate::DistError;
use crate::bfs::DistOptions;
use crate::cluster::Cluster;
use crate::run::{DistReport, execute, failure};

/// Whether the distributed explorer can check the coloured `net`: not if
/// it has CTL or LTL properties, which are checked on the whole state
/// graph, which no one process holds.
pub fn distributable(net: &Net) -> Result<(), DistError> {
    if net.temporal.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = net.temporal.iter().map(|p| p.name.as_str()).collect();
    Err(DistError::Unsupported(format!(
        "the CTL/LTL properties {} are checked on the whole state graph, which a \
         distributed run spreads over processes; choose the others with --property",
        names.join(", ")
    )))
}

/// Checks the safety properties of the coloured `net` (reduced by its
/// symmetry if `symmetry`) as process `cluster.process` of the run; every
/// process of the host file must call it. Returns the report on process 0,
/// `None` on the others. A net that is not [`distributable`] is refused.
pub fn check_coloured_distributed(
    net: Arc<Net>,
    symmetry: bool,
    options: DistOptions,
    cluster: &Cluster,
) -> Result<Option<DistReport>, DistError> {
    distributable(&net)?;
    execute(cluster, move |run| {
        let space = if symmetry {
            ColouredSpace::with_symmetry(&net).map_err(|e| DistError::Space(e.to_string()))?
        } else {
            ColouredSpace::new(&net)
        };
        let outcome = run.explore(&space, &options, |_| false).map_err(failure)?;
        run.report(&space, &outcome, &net.name)
    })
}
