//! The unfolding of a coloured net into a P/T net: one place per (place,
//! colour) that a reachable marking may hold, one transition per binding
//! that may fire. The unfolded net has the coloured net's state space (same
//! states, one edge per enabled binding).
//!
//! The colours and bindings are found by a fixpoint over an
//! over-approximation of the reachable markings: start from the initial
//! tokens; every binding enabled when each place holds every colour found so
//! far (each with as many copies as one binding may take from that place)
//! may fire, and the colours it gives are added; until nothing new appears.
//! Every token of a reachable marking is one of these colours and every
//! binding enabled in a reachable marking is one of these bindings, so the
//! unfolding keeps every run; a listed binding fires in the unfolded net
//! exactly where its tokens are present, as in the coloured net (guards do
//! not read the marking). Host functions are evaluated here, so a net whose
//! variables range over opaque terms (the SeSPHR nets' symbolic algebra)
//! unfolds as long as it builds finitely many of them.
//!
//! The unfolded transitions of each coloured transition are listed in the
//! order the coloured engine lists its bindings (their order in the marking
//! that holds every colour, of which every reachable marking's order is a
//! part), so both explore a marking's successors in the same order.
//!
//! Refused: more than [`MAX_BINDINGS`] bindings or [`MAX_COLOURS`] colours,
//! or more than [`MAX_SEARCHED`] bindings searched on the way (an unbounded
//! colour set, such as a counter without a bound), and a binding whose guard
//! or outputs fail to evaluate; [`unfold_within`] takes other limits.

use std::collections::{HashMap, HashSet};

use crate::coloured::fire::{Binding, produced, transition_bindings};
use crate::net::code::EvalError;
use crate::net::marking::{Marking, Multiset};
use crate::net::model::{Matcher, Net};
use crate::net::value::Value;
use crate::ptnet::{PtNet, TransitionArcs};

/// At most this many bindings are unfolded, over all transitions.
pub const MAX_BINDINGS: usize = 1 << 16;

/// At most this many colours are unfolded, over all places.
pub const MAX_COLOURS: usize = 1 << 16;

/// At most this many bindings (with repeats) are searched while looking for
/// the colours: a net that builds one new colour at a time (a counter) is
/// refused after a few thousand rounds instead of after quadratic work.
pub const MAX_SEARCHED: usize = 1 << 22;

/// How large an unfolding may grow before it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnfoldLimits {
    /// Bindings unfolded, over all transitions.
    pub bindings: usize,
    /// Colours unfolded, over all places.
    pub colours: usize,
    /// Bindings searched on the way, repeats included.
    pub searched: usize,
}

impl UnfoldLimits {
    /// The limits of [`unfold`]: [`MAX_BINDINGS`], [`MAX_COLOURS`], [`MAX_SEARCHED`].
    pub const LARGEST: UnfoldLimits = UnfoldLimits {
        bindings: MAX_BINDINGS,
        colours: MAX_COLOURS,
        searched: MAX_SEARCHED,
    };
}

/// Why a coloured net cannot be unfolded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot unfold transition `{transition}`: {reason}")]
pub struct UnfoldError {
    /// The transition.
    pub transition: String,
    /// Why.
    pub reason: String,
    /// The failed evaluation of the transition's guard or arc, when that is
    /// why ([`Net::position_of_failure`] locates it).
    pub evaluation: Option<Box<EvalError>>,
}

impl UnfoldError {
    /// The transition's evaluation failed: the reason is what went wrong
    /// inside it (the error names the transition already).
    fn evaluating(net: &Net, t: usize, e: EvalError) -> UnfoldError {
        let reason = match &e {
            EvalError::InTransition { source, .. } => source.to_string(),
            e => e.to_string(),
        };
        UnfoldError {
            transition: net.transitions[t].name.clone(),
            reason,
            evaluation: Some(Box::new(e)),
        }
    }
}

