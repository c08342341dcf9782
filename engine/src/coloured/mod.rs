//! A compiled coloured net as a [`StateSpace`](crate::explore::StateSpace)
//! for the explorer (the trait's methods are in `state_space.rs`).
//!
//! A marking is encoded as one 32-bit word per place: the id of the place's
//! multiset of tokens in that place's interning table ([`table`]). States
//! therefore have a fixed width, whatever their tokens are (a knowledge set of
//! hundreds of terms costs one word), and the explorer stores them inline.
//!
//! Ids depend on the order in which threads first meet each multiset, but
//! nothing observable depends on ids: two markings are equal exactly when
//! their encodings are; successors are listed in binding order, which follows
//! the values' own order; and the explorer orders states by discovery, never by
//! encoding. State numbering, statistics and counterexamples are therefore the
//! same whatever the thread count.

pub mod addition;
pub mod effects;
pub mod empty_inputs;
pub mod fire;
pub mod generations;
pub mod id_memo;
pub mod least_closure;
pub mod outputs;
pub mod shared_cache;
pub mod simulate;
mod state_space;
pub mod stubborn;
pub mod stubborn_trial;
pub mod symmetry;
pub mod table;
pub mod unfolded;
pub mod verdicts;

use crate::coloured::fire::{Binding, fire_at, produced, transition_bindings};
use crate::explore::{ExploreError, GraphError, PlaceChange, PropertySpec, StateBuf, Step};
use crate::net::code::EvalError;
use crate::net::marking::{Marking, Multiset};
use crate::net::model::{Net, PropertyKind};
use crate::net::value::Value;
use addition::AdditionMemo;
use effects::{ADDS_NOTHING, BindingTokens, EffectMemo, Effects};
use empty_inputs::EmptyInputs;
use outputs::OutputMemo;
use std::sync::Arc;
use stubborn::Stubborn;
use stubborn_trial::StubbornTrial;
use symmetry::{BesideParent, Symmetry, SymmetryError};
use table::{MarkingTables, TableFull};
use verdicts::VerdictMemo;

/// Why a coloured state could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ColouredError {
    /// Evaluating a guard, an arc or a property failed.
    #[error(transparent)]
    Eval(#[from] EvalError),
    /// A place held more than 4 billion distinct multisets.
    #[error("place `{0}` holds more distinct multisets than 32-bit ids can name")]
    TableFull(String),
    /// Words received from another process do not encode a marking.
    #[error(transparent)]
    Wire(#[from] crate::net::wire::WireError),
    /// An encoded state names a multiset the tables do not know (a bug).
    #[error("unknown multiset id {id} of place {place} in an encoded state")]
    UnknownMultiset {
        /// The place.
        place: usize,
        /// The id.
        id: u32,
    },
}

/// Memo keys of at most this many places are built on the stack.
const INLINE_KEY: usize = 16;

/// Calls `f` with the multiset ids `state` holds in `places`, in their
/// order: a memo's key, built on the stack where it is short (looked up for
/// every marking, it allocates nothing then).
pub(crate) fn with_ids_of<R>(state: &[u32], places: &[usize], f: impl FnOnce(&[u32]) -> R) -> R {
    if places.len() <= INLINE_KEY {
        let mut inline = [0u32; INLINE_KEY];
        for (word, &p) in inline.iter_mut().zip(places) {
            *word = state[p];
        }
        f(&inline[..places.len()])
    } else {
        let spilled: Vec<u32> = places.iter().map(|&p| state[p]).collect();
        f(&spilled)
    }
}

/// A compiled net, explorable by [`crate::explore::check`].
pub struct ColouredSpace<'n> {
    net: &'n Net,
    specs: Vec<PropertySpec>,
    tables: MarkingTables,
    verdicts: VerdictMemo<'n>,
    effects: EffectMemo,
    /// The transitions a marking's empty places disable, not looked up.
    empty_inputs: EmptyInputs,
    sums: AdditionMemo,
    outputs: OutputMemo,
    symmetry: Option<Symmetry>,
    partial_order: Option<Stubborn>,
    /// Whether the partial-order reduction pays on this net.
    stubborn_trial: Arc<StubbornTrial>,
}

