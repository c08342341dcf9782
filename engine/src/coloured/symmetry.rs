//! Symmetry reduction: one stored marking per orbit of the permutations of
//! the symmetric types' constants.
//!
//! A type declared `symmetric: true` is a scalarset (Murphi) or a permutation
//! symmetry (CPN): the loader guarantees that the net never names one of its
//! constants, orders them or computes with them, so renaming the constants by
//! any permutation maps the net's reachable markings onto reachable markings
//! and keeps every property's verdict. A type declared `symmetric: { within:
//! R }` is permuted separately for each constant `r` of `R`: its values occur
//! only in pairs `(r, s)` (the loader guarantees that too), and the
//! permutation for `r` renames the `s` of the pairs with `r`. The group is the
//! direct product of its *factors*: the full permutation group of each type
//! symmetric in the whole net, and of each type symmetric within `R` once per
//! constant of `R`. Factors move disjoint values, so they commute.
//!
//! Canonicalisation is exact, by enumeration: the representative of a marking
//! is the least of its images under every permutation of the group, in the
//! values' own order (place by place, each multiset compared as a sorted list
//! of values). Exactness gives one stored marking per orbit, so the stored
//! count equals the number of orbits and the orbit-expanded count is exact too;
//! comparing values rather than interned ids keeps the representative (and so
//! every trace) independent of which thread interned what first. The
//! enumeration skips the factors that fix the marking: if every permutation of
//! a factor `F` fixes `m`, the orbit of `m` under the group is its orbit under
//! the product of the other factors, and so is its least image. A factor fixes
//! `m` if its generators do (a transposition and an n-cycle generate a full
//! permutation group). Which factors move each (place, multiset id) is
//! remembered, so the seats of a role no one of which has acted yet, or of a
//! role not in play, cost one look-up per place and nothing more. The
//! group is capped ([`MAX_GROUP`]); when the per-`R` factors would exceed it,
//! a type symmetric within `R` is permuted alike for every `r` instead (a
//! subgroup: fewer markings merged, the same verdicts). A
//! partition-refinement labelling would scale to larger groups but gives
//! canonical forms only up to automorphism.
//!
//! An image of a place's multiset is remembered per (permutation, place,
//! multiset id), so each distinct multiset is renamed once per permutation;
//! these memos and the movers' are arrays indexed by multiset id
//! ([`super::id_memo`]), read without a lock.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::id_memo::IdMemo;
use super::table::{MarkingTables, TableFull};
use crate::net::functions::CanonicalForm;
use crate::net::marking::Multiset;
use crate::net::model::Net;
use crate::net::symbol::Symbol;
use crate::net::value::Value;

/// The largest group the reduction enumerates (8!).
pub const MAX_GROUP: usize = 40_320;

/// The largest factor: the permutations of at most 7 constants.
const MAX_FACTOR: usize = 5040;

/// Why a symmetry reduction cannot be used on a net.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SymmetryError {
    /// A factor has more than 5040 permutations, or the group more than [`MAX_GROUP`].
    #[error(
        "the symmetric types ({types}) have too many permutations to enumerate (at most \
         {MAX_FACTOR} for one type or role, {MAX_GROUP} in all): run with --no-reduction or \
         make fewer types symmetric"
    )]
    TooLarge {
        /// The symmetric types' names.
        types: String,
    },
}

/// One permutation of one factor: the new value of each constant it moves,
/// or of each seat it moves in the pairs with one role.
#[derive(Default)]
struct Renaming {
    /// Constant -> its image (a type symmetric in the whole net).
    constants: HashMap<Symbol, Value>,
    /// Role -> seat -> the seat's image (a type symmetric within another).
    seats: HashMap<Symbol, HashMap<Symbol, Value>>,
}

/// One factor of the group: every permutation of one type's constants, in
/// the whole net or in the pairs with one constant of another type.
struct Factor {
    /// Its permutations other than the identity.
    moves: Vec<Renaming>,
    /// The indices in `moves` of permutations that generate the factor.
    generators: Vec<usize>,
    /// Per move, per place: multiset id -> id of its image (a place's memo
    /// made on the first image asked for there).
    images: Vec<Box<[OnceLock<Box<IdMemo>>]>>,
}

