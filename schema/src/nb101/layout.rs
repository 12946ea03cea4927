//! The payload's head and section table: where every section lies, computed from the counts
//! ([`Layout::for_counts`]) by the writer and checked against the stored table by the reader
//! ([`Layout::decode`]).

use std::ops::Range;

use super::{
    ENTRY_LEN, HEAD_LEN, HEAD_MAGIC, MAX_BUDGETS, MAX_CELLS, MAX_OP_BYTES, MAX_OP_ITEMS,
    MAX_OP_STRINGS, MAX_RUN_OFFSETS, MAX_RUNS, SECTION_ALIGN, SECTIONS, Sec,
};

/// The head's counts (payload bytes 16..80, u64 each, in this order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Cells (distinct hashes).
    pub cells: u64,
    /// Runs (records).
    pub runs: u64,
    /// Distinct epoch budgets.
    pub budgets: u64,
    /// Distinct operation labels.
    pub op_strings: u64,
    /// Total UTF-8 bytes of the labels.
    pub op_bytes: u64,
    /// Operations over all cells.
    pub op_items: u64,
    /// Budgets over all cells (each cell's distinct budgets).
    pub budget_items: u64,
    /// Canonical index entries.
    pub canon: u64,
}

impl Counts {
    /// The counts in head order, with their names (for messages).
    pub fn named(&self) -> [(&'static str, u64); 8] {
        [
            ("cells", self.cells),
            ("runs", self.runs),
            ("budgets", self.budgets),
            ("op_strings", self.op_strings),
            ("op_bytes", self.op_bytes),
            ("op_items", self.op_items),
            ("budget_items", self.budget_items),
            ("canon", self.canon),
        ]
    }

    /// The first count above its limit, as a one-line reason.
    pub fn check_limits(&self) -> Result<(), String> {
        let over = |what: &str, n: u64, max: u64| {
            (n > max).then(|| format!("the archive claims {n} {what}, more than the {max} allowed"))
        };
        let e = over("cells", self.cells, MAX_CELLS)
            .or_else(|| over("runs", self.runs, MAX_RUNS))
            .or_else(|| over("budgets", self.budgets, MAX_BUDGETS))
            .or_else(|| over("operation labels", self.op_strings, MAX_OP_STRINGS))
            .or_else(|| over("bytes of operation labels", self.op_bytes, MAX_OP_BYTES))
            .or_else(|| over("operations", self.op_items, MAX_OP_ITEMS))
            .or_else(|| {
                // Each cell lists each budget at most once; the budget offsets are u32.
                let max = self.cells.saturating_mul(self.budgets).min(u32::MAX as u64);
                over("cell budgets", self.budget_items, max)
            })
            .or_else(|| {
                let offsets = self.budgets.saturating_mul(self.cells.saturating_add(1));
                over("run offsets (budgets x (cells + 1))", offsets, MAX_RUN_OFFSETS)
            })
            .or_else(|| over("canonical index entries", self.canon, self.cells))
            .or_else(|| over("cells", self.cells, self.runs));
        e.map_or(Ok(()), Err)
    }
}

/// Where every section lies in the payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The counts.
    pub counts: Counts,
    /// Byte range of each section in the payload, in [`Sec::ALL`] order.
    pub sections: [Range<u64>; SECTIONS],
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

impl Layout {
    /// The layout of a payload with these counts: the sections in order after the head and
    /// table, each at the next multiple of [`SECTION_ALIGN`]. `None` when a size overflows.
    pub fn for_counts(counts: Counts) -> Option<Layout> {
        let mut at = (HEAD_LEN + SECTIONS * ENTRY_LEN) as u64;
        let mut sections: [Range<u64>; SECTIONS] = std::array::from_fn(|_| 0..0);
        for s in Sec::ALL {
            let start = at.checked_next_multiple_of(SECTION_ALIGN)?;
            let len = s.elems(&counts)?.checked_mul(s.elem_size())?;
            let end = start.checked_add(len)?;
            sections[s as usize] = start..end;
            at = end;
        }
        Some(Layout { counts, sections })
    }

    /// The payload's length (the last section's end).
    pub fn payload_len(&self) -> u64 {
        self.sections[SECTIONS - 1].end
    }

    /// The byte range of section `s`.
    pub fn range(&self, s: Sec) -> Range<u64> {
        self.sections[s as usize].clone()
    }

