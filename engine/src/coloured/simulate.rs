//! Random simulation: fire enabled bindings chosen by a seeded generator.

use std::ops::ControlFlow;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::coloured::fire::{Binding, enabled_bindings, fire};
use crate::net::code::EvalError;
use crate::net::marking::Marking;
use crate::net::model::Net;

/// Why a simulation stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The requested number of steps was fired.
    StepLimit,
    /// No binding was enabled (a dead marking).
    Dead,
    /// The caller's step hook asked to stop (e.g. its reader has gone).
    Stopped,
}

/// The end of a simulation run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The last marking.
    pub marking: Marking,
    /// How many steps were fired.
    pub steps: u64,
    /// Why the run stopped.
    pub reason: StopReason,
}

/// Fires up to `steps` bindings chosen uniformly among the enabled ones by a
/// generator seeded with `seed`; calls `on_step(step, binding, next_marking)`
/// after each firing. The same net, seed and step count give the same run.
pub fn simulate(
    net: &Net,
    steps: u64,
    seed: u64,
    mut on_step: impl FnMut(u64, &Binding, &Marking),
) -> Result<Outcome, EvalError> {
    simulate_while(net, steps, seed, |step, binding, marking| {
        on_step(step, binding, marking);
        ControlFlow::Continue(())
    })
}

/// [`simulate`], stopping early (reason [`StopReason::Stopped`]) when
/// `on_step` returns [`ControlFlow::Break`].
pub fn simulate_while(
    net: &Net,
    steps: u64,
    seed: u64,
    mut on_step: impl FnMut(u64, &Binding, &Marking) -> ControlFlow<()>,
) -> Result<Outcome, EvalError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut marking = net.initial.clone();
    let mut bindings = Vec::new();
    for step in 0..steps {
        bindings.clear();
        enabled_bindings(net, &marking, &mut bindings)?;
        if bindings.is_empty() {
            return Ok(Outcome {
                marking,
                steps: step,
                reason: StopReason::Dead,
            });
        }
        let chosen = &bindings[rng.random_range(0..bindings.len())];
        marking = fire(net, &marking, chosen)?;
        if on_step(step + 1, chosen, &marking).is_break() {
            return Ok(Outcome {
                marking,
                steps: step + 1,
                reason: StopReason::Stopped,
            });
        }
    }
    let mut last = Vec::new();
    enabled_bindings(net, &marking, &mut last)?;
    Ok(Outcome {
        marking,
        steps,
        reason: if last.is_empty() {
            StopReason::Dead
        } else {
            StopReason::StepLimit
        },
    })
}
