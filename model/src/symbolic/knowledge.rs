//! What an insider knows: a Dolev-Yao style deduction limited to the scheme's algebra.
//!
//! A [`Knowledge`] is a set of terms closed under *analysis*: pairs and public
//! keys are split, and a ciphertext is opened as soon as its key is
//! *derivable*. Whether a term is derivable is decided by *synthesis* over the
//! analysed set ([`Knowledge::derives`]):
//! - names (enumeration constants, integers, booleans) are public;
//! - tuples, public keys, ciphertexts, digests, tampered ciphertexts and
//!   wrong-key decryptions are built from derivable parts;
//! - `key(gt(m))` needs `gt(m)` (the KDF is one-way);
//! - a signature `sig(x, m)` needs the signing key `x` and `m`; holding one
//!   shows `m`, never `x` (signatures are unforgeable and do not hide);
//! - a group element `g^m` is derivable when `m / b` is a product of known
//!   secret scalars (to any integer power) for a base `b` the insider holds in
//!   the same group, or for the generator; in GT also for a pairing `a * b` of a
//!   G1 base `a` and a G2 base `b` (exponentiation and the pairing commute);
//! - secret scalars `x(..)`, `r(..)` and plaintexts `phr(..)` are atoms: known
//!   only if received.
//!
//! Limits (also in docs/sesphr-model.md): the group operation (multiplying two
//! elements, i.e. adding exponents) is not modelled, as in the usual symbolic
//! treatments of pairings; scalars are never guessed; hashes, the KDF and AEAD
//! are perfect.

use std::collections::BTreeSet;

use sesphr_engine::net::value::Value;

use super::exponent::Monomial;
use super::terms::{Group, as_group, is_scalar, open, with_functor};

/// A set of terms closed under analysis (see the module documentation).
#[derive(Clone, Debug, Default)]
pub struct Knowledge {
    terms: BTreeSet<Value>,
    /// The secret scalars among `terms`.
    scalars: BTreeSet<Value>,
    /// The exponents of the held elements of G1, G2 and GT, in that order.
    bases: [Vec<Monomial>; 3],
}

impl PartialEq for Knowledge {
    fn eq(&self, other: &Self) -> bool {
        self.terms == other.terms
    }
}

impl Eq for Knowledge {}

impl Knowledge {
    /// Knows nothing (but every public name).
    pub fn new() -> Self {
        Self::default()
    }

    /// The canonical value `know(t1, t2, ...)`, terms in value order.
    pub fn to_value(&self) -> Value {
        Value::term("know", self.terms.iter().cloned())
    }

    /// Reads back a value written by [`Knowledge::to_value`]; `None` if it is not one.
    /// The value is trusted to be closed already: nets get knowledge values only from
    /// the library's functions (`nothing`, `learn`, `merge`), which close what they build.
    ///
    /// The terms come in value order, so the sets are built in one pass
    /// from sorted input rather than by one search (deep comparisons of
    /// terms) per term.
    pub fn from_value(value: &Value) -> Option<Knowledge> {
        let terms = with_functor(value, "know")?;
        let mut knowledge = Knowledge::new();
        let mut scalars = Vec::new();
        for term in terms {
            if is_scalar(term) {
                scalars.push(term.clone());
            } else {
                knowledge.note_base(term);
            }
        }
        knowledge.scalars = scalars.into_iter().collect();
        knowledge.terms = terms.iter().cloned().collect();
        Some(knowledge)
    }

    fn insert(&mut self, term: Value) {
        if is_scalar(&term) {
            self.scalars.insert(term.clone());
        } else {
            self.note_base(&term);
        }
        self.terms.insert(term);
    }

    /// Records the exponent of `term` if it is a group element.
    fn note_base(&mut self, term: &Value) {
        if let Some((group, m)) = as_group(term) {
            self.bases[group_index(group)].push(m);
        }
    }

    /// The terms held after analysis.
    pub fn terms(&self) -> impl Iterator<Item = &Value> {
        self.terms.iter()
    }

    /// Adds a term and closes the set under analysis.
    pub fn learn(&mut self, term: Value) {
        self.close(vec![term]);
    }

    fn close(&mut self, mut pending: Vec<Value>) {
        while !pending.is_empty() {
            while let Some(term) = pending.pop() {
                self.absorb(term, &mut pending);
            }
            pending = self.openable();
        }
    }