/// The P/T net with the behaviour of `net`, and for each of its places the
/// coloured place and colour it stands for.
pub fn unfold(net: &Net) -> Result<(PtNet, Vec<(usize, Value)>), UnfoldError> {
    unfold_within(net, UnfoldLimits::LARGEST)
}

/// [`unfold`], refused beyond `limits` instead.
pub fn unfold_within(
    net: &Net,
    limits: UnfoldLimits,
) -> Result<(PtNet, Vec<(usize, Value)>), UnfoldError> {
    let mut unfolding = Unfolding::new(net, limits);
    let mut readers: Vec<Vec<usize>> = vec![Vec::new(); net.places.len()];
    for (t, transition) in net.transitions.iter().enumerate() {
        for item in &transition.inputs {
            if !matches!(item.matcher, Matcher::Each { .. }) && !readers[item.place].contains(&t) {
                readers[item.place].push(t);
            }
        }
    }
    // Rounds: every transition that may have new bindings is searched in the
    // colours known at the start of the round, in the net's order; what they
    // give is added after. A round lists only those transitions, so a net
    // whose colours spread one transition a round (a ring) costs rounds times
    // the transitions searched, not rounds times all transitions.
    let mut round: Vec<usize> = (0..net.transitions.len()).collect();
    while !round.is_empty() {
        let mut found = Vec::new();
        for &t in &round {
            unfolding.search(t, &mut found)?;
        }
        round.clear();
        for (p, v) in found {
            unfolding.places.hold(p, v);
            round.extend(&readers[p]);
        }
        round.sort_unstable();
        round.dedup();
    }
    unfolding.finish()
}

/// The unfolding found so far.
struct Unfolding<'n> {
    net: &'n Net,
    places: Places,
    /// The bindings found, each with its transition and its arcs.
    transitions: Vec<(usize, Binding, TransitionArcs)>,
    seen: HashSet<Binding>,
    /// Bindings searched so far, repeats included.
    searched: usize,
    limits: UnfoldLimits,
}

impl<'n> Unfolding<'n> {
    /// The initial colours, no bindings yet.
    fn new(net: &'n Net, limits: UnfoldLimits) -> Self {
        let mut places = Places {
            list: Vec::new(),
            index: HashMap::new(),
            everything: Marking {
                places: vec![Multiset::new(); net.places.len()],
            },
            copies: copies_taken(net),
        };
        for (p, tokens) in net.initial.places.iter().enumerate() {
            for (value, _) in tokens.iter() {
                places.id(p, value);
                places.hold(p, value.clone());
            }
        }
        Unfolding {
            net,
            places,
            transitions: Vec::new(),
            seen: HashSet::new(),
            searched: 0,
            limits,
        }
    }

    /// Adds the new bindings of transition `t` enabled in the colours held,
    /// and appends to `found` the colours they give that are new.
    fn search(&mut self, t: usize, found: &mut Vec<(usize, Value)>) -> Result<(), UnfoldError> {
        let net = self.net;
        let error = |reason: String| UnfoldError {
            transition: net.transitions[t].name.clone(),
            reason,
            evaluation: None,
        };
        let mut bindings = Vec::new();
        transition_bindings(net, t, &self.places.everything, &mut bindings)
            .map_err(|e| UnfoldError::evaluating(net, t, e))?;
        self.searched += bindings.len();
        if self.searched > self.limits.searched {
            return Err(error(format!(
                "more than {} bindings searched for the colours the net may build (it may \
                 build too many to unfold)",
                self.limits.searched
            )));
        }
        for binding in bindings {
            if self.seen.contains(&binding) {
                continue;
            }
            if self.seen.len() == self.limits.bindings {
                return Err(error(format!(
                    "more than {} bindings may fire (the net may build too many colours to \
                     unfold)",
                    self.limits.bindings
                )));
            }
            let mut post = Vec::new();
            for (p, v, n) in
                produced(net, &binding).map_err(|e| UnfoldError::evaluating(net, t, e))?
            {
                let (id, new) = self.places.id(p, &v);
                if new && self.places.list.len() > self.limits.colours {
                    return Err(error(format!(
                        "more than {} colours (place `{}` may hold unboundedly many)",
                        self.limits.colours, net.places[p].name
                    )));
                }
                if new {
                    found.push((p, v));
                }
                post.push((id, n));
            }
            let pre = binding
                .consumed
                .iter()
                .map(|(p, v, n)| (self.places.id(*p, v).0, *n))
                .collect();
            self.transitions.push((
                t,
                binding.clone(),
                (binding.show(net).to_string(), pre, post),
            ));
            self.seen.insert(binding);
        }
        Ok(())
    }

