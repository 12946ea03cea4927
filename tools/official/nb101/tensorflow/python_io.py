"""`tf.python_io.tf_record_iterator`: TFRecord framing read in pure Python with both CRC-32C checks.

Framing, per record: u64 length (little-endian), u32 masked CRC-32C of those 8 bytes, `length`
bytes of data, u32 masked CRC-32C of the data; masked = ((crc >> 15) | (crc << 17)) + 0xa282ead8
mod 2^32. Like TensorFlow's reader, a CRC mismatch or a truncated record raises DataLossError;
a clean end of file ends the iteration.
"""

import os
import struct

from .errors import DataLossError

_POLY = 0x82F63B78  # CRC-32C (Castagnoli), reflected


def _make_tables():
    # Slicing-by-8 tables: the official loader reads ~5 M records, so a byte-at-a-time CRC in
    # pure Python would dominate the construction time we measure against.
    t0 = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ _POLY if c & 1 else c >> 1
        t0.append(c)
    tables = [t0]
    for _ in range(7):
        prev = tables[-1]
        tables.append([(prev[i] >> 8) ^ t0[prev[i] & 0xFF] for i in range(256)])
    return tables


_T = _make_tables()


def crc32c(data, crc=0):
    """CRC-32C of `data` (bytes-like)."""
    t0, t1, t2, t3, t4, t5, t6, t7 = _T
    crc ^= 0xFFFFFFFF
    n = len(data)
    i = 0
    end8 = n - (n % 8)
    if end8:
        words = struct.unpack_from("<%dI" % (end8 // 4), data, 0)
        for k in range(0, len(words), 2):
            lo = words[k] ^ crc
            hi = words[k + 1]
            crc = (
                t7[lo & 0xFF]
                ^ t6[(lo >> 8) & 0xFF]
                ^ t5[(lo >> 16) & 0xFF]
                ^ t4[lo >> 24]
                ^ t3[hi & 0xFF]
                ^ t2[(hi >> 8) & 0xFF]
                ^ t1[(hi >> 16) & 0xFF]
                ^ t0[hi >> 24]
            )
        i = end8
    for b in data[i:]:
        crc = (crc >> 8) ^ t0[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


_pure_crc32c = crc32c

try:
    # Optional speed-up for measuring the loader at full size (5 M records): the C CRC-32C of
    # the `google-crc32c` package, as TensorFlow's own reader uses a C++ one. Without it the
    # pure-Python CRC above is used; both give the same values (checked in run_official.py --self-test).
    import google_crc32c as _gcrc  # type: ignore

    def _fast_crc32c(data):
        return _gcrc.value(bytes(data))

    crc32c = _fast_crc32c
    CRC_IMPL = "google-crc32c"
except ImportError:  # pragma: no cover - depends on the venv
    CRC_IMPL = "pure-python"


def masked_crc32c(data):
    """TensorFlow's masked CRC-32C of `data`."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def tf_record_iterator(path, options=None):
    """Yields the data bytes of each record of the TFRecord file at `path`, in file order."""
    if options is not None:
        raise NotImplementedError("the stand-in reads uncompressed TFRecord files only")
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        index = 0
        offset = 0
        while True:
            head = f.read(12)
            if not head:
                return
            if len(head) < 12:
                raise DataLossError("record %d at byte %d: truncated length field" % (index, offset))
            (length,) = struct.unpack_from("<Q", head, 0)
            (len_crc,) = struct.unpack_from("<I", head, 8)
            if masked_crc32c(head[:8]) != len_crc:
                raise DataLossError("record %d at byte %d: corrupted record length (CRC-32C mismatch)" % (index, offset))
            if length > size - offset - 16:
                # Never allocate from an untrusted length: a record cannot be longer than the file.
                raise DataLossError("record %d at byte %d: truncated record data (length %d)" % (index, offset, length))
            data = f.read(length)
            foot = f.read(4)
            if len(data) < length or len(foot) < 4:
                raise DataLossError("record %d at byte %d: truncated record data" % (index, offset))
            if masked_crc32c(data) != struct.unpack("<I", foot)[0]:
                raise DataLossError("record %d at byte %d: data CRC-32C mismatch" % (index, offset))
            yield data
            index += 1
            offset += 16 + length
