//! [`ColouredSpace`] as the explorer sees it: the [`StateSpace`] methods,
//! among them the properties judged in each marking (remembered per conjunct
//! by [`VerdictMemo`](super::verdicts::VerdictMemo), evaluated beside the
//! parent where it held) and the description of a marking for reports.

use std::borrow::Cow;

use super::effects::BindingTokens;
use super::fire::successors;
use super::{ColouredError, ColouredSpace, images_full, stubborn_trial};
use crate::budget;
use crate::explore::{
    Expansion, IntegerChange, MarkedPlaces, PropertySpec, StateBuf, StateLayout, StateSpace, Step,
    TargetHints, TokenStats,
};
use crate::net::code::{Code, Env, EvalError};
use crate::net::marking::Marking;
use crate::net::model::PropertyKind;
use crate::net::settled::{Parent, Settled};
use crate::net::value::Value;

impl StateSpace for ColouredSpace<'_> {
    type Error = ColouredError;

    fn layout(&self) -> StateLayout {
        StateLayout::Fixed(self.width())
    }

    fn initial(&self) -> Result<Vec<u32>, ColouredError> {
        self.stored(self.encode(&self.net.initial)?)
    }

    fn initial_unreduced(&self) -> Result<Vec<u32>, ColouredError> {
        self.encode(&self.net.initial)
    }

    fn representative(&self, state: &[u32]) -> Result<Vec<u32>, ColouredError> {
        self.stored(state.to_vec())
    }

    fn orbit_size(&self, state: &[u32]) -> Result<u64, ColouredError> {
        match &self.symmetry {
            Some(symmetry) => symmetry
                .orbit_size(&self.tables, state)
                .map_err(images_full),
            None => Ok(1),
        }
    }

    fn reduction(&self) -> Option<String> {
        let symmetry = self.symmetry.as_ref().map(|s| {
            format!(
                "symmetry of {} ({} permutations)",
                s.types().join(", "),
                s.order()
            )
        });
        let partial_order = self.partial_order.as_ref().map(|_| {
            self.stubborn_trial
                .decision()
                .map_or_else(|| stubborn_trial::SETS.to_string(), |d| d.describe())
        });
        match (symmetry, partial_order) {
            (Some(s), Some(p)) => Some(format!("{s}; {p}")),
            (s, p) => s.or(p),
        }
    }

    fn expanded_in_full(&self) -> bool {
        self.partial_order.is_none() || self.stubborn_trial.left_nothing_out()
    }

    fn level_expanded(&self) {
        self.stubborn_trial.level_expanded();
    }

    fn reduced_successors(
        &self,
        state: &[u32],
        out: &mut StateBuf,
    ) -> Result<Expansion, ColouredError> {
        let Some(partial_order) = self.stubborn_sets() else {
            self.successors(state, out)?;
            return Ok(Expansion::Full);
        };
        budget::tick().map_err(EvalError::from)?;
        let mut decoded = None;
        // The transitions an empty input place disables have no binding:
        // left out, so that a large net's marking costs its candidates only.
        let effects = (0..self.net.transitions.len())
            .filter(|&t| !self.empty_inputs.disable(t, state))
            .map(|t| Ok((t, self.effects_of(t, state, &mut decoded)?)))
            .collect::<Result<Vec<_>, ColouredError>>()?;
        let tokens: Vec<&BindingTokens> = effects
            .iter()
            .flat_map(|(_, e)| e.tokens().into_iter().flatten())
            .collect();
        // Fewer than two bindings are all fired: no stubborn set to seek, and
        // no marking to decode for it.
        let chosen = if tokens.len() < 2 {
            None
        } else {
            let marking = match decoded {
                Some(m) => m,
                None => self.decode(state)?,
            };
            partial_order.choose(&marking, &tokens)
        };
        let fired = chosen
            .as_ref()
            .map_or(tokens.len(), |c| c.iter().filter(|&&fire| fire).count());
        self.stubborn_trial.count(tokens.len(), fired);
        // The successors from the effects already looked up, not looked up again.
        let Some(chosen) = chosen else {
            self.push_successors(state, &effects, out, |_| true)?;
            return Ok(Expansion::Full);
        };
        self.push_successors(state, &effects, out, |b| chosen.get(b) == Some(&true))?;
        Ok(if partial_order.needs_cycle_proviso() {
            Expansion::Partial
        } else {
            Expansion::PartialDeadlocksOnly
        })
    }

    fn successors(&self, state: &[u32], out: &mut StateBuf) -> Result<(), ColouredError> {
        budget::tick().map_err(EvalError::from)?;
        let mut decoded = None;
        let mut next = Vec::with_capacity(state.len());
        let mut beside = None;
        for t in 0..self.net.transitions.len() {
            if self.empty_inputs.disable(t, state) {
                continue;
            }
            self.successors_by(t, state, &mut decoded, &mut next, |next, _| {
                self.push_beside(out, next, state, &mut beside, t)
            })?;
        }
        Ok(())
    }

    fn labelled_successors(&self, state: &[u32]) -> Result<Vec<(Step, Vec<u32>)>, ColouredError> {
        let marking = self.decode(state)?;
        successors(self.net, &marking)?
            .into_iter()
            .map(|(binding, next)| Ok((self.step(&marking, &binding, &next), self.encode(&next)?)))
            .collect()
    }

    fn properties(&self) -> &[PropertySpec] {
        &self.specs
    }

    fn property_targets(
        &self,
        state: &[u32],
        dead: bool,
        targets: &mut [bool],
    ) -> Result<(), ColouredError> {
        self.property_targets_with(state, dead, TargetHints::default(), targets)
    }

    fn targets_use_parent(&self) -> bool {
        self.net
            .properties
            .iter()
            .any(|p| matches!(p.kind, PropertyKind::Invariant(_)))
    }

    fn property_targets_with(
        &self,
        state: &[u32],
        dead: bool,
        hints: TargetHints<'_>,
        targets: &mut [bool],
    ) -> Result<(), ColouredError> {
        // Decoded only if some verdict is not remembered, the parent only if
        // a conjunct is evaluated beside it.
        let mut decoded: Option<Marking> = None;
        let mut parent: Option<Parent> = None;
        // The parent as renamed alike, if the state was stored renamed.
        let held_in = match (hints.parent, &self.symmetry) {
            (Some(parent), Some(symmetry)) => Some(Cow::Owned(
                symmetry
                    .closest_image(&self.tables, parent, state)
                    .map_err(images_full)?,
            )),
            (parent, _) => parent.map(Cow::Borrowed),
        };
        let held_in = held_in.as_deref();

        for (i, (target, property)) in targets.iter_mut().zip(&self.net.properties).enumerate() {
            if hints.is_decided(i) {
                continue;
            }
            let mut evaluate = |code: &Code, settled: Option<&Settled<'_>>| {
                let marking = match &decoded {
                    Some(m) => m,
                    None => decoded.insert(self.decode(state)?),
                };
                let (Some(settled), Some(held_in)) = (settled, held_in) else {
                    return Ok(property.holds_in(code, marking)?);
                };
                let mut slots = vec![Value::Bool(false); property.slots];
                let mut env = Env::new(&mut slots, Some(marking));
                let in_property = |e: EvalError| property.failed(marking, e);
                let parent = match &parent {
                    Some(p) => p,
                    None => parent.insert(Parent::new(
                        self.decode(held_in)?,
                        state.iter().zip(held_in).map(|(a, b)| a != b).collect(),
                    )),
                };
                Ok::<_, ColouredError>(settled.holds(&mut env, parent).map_err(in_property)?)
            };
            *target = match &property.kind {
                PropertyKind::Invariant(_) => {
                    !self.verdicts.holds(i, state, held_in, &mut evaluate)?
                }
                PropertyKind::Reachable(_) => self.verdicts.holds(i, state, None, &mut evaluate)?,
                PropertyKind::DeadlockFree(except) => {
                    dead && match except {
                        Some(code) => !evaluate(code, None)?,
                        None => true,
                    }
                }
                PropertyKind::Bound { places, max } => {
                    (places.iter()).any(|&p| self.tables.total(p, state[p]).unwrap_or(0) > *max)
                }
            };
        }
        Ok(())
    }

    fn explain(
        &self,
        property: usize,
        state: &[u32],
    ) -> Result<Option<crate::net::explain::Explanation>, ColouredError> {
        let Some((formula, slots)) = &self.net.properties[property].formula else {
            return Ok(None);
        };
        let marking = self.decode(state)?;
        let property = &self.net.properties[property];
        let slots = (*slots).max(property.slots);
        Ok(formula
            .explain(&marking, slots)
            .map_err(|e| property.failed(&marking, e))?)
    }

    /// A coloured net always fires monotonically: guards and arcs read the
    /// binding's variables, never a whole place (only properties do), so a
    /// binding takes and puts the same tokens whatever else is marked.
    fn may_grow(&self) -> bool {
        true
    }

    fn growth(&self, later: &[u32], earlier: &[u32]) -> Vec<(String, u64)> {
        let places = self.net.places.len();
        let mut grown = Vec::new();
        // Token counts first (no multiset is copied): fewer or as many
        // tokens in a changed place means something of `earlier` is missing.
        for (place, (&a, &b)) in later.iter().zip(earlier).enumerate().take(places) {
            if a == b {
                continue;
            }
            match (self.tables.total(place, a), self.tables.total(place, b)) {
                (Some(more), Some(fewer)) if more > fewer => grown.push((place, more - fewer)),
                _ => return Vec::new(),
            }
        }
        let holds_all = grown.iter().all(|&(place, _)| {
            match (
                self.tables.get(place, later[place]),
                self.tables.get(place, earlier[place]),
            ) {
                (Some(more), Some(fewer)) => more.contains_all(&fewer),
                _ => false,
            }
        });
        match holds_all {
            true => grown
                .into_iter()
                .map(|(place, more)| (self.net.places[place].name.clone(), more))
                .collect(),
            false => Vec::new(),
        }
    }

    fn integer_changes(&self, later: &[u32], earlier: &[u32]) -> Option<Vec<IntegerChange>> {
        let mut changes = Vec::new();
        let places = later.iter().zip(earlier).enumerate();
        for (place, (&a, &b)) in places.take(self.net.places.len()) {
            if a == b {
                continue;
            }
            let declared = &self.net.places[place];
            let counts = (self.tables.total(place, a), self.tables.total(place, b));
            if !declared.ty.holds_int() || counts.0 != counts.1 {
                return None;
            }
            // Each distinct token as (its value with the integers set to 0,
            // the integers, its count), in that order.
            let split = |id| -> Option<Vec<(Value, Vec<i64>, u32)>> {
                let tokens = self.tables.get(place, id)?;
                let mut split: Vec<(Value, Vec<i64>, u32)> = (tokens.iter())
                    .map(|(value, count)| {
                        let mut ints = Vec::new();
                        (declared.ty.split_ints(value, &mut ints), ints, count)
                    })
                    .collect();
                split.sort_unstable();
                Some(split)
            };
            let (later_tokens, earlier_tokens) = (split(a)?, split(b)?);
            let same_shape = later_tokens.len() == earlier_tokens.len()
                && (later_tokens.iter().zip(&earlier_tokens))
                    .all(|(l, e)| l.0 == e.0 && l.2 == e.2);
            if !same_shape {
                return None;
            }
            let ints = |tokens: Vec<(Value, Vec<i64>, u32)>| tokens.into_iter().flat_map(|t| t.1);
            changes.push(IntegerChange {
                place: declared.name.clone(),
                earlier: ints(earlier_tokens).collect(),
                later: ints(later_tokens).collect(),
            });
        }
        (!changes.is_empty()).then_some(changes)
    }

    fn token_stats(&self, state: &[u32]) -> TokenStats {
        let mut stats = TokenStats::default();
        for (place, &id) in state.iter().enumerate().take(self.net.places.len()) {
            if self.empty_inputs.is_empty(place, id) {
                continue;
            }
            let n = self.tables.total(place, id).unwrap_or(0);
            stats.total += n;
            stats.max_in_place = stats.max_in_place.max(n);
        }
        stats
    }

    fn describe_state(&self, state: &[u32]) -> String {
        match self.decode(state) {
            Ok(marking) => self.net.show_marking(&marking).replace('\n', "; "),
            Err(e) => format!("<{e}>"),
        }
    }

    fn marked_places(&self, state: &[u32]) -> MarkedPlaces {
        match self.decode(state) {
            Ok(marking) => self.net.marked_places(&marking),
            Err(_) => MarkedPlaces::new(),
        }
    }
}
