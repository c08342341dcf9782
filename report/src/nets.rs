//! The SeSPHR nets a report runs: built into the program (so that an
//! installed `sesphr report` works in any directory) or read from a directory.

use std::path::{Path, PathBuf};

use sesphr_engine::load::source::Source;
use sesphr_engine::load::{LoadedNet, open, open_source};
use sesphr_engine::net::functions::FunctionLibrary;

use crate::ReportError;

/// The nets built in, by file name: the copies of `nets/` at build time.
const BUILT_IN: [(&str, &str); 2] = [
    ("sesphr.yaml", include_str!("../../nets/sesphr.yaml")),
    (
        "sesphr-paper.yaml",
        include_str!("../../nets/sesphr-paper.yaml"),
    ),
];

/// Where the nets come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum NetSource {
    /// The copies built into the program.
    #[default]
    BuiltIn,
    /// The files of a directory (e.g. a checkout's `nets/` being edited).
    Dir(PathBuf),
}

impl NetSource {
    /// Loads the net `file` with parameter overrides, binding `library`.
    pub fn load(
        &self,
        file: &str,
        params: &[(String, String)],
        library: &dyn FunctionLibrary,
    ) -> Result<LoadedNet, ReportError> {
        match self {
            NetSource::Dir(dir) => Ok(open(&dir.join(file), params, library)?),
            NetSource::BuiltIn => {
                let text = BUILT_IN
                    .iter()
                    .find(|(name, _)| *name == file)
                    .map(|(_, text)| *text)
                    .ok_or_else(|| ReportError::UnknownNet(file.to_string()))?;
                let source = Source::new(Path::new("(built in)").join(file), text);
                Ok(open_source(&source, params, library)?)
            }
        }
    }

    /// How the report names the source.
    pub fn describe(&self) -> String {
        match self {
            NetSource::BuiltIn => "the nets built into sesphr".to_string(),
            NetSource::Dir(dir) => dir.display().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesphr_model::symbolic::SymbolicFunctions;

    #[test]
    fn the_built_in_nets_load_and_match_the_files() {
        let functions = SymbolicFunctions::new();
        let dir = NetSource::Dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../nets"));
        for (file, _) in BUILT_IN {
            let built_in = NetSource::BuiltIn.load(file, &[], &functions).unwrap();
            let from_dir = dir.load(file, &[], &functions).unwrap();
            let (built_in, from_dir) = (built_in.into_coloured(), from_dir.into_coloured());
            assert_eq!(built_in.name, from_dir.name);
            assert_eq!(built_in.places.len(), from_dir.places.len());
        }
    }

    #[test]
    fn an_unknown_net_is_an_error() {
        let err = NetSource::BuiltIn
            .load("nope.yaml", &[], &SymbolicFunctions::new())
            .unwrap_err();
        assert!(err.to_string().contains("nope.yaml"), "{err}");
    }
}