impl ColouredError {
    /// The failed evaluation of a guard, an arc or a property behind this
    /// error, if it is one.
    pub fn evaluation(&self) -> Option<&EvalError> {
        match self {
            ColouredError::Eval(e) => Some(e),
            _ => None,
        }
    }
}

impl GraphError<ColouredError> {
    /// The failed evaluation behind a reachability graph that could not be
    /// built, if that is why ([`Net::position_of_failure`] locates it).
    pub fn evaluation(&self) -> Option<&EvalError> {
        match self {
            GraphError::Explore(ExploreError::Space { source }) => source.evaluation(),
            _ => None,
        }
    }
}

impl<'n> ColouredSpace<'n> {
    /// Frees what the space remembers of transitions' effects and of
    /// property verdicts, once no more markings will be explored (the
    /// answers stay the same; they are only computed again if asked).
    pub fn forget_memos(&self) {
        self.effects.clear();
        self.sums.clear();
        self.outputs.clear();
        self.verdicts.clear();
    }

    /// The state space of `net`, with the net's properties.
    pub fn new(net: &'n Net) -> Self {
        let specs = net
            .properties
            .iter()
            .map(|p| PropertySpec {
                name: p.name.clone(),
                kind: crate::standard::report_kind(p),
            })
            .collect();
        let formulas = net.properties.iter().map(|p| match &p.kind {
            PropertyKind::Invariant(code) | PropertyKind::Reachable(code) => Some(code),
            PropertyKind::DeadlockFree(_) | PropertyKind::Bound { .. } => None,
        });
        let tables = MarkingTables::new(net.places.len());
        ColouredSpace {
            net,
            specs,
            empty_inputs: EmptyInputs::new(net, &tables),
            tables,
            verdicts: VerdictMemo::new(formulas),
            effects: EffectMemo::new(net),
            sums: AdditionMemo::new(net.places.len()),
            outputs: OutputMemo::new(net.transitions.len()),
            symmetry: None,
            partial_order: None,
            stubborn_trial: Arc::default(),
        }
    }

    /// The state space of `net` reduced by the symmetry of its symmetric
    /// types (see [`symmetry`]): one marking stored per orbit. Without
    /// symmetric types it is the plain space.
    pub fn with_symmetry(net: &'n Net) -> Result<Self, SymmetryError> {
        let mut space = ColouredSpace::new(net);
        space.symmetry = Symmetry::new(net)?;
        Ok(space)
    }

    /// The state space of `net` with every reduction that applies: the
    /// symmetry of its symmetric types if it has any, and the partial-order
    /// reduction ([`stubborn`]) if some transition may change no place a
    /// property reads. Combined, stubborn sets are computed in the stored
    /// representatives and their successors replaced by their orbits'
    /// representatives (docs/checker.md, section Reductions, says why this
    /// keeps the verdicts).
    pub fn with_reductions(net: &'n Net) -> Result<Self, SymmetryError> {
        let mut space = ColouredSpace::with_symmetry(net)?;
        space.partial_order = Stubborn::new(net);
        Ok(space)
    }

    /// The state space of `net` reduced by stubborn sets only (see
    /// [`stubborn`]); the plain space when no transition is invisible.
    pub fn with_partial_order(net: &'n Net) -> Self {
        let mut space = ColouredSpace::new(net);
        space.partial_order = Stubborn::new(net);
        space
    }

    /// The partial-order reduction, unless the net has none or its trial
    /// gave it up ([`stubborn_trial`]).
    fn stubborn_sets(&self) -> Option<&Stubborn> {
        self.partial_order
            .as_ref()
            .filter(|_| self.stubborn_trial.active())
    }

    /// Whether the space reduces by stubborn sets (while their trial keeps
    /// them).
    pub fn has_partial_order(&self) -> bool {
        self.partial_order.is_some()
    }

    /// What the stubborn sets' trial decided, once it has.
    pub fn stubborn_decision(&self) -> Option<stubborn_trial::Decision> {
        self.stubborn_trial.decision()
    }

