//! A compiled coloured net as a [`StateSpace`] for the explorer.
//!
//! A marking is encoded as a sorted list of tokens, four words each:
//! `[place, id_lo, id_hi, count]`, where the 64-bit id is a fixed hash of the
//! token's value. The encoding therefore depends only on the marking, never on
//! which thread met a token first, so state numbering, statistics and
//! counterexamples do not depend on the thread count. A table from ids back to
//! values decodes states; two values with the same id are reported as an
//! error, never silently merged.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::RwLock;

use foldhash::quality::FixedState;

use crate::explore::{
    PlaceChange, PropertyKind as SpaceKind, PropertySpec, StateBuf, StateLayout, StateSpace, Step,
    TokenStats,
};
use crate::fire::{Binding, enabled_bindings, produced, successors};
use crate::net::code::{Env, EvalError};
use crate::net::marking::{Marking, Multiset};
use crate::net::model::{Net, PropertyKind};
use crate::value::Value;

/// Words per token in an encoded marking.
const TOKEN_WORDS: usize = 4;
/// Lock shards of the id table.
const TABLE_SHARDS: usize = 64;
/// The fixed seed of token ids: ids depend only on values, in every run.
const ID_SEED: u64 = 0x5e59_4852_7065_7472;

/// Why a coloured state could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ColouredError {
    /// Evaluating a guard, an arc or a property failed.
    #[error(transparent)]
    Eval(#[from] EvalError),
    /// Two different token values have the same 64-bit id (astronomically
    /// unlikely; reported rather than risking a wrong answer).
    #[error("token id collision between `{0}` and `{1}`")]
    Collision(String, String),
    /// An encoded state names a token the table does not know (a bug).
    #[error("unknown token id {0:#x} in an encoded state")]
    UnknownToken(u64),
}

/// A compiled net, explorable by [`crate::explore::check`].
pub struct ColouredSpace<'n> {
    net: &'n Net,
    specs: Vec<PropertySpec>,
    table: Vec<RwLock<HashMap<u64, Value>>>,
}

impl<'n> ColouredSpace<'n> {
    /// The state space of `net`, with the net's properties.
    pub fn new(net: &'n Net) -> Self {
        let specs = net
            .properties
            .iter()
            .map(|p| PropertySpec {
                name: p.name.clone(),
                kind: match p.kind {
                    PropertyKind::Invariant(_) => SpaceKind::Invariant,
                    PropertyKind::Reachable(_) => SpaceKind::Reachable,
                    PropertyKind::DeadlockFree(_) => SpaceKind::DeadlockFree,
                    PropertyKind::Bound { .. } => SpaceKind::Bound,
                },
            })
            .collect();
        ColouredSpace {
            net,
            specs,
            table: (0..TABLE_SHARDS)
                .map(|_| RwLock::new(HashMap::new()))
                .collect(),
        }
    }

    /// The net explored.
    pub fn net(&self) -> &Net {
        self.net
    }

    fn token_id(place: usize, value: &Value) -> u64 {
        FixedState::with_seed(ID_SEED).hash_one((place, value))
    }

    fn shard(&self, id: u64) -> &RwLock<HashMap<u64, Value>> {
        &self.table[(id >> 20) as usize % TABLE_SHARDS]
    }

    fn intern(&self, place: usize, value: &Value) -> Result<u64, ColouredError> {
        let id = Self::token_id(place, value);
        let shard = self.shard(id);
        if let Some(known) = shard.read().unwrap_or_else(|e| e.into_inner()).get(&id) {
            return check_same(known, value).map(|()| id);
        }
        let mut table = shard.write().unwrap_or_else(|e| e.into_inner());
        match table.get(&id) {
            Some(known) => check_same(known, value).map(|()| id),
            None => {
                table.insert(id, value.clone());
                Ok(id)
            }
        }
    }

    /// Encodes a marking canonically.
    pub fn encode(&self, marking: &Marking) -> Result<Vec<u32>, ColouredError> {
        let mut tokens: Vec<[u32; TOKEN_WORDS]> = Vec::new();
        for (place, multiset) in marking.places.iter().enumerate() {
            for (value, count) in multiset.iter() {
                let id = self.intern(place, value)?;
                tokens.push([place as u32, id as u32, (id >> 32) as u32, count]);
            }
        }
        tokens.sort_unstable();
        Ok(tokens.concat())
    }

    /// Decodes an encoded marking.
    pub fn decode(&self, state: &[u32]) -> Result<Marking, ColouredError> {
        Ok(self.decode_tokens(state)?.1)
    }

