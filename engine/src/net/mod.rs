//! Compiled coloured nets: types, token values, markings, compiled
//! expressions, the functions a net declares, the net model with the source
//! positions of its items, its structure as a graph, and a
//! process-independent encoding of markings.

pub mod code;
mod eval_error;
pub mod explain;
pub mod functions;
pub mod graph;
mod lookup_tuple;
pub mod marking;
pub mod model;
pub mod pos;
pub mod prefix;
pub mod settled;
pub mod symbol;
pub mod types;
pub mod value;
pub mod wire;
