//! A bounded, thread-safe memo of function results.
//!
//! Checking evaluates the same knowledge functions on the same tokens in many
//! states (every property, in every marking that shares an insider's knowledge).
//! The functions are deterministic, so their results can be remembered.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::PoisonError;

use crossbeam_utils::sync::ShardedLock;

use foldhash::fast::FixedState;
use sesphr_engine::net::value::Value;

/// Independent tables, so that two threads rarely wait for each other.
const SHARDS: usize = 16;

/// A table is emptied when it reaches this many entries (bounds the memory).
const SHARD_CAPACITY: usize = 1 << 15;

/// Remembered results of one function, keyed by its arguments.
pub struct Memo {
    hasher: FixedState,
    /// Read by every thread on every call and written on a miss only: locks
    /// whose readers write only their own thread's lock word.
    shards: Vec<ShardedLock<HashMap<Vec<Value>, Value, FixedState>>>,
}

impl Memo {
    /// An empty memo.
    pub fn new() -> Self {
        Memo {
            hasher: FixedState::with_seed(0x5e5_9b4),
            shards: (0..SHARDS)
                .map(|_| ShardedLock::new(HashMap::with_hasher(FixedState::with_seed(0))))
                .collect(),
        }
    }

    /// The result of the function on `args`, computed by `compute` unless
    /// remembered. A remembered result is found without copying `args`.
    pub fn get_or<E>(
        &self,
        args: &[Value],
        compute: impl FnOnce() -> Result<Value, E>,
    ) -> Result<Value, E> {
        let shard = &self.shards[self.shard_of(args)];
        if let Some(v) = shard
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(args)
        {
            return Ok(v.clone());
        }
        let value = compute()?;
        let mut table = shard.write().unwrap_or_else(PoisonError::into_inner);
        if table.len() >= SHARD_CAPACITY {
            table.clear();
        }
        table.insert(args.to_vec(), value.clone());
        Ok(value)
    }

    fn shard_of(&self, key: &[Value]) -> usize {
        // Middle bits: the low ones also pick the slot inside the table.
        (self.hasher.hash_one(key) >> 24) as usize % SHARDS
    }
}

impl Default for Memo {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo").field("shards", &SHARDS).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn remembers_per_arguments() {
        let memo = Memo::new();
        let calls = Cell::new(0);
        let compute = |v: i64| {
            calls.set(calls.get() + 1);
            Ok::<_, ()>(Value::Int(v))
        };
        let a = [Value::Int(1)];
        assert_eq!(memo.get_or(&a, || compute(10)), Ok(Value::Int(10)));
        assert_eq!(memo.get_or(&a, || compute(99)), Ok(Value::Int(10)));
        let pair = [Value::Int(1), Value::Int(2)];
        assert_eq!(memo.get_or(&pair, || compute(20)), Ok(Value::Int(20)));
        assert_eq!(
            memo.get_or(&[Value::Int(2)], || compute(30)),
            Ok(Value::Int(30))
        );
        assert_eq!(memo.get_or(&pair, || compute(99)), Ok(Value::Int(20)));
        assert_eq!(calls.get(), 3);
    }

    #[test]
    fn errors_are_not_remembered() {
        let memo = Memo::new();
        assert_eq!(memo.get_or(&[], || Err::<Value, _>("no")), Err("no"));
        assert_eq!(
            memo.get_or(&[], || Ok::<_, &str>(Value::Int(1))),
            Ok(Value::Int(1))
        );
    }
}