    /// The P/T net, transitions in the coloured net's order, then in the
    /// order of their bindings in the marking that holds every colour (the
    /// coloured engine's order).
    fn finish(mut self) -> Result<(PtNet, Vec<(usize, Value)>), UnfoldError> {
        let net = self.net;
        let mut order = HashMap::new();
        for t in 0..net.transitions.len() {
            let mut bindings = Vec::new();
            transition_bindings(net, t, &self.places.everything, &mut bindings)
                .map_err(|e| UnfoldError::evaluating(net, t, e))?;
            for binding in bindings {
                let next = order.len();
                order.entry(binding).or_insert(next);
            }
        }
        // Every binding found is enabled in the last marking searched, which
        // holds more than the one it was found in; `usize::MAX` would only
        // keep a stray one after the others.
        self.transitions
            .sort_by_cached_key(|(t, b, _)| (*t, order.get(b).copied().unwrap_or(usize::MAX)));
        let names = self
            .places
            .list
            .iter()
            .map(|(p, v)| format!("{}[{v}]", net.places[*p].name))
            .collect();
        let initial = self
            .places
            .list
            .iter()
            .map(|(p, v)| net.initial.places[*p].count(v))
            .collect();
        let pt = PtNet::new(
            net.name.clone(),
            names,
            initial,
            self.transitions
                .into_iter()
                .map(|(_, _, arcs)| arcs)
                .collect(),
        );
        Ok((pt, self.places.list))
    }
}

/// Per place, the most copies one binding may take from it (at least 1).
fn copies_taken(net: &Net) -> Vec<u32> {
    let mut copies = vec![1u32; net.places.len()];
    for transition in &net.transitions {
        let mut taken = vec![0u32; net.places.len()];
        for item in &transition.inputs {
            let n = match &item.matcher {
                Matcher::Scan { .. } | Matcher::Exact(_) => item.mult,
                Matcher::Difference(parts) => {
                    let positive: i64 = parts.iter().map(|(count, _)| (*count).max(0)).sum();
                    u32::try_from(positive).unwrap_or(u32::MAX)
                }
                Matcher::Each { .. } => 0,
            };
            taken[item.place] = taken[item.place].saturating_add(n);
        }
        for (c, t) in copies.iter_mut().zip(taken) {
            *c = (*c).max(t);
        }
    }
    copies
}

/// The unfolded places, numbered in order of first use, and the marking
/// that holds each colour found before the present round with as many
/// copies as a binding may take.
struct Places {
    list: Vec<(usize, Value)>,
    index: HashMap<(usize, Value), usize>,
    everything: Marking,
    copies: Vec<u32>,
}

impl Places {
    /// The number of `value` in `place`, and whether it is new.
    fn id(&mut self, place: usize, value: &Value) -> (usize, bool) {
        let key = (place, value.clone());
        if let Some(&id) = self.index.get(&key) {
            return (id, false);
        }
        self.list.push(key.clone());
        self.index.insert(key, self.list.len() - 1);
        (self.list.len() - 1, true)
    }

    /// Puts a colour found in the marking the next rounds search.
    fn hold(&mut self, place: usize, value: Value) {
        // A colour is held once, with at most u32::MAX copies: no overflow.
        let _ = self.everything.places[place].add(value, self.copies[place]);
    }
}
