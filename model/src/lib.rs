//! The SeSPHR scheme: secure sharing of Personal Health Records through an
//! untrusted cloud, with proxy re-encryption by a semi-trusted server.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod symbolic;
