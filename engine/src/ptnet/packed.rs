//! The packed fast path of a P/T net.
//!
//! Token counters are packed in lanes, several per `u32` word (a lane never
//! straddles two words). The top bit of each lane is a guard bit that stays
//! clear. A place that a P-invariant bounds ([`super::structural_bounds`]) gets
//! a lane just wide enough for its bound and its arcs' weights, plus the guard
//! bit (2 bits for a one-safe place, 4 for Kanban's places bounded by 5), and
//! can never overflow it. The other places get uniform lanes of 4, 8, 16 or 32
//! bits, holding at most 7, 127, 32767 or 2^31-1 tokens. With `H` the guard bits of a word
//! and `pre` the packed input weights, a transition is enabled on that word when
//! `((w | H) - pre) & H == H` (no lane borrowed its guard bit), and firing computes
//! `w - pre + post`, which overflowed iff a guard bit is now set (checked only
//! on words holding an unbounded place's lane). On overflow [`check_pt`] starts
//! again with the uniform lanes twice as wide.

use super::bounds::{PlaceBounds, structural_bounds};
use super::watch::Watchers;
use super::{PtNet, PtTransition};
use crate::explore::{
    CheckReport, ExploreError, ExploreOptions, MarkedPlaces, PlaceChange, PropertyKind,
    PropertySpec, StateBuf, StateLayout, StateSpace, Step, TokenStats, check,
};
use crate::net::explain::{Explanation, Reading};

/// The properties a P/T net can be checked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PtProperty {
    /// No reachable marking enables no transition.
    DeadlockFree,
    /// No place ever holds more than this many tokens (1: one-safe).
    PlaceBound(u32),
}

/// Why a P/T net could not be packed or explored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PtError {
    /// A place's counter outgrew its lane; [`check_pt`] retries with wider lanes.
    #[error("place {place} holds more than {max} tokens")]
    Overflow {
        /// The place's name.
        place: String,
        /// The most tokens its lane holds.
        max: u32,
    },
    /// An arc names a place the net does not have.
    #[error(
        "transition {transition} has an arc to place index {place}, the net has {places} places"
    )]
    NoSuchPlace {
        /// The transition's name.
        transition: String,
        /// The index it names.
        place: usize,
        /// The number of places.
        places: usize,
    },
    /// The initial marking does not give one count per place.
    #[error("the initial marking has {counts} counts for {places} places")]
    InitialLength {
        /// Counts given.
        counts: usize,
        /// Places in the net.
        places: usize,
    },
    /// A count or weight exceeds 2^31-1, the widest lane.
    #[error("{what} is {value}, more than the 2147483647 a counter holds")]
    TooLarge {
        /// What is too large (a place's initial marking, an arc's weight).
        what: String,
        /// Its value.
        value: u32,
    },
}

/// Packed input and output weights of a transition on one word.
#[derive(Debug, Clone, Copy)]
struct WordDelta {
    word: usize,
    pre: u32,
    post: u32,
    /// Whether a lane of the word may overflow (a place without a proven bound).
    checked: bool,
}

/// Where a place's counter sits: a lane of `bits` bits (the top one the guard
/// bit) at bit `shift` of word `word`.
#[derive(Debug, Clone, Copy)]
struct Lane {
    word: usize,
    shift: u32,
    bits: u32,
}

impl Lane {
    fn guard(self) -> u32 {
        1 << (self.shift + self.bits - 1)
    }
}

/// What is checked of every state for one property.
#[derive(Debug, Clone)]
enum Check {
    /// The state is dead.
    Dead,
    /// Some place holds more than the bound: per word, (bound + 1 in each
    /// lane that can hold more, the guard bits of those lanes).
    Exceeds(u32, Vec<(u32, u32)>),
}

/// A P/T net ready for the explorer.
#[derive(Debug)]
pub struct PackedNet<'n> {
    net: &'n PtNet,
    lane_bits: u32,
    lanes: Vec<Lane>,
    /// The first lane of each word, and the number of lanes last: lanes are
    /// packed in place order, so word `w` holds lanes
    /// `word_lanes[w]..word_lanes[w + 1]`.
    word_lanes: Vec<usize>,
    words: usize,
    /// The guard bits of each word.
    guards: Vec<u32>,
    deltas: Vec<Vec<WordDelta>>,
    /// The transitions worth trying in a marking, for a large net.
    watchers: Option<Watchers>,
    checks: Vec<Check>,
    properties: Vec<PropertySpec>,
    /// Whether some place has no proven bound (the net may be unbounded).
    unproven: bool,
}

