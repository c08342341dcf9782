//! Why a PNML document could not be read, with the line and column where it went wrong.

use super::grammar::{PTNET_TYPE, SYMMETRIC_TYPE};
use crate::load::source::Pos;

/// Why a PNML document could not be read as a P/T or a symmetric net.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PnmlError {
    /// The text is not well-formed XML.
    #[error("malformed XML: {message}")]
    Xml {
        /// Where the parser stopped.
        at: Pos,
        /// The XML parser's message.
        message: String,
    },
    /// The document has no `<net>` element.
    #[error("no <net> element in the document")]
    NoNet,
    /// The net is of a type this importer does not read.
    #[error(
        "nets of type {net_type} are not supported yet (only P/T nets, {PTNET_TYPE}, and symmetric nets, {SYMMETRIC_TYPE})"
    )]
    Unsupported {
        /// The net's `type` attribute.
        net_type: String,
        /// Where the net starts.
        at: Pos,
    },
    /// A required attribute is missing.
    #[error("<{element}> lacks the attribute {attribute}")]
    MissingAttribute {
        /// The element's name.
        element: String,
        /// The missing attribute.
        attribute: String,
        /// Where the element starts.
        at: Pos,
    },
    /// Two nodes share an id.
    #[error("the id {id} is used twice")]
    DuplicateId {
        /// The id.
        id: String,
        /// Where the second use starts.
        at: Pos,
    },
    /// An initial marking or an arc weight is not a number in range.
    #[error("{text:?} is not a valid {what}")]
    BadNumber {
        /// The text found.
        text: String,
        /// What was expected (initial marking, arc weight).
        what: String,
        /// Where the text element starts.
        at: Pos,
    },
    /// An arc or a reference names a node that does not exist.
    #[error("{element} {id} refers to {target}, which is not a node of the net")]
    Dangling {
        /// The element kind (arc source, arc target, reference).
        element: String,
        /// The referring element's id.
        id: String,
        /// The missing id.
        target: String,
        /// Where the referring element starts.
        at: Pos,
    },
    /// A chain of references loops.
    #[error("the reference {id} is part of a cycle of references")]
    ReferenceCycle {
        /// A reference on the cycle.
        id: String,
        /// Where it starts.
        at: Pos,
    },
    /// A reference place points at a transition, or the reverse.
    #[error("{id} refers to {target}, a node of the wrong kind")]
    WrongKind {
        /// The reference's id.
        id: String,
        /// What it refers to.
        target: String,
        /// Where it starts.
        at: Pos,
    },
    /// A symmetric net's declaration, term or inscription is wrong (an
    /// unknown sort, variable or constant, a type mismatch, a term where
    /// another kind of term is needed).
    #[error("{message}")]
    Colour {
        /// What is wrong.
        message: String,
        /// Where the offending element starts.
        at: Pos,
    },
    /// A label that holds a count (`initialMarking`, `inscription`) has no
    /// `<text>`.
    #[error("<{label}> has no <text> (PNML writes a count as <{label}><text>3</text></{label}>)")]
    MissingText {
        /// The label's name.
        label: String,
        /// Where the label starts.
        at: Pos,
    },
    /// The net uses a construct this importer does not read: an arc other
    /// than a plain one, a place's capacity, or a symmetric net's construct
    /// outside the supported subset.
    #[error("{what}")]
    UnsupportedConstruct {
        /// The construct, and why.
        what: String,
        /// Where its element starts.
        at: Pos,
    },
    /// An arc joins two places or two transitions.
    #[error("arc {id} joins two {kind}s")]
    BadArc {
        /// The arc's id.
        id: String,
        /// `place` or `transition`.
        kind: String,
        /// Where the arc starts.
        at: Pos,
    },
}

impl PnmlError {
    /// Where in the text the error is, when it has a place.
    pub fn pos(&self) -> Option<Pos> {
        match self {
            PnmlError::NoNet => None,
            PnmlError::Xml { at, .. }
            | PnmlError::Unsupported { at, .. }
            | PnmlError::MissingAttribute { at, .. }
            | PnmlError::DuplicateId { at, .. }
            | PnmlError::BadNumber { at, .. }
            | PnmlError::MissingText { at, .. }
            | PnmlError::Dangling { at, .. }
            | PnmlError::ReferenceCycle { at, .. }
            | PnmlError::WrongKind { at, .. }
            | PnmlError::BadArc { at, .. }
            | PnmlError::Colour { at, .. }
            | PnmlError::UnsupportedConstruct { at, .. } => Some(*at),
        }
    }
}
