//! Asking glibc for transparent huge pages before a big job.
//!
//! Converting the benchmark touches about 150 MB of fresh heap (the reader's arena, the columns).
//! In 4 KiB pages that is about 37 000 page faults, which cost about 0.3 s of kernel time on this
//! project's machines — a third of the conversion. glibc's malloc backs its large allocations
//! with transparent huge pages when the `glibc.malloc.hugetlb` tunable is set, but it reads
//! tunables only when a process starts. So the commands that read a large input re-execute
//! themselves once with the tunables set (see [`TUNABLES`]). Nothing changes where the tunable does
//! not exist (other C libraries ignore it), where the user set `GLIBC_TUNABLES` already, or if the
//! re-execution fails: the command then simply runs in this process.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

/// Inputs smaller than this are not worth a re-execution (about a millisecond).
const WORTH_IT: u64 = 16 << 20;

/// Huge pages for malloc's memory, and a 256 MiB margin each time the heap grows, so that most
/// allocations come from a few large, huge-page-backed regions instead of many small maps that
/// each fault in 4 KiB at a time (measured on the full-size conversion: 32 000 page faults
/// without, 7 600 with `hugetlb` alone, under 1 000 with both).
const TUNABLES: &str = "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=268435456";

/// Set in the re-executed process, so that it never re-executes again.
const MARK: &str = "TNB_REEXECUTED";

/// Re-executes this command with huge pages requested, when `input` is large. Returns only if
/// it did not (or could not): the caller then does its work as usual.
pub fn prefer_huge_pages(input: &Path) {
    let big = std::fs::metadata(input).is_ok_and(|m| m.len() >= WORTH_IT);
    if !big || std::env::var_os("GLIBC_TUNABLES").is_some() || std::env::var_os(MARK).is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    // `exec` replaces this process (same pid, same open files); it returns only on failure.
    let _failed = Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("GLIBC_TUNABLES", TUNABLES)
        .env(MARK, "1")
        .exec();
}
