//! A formula evaluated beside a marking where it held: the instances that
//! read what they read there are not evaluated again.
//!
//! The explorer checks an invariant in each new marking, and it held in the
//! marking's parent. A whole conjunct that reads only places the step left
//! alone holds without evaluation ([`crate::coloured::verdicts`]). This
//! module goes inside the conjunct. Say `forall (u1, k1) in Knows:
//! forall (u2, k2) in Knows: B` held in the parent, and a step changed
//! what user `u` knows. Then only the pairs with `u` need evaluating in the
//! child. Every other pair is a token of the parent's `Knows` too, and `B`
//! held for it there. If the places `B` reads are the same in both
//! markings, `B` holds for it in the child.
//!
//! Formally, a node is *known* when it held in the parent under the
//! current binding of the variables. The conjunct is known, since the
//! parent satisfied it. What is known passes down as follows:
//! - to both sides of a known `a && b`;
//! - to the consequent of a known `a => b`, when `a` holds in the child and
//!   reads the same in both markings (then `a` held in the parent too,
//!   evaluated alike): its evaluation read no place that changed (a short
//!   circuit that spares a changed place counts), or it reads the changed
//!   places only in slices that are unchanged (as below: `!(exists (r, at)
//!   in Revoked: r == u1)` is not disturbed by another user's revocation);
//! - to the body of a known `forall`, for each token that the parent's
//!   place holds too (same token, same binding).
//!
//! A known `forall` or atom that reads the same in both markings holds in
//! the child, and is not evaluated. It reads the same when the places it
//! reads are unchanged, except that a place it reads only through
//! quantifiers visiting the tokens that start with known values (a prefix,
//! [`crate::net::prefix`]) need only keep those tokens: `exists (r, at) in
//! Revoked: r == u1 && ...` is not disturbed by another user's revocation.
//! So a known `forall` whose body reads no changed place (its change flags
//! tell, nothing evaluated) visits only the tokens the parent lacked. And
//! when the body reads its changed places only in slices, each token the
//! parent had is skipped, before anything in the body is evaluated, if the
//! slices that start with a value of that token are unchanged (those that
//! start with values known before the `forall` are compared once): in
//! `forall (u2, k2) in Knows: (u1, u2) in Pairs => forall ... exists (r,
//! at) in Revoked: r == u2 ...`, another user's revocation skips `u2`
//! without looking `(u1, u2)` up.
//! The parent given is one in which the whole formula held, which the
//! explorer guarantees for an invariant not yet violated. Why no error is
//! skipped that evaluation would raise: a
//! known node evaluated to true in the parent (a true `forall` or `&&`
//! evaluates every part), and net functions are deterministic, so
//! evaluating it in the child gives the same result.

use std::cell::OnceCell;
use std::cmp::Ordering;

use super::code::{Code, Env, EvalError, Pattern, PlaceId, marking_of, place_bit, quantify};
use super::lookup_tuple::LookupTuple;
use super::marking::Marking;
use super::value::Value;

/// The parent marking, where the formula held, and how the child differs.
pub struct Parent {
    marking: Marking,
    /// Per place, whether the child's multiset differs from the parent's.
    changed: Vec<bool>,
    /// The changed places as bits ([`place_bit`]).
    changed_bits: u128,
    /// Per changed place, on first use: the tokens whose count differs in
    /// the child, each with whether the parent had none of it.
    differences: Vec<OnceCell<Vec<(Value, bool)>>>,
}

impl Parent {
    /// The parent `marking`, and per place whether the child's multiset
    /// differs from it.
    pub fn new(marking: Marking, changed: Vec<bool>) -> Self {
        Parent {
            differences: changed.iter().map(|_| OnceCell::new()).collect(),
            changed_bits: (changed.iter().enumerate())
                .filter(|&(_, &c)| c)
                .fold(0, |bits, (p, _)| bits | place_bit(p)),
            marking,
            changed,
        }
    }

