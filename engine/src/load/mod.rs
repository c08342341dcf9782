//! The one front door from a net file to a loaded net: [`open`] reads YAML
//! (coloured) nets and PNML nets alike, with one error type ([`LoadError`])
//! and one position type ([`crate::load::source::Pos`]) for both.
//!
//! ```
//! use sesphr_engine::net::functions::NoFunctions;
//! use sesphr_engine::load::{LoadedNet, open_source};
//! use sesphr_engine::load::source::Source;
//!
//! let pnml = r#"<pnml xmlns="http://www.pnml.org/version-2009/grammar/pnml">
//!   <net id="n" type="http://www.pnml.org/version-2009/grammar/ptnet"><page id="g">
//!     <place id="p"><initialMarking><text>1</text></initialMarking></place>
//!   </page></net></pnml>"#;
//! let net = open_source(&Source::new("n.pnml", pnml), &[], &NoFunctions).unwrap();
//! assert_eq!(net.name(), "n");
//! assert!(matches!(net, LoadedNet::PlaceTransition(_)));
//! ```

mod compile;
pub mod error;
pub mod pnml;
mod pt_coloured;
mod quoted;
pub mod raw;
pub mod source;
mod yaml;

use std::path::Path;

use crate::load::error::{LoadError, LoadErrorKind};
use crate::load::source::{MAX_INPUT_BYTES, ReadError, Source, read_text};
use crate::net::code::EvalError;
use crate::net::functions::FunctionLibrary;
use crate::net::marking::Marking;
use crate::net::model::Net;
use crate::net::pos::Pos;
use crate::ptnet::{MAX_COUNT, PtError, PtNet};

/// A net read from a file: a coloured net (YAML, or a PNML symmetric net) or a
/// place/transition net (PNML).
#[derive(Debug, Clone)]
pub enum LoadedNet {
    /// A compiled coloured net.
    Coloured(Box<Net>),
    /// A place/transition net, explored by the packed fast path.
    PlaceTransition(Box<PtNet>),
}

/// The formats [`open`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The project's YAML net format.
    Yaml,
    /// PNML (ISO/IEC 15909-2).
    Pnml,
}

impl Format {
    /// The format of `source`: PNML when the file is named `.pnml` or `.xml`
    /// or its text starts with an XML tag, YAML otherwise.
    pub fn of(source: &Source) -> Format {
        let by_name = matches!(
            source.path().extension().and_then(|e| e.to_str()),
            Some("pnml" | "xml")
        );
        if by_name
            || source
                .text()
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('<')
        {
            Format::Pnml
        } else {
            Format::Yaml
        }
    }
}

impl LoadedNet {
    /// The net's name (the YAML `name:`, or the PNML net's `id`).
    pub fn name(&self) -> &str {
        match self {
            LoadedNet::Coloured(net) => &net.name,
            LoadedNet::PlaceTransition(net) => &net.name,
        }
    }

    /// Where in the net's file a failed evaluation happened
    /// ([`Net::position_of_failure`]; a place/transition net evaluates no
    /// expression).
    pub fn position_of_failure(&self, error: &EvalError) -> Option<Pos> {
        match self {
            LoadedNet::Coloured(net) => net.position_of_failure(error),
            LoadedNet::PlaceTransition(_) => None,
        }
    }

    /// Where the place named `name` is declared, if the net was read from
    /// a file that says (a YAML place, a PNML `<place>` element).
    pub fn place_position(&self, name: &str) -> Option<Pos> {
        match self {
            LoadedNet::Coloured(net) => (net.places.iter()).find(|p| p.name == name).map(|p| p.pos),
            LoadedNet::PlaceTransition(net) => (net.places.iter())
                .position(|p| p == name)
                .and_then(|place| net.place_pos(place)),
        }
    }

    /// Where the transition named `name` is declared, if the net was read
    /// from a file that says (a YAML transition).
    pub fn transition_position(&self, name: &str) -> Option<Pos> {
        match self {
            LoadedNet::Coloured(net) => (net.transitions.iter())
                .find(|t| t.name == name)
                .map(|t| t.pos),
            LoadedNet::PlaceTransition(_) => None,
        }
    }

    /// The place/transition net, if this is one.
    pub fn place_transition(&self) -> Option<&PtNet> {
        match self {
            LoadedNet::PlaceTransition(net) => Some(net),
            LoadedNet::Coloured(_) => None,
        }
    }

