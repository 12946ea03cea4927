//! Comparing an archive's walk with its source's, value by value.

use std::fmt;

use tnb_api::{Event, WalkError, document};
use tnb_pth::{Document, events};
use tnb_schema::transnas::Benchmark;
use tnb_schema::transnas::codes::NO_NODE;
use tnb_store::{QueryError, Store};

/// The first place where an archive and its source differ.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mismatch {
    /// A value differs (in type, in bits, in key order, or one side has an extra entry).
    Value {
        /// The object path (`data/micro/…/metrics/valid_top1[3]`).
        path: String,
        /// The source's value there.
        source: String,
        /// The archive's value there.
        archive: String,
    },
    /// The source holds a value that is not data and cannot be archived.
    NotData {
        /// Where.
        path: String,
        /// What it is.
        problem: String,
    },
    /// The archive goes on after the source ended.
    ArchiveLonger {
        /// The archive's next value.
        archive: String,
    },
    /// The source goes on after the archive ended.
    SourceLonger {
        /// Where the source goes on.
        path: String,
        /// Values compared until then.
        compared: u64,
    },
    /// The archive cannot be walked (a crafted archive).
    Archive(QueryError),
    /// A precomputed answer (a best epoch, a ranking or its status) is not what the source
    /// gives when recomputed.
    Precomputed {
        /// Which answer: `task 'jigsaw', metric 'valid_top1': ranking of space 'micro'`.
        what: String,
    },
    /// The source cannot be rebuilt into an archive to recompute the precomputed answers.
    Rebuild(String),
    /// A field of the archive's payload differs from the one the converter builds from the
    /// source (a node id of the layout, the arch-name table, a task's offsets...): a structure
    /// queries answer from, which the value walk never reads.
    Structure {
        /// The field's path in the payload model: `layout.task_list`, `tasks[2] ('jigsaw').offsets`.
        field: String,
    },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Value { path, source, archive } => {
                write!(f, "{path}: the source has {source}, the archive {archive}")
            }
            Mismatch::NotData { path, problem } => write!(f, "{path}: {problem}"),
            Mismatch::ArchiveLonger { archive } => {
                write!(f, "the archive has more than the source ({archive} after the end)")
            }
            Mismatch::SourceLonger { path, compared } => write!(
                f,
                "{path}: the source has more than the archive ({compared} values compared)"
            ),
            Mismatch::Archive(q) => write!(f, "the archive cannot be walked: {q}"),
            Mismatch::Precomputed { what } => {
                write!(f, "{what} differs from the one recomputed from the source")
            }
            Mismatch::Rebuild(e) => write!(f, "the source cannot be rebuilt: {e}"),
            Mismatch::Structure { field } => write!(
                f,
                "the payload's {field} differs from the one the converter builds from the source"
            ),
        }
    }
}

impl std::error::Error for Mismatch {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Mismatch::Archive(q) => Some(q),
            _ => None,
        }
    }
}

/// Checks that `store` holds exactly `source`'s object: same structure (sequence kinds
/// included), same key order, same values: floats bit for bit (the sign of zero and NaN
/// payloads count), ints and floats kept apart. `Err` names the first difference by its object
/// path.
pub fn compare<B: AsRef<[u8]>>(store: &Store<B>, source: &Document<'_>) -> Result<(), Mismatch> {
    let mut src = events(source);
    let mut count: u64 = 0;
    let r = document(store, &mut |e: Event<'_>| -> Result<(), Mismatch> {
        count += 1;
        match src.next() {
            Some(Ok(s)) if s.same(&e) => Ok(()),
            Some(Ok(s)) => Err(Mismatch::Value {
                path: src.path(),
                source: s.to_string(),
                archive: e.to_string(),
            }),
            Some(Err(problem)) => Err(Mismatch::NotData { path: src.path(), problem }),
            None => Err(Mismatch::ArchiveLonger { archive: e.to_string() }),
        }
    });
    match r {
        Ok(()) => {}
        Err(WalkError::Sink(m)) => return Err(m),
        Err(WalkError::Query(q)) => return Err(Mismatch::Archive(q)),
        Err(_) => return Err(Mismatch::Archive(QueryError::Corrupt("the walk failed"))),
    }
    match src.next() {
        None => Ok(()),
        Some(_) => Err(Mismatch::SourceLonger { path: src.path(), compared: count }),
    }
}

