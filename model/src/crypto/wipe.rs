//! Wiping secret values of the curve library's `Copy` types (scalars, GT
//! elements), which implement no `Zeroize` of their own.

use zeroize::{DefaultIsZeroes, Zeroizing};

/// A `Copy` value that `zeroize` overwrites with its default (zero or the
/// identity) through volatile writes.
#[derive(Clone, Copy, Default)]
pub(crate) struct Wipe<T: Copy + Default>(pub(crate) T);

impl<T: Copy + Default> DefaultIsZeroes for Wipe<T> {}

/// A secret value, wiped when dropped.
pub(crate) type Secret<T> = Zeroizing<Wipe<T>>;

/// Hold `value` as a secret that is wiped when dropped.
pub(crate) fn secret<T: Copy + Default>(value: T) -> Secret<T> {
    Zeroizing::new(Wipe(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use blstrs::{Gt, Scalar};
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
    }
}
