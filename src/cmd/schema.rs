//! `sesphr schema`: the JSON Schema of the YAML net format, for editors.

use std::process::ExitCode;

use anyhow::Result;

/// The schema, as committed in `schemas/net.schema.json`.
pub const NET_SCHEMA: &str = include_str!("../../schemas/net.schema.json");

/// Prints the schema.
pub fn run() -> Result<ExitCode> {
    crate::cmd::write_out(format_args!("{NET_SCHEMA}"));
    Ok(ExitCode::SUCCESS)
}
