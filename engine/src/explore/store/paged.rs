//! A list grown page by page instead of by doubling.
//!
//! A `Vec` that doubles holds up to twice what it stores, and copies itself
//! at each doubling (both copies live for a moment). The visited set's
//! per-state columns (parent links, slots) are the largest of its lists, so
//! they are kept in fixed pages: the slack is at most one page, and nothing
//! beyond the first page is ever copied.

/// Entries per page: 16 KiB of `u32`s.
const PAGE: usize = 4096;

/// A list of `u32` stored in pages of [`PAGE`] entries.
#[derive(Debug, Default)]
pub struct PagedVec {
    pages: Vec<Vec<u32>>,
    len: usize,
}

impl PagedVec {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Appends `value`.
    pub fn push(&mut self, value: u32) {
        if self.len.is_multiple_of(PAGE) {
            // The first page grows as a `Vec` does (small lists stay small);
            // the others are allocated whole.
            let page = if self.pages.is_empty() {
                Vec::new()
            } else {
                Vec::with_capacity(PAGE)
            };
            self.pages.push(page);
        }
        if let Some(page) = self.pages.last_mut() {
            page.push(value);
        }
        self.len += 1;
    }

    /// The entry at `index`; panics beyond the end, like a slice.
    pub fn get(&self, index: usize) -> u32 {
        self.pages[index / PAGE][index % PAGE]
    }

    /// Every entry, in order, for rewriting in place.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut u32> {
        self.pages.iter_mut().flatten()
    }

    /// Every entry, in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.pages.iter().flatten().copied()
    }

    /// Bytes allocated.
    pub fn bytes(&self) -> usize {
        self.pages.iter().map(Vec::capacity).sum::<usize>() * 4
            + self.pages.capacity() * std::mem::size_of::<Vec<u32>>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_the_entries_in_order() {
        let mut list = PagedVec::new();
        assert_eq!((list.len(), list.bytes()), (0, 0));
        list.push(1);
        assert!(list.bytes() < 1024, "a short list takes little room");
        list = PagedVec::new();
        for i in 0..(2 * PAGE + 5) as u32 {
            list.push(i * 3);
        }
        assert_eq!(list.len(), 2 * PAGE + 5);
        assert_eq!(list.get(0), 0);
        assert_eq!(list.get(PAGE), PAGE as u32 * 3);
        assert_eq!(list.get(2 * PAGE + 4), (2 * PAGE + 4) as u32 * 3);
        assert!(list.iter().enumerate().all(|(i, v)| v == i as u32 * 3));
        for v in list.iter_mut() {
            *v += 1;
        }
        assert_eq!(list.get(PAGE + 1), (PAGE as u32 + 1) * 3 + 1);
        // Three pages, never more than one partly empty.
        assert!(list.bytes() >= 3 * PAGE * 4 && list.bytes() < 4 * PAGE * 4);
    }
}
