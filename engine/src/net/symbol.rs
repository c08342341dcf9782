//! Interned names: an enumeration constant is one pointer to its name, kept
//! once for the whole process.
//!
//! Constants are copied into every binding that names them and compared in
//! every pattern, guard and property. As reference-counted strings each copy
//! wrote the shared count, and two threads copying the same constant passed
//! its cache line (the count and the name's first bytes) back and forth. An
//! interned name is never written after it is made: copying it is copying a
//! pointer, and two names are equal exactly when their pointers are.
//!
//! Names are never freed: a process makes one per distinct constant name it
//! meets (those of the nets it loads and of markings it decodes), a few
//! kilobytes.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{Arc, Mutex, PoisonError};

/// Every name interned so far.
static NAMES: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);

/// An interned name (see the module documentation).
///
/// It hashes, orders and prints as its text, so values holding it hash,
/// order and print as they would holding the text itself.
#[derive(Clone, Copy)]
pub struct Symbol(&'static str);

impl Symbol {
    /// The symbol named `name`, interned on first use.
    pub fn new(name: &str) -> Symbol {
        let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
        let names = names.get_or_insert_with(HashSet::new);
        if let Some(&interned) = names.get(name) {
            return Symbol(interned);
        }
        let interned: &'static str = Box::leak(name.into());
        names.insert(interned);
        Symbol(interned)
    }

    /// The name.
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl PartialEq for Symbol {
    fn eq(&self, other: &Self) -> bool {
        // One interned copy per name: the same text is the same address.
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Symbol {}

impl Hash for Symbol {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl Ord for Symbol {
    fn cmp(&self, other: &Self) -> Ordering {
        if self == other {
            Ordering::Equal
        } else {
            self.0.cmp(other.0)
        }
    }
}

impl PartialOrd for Symbol {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Deref for Symbol {
    type Target = str;

    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Symbol {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl From<&str> for Symbol {
    fn from(name: &str) -> Symbol {
        Symbol::new(name)
    }
}

impl From<&Arc<str>> for Symbol {
    fn from(name: &Arc<str>) -> Symbol {
        Symbol::new(name)
    }
}

impl From<Arc<str>> for Symbol {
    fn from(name: Arc<str>) -> Symbol {
        Symbol::new(&name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn one_name_one_symbol() {
        let a = Symbol::new("alice");
        let b = Symbol::new(&String::from("alice"));
        assert_eq!(a, b);
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert_ne!(a, Symbol::new("bob"));
        assert_ne!(Symbol::new("al"), a);
    }

    #[test]
    fn symbols_order_hash_and_print_as_their_names() {
        let names = ["b", "a", "", "ab", "é", "B"];
        for x in names {
            for y in names {
                assert_eq!(Symbol::new(x).cmp(&Symbol::new(y)), x.cmp(y), "{x} {y}");
            }
            let hasher = foldhash::quality::FixedState::with_seed(7);
            assert_eq!(hasher.hash_one(Symbol::new(x)), hasher.hash_one(x));
            assert_eq!(Symbol::new(x).to_string(), x);
            assert_eq!(format!("{:?}", Symbol::new(x)), format!("{x:?}"));
        }
    }

    #[test]
    fn threads_intern_to_the_same_symbol() {
        let from_threads: Vec<Symbol> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| Symbol::new("shared-name")))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(
            from_threads
                .iter()
                .all(|&s| s == Symbol::new("shared-name"))
        );
    }
}