impl Factor {
    /// The factor of every permutation of `constants`, each made a renaming
    /// by `renaming` from the new value of each constant it moves.
    fn new(
        constants: &[Arc<str>],
        places: usize,
        renaming: impl Fn(HashMap<Symbol, Value>) -> Renaming,
    ) -> Option<Factor> {
        let n = constants.len();
        let perms = permutations(n, MAX_FACTOR)?;
        let transposition: Vec<usize> = [1, 0].into_iter().chain(2..n).collect();
        let cycle: Vec<usize> = (1..n).chain([0]).collect();
        let moves: Vec<&Vec<usize>> = perms
            .iter()
            .filter(|p| p.iter().enumerate().any(|(i, &j)| i != j))
            .collect();
        let mut generators: Vec<usize> = [transposition, cycle]
            .iter()
            .filter_map(|g| moves.iter().position(|m| *m == g))
            .collect();
        generators.dedup();
        Some(Factor {
            images: moves
                .iter()
                .map(|_| (0..places).map(|_| OnceLock::new()).collect())
                .collect(),
            moves: moves
                .iter()
                .map(|perm| {
                    let images = perm
                        .iter()
                        .enumerate()
                        .filter(|(from, to)| from != *to)
                        .map(|(from, &to)| {
                            (Symbol::from(&constants[from]), Value::sym(&constants[to]))
                        })
                        .collect();
                    renaming(images)
                })
                .collect(),
            generators,
        })
    }

    /// How many permutations the factor has, the identity included.
    fn order(&self) -> u64 {
        self.moves.len() as u64 + 1
    }
}

/// The symmetry group of a net and the canonical markings it defines.
pub struct Symmetry {
    /// The group's factors (each with at least two permutations).
    factors: Vec<Factor>,
    /// The host's canonical form of renamed values (sorted sets, ...).
    canonical_form: Option<CanonicalForm>,
    /// The symmetric types, for reports.
    types: Vec<String>,
    /// The number of permutations, the identity included.
    order: u64,
    /// Per place: multiset id -> the factors that move that multiset, one
    /// bit per factor (at most 15 factors: each has two permutations or more).
    movers: Box<[IdMemo]>,
}

impl Symmetry {
    /// The symmetry of `net`, or `None` if no symmetric type has two constants.
    pub fn new(net: &Net) -> Result<Option<Symmetry>, SymmetryError> {
        let symmetry = match Symmetry::build(net, true) {
            Some(symmetry) if symmetry.order <= MAX_GROUP as u64 => symmetry,
            _ => match Symmetry::build(net, false) {
                Some(symmetry) if symmetry.order <= MAX_GROUP as u64 => symmetry,
                _ => {
                    let names: Vec<&str> =
                        net.symmetric.iter().map(|s| s.ty.name.as_str()).collect();
                    return Err(SymmetryError::TooLarge {
                        types: names.join(", "),
                    });
                }
            },
        };
        Ok((!symmetry.factors.is_empty()).then_some(symmetry))
    }

    /// The group's factors, a type symmetric within another permuted per
    /// constant of that type (`per_role`) or alike for all; `None` if a
    /// factor alone is too large.
    fn build(net: &Net, per_role: bool) -> Option<Symmetry> {
        let places = net.places.len();
        let mut factors = Vec::new();
        let mut types = Vec::new();
        for symmetric in &net.symmetric {
            let constants = &symmetric.ty.constants;
            let big = constants.len() > 1;
            match &symmetric.within {
                Some(outer) if per_role => {
                    types.push(format!("{} within {}", symmetric.ty.name, outer.name));
                    for role in outer.constants.iter().filter(|_| big) {
                        factors.push(Factor::new(constants, places, |seats| Renaming {
                            seats: [(Symbol::from(role), seats)].into_iter().collect(),
                            ..Renaming::default()
                        })?);
                    }
                }
                within => {
                    types.push(match within {
                        Some(outer) => {
                            format!("{} (alike within every {})", symmetric.ty.name, outer.name)
                        }
                        None => symmetric.ty.name.clone(),
                    });
                    if big {
                        factors.push(Factor::new(constants, places, |images| Renaming {
                            constants: images,
                            ..Renaming::default()
                        })?);
                    }
                }
            }
        }
        let order = factors
            .iter()
            .try_fold(1u64, |acc, f| acc.checked_mul(f.order()))
            .unwrap_or(u64::MAX);
        Some(Symmetry {
            factors,
            canonical_form: net.canonical_form.clone(),
            types,
            order,
            movers: (0..places).map(|_| IdMemo::default()).collect(),
        })
    }

