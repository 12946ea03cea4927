//! The house's structure, checked: each crate's dependencies point down the pipeline (the
//! README's "How it works"), no library depends on a command-line tool, and no crate has an
//! import circle between its modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The `tnb-*` packages a manifest's `[dependencies]` (or `[dev-dependencies]`) section names.
fn tnb_deps(manifest: &Path, section: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let mut out = BTreeSet::new();
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == format!("[{section}]");
        } else if inside && line.starts_with("tnb-") {
            out.insert(line.split(['.', ' ', '=']).next().unwrap().to_owned());
        }
    }
    out
}

fn crates() -> Vec<PathBuf> {
    // crates/<family>/<crate>, and crates/python (the binding for every family).
    let mut v: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(root().join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        if dir.join("Cargo.toml").exists() {
            v.push(dir);
            continue;
        }
        for inner in std::fs::read_dir(&dir).unwrap() {
            let p = inner.unwrap().path();
            if p.join("Cargo.toml").exists() {
                v.push(p);
            }
        }
    }
    v.push(root().join("schema"));
    v.sort();
    v
}

#[test]
fn dependencies_point_down_the_pipeline() {
    let store = tnb_deps(&root().join("crates/transnas/store/Cargo.toml"), "dependencies");
    let want = BTreeSet::from(["tnb-mapped".to_owned(), "tnb-schema".to_owned()]);
    assert_eq!(store, want, "the store links only the schema and the file layer");
    let convert = tnb_deps(&root().join("crates/transnas/convert/Cargo.toml"), "dependencies");
    for up in ["tnb-store", "tnb-api", "tnb-verify"] {
        assert!(!convert.contains(up), "the converter depends on {up}");
    }
    let api = tnb_deps(&root().join("crates/transnas/api/Cargo.toml"), "dependencies");
    assert!(!api.contains("tnb-convert") && !api.contains("tnb-pth"), "tnb-api: {api:?}");
    // The tools' packages: `tnb` (tools/tnb) and `tnb-synth-cli` (tools/synth).
    for krate in crates() {
        for section in ["dependencies", "dev-dependencies"] {
            let deps = tnb_deps(&krate.join("Cargo.toml"), section);
            for tool in ["tnb", "tnb-synth-cli"] {
                assert!(!deps.contains(tool), "{} depends on the tool {tool}", krate.display());
            }
        }
    }
}

/// The package name of a manifest.
fn package_name(manifest: &Path) -> String {
    let text = std::fs::read_to_string(manifest).unwrap();
    let line = text.lines().find(|l| l.trim_start().starts_with("name =")).unwrap();
    line.split('"').nth(1).unwrap().to_owned()
}

/// Each benchmark is one family under `crates/<family>/`; what they share lives in
/// `crates/common/` and `schema/`. Nothing flows back up: a common crate depends on no family,
/// and a family on no other family.
#[test]
fn families_depend_only_on_common_crates() {
    let mut family_of: BTreeMap<String, String> = BTreeMap::new();
    for krate in crates() {
        let family = krate.parent().unwrap();
        if family.parent().unwrap() == root().join("crates") {
            let name = family.file_name().unwrap().to_string_lossy().into_owned();
            family_of.insert(package_name(&krate.join("Cargo.toml")), name);
        }
    }
    assert!(family_of.values().any(|f| f == "transnas"), "{family_of:?}");
    assert!(family_of.values().any(|f| f == "common"), "{family_of:?}");
    for krate in crates() {
        let Some(mine) = family_of.get(&package_name(&krate.join("Cargo.toml"))) else {
            continue;
        };
        for dep in tnb_deps(&krate.join("Cargo.toml"), "dependencies") {
            let Some(theirs) = family_of.get(&dep) else { continue };
            let allowed = theirs == "common" || theirs == mine;
            assert!(allowed, "{} ({mine}) depends on {dep} ({theirs})", krate.display());
        }
    }
}

/// The modules of one `src` folder and the sibling modules each one names (`crate::x`), comments
/// and test modules left out.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut g = BTreeMap::new();
    for e in std::fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        let (Some(stem), Some("rs")) = (p.file_stem(), p.extension().and_then(|x| x.to_str()))
        else {
            continue;
        };
        let stem = stem.to_string_lossy().into_owned();
        if stem == "lib" || stem == "main" || stem.ends_with("tests") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let mut uses = BTreeSet::new();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for part in line.split("crate::").skip(1) {
                let name: String =
                    part.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if name != stem && !name.is_empty() {
                    uses.insert(name);
                }
            }
        }
        g.insert(stem, uses);
    }
    g
}

/// A module that reaches itself through the graph, if any.
fn circle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<String> {
    for start in g.keys() {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&String> = g[start].iter().collect();
        while let Some(m) = todo.pop() {
            if m == start {
                return Some(start.clone());
            }
            if seen.insert(m.clone()) {
                todo.extend(g.get(m).into_iter().flatten());
            }
        }
    }
    None
}

#[test]
fn no_crate_has_an_import_circle() {
    let mut srcs: Vec<PathBuf> = crates().iter().map(|c| c.join("src")).collect();
    srcs.extend(
        ["tools/tnb/src", "tools/tnb/src/cmd", "crates/transnas/convert/src/layout"]
            .map(|p| root().join(p)),
    );
    for src in srcs {
        assert_eq!(circle(&module_graph(&src)), None, "an import circle in {}", src.display());
    }
    // The check itself finds a circle when there is one.
    let planted: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]
    .into();
    assert!(circle(&planted).is_some());
}
