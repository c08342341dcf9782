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
//! are bound by the host through [`functions::FunctionLibrary`].
#![deny(missing_docs)]
// Denied everywhere but in `explore::store::prefetch`, one documented call.
#![deny(unsafe_code)]

pub mod budget;
pub mod check;
pub mod coloured;
pub mod error;
pub mod explore;
pub mod expr;
pub mod fire;
pub mod functions;
pub mod graph;
pub mod load;
pub mod mcc;
pub mod mutate;
pub mod net;
pub mod ptnet;
pub mod simulate;
pub mod smt;
pub mod source;
pub mod temporal;
pub mod value;
