//! Loading nets from YAML files: read, resolve names, check types.

mod compile;
pub mod raw;
mod yaml;

use std::path::Path;

use crate::error::{LoadError, LoadErrorKind};
use crate::functions::FunctionLibrary;
use crate::net::model::Net;
use crate::source::Source;

/// Loads the YAML net at `path`, with `--param` overrides `(name, value)`,
/// binding its declared functions from `library`.
pub fn load_net(
    path: &Path,
    overrides: &[(String, String)],
    library: &dyn FunctionLibrary,
) -> Result<Net, LoadError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| LoadError::in_file(path, LoadErrorKind::Io(e.to_string())))?;
    load_net_str(&Source::new(path, text), overrides, library)
}

/// Reads a YAML net file into its raw tree (names, expression texts and their
/// positions) without resolving or type-checking it.
pub fn read_raw(source: &Source) -> Result<raw::RawNet, LoadError> {
    yaml::read_net(source)
}

/// Loads a YAML net from text already in memory.
pub fn load_net_str(
    source: &Source,
    overrides: &[(String, String)],
    library: &dyn FunctionLibrary,
) -> Result<Net, LoadError> {
    let raw = yaml::read_net(source)?;
    compile::compile(source, &raw, overrides, library)
}
