//! The real operation behind each function name the SeSPHR nets declare.
//!
//! Every operation takes the call's arguments (real values carry their bytes,
//! see [`pair`](super::pair)) and the symbolic result the symbolic library gave
//! for the same call, and computes the real result with this crate's
//! cryptography. Secrets and random exponents are derived from the run's seed
//! and the value's symbolic identity (`x(u1)`, `r(p1, medical, 2)`), so one
//! symbolic value always has one real value within a run and across runs with
//! the same seed.

use blstrs::{G1Affine, G1Projective, G2Projective, Gt};
use group::prime::PrimeCurveAffine;
use group::{Curve, Group};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sesphr_engine::net::functions::FunctionError;
use sesphr_engine::net::value::Value;
use sha2::{Digest, Sha256};

use super::pair::split;
use crate::crypto::{
    Aad, Ciphertext, PartitionKey, SecretKey, Signature, SigningKey, VerifyingKey, gt, open, seal,
};
use crate::policy::Label;
use crate::steps;

/// What a function computes on the real side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Op {
    /// `generator()`: the G1 generator g1.
    Generator,
    /// `pairing_base()`: Z = e(g1, g2).
    PairingBase,
    /// `secret_key`, `patient_secret`, `label_secret`, `user_secret`: a secret scalar x.
    Secret,
    /// `public_key(x)`: (g1^x, g2^x).
    PublicKey,
    /// `draw_r(..)`: the random exponent r_i.
    DrawR,
    /// `z_pow(r)`: Z^r.
    ZPow,
    /// `kdf(Z^m)`: HKDF-SHA-256 to an AES-256 key.
    Kdf,
    /// `partition_key(r)`: KDF(Z^r).
    PartitionKey,
    /// `compute_r(x, r)`: R_P = g1^(r x).
    ComputeR,
    /// `rekey(x_P, pk_U)`: RK = (g2^x_U)^(1/x_P).
    Rekey,
    /// `reencrypt`, `pairing`: e(R_P, RK).
    Pairing,
    /// `recover(R_U, x)`: R_U^(1/x).
    Recover,
    /// `plain(p, q, v)`: the partition's plaintext.
    Plain,
    /// `enc(k, ad, m)`: AES-256-GCM.
    Enc,
    /// `dec(k, ad, c)`: AES-256-GCM decryption.
    Dec,
    /// `dec_ok(k, ad, c)`: whether the tag verifies.
    DecOk,
    /// `digest(c)`: SHA-256.
    Digest,
    /// `tamper(c)`: the cloud alters a ciphertext.
    Tamper,
    /// `forged(u)`: a plaintext of a forger's choosing.
    Forged,
    /// `capability(x)`: g2^(1/x).
    Capability,
    /// `verifying_key(x)`: the Ed25519 verifying key of the signing key whose seed is x.
    VerifyingKey,
    /// `sign(x, m)`: the Ed25519 signature of the encoding of `m` (see [`message_bytes`]).
    Sign,
    /// `signature_ok(vk, m, s)`: whether `s` verifies (strictly) on `m` under `vk`.
    SignatureOk,
    /// Bookkeeping with no cryptographic counterpart (`none`, `group_order`,
    /// knowledge sets): the symbolic result alone.
    Symbolic,
}

impl Op {
    /// The operation bound to a function name, if the name is one the nets may declare.
    pub fn of(name: &str) -> Option<Op> {
        Some(match name {
            "generator" => Op::Generator,
            "pairing_base" => Op::PairingBase,
            "secret_key" | "patient_secret" | "label_secret" | "user_secret" | "signing_key" => {
                Op::Secret
            }
            "public_key" => Op::PublicKey,
            "draw_r" => Op::DrawR,
            "z_pow" => Op::ZPow,
            "kdf" => Op::Kdf,
            "partition_key" => Op::PartitionKey,
            "compute_r" => Op::ComputeR,
            "rekey" => Op::Rekey,
            "reencrypt" | "pairing" => Op::Pairing,
            "recover" => Op::Recover,
            "plain" => Op::Plain,
            "enc" => Op::Enc,
            "dec" => Op::Dec,
            "dec_ok" => Op::DecOk,
            "digest" => Op::Digest,
            "tamper" => Op::Tamper,
            "forged" => Op::Forged,
            "capability" => Op::Capability,
            "verifying_key" => Op::VerifyingKey,
            "sign" => Op::Sign,
            "signature_ok" => Op::SignatureOk,
            "none" | "group_order" | "nothing" | "learn" | "merge" | "derivable" => Op::Symbolic,
            _ => return None,
        })
    }
}

