//! Opens an NB201 `.tnb` archive (NAS-Bench-201; format: `schema/FORMAT-NB201.md`) and reads
//! every value of the source object straight from its bytes: typed, zero-copy, no allocation.
//!
//! Opening checks the header (family NAS-Bench-201 or NATS-Bench tss/sss, [`Archive::family`]),
//! the payload trailer, rkyv's validation of
//! the small root (flat columns: microseconds whatever the archive's size) and the table
//! lengths. Everything else (offsets, string ids, cells) is checked where it is read, so a
//! crafted archive makes a read return [`Corrupt`], never panic. The payload CRC is checked by
//! [`Archive::verify_checksum`] (a pass over the whole file), not by open.
//!
//! The object, as the official API sees it:
//! - `meta_archs`: [`Archive::len`], [`Archive::meta_arch`] (index → str),
//!   [`Archive::arch_index`] (str → index), both O(1);
//! - `evaluated_indexes`: [`Archive::evaluated_indexes`];
//! - `arch2infos`: [`Archive::entry_keys`] (the keys in order), [`Archive::arch_results`] by key
//!   and hp ([`Hp::Less`] is `'12'` / `less`, [`Hp::Full`] is `'200'` / `full`) → an
//!   [`ArchResults`] (its fields, `dataset_seed`, and `all_results` → [`Run`]s);
//! - NATS-Bench archives (families 2, 3: [`Archive::family`]) have any hp keys per entry:
//!   [`Archive::hp_count`], [`Archive::hp_key`], [`Archive::results_by_key`] (`'12'`, `'200'`,
//!   `'01'`, `'90'`), [`Archive::results_at`]; [`Archive::form`] says whether the source was one
//!   object or a `-simple` folder, [`Archive::walk_entry`] walks one entry (one per-arch file);
//! - a [`Run`] (ResultsCount) has every field ([`Run::arch_config_dict`]: any `arch_config`); its per-epoch dicts and `latency` are
//!   [`Series`]: ordered maps with `get`, values as [`Num`] (float / np.float64 / int / bool).
//!   Hot loops skip the per-key work: [`Series::set_keys`] places every `'set@epoch'` key of
//!   an eval dict by arithmetic when its keys are the runs the real files write (decided once
//!   per distinct key list and kept in the archive; any other key list answers `None` and is
//!   read with [`Series::get_str`]), [`Series::is_dense`] says int key `k` is at position `k`,
//!   and [`Series::for_values`] reads a range of values in one pass.
//!
//! [`Archive::walk`] emits the whole object as [`tnb_pyjson::Event`]s in source order, exactly as
//! `tnb dump` of the source does ([`Archive::write_json`] writes them as `json.dumps` text);
//! [`Archive::events`] is the same walk as a pull iterator, one `arch2infos` entry at a time.
//!
//! # Example
//! ```
//! use tnb_nb201_store::{Archive, Hp, NumKind};
//! # let top = tnb_nb201_convert::sample::object(&Default::default());
//! # let bytes = tnb_nb201_convert::archive_bytes(&top, 0, [0; 32])?;
//! // `Archive::open(path)` reads a file; `open_mmap` maps it; here: bytes in memory.
//! let api = Archive::copy_from(&bytes)?;
//! let arch = api.meta_arch(0)?.unwrap();
//! let index = api.arch_index(arch)?.unwrap() as i64;
//! let ar = api.arch_results(index, Hp::Full)?.unwrap(); // arch2infos_dict[index]['200']
//! let run = ar.find("cifar10-valid", 777)?.unwrap(); // all_results[('cifar10-valid', 777)]
//! let acc = run.eval_acc1es()?.get_str("x-valid@199")?.unwrap();
//! assert_eq!(acc.kind(), NumKind::Float);
//! let params = run.params()?; // np.float64 in the real files
//! assert!(params.is_np_f64());
//! let times = run.train_times()?; // v1_1: an OrderedDict, one value for every epoch
//! assert_eq!(times.get_int(0)?, times.get_int(199)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod canon;
mod check;
mod data;
mod error;
mod num;
mod raw;
mod view;
mod walk;

use std::fs::File;
use std::ops::Range;
use std::path::Path;

