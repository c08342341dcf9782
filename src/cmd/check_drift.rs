//! The note `check` prints when a run's integers keep changing: the sign
//! that its state space may have no end ([`sesphr_engine::explore::drift`]).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::ProgressBar;
use sesphr_engine::explore::{DriftHook, IntegerDrift};
use sesphr_engine::load::LoadedNet;
use sesphr_engine::net::pos::Pos;

/// A hook that prints the note once (above the status line `bar`, if
/// there is one), located at the first changing place's declaration.
pub fn drift_note(net: &LoadedNet, file: &Path, bar: Option<&ProgressBar>) -> DriftHook {
    let file = file.to_path_buf();
    let bar = bar.cloned();
    // Where each place that may hold integers of type `Int` is declared
    // (a place/transition net has none).
    let places: Vec<(String, Pos)> = match net {
        LoadedNet::Coloured(net) => (net.places.iter())
            .filter(|p| p.ty.holds_int())
            .map(|p| (p.name.clone(), p.pos))
            .collect(),
        LoadedNet::PlaceTransition(_) => Vec::new(),
    };
    let told = AtomicBool::new(false);
    Arc::new(move |drift: &IntegerDrift| {
        if told.swap(true, Ordering::Relaxed) {
            return;
        }
        let at = (drift.places.first())
            .and_then(|first| places.iter().find(|(name, _)| *name == first.place))
            .map(|&(_, at)| at);
        let located = crate::host::located(anyhow::anyhow!(message(drift)), at, &file);
        let note = format!("note: {}", crate::output::render_error(&located));
        match &bar {
            Some(bar) => bar.println(note),
            None => crate::output::write_err(format_args!("{note}\n")),
        }
    })
}

/// What the note says: which integers change, by how much, and what to do.
fn message(drift: &IntegerDrift) -> String {
    let every = match drift.every {
        1 => "every step".to_string(),
        n => format!("every {n} steps"),
    };
    let what = match drift.places.as_slice() {
        [one] => format!(
            "place `{}` keep changing (by {:+} {every}: {} after {} steps)",
            one.place, one.by, one.now, drift.steps
        ),
        many => {
            let each: Vec<String> = (many.iter())
                .map(|p| format!("`{}` (by {:+} {every}, now {})", p.place, p.by, p.now))
                .collect();
            format!(
                "places {} keep changing ({} steps from the initial marking)",
                each.join(", "),
                drift.steps
            )
        }
    };
    format!(
        "the integers of type Int in {what}: if nothing bounds them, the state space has no \
         end and this run stops only at a limit (--max-states, --depth, --timeout, or \
         --max-memory, by default 80% of the memory); a range type (`range: [0, 10]`) would \
         bound them"
    )
}
