//! The explorer with variable-width states, the layout coloured nets use:
//! a toy space whose states are the subsets of {0..n} as sorted word lists.

use sesphr_engine::explore::{
    ExploreError, ExploreOptions, PlaceChange, PropertyKind, PropertySpec, StateBuf, StateLayout,
    StateSpace, Step, TokenStats, check,
};

/// Subsets of {0..n}; a step adds or removes one element. `poison` makes
/// the successors of a state of that size fail.
struct Subsets {
    n: u32,
    poison: Option<usize>,
    properties: Vec<PropertySpec>,
}

#[derive(Debug, thiserror::Error)]
#[error("poisoned state of size {0}")]
struct Poisoned(usize);

impl Subsets {
    fn new(n: u32, poison: Option<usize>) -> Self {
        let properties = vec![
            PropertySpec {
                name: "full-set-reachable".into(),
                kind: PropertyKind::Reachable,
            },
            PropertySpec {
                name: "never-three".into(),
                kind: PropertyKind::Invariant,
            },
            PropertySpec {
                name: "no-deadlock".into(),
                kind: PropertyKind::DeadlockFree,
            },
        ];
        Subsets {
            n,
            poison,
            properties,
        }
    }

    fn toggle(state: &[u32], i: u32) -> Vec<u32> {
        match state.binary_search(&i) {
            Ok(at) => [&state[..at], &state[at + 1..]].concat(),
            Err(at) => [&state[..at], &[i], &state[at..]].concat(),
        }
    }
}

impl StateSpace for Subsets {
    type Error = Poisoned;

    fn layout(&self) -> StateLayout {
        StateLayout::Variable
    }

    fn initial(&self) -> Result<Vec<u32>, Poisoned> {
        Ok(Vec::new())
    }

    fn successors(&self, state: &[u32], out: &mut StateBuf) -> Result<(), Poisoned> {
        if self.poison == Some(state.len()) {
            return Err(Poisoned(state.len()));
        }
        for i in 0..self.n {
            out.push(&Self::toggle(state, i));
        }
        Ok(())
    }

    fn labelled_successors(&self, state: &[u32]) -> Result<Vec<(Step, Vec<u32>)>, Poisoned> {
        Ok((0..self.n)
            .map(|i| {
                let next = Self::toggle(state, i);
                let step = Step {
                    transition: if next.len() > state.len() {
                        "add"
                    } else {
                        "remove"
                    }
                    .into(),
                    binding: vec![("i".into(), i.to_string())],
                    changes: vec![PlaceChange {
                        place: "set".into(),
                        before: format!("{state:?}"),
                        after: format!("{next:?}"),
                        removed: None,
                        added: None,
                    }],
                };
                (step, next)
            })
            .collect())
    }

    fn properties(&self) -> &[PropertySpec] {
        &self.properties
    }

    fn property_targets(
        &self,
        state: &[u32],
        dead: bool,
        targets: &mut [bool],
    ) -> Result<(), Poisoned> {
        targets[0] = state.len() == self.n as usize;
        targets[1] = state.len() == 3;
        targets[2] = dead;
        Ok(())
    }

    fn token_stats(&self, state: &[u32]) -> TokenStats {
        TokenStats {
            total: state.len() as u64,
            max_in_place: state.len() as u64,
        }
    }

    fn describe_state(&self, state: &[u32]) -> String {
        format!("{state:?}")
    }

    fn marked_places(&self, state: &[u32]) -> Vec<(String, String)> {
        vec![("set".to_string(), format!("{state:?}"))]
    }
}

fn run(
    space: &Subsets,
    threads: usize,
) -> Result<sesphr_engine::explore::CheckReport, ExploreError<Poisoned>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    pool.install(|| check(space, &ExploreOptions::default()))
}

#[test]
fn subsets_have_exact_counts_and_shortest_traces() {
    let space = Subsets::new(14, None);
    let report = run(&space, 2).expect("check");
    assert!(report.complete);
    assert_eq!(report.states, 1 << 14);
    assert_eq!(report.edges, 14 << 14);
    assert_eq!(report.depth, 15);
    assert_eq!(report.deadlocks, 0);
    assert_eq!(report.max_tokens_per_marking, Some(14));

    let full = &report.properties[0];
    assert_eq!(full.holds, Some(true));
    let trace = full.trace.as_ref().expect("witness");
    // The sequential BFS's first witness: elements added in increasing order.
    let added: Vec<&str> = trace
        .steps
        .iter()
        .map(|s| s.binding[0].1.as_str())
        .collect();
    let expected: Vec<String> = (0..14).map(|i| i.to_string()).collect();
    assert_eq!(added, expected);
    assert!(trace.steps.iter().all(|s| s.transition == "add"));

    let three = &report.properties[1];
    assert_eq!(three.holds, Some(false));
    let trace = three.trace.as_ref().expect("counterexample");
    assert_eq!(trace.steps.len(), 3);
    assert_eq!(trace.last, "[0, 1, 2]");
    assert_eq!(report.properties[2].holds, Some(true));
}

#[test]
fn variable_width_results_do_not_depend_on_threads() {
    let space = Subsets::new(13, None);
    let mut one = run(&space, 1).expect("check");
    let mut two = run(&space, 2).expect("check");
    for r in [&mut one, &mut two] {
        r.seconds = 0.0;
        r.states_per_second = 0.0;
        r.threads = 0;
    }
    assert_eq!(one, two);
}

#[test]
fn a_failing_space_aborts_the_check() {
    let space = Subsets::new(6, Some(4));
    match run(&space, 2) {
        Err(ExploreError::Space { source }) => assert_eq!(source.0, 4),
        other => panic!("expected the space's error, got {other:?}"),
    }
}