/// The most tokens a place may hold, and the heaviest arc: a counter's lane
/// is at most 32 bits, the top one its guard bit.
pub const MAX_COUNT: u32 = (1 << 31) - 1;

impl<'n> PackedNet<'n> {
    /// Packs `net` with each place proven bounded by a P-invariant in a lane
    /// sized to its bound, and the others in the narrowest uniform lanes that
    /// hold the initial marking and the weights.
    pub fn new(net: &'n PtNet, properties: Vec<PtProperty>) -> Result<Self, PtError> {
        let largest = net
            .initial
            .iter()
            .chain(
                net.transitions
                    .iter()
                    .flat_map(|t| t.pre.iter().chain(&t.post).map(|(_, w)| w)),
            )
            .copied()
            .max()
            .unwrap_or(0);
        let bits = [4, 8, 16, 32]
            .into_iter()
            .find(|&b| largest <= lane_max(b))
            .unwrap_or(32);
        Self::with_lane_bits(net, properties, bits)
    }

    /// The net packed.
    pub fn net(&self) -> &'n PtNet {
        self.net
    }

    /// Packs `net` with the places proven bounded in lanes sized to their
    /// bounds and the others in lanes of `lane_bits` (4, 8, 16 or 32; other
    /// values mean 32).
    pub fn with_lane_bits(
        net: &'n PtNet,
        properties: Vec<PtProperty>,
        lane_bits: u32,
    ) -> Result<Self, PtError> {
        Self::with_bounds(net, properties, lane_bits, &structural_bounds(net))
    }

    /// Packs `net` with the places `bounds` bounds in lanes sized to their
    /// bounds (and to their arcs' weights) and the others in lanes of
    /// `lane_bits` (4, 8, 16 or 32; other values mean 32). `bounds` must hold
    /// in every reachable marking: a counter that outgrows a bounded lane
    /// would not be caught.
    pub fn with_bounds(
        net: &'n PtNet,
        properties: Vec<PtProperty>,
        lane_bits: u32,
        bounds: &PlaceBounds,
    ) -> Result<Self, PtError> {
        let lane_bits = if matches!(lane_bits, 4 | 8 | 16) {
            lane_bits
        } else {
            32
        };
        let places = net.places.len();
        if net.initial.len() != places {
            return Err(PtError::InitialLength {
                counts: net.initial.len(),
                places,
            });
        }
        let heaviest = heaviest_arcs(net)?;
        let (lanes, proven) = lay_out_lanes(net, &heaviest, bounds, lane_bits);
        let words = lanes.last().map_or(0, |lane| lane.word + 1);
        let mut word_lanes = vec![places; words + 1];
        for (place, lane) in lanes.iter().enumerate().rev() {
            word_lanes[lane.word] = place;
        }
        for (place, &count) in net.initial.iter().enumerate() {
            if count > lane_max(lanes[place].bits) {
                return Err(too_large(
                    net,
                    lane_bits,
                    format!("the initial marking of {}", net.places[place]),
                    count,
                ));
            }
        }
        let mut guards = vec![0u32; words];
        let mut unproven = vec![false; words];
        for (lane, &proven) in lanes.iter().zip(&proven) {
            guards[lane.word] |= lane.guard();
            unproven[lane.word] |= !proven;
        }
        let deltas = net
            .transitions
            .iter()
            .map(|t| word_deltas(net, t, &lanes, &unproven, lane_bits))
            .collect::<Result<Vec<_>, _>>()?;
        let checks = properties
            .iter()
            .map(|p| match *p {
                PtProperty::DeadlockFree => Check::Dead,
                PtProperty::PlaceBound(k) => Check::Exceeds(k, exceeds_masks(&lanes, words, k)),
            })
            .collect();
        let specs = properties.iter().map(property_spec).collect();
        let first_inputs: Vec<Option<usize>> = (deltas.iter())
            .map(|d: &Vec<WordDelta>| d.iter().find(|d| d.pre != 0).map(|d| d.word))
            .collect();
        Ok(PackedNet {
            net,
            lane_bits,
            lanes,
            word_lanes,
            words,
            guards,
            watchers: Watchers::new(&first_inputs, words),
            deltas,
            checks,
            properties: specs,
            unproven: proven.iter().any(|&p| !p),
        })
    }

    /// Bits per counter lane of the places without a proven bound (4, 8, 16 or 32).
    pub fn lane_bits(&self) -> u32 {
        self.lane_bits
    }

    /// Words per packed marking.
    pub fn words(&self) -> usize {
        self.words
    }

    /// The packed form of a marking given as one count per place (counts must fit the lanes).
    pub fn pack(&self, counts: &[u32]) -> Vec<u32> {
        let mut words = vec![0u32; self.words];
        for (lane, &count) in self.lanes.iter().zip(counts) {
            words[lane.word] |= count << lane.shift;
        }
        words
    }

    /// The count of each place in a packed marking.
    pub fn unpack(&self, state: &[u32]) -> Vec<u32> {
        (0..self.net.places.len())
            .map(|p| self.count(state, p))
            .collect()
    }

    /// The count of `place` in a packed marking.
    pub fn count(&self, state: &[u32], place: usize) -> u32 {
        let lane = self.lanes[place];
        let word = state.get(lane.word).copied().unwrap_or(0);
        (word >> lane.shift) & lane_mask(lane.bits)
    }

    /// The places that hold more tokens in `later` than in `earlier`, with
    /// how many more, in place order; `None` if a place holds fewer. Only
    /// the places of the words that differ are compared (a word's places
    /// are consecutive).
    pub fn grown_places(&self, later: &[u32], earlier: &[u32]) -> Option<Vec<(usize, u32)>> {
        let mut grown = Vec::new();
        let words = later.iter().zip(earlier).take(self.words).enumerate();
        for (w, _) in words.filter(|(_, (a, b))| a != b) {
            for p in self.word_lanes[w]..self.word_lanes[w + 1] {
                let (now, before) = (self.count(later, p), self.count(earlier, p));
                match now.cmp(&before) {
                    std::cmp::Ordering::Less => return None,
                    std::cmp::Ordering::Greater => grown.push((p, now - before)),
                    std::cmp::Ordering::Equal => {}
                }
            }
        }
        Some(grown)
    }

    /// The token total and the fullest place's count, lane by lane, the
    /// lanes of an empty word skipped (a large net's markings are mostly
    /// empty words).
    fn lane_stats(&self, state: &[u32]) -> (u64, u32) {
        let (mut total, mut max) = (0u64, 0u32);
        for (w, &word) in state.iter().enumerate().take(self.words) {
            if word == 0 {
                continue;
            }
            for lane in &self.lanes[self.word_lanes[w]..self.word_lanes[w + 1]] {
                let count = (word >> lane.shift) & lane_mask(lane.bits);
                total += u64::from(count);
                max = max.max(count);
            }
        }
        (total, max)
    }

    /// Whether some place holds more than the bound `masks` test (see
    /// [`exceeds_masks`]): a lane keeps its guard bit through
    /// `(w | H) - (bound + 1)` exactly when it holds more.
    fn exceeds(state: &[u32], masks: &[(u32, u32)]) -> bool {
        state
            .iter()
            .zip(masks)
            .any(|(&w, &(limits, guards))| (w | guards).wrapping_sub(limits) & guards != 0)
    }

    /// Appends to `out` the successor of `state` through each enabled
    /// transition, with the transition's number, in transition order.
    pub fn fire_each(
        &self,
        state: &[u32],
        out: &mut Vec<(usize, Vec<u32>)>,
    ) -> Result<(), PtError> {
        self.for_each_enabled(state, |t, deltas| {
            let mut next = state.to_vec();
            self.fire(&mut next, deltas)?;
            out.push((t, next));
            Ok(())
        })
    }

    /// Calls `visit` with each transition enabled in `state` and its
    /// deltas, in transition order; large nets try only the transitions
    /// [`Watchers`] names.
    fn for_each_enabled(
        &self,
        state: &[u32],
        mut visit: impl FnMut(usize, &[WordDelta]) -> Result<(), PtError>,
    ) -> Result<(), PtError> {
        let mut candidates = Vec::new();
        if let Some(watchers) = &self.watchers
            && watchers.candidates(state, &mut candidates)
        {
            for t in candidates {
                let deltas = &self.deltas[t as usize];
                if self.enabled(state, deltas) {
                    visit(t as usize, deltas)?;
                }
            }
            return Ok(());
        }
        for (t, deltas) in self.deltas.iter().enumerate() {
            if self.enabled(state, deltas) {
                visit(t, deltas)?;
            }
        }
        Ok(())
    }

    fn enabled(&self, state: &[u32], deltas: &[WordDelta]) -> bool {
        deltas.iter().all(|d| {
            let guard = self.guards[d.word];
            d.pre == 0 || ((state[d.word] | guard).wrapping_sub(d.pre) & guard) == guard
        })
    }

    /// Fires a transition known to be enabled on `state` into `target` (a
    /// copy of it). Only words with a lane of an unbounded place can overflow.
    fn fire(&self, target: &mut [u32], deltas: &[WordDelta]) -> Result<(), PtError> {
        for d in deltas {
            let word = target[d.word].wrapping_sub(d.pre).wrapping_add(d.post);
            if d.checked && word & self.guards[d.word] != 0 {
                return Err(self.overflow(word, d.word));
            }
            target[d.word] = word;
        }
        Ok(())
    }

    fn overflow(&self, word: u32, index: usize) -> PtError {
        let place = self
            .lanes
            .iter()
            .position(|lane| lane.word == index && word & lane.guard() != 0)
            .unwrap_or(0);
        PtError::Overflow {
            place: self.net.places.get(place).cloned().unwrap_or_default(),
            max: lane_max(self.lanes.get(place).map_or(self.lane_bits, |l| l.bits)),
        }
    }
}

