//! Symbolic cryptography: the SeSPHR net functions over terms, for exhaustive checking.
//!
//! Values are terms (`enc(key(gt(..)), (p1, medical, 2), phr(p1, medical, 2))`);
//! group elements are normalised so equal elements are equal values; a
//! ciphertext opens only under the key and associated data it was made with.
//! [`Knowledge`] is an insider's knowledge closed under what it can compute, and
//! [`SymbolicFunctions`] binds every function name the SeSPHR nets declare
//! (see `docs/sesphr-model.md` for the mapping and the soundness notes).

mod canonical;
mod exponent;
mod knowledge;
mod library;
mod memo;
mod recent;
mod terms;

pub use canonical::SymbolicCanonical;
pub use exponent::Monomial;
pub use knowledge::Knowledge;
pub use library::SymbolicFunctions;
pub use terms::Group;
