//! The store's `unsafe` code: opening a mapped archive (the map itself is `tnb_mapped::map`, the
//! workspace's one file mapping), and reading an archive that was validated.
//!
//! Everything else in the crate is `unsafe`-free. The two operations here cannot be done safely
//! by construction, so each is wrapped in the smallest possible API whose preconditions are
//! checked, or stated as the caller's contract.
#![allow(unsafe_code)]

use std::path::Path;

use tnb_schema::file::open_regular;
use tnb_schema::transnas::ArchivedBenchmark;

use crate::{Buffer, OpenError, Store};

impl Store<Buffer> {
    /// Maps the archive at `path` and opens it: no copy, and every process that maps the same
    /// file shares its pages. Only a regular file is mapped (see [`Store::open`]).
    ///
    /// # Safety
    /// The file must not be modified or truncated while the store (or anything borrowed from
    /// it) lives: a mapping whose file changes gives torn reads or SIGBUS, which is undefined
    /// behaviour. Replace archives atomically (write a new file, rename it over the old one),
    /// as `tnb-convert` does; a rename leaves existing maps reading the old file.
    pub unsafe fn open_mmap(path: impl AsRef<Path>) -> Result<Store<Buffer>, OpenError> {
        let path = path.as_ref();
        // A regular file only (a device or FIFO is refused without waiting): see
        // `tnb_schema::file`.
        let (f, _) = open_regular(path).map_err(|e| OpenError::io(path, e))?;
        // SAFETY: forwarded to our caller's contract (above).
        let map = unsafe { tnb_mapped::map::map(&f) }.map_err(|e| OpenError::io(path, e))?;
        Store::from_bytes(Buffer::Map(map))
    }
}

/// A payload slice that has passed `rkyv::access::<ArchivedBenchmark, _>` (full bytecheck
/// validation), remembered by address and length.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Validated {
    ptr: usize,
    len: usize,
}

impl Validated {
    /// Validates `payload` and returns the token that allows reading it without validating
    /// again.
    pub(crate) fn check(payload: &[u8]) -> Result<Validated, rkyv::rancor::BoxedError> {
        rkyv::access::<ArchivedBenchmark, rkyv::rancor::BoxedError>(payload)?;
        Ok(Validated { ptr: payload.as_ptr() as usize, len: payload.len() })
    }

    /// The archived root of `payload`, if `payload` is the very slice that was validated.
    #[inline]
    pub(crate) fn root<'a>(&self, payload: &'a [u8]) -> Option<&'a ArchivedBenchmark> {
        if payload.as_ptr() as usize != self.ptr || payload.len() != self.len {
            return None;
        }
        // SAFETY: `payload` starts at the address and has the length of a slice that passed
        // `rkyv::access` (constructor above). Its bytes cannot have changed since: the store
        // owns its backing and never hands out mutable access; a backing that is a map is
        // immutable under `Store::open_mmap`'s contract; and safe code cannot make an
        // `AsRef<[u8]>` return different contents at the same address while the store owns it
        // (that needs interior mutability behind `&[u8]`, which only unsafe code can create).
        // Validation covered every byte `access_unchecked` and the archived types' accessors
        // read, so they only see valid archived values.
        Some(unsafe { rkyv::access_unchecked::<ArchivedBenchmark>(payload) })
    }
}

