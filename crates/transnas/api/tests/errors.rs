//! The classification of every query failure as the official class's exception, and what an
//! error carries (class, name, message, source), exactly.

use std::error::Error as _;

use tnb_api::{ApiError, CallError, Exc, WalkError};
use tnb_store::{NoBest, NoRanking, QueryError};

#[test]
fn every_query_failure_has_the_official_class() {
    let s = String::from;
    let table = [
        (QueryError::UnknownArch(s("a")), Exc::KeyError),
        (QueryError::UnknownTask(s("t")), Exc::KeyError),
        (QueryError::ArchIndex(-40), Exc::IndexError),
        (QueryError::UnknownMetric { task: s("t"), metric: s("m") }, Exc::AssertionError),
        (QueryError::UnknownInfo(s("i")), Exc::AssertionError),
        (QueryError::UnknownSpace(s("s")), Exc::AssertionError),
        // `assert epoch < total_epochs` fails for any epoch from 0 up ...
        (QueryError::Epoch { epoch: 0, total: 0 }, Exc::AssertionError),
        (QueryError::Epoch { epoch: 5, total: 3 }, Exc::AssertionError),
        // ... and only the list index fails below `-len`.
        (QueryError::Epoch { epoch: -1, total: 0 }, Exc::IndexError),
        (QueryError::Epoch { epoch: -4, total: 3 }, Exc::IndexError),
        (QueryError::Mode(s("x")), Exc::ValueError),
        (QueryError::NoBest(NoBest::Empty), Exc::ValueError),
        (QueryError::NoBest(NoBest::Incomparable), Exc::TypeError),
        (QueryError::NoRanking(NoRanking::Incomparable), Exc::TypeError),
        (QueryError::NoRanking(NoRanking::BestFails), Exc::ValueError),
        (QueryError::Corrupt("bad"), Exc::FormatError),
        (QueryError::ForeignHandle, Exc::FormatError),
        (QueryError::MetricOfAnotherTask, Exc::FormatError),
        (QueryError::NotABenchmark, Exc::FormatError),
    ];
    for (q, want) in table {
        let text = q.to_string();
        let e = ApiError::query(q.clone());
        assert_eq!(e.exc(), want, "{q:?}");
        assert_eq!(e.message(), text, "{q:?}");
        assert_eq!(e.to_string(), text, "{q:?}");
        // The query stays reachable as the source.
        let source = e.source().expect("a query error keeps its source");
        assert_eq!(source.downcast_ref::<QueryError>(), Some(&q));
        assert_eq!(ApiError::from(q.clone()), e);
        let c: CallError<Full> = q.clone().into();
        assert_eq!(c.exc(), Some(want));
        assert_eq!(c.to_string(), text);
        let source = c.source().and_then(|s| s.downcast_ref::<ApiError>());
        assert_eq!(source, Some(&e));
        let w: CallError<Full> = WalkError::Query(q.clone()).into();
        assert_eq!(w.exc(), Some(want));
    }
}

#[test]
fn class_names_are_python_s() {
    let table = [
        (Exc::AssertionError, "AssertionError"),
        (Exc::KeyError, "KeyError"),
        (Exc::ValueError, "ValueError"),
        (Exc::IndexError, "IndexError"),
        (Exc::TypeError, "TypeError"),
        (Exc::AttributeError, "AttributeError"),
        (Exc::FormatError, "FormatError"),
    ];
    for (exc, name) in table {
        assert_eq!(exc.name(), name);
        assert_eq!(exc.to_string(), name);
    }
}

#[test]
fn an_error_of_its_own_has_a_one_line_message_and_no_source() {
    let e = ApiError::new(Exc::KeyError, "first\nsecond");
    assert_eq!(e.exc(), Exc::KeyError);
    assert_eq!(e.message(), tnb_api::one_line("first\nsecond"));
    assert!(!e.message().contains('\n'));
    assert!(e.source().is_none());
    let moved = e.clone().with_exc(Exc::ValueError);
    assert_eq!(moved.exc(), Exc::ValueError);
    assert_eq!(moved.message(), e.message());
    let c: CallError<Full> = e.clone().into();
    assert_eq!(c.exc(), Some(Exc::KeyError));
    assert_eq!(c.to_string(), e.message());
    let src = c.source().expect("an API error is the call error's source");
    assert_eq!(src.downcast_ref::<ApiError>(), Some(&e));
}

#[derive(Debug, PartialEq)]
struct Full;

impl std::fmt::Display for Full {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("sink full")
    }
}

impl std::error::Error for Full {}

#[test]
fn a_sink_failure_is_no_python_exception() {
    let c: CallError<Full> = WalkError::Sink(Full).into();
    assert_eq!(c.exc(), None);
    assert_eq!(c.to_string(), "sink full");
    assert_eq!(c.source().and_then(|s| s.downcast_ref::<Full>()), Some(&Full));
    assert!(matches!(c, CallError::Sink(Full)));
}
