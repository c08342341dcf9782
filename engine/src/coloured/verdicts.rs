//! Remembered property verdicts.
//!
//! A formula's truth in a marking depends only on the places it reads, and a
//! coloured marking is encoded as one multiset id per place, so the verdict can
//! be remembered per (formula, ids of the places it reads): markings that
//! differ only elsewhere share it. A property written as a conjunction is
//! remembered conjunct by conjunct, each with the places it reads alone, so
//! that a step changing one place re-evaluates only the conjuncts that read
//! it. On the SeSPHR net, where properties quantify over knowledge sets and
//! call the deduction functions, most states need no evaluation at all.

use std::hash::BuildHasher;
use std::sync::{Mutex, PoisonError};

use foldhash::quality::FixedState;

use super::generations::Generations;
use crate::net::code::{Code, PlaceId};
use crate::net::settled::Settled;

/// Independent tables, so that threads rarely wait for each other.
const SHARDS: usize = 32;

/// Entries in a shard's generation: a shard keeps at most twice as many
/// (bounds the memory; see [`Generations`]).
const SHARD_CAPACITY: usize = 1 << 16;

/// Verdicts by conjunct and multiset ids.
type Table = Generations<Vec<u32>, bool>;

/// One top-level conjunct of a property's formula.
struct Conjunct<'n> {
    /// Its number among every property's conjuncts (the memo's key).
    key: u32,
    code: &'n Code,
    reads: Vec<PlaceId>,
    /// Its shape for an evaluation beside a marking where it held.
    settled: Settled<'n>,
}

/// Verdicts keyed by conjunct and the multiset ids of the places it reads.
pub struct VerdictMemo<'n> {
    /// Per property, its conjuncts in order (none for a property without a
    /// formula).
    conjuncts: Vec<Vec<Conjunct<'n>>>,
    hasher: FixedState,
    shards: Vec<Mutex<Table>>,
}

impl<'n> VerdictMemo<'n> {
    /// A memo for properties whose formulas are `formulas` (`None` for a
    /// property without one).
    pub fn new(formulas: impl IntoIterator<Item = Option<&'n Code>>) -> Self {
        let mut next = 0u32;
        let conjuncts = formulas
            .into_iter()
            .map(|formula| {
                let mut codes = Vec::new();
                if let Some(code) = formula {
                    code.conjuncts(&mut codes);
                }
                codes
                    .into_iter()
                    .map(|code| {
                        let mut reads = Vec::new();
                        code.places_read(&mut reads);
                        // Each place once: a place read twice would only
                        // lengthen every key and every comparison.
                        reads.sort_unstable();
                        reads.dedup();
                        next += 1;
                        Conjunct {
                            key: next - 1,
                            code,
                            reads,
                            settled: Settled::new(code),
                        }
                    })
                    .collect()
            })
            .collect();
        VerdictMemo {
            conjuncts,
            hasher: FixedState::with_seed(0x7e7d_1c75),
            shards: (0..SHARDS)
                .map(|_| Mutex::new(Table::new(SHARD_CAPACITY)))
                .collect(),
        }
    }

    /// Forgets every remembered verdict (their memory is freed).
    pub fn clear(&self) {
        for shard in &self.shards {
            shard.lock().unwrap_or_else(PoisonError::into_inner).clear();
        }
    }