    /// Whether the stubborn sets' trial has decided, as a condition that
    /// outlives the space (to end a run that only tries the sets,
    /// [`crate::explore::ExploreOptions::until`]).
    pub fn stubborn_trial_decided(&self) -> crate::explore::StopHook {
        let trial = Arc::clone(&self.stubborn_trial);
        Arc::new(move || trial.decision().is_some())
    }

    /// The symmetry the space reduces by, if any.
    pub fn symmetry(&self) -> Option<&Symmetry> {
        self.symmetry.as_ref()
    }

    /// The stored form of the encoded marking `state`: its orbit's
    /// representative under the symmetry, or `state` itself.
    fn stored(&self, state: Vec<u32>) -> Result<Vec<u32>, ColouredError> {
        match &self.symmetry {
            Some(symmetry) => symmetry
                .canonical(&self.tables, &state)
                .map_err(images_full),
            None => Ok(state),
        }
    }

    /// Pushes into `out`, labelled `t`, the stored form of `state`, a
    /// successor of `parent`: canonicalised beside the parent under a
    /// symmetry (see [`Symmetry::canonical_beside`]; `beside` is made for
    /// the parent's first successor).
    fn push_beside(
        &self,
        out: &mut StateBuf,
        state: &[u32],
        parent: &[u32],
        beside: &mut Option<BesideParent>,
        t: usize,
    ) -> Result<(), ColouredError> {
        let stored = match &self.symmetry {
            Some(symmetry) => {
                let beside = match beside {
                    Some(beside) => beside,
                    None => {
                        beside.insert(symmetry.beside(&self.tables, parent).map_err(images_full)?)
                    }
                };
                symmetry
                    .canonical_beside(&self.tables, state, beside)
                    .map_err(images_full)?
            }
            None => state,
        };
        out.push_labelled(stored, t as u32);
        Ok(())
    }

    /// The net explored.
    pub fn net(&self) -> &Net {
        self.net
    }

    /// Words per encoded state: one per place (one word for a net without places).
    fn width(&self) -> usize {
        self.net.places.len().max(1)
    }

    /// The multiset id of `tokens` in `place` (interned if new): how an
    /// encoded marking names them in this process.
    pub fn intern(&self, place: usize, tokens: &Multiset) -> Result<u32, ColouredError> {
        self.tables
            .intern(place, tokens)
            .map_err(|TableFull| ColouredError::TableFull(self.net.places[place].name.clone()))
    }

    /// Encodes a marking canonically.
    pub fn encode(&self, marking: &Marking) -> Result<Vec<u32>, ColouredError> {
        let mut words = vec![0; self.width()];
        for (place, tokens) in marking.places.iter().enumerate() {
            words[place] = self.intern(place, tokens)?;
        }
        Ok(words)
    }

    /// Decodes an encoded marking.
    pub fn decode(&self, state: &[u32]) -> Result<Marking, ColouredError> {
        // Pushed into a vector of the right size: collecting through a
        // `Result` would grow it step by step, and a marking is decoded
        // wherever a property or a binding search needs its tokens.
        // An empty place is not looked up in its table (a lock and a copy a
        // place): on a large net most places are empty.
        let empty = Multiset::new();
        let mut places = Vec::with_capacity(self.net.places.len());
        for place in 0..self.net.places.len() {
            let id = state.get(place).copied().unwrap_or(u32::MAX);
            places.push(match self.empty_inputs.is_empty(place, id) {
                true => empty.clone(),
                false => self.tokens(place, id)?,
            });
        }
        Ok(Marking { places })
    }

    /// The tokens of `place` whose multiset id is `id` (a word of an
    /// encoded marking).
    pub fn tokens(&self, place: usize, id: u32) -> Result<Multiset, ColouredError> {
        self.tables
            .get(place, id)
            .ok_or(ColouredError::UnknownMultiset { place, id })
    }

