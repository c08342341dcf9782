//! What formulas read of a state: token counts of places and whether a
//! transition is enabled, for P/T and coloured spaces alike; and the
//! exploration of a space under a set of state-formula checks.

use crate::coloured::fire::{enabled_bindings, fire, transition_bindings};
use crate::coloured::{ColouredError, ColouredSpace};
use crate::explore::{
    MarkedPlaces, PropertyKind, PropertySpec, StateBuf, StateLayout, StateSpace, Step, TokenStats,
};
use crate::net::marking::Marking;
use crate::ptnet::{PackedNet, PtError};

/// A state space whose states can be read as markings of a net.
pub trait Observable: StateSpace {
    /// A decoded state.
    type Marking;
    /// Decodes `state`.
    fn observe(&self, state: &[u32]) -> Result<Self::Marking, Self::Error>;
    /// The tokens of `place` (all colours together).
    fn tokens(&self, marking: &Self::Marking, place: usize) -> u64;
    /// The most tokens of one colour in one place (the count of the
    /// fullest place of the net's P/T unfolding).
    fn max_in_unfolded_place(&self, marking: &Self::Marking) -> u64;
    /// Whether `transition` has an enabled binding.
    fn fireable(&self, marking: &Self::Marking, transition: usize) -> Result<bool, Self::Error>;
    /// The successors of `state`, each with the number of the transition
    /// fired, in a fixed order (stored forms, as the explorer stores them).
    fn transition_successors(&self, state: &[u32]) -> Result<Vec<(usize, Vec<u32>)>, Self::Error>;
}

/// A packed net's markings are observed as they are stored, their packed
/// words, and each count read from its lane: a copy, not an unpacking.
impl Observable for PackedNet<'_> {
    type Marking = Vec<u32>;

    fn observe(&self, state: &[u32]) -> Result<Vec<u32>, PtError> {
        Ok(state.to_vec())
    }

    fn tokens(&self, words: &Vec<u32>, place: usize) -> u64 {
        u64::from(self.count(words, place))
    }

    fn max_in_unfolded_place(&self, words: &Vec<u32>) -> u64 {
        (0..self.net().places.len())
            .map(|place| u64::from(self.count(words, place)))
            .max()
            .unwrap_or(0)
    }

    fn fireable(&self, words: &Vec<u32>, transition: usize) -> Result<bool, PtError> {
        Ok(self.net().transitions[transition]
            .pre
            .iter()
            .all(|&(place, weight)| self.count(words, place) >= weight))
    }

    fn transition_successors(&self, state: &[u32]) -> Result<Vec<(usize, Vec<u32>)>, PtError> {
        let mut out = Vec::new();
        self.fire_each(state, &mut out)?;
        Ok(out)
    }
}

impl Observable for ColouredSpace<'_> {
    type Marking = Marking;

    fn observe(&self, state: &[u32]) -> Result<Marking, ColouredError> {
        self.decode(state)
    }

    fn tokens(&self, marking: &Marking, place: usize) -> u64 {
        marking.places[place].total()
    }

    fn max_in_unfolded_place(&self, marking: &Marking) -> u64 {
        marking
            .places
            .iter()
            .flat_map(|tokens| tokens.iter().map(|(_, n)| u64::from(n)))
            .max()
            .unwrap_or(0)
    }

    fn fireable(&self, marking: &Marking, transition: usize) -> Result<bool, ColouredError> {
        let mut bindings = Vec::new();
        transition_bindings(self.net(), transition, marking, &mut bindings)?;
        Ok(!bindings.is_empty())
    }

    fn transition_successors(
        &self,
        state: &[u32],
    ) -> Result<Vec<(usize, Vec<u32>)>, ColouredError> {
        let marking = self.decode(state)?;
        let mut bindings = Vec::new();
        enabled_bindings(self.net(), &marking, &mut bindings)?;
        bindings
            .iter()
            .map(|b| {
                let after = fire(self.net(), &marking, b)?;
                Ok((b.transition, self.representative(&self.encode(&after)?)?))
            })
            .collect()
    }
}

/// An integer expression with places named by index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Count {
    /// A constant.
    Constant(i64),
    /// The tokens of these places together.
    Tokens(Vec<usize>),
    /// A sum.
    Sum(Vec<Count>),
    /// The first minus the others.
    Difference(Vec<Count>),
    /// A product.
    Product(Vec<Count>),
}

/// A state formula with places and transitions named by index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// Always.
    True,
    /// Never.
    False,
    /// The state is dead.
    Dead,
    /// Negation.
    Not(Box<Condition>),
    /// Conjunction.
    And(Vec<Condition>),
    /// Disjunction.
    Or(Vec<Condition>),
    /// The first count is at most the second.
    Le(Count, Count),
    /// One of these transitions is enabled.
    Fireable(Vec<usize>),
}

/// One question asked of every explored state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Is a state satisfying the condition reachable? (targets: witnesses)
    Reachable(Condition),
    /// Does every reachable state satisfy it? (targets: violations)
    Invariant(Condition),
}

/// A space explored for [`Check`]s: the inner space's states and steps,
/// with the checks as its properties.
pub struct Checked<'a, S> {
    inner: &'a S,
    checks: Vec<Check>,
    specs: Vec<PropertySpec>,
    /// Whether the explorer stops at a proof that the net is unbounded.
    stops_at_growth: bool,
    /// The places whose tokens the token statistics count together (a
    /// coloured place's unfolded places); `None`: each place alone.
    counted_together: Option<Vec<Vec<usize>>>,
}

