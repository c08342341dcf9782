//! Compiled nets: types, markings, compiled expressions and the net model.

pub mod code;
pub mod explain;
pub mod marking;
pub mod model;
pub mod types;