/// Per word, `bound + 1` in every lane that can hold more than `bound`, and
/// those lanes' guard bits (lanes that cannot are left out of the test).
fn exceeds_masks(lanes: &[Lane], words: usize, bound: u32) -> Vec<(u32, u32)> {
    let mut masks = vec![(0u32, 0u32); words];
    if let Some(limit) = bound.checked_add(1) {
        for lane in lanes.iter().filter(|lane| limit <= lane_max(lane.bits)) {
            masks[lane.word].0 |= limit << lane.shift;
            masks[lane.word].1 |= lane.guard();
        }
    }
    masks
}

fn lane_mask(bits: u32) -> u32 {
    if bits >= 32 {
        u32::MAX
    } else {
        (1 << bits) - 1
    }
}

fn lane_max(bits: u32) -> u32 {
    if bits >= 32 {
        MAX_COUNT
    } else {
        (1 << (bits - 1)) - 1
    }
}

/// Per place, the heaviest weight of an arc on it; an error if an arc
/// names a place the net does not have.
fn heaviest_arcs(net: &PtNet) -> Result<Vec<u32>, PtError> {
    let places = net.places.len();
    let mut heaviest = vec![0u32; places];
    for t in &net.transitions {
        for &(place, weight) in t.pre.iter().chain(&t.post) {
            let Some(h) = heaviest.get_mut(place) else {
                return Err(PtError::NoSuchPlace {
                    transition: t.name.clone(),
                    place,
                    places,
                });
            };
            *h = (*h).max(weight);
        }
    }
    Ok(heaviest)
}