    /// The number of permutations, the identity included.
    pub fn order(&self) -> u64 {
        self.order
    }

    /// The symmetric types, as reports name them.
    pub fn types(&self) -> &[String] {
        &self.types
    }

    /// The canonical representative of the encoded marking `state`.
    pub fn canonical(&self, tables: &MarkingTables, state: &[u32]) -> Result<Vec<u32>, TableFull> {
        let movers = self.place_movers(tables, state)?;
        let mut best = state.to_vec();
        let mut work = work_markings(&movers, state.len());
        self.images_of(tables, &movers, 0, state, &mut work, &mut |image| {
            if less(tables, image, &best) {
                best.copy_from_slice(image);
            }
        })?;
        Ok(best)
    }

    /// How many markings the orbit of `state` holds: the order of the
    /// factors that move it divided by the number of their permutations that
    /// leave `state` unchanged.
    pub fn orbit_size(&self, tables: &MarkingTables, state: &[u32]) -> Result<u64, TableFull> {
        let movers = self.place_movers(tables, state)?;
        let moving = movers.iter().fold(0, |acc, m| acc | m);
        let order: u64 = (self.factors.iter().enumerate())
            .filter(|(f, _)| moving & (1 << f) != 0)
            .map(|(_, factor)| factor.order())
            .product();
        let mut fixing = 0;
        let mut work = work_markings(&movers, state.len());
        self.images_of(tables, &movers, 0, state, &mut work, &mut |image| {
            fixing += u64::from(image == state);
        })?;
        Ok(order / fixing)
    }

    /// Per place of `state`, the factors that move its multiset.
    fn place_movers(&self, tables: &MarkingTables, state: &[u32]) -> Result<Vec<u64>, TableFull> {
        state
            .iter()
            .enumerate()
            .map(|(place, &id)| self.movers(tables, place, id))
            .collect()
    }

    /// The factors that move multiset `id` of `place`, one bit per factor:
    /// those one of whose generators does.
    fn movers(&self, tables: &MarkingTables, place: usize, id: u32) -> Result<u64, TableFull> {
        if let Some(movers) = self.movers[place].get(id) {
            return Ok(u64::from(movers));
        }
        let mut movers = 0;
        for (f, factor) in self.factors.iter().enumerate() {
            for &g in &factor.generators {
                if self.image(tables, factor, g, place, id)? != id {
                    movers |= 1 << f;
                    break;
                }
            }
        }
        self.movers[place].set(id, movers);
        Ok(u64::from(movers))
    }

    /// Calls `visit` on the image of `state` under every permutation of the
    /// product of the factors from `f` on that move some place (`movers`, per
    /// place), the identity included. Each factor's images are computed from
    /// the previous factors' (`work` holds one marking per moving factor), and only
    /// for the places it moves: factors commute, so a factor moves the image
    /// of a multiset exactly when it moves the multiset.
    fn images_of(
        &self,
        tables: &MarkingTables,
        movers: &[u64],
        f: usize,
        state: &[u32],
        work: &mut [Vec<u32>],
        visit: &mut dyn FnMut(&[u32]),
    ) -> Result<(), TableFull> {
        let next = (f..self.factors.len()).find(|&f| movers.iter().any(|m| m & (1 << f) != 0));
        let (Some(f), Some((image, deeper))) = (next, work.split_first_mut()) else {
            visit(state);
            return Ok(());
        };
        self.images_of(tables, movers, f + 1, state, deeper, visit)?;
        let factor = &self.factors[f];
        for m in 0..factor.moves.len() {
            for (place, &id) in state.iter().enumerate() {
                image[place] = if movers[place] & (1 << f) != 0 {
                    self.image(tables, factor, m, place, id)?
                } else {
                    id
                };
            }
            self.images_of(tables, movers, f + 1, image, deeper, visit)?;
        }
        Ok(())
    }

    /// The id of the image of multiset `id` of `place` under move `m` of `factor`.
    fn image(
        &self,
        tables: &MarkingTables,
        factor: &Factor,
        m: usize,
        place: usize,
        id: u32,
    ) -> Result<u32, TableFull> {
        let memo = factor.images[m][place].get_or_init(Box::default);
        if let Some(image) = memo.get(id) {
            return Ok(image);
        }
        let tokens = tables.get(place, id).unwrap_or_default();
        let mut renamed = Multiset::new();
        let mut changed = false;
        for (value, count) in tokens.iter() {
            let new = rename(value, &factor.moves[m]).map(|v| match &self.canonical_form {
                Some(form) => form.0.canonical(&v),
                None => v,
            });
            changed |= new.is_some();
            let _ = renamed.add(new.unwrap_or_else(|| value.clone()), count);
        }
        let image = if changed {
            tables.intern(place, &renamed)?
        } else {
            id
        };
        memo.set(id, image);
        Ok(image)
    }
}

