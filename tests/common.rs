//! Helpers shared by the end-to-end tests.
#![allow(dead_code)] // each test module uses its own subset

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The repository's `data/` folder.
pub fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

/// What a finished command left.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Run {
    /// stderr must be exactly one line, and the process must not have panicked (101) or died
    /// from a signal.
    pub fn assert_clean_error(&self, what: &str) {
        assert_eq!(
            self.code,
            Some(2),
            "{what}: expected exit 2, got {:?}; stderr: {}",
            self.code,
            self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "{what}: panicked: {}", self.stderr);
        assert_eq!(
            self.stderr.trim_end().lines().count(),
            1,
            "{what}: error is not one line: {}",
            self.stderr
        );
    }
}

/// Time any single command may take before the test calls it a hang.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Virtual memory a command may use (KiB): bounded-memory checks run every tool under it.
const MEMORY_KIB: u64 = 4 << 20;

/// Runs `tnb` (or `tnb-convert` when `bin` says so) with `args` and optional stdin, under a memory
/// ceiling and a timeout.
pub fn run_bin(bin: &str, args: &[&str], stdin: Option<&[u8]>) -> Run {
    run_bin_within(bin, args, stdin, TIMEOUT)
}

/// [`run_bin`] with its own hang timeout (for commands that must return at once, where a hang
/// is the failure being tested: the test then fails without waiting the general timeout).
pub fn run_bin_within(bin: &str, args: &[&str], stdin: Option<&[u8]>, timeout: Duration) -> Run {
    // `ulimit -v` through sh: a runaway allocation fails inside the tool instead of taking the
    // machine down, and the test sees it as a failed exit.
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB} && exec \"$0\" \"$@\""))
        .arg(bin)
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    if let Some(input) = stdin {
        let mut sin = child.stdin.take().expect("stdin");
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = sin.write_all(&input);
        });
    }
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_t = std::thread::spawn(move || {
        let mut v = String::new();
        let _ = err.read_to_string(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            panic!("{bin} {args:?} hung for {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code(),
        stdout: out_t.join().unwrap_or_default(),
        stderr: err_t.join().unwrap_or_default(),
    }
}

/// Runs the `tnb` binary.
pub fn tnb(args: &[&str]) -> Run {
    run_bin(env!("CARGO_BIN_EXE_tnb"), args, None)
}

/// Runs plain `python3` (no packages) with a script and stdin; the test fails loudly when
/// python3 is missing rather than skipping, since it is the independent check.
pub fn python(script: &str, stdin: &[u8]) -> Vec<u8> {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is required by the test suite (plain python3, no packages)");
    let mut sin = child.stdin.take().expect("stdin");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = sin.write_all(&input);
    });
    let out = child.wait_with_output().expect("python3");
    let _ = writer.join();
    assert!(out.status.success(), "python3 failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// A fresh temporary directory under the target folder, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let p =
            base.join(format!("{name}-{}-{:?}", std::process::id(), std::thread::current().id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The names in `dir`, sorted, hidden ones included: a failed conversion must leave its
/// folder listing exactly as it was, and its temporary files (`.<name>.tnb-tmp-<pid>-...`)
/// are hidden ones.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("list folder")
        .map(|e| e.expect("folder entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The good fixtures: every file in `data/` with a `.json` next to it.
pub fn good_fixtures() -> Vec<(PathBuf, PathBuf)> {
    let mut v: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(data())
        .expect("data dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("pth" | "pkl")))
        .filter_map(|p| {
            let j = p.with_extension("json");
            j.exists().then_some((p, j))
        })
        .collect();
    v.sort();
    assert!(v.len() >= 15, "expected the fixtures of data/, found {}", v.len());
    v
}

/// `data/bad/EXPECTED.tsv`: each bad fixture and a substring its error must contain.
pub fn bad_fixtures() -> Vec<(PathBuf, String)> {
    let dir = data().join("bad");
    let tsv = std::fs::read_to_string(dir.join("EXPECTED.tsv")).expect("EXPECTED.tsv");
    tsv.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (f, want) = l.split_once('\t').expect("file<TAB>substring");
            (dir.join(f), want.to_owned())
        })
        .collect()
}