/// What the mapped open costs in memory, measured in child processes (the kernel's accounting
/// is per process): the archive is mapped, not copied, and processes share its pages. These are
/// tests, not timings: page sharing is the kernel's guarantee, so they cannot flake.
///
/// Run with `--nocapture` to see the numbers.
#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Write};
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};

    use crate::Store;

    /// Set in a child: the archive to map.
    const CHILD_ENV: &str = "TNB_RAW_TEST_CHILD_ARCHIVE";

    /// A look-alike archive of 1000 archs (about 7.5 MB), big enough that a copy would show.
    fn archive(dir: &Path) -> PathBuf {
        use tnb_synth::{Container, Options, Synth};
        let synth = Synth::new(Options { archs: 1000, ..Options::default() }).unwrap();
        let src = synth.file_bytes(&Container::Zip { folder: "mapped".into() }).unwrap();
        let bytes = tnb_convert::convert_bytes(&src).unwrap();
        let p = dir.join("mapped.tnb");
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn status(field: &str) -> u64 {
        let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        s.lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// Not a test on its own: the body of the child processes the tests below start (it does
    /// nothing unless `CHILD_ENV` is set). It maps the archive, touches every page with queries,
    /// reports its own memory growth, then waits until its parent closes stdin.
    #[test]
    fn mapped_child() {
        let Ok(path) = std::env::var(CHILD_ENV) else { return };
        let (anon0, file0) = (status("RssAnon:"), status("RssFile:"));
        // SAFETY: the archive is a file this test wrote in its own temporary folder and never
        // modifies while the children map it.
        let store = unsafe { Store::open_mmap(&path) }.unwrap();
        // Every value once (every page of the columns), then a million queries.
        let mut touched = 0u64;
        for a in store.archs() {
            for t in store.tasks() {
                for i in store.infos() {
                    touched += u64::from(store.model_info(a, t, i).is_ok());
                }
                for m in store.metrics(t).unwrap() {
                    touched += store.values(a, t, m).unwrap().count() as u64;
                    touched += u64::from(store.best_value(a, t, m).is_ok());
                }
            }
        }
        assert!(touched > 0);
        let (n, mut sum) = (store.len(), 0u64);
        for i in 0..1_000_000usize {
            let name = store.arch_at((i % n) as i64).and_then(|a| store.arch_name(a));
            sum = sum.wrapping_add(name.map_or(0, |s| s.len() as u64));
        }
        let (anon1, file1) = (status("RssAnon:"), status("RssFile:"));
        println!("ready anon_kib={} file_kib={} sum={sum}", anon1 - anon0, file1 - file0);
        std::io::stdout().flush().unwrap();
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    }

    fn spawn_child(archive: &Path) -> (Child, String) {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["raw::tests::mapped_child", "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, archive)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while out.read_line(&mut line).unwrap() > 0 && !line.contains("ready") {
            line.clear();
        }
        (child, line)
    }

    /// (Rss, Pss) in KiB of `pid`'s mappings of `file`.
    fn mapping_of(pid: u32, file: &Path) -> (u64, u64) {
        let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap();
        let name = file.to_string_lossy();
        let (mut rss, mut pss, mut inside) = (0, 0, false);
        for line in smaps.lines() {
            if line.contains('-') && line.split_whitespace().count() >= 5 {
                inside = line.ends_with(name.as_ref());
            } else if inside {
                let kib = |l: &str| {
                    l.split_whitespace().nth(1).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
                };
                if line.starts_with("Rss:") {
                    rss += kib(line);
                } else if line.starts_with("Pss:") {
                    pss += kib(line);
                }
            }
        }
        (rss, pss)
    }

    fn field(line: &str, key: &str) -> u64 {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
            .unwrap_or(u64::MAX)
    }

    #[test]
    fn a_mapped_archive_is_not_copied_and_eight_processes_share_one_copy() {
        let dir = std::env::temp_dir().join(format!("tnb-raw-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = archive(&dir);
        let file_kib = std::fs::metadata(&path).unwrap().len().div_ceil(1024);
        let children: Vec<(Child, String)> = (0..8).map(|_| spawn_child(&path)).collect();
        let mut rss_sum = 0;
        let mut pss_sum = 0;
        for (child, ready) in &children {
            // Walking the whole archive a million values' worth touched every page of it, yet
            // the process's anonymous memory grew by far less than the archive: no heap copy.
            let anon = field(ready, "anon_kib");
            assert!(
                anon < file_kib / 4,
                "anonymous memory grew by {anon} KiB for a {file_kib} KiB archive"
            );
            let (rss, pss) = mapping_of(child.id(), &path);
            assert!(rss > 0, "the archive is mapped and touched");
            rss_sum += rss;
            pss_sum += pss;
        }
        println!(
            "8 processes: archive {file_kib} KiB, sum of Rss {rss_sum} KiB, sum of Pss {pss_sum} KiB"
        );
        // Proportional set size splits each shared page between its users: together the eight
        // processes account for one copy, not eight.
        assert!(pss_sum <= file_kib + 64, "sum of Pss {pss_sum} KiB for a {file_kib} KiB archive");
        assert!(rss_sum >= 7 * file_kib, "each process touched the whole archive");
        assert!(rss_sum >= 4 * pss_sum, "pages are shared (Rss {rss_sum} vs Pss {pss_sum})");
        for (mut child, _) in children {
            drop(child.stdin.take());
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
