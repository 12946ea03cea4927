//! Interning layout programs: every arch (or result) of the same shape shares one program.

use std::collections::HashMap;

use super::MAX_NAMES;
use crate::error::Error;

/// Interns layouts: identical item programs share one id.
#[derive(Default)]
pub(super) struct Layouts {
    pub(super) items: Vec<u32>,
    pub(super) offsets: Vec<u32>,
    ids: HashMap<Vec<u32>, u32>,
}

impl Layouts {
    /// The id of layout `prog`, added if it is new.
    pub(super) fn intern(&mut self, prog: &[u32]) -> Result<u32, Error> {
        if let Some(&id) = self.ids.get(prog) {
            return Ok(id);
        }
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        let id = (self.offsets.len() - 1) as u32;
        if id as usize >= MAX_NAMES {
            return Err(Error::TooLarge("more than 2^24 distinct dict layouts".to_owned()));
        }
        self.items.extend_from_slice(prog);
        self.offsets.push(
            u32::try_from(self.items.len())
                .map_err(|_| Error::TooLarge("layout items".to_owned()))?,
        );
        self.ids.insert(prog.to_vec(), id);
        Ok(id)
    }
}
