//! What the SRS and an enrolled user compute together: the collusion bound
//! of AFGH-style proxy re-encryption, made concrete so tests and the demo can
//! show which partitions such a coalition opens in each key mode.
//!
//! The SRS holds RK = g2^(x_U / x_P); the user holds x_U. Together they get
//! RK^(1/x_U) = g2^(1/x_P), which turns any R_P = g1^(r x_P) into
//! e(R_P, g2^(1/x_P)) = Z^r, the partition key's input. In `delegated` mode
//! x_P is one key for every partition, so the coalition opens them all; in
//! `hardened` mode each label has its own x_P,l and the SRS holds a
//! re-encryption key only for the labels the user was granted.

use blstrs::{G2Affine, pairing};
use group::Curve;

use super::kem::PartitionKey;
use super::keys::SecretKey;
use super::pre::{OwnerR, ReKey};
use super::wipe::{Point, Secret, secret};
use crate::error::Result;

/// g2^(1/x_P): opens every R_P made under x_P. As sensitive as x_P, wiped
/// on drop.
pub struct OwnerCapability(Secret<G2Affine>);

impl OwnerCapability {
    /// The SRS's RK_P->U raised to the user's 1/x_U.
    pub fn derive(rekey: &ReKey, user: &SecretKey) -> Result<OwnerCapability> {
        let inverse = user.inverse()?;
        // The projective product is as secret as the result: wiped too.
        let product = secret(Point(rekey.point() * inverse.scalar()));
        Ok(OwnerCapability(secret(product.0.to_affine())))
    }

    /// The partition key behind `r_owner`, if `r_owner` was made under the
    /// x_P this capability came from (otherwise an unrelated key, which the
    /// AES-GCM tag then rejects).
    pub fn decapsulate(&self, r_owner: &OwnerR) -> PartitionKey {
        let z_r = secret(pairing(r_owner.point(), &self.0));
        PartitionKey::derive(&z_r)
    }
}

impl std::fmt::Debug for OwnerCapability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OwnerCapability(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{KeyPair, encapsulate};

    #[test]
    fn a_coalition_opens_what_the_owner_key_encapsulated_and_nothing_else() {
        let owner = KeyPair::generate().unwrap();
        let other_label = KeyPair::generate().unwrap();
        let user = KeyPair::generate().unwrap();
        let rekey = ReKey::new(&owner.secret, &user.public).unwrap();
        let capability = OwnerCapability::derive(&rekey, &user.secret).unwrap();
        let (key, r_owner) = encapsulate(&owner.secret).unwrap();
        assert_eq!(capability.decapsulate(&r_owner), key);
        let (other_key, r_other) = encapsulate(&other_label.secret).unwrap();
        assert_ne!(capability.decapsulate(&r_other), other_key);
    }
}
