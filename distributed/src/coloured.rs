//! Checking a coloured net with the distributed explorer: each worker has
//! its own coloured space (its own interning tables), states travel
//! through per-channel dictionaries of spelled-out multisets
//! ([`crate::portable`]), and the symmetry reduction, whose
//! representatives are chosen by comparing values, not ids, stores the
//! same representative in every process.
//!
//! A net's CTL and LTL properties are then checked by process 0 alone, on
//! a graph of every reachable marking, as the single-process checker does
//! after its exploration: that part is not distributed, and needs the
//! memory of one machine.

use std::sync::Arc;

use sesphr_engine::coloured::ColouredSpace;
use sesphr_engine::net::model::Net;
use sesphr_engine::temporal::graph::Limits;
use sesphr_engine::temporal::run::{check_temporal_in, undecided_after};

use crate::DistError;
use crate::bfs::DistOptions;
use crate::cluster::Cluster;
use crate::portable::Portable;
use crate::run::{DistReport, execute, failure};

/// Checks the properties of the coloured `net` (reduced by its symmetry if
/// `symmetry`) as process `cluster.process` of the run; every process of
/// the host file must call it. Returns the report on process 0, `None` on
/// the others.
pub fn check_coloured_distributed(
    net: Arc<Net>,
    symmetry: bool,
    options: DistOptions,
    cluster: &Cluster,
) -> Result<Option<DistReport>, DistError> {
    execute(cluster, move |run| {
        let space = if symmetry {
            ColouredSpace::with_symmetry(&net).map_err(DistError::space)?
        } else {
            ColouredSpace::new(&net)
        };
        let outcome = (run.explore(&space, &options, |_| false)).map_err(|f| failure(&space, f))?;
        let Some(mut dist) = run.report(&space, &outcome, &net.name)? else {
            return Ok(None);
        };
        // A limit that stopped the exploration would stop the graph too.
        let temporal = match outcome.stopped {
            Some(reason) => undecided_after(&net, reason),
            None => {
                let limits = Limits {
                    max_states: options.max_states,
                    max_memory: options.max_memory,
                    deadline: options.timeout.map(|t| run.started + t),
                };
                let (temporal, _) = check_temporal_in(&space, limits, None, None).map_err(|e| {
                    DistError::Space {
                        message: e.to_string(),
                        at: space.locate(&e),
                    }
                })?;
                temporal
            }
        };
        dist.report.properties.extend(temporal);
        Ok(Some(dist))
    })
}
