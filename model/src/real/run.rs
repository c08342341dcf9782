//! A protocol run: a net fired with real values, timed per transition, with
//! the cloud's ciphertexts on disk, ending with the plaintext checks.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use sesphr_engine::coloured::fire::{Binding, fire, transition_bindings};
use sesphr_engine::explore::Step;
use sesphr_engine::net::marking::Marking;
use sesphr_engine::net::model::Net;
use sesphr_engine::net::value::Value;

use super::library::RealFunctions;
use super::mirror::Mirror;
use super::ops::plaintext;
use super::pair::{for_each_real, identity, symbolic};
use super::report::{Checks, RunEnd, RunError, RunReport, TransitionTiming};

/// The options of one run.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions<'a> {
    /// Seed of the choice among enabled bindings.
    pub seed: u64,
    /// Fire at most this many steps.
    pub max_steps: u64,
    /// Directory of the on-disk cloud store and ledger (`None`: none); it
    /// must not hold a ledger yet.
    pub store: Option<&'a Path>,
    /// Transitions chosen only when no other binding is left (e.g. `revoke`,
    /// `tamper`, so that the protocol runs before the attacks and revocations).
    pub defer: &'a [String],
    /// Direct replays of the real operations; the fastest counts.
    pub replays: usize,
}

/// Fires `net` (loaded with `functions`) from its initial marking, choosing
/// among the enabled bindings with a generator seeded by `options.seed`, until
/// nothing is left to do or the step limit; then checks every plaintext in the
/// final marking and replays the real operations directly.
pub fn run(
    net: &Net,
    functions: &RealFunctions,
    options: &RunOptions,
) -> Result<RunReport, RunError> {
    let mut runner = Runner::new(net, functions, options.store)?;
    let deferred: Vec<bool> = net
        .transitions
        .iter()
        .map(|t| options.defer.contains(&t.name))
        .collect();
    let mut rng = StdRng::seed_from_u64(options.seed);
    // Refusals already made, per transition (only the bindings of transitions
    // that ever left the marking unchanged need a key), keyed cheaply (byte
    // strings by identity); the bindings are kept so that identities stay unique.
    let mut unchanged_once: HashMap<usize, HashMap<Vec<Value>, Binding>> = HashMap::new();
    // A transition's bindings depend only on its input places (guards do not
    // read the marking, functions are deterministic): they are searched again
    // only when one of those places changed.
    let inputs: Vec<Vec<usize>> = net
        .transitions
        .iter()
        .map(|t| t.inputs.iter().map(|i| i.place).collect())
        .collect();
    let mut enabled: Vec<Vec<Binding>> = vec![Vec::new(); net.transitions.len()];
    let mut stale = vec![true; net.transitions.len()];
    let mut bindings = Vec::new();
    let end = loop {
        if runner.steps == options.max_steps {
            break RunEnd::StepLimit;
        }
        bindings.clear();
        for t in 0..net.transitions.len() {
            if stale[t] {
                runner.search(t, &mut enabled[t])?;
                stale[t] = false;
            }
            bindings.extend(enabled[t].iter().cloned());
        }
        bindings.retain(|b| {
            unchanged_once
                .get(&b.transition)
                .is_none_or(|seen| !seen.contains_key(&binding_key(b)))
        });
        if bindings.iter().any(|b| !deferred[b.transition]) {
            bindings.retain(|b| !deferred[b.transition]);
        }
        if bindings.is_empty() {
            break RunEnd::Quiescent;
        }
        let chosen = bindings.swap_remove(rng.random_range(0..bindings.len()));
        let t = chosen.transition;
        let changed = runner.fire(&chosen)?;
        for (t, places) in inputs.iter().enumerate() {
            stale[t] |= places.iter().any(|&p| changed[p]);
        }
        if !changed.contains(&true) {
            unchanged_once
                .entry(t)
                .or_default()
                .insert(binding_key(&chosen), chosen);
        }
    };
    runner.finish(options.seed, end, options.replays)
}

/// Fires `net` (loaded with `functions`) along `trace`, a trace of the same
/// net checked symbolically (a checker's witness): each step fires the binding
/// of its transition whose values, real parts dropped, are the step's. Then, as
/// [`run`], checks every plaintext in the final marking and replays the real
/// operations directly (`replays` rounds); `store` as in [`RunOptions`].
/// The report's seed is the one of `functions`' configuration.
pub fn replay(
    net: &Net,
    functions: &RealFunctions,
    trace: &[Step],
    store: Option<&Path>,
    replays: usize,
) -> Result<RunReport, RunError> {
    let mut runner = Runner::new(net, functions, store)?;
    let mut bindings = Vec::new();
    for (index, step) in trace.iter().enumerate() {
        let diverged = |reason: &str| RunError::ReplayDiverged {
            step: index + 1,
            transition: step.transition.clone(),
            reason: reason.to_string(),
        };
        let t = net
            .transition_id(&step.transition)
            .ok_or_else(|| diverged("the net has no such transition"))?;
        runner.search(t, &mut bindings)?;
        let wanted: Vec<&str> = step.binding.iter().map(|(_, v)| v.as_str()).collect();
        let chosen = bindings
            .iter()
            .find(|b| {
                b.values.len() == wanted.len()
                    && b.values
                        .iter()
                        .zip(&wanted)
                        .all(|(value, text)| symbolic(value).to_string() == *text)
            })
            .ok_or_else(|| diverged("no enabled binding has the step's values"))?
            .clone();
        runner.fire(&chosen)?;
    }
    let seed = functions.config().seed;
    runner.finish(seed, RunEnd::Replayed, replays)
}

