//! Symmetry reduction: one stored marking per orbit of the permutations of
//! the symmetric types' constants.
//!
//! A type declared `symmetric: true` is a scalarset (Murphi) or a permutation
//! symmetry (CPN): the loader guarantees that the net never names one of its
//! constants, orders them or computes with them, so renaming the constants by
//! any permutation maps the net's reachable markings onto reachable markings
//! and keeps every property's verdict. The group is the product of the full
//! permutation groups of the symmetric types.
//!
//! Canonicalisation is exact, by enumeration: the representative of a marking
//! is the least of its images under every permutation of the group, in the
//! values' own order (place by place, each multiset compared as a sorted list
//! of values). Exactness gives one stored marking per orbit, so the stored
//! count equals the number of orbits and the orbit-expanded count is exact too;
//! comparing values rather than interned ids keeps the representative (and so
//! every trace) independent of which thread interned what first. The cost is
//! one image per group element per successor, which is why the group is capped
//! ([`MAX_GROUP`]); a partition-refinement labelling would scale to larger
//! groups but gives canonical forms only up to automorphism.
//!
//! An image of a place's multiset is remembered per (permutation, place,
//! multiset id), so each distinct multiset is renamed once per permutation.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use std::sync::Arc;

use super::table::{MarkingTables, TableFull};
use crate::net::functions::CanonicalForm;
use crate::net::marking::Multiset;
use crate::net::model::Net;
use crate::net::value::Value;

/// The largest group the reduction enumerates (7!).
pub const MAX_GROUP: usize = 5040;

/// Why a symmetry reduction cannot be used on a net.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SymmetryError {
    /// The group has more elements than [`MAX_GROUP`].
    #[error(
        "the symmetric types ({types}) have more than {MAX_GROUP} permutations together: \
         too many to enumerate; run with --no-reduction or make fewer types symmetric"
    )]
    TooLarge {
        /// The symmetric types' names.
        types: String,
    },
}

/// One permutation: the new value of each symmetric constant it moves.
type Renaming = HashMap<Arc<str>, Value>;

/// The symmetry group of a net and the canonical markings it defines.
pub struct Symmetry {
    /// The group's elements other than the identity.
    renamings: Vec<Renaming>,
    /// The host's canonical form of renamed values (sorted sets, ...).
    canonical_form: Option<CanonicalForm>,
    /// Per renaming: (place, multiset id) -> id of its image.
    images: Vec<RwLock<HashMap<(u32, u32), u32>>>,
    /// The names of the symmetric types, for reports.
    types: Vec<String>,
}

impl Symmetry {
    /// The symmetry of `net`, or `None` if no symmetric type has two constants.
    pub fn new(net: &Net) -> Result<Option<Symmetry>, SymmetryError> {
        let types: Vec<String> = net.symmetric.iter().map(|e| e.name.clone()).collect();
        let mut group: Vec<Renaming> = vec![Renaming::new()];
        for ty in net.symmetric.iter().filter(|e| e.constants.len() > 1) {
            let perms = permutations(ty.constants.len(), MAX_GROUP).ok_or_else(|| {
                SymmetryError::TooLarge {
                    types: types.join(", "),
                }
            })?;
            if group.len().saturating_mul(perms.len()) > MAX_GROUP {
                return Err(SymmetryError::TooLarge {
                    types: types.join(", "),
                });
            }
            group = group
                .iter()
                .flat_map(|base| {
                    perms.iter().map(move |perm| {
                        let mut renaming = base.clone();
                        for (from, &to) in perm.iter().enumerate() {
                            if from != to {
                                renaming.insert(
                                    ty.constants[from].clone(),
                                    Value::Sym(ty.constants[to].clone()),
                                );
                            }
                        }
                        renaming
                    })
                })
                .collect();
        }
        group.retain(|r| !r.is_empty());
        if group.is_empty() {
            return Ok(None);
        }
        Ok(Some(Symmetry {
            images: group.iter().map(|_| RwLock::default()).collect(),
            renamings: group,
            canonical_form: net.canonical_form.clone(),
            types,
        }))
    }

    /// The number of permutations, the identity included.
    pub fn order(&self) -> u64 {
        self.renamings.len() as u64 + 1
    }

    /// The symmetric types' names.
    pub fn types(&self) -> &[String] {
        &self.types
    }

    /// The canonical representative of the encoded marking `state`.
    pub fn canonical(&self, tables: &MarkingTables, state: &[u32]) -> Result<Vec<u32>, TableFull> {
        let mut best = state.to_vec();
        let mut image = vec![0; state.len()];
        for r in 0..self.renamings.len() {
            for (place, &id) in state.iter().enumerate() {
                image[place] = self.image(tables, r, place, id)?;
            }
            if less(tables, &image, &best) {
                best.copy_from_slice(&image);
            }
        }
        Ok(best)
    }

    /// How many markings the orbit of `state` holds: the group's order divided
    /// by the number of permutations that leave `state` unchanged.
    pub fn orbit_size(&self, tables: &MarkingTables, state: &[u32]) -> Result<u64, TableFull> {
        let mut fixing = 1;
        for r in 0..self.renamings.len() {
            let mut fixed = true;
            for (place, &id) in state.iter().enumerate() {
                if self.image(tables, r, place, id)? != id {
                    fixed = false;
                    break;
                }
            }
            fixing += u64::from(fixed);
        }
        Ok(self.order() / fixing)
    }

    /// The id of the image of multiset `id` of `place` under renaming `r`.
    fn image(
        &self,
        tables: &MarkingTables,
        r: usize,
        place: usize,
        id: u32,
    ) -> Result<u32, TableFull> {
        let key = (place as u32, id);
        if let Some(&image) = self.images[r]
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Ok(image);
        }
        let tokens = tables.get(place, id).unwrap_or_default();
        let mut renamed = Multiset::new();
        let mut changed = false;
        for (value, count) in tokens.iter() {
            let new = self.rename(value, r);
            changed |= new.is_some();
            let _ = renamed.add(new.unwrap_or_else(|| value.clone()), count);
        }
        let image = if changed {
            tables.intern(place, &renamed)?
        } else {
            id
        };
        self.images[r]
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, image);
        Ok(image)
    }

    /// The image of a token value under renaming `r`, or `None` if unchanged.
    pub fn rename(&self, value: &Value, r: usize) -> Option<Value> {
        let renamed = rename(value, &self.renamings[r])?;
        Some(match &self.canonical_form {
            Some(form) => form.0.canonical(&renamed),
            None => renamed,
        })
    }
}

/// `value` with its symmetric constants renamed, or `None` if none occurs.
fn rename(value: &Value, renaming: &Renaming) -> Option<Value> {
    match value {
        Value::Sym(name) => renaming.get(name).cloned(),
        Value::Tuple(items) => rename_all(items, renaming).map(|items| Value::Tuple(items.into())),
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
        let order = tables
            .get(place, x)
            .unwrap_or_default()
            .cmp(&tables.get(place, y).unwrap_or_default());
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
        let renaming: Renaming = [(Arc::from("a"), Value::sym("b"))].into_iter().collect();
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
