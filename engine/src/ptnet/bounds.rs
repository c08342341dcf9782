//! Structural place bounds from P-invariants.
//!
//! A semi-positive P-invariant is a weighting `y >= 0` of the places that no
//! transition changes: `y . C = 0` for the incidence matrix `C`. Every
//! reachable marking `m` then has `y . m = y . m0`, so a place `p` with
//! `y_p > 0` never holds more than `floor(y . m0 / y_p)` tokens. The bounds
//! hold in every reachable marking whatever the firing order, which lets the
//! packed encoding give each place only the bits its bound needs.
//!
//! The invariants come from the Farkas algorithm (Martinez and Silva's
//! elimination over the matrix `[C | I]`), keeping only rows of minimal
//! support. It can grow exponentially on some nets, so it gives up (and
//! proves no bound) beyond [`MAX_ROWS`] rows (or as many as the places, where
//! those are more) or when a coefficient overflows.

use super::PtNet;

/// Rows kept at any step of the elimination before giving up, unless the net
/// has more places (it starts with a row for each).
pub const MAX_ROWS: usize = 1000;

/// Places beyond which no invariant is searched (every row holds a weight for
/// each place and an entry for each transition, and there are at least as
/// many rows as places).
pub const MAX_PLACES: usize = 2000;

/// The largest token count each place can hold in any reachable marking, where
/// a semi-positive P-invariant proves one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceBounds {
    bounds: Vec<Option<u32>>,
}

impl PlaceBounds {
    /// No bound for any of `places` places.
    pub fn none(places: usize) -> Self {
        PlaceBounds {
            bounds: vec![None; places],
        }
    }

    /// The proven bound of `place`, if any.
    pub fn of(&self, place: usize) -> Option<u32> {
        self.bounds.get(place).copied().flatten()
    }

    /// How many places have a proven bound.
    pub fn proven(&self) -> usize {
        self.bounds.iter().flatten().count()
    }
}

/// One row of the elimination: its remaining incidence entries (one per
/// transition), its place weights, and the set of places it weighs (one bit
/// a place; the weights never go negative, so a combination's support is the
/// union of its two rows').
#[derive(Debug, Clone)]
struct Row {
    incidence: Vec<i64>,
    weights: Vec<i64>,
    support: Vec<u64>,
}

impl Row {
    /// Whether this row weighs every place `other` weighs.
    fn covers(&self, other: &Row) -> bool {
        self.support
            .iter()
            .zip(&other.support)
            .all(|(big, small)| big & small == *small)
    }
}

/// The place bounds that the net's semi-positive P-invariants prove.
pub fn structural_bounds(net: &PtNet) -> PlaceBounds {
    let places = net.places.len();
    let mut bounds = PlaceBounds::none(places);
    if places == 0 || places > MAX_PLACES || net.initial.len() != places {
        return bounds;
    }
    let Some(invariants) = invariants(net) else {
        return bounds;
    };
    for y in invariants {
        let Some(tokens) = y.iter().zip(&net.initial).try_fold(0i64, |sum, (&w, &m)| {
            sum.checked_add(w.checked_mul(i64::from(m))?)
        }) else {
            continue;
        };
        for (place, &w) in y.iter().enumerate() {
            if w > 0 {
                let bound = u32::try_from(tokens / w).unwrap_or(u32::MAX);
                let slot = &mut bounds.bounds[place];
                *slot = Some(slot.map_or(bound, |b| b.min(bound)));
            }
        }
    }
    bounds
}

/// The minimal-support semi-positive P-invariants, or `None` if the
/// elimination gave up.
fn invariants(net: &PtNet) -> Option<Vec<Vec<i64>>> {
    let places = net.places.len();
    let transitions = net.transitions.len();
    let most_rows = MAX_ROWS.max(places);
    let mut rows: Vec<Row> = (0..places)
        .map(|p| {
            let mut weights = vec![0; places];
            weights[p] = 1;
            let mut support = vec![0u64; places.div_ceil(64)];
            support[p / 64] |= 1 << (p % 64);
            Row {
                incidence: vec![0; transitions],
                weights,
                support,
            }
        })
        .collect();
    for (t, transition) in net.transitions.iter().enumerate() {
        for &(p, w) in &transition.pre {
            rows.get_mut(p)?.incidence[t] -= i64::from(w);
        }
        for &(p, w) in &transition.post {
            rows.get_mut(p)?.incidence[t] += i64::from(w);
        }
    }
    for t in 0..transitions {
        let (zero, nonzero): (Vec<Row>, Vec<Row>) =
            rows.into_iter().partition(|r| r.incidence[t] == 0);
        let (positive, negative): (Vec<&Row>, Vec<&Row>) =
            nonzero.iter().partition(|r| r.incidence[t] > 0);
        let mut combined = Vec::new();
        for a in &positive {
            for b in &negative {
                combined.push(combine(a, b, t)?);
                if zero.len() + combined.len() > 4 * most_rows {
                    return None;
                }
            }
        }
        rows = minimal_supports(zero, combined);
        if rows.len() > most_rows {
            return None;
        }
    }
    Some(rows.into_iter().map(|r| r.weights).collect())
}

