//! Objects of the source file that the Python API hands back as they are (`task_list`,
//! `metrics_dict`, `info_names`, an arch's result dict, a nested value): views naming where the
//! object sits in the archive, so that a query returns one without building it in memory.
//! Rendering them (as Python values, as `json.dumps` text) is the job of `tnb-api`, which walks
//! the archive from the view.

use tnb_schema::transnas::ArchivedBenchmark;

use crate::handles::ArchId;

/// A view of one object of the source file, borrowed from the archive.
#[derive(Clone, Copy)]
pub struct Object<'a> {
    b: &'a ArchivedBenchmark,
    what: ObjectRef,
}

/// Where an [`Object`] sits in the archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ObjectRef {
    /// A node of the generic section (`codes::NODE_*`), by id.
    Node(u32),
    /// An architecture's dict `{task: result, ...}` (with its extra entries): its values live
    /// in the columns.
    Arch(ArchId),
}

impl std::fmt::Debug for Object<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Object({:?})", self.what)
    }
}

impl<'a> Object<'a> {
    pub(crate) fn node(b: &'a ArchivedBenchmark, id: u32) -> Self {
        Object { b, what: ObjectRef::Node(id) }
    }

    pub(crate) fn arch(b: &'a ArchivedBenchmark, a: ArchId) -> Self {
        Object { b, what: ObjectRef::Arch(a) }
    }

    /// Where the object sits.
    pub fn target(&self) -> ObjectRef {
        self.what
    }

    /// The validated archive the object belongs to.
    pub fn archive(&self) -> &'a ArchivedBenchmark {
        self.b
    }
}
