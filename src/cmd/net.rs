//! Loading the net files the commands accept: YAML nets and PNML P/T nets.

use anyhow::{Context, Result, bail};
use sesphr_engine::net::model::Net;
use sesphr_engine::pnml::parse_pnml;
use sesphr_engine::ptnet::PtNet;
use sesphr_engine::source::{MAX_INPUT_BYTES, read_text};

use crate::{NetArgs, host};

/// The kinds of net file.
pub enum NetFile {
    /// A PNML place/transition net.
    Pnml(PtNet),
    /// A YAML (coloured) net, compiled.
    Yaml(Box<Net>),
}

/// Whether the path names a PNML file (by extension).
pub fn is_pnml(path: &std::path::Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("pnml" | "xml")
    )
}

/// Reads the net named by `args`, choosing the format by extension
/// (`.pnml` and `.xml` are PNML, anything else YAML).
pub fn load(args: &NetArgs) -> Result<NetFile> {
    let path = &args.net;
    if is_pnml(path) {
        if let Some((name, _)) = args.params.first() {
            bail!("--param {name}: PNML nets take no parameters");
        }
        let text = read_text(path, MAX_INPUT_BYTES).with_context(|| path.display().to_string())?;
        let net = parse_pnml(&text).with_context(|| format!("{}", path.display()))?;
        return Ok(NetFile::Pnml(net));
    }
    Ok(NetFile::Yaml(Box::new(host::load(args)?)))
}
