//! Checking a place/transition net with the distributed explorer: the
//! packed encoding of the single-machine explorer (widened and restarted
//! on a counter overflow, as it does).

use std::sync::Arc;

use sesphr_engine::ptnet::{PackedNet, PtError, PtNet, PtProperty};

use crate::DistError;
use crate::bfs::{DistOptions, Failure};
use crate::cluster::Cluster;
use crate::run::{DistReport, execute, failure};

/// Checks `net` for `properties` as process `cluster.process` of the run;
/// every process of the host file must call it. Returns the report on
/// process 0, `None` on the others.
pub fn check_pt_distributed(
    net: Arc<PtNet>,
    properties: Vec<PtProperty>,
    options: DistOptions,
    cluster: &Cluster,
) -> Result<Option<DistReport>, DistError> {
    execute(cluster, move |run| {
        let space_error = |e: PtError| DistError::space(e);
        let mut space = PackedNet::new(&net, properties.clone()).map_err(space_error)?;
        let outcome = loop {
            let widen = space.lane_bits() < 32;
            let overflow = |e: &PtError| widen && matches!(e, PtError::Overflow { .. });
            match run.explore(&space, &options, overflow) {
                Ok(outcome) => break outcome,
                Err(Failure::Retry) => {
                    let bits = space.lane_bits() * 2;
                    space = PackedNet::with_lane_bits(&net, properties.clone(), bits)
                        .map_err(space_error)?;
                }
                Err(other) => return Err(failure(&space, other)),
            }
        };
        run.report(&space, &outcome, &net.name)
    })
}
