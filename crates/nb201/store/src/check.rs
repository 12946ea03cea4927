//! Checks at open, beyond rkyv's validation: the table lengths that must agree and the generic
//! forest. O(1) apart from the generic nodes (a handful in real files) and the small tables'
//! ends; every other index (offsets, ids, cells) is checked where it is read, so a crafted
//! archive can make a read fail with [`crate::Corrupt`] but never panic.

use tnb_schema::nb201::ArchivedNb201;
use tnb_schema::nb201::codes::*;

/// The last element of an offsets column, which must be `len` (the column it indexes).
fn ends_at(v: &[rkyv::rend::u32_le], len: usize, what: &str) -> Result<(), String> {
    match (v.first(), v.last()) {
        (Some(f), Some(l)) if f.to_native() == 0 && l.to_native() as usize == len => Ok(()),
        _ => Err(format!("{what} do not run from 0 to {len}")),
    }
}

fn same(a: usize, b: usize, what: &str) -> Result<(), String> {
    if a == b { Ok(()) } else { Err(format!("{what}: {a} entries where {b} are expected")) }
}

pub(crate) fn check(r: &ArchivedNb201) -> Result<(), String> {
    ends_at(r.str_offsets.as_slice(), r.str_bytes.len(), "string offsets")?;
    for (t, what) in [(&r.str_slots, "string table"), (&r.meta_slots, "arch table")] {
        if !t.len().is_power_of_two() {
            return Err(format!("the {what} size {} is not a power of two", t.len()));
        }
    }
    let e = r.entry_keys.len();
    same(r.entry_flags.len(), e, "entry flags")?;
    let a = r.rec_hp.len();
    ends_at(r.entry_recs.as_slice(), a, "entry record offsets")?;
    same(r.entry_recs.len(), e + 1, "entry record offsets")?;
    for (n, what) in [
        (r.ar_index.len(), "arch indexes"),
        (r.ar_str.len(), "arch strings"),
        (r.ar_flags.len(), "arch flags"),
    ] {
        same(n, a, what)?;
    }
    let runs = r.run_dataset.len();
    ends_at(r.ar_runs.as_slice(), runs, "run offsets")?;
    same(r.ar_runs.len(), a + 1, "run offsets")?;
    ends_at(r.ar_datasets.as_slice(), r.ds_name.len(), "dataset offsets")?;
    same(r.ar_datasets.len(), a + 1, "dataset offsets")?;
    ends_at(r.ds_seeds.as_slice(), r.seeds.len(), "seed offsets")?;
    same(r.ds_seeds.len(), r.ds_name.len() + 1, "seed offsets")?;
    ends_at(r.run_config.as_slice(), r.config_keys.len(), "arch_config offsets")?;
    same(r.run_config.len(), runs + 1, "arch_config offsets")?;
    same(r.config_types.len(), r.config_keys.len(), "arch_config types")?;
    same(r.config_vals.len(), r.config_keys.len(), "arch_config values")?;
    for (n, what) in [
        (r.run_seed.len(), "run seeds"),
        (r.run_name.len(), "run names"),
        (r.run_seed_str.len(), "run seed strings"),
        (r.run_epochs.len(), "run epochs"),
        (r.run_flags.len(), "run flags"),
        (r.run_params_type.len(), "params types"),
        (r.run_params.len(), "params"),
        (r.run_flop_type.len(), "flop types"),
        (r.run_flop.len(), "flops"),
    ] {
        same(n, runs, what)?;
    }
    ends_at(r.run_eval_names.as_slice(), r.eval_names.len(), "eval_names offsets")?;
    same(r.run_eval_names.len(), runs + 1, "eval_names offsets")?;
    let s = &r.series;
    let ns = runs * SERIES_PER_RUN;
    for (n, what) in [
        (s.form.len(), "series forms"),
        (s.ty.len(), "series types"),
        (s.keys.len(), "series keys"),
        (s.at.len(), "series positions"),
        (s.aux.len(), "series extras"),
    ] {
        same(n, ns, what)?;
    }
    let k = &r.keysets;
    same(k.start.len(), k.flags.len() + 1, "keyset offsets")?;
    same(k.sorted.len(), k.items.len(), "keyset orders")?;
    match (k.start.first(), k.start.last()) {
        (Some(f), Some(l)) if f.to_native() == 0 && l.to_native() == k.items.len() as u64 => {}
        _ => return Err("keyset offsets do not cover the keys".into()),
    }
    generic(r)
}

/// The generic nodes form a forest (children before parents, each node at most one parent),
/// with the special nodes as the form requires, and the top node a dict.
fn generic(r: &ArchivedNb201) -> Result<(), String> {
    let g = &r.generic;
    let n = g.kinds.len();
    same(g.a.len(), n, "generic payloads")?;
    same(g.b.len(), n, "generic payloads")?;
    let mut parent = vec![false; n];
    let mut special = [0usize; 3];
    for i in 0..n {
        let kind = g.kinds[i];
        let (a, b) = (g.a[i].to_native(), g.b[i].to_native());
        let range = |len: usize| {
            a.checked_add(b).filter(|&e| e <= len as u64).map(|e| a as usize..e as usize)
        };
        match kind {
            NODE_NONE | NODE_FALSE | NODE_TRUE | NODE_INT | NODE_FLOAT => {}
            NODE_SCALAR if b < u64::from(NUMPY_DTYPES) => {}
            NODE_STR | NODE_BYTES | NODE_BIGINT => {
                range(g.bytes.len()).ok_or("a generic string lies outside its bytes")?;
            }
            NODE_TUPLE | NODE_LIST | NODE_DICT | NODE_ODICT | NODE_SET | NODE_FROZENSET => {
                let c =
                    range(g.children.len()).ok_or("a generic container's children lie outside")?;
                if (kind == NODE_DICT || kind == NODE_ODICT) && b % 2 != 0 {
                    return Err("a generic dict has an odd number of children".into());
                }
                for &child in &g.children[c] {
                    let child = child.to_native() as usize;
                    if child >= i || parent[child] {
                        return Err("the generic nodes do not form a tree".into());
                    }
                    parent[child] = true;
                }
            }
            NODE_EVALUATED if a > 1 => {
                return Err("evaluated_indexes is neither a list nor a set".into());
            }
            NODE_META_ARCHS | NODE_ARCH2INFOS | NODE_EVALUATED => {
                special[usize::from(kind - NODE_META_ARCHS)] += 1;
            }
            _ => return Err(format!("generic node {i} has unknown kind {kind}")),
        }
    }
    // One object: the three tables once each; a NATS folder: the meta file's object, whose
    // `meta_archs` is the table and whose other keys are generic.
    match r.form.to_native() {
        SOURCE_OBJECT if special != [1, 1, 1] => {
            return Err("meta_archs, arch2infos and evaluated_indexes must appear once each".into());
        }
        SOURCE_FOLDER if special != [1, 0, 0] => {
            return Err("a folder archive's top must hold meta_archs alone as a table".into());
        }
        SOURCE_OBJECT | SOURCE_FOLDER => {}
        f => return Err(format!("unknown source form {f}")),
    }
    let top = r.top.to_native() as usize;
    match g.kinds.get(top) {
        Some(&k) if (k == NODE_DICT || k == NODE_ODICT) && !parent[top] => Ok(()),
        _ => Err("the top-level node is not a dict".into()),
    }
}