pub use canon::{MAX_CANONICAL_SETS, SetKeys};
pub use error::{Corrupt, OpenError};
use memmap2::Mmap;
pub use num::{Num, NumKind};
use rkyv::util::AlignedVec;
use tnb_schema::file::open_regular;
use tnb_schema::header::{Family, Header};
use tnb_schema::nb201::codes::{SOURCE_FOLDER, SOURCE_OBJECT};
use tnb_schema::nb201::{ArchivedNb201, Trailer, str_hash};
pub use view::{
    ArchResults, Config, ConfigDict, ConfigValue, DatasetSeeds, Field, Form, Hp, Ints, Key, Run,
    Series, Strs,
};
pub use walk::{Events, MAX_WALK_EVENTS_PER_BYTE};

/// Result of a read: `Err` only for a corrupted archive.
pub type R<T> = Result<T, Corrupt>;

pub use tnb_mapped::open::Buffer;

/// What an archive holds, for `info` and `bench`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counts {
    /// `len(meta_archs)`.
    pub archs: usize,
    /// `len(evaluated_indexes)`.
    pub evaluated: usize,
    /// `arch2infos` entries.
    pub entries: usize,
    /// ResultsCount states.
    pub runs: usize,
    /// Stored 8-byte cells (per-epoch numbers after deduplication).
    pub cells: u64,
    /// Distinct dict key lists.
    pub keysets: usize,
    /// Distinct strings.
    pub strings: usize,
    /// Bytes of the rkyv root.
    pub root_len: u64,
    /// Generic nodes (top level and extra keys).
    pub generic_nodes: usize,
}

/// An open NB201 archive.
#[derive(Debug)]
pub struct Archive<B: AsRef<[u8]> = Buffer> {
    bytes: B,
    header: Header,
    token: raw::Validated,
    root: Range<usize>,
    cells: Range<usize>,
    /// Per keyset: whether its `'set@epoch'` keys are found by arithmetic, decided once.
    canon: canon::Cache,
    /// Pool ids of `'full'` and `'less'` (NAS-Bench-201's hp keys, [`Hp::index`] order), found
    /// once at open so that [`Archive::arch_results`] compares ids.
    nb201_hps: [Option<u32>; 2],
}

/// What an archive was converted from ([`Archive::form`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceForm {
    /// One object: a NAS-Bench-201 `.pth`, or a NATS-Bench single `.pickle.pbz2`.
    Object,
    /// A NATS-Bench `-simple` folder: the top is `meta.pickle.pbz2`'s object, each entry one
    /// `{index:06d}.pickle.pbz2` file.
    Folder,
}

/// Longest series (a per-epoch dict or list) a read accepts: the streaming reader's
/// `DEFAULT_MAX_ENTRY_ITEMS` (2^23), since no longer one can come from a converted source. A
/// crafted archive claiming more is corrupt, so loops over a series stay bounded.
pub const MAX_SERIES_LEN: usize = tnb_pickle::stream::limits::DEFAULT_MAX_ENTRY_ITEMS as usize;

/// Archives at least this big are read into huge pages (see [`read_anon`]).
const HUGE_PAGE_READ: u64 = 64 << 20;

/// Reads a big file (`len` bytes by its metadata, at least `min`) into an
/// anonymous map the kernel is asked to back with huge pages: point queries touch a few cache
/// lines scattered over the whole archive, and with 4 KiB pages nearly each of them also misses
/// the TLB. `None` when the file is small, or its length is not `len` any more (the caller then
/// reads it the plain way), or the map cannot be made.
fn read_anon(f: &mut File, len: u64, min: u64) -> std::io::Result<Option<Mmap>> {
    use std::io::Read;
    let Ok(n) = usize::try_from(len) else { return Ok(None) };
    if len < min || n == 0 {
        return Ok(None);
    }
    let Ok(mut map) = memmap2::MmapMut::map_anon(n) else { return Ok(None) };
    #[cfg(target_os = "linux")]
    let _ = map.advise(memmap2::Advice::HugePage);
    let mut at = 0;
    while at < n {
        match f.read(&mut map[at..])? {
            0 => break,
            k => at += k,
        }
    }
    let mut probe = [0u8; 1];
    if at != n || f.read(&mut probe)? != 0 {
        // The file changed size since its metadata was read.
        use std::io::Seek;
        f.seek(std::io::SeekFrom::Start(0))?;
        return Ok(None);
    }
    Ok(Some(map.make_read_only()?))
}

