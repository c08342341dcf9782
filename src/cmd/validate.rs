//! `sesphr validate NET`: load and type-check, then summarise.

use std::process::ExitCode;

use sesphr_engine::load::LoadedNet;

use crate::{NetArgs, host};

/// Runs the command.
pub fn run(args: &NetArgs) -> anyhow::Result<ExitCode> {
    let net = match host::load(args)? {
        LoadedNet::PlaceTransition(net) => {
            let tokens: u64 = net.initial.iter().map(|&n| u64::from(n)).sum();
            outln!(
                "{}: valid place/transition net `{}`: {} places, {} transitions, {} initial tokens",
                args.net.display(),
                net.name,
                net.places.len(),
                net.transitions.len(),
                tokens
            );
            return Ok(ExitCode::SUCCESS);
        }
        LoadedNet::Coloured(net) => net,
    };
    let tokens = net.initial.total();
    outln!(
        "{}: valid net `{}`: {} places, {} transitions, {} properties, {} initial tokens",
        args.net.display(),
        net.name,
        net.places.len(),
        net.transitions.len(),
        net.properties.len(),
        tokens
    );
    if !net.params.is_empty() {
        let params: Vec<String> = net.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        outln!("parameters: {}", params.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}
