//! Every way `convert_file` can fail leaves the destination folder as it was: a previous
//! archive byte-identical (or no destination if there was none) and no temporary file
//! (`.<name>.tnb-tmp-<pid>-...`) behind.
//!
//! Most failures (a missing or unparsable source, a layout the converter refuses, a destination
//! it refuses) come before the temporary file exists; the reader refusing the written file and
//! the final rename failing come after it, and only those show whether the temporary file's
//! guard removes it. Every listing is taken right after its call: the next conversion to the
//! same destination would remove a dead process's leftovers, but this process is alive, so its
//! own leftovers would stay and be seen anyway.

use std::path::{Path, PathBuf};

use tnb_convert::{Accept, convert_file};
use tnb_pthwrite::Value as W;

/// A fresh folder under the system's temporary folder, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let d =
            std::env::temp_dir().join(format!("tnb-convert-atomic-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The names in `dir`, sorted: temporary files included (they start with a dot).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data").join(name)
}

/// The store's own open, as the command line's check does (minus the payload checksum, which
/// a freshly written archive always passes).
fn opens(p: &Path) -> Result<(), String> {
    tnb_store::Store::open(p).map(drop).map_err(|e| e.to_string())
}

/// A one-task benchmark whose metric list has `len` values where `total_epochs` says 2.
fn bench(len: usize) -> Vec<u8> {
    let result = W::dict(vec![
        (W::str("total_epochs"), W::Int(2)),
        (W::str("model_info"), W::dict(vec![])),
        (W::str("metrics"), W::dict(vec![(W::str("m"), W::list(vec![W::Float(0.5); len]))])),
    ]);
    let arch = W::dict(vec![(W::str("t"), result)]);
    let top = W::dict(vec![
        (W::str("task_list"), W::list(vec![W::str("t")])),
        (W::str("metrics_dict"), W::dict(vec![(W::str("t"), W::list(vec![W::str("m")]))])),
        (W::str("info_names"), W::list(vec![])),
        (W::str("data"), W::dict(vec![(W::str("s"), W::dict(vec![(W::str("a"), arch)]))])),
    ]);
    tnb_pthwrite::dumps(&top).unwrap()
}

/// Runs one conversion that must fail with an error containing `why` (so that each case fails
/// where it means to), then asserts the folder holds exactly `want` and the destination (if it
/// is a file) still holds `before`.
fn fails(why: &str, src: &Path, dst: &Path, accept: Accept<'_>, want: &[&str], before: &[u8]) {
    match convert_file(src, dst, &mut |_| {}, accept) {
        Ok(_) => panic!("{why}: converted"),
        Err(e) => assert!(e.to_string().contains(why), "{why}: failed otherwise: {e}"),
    }
    let dir = dst.parent().unwrap();
    if dir.exists() {
        assert_eq!(names(dir), want, "{why}: files left in the destination folder");
    }
    if dst.is_file() {
        assert!(std::fs::read(dst).unwrap() == before, "{why}: the destination changed");
    }
}

#[test]
fn every_failed_conversion_leaves_the_destination_and_no_temporary_file() {
    let d = Dir::new("fail");
    let (good, bad_layout, folder) = (d.0.join("good.pkl"), d.0.join("bad.pkl"), d.0.join("f"));
    std::fs::write(&good, bench(2)).unwrap();
    std::fs::write(&bad_layout, bench(3)).unwrap();
    std::fs::create_dir(&folder).unwrap();
    let dst = d.0.join("keep.tnb");
    let old = std::fs::read(data("golden/transnas_small.tnb")).unwrap();
    std::fs::write(&dst, &old).unwrap();
    let all = ["bad.pkl", "f", "good.pkl", "keep.tnb"];
    let refuse: Accept<'_> = &|_| Err("refused by the test".into());

    // Before the temporary file exists.
    fails("No such file or directory", &d.0.join("nope.pth"), &dst, &opens, &all, &old);
    fails("not a regular file: a directory", &folder, &dst, &opens, &all, &old);
    for (bad, why) in [
        ("bad/truncated_zip.pth", "central directory"),
        ("bad/reduce_os_system.pth", "is not allowed"),
        ("bad/cycle_list.pkl", "reference cycle"),
    ] {
        fails(why, &data(bad), &dst, &opens, &all, &old);
    }
    fails("expected 2 epochs (total_epochs), found 3", &bad_layout, &dst, &opens, &all, &old);
    fails("is the source file itself", &dst, &dst, &opens, &all, &old);
    fails("f is not a regular file", &good, &folder, &opens, &all, &old);
    assert_eq!(names(&folder), Vec::<String>::new(), "the destination folder was written into");
    let missing = d.0.join("no-such-folder/out.tnb");
    fails("no-such-folder", &good, &missing, &opens, &all, &old);
    assert!(!missing.parent().unwrap().exists());

    // After it: the reader refuses the written file, over an archive and where none was.
    fails("refused by the test", &good, &dst, refuse, &all, &old);
    let fresh = d.0.join("fresh.tnb");
    fails("refused by the test", &good, &fresh, refuse, &all, &old);
    assert!(!fresh.exists());
    // The rename fails: the check passes, then something that cannot be renamed over appears
    // at the destination (a folder holding a file).
    let blocked = d.0.join("blocked.tnb");
    let block: Accept<'_> = &|p| {
        opens(p)?;
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("x"), b"x").unwrap();
        Ok(())
    };
    let with_blocked = ["bad.pkl", "blocked.tnb", "f", "good.pkl", "keep.tnb"];
    fails("renaming", &good, &blocked, block, &with_blocked, &old);
    assert_eq!(names(&blocked), ["x"]);
    std::fs::remove_dir_all(&blocked).unwrap();

    // And the same source converts when nothing fails.
    convert_file(&good, &fresh, &mut |_| {}, &opens).unwrap();
    assert_eq!(names(&d.0), ["bad.pkl", "f", "fresh.tnb", "good.pkl", "keep.tnb"]);
}