impl Archive<Buffer> {
    /// Reads the archive at `path` into an aligned buffer and opens it (a big one into memory
    /// backed by huge pages where the system has them: [`Buffer::Map`] of an anonymous map).
    /// Safe whatever happens to the file afterwards. Only a regular file is read.
    pub fn open(path: impl AsRef<Path>) -> Result<Archive<Buffer>, OpenError> {
        use std::io::Read;
        let path = path.as_ref();
        let (f, meta) = open_regular(path).map_err(|e| OpenError::io(path, e))?;
        let mut f: File = f;
        if let Some(map) =
            read_anon(&mut f, meta.len(), HUGE_PAGE_READ).map_err(|e| OpenError::io(path, e))?
        {
            return Archive::from_bytes(Buffer::Map(map));
        }
        let mut v = AlignedVec::<16>::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf).map_err(|e| OpenError::io(path, e))?;
            if n == 0 {
                break;
            }
            v.extend_from_slice(&buf[..n]);
        }
        Archive::from_bytes(Buffer::Aligned(v))
    }

    /// Opens a copy of `bytes` held in an aligned buffer.
    pub fn copy_from(bytes: &[u8]) -> Result<Archive<Buffer>, OpenError> {
        let mut v = AlignedVec::<16>::with_capacity(bytes.len());
        v.extend_from_slice(bytes);
        Archive::from_bytes(Buffer::Aligned(v))
    }
}

impl<B: AsRef<[u8]>> Archive<B> {
    /// Opens an archive held in `bytes`, which must start at a 16-byte aligned address. Checks
    /// the header (not the payload checksum: see [`Archive::verify_checksum`]), the trailer,
    /// validates the root and checks the table lengths.
    pub fn from_bytes(bytes: B) -> Result<Archive<B>, OpenError> {
        let all = bytes.as_ref();
        let header = Header::decode_families(all, &Family::NB201_FORMAT)?;
        let payload = header.payload(all);
        if payload.as_ptr() as usize % 16 != 0 {
            return Err(OpenError::Unaligned);
        }
        let t = Trailer::decode(payload).map_err(OpenError::Invalid)?;
        let start = header.payload_offset as usize;
        let cells = start..start + t.cells as usize * 8;
        let root = start + t.root_offset as usize..start + (t.root_offset + t.root_len) as usize;
        let root_bytes = &all[root.clone()];
        let token = raw::Validated::check(root_bytes)
            .map_err(|e| OpenError::Invalid(format!("payload: {e}")))?;
        let r = token.root(root_bytes).ok_or_else(|| OpenError::Invalid("payload moved".into()))?;
        check::check(r).map_err(OpenError::Invalid)?;
        let canon = canon::cache(r.keysets.flags.len());
        let mut nb201_hps = [None; 2];
        for hp in Hp::ALL {
            let d = data::Data { r, cells: &[], canon: &canon };
            nb201_hps[hp.index()] =
                d.pool_id(hp.key().as_bytes()).map_err(|c| OpenError::Invalid(c.0.to_string()))?;
        }
        Ok(Archive { bytes, header, token, root, cells, canon, nb201_hps })
    }

    /// The header (version, provenance).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Which benchmark the archive holds (its header's family: NAS-Bench-201 or one of the
    /// NATS-Bench spaces, all in this format).
    pub fn family(&self) -> Family {
        self.header.family
    }

    /// The whole file.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }

    /// The payload (what `verify --source` compares with a rebuilt one).
    pub fn payload(&self) -> &[u8] {
        self.header.payload(self.bytes.as_ref())
    }

    /// Checks the payload checksum (one pass over the payload).
    pub fn verify_checksum(&self) -> Result<(), OpenError> {
        self.header.check_payload(self.bytes.as_ref()).map_err(OpenError::Header)
    }

