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
//! role not in play, cost one look-up per place and nothing more; a
//! successor's places that its step left alone have the parent's movers, so
//! only the changed ones are looked up. Per element, only the factors that
//! move a place's multiset are applied to it, and a place that neither the
//! element nor the one that gave the least image so far moves is skipped
//! (it is the same in both). An image is
//! compared with the least so far as it is computed, place by place, and
//! dropped at the first place where it is greater, so the places after the
//! deciding one (on the SeSPHR net, the knowledge sets, the largest) are
//! renamed only for an image that becomes the least. The
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
use crate::net::pos::Pos;
use crate::net::symbol::Symbol;
use crate::net::value::Value;

/// The largest group the reduction enumerates (8!).
pub const MAX_GROUP: usize = 40_320;

/// The most factors a group has: each has two permutations or more, and
/// 2^16 exceeds [`MAX_GROUP`].
const MAX_FACTORS: usize = 16;

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
        /// Where the first of them is declared.
        at: Option<Pos>,
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

/// What the canonical forms of one marking's successors share
/// ([`Symmetry::canonical_beside`]), made by [`Symmetry::beside`]: the
/// marking and the factors that move each of its places' multisets, and
/// buffers for a successor's movers and least image, so that none
/// allocates.
#[derive(Debug)]
pub struct BesideParent {
    parent: Vec<u32>,
    parent_movers: Vec<u64>,
    movers: Vec<u64>,
    best: Vec<u32>,
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
                        at: net.symmetric.first().map(|s| s.pos),
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

    /// The canonical representative of the encoded marking `state`: its
    /// least image. Each image is compared with the least so far place by
    /// place as it is computed, and dropped at the first place where it is
    /// greater, so the places after the deciding one are renamed only for
    /// an image that becomes the least.
    pub fn canonical(&self, tables: &MarkingTables, state: &[u32]) -> Result<Vec<u32>, TableFull> {
        let movers = self.movers_of(tables, state)?;
        let mut best = Vec::new();
        self.least_image(tables, state, &movers, &mut best)?;
        Ok(best)
    }

    /// What the canonical forms of the successors of the encoded marking
    /// `parent` share: its places' movers, looked up once.
    pub fn beside(
        &self,
        tables: &MarkingTables,
        parent: &[u32],
    ) -> Result<BesideParent, TableFull> {
        Ok(BesideParent {
            parent: parent.to_vec(),
            parent_movers: self.movers_of(tables, parent)?,
            movers: Vec::with_capacity(parent.len()),
            best: Vec::with_capacity(parent.len()),
        })
    }

