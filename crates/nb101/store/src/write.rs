//! Laying out and writing the archive: the run permutation (a counting sort by budget, then
//! cell, stable in file order), the per-cell budget lists, the hash and canonical indexes, and
//! the payload streamed section by section with its CRC, into memory or atomically to a file.

use std::io::{self, Seek, SeekFrom, Write};
use std::path::Path;

use tnb_schema::header::{Family, HEADER_LEN, Header};
use tnb_schema::nb101::{Counts, Layout, Sec, bucket, dir_bits};

use crate::build::{BuildError, Builder, Provenance, Summary};
use crate::{Nb101Store, canon};

/// Everything [`Builder::finish`] computes before writing.
struct Plan {
    layout: Layout,
    /// `budgets × (cells + 1)` global run offsets.
    run_offsets: Vec<u32>,
    budget_runs: Vec<u64>,
    budget_offsets: Vec<u32>,
    budget_list: Vec<u8>,
    /// Position in the archive's columns → index of the run in push order.
    perm: Vec<u32>,
    index_rows: Vec<u32>,
    canon: Vec<(u64, u32)>,
}

/// A streaming payload writer: position, CRC-32 and a staging buffer for small elements.
struct Out<'w, W: Write> {
    w: &'w mut W,
    pos: u64,
    crc: crc32fast::Hasher,
    buf: Vec<u8>,
}

impl<W: Write> Out<'_, W> {
    fn flush_buf(&mut self) -> io::Result<()> {
        self.crc.update(&self.buf);
        self.w.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    fn bytes(&mut self, b: &[u8]) -> io::Result<()> {
        self.pos += b.len() as u64;
        self.buf.extend_from_slice(b);
        if self.buf.len() >= 1 << 16 {
            self.flush_buf()?;
        }
        Ok(())
    }

    fn each<const N: usize>(&mut self, it: impl Iterator<Item = [u8; N]>) -> io::Result<()> {
        for x in it {
            self.bytes(&x)?;
        }
        Ok(())
    }

    /// Zero padding up to `at` (a section's start).
    fn pad_to(&mut self, at: u64) -> io::Result<()> {
        if at < self.pos {
            return Err(io::Error::other("internal error: a section overlaps the previous one"));
        }
        let zeros = [0u8; 64];
        while self.pos < at {
            let k = ((at - self.pos) as usize).min(zeros.len());
            self.bytes(&zeros[..k])?;
        }
        Ok(())
    }
}

impl Builder {
    fn plan(&self) -> Result<Plan, BuildError> {
        let cells = self.hashes.len();
        let runs = self.run_cell.len();
        let budgets = self.epochs.len();
        let c1 = cells + 1;
        let too_big = |what: &str| BuildError::Write(format!("the archive's {what} overflow"));
        // Counting sort of the runs by (budget, cell), stable: file order within a group.
        let mut run_offsets = vec![0u32; budgets * c1];
        for (&c, &b) in self.run_cell.iter().zip(&self.run_budget) {
            run_offsets[b as usize * c1 + c as usize + 1] += 1;
        }
        let mut acc = 0u32;
        for x in &mut run_offsets {
            acc = acc.checked_add(*x).ok_or_else(|| too_big("runs"))?;
            *x = acc;
        }
        // Group (b, c) was counted at index `b * c1 + c + 1`, so the running sum at
        // `b * c1 + c` counts exactly the groups before it: its start. Index `b * c1 + cells`
        // is then budget b's end, and index `b * c1` its start.
        let mut cursor = run_offsets.clone();
        let mut perm = vec![0u32; runs];
        for (i, (&c, &b)) in self.run_cell.iter().zip(&self.run_budget).enumerate() {
            let k = &mut cursor[b as usize * c1 + c as usize];
            perm[*k as usize] = i as u32;
            *k += 1;
        }
        drop(cursor);
        let budget_runs: Vec<u64> = (0..=budgets)
            .map(|b| if b == budgets { runs as u64 } else { u64::from(run_offsets[b * c1]) })
            .collect();
        // Per-cell budget lists, first-appearance order (a stable counting sort by cell).
        let mut budget_offsets = vec![0u32; c1];
        for &(c, _) in &self.firsts {
            budget_offsets[c as usize + 1] += 1;
        }
        for i in 1..c1 {
            budget_offsets[i] += budget_offsets[i - 1];
        }
        let mut fill = budget_offsets.clone();
        let mut budget_list = vec![0u8; self.firsts.len()];
        for &(c, b) in &self.firsts {
            budget_list[fill[c as usize] as usize] = b;
            fill[c as usize] += 1;
        }
        let mut index_rows: Vec<u32> = (0..cells as u32).collect();
        index_rows.sort_unstable_by_key(|&r| self.hashes[r as usize]);
        let canon = self.canonical_index();
        let counts = Counts {
            cells: cells as u64,
            runs: runs as u64,
            budgets: budgets as u64,
            op_strings: self.labels.len() as u64,
            op_bytes: self.label_bytes,
            op_items: self.ops.len() as u64,
            budget_items: budget_list.len() as u64,
            canon: canon.len() as u64,
        };
        counts.check_limits().map_err(BuildError::Write)?;
        let layout = Layout::for_counts(counts).ok_or_else(|| too_big("sizes"))?;
        Ok(Plan {
            layout,
            run_offsets,
            budget_runs,
            budget_offsets,
            budget_list,
            perm,
            index_rows,
            canon,
        })
    }

