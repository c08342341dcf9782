//! What this program offers nets: the functions it binds and how it opens net files.

use sesphr_engine::load::error::LoadError;
use sesphr_engine::load::{LoadedNet, open};
use sesphr_engine::net::functions::FunctionLibrary;
use sesphr_model::symbolic::SymbolicFunctions;

use crate::NetArgs;

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
