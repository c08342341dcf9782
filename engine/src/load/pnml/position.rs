//! The line and column of PNML elements, found without rescanning the text.
//!
//! `roxmltree::Document::text_pos_at` scans the text from its start at every
//! call, so giving every place of a net its position was quadratic in the
//! file's size (a ring of 32,000 places took 51 s to load). Here the line
//! starts are found once, and a column is counted from the last position
//! found when that was earlier on the same line (elements are mostly asked
//! for in document order), else from the line's start.

use std::cell::Cell;

use roxmltree::Node;

use crate::load::source::Pos;

/// Positions in one PNML text (see the module documentation).
pub(super) struct Positions<'input> {
    text: &'input str,
    /// The byte offset where each line starts.
    line_starts: Vec<usize>,
    /// The last offset asked for and its position.
    last: Cell<(usize, Pos)>,
}

impl<'input> Positions<'input> {
    /// Indexes the lines of `text`.
    pub(super) fn new(text: &'input str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Positions {
            text,
            line_starts,
            last: Cell::new((0, Pos { line: 1, col: 1 })),
        }
    }

    /// Where `node` starts.
    pub(super) fn of(&self, node: Node<'_, '_>) -> Pos {
        self.at(node.range().start)
    }

    /// The position of byte `offset` (clamped to the text's end): line and
    /// column from 1, the column counted in characters.
    fn at(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line - 1];
        let (last_offset, last_pos) = self.last.get();
        let (from, col) = if last_pos.line == line && (line_start..=offset).contains(&last_offset) {
            (last_offset, last_pos.col)
        } else {
            (line_start, 1)
        };
        let counted = self.text.get(from..offset).map_or(0, |s| s.chars().count());
        let pos = Pos {
            line,
            col: col + counted,
        };
        self.last.set((offset, pos));
        pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_those_roxmltree_gives_in_any_order() {
        let text = "<a>\n  <b/><c/>\n\t<d>é<e/></d>\n</a>";
        let doc = roxmltree::Document::parse(text).unwrap();
        let positions = Positions::new(text);
        let nodes: Vec<_> = doc.descendants().filter(|n| n.is_element()).collect();
        let expected: Vec<Pos> = nodes
            .iter()
            .map(|n| {
                let p = doc.text_pos_at(n.range().start);
                Pos {
                    line: p.row as usize,
                    col: p.col as usize,
                }
            })
            .collect();
        let forward: Vec<Pos> = nodes.iter().map(|&n| positions.of(n)).collect();
        assert_eq!(forward, expected);
        let backward: Vec<Pos> = nodes.iter().rev().map(|&n| positions.of(n)).collect();
        assert_eq!(backward, expected.into_iter().rev().collect::<Vec<_>>());
    }
}
