//! A coloured net explored through its unfolding to a P/T net
//! ([`crate::smt::unfold`]), reported in the coloured net's own terms.
//!
//! States are the unfolding's packed token counts and successors its
//! transitions' firings (the P/T explorer's fast path, [`PackedNet`]); the
//! net's properties are judged on those counts as the SMT route encodes them
//! ([`crate::smt::unfolded_checks`]). Everything a report shows is the coloured
//! net's: the properties' names and kinds, token bounds per coloured place,
//! traces (a marking's counts are turned back into the coloured marking, whose
//! bindings label the steps), explanations of violated invariants. The
//! unfolding has the coloured net's states and edges and lists a marking's
//! successors in the coloured engine's binding order, so the report is the
//! native one: same figures, verdicts and counterexamples.

use std::collections::{BTreeMap, HashMap};

use crate::coloured::{ColouredError, ColouredSpace};
use crate::explore::{
    MarkedPlaces, PropertySpec, StateBuf, StateLayout, StateSpace, Step, TokenStats,
};
use crate::mcc::observe::{Check, check_targets};
use crate::net::code::EvalError;
use crate::net::explain::Explanation;
use crate::net::marking::{Marking, Multiset};
use crate::net::value::Value;
use crate::ptnet::{LaneOverflow, PackedNet, PtError};

/// Why a state of the unfolding could not be expanded or shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UnfoldedError {
    /// Firing the unfolding failed (a counter outgrew its lane).
    #[error(transparent)]
    Packed(#[from] PtError),
    /// The coloured net, asked for a trace's steps or a state's rendering, failed.
    #[error(transparent)]
    Coloured(#[from] ColouredError),
    /// A coloured successor holds a colour the unfolding lacks (a bug of the unfolding).
    #[error("place `{place}` holds {colour}, a colour its unfolding does not have")]
    UnknownColour {
        /// The coloured place.
        place: String,
        /// The colour.
        colour: String,
    },
}

impl LaneOverflow for UnfoldedError {
    fn lane_overflow(&self) -> bool {
        matches!(self, UnfoldedError::Packed(e) if e.lane_overflow())
    }
}

/// The unfolding of a coloured net as a [`StateSpace`] with the coloured
/// net's properties and reports.
pub struct UnfoldedSpace<'a> {
    packed: &'a PackedNet<'a>,
    coloured: &'a ColouredSpace<'a>,
    /// The coloured place and colour of each unfolded place.
    colours: &'a [(usize, Value)],
    /// Per coloured place, the unfolded place of each of its colours.
    places: Vec<HashMap<Value, usize>>,
    /// Per coloured place, its unfolded places.
    unfolded: Vec<Vec<usize>>,
    /// Whether no coloured place has more than one unfolded place (a net of
    /// black tokens): the unfolded counts are then the coloured places'.
    a_colour_a_place: bool,
    /// One check per property of `coloured`, on the unfolded token counts.
    checks: Vec<Check>,
}

impl<'a> UnfoldedSpace<'a> {
    /// `packed`, the unfolding of `coloured`'s net whose places are
    /// `colours`, judging `checks` (one per property of the net, in order).
    pub fn new(
        packed: &'a PackedNet<'a>,
        coloured: &'a ColouredSpace<'a>,
        colours: &'a [(usize, Value)],
        checks: Vec<Check>,
    ) -> Self {
        let mut places = vec![HashMap::new(); coloured.net().places.len()];
        let mut unfolded = vec![Vec::new(); coloured.net().places.len()];
        for (i, (place, colour)) in colours.iter().enumerate() {
            places[*place].insert(colour.clone(), i);
            unfolded[*place].push(i);
        }
        let a_colour_a_place = unfolded.iter().all(|colours| colours.len() <= 1);
        UnfoldedSpace {
            packed,
            coloured,
            colours,
            places,
            unfolded,
            a_colour_a_place,
            checks,
        }
    }

    /// The coloured marking whose unfolded token counts are `state`.
    fn marking(&self, state: &[u32]) -> Result<Marking, UnfoldedError> {
        let mut tokens: Vec<Vec<(Value, u32)>> = vec![Vec::new(); self.places.len()];
        for (count, (place, colour)) in self.packed.unpack(state).into_iter().zip(self.colours) {
            if count > 0 {
                tokens[*place].push((colour.clone(), count));
            }
        }
        let places = tokens
            .into_iter()
            .enumerate()
            .map(|(place, counts)| {
                // The unfolded places of one coloured place have distinct
                // colours: nothing is added up, nothing overflows.
                Multiset::from_counts(counts).ok_or_else(|| {
                    ColouredError::Eval(EvalError::CountOverflow {
                        place: self.coloured.net().places[place].name.clone(),
                    })
                    .into()
                })
            })
            .collect::<Result<_, UnfoldedError>>()?;
        Ok(Marking { places })
    }