    /// Whether `marking`, of the net's coloured view
    /// ([`LoadedNet::to_coloured`]), fits the net's token counters: in a
    /// place/transition net no place may hold more than [`MAX_COUNT`] tokens,
    /// and the first that does is the [`PtError::Overflow`] its exploration
    /// stops with. A coloured net's counts are checked as it fires.
    pub fn check_counters(&self, marking: &Marking) -> Result<(), PtError> {
        let LoadedNet::PlaceTransition(net) = self else {
            return Ok(());
        };
        let over = (net.places.iter().zip(&marking.places))
            .find(|(_, tokens)| tokens.total() > u64::from(MAX_COUNT));
        match over {
            Some((place, _)) => Err(PtError::Overflow {
                place: place.clone(),
                max: MAX_COUNT,
            }),
            None => Ok(()),
        }
    }

    /// The net as a coloured net, for the tools that work on coloured nets
    /// only (simulation, structure graphs): a place/transition net becomes a
    /// coloured net whose places hold `()` tokens.
    pub fn to_coloured(&self) -> Net {
        match self {
            LoadedNet::Coloured(net) => (**net).clone(),
            LoadedNet::PlaceTransition(net) => pt_coloured::coloured(net),
        }
    }

    /// Consumes the net into a coloured net (see [`LoadedNet::to_coloured`]).
    pub fn into_coloured(self) -> Net {
        match self {
            LoadedNet::Coloured(net) => *net,
            LoadedNet::PlaceTransition(net) => pt_coloured::coloured(&net),
        }
    }
}

/// Reads the net file at `path` in its format (see [`Format::of`]), with
/// `--param` overrides `(name, value)`, binding the functions a coloured net
/// declares from `library`.
pub fn open(
    path: &Path,
    overrides: &[(String, String)],
    library: &dyn FunctionLibrary,
) -> Result<LoadedNet, LoadError> {
    open_source(&read_source(path)?, overrides, library)
}

/// Reads a net from text already in memory (see [`open`]).
pub fn open_source(
    source: &Source,
    overrides: &[(String, String)],
    library: &dyn FunctionLibrary,
) -> Result<LoadedNet, LoadError> {
    match Format::of(source) {
        Format::Yaml => Ok(LoadedNet::Coloured(Box::new(load_net_str(
            source, overrides, library,
        )?))),
        Format::Pnml => {
            if let Some((name, _)) = overrides.first() {
                return Err(LoadError::in_file(
                    source.path(),
                    LoadErrorKind::Param(format!("{name}: PNML nets take no parameters")),
                ));
            }
            match pnml::parse_any(source.text()).map_err(|e| pnml_error(source, e))? {
                pnml::PnmlNet::PlaceTransition(net) => {
                    Ok(LoadedNet::PlaceTransition(Box::new(net)))
                }
                pnml::PnmlNet::Symmetric(net) => Ok(LoadedNet::Coloured(Box::new(net))),
            }
        }
    }
}

/// Reads the text of a net file, the read failure as a [`LoadError`].
pub fn read_source(path: &Path) -> Result<Source, LoadError> {
    let text = read_text(path, MAX_INPUT_BYTES).map_err(|e| {
        let message = match e {
            ReadError::Io(io) => io.to_string(),
            other => other.to_string(),
        };
        LoadError::in_file(path, LoadErrorKind::Io(message))
    })?;
    Ok(Source::new(path, text))
}

/// A PNML error as a load error at its position in `source`.
fn pnml_error(source: &Source, error: pnml::PnmlError) -> LoadError {
    let kind = match &error {
        pnml::PnmlError::Xml { message, .. } => LoadErrorKind::Syntax(message.clone()),
        pnml::PnmlError::Unsupported { net_type, .. } => LoadErrorKind::Unsupported(format!(
            "PNML nets of type {net_type} (only P/T nets, {}, and symmetric nets, {})",
            pnml::PTNET_TYPE,
            pnml::SYMMETRIC_TYPE
        )),
        pnml::PnmlError::UnsupportedConstruct { what, .. } => {
            LoadErrorKind::Unsupported(what.clone())
        }
        other => LoadErrorKind::Structure(other.to_string()),
    };
    match error.pos() {
        Some(pos) => LoadError::at(source, pos, kind),
        None => LoadError::in_file(source.path(), kind),
    }
}

/// Loads the YAML net at `path` (see [`open`] for any format).
pub fn load_net(
    path: &Path,
    overrides: &[(String, String)],
    library: &dyn FunctionLibrary,
) -> Result<Net, LoadError> {
    load_net_str(&read_source(path)?, overrides, library)
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
