//! Proxy re-encryption: R values, re-encryption keys and the re-encryption.

use blstrs::{G1Affine, G2Affine, Gt, pairing};
use group::Curve;
use group::prime::PrimeCurveAffine;

use super::kem::PartitionKey;
use super::keys::{PublicKey, SecretKey};
use super::wipe::secret;
use super::{fixed_base, gt};
use crate::error::{Error, Result};

/// R_i,P = g1^(r_i x_P): what the patient leaves with the SRS for one
/// partition version. Public to the SRS; useless without a re-encryption key.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct OwnerR(G1Affine);

/// R_i,U = Z^(r_i x_U): what the SRS hands user U.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct UserR(Gt);

/// RK_P->U = g2^(x_U / x_P): lets the SRS turn R_i,P into R_i,U.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ReKey(G2Affine);

impl OwnerR {
    /// Length of the encoding (compressed G1).
    pub const LEN: usize = 48;

    /// Compressed encoding.
    pub fn to_bytes(&self) -> [u8; 48] {
        self.0.to_compressed()
    }

    /// Decode and validate (in the subgroup, not the identity).
    pub fn from_bytes(bytes: &[u8]) -> Result<OwnerR> {
        let array: [u8; 48] = bytes.try_into().map_err(|_| Error::Decode {
            what: "R value",
            reason: format!("{} bytes, expected 48", bytes.len()),
        })?;
        let point = Option::<G1Affine>::from(G1Affine::from_compressed(&array))
            .filter(|p| !bool::from(p.is_identity()))
            .ok_or(Error::Decode {
                what: "R value",
                reason: "not a G1 point of the subgroup".into(),
            })?;
        Ok(OwnerR(point))
    }
}

impl OwnerR {
    /// The G1 point (for the coalition analysis).
    pub(crate) fn point(&self) -> &G1Affine {
        &self.0
    }
}

impl UserR {
    /// Length of the encoding (compressed GT).
    pub const LEN: usize = gt::COMPRESSED_LEN;

    /// Compressed encoding.
    pub fn to_bytes(&self) -> Result<[u8; gt::COMPRESSED_LEN]> {
        gt::to_bytes(&self.0)
    }

    /// Decode and validate.
    pub fn from_bytes(bytes: &[u8]) -> Result<UserR> {
        gt::from_bytes(bytes).map(UserR)
    }
}

impl ReKey {
    /// Length of the encoding (compressed G2).
    pub const LEN: usize = 96;

    /// RK_P->U = (g2^x_U)^(1/x_P), computed by whoever holds x_P.
    pub fn new(owner: &SecretKey, user: &PublicKey) -> Result<ReKey> {
        let inverse = owner.inverse()?;
        Ok(ReKey((user.g2() * inverse.scalar()).to_affine()))
    }

    /// The G2 point (for the coalition analysis).
    pub(crate) fn point(&self) -> &G2Affine {
        &self.0
    }

    /// Compressed encoding.
    pub fn to_bytes(&self) -> [u8; 96] {
        self.0.to_compressed()
    }

    /// Decode and validate (in the subgroup, not the identity).
    pub fn from_bytes(bytes: &[u8]) -> Result<ReKey> {
        let array: [u8; 96] = bytes.try_into().map_err(|_| Error::Decode {
            what: "re-encryption key",
            reason: format!("{} bytes, expected 96", bytes.len()),
        })?;
        let point = Option::<G2Affine>::from(G2Affine::from_compressed(&array))
            .filter(|p| !bool::from(p.is_identity()))
            .ok_or(Error::Decode {
                what: "re-encryption key",
                reason: "not a G2 point of the subgroup".into(),
            })?;
        Ok(ReKey(point))
    }
}

/// Patient side, per partition: draw r, derive k = HKDF(Z^r) and compute
/// R_P = g1^(r x_P).
pub fn encapsulate(owner: &SecretKey) -> Result<(PartitionKey, OwnerR)> {
    let r = SecretKey::generate()?;
    let z_r = secret(gt::generator_pow_ct(r.scalar()));
    let key = PartitionKey::derive(&z_r);
    let exponent = SecretKey::from_scalar(r.scalar() * owner.scalar())?;
    let r_owner = fixed_base::g1_mul(exponent.scalar());
    Ok((key, OwnerR(r_owner)))
}

/// SRS side: R_U = e(R_P, RK_P->U) = Z^(r x_U). Uses public values only.
pub fn reencrypt(r_owner: &OwnerR, rekey: &ReKey) -> UserR {
    UserR(pairing(&r_owner.0, &rekey.0))
}

/// User side: Z^r = R_U^(1/x_U), then k = HKDF(Z^r). 1/x_U and Z^r are
/// wiped after use.
pub fn decapsulate(user: &SecretKey, r_user: &UserR) -> Result<PartitionKey> {
    let inverse = user.inverse()?;
    let z_r = secret(gt::pow_ct(&r_user.0, inverse.scalar()));
    Ok(PartitionKey::derive(&z_r))
}

/// Owner side (or whoever holds x_P, as the SRS does in `paper` mode):
/// Z^r = e(R_P, g2)^(1/x_P).
pub fn decapsulate_own(owner: &SecretKey, r_owner: &OwnerR) -> Result<PartitionKey> {
    let z_r_x = pairing(&r_owner.0, &G2Affine::generator());
    let inverse = owner.inverse()?;
    let z_r = secret(gt::pow_ct(&z_r_x, inverse.scalar()));
    Ok(PartitionKey::derive(&z_r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::KeyPair;

    #[test]
    fn reencryption_gives_the_same_key_to_the_right_user_only() {
        let patient = KeyPair::generate().unwrap();
        let doctor = KeyPair::generate().unwrap();
        let stranger = KeyPair::generate().unwrap();
        let (key, r_p) = encapsulate(&patient.secret).unwrap();
        let rk = ReKey::new(&patient.secret, &doctor.public).unwrap();
        let r_u = reencrypt(&r_p, &rk);
        assert_eq!(decapsulate(&doctor.secret, &r_u).unwrap(), key);
        assert_ne!(decapsulate(&stranger.secret, &r_u).unwrap(), key);
        assert_eq!(decapsulate_own(&patient.secret, &r_p).unwrap(), key);
        let r_u2 = UserR::from_bytes(&r_u.to_bytes().unwrap()).unwrap();
        assert_eq!(r_u2, r_u);
        assert_eq!(OwnerR::from_bytes(&r_p.to_bytes()).unwrap(), r_p);
        assert_eq!(ReKey::from_bytes(&rk.to_bytes()).unwrap(), rk);
        assert!(OwnerR::from_bytes(&[0u8; 48]).is_err());
        assert!(ReKey::from_bytes(&[7u8; 96]).is_err());
    }
}
