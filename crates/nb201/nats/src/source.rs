//! [`Source`]: a NATS-Bench folder or single file, opened (its form and space known), and fed to
//! a converter.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tnb_nb201_convert::{Converter, Fed, Phase};
use tnb_pickle::stream::{Obj, StreamLimits};
use tnb_pth::{StreamTorchHooks, stream_load_source, stream_scan_source};

use crate::decode::{decode_bytes, read_file};
use crate::error::Error;
use crate::folder::{Folder, META_FILE, discover, refuse_full};
use crate::pipeline::{decode_in_order, default_threads};
use crate::single::{Pbz2, peek_space};
use crate::space::Space;

/// Which form a source has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// A `-simple` folder: `meta.pickle.pbz2` plus one file per arch (archive form 1).
    Folder,
    /// One `.pickle.pbz2` of the whole benchmark (archive form 0).
    File,
}

/// How to read a source.
#[derive(Clone, Debug)]
pub struct Options {
    /// Decoding threads for a folder (default: one per core).
    pub threads: usize,
    /// The streaming reader's limits for a single file.
    pub limits: StreamLimits,
}

impl Default for Options {
    fn default() -> Options {
        Options { threads: default_threads(), limits: StreamLimits::default() }
    }
}

/// A source opened: its form and space are known (a folder's meta file is read; a single
/// file's first bytes are decoded).
#[derive(Debug)]
pub struct Source {
    path: PathBuf,
    space: Space,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Folder {
        folder: Folder,
        meta: Obj,
        meta_bytes: Vec<u8>,
        total: usize,
    },
    File {
        file: Pbz2,
        /// Whether the space came from the file's first bytes (else it is a guess, checked
        /// after the read).
        sure: bool,
    },
}

/// The space was guessed wrong (a single file not starting with `meta_archs`): read again.
pub(crate) struct Guessed(pub(crate) Space);

