//! Temporal properties: CTL and LTL over the explored graph of a net, with
//! fairness, witnesses and lasso counterexamples.
//!
//! # Semantics
//!
//! A net's behaviour is a Kripke structure whose states are pairs (marking,
//! the step that led to it): `fired(T)` holds in a state reached by firing
//! `T` (never in the initial state), `enabled(T)` where `T` has an enabled
//! binding, and an expression atom where the marking satisfies it. A marking
//! without enabled binding (a deadlock) repeats for ever: it gets a
//! stuttering self-loop that fires nothing, so every run is infinite.
//!
//! * CTL ([`ctl`]) is evaluated by fixpoints over that graph; a failing
//!   universal formula gets a counterexample path (or lasso) and a holding
//!   existential one a witness.
//! * LTL ([`ltl`]) is checked by the automata-theoretic approach: the negated
//!   formula becomes a generalised Büchi automaton ([`buchi`], the tableau
//!   construction of Gerth, Peled, Vardi and Wolper), the product with the
//!   graph is explored on the fly by Tarjan's algorithm, and each completed
//!   strongly connected component is tested for a fair accepting cycle; the
//!   first one found decides the verdict; the lasso (a stem and a cycle)
//!   has the shortest stem over the whole product. A formula that some CTL
//!   formula says the same as (`G (p => F q)` is `AG (p => AF q)`;
//!   [`branching`]) is decided as that CTL formula first (going forward
//!   only for the usual shapes, [`forward`]; else by the fixpoints), and
//!   the product is searched only when it fails, for the lasso.
//! * Fairness ([`Fairness`]) restricts the runs LTL quantifies over: a weakly
//!   fair transition cannot stay enabled for ever without firing, a strongly
//!   fair one cannot be enabled infinitely often without firing. The default
//!   is no fairness (every run counts). CTL under fairness quantifies over
//!   fair runs ([`ctl`], [`fair`]).
//!
//! Everything runs sequentially in a fixed order over a graph whose numbering
//! is deterministic, so verdicts and counterexamples do not depend on the
//! thread count.

pub mod branching;
pub mod buchi;
pub mod ctl;
pub mod fair;
pub mod formula;
pub mod forward;
pub mod graph;
pub mod kripke;
pub mod ltl;
pub mod run;
pub mod simplify;

use crate::net::code::Code;
use crate::net::pos::Pos;
pub use formula::{Formula, Logic, PathQuantifier};

/// A compiled atomic proposition.
#[derive(Debug, Clone)]
pub enum Atom {
    /// A boolean expression over the marking.
    State {
        /// The predicate.
        code: Code,
        /// How many variable slots its quantifiers need.
        slots: usize,
        /// The property it belongs to (named by its evaluation errors).
        property: String,
        /// Where the predicate begins in the net file (its evaluation errors point there).
        pos: Pos,
    },
    /// `fired(T, condition)` (`fired` true) or `enabled(T, condition)`.
    Transition {
        /// `true` for `fired`, `false` for `enabled`.
        fired: bool,
        /// The transition's number.
        transition: usize,
        /// A condition over the transition's binding (slots: its variables, then quantifiers).
        condition: Option<(Code, usize)>,
        /// The property it belongs to (named by its evaluation errors).
        property: String,
        /// Where the condition (or, without one, the atom) begins in the net file.
        pos: Pos,
    },
}

/// A compiled CTL or LTL property.
#[derive(Debug, Clone)]
pub struct TemporalProperty {
    /// Its name.
    pub name: String,
    /// Where it is declared.
    pub pos: Pos,
    /// CTL or LTL.
    pub logic: Logic,
    /// The formula as written.
    pub text: String,
    /// The formula; atoms are indices into `atoms`.
    pub formula: Formula<usize>,
    /// The atomic propositions.
    pub atoms: Vec<Atom>,
}

/// How strongly a transition is assumed fair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Strength {
    /// Enabled continuously from some point on implies fired infinitely often.
    Weak,
    /// Enabled infinitely often implies fired infinitely often.
    Strong,
}

/// A fairness assumption on one transition (or on each of its bindings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fairness {
    /// The transition's number.
    pub transition: usize,
    /// Weak or strong.
    pub strength: Strength,
    /// Whether each binding is fair on its own (rather than the transition as a whole).
    pub per_binding: bool,
}
