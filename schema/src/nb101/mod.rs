//! NAS-Bench-101 (`.tnb` archives whose header names family 4): the payload's section table,
//! its schema text and hash, and the limits every count read from an archive is held to. The
//! byte-level specification is `schema/FORMAT-NB101.md`; `schema/read_nb101.py` is a reader
//! written from it alone.
//!
//! The payload is a fixed 80-byte head (magic, counts), a table of [`SECTIONS`] `(offset,
//! length)` pairs, then the sections: plain little-endian arrays, each at a multiple of
//! [`SECTION_ALIGN`]. Every section's position and length follow from the counts alone
//! ([`Layout::for_counts`]), so a reader checks the whole table against the counts in
//! constant time and then reads any array without further validation of its bounds.

mod layout;

use crate::fnv1a;
pub use layout::{Counts, Layout};

/// Version of the NB101 payload format. Bumped on any change to the head, the table or a
/// section; a reader accepts exactly its own version.
pub const FORMAT_VERSION: u32 = 1;

/// A description of the payload, field by field and section by section, in order. Its hash is
/// written in the header; any change to the layout changes it (and bumps [`FORMAT_VERSION`]).
pub const SCHEMA: &str = "\
NB101{head:{magic:[u8;8]=NB101TBL,sections:u32=26,reserved:u32=0,cells:u64,runs:u64,\
budgets:u64,op_strings:u64,op_bytes:u64,op_items:u64,budget_items:u64,canon:u64},\
table:[{offset:u64,len:u64};26],align=64,pad=zero,\
valid_epochs:[i64;budgets],budget_runs:[u64;budgets+1],op_offsets:[u32;op_strings+1],\
op_bytes:[u8;op_bytes],hashes:[[u8;16];cells],vertices:[u8;cells],adjacency:[u64;cells],\
trainable_parameters:[i32;cells],ops_offsets:[u32;cells+1],ops:[u16;op_items],\
budget_offsets:[u32;cells+1],budget_list:[u8;budget_items],run_offsets:[u32;budgets*(cells+1)],\
index_buckets:[u32;2^bits(cells)+1],index_hashes:[[u8;16];cells],index_rows:[u32;cells],canon_keys:[u64;canon],canon_rows:[u32;canon],\
halfway_training_time:[f64;runs],halfway_train_accuracy:[f64;runs],\
halfway_validation_accuracy:[f64;runs],halfway_test_accuracy:[f64;runs],\
final_training_time:[f64;runs],final_train_accuracy:[f64;runs],\
final_validation_accuracy:[f64;runs],final_test_accuracy:[f64;runs]}\
little_endian;bits(c)=floor(log2(max(c,1)));bucket=top_bits(be64(hash[..8]));canon=tnb-nb101-spec::canonical_key";

/// FNV-1a of [`SCHEMA`], written in every NB101 header.
pub const SCHEMA_HASH: u64 = fnv1a(SCHEMA.as_bytes());

/// The head's first 8 bytes.
pub const HEAD_MAGIC: [u8; 8] = *b"NB101TBL";

/// Length of the head (magic, section count, reserved word, eight counts).
pub const HEAD_LEN: usize = 80;

/// Length of one section table entry (u64 offset, u64 length).
pub const ENTRY_LEN: usize = 16;

/// Every section starts at a multiple of this many bytes of the payload (a cache line: the
/// metric columns' scans start on one, and every element type is aligned).
pub const SECTION_ALIGN: u64 = 64;

/// Largest number of cells (distinct hashes): rows are u32 and the offsets columns have
/// `cells + 1` u32 entries; 2^26 is 158 times the real 423,624.
pub const MAX_CELLS: u64 = 1 << 26;

/// Largest number of runs (records): run offsets are u32.
pub const MAX_RUNS: u64 = u32::MAX as u64;

/// Largest number of distinct epoch budgets: a cell's budget list holds u8 budget indexes.
pub const MAX_BUDGETS: u64 = 256;

/// Largest number of distinct operation labels: a cell's operations are u16 string ids.
pub const MAX_OP_STRINGS: u64 = 1 << 16;

/// Largest total length of the distinct operation labels (UTF-8 bytes): the string table is
/// checked whole at open, so it must stay small (the real files have five labels, 61 bytes).
pub const MAX_OP_BYTES: u64 = 1 << 20;

/// Largest total number of operations over all cells: the operations offsets are u32.
pub const MAX_OP_ITEMS: u64 = u32::MAX as u64;

/// Largest `budgets × (cells + 1)`, the length of `run_offsets` (u32 each, 512 MiB at most):
/// without it, 256 distinct epochs in a file of a million cells would make the archive (and
/// the builder) hold a gigabyte of offsets. The real files need 4 × 423,625.
pub const MAX_RUN_OFFSETS: u64 = 1 << 27;

/// Bits of the hash directory (`index_buckets`) of an archive of `cells` cells:
/// `floor(log2(max(cells, 1)))`, so `2^bits <= max(cells, 1)` buckets of about one or two
/// hashes each (MD5s are uniform), and the directory is at most 4 bytes per cell.
pub const fn dir_bits(cells: u64) -> u32 {
    if cells <= 1 { 0 } else { 63 - cells.leading_zeros() }
}

