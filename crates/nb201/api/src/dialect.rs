//! Which official code the semantics follow: NAS-Bench-201 v2.1 (`NASBench201API`) or
//! NATS-Bench v1.8 (`NATStopology`, `NATSsize`): [`Dialect`].

use std::sync::Arc;

/// A NATS-Bench search space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Space {
    /// The topology space (`'tss'` / `'topology'`): `NATStopology`, 15625 archs, hp `'12'`,
    /// `'200'`.
    Tss,
    /// The size space (`'sss'` / `'size'`): `NATSsize`, 32768 archs, hp `'01'`, `'12'`, `'90'`.
    Sss,
}

impl Space {
    /// The official class name.
    pub fn class(self) -> &'static str {
        match self {
            Space::Tss => "NATStopology",
            Space::Sss => "NATSsize",
        }
    }

    /// `search_space_name`: `'topology'` / `'size'`.
    pub fn name(self) -> &'static str {
        match self {
            Space::Tss => "topology",
            Space::Sss => "size",
        }
    }

    /// `full_train_epochs` and `full_epochs_in_paper`: 200 / 90.
    pub fn full_epochs(self) -> i64 {
        match self {
            Space::Tss => 200,
            Space::Sss => 90,
        }
    }

    /// The space of an archive's header family (`None` for NAS-Bench-201 and TransNAS).
    pub fn from_family(f: tnb_schema::header::Family) -> Option<Space> {
        use tnb_schema::header::Family;
        match f {
            Family::NatsTss => Some(Space::Tss),
            Family::NatsSss => Some(Space::Sss),
            _ => None,
        }
    }

    /// The space `create(..., search_space)` names (`'tss'`, `'topology'`, `'sss'`, `'size'`).
    pub fn from_name(s: &str) -> Option<Space> {
        match s {
            "tss" | "topology" => Some(Space::Tss),
            "sss" | "size" => Some(Space::Sss),
            _ => None,
        }
    }
}

/// What a NATS-Bench API object holds beside its data: the space, `fast_mode` and
/// `archive_dir` (both settable by `reset_fast_mode` / `reset_archive_dir`).
///
/// In tnb every arch of the source is available from the start whatever `fast_mode` is:
/// `fast_mode` keeps the official argument checks (`find_best`'s `enforce_all`) and what the
/// official `_prepare_info` does for an index the source does not hold (with `fast_mode` and
/// an `archive_dir`, the error of the official `reload` for a missing per-arch file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nats {
    /// The search space (the class).
    pub space: Space,
    /// `fast_mode`.
    pub fast_mode: bool,
    /// `archive_dir` (`None` unless a folder was opened in fast mode, or reset).
    pub archive_dir: Option<Arc<str>>,
}

impl Nats {
    /// A NATS-Bench object of `space` (not in fast mode, no `archive_dir`).
    pub fn new(space: Space) -> Nats {
        Nats { space, fast_mode: false, archive_dir: None }
    }
}

/// The official code reproduced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Dialect {
    /// `nas_201_api` v2.1's `NASBench201API`.
    #[default]
    Nb201,
    /// `nats_bench` v1.8's `NATStopology` / `NATSsize`.
    Nats(Nats),
}
