//! A process-independent encoding of a place's tokens as words.
//!
//! An explorer encodes a coloured marking as one interned multiset id per
//! place, and each process interns in its own order, so those ids mean
//! nothing to another process. This encoding spells every token out: the
//! number of distinct tokens, then each token's value and count, in the
//! multiset's canonical order, so equal multisets give equal words in
//! every process. A value is a tag word and its contents (a boolean: one
//! word; an integer: two; a name or bytes: the length and the bytes packed
//! four to a word; a tuple: its length and items; a term: its functor as a
//! name, then its arguments as a tuple).

use std::sync::Arc;

use super::marking::Multiset;
use super::value::Value;

const BOOL: u32 = 0;
const INT: u32 = 1;
const SYM: u32 = 2;
const TUPLE: u32 = 3;
const TERM: u32 = 4;
const BYTES: u32 = 5;

/// Why words are not the encoding of a marking.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed marking words at word {at}: {what}")]
pub struct WireError {
    /// The position of the offending word.
    pub at: usize,
    /// What is wrong there.
    pub what: &'static str,
}

/// Appends the words of the multiset `tokens`: the number of distinct
/// tokens, then each token's value and count, in canonical order.
pub fn encode_multiset(tokens: &Multiset, out: &mut Vec<u32>) {
    out.push(tokens.iter().count() as u32);
    for (value, count) in tokens.iter() {
        encode_value(value, out);
        out.push(count);
    }
}

fn encode_value(value: &Value, out: &mut Vec<u32>) {
    match value {
        Value::Bool(b) => out.extend([BOOL, u32::from(*b)]),
        Value::Int(i) => out.extend([INT, *i as u32, (*i >> 32) as u32]),
        Value::Sym(name) => {
            out.push(SYM);
            encode_bytes(name.as_bytes(), out);
        }
        Value::Tuple(items) => {
            out.extend([TUPLE, items.len() as u32]);
            items.iter().for_each(|v| encode_value(v, out));
        }
        Value::Term(term) => {
            out.push(TERM);
            encode_bytes(term.functor.as_bytes(), out);
            out.push(term.args.len() as u32);
            term.args.iter().for_each(|v| encode_value(v, out));
        }
        Value::Bytes(bytes) => {
            out.push(BYTES);
            encode_bytes(bytes, out);
        }
    }
}

fn encode_bytes(bytes: &[u8], out: &mut Vec<u32>) {
    out.push(bytes.len() as u32);
    out.extend(bytes.chunks(4).map(|chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        u32::from_le_bytes(word)
    }));
}

/// The multiset that `words` (all of them) encode.
pub fn decode_multiset(words: &[u32]) -> Result<Multiset, WireError> {
    let mut reader = Reader { words, at: 0 };
    let mut tokens = Multiset::new().edit();
    for _ in 0..reader.word()? {
        let value = reader.value()?;
        let count = reader.word()?;
        if count == 0 || tokens.count(&value) > 0 {
            return Err(reader.error("a token repeated or counted zero times"));
        }
        tokens.add(value, count);
    }
    let tokens = tokens.finish();
    if reader.at != words.len() {
        return Err(reader.error("words left after the last token"));
    }
    Ok(tokens)
}

struct Reader<'a> {
    words: &'a [u32],
    at: usize,
}

impl Reader<'_> {
    fn error(&self, what: &'static str) -> WireError {
        WireError { at: self.at, what }
    }

    fn word(&mut self) -> Result<u32, WireError> {
        let word = *self
            .words
            .get(self.at)
            .ok_or(self.error("the words end too early"))?;
        self.at += 1;
        Ok(word)
    }

    fn bytes(&mut self) -> Result<Vec<u8>, WireError> {
        let len = self.word()? as usize;
        let count = len.div_ceil(4);
        let chunk = self
            .words
            .get(self.at..self.at + count)
            .ok_or(self.error("the words end inside a name or bytes"))?;
        self.at += count;
        let mut bytes: Vec<u8> = chunk.iter().flat_map(|w| w.to_le_bytes()).collect();
        bytes.truncate(len);
        Ok(bytes)
    }

    fn name(&mut self) -> Result<Arc<str>, WireError> {
        let bytes = self.bytes()?;
        String::from_utf8(bytes)
            .map(Arc::from)
            .map_err(|_| self.error("a name that is not UTF-8"))
    }

    fn items(&mut self) -> Result<Vec<Value>, WireError> {
        let len = self.word()? as usize;
        if len > self.words.len() - self.at {
            return Err(self.error("more items than words left"));
        }
        (0..len).map(|_| self.value()).collect()
    }

    fn value(&mut self) -> Result<Value, WireError> {
        Ok(match self.word()? {
            BOOL => match self.word()? {
                0 => Value::Bool(false),
                1 => Value::Bool(true),
                _ => return Err(self.error("a boolean that is neither 0 nor 1")),
            },
            INT => {
                let low = u64::from(self.word()?);
                let high = u64::from(self.word()?);
                Value::Int((high << 32 | low) as i64)
            }
            SYM => Value::Sym(self.name()?.into()),
            TUPLE => Value::Tuple(self.items()?.into()),
            TERM => {
                let functor = self.name()?;
                Value::term(&functor, self.items()?)
            }
            BYTES => Value::Bytes(self.bytes()?.into()),
            _ => return Err(self.error("an unknown value tag")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::Int),
            "[a-zé_]{0,9}".prop_map(|s| Value::sym(&s)),
            proptest::collection::vec(any::<u8>(), 0..9).prop_map(|b| Value::bytes(&b)),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::tuple),
                ("[a-z]{1,5}", proptest::collection::vec(inner, 0..4))
                    .prop_map(|(f, args)| Value::term(&f, args)),
            ]
        })
    }

    fn multiset() -> impl Strategy<Value = Multiset> {
        proptest::collection::vec((value(), 1u32..4), 0..5).prop_map(|tokens| {
            let mut m = Multiset::new();
            for (v, n) in tokens {
                m.add(v, n);
            }
            m
        })
    }

    proptest! {
        #[test]
        fn multisets_come_back_equal_and_their_words_are_canonical(m in multiset()) {
            let mut words = Vec::new();
            encode_multiset(&m, &mut words);
            let back = decode_multiset(&words).unwrap();
            prop_assert_eq!(&back, &m);
            let mut again = Vec::new();
            encode_multiset(&back, &mut again);
            prop_assert_eq!(again, words);
        }

        #[test]
        fn cut_or_extended_words_are_refused(m in multiset(), cut in any::<prop::sample::Index>()) {
            let mut words = Vec::new();
            encode_multiset(&m, &mut words);
            let at = cut.index(words.len());
            prop_assert!(decode_multiset(&words[..at]).is_err());
            words.push(0);
            prop_assert!(decode_multiset(&words).is_err());
        }
    }

    #[test]
    fn a_bad_tag_is_located() {
        assert_eq!(
            decode_multiset(&[1, 9, 0, 1]),
            Err(WireError {
                at: 2,
                what: "an unknown value tag"
            })
        );
    }
}
