//! Extra entries: whatever the TransNAS layout does not name, kept as generic key-value pairs
//! with where they belong, so that the archive reproduces the source exactly.

use crate::error::Error;

/// Extra entries of one arch or result: pairs of generic node ids, and where they start.
pub(super) struct Extras {
    /// Generic node ids: key, value, key, value…
    pub(super) pairs: Vec<u32>,
    /// Per arch (or result), where its entries start, in entries (pairs); one more at the end.
    pub(super) offsets: Vec<u32>,
}

impl Extras {
    /// Room for `n` archs (or results).
    pub(super) fn new(n: usize) -> Self {
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        Extras { pairs: Vec::new(), offsets }
    }

    /// Ends one arch's (or result's) extras: offsets count entries (key-value pairs).
    pub(super) fn close(&mut self) -> Result<(), Error> {
        let end = u32::try_from(self.pairs.len() / 2)
            .map_err(|_| Error::TooLarge("extra entries".to_owned()))?;
        self.offsets.push(end);
        Ok(())
    }
}