/// A fault planted on purpose to show that the run's checks catch it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Every successful decryption returns its plaintext with one bit flipped.
    DecryptedPlaintext,
    /// Every ciphertext has one bit flipped right after encryption.
    StoredCiphertext,
}

/// The run-wide parameters of the real operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Seed of every derived secret, exponent and plaintext.
    pub seed: u64,
    /// Size in bytes of each partition plaintext.
    pub partition_size: usize,
    /// A fault to plant, if any.
    pub fault: Option<Fault>,
}

/// The real result of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Real {
    /// Bytes: a key, a group element, a ciphertext, a plaintext, a digest.
    Bytes(Vec<u8>),
    /// A truth value (`dec_ok`).
    Bool(bool),
    /// A decryption the real library refused (wrong key, altered data).
    Refused,
    /// Nothing real: bookkeeping.
    Absent,
}

/// Computes the real result of `op` on `args`, given the symbolic result `symbolic`.
pub fn compute(
    op: Op,
    config: &Config,
    name: &str,
    args: &[Value],
    symbolic: &Value,
) -> Result<Real, FunctionError> {
    let bytes = |i: usize| real_bytes(name, args, i);
    let failed = |e: crate::Error| FunctionError::Failed {
        function: name.to_string(),
        reason: e.to_string(),
    };
    Ok(match op {
        Op::Generator => Real::Bytes(G1Affine::generator().to_compressed().to_vec()),
        Op::PairingBase => Real::Bytes(gt::to_bytes(&Gt::generator()).map_err(failed)?.to_vec()),
        Op::Secret | Op::DrawR => Real::Bytes(derive_secret(config.seed, symbolic).to_vec()),
        Op::PublicKey => {
            let x = SecretKey::from_bytes(bytes(0)?).map_err(failed)?;
            Real::Bytes(x.public_key().to_bytes().to_vec())
        }
        Op::ZPow => Real::Bytes(z_pow(bytes(0)?).map_err(failed)?),
        Op::Kdf => Real::Bytes(kdf(bytes(0)?).map_err(failed)?.to_vec()),
        Op::PartitionKey => Real::Bytes(
            kdf(&z_pow(bytes(0)?).map_err(failed)?)
                .map_err(failed)?
                .to_vec(),
        ),
        Op::ComputeR => {
            let x = SecretKey::from_bytes(bytes(0)?).map_err(failed)?;
            let r = SecretKey::from_bytes(bytes(1)?).map_err(failed)?;
            let exponent = SecretKey::from_scalar(x.scalar() * r.scalar()).map_err(failed)?;
            let point = (G1Projective::generator() * exponent.scalar()).to_affine();
            Real::Bytes(point.to_compressed().to_vec())
        }
        Op::Rekey => Real::Bytes(steps::rekey(bytes(0)?, bytes(1)?).map_err(failed)?),
        Op::Pairing => Real::Bytes(steps::reencrypt(bytes(0)?, bytes(1)?).map_err(failed)?),
        Op::Recover => {
            let element = gt::from_bytes(bytes(0)?).map_err(failed)?;
            let x = SecretKey::from_bytes(bytes(1)?).map_err(failed)?;
            let inverse = x.inverse().map_err(failed)?;
            let recovered = gt::pow_ct(&element, inverse.scalar());
            Real::Bytes(gt::to_bytes(&recovered).map_err(failed)?.to_vec())
        }
        Op::Plain => Real::Bytes(plaintext(config, symbolic)),
        Op::Enc => {
            let key = partition_key(name, bytes(0)?)?;
            let aad = aad(name, args.get(1))?;
            let mut out = seal(&key, &aad, bytes(2)?).map_err(failed)?.into_bytes();
            if config.fault == Some(Fault::StoredCiphertext) {
                flip_last_bit(&mut out);
            }
            Real::Bytes(out)
        }
        Op::Dec | Op::DecOk => {
            let key = partition_key(name, bytes(0)?)?;
            let aad = aad(name, args.get(1))?;
            let cipher = Ciphertext::from_bytes(bytes(2)?.to_vec()).map_err(failed)?;
            match (op, open(&key, &aad, &cipher)) {
                (Op::DecOk, result) => Real::Bool(result.is_ok()),
                (_, Ok(plain)) => {
                    // The net's marking holds every value as plain bytes.
                    let mut plain = plain.to_vec();
                    if config.fault == Some(Fault::DecryptedPlaintext) {
                        flip_last_bit(&mut plain);
                    }
                    Real::Bytes(plain)
                }
                (_, Err(crate::Error::TagMismatch { .. })) => Real::Refused,
                (_, Err(e)) => return Err(failed(e)),
            }
        }
        Op::Digest => Real::Bytes(steps::digest(bytes(0)?)),
        Op::Tamper => {
            let mut out = bytes(0)?.to_vec();
            flip_last_bit(&mut out);
            Real::Bytes(out)
        }
        Op::Forged => Real::Bytes(plaintext(config, symbolic)),
        Op::Capability => {
            let x = SecretKey::from_bytes(bytes(0)?).map_err(failed)?;
            let inverse = x.inverse().map_err(failed)?;
            let point = (G2Projective::generator() * inverse.scalar()).to_affine();
            Real::Bytes(point.to_compressed().to_vec())
        }
        Op::VerifyingKey => Real::Bytes(
            SigningKey::from_bytes(bytes(0)?)
                .map_err(failed)?
                .verifying_key()
                .to_bytes()
                .to_vec(),
        ),
        Op::Sign => {
            let key = SigningKey::from_bytes(bytes(0)?).map_err(failed)?;
            let message = message_bytes(args.get(1).ok_or_else(|| bad(name, "a message"))?);
            Real::Bytes(key.sign(&message).to_bytes().to_vec())
        }
        Op::SignatureOk => {
            let key = VerifyingKey::from_bytes(bytes(0)?).map_err(failed)?;
            let message = message_bytes(args.get(1).ok_or_else(|| bad(name, "a message"))?);
            let valid = match Signature::from_bytes(bytes(2)?) {
                Ok(signature) => key.verify(&message, &signature).is_ok(),
                Err(_) => false,
            };
            Real::Bool(valid)
        }
        Op::Symbolic => Real::Absent,
    })
}

