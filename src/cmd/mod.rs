//! Subcommand implementations (one module per command).

pub mod demo;
pub mod ledger;