    /// The head and table bytes (the payload's first `HEAD_LEN + SECTIONS × ENTRY_LEN`).
    pub fn encode_head(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(HEAD_LEN + SECTIONS * ENTRY_LEN);
        b.extend_from_slice(&HEAD_MAGIC);
        b.extend_from_slice(&(SECTIONS as u32).to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        for (_, n) in self.counts.named() {
            b.extend_from_slice(&n.to_le_bytes());
        }
        for r in &self.sections {
            b.extend_from_slice(&r.start.to_le_bytes());
            b.extend_from_slice(&(r.end - r.start).to_le_bytes());
        }
        b
    }

    /// Decodes and checks the head and table of `payload`: the magic, the section count, the
    /// reserved word, each count against its limit, and every table entry against the layout
    /// the counts give, which must end exactly at the payload's end. Constant time. `Err` is a
    /// one-line reason.
    pub fn decode(payload: &[u8]) -> Result<Layout, String> {
        let n = payload.len();
        let table_end = HEAD_LEN + SECTIONS * ENTRY_LEN;
        if n < table_end {
            return Err(format!(
                "the payload is {n} bytes, shorter than its {table_end}-byte head and section table"
            ));
        }
        if payload[..8] != HEAD_MAGIC {
            return Err("the payload head's magic bytes are wrong".into());
        }
        let mut w = [0u8; 4];
        w.copy_from_slice(&payload[8..12]);
        let sections = u32::from_le_bytes(w);
        w.copy_from_slice(&payload[12..16]);
        let reserved = u32::from_le_bytes(w);
        if sections as usize != SECTIONS || reserved != 0 {
            return Err(format!(
                "the payload head names {sections} sections (reserved word {reserved:#x}); this \
                 format has {SECTIONS} (reserved 0)"
            ));
        }
        let c = |i: usize| u64_at(payload, 16 + 8 * i);
        let counts = Counts {
            cells: c(0),
            runs: c(1),
            budgets: c(2),
            op_strings: c(3),
            op_bytes: c(4),
            op_items: c(5),
            budget_items: c(6),
            canon: c(7),
        };
        counts.check_limits()?;
        let want = Layout::for_counts(counts)
            .ok_or_else(|| "the payload head's counts overflow a section's size".to_string())?;
        for s in Sec::ALL {
            let at = HEAD_LEN + ENTRY_LEN * s as usize;
            let (off, len) = (u64_at(payload, at), u64_at(payload, at + 8));
            let r = want.range(s);
            if off != r.start || len != r.end - r.start {
                return Err(format!(
                    "section {} is at {off} with {len} bytes; its counts place it at {} with {}",
                    s.name(),
                    r.start,
                    r.end - r.start
                ));
            }
        }
        if want.payload_len() != n as u64 {
            return Err(format!(
                "the sections end at {} but the payload is {n} bytes",
                want.payload_len()
            ));
        }
        Ok(want)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts() -> Counts {
        Counts {
            cells: 3,
            runs: 7,
            budgets: 2,
            op_strings: 5,
            op_bytes: 61,
            op_items: 15,
            budget_items: 5,
            canon: 2,
        }
    }

    fn payload(c: Counts) -> Vec<u8> {
        let l = Layout::for_counts(c).unwrap();
        let mut p = l.encode_head();
        p.resize(l.payload_len() as usize, 0);
        p
    }

    #[test]
    fn round_trip_and_alignment() {
        let p = payload(counts());
        let l = Layout::decode(&p).unwrap();
        assert_eq!(l.counts, counts());
        let mut prev = (HEAD_LEN + SECTIONS * ENTRY_LEN) as u64;
        for s in Sec::ALL {
            let r = l.range(s);
            assert_eq!(r.start % SECTION_ALIGN, 0);
            assert!(r.start >= prev && r.start - prev < SECTION_ALIGN);
            prev = r.end;
        }
        assert_eq!(l.range(Sec::RunOffsets).end - l.range(Sec::RunOffsets).start, 2 * 4 * 4);
        let empty = payload(Counts::default());
        assert_eq!(Layout::decode(&empty).unwrap().counts, Counts::default());
    }

    #[test]
    fn every_head_and_table_corruption_is_refused() {
        let p = payload(counts());
        for at in 0..HEAD_LEN + SECTIONS * ENTRY_LEN {
            let mut q = p.clone();
            q[at] ^= 0x01;
            assert!(Layout::decode(&q).is_err(), "flip at {at} accepted");
        }
        assert!(Layout::decode(&p[..100]).unwrap_err().contains("shorter"));
        let mut longer = p.clone();
        longer.push(0);
        assert!(Layout::decode(&longer).unwrap_err().contains("sections end"));
    }

    #[test]
    fn every_limit_is_enforced() {
        let base = Counts { cells: 1, runs: 1, ..Counts::default() };
        let cases: [(Counts, &str); 10] = [
            (Counts { cells: MAX_CELLS + 1, runs: MAX_CELLS + 1, ..base }, "cells"),
            (Counts { runs: MAX_RUNS + 1, ..base }, "runs"),
            (Counts { budgets: MAX_BUDGETS + 1, ..base }, "budgets"),
            (Counts { op_strings: MAX_OP_STRINGS + 1, ..base }, "operation labels"),
            (Counts { op_bytes: MAX_OP_BYTES + 1, ..base }, "bytes of operation labels"),
            (Counts { op_items: MAX_OP_ITEMS + 1, ..base }, "operations"),
            (Counts { budgets: 2, budget_items: 3, ..base }, "cell budgets"),
            (Counts { canon: 2, ..base }, "canonical index entries"),
            (Counts { cells: 1 << 20, runs: 1 << 20, budgets: 128, ..base }, "run offsets"),
            (Counts { cells: 2, ..base }, "2 cells"),
        ];
        for (c, what) in cases {
            let e = c.check_limits().unwrap_err();
            assert!(e.contains(what), "{e}");
        }
        let at_limits = Counts {
            cells: MAX_RUN_OFFSETS / MAX_BUDGETS - 1,
            runs: MAX_RUNS,
            budgets: MAX_BUDGETS,
            op_strings: MAX_OP_STRINGS,
            op_bytes: MAX_OP_BYTES,
            op_items: MAX_OP_ITEMS,
            budget_items: (MAX_RUN_OFFSETS / MAX_BUDGETS - 1) * MAX_BUDGETS,
            canon: MAX_RUN_OFFSETS / MAX_BUDGETS - 1,
        };
        const { assert!(MAX_RUN_OFFSETS / MAX_BUDGETS - 1 <= MAX_CELLS) };
        at_limits.check_limits().unwrap();
        assert!(Layout::for_counts(at_limits).is_some());
    }
}