/// Checks every field of `store`'s payload against the payload the converter builds from
/// `source` (it is deterministic: one source, one payload): first every precomputed answer (each
/// arch's best epoch of every metric, every `get_best_archs` ranking and its status), named as
/// answers, then every other field, floats bit for bit: the node ids `task_list`,
/// `metrics_dict` and `info_names` answer from, the arch-name table `arch2index` and every lookup
/// by name probe, the arch and space tables, the names, offsets and columns of every task, the
/// layouts and the generic nodes. The value walk of [`compare`] reads only part of these, and an
/// archive whose payload was edited and whose checksums were recomputed could otherwise pass
/// with wrong answers. When this passes, the store reads exactly what it reads from a fresh
/// conversion of `source`, so every query answers as on that conversion.
///
/// An archive written by a converter that builds another payload from the same source (another
/// choice of column kinds, say) fails here even when its answers are right: convert the source
/// again with this version to verify it.
pub fn compare_rebuilt<B: AsRef<[u8]>>(
    store: &Store<B>,
    source: &Document<'_>,
) -> Result<(), Mismatch> {
    let fresh =
        tnb_convert::build_document(source).map_err(|e| Mismatch::Rebuild(e.to_string()))?;
    compare_with_rebuild(store, &fresh)
}

/// [`compare_rebuilt`] against `fresh`, the payload `tnb_convert::build_document` built from
/// the source: for callers that check many archives against one source, which build it once.
pub fn compare_with_rebuild<B: AsRef<[u8]>>(
    store: &Store<B>,
    fresh: &Benchmark,
) -> Result<(), Mismatch> {
    let b = store.archive().map_err(Mismatch::Archive)?;
    let differs = |what: String| Err(Mismatch::Precomputed { what });
    if b.tasks.len() != fresh.tasks.len() || b.space_names.len() != fresh.space_names.len() {
        return differs("the number of tasks or search spaces".to_owned());
    }
    let n = fresh.arch_offsets.len().saturating_sub(1);
    for (t, ft) in b.tasks.iter().zip(&fresh.tasks) {
        if t.metrics.len() != ft.metrics.len() {
            return differs(format!("task '{}': the number of metrics", ft.name));
        }
        for (m, name) in ft.metrics.iter().enumerate() {
            let at = |what: &str| format!("task '{}', metric '{name}': {what}", ft.name);
            let range = m * n..(m + 1) * n;
            let stored = t.best.get(range.clone()).map(|v| v.iter().map(|x| x.to_native()));
            if !stored.is_some_and(|v| v.eq(ft.best[range.clone()].iter().copied())) {
                return differs(at("the best epochs"));
            }
            for (s, space) in fresh.space_names.iter().enumerate() {
                let i = m * fresh.space_names.len() + s;
                if t.ranking_status.get(i).copied() != ft.ranking_status.get(i).copied() {
                    return differs(at(&format!("ranking status of space '{space}'")));
                }
            }
            let stored = t.ranking.get(range.clone()).map(|v| v.iter().map(|x| x.to_native()));
            if !stored.is_some_and(|v| v.eq(ft.ranking[range].iter().copied())) {
                return differs(at("the ranking (get_best_archs order)"));
            }
        }
    }
    // A plain-object archive has no precomputed answers; a benchmark's layout must agree on
    // which of the two it is.
    let benchmark = |id: u32| id != NO_NODE;
    if benchmark(b.layout.task_list.to_native()) != benchmark(fresh.layout.task_list) {
        return differs("whether the object is a benchmark".to_owned());
    }
    crate::rebuilt::first_difference(b, fresh).map_err(|field| Mismatch::Structure { field })
}

/// Everything `tnb verify --source` checks once the archive has opened and its checksum
/// verified: the value walk ([`compare`]), then every field of the payload against the
/// converter's rebuild of the source ([`compare_rebuilt`]). When it passes, every method of the
/// official API, for every argument the source defines, answers from the archive as from a
/// fresh conversion of the source.
pub fn verify_source<B: AsRef<[u8]>>(
    store: &Store<B>,
    source: &Document<'_>,
) -> Result<(), Mismatch> {
    compare(store, source)?;
    compare_rebuilt(store, source)
}
