//! torch's zip format (torch >= 1.6): `<folder>/data.pkl` plus `<folder>/data/<key>` storages.

use std::collections::HashMap;
use std::io::Cursor;

use crate::error::Error;

/// The records of a torch zip that a reader needs, as ranges of the file.
#[derive(Debug)]
pub(crate) struct TorchZip<'a> {
    /// The folder all records live in (the file stem at save time, or `archive`).
    pub(crate) folder: String,
    pub(crate) data_pkl: &'a [u8],
    pub(crate) storages: HashMap<String, &'a [u8]>,
    pub(crate) little_endian: bool,
}

fn record_err(name: &str, problem: impl Into<String>) -> Error {
    Error::Record { name: name.to_owned(), problem: problem.into() }
}

/// Reads the central directory of `file` (trusting it, as torch does: the local headers of
/// torch's zips carry no sizes) and checks every record it will use: stored uncompressed, sizes
/// consistent, inside the file, CRC-32 correct. Entries are borrowed, never copied.
pub(crate) fn open(file: &[u8]) -> Result<TorchZip<'_>, Error> {
    let mut zip = zip::ZipArchive::new(Cursor::new(file)).map_err(|e| {
        Error::Zip(format!("cannot read the central directory (truncated or damaged file?): {e}"))
    })?;
    let mut entries: Vec<(String, &[u8], u32, bool)> = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|e| Error::Zip(format!("entry {i}: {e}")))?;
        let name = String::from_utf8_lossy(f.name_raw()).into_owned();
        let stored =
            f.compression() == zip::CompressionMethod::Stored && f.size() == f.compressed_size();
        let start = f.data_start().ok_or_else(|| record_err(&name, "data offset unknown"))?;
        let range = start
            .checked_add(f.compressed_size())
            .filter(|&end| end <= file.len() as u64)
            .map(|end| start as usize..end as usize)
            .ok_or_else(|| record_err(&name, "data lies outside the file (truncated zip?)"))?;
        entries.push((name, &file[range], f.crc32(), stored));
    }
    let pkls: Vec<&(String, &[u8], u32, bool)> =
        entries.iter().filter(|e| e.0.ends_with("/data.pkl")).collect();
    let pkl = match pkls.as_slice() {
        [one] => *one,
        [] => {
            return Err(Error::Zip(
                "no '<folder>/data.pkl' record: not a torch.save file".to_owned(),
            ));
        }
        many => {
            let names: Vec<&str> = many.iter().map(|e| e.0.as_str()).collect();
            return Err(Error::Zip(format!("more than one data.pkl record: {}", names.join(", "))));
        }
    };
    let folder = pkl.0[..pkl.0.len() - "/data.pkl".len()].to_owned();
    let checked = |e: &(String, &'_ [u8], u32, bool)| -> Result<(), Error> {
        if !e.3 {
            return Err(record_err(&e.0, "is compressed; torch writes every record STORED"));
        }
        if crc32fast::hash(e.1) != e.2 {
            return Err(record_err(&e.0, "CRC-32 mismatch: the file is corrupted"));
        }
        Ok(())
    };
    checked(pkl)?;
    let storage_prefix = format!("{folder}/data/");
    let mut storages = HashMap::new();
    let mut little_endian = true;
    for e in &entries {
        if let Some(key) = e.0.strip_prefix(&storage_prefix) {
            checked(e)?;
            storages.insert(key.to_owned(), e.1);
        } else if e.0 == format!("{folder}/byteorder") {
            checked(e)?;
            little_endian = match e.1 {
                b"little" => true,
                b"big" => false,
                other => {
                    return Err(record_err(
                        &e.0,
                        format!(
                            "expected 'little' or 'big', found {:?}",
                            String::from_utf8_lossy(other)
                        ),
                    ));
                }
            };
        }
    }
    Ok(TorchZip { folder, data_pkl: pkl.1, storages, little_endian })
}