    /// `(canonical key, row)` of every cell whose stored hash is `hash_module` of its pruned
    /// graph, sorted by key (keys are unique: equal keys mean isomorphic graphs, so equal
    /// hashes, so one cell). Two threads: this is the build's most expensive step.
    fn canonical_index(&self) -> Vec<(u64, u32)> {
        let mut out = canon::entries(self.hashes.len(), |row| {
            let (s, e) = (self.ops_offsets[row] as usize, self.ops_offsets[row + 1] as usize);
            let ops = self.ops[s..e].iter().map(|&id| self.labels[id as usize].as_str());
            canon::key(self.vertices[row], self.adjacency[row], ops, &self.hashes[row])
        });
        // Unique by construction; should a key repeat (it cannot), the first row keeps it.
        out.dedup_by_key(|x| x.0);
        out
    }

    fn write_payload<W: Write>(&self, p: &Plan, w: &mut W) -> io::Result<u32> {
        let mut o =
            Out { w, pos: 0, crc: crc32fast::Hasher::new(), buf: Vec::with_capacity(1 << 17) };
        o.bytes(&p.layout.encode_head())?;
        for s in Sec::ALL {
            o.pad_to(p.layout.range(s).start)?;
            match s {
                Sec::ValidEpochs => o.each(self.epochs.iter().map(|e| e.to_le_bytes()))?,
                Sec::BudgetRuns => o.each(p.budget_runs.iter().map(|e| e.to_le_bytes()))?,
                Sec::OpOffsets => {
                    let mut at = 0u32;
                    o.bytes(&at.to_le_bytes())?;
                    for l in &self.labels {
                        at += l.len() as u32;
                        o.bytes(&at.to_le_bytes())?;
                    }
                }
                Sec::OpBytes => {
                    for l in &self.labels {
                        o.bytes(l.as_bytes())?;
                    }
                }
                Sec::Hashes => o.each(self.hashes.iter().copied())?,
                Sec::Vertices => o.bytes(&self.vertices)?,
                Sec::Adjacency => o.each(self.adjacency.iter().map(|x| x.to_le_bytes()))?,
                Sec::TrainableParameters => o.each(self.params.iter().map(|x| x.to_le_bytes()))?,
                Sec::OpsOffsets => o.each(self.ops_offsets.iter().map(|x| x.to_le_bytes()))?,
                Sec::Ops => o.each(self.ops.iter().map(|x| x.to_le_bytes()))?,
                Sec::BudgetOffsets => o.each(p.budget_offsets.iter().map(|x| x.to_le_bytes()))?,
                Sec::BudgetList => o.bytes(&p.budget_list)?,
                Sec::RunOffsets => o.each(p.run_offsets.iter().map(|x| x.to_le_bytes()))?,
                Sec::IndexBuckets => {
                    // index_buckets[j] = the first sorted hash whose bucket is j or more.
                    let bits = dir_bits(self.hashes.len() as u64);
                    let mut k = 0usize;
                    for j in 0..=(1usize << bits) {
                        while k < p.index_rows.len()
                            && bucket(&self.hashes[p.index_rows[k] as usize], bits) < j
                        {
                            k += 1;
                        }
                        o.bytes(&(k as u32).to_le_bytes())?;
                    }
                }
                Sec::IndexHashes => {
                    o.each(p.index_rows.iter().map(|&r| self.hashes[r as usize]))?
                }
                Sec::IndexRows => o.each(p.index_rows.iter().map(|x| x.to_le_bytes()))?,
                Sec::CanonKeys => o.each(p.canon.iter().map(|x| x.0.to_le_bytes()))?,
                Sec::CanonRows => o.each(p.canon.iter().map(|x| x.1.to_le_bytes()))?,
                _ => {
                    let col = &self.metrics[s as usize - Sec::FIRST_METRIC];
                    o.each(p.perm.iter().map(|&i| col[i as usize].to_le_bytes()))?
                }
            }
            if o.pos != p.layout.range(s).end {
                return Err(io::Error::other(format!(
                    "internal error: section {} is not the length its counts give",
                    s.name()
                )));
            }
        }
        o.flush_buf()?;
        Ok(o.crc.finalize())
    }