    /// Adds everything `other` knows, closing the union once (learning its
    /// terms one by one would look for openable ciphertexts after each).
    pub fn merge(&mut self, other: &Knowledge) {
        self.close(other.terms.iter().cloned().collect());
    }

    fn absorb(&mut self, term: Value, pending: &mut Vec<Value>) {
        if matches!(term, Value::Bool(_) | Value::Int(_) | Value::Sym(_)) {
            // Public names are always derivable: keeping them would only add noise.
        } else if let Value::Tuple(items) = &term {
            pending.extend(items.iter().cloned());
        } else if let Some(parts) = with_functor(&term, "pk") {
            pending.extend(parts.iter().cloned());
        } else if !self.terms.contains(&term) {
            if let Some([_, ad, _]) = with_functor(&term, "enc") {
                pending.push(ad.clone());
            }
            if let Some([_, message]) = with_functor(&term, "sig") {
                pending.push(message.clone());
            }
            self.insert(term);
        }
    }

    /// The plaintexts of held ciphertexts whose key is now derivable and that are not yet held.
    fn openable(&self) -> Vec<Value> {
        self.terms
            .iter()
            .filter_map(|t| match with_functor(t, "enc")? {
                [key, ad, _] if self.derives(key) => open(key, ad, t),
                _ => None,
            })
            .filter(|m| !self.derives(m))
            .collect()
    }

    /// Whether the insider can compute `target` from what it holds.
    pub fn derives(&self, target: &Value) -> bool {
        if self.terms.contains(target) {
            return true;
        }
        match target {
            Value::Bool(_) | Value::Int(_) | Value::Sym(_) => true,
            Value::Tuple(items) => items.iter().all(|v| self.derives(v)),
            Value::Bytes(_) => false,
            Value::Term(term) => match (&*term.functor, &term.args[..]) {
                ("pk" | "vk" | "enc" | "h" | "tampered" | "junk" | "sig", args) => {
                    args.iter().all(|v| self.derives(v))
                }
                ("key", [gt]) => self.derives(gt),
                _ => as_group(target).is_some_and(|(g, m)| self.derives_group(g, &m)),
            },
        }
    }

    fn derives_group(&self, group: Group, exponent: &Monomial) -> bool {
        let known = &self.scalars;
        let generator = Monomial::one();
        let bases = |g: Group| std::iter::once(&generator).chain(&self.bases[group_index(g)]);
        match group {
            Group::G1 | Group::G2 => bases(group).any(|b| exponent.reachable_from(&[b], known)),
            Group::Gt => {
                bases(Group::Gt).any(|b| exponent.reachable_from(&[b], known))
                    || bases(Group::G1)
                        .any(|a| bases(Group::G2).any(|b| exponent.reachable_from(&[a, b], known)))
            }
        }
    }
}