/// The bytes a signature covers for a net value: an unambiguous encoding in which
/// every real value stands for its bytes and every other leaf for its text, each
/// tagged and length-prefixed, tuples and terms by their parts.
pub fn message_bytes(value: &Value) -> Vec<u8> {
    let mut out = b"SeSPHR simulated statement v1\0".to_vec();
    encode(value, &mut out);
    out
}

fn encode(value: &Value, out: &mut Vec<u8>) {
    let leaf = |tag: u8, bytes: &[u8], out: &mut Vec<u8>| {
        out.push(tag);
        out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
        out.extend_from_slice(bytes);
    };
    if let Some((_, bytes)) = split(value) {
        return leaf(b'b', bytes, out);
    }
    match value {
        Value::Tuple(items) => {
            leaf(b't', &(items.len() as u64).to_be_bytes(), out);
            items.iter().for_each(|item| encode(item, out));
        }
        Value::Term(term) => {
            leaf(b'f', term.functor.as_bytes(), out);
            leaf(b'n', &(term.args.len() as u64).to_be_bytes(), out);
            term.args.iter().for_each(|arg| encode(arg, out));
        }
        Value::Bytes(bytes) => leaf(b'b', bytes, out),
        _ => leaf(b's', value.to_string().as_bytes(), out),
    }
}

