"""Test vectors for tnb-nb101-record made by the real protobuf (3.20.3) and Python's json/base64.

Run: python3 -m venv /tmp/rvenv && /tmp/rvenv/bin/pip install protobuf==3.20.3
     /tmp/rvenv/bin/python make_vectors.py > vectors.jsonl
     (protobuf 3.20.3 runs its pure-Python parser on current CPython; it printed the
      implementation used on stderr: "python")

Each line: {"name", "record": the record's text (what the official writer's json.dumps gives,
or a hand-made variant), "loader": what the official loader's lines
make of it: {"hash", "epochs", "adjacency", "operations", "trainable_parameters", "halfway":
[float.hex x4], "final": [...]} or {"error": "ExceptionClass"}}. The ModelMetrics class is
built from a descriptor equal to nasbench/lib/model_metrics.proto (no protoc needed).
"""
import base64
import json
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.internal import api_implementation

F = descriptor_pb2.FieldDescriptorProto
fd = descriptor_pb2.FileDescriptorProto(name="model_metrics.proto", package="nasbench", syntax="proto2")
mm = fd.message_type.add(name="ModelMetrics")
mm.field.add(name="evaluation_data", number=1, label=F.LABEL_REPEATED, type=F.TYPE_MESSAGE,
             type_name=".nasbench.EvaluationData")
mm.field.add(name="trainable_parameters", number=2, label=F.LABEL_OPTIONAL, type=F.TYPE_INT32)
mm.field.add(name="total_time", number=3, label=F.LABEL_OPTIONAL, type=F.TYPE_DOUBLE)
ed = fd.message_type.add(name="EvaluationData")
for i, n in enumerate(["current_epoch", "training_time", "train_accuracy", "validation_accuracy",
                       "test_accuracy"]):
    ed.field.add(name=n, number=i + 1, label=F.LABEL_OPTIONAL, type=F.TYPE_DOUBLE)
ed.field.add(name="checkpoint_path", number=6, label=F.LABEL_OPTIONAL, type=F.TYPE_STRING)
pool = descriptor_pool.DescriptorPool()
pool.Add(fd)
ModelMetrics = message_factory.MessageFactory(pool).GetPrototype(
    pool.FindMessageTypeByName("nasbench.ModelMetrics"))


def loader(text):
    """What api.py's loop body makes of one record (numpy replaced by its plain equivalent)."""
    try:
        module_hash, epochs, raw_adjacency, raw_operations, raw_metrics = json.loads(text)
        dim = int(len(raw_adjacency) ** 0.5)
        adjacency = [int(e) for e in list(raw_adjacency)]
        if dim * dim != len(adjacency):
            raise ValueError("reshape")
        operations = raw_operations.split(",")
        metrics = ModelMetrics.FromString(base64.b64decode(raw_metrics))
        h, f = metrics.evaluation_data[1], metrics.evaluation_data[2]
        bits = lambda x: struct.unpack("<Q", struct.pack("<d", x))[0]
        ev = lambda e: [bits(e.training_time), bits(e.train_accuracy),
                        bits(e.validation_accuracy), bits(e.test_accuracy)]
        return {"hash": module_hash, "epochs": epochs, "adjacency": adjacency,
                "operations": operations, "trainable_parameters": metrics.trainable_parameters,
                "halfway": ev(h), "final": ev(f)}
    except Exception as e:  # noqa: BLE001 - the class is the answer
        return {"error": type(e).__name__}


def metrics(evals, tp=None, total=None):
    m = ModelMetrics()
    for e in evals:
        d = m.evaluation_data.add()
        for k, v in e.items():
            setattr(d, k, v)
    if tp is not None:
        m.trainable_parameters = tp
    if total is not None:
        m.total_time = total
    return m.SerializeToString()


def full(epoch, t, a, v, s, path=None):
    e = {"current_epoch": epoch, "training_time": t, "train_accuracy": a,
         "validation_accuracy": v, "test_accuracy": s}
    if path is not None:
        e["checkpoint_path"] = path
    return e