/// The directory bucket of `hash`: its first `bits` bits (the first 8 bytes read as a
/// big-endian u64, shifted right by `64 - bits`; bucket 0 when `bits` is 0).
pub fn bucket(hash: &[u8; 16], bits: u32) -> usize {
    let mut a = [0u8; 8];
    a.copy_from_slice(&hash[..8]);
    if bits == 0 { 0 } else { (u64::from_be_bytes(a) >> (64 - bits)) as usize }
}

/// The sections, in payload order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Sec {
    /// `i64 × budgets`: the distinct epochs, in first-appearance order over the file.
    ValidEpochs,
    /// `u64 × (budgets + 1)`: budget `b`'s runs are the global runs `budget_runs[b]..[b+1]`.
    BudgetRuns,
    /// `u32 × (op_strings + 1)`: label `s` is `op_bytes[op_offsets[s]..op_offsets[s+1]]`.
    OpOffsets,
    /// `u8 × op_bytes`: the labels' UTF-8 bytes.
    OpBytes,
    /// `[u8; 16] × cells`: each cell's hash, rows in first-appearance order.
    Hashes,
    /// `u8 × cells`: each cell's vertex count `n` (0..=7).
    Vertices,
    /// `u64 × cells`: each cell's adjacency matrix, bit `r*n + c` = entry `(r, c)`.
    Adjacency,
    /// `i32 × cells`: each cell's trainable parameters.
    TrainableParameters,
    /// `u32 × (cells + 1)`: cell `c`'s operations are `ops[ops_offsets[c]..[c+1]]`.
    OpsOffsets,
    /// `u16 × op_items`: operation label ids.
    Ops,
    /// `u32 × (cells + 1)`: cell `c`'s budgets are `budget_list[budget_offsets[c]..[c+1]]`.
    BudgetOffsets,
    /// `u8 × budget_items`: budget indexes, per cell in first-appearance order.
    BudgetList,
    /// `u32 × budgets × (cells + 1)`: budget `b`, cell `c`: runs `[b*(cells+1)+c]..[..+1]`.
    RunOffsets,
    /// `u32 × (2^bits + 1)`: the sorted hashes whose first `bits` bits are `j` are
    /// `index_hashes[index_buckets[j]..index_buckets[j+1]]` ([`dir_bits`], [`bucket`]).
    IndexBuckets,
    /// `[u8; 16] × cells`: the hashes sorted ascending (bytewise).
    IndexHashes,
    /// `u32 × cells`: the row of each sorted hash.
    IndexRows,
    /// `u64 × canon`: canonical keys, strictly ascending.
    CanonKeys,
    /// `u32 × canon`: the row of each canonical key.
    CanonRows,
    /// `f64 × runs`: `halfway_training_time`.
    HalfwayTrainingTime,
    /// `f64 × runs`: `halfway_train_accuracy`.
    HalfwayTrainAccuracy,
    /// `f64 × runs`: `halfway_validation_accuracy`.
    HalfwayValidationAccuracy,
    /// `f64 × runs`: `halfway_test_accuracy`.
    HalfwayTestAccuracy,
    /// `f64 × runs`: `final_training_time`.
    FinalTrainingTime,
    /// `f64 × runs`: `final_train_accuracy`.
    FinalTrainAccuracy,
    /// `f64 × runs`: `final_validation_accuracy`.
    FinalValidationAccuracy,
    /// `f64 × runs`: `final_test_accuracy`.
    FinalTestAccuracy,
}

/// Number of sections.
pub const SECTIONS: usize = 26;

impl Sec {
    /// Every section, in payload order.
    pub const ALL: [Sec; SECTIONS] = [
        Sec::ValidEpochs,
        Sec::BudgetRuns,
        Sec::OpOffsets,
        Sec::OpBytes,
        Sec::Hashes,
        Sec::Vertices,
        Sec::Adjacency,
        Sec::TrainableParameters,
        Sec::OpsOffsets,
        Sec::Ops,
        Sec::BudgetOffsets,
        Sec::BudgetList,
        Sec::RunOffsets,
        Sec::IndexBuckets,
        Sec::IndexHashes,
        Sec::IndexRows,
        Sec::CanonKeys,
        Sec::CanonRows,
        Sec::HalfwayTrainingTime,
        Sec::HalfwayTrainAccuracy,
        Sec::HalfwayValidationAccuracy,
        Sec::HalfwayTestAccuracy,
        Sec::FinalTrainingTime,
        Sec::FinalTrainAccuracy,
        Sec::FinalValidationAccuracy,
        Sec::FinalTestAccuracy,
    ];

    /// The first metric column: metric `m` (0..8, the official dict's key order) is section
    /// `FIRST_METRIC + m`.
    pub const FIRST_METRIC: usize = Sec::HalfwayTrainingTime as usize;

