//! Which transitions of a large P/T net may be enabled in a marking.
//!
//! The explorer tried every transition on every marking: on a net of
//! thousands of transitions of which a few are enabled at a time (a ring, a
//! pipeline, most contest nets), almost all of its time. A transition with
//! inputs is enabled only where every word of the packed marking holding an
//! input place is non-zero, so each transition *watches* the word of its
//! first input, and only the transitions watching a non-zero word (and those
//! without inputs) are tried, in transition order as before. Where that is
//! most of them the plain loop is kept.

/// Below this many transitions every transition is tried.
const SMALL: usize = 64;

/// The transitions watching each word of a packed marking.
#[derive(Debug)]
pub(super) struct Watchers {
    /// For each word, the transitions whose first input place sits in it.
    by_word: Vec<Vec<u32>>,
    /// The transitions without an input place (enabled wherever they fit).
    always: Vec<u32>,
    /// A candidate list longer than this is not worth its sort.
    most: usize,
}

impl Watchers {
    /// The watchers of a net whose transitions' first input words are
    /// `first_inputs` (`None` for a transition without inputs), in a marking
    /// of `words` words; `None` for a net small enough to try every
    /// transition.
    pub(super) fn new(first_inputs: &[Option<usize>], words: usize) -> Option<Watchers> {
        if first_inputs.len() < SMALL {
            return None;
        }
        let mut by_word = vec![Vec::new(); words];
        let mut always = Vec::new();
        for (t, first) in first_inputs.iter().enumerate() {
            let t = u32::try_from(t).ok()?;
            match first {
                Some(word) => by_word.get_mut(*word)?.push(t),
                None => always.push(t),
            }
        }
        Some(Watchers {
            by_word,
            always,
            most: first_inputs.len() / 4,
        })
    }

    /// Fills `out` with the transitions that may be enabled in `state`, in
    /// increasing order; `false` (and `out` left unspecified) when they are
    /// so many that trying every transition is cheaper.
    pub(super) fn candidates(&self, state: &[u32], out: &mut Vec<u32>) -> bool {
        // Counted first: a dense marking falls back without allocating.
        let mut count = self.always.len();
        for (list, &word) in self.by_word.iter().zip(state) {
            if word != 0 {
                count += list.len();
                if count > self.most {
                    return false;
                }
            }
        }
        out.clear();
        out.reserve(count);
        out.extend_from_slice(&self.always);
        for (list, &word) in self.by_word.iter().zip(state) {
            if word != 0 {
                out.extend_from_slice(list);
            }
        }
        out.sort_unstable();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_nets_try_every_transition() {
        assert!(Watchers::new(&[Some(0); SMALL - 1], 1).is_none());
    }

    #[test]
    fn candidates_are_the_watchers_of_non_zero_words_in_order() {
        // Transition t watches word t % 100; the last one has no input.
        let mut first: Vec<Option<usize>> = (0..400).map(|t| Some(t % 100)).collect();
        first.push(None);
        let watchers = Watchers::new(&first, 100).expect("large enough");
        let mut state = vec![0u32; 100];
        state[3] = 1;
        state[97] = 8;
        let mut out = Vec::new();
        assert!(watchers.candidates(&state, &mut out));
        assert_eq!(out, vec![3, 97, 103, 197, 203, 297, 303, 397, 400]);
        // Most words marked: every transition is tried instead.
        let full = vec![1u32; 100];
        assert!(!watchers.candidates(&full, &mut out));
    }
}
