//! A growable list of encoded states, stored back to back.

/// A list of encoded states in one flat word buffer.
///
/// Spaces push successors here; the explorer reads them back in order.
#[derive(Debug, Default, Clone)]
pub struct StateBuf {
    words: Vec<u32>,
    ends: Vec<usize>,
}

impl StateBuf {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a copy of `state`.
    pub fn push(&mut self, state: &[u32]) {
        super::store::append_words(&mut self.words, state);
        self.ends.push(self.words.len());
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
        if self.ends.pop().is_some() {
            let end = self.ends.last().copied().unwrap_or(0);
            self.words.truncate(end);
        }
    }

    /// The number of states.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is no state.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The `index`-th state, if any.
    pub fn get(&self, index: usize) -> Option<&[u32]> {
        let end = *self.ends.get(index)?;
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        self.words.get(start..end)
    }

    /// The states in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(start, end)| &self.words[start..end])
    }

    /// Bytes allocated.
    pub fn bytes(&self) -> usize {
        self.words.capacity() * 4 + self.ends.capacity() * std::mem::size_of::<usize>()
    }

    /// Removes every state, keeping the allocation.
    pub fn clear(&mut self) {
        self.words.clear();
        self.ends.clear();
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
}
