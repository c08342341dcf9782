//! `sesphr to-murphi` (hidden): a P/T net as a Murphi model for Rumur, used by
//! `scripts/bench-anchors`: one counter per place over `0..BOUND` (Rumur packs
//! each into the bits its range needs) and one `rule` per transition.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use sesphr_engine::ptnet::PtNet;

use sesphr_engine::load::LoadedNet;

/// Arguments of `sesphr to-murphi`.
#[derive(Args, Debug)]
pub struct MurphiArgs {
    /// The net: a PNML P/T net (`.pnml`).
    pub net: PathBuf,
    /// The largest count a place may hold (the counters' range is 0..BOUND;
    /// Rumur reports an error if a firing leaves it).
    #[arg(long, default_value_t = 255)]
    pub bound: u32,
}

/// Prints the Murphi translation: 0 on success, 2 on bad input.
pub fn run(args: &MurphiArgs) -> ExitCode {
    match crate::host::load(&crate::NetArgs {
        net: args.net.clone(),
        params: Vec::new(),
    }) {
        Ok(LoadedNet::PlaceTransition(net)) => match murphi(&net, args.bound) {
            Ok(text) => {
                crate::cmd::write_out(format_args!("{text}"));
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("error: {}: {message}", args.net.display());
                ExitCode::from(2)
            }
        },
        Ok(LoadedNet::Coloured(_)) => {
            eprintln!(
                "error: {}: only PNML P/T nets translate to Murphi",
                args.net.display()
            );
            ExitCode::from(2)
        }
        Err(error) => {
            crate::output::report_error(&anyhow::Error::from(error));
            ExitCode::from(2)
        }
    }
}

/// The Murphi text of `net` with counters over `0..bound`; place `i` becomes
/// the variable `p{i}`. Fails if the initial marking exceeds `bound`.
pub fn murphi(net: &PtNet, bound: u32) -> Result<String, String> {
    if let Some((place, count)) = net
        .places
        .iter()
        .zip(&net.initial)
        .find(|&(_, &count)| count > bound)
    {
        return Err(format!(
            "place {place} starts with {count} tokens, above the bound {bound}"
        ));
    }
    let mut out = format!("-- {} translated by sesphr to-murphi\n\nvar\n", net.name);
    for (i, name) in net.places.iter().enumerate() {
        let _ = writeln!(out, "  p{i}: 0..{bound}; -- {}", comment(name));
    }
    out += "\nstartstate \"initial\"\nbegin\n";
    for (i, count) in net.initial.iter().enumerate() {
        let _ = writeln!(out, "  p{i} := {count};");
    }
    out += "end;\n\n";
    for t in &net.transitions {
        let guard: Vec<String> = t.pre.iter().map(|(p, w)| format!("p{p} >= {w}")).collect();
        let guard = if guard.is_empty() {
            "true".to_string()
        } else {
            guard.join(" & ")
        };
        let _ = writeln!(out, "rule \"{}\"\n  {guard}\n==>\nbegin", comment(&t.name));
        for (p, delta) in deltas(&t.pre, &t.post) {
            let sign = if delta < 0 { '-' } else { '+' };
            let _ = writeln!(out, "  p{p} := p{p} {sign} {};", delta.abs());
        }
        out += "end;\n\n";
    }
    Ok(out)
}

/// (place, post - pre) for every place whose count a firing changes.
fn deltas(pre: &[(usize, u32)], post: &[(usize, u32)]) -> Vec<(usize, i64)> {
    let mut out: Vec<(usize, i64)> = pre.iter().map(|&(p, w)| (p, -i64::from(w))).collect();
    for &(p, w) in post {
        match out.iter_mut().find(|(q, _)| *q == p) {
            Some((_, delta)) => *delta += i64::from(w),
            None => out.push((p, i64::from(w))),
        }
    }
    out.retain(|&(_, delta)| delta != 0);
    out.sort_unstable();
    out
}

/// `name` without the characters that would end a Murphi comment or string.
fn comment(name: &str) -> String {
    name.chars()
        .map(|c| if c == '"' || c == '\n' { '_' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation_has_one_rule_per_transition_with_net_changes() {
        let net = PtNet::new(
            "two",
            vec!["a".into(), "b".into()],
            vec![2, 0],
            vec![
                ("move".into(), vec![(0, 1)], vec![(1, 1)]),
                ("self".into(), vec![(1, 1)], vec![(1, 1)]),
            ],
        );
        let text = murphi(&net, 3).unwrap();
        assert!(text.contains("p0: 0..3;"));
        assert!(text.contains("p0 := 2;"));
        assert!(text.contains(
            "rule \"move\"\n  p0 >= 1\n==>\nbegin\n  p0 := p0 - 1;\n  p1 := p1 + 1;\nend;"
        ));
        assert!(text.contains("rule \"self\"\n  p1 >= 1\n==>\nbegin\nend;"));
        assert!(murphi(&net, 1).is_err());
    }
}
