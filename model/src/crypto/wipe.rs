//! Wiping secret values of the curve library's `Copy` types (scalars, GT
//! elements, projective points), which implement no `Zeroize` of their own.

use zeroize::{DefaultIsZeroes, Zeroizing};

/// A `Copy` value that `zeroize` overwrites with its default (zero or the
/// identity) through volatile writes.
#[derive(Clone, Copy, Default)]
pub(crate) struct Wipe<T: Copy + Default>(pub(crate) T);

impl<T: Copy + Default> DefaultIsZeroes for Wipe<T> {}

/// A secret value, wiped when dropped.
pub(crate) type Secret<T> = Zeroizing<Wipe<T>>;

/// A group element whose default is the identity: the projective points of
/// `blstrs` have no `Default`, so this gives them one to be wiped to.
#[derive(Clone, Copy)]
pub(crate) struct Point<G>(pub(crate) G);

impl<G: group::Group + Copy> Default for Point<G> {
    fn default() -> Self {
        Point(G::identity())
    }
}

/// Hold `value` as a secret that is wiped when dropped.
pub(crate) fn secret<T: Copy + Default>(value: T) -> Secret<T> {
    Zeroizing::new(Wipe(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use blstrs::{G1Projective, G2Projective, Gt, Scalar};
    use group::Group;
    use zeroize::Zeroize;

    #[test]
    fn wiping_resets_to_zero_or_the_identity() {
        let mut x = secret(Scalar::from(42u64));
        x.zeroize();
        assert_eq!(x.0, Scalar::from(0u64));
        let mut z = secret(Gt::generator());
        z.zeroize();
        assert_eq!(z.0, Gt::default());
        let mut p = secret(Point(G1Projective::generator()));
        p.zeroize();
        assert_eq!(p.0.0, G1Projective::identity());
        let mut q = secret(Point(G2Projective::generator().double()));
        q.zeroize();
        assert_eq!(q.0.0, G2Projective::identity());
    }
}
