//! States that travel between workers.
//!
//! A worker sends each successor to its owner, and the owner of a state
//! must be the same whichever worker computed it. A P/T marking's packed
//! words are the same in every process, so they travel as they are. A
//! coloured marking's words are multiset ids interned by each worker's
//! space in its own order; they travel through a dictionary per channel
//! (sender to receiver): a place's multiset is spelled out
//! ([`sesphr_engine::net::wire`]) the first time the sender sends it to
//! that receiver, with the next number of the channel, and named by that
//! number afterwards. Its owner is a hash of the multisets' contents.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasher;

use foldhash::quality::FixedState;
use sesphr_engine::coloured::{ColouredError, ColouredSpace};
use sesphr_engine::explore::StateSpace;
use sesphr_engine::net::pos::Pos;
use sesphr_engine::net::wire::{decode_multiset, encode_multiset};
use sesphr_engine::ptnet::{PackedNet, PtError};

use crate::owner::state_hash;

/// A state space whose states can be sent to another worker.
pub trait Portable: StateSpace {
    /// What a worker remembers of the states it sent and received.
    type Channels;

    /// The channels of worker `me` of `peers`, nothing sent or received yet.
    fn channels(&self, me: usize, peers: usize) -> Self::Channels;

    /// A hash of `state` that equal states have in every process: it
    /// chooses the owner.
    fn owner_hash(&self, channels: &mut Self::Channels, state: &[u32]) -> Result<u64, Self::Error>;

    /// Appends the words that carry `state` to worker `to`.
    fn send(
        &self,
        channels: &mut Self::Channels,
        to: usize,
        state: &[u32],
        out: &mut Vec<u32>,
    ) -> Result<(), Self::Error>;

    /// The state (in this worker's encoding) that worker `from` sent as
    /// `words`, its messages read in the order it sent them.
    fn receive<'w>(
        &self,
        channels: &mut Self::Channels,
        from: usize,
        words: &'w [u32],
    ) -> Result<Cow<'w, [u32]>, Self::Error>;

    /// Where in the net the evaluation behind `error` is written, if it is
    /// one (every process loaded the same net, so the position holds in
    /// each).
    fn locate(&self, _error: &Self::Error) -> Option<Pos> {
        None
    }

    /// The words of `state` that any worker can read without a channel:
    /// sent on a fresh channel between two other workers.
    fn spell(&self, state: &[u32]) -> Result<Vec<u32>, Self::Error> {
        let mut out = Vec::new();
        self.send(&mut self.channels(1, 2), 0, state, &mut out)?;
        Ok(out)
    }

    /// The state that [`Portable::spell`] spelled as `words`.
    fn read_spelled(&self, words: &[u32]) -> Result<Vec<u32>, Self::Error> {
        Ok(self
            .receive(&mut self.channels(1, 2), 0, words)?
            .into_owned())
    }
}

impl Portable for PackedNet<'_> {
    type Channels = ();

    fn channels(&self, _: usize, _: usize) {}

    fn owner_hash(&self, _: &mut (), state: &[u32]) -> Result<u64, PtError> {
        Ok(state_hash(state))
    }

    fn send(&self, _: &mut (), _: usize, state: &[u32], out: &mut Vec<u32>) -> Result<(), PtError> {
        out.extend_from_slice(state);
        Ok(())
    }

    fn receive<'w>(
        &self,
        _: &mut (),
        _: usize,
        words: &'w [u32],
    ) -> Result<Cow<'w, [u32]>, PtError> {
        Ok(Cow::Borrowed(words))
    }
}

/// A coloured worker's dictionaries.
pub struct Dictionaries {
    me: usize,
    /// Per receiver: (place, multiset id) -> its number on that channel.
    sent: Vec<HashMap<(u32, u32), u32>>,
    /// Per sender: the multiset id of each number of that channel.
    received: Vec<Vec<u32>>,
    /// (place, multiset id) -> hash of the multiset's contents.
    hashes: HashMap<(u32, u32), u64>,
}

/// The seed of the content hashes, the same in every process.
const CONTENT_SEED: u64 = 0x5e5f_d15e;

/// The flag of a place's word that says its multiset is spelled out next.
const SPELLED: u32 = 1;

