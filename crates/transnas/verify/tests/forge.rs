//! `verify --source` proves every answer (issue 16, section 3): whenever a forged archive (its
//! payload changed, its checksums recomputed) answers any call of the official API differently
//! from the source, verify fails.
//!
//! The judge (`forging/mod.rs`, shared with the fuzz target `forge`) calls every method the
//! source defines through `tnb_api::call` on the forgery and on the pristine archive, and fails
//! the test when verify passes while any answer differs. Three kinds of forgeries: the four the
//! issue names, every field of the payload model mutated in each of a few systematic ways, and
//! random byte-level edits of the payload (a property test).

mod forging;

use forging::{
    MUTATIONS, Pristine, Verdict, fields, forge, judge, mutate, named_forgeries, verify,
};
use proptest::prelude::*;
use tnb_store::Store;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../data").join(name);
    std::fs::read(path).unwrap()
}

/// The small TransNAS look-alike (32 archs, 7 tasks) and the variant with an extra top-level
/// key (12 archs): between them every structure of a benchmark payload is present.
const FIXTURES: [&str; 2] = ["transnas_small.pth", "transnas_variant.pth"];

#[test]
fn the_pristine_archives_pass_verify() {
    for name in FIXTURES {
        let p = Pristine::new(&fixture(name));
        assert_eq!(verify(&p.archive, &p.source), Verdict::Passes, "{name}");
        // The judge makes thousands of calls, some answering and some raising.
        assert!(p.calls.len() > 1000, "{name}: {} calls", p.calls.len());
        assert!(p.answers.iter().any(Result::is_ok) && p.answers.iter().any(Result::is_err));
    }
}

/// The field each named forgery changes, as verify names it.
const NAMED_FIELDS: [&str; 5] = [
    "layout.task_list",
    "layout.info_names",
    "layout.task_list",
    "layout.metrics_dict",
    "arch_slots",
];

#[test]
fn the_named_forgeries_answer_wrongly_and_fail_verify() {
    let mut passing = Vec::new();
    for name in FIXTURES {
        let p = Pristine::new(&fixture(name));
        for ((what, forged), field) in named_forgeries(&p.model).into_iter().zip(NAMED_FIELDS) {
            let archive = p.archive_of(&forged).unwrap();
            // The forgery opens, and answers some call differently from the source.
            let store = Store::copy_from(&archive).unwrap_or_else(|e| panic!("{what}: {e}"));
            let wrong = forging::first_different_answer(&p.calls, &p.answers, &store);
            assert!(wrong.is_some(), "{name}, {what}: every answer is right");
            match verify(&archive, &p.source) {
                Verdict::Differs(m) => assert!(m.contains(field), "{name}, {what}: {m}"),
                v => passing.push(format!("{name}, {what}: {v:?}; {}", wrong.unwrap())),
            }
        }
    }
    assert!(passing.is_empty(), "verify is fooled by:\n{}", passing.join("\n"));
}

/// Indexes each field is mutated at (taken modulo the field's length): the first and the last.
const AT: [usize; 2] = [0, usize::MAX];

#[test]
fn every_field_of_the_payload_mutated_fails_verify_or_answers_right() {
    for name in FIXTURES {
        let p = Pristine::new(&fixture(name));
        let count = fields(&mut p.model.clone()).len();
        let (mut forged, mut opened, mut failed) = (0, 0, 0);
        let mut broken = Vec::new();
        for f in 0..count {
            for op in 0..MUTATIONS {
                for (k, at) in AT.into_iter().enumerate() {
                    let mut m = p.model.clone();
                    let (field, target) = fields(&mut m).swap_remove(f);
                    mutate(target, op, at, 3 + k as u64 * 29);
                    // Models are compared as bytes: a NaN in a column is never `==` itself.
                    let Some(archive) = p.archive_of(&m) else { continue };
                    if archive == p.archive {
                        continue;
                    }
                    forged += 1;
                    match judge(&p, &archive) {
                        Err(e) => broken.push(format!("{field}, mutation {op} at {at}: {e}")),
                        Ok(Verdict::Refused(_)) => {}
                        Ok(Verdict::Differs(_)) => {
                            opened += 1;
                            failed += 1;
                        }
                        Ok(Verdict::Passes) => opened += 1,
                    }
                }
            }
        }
        assert!(broken.is_empty(), "{name}: {} forgeries pass verify:\n{}", broken.len(), {
            broken.truncate(20);
            broken.join("\n")
        });
        // Not vacuous: most forgeries open (the open-time checks do not see them), and verify
        // is what refuses them.
        assert!(forged > 10 * count && opened * 2 > forged, "{name}: {opened} of {forged} open");
        assert!(failed > 0);
        println!("{name}: {count} fields, {forged} forgeries, {opened} open, {failed} fail verify");
    }
}

/// The fuzz target `forge`'s committed inputs (seeds, and any regression found since), replayed
/// through exactly the target's code: each is judged, and the named forgeries among the seeds
/// open and fail verify.
#[test]
fn the_fuzz_target_s_inputs_replay() {
    let p = Pristine::new(&fixture("transnas_variant.pth"));
    let fuzz = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../fuzz");
    let mut replayed = 0;
    for folder in ["seeds/forge", "regressions/forge"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(folder)) else { continue };
        for e in entries {
            let path = e.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let Some(archive) = forge(&p, &data) else { continue };
            let verdict = judge(&p, &archive).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("named_") {
                assert!(matches!(verdict, Verdict::Differs(_)), "{name}: {verdict:?}");
            }
            replayed += 1;
        }
    }
    assert!(replayed >= 10, "only {replayed} inputs replayed");
}

thread_local! {
    static VARIANT: Pristine = Pristine::new(&fixture("transnas_variant.pth"));
}

/// Property-test cases per property (each judges one forgery; set `FORGE_CASES` for a longer
/// campaign).
fn cases() -> u32 {
    std::env::var("FORGE_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(32)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..Default::default()
    })]

    /// Random bytes of the payload changed, checksums recomputed: whatever opens and passes
    /// verify answers every call as the source.
    #[test]
    fn random_payload_edits_fail_verify_or_answer_right(
        edits in proptest::collection::vec((any::<usize>(), 1u8..=255), 1..4),
    ) {
        VARIANT.with(|p| {
            let archive = p.with_payload_edits(&edits);
            judge(p, &archive).map(|_| ()).map_err(TestCaseError::fail)
        })?;
    }

    /// Random inputs of the fuzz target `forge` (payload edits, model mutations, named
    /// forgeries mutated further), through the target's own decoder.
    #[test]
    fn random_fuzz_inputs_fail_verify_or_answer_right(
        data in proptest::collection::vec(any::<u8>(), 1..48),
    ) {
        VARIANT.with(|p| match forge(p, &data) {
            Some(archive) => judge(p, &archive).map(|_| ()).map_err(TestCaseError::fail),
            None => Ok(()),
        })?;
    }
}
