//! A compiled net: resolved, type-checked and ready to fire.

use super::code::{Code, Env, EvalError, Pattern, PlaceId, Site};
use super::explain::Formula;
use super::marking::{Marking, Multiset};
use std::sync::Arc;

use super::types::{EnumType, Ty};
use crate::net::functions::CanonicalForm;
use crate::net::pos::Pos;
use crate::net::value::Value;

/// A compiled High Level Petri Net.
#[derive(Debug, Clone)]
pub struct Net {
    /// The net's name.
    pub name: String,
    /// Its description, if the file has one.
    pub description: Option<String>,
    /// The parameters with the values in force (defaults or overrides).
    pub params: Vec<(String, Value)>,
    /// The bounds integer parameters declare on the values they may be
    /// given, `(name, min, max)`, in file order (unbounded ones left out).
    pub param_bounds: Vec<(String, Option<i64>, Option<i64>)>,
    /// The places, in file order.
    pub places: Vec<Place>,
    /// The transitions, in file order.
    pub transitions: Vec<Transition>,
    /// The properties, in file order (CTL and LTL ones apart, in `temporal`).
    pub properties: Vec<Property>,
    /// The CTL and LTL properties, in file order.
    pub temporal: Vec<crate::temporal::TemporalProperty>,
    /// The fairness assumptions of the LTL properties.
    pub fairness: Vec<crate::temporal::Fairness>,
    /// The initial marking.
    pub initial: Marking,
    /// The types declared symmetric, in declaration order.
    pub symmetric: Vec<SymmetricType>,
    /// How the host's functions restore their values' canonical form after renaming.
    pub canonical_form: Option<CanonicalForm>,
}

/// A type declared symmetric, and how the reduction permutes its constants.
#[derive(Debug, Clone)]
pub struct SymmetricType {
    /// The enumeration (or symmetric range) whose constants are permuted.
    pub ty: Arc<EnumType>,
    /// `symmetric: { within: R }`: the constants are permuted separately for
    /// each constant `r` of the enumeration `R`, acting on the pairs `(r, s)`
    /// (the loader guarantees that a value of `ty` occurs only in such a
    /// pair, with the `r` it was bound with); `None` for `symmetric: true`,
    /// one permutation for the whole net.
    pub within: Option<Arc<EnumType>>,
    /// Where the type is declared (errors about its symmetry point there).
    pub pos: Pos,
}

/// A place.
#[derive(Debug, Clone)]
pub struct Place {
    /// Its name.
    pub name: String,
    /// The type of its tokens.
    pub ty: Ty,
    /// Where it is declared.
    pub pos: Pos,
}

/// A variable of a transition, bound by its input arcs.
#[derive(Debug, Clone)]
pub struct Variable {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: Ty,
}

/// A transition.
#[derive(Debug, Clone)]
pub struct Transition {
    /// Its name.
    pub name: String,
    /// Where it is declared.
    pub pos: Pos,
    /// Its variables; variable `i` lives in binding slot `i`.
    pub vars: Vec<Variable>,
    /// Input items in matching order: scanning patterns first, then exact look-ups.
    pub inputs: Vec<InputItem>,
    /// Guard conjuncts, each tested as soon as its variables are bound.
    pub guards: Vec<GuardPart>,
    /// Output items.
    pub outputs: Vec<OutputItem>,
    /// Human-readable arc inscriptions `(place, text, is_input)` for graphs.
    pub inscriptions: Vec<(PlaceId, String, bool)>,
    /// The guard as written, for graphs.
    pub guard_text: Option<String>,
    /// Whether two input items of one place have wildcards, so that they can
    /// take the same tokens in either order and give the same binding twice
    /// (the binding search then drops the repeats).
    pub wildcards_may_swap: bool,
}

/// Whether two scanning items of one place have wildcards (see
/// [`Transition::wildcards_may_swap`]).
pub fn wildcards_may_swap(inputs: &[InputItem]) -> bool {
    let wild_places: Vec<PlaceId> = inputs
        .iter()
        .filter(|i| matches!(&i.matcher, Matcher::Scan { pattern, .. } if pattern.has_wildcard()))
        .map(|i| i.place)
        .collect();
    wild_places
        .iter()
        .enumerate()
        .any(|(k, p)| wild_places[k + 1..].contains(p))
}