H = "1b7dd5f2e0fc1c8ed2a2b8ec5b8b3e0e"
ADJ = "0111000001000000010000000"
OPS = "input,conv3x3-bn-relu,maxpool3x3,conv1x1-bn-relu,output"
EV = [full(0.0, 0.0, 0.1, 0.0987, 0.1002),
      full(54.0, 883.4580078125, 0.8745993375778198, 0.8426482081413269, 0.8382411599159241),
      full(108.0, 1769.1419677734375, 1.0, 0.9284855723381042, 0.9231770634651184,
           "/tmp/x/model.ckpt-1234")]


def record(pb, epochs=108, adj=ADJ, ops=OPS, h=H):
    return json.dumps([h, epochs, adj, ops, base64.b64encode(pb).decode("ascii")])


cases = [
    ("typical", record(metrics(EV, 2694282, 1800.25))),
    ("no_total_time", record(metrics(EV, 2694282))),
    ("no_trainable_parameters", record(metrics(EV))),
    ("negative_int32", record(metrics(EV, -5))),
    ("int32_min", record(metrics(EV, -2 ** 31))),
    ("empty_evaluations", record(metrics([{}, {}, {}]))),
    ("four_evaluations", record(metrics(EV + [full(200.0, 9.0, 9.0, 9.0, 9.0)]))),
    ("two_evaluations", record(metrics(EV[:2]))),
    ("nan_and_inf", record(metrics([EV[0], full(1.0, float("nan"), float("inf"), -0.0, 5e-324), EV[2]]))),
    ("nan_payloads", record(metrics([EV[0], full(1.0, *[struct.unpack("<d", struct.pack("<Q", b))[0] for b in
        (0xfff8000000000000, 0x7ff0000000000001, 0xfff40000deadbeef, 0x7fffffffffffffff)]), EV[2]]))),
    ("epochs_4", record(metrics(EV), epochs=4)),
    ("unicode_ops", record(metrics(EV), ops="input,\u00e9\U0001F600,\"q\\\n,output")),
    ("seven_vertices", record(metrics(EV), adj="0" * 49)),
    ("one_vertex", record(metrics(EV), adj="0")),
]
# Wire-level variants parsed by the real protobuf: unknown fields, repeated scalars (last wins),
# fields out of order, an overlong value varint, a varint over 32 bits for the int32.
base = metrics(EV)
cases += [
    ("unknown_fields", record(base + b"\x38\x96\x01" + b"\x41" + b"\0" * 8 + b"\x4a\x02\xff\xfe" + b"\x55" + b"\0" * 4)),
    ("repeated_scalar_last_wins", record(base + b"\x10\x05\x10\x07")),
    ("total_time_first", record(b"\x19" + b"\0" * 7 + b"\x40" + b"\x10\x2a" + base)),
    ("overlong_value_varint", record(base + b"\x10\x87\x80\x00")),
    ("varint_beyond_32_bits", record(base + b"\x10\x81\x80\x80\x80\x10")),
    ("eval_repeated_field", record(b"\x0a\x00" + b"\x0a\x12\x11" + b"\0" * 8 + b"\x11" + b"\0" * 7 + b"\x40"
                                   + base[base.index(b"\x0a", 1):])),
]
# JSON spellings json.loads accepts.
t = record(base)
cases += [
    ("json_no_spaces", t.replace(", ", ",")),
    ("json_whitespace", " \n" + t.replace(", ", " ,\t\r\n") + "\n"),
    ("json_escapes", t.replace('"' + ADJ + '"', '"\\u0030' + ADJ[1:] + '"').replace("input", "inp\\u0075t")),
    ("json_surrogate_pair", t.replace("input", "\\ud83d\\ude00")),
]
for name, text in cases:
    out = loader(text)
    print(json.dumps({"name": name, "record": text, "loader": out}, ensure_ascii=True))
print("protobuf", api_implementation.Type(), file=sys.stderr)
