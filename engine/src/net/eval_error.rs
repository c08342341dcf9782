//! What can go wrong while an expression is evaluated or a transition
//! fires, and where in the net it went wrong.

use crate::net::functions::FunctionError;

/// An error while evaluating an expression or firing a transition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// Division or remainder by zero.
    #[error("division by zero")]
    DivisionByZero,
    /// An integer operation overflowed.
    #[error("integer overflow")]
    Overflow,
    /// A host function failed.
    #[error(transparent)]
    Function(#[from] FunctionError),
    /// A host function returned a value outside its declared type.
    #[error("function `{function}` returned `{value}`, which is not a {expected}")]
    BadResult {
        /// The function.
        function: String,
        /// What it returned.
        value: String,
        /// Its declared result type.
        expected: String,
    },
    /// A value of the wrong shape reached an operator (a host function broke its signature).
    #[error("expected {expected}, found `{found}`")]
    Shape {
        /// What the operator needed.
        expected: &'static str,
        /// What it got.
        found: String,
    },
    /// A token put in a place lies outside the place's type.
    #[error("transition `{transition}` puts `{value}` in place `{place}`, outside its type {ty}")]
    OutOfType {
        /// The transition.
        transition: String,
        /// The place.
        place: String,
        /// The value.
        value: String,
        /// The place's type.
        ty: String,
    },
    /// A place would hold more than 2^32 - 1 copies of one value.
    #[error("place `{place}` would hold more than 4294967295 copies of one token")]
    CountOverflow {
        /// The place.
        place: String,
    },
    /// The run's time or memory budget ran out during the evaluation.
    #[error(transparent)]
    Stopped(#[from] crate::budget::Exhausted),
    /// An error inside a named transition's guard or arc.
    #[error("in transition `{transition}`: {source}")]
    InTransition {
        /// The transition.
        transition: String,
        /// The error.
        #[source]
        source: Box<EvalError>,
    },
    /// An error in the guard or arc item written at `pos` in the net's file
    /// (shown as the error alone: the position is for the one who reports it).
    #[error("{error}")]
    At {
        /// Where the expression is written.
        pos: crate::net::pos::Pos,
        /// The error.
        error: Box<EvalError>,
    },
    /// An error inside a named property's formula or atom.
    #[error("in property `{property}`: {source}")]
    InProperty {
        /// The property.
        property: String,
        /// The error.
        #[source]
        source: Box<EvalError>,
    },
}

/// What a failed evaluation belongs to: a transition or a property, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site<'a> {
    /// A transition's guard or arc.
    Transition(&'a str),
    /// A property's formula or atom.
    Property(&'a str),
}

impl EvalError {
    /// This error as one inside property `property`; a stop of the run's
    /// budget, and an error that already names its site, stay as they are.
    pub fn in_property(self, property: &str) -> EvalError {
        match self {
            EvalError::Stopped(_)
            | EvalError::InTransition { .. }
            | EvalError::InProperty { .. } => self,
            e => EvalError::InProperty {
                property: property.to_string(),
                source: Box::new(e),
            },
        }
    }

    /// This error as one in the expression written at `pos`; a stop of the
    /// run's budget, and an error already placed or named, stay as they are.
    pub fn at(self, pos: crate::net::pos::Pos) -> EvalError {
        match self {
            EvalError::Stopped(_)
            | EvalError::At { .. }
            | EvalError::InTransition { .. }
            | EvalError::InProperty { .. } => self,
            e => EvalError::At {
                pos,
                error: Box::new(e),
            },
        }
    }

    /// Where in the net's file the failed expression is written, where the
    /// error says (a guard or an arc item).
    pub fn position(&self) -> Option<crate::net::pos::Pos> {
        match self {
            EvalError::At { pos, .. } => Some(*pos),
            EvalError::InTransition { source, .. } | EvalError::InProperty { source, .. } => {
                source.position()
            }
            _ => None,
        }
    }

    /// The transition or property the failed evaluation belongs to, where
    /// the error names one.
    pub fn site(&self) -> Option<Site<'_>> {
        match self {
            EvalError::InTransition { transition, .. }
            | EvalError::OutOfType { transition, .. } => Some(Site::Transition(transition)),
            EvalError::InProperty { property, .. } => Some(Site::Property(property)),
            EvalError::At { error, .. } => error.site(),
            _ => None,
        }
    }
}