/// One work marking of `places` places per factor that moves some place
/// (`movers`, per place): what [`Symmetry::images_of`] needs.
fn work_markings(movers: &[u64], places: usize) -> Vec<Vec<u32>> {
    let moving = movers.iter().fold(0u64, |acc, m| acc | m).count_ones();
    vec![vec![0; places]; moving as usize]
}

/// `value` with the constants and seats `renaming` moves renamed, or `None`
/// if none occurs.
fn rename(value: &Value, renaming: &Renaming) -> Option<Value> {
    match value {
        Value::Sym(name) => renaming.constants.get(name).cloned(),
        Value::Tuple(items) => {
            if let [Value::Sym(role), Value::Sym(seat)] = &items[..]
                && let Some(image) = renaming.seats.get(role).and_then(|s| s.get(seat))
            {
                return Some(Value::tuple([Value::Sym(*role), image.clone()]));
            }
            rename_all(items, renaming).map(|items| Value::Tuple(items.into()))
        }
        Value::Term(term) => {
            rename_all(&term.args, renaming).map(|args| Value::term(&term.functor, args))
        }
        Value::Bool(_) | Value::Int(_) | Value::Bytes(_) => None,
    }
}

fn rename_all(items: &[Value], renaming: &Renaming) -> Option<Vec<Value>> {
    let renamed: Vec<Option<Value>> = items.iter().map(|v| rename(v, renaming)).collect();
    if renamed.iter().all(Option::is_none) {
        return None;
    }
    Some(
        renamed
            .into_iter()
            .zip(items)
            .map(|(new, old)| new.unwrap_or_else(|| old.clone()))
            .collect(),
    )
}

/// Whether marking `a` comes before marking `b` in the values' order.
fn less(tables: &MarkingTables, a: &[u32], b: &[u32]) -> bool {
    for (place, (&x, &y)) in a.iter().zip(b).enumerate() {
        if x == y {
            continue;
        }
        let order = tables.compare(place, x, y);
        if order != Ordering::Equal {
            return order == Ordering::Less;
        }
    }
    false
}

/// Every permutation of `0..n` (each as the image of every index), or `None`
/// if there are more than `max`.
fn permutations(n: usize, max: usize) -> Option<Vec<Vec<usize>>> {
    let count = (1..=n).try_fold(1usize, |acc, k| acc.checked_mul(k).filter(|&c| c <= max))?;
    let mut out = Vec::with_capacity(count);
    let mut current: Vec<usize> = (0..n).collect();
    heap_permutations(n, &mut current, &mut out);
    Some(out)
}

/// Heap's algorithm.
fn heap_permutations(k: usize, items: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    if k <= 1 {
        out.push(items.clone());
        return;
    }
    heap_permutations(k - 1, items, out);
    for i in 0..k - 1 {
        if k.is_multiple_of(2) {
            items.swap(i, k - 1);
        } else {
            items.swap(0, k - 1);
        }
        heap_permutations(k - 1, items, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutations_are_all_distinct_and_capped() {
        let mut perms = permutations(4, 100).expect("24 <= 100");
        assert_eq!(perms.len(), 24);
        perms.sort();
        perms.dedup();
        assert_eq!(perms.len(), 24);
        assert!(permutations(5, 100).is_none());
        assert_eq!(permutations(0, 1).map(|p| p.len()), Some(1));
    }

    #[test]
    fn renaming_reaches_inside_tuples_and_terms_only() {
        let renaming = Renaming {
            constants: [(Symbol::new("a"), Value::sym("b"))].into_iter().collect(),
            ..Renaming::default()
        };
        let v = Value::tuple([
            Value::sym("a"),
            Value::term("f", [Value::sym("a"), Value::Int(1)]),
        ]);
        assert_eq!(
            rename(&v, &renaming).map(|v| v.to_string()),
            Some("(b, f(b, 1))".to_string())
        );
        assert_eq!(rename(&Value::sym("c"), &renaming), None);
        assert_eq!(rename(&Value::Int(3), &renaming), None);
    }
}
