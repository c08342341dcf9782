//! Why an examination could not be run.

use crate::coloured::ColouredError;
use crate::explore::ExploreError;
use crate::net::code::EvalError;
use crate::ptnet::PtError;

/// Why an examination could not be run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MccError {
    /// A formula names a place or transition the net does not have.
    #[error("property {property}: the net has no {kind} {name:?}")]
    UnknownName {
        /// The property's id.
        property: String,
        /// `place` or `transition`.
        kind: &'static str,
        /// The name as written.
        name: String,
    },
    /// Exploring a place/transition net failed.
    #[error(transparent)]
    PlaceTransition(#[from] ExploreError<PtError>),
    /// Exploring a coloured net failed.
    #[error(transparent)]
    Coloured(#[from] ExploreError<ColouredError>),
}

impl MccError {
    /// The failed evaluation of a guard or an arc behind this error, if it
    /// is one ([`LoadedNet::position_of_failure`] locates it).
    ///
    /// [`LoadedNet::position_of_failure`]: crate::load::LoadedNet::position_of_failure
    pub fn evaluation(&self) -> Option<&EvalError> {
        match self {
            MccError::Coloured(ExploreError::Space { source }) => source.evaluation(),
            _ => None,
        }
    }
}
