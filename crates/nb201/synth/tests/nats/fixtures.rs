//! The committed NATS look-alike fixtures (data/nats/synth, made by
//! tools/fixtures/make_nats_fixtures.sh): they are what the generator writes for the script's
//! options, and (with `TNB_PYTHON` naming a Python that has `nats_bench==1.8`) the official API
//! answers every query on them.

use std::path::{Path, PathBuf};
use std::process::Command;

use tnb_nb201_synth::nats::{Form, NatsOptions, NatsSynth, Space};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

fn unbz2(path: &Path) -> Vec<u8> {
    let b = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    tnb_bz2::decompress(&b, 1 << 30).unwrap()
}

/// The options make_nats_fixtures.sh passes, by fixture name.
fn fixtures() -> Vec<(&'static str, NatsOptions)> {
    let o = |space, form, archs, indexes: Option<Vec<usize>>| NatsOptions {
        space,
        form,
        archs,
        indexes,
        ..NatsOptions::default()
    };
    vec![
        ("tss-simple", o(Space::Tss, Form::Folder, None, Some(vec![1, 4, 7, 8, 16, 15624]))),
        ("sss-simple", o(Space::Sss, Form::Folder, Some(8), None)),
        ("tss.pickle.pbz2", o(Space::Tss, Form::File, Some(8), None)),
        ("sss.pickle.pbz2", o(Space::Sss, Form::File, Some(8), None)),
    ]
}

#[test]
fn committed_fixtures_are_what_the_generator_writes() {
    for (name, options) in fixtures() {
        let path = root().join("data/nats/synth").join(name);
        let synth = NatsSynth::new(options.clone()).unwrap();
        match options.form {
            Form::Folder => {
                let mut names: Vec<String> = std::fs::read_dir(&path)
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect();
                names.sort();
                let mut want: Vec<String> =
                    synth.indexes().iter().map(|i| format!("{i:06}.pickle.pbz2")).collect();
                want.push("meta.pickle.pbz2".to_owned());
                assert_eq!(names, want, "{name}");
                assert!(unbz2(&path.join("meta.pickle.pbz2")) == synth.meta_pickle(), "{name}");
                for &i in synth.indexes() {
                    let file = path.join(format!("{i:06}.pickle.pbz2"));
                    assert!(unbz2(&file) == synth.arch_pickle(i), "{name}: arch {i}");
                }
            }
            Form::File => {
                let mut whole = Vec::new();
                let size = synth
                    .write_file_pickle(
                        &mut |piece| {
                            whole.extend(piece);
                            Ok(())
                        },
                        &mut |_| {},
                    )
                    .unwrap();
                assert_eq!(size, whole.len() as u64);
                assert!(unbz2(&path) == whole, "{name}");
            }
        }
        let bytes: u64 = match options.form {
            Form::File => std::fs::metadata(&path).unwrap().len(),
            Form::Folder => std::fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().metadata().unwrap().len())
                .sum(),
        };
        assert!(bytes < 700_000, "{name} is {bytes} bytes: keep fixtures small");
    }
}

/// Runs tools/fixtures/check_nats_fixtures.py with `$TNB_PYTHON` (skipped without it).
#[test]
fn the_official_api_answers_on_the_fixtures() {
    let Some(python) = std::env::var_os("TNB_PYTHON") else {
        eprintln!("skipped: set TNB_PYTHON to a Python with nats_bench==1.8");
        return;
    };
    let out = Command::new(python)
        .arg(root().join("tools/fixtures/check_nats_fixtures.py"))
        .arg(root().join("data/nats/synth"))
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("official nats_bench answered"), "{text}");
}
