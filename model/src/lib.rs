//! The SeSPHR scheme: secure sharing of Personal Health Records through an
//! untrusted cloud, with proxy re-encryption by a semi-trusted server.
//!
//! - [`crypto`]: BLS12-381 proxy re-encryption as a KEM (k = HKDF(Z^r)) and
//!   AES-256-GCM as the DEM; keys, R values, re-encryption keys.
//! - [`phr`]: PHR documents with named partitions and a synthetic generator.
//! - [`policy`]: users, roles, labels and the owner's policy.
//! - [`srs`]: the Setup and Re-encryption Server (ACL, R values, RKs) in
//!   `paper`, `delegated` or `hardened` key mode.
//! - [`cloud`]: the untrusted, versioned on-disk object store.
//! - [`ledger`]: the ledger, a signed Merkle-tree transparency log, its
//!   verifier and proofs.
//! - [`upload`]: the statement the patient signs for each partition.
//! - [`audit`]: the cloud store checked against the ledger.
//! - [`system`]: the three together, with upload, enroll, revoke and read.
//! - [`steps`]: the protocol's steps over plain bytes, for simulators.
//!
//! ```
//! use sesphr_model::{phr, policy::{Label, Policy, Role, UserId}, srs::KeyMode, system::System};
//! let dir = std::env::temp_dir().join(format!("sesphr-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let alice = UserId::new("alice")?;
//! let (mut sys, alice_keys) = System::create(&dir, KeyMode::Delegated, alice.clone(), Policy::paper_default())?;
//! let doc = phr::synthetic(Label::new("rec")?, alice, &Label::defaults(), 2_000, 1);
//! let version = sys.upload(&alice_keys, &doc)?;
//! let bob = UserId::new("dr-bob")?;
//! let bob_keys = sys.enroll(&bob, Role::Doctor, false, &alice_keys)?;
//! let medical = Label::new("medical")?;
//! let plain = sys.read(&bob, &bob_keys.secret, &doc.file, version, &medical)?;
//! assert_eq!(plain, doc.partition(&medical).unwrap().to_plaintext());
//! let personal = Label::new("personal")?;
//! assert!(sys.read(&bob, &bob_keys.secret, &doc.file, version, &personal).is_err());
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), sesphr_model::Error>(())
//! ```
#![deny(missing_docs)]
// One module, `crypto::blst_ffi`, calls a `blst` routine directly.
#![deny(unsafe_code)]

pub mod audit;
pub mod cloud;
pub mod crypto;
mod error;
mod files;
pub mod hex;
pub mod ledger;
pub mod phr;
pub mod policy;
pub mod real;
pub mod srs;
pub mod steps;
pub mod symbolic;
pub mod system;
pub mod upload;

pub use error::{DenyReason, Error, Result, TamperReason};