    /// Calls `each` with every successor of the encoded marking `state` by
    /// transition `t` and the binding's values, one per enabled binding in
    /// binding order, unreduced (before any symmetry), computed on ids through
    /// the effect memo ([`effects`]). `decoded` holds `state` decoded, filled
    /// on the first memo miss; `next` is a buffer reused between calls.
    pub fn successors_by(
        &self,
        t: usize,
        state: &[u32],
        decoded: &mut Option<Marking>,
        next: &mut Vec<u32>,
        mut each: impl FnMut(&[u32], &[Value]) -> Result<(), ColouredError>,
    ) -> Result<(), ColouredError> {
        let effects = self.effects_of(t, state, decoded)?;
        for (values, ids) in effects.bindings() {
            self.successor(t, state, ids, next)?;
            each(next, values)?;
        }
        Ok(())
    }

    /// The values of each enabled binding of transition `t` in the encoded
    /// marking `state`, in binding order (`decoded` as for
    /// [`ColouredSpace::successors_by`]). Only the bindings are searched:
    /// what each would put (on the SeSPHR net, terms and knowledge
    /// closures) is what a successor needs, not a question about bindings.
    pub fn enabled_binding_values(
        &self,
        t: usize,
        state: &[u32],
        decoded: &mut Option<Marking>,
    ) -> Result<Vec<Vec<Value>>, ColouredError> {
        let marking = match decoded {
            Some(m) => m,
            None => decoded.insert(self.decode(state)?),
        };
        let mut bindings = Vec::new();
        transition_bindings(self.net, t, marking, &mut bindings)?;
        Ok(bindings.into_iter().map(|b| b.values).collect())
    }

    /// Writes into `next` the successor of the encoded marking `state` by a
    /// binding of transition `t` whose effects are `ids` (see
    /// [`effects::Effects`]).
    fn successor(
        &self,
        t: usize,
        state: &[u32],
        ids: &[u32],
        next: &mut Vec<u32>,
    ) -> Result<(), ColouredError> {
        next.clear();
        next.extend_from_slice(state);
        let keyed = self.effects.keyed(t);
        let (new_ids, added_ids) = ids.split_at(keyed.len());
        for (&place, &id) in keyed.iter().zip(new_ids) {
            next[place] = id;
        }
        for (&place, &added) in self.effects.added(t).iter().zip(added_ids) {
            next[place] = self.sum(t, place, state[place], added)?;
        }
        Ok(())
    }

    /// The id in `place` of the multiset with id `base` plus the tokens with
    /// id `added` (which transition `t` adds), remembered.
    fn sum(&self, t: usize, place: usize, base: u32, added: u32) -> Result<u32, ColouredError> {
        if added == ADDS_NOTHING {
            return Ok(base);
        }
        if let Some(sum) = self.sums.get(place, base, added) {
            return Ok(sum);
        }
        let mut tokens = self.tokens(place, base)?.edit();
        for (value, n) in self.tokens(place, added)?.iter() {
            tokens
                .add(value.clone(), n)
                .ok_or_else(|| EvalError::InTransition {
                    transition: self.net.transitions[t].name.clone(),
                    source: Box::new(EvalError::CountOverflow {
                        place: self.net.places[place].name.clone(),
                    }),
                })?;
        }
        let sum = self.intern(place, &tokens.finish())?;
        self.sums.insert(place, base, added, sum);
        Ok(sum)
    }

    /// Pushes into `out` the stored successors of the encoded marking
    /// `state` by the bindings of `effects` (transitions with their effects,
    /// in transition order, every one that may have a binding) that `fire`
    /// selects by their number among them all.
    fn push_successors(
        &self,
        state: &[u32],
        effects: &[(usize, Arc<Effects>)],
        out: &mut StateBuf,
        fire: impl Fn(usize) -> bool,
    ) -> Result<(), ColouredError> {
        let mut next = Vec::with_capacity(state.len());
        let mut beside = None;
        let bindings = effects
            .iter()
            .flat_map(|(t, e)| e.bindings().map(move |(_, ids)| (*t, ids)));
        for (b, (t, ids)) in bindings.enumerate() {
            if fire(b) {
                self.successor(t, state, ids, &mut next)?;
                self.push_beside(out, &next, state, &mut beside, t)?;
            }
        }
        Ok(())
    }

