//! Replaying a trace on the net the page shows: every step's transition
//! fires with its binding, from the net's initial marking, so every marking
//! the page shows is one the net reaches. A step that cannot fire refuses
//! the trace: it is a trace of another net, or of other `--param` values.

use serde::Serialize;
use sesphr_engine::coloured::fire::{Binding, fire, transition_bindings};
use sesphr_engine::net::code::EvalError;
use sesphr_engine::net::marking::Marking;
use sesphr_engine::net::model::Net;
use thiserror::Error;

use super::trace::{NamedTrace, TraceStep, join_values, text_binding, value_text};

/// At most this many enabled bindings are listed when a step's is not one.
const LISTED_BINDINGS: usize = 5;

/// A trace replayed on the net, as the page's script reads it.
#[derive(Debug, Serialize)]
pub struct PageTrace {
    title: String,
    steps: Vec<PageStep>,
}

/// One fired step.
#[derive(Debug, Serialize)]
struct PageStep {
    /// The firing transition's index.
    t: usize,
    transition: String,
    binding: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    changes: Vec<PageChange>,
}

/// A place whose marking the step changed.
#[derive(Debug, Serialize)]
struct PageChange {
    /// The place's index.
    p: usize,
    after: String,
    tokens: u64,
}

/// A trace that does not replay on the net: which trace, which step, why.
#[derive(Debug, Error)]
#[error("trace `{trace}`, step {step} (`{transition}`) cannot fire: {refusal}")]
pub struct ReplayError {
    /// The trace's title.
    pub trace: String,
    /// The step, counted from 1.
    pub step: usize,
    /// The step's transition as the trace names it.
    pub transition: String,
    /// Why the step cannot fire.
    pub refusal: Box<Refusal>,
}

/// Why a step cannot fire.
#[derive(Debug, Error)]
pub enum Refusal {
    /// The net has no transition of that name.
    #[error("the net {net} has no transition of that name (is the trace of another net?)")]
    NoTransition {
        /// The net's name.
        net: String,
    },
    /// The binding gives a value to a variable the transition lacks.
    #[error("the transition has no variable `{0}`")]
    NoVariable(String),
    /// No binding of the transition is enabled.
    #[error(
        "the transition is not enabled in the marking reached (a trace of another net, or of other --param values?)"
    )]
    NotEnabled,
    /// Bindings are enabled, but not the trace's.
    #[error(
        "the binding {wanted} is not enabled in the marking reached (enabled: {enabled}; a trace of other --param values?)"
    )]
    BindingNotEnabled {
        /// The trace's binding.
        wanted: String,
        /// The enabled bindings, the first few of them.
        enabled: String,
    },
    /// The trace's binding leaves variables open and the bindings that match
    /// it lead to different markings.
    #[error(
        "{count} enabled bindings match `{wanted}` and lead to different markings: the trace must give every variable"
    )]
    Ambiguous {
        /// The trace's binding.
        wanted: String,
        /// How many enabled bindings match it.
        count: usize,
    },
    /// Listing the bindings or firing failed (an expression of the net failed).
    #[error("{0}")]
    Failed(#[from] EvalError),
}

/// Replays every trace on `net` from its initial marking; `counts` shows
/// markings as token counts (a place/transition net).
pub fn replay(
    net: &Net,
    counts: bool,
    traces: &[NamedTrace],
) -> Result<Vec<PageTrace>, ReplayError> {
    traces
        .iter()
        .map(|t| replay_trace(net, counts, t))
        .collect()
}

/// One trace replayed.
fn replay_trace(net: &Net, counts: bool, trace: &NamedTrace) -> Result<PageTrace, ReplayError> {
    let mut marking = net.initial.clone();
    let mut steps = Vec::with_capacity(trace.steps.len());
    for (i, step) in trace.steps.iter().enumerate() {
        let refused = |refusal| ReplayError {
            trace: trace.title.clone(),
            step: i + 1,
            transition: step.transition.clone(),
            refusal: Box::new(refusal),
        };
        let (binding, next) = fire_step(net, &marking, step).map_err(refused)?;
        steps.push(PageStep {
            t: binding.transition,
            transition: net.transitions[binding.transition].name.clone(),
            binding: join_values(&binding_values(net, &binding)),
            note: step.note.clone(),
            changes: changes(&marking, &next, counts),
        });
        marking = next;
    }
    Ok(PageTrace {
        title: trace.title.clone(),
        steps,
    })
}

