//! Timing reports of the SeSPHR implementation, side by side with the figures
//! the paper reports (SESPHR.md section 6).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod runs;