    /// The validated root and the cells.
    #[inline]
    pub(crate) fn data(&self) -> R<data::Data<'_>> {
        let all = self.bytes.as_ref();
        let root = all.get(self.root.clone()).and_then(|b| self.token.root(b));
        match (root, all.get(self.cells.clone())) {
            (Some(r), Some(cells)) => Ok(data::Data { r, cells, canon: &self.canon }),
            _ => Err(Corrupt("the archive's bytes changed after validation")),
        }
    }

    /// The validated archived root, for code that reads the columns directly.
    pub fn root(&self) -> R<&ArchivedNb201> {
        Ok(self.data()?.r)
    }

    /// What the archive holds.
    pub fn counts(&self) -> R<Counts> {
        let r = self.data()?.r;
        Ok(Counts {
            archs: r.meta_archs.len(),
            evaluated: r.evaluated.len(),
            entries: r.entry_keys.len(),
            runs: r.run_dataset.len(),
            cells: (self.cells.len() / 8) as u64,
            keysets: r.keysets.flags.len(),
            strings: r.str_offsets.len().saturating_sub(1),
            root_len: self.root.len() as u64,
            generic_nodes: r.generic.kinds.len(),
        })
    }

    /// `len(meta_archs)` (Python: `len(api)`).
    pub fn len(&self) -> usize {
        self.data().map_or(0, |d| d.r.meta_archs.len())
    }

    /// Whether `meta_archs` is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `meta_archs[i]`, or `None` when `i` is out of range.
    #[inline]
    pub fn meta_arch(&self, i: usize) -> R<Option<&str>> {
        let d = self.data()?;
        match d.r.meta_archs.get(i) {
            Some(id) => d.string(id.to_native()).map(Some),
            None => Ok(None),
        }
    }

    /// The index of `arch` in `meta_archs` (exact string match), if it is there.
    #[inline]
    pub fn arch_index(&self, arch: &str) -> R<Option<usize>> {
        let d = self.data()?;
        let slots = d.r.meta_slots.as_slice();
        let mask = slots.len() - 1;
        let mut i = str_hash(arch.as_bytes()) as usize & mask;
        for _ in 0..slots.len() {
            let s = slots[i].to_native();
            if s == 0 {
                return Ok(None);
            }
            let m = (s - 1) as usize;
            let id = d.r.meta_archs.get(m).ok_or(Corrupt("an arch table slot is out of range"))?;
            if d.string_bytes(id.to_native())? == arch.as_bytes() {
                return Ok(Some(m));
            }
            i = (i + 1) & mask;
        }
        Ok(None)
    }

    /// `evaluated_indexes`, in source order.
    pub fn evaluated_indexes(&self) -> R<Ints<'_>> {
        Ok(Ints(self.data()?.r.evaluated.as_slice()))
    }

    /// The `arch2infos` keys, in source order.
    pub fn entry_keys(&self) -> R<Ints<'_>> {
        Ok(Ints(self.data()?.r.entry_keys.as_slice()))
    }

    /// The entry (position in `arch2infos`) of arch key `key`, if there is one.
    #[inline]
    pub fn entry(&self, key: i64) -> R<Option<usize>> {
        let d = self.data()?;
        d.entry(key)
    }

    /// `arch2infos[key]['less' or 'full']` (the official API's `arch2infos_dict[key]['12' or
    /// '200']`), if `key` is there (and its entry has that hp key: always, in a NAS-Bench-201
    /// archive).
    #[inline]
    pub fn arch_results(&self, key: i64, hp: Hp) -> R<Option<ArchResults<'_>>> {
        let d = self.data()?;
        match d.entry(key)? {
            Some(e) => self.nb201_record(d, e, hp),
            None => Ok(None),
        }
    }

    /// The ArchResults of entry `e` (position in `arch2infos`), for walks in source order.
    pub fn arch_results_at(&self, entry: usize, hp: Hp) -> R<Option<ArchResults<'_>>> {
        let d = self.data()?;
        if entry >= d.r.entry_keys.len() {
            return Ok(None);
        }
        self.nb201_record(d, entry, hp)
    }

    /// Entry `e`'s record whose hp key is `hp`'s (`'full'`/`'less'`), by pool id.
    #[inline]
    fn nb201_record<'a>(&self, d: data::Data<'a>, e: usize, hp: Hp) -> R<Option<ArchResults<'a>>> {
        let Some(id) = self.nb201_hps[hp.index()] else { return Ok(None) };
        Ok(d.record_of(e, id)?.map(|rec| ArchResults::new(d, rec)))
    }

    /// What the archive was converted from: one object, or a NATS-Bench `-simple` folder.
    pub fn form(&self) -> R<SourceForm> {
        match self.data()?.r.form.to_native() {
            SOURCE_OBJECT => Ok(SourceForm::Object),
            SOURCE_FOLDER => Ok(SourceForm::Folder),
            _ => Err(Corrupt("the source form is unknown")),
        }
    }

    /// Whether `evaluated_indexes` is a set (NATS-Bench single files) rather than a list.
    /// A folder archive's top holds the meta file's own `evaluated_indexes` as a generic value
    /// and this says `false` (the `evaluated` column is then empty).
    pub fn evaluated_is_set(&self) -> R<bool> {
        let g = &self.data()?.r.generic;
        for (i, &k) in g.kinds.iter().enumerate() {
            if k == tnb_schema::nb201::codes::NODE_EVALUATED {
                let a = g.a.get(i).ok_or(Corrupt("a generic node is out of range"))?;
                return Ok(a.to_native() == 1);
            }
        }
        Ok(false)
    }

    /// Number of hp keys of entry `entry` (position in `arch2infos`): 2 in NAS-Bench-201
    /// (`'full'`, `'less'`), 2 or 3 in NATS-Bench. 0 when `entry` is out of range.
    pub fn hp_count(&self, entry: usize) -> R<usize> {
        let d = self.data()?;
        if entry >= d.r.entry_keys.len() {
            return Ok(0);
        }
        let (s, e) = data::range(d.r.entry_recs.as_slice(), entry, d.r.rec_hp.len())?;
        Ok(e - s)
    }

    /// Hp key `j` of entry `entry`, in the entry dict's order (`None` when out of range).
    pub fn hp_key(&self, entry: usize, j: usize) -> R<Option<&str>> {
        let d = self.data()?;
        match d.record(entry, j)? {
            Some(rec) => {
                let id = d.r.rec_hp.get(rec).ok_or(Corrupt("an hp record is out of range"))?;
                d.string(id.to_native()).map(Some)
            }
            None => Ok(None),
        }
    }

    /// `arch2infos[key][hp]` by the exact hp string (NATS-Bench: `'12'`, `'200'`, `'01'`,
    /// `'90'`; NAS-Bench-201: `'full'`, `'less'`), if both are there.
    pub fn results_by_key(&self, key: i64, hp: &str) -> R<Option<ArchResults<'_>>> {
        let d = self.data()?;
        let Some(e) = d.entry(key)? else { return Ok(None) };
        let Some(id) = d.pool_id(hp.as_bytes())? else { return Ok(None) };
        Ok(d.record_of(e, id)?.map(|rec| ArchResults::new(d, rec)))
    }

    /// The ArchResults of hp item `j` of entry `entry` (positions), if there.
    pub fn results_at(&self, entry: usize, j: usize) -> R<Option<ArchResults<'_>>> {
        let d = self.data()?;
        Ok(d.record(entry, j)?.map(|rec| ArchResults::new(d, rec)))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    /// The huge-page read gives the file's bytes, and declines (rewinding the file) when the
    /// file's length is not the one its metadata gave, or the file is below the size asked.
    #[test]
    fn big_files_are_read_into_an_anonymous_map_exactly() {
        let path = std::env::temp_dir().join(format!("tnb-nb201-anon-{}", std::process::id()));
        let bytes: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::File::create(&path).unwrap().write_all(&bytes).unwrap();
        let open = || std::fs::File::open(&path).unwrap();
        let n = bytes.len() as u64;
        let map = super::read_anon(&mut open(), n, 0).unwrap().unwrap();
        assert_eq!(&map[..], &bytes[..]);
        assert_eq!(map.as_ptr() as usize % 16, 0);
        for len in [n - 1, n + 1] {
            let mut f = open();
            assert!(super::read_anon(&mut f, len, 0).unwrap().is_none(), "{len}");
            let mut all = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut all).unwrap();
            assert_eq!(all, bytes, "rewound after {len}");
        }
        assert!(super::read_anon(&mut open(), n, n + 1).unwrap().is_none());
        std::fs::remove_file(&path).unwrap();
    }
}
