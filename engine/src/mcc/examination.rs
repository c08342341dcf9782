//! The contest's examinations, by the names its files and command lines use.

use std::fmt;
use std::str::FromStr;

/// The examinations of the contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Examination {
    /// Reachable states, edges and token bounds.
    StateSpace,
    /// Is a dead marking reachable?
    ReachabilityDeadlock,
    /// Does every place hold at most one token?
    OneSafe,
    /// `EF`/`AG` formulas over token counts.
    ReachabilityCardinality,
    /// `EF`/`AG` formulas over enabled transitions.
    ReachabilityFireability,
    /// The most tokens of sets of places.
    UpperBounds,
    /// CTL formulas over token counts.
    CtlCardinality,
    /// CTL formulas over enabled transitions.
    CtlFireability,
    /// LTL formulas over token counts.
    LtlCardinality,
    /// LTL formulas over enabled transitions.
    LtlFireability,
}

impl Examination {
    /// Every examination, in the contest's order.
    pub const ALL: [Examination; 10] = [
        Examination::StateSpace,
        Examination::ReachabilityDeadlock,
        Examination::OneSafe,
        Examination::ReachabilityCardinality,
        Examination::ReachabilityFireability,
        Examination::UpperBounds,
        Examination::CtlCardinality,
        Examination::CtlFireability,
        Examination::LtlCardinality,
        Examination::LtlFireability,
    ];

    /// The contest's name of the examination (and of its property file, `<name>.xml`).
    pub fn name(self) -> &'static str {
        match self {
            Examination::StateSpace => "StateSpace",
            Examination::ReachabilityDeadlock => "ReachabilityDeadlock",
            Examination::OneSafe => "OneSafe",
            Examination::ReachabilityCardinality => "ReachabilityCardinality",
            Examination::ReachabilityFireability => "ReachabilityFireability",
            Examination::UpperBounds => "UpperBounds",
            Examination::CtlCardinality => "CTLCardinality",
            Examination::CtlFireability => "CTLFireability",
            Examination::LtlCardinality => "LTLCardinality",
            Examination::LtlFireability => "LTLFireability",
        }
    }

    /// Whether the examination's formulas come from a property file.
    pub fn has_property_file(self) -> bool {
        !matches!(
            self,
            Examination::StateSpace | Examination::ReachabilityDeadlock | Examination::OneSafe
        )
    }
}

impl fmt::Display for Examination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Examination {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Examination::ALL
            .into_iter()
            .find(|e| e.name() == s)
            .ok_or_else(|| unknown(s))
    }
}

/// The contest's examinations that are not answered: the tool does not
/// compete in them.
pub const NOT_ANSWERED: [&str; 3] = ["QuasiLiveness", "StableMarking", "Liveness"];

/// An examination the contest names: one answered, or one of
/// [`NOT_ANSWERED`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    /// An examination that is answered.
    Answered(Examination),
    /// A contest examination that is not (its name).
    NotAnswered(&'static str),
}

impl Requested {
    /// The contest's name of the examination.
    pub fn name(self) -> &'static str {
        match self {
            Requested::Answered(e) => e.name(),
            Requested::NotAnswered(name) => name,
        }
    }
}

impl FromStr for Requested {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match NOT_ANSWERED.into_iter().find(|&name| name == s) {
            Some(name) => Ok(Requested::NotAnswered(name)),
            None => s.parse().map(Requested::Answered),
        }
    }
}

/// The message for an examination name the contest does not have.
fn unknown(s: &str) -> String {
    let names: Vec<&str> = (Examination::ALL.iter().map(|e| e.name()))
        .chain(NOT_ANSWERED)
        .collect();
    format!("unknown examination {s:?} (one of {})", names.join(", "))
}
