//! Comparing an archive's walk with its source's, value by value.

use std::fmt;

use tnb_api::{Event, WalkError, document};
use tnb_pth::{Document, events};
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
