//! Net functions: the operations a net declares and the host program binds.
//!
//! A net file declares functions by name and signature (`enc: [Key, Plain] -> Cipher`);
//! the engine never implements them. A host binds every declared name to a
//! [`NetFunction`] through a [`FunctionLibrary`], so the same net runs with
//! symbolic functions (for exhaustive checking) or real ones (for cryptography).

use std::sync::Arc;

use crate::net::value::Value;

/// Why a net function could not produce a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FunctionError {
    /// The arguments do not have the shape the function accepts.
    #[error("{function}: bad arguments: {reason}")]
    BadArguments {
        /// The function's name.
        function: String,
        /// What was wrong.
        reason: String,
    },
    /// The function ran and failed (e.g. an authentication tag did not verify).
    #[error("{function}: {reason}")]
    Failed {
        /// The function's name.
        function: String,
        /// What failed.
        reason: String,
    },
}

/// One function a net can call in guards and arc expressions.
pub trait NetFunction: Send + Sync {
    /// Applies the function. Must be deterministic for exhaustive checking.
    fn call(&self, args: &[Value]) -> Result<Value, FunctionError>;

    /// How many arguments the function takes, when fixed: a net declaring it
    /// with another number is refused when loaded. `None`: any number.
    fn arity(&self) -> Option<usize> {
        None
    }
}

impl<F> NetFunction for F
where
    F: Fn(&[Value]) -> Result<Value, FunctionError> + Send + Sync,
{
    fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
        self(args)
    }
}

/// A set of functions a host offers to nets, looked up by declared name.
pub trait FunctionLibrary {
    /// The implementation bound to `name`, or `None` when the host has none.
    fn lookup(&self, name: &str) -> Option<Arc<dyn NetFunction>>;

    /// How to restore the canonical form of the library's values after the
    /// symmetry reduction renamed constants inside them (a set the functions
    /// keep sorted is no longer sorted once renamed); `None` when every value
    /// stays canonical under renaming (the default).
    fn canonical_form(&self) -> Option<CanonicalForm> {
        None
    }
}

/// Rewrites a value into the one form the library's functions build for it.
pub trait Canonicalise: Send + Sync {
    /// The canonical form of `value` (`value` itself when it is canonical).
    fn canonical(&self, value: &Value) -> Value;
}

/// A library's [`Canonicalise`], kept by the compiled net.
#[derive(Clone)]
pub struct CanonicalForm(pub Arc<dyn Canonicalise>);

impl std::fmt::Debug for CanonicalForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CanonicalForm")
    }
}

/// A library with no functions: enough for nets that declare none.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoFunctions;

impl FunctionLibrary for NoFunctions {
    fn lookup(&self, _name: &str) -> Option<Arc<dyn NetFunction>> {
        None
    }
}

/// A library built from named closures: handy in tests and small hosts.
#[derive(Default, Clone)]
pub struct FunctionTable {
    entries: Vec<(String, Arc<dyn NetFunction>)>,
}

impl FunctionTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Binds `name` to `function`, replacing an earlier binding of that name.
    pub fn bind(mut self, name: &str, function: impl NetFunction + 'static) -> Self {
        self.entries.retain(|(n, _)| n != name);
        self.entries.push((name.to_string(), Arc::new(function)));
        self
    }
}

impl FunctionLibrary for FunctionTable {
    fn lookup(&self, name: &str) -> Option<Arc<dyn NetFunction>> {
        self.entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| f.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_binds_and_replaces() {
        let table = FunctionTable::new()
            .bind("inc", |a: &[Value]| {
                Ok(Value::Int(a[0].as_int().unwrap_or(0) + 1))
            })
            .bind("inc", |a: &[Value]| {
                Ok(Value::Int(a[0].as_int().unwrap_or(0) + 2))
            });
        let f = table.lookup("inc").expect("bound");
        assert_eq!(f.call(&[Value::Int(1)]), Ok(Value::Int(3)));
        assert!(table.lookup("dec").is_none());
        assert!(NoFunctions.lookup("inc").is_none());
    }
}
