//! The subcommands of the `sesphr` CLI, one module each.

pub mod check;
pub mod graph;
pub mod net;
pub mod promela;
