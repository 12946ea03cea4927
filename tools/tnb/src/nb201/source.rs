//! Reading a NAS-Bench-201 `.pth` for `verify --source`: the stream reader's pass 2 feeding the
//! converter (which `tnb_nb201_convert::convert_scanned` does for `convert`), with the progress
//! bar of this tool.

use std::path::Path;

use tnb_nb201_convert::Converter;
use tnb_pth::{Obj, StreamLimits, StreamScan};

/// The key of the dict the reader streams: `arch2infos`, one entry per architecture.
pub const SPLIT_KEY: &str = "arch2infos";

/// Pass 2 over a scanned source: every `arch2infos` entry goes to `conv` as it completes, and
/// the top-level object is returned. Errors are one line naming the file.
pub fn feed<W: std::io::Write>(
    path: &Path,
    scan: &StreamScan,
    conv: &mut Converter<W>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Obj, String> {
    let limits = StreamLimits::default();
    let mut on_entry = |k: Obj, v: Obj| conv.entry(&k, &v).map_err(|e| e.to_string());
    tnb_pth::stream_load(path, scan, SPLIT_KEY, &limits, &mut on_entry, progress)
        .map_err(|e| e.to_string())
}
