//! A High Level (coloured) Petri Net engine.
//!
//! A Petri net has *places* that hold tokens and *transitions* that consume
//! tokens from input places and produce tokens in output places. In a High
//! Level (coloured) net, tokens carry typed values, arcs carry patterns and
//! expressions over variables, and a transition fires under a *binding* of
//! those variables that its input arcs can take and its guard accepts.
//!
//! The engine knows nothing of any particular protocol: nets come from YAML
//! files or PNML files (both through [`load::open`]), and the functions a net declares
//! are bound by the host through [`net::functions::FunctionLibrary`].
//!
//! # Layout, by job
//!
//! | folder | job |
//! |---|---|
//! | [`load`] | formats in: YAML and PNML (P/T and symmetric) to a [`load::LoadedNet`], with one error and one position type |
//! | [`expr`] | the expression language's parser (guards, inscriptions, properties) |
//! | [`net`] | the compiled coloured net: types, values, compiled code, markings, declared functions, its structure as a graph |
//! | [`coloured`] | coloured semantics: the firing rule, simulation, the state space with symmetry and partial-order reduction |
//! | [`ptnet`] | place/transition nets and their packed fast path |
//! | [`budget`] | the time and memory budget of a run, checked from the innermost loops (binding search, property evaluation, exploration) |
//! | [`explore`] | breadth-first exploration of any state space: properties, shortest counterexamples |
//! | [`check`] | the front door's second half: a loaded net to a verdict, picking the state space |
//! | [`standard`] | the properties every net can be asked for (deadlock freedom, one-safety), as each engine states them |
//! | [`scc`] | strongly connected components: one iterative Tarjan search for the LTL, CTL, fairness and stubborn-set code |
//! | [`temporal`] | CTL and LTL over the explored graph, with fairness |
//! | [`mcc`] | the Model Checking Contest's examinations |
//! | [`smt`] | the SMT route: a bounded unrolling in SMT-LIB 2, solved by an external solver |
//! | [`mutate`] | mutation testing of nets |

#![deny(missing_docs)]
// Denied everywhere but in `explore::store::prefetch`, one documented call.
#![deny(unsafe_code)]

pub mod budget;
pub mod check;
pub mod coloured;
pub mod explore;
pub mod expr;
pub mod load;
pub mod mcc;
pub mod mutate;
pub mod net;
pub mod ptnet;
pub mod scc;
pub mod smt;
pub mod standard;
pub mod temporal;
