//! What this program offers nets: the functions it binds, how it opens net
//! files, and where in them a run's failure lies.

use std::path::Path;

use sesphr_engine::check::CheckError;
use sesphr_engine::load::error::LoadError;
use sesphr_engine::load::source::{Pos, Source};
use sesphr_engine::load::{LoadedNet, open};
use sesphr_engine::net::code::EvalError;
use sesphr_engine::net::functions::FunctionLibrary;
use sesphr_engine::net::model::Net;
use sesphr_model::symbolic::SymbolicFunctions;

use crate::NetArgs;

/// A copy of `net` without its properties (state and temporal) and
/// fairness: the net whose states `graph --reachability` and `view` draw,
/// which read no property, so a property that fails to evaluate cannot stop them.
pub fn without_properties(net: &Net) -> Net {
    let mut bare = net.clone();
    bare.properties.clear();
    bare.temporal.clear();
    bare.fairness.clear();
    bare
}

/// Opens the net named on the command line (YAML or PNML), with its
/// parameter overrides, binding the symbolic SeSPHR functions (nets that
/// declare none need none).
pub fn load(args: &NetArgs) -> Result<LoadedNet, LoadError> {
    load_with(args, &SymbolicFunctions::new())
}

/// Opens the net named on the command line with the functions of `library`.
pub fn load_with(args: &NetArgs, library: &dyn FunctionLibrary) -> Result<LoadedNet, LoadError> {
    open(&args.net, &args.params, library)
}

/// A run of the net in `file` that failed with `error`, located: prefixed
/// with `FILE:LINE:COL` of `at` (where the failed evaluation lies, from
/// [`sesphr_engine::net::model::Net::position_of_failure`]), that line quoted
/// below; with the file alone where `at` is `None`.
pub fn located(error: impl Into<anyhow::Error>, at: Option<Pos>, file: &Path) -> anyhow::Error {
    let error = error.into();
    let Some(pos) = at else {
        return error.context(file.display().to_string());
    };
    let message = crate::output::render_error(&error);
    quoted(
        anyhow::anyhow!("{}:{pos}: {message}", file.display()),
        pos,
        file,
    )
}

/// `error`, whose message already names `file` and `at`, with that line of
/// the file quoted below it (unchanged where the file cannot be read).
pub fn quoted(error: anyhow::Error, at: Pos, file: &Path) -> anyhow::Error {
    let snippet = std::fs::read_to_string(file)
        .ok()
        .and_then(|text| Source::new(file, text).snippet(at));
    match snippet {
        Some(snippet) => anyhow::anyhow!("{}\n{snippet}", crate::output::render_error(&error)),
        None => error,
    }
}

/// `error` of a check of `net` (read from `file`), located at the failed
/// evaluation behind it, or else at the transition that could not be
/// unfolded (an SMT encoding's error is one too: `CheckError::Unfold`).
/// A time or memory limit that stopped it is a [`LimitReached`].
pub fn located_check_error(error: CheckError, net: &LoadedNet, file: &Path) -> anyhow::Error {
    let at = (error.evaluation())
        .and_then(|eval| net.position_of_failure(eval))
        .or_else(|| error.transition().and_then(|t| net.transition_position(t)))
        .or_else(|| error.place().and_then(|p| net.place_position(p)))
        .or_else(|| error.position());
    let limit = matches!(error.evaluation(), Some(EvalError::Stopped(_)));
    let error = located(error, at, file);
    match limit {
        true => anyhow::Error::new(LimitReached(error)),
        false => error,
    }
}

/// A run that a time or memory limit stopped before it had a report (while
/// unfolding the net, for `--unfold` and the SMT route): incomplete, not bad
/// input.
#[derive(Debug)]
pub struct LimitReached(pub anyhow::Error);

impl std::fmt::Display for LimitReached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", crate::output::render_error(&self.0))
    }
}

impl std::error::Error for LimitReached {}