/// One item of an input arc.
#[derive(Debug, Clone)]
pub struct InputItem {
    /// The place it takes from.
    pub place: PlaceId,
    /// How many copies it takes; 0 for the matchers that take no fixed
    /// number ([`Matcher::Difference`], [`Matcher::Each`]).
    pub mult: u32,
    /// How the token is found.
    pub matcher: Matcher,
    /// Where the item is written in the net's file.
    pub pos: Pos,
}

/// How an input item finds its token.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Scan the place's tokens (from the first `prefix` fixed tuple components on).
    Scan {
        /// The pattern.
        pattern: Pattern,
        /// How many leading tuple components are fixed before matching.
        prefix: usize,
    },
    /// Compute the token from bound variables and look it up.
    Exact(Code),
    /// Compute a multiset from bound variables and take it whole: for each
    /// `(count, code)`, `count` copies of the value (a negative count takes
    /// copies away: a PNML multiset difference). A difference below zero is
    /// an error.
    Difference(Vec<(i64, Code)>),
    /// Bind the slot to each value of a finite sort in turn, taking no
    /// token: a variable that no input arc binds (PNML lets it range over its
    /// sort). The item's place is one of the transition's, for the analyses
    /// that ask which places a transition reads.
    Each {
        /// The slot bound.
        slot: usize,
        /// The values, in order.
        values: Vec<Value>,
    },
}

/// A guard conjunct and the matching step after which it can be tested.
#[derive(Debug, Clone)]
pub struct GuardPart {
    /// The condition.
    pub code: Code,
    /// Test it once this many input items are matched.
    pub after: usize,
    /// Where the conjunct is written in the net's file (PNML: the transition).
    pub pos: Pos,
}

/// One item of an output arc.
#[derive(Debug, Clone)]
pub struct OutputItem {
    /// The place it puts tokens in.
    pub place: PlaceId,
    /// How many copies.
    pub mult: u32,
    /// What it puts.
    pub tokens: OutputTokens,
    /// Where the item is written in the net's file.
    pub pos: Pos,
}

/// The tokens an output item produces.
#[derive(Debug, Clone)]
pub enum OutputTokens {
    /// One value computed from the binding.
    Expr(Code),
    /// Every value of a finite type (`all(T)`).
    All(Vec<Value>),
    /// Takes back `mult` copies of one value from what the transition's other
    /// output items put in this place: a multiset difference (`A - B` in a
    /// PNML inscription). Firing fails when they did not put that many.
    Subtract(Code),
}

/// A property to check over the reachable markings.
#[derive(Debug, Clone)]
pub struct Property {
    /// Its name.
    pub name: String,
    /// Where it is declared.
    pub pos: Pos,
    /// What it states.
    pub kind: PropertyKind,
    /// How many variable slots its quantifiers need.
    pub slots: usize,
    /// The boolean skeleton of an invariant, a goal or a deadlock exception,
    /// with the source text and position of its parts, and the slots it
    /// needs: explains a violation ([`Formula::explain`]; of a deadlock
    /// property, why the exception does not excuse the dead marking) and
    /// locates a failed evaluation.
    pub formula: Option<(Formula, usize)>,
}

impl Property {
    /// `error`, raised evaluating the property in `marking`, attributed to
    /// the property and, unless it already says where it was raised (an
    /// arithmetic operator, a negation, a function call), located at the
    /// innermost part of its formula that fails there
    /// ([`Formula::failure_position`]), where it has one.
    pub fn failed(&self, marking: &Marking, error: EvalError) -> EvalError {
        let at = (self.formula.as_ref())
            .filter(|_| error.position().is_none())
            .and_then(|(formula, slots)| {
                formula.failure_position(marking, *slots.max(&self.slots))
            });
        match at {
            Some(pos) => error.at(pos),
            None => error,
        }
        .in_property(&self.name)
    }

    /// Whether `code`, a formula of this property, holds in `marking`,
    /// evaluated with the property's variable slots; an error is attributed
    /// to the property as by [`Property::failed`].
    pub fn holds_in(&self, code: &Code, marking: &Marking) -> Result<bool, EvalError> {
        let mut slots = vec![Value::Bool(false); self.slots];
        let mut env = Env::new(&mut slots, Some(marking));
        code.holds(&mut env).map_err(|e| self.failed(marking, e))
    }

