//! Records of a byte slice (in-memory files, fuzzing).

use crate::{Error, FOOTER_LEN, HEADER_LEN, Problem, RecordAt, check_data, check_header};

/// An iterator over the records of a byte slice, yielding each record's place and data (a
/// sub-slice, no copy). After the first error it yields nothing more.
#[derive(Clone, Debug)]
pub struct Records<'a> {
    data: &'a [u8],
    pos: usize,
    index: u64,
    failed: bool,
}

impl<'a> Records<'a> {
    /// The records of `data`, from its start.
    pub fn new(data: &'a [u8]) -> Records<'a> {
        Records { data, pos: 0, index: 0, failed: false }
    }

    /// Byte offset of the next record (the end of the last one read).
    pub fn position(&self) -> u64 {
        self.pos as u64
    }

    fn next_record(&mut self) -> Result<Option<(RecordAt, &'a [u8])>, Error> {
        let rest = &self.data[self.pos..];
        if rest.is_empty() {
            return Ok(None);
        }
        let (index, offset) = (self.index, self.pos as u64);
        let err = |problem| Error::new(index, offset, problem);
        let Some(h) = rest.get(..HEADER_LEN) else {
            return Err(err(Problem::TruncatedLength { have: rest.len() as u64 }));
        };
        let len = check_header(h, index, offset)?;
        let body = &rest[HEADER_LEN..];
        // `len` <= MAX_RECORD_LEN, so it fits a usize on every supported target.
        let n = len as usize;
        let Some(data) = body.get(..n) else {
            return Err(err(Problem::TruncatedData { have: body.len() as u64, len }));
        };
        let tail = &body[n..];
        let Some(crc) = tail.get(..FOOTER_LEN) else {
            return Err(err(Problem::TruncatedCrc { have: tail.len() as u64 }));
        };
        check_data(data, crc, index, offset)?;
        self.pos += HEADER_LEN + n + FOOTER_LEN;
        self.index += 1;
        Ok(Some((RecordAt { index, offset, len }, data)))
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<(RecordAt, &'a [u8]), Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let r = self.next_record();
        if r.is_err() {
            self.failed = true;
        }
        r.transpose()
    }
}
