//! The packed fast path of a P/T net.
//!
//! Token counters are packed in lanes of 4, 8, 16 or 32 bits, several per `u32`
//! word. The top bit of each lane is a guard bit that stays clear, so a lane
//! holds at most 7, 127, 32767 or 2^31-1 tokens. With `H` the guard bits of a word
//! and `pre` the packed input weights, a transition is enabled on that word when
//! `((w | H) - pre) & H == H` (no lane borrowed its guard bit), and firing computes
//! `w - pre + post`, which overflowed iff a guard bit is now set. On overflow
//! [`check_pt`] starts again with lanes twice as wide.

use super::PtNet;
use crate::explore::{
    CheckReport, ExploreError, ExploreOptions, PlaceChange, PropertyKind, PropertySpec, StateBuf,
    StateLayout, StateSpace, Step, TokenStats, check,
};

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
}

/// A P/T net ready for the explorer.
#[derive(Debug)]
pub struct PackedNet<'n> {
    net: &'n PtNet,
    lane_bits: u32,
    words: usize,
    guard: u32,
    deltas: Vec<Vec<WordDelta>>,
    checks: Vec<PtProperty>,
    properties: Vec<PropertySpec>,
}

const MAX_COUNT: u32 = (1 << 31) - 1;

impl<'n> PackedNet<'n> {
    /// Packs `net` in the narrowest lanes that hold its initial marking and weights.
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

