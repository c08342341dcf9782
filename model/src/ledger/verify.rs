//! Reading and checking a ledger file.

use std::path::Path;

use super::block::{Block, Hash, Head, Line, merkle_root};
use crate::error::{Error, Result, TamperReason, io_error};

/// What a ledger file holds: the blocks that verified, and the first fault.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// The blocks before the first fault (all of them when intact).
    pub blocks: Vec<Block>,
    /// The first bad block's index and what is wrong, if any.
    pub fault: Option<(u64, TamperReason)>,
    /// Byte offset where the head line starts (where the next block goes).
    pub(crate) head_offset: u64,
}

impl Inspection {
    /// The blocks, or [`Error::LedgerTampered`] naming the first bad block.
    pub fn into_verified(self) -> Result<Vec<Block>> {
        match self.fault {
            None => Ok(self.blocks),
            Some((block, reason)) => Err(Error::LedgerTampered { block, reason }),
        }
    }
}

/// Read a ledger file and check every line. I/O errors (a missing file) are
/// errors; faults in the content are reported in the [`Inspection`].
pub fn inspect(path: &Path) -> Result<Inspection> {
    let bytes = std::fs::read(path).map_err(io_error(path))?;
    Ok(inspect_bytes(&bytes))
}

/// Check the content of a ledger file.
pub fn inspect_bytes(bytes: &[u8]) -> Inspection {
    let mut blocks = Vec::new();
    let mut prev = Hash::ZERO;
    let mut offset = 0u64;
    let mut rest = bytes;
    let fail = |blocks: Vec<Block>, at: u64, reason| Inspection {
        blocks,
        fault: Some((at, reason)),
        head_offset: 0,
    };
    loop {
        let index = blocks.len() as u64;
        if rest.is_empty() {
            return fail(blocks, index, TamperReason::MissingHead);
        }
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            return fail(blocks, index, TamperReason::MissingHead);
        };
        let raw = &rest[..=end];
        let line: Line = match serde_json::from_slice(&raw[..end]) {
            Ok(line) => line,
            Err(e) => return fail(blocks, index, TamperReason::BadEncoding(e.to_string())),
        };
        if line.to_line() != raw {
            let why = "not in canonical form".to_owned();
            return fail(blocks, index, TamperReason::BadEncoding(why));
        }
        match line {
            Line::Block(block) => {
                if let Err(reason) = check_block(&block, index, &prev) {
                    return fail(blocks, index, reason);
                }
                prev = block.hash;
                blocks.push(block);
            }
            Line::Head(head) => {
                if head
                    != (Head {
                        blocks: index,
                        last: prev,
                    })
                {
                    return fail(blocks, index, TamperReason::HeadMismatch);
                }
                if end + 1 != rest.len() {
                    return fail(blocks, index, TamperReason::TrailingData);
                }
                return Inspection {
                    blocks,
                    fault: None,
                    head_offset: offset,
                };
            }
        }
        offset += raw.len() as u64;
        rest = &rest[end + 1..];
    }
}

fn check_block(block: &Block, index: u64, prev: &Hash) -> Result<(), TamperReason> {
    if block.seq != index {
        return Err(TamperReason::SequenceMismatch {
            expected: index,
            found: block.seq,
        });
    }
    if &block.prev != prev {
        return Err(TamperReason::PrevHashMismatch);
    }
    if merkle_root(&block.records) != block.merkle_root {
        return Err(TamperReason::MerkleRootMismatch);
    }
    if block.computed_hash() != block.hash {
        return Err(TamperReason::HashMismatch);
    }
    Ok(())
}
