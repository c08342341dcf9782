//! A partition's plaintext: health-record content, wiped when dropped.

use std::fmt;
use std::ops::Deref;

use zeroize::Zeroizing;

/// The bytes of one partition in the clear, as [`open`](super::open)
/// returns them and [`Partition::to_plaintext`](crate::phr::Partition::to_plaintext)
/// copies them. The buffer is wiped when dropped (clones too); `Debug`
/// shows the length only; `==` compares in constant time for a given length
/// (`subtle`: the lengths themselves are compared openly). Read it through
/// `Deref` as `[u8]`.
#[derive(Clone)]
pub struct Plaintext(Zeroizing<Vec<u8>>);

impl PartialEq for Plaintext {
    /// Constant time in the content: every byte is compared whatever the
    /// first difference (two lengths that differ are unequal at once).
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        self.0.as_slice().ct_eq(other.0.as_slice()).into()
    }
}

impl Eq for Plaintext {}

impl Plaintext {
    /// `len` zero bytes, to be decrypted into.
    pub(crate) fn zeroed(len: usize) -> Plaintext {
        Plaintext(Zeroizing::new(vec![0; len]))
    }

    /// A wiped copy of `bytes`.
    pub(crate) fn copy_of(bytes: &[u8]) -> Plaintext {
        Plaintext(Zeroizing::new(bytes.to_vec()))
    }

    /// The bytes, for writing into (decryption).
    pub(crate) fn as_mut_bytes(&mut self) -> &mut [u8] {
        &mut self.0
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Deref for Plaintext {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Plaintext {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Plaintext({} bytes)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_length_only() {
        let text = Plaintext::copy_of(b"BP 120/80");
        assert_eq!(format!("{text:?}"), "Plaintext(9 bytes)");
        assert_eq!(&*text, b"BP 120/80");
        assert_eq!(text.as_bytes(), text.as_ref());
    }

    #[test]
    fn equality_compares_the_content() {
        let text = Plaintext::copy_of(b"BP 120/80");
        assert_eq!(text, Plaintext::copy_of(b"BP 120/80"));
        assert_ne!(text, Plaintext::copy_of(b"BP 120/81"));
        assert_ne!(text, Plaintext::copy_of(b"BP 120/8"));
        assert_eq!(Plaintext::copy_of(b""), Plaintext::zeroed(0));
    }
}
