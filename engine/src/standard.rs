//! The properties every net can be asked for besides those its file
//! declares (deadlock freedom, one-safety), and how each engine states them:
//! as P/T properties for the packed explorer, as properties appended to a
//! coloured net for the coloured one.

use crate::load::source::Pos;
use crate::net::code::{CmpOp, Code};
use crate::net::explain::{Formula, FormulaKind};
use crate::net::model::{Net, Property, PropertyKind};
use crate::net::value::Value;
use crate::ptnet::PtProperty;

/// A property every net can be asked for, besides those a net file declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandardProperty {
    /// No reachable marking is dead (the contest's ReachabilityDeadlock, negated).
    DeadlockFree,
    /// No place ever holds more than one token (the contest's OneSafe).
    OneSafe,
}

impl StandardProperty {
    /// Every standard property, in the order reports list them.
    pub const ALL: [StandardProperty; 2] =
        [StandardProperty::DeadlockFree, StandardProperty::OneSafe];

    /// The property's name in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            StandardProperty::DeadlockFree => "deadlock-free",
            StandardProperty::OneSafe => "one-safe",
        }
    }
}

/// The kind reports give `property` (the standard one-safe is a bound, on
/// coloured nets as on P/T ones).
pub fn report_kind(property: &Property) -> crate::explore::PropertyKind {
    use crate::explore::PropertyKind as Kind;
    match property.kind {
        PropertyKind::Invariant(_) => Kind::Invariant,
        PropertyKind::Reachable(_) => Kind::Reachable,
        PropertyKind::DeadlockFree(_) => Kind::DeadlockFree,
        PropertyKind::Bound { .. } => Kind::Bound,
    }
}

/// `count(p) <= 1` for the place numbered `p`.
fn at_most_one_token_in(p: usize) -> Code {
    Code::Cmp(
        CmpOp::Le,
        Box::new(Code::Count(p)),
        Box::new(Code::Const(Value::Int(1))),
    )
}

/// The conjunction of `count(p) <= 1` over the places of `net`, as a
/// formula that explains a violation: the place that holds two tokens or
/// more, and how many it holds.
fn one_safe_formula(net: &Net) -> Option<Formula> {
    let pos = Pos { line: 1, col: 1 };
    (net.places.iter().enumerate())
        .map(|(p, place)| {
            let count = format!("count({})", place.name);
            Formula {
                text: format!("{count} <= 1"),
                pos,
                kind: FormulaKind::Atom {
                    code: at_most_one_token_in(p),
                    readings: vec![(count, Code::Count(p))],
                },
            }
        })
        .reduce(|a, b| Formula {
            text: format!("{} && {}", a.text, b.text),
            pos,
            kind: FormulaKind::And(Box::new(a), Box::new(b)),
        })
}

/// The P/T properties that check `standard` on a place/transition net.
pub fn pt_properties(standard: &[StandardProperty]) -> Vec<PtProperty> {
    standard
        .iter()
        .map(|p| match p {
            StandardProperty::DeadlockFree => PtProperty::DeadlockFree,
            StandardProperty::OneSafe => PtProperty::PlaceBound(1),
        })
        .collect()
}

/// A copy of the coloured `net` with `standard` appended to its own
/// properties, in that order.
pub fn with_standard_properties(net: &Net, standard: &[StandardProperty]) -> Net {
    let mut net = net.clone();
    for &property in standard {
        let (kind, formula) = match property {
            StandardProperty::DeadlockFree => (PropertyKind::DeadlockFree(None), None),
            // No place holds two tokens, whatever their colours
            // (the contest's reading for coloured nets).
            StandardProperty::OneSafe => (
                PropertyKind::Bound {
                    places: (0..net.places.len()).collect(),
                    max: 1,
                },
                one_safe_formula(&net).map(|formula| (formula, 0)),
            ),
        };
        net.properties.push(Property {
            name: property.name().into(),
            pos: Pos { line: 1, col: 1 },
            kind,
            slots: 0,
            formula,
        });
    }
    net
}
