"""Small NAS-Bench-101-shaped TFRecord files written here (stdlib + numpy), and a reference
reader of them giving the official loader's dicts, for tnb.nasbench101's tests.

The writer frames records as TensorFlow does (length, masked CRC-32C of the length, data, masked
CRC-32C of the data), each data a JSON 5-list [hash, epochs, raw_adjacency, raw_operations,
base64(ModelMetrics)] whose protobuf is encoded here (fields 1 evaluation_data, 2
trainable_parameters, 3 total_time; EvaluationData 1..5 doubles, 6 checkpoint_path), optional
fields present or not. The reference reader decodes the same with the official loader's rules
(first record of a hash sets the fixed statistics; runs appended in file order)."""

import base64
import json
import random
import struct

import numpy as np

from tnb.nasbench101.lib import graph_util
from tnb.nasbench101.lib.model_spec import ModelSpec

OPS = ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"]

# -- CRC-32C and framing ----------------------------------------------------------------------

_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked(data):
    crc = crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def frame(data):
    head = struct.pack("<Q", len(data))
    return head + struct.pack("<I", masked(head)) + data + struct.pack("<I", masked(data))


def read_frames(raw):
    at = 0
    while at < len(raw):
        (n,) = struct.unpack_from("<Q", raw, at)
        yield raw[at + 12 : at + 12 + n]
        at += 16 + n


# -- protobuf -----------------------------------------------------------------------------------


def _varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _double(field, x):
    return _varint(field << 3 | 1) + struct.pack("<d", x)


def _bytes(field, b):
    return _varint(field << 3 | 2) + _varint(len(b)) + b


def encode_metrics(evals, trainable_parameters=None, total_time=None):
    """A ModelMetrics: `evals` a list of dicts with any of current_epoch, training_time,
    train_accuracy, validation_accuracy, test_accuracy (doubles), checkpoint_path (str)."""
    out = b""
    for e in evals:
        m = b""
        for k, name in enumerate(
            ["current_epoch", "training_time", "train_accuracy", "validation_accuracy",
             "test_accuracy"], start=1):
            if name in e:
                m += _double(k, e[name])
        if "checkpoint_path" in e:
            m += _bytes(6, e["checkpoint_path"].encode())
        out += _bytes(1, m)
    if trainable_parameters is not None:
        out += _varint(2 << 3) + _varint(trainable_parameters)
    if total_time is not None:
        out += _double(3, total_time)
    return out


def _read_varint(b, at):
    n = shift = 0
    while True:
        c = b[at]
        at += 1
        n |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return n, at


def _fields(b):
    at = 0
    while at < len(b):
        key, at = _read_varint(b, at)
        field, wire = key >> 3, key & 7
        if wire == 0:
            v, at = _read_varint(b, at)
        elif wire == 1:
            v = struct.unpack_from("<d", b, at)[0]
            at += 8
        elif wire == 2:
            n, at = _read_varint(b, at)
            v = b[at : at + n]
            at += n
        elif wire == 5:
            v = b[at : at + 4]
            at += 4
        else:
            raise ValueError("wire type %d" % wire)
        yield field, wire, v


def decode_metrics(b):
    """(evaluations as [time, train, valid, test] lists, trainable_parameters)."""
    evals, params = [], 0
    for field, wire, v in _fields(b):
        if field == 1 and wire == 2:
            e = [0.0, 0.0, 0.0, 0.0]
            for f2, w2, v2 in _fields(v):
                if 2 <= f2 <= 5 and w2 == 1:
                    # protobuf's pure-Python decoder (the official loader's) reads every NaN
                    # as math.nan.
                    e[f2 - 2] = float("nan") if v2 != v2 else v2
            evals.append(e)
        elif field == 2 and wire == 0:
            params = v & 0xFFFFFFFF
            params = params - (1 << 32) if params >= 1 << 31 else params
    return evals, params


# -- cells ------------------------------------------------------------------------------------


def random_cell(rnd, max_vertices=7):
    """A random in-space cell: (pruned matrix as nested lists, ops)."""
    while True:
        n = rnd.randint(2, max_vertices)
        m = np.zeros((n, n), dtype=int)
        for r in range(n):
            for c in range(r + 1, n):
                if rnd.random() < 0.4:
                    m[r, c] = 1
        ops = ["input"] + [rnd.choice(OPS) for _ in range(n - 2)] + ["output"]
        spec = ModelSpec(m, ops)
        if spec.valid_spec and int(np.sum(spec.matrix)) <= 9:
            return spec.matrix.tolist(), list(spec.ops)


def cell_hash(matrix, ops):
    labels = [-1] + [OPS.index(o) for o in ops[1:-1]] + [-2]
    return graph_util.hash_module(np.array(matrix), labels)


_SPECIAL = [0.0, -0.0, 1.0, 0.5, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
            float("inf"), float("-inf"), float("nan"), 883.4580078125, 0.1, -1.5]


def _value(rnd):
    if rnd.random() < 0.15:
        return rnd.choice(_SPECIAL)
    return struct.unpack("<f", struct.pack("<f", rnd.random()))[0]


