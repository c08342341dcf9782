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

/// Rows of a fixed number of words, in pages of whole rows (no row
/// straddles two pages, so each reads as one slice).
#[derive(Debug)]
pub struct PagedRows {
    width: usize,
    /// Rows per page.
    per_page: usize,
    pages: Vec<Vec<u32>>,
    len: usize,
}

impl PagedRows {
    /// An empty list of rows of `width` words.
    pub fn new(width: usize) -> Self {
        PagedRows {
            width,
            per_page: (PAGE / width.max(1)).max(1),
            pages: Vec::new(),
            len: 0,
        }
    }

    /// Appends `row` (of the list's width).
    pub fn push(&mut self, row: &[u32]) {
        debug_assert_eq!(row.len(), self.width);
        if self.len.is_multiple_of(self.per_page) {
            // As in `PagedVec`: the first page grows, the others are whole.
            let page = if self.pages.is_empty() {
                Vec::new()
            } else {
                Vec::with_capacity(self.per_page * self.width)
            };
            self.pages.push(page);
        }
        if let Some(page) = self.pages.last_mut() {
            super::append_words(page, row);
        }
        self.len += 1;
    }

    /// The row at `index`; panics beyond the end, like a slice.
    pub fn get(&self, index: usize) -> &[u32] {
        let start = (index % self.per_page) * self.width;
        &self.pages[index / self.per_page][start..start + self.width]
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
    fn rows_never_straddle_pages() {
        for width in [0, 1, 3, 32, PAGE + 1] {
            let mut rows = PagedRows::new(width);
            let row = |i: usize| -> Vec<u32> { (0..width).map(|k| (i * 7 + k) as u32).collect() };
            let count = 3 * rows.per_page + 2;
            for i in 0..count {
                rows.push(&row(i));
            }
            assert_eq!(rows.len, count);
            for i in 0..count {
                assert_eq!(rows.get(i), &row(i)[..], "width {width}, row {i}");
            }
            // Whole pages only: at most one partly filled.
            assert!(rows.bytes() <= (rows.pages.len() * rows.per_page * width) * 4 + 4096);
        }
    }

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
