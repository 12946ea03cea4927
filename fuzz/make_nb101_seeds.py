"""Seeds of the `tfrecord` and `nb101_record` fuzz targets (plain python3, stdlib only).

Run from the repository root: python3 fuzz/make_nb101_seeds.py
Records come from crates/nb101/record/tests/vectors/vectors.jsonl (made by the real protobuf:
see make_vectors.py there); the TFRecord framing is written here with a bitwise CRC-32C.
"""
import base64
import json
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame(data):
    n = struct.pack("<Q", len(data))
    return n + struct.pack("<I", masked(n)) + data + struct.pack("<I", masked(data))


assert crc32c(b"123456789") == 0xE3069283

vectors = [json.loads(l) for l in open(os.path.join(
    ROOT, "crates/nb101/record/tests/vectors/vectors.jsonl"))]
records = {v["name"]: v["record"].encode("utf-8") for v in vectors}


def write(target, name, data):
    d = os.path.join(ROOT, "fuzz/seeds", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# nb101_record: whole records, and bare ModelMetrics protobufs (the target also wraps its
# input as a record's protobuf).
for name in ["typical", "no_trainable_parameters", "negative_int32", "four_evaluations",
             "unicode_ops", "unknown_fields", "json_escapes", "json_surrogate_pair",
             "json_whitespace", "two_evaluations"]:
    write("nb101_record", name + ".json", records[name])
for name in ["typical", "unknown_fields", "eval_repeated_field"]:
    text = json.loads(records[name])
    write("nb101_record", name + ".pb", base64.b64decode(text[4]))

# tfrecord: small files.
write("tfrecord", "three_records.tfrecord",
      frame(records["typical"]) + frame(b"") + frame(records["epochs_4"]))
write("tfrecord", "one_record.tfrecord", frame(records["no_total_time"]))
write("tfrecord", "truncated_crc.tfrecord", frame(b"abc")[:-2])
bad = bytearray(frame(b"hello"))
bad[14] ^= 1
write("tfrecord", "data_crc_mismatch.tfrecord", bytes(bad))
huge = struct.pack("<Q", 1 << 62)
write("tfrecord", "huge_length.tfrecord", huge + struct.pack("<I", masked(huge)))
