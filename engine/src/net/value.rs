//! Token values: the colours that tokens of a High Level Petri Net carry.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

use foldhash::quality::FixedState;

use super::symbol::Symbol;

mod hash_cons;

/// The fixed seed of the hashes terms carry: a value's hash is the same in every run.
const TERM_HASH_SEED: u64 = 0x7e8d_5eed_0f7e_5a11;

/// A token value (a colour).
///
/// Values are immutable and cheap to clone (composite values share their
/// parts through `Arc`). They are totally ordered so that multisets and
/// markings have one canonical, deterministic form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// A boolean.
    Bool(bool),
    /// An integer (bounded integer ranges are checked by the type).
    Int(i64),
    /// A constant of an enumeration type, by its interned name.
    Sym(Symbol),
    /// A tuple (an element of a product type).
    Tuple(Arc<[Value]>),
    /// A structured term built by a net function, e.g. `enc(k(r1), phr(p1))`.
    Term(Arc<Term>),
    /// Opaque bytes produced by a net function (a real key or ciphertext).
    Bytes(Arc<[u8]>),
}

impl Ord for Value {
    /// Structural order (variant, then contents), with a shortcut for shared
    /// parts: tokens copied from one another share their `Arc`s, and comparing
    /// a large ciphertext with itself should not walk its bytes.
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (Value::Sym(a), Value::Sym(b)) => a.cmp(b),
            (Value::Tuple(a), Value::Tuple(b)) => shared_or(a, b, || a.cmp(b)),
            (Value::Term(a), Value::Term(b)) => shared_or(a, b, || a.cmp(b)),
            (Value::Bytes(a), Value::Bytes(b)) => shared_or(a, b, || a.cmp(b)),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn shared_or<T: ?Sized>(a: &Arc<T>, b: &Arc<T>, compare: impl FnOnce() -> Ordering) -> Ordering {
    if Arc::ptr_eq(a, b) {
        Ordering::Equal
    } else {
        compare()
    }
}

/// A function symbol applied to values: the shape of symbolic values.
///
/// A term carries the hash of its contents, computed once when it is built
/// from its arguments' hashes, so hashing a deep term (an insider's knowledge
/// set, say) costs one word instead of a walk over the whole tree. Terms are
/// hash-consed: [`Value::term`] returns the live term equal to the one asked
/// for when there is one, so two live terms are equal exactly when they are
/// one allocation, and equality compares addresses (interning a multiset of
/// successors compared whole knowledge sets, a tenth of the CPU of a
/// two-patient check).
pub struct Term {
    /// The function symbol.
    pub functor: Arc<str>,
    /// The arguments.
    pub args: Vec<Value>,
    hash: u64,
}

impl Term {
    /// The hash of the contents, computed when the term was built.
    fn content_hash(&self) -> u64 {
        self.hash
    }

    /// Whether the term has the same function symbol and arguments as `other`
    /// (arguments that are terms compared by address: they are hash-consed).
    fn same_contents(&self, other: &Term) -> bool {
        self.hash == other.hash && self.functor == other.functor && self.args == other.args
    }

    fn new(functor: Arc<str>, args: Vec<Value>) -> Term {
        let hash = FixedState::with_seed(TERM_HASH_SEED).hash_one((&functor, &args));
        Term {
            functor,
            args,
            hash,
        }
    }
}

impl PartialEq for Term {
    fn eq(&self, other: &Self) -> bool {
        // One allocation per live term (see `Term`): the same contents are
        // the same address.
        std::ptr::eq(self, other)
    }
}

impl Eq for Term {}

impl Hash for Term {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl Ord for Term {
    /// Structural order: functor, then arguments.
    fn cmp(&self, other: &Self) -> Ordering {
        if self == other {
            return Ordering::Equal;
        }
        (&self.functor, &self.args).cmp(&(&other.functor, &other.args))
    }
}

impl PartialOrd for Term {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Value {
    /// The variant's position in the order of values of different variants.
    fn rank(&self) -> u8 {
        match self {
            Value::Bool(_) => 0,
            Value::Int(_) => 1,
            Value::Sym(_) => 2,
            Value::Tuple(_) => 3,
            Value::Term(_) => 4,
            Value::Bytes(_) => 5,
        }
    }

    /// An enumeration constant.
    pub fn sym(name: &str) -> Value {
        Value::Sym(Symbol::new(name))
    }

    /// A tuple of the given components.
    pub fn tuple(items: impl IntoIterator<Item = Value>) -> Value {
        Value::Tuple(items.into_iter().collect())
    }

    /// A term `functor(args...)`.
    pub fn term(functor: &str, args: impl IntoIterator<Item = Value>) -> Value {
        Value::Term(hash_cons::intern(Term::new(
            Arc::from(functor),
            args.into_iter().collect(),
        )))
    }

    /// Opaque bytes.
    pub fn bytes(data: &[u8]) -> Value {
        Value::Bytes(Arc::from(data))
    }

    /// The boolean inside, if this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer inside, if this is an integer.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The term inside, if this is a term.
    pub fn as_term(&self) -> Option<&Term> {
        match self {
            Value::Term(t) => Some(t),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Sym(s) => write!(f, "{s}"),
            Value::Tuple(items) => {
                write!(f, "(")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{v}")?;
                }
                if items.len() == 1 {
                    write!(f, ",")?;
                }
                write!(f, ")")
            }
            Value::Term(t) => write!(f, "{t}"),
            Value::Bytes(b) => {
                write!(f, "0x")?;
                for byte in b.iter().take(8) {
                    write!(f, "{byte:02x}")?;
                }
                if b.len() > 8 {
                    write!(f, "..({} bytes)", b.len())?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.functor)?;
        for (i, v) in self.args.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{v}")?;
        }
        write!(f, ")")
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Debug for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_readable() {
        let v = Value::tuple([
            Value::sym("alice"),
            Value::Int(3),
            Value::term(
                "enc",
                [Value::term("k", [Value::sym("r1")]), Value::Bool(true)],
            ),
        ]);
        assert_eq!(v.to_string(), "(alice, 3, enc(k(r1), true))");
        assert_eq!(Value::tuple([Value::Int(1)]).to_string(), "(1,)");
        assert_eq!(
            Value::bytes(&[0xab; 10]).to_string(),
            "0xabababababababab..(10 bytes)"
        );
    }

    #[test]
    fn shared_and_copied_values_compare_alike() {
        let big = Value::term("enc", [Value::bytes(&[7; 64]), Value::Int(1)]);
        let shared = big.clone();
        let copied = Value::term("enc", [Value::bytes(&[7; 64]), Value::Int(1)]);
        let other = Value::term("enc", [Value::bytes(&[7; 64]), Value::Int(2)]);
        assert_eq!(big.cmp(&shared), Ordering::Equal);
        assert_eq!(big.cmp(&copied), Ordering::Equal);
        assert_eq!(big.cmp(&other), Ordering::Less);
        assert_eq!(other.cmp(&big), Ordering::Greater);
        assert!(Value::Bool(true) < Value::Int(i64::MIN) && Value::Int(0) < Value::sym(""));
    }

    #[test]
    fn ordering_is_total_and_structural() {
        let mut vs = vec![
            Value::Int(2),
            Value::Bool(true),
            Value::Int(-1),
            Value::sym("b"),
            Value::sym("a"),
        ];
        vs.sort();
        assert_eq!(
            vs,
            vec![
                Value::Bool(true),
                Value::Int(-1),
                Value::Int(2),
                Value::sym("a"),
                Value::sym("b")
            ]
        );
    }
}
