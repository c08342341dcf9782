//! The figures the paper reports (the paper's evaluation), to plot beside ours.
//!
//! The paper gives key generation at six user counts, and only the two ends
//! of its size range (50 KB and 2 MB) for encryption, decryption and the
//! turnaround times; intermediate values are not in the text, so they are
//! not invented here. It reports no re-encryption time.

/// The machine and software behind the paper's figures.
pub const MACHINE: &str =
    "Intel Core i7-2600 3.4 GHz, 8 GB; Java client, JPBC (Type A pairing, 512-bit q), Amazon S3";

/// Key generation: (users, seconds).
pub const KEY_GENERATION: &[(f64, f64)] = &[
    (10.0, 0.60),
    (100.0, 0.97),
    (500.0, 1.13),
    (1_000.0, 1.35),
    (5_000.0, 1.70),
    (10_000.0, 2.16),
];

/// The paper's partition sizes, in KiB.
pub const SIZES_KIB: &[f64] = &[50.0, 100.0, 200.0, 500.0, 800.0, 1024.0, 1500.0, 2048.0];

/// Encryption: (KiB, seconds).
pub const ENCRYPTION: &[(f64, f64)] = &[(50.0, 0.13), (2048.0, 1.289)];

/// Decryption: (KiB, seconds).
pub const DECRYPTION: &[(f64, f64)] = &[(50.0, 0.03), (2048.0, 0.25)];

/// Upload turnaround, encryption and upload: (KiB, seconds).
pub const UPLOAD: &[(f64, f64)] = &[(50.0, 1.25), (2048.0, 2.5)];

/// Download turnaround, download and decryption: (KiB, seconds).
pub const DOWNLOAD: &[(f64, f64)] = &[(50.0, 0.08), (2048.0, 0.40)];

/// The paper's value at `x`, if it reports one.
pub fn at(series: &[(f64, f64)], x: f64) -> Option<f64> {
    series
        .iter()
        .find(|(px, _)| (px - x).abs() < 1e-9)
        .map(|(_, s)| *s)
}
