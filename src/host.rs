//! What this program offers nets: the functions it binds and how it loads nets.

use sesphr_engine::error::LoadError;
use sesphr_engine::functions::FunctionLibrary;
use sesphr_engine::load::load_net;
use sesphr_engine::net::model::Net;
use sesphr_model::symbolic::SymbolicFunctions;

use crate::NetArgs;

/// Loads the net named on the command line, with its parameter overrides,
/// binding the symbolic SeSPHR functions (nets that declare none need none).
pub fn load(args: &NetArgs) -> Result<Net, LoadError> {
    load_with(args, &SymbolicFunctions::new())
}

/// Loads the net named on the command line with the functions of `library`.
pub fn load_with(args: &NetArgs, library: &dyn FunctionLibrary) -> Result<Net, LoadError> {
    load_net(&args.net, &args.params, library)
}