    /// The effects of transition `t` in the encoded marking `state`, from the
    /// memo or computed (and remembered); `decoded` as for
    /// [`ColouredSpace::successors_by`].
    fn effects_of(
        &self,
        t: usize,
        state: &[u32],
        decoded: &mut Option<Marking>,
    ) -> Result<Arc<Effects>, ColouredError> {
        // Looked up for every transition of every marking.
        with_ids_of(state, self.effects.keyed(t), |key| {
            if let Some(found) = self.effects.get(t, key) {
                return Ok(found);
            }
            let marking = match decoded {
                Some(m) => m,
                None => decoded.insert(self.decode(state)?),
            };
            let computed = Arc::new(self.transition_effects(t, marking, key)?);
            self.effects.insert(t, key, Arc::clone(&computed));
            Ok(computed)
        })
    }

    /// The effects of transition `t` in `marking`, whose keyed places have
    /// the ids `key`: each enabled binding's values, new ids of the keyed
    /// places and ids of the tokens it adds to the added places.
    fn transition_effects(
        &self,
        t: usize,
        marking: &Marking,
        key: &[u32],
    ) -> Result<Effects, ColouredError> {
        let mut bindings = Vec::new();
        transition_bindings(self.net, t, marking, &mut bindings)?;
        let keyed = self.effects.keyed(t);
        let added = self.effects.added(t);
        let keep_tokens = self.stubborn_sets().is_some();
        let mut effects = Effects::new(keyed.len() + added.len(), bindings.len(), keep_tokens);
        for b in &bindings {
            let (values, produced) = self
                .outputs
                .get_or(t, &b.values, || produced(self.net, b))?;
            let mut ids = Vec::with_capacity(keyed.len() + added.len());
            for (&place, &id) in keyed.iter().zip(key) {
                let tokens = fire_at(self.net, marking, b, &produced, place)?;
                ids.push(if tokens.shares(&marking.places[place]) {
                    id
                } else {
                    self.intern(place, &tokens)?
                });
            }
            for &place in added {
                let put: Vec<(Value, u32)> = produced
                    .iter()
                    .filter(|&&(p, _, n)| p == place && n > 0)
                    .map(|(_, v, n)| (v.clone(), *n))
                    .collect();
                ids.push(if put.is_empty() {
                    ADDS_NOTHING
                } else {
                    let put =
                        Multiset::from_counts(put).ok_or_else(|| EvalError::CountOverflow {
                            place: self.net.places[place].name.clone(),
                        })?;
                    self.intern(place, &put)?
                });
            }
            effects.push(values, ids);
            if keep_tokens {
                effects.push_tokens(BindingTokens {
                    consumed: b.consumed.clone().into(),
                    produced,
                });
            }
        }
        Ok(effects)
    }

    fn step(&self, before: &Marking, binding: &Binding, after: &Marking) -> Step {
        let t = &self.net.transitions[binding.transition];
        let mut removed = vec![Multiset::new(); self.net.places.len()];
        for (p, v, n) in &binding.consumed {
            removed[*p].add(v.clone(), *n);
        }
        let mut added = vec![Multiset::new(); self.net.places.len()];
        for (i, place) in after.places.iter().enumerate() {
            for (v, n) in place.iter() {
                let kept = before.places[i]
                    .count(v)
                    .saturating_sub(removed[i].count(v));
                added[i].add(v.clone(), n.saturating_sub(kept));
            }
        }
        Step {
            transition: t.name.clone(),
            binding: t
                .vars
                .iter()
                .zip(&binding.values)
                .map(|(var, value)| (var.name.clone(), value.to_string()))
                .collect(),
            changes: self
                .net
                .places
                .iter()
                .enumerate()
                .filter(|(i, _)| before.places[*i] != after.places[*i])
                .map(|(i, p)| PlaceChange {
                    place: p.name.clone(),
                    before: before.places[i].to_string(),
                    after: after.places[i].to_string(),
                    removed: Some(removed[i].to_string()),
                    added: Some(added[i].to_string()),
                })
                .collect(),
        }
    }
}

/// The error of a place table that ran out of ids while the symmetry
/// named an image.
fn images_full(_: TableFull) -> ColouredError {
    ColouredError::TableFull("(symmetry images)".into())
}