    /// Whether the places read, as bits ([`Env::take_reads`]), include a
    /// changed one.
    fn touched(&self, reads: u128) -> bool {
        reads & self.changed_bits != 0
    }

    fn unchanged(&self, places: &[PlaceId]) -> bool {
        places.iter().all(|&p| !self.changed[p])
    }

    /// The tokens of `place` whose count differs between the parent and
    /// `child`, each with whether the parent had none (one walk over both
    /// sorted multisets, the first time).
    fn differences(&self, place: PlaceId, child: &Marking) -> &[(Value, bool)] {
        self.differences[place].get_or_init(|| {
            let mut before = self.marking.places[place].iter().peekable();
            let mut after = child.places[place].iter().peekable();
            let mut out = Vec::new();
            loop {
                let order = match (before.peek(), after.peek()) {
                    (None, None) => break,
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (Some((b, _)), Some((a, _))) => b.cmp(a),
                };
                match order {
                    Ordering::Less => {
                        let (b, _) = before.next().expect("peeked");
                        out.push((b.clone(), false));
                    }
                    Ordering::Greater => {
                        let (a, _) = after.next().expect("peeked");
                        out.push((a.clone(), true));
                    }
                    Ordering::Equal => {
                        let ((b, m), (_, n)) = (
                            before.next().expect("peeked"),
                            after.next().expect("peeked"),
                        );
                        if m != n {
                            out.push((b.clone(), false));
                        }
                    }
                }
            }
            out
        })
    }

    /// Whether the parent had `token`, a token of `place` in `child`.
    fn had(&self, place: PlaceId, token: &Value, child: &Marking) -> bool {
        !self.changed[place]
            || !self
                .differences(place, child)
                .iter()
                .any(|(v, new)| *new && v == token)
    }
}

/// A formula's nodes through which what is known passes, with the places
/// each reads.
pub struct Settled<'n> {
    code: &'n Code,
    /// The places the node reads whole.
    reads: Vec<PlaceId>,
    /// The places it reads only through quantifiers that visit the tokens
    /// starting with the values of a prefix ([`crate::net::prefix`]) known
    /// when the node is reached (it reads no variable bound inside the
    /// node): such a place may change elsewhere.
    slices: Vec<(PlaceId, &'n [Code])>,
    shape: Shape<'n>,
}

enum Shape<'n> {
    And(Box<Settled<'n>>, Box<Settled<'n>>),
    Implies {
        antecedent: Box<Settled<'n>>,
        consequent: Box<Settled<'n>>,
    },
    Forall {
        place: PlaceId,
        pattern: &'n Pattern,
        prefix: &'n [Code],
        body: Box<Settled<'n>>,
        /// Which of the body's slices start with a value the pattern binds
        /// (the others are the same slice for every token).
        per_token: Vec<bool>,
    },
    /// [`Code::Forget`]: forgets, then goes on.
    Forget(&'n [usize], Box<Settled<'n>>),
    /// Anything else: evaluated whole.
    Leaf,
}

