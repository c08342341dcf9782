//! The cryptography of docs/protocol.md section 3: AFGH-style proxy re-encryption on
//! BLS12-381 as a KEM, and AES-256-GCM as the DEM.
//!
//! | step | who | computes |
//! |---|---|---|
//! | [`SecretKey::generate`] | user (delegated) or SRS (paper) | x, g1^x, g2^x |
//! | [`encapsulate`] | patient | r, k = HKDF(Z^r), R_P = g1^(r x_P) |
//! | [`seal`] | patient | C = AES-256-GCM(k, partition; file, label, version) |
//! | [`ReKey::new`] | patient (delegated) or SRS (paper) | RK = (g2^x_U)^(1/x_P) |
//! | [`reencrypt`] | SRS | R_U = e(R_P, RK) = Z^(r x_U) |
//! | [`decapsulate`] | user | Z^r = R_U^(1/x_U), k = HKDF(Z^r) |
//! | [`open`] | user | the partition, or [`Error::TagMismatch`](crate::Error::TagMismatch) |
//!
//! The curve arithmetic comes from `blstrs` (the `blst` library). Its scalar
//! multiplications in G1 and G2 and its pairing are constant time; its GT
//! exponentiation is not, so [`gt`] raises GT elements to secret exponents
//! with a fixed sequence of the library's squarings, multiplications, Frobenius
//! maps and constant-time selections. Multiples of the fixed generators g1, g2
//! and Z use precomputed tables, every entry of which is read at each look-up
//! (`crypto::ct_select`).

#[allow(unsafe_code)]
mod blst_ffi;
pub mod coalition;
mod ct_select;
mod dem;
mod fixed_base;
pub mod gt;
mod kem;
mod keys;
mod plaintext;
mod pre;
mod rng;
mod sign;
#[cfg(test)]
mod test_scalars;
mod wipe;

pub use dem::{Aad, Ciphertext, open, seal};
pub use kem::PartitionKey;
pub use keys::{KeyPair, PublicKey, SecretKey};
pub use plaintext::Plaintext;
pub use pre::{OwnerR, ReKey, UserR, decapsulate, decapsulate_own, encapsulate, reencrypt};
pub use sign::{Signature, SigningKey, VerifyingKey};
