//! A growable list of encoded states, stored back to back.

/// A list of encoded states in one flat word buffer.
///
/// Spaces push successors here; the explorer reads them back in order. While
/// every state has the same width (a P/T net's markings, a frontier of them),
/// a state's place follows from its index and no end offsets are kept.
#[derive(Debug, Clone)]
pub struct StateBuf {
    words: Vec<u32>,
    /// End offsets of the states, kept only once two widths differ.
    ends: Vec<usize>,
    len: usize,
    shape: Shape,
    /// The label of each state, for spaces that label their successors
    /// ([`StateBuf::push_labelled`]); empty otherwise.
    labels: Vec<u32>,
}

/// Whether the states of a [`StateBuf`] share one width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Every state has this many words (any width while the buffer is empty).
    Uniform(usize),
    /// Widths differ: `ends` holds every state's end offset.
    Mixed,
}

impl Default for StateBuf {
    fn default() -> Self {
        StateBuf {
            words: Vec::new(),
            ends: Vec::new(),
            len: 0,
            shape: Shape::Uniform(0),
            labels: Vec::new(),
        }
    }
}

impl StateBuf {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a copy of `state`.
    pub fn push(&mut self, state: &[u32]) {
        match self.shape {
            _ if self.len == 0 => self.shape = Shape::Uniform(state.len()),
            Shape::Uniform(width) if width == state.len() => {}
            Shape::Uniform(width) => {
                self.ends = (1..=self.len).map(|i| i * width).collect();
                self.shape = Shape::Mixed;
            }
            Shape::Mixed => {}
        }
        super::store::append_words(&mut self.words, state);
        if self.shape == Shape::Mixed {
            self.ends.push(self.words.len());
        }
        self.len += 1;
    }

    /// Appends a copy of `state` with a label (a coloured net's successor
    /// with the number of the transition that leads to it). A buffer's
    /// states are all labelled or none is.
    pub fn push_labelled(&mut self, state: &[u32], label: u32) {
        self.push(state);
        self.labels.push(label);
    }

    /// The labels of the states, in order: empty unless every state was
    /// pushed with [`StateBuf::push_labelled`].
    pub fn labels(&self) -> &[u32] {
        if self.labels.len() == self.len {
            &self.labels
        } else {
            &[]
        }
    }

    /// Appends a copy of `state` and returns it for in-place modification, the
    /// cheap way to build a successor that differs from its parent in a few words.
    pub fn push_copy(&mut self, state: &[u32]) -> &mut [u32] {
        let start = self.words.len();
        self.push(state);
        &mut self.words[start..]
    }

    /// Removes the last state, e.g. when building it failed half-way.
    pub fn pop(&mut self) {
        if self.len == 0 {
            return;
        }
        self.len -= 1;
        self.labels.truncate(self.len);
        let end = match self.shape {
            Shape::Uniform(width) => self.len * width,
            Shape::Mixed => {
                self.ends.pop();
                self.ends.last().copied().unwrap_or(0)
            }
        };
        self.words.truncate(end);
    }

    /// The number of states.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is no state.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `index`-th state, if any.
    pub fn get(&self, index: usize) -> Option<&[u32]> {
        if index >= self.len {
            return None;
        }
        match self.shape {
            Shape::Uniform(width) => self.words.get(index * width..(index + 1) * width),
            Shape::Mixed => {
                let start = if index == 0 { 0 } else { self.ends[index - 1] };
                self.words.get(start..self.ends[index])
            }
        }
    }

    /// The states in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        (0..self.len).filter_map(|i| self.get(i))
    }

    /// Bytes allocated.
    pub fn bytes(&self) -> usize {
        self.words.capacity() * 4
            + self.ends.capacity() * std::mem::size_of::<usize>()
            + self.labels.capacity() * 4
    }

    /// Removes every state, keeping the allocation.
    pub fn clear(&mut self) {
        self.words.clear();
        self.ends.clear();
        self.labels.clear();
        self.len = 0;
        self.shape = Shape::Uniform(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_get_pop_roundtrip() {
        let mut buf = StateBuf::new();
        buf.push(&[1, 2]);
        buf.push_copy(&[3])[0] = 9;
        buf.push(&[]);
        assert_eq!(buf.len(), 3);
        assert_eq!(buf.get(1), Some(&[9][..]));
        assert_eq!(buf.iter().collect::<Vec<_>>(), vec![&[1, 2][..], &[9], &[]]);
        buf.pop();
        buf.pop();
        assert_eq!(buf.iter().collect::<Vec<_>>(), vec![&[1, 2][..]]);
        buf.clear();
        assert!(buf.is_empty());
        assert_eq!(buf.get(0), None);
    }

    #[test]
    fn labels_are_kept_only_when_every_state_has_one() {
        let mut buf = StateBuf::new();
        buf.push_labelled(&[1], 4);
        buf.push_labelled(&[2, 3], 0);
        assert_eq!(buf.labels(), &[4, 0]);
        buf.pop();
        assert_eq!(buf.labels(), &[4]);
        buf.push(&[5]);
        assert_eq!(buf.labels(), &[] as &[u32]);
        buf.clear();
        buf.push_labelled(&[6], 2);
        assert_eq!((buf.len(), buf.labels()), (1, &[2][..]));
    }

    #[test]
    fn uniform_states_keep_no_offsets_until_a_width_differs() {
        let mut buf = StateBuf::new();
        for i in 0..100u32 {
            buf.push(&[i, i + 1]);
        }
        assert_eq!(buf.ends.capacity(), 0);
        assert_eq!(buf.get(57), Some(&[57, 58][..]));
        buf.pop();
        assert_eq!((buf.len(), buf.get(99)), (99, None));
        buf.push(&[7]);
        buf.push(&[]);
        assert_eq!(buf.len(), 101);
        assert_eq!(buf.get(98), Some(&[98, 99][..]));
        assert_eq!(buf.get(99), Some(&[7][..]));
        assert_eq!(buf.get(100), Some(&[][..]));
        buf.pop();
        buf.pop();
        assert_eq!(buf.iter().nth(98), Some(&[98, 99][..]));
        assert_eq!(buf.iter().count(), 99);
        // Empty states only: a uniform width of zero.
        let mut empty = StateBuf::new();
        empty.push(&[]);
        empty.push(&[]);
        assert_eq!((empty.len(), empty.get(1)), (2, Some(&[][..])));
        empty.clear();
        empty.push(&[4, 5, 6]);
        assert_eq!(empty.get(0), Some(&[4, 5, 6][..]));
    }
}