    /// Decodes an encoded marking, also returning each encoded token with its value.
    fn decode_tokens(&self, state: &[u32]) -> Result<(Vec<Token>, Marking), ColouredError> {
        let mut marking = Marking {
            places: vec![Multiset::new(); self.net.places.len()],
        };
        let mut tokens = Vec::with_capacity(state.len() / TOKEN_WORDS);
        for words in state.chunks_exact(TOKEN_WORDS) {
            let id = u64::from(words[1]) | (u64::from(words[2]) << 32);
            let value = self
                .shard(id)
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .get(&id)
                .cloned()
                .ok_or(ColouredError::UnknownToken(id))?;
            let place = words[0] as usize;
            if let Some(m) = marking.places.get_mut(place) {
                m.add(value.clone(), words[3]);
            }
            tokens.push(Token {
                place,
                id,
                count: words[3],
                value,
            });
        }
        Ok((tokens, marking))
    }

    /// The encoding of the marking reached by firing `binding` from the
    /// marking whose tokens are `tokens`: only the produced values are hashed.
    fn successor(&self, tokens: &[Token], binding: &Binding) -> Result<Vec<u32>, ColouredError> {
        let mut next: Vec<[u32; TOKEN_WORDS]> = tokens
            .iter()
            .map(|t| [t.place as u32, t.id as u32, (t.id >> 32) as u32, t.count])
            .collect();
        for (place, value, n) in &binding.consumed {
            let slot = tokens
                .iter()
                .position(|t| t.place == *place && t.value == *value)
                .ok_or_else(|| {
                    ColouredError::Eval(EvalError::Shape {
                        expected: "an enabled binding",
                        found: format!("a token {value} that place {place} does not hold"),
                    })
                })?;
            next[slot][3] = next[slot][3].saturating_sub(*n);
        }
        for (place, value, n) in produced(self.net, binding)? {
            let id = self.intern(place, &value)?;
            let words = [place as u32, id as u32, (id >> 32) as u32];
            match next.iter_mut().find(|t| t[..3] == words) {
                Some(t) => {
                    t[3] = t[3].checked_add(n).ok_or_else(|| EvalError::InTransition {
                        transition: self.net.transitions[binding.transition].name.clone(),
                        source: Box::new(EvalError::CountOverflow {
                            place: self.net.places[place].name.clone(),
                        }),
                    })?
                }
                None => next.push([words[0], words[1], words[2], n]),
            }
        }
        next.retain(|t| t[3] > 0);
        next.sort_unstable();
        Ok(next.concat())
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

/// One token of an encoded marking, with its value.
struct Token {
    place: usize,
    id: u64,
    count: u32,
    value: Value,
}

fn check_same(known: &Value, value: &Value) -> Result<(), ColouredError> {
    if known == value {
        Ok(())
    } else {
        Err(ColouredError::Collision(
            known.to_string(),
            value.to_string(),
        ))
    }
}

impl StateSpace for ColouredSpace<'_> {
    type Error = ColouredError;

    fn layout(&self) -> StateLayout {
        StateLayout::Variable
    }

    fn initial(&self) -> Result<Vec<u32>, ColouredError> {
        self.encode(&self.net.initial)
    }

    fn successors(&self, state: &[u32], out: &mut StateBuf) -> Result<(), ColouredError> {
        let (tokens, marking) = self.decode_tokens(state)?;
        let mut bindings = Vec::new();
        enabled_bindings(self.net, &marking, &mut bindings)?;
        for b in &bindings {
            out.push(&self.successor(&tokens, b)?);
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
        let marking = self.decode(state)?;
        for (target, property) in targets.iter_mut().zip(&self.net.properties) {
            let mut slots = vec![Value::Bool(false); property.slots];
            let mut env = Env {
                slots: &mut slots,
                marking: Some(&marking),
            };
            *target = match &property.kind {
                PropertyKind::Invariant(code) => !code.holds(&mut env)?,
                PropertyKind::Reachable(code) => code.holds(&mut env)?,
                PropertyKind::DeadlockFree(except) => {
                    dead && match except {
                        Some(code) => !code.holds(&mut env)?,
                        None => true,
                    }
                }
                PropertyKind::Bound { place, max } => marking.places[*place].total() > *max,
            };
        }
        Ok(())
    }

    fn token_stats(&self, state: &[u32]) -> TokenStats {
        let mut stats = TokenStats::default();
        let mut current: Option<(u32, u64)> = None;
        for token in state.chunks_exact(TOKEN_WORDS) {
            let count = u64::from(token[3]);
            stats.total += count;
            current = match current {
                Some((place, n)) if place == token[0] => Some((place, n + count)),
                _ => Some((token[0], count)),
            };
            if let Some((_, n)) = current {
                stats.max_in_place = stats.max_in_place.max(n);
            }
        }
        stats
    }

    fn describe_state(&self, state: &[u32]) -> String {
        match self.decode(state) {
            Ok(marking) => self.net.show_marking(&marking).replace('\n', "; "),
            Err(e) => format!("<{e}>"),
        }
    }
}