/// Each place's lane, packed in order into 32-bit words: as wide as its
/// bound (and its `heaviest` arc and initial count) where `bounds` gives
/// one, else `lane_bits`; and per place whether its bound is proven.
fn lay_out_lanes(
    net: &PtNet,
    heaviest: &[u32],
    bounds: &PlaceBounds,
    lane_bits: u32,
) -> (Vec<Lane>, Vec<bool>) {
    let mut lanes = Vec::with_capacity(heaviest.len());
    let mut proven = Vec::with_capacity(heaviest.len());
    let (mut word, mut used) = (0usize, 0u32);
    for (place, &heavy) in heaviest.iter().enumerate() {
        let bound = bounds
            .of(place)
            .map(|b| b.max(heavy).max(net.initial[place]))
            .filter(|&b| b <= MAX_COUNT);
        let bits = bound.map_or(lane_bits, |b| (33 - b.leading_zeros()).min(32));
        if used + bits > 32 {
            (word, used) = (word + 1, 0);
        }
        lanes.push(Lane {
            word,
            shift: used,
            bits,
        });
        proven.push(bound.is_some());
        used += bits;
    }
    (lanes, proven)
}

/// What transition `t` takes from and puts into each word it touches, in
/// word order; an error if an arc's weight does not fit its lane.
fn word_deltas(
    net: &PtNet,
    t: &PtTransition,
    lanes: &[Lane],
    unproven: &[bool],
    lane_bits: u32,
) -> Result<Vec<WordDelta>, PtError> {
    let mut packed: Vec<WordDelta> = Vec::new();
    for (arcs, is_pre) in [(&t.pre, true), (&t.post, false)] {
        for &(place, weight) in arcs {
            let lane = lanes[place];
            if weight > lane_max(lane.bits) {
                return Err(too_large(
                    net,
                    lane_bits,
                    format!("the weight of an arc of {}", t.name),
                    weight,
                ));
            }
            let shifted = weight << lane.shift;
            let delta = match packed.iter_mut().find(|d| d.word == lane.word) {
                Some(d) => d,
                None => {
                    packed.push(WordDelta {
                        word: lane.word,
                        pre: 0,
                        post: 0,
                        checked: unproven[lane.word],
                    });
                    let last = packed.len() - 1;
                    &mut packed[last]
                }
            };
            if is_pre {
                delta.pre |= shifted;
            } else {
                delta.post |= shifted;
            }
        }
    }
    packed.sort_by_key(|d| d.word);
    Ok(packed)
}