    /// The section's name in FORMAT-NB101.md and [`SCHEMA`].
    pub const fn name(self) -> &'static str {
        match self {
            Sec::ValidEpochs => "valid_epochs",
            Sec::BudgetRuns => "budget_runs",
            Sec::OpOffsets => "op_offsets",
            Sec::OpBytes => "op_bytes",
            Sec::Hashes => "hashes",
            Sec::Vertices => "vertices",
            Sec::Adjacency => "adjacency",
            Sec::TrainableParameters => "trainable_parameters",
            Sec::OpsOffsets => "ops_offsets",
            Sec::Ops => "ops",
            Sec::BudgetOffsets => "budget_offsets",
            Sec::BudgetList => "budget_list",
            Sec::RunOffsets => "run_offsets",
            Sec::IndexBuckets => "index_buckets",
            Sec::IndexHashes => "index_hashes",
            Sec::IndexRows => "index_rows",
            Sec::CanonKeys => "canon_keys",
            Sec::CanonRows => "canon_rows",
            Sec::HalfwayTrainingTime => "halfway_training_time",
            Sec::HalfwayTrainAccuracy => "halfway_train_accuracy",
            Sec::HalfwayValidationAccuracy => "halfway_validation_accuracy",
            Sec::HalfwayTestAccuracy => "halfway_test_accuracy",
            Sec::FinalTrainingTime => "final_training_time",
            Sec::FinalTrainAccuracy => "final_train_accuracy",
            Sec::FinalValidationAccuracy => "final_validation_accuracy",
            Sec::FinalTestAccuracy => "final_test_accuracy",
        }
    }

    /// Bytes per element.
    pub const fn elem_size(self) -> u64 {
        match self {
            Sec::OpBytes | Sec::Vertices | Sec::BudgetList => 1,
            Sec::Ops => 2,
            Sec::OpOffsets
            | Sec::TrainableParameters
            | Sec::OpsOffsets
            | Sec::BudgetOffsets
            | Sec::RunOffsets
            | Sec::IndexBuckets
            | Sec::IndexRows
            | Sec::CanonRows => 4,
            Sec::Hashes | Sec::IndexHashes => 16,
            _ => 8,
        }
    }

    /// Number of elements, from the head's counts (`None` on overflow).
    pub fn elems(self, c: &Counts) -> Option<u64> {
        let cells1 = c.cells.checked_add(1)?;
        Some(match self {
            Sec::ValidEpochs => c.budgets,
            Sec::BudgetRuns => c.budgets.checked_add(1)?,
            Sec::OpOffsets => c.op_strings.checked_add(1)?,
            Sec::OpBytes => c.op_bytes,
            Sec::Hashes
            | Sec::Vertices
            | Sec::Adjacency
            | Sec::TrainableParameters
            | Sec::IndexHashes
            | Sec::IndexRows => c.cells,
            Sec::OpsOffsets | Sec::BudgetOffsets => cells1,
            Sec::Ops => c.op_items,
            Sec::BudgetList => c.budget_items,
            Sec::RunOffsets => c.budgets.checked_mul(cells1)?,
            Sec::IndexBuckets => (1u64 << dir_bits(c.cells)) + 1,
            Sec::CanonKeys | Sec::CanonRows => c.canon,
            _ => c.runs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_listed_in_order_and_named_in_the_schema() {
        for (i, s) in Sec::ALL.iter().enumerate() {
            assert_eq!(*s as usize, i);
            assert!(SCHEMA.contains(&format!(",{}:[", s.name())), "{}", s.name());
        }
        assert_eq!(Sec::ALL[Sec::FIRST_METRIC], Sec::HalfwayTrainingTime);
        assert_eq!(Sec::FIRST_METRIC + 8, SECTIONS);
        assert_eq!((dir_bits(0), dir_bits(1), dir_bits(2), dir_bits(3)), (0, 0, 1, 1));
        assert_eq!((dir_bits(423_624), dir_bits(1 << 26)), (18, 26));
        let h = [0xA5; 16];
        assert_eq!(
            (bucket(&h, 0), bucket(&h, 1), bucket(&h, 4), bucket(&h, 18)),
            (0, 1, 0xA, 0x29696)
        );
        assert!(SCHEMA.contains(&format!("sections:u32={SECTIONS}")));
        assert!(SCHEMA.contains(&format!("align={SECTION_ALIGN}")));
    }

    #[test]
    fn format_nb101_md_quotes_the_schema_its_hash_and_version() {
        let md = include_str!("../../FORMAT-NB101.md");
        assert!(md.contains(SCHEMA), "FORMAT-NB101.md does not quote SCHEMA");
        assert!(md.contains(&format!("{}-byte", SCHEMA.len())));
        assert!(md.contains(&format!("`{SCHEMA_HASH:#018x}`")), "hash {SCHEMA_HASH:#018x}");
        assert!(md.contains(&format!("version {FORMAT_VERSION})")));
        for s in Sec::ALL {
            assert!(md.contains(&format!("`{}`", s.name())), "{}", s.name());
        }
    }
}