/// Fires `step` in `marking`: the binding chosen and the marking reached.
fn fire_step(
    net: &Net,
    marking: &Marking,
    step: &TraceStep,
) -> Result<(Binding, Marking), Refusal> {
    let (t, wanted) = resolve(net, step)?;
    let vars = &net.transitions[t].vars;
    let mut slots = Vec::with_capacity(wanted.len());
    for (var, value) in &wanted {
        let Some(slot) = vars.iter().position(|v| &v.name == var) else {
            return Err(Refusal::NoVariable(var.clone()));
        };
        slots.push((slot, value));
    }
    let mut enabled = Vec::new();
    transition_bindings(net, t, marking, &mut enabled)?;
    if enabled.is_empty() {
        return Err(Refusal::NotEnabled);
    }
    let matches = |b: &Binding| {
        (slots.iter()).all(|(slot, value)| value_text(&b.values[*slot].to_string()) == **value)
    };
    let candidates: Vec<&Binding> = enabled.iter().filter(|b| matches(b)).collect();
    let Some(first) = candidates.first() else {
        return Err(Refusal::BindingNotEnabled {
            wanted: join_values(&wanted),
            enabled: listed(net, &enabled),
        });
    };
    let next = fire(net, marking, first)?;
    for other in &candidates[1..] {
        if fire(net, marking, other)? != next {
            return Err(Refusal::Ambiguous {
                wanted: join_values(&wanted),
                count: candidates.len(),
            });
        }
    }
    Ok(((*first).clone(), next))
}

/// The transition a step names and the values its binding gives. A name
/// the net lacks may be an unfolded transition, `take_left (p=1)`, as
/// `check --unfold` names them: its binding is in its name.
fn resolve(net: &Net, step: &TraceStep) -> Result<(usize, Vec<(String, String)>), Refusal> {
    let find = |name: &str| net.transitions.iter().position(|t| t.name == name);
    if let Some(t) = find(&step.transition) {
        return Ok((t, step.values.clone()));
    }
    let unfolded = (step.transition.strip_suffix(')'))
        .and_then(|s| s.split_once(" ("))
        .and_then(|(base, inner)| Some((find(base)?, text_binding(inner))));
    match unfolded {
        Some((t, mut values)) => {
            values.extend(step.values.iter().cloned());
            Ok((t, values))
        }
        None => Err(Refusal::NoTransition {
            net: net.name.clone(),
        }),
    }
}

/// A binding's `(variable, value)` pairs, values in the trace reader's notation.
fn binding_values(net: &Net, binding: &Binding) -> Vec<(String, String)> {
    let vars = &net.transitions[binding.transition].vars;
    (vars.iter().zip(&binding.values))
        .map(|(var, value)| (var.name.clone(), value_text(&value.to_string())))
        .collect()
}

/// The first few enabled bindings, for a message.
fn listed(net: &Net, enabled: &[Binding]) -> String {
    let mut shown: Vec<String> = (enabled.iter().take(LISTED_BINDINGS))
        .map(|b| join_values(&binding_values(net, b)))
        .collect();
    if enabled.len() > LISTED_BINDINGS {
        shown.push(format!("… {} in all", enabled.len()));
    }
    shown.join("; ")
}

/// The places whose tokens differ between `before` and `after`, with their
/// new marking (a count when `counts`).
fn changes(before: &Marking, after: &Marking, counts: bool) -> Vec<PageChange> {
    (before.places.iter().zip(&after.places))
        .enumerate()
        .filter(|(_, (b, a))| b != a)
        .map(|(p, (_, a))| PageChange {
            p,
            after: if counts {
                a.total().to_string()
            } else {
                a.to_string()
            },
            tokens: a.total(),
        })
        .collect()
}
