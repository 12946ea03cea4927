//! TransNAS-Bench-101 (`.tnb` archives whose header names family 0): the archived types, their
//! schema text and hash, and the small codes stored in the payload.
//!
//! - [`model`]: the archived types. Everything big is a flat column (one `Vec` of numbers per
//!   task and metric over all architectures), so validating an archive costs microseconds
//!   whatever its size;
//! - [`arch_table`]: the name → arch hash table, its hash, builder and probe;
//! - [`codes`]: the small integer codes stored in the payload (column cells, generic nodes,
//!   layout items, best-epoch sentinels, ranking status).

pub mod arch_table;
pub mod codes;
// rkyv generates the `Archived*` mirrors of these types, whose fields cannot carry docs.
#[allow(missing_docs)]
pub mod model;

use crate::fnv1a;
pub use arch_table::arch_hash;
pub use model::{
    ArchivedBenchmark, ArchivedColumn, ArchivedGeneric, ArchivedLayout, ArchivedTask, Benchmark,
    Column, Generic, Layout, Task,
};

/// Version of the archive format. Bumped on any change to the header or the payload types; a
/// reader accepts exactly its own version (see FORMAT.md, "Compatibility").
pub const FORMAT_VERSION: u32 = 1;

/// A description of every archived type, field by field, in order. Its hash is written in the
/// header, so an archive written by a build whose types differ is refused even if someone forgot
/// to bump [`FORMAT_VERSION`]. Keep it in step with `model.rs` (a test checks the field names).
///
/// Field *names* do not reach rkyv's bytes, so a field renamed within a format version keeps its
/// old name here, where changing it would change every archive's header: `Generic::a` and
/// `Generic::b` are now [`Generic::start_or_value`] and [`Generic::len_or_dtype`]
/// ([`RENAMED_FIELDS`]).
pub const SCHEMA: &str = "\
Benchmark{tasks:Vec<Task>,info_names:Vec<String>,space_names:Vec<String>,space_starts:Vec<u32>,\
arch_offsets:Vec<u32>,arch_bytes:Vec<u8>,arch_slots:Vec<u32>,layout:Layout,generic:Generic}\
Task{name:String,metrics:Vec<String>,offsets:Vec<u32>,columns:Vec<Column>,\
best:Vec<u32>,ranking:Vec<u32>,ranking_status:Vec<u8>,info:Vec<Column>}\
Column{F32(Vec<f32>),F64(Vec<f64>),I64(Vec<i64>),StrFixed{width:u32,bytes:Vec<u8>},\
Str{offsets:Vec<u32>,bytes:Vec<u8>},Mixed{tags:Vec<u8>,bits:Vec<u64>,bytes:Vec<u8>}}\
Layout{top:u32,task_list:u32,metrics_dict:u32,info_names:u32,items:Vec<u32>,item_offsets:Vec<u32>,\
arch_layout:Vec<u32>,result_layout:Vec<u32>,arch_extras:Vec<u32>,result_extras:Vec<u32>,\
extras:Vec<u32>}\
Generic{kinds:Vec<u8>,a:Vec<u64>,b:Vec<u32>,children:Vec<u32>,bytes:Vec<u8>}\
rkyv=0.8.18;little_endian;aligned;pointer_width_32;arch_slots=arch_hash";

/// Fields renamed in the code since [`SCHEMA`] was written, as `(name in model.rs, name in
/// SCHEMA)`: the bytes are the same, so the schema text (and its hash) keeps the old names.
pub const RENAMED_FIELDS: [(&str, &str); 2] = [("start_or_value", "a"), ("len_or_dtype", "b")];

/// FNV-1a of [`SCHEMA`], written in every header.
pub const SCHEMA_HASH: u64 = fnv1a(SCHEMA.as_bytes());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_text_names_every_field_of_the_model() {
        let src = include_str!("model.rs");
        for field in src.lines().filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix("pub ")?;
            let (name, _) = rest.split_once(':')?;
            (!name.contains(' ') && !name.contains('(')).then(|| name.to_owned())
        }) {
            let old = RENAMED_FIELDS.iter().find(|(new, _)| *new == field).map(|(_, old)| *old);
            let name = old.unwrap_or(&field);
            assert!(SCHEMA.contains(&format!("{name}:")), "SCHEMA does not mention field {field}");
        }
    }
}
