//! Wiping secret values of the curve library's `Copy` types (scalars, GT
//! elements, projective points), which implement no `Zeroize` of their own.
//!
//! [`Wipe`] itself is not `Copy` (nor `Clone`): a secret can only be moved
//! or borrowed, never duplicated into a copy that nothing wipes. The value
//! sits in a private `Copy` cell, the only type `zeroize`'s volatile write
//! ([`DefaultIsZeroes`]) is implemented for.

use std::ops::{Deref, DerefMut};

use zeroize::{DefaultIsZeroes, Zeroize, Zeroizing};

/// The storage of a [`Wipe`]: `Copy` only because `DefaultIsZeroes`
/// requires it; no code outside this module can reach it to copy it.
#[derive(Clone, Copy, Default)]
struct Cell<T: Copy + Default>(T);

impl<T: Copy + Default> DefaultIsZeroes for Cell<T> {}

/// A value of a `Copy` type that `zeroize` overwrites with its default (zero
/// or the identity) through volatile writes. Not `Copy`: reach the value
/// through `Deref` and `DerefMut`.
#[derive(Default)]
pub(crate) struct Wipe<T: Copy + Default>(Cell<T>);

impl<T: Copy + Default> Wipe<T> {
    /// Hold `value` to be wiped.
    pub(crate) fn new(value: T) -> Wipe<T> {
        Wipe(Cell(value))
    }
}

impl<T: Copy + Default> Deref for Wipe<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0.0
    }
}

impl<T: Copy + Default> DerefMut for Wipe<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0.0
    }
}

impl<T: Copy + Default> Zeroize for Wipe<T> {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

/// A secret value, wiped when dropped.
pub(crate) type Secret<T> = Zeroizing<Wipe<T>>;

/// A group element whose default is the identity: the projective points of
/// `blstrs` have no `Default`, so this gives them one to be wiped to. It is
/// `Copy` because a [`Wipe`] holds it, and only ever held in one.
#[derive(Clone, Copy)]
pub(crate) struct Point<G>(pub(crate) G);

impl<G: group::Group + Copy> Default for Point<G> {
    fn default() -> Self {
        Point(G::identity())
    }
}

/// Hold `value` as a secret that is wiped when dropped.
pub(crate) fn secret<T: Copy + Default>(value: T) -> Secret<T> {
    Zeroizing::new(Wipe::new(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use blstrs::{G1Projective, G2Projective, Gt, Scalar};
    use group::Group;

    #[test]
    fn wiping_resets_to_zero_or_the_identity() {
        let mut x = secret(Scalar::from(42u64));
        x.zeroize();
        assert_eq!(**x, Scalar::from(0u64));
        let mut z = secret(Gt::generator());
        z.zeroize();
        assert_eq!(**z, Gt::default());
        let mut p = secret(Point(G1Projective::generator()));
        p.zeroize();
        assert_eq!((**p).0, G1Projective::identity());
        let mut q = secret(Point(G2Projective::generator().double()));
        q.zeroize();
        assert_eq!((**q).0, G2Projective::identity());
    }

    /// Implemented for every type, twice over for a `Clone` one: naming
    /// the item for a `Clone` type is ambiguous and does not compile (the
    /// `assert_not_impl_any` technique of the `static_assertions` crate).
    trait AmbiguousIfClone<A> {
        fn check() {}
    }
    impl<T: ?Sized> AmbiguousIfClone<()> for T {}
    impl<T: Clone> AmbiguousIfClone<u8> for T {}

    #[test]
    fn a_secret_can_be_neither_copied_nor_cloned() {
        // Fails to compile if `Wipe` (or `Secret`) is `Clone`, let alone `Copy`.
        <Wipe<Scalar> as AmbiguousIfClone<_>>::check();
        <Secret<Gt> as AmbiguousIfClone<_>>::check();
        let mut x = Wipe::new(Scalar::from(7u64));
        x.zeroize();
        assert_eq!(*x, Scalar::from(0u64));
    }
}