/// The state of a run in progress: the marking, the timings, the checks and
/// the on-disk mirror of the cloud and the ledger.
struct Runner<'a> {
    net: &'a Net,
    functions: &'a RealFunctions,
    mirror: Option<Mirror>,
    transitions: Vec<TransitionTiming>,
    checks: Checks,
    marking: Marking,
    steps: u64,
    store_time: Duration,
    start: Instant,
}

impl<'a> Runner<'a> {
    fn new(
        net: &'a Net,
        functions: &'a RealFunctions,
        store: Option<&Path>,
    ) -> Result<Self, RunError> {
        let mirror = store.map(|dir| Mirror::create(dir, net)).transpose()?;
        let transitions = net
            .transitions
            .iter()
            .map(|t| TransitionTiming {
                name: t.name.clone(),
                ..TransitionTiming::default()
            })
            .collect();
        Ok(Runner {
            net,
            functions,
            mirror,
            transitions,
            checks: Checks::default(),
            marking: net.initial.clone(),
            steps: 0,
            store_time: Duration::ZERO,
            start: Instant::now(),
        })
    }

    /// The enabled bindings of transition `t` in the current marking, into
    /// `out` (cleared first), the search timed for `t`.
    fn search(&mut self, t: usize, out: &mut Vec<Binding>) -> Result<(), RunError> {
        self.functions.enter(Some(t));
        let search = Instant::now();
        out.clear();
        transition_bindings(self.net, t, &self.marking, out)?;
        self.transitions[t].search += search.elapsed();
        Ok(())
    }

    /// Fires `chosen`, mirrors it to disk and times it; returns which places changed.
    fn fire(&mut self, chosen: &Binding) -> Result<Vec<bool>, RunError> {
        let t = chosen.transition;
        self.functions.enter(Some(t));
        let from_search = self.functions.take_pending(t);
        let firing = Instant::now();
        let next = fire(self.net, &self.marking, chosen)?;
        let cost = firing.elapsed() + from_search;
        self.functions.take_pending(t); // already inside the firing's own time
        if let Some(mirror) = &mut self.mirror {
            let io = Instant::now();
            mirror.record(&self.marking, &next, chosen, &mut self.checks)?;
            let spent = io.elapsed();
            self.transitions[t].store += spent;
            self.store_time += spent;
        }
        self.transitions[t].firings.push(cost);
        let changed: Vec<bool> = next
            .places
            .iter()
            .zip(&self.marking.places)
            .map(|(a, b)| a != b)
            .collect();
        if !changed.contains(&true) {
            self.transitions[t].unchanged += 1;
        }
        self.marking = next;
        self.steps += 1;
        Ok(changed)
    }

    /// Checks the final marking's plaintexts and the on-disk ledger, replays
    /// the real operations directly and reports.
    fn finish(mut self, seed: u64, end: RunEnd, replays: usize) -> Result<RunReport, RunError> {
        self.functions.enter(None);
        let engine = self.start.elapsed().saturating_sub(self.store_time);
        check_plaintexts(self.net, self.functions, &self.marking, &mut self.checks)?;
        if let Some(mirror) = &self.mirror {
            self.checks.ledger_blocks = mirror.verify()?;
        }
        let direct = self.functions.replay(replays)?;
        Ok(RunReport {
            seed,
            steps: self.steps,
            end,
            transitions: self.transitions,
            calls: self.functions.calls(),
            engine,
            direct,
            checks: self.checks,
            marking: self.marking,
        })
    }
}

/// Checks every real value of `marking`: a plaintext `phr(p, q, v)` must be
/// the partition the patient uploaded (regenerated from the seed, not taken
/// from any cache); a refused decryption must carry no bytes.
pub fn check_plaintexts(
    net: &Net,
    functions: &RealFunctions,
    marking: &Marking,
    checks: &mut Checks,
) -> Result<(), RunError> {
    for (place, tokens) in net.places.iter().zip(&marking.places) {
        for (token, _) in tokens.iter() {
            let mut failure = None;
            for_each_real(token, &mut |sym, bytes| {
                let functor = sym.as_term().map(|t| &*t.functor);
                if failure.is_some() {
                    return;
                }
                if functor == Some("phr") {
                    if bytes[..] == plaintext(functions.config(), sym)[..] {
                        checks.plaintexts += 1;
                    } else {
                        failure = Some(RunError::PlaintextMismatch {
                            place: place.name.clone(),
                            value: sym.to_string(),
                        });
                    }
                } else if functor == Some("junk") {
                    if bytes.is_empty() {
                        checks.refused += 1;
                    } else {
                        failure = Some(RunError::RefusedWithPlaintext {
                            place: place.name.clone(),
                            value: sym.to_string(),
                        });
                    }
                }
            });
            if let Some(error) = failure {
                return Err(error);
            }
        }
    }
    Ok(())
}

/// A cheap key of a binding of a known transition: its values, byte strings by identity.
fn binding_key(binding: &Binding) -> Vec<Value> {
    binding.values.iter().map(identity).collect()
}