impl<'a, S: Observable> Checked<'a, S> {
    /// `inner` with `checks`, named by `names` in reports.
    pub fn new(inner: &'a S, checks: Vec<(String, Check)>) -> Self {
        let specs = checks
            .iter()
            .map(|(name, check)| PropertySpec {
                name: name.clone(),
                kind: match check {
                    Check::Reachable(_) => PropertyKind::Reachable,
                    Check::Invariant(_) => PropertyKind::Invariant,
                },
            })
            .collect();
        Checked {
            inner,
            checks: checks.into_iter().map(|(_, c)| c).collect(),
            specs,
            stops_at_growth: false,
            counted_together: None,
        }
    }

    /// The same space, whose token statistics count the tokens of each group
    /// of `places` together, as one place's (the unfolded places of each
    /// coloured place, so that the statistics are the coloured net's).
    pub fn counting_together(mut self, places: Vec<Vec<usize>>) -> Self {
        self.counted_together = (places.iter().any(|group| group.len() > 1)).then_some(places);
        self
    }

    /// The same space, explored until a proof that the net is unbounded
    /// ([`crate::explore::growth`]) where the inner space looks for one:
    /// for answers that need every state, which such a net never gives.
    /// Without it the explorer goes on past the proof, where a witness
    /// found further on still decides a formula.
    pub fn stopping_at_growth(mut self) -> Self {
        self.stops_at_growth = true;
        self
    }
}

/// The value of `count` in `marking` of `space`.
pub fn count<S: Observable>(space: &S, marking: &S::Marking, count_: &Count) -> i128 {
    match count_ {
        Count::Constant(c) => i128::from(*c),
        Count::Tokens(places) => places
            .iter()
            .map(|&p| i128::from(space.tokens(marking, p)))
            .sum(),
        Count::Sum(parts) => parts.iter().map(|c| count(space, marking, c)).sum(),
        Count::Product(parts) => parts
            .iter()
            .map(|c| count(space, marking, c))
            .fold(1i128, i128::saturating_mul),
        Count::Difference(parts) => {
            let mut values = parts.iter().map(|c| count(space, marking, c));
            let first = values.next().unwrap_or(0);
            values.fold(first, i128::saturating_sub)
        }
    }
}

/// Sets `targets[i]` to whether `state` of `space` is a target of
/// `checks[i]` (a witness of a reachability check, a violation of an
/// invariant); `dead` says whether `state` has no successor.
pub fn check_targets<S: Observable>(
    space: &S,
    checks: &[Check],
    state: &[u32],
    dead: bool,
    targets: &mut [bool],
) -> Result<(), S::Error> {
    let marking = space.observe(state)?;
    for (check, target) in checks.iter().zip(targets.iter_mut()) {
        *target = match check {
            Check::Reachable(c) => holds(space, &marking, dead, c)?,
            Check::Invariant(c) => !holds(space, &marking, dead, c)?,
        };
    }
    Ok(())
}

/// Whether `c` holds in `marking` of `space` (`dead`: the marking has no successor).
pub fn holds<S: Observable>(
    space: &S,
    marking: &S::Marking,
    dead: bool,
    c: &Condition,
) -> Result<bool, S::Error> {
    Ok(match c {
        Condition::True => true,
        Condition::False => false,
        Condition::Dead => dead,
        Condition::Not(inner) => !holds(space, marking, dead, inner)?,
        Condition::And(parts) => {
            for part in parts {
                if !holds(space, marking, dead, part)? {
                    return Ok(false);
                }
            }
            true
        }
        Condition::Or(parts) => {
            for part in parts {
                if holds(space, marking, dead, part)? {
                    return Ok(true);
                }
            }
            false
        }
        Condition::Le(a, b) => count(space, marking, a) <= count(space, marking, b),
        Condition::Fireable(transitions) => {
            for &t in transitions {
                if space.fireable(marking, t)? {
                    return Ok(true);
                }
            }
            false
        }
    })
}

impl<S: Observable> StateSpace for Checked<'_, S> {
    type Error = S::Error;

    fn layout(&self) -> StateLayout {
        self.inner.layout()
    }

    fn initial(&self) -> Result<Vec<u32>, S::Error> {
        self.inner.initial()
    }

    fn successors(&self, state: &[u32], out: &mut StateBuf) -> Result<(), S::Error> {
        self.inner.successors(state, out)
    }

    fn labelled_successors(&self, state: &[u32]) -> Result<Vec<(Step, Vec<u32>)>, S::Error> {
        self.inner.labelled_successors(state)
    }

    fn properties(&self) -> &[PropertySpec] {
        &self.specs
    }

    fn property_targets(
        &self,
        state: &[u32],
        dead: bool,
        targets: &mut [bool],
    ) -> Result<(), S::Error> {
        check_targets(self.inner, &self.checks, state, dead, targets)
    }

    fn token_stats(&self, state: &[u32]) -> TokenStats {
        let (Some(groups), Ok(marking)) = (&self.counted_together, self.inner.observe(state))
        else {
            return self.inner.token_stats(state);
        };
        let mut stats = TokenStats::default();
        for group in groups {
            let n: u64 = group.iter().map(|&p| self.inner.tokens(&marking, p)).sum();
            stats.total += n;
            stats.max_in_place = stats.max_in_place.max(n);
        }
        stats
    }

    fn may_grow(&self) -> bool {
        self.stops_at_growth && self.inner.may_grow()
    }

    fn growth(&self, later: &[u32], earlier: &[u32]) -> Vec<(String, u64)> {
        self.inner.growth(later, earlier)
    }

    fn describe_state(&self, state: &[u32]) -> String {
        self.inner.describe_state(state)
    }

    fn marked_places(&self, state: &[u32]) -> MarkedPlaces {
        self.inner.marked_places(state)
    }
}