impl<'n> Settled<'n> {
    /// Whether the node reads the same in `env`'s marking as in `parent`'s,
    /// under `env`'s binding.
    fn reads_the_same(&self, env: &mut Env<'_>, parent: &Parent) -> Result<bool, EvalError> {
        if !parent.unchanged(&self.reads) {
            return Ok(false);
        }
        for &(place, prefix) in &self.slices {
            if parent.changed[place] && !same_slice(env, parent, place, prefix)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether the slices the node reads whose flag in `which` is `pick`
    /// hold the same tokens in `env`'s marking as in `parent`'s.
    fn slices_same(
        &self,
        env: &mut Env<'_>,
        parent: &Parent,
        which: &[bool],
        pick: bool,
    ) -> Result<bool, EvalError> {
        for (&(place, prefix), &picked) in self.slices.iter().zip(which) {
            if picked == pick && parent.changed[place] && !same_slice(env, parent, place, prefix)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether no place the node reads, whole or in slices, changed (flags
    /// only: nothing evaluated).
    fn reads_unchanged(&self, parent: &Parent) -> bool {
        parent.unchanged(&self.reads) && self.slices.iter().all(|&(p, _)| !parent.changed[p])
    }

    /// `code` as one node, evaluated whole: only what it reads is used (an
    /// implication's antecedent, compared with the parent, never known).
    fn whole(code: &'n Code) -> Self {
        let (reads, slices) = reads(code);
        Settled {
            code,
            reads,
            slices,
            shape: Shape::Leaf,
        }
    }

    /// The shape of `code` for [`Settled::holds`].
    pub fn new(code: &'n Code) -> Self {
        let (reads, slices) = reads(code);
        let shape = match code {
            Code::And(a, b) => Shape::And(Box::new(Settled::new(a)), Box::new(Settled::new(b))),
            Code::Implies(a, b) => Shape::Implies {
                antecedent: Box::new(Settled::whole(a)),
                consequent: Box::new(Settled::new(b)),
            },
            Code::Quantifier {
                forall: true,
                place,
                pattern,
                prefix,
                body,
            } => {
                let body = Settled::new(body);
                let mut bound = Vec::new();
                pattern.bound_slots(&mut bound);
                let per_token = body
                    .slices
                    .iter()
                    .map(|(_, prefix)| {
                        let mut read = Vec::new();
                        prefix.iter().for_each(|c| c.read_slots(&mut read));
                        read.iter().any(|s| bound.contains(s))
                    })
                    .collect();
                Shape::Forall {
                    place: *place,
                    pattern,
                    prefix,
                    body: Box::new(body),
                    per_token,
                }
            }
            Code::Forget(numbers, inner) => Shape::Forget(numbers, Box::new(Settled::new(inner))),
            _ => Shape::Leaf,
        };
        Settled {
            code,
            reads,
            slices,
            shape,
        }
    }

    /// Whether the formula holds in `env`'s marking, given that it held in
    /// `parent` under the same binding of `env`'s slots.
    pub fn holds(&self, env: &mut Env<'_>, parent: &Parent) -> Result<bool, EvalError> {
        // Connectives pass what is known to their parts, which look for
        // themselves: an implication's antecedent (often a cheap filter)
        // decides before any place is compared.
        let decomposes = matches!(
            self.shape,
            Shape::And(..) | Shape::Implies { .. } | Shape::Forget(..)
        );
        if !decomposes && self.reads_the_same(env, parent)? {
            return Ok(true);
        }
        match &self.shape {
            Shape::Leaf => self.code.holds(env),
            Shape::And(a, b) => Ok(a.holds(env, parent)? && b.holds(env, parent)?),
            Shape::Implies {
                antecedent,
                consequent,
            } => {
                env.take_reads();
                if !antecedent.code.holds(env)? {
                    Ok(true)
                } else if !parent.touched(env.take_reads())
                    || antecedent.reads_the_same(env, parent)?
                {
                    // Evaluated in the parent, it would have read the same
                    // and held: the consequent held there.
                    consequent.holds(env, parent)
                } else {
                    consequent.code.holds(env)
                }
            }
            Shape::Forget(numbers, inner) => {
                env.forget(numbers);
                inner.holds(env, parent)
            }
            Shape::Forall {
                place,
                pattern,
                prefix,
                body,
                per_token,
            } => {
                if body.reads_unchanged(parent) {
                    // The body holds for every token the parent had (known,
                    // and it reads the same): only the new tokens are left.
                    return forall_new_tokens(env, parent, *place, pattern, prefix, body.code);
                }
                // When the body's changed places are read only in slices,
                // and those that are the same for every token did not
                // change, a token the parent had needs evaluating only if
                // one of its own slices changed: the others read the same.
                let by_token = parent.unchanged(&body.reads)
                    && body.slices_same(env, parent, per_token, false)?;
                let child = marking_of(env)?;
                quantify(env, true, *place, pattern, prefix, |env, token: &Value| {
                    if !parent.had(*place, token, child) {
                        body.code.holds(env)
                    } else if by_token && body.slices_same(env, parent, per_token, true)? {
                        Ok(true)
                    } else {
                        body.holds(env, parent)
                    }
                })
            }
        }
    }
}

/// The places `code` reads whole, and those it reads only in slices known
/// before it is evaluated (see [`Settled::slices`]).
fn reads(code: &Code) -> (Vec<PlaceId>, Vec<(PlaceId, &[Code])>) {
    fn bound_inside(code: &Code, out: &mut Vec<usize>) {
        if let Code::Quantifier { pattern, .. } | Code::Sum { pattern, .. } = code {
            pattern.bound_slots(out);
        }
        code.for_each_child(|c| bound_inside(c, out));
    }
    fn visit<'c>(
        code: &'c Code,
        inside: &[usize],
        whole: &mut Vec<PlaceId>,
        slices: &mut Vec<(PlaceId, &'c [Code])>,
    ) {
        match code {
            Code::Quantifier { place, prefix, .. } => {
                let mut read = Vec::new();
                prefix.iter().for_each(|c| c.read_slots(&mut read));
                if prefix.is_empty() || read.iter().any(|s| inside.contains(s)) {
                    whole.push(*place);
                } else {
                    slices.push((*place, prefix));
                }
                prefix.iter().for_each(|c| c.places_read(whole));
            }
            Code::Count(p) | Code::CountOf(p, _) | Code::Sum { place: p, .. } => whole.push(*p),
            _ => {}
        }
        code.for_each_child(|c| visit(c, inside, whole, slices));
    }
    let mut inside = Vec::new();
    bound_inside(code, &mut inside);
    let (mut whole, mut slices) = (Vec::new(), Vec::new());
    visit(code, &inside, &mut whole, &mut slices);
    whole.sort_unstable();
    whole.dedup();
    slices.retain(|(p, _)| !whole.contains(p));
    (whole, slices)
}

/// Whether `body` holds for each token of `place` that the parent had none
/// of, starts with the values of `prefix` and matches `pattern` (binding its
/// variables in `env`), in canonical order, as [`quantify`] visits them.
fn forall_new_tokens(
    env: &mut Env<'_>,
    parent: &Parent,
    place: PlaceId,
    pattern: &Pattern,
    prefix: &[Code],
    body: &Code,
) -> Result<bool, EvalError> {
    if !parent.changed[place] {
        return Ok(true);
    }
    let differences = parent.differences(place, marking_of(env)?);
    if !differences.iter().any(|&(_, new)| new) {
        return Ok(true);
    }
    let start = if prefix.is_empty() {
        None
    } else {
        Some(LookupTuple::new(prefix.len(), |i| prefix[i].eval(env))?)
    };
    for (token, _) in differences.iter().filter(|&&(_, new)| new) {
        let leads = start.as_ref().is_none_or(|start| start.leads(token));
        if leads && pattern.matches(token, env.slots) && !body.holds(env)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether `place` holds the same tokens starting with the values of
/// `prefix` in `env`'s marking as in the parent's.
fn same_slice(
    env: &mut Env<'_>,
    parent: &Parent,
    place: PlaceId,
    prefix: &[Code],
) -> Result<bool, EvalError> {
    let start = LookupTuple::new(prefix.len(), |i| prefix[i].eval(env))?;
    let differences = parent.differences(place, marking_of(env)?);
    Ok(!differences.iter().any(|(token, _)| start.leads(token)))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::net::code::CmpOp;
    use crate::net::marking::Multiset;
    use crate::net::prefix::scan_prefix;

    /// A small deterministic generator (SplitMix64) driven by a proptest seed.
    struct Dice(u64);

    impl Dice {
        fn roll(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) % n
        }
    }

    fn boxed(c: Code) -> Box<Code> {
        Box::new(c)
    }

    fn eq(a: Code, b: Code) -> Code {
        Code::Cmp(CmpOp::Eq, boxed(a), boxed(b))
    }

    /// A term over the variables `bound`, the constants 0..3 and sums over
    /// places 0 and 1 (binding both components, slots numbered by `next`).
    fn term(dice: &mut Dice, bound: &mut Vec<usize>, next: &mut usize) -> Code {
        match dice.roll(5) {
            0 | 1 if !bound.is_empty() => Code::Var(bound[dice.roll(bound.len() as u64) as usize]),
            4 if bound.len() < 6 => {
                let (a, b) = (*next, *next + 1);
                *next += 2;
                bound.extend([a, b]);
                let body = term(dice, bound, next);
                bound.truncate(bound.len() - 2);
                Code::Sum {
                    place: dice.roll(2) as usize,
                    pattern: Pattern::Tuple(vec![Pattern::Bind(a), Pattern::Bind(b)]),
                    body: boxed(body),
                    pos: crate::net::pos::Pos { line: 1, col: 1 },
                }
            }
            _ => Code::Const(Value::Int(dice.roll(3) as i64)),
        }
    }

    /// A random formula over places 0 and 1, which hold pairs of integers
    /// (its atoms compare terms, sums among them): quantifiers bind both
    /// components (slots numbered by `next`), and
    /// often start their body with an equality to an outer variable, so
    /// that the compiler's prefix scan gives them a prefix.
    fn formula(dice: &mut Dice, bound: &mut Vec<usize>, next: &mut usize, fuel: u32) -> Code {
        let atom = |dice: &mut Dice, bound: &mut Vec<usize>, next: &mut usize| {
            let op = [CmpOp::Eq, CmpOp::Ne, CmpOp::Lt][dice.roll(3) as usize];
            let left = term(dice, bound, next);
            Code::Cmp(op, boxed(left), boxed(term(dice, bound, next)))
        };
        if fuel == 0 {
            return atom(dice, bound, next);
        }
        match dice.roll(6) {
            0 => atom(dice, bound, next),
            1 | 2 => {
                let forall = dice.roll(3) != 0;
                let place = dice.roll(2) as usize;
                let (a, b) = (*next, *next + 1);
                *next += 2;
                let outer = bound.clone();
                bound.extend([a, b]);
                let mut body = formula(dice, bound, next, fuel - 1);
                if !outer.is_empty() && dice.roll(2) == 0 {
                    let filter = eq(
                        Code::Var(a),
                        Code::Var(outer[dice.roll(outer.len() as u64) as usize]),
                    );
                    body = match forall {
                        true => Code::Implies(boxed(filter), boxed(body)),
                        false => Code::And(boxed(filter), boxed(body)),
                    };
                }
                bound.truncate(outer.len());
                scanned(forall, place, [a, b], body)
            }
            3 => Code::And(
                boxed(formula(dice, bound, next, fuel - 1)),
                boxed(formula(dice, bound, next, fuel - 1)),
            ),
            4 => Code::Implies(
                boxed(formula(dice, bound, next, fuel - 1)),
                boxed(formula(dice, bound, next, fuel - 1)),
            ),
            _ => Code::Or(
                boxed(formula(dice, bound, next, fuel - 1)),
                boxed(Code::Not(boxed(formula(dice, bound, next, fuel - 1)))),
            ),
        }
    }

    fn pairs(tokens: &[(i64, i64)]) -> Multiset {
        let mut m = Multiset::new();
        for &(a, b) in tokens {
            m.add(Value::tuple([Value::Int(a), Value::Int(b)]), 1);
        }
        m
    }

    /// A quantifier binding the pair `(slots[0], slots[1])` of `place`, with
    /// the prefix the compiler's scan finds in `body`.
    fn scanned(forall: bool, place: PlaceId, slots: [usize; 2], body: Code) -> Code {
        let pattern = Pattern::Tuple(vec![Pattern::Bind(slots[0]), Pattern::Bind(slots[1])]);
        Code::Quantifier {
            forall,
            place,
            prefix: scan_prefix(forall, &pattern, &body),
            pattern,
            body: boxed(body),
        }
    }

    /// Room for every slot a formula built by [`formula`] binds (each
    /// quantifier and sum binds two more).
    const SLOTS: usize = 512;

    fn holds(code: &Code, marking: &Marking) -> Result<bool, EvalError> {
        let mut slots = vec![Value::Int(0); SLOTS];
        code.holds(&mut Env::new(&mut slots, Some(marking)))
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2048,
            max_global_rejects: 1 << 16,
            ..ProptestConfig::default()
        })]
        /// Beside a marking where the formula held, with one place changed
        /// by a token or two, the evaluation gives the plain verdict.
        #[test]
        fn evaluation_beside_the_parent_gives_the_plain_verdict(
            seed in any::<u64>(),
            p0 in proptest::collection::vec((0i64..3, 0i64..3), 0..5),
            p1 in proptest::collection::vec((0i64..3, 0i64..3), 0..5),
            changed_place in 0usize..2,
            added in proptest::collection::vec((0i64..3, 0i64..3), 0..2),
            removed in 0usize..3,
        ) {
            let mut next = 0;
            let code = formula(&mut Dice(seed), &mut Vec::new(), &mut next, 4);
            prop_assert!(next <= SLOTS);
            let before = Marking { places: vec![pairs(&p0), pairs(&p1)] };
            prop_assume!(holds(&code, &before) == Ok(true));
            let mut tokens = [p0, p1];
            let edited = &mut tokens[changed_place];
            edited.truncate(edited.len().saturating_sub(removed));
            edited.extend(added);
            let after = Marking { places: vec![pairs(&tokens[0]), pairs(&tokens[1])] };
            let changed: Vec<bool> =
                (0..2).map(|p| before.places[p] != after.places[p]).collect();
            let parent = Parent::new(before.clone(), changed.to_vec());
            let mut slots = vec![Value::Int(0); SLOTS];
            let settled = Settled::new(&code).holds(&mut Env::new(&mut slots, Some(&after)), &parent);
            prop_assert_eq!(settled, holds(&code, &after));
        }
    }

    #[test]
    fn a_body_reading_nothing_changed_is_evaluated_for_the_new_tokens_only() {
        // forall (a, b) in P0: b != 2 (the body reads no place): beside a
        // parent, only the tokens the parent did not have are evaluated.
        let code = Code::Quantifier {
            forall: true,
            place: 0,
            prefix: Vec::new(),
            pattern: Pattern::Tuple(vec![Pattern::Bind(0), Pattern::Bind(1)]),
            body: boxed(Code::Cmp(
                CmpOp::Ne,
                boxed(Code::Var(1)),
                boxed(Code::Const(Value::Int(2))),
            )),
        };
        let settled = Settled::new(&code);
        let mut slots = vec![Value::Int(0); 2];
        let before = Marking {
            places: vec![pairs(&[(0, 1), (1, 1)])],
        };
        for (added, verdict) in [((2, 2), false), ((2, 0), true)] {
            let after = Marking {
                places: vec![pairs(&[(0, 1), (1, 1), added])],
            };
            let parent = Parent::new(before.clone(), vec![true]);
            assert_eq!(holds(&code, &after), Ok(verdict));
            assert_eq!(
                settled.holds(&mut Env::new(&mut slots, Some(&after)), &parent),
                Ok(verdict),
                "{added:?} added"
            );
        }
        // A parent in which (0, 2) broke it: not met again, as the parent
        // must be one where the formula held.
        let false_before = Marking {
            places: vec![pairs(&[(0, 2)])],
        };
        let after = Marking {
            places: vec![pairs(&[(0, 2), (2, 0)])],
        };
        let parent = Parent::new(false_before, vec![true]);
        assert_eq!(
            settled.holds(&mut Env::new(&mut slots, Some(&after)), &parent),
            Ok(true)
        );
    }

    #[test]
    fn an_antecedent_that_spared_the_changed_places_passes_on_what_is_known() {
        // (a || count(P1) > 5) => count(P0) == 0, with P1 changed. Beside a
        // parent where it held, the consequent is known when the antecedent
        // did not read P1 (a true: the short circuit), and reads the same
        // (P0 unchanged), so it is not evaluated; when the antecedent read
        // P1, it is. A parent where the consequent was false (P0 not
        // empty) tells the two apart, as the parent must be one where the
        // formula held.
        let code = |a: bool| {
            Code::Implies(
                boxed(Code::Or(
                    boxed(Code::Const(Value::Bool(a))),
                    boxed(Code::Cmp(
                        CmpOp::Gt,
                        boxed(Code::Count(1)),
                        boxed(Code::Const(Value::Int(5))),
                    )),
                )),
                boxed(eq(Code::Count(0), Code::Const(Value::Int(0)))),
            )
        };
        let before = Marking {
            places: vec![pairs(&[(0, 0)]), pairs(&[])],
        };
        let after = Marking {
            places: vec![
                pairs(&[(0, 0)]),
                pairs(&(0..6).map(|i| (i, 0)).collect::<Vec<_>>()),
            ],
        };
        let mut slots = vec![Value::Int(0); 1];
        for (a, verdict) in [(true, Ok(true)), (false, Ok(false))] {
            let code = code(a);
            let parent = Parent::new(before.clone(), vec![false, true]);
            assert_eq!(
                Settled::new(&code).holds(&mut Env::new(&mut slots, Some(&after)), &parent),
                verdict,
                "antecedent starting with {a}"
            );
        }
    }

    #[test]
    fn an_antecedent_reading_only_unchanged_slices_passes_on_what_is_known() {
        // (exists (x, y) in P1: x == 0) => count(P0) == 0, with P1 changed.
        // The antecedent reads P1 only in the slice of the tokens starting
        // with 0: when the step changed other tokens of P1, the antecedent
        // reads the same as in the parent, so the consequent is known (and
        // reads the same: not evaluated); when it changed that slice, the
        // consequent is evaluated. A parent where the consequent was false
        // (P0 not empty) tells the two apart, as the parent must be one
        // where the formula held.
        let antecedent = scanned(
            false,
            1,
            [0, 1],
            eq(Code::Var(0), Code::Const(Value::Int(0))),
        );
        let Code::Quantifier { prefix, .. } = &antecedent else {
            unreachable!()
        };
        assert_eq!(prefix.len(), 1, "the scan finds the prefix");
        let code = Code::Implies(
            boxed(antecedent),
            boxed(eq(Code::Count(0), Code::Const(Value::Int(0)))),
        );
        let before = Marking {
            places: vec![pairs(&[(0, 0)]), pairs(&[(0, 0)])],
        };
        let mut slots = vec![Value::Int(0); 2];
        for (added, verdict) in [((1, 0), Ok(true)), ((0, 1), Ok(false))] {
            let after = Marking {
                places: vec![pairs(&[(0, 0)]), pairs(&[(0, 0), added])],
            };
            assert_eq!(holds(&code, &after), Ok(false));
            let parent = Parent::new(before.clone(), vec![false, true]);
            assert_eq!(
                Settled::new(&code).holds(&mut Env::new(&mut slots, Some(&after)), &parent),
                verdict,
                "{added:?} added to P1"
            );
        }
    }

    #[test]
    fn a_slice_the_same_for_every_token_is_compared_before_skipping_any() {
        // forall (a, b) in P0: forall (c, d) in P0: !(exists (x, y) in P1:
        // x == a && y == 2). The inner body reads P1 in the slice starting
        // with `a`, which is the same for every token of the inner
        // quantifier: when it changes, no token the parent had may be
        // skipped, although none of the inner pattern's own slices changed.
        let exists_body = Code::And(
            boxed(eq(Code::Var(4), Code::Var(0))),
            boxed(eq(Code::Var(5), Code::Const(Value::Int(2)))),
        );
        let exists = scanned(false, 1, [4, 5], exists_body);
        let quantifier = |place, slots: [usize; 2], body| Code::Quantifier {
            forall: true,
            place,
            prefix: Vec::new(),
            pattern: Pattern::Tuple(vec![Pattern::Bind(slots[0]), Pattern::Bind(slots[1])]),
            body: boxed(body),
        };
        let code = quantifier(0, [0, 1], quantifier(0, [2, 3], Code::Not(boxed(exists))));
        let before = Marking {
            places: vec![pairs(&[(1, 0)]), pairs(&[(1, 0)])],
        };
        let after = Marking {
            places: vec![pairs(&[(1, 0)]), pairs(&[(1, 0), (1, 2)])],
        };
        assert_eq!(holds(&code, &before), Ok(true));
        assert_eq!(holds(&code, &after), Ok(false));
        let parent = Parent::new(before, vec![false, true]);
        let mut slots = vec![Value::Int(0); 6];
        assert_eq!(
            Settled::new(&code).holds(&mut Env::new(&mut slots, Some(&after)), &parent),
            Ok(false)
        );
    }

    #[test]
    fn a_pair_the_step_left_alone_is_not_evaluated_again() {
        // forall (a, b) in P0: forall (c, d) in P1: (c == a) => b != 2,
        // where P1 changes only in the tokens starting with 1: only the
        // tokens of P0 starting with 1 are looked at, and a token (0, 2)
        // that would break it where (0, _) is in P1 is not met again.
        let inner_body = Code::Implies(
            boxed(eq(Code::Var(2), Code::Var(0))),
            boxed(Code::Cmp(
                CmpOp::Ne,
                boxed(Code::Var(1)),
                boxed(Code::Const(Value::Int(2))),
            )),
        );
        let inner = scanned(true, 1, [2, 3], inner_body);
        let Code::Quantifier { prefix, .. } = &inner else {
            unreachable!()
        };
        assert_eq!(prefix.len(), 1, "the scan finds the prefix");
        let code = Code::Quantifier {
            forall: true,
            place: 0,
            prefix: Vec::new(),
            pattern: Pattern::Tuple(vec![Pattern::Bind(0), Pattern::Bind(1)]),
            body: boxed(inner),
        };
        let settled = Settled::new(&code);
        let before = Marking {
            places: vec![pairs(&[(0, 1), (1, 1)]), pairs(&[(1, 0)])],
        };
        assert_eq!(holds(&code, &before), Ok(true));
        let after = Marking {
            places: vec![pairs(&[(0, 1), (1, 1)]), pairs(&[(1, 0), (1, 1)])],
        };
        let changed = [false, true];
        let parent = Parent::new(before.clone(), changed.to_vec());
        let mut slots = vec![Value::Int(0); 4];
        assert_eq!(
            settled.holds(&mut Env::new(&mut slots, Some(&after)), &parent),
            Ok(true)
        );
        // A parent in which the formula did not hold (0 meets (0, 2)):
        // the tokens starting with 0 are the same, so they are taken as
        // holding. This is why the parent must be one where it held.
        let false_before = Marking {
            places: vec![pairs(&[(0, 2)]), pairs(&[(0, 0), (1, 0)])],
        };
        let after = Marking {
            places: vec![pairs(&[(0, 2)]), pairs(&[(0, 0), (1, 1)])],
        };
        assert_eq!(holds(&code, &after), Ok(false));
        let parent = Parent::new(false_before.clone(), changed.to_vec());
        assert_eq!(
            settled.holds(&mut Env::new(&mut slots, Some(&after)), &parent),
            Ok(true)
        );
    }
}