    /// [`Symmetry::canonical`] of `state`, a successor of the marking
    /// `beside` was made for: the factors that move each place's multiset
    /// are looked up only for the places the step changed, the others' are
    /// the parent's.
    pub fn canonical_beside<'b>(
        &self,
        tables: &MarkingTables,
        state: &[u32],
        beside: &'b mut BesideParent,
    ) -> Result<&'b [u32], TableFull> {
        beside.movers.clear();
        for (place, (&id, &was)) in state.iter().zip(&beside.parent).enumerate() {
            beside.movers.push(match id == was {
                true => beside.parent_movers[place],
                false => self.movers(tables, place, id)?,
            });
        }
        self.least_image(tables, state, &beside.movers, &mut beside.best)?;
        Ok(&beside.best)
    }

    /// Writes into `best` the least image of `state`, whose places' movers
    /// are `movers`. A place that neither the element tried nor the one
    /// that gave the least image so far moves is the same in both images
    /// and is skipped, and a factor that does not move a place's multiset
    /// is not applied to it.
    fn least_image(
        &self,
        tables: &MarkingTables,
        state: &[u32],
        movers: &[u64],
        best: &mut Vec<u32>,
    ) -> Result<(), TableFull> {
        let moving = Moving::new(movers);
        let moving = moving.factors();
        best.clear();
        best.extend_from_slice(state);
        // The factors the element that gave `best` applies (none: `state`).
        let mut best_mask = 0;
        let mut element = [0; MAX_FACTORS];
        let element = &mut element[..moving.len()];
        while self.next_element(moving, element) {
            let mask = applied(moving, element);
            for place in 0..state.len() {
                if movers[place] & (mask | best_mask) == 0 {
                    continue;
                }
                let image =
                    self.image_under(tables, moving, element, movers[place], place, state[place])?;
                if image == best[place] {
                    continue;
                }
                match tables.compare(place, image, best[place]) {
                    // Two ids that compare equal (`compare` counts an unknown
                    // id as empty): the next place decides, as in the
                    // markings' order.
                    Ordering::Equal => continue,
                    Ordering::Greater => break,
                    Ordering::Less => {
                        best[place] = image;
                        for later in place + 1..state.len() {
                            best[later] = self.image_under(
                                tables,
                                moving,
                                element,
                                movers[later],
                                later,
                                state[later],
                            )?;
                        }
                        best_mask = mask;
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    /// Of the images of the encoded marking `state` under the group, the
    /// one that agrees with `target` on the most places (the first such in
    /// the group's order, `state` itself on a tie). A marking's canonical
    /// form is an image of it, so a successor stored in canonical form is
    /// compared with the parent's closest image: a property holding in the
    /// parent holds in each of its images, and the closest differs from the
    /// successor only where the step changed it, when the successor was
    /// renamed to its canonical form.
    pub fn closest_image(
        &self,
        tables: &MarkingTables,
        state: &[u32],
        target: &[u32],
    ) -> Result<Vec<u32>, TableFull> {
        let mut fewest = state.iter().zip(target).filter(|(x, y)| x != y).count();
        if fewest == 0 {
            return Ok(state.to_vec());
        }
        let movers = self.movers_of(tables, state)?;
        let moving = Moving::new(&movers);
        let moving = moving.factors();
        let mut element = [0; MAX_FACTORS];
        let element = &mut element[..moving.len()];
        let mut closest = None;
        while self.next_element(moving, element) {
            let mask = applied(moving, element);
            let mut differ = 0;
            for (place, &id) in state.iter().enumerate() {
                let image = match movers[place] & mask {
                    0 => id,
                    _ => self.image_under(tables, moving, element, movers[place], place, id)?,
                };
                differ += usize::from(image != target[place]);
                if differ >= fewest {
                    break;
                }
            }
            if differ < fewest {
                fewest = differ;
                closest = Some(element.to_vec());
            }
        }
        let Some(element) = closest else {
            return Ok(state.to_vec());
        };
        let mut image = Vec::with_capacity(state.len());
        for (place, &id) in state.iter().enumerate() {
            image.push(self.image_under(tables, moving, &element, movers[place], place, id)?);
        }
        Ok(image)
    }

    /// How many markings the orbit of `state` holds: the order of the
    /// factors that move it divided by the number of their permutations that
    /// leave `state` unchanged.
    pub fn orbit_size(&self, tables: &MarkingTables, state: &[u32]) -> Result<u64, TableFull> {
        let movers = self.movers_of(tables, state)?;
        let moving = Moving::new(&movers);
        let moving = moving.factors();
        let order: u64 = moving.iter().map(|&f| self.factors[f].order()).product();
        let mut fixing = 1;
        let mut element = [0; MAX_FACTORS];
        let element = &mut element[..moving.len()];
        while self.next_element(moving, element) {
            let mask = applied(moving, element);
            let mut fixed = true;
            for (place, &id) in state.iter().enumerate() {
                if movers[place] & mask != 0
                    && self.image_under(tables, moving, element, movers[place], place, id)? != id
                {
                    fixed = false;
                    break;
                }
            }
            fixing += u64::from(fixed);
        }
        Ok(order / fixing)
    }

    /// Per place of `state`, the factors that move its multiset
    /// ([`Symmetry::movers`]).
    fn movers_of(&self, tables: &MarkingTables, state: &[u32]) -> Result<Vec<u64>, TableFull> {
        // Pushed into a vector of the right size: collecting through a
        // `Result` would grow it step by step.
        let mut movers = Vec::with_capacity(state.len());
        for (place, &id) in state.iter().enumerate() {
            movers.push(self.movers(tables, place, id)?);
        }
        Ok(movers)
    }

    /// Steps `element` (per factor of `moving`, 0 for the identity or `m +
    /// 1` for its move `m`) to the next element of their product, in
    /// odometer order; `false` once every element was visited (the identity
    /// is the first, and is not visited again).
    fn next_element(&self, moving: &[usize], element: &mut [usize]) -> bool {
        for (choice, &f) in element.iter_mut().zip(moving) {
            if *choice < self.factors[f].moves.len() {
                *choice += 1;
                return true;
            }
            *choice = 0;
        }
        false
    }

    /// The id of the image of multiset `id` of `place` under `element` of the
    /// product of the factors `moving` (see [`Symmetry::next_element`]): the
    /// factors commute, so their moves are applied one after the other. Only
    /// the factors in `movers` (those that move `id`) are applied: a factor
    /// commutes with the others, so it fixes the image of `id` under them
    /// exactly when it fixes `id`.
    fn image_under(
        &self,
        tables: &MarkingTables,
        moving: &[usize],
        element: &[usize],
        movers: u64,
        place: usize,
        id: u32,
    ) -> Result<u32, TableFull> {
        let mut image = id;
        for (&choice, &f) in element.iter().zip(moving) {
            if choice > 0 && movers & (1 << f) != 0 {
                image = self.image(tables, &self.factors[f], choice - 1, place, image)?;
            }
        }
        Ok(image)
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
        let mut changed = false;
        let renamed = Multiset::from_counts(tokens.iter().map(|(value, count)| {
            let new = rename(value, &factor.moves[m]).map(|v| match &self.canonical_form {
                Some(form) => form.0.canonical(&v),
                None => v,
            });
            changed |= new.is_some();
            (new.unwrap_or_else(|| value.clone()), count)
        }))
        // A permutation maps distinct tokens to distinct tokens: no count grows.
        .unwrap_or_default();
        let image = if changed {
            tables.intern(place, &renamed)?
        } else {
            id
        };
        memo.set(id, image);
        Ok(image)
    }
}

/// The factors that move a marking, in order (at most [`MAX_FACTORS`]),
/// kept without allocating.
struct Moving {
    factors: [usize; MAX_FACTORS],
    len: usize,
}

impl Moving {
    /// The factors that move some place, given each place's movers.
    fn new(movers: &[u64]) -> Moving {
        let mut all = movers.iter().fold(0, |all, &m| all | m);
        let mut moving = Moving {
            factors: [0; MAX_FACTORS],
            len: 0,
        };
        while all != 0 {
            moving.factors[moving.len] = all.trailing_zeros() as usize;
            moving.len += 1;
            all &= all - 1;
        }
        moving
    }

    /// The factors, in order.
    fn factors(&self) -> &[usize] {
        &self.factors[..self.len]
    }
}

/// The factors of `moving` that `element` applies (those it chooses a move
/// of), one bit per factor.
fn applied(moving: &[usize], element: &[usize]) -> u64 {
    element
        .iter()
        .zip(moving)
        .filter(|(choice, _)| **choice > 0)
        .fold(0, |mask, (_, &f)| mask | (1 << f))
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
    // Nothing is allocated for the (many) items no renaming reaches.
    let (first, renamed) = items
        .iter()
        .enumerate()
        .find_map(|(i, v)| rename(v, renaming).map(|r| (i, r)))?;
    let mut all = Vec::with_capacity(items.len());
    all.extend_from_slice(&items[..first]);
    all.push(renamed);
    all.extend(
        items[first + 1..]
            .iter()
            .map(|v| rename(v, renaming).unwrap_or_else(|| v.clone())),
    );
    Some(all)
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