fn group_index(group: Group) -> usize {
    match group {
        Group::G1 => 0,
        Group::G2 => 1,
        Group::Gt => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::super::terms::{encrypt, group, kdf, plaintext, public_key, secret};
    use super::*;

    fn x(who: &str) -> Value {
        secret(&Value::sym(who))
    }

    fn r(v: i64) -> Value {
        Value::term(
            "r",
            [Value::sym("p1"), Value::sym("medical"), Value::Int(v)],
        )
    }

    fn mono(items: &[(&Value, i64)]) -> Monomial {
        items.iter().fold(Monomial::one(), |acc, (atom, power)| {
            let base = Monomial::scalar((*atom).clone());
            let mut m = acc;
            for _ in 0..power.unsigned_abs() {
                m = if *power > 0 {
                    m.mul(&base)
                } else {
                    m.div(&base)
                };
            }
            m
        })
    }

    fn cipher(v: i64) -> Value {
        let key = kdf(&group(Group::Gt, &mono(&[(&r(v), 1)])));
        let ad = Value::tuple([Value::sym("p1"), Value::sym("medical"), Value::Int(v)]);
        encrypt(
            &key,
            &ad,
            &plaintext(&Value::sym("p1"), &Value::sym("medical"), &Value::Int(v)),
        )
    }

    fn phr(v: i64) -> Value {
        plaintext(&Value::sym("p1"), &Value::sym("medical"), &Value::Int(v))
    }

    fn knowing(terms: impl IntoIterator<Item = Value>) -> Knowledge {
        let mut k = Knowledge::new();
        for t in terms {
            k.learn(t);
        }
        k
    }

    #[test]
    fn the_cloud_alone_learns_nothing_from_ciphertexts() {
        let k = knowing([cipher(1), public_key(&x("p1")), public_key(&x("u1"))]);
        assert!(!k.derives(&phr(1)));
        assert!(!k.derives(&kdf(&group(Group::Gt, &mono(&[(&r(1), 1)])))));
        assert!(k.derives(&cipher(1)));
        assert!(k.derives(&Value::term("tampered", [cipher(1)])));
    }

    #[test]
    fn a_granted_user_recovers_the_key_and_opens_the_ciphertext() {
        let r_u = group(Group::Gt, &mono(&[(&r(1), 1), (&x("u1"), 1)]));
        let k = knowing([x("u1"), r_u.clone(), cipher(1)]);
        assert!(k.derives(&phr(1)));
        assert!(
            k.terms().any(|t| t == &phr(1)),
            "the plaintext is analysed in"
        );
        // Without the secret scalar the re-encrypted value is useless.
        let k = knowing([r_u, cipher(1)]);
        assert!(!k.derives(&phr(1)));
    }

    /// Terms of every kind the analysis treats: secrets, group elements of
    /// the three groups, public keys, ciphertexts, plaintexts.
    fn pool() -> Vec<Value> {
        vec![
            x("u1"),
            x("p1"),
            r(1),
            group(Group::G1, &mono(&[(&r(1), 1), (&x("p1"), 1)])),
            group(Group::G2, &mono(&[(&x("u1"), 1), (&x("p1"), -1)])),
            group(Group::Gt, &mono(&[(&r(1), 1), (&x("u1"), 1)])),
            group(Group::Gt, &mono(&[(&r(2), 1), (&x("u1"), 1)])),
            public_key(&x("p1")),
            cipher(1),
            cipher(2),
            phr(2),
        ]
    }

    proptest::proptest! {
        /// Merging closes the union of the two sets: the same knowledge as
        /// learning the other's terms one by one, and as learning every term
        /// of both in one set.
        #[test]
        fn merging_is_learning_the_union(
            left in proptest::collection::vec(0usize..11, 0..6),
            right in proptest::collection::vec(0usize..11, 0..6),
        ) {
            let pool = pool();
            let a = knowing(left.iter().map(|&i| pool[i].clone()));
            let b = knowing(right.iter().map(|&i| pool[i].clone()));
            let mut merged = a.clone();
            merged.merge(&b);
            let mut one_by_one = a;
            for term in b.terms() {
                one_by_one.learn(term.clone());
            }
            let union = knowing(left.iter().chain(&right).map(|&i| pool[i].clone()));
            proptest::prop_assert_eq!(&merged, &one_by_one);
            proptest::prop_assert_eq!(&merged, &union);
            proptest::prop_assert_eq!(Knowledge::from_value(&merged.to_value()), Some(merged));
        }
    }

    #[test]
    fn learning_order_does_not_matter() {
        let r_u = group(Group::Gt, &mono(&[(&r(1), 1), (&x("u1"), 1)]));
        let a = knowing([cipher(1), r_u.clone(), x("u1")]);
        let b = knowing([x("u1"), r_u, cipher(1)]);
        assert_eq!(a, b);
        assert_eq!(Knowledge::from_value(&a.to_value()), Some(a));
    }

    #[test]
    fn a_revoked_user_keeps_old_keys_but_not_fresh_ones() {
        let r_u = group(Group::Gt, &mono(&[(&r(1), 1), (&x("u1"), 1)]));
        let k = knowing([x("u1"), r_u, cipher(1), cipher(2)]);
        assert!(k.derives(&phr(1)));
        assert!(!k.derives(&phr(2)));
    }

    #[test]
    fn delegated_srs_cannot_strip_the_blinding_even_with_the_cloud() {
        // R_P = g1^(r x_P), RK = g2^(x_U / x_P), both public keys, R_U, every ciphertext.
        let k = knowing([
            group(Group::G1, &mono(&[(&r(1), 1), (&x("p1"), 1)])),
            group(Group::G2, &mono(&[(&x("u1"), 1), (&x("p1"), -1)])),
            group(Group::Gt, &mono(&[(&r(1), 1), (&x("u1"), 1)])),
            public_key(&x("p1")),
            public_key(&x("u1")),
            cipher(1),
        ]);
        assert!(!k.derives(&phr(1)));
        assert!(!k.derives(&group(Group::Gt, &mono(&[(&r(1), 1)]))));
        // But it can compute what the protocol lets it compute.
        assert!(k.derives(&group(Group::Gt, &mono(&[(&r(1), 1), (&x("u1"), 1)]))));
        assert!(k.derives(&group(Group::Gt, &mono(&[(&r(1), 1), (&x("p1"), 1)]))));
    }

    #[test]
    fn the_srs_with_any_member_derives_the_patients_capability() {
        // The SRS holds RK_(P->U) = g2^(x_U / x_P) and R_P = g1^(r x_P); a member holds x_U.
        let srs = knowing([
            group(Group::G1, &mono(&[(&r(2), 1), (&x("p1"), 1)])),
            group(Group::G2, &mono(&[(&x("u1"), 1), (&x("p1"), -1)])),
            public_key(&x("p1")),
        ]);
        let member = knowing([x("u1"), cipher(2)]);
        let capability = group(Group::G2, &mono(&[(&x("p1"), -1)]));
        assert!(!srs.derives(&capability));
        assert!(!member.derives(&capability));
        let mut coalition = srs.clone();
        coalition.merge(&member);
        assert!(coalition.derives(&capability));
        // ... which opens every R_P: the partition key and the plaintext of any version.
        assert!(coalition.derives(&kdf(&group(Group::Gt, &mono(&[(&r(2), 1)])))));
        assert!(coalition.derives(&phr(2)));
        assert!(
            !coalition.derives(&x("p1")),
            "but never the scalar x_P itself"
        );
        // The cloud with the same member gets nothing of the kind (no RK, no R_P).
        let mut cloud = knowing([cipher(2), public_key(&x("p1")), public_key(&x("u1"))]);
        cloud.merge(&member);
        assert!(!cloud.derives(&capability));
        assert!(!cloud.derives(&phr(2)));
    }

    #[test]
    fn paper_mode_srs_holding_the_patient_secret_opens_everything() {
        let k = knowing([
            x("p1"),
            group(Group::G1, &mono(&[(&r(1), 1), (&x("p1"), 1)])),
            cipher(1),
        ]);
        assert!(k.derives(&kdf(&group(Group::Gt, &mono(&[(&r(1), 1)])))));
        assert!(k.derives(&phr(1)));
    }

    #[test]
    fn opening_cascades_through_nested_ciphertexts() {
        // A key sent encrypted under a key the insider can derive.
        let inner_key = kdf(&group(Group::Gt, &mono(&[(&r(2), 1)])));
        let outer = encrypt(
            &kdf(&group(Group::Gt, &mono(&[(&x("u1"), 1)]))),
            &Value::Int(0),
            &group(Group::Gt, &mono(&[(&r(2), 1)])),
        );
        let k = knowing([cipher(2), outer.clone()]);
        assert!(!k.derives(&inner_key));
        let k = knowing([cipher(2), outer, x("u1")]);
        assert!(k.derives(&inner_key));
        assert!(k.derives(&phr(2)));
    }

    #[test]
    fn atoms_are_never_synthesised() {
        let k = Knowledge::new();
        assert!(!k.derives(&x("u1")));
        assert!(!k.derives(&r(1)));
        assert!(!k.derives(&phr(1)));
        assert!(!k.derives(&Value::bytes(&[1])));
        assert!(k.derives(&Value::tuple([Value::sym("p1"), Value::Int(1)])));
        assert!(k.derives(&group(Group::Gt, &Monomial::one())));
        assert!(!k.derives(&Value::term("unknown", [])));
    }

    #[test]
    fn tuples_and_public_keys_are_split() {
        let k = knowing([Value::tuple([x("u1"), public_key(&x("u2"))])]);
        assert!(k.derives(&x("u1")));
        assert!(k.derives(&group(Group::G2, &mono(&[(&x("u2"), 1)]))));
        assert!(k.derives(&group(Group::G2, &mono(&[(&x("u2"), 1), (&x("u1"), 3)]))));
        assert!(!k.derives(&x("u2")));
        assert!(k.terms().all(|t| !matches!(t, Value::Tuple(_))));
        let k = knowing([Value::tuple([
            Value::sym("p1"),
            Value::Int(1),
            Value::Bool(true),
        ])]);
        assert_eq!(k, Knowledge::new(), "public names are not stored");
    }
}
