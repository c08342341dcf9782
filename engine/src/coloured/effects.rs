//! Successors computed on interned ids: a memo of each transition's effects.
//!
//! Whether a transition is enabled, with which bindings, and what firing each
//! binding does depend only on the tokens of the places it has input arcs
//! from: guards and output inscriptions read binding variables, never the
//! marking. Since a marking is one multiset id per place ([`super::table`]),
//! the ids of those *keyed* places are an exact key for all of that. The memo
//! maps, per transition, that key to what each enabled binding does, in
//! binding order: the keyed places' new ids, and for each place the
//! transition only adds to (its *added* places: no input arc) the id of the
//! tokens it adds there, in that place's table. A successor's id for an added
//! place is then the sum of its id in the marking and the added tokens, from
//! [`super::addition`]. Leaving the added places out of the key lets markings
//! that differ only there (the ledger, the records of what was served, each
//! user's received answers) share an entry: on the SeSPHR net `join` and
//! `D_R_S` found their key in about a fifth of the markings when every
//! touched place was in it, and in 60-90% without the added places. A state
//! whose keys were all met before is expanded without decoding a single token.
//!
//! The memo is a cache: a missing entry is recomputed by the binding search and
//! gives the same answer, so dropping entries (done when a transition's map
//! outgrows [`MAX_ENTRIES_PER_TRANSITION`]) changes the time, never a result.
//! The memo also gives up on a transition whose keys rarely repeat (see
//! `EffectMemo::pays`), which again changes only the time.
//! Entries do not depend on which thread computed them (ids name the same
//! multisets in every thread), so neither do successors.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::outputs::Values;
use super::shared_cache::SharedCache;
use crate::net::code::PlaceId;
use crate::net::model::Net;
use crate::net::value::Value;

/// Entries kept per transition before its map is emptied and refilled; bounds
/// the memo at a few hundred megabytes on nets whose keys rarely repeat.
pub const MAX_ENTRIES_PER_TRANSITION: usize = 1 << 20;

/// The effects of one transition for one key: per enabled binding, in
/// binding order, its variables' values, the keyed places' new ids and the
/// ids of the tokens it adds to each added place (in the order of
/// [`EffectMemo::keyed`], then [`EffectMemo::added`]; [`ADDS_NOTHING`] for an
/// added place it puts no token in).
///
/// The values are the shared copies of [`super::outputs`], and the lists are
/// allocated to their exact length: an entry is kept for every key met.
#[derive(Debug, Default)]
pub struct Effects {
    width: usize,
    ids: Vec<u32>,
    values: Vec<Values>,
    tokens: Vec<BindingTokens>,
}

/// The tokens a binding takes and puts, `(place, value, copies)`: kept for
/// the partial-order reduction ([`super::stubborn`]).
#[derive(Debug, Clone, Default)]
pub struct BindingTokens {
    /// The tokens taken.
    pub consumed: Box<[(PlaceId, Value, u32)]>,
    /// The tokens put.
    pub produced: Arc<[(PlaceId, Value, u32)]>,
}

impl Effects {
    /// No binding yet, for a transition with `width` keyed and added places
    /// and room for `bindings` bindings, with their tokens if `tokens`.
    pub fn new(width: usize, bindings: usize, tokens: bool) -> Self {
        Effects {
            width,
            ids: Vec::with_capacity(width * bindings),
            values: Vec::with_capacity(bindings),
            tokens: Vec::with_capacity(if tokens { bindings } else { 0 }),
        }
    }

    /// Adds the tokens of the binding pushed last (for every binding or none).
    pub fn push_tokens(&mut self, tokens: BindingTokens) {
        self.tokens.push(tokens);
        debug_assert_eq!(self.tokens.len(), self.values.len());
    }

    /// Each binding's tokens, in binding order, if they were kept.
    pub fn tokens(&self) -> Option<&[BindingTokens]> {
        (self.tokens.len() == self.values.len() && !self.values.is_empty())
            .then_some(&self.tokens[..])
    }

    /// Adds a binding: its variables' values, the keyed places' new ids and
    /// the added places' added tokens.
    pub fn push(&mut self, values: Values, ids: impl IntoIterator<Item = u32>) {
        self.values.push(values);
        self.ids.extend(ids);
        debug_assert_eq!(self.ids.len(), self.values.len() * self.width);
    }

    /// Each binding's values and its ids (keyed places' new ids, then the
    /// added places' added tokens), in binding order (empty id slices for a
    /// transition that touches no place).
    pub fn bindings(&self) -> impl Iterator<Item = (&[Value], &[u32])> {
        self.values.iter().enumerate().map(|(b, values)| {
            let ids = &self.ids[b * self.width..(b + 1) * self.width];
            (&**values, ids)
        })
    }
}

/// The id an added place's slot holds when the binding puts no token there
/// (never a multiset id).
pub const ADDS_NOTHING: u32 = u32::MAX;

/// One transition's remembered effects, keyed by its keyed places' ids.
/// Looked up for every marking by every thread and written on a miss only.
type TransitionMap = SharedCache<Box<[u32]>, Arc<Effects>>;

/// Look-ups of a transition before the memo first judges whether it pays.
pub const TRIAL_LOOKUPS: u64 = 4096;

