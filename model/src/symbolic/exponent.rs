//! Exponents of group elements: monomials over secret scalars.
//!
//! Every group element of the scheme is a generator raised to a product of
//! secret scalars and their inverses (`r * x_U / x_P`). A [`Monomial`] maps each
//! scalar to its (non-zero) integer power; kept in a `BTreeMap`, it has one
//! canonical form, so equal group elements are equal values.

use std::collections::{BTreeMap, BTreeSet};

use sesphr_engine::net::value::Value;

/// A product of scalars with integer powers, e.g. `r * x_U * x_P^-1`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Monomial {
    powers: BTreeMap<Value, i64>,
}

impl Monomial {
    /// The exponent 1 (the generator itself).
    pub fn one() -> Self {
        Self::default()
    }

    /// A single scalar to the power 1.
    pub fn scalar(atom: Value) -> Self {
        let mut powers = BTreeMap::new();
        powers.insert(atom, 1);
        Self { powers }
    }

    /// The product `self * other`.
    pub fn mul(&self, other: &Monomial) -> Monomial {
        let mut powers = self.powers.clone();
        for (atom, power) in &other.powers {
            let entry = powers.entry(atom.clone()).or_insert(0);
            *entry += power;
            if *entry == 0 {
                powers.remove(atom);
            }
        }
        Monomial { powers }
    }

    /// The inverse `1 / self`.
    pub fn inverse(&self) -> Monomial {
        Monomial {
            powers: self.powers.iter().map(|(a, p)| (a.clone(), -p)).collect(),
        }
    }

    /// The quotient `self / other`.
    pub fn div(&self, other: &Monomial) -> Monomial {
        self.mul(&other.inverse())
    }

    /// The scalars that occur with a non-zero power.
    pub fn atoms(&self) -> impl Iterator<Item = &Value> {
        self.powers.keys()
    }

    /// Whether `self / (parts[0] * parts[1] * ...)` is a product of `known` scalars only,
    /// i.e. whether `self` can be reached from the product by exponentiating with known
    /// scalars and their inverses. Allocates nothing.
    pub fn reachable_from(&self, parts: &[&Monomial], known: &BTreeSet<Value>) -> bool {
        let power = |m: &Monomial, atom: &Value| m.powers.get(atom).copied().unwrap_or(0);
        std::iter::once(self)
            .chain(parts.iter().copied())
            .flat_map(|m| m.powers.keys())
            .all(|atom| {
                let rest = power(self, atom) - parts.iter().map(|p| power(p, atom)).sum::<i64>();
                rest == 0 || known.contains(atom)
            })
    }

    /// Whether the exponent is 1.
    pub fn is_one(&self) -> bool {
        self.powers.is_empty()
    }

    /// The canonical argument list: each scalar in scalar order, repeated by its power,
    /// wrapped in `inv(..)` when the power is negative (`r, x(u), inv(x(p))`).
    pub fn to_args(&self) -> Vec<Value> {
        let mut args = Vec::new();
        for (atom, power) in &self.powers {
            let item = if *power > 0 {
                atom.clone()
            } else {
                Value::term("inv", [atom.clone()])
            };
            for _ in 0..power.unsigned_abs() {
                args.push(item.clone());
            }
        }
        args
    }

    /// Reads back a list written by [`Monomial::to_args`]; `None` unless it is in
    /// canonical form (so that one group element has exactly one value).
    pub fn from_args(args: &[Value]) -> Option<Monomial> {
        let mut powers: BTreeMap<Value, i64> = BTreeMap::new();
        let mut previous: Option<(&Value, i64)> = None;
        for arg in args {
            let (atom, sign) = match arg.as_term() {
                Some(t) if &*t.functor == "inv" => match &t.args[..] {
                    [atom] => (atom, -1),
                    _ => return None,
                },
                _ => (arg, 1),
            };
            // Canonical: scalars in increasing order, each repeated with one sign.
            match previous {
                Some((p, s)) if p == atom && s != sign => return None,
                Some((p, _)) if p > atom => return None,
                _ => {}
            }
            previous = Some((atom, sign));
            *powers.entry(atom.clone()).or_insert(0) += sign;
        }
        Some(Monomial { powers })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(name: &str) -> Value {
        Value::term("x", [Value::sym(name)])
    }

    #[test]
    fn products_are_canonical_whatever_the_order() {
        let (a, b, c) = (
            Monomial::scalar(atom("a")),
            Monomial::scalar(atom("b")),
            Monomial::scalar(atom("c")),
        );
        assert_eq!(a.mul(&b).mul(&c), c.mul(&a).mul(&b));
        assert_eq!(a.mul(&b).to_args(), b.mul(&a).to_args());
    }

    #[test]
    fn division_cancels_to_one() {
        let a = Monomial::scalar(atom("a"));
        let b = Monomial::scalar(atom("b"));
        assert!(a.mul(&b).div(&b).div(&a).is_one());
        assert_eq!(a.mul(&b).div(&b), a);
        assert_ne!(a.div(&b), a);
    }

    #[test]
    fn reachability_needs_every_leftover_scalar_known() {
        let (a, b, c) = (
            Monomial::scalar(atom("a")),
            Monomial::scalar(atom("b")),
            Monomial::scalar(atom("c")),
        );
        let target = a.mul(&b).div(&c);
        let known_c: BTreeSet<Value> = [atom("c")].into();
        assert!(target.reachable_from(&[&a.mul(&b)], &known_c));
        assert!(target.reachable_from(&[&a, &b], &known_c));
        assert!(!target.reachable_from(&[&a], &known_c));
        assert!(target.reachable_from(&[&a], &[atom("b"), atom("c")].into()));
        assert!(Monomial::one().reachable_from(&[], &BTreeSet::new()));
        assert!(!a.reachable_from(&[&b], &[atom("a")].into()));
    }

    #[test]
    fn args_round_trip_and_reject_non_canonical() {
        let m = Monomial::scalar(atom("b")).div(&Monomial::scalar(atom("a")));
        let squared = m.mul(&m);
        assert_eq!(Monomial::from_args(&m.to_args()), Some(m.clone()));
        assert_eq!(
            Monomial::from_args(&squared.to_args()),
            Some(squared.clone())
        );
        assert_eq!(squared.to_args().len(), 4);
        let inv_a = Value::term("inv", [atom("a")]);
        // x * inv(x) is not canonical (it is the empty list), nor is an unsorted list.
        assert_eq!(Monomial::from_args(&[atom("a"), inv_a.clone()]), None);
        assert_eq!(Monomial::from_args(&[atom("b"), atom("a")]), None);
        assert_eq!(Monomial::from_args(&[inv_a, atom("b")]), Some(m));
        assert_eq!(Monomial::from_args(&[]), Some(Monomial::one()));
    }
}
