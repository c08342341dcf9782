//! Exponents of group elements: monomials over secret scalars.
//!
//! Every group element of the scheme is a generator raised to a product of
//! secret scalars and their inverses (`r * x_U / x_P`). A [`Monomial`] maps each
//! scalar to its (non-zero) integer power; kept in a `BTreeMap`, it has one
//! canonical form, so equal group elements are equal values.

use std::collections::BTreeMap;

use sesphr_engine::value::Value;

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

    /// Whether the exponent is 1.
    pub fn is_one(&self) -> bool {
        self.powers.is_empty()
    }

    /// The canonical value: a tuple of `(scalar, power)` pairs in scalar order.
    pub fn to_value(&self) -> Value {
        Value::tuple(
            self.powers
                .iter()
                .map(|(a, p)| Value::tuple([a.clone(), Value::Int(*p)])),
        )
    }

    /// Reads back a value written by [`Monomial::to_value`]; `None` if malformed
    /// (a zero power or unordered scalars are malformed: they are not canonical).
    pub fn from_value(value: &Value) -> Option<Monomial> {
        let Value::Tuple(items) = value else {
            return None;
        };
        let mut powers = BTreeMap::new();
        let mut previous: Option<&Value> = None;
        for item in items.iter() {
            let Value::Tuple(pair) = item else {
                return None;
            };
            let [atom, Value::Int(power)] = &pair[..] else {
                return None;
            };
            if *power == 0 || previous.is_some_and(|p| p >= atom) {
                return None;
            }
            previous = Some(atom);
            powers.insert(atom.clone(), *power);
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
        assert_eq!(a.mul(&b).to_value(), b.mul(&a).to_value());
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
    fn value_round_trip_and_rejects_non_canonical() {
        let m = Monomial::scalar(atom("b")).div(&Monomial::scalar(atom("a")));
        assert_eq!(Monomial::from_value(&m.to_value()), Some(m.clone()));
        let zero = Value::tuple([Value::tuple([atom("a"), Value::Int(0)])]);
        assert_eq!(Monomial::from_value(&zero), None);
        let unordered = Value::tuple([
            Value::tuple([atom("b"), Value::Int(1)]),
            Value::tuple([atom("a"), Value::Int(1)]),
        ]);
        assert_eq!(Monomial::from_value(&unordered), None);
        assert_eq!(Monomial::from_value(&Value::Int(3)), None);
    }
}