    /// The packed unfolded counts of the coloured `marking`.
    fn packed_counts(&self, marking: &Marking) -> Result<Vec<u32>, UnfoldedError> {
        let mut counts = vec![0u32; self.colours.len()];
        for (place, tokens) in marking.places.iter().enumerate() {
            for (colour, n) in tokens.iter() {
                let unfolded =
                    self.places[place]
                        .get(colour)
                        .ok_or_else(|| UnfoldedError::UnknownColour {
                            place: self.coloured.net().places[place].name.clone(),
                            colour: colour.to_string(),
                        })?;
                counts[*unfolded] = n;
            }
        }
        Ok(self.packed.pack(&counts))
    }

    /// The coloured space's encoding of the marking whose counts are `state`.
    fn coloured_state(&self, state: &[u32]) -> Result<Vec<u32>, UnfoldedError> {
        Ok(self.coloured.encode(&self.marking(state)?)?)
    }
}

impl StateSpace for UnfoldedSpace<'_> {
    type Error = UnfoldedError;

    fn layout(&self) -> StateLayout {
        self.packed.layout()
    }

    fn initial(&self) -> Result<Vec<u32>, UnfoldedError> {
        Ok(self.packed.initial()?)
    }

    fn successors(&self, state: &[u32], out: &mut StateBuf) -> Result<(), UnfoldedError> {
        Ok(self.packed.successors(state, out)?)
    }

    fn labelled_successors(&self, state: &[u32]) -> Result<Vec<(Step, Vec<u32>)>, UnfoldedError> {
        let coloured = self.coloured_state(state)?;
        self.coloured
            .labelled_successors(&coloured)?
            .into_iter()
            .map(|(step, next)| Ok((step, self.packed_counts(&self.coloured.decode(&next)?)?)))
            .collect()
    }

    fn properties(&self) -> &[PropertySpec] {
        self.coloured.properties()
    }

    fn may_grow(&self) -> bool {
        self.packed.may_grow()
    }

    /// The growth in the coloured net's terms: per coloured place, the
    /// tokens its colours gained.
    fn growth(&self, later: &[u32], earlier: &[u32]) -> Vec<(String, u64)> {
        // The unfolded places that grew, added up per coloured place, in
        // the coloured places' order.
        let Some(grown) = self.packed.grown_places(later, earlier) else {
            return Vec::new();
        };
        let mut more: BTreeMap<usize, u64> = BTreeMap::new();
        for (i, n) in grown {
            *more.entry(self.colours[i].0).or_default() += u64::from(n);
        }
        let places = &self.coloured.net().places;
        (more.into_iter())
            .map(|(place, n)| (places[place].name.clone(), n))
            .collect()
    }

    fn explain(
        &self,
        property: usize,
        state: &[u32],
    ) -> Result<Option<Explanation>, UnfoldedError> {
        Ok(self
            .coloured
            .explain(property, &self.coloured_state(state)?)?)
    }

    fn property_targets(
        &self,
        state: &[u32],
        dead: bool,
        targets: &mut [bool],
    ) -> Result<(), UnfoldedError> {
        Ok(check_targets(
            self.packed,
            &self.checks,
            state,
            dead,
            targets,
        )?)
    }

    fn token_stats(&self, state: &[u32]) -> TokenStats {
        if self.a_colour_a_place {
            return self.packed.token_stats(state);
        }
        let mut stats = TokenStats::default();
        for unfolded in &self.unfolded {
            let n: u64 = (unfolded.iter())
                .map(|&i| u64::from(self.packed.count(state, i)))
                .sum();
            stats.total += n;
            stats.max_in_place = stats.max_in_place.max(n);
        }
        stats
    }

    fn describe_state(&self, state: &[u32]) -> String {
        match self.coloured_state(state) {
            Ok(coloured) => self.coloured.describe_state(&coloured),
            Err(e) => format!("<{e}>"),
        }
    }

    fn marked_places(&self, state: &[u32]) -> MarkedPlaces {
        match self.coloured_state(state) {
            Ok(coloured) => self.coloured.marked_places(&coloured),
            Err(_) => MarkedPlaces::new(),
        }
    }
}