    /// Packs `net` in lanes of `lane_bits` (4, 8, 16 or 32; other values mean 32).
    pub fn with_lane_bits(
        net: &'n PtNet,
        properties: Vec<PtProperty>,
        lane_bits: u32,
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
        let max = lane_max(lane_bits);
        for (place, &count) in net.initial.iter().enumerate() {
            if count > max {
                return Err(too_large(
                    net,
                    lane_bits,
                    format!("the initial marking of {}", net.places[place]),
                    count,
                ));
            }
        }
        let lanes = (32 / lane_bits) as usize;
        let mut deltas = Vec::with_capacity(net.transitions.len());
        for t in &net.transitions {
            let mut packed: Vec<WordDelta> = Vec::new();
            for (arcs, is_pre) in [(&t.pre, true), (&t.post, false)] {
                for &(place, weight) in arcs {
                    if place >= places {
                        return Err(PtError::NoSuchPlace {
                            transition: t.name.clone(),
                            place,
                            places,
                        });
                    }
                    if weight > max {
                        return Err(too_large(
                            net,
                            lane_bits,
                            format!("the weight of an arc of {}", t.name),
                            weight,
                        ));
                    }
                    let word = place / lanes;
                    let shifted = weight << ((place % lanes) as u32 * lane_bits);
                    let delta = match packed.iter_mut().find(|d| d.word == word) {
                        Some(d) => d,
                        None => {
                            packed.push(WordDelta {
                                word,
                                pre: 0,
                                post: 0,
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
            deltas.push(packed);
        }
        let guard = (0..lanes).fold(0u32, |g, lane| {
            g | (1 << (lane as u32 * lane_bits + lane_bits - 1))
        });
        let specs = properties
            .iter()
            .map(|p| match p {
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
            })
            .collect();
        Ok(PackedNet {
            net,
            lane_bits,
            words: places.div_ceil(lanes),
            guard,
            deltas,
            checks: properties,
            properties: specs,
        })
    }

    /// Bits per counter lane (4, 8, 16 or 32).
    pub fn lane_bits(&self) -> u32 {
        self.lane_bits
    }

    /// The packed form of a marking given as one count per place (counts must fit the lanes).
    pub fn pack(&self, counts: &[u32]) -> Vec<u32> {
        let lanes = (32 / self.lane_bits) as usize;
        let mut words = vec![0u32; self.words];
        for (place, &count) in counts.iter().enumerate() {
            words[place / lanes] |= count << ((place % lanes) as u32 * self.lane_bits);
        }
        words
    }

    /// The count of each place in a packed marking.
    pub fn unpack(&self, state: &[u32]) -> Vec<u32> {
        (0..self.net.places.len())
            .map(|p| self.count(state, p))
            .collect()
    }

    fn count(&self, state: &[u32], place: usize) -> u32 {
        let lanes = (32 / self.lane_bits) as usize;
        let word = state.get(place / lanes).copied().unwrap_or(0);
        let shifted = word >> ((place % lanes) as u32 * self.lane_bits);
        if self.lane_bits == 32 {
            shifted
        } else {
            shifted & ((1 << self.lane_bits) - 1)
        }
    }

    /// The token total and the fullest place's count, lane by lane (no division).
    fn lane_stats(&self, state: &[u32]) -> (u64, u32) {
        let bits = self.lane_bits;
        let mask = if bits == 32 {
            u32::MAX
        } else {
            (1 << bits) - 1
        };
        let (mut total, mut max) = (0u64, 0u32);
        for &word in state {
            let mut word = word;
            for _ in 0..32 / bits {
                let count = word & mask;
                total += u64::from(count);
                max = max.max(count);
                word = word.checked_shr(bits).unwrap_or(0);
            }
        }
        (total, max)
    }

    /// Whether some place holds more than `bound` tokens: a lane keeps its
    /// guard bit through `(w | H) - (bound + 1)` exactly when it holds more.
    fn exceeds(&self, state: &[u32], bound: u32) -> bool {
        let Some(limit) = bound
            .checked_add(1)
            .filter(|&l| l <= lane_max(self.lane_bits))
        else {
            return false;
        };
        let lanes = 32 / self.lane_bits;
        let limits = (0..lanes).fold(0u32, |acc, lane| acc | (limit << (lane * self.lane_bits)));
        state
            .iter()
            .any(|&w| (w | self.guard).wrapping_sub(limits) & self.guard != 0)
    }

    /// Appends to `out` the successor of `state` through each enabled
    /// transition, with the transition's number, in transition order.
    pub fn fire_each(
        &self,
        state: &[u32],
        out: &mut Vec<(usize, Vec<u32>)>,
    ) -> Result<(), PtError> {
        for (t, deltas) in self.deltas.iter().enumerate() {
            if self.enabled(state, deltas) {
                let mut next = state.to_vec();
                self.fire(&mut next, deltas)?;
                out.push((t, next));
            }
        }
        Ok(())
    }

    fn enabled(&self, state: &[u32], deltas: &[WordDelta]) -> bool {
        deltas.iter().all(|d| {
            d.pre == 0
                || ((state[d.word] | self.guard).wrapping_sub(d.pre) & self.guard) == self.guard
        })
    }

    /// Fires a transition known to be enabled on `state` into `target` (a copy of it).
    fn fire(&self, target: &mut [u32], deltas: &[WordDelta]) -> Result<(), PtError> {
        for d in deltas {
            let word = target[d.word].wrapping_sub(d.pre).wrapping_add(d.post);
            if word & self.guard != 0 {
                return Err(self.overflow(word, d.word));
            }
            target[d.word] = word;
        }
        Ok(())
    }

    fn overflow(&self, word: u32, index: usize) -> PtError {
        let lanes = (32 / self.lane_bits) as usize;
        let lane = (0..lanes)
            .find(|&l| word & (1 << (l as u32 * self.lane_bits + self.lane_bits - 1)) != 0)
            .unwrap_or(0);
        let place = index * lanes + lane;
        PtError::Overflow {
            place: self.net.places.get(place).cloned().unwrap_or_default(),
            max: lane_max(self.lane_bits),
        }
    }
}

fn lane_max(bits: u32) -> u32 {
    if bits >= 32 {
        MAX_COUNT
    } else {
        (1 << (bits - 1)) - 1
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

    fn layout(&self) -> StateLayout {
        StateLayout::Fixed(self.words)
    }

    fn initial(&self) -> Result<Vec<u32>, PtError> {
        Ok(self.pack(&self.net.initial))
    }

    fn successors(&self, state: &[u32], out: &mut StateBuf) -> Result<(), PtError> {
        for deltas in &self.deltas {
            if self.enabled(state, deltas) {
                self.fire(out.push_copy(state), deltas)?;
            }
        }
        Ok(())
    }

    fn labelled_successors(&self, state: &[u32]) -> Result<Vec<(Step, Vec<u32>)>, PtError> {
        let mut result = Vec::new();
        for (t, deltas) in self.net.transitions.iter().zip(&self.deltas) {
            if !self.enabled(state, deltas) {
                continue;
            }
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
        }
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
            *target = match *check {
                PtProperty::DeadlockFree => dead,
                PtProperty::PlaceBound(k) => self.exceeds(state, k),
            };
        }
        Ok(())
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
}

/// Checks `net` for `properties` with the packed fast path, widening the
/// counter lanes and starting again whenever a counter overflows.
pub fn check_pt(
    net: &PtNet,
    properties: &[PtProperty],
    options: &ExploreOptions,
) -> Result<CheckReport, ExploreError<PtError>> {
    let mut space = PackedNet::new(net, properties.to_vec())
        .map_err(|source| ExploreError::Space { source })?;
    loop {
        match check(&space, options) {
            Err(ExploreError::Space {
                source: PtError::Overflow { .. },
            }) if space.lane_bits < 32 => {
                space = PackedNet::with_lane_bits(net, properties.to_vec(), space.lane_bits * 2)
                    .map_err(|source| ExploreError::Space { source })?;
            }
            Ok(mut report) => {
                report.net = net.name.clone();
                return Ok(report);
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let space = PackedNet::new(&net, vec![]).unwrap();
        for (counts, one, two) in [
            ([0, 0, 0, 0, 0, 0, 0, 0, 0], false, false),
            ([1, 1, 1, 1, 1, 1, 1, 1, 1], false, false),
            ([0, 0, 0, 0, 0, 0, 0, 2, 0], true, false),
            ([0, 0, 0, 0, 0, 0, 0, 0, 3], true, true),
            ([7, 0, 0, 0, 0, 0, 0, 0, 0], true, true),
        ] {
            let state = space.pack(&counts);
            assert_eq!(space.exceeds(&state, 1), one, "{counts:?}");
            assert_eq!(space.exceeds(&state, 2), two, "{counts:?}");
            assert!(!space.exceeds(&state, 7), "{counts:?}");
        }
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
