//! The README's examples, run: what it shows a user must be what tnb prints.

use crate::common::{TempDir, data, tnb};

/// The `tnb batch` session in the README's "The batch protocol" section: its requests, run on
/// the archive of the bundled sample, print exactly the lines the README shows (answers, the
/// official class's messages and exception classes).
#[test]
fn the_readme_batch_example_prints_what_the_readme_shows() {
    let readme = std::fs::read_to_string(data().join("../README.md")).unwrap();
    let start = readme.find("$ printf '%s\\n' ").expect("the batch example");
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let shown: Vec<&str> = block.lines().filter(|l| l.starts_with('{')).collect();
    let requests: Vec<&str> = block
        .lines()
        .filter(|l| !l.starts_with('{'))
        .filter_map(|l| {
            let a = l.find("'{")?;
            let b = l.rfind("}'")?;
            Some(&l[a + 1..=b])
        })
        .collect();
    assert_eq!(requests.len(), 5, "{block}");
    assert_eq!(shown.len(), requests.len(), "{block}");
    let tmp = TempDir::new("readme-batch");
    let archive = tmp.path("sample.tnb");
    let a = archive.to_str().unwrap();
    let src = data().join("transnas_small.pth");
    let r = tnb(&["convert", src.to_str().unwrap(), a]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let input = requests.join("\n") + "\n";
    let r =
        crate::common::run_bin(env!("CARGO_BIN_EXE_tnb"), &["batch", a], Some(input.as_bytes()));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let stdout = String::from_utf8(r.stdout).unwrap();
    let printed: Vec<&str> = stdout.lines().collect();
    assert_eq!(printed, shown);
}