impl Portable for ColouredSpace<'_> {
    type Channels = Dictionaries;

    fn channels(&self, me: usize, peers: usize) -> Dictionaries {
        Dictionaries {
            me,
            sent: vec![HashMap::new(); peers],
            received: vec![Vec::new(); peers],
            hashes: HashMap::new(),
        }
    }

    fn owner_hash(&self, d: &mut Dictionaries, state: &[u32]) -> Result<u64, ColouredError> {
        if self.net().places.is_empty() {
            return Ok(state_hash(state));
        }
        let mut contents = Vec::with_capacity(state.len() * 2);
        for (place, &id) in state.iter().enumerate() {
            let hash = match d.hashes.get(&(place as u32, id)) {
                Some(&hash) => hash,
                None => {
                    let tokens = self.tokens(place, id)?;
                    let hash = FixedState::with_seed(CONTENT_SEED).hash_one(&tokens);
                    d.hashes.insert((place as u32, id), hash);
                    hash
                }
            };
            contents.extend([hash as u32, (hash >> 32) as u32]);
        }
        Ok(state_hash(&contents))
    }

    fn send(
        &self,
        d: &mut Dictionaries,
        to: usize,
        state: &[u32],
        out: &mut Vec<u32>,
    ) -> Result<(), ColouredError> {
        if to == d.me || self.net().places.is_empty() {
            // The same space, or the one state of a net without places.
            out.extend_from_slice(state);
            return Ok(());
        }
        let channel = &mut d.sent[to];
        for (place, &id) in state.iter().enumerate() {
            let next = channel.len() as u32;
            match channel.get(&(place as u32, id)) {
                Some(&number) => out.push(number << 1),
                None => {
                    channel.insert((place as u32, id), next);
                    out.push(next << 1 | SPELLED);
                    let length_at = out.len();
                    out.push(0);
                    encode_multiset(&self.tokens(place, id)?, out);
                    out[length_at] = (out.len() - length_at - 1) as u32;
                }
            }
        }
        Ok(())
    }

    fn locate(&self, error: &ColouredError) -> Option<Pos> {
        (error.evaluation()).and_then(|e| self.net().position_of_failure(e))
    }

    fn receive<'w>(
        &self,
        d: &mut Dictionaries,
        from: usize,
        words: &'w [u32],
    ) -> Result<Cow<'w, [u32]>, ColouredError> {
        let places = self.net().places.len();
        if from == d.me || places == 0 {
            return Ok(Cow::Borrowed(words));
        }
        let channel = &mut d.received[from];
        let malformed = |at: usize, what: &'static str| {
            ColouredError::from(sesphr_engine::net::wire::WireError { at, what })
        };
        let mut state = Vec::new();
        let mut at = 0;
        while at < words.len() {
            if state.len() == places {
                return Err(malformed(at, "more places than the net has"));
            }
            let (number, spelled) = (words[at] >> 1, words[at] & SPELLED != 0);
            at += 1;
            let id = if spelled {
                if number as usize != channel.len() {
                    return Err(malformed(at - 1, "a dictionary number out of sequence"));
                }
                let length = *words.get(at).ok_or(malformed(at, "a missing length"))? as usize;
                let spelled = words
                    .get(at + 1..at + 1 + length)
                    .ok_or(malformed(at, "a length beyond the words"))?;
                at += 1 + length;
                let id = self.intern(state.len(), &decode_multiset(spelled)?)?;
                channel.push(id);
                id
            } else {
                *channel
                    .get(number as usize)
                    .ok_or(malformed(at - 1, "a dictionary number never defined"))?
            };
            state.push(id);
        }
        if state.len() != places {
            return Err(malformed(at, "fewer places than the net has"));
        }
        Ok(Cow::Owned(state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesphr_engine::explore::StateBuf;
    use sesphr_engine::load::load_net;
    use sesphr_engine::net::functions::NoFunctions;
    use std::path::Path;

    fn philosophers() -> sesphr_engine::net::model::Net {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../nets/examples/philosophers-mcc.yaml");
        load_net(&path, &[], &NoFunctions).unwrap()
    }

    #[test]
    fn states_cross_between_spaces_that_intern_in_different_orders() {
        let net = philosophers();
        let (a, b) = (ColouredSpace::new(&net), ColouredSpace::new(&net));
        // a has interned two levels, b only the initial marking: their ids differ.
        let initial = a.initial().unwrap();
        let mut next = StateBuf::new();
        a.successors(&initial, &mut next).unwrap();
        let mut later = StateBuf::new();
        a.successors(next.iter().next().unwrap(), &mut later)
            .unwrap();
        b.initial().unwrap();
        let (mut from_a, mut to_b) = (a.channels(0, 2), b.channels(1, 2));
        let mut first_words = 0;
        for state in next.iter().chain(later.iter()) {
            let mut words = Vec::new();
            a.send(&mut from_a, 1, state, &mut words).unwrap();
            first_words = first_words.max(words.len());
            let received = b.receive(&mut to_b, 0, &words).unwrap();
            assert_eq!(b.decode(&received).unwrap(), a.decode(state).unwrap());
            assert_eq!(
                b.owner_hash(&mut b.channels(1, 2), &received).unwrap(),
                a.owner_hash(&mut a.channels(0, 2), state).unwrap()
            );
        }
        // Sent again, a state is named by its dictionary numbers: one word a place.
        let state = next.iter().next().unwrap();
        let mut words = Vec::new();
        a.send(&mut from_a, 1, state, &mut words).unwrap();
        assert_eq!(words.len(), net.places.len());
        assert!(first_words > words.len());
        assert_eq!(
            b.receive(&mut to_b, 0, &words).unwrap().len(),
            net.places.len()
        );
        // Spelled out, it needs no channel.
        let spelled = a.spell(state).unwrap();
        assert_eq!(
            b.decode(&b.read_spelled(&spelled).unwrap()).unwrap(),
            a.decode(state).unwrap()
        );
    }

    #[test]
    fn words_out_of_order_or_cut_are_refused() {
        let net = philosophers();
        let (a, b) = (ColouredSpace::new(&net), ColouredSpace::new(&net));
        let initial = a.initial().unwrap();
        let mut words = Vec::new();
        a.send(&mut a.channels(0, 2), 1, &initial, &mut words)
            .unwrap();
        // A number never defined on a fresh channel.
        assert!(b.receive(&mut b.channels(1, 2), 0, &[7 << 1]).is_err());
        // A cut state.
        assert!(
            b.receive(&mut b.channels(1, 2), 0, &words[..words.len() - 1])
                .is_err()
        );
        // The same definitions twice on one channel: out of sequence.
        let mut to_b = b.channels(1, 2);
        b.receive(&mut to_b, 0, &words).unwrap();
        assert!(b.receive(&mut to_b, 0, &words).is_err());
    }
}
