//! Colour sets (types) of tokens and how values belong to them.

use std::fmt;
use std::sync::Arc;

use crate::net::value::Value;

/// A resolved type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `true` and `false`.
    Bool,
    /// All 64-bit integers.
    Int,
    /// The single value `()`.
    Unit,
    /// The integers `lo..=hi`, under a declared name.
    Range {
        /// The declared name.
        name: Arc<str>,
        /// Smallest value.
        lo: i64,
        /// Largest value.
        hi: i64,
    },
    /// Named constants.
    Enum(Arc<EnumType>),
    /// Products of types; `name` is set for declared tuple types.
    Tuple(Option<Arc<str>>, Vec<Ty>),
    /// Values made only by functions, under a declared name.
    Opaque(Arc<str>),
}

/// An enumeration type: its name and constants, in declaration order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumType {
    /// The declared name.
    pub name: String,
    /// The constants.
    pub constants: Vec<Arc<str>>,
    /// Declared `symmetric: true`: the net treats its constants alike (it
    /// never names one, orders them or computes with them), so permuting them
    /// maps reachable markings to reachable markings. A symmetric range is an
    /// enumeration of the numerals of its bounds.
    pub symmetric: bool,
}

/// Finite types with more values than this are not enumerated by `all(T)`.
pub const MAX_ENUMERATED: usize = 1 << 20;

impl Ty {
    /// The unit value `()`.
    pub fn unit_value() -> Value {
        Value::Tuple(Arc::from(Vec::new()))
    }

    /// Whether values of `self` may be used where `other` is expected
    /// (integers and ranges mix freely; range bounds are checked at run time).
    pub fn compatible(&self, other: &Ty) -> bool {
        match (self, other) {
            (Ty::Int | Ty::Range { .. }, Ty::Int | Ty::Range { .. }) => true,
            (Ty::Bool, Ty::Bool) | (Ty::Unit, Ty::Unit) => true,
            (Ty::Enum(a), Ty::Enum(b)) => a.name == b.name,
            (Ty::Opaque(a), Ty::Opaque(b)) => a == b,
            (Ty::Tuple(_, a), Ty::Tuple(_, b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.compatible(y))
            }
            _ => false,
        }
    }

    /// Whether values of this type hold integers of the type `Int`, which
    /// no range bounds.
    pub fn holds_int(&self) -> bool {
        match self {
            Ty::Int => true,
            Ty::Tuple(_, tys) => tys.iter().any(Ty::holds_int),
            _ => false,
        }
    }

    /// `value` with its components of the type `Int` set to 0, those
    /// components pushed into `ints` in order.
    pub fn split_ints(&self, value: &Value, ints: &mut Vec<i64>) -> Value {
        match (self, value) {
            (Ty::Int, Value::Int(i)) => {
                ints.push(*i);
                Value::Int(0)
            }
            (Ty::Tuple(_, tys), Value::Tuple(items)) if tys.len() == items.len() => Value::Tuple(
                tys.iter()
                    .zip(items.iter())
                    .map(|(ty, item)| ty.split_ints(item, ints))
                    .collect(),
            ),
            _ => value.clone(),
        }
    }

    /// Whether `value` is a value of this type (ranges checked; opaque accepts any value).
    pub fn admits(&self, value: &Value) -> bool {
        match (self, value) {
            (Ty::Bool, Value::Bool(_)) | (Ty::Int, Value::Int(_)) => true,
            (Ty::Unit, Value::Tuple(items)) => items.is_empty(),
            (Ty::Range { lo, hi, .. }, Value::Int(i)) => lo <= i && i <= hi,
            (Ty::Enum(e), Value::Sym(s)) => e.constants.iter().any(|c| **c == **s),
            (Ty::Tuple(_, tys), Value::Tuple(items)) => {
                tys.len() == items.len() && tys.iter().zip(items.iter()).all(|(t, v)| t.admits(v))
            }
            (Ty::Opaque(_), _) => true,
            _ => false,
        }
    }

    /// Every value of a finite type, in order; `None` for infinite or too large types.
    pub fn values(&self) -> Option<Vec<Value>> {
        match self {
            Ty::Bool => Some(vec![Value::Bool(false), Value::Bool(true)]),
            Ty::Unit => Some(vec![Ty::unit_value()]),
            Ty::Range { lo, hi, .. } => {
                let n = hi.checked_sub(*lo)?.checked_add(1)?;
                if n > MAX_ENUMERATED as i64 {
                    return None;
                }
                Some((*lo..=*hi).map(Value::Int).collect())
            }
            Ty::Enum(e) => Some(e.constants.iter().map(|c| Value::sym(c)).collect()),
            Ty::Tuple(_, tys) => {
                let mut acc: Vec<Vec<Value>> = vec![Vec::new()];
                for t in tys {
                    let vs = t.values()?;
                    if acc.len().saturating_mul(vs.len()) > MAX_ENUMERATED {
                        return None;
                    }
                    acc = acc
                        .into_iter()
                        .flat_map(|prefix| {
                            vs.iter().map(move |v| {
                                let mut next = prefix.clone();
                                next.push(v.clone());
                                next
                            })
                        })
                        .collect();
                }
                Some(acc.into_iter().map(Value::tuple).collect())
            }
            Ty::Int | Ty::Opaque(_) => None,
        }
    }

    /// Whether this is an integer type (a range or `Int`).
    pub fn is_int(&self) -> bool {
        matches!(self, Ty::Int | Ty::Range { .. })
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Bool => write!(f, "Bool"),
            Ty::Int => write!(f, "Int"),
            Ty::Unit => write!(f, "Unit"),
            Ty::Range { name, .. } | Ty::Opaque(name) | Ty::Tuple(Some(name), _) => {
                write!(f, "{name}")
            }
            Ty::Enum(e) => write!(f, "{}", e.name),
            Ty::Tuple(None, tys) => {
                write!(f, "(")?;
                for (i, t) in tys.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{t}")?;
                }
                write!(f, ")")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phase() -> Ty {
        Ty::Enum(Arc::new(EnumType {
            name: "Phase".into(),
            constants: vec!["idle".into(), "busy".into()],
            symmetric: false,
        }))
    }

    #[test]
    fn ranges_mix_with_ints_but_check_bounds() {
        let r = Ty::Range {
            name: "P".into(),
            lo: 1,
            hi: 3,
        };
        assert!(r.compatible(&Ty::Int) && Ty::Int.compatible(&r));
        assert!(r.admits(&Value::Int(3)) && !r.admits(&Value::Int(4)));
        assert_eq!(r.values().map(|v| v.len()), Some(3));
    }

    #[test]
    fn tuples_enumerate_in_order() {
        let t = Ty::Tuple(None, vec![Ty::Bool, phase()]);
        let vs = t.values().expect("finite");
        assert_eq!(vs.len(), 4);
        assert_eq!(vs[1].to_string(), "(false, busy)");
        assert!(t.admits(&vs[3]));
        assert!(!t.admits(&Value::Int(1)));
        assert!(Ty::Int.values().is_none());
    }
}