impl Source {
    /// The folder or file at `path`, told apart by what it is (a folder must hold
    /// `meta.pickle.pbz2`).
    pub fn open(path: &Path) -> Result<Source, Error> {
        if path.is_dir() {
            return open_folder(path);
        }
        if !path.exists() {
            return Err(Error::io(
                format!("reading {}", path.display()),
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
        let file = Pbz2::open(path)?;
        let peeked = peek_space(&file)?;
        Ok(Source {
            path: path.to_owned(),
            space: peeked.unwrap_or(Space::Tss),
            kind: Kind::File { file, sure: peeked.is_some() },
        })
    }

    /// The space.
    pub fn space(&self) -> Space {
        self.space
    }

    /// The form.
    pub fn form(&self) -> Form {
        match self.kind {
            Kind::Folder { .. } => Form::Folder,
            Kind::File { .. } => Form::File,
        }
    }

    /// The path opened.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A folder's arch count (`len(meta_archs)`); `None` for a single file (known after
    /// reading).
    pub fn total_archs(&self) -> Option<usize> {
        match &self.kind {
            Kind::Folder { total, .. } => Some(*total),
            Kind::File { .. } => None,
        }
    }

    /// A folder's arch indices without a file (ascending; empty for a single file).
    pub fn missing(&self) -> &[i64] {
        match &self.kind {
            Kind::Folder { folder, .. } => &folder.missing,
            Kind::File { .. } => &[],
        }
    }

    /// A folder's directory entries that are not read (other files).
    pub fn ignored(&self) -> usize {
        match &self.kind {
            Kind::Folder { folder, .. } => folder.ignored,
            Kind::File { .. } => 0,
        }
    }

    pub(crate) fn guess(&mut self, space: Space) {
        self.space = space;
        if let Kind::File { sure, .. } = &mut self.kind {
            *sure = true;
        }
    }

    /// Gives every entry to `conv` (made for [`Source::space`]'s family) and returns the top
    /// object and the source's provenance. `progress(phase, done, total)`: a folder reports
    /// files converted ([`Phase::Convert`]); a single file reports compressed bytes read in
    /// pass 1 ([`Phase::Scan`]) and pass 2 ([`Phase::Convert`]).
    pub(crate) fn feed<W: Write>(
        &self,
        conv: &mut Converter<W>,
        opts: &Options,
        progress: &mut dyn FnMut(Phase, u64, u64),
    ) -> Result<Result<Fed, Guessed>, Error> {
        match &self.kind {
            Kind::Folder { folder, meta, meta_bytes, .. } => {
                feed_folder(folder, meta, meta_bytes, conv, opts, progress).map(Ok)
            }
            Kind::File { file, sure } => feed_file(file, self.space, *sure, conv, opts, progress),
        }
    }

    /// The whole source in memory: for a folder, the meta object and every per-arch object
    /// (decoded on all cores); for a single file, its object (arch2infos filled), which the
    /// streaming reader's [`StreamLimits::max_entry_items`] bounds: a full-size benchmark file
    /// is refused (convert it instead).
    pub fn load(&self, opts: &Options) -> Result<Loaded, Error> {
        match &self.kind {
            Kind::Folder { folder, meta, .. } => {
                let paths: Vec<PathBuf> = folder.archs.iter().map(|a| a.1.clone()).collect();
                let mut archs = Vec::with_capacity(paths.len());
                decode_in_order(&paths, opts.threads, &mut |pos, _, obj| {
                    archs.push((folder.archs[pos].0, obj));
                    Ok(())
                })?;
                Ok(Loaded {
                    space: self.space,
                    form: Form::Folder,
                    top: meta.clone(),
                    archs,
                    missing: folder.missing.clone(),
                })
            }
            Kind::File { file, .. } => {
                let scan =
                    stream_scan_source(file, &opts.limits, &mut |_| {}).map_err(Error::pth)?;
                let mut hooks = StreamTorchHooks::numpy_data();
                let top = stream_load_source(
                    file,
                    &scan,
                    &mut hooks,
                    None,
                    &opts.limits,
                    &mut |_, _| Ok(()),
                    &mut |_| {},
                )
                .map_err(Error::pth)?;
                let space = single_space(&top, &file.name)?;
                Ok(Loaded { space, form: Form::File, top, archs: Vec::new(), missing: Vec::new() })
            }
        }
    }
}

/// A source held in memory ([`crate::load_object`]).
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The space.
    pub space: Space,
    /// The form.
    pub form: Form,
    /// A single file's whole object (`meta_archs`, `total_archs`, `arch2infos` filled,
    /// `evaluated_indexes`); a folder's `meta.pickle.pbz2` object.
    pub top: Obj,
    /// A folder's per-arch objects `(index, object)` by ascending index (empty for a file).
    pub archs: Vec<(i64, Obj)>,
    /// A folder's arch indices without a file.
    pub missing: Vec<i64>,
}

fn open_folder(dir: &Path) -> Result<Source, Error> {
    refuse_full(dir)?;
    let meta_path = dir.join(META_FILE);
    if !meta_path.is_file() {
        return Err(Error::NotNats(format!(
            "{} has no {META_FILE} (a NATS-Bench '-simple' folder holds it beside the per-arch \
             files)",
            dir.display()
        )));
    }
    let name = meta_path.display().to_string();
    let meta_bytes = read_file(&meta_path)?;
    let meta = decode_bytes(&meta_bytes, &name)?;
    let Some(archs) = meta.get("meta_archs") else {
        return Err(Error::NotNats(format!(
            "{name}: the object is a {} without a 'meta_archs' key",
            meta.type_name()
        )));
    };
    let space = Space::detect(archs).map_err(|e| match e {
        Error::NotNats(m) => Error::NotNats(format!("{name}: {m}")),
        other => other,
    })?;
    let total = match archs {
        Obj::List(v) => v.len(),
        _ => 0,
    };
    let folder = discover(dir, total)?;
    Ok(Source {
        path: dir.to_owned(),
        space,
        kind: Kind::Folder { folder, meta, meta_bytes, total },
    })
}

/// Adds one file to a folder's provenance hash: its name, `\0`, its length (u64 LE), its bytes.
pub(crate) fn hash_file(h: &mut Sha256, name: &str, bytes: &[u8]) {
    h.update(name.as_bytes());
    h.update([0u8]);
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

fn feed_folder<W: Write>(
    folder: &Folder,
    meta: &Obj,
    meta_bytes: &[u8],
    conv: &mut Converter<W>,
    opts: &Options,
    progress: &mut dyn FnMut(Phase, u64, u64),
) -> Result<Fed, Error> {
    conv.mark_folder();
    let mut sha = Sha256::new();
    hash_file(&mut sha, META_FILE, meta_bytes);
    let mut size = meta_bytes.len() as u64;
    let paths: Vec<PathBuf> = folder.archs.iter().map(|a| a.1.clone()).collect();
    let total = paths.len() as u64;
    progress(Phase::Convert, 0, total);
    decode_in_order(&paths, opts.threads, &mut |pos, bytes, obj| {
        let (index, path, name) = &folder.archs[pos];
        hash_file(&mut sha, name, &bytes);
        size += bytes.len() as u64;
        conv.entry(&Obj::Int(*index), &obj)
            .map_err(|e| Error::file(&path.display().to_string(), e.to_string()))?;
        progress(Phase::Convert, pos as u64 + 1, total);
        Ok(())
    })?;
    Ok(Fed { top: meta.clone(), source_size: size, source_sha256: sha.finalize().into() })
}

/// The space of a single file's top object, checked whole.
fn single_space(top: &Obj, name: &str) -> Result<Space, Error> {
    let Some(archs) = top.get("meta_archs") else {
        return Err(Error::NotNats(format!("{name}: the object has no 'meta_archs' key")));
    };
    Space::detect(archs).map_err(|e| match e {
        Error::NotNats(m) => Error::NotNats(format!("{name}: {m}")),
        other => other,
    })
}

fn feed_file<W: Write>(
    file: &Pbz2,
    space: Space,
    sure: bool,
    conv: &mut Converter<W>,
    opts: &Options,
    progress: &mut dyn FnMut(Phase, u64, u64),
) -> Result<Result<Fed, Guessed>, Error> {
    let total = file.size;
    std::thread::scope(|s| {
        // The file's SHA-256 on another core while pass 1 decodes.
        let hash = s.spawn(|| tnb_nb201_convert::sha256_file(&file.path));
        let scan = stream_scan_source(file, &opts.limits, &mut |_| {
            progress(Phase::Scan, file.done(), total)
        })
        .map_err(Error::pth)?;
        progress(Phase::Scan, total, total);
        let keys = scan.top_keys.as_deref().unwrap_or_default();
        if !keys.iter().any(|k| k == "arch2infos") || !keys.iter().any(|k| k == "meta_archs") {
            return Err(Error::NotNats(format!(
                "{}: the object is not a dict with 'meta_archs' and 'arch2infos' (top-level \
                 keys: {keys:?})",
                file.name
            )));
        }
        // The converter's error is carried through the reader as text; keep the original.
        let mut failed: Option<tnb_nb201_convert::Error> = None;
        let mut hooks = StreamTorchHooks::numpy_data();
        let r = stream_load_source(
            file,
            &scan,
            &mut hooks,
            Some("arch2infos"),
            &opts.limits,
            &mut |k, v| {
                conv.entry(&k, &v).map_err(|e| {
                    let text = e.to_string();
                    failed = Some(e);
                    text
                })
            },
            &mut |_| progress(Phase::Convert, file.done(), total),
        );
        let top = match (r, failed) {
            (_, Some(e)) => return Err(Error::file(&file.name, e.to_string())),
            (Err(e), None) => return Err(Error::pth(e)),
            (Ok(top), None) => top,
        };
        progress(Phase::Convert, total, total);
        let found = single_space(&top, &file.name)?;
        if found != space {
            if sure {
                // Not reached: the first string decided `space`, and `detect` checks them all.
                return Err(Error::NotNats(format!(
                    "{}: meta_archs begins as {space} but is {found}",
                    file.name
                )));
            }
            return Ok(Err(Guessed(found)));
        }
        let (sha, size) = hash
            .join()
            .map_err(|_| Error::NotNats("the hashing thread panicked".into()))?
            .map_err(Error::Convert)?;
        Ok(Ok(Fed { top, source_size: size, source_sha256: sha }))
    })
}
