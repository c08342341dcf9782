//! Hash-consing of terms: one allocation per live term.
//!
//! Multisets of successors are interned by comparing them with the multisets
//! already stored, and a term built again (an insider's knowledge set after a
//! step, say) used to be compared with its stored twin argument by argument,
//! down the whole tree. Every term is now built through [`intern`], which
//! returns the live term with the same contents when there is one, so equal
//! terms are one allocation and comparing them compares two addresses.
//! Building a term compares it with the candidates of the same hash, whose
//! arguments are compared by address in turn: one level, not the tree.
//!
//! The table holds weak references, so a term is freed when its last user
//! drops it; the references to freed terms are swept when a shard has
//! doubled since its last sweep.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError, Weak};

use foldhash::fast::FixedState;

use super::Term;

/// Independent tables, chosen by the top bits of a term's hash, so that
/// threads building terms rarely wait for each other.
const SHARDS: usize = 64;

/// A shard is swept of freed terms no sooner than at this many hashes.
const FIRST_SWEEP: usize = 1 << 10;

/// The live terms of one hash: almost always one.
enum Bucket {
    One(Weak<Term>),
    Many(Vec<Weak<Term>>),
}

impl Bucket {
    fn terms(&self) -> &[Weak<Term>] {
        match self {
            Bucket::One(term) => std::slice::from_ref(term),
            Bucket::Many(terms) => terms,
        }
    }

    fn push(&mut self, term: Weak<Term>) {
        match self {
            Bucket::One(first) => {
                let first = std::mem::replace(first, Weak::new());
                *self = Bucket::Many(vec![first, term]);
            }
            Bucket::Many(terms) => terms.push(term),
        }
    }

    /// Drops the references to freed terms; `false` if none is left.
    fn retain_live(&mut self) -> bool {
        match self {
            Bucket::One(term) => term.strong_count() > 0,
            Bucket::Many(terms) => {
                terms.retain(|t| t.strong_count() > 0);
                !terms.is_empty()
            }
        }
    }
}

struct Shard {
    by_hash: HashMap<u64, Bucket, FixedState>,
    /// The number of hashes at which the shard is swept next.
    sweep_at: usize,
}

static TERMS: LazyLock<Vec<Mutex<Shard>>> = LazyLock::new(|| {
    (0..SHARDS)
        .map(|_| {
            Mutex::new(Shard {
                by_hash: HashMap::with_hasher(FixedState::with_seed(0)),
                sweep_at: FIRST_SWEEP,
            })
        })
        .collect()
});

/// The live term with the contents of `term`, or `term` itself, now live.
pub(super) fn intern(term: Term) -> Arc<Term> {
    let hash = term.content_hash();
    let shard = &TERMS[(hash >> 58) as usize % SHARDS];
    let mut shard = shard.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(bucket) = shard.by_hash.get_mut(&hash) {
        for candidate in bucket.terms() {
            if let Some(live) = candidate.upgrade()
                && live.same_contents(&term)
            {
                return live;
            }
        }
        let live = Arc::new(term);
        if bucket.retain_live() {
            bucket.push(Arc::downgrade(&live));
        } else {
            *bucket = Bucket::One(Arc::downgrade(&live));
        }
        return live;
    }
    let live = Arc::new(term);
    shard
        .by_hash
        .insert(hash, Bucket::One(Arc::downgrade(&live)));
    if shard.by_hash.len() >= shard.sweep_at {
        shard.by_hash.retain(|_, bucket| bucket.retain_live());
        shard.sweep_at = (2 * shard.by_hash.len()).max(FIRST_SWEEP);
    }
    live
}

#[cfg(test)]
mod tests {
    use super::super::Value;

    fn term_of(value: &Value) -> &std::sync::Arc<super::Term> {
        match value {
            Value::Term(term) => term,
            other => panic!("not a term: {other}"),
        }
    }

    #[test]
    fn equal_terms_are_one_allocation_while_one_lives() {
        let build = |n: i64| {
            Value::term(
                "enc",
                [
                    Value::term("k", [Value::Int(n)]),
                    Value::tuple([Value::sym("a"), Value::Int(n)]),
                ],
            )
        };
        let first = build(1);
        let again = build(1);
        assert!(std::sync::Arc::ptr_eq(term_of(&first), term_of(&again)));
        assert_eq!(first, again);
        let other = build(2);
        assert!(!std::sync::Arc::ptr_eq(term_of(&first), term_of(&other)));
        assert_ne!(first, other);
        assert_eq!(first.cmp(&other), std::cmp::Ordering::Less);
        // Freed, then built again: a new allocation, equal to a copy made after.
        drop((first, again));
        let rebuilt = build(1);
        assert_eq!(rebuilt, build(1));
        assert_eq!(rebuilt.to_string(), "enc(k(1), (a, 1))");
    }

    #[test]
    fn many_threads_building_the_same_terms_share_them() {
        let terms: Vec<Vec<Value>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..4)
                .map(|_| {
                    scope.spawn(|| {
                        (0..2000)
                            .map(|i| Value::term("h", [Value::Int(i % 500)]))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        for values in &terms[1..] {
            for (a, b) in values.iter().zip(&terms[0]) {
                assert!(std::sync::Arc::ptr_eq(term_of(a), term_of(b)));
            }
        }
    }
}