    /// Whether `marking` violates this property, if it is one that every
    /// reachable marking must satisfy (an invariant or a bound); `None` for
    /// the others, which no single marking violates.
    pub fn violated_in(&self, marking: &Marking) -> Result<Option<bool>, EvalError> {
        match &self.kind {
            PropertyKind::Invariant(code) => Ok(Some(!self.holds_in(code, marking)?)),
            PropertyKind::Bound { places, max } => Ok(Some(
                (places.iter()).any(|&p| marking.places[p].total() > *max),
            )),
            PropertyKind::Reachable(_) | PropertyKind::DeadlockFree(_) => Ok(None),
        }
    }
}

/// The kinds of properties.
#[derive(Debug, Clone)]
pub enum PropertyKind {
    /// Holds in every reachable marking.
    Invariant(Code),
    /// Holds in some reachable marking.
    Reachable(Code),
    /// No reachable dead marking, except those satisfying the predicate.
    DeadlockFree(Option<Code>),
    /// No place of `places` ever holds more than `max` tokens.
    Bound {
        /// The places (one for a net file's `bound`, every place for the
        /// standard one-safe).
        places: Vec<PlaceId>,
        /// The bound.
        max: u64,
    },
}

impl PropertyKind {
    /// The keyword of this kind in net files.
    pub fn keyword(&self) -> &'static str {
        match self {
            PropertyKind::Invariant(_) => "invariant",
            PropertyKind::Reachable(_) => "reachable",
            PropertyKind::DeadlockFree(_) => "deadlock-free",
            PropertyKind::Bound { .. } => "bound",
        }
    }
}

impl Net {
    /// A net with only places, transitions and an initial marking: no
    /// description, parameters, properties, fairness or symmetry (what a
    /// PNML file gives).
    pub fn bare(
        name: String,
        places: Vec<Place>,
        transitions: Vec<Transition>,
        initial: Marking,
    ) -> Net {
        Net {
            name,
            description: None,
            params: Vec::new(),
            param_bounds: Vec::new(),
            places,
            transitions,
            properties: Vec::new(),
            temporal: Vec::new(),
            fairness: Vec::new(),
            initial,
            symmetric: Vec::new(),
            canonical_form: None,
        }
    }

    /// The number of the place called `name`.
    pub fn place_id(&self, name: &str) -> Option<PlaceId> {
        self.places.iter().position(|p| p.name == name)
    }

    /// The number of the transition called `name`.
    pub fn transition_id(&self, name: &str) -> Option<usize> {
        self.transitions.iter().position(|t| t.name == name)
    }

    /// Where in the net's file the failed evaluation `error` lies: the guard
    /// or arc item it names, or else the declaration of the transition or
    /// property it belongs to; `None` if it says neither.
    pub fn position_of_failure(&self, error: &EvalError) -> Option<Pos> {
        error.position().or_else(|| match error.site()? {
            Site::Transition(name) => self
                .transitions
                .iter()
                .find(|t| t.name == name)
                .map(|t| t.pos),
            Site::Property(name) => (self.properties.iter().map(|p| (&p.name, p.pos)))
                .chain(self.temporal.iter().map(|p| (&p.name, p.pos)))
                .find(|(n, _)| *n == name)
                .map(|(_, pos)| pos),
        })
    }

    /// The marked places of `marking`, in the net's order, each with its
    /// tokens as text (`{1, 2'x}`).
    pub fn marked_places(&self, marking: &Marking) -> Vec<(String, String)> {
        (self.places.iter().zip(&marking.places))
            .filter(|(_, m)| !m.is_empty())
            .map(|(p, m)| (p.name.clone(), m.to_string()))
            .collect()
    }

    /// A marking shown place by place, skipping empty places.
    pub fn show_marking(&self, marking: &Marking) -> String {
        self.show_places(marking, Multiset::to_string)
    }

    /// A marking shown place by place as token counts (`idle: 1`),
    /// skipping empty places: how a place/transition net's marking reads,
    /// whose places hold only `()` tokens.
    pub fn show_counts(&self, marking: &Marking) -> String {
        self.show_places(marking, |tokens| tokens.total().to_string())
    }

    /// The marked places of `marking`, one a line, each with its tokens as
    /// `show` writes them; `(all places empty)` when none is marked.
    fn show_places(&self, marking: &Marking, show: impl Fn(&Multiset) -> String) -> String {
        let parts: Vec<String> = self
            .places
            .iter()
            .zip(&marking.places)
            .filter(|(_, m)| !m.is_empty())
            .map(|(p, m)| format!("{}: {}", p.name, show(m)))
            .collect();
        if parts.is_empty() {
            "(all places empty)".into()
        } else {
            parts.join("\n")
        }
    }
}