    fn header(p: &Plan, crc: u32, prov: &Provenance) -> Header {
        Header::new_family(
            Family::Nb101,
            p.layout.payload_len(),
            crc,
            prov.source_size,
            prov.source_sha256,
            &prov.converter,
        )
    }

    fn summary(&self, p: &Plan) -> Summary {
        Summary {
            records: self.run_cell.len() as u64,
            cells: self.hashes.len() as u64,
            valid_epochs: self.epochs.clone(),
            canonical: p.canon.len() as u64,
            bytes: HEADER_LEN as u64 + p.layout.payload_len(),
        }
    }

    /// Lays out the archive and returns its bytes (header and payload). Zero records give a
    /// valid, empty archive (no cells, no budgets), as the official loader gives an empty
    /// benchmark for an empty file.
    pub fn finish(self, prov: &Provenance) -> Result<Vec<u8>, BuildError> {
        let p = self.plan()?;
        let total = HEADER_LEN as u64 + p.layout.payload_len();
        let mut v = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
        v.resize(HEADER_LEN, 0);
        let crc = self.write_payload(&p, &mut v).map_err(|e| BuildError::Write(e.to_string()))?;
        v[..HEADER_LEN].copy_from_slice(&Builder::header(&p, crc, prov).encode());
        Ok(v)
    }

    /// Lays out the archive and writes it to `dst`, replacing it atomically
    /// (`tnb_mapped::replace`: a temporary file of its own, synced, opened and checksummed by
    /// [`Nb101Store`], renamed; on any failure `dst` is untouched and no temporary file is
    /// left). The builder's memory is released before the written file is checked.
    pub fn write_file(self, dst: &Path, prov: &Provenance) -> Result<Summary, BuildError> {
        let accept = |path: &Path| -> Result<(), String> {
            let s = Nb101Store::open(path).map_err(|e| e.to_string())?;
            s.verify_checksum().map_err(|e| e.to_string())
        };
        let (summary, _) = tnb_mapped::replace::replace(dst, &accept, move |f| {
            let p = self.plan()?;
            let io = |e: io::Error| BuildError::Write(format!("writing {}: {e}", dst.display()));
            let crc = {
                let mut w = io::BufWriter::with_capacity(1 << 20, &mut *f);
                w.write_all(&[0u8; HEADER_LEN]).map_err(io)?;
                let crc = self.write_payload(&p, &mut w).map_err(io)?;
                w.flush().map_err(io)?;
                crc
            };
            f.seek(SeekFrom::Start(0)).map_err(io)?;
            f.write_all(&Builder::header(&p, crc, prov).encode()).map_err(io)?;
            Ok::<_, BuildError>(self.summary(&p))
        })?;
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records the length of every `write` call.
    struct Calls(Vec<usize>, Vec<u8>);

    impl Write for Calls {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.push(b.len());
            self.1.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn small_elements_reach_the_writer_in_staged_blocks() {
        // The staging buffer is why a payload of millions of 4- and 8-byte elements costs a
        // few hundred writes (and CRC updates), not one per element.
        let mut w = Calls(Vec::new(), Vec::new());
        let mut o = Out { w: &mut w, pos: 0, crc: crc32fast::Hasher::new(), buf: Vec::new() };
        o.each((0..50_000u32).map(u32::to_le_bytes)).unwrap();
        o.pad_to(200_003).unwrap();
        o.flush_buf().unwrap();
        let crc = o.crc.finalize();
        assert_eq!(o.pos, 200_003);
        let (calls, bytes) = (w.0, w.1);
        assert_eq!(bytes.len(), 200_003);
        assert_eq!(&bytes[8..12], &2u32.to_le_bytes());
        assert!(bytes[200_000..].iter().all(|&b| b == 0));
        assert_eq!(crc, crc32fast::hash(&bytes));
        // Every block but the last holds at least 64 KiB.
        assert!(calls.len() >= 2 && calls.len() <= 4, "{calls:?}");
        assert!(calls[..calls.len() - 1].iter().all(|&n| n >= 1 << 16), "{calls:?}");
        // Padding cannot go back.
        let mut sink = Vec::new();
        let mut o = Out { w: &mut sink, pos: 10, crc: crc32fast::Hasher::new(), buf: Vec::new() };
        assert!(o.pad_to(9).is_err());
        assert!(o.pad_to(10).is_ok() && o.buf.is_empty());
    }
}