/// `|b_t| a + a_t b`, which cancels column `t`, divided by the gcd of its entries.
fn combine(a: &Row, b: &Row, t: usize) -> Option<Row> {
    let (ka, kb) = (b.incidence[t].checked_abs()?, a.incidence[t]);
    let mix = |x: &[i64], y: &[i64]| -> Option<Vec<i64>> {
        x.iter()
            .zip(y)
            .map(|(&u, &v)| u.checked_mul(ka)?.checked_add(v.checked_mul(kb)?))
            .collect()
    };
    let mut row = Row {
        incidence: mix(&a.incidence, &b.incidence)?,
        weights: mix(&a.weights, &b.weights)?,
        support: a
            .support
            .iter()
            .zip(&b.support)
            .map(|(x, y)| x | y)
            .collect(),
    };
    let divisor = row
        .incidence
        .iter()
        .chain(&row.weights)
        .fold(0i64, |g, &v| gcd(g, v.abs()));
    if divisor > 1 {
        row.incidence.iter_mut().for_each(|v| *v /= divisor);
        row.weights.iter_mut().for_each(|v| *v /= divisor);
    }
    Some(row)
}

fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The rows of `kept` and then `combined` whose place support contains no
/// other row's support (the others are positive combinations of those and
/// prove nothing more); of rows with equal supports, the first. The rows of
/// `kept` are the previous step's, of which none covers another, so only
/// pairs with a combined row are compared: a step costs the kept rows times
/// the combined ones, not the square of all rows.
fn minimal_supports(kept: Vec<Row>, combined: Vec<Row>) -> Vec<Row> {
    // Whether `row` weighs every place of `other` and more: removed in
    // favour of `other` whatever their order.
    let strictly_covers =
        |row: &Row, other: &Row| row.covers(other) && row.support != other.support;
    let keep_kept: Vec<bool> = kept
        .iter()
        .map(|row| !combined.iter().any(|other| strictly_covers(row, other)))
        .collect();
    let keep_combined: Vec<bool> = combined
        .iter()
        .enumerate()
        .map(|(i, row)| {
            !kept.iter().any(|other| row.covers(other))
                && !combined.iter().enumerate().any(|(j, other)| {
                    j != i && row.covers(other) && (j < i || row.support != other.support)
                })
        })
        .collect();
    kept.into_iter()
        .zip(keep_kept)
        .chain(combined.into_iter().zip(keep_combined))
        .filter_map(|(row, keep)| keep.then_some(row))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_of_places_is_bounded_by_its_tokens() {
        // p0 -a-> p1 -b-> p2 -c-> p0 with 3 tokens: every place at most 3.
        let net = PtNet::new(
            "ring",
            vec!["p0".into(), "p1".into(), "p2".into()],
            vec![3, 0, 0],
            vec![
                ("a".into(), vec![(0, 1)], vec![(1, 1)]),
                ("b".into(), vec![(1, 1)], vec![(2, 1)]),
                ("c".into(), vec![(2, 1)], vec![(0, 1)]),
            ],
        );
        let bounds = structural_bounds(&net);
        assert_eq!(
            (0..3).map(|p| bounds.of(p)).collect::<Vec<_>>(),
            vec![Some(3); 3]
        );
    }

    #[test]
    fn weights_scale_the_bound_and_a_generator_leaves_places_unbounded() {
        // t: p -> 2 q, u: 2 q -> p keeps 2p + q = 2 (p at most 1, q at most 2);
        // g: -> r grows r without bound.
        let net = PtNet::new(
            "weighted",
            vec!["p".into(), "q".into(), "r".into()],
            vec![1, 0, 0],
            vec![
                ("t".into(), vec![(0, 1)], vec![(1, 2)]),
                ("u".into(), vec![(1, 2)], vec![(0, 1)]),
                ("g".into(), vec![], vec![(2, 1)]),
            ],
        );
        let bounds = structural_bounds(&net);
        assert_eq!(bounds.of(0), Some(1));
        assert_eq!(bounds.of(1), Some(2));
        assert_eq!(bounds.of(2), None);
        assert_eq!(bounds.proven(), 2);
    }

    #[test]
    fn the_tightest_invariant_wins() {
        // Two overlapping cycles through p0: p0+p1 = 1 and p0+p2 = 4.
        let net = PtNet::new(
            "two-cycles",
            vec!["p0".into(), "p1".into(), "p2".into()],
            vec![1, 0, 3],
            vec![
                ("a".into(), vec![(0, 1), (2, 1)], vec![(1, 1)]),
                ("b".into(), vec![(1, 1)], vec![(0, 1), (2, 1)]),
            ],
        );
        let bounds = structural_bounds(&net);
        assert_eq!(bounds.of(0), Some(1));
        assert_eq!(bounds.of(1), Some(1));
        assert_eq!(bounds.of(2), Some(3));
    }

    /// A row that weighs the places of `places` (bits of one word), with
    /// `tag` as its only incidence entry so that rows of equal support differ.
    fn row_of(places: u64, tag: i64) -> Row {
        Row {
            incidence: vec![tag],
            weights: (0..64).map(|p| i64::from(places >> p & 1 == 1)).collect(),
            support: vec![places],
        }
    }

    /// Every pair of rows compared: the rows whose support contains no
    /// other's, of equal supports the first.
    fn minimal_supports_by_every_pair(rows: &[Row]) -> Vec<(u64, i64)> {
        (0..rows.len())
            .filter(|&i| {
                !(0..rows.len()).any(|j| {
                    j != i
                        && rows[i].covers(&rows[j])
                        && (rows[i].support != rows[j].support || j < i)
                })
            })
            .map(|i| (rows[i].support[0], rows[i].incidence[0]))
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn comparing_with_the_combined_rows_only_keeps_what_every_pair_keeps(
            earlier in proptest::collection::vec(1u64..256, 0..12),
            combined in proptest::collection::vec(1u64..256, 0..12),
        ) {
            // The previous step's rows are minimal among themselves.
            let earlier: Vec<Row> = earlier.iter().enumerate().map(|(i, &p)| row_of(p, i as i64)).collect();
            let kept: Vec<Row> = minimal_supports_by_every_pair(&earlier)
                .into_iter()
                .map(|(p, tag)| row_of(p, tag))
                .collect();
            let combined: Vec<Row> = combined
                .iter()
                .enumerate()
                .map(|(i, &p)| row_of(p, 100 + i as i64))
                .collect();
            let all: Vec<Row> = kept.iter().chain(&combined).cloned().collect();
            let expected = minimal_supports_by_every_pair(&all);
            let found: Vec<(u64, i64)> = minimal_supports(kept, combined)
                .iter()
                .map(|r| (r.support[0], r.incidence[0]))
                .collect();
            proptest::prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn a_ring_of_a_thousand_places_is_bounded_by_its_one_token() {
        let n = 1000;
        let net = PtNet::new(
            "ring",
            (0..n).map(|p| format!("p{p}")).collect(),
            (0..n).map(|p| u32::from(p == 0)).collect(),
            (0..n)
                .map(|t| (format!("t{t}"), vec![(t, 1)], vec![((t + 1) % n, 1)]))
                .collect(),
        );
        let bounds = structural_bounds(&net);
        assert_eq!(bounds.proven(), n);
        assert!((0..n).all(|p| bounds.of(p) == Some(1)));
    }

    fn contest_net(name: &str) -> PtNet {
        let path = format!(
            "{}/../tests/data/mcc/{name}.pnml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).expect("the contest net is in the repository");
        crate::load::pnml::parse_pnml(&text).expect("parses")
    }

    #[test]
    fn kanban_places_are_bounded_by_five_and_philosophers_are_one_safe() {
        let kanban = contest_net("Kanban-PT-00005");
        let bounds = structural_bounds(&kanban);
        assert_eq!(bounds.proven(), kanban.places.len());
        assert!((0..kanban.places.len()).all(|p| bounds.of(p) == Some(5)));
        let philosophers = contest_net("Philosophers-PT-000010");
        let bounds = structural_bounds(&philosophers);
        assert_eq!(bounds.proven(), philosophers.places.len());
        assert!((0..philosophers.places.len()).all(|p| bounds.of(p) == Some(1)));
    }
}