/// How a property of the packed net is named and reported.
fn property_spec(property: &PtProperty) -> PropertySpec {
    match property {
        PtProperty::DeadlockFree => PropertySpec {
            name: "deadlock-free".into(),
            kind: PropertyKind::DeadlockFree,
        },
        PtProperty::PlaceBound(1) => PropertySpec {
            name: "one-safe".into(),
            kind: PropertyKind::Bound,
        },
        PtProperty::PlaceBound(k) => PropertySpec {
            name: format!("{k}-bounded"),
            kind: PropertyKind::Bound,
        },
    }
}

/// A value too large for the given lanes: an overflow (retried wider) below 32 bits.
fn too_large(net: &PtNet, lane_bits: u32, what: String, value: u32) -> PtError {
    if lane_bits < 32 {
        PtError::Overflow {
            place: net.name.clone(),
            max: lane_max(lane_bits),
        }
    } else {
        PtError::TooLarge { what, value }
    }
}

impl StateSpace for PackedNet<'_> {
    type Error = PtError;

    /// A P/T net always fires monotonically.
    fn may_grow(&self) -> bool {
        self.unproven
    }

    fn growth(&self, later: &[u32], earlier: &[u32]) -> Vec<(String, u64)> {
        (self.grown_places(later, earlier).unwrap_or_default())
            .into_iter()
            .map(|(p, more)| (self.net.places[p].clone(), u64::from(more)))
            .collect()
    }

    fn layout(&self) -> StateLayout {
        StateLayout::Fixed(self.words)
    }

    fn initial(&self) -> Result<Vec<u32>, PtError> {
        Ok(self.pack(&self.net.initial))
    }

    fn successors(&self, state: &[u32], out: &mut StateBuf) -> Result<(), PtError> {
        self.for_each_enabled(state, |_, deltas| self.fire(out.push_copy(state), deltas))
    }

    fn labelled_successors(&self, state: &[u32]) -> Result<Vec<(Step, Vec<u32>)>, PtError> {
        let mut result = Vec::new();
        self.for_each_enabled(state, |t, deltas| {
            let t = &self.net.transitions[t];
            let mut next = state.to_vec();
            self.fire(&mut next, deltas)?;
            let mut touched: Vec<usize> = t.pre.iter().chain(&t.post).map(|&(p, _)| p).collect();
            touched.sort_unstable();
            touched.dedup();
            let changes = touched
                .into_iter()
                .filter_map(|p| {
                    let (before, after) = (self.count(state, p), self.count(&next, p));
                    (before != after).then(|| PlaceChange {
                        place: self.net.places[p].clone(),
                        before: before.to_string(),
                        after: after.to_string(),
                        removed: None,
                        added: None,
                    })
                })
                .collect();
            let step = Step {
                transition: t.name.clone(),
                binding: Vec::new(),
                changes,
            };
            result.push((step, next));
            Ok(())
        })?;
        Ok(result)
    }

    fn properties(&self) -> &[PropertySpec] {
        &self.properties
    }

    fn property_targets(
        &self,
        state: &[u32],
        dead: bool,
        targets: &mut [bool],
    ) -> Result<(), PtError> {
        for (check, target) in self.checks.iter().zip(targets.iter_mut()) {
            *target = match check {
                Check::Dead => dead,
                Check::Exceeds(_, masks) => Self::exceeds(state, masks),
            };
        }
        Ok(())
    }

    /// Why `state` violates a bound: the first place over it, and its count.
    fn explain(&self, property: usize, state: &[u32]) -> Result<Option<Explanation>, PtError> {
        let Some(Check::Exceeds(bound, _)) = self.checks.get(property) else {
            return Ok(None);
        };
        let over = (0..self.net.places.len()).find(|&p| self.count(state, p) > *bound);
        Ok(over.map(|p| {
            let count = format!("count({})", self.net.places[p]);
            Explanation {
                instances: Vec::new(),
                given: Vec::new(),
                failing: format!("{count} <= {bound}"),
                readings: vec![Reading {
                    expression: count,
                    value: self.count(state, p).to_string(),
                }],
            }
        }))
    }

    fn token_stats(&self, state: &[u32]) -> TokenStats {
        let (total, max) = self.lane_stats(state);
        TokenStats {
            total,
            max_in_place: u64::from(max),
        }
    }

    fn describe_state(&self, state: &[u32]) -> String {
        let marked: Vec<String> = (0..self.net.places.len())
            .filter_map(|p| match self.count(state, p) {
                0 => None,
                1 => Some(self.net.places[p].clone()),
                n => Some(format!("{}*{n}", self.net.places[p])),
            })
            .collect();
        if marked.is_empty() {
            "(no tokens)".into()
        } else {
            marked.join(" ")
        }
    }

    fn marked_places(&self, state: &[u32]) -> MarkedPlaces {
        (0..self.net.places.len())
            .filter_map(|p| match self.count(state, p) {
                0 => None,
                n => Some((self.net.places[p].clone(), n.to_string())),
            })
            .collect()
    }
}