def records(seed=0, cells=12, budgets=(4, 12, 36, 108), shuffle=True, ragged=True, given=()):
    """The payloads of a small file: every cell (the `given` (matrix, ops) pairs, then random
    ones up to `cells`) at every budget (some budgets and repeats missing when `ragged`), 3
    repeats, optional fields sometimes absent, order shuffled."""
    rnd = random.Random(seed)
    out = []
    seen = set()
    given = list(given)
    while len(seen) < max(cells, len(given)) or given:
        matrix, ops = given.pop(0) if given else random_cell(rnd)
        h = cell_hash(matrix, ops)
        if h in seen:
            continue
        seen.add(h)
        params = rnd.choice([None, 0, rnd.randint(1, 50_000_000), -5])
        for epochs in budgets:
            if ragged and epochs != 108 and rnd.random() < 0.2:
                continue
            repeats = rnd.choice([1, 2, 3, 3, 3]) if ragged else 3
            for _ in range(repeats):
                evals = []
                for k in range(3 + (rnd.random() < 0.1)):
                    e = {"current_epoch": float(epochs * k / 2)}
                    for name in ["training_time", "train_accuracy", "validation_accuracy",
                                 "test_accuracy"]:
                        if rnd.random() > 0.05:
                            e[name] = _value(rnd)
                    if rnd.random() < 0.3:
                        e["checkpoint_path"] = "gs://x/%s" % h
                    evals.append(e)
                total = _value(rnd) if rnd.random() < 0.5 else None
                metrics = encode_metrics(evals, params, total)
                adjacency = "".join(str(x) for row in matrix for x in row)
                payload = json.dumps(
                    [h, epochs, adjacency, ",".join(ops), base64.b64encode(metrics).decode()]
                )
                out.append(payload.encode())
    if shuffle:
        rnd.shuffle(out)
    return out


def write(path, payloads):
    with open(path, "wb") as f:
        for p in payloads:
            f.write(frame(p))


def reference(path):
    """(fixed_statistics, computed_statistics, valid_epochs list in first-appearance order) as
    the official loader builds them."""
    fixed, computed, epochs_seen = {}, {}, []
    with open(path, "rb") as f:
        raw = f.read()
    for data in read_frames(raw):
        h, epochs, adjacency, operations, metrics = json.loads(data.decode("utf-8"))
        dim = int(np.sqrt(len(adjacency)))
        matrix = np.array([int(c) for c in adjacency], dtype=np.int8).reshape((dim, dim))
        evals, params = decode_metrics(base64.b64decode(metrics))
        if h not in fixed:
            fixed[h] = {
                "module_adjacency": matrix,
                "module_operations": operations.split(","),
                "trainable_parameters": params,
            }
            computed[h] = {}
        if epochs not in epochs_seen:
            epochs_seen.append(epochs)
        point = {}
        for stage, e in (("halfway_", evals[1]), ("final_", evals[2])):
            for k, name in enumerate(["training_time", "train_accuracy", "validation_accuracy",
                                      "test_accuracy"]):
                point[stage + name] = e[k]
        computed[h].setdefault(epochs, []).append(point)
    return fixed, computed, epochs_seen


class Reference(object):
    """The official ``NASBench`` semantics over ``reference(path)``'s dicts (no TensorFlow):
    what tnb.nasbench101.api.NASBench must answer, exception for exception, draw for draw."""

    def __init__(self, path, seed=None):
        from tnb.nasbench101 import api

        self.api = api
        self.config = api.config.build_config()
        random.seed(seed)
        self.fixed_statistics, self.computed_statistics, order = reference(path)
        self.valid_epochs = set()
        for e in order:
            self.valid_epochs.add(e)
        self.training_time_spent = 0.0
        self.total_epochs_spent = 0

    def query(self, model_spec, epochs=108, stop_halfway=False):
        if epochs not in self.valid_epochs:
            raise self.api.OutOfDomainError(
                "invalid number of epochs, must be one of %s" % self.valid_epochs)
        fixed, computed = self.get_metrics_from_spec(model_spec)
        index = random.randint(0, self.config["num_repeats"] - 1)
        run = computed[epochs][index]
        stage = "halfway_" if stop_halfway else "final_"
        data = dict(fixed)
        for name in ["training_time", "train_accuracy", "validation_accuracy", "test_accuracy"]:
            data[name] = run[stage + name]
        self.training_time_spent += data["training_time"]
        self.total_epochs_spent += epochs // 2 if stop_halfway else epochs
        return data

    def is_valid(self, model_spec):
        try:
            self._check_spec(model_spec)
        except self.api.OutOfDomainError:
            return False
        return True

    def get_budget_counters(self):
        return self.training_time_spent, self.total_epochs_spent

    def reset_budget_counters(self):
        self.training_time_spent = 0.0
        self.total_epochs_spent = 0

    def hash_iterator(self):
        return self.fixed_statistics.keys()

    def get_metrics_from_hash(self, module_hash):
        import copy

        return (copy.deepcopy(self.fixed_statistics[module_hash]),
                copy.deepcopy(self.computed_statistics[module_hash]))

    def get_metrics_from_spec(self, model_spec):
        self._check_spec(model_spec)
        return self.get_metrics_from_hash(model_spec.hash_spec(self.config["available_ops"]))

    def _check_spec(self, model_spec):
        # The api module's own steps (pure Python, not the store's fast path).
        self.api.NASBench._check_spec(self, model_spec)
