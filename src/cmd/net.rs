//! Loading the net files the checker accepts.

use std::path::Path;

use anyhow::{Context, Result, bail};
use sesphr_engine::pnml::parse_pnml;
use sesphr_engine::ptnet::PtNet;

/// The kinds of net file `check` and `graph` read.
pub enum NetFile {
    /// A PNML place/transition net.
    Pnml(PtNet),
}

/// Reads `path`, choosing the format by extension (`.pnml`, `.xml`).
pub fn load(path: &Path, params: &[String]) -> Result<NetFile> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match extension {
        "pnml" | "xml" => {
            if let Some(param) = params.first() {
                bail!("{param}: PNML nets take no parameters");
            }
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let net = parse_pnml(&text).with_context(|| format!("{}", path.display()))?;
            Ok(NetFile::Pnml(net))
        }
        _ => bail!(
            "{}: unsupported net file (expected a .pnml file; YAML nets are not wired in yet)",
            path.display()
        ),
    }
}
