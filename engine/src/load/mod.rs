//! Loading nets from YAML files: read, resolve names, check types.

mod compile;
pub mod raw;
mod yaml;

use std::path::Path;

use crate::error::{LoadError, LoadErrorKind};
use crate::functions::FunctionLibrary;
use crate::net::model::Net;
use crate::source::{MAX_INPUT_BYTES, ReadError, Source, read_text};

/// Loads the YAML net at `path`, with `--param` overrides `(name, value)`,
/// binding its declared functions from `library`.
pub fn load_net(
    path: &Path,
    overrides: &[(String, String)],
    library: &dyn FunctionLibrary,
) -> Result<Net, LoadError> {
    let text = read_text(path, MAX_INPUT_BYTES).map_err(|e| {
        let message = match e {
            ReadError::Io(io) => io.to_string(),
            other => other.to_string(),
        };
        LoadError::in_file(path, LoadErrorKind::Io(message))
    })?;
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