/// Look-ups after which the memo judges a transition again, for good: one
/// whose keys repeat only later in the run (the first breadth-first levels
/// are all new markings) is given this long to show it.
pub const LONG_TRIAL_LOOKUPS: u64 = 1 << 16;

/// Per transition: its keyed and added places, its remembered effects, and
/// how often they were found.
pub struct EffectMemo {
    keyed: Vec<Box<[usize]>>,
    added: Vec<Box<[usize]>>,
    maps: Vec<TransitionMap>,
    lookups: Vec<AtomicU64>,
    hits: Vec<AtomicU64>,
}

impl EffectMemo {
    /// An empty memo for the transitions of `net`.
    pub fn new(net: &Net) -> Self {
        let sorted = |places: &mut Vec<usize>| {
            places.sort_unstable();
            places.dedup();
        };
        let mut keyed = Vec::new();
        let mut added = Vec::new();
        for t in &net.transitions {
            let mut inputs: Vec<usize> = t.inputs.iter().map(|i| i.place).collect();
            sorted(&mut inputs);
            let mut outputs: Vec<usize> = t
                .outputs
                .iter()
                .map(|o| o.place)
                .filter(|p| inputs.binary_search(p).is_err())
                .collect();
            sorted(&mut outputs);
            keyed.push(inputs.into_boxed_slice());
            added.push(outputs.into_boxed_slice());
        }
        let maps = net
            .transitions
            .iter()
            .map(|_| SharedCache::new(MAX_ENTRIES_PER_TRANSITION))
            .collect();
        let counters = || net.transitions.iter().map(|_| AtomicU64::new(0)).collect();
        EffectMemo {
            keyed,
            added,
            maps,
            lookups: counters(),
            hits: counters(),
        }
    }

    /// The places transition `t` has input arcs from (it reads them, takes
    /// from them, or both), in increasing order: their ids are its key.
    pub fn keyed(&self, t: usize) -> &[usize] {
        &self.keyed[t]
    }

    /// The places transition `t` only puts tokens in, in increasing order.
    pub fn added(&self, t: usize) -> &[usize] {
        &self.added[t]
    }

    /// The remembered effects of `t` for `key` (the ids of its keyed
    /// places), if any.
    pub fn get(&self, t: usize, key: &[u32]) -> Option<Arc<Effects>> {
        if !self.pays(t) {
            return None;
        }
        let found = self.maps[t].get(key);
        // Counted during the trials only: no shared counter is written after them.
        if self.lookups[t].load(Ordering::Relaxed) < LONG_TRIAL_LOOKUPS {
            self.lookups[t].fetch_add(1, Ordering::Relaxed);
            if found.is_some() {
                self.hits[t].fetch_add(1, Ordering::Relaxed);
            }
        }
        found
    }

    /// Whether remembering the effects of `t` pays: during its first
    /// [`TRIAL_LOOKUPS`] look-ups it is assumed to; after them, if at least
    /// a tenth of the look-ups so far found their key, and after
    /// [`LONG_TRIAL_LOOKUPS`] only if at least a quarter of those did. On a
    /// net whose markings rarely repeat a transition's keyed places (the
    /// coloured philosophers: every transition touches every philosopher's
    /// tokens) the memo would cost time and memory for nothing, so it stops
    /// there. (On the SeSPHR net `D_R_S` finds 17% of its keys in its first
    /// look-ups and about 60% over the whole run.)
    fn pays(&self, t: usize) -> bool {
        let lookups = self.lookups[t].load(Ordering::Relaxed);
        let hits = self.hits[t].load(Ordering::Relaxed);
        match lookups {
            n if n < TRIAL_LOOKUPS => true,
            n if n < LONG_TRIAL_LOOKUPS => 10 * hits >= n,
            n => 4 * hits >= n,
        }
    }

    /// Forgets every remembered effect (their memory is freed).
    pub fn clear(&self) {
        self.maps.iter().for_each(SharedCache::clear);
    }

    /// Remembers `effects` for `t` and `key` (drops them if the memo does not
    /// pay for `t`, and then forgets what it remembered of `t`).
    pub fn insert(&self, t: usize, key: &[u32], effects: Arc<Effects>) {
        if self.pays(t) {
            self.maps[t].insert(key.into(), effects);
        } else {
            self.maps[t].clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effects_list_each_binding_with_its_ids() {
        let mut effects = Effects::new(2, 2, false);
        effects.push(Arc::from([Value::Int(1)]), [10, 11]);
        effects.push(Arc::from([Value::Int(2)]), [20, 21]);
        let split: Vec<(&[Value], &[u32])> = effects.bindings().collect();
        assert_eq!(
            split,
            vec![
                (&[Value::Int(1)][..], &[10, 11][..]),
                (&[Value::Int(2)][..], &[20, 21][..])
            ]
        );
        let mut untouched = Effects::new(0, 2, false);
        untouched.push(Arc::from([]), []);
        untouched.push(Arc::from([]), []);
        let split: Vec<(&[Value], &[u32])> = untouched.bindings().collect();
        assert_eq!(split.len(), 2, "two bindings that change nothing");
        assert!(split.iter().all(|(v, ids)| v.is_empty() && ids.is_empty()));
    }
}