/// The plaintext of partition `symbolic` (`phr(p, q, v)`): a readable header
/// naming it, then seeded pseudo-random bytes up to the configured size.
pub fn plaintext(config: &Config, symbolic: &Value) -> Vec<u8> {
    let mut out = format!("{symbolic}\n").into_bytes();
    let header = out.len();
    out.resize(config.partition_size.max(header), 0);
    let mut rng = StdRng::from_seed(hash_identity(config.seed, "plain", symbolic));
    rng.fill_bytes(&mut out[header..]);
    out
}

/// A secret scalar (32 bytes, little-endian, canonical, non-zero) derived from
/// the seed and a symbolic identity.
fn derive_secret(seed: u64, symbolic: &Value) -> [u8; 32] {
    let mut counter = 0u64;
    loop {
        let mut bytes = hash_identity(seed, &format!("secret {counter}"), symbolic);
        // Below 2^254 < q: always canonical; zero is rejected by from_bytes.
        bytes[31] &= 0x3f;
        if SecretKey::from_bytes(&bytes).is_ok() {
            return bytes;
        }
        counter += 1;
    }
}

fn hash_identity(seed: u64, domain: &str, symbolic: &Value) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"SeSPHR simulation v1\0");
    hasher.update(seed.to_le_bytes());
    hasher.update(domain.as_bytes());
    hasher.update([0]);
    hasher.update(symbolic.to_string().as_bytes());
    hasher.finalize().into()
}

fn z_pow(r: &[u8]) -> crate::Result<Vec<u8>> {
    let r = SecretKey::from_bytes(r)?;
    Ok(gt::to_bytes(&gt::pow_ct(&Gt::generator(), r.scalar()))?.to_vec())
}

fn kdf(element: &[u8]) -> crate::Result<[u8; 32]> {
    Ok(*PartitionKey::derive(&gt::from_bytes(element)?).as_bytes())
}

fn flip_last_bit(bytes: &mut [u8]) {
    if let Some(last) = bytes.last_mut() {
        *last ^= 1;
    }
}

fn partition_key(name: &str, bytes: &[u8]) -> Result<PartitionKey, FunctionError> {
    let array: [u8; 32] = bytes.try_into().map_err(|_| bad(name, "a 32-byte key"))?;
    Ok(PartitionKey::from_bytes(array))
}

/// The associated data of a label tuple `(patient, partition, version)`.
fn aad(name: &str, label: Option<&Value>) -> Result<Aad, FunctionError> {
    let expected = "a label (patient, partition, version)";
    let Some(Value::Tuple(items)) = label else {
        return Err(bad(name, expected));
    };
    let [file, partition, Value::Int(version)] = &items[..] else {
        return Err(bad(name, expected));
    };
    Ok(Aad {
        file: Label::new(&file.to_string()).map_err(|_| bad(name, expected))?,
        label: Label::new(&partition.to_string()).map_err(|_| bad(name, expected))?,
        version: u32::try_from(*version).map_err(|_| bad(name, expected))?,
    })
}

/// The bytes of real argument `i`.
fn real_bytes<'a>(name: &str, args: &'a [Value], i: usize) -> Result<&'a [u8], FunctionError> {
    args.get(i)
        .and_then(split)
        .map(|(_, bytes)| &bytes[..])
        .ok_or_else(|| bad(name, &format!("argument {} carries no real value", i + 1)))
}

fn bad(name: &str, what: &str) -> FunctionError {
    FunctionError::BadArguments {
        function: name.to_string(),
        reason: format!("expected {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintexts_and_secrets_are_seeded() {
        let config = Config {
            seed: 7,
            partition_size: 1000,
            fault: None,
        };
        let phr = Value::term(
            "phr",
            [Value::sym("p1"), Value::sym("medical"), Value::Int(1)],
        );
        let a = plaintext(&config, &phr);
        assert_eq!(a.len(), 1000);
        assert!(a.starts_with(b"phr(p1, medical, 1)\n"));
        assert_eq!(a, plaintext(&config, &phr));
        assert_ne!(a, plaintext(&Config { seed: 8, ..config }, &phr));
        let x = Value::term("x", [Value::sym("p1")]);
        assert_eq!(derive_secret(1, &x), derive_secret(1, &x));
        assert_ne!(derive_secret(1, &x), derive_secret(2, &x));
    }
}