    /// Whether the formula of property `property` holds in the encoded
    /// marking `state`: its conjuncts in order, each evaluated by `evaluate`
    /// unless remembered, until one is false (the short circuit of `&&`, so
    /// a conjunct after a false one is never evaluated). `held_in` is an
    /// encoded marking in which the formula holds, if one is known (the
    /// state's parent, for an invariant): a conjunct that reads the same
    /// multisets there holds without being looked up, and `evaluate` is given
    /// the conjunct's [`Settled`] shape to evaluate it beside that marking.
    pub fn holds<E>(
        &self,
        property: usize,
        state: &[u32],
        held_in: Option<&[u32]>,
        mut evaluate: impl FnMut(&Code, Option<&Settled<'_>>) -> Result<bool, E>,
    ) -> Result<bool, E> {
        // One key buffer for every conjunct: a remembered verdict allocates nothing.
        let mut key = Vec::new();
        for conjunct in &self.conjuncts[property] {
            if held_in.is_some_and(|held| conjunct.reads.iter().all(|&p| held[p] == state[p])) {
                continue;
            }
            let settled = held_in.map(|_| &conjunct.settled);
            let mut evaluate = |code: &Code| evaluate(code, settled);
            if !self.conjunct_holds(conjunct, state, &mut key, &mut evaluate)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn conjunct_holds<E>(
        &self,
        conjunct: &Conjunct<'_>,
        state: &[u32],
        key: &mut Vec<u32>,
        evaluate: &mut impl FnMut(&Code) -> Result<bool, E>,
    ) -> Result<bool, E> {
        key.clear();
        key.push(conjunct.key);
        key.extend(conjunct.reads.iter().map(|&p| state[p]));
        let shard = &self.shards[(self.hasher.hash_one(&*key) >> 32) as usize % SHARDS];
        if let Some(verdict) = shard
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key.as_slice())
        {
            return Ok(verdict);
        }
        let verdict = evaluate(conjunct.code)?;
        shard
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.clone(), verdict);
        Ok(verdict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::code::CmpOp;
    use crate::net::value::Value;
    use std::cell::RefCell;

    /// `count(place) <= max`.
    fn at_most(place: PlaceId, max: i64) -> Code {
        Code::Cmp(
            CmpOp::Le,
            Box::new(Code::Count(place)),
            Box::new(Code::Const(Value::Int(max))),
        )
    }

    fn and(a: Code, b: Code) -> Code {
        Code::And(Box::new(a), Box::new(b))
    }

    /// Evaluates `count(p) <= max` codes against the token counts `counts`,
    /// recording the places of the conjuncts it evaluates.
    fn evaluator<'a>(
        counts: &'a [i64],
        seen: &'a RefCell<Vec<PlaceId>>,
    ) -> impl FnMut(&Code, Option<&Settled<'_>>) -> Result<bool, ()> + 'a {
        move |code, _| match code {
            Code::Cmp(CmpOp::Le, place, max) => match (&**place, &**max) {
                (Code::Count(p), Code::Const(Value::Int(max))) => {
                    seen.borrow_mut().push(*p);
                    Ok(counts[*p] <= *max)
                }
                _ => Err(()),
            },
            _ => Err(()),
        }
    }

    #[test]
    fn each_conjunct_is_remembered_by_the_places_it_reads() {
        let first = and(at_most(0, 1), and(at_most(1, 1), at_most(2, 1)));
        let second = at_most(1, 0);
        let memo = VerdictMemo::new([Some(&first), None, Some(&second)]);
        // The verdict of `property` in `state` (whose multiset ids double as
        // counts here) and the places of the conjuncts evaluated for it.
        let run = |property: usize, state: &[u32]| {
            let counts: Vec<i64> = state.iter().map(|&c| i64::from(c)).collect();
            let seen = RefCell::new(Vec::new());
            let verdict = memo.holds(property, state, None, evaluator(&counts, &seen));
            (verdict, seen.into_inner())
        };
        assert_eq!(run(0, &[0, 1, 1]), (Ok(true), vec![0, 1, 2]));
        // Only place 2 changed: only its conjunct is evaluated again.
        assert_eq!(run(0, &[0, 1, 5]), (Ok(false), vec![2]));
        // A false conjunct stops the evaluation (the short circuit of &&).
        assert_eq!(run(0, &[7, 3, 3]), (Ok(false), vec![0]));
        // Another property reading the same place is another entry.
        assert_eq!(run(2, &[0, 1, 1]), (Ok(false), vec![1]));
        // A property without a formula holds vacuously and evaluates nothing.
        assert_eq!(run(1, &[0, 1, 1]), (Ok(true), vec![]));
    }

    #[test]
    fn conjuncts_reading_what_they_read_where_the_formula_held_are_skipped() {
        let formula = and(at_most(0, 1), and(at_most(1, 1), at_most(2, 1)));
        let memo = VerdictMemo::new([Some(&formula)]);
        let run = |state: &[u32], held_in: Option<&[u32]>| {
            let counts: Vec<i64> = state.iter().map(|&c| i64::from(c)).collect();
            let seen = RefCell::new(Vec::new());
            let verdict = memo.holds(0, state, held_in, evaluator(&counts, &seen));
            (verdict, seen.into_inner())
        };
        // Never seen, but places 0 and 2 are as where the formula held: only
        // place 1's conjunct is evaluated.
        assert_eq!(run(&[1, 0, 0], Some(&[1, 1, 0])), (Ok(true), vec![1]));
        assert_eq!(run(&[0, 2, 1], Some(&[0, 1, 1])), (Ok(false), vec![1]));
        // Without a marking where it held, every conjunct is looked up.
        assert_eq!(run(&[1, 1, 1], None), (Ok(true), vec![0, 1, 2]));
    }
}