/// Checks `net` for `properties` with the packed fast path, widening the
/// counter lanes and starting again whenever a counter overflows.
pub fn check_pt(
    net: &PtNet,
    properties: &[PtProperty],
    options: &ExploreOptions,
) -> Result<CheckReport, ExploreError<PtError>> {
    let mut report = with_widening_lanes(net, properties, |space| check(space, options))?;
    report.net = net.name.clone();
    Ok(report)
}

/// An error of a space built on a [`PackedNet`], which may be a counter
/// that outgrew its lane.
pub trait LaneOverflow: std::error::Error + From<PtError> {
    /// Whether it is a [`PtError::Overflow`].
    fn lane_overflow(&self) -> bool;
}

impl LaneOverflow for PtError {
    fn lane_overflow(&self) -> bool {
        matches!(self, PtError::Overflow { .. })
    }
}

/// Runs `explore` on `net` packed for `properties`; whenever a counter
/// outgrows its lane, packs the net again with lanes twice as wide (up to 32
/// bits) and starts over.
pub fn with_widening_lanes<T, E: LaneOverflow>(
    net: &PtNet,
    properties: &[PtProperty],
    mut explore: impl FnMut(&PackedNet<'_>) -> Result<T, ExploreError<E>>,
) -> Result<T, ExploreError<E>> {
    let packed_error = |source: PtError| ExploreError::Space {
        source: E::from(source),
    };
    let mut space = PackedNet::new(net, properties.to_vec()).map_err(packed_error)?;
    loop {
        match explore(&space) {
            Err(ExploreError::Space { source })
                if source.lane_overflow() && space.lane_bits < 32 =>
            {
                space = PackedNet::with_lane_bits(net, properties.to_vec(), space.lane_bits * 2)
                    .map_err(packed_error)?;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// On nets large enough for [`Watchers`], the transitions fired from
        /// every marking of a breadth-first walk are those a try of every
        /// transition finds, in the same order.
        #[test]
        fn watched_transitions_are_the_enabled_ones(
            places in 2usize..40,
            arcs in proptest::collection::vec(
                (proptest::collection::vec((0usize..40, 1u32..3), 0..3),
                 proptest::collection::vec((0usize..40, 1u32..3), 0..3)),
                64..100,
            ),
            initial in proptest::collection::vec(0u32..3, 40),
        ) {
            let transitions = arcs
                .iter()
                .enumerate()
                .map(|(t, (pre, post))| {
                    let on = |arcs: &Vec<(usize, u32)>| {
                        arcs.iter().map(|&(p, w)| (p % places, w)).collect::<Vec<_>>()
                    };
                    (format!("t{t}"), on(pre), on(post))
                })
                .collect();
            let names = (0..places).map(|p| format!("p{p}")).collect();
            let net = PtNet::new("random", names, initial[..places].to_vec(), transitions);
            let packed = PackedNet::with_lane_bits(&net, Vec::new(), 8).expect("packs");
            proptest::prop_assert!(packed.watchers.is_some());
            let mut frontier = vec![packed.pack(&net.initial)];
            let mut seen = std::collections::HashSet::new();
            while let Some(state) = frontier.pop() {
                if seen.len() > 300 || !seen.insert(state.clone()) {
                    continue;
                }
                let mut watched = Vec::new();
                if packed.fire_each(&state, &mut watched).is_err() {
                    continue; // a counter outgrew its lane: the same either way
                }
                let every: Vec<usize> = (0..packed.deltas.len())
                    .filter(|&t| packed.enabled(&state, &packed.deltas[t]))
                    .collect();
                let fired: Vec<usize> = watched.iter().map(|(t, _)| *t).collect();
                proptest::prop_assert_eq!(fired, every);
                frontier.extend(watched.into_iter().map(|(_, next)| next));
            }
        }
    }

    proptest::proptest! {
        /// Token statistics and growth, which skip the words that are empty
        /// or equal, agree with their definitions place by place, on
        /// packings of mixed lane widths (places with and without a proven
        /// bound).
        #[test]
        fn word_skipping_statistics_and_growth_are_those_of_every_place(
            places in 1usize..60,
            bounded in proptest::collection::vec(proptest::bool::ANY, 60),
            later in proptest::collection::vec(0u32..4, 60),
            earlier in proptest::collection::vec(0u32..4, 60),
            lane_bits in proptest::sample::select(vec![4u32, 8, 16]),
        ) {
            // A place marked `bounded` is a one-token ring of its own (a
            // P-invariant proves it 1-safe, a lane of one bit); the others
            // are pumped by a transition that only puts tokens there.
            let mut transitions = Vec::new();
            let mut initial = vec![0; places];
            for p in 0..places {
                match bounded[p] {
                    true => {
                        initial[p] = 1;
                        transitions.push((format!("loop{p}"), vec![(p, 1)], vec![(p, 1)]));
                    }
                    false => transitions.push((format!("pump{p}"), vec![], vec![(p, 1)])),
                }
            }
            let names = (0..places).map(|p| format!("p{p}")).collect();
            let net = PtNet::new("mixed", names, initial, transitions);
            let packed = PackedNet::with_lane_bits(&net, Vec::new(), lane_bits).expect("packs");
            let fit = |counts: &[u32]| -> Vec<u32> {
                (0..places)
                    .map(|p| counts[p].min(lane_max(packed.lanes[p].bits)))
                    .collect()
            };
            let (later, earlier) = (fit(&later), fit(&earlier));
            let (later_state, earlier_state) = (packed.pack(&later), packed.pack(&earlier));
            let total: u64 = later.iter().map(|&c| u64::from(c)).sum();
            let max = later.iter().copied().max().unwrap_or(0);
            proptest::prop_assert_eq!(packed.lane_stats(&later_state), (total, max));
            let expected: Vec<(String, u64)> = if later.iter().zip(&earlier).any(|(a, b)| a < b) {
                Vec::new()
            } else {
                (0..places)
                    .filter(|&p| later[p] > earlier[p])
                    .map(|p| (format!("p{p}"), u64::from(later[p] - earlier[p])))
                    .collect()
            };
            proptest::prop_assert_eq!(packed.growth(&later_state, &earlier_state), expected);
        }
    }

    fn counter(initial: u32) -> PtNet {
        // t: p -> 2 q ; u: q -> p
        PtNet::new(
            "counter",
            vec!["p".into(), "q".into()],
            vec![initial, 0],
            vec![
                ("t".into(), vec![(0, 1)], vec![(1, 2)]),
                ("u".into(), vec![(1, 1)], vec![]),
            ],
        )
    }

    #[test]
    fn pack_roundtrip_and_enabling() {
        let net = counter(3);
        let space = PackedNet::new(&net, vec![]).unwrap();
        assert_eq!(space.lane_bits(), 4);
        let state = space.pack(&[3, 0]);
        assert_eq!(space.unpack(&state), vec![3, 0]);
        let mut out = StateBuf::new();
        space.successors(&state, &mut out).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(space.unpack(out.get(0).unwrap()), vec![2, 2]);
    }

    #[test]
    fn overflow_widens_lanes() {
        // 100 tokens in p become 200 in q: too many for 8-bit lanes.
        let net = counter(100);
        let report = check_pt(
            &net,
            &[PtProperty::PlaceBound(1)],
            &ExploreOptions::default(),
        )
        .unwrap();
        assert_eq!(report.max_tokens_in_place, Some(200));
        assert_eq!(report.max_tokens_per_marking, Some(200));
        // p from 100 down to 0, q anything reachable: sum over k of (2k+1) states.
        assert_eq!(report.states, (0..=100u64).map(|k| 2 * k + 1).sum::<u64>());
        assert_eq!(report.properties[0].holds, Some(false));
    }

    #[test]
    fn bounds_are_checked_lane_by_lane() {
        let net = PtNet::new(
            "wide",
            (0..9).map(|p| format!("p{p}")).collect(),
            vec![0; 9],
            vec![],
        );
        let space = PackedNet::with_bounds(&net, vec![], 4, &PlaceBounds::none(9)).unwrap();
        let exceeds = |state: &[u32], bound| {
            PackedNet::exceeds(state, &exceeds_masks(&space.lanes, space.words, bound))
        };
        for (counts, one, two) in [
            ([0, 0, 0, 0, 0, 0, 0, 0, 0], false, false),
            ([1, 1, 1, 1, 1, 1, 1, 1, 1], false, false),
            ([0, 0, 0, 0, 0, 0, 0, 2, 0], true, false),
            ([0, 0, 0, 0, 0, 0, 0, 0, 3], true, true),
            ([7, 0, 0, 0, 0, 0, 0, 0, 0], true, true),
        ] {
            let state = space.pack(&counts);
            assert_eq!(exceeds(&state, 1), one, "{counts:?}");
            assert_eq!(exceeds(&state, 2), two, "{counts:?}");
            assert!(!exceeds(&state, 7), "{counts:?}");
        }
    }

    #[test]
    fn one_safe_places_take_two_bits() {
        // A ring of 9 places with one token: each place is bounded by 1.
        let net = PtNet::new(
            "ring",
            (0..9).map(|p| format!("p{p}")).collect(),
            (0..9).map(|p| u32::from(p == 0)).collect(),
            (0..9)
                .map(|p| (format!("t{p}"), vec![(p, 1)], vec![((p + 1) % 9, 1)]))
                .collect(),
        );
        let bounded = PackedNet::new(&net, vec![]).unwrap();
        let uniform = PackedNet::with_bounds(&net, vec![], 4, &PlaceBounds::none(9)).unwrap();
        assert_eq!((bounded.words(), uniform.words()), (1, 2));
        let state = bounded.pack(&[0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(bounded.unpack(&state), vec![0, 0, 0, 0, 0, 0, 0, 0, 1]);
        let mut out = StateBuf::new();
        bounded.successors(&state, &mut out).unwrap();
        assert_eq!(
            bounded.unpack(out.get(0).unwrap()),
            vec![1, 0, 0, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn bad_arcs_are_errors() {
        let net = PtNet::new(
            "bad",
            vec!["p".into()],
            vec![0],
            vec![("t".into(), vec![(3, 1)], vec![])],
        );
        assert!(matches!(
            PackedNet::new(&net, vec![]),
            Err(PtError::NoSuchPlace { place: 3, .. })
        ));
    }
}
