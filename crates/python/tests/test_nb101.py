"""tnb.nasbench101 against the official semantics (nb101_fixtures.Reference over the same
files, read by a pure-Python loader): every cell's statistics with their types, key order and
float bits; random sequences of calls compared call by call (results, exceptions and messages,
the module-level random state, the budget counters); the spec checks of every kind; the
hash_module fast path against the pure-Python one; the tnb extras."""

import copy
import os
import random
import struct

import numpy as np
import pytest

import tnb
from tnb import nasbench101
from tnb.nasbench101 import api
from tnb.nasbench101.lib import config, graph_util, model_spec

import nb101_fixtures as fx
from conftest import DATA

HAS_STORE = hasattr(tnb._tnb, "NB101Store")
pytestmark = pytest.mark.skipif(not HAS_STORE, reason="no NAS-Bench-101 in this build")

OPS = fx.OPS


def same(x, y):
    """Equal in type, float bits, dtype/shape, key order; recursively."""
    if type(x) is not type(y):
        return False
    if isinstance(x, float):
        return struct.pack("<d", x) == struct.pack("<d", y)
    if isinstance(x, np.ndarray):
        return x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()
    if isinstance(x, (list, tuple)):
        return len(x) == len(y) and all(same(a, b) for a, b in zip(x, y))
    if isinstance(x, dict):
        return list(x) == list(y) and all(same(x[k], y[k]) for k in x)
    return x == y


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """name -> (tfrecord path, archive path)."""
    out = tmp_path_factory.mktemp("nb101")
    made = {}
    for name, kwargs in {
        "full": dict(seed=1, cells=14),
        "only108": dict(seed=2, cells=10, budgets=(108,), ragged=False),
        "ordered": dict(seed=3, cells=6, shuffle=False, ragged=False),
    }.items():
        src = str(out / (name + ".tfrecord"))
        fx.write(src, fx.records(**kwargs))
        dst = str(out / (name + ".tnb"))
        nasbench101.convert(src, dst)
        made[name] = (src, dst)
    # The official helper's held-out files (data/nb101), when present.
    for name in DATA_FILES:
        src = os.path.join(DATA, "nb101", name + ".tfrecord")
        if os.path.isfile(src):
            dst = str(out / (name + ".tnb"))
            nasbench101.convert(src, dst)
            made[name] = (src, dst)
    return made


DATA_FILES = ["full_small", "only108_small", "edge"]


@pytest.fixture(scope="module", params=["full", "only108", "ordered"] + DATA_FILES)
def name(request, files):
    if request.param not in files:
        pytest.skip("data/nb101/%s.tfrecord is not in this checkout" % request.param)
    return request.param


def open_both(path, seed, source=None):
    nb = api.NASBench(path, seed=seed)
    state = random.getstate()
    ref = fx.Reference(source or path, seed=seed)
    assert random.getstate() == state
    return nb, ref


@pytest.mark.parametrize("kind", [0, 1])
def test_statistics_equal_the_official_loaders(files, name, kind):
    nb, ref = open_both(files[name][kind], 0, files[name][0])
    assert list(nb.hash_iterator()) == list(ref.hash_iterator())
    assert type(nb.hash_iterator()).__name__ == "dict_keys"
    assert list(nb.valid_epochs) == list(ref.valid_epochs) and type(nb.valid_epochs) is set
    assert len(nb.fixed_statistics) == len(ref.fixed_statistics)
    for h in ref.hash_iterator():
        got, want = nb.get_metrics_from_hash(h), ref.get_metrics_from_hash(h)
        assert type(got) is tuple and same(got, want), h
        assert same(nb.fixed_statistics[h], ref.fixed_statistics[h])
        assert same(nb.computed_statistics[h], ref.computed_statistics[h])
        assert h in nb.fixed_statistics
        a = got[0]["module_adjacency"]
        assert a.flags.c_contiguous and a.flags.owndata and a.flags.writeable and a.base is None
    assert "0" * 32 not in nb.fixed_statistics


def test_fresh_copies(files):
    nb = api.NASBench(files["full"][1])
    h = next(iter(nb.hash_iterator()))
    f1, c1 = nb.get_metrics_from_hash(h)
    f1["module_adjacency"][0, 0] = 5
    f1["module_operations"].append("x")
    next(iter(c1.values()))[0]["final_test_accuracy"] = "changed"
    f2, c2 = nb.get_metrics_from_hash(h)
    assert f2["module_adjacency"][0, 0] == 0 and f2["module_operations"][-1] == "output"
    assert next(iter(c2.values()))[0]["final_test_accuracy"] != "changed"
    assert f2["module_adjacency"] is not f1["module_adjacency"]


def test_open_prints_the_official_lines_and_sets_the_attributes(files, capsys):
    nb = api.NASBench(files["only108"][1], seed=7)
    out = capsys.readouterr().out.splitlines()
    assert out == ["Loading dataset from file... This may take a few minutes...",
                   "Loaded dataset in 0 seconds"]
    assert nb.config == config.build_config()
    assert list(nb.config)[:3] == ["train_data_files", "valid_data_file", "test_data_file"]
    assert nb.config["available_ops"] == OPS and nb.config["num_repeats"] == 3
    assert len(nb.config) == 25
    assert nb.history == {} and nb.get_budget_counters() == (0.0, 0)
    assert type(nb.training_time_spent) is float and type(nb.total_epochs_spent) is int
    random.seed(7)
    want = random.getstate()
    api.NASBench(files["only108"][1], seed=7)
    assert random.getstate() == want


def _specs(ref, rnd):
    """Specs of every kind: stored cells (as stored, permuted, padded with dangling vertices),
    in-space cells absent from the file, and invalid specs of every class."""
    out = []
    for h in ref.hash_iterator():
        m = ref.fixed_statistics[h]["module_adjacency"].astype(int)
        ops = list(ref.fixed_statistics[h]["module_operations"])
        out.append((m.tolist(), ops))
        n = len(ops)
        if n > 2:
            # Relabel interior vertices by a permutation that keeps the matrix upper triangular:
            # only swap neighbours with no edge between them.
            for i in range(1, n - 2):
                if not m[i, i + 1]:
                    p = list(range(n))
                    p[i], p[i + 1] = p[i + 1], p[i]
                    out.append((m[np.ix_(p, p)].tolist(), [ops[k] for k in p]))
                    break
        if n < 7:
            # A dangling vertex (pruned away).
            pad = np.zeros((n + 1, n + 1), dtype=int)
            pad[:n - 1, :n - 1] = m[:n - 1, :n - 1]
            pad[:n - 1, n] = m[:n - 1, n - 1]
            pad[0, n - 1] = 1
            out.append((pad.tolist(), ops[:-1] + ["maxpool3x3", "output"]))
    for _ in range(10):
        out.append(fx.random_cell(rnd))
    return out, [
        ([[0, 0], [0, 0]], ["input", "output"]),  # disconnected
        ([[0, 1, 0], [0, 0, 0], [0, 0, 0]], ["input", "conv3x3-bn-relu", "output"]),
        ((np.eye(8, k=1, dtype=int)).tolist(), ["input"] + [OPS[0]] * 6 + ["output"]),  # 8
        ((np.triu(np.ones((6, 6), dtype=int), 1)).tolist(), ["input"] + [OPS[1]] * 4 + ["output"]),
        ([[0, 1], [0, 0]], ["input", "output"]),
        ([[0, 1, 1], [0, 0, 1], [0, 0, 0]], ["output", "conv3x3-bn-relu", "output"]),
        ([[0, 1, 1], [0, 0, 1], [0, 0, 0]], ["input", "conv3x3-bn-relu", "input"]),
        ([[0, 1, 1], [0, 0, 1], [0, 0, 0]], ["input", "conv5x5", "output"]),
        ([[0, 1, 1], [0, 0, 1], [0, 0, 0]], ["input", "conv3x3-bn-relu", "output"]),
        ([[0, 1, 1], [0, 0, 1], [0, 0, 0]], ["input", "maxpool3x3", "output"]),
    ]


def _outcome(f, *args, **kwargs):
    try:
        return "ok", f(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the class and message are compared
        return "raise", (type(e), str(e), e.args)


def _run(target, calls):
    log = []
    for method, args, kwargs in calls:
        got = _outcome(getattr(target, method), *args, **kwargs)
        log.append((got, random.getstate(), target.get_budget_counters()))
    return log


@pytest.mark.parametrize("kind", [0, 1])
def test_random_sequences_answer_as_the_official_class(files, name, kind):
    opened = files[name][kind]
    path = files[name][0]
    ref = fx.Reference(path, seed=3)
    rnd = random.Random(11)
    specs, odd = _specs(ref, rnd)
    calls = []
    for _ in range(400):
        m, ops = rnd.choice(odd if rnd.random() < 0.25 else specs)
        spec = api.ModelSpec(m, ops)
        pick = rnd.random()
        if pick < 0.5:
            epochs = rnd.choice([108, 4, 12, 36, 108.0, 1, "108", 54])
            calls.append(("query", (spec,), {"epochs": epochs, "stop_halfway": rnd.random() < 0.3}))
        elif pick < 0.7:
            calls.append(("is_valid", (spec,), {}))
        elif pick < 0.85:
            calls.append(("get_metrics_from_spec", (spec,), {}))
        elif pick < 0.95:
            h = rnd.choice(["0" * 32, 5, "x", [1]] if rnd.random() < 0.3 else list(ref.hash_iterator()))
            calls.append(("get_metrics_from_hash", (h,), {}))
        else:
            calls.append(("reset_budget_counters", (), {}))
    nb = api.NASBench(opened, seed=3)
    got = _run(nb, calls)
    ref = fx.Reference(path, seed=3)
    want = _run(ref, calls)
    kinds = set()
    for k, ((g, gs, gb), (w, ws, wb)) in enumerate(zip(got, want)):
        assert g[0] == w[0], (k, calls[k], g, w)
        if g[0] == "ok":
            assert same(g[1], w[1]), (k, calls[k])
        else:
            assert g[1] == w[1], (k, calls[k])
            kinds.add(g[1][0].__name__)
        assert gs == ws, (k, calls[k])
        assert same(gb, wb), (k, calls[k], gb, wb)
    assert {"OutOfDomainError", "TypeError", "KeyError"} <= kinds


def test_errors_in_the_official_order(files):
    path = files["full"][0]
    nb, ref = open_both(path, 5)
    sq = api.ModelSpec([[0, 1, 1], [0, 0, 1], [0, 0, 0]], ["input", "conv3x3-bn-relu", "output"])
    with pytest.raises(api.OutOfDomainError) as e:
        nb.query(sq, epochs=7)
    assert str(e.value) == "invalid number of epochs, must be one of %s" % nb.valid_epochs
    eight = api.ModelSpec(np.eye(8, k=1, dtype=int), ["input"] + [OPS[0]] * 6 + ["output"])
    for f in (nb.query, nb.is_valid, nb.get_metrics_from_spec):
        with pytest.raises(TypeError, match="'module' object is not subscriptable"):
            f(eight)
    dense = api.ModelSpec(np.triu(np.ones((6, 6), dtype=int), 1), ["input"] + [OPS[1]] * 4 + ["output"])
    with pytest.raises(api.OutOfDomainError, match=r"^too many edges, got 15 \(max edges = 9\)$"):
        nb.query(dense)
    assert nb.is_valid(dense) is False
    bad = api.ModelSpec([[0, 1, 1], [0, 0, 1], [0, 0, 0]], ["input", "conv5x5", "output"])
    with pytest.raises(api.OutOfDomainError) as e:
        nb.query(bad)
    assert str(e.value) == ("unsupported op conv5x5 (available ops = ['conv3x3-bn-relu', "
                            "'conv1x1-bn-relu', 'maxpool3x3'])")
    cut = api.ModelSpec([[0, 0], [0, 0]], ["input", "output"])
    with pytest.raises(api.OutOfDomainError, match="disconnected"):
        nb.query(cut)
    assert nb.get_budget_counters() == (0.0, 0)


def test_missing_budget_and_repeat_raise_after_the_draw(tmp_path):
    matrix, ops = [[0, 1, 1], [0, 0, 1], [0, 0, 0]], ["input", "conv1x1-bn-relu", "output"]
    other, other_ops = [[0, 1], [0, 0]], ["input", "output"]
    h, h2 = fx.cell_hash(matrix, ops), fx.cell_hash(other, other_ops)
    import base64
    import json

    def rec(hh, m, o, epochs):
        metrics = fx.encode_metrics([{}, {"training_time": 1.5}, {"training_time": 2.5}], 7)
        adj = "".join(str(x) for row in m for x in row)
        return json.dumps([hh, epochs, adj, ",".join(o), base64.b64encode(metrics).decode()]).encode()

    path = str(tmp_path / "ragged.tfrecord")
    fx.write(path, [rec(h, matrix, ops, 108), rec(h2, other, other_ops, 4), rec(h2, other, other_ops, 4)])
    nb = api.NASBench(path, seed=1)
    spec = api.ModelSpec(matrix, ops)
    before = random.getstate()
    with pytest.raises(KeyError) as e:
        nb.query(spec, epochs=4)
    assert e.value.args == (4,)
    assert random.getstate() != before
    random.seed(1)
    hits = errors = 0
    for _ in range(30):
        state = random.getstate()
        try:
            d = nb.query(spec)
            hits += 1
            assert d["training_time"] == 2.5 and d["trainable_parameters"] == 7
        except IndexError as err:
            errors += 1
            assert str(err) == "list index out of range"
        assert random.getstate() != state
    assert hits and errors
    absent = api.ModelSpec([[0, 1, 1], [0, 0, 1], [0, 0, 0]], ["input", "maxpool3x3", "output"])
    state = random.getstate()
    with pytest.raises(KeyError) as e:
        nb.query(absent)
    assert e.value.args == (absent.hash_spec(OPS),)
    assert random.getstate() == state
    assert nb.is_valid(absent) is True
    assert nb.get_budget_counters() == (2.5 * hits, 108 * hits)
    while True:  # one repeat of three: draws until the stored one is drawn
        try:
            d = nb.query(spec, epochs=108.0, stop_halfway=True)
            break
        except IndexError:
            pass
    assert d["training_time"] == 1.5 and nb.total_epochs_spent == 108 * hits + 54.0
    assert type(nb.total_epochs_spent) is float


def test_hash_module_fast_path_equals_the_python_steps():
    rnd = random.Random(4)
    for _ in range(200):
        m, ops = fx.random_cell(rnd)
        labels = [-1] + [OPS.index(o) for o in ops[1:-1]] + [-2]
        fast = graph_util.hash_module(np.array(m), labels)
        slow = graph_util.hash_module(np.array(m, dtype=object), labels)  # the Python steps
        assert fast == slow
        assert graph_util.hash_module(np.array(m, dtype=bool), labels) == fast
        assert graph_util.hash_module(np.array(m, dtype=np.uint8), labels) == fast
    # A float matrix hashes other strings ("(1.0, 0.0, -1)"): another hash, as upstream.
    m = np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]])
    assert graph_util.hash_module(m.astype(float), [-1, 0, -2]) != graph_util.hash_module(m, [-1, 0, -2])
    # numpy ints as labels print as np.int64(0) under numpy 2: the Python steps hash that.
    np_label = graph_util.hash_module(m, [-1, np.int64(0), -2])
    assert (np_label == graph_util.hash_module(m, [-1, 0, -2])) == (repr(np.int64(0)) == "0")
    # Entries other than 0/1 change the degrees: the Python steps again.
    assert graph_util.hash_module(m * 2, [-1, 0, -2]) != graph_util.hash_module(m, [-1, 0, -2])
    with pytest.raises(AssertionError):
        graph_util.hash_module(m, [-1, -2])


def test_the_fast_path_reads_every_plain_numpy_spec(files):
    """The Rust fast path (``_store``) must answer every plain spec itself, not decline it to
    the Python steps: an integer or boolean numpy matrix of any byte order, 2 to 8 vertices
    (8: the upstream TypeError, raised by the fast path itself). A guard that declined too
    much would give the same answers, only slower: this pins the guards."""
    nb = api.NASBench(files["full"][0], seed=0)
    dtypes = [np.int8, np.int16, np.int64, np.uint8, np.dtype(">i4"), np.dtype("<u2"), bool]
    for n in range(2, 9):
        m = np.eye(n, k=1, dtype=int)
        ops = ["input"] + [OPS[k % 3] for k in range(n - 2)] + ["output"]
        for dt in dtypes:
            spec = api.ModelSpec(m.astype(dt), ops)
            if n == 8:
                for fast in (nb._store.is_valid, nb._store.metrics_of_spec):
                    with pytest.raises(TypeError, match="'module' object is not subscriptable"):
                        fast(spec, nb.config)
                continue
            assert nb._store.is_valid(spec, nb.config) is not None, (n, dt)
            try:
                slow = nb._check_spec(spec) or True
            except api.OutOfDomainError:
                slow = False
            assert nb._store.is_valid(spec, nb.config) is slow, (n, dt)
    # query's fast path takes an int or an integral float for the epochs (108.0 is in the
    # set of valid epochs, as Python's `in` says) and a bool for stop_halfway.
    f, _ = nb.get_metrics_from_hash(next(iter(nb.hash_iterator())))
    cell = api.ModelSpec(f["module_adjacency"], f["module_operations"])
    e = max(nb.valid_epochs)
    for epochs in [e, float(e)]:
        for halfway in [False, True]:
            assert nb._store.query(cell, epochs, halfway, nb.config) is not None, (epochs, halfway)
    # Declined: a float matrix (its hash strings differ), a 9-vertex one, entries other
    # than 0/1.
    m = np.eye(3, k=1, dtype=int)
    for odd in [m.astype(float), m * 2]:
        assert nb._store.is_valid(api.ModelSpec(odd, ["input", OPS[0], "output"]), nb.config) is None
    nine = api.ModelSpec(np.eye(9, k=1, dtype=int), ["input"] + [OPS[0]] * 7 + ["output"])
    assert nb._store.is_valid(nine, nb.config) is None


def test_float_matrix_spec_queries_by_its_own_hash(files):
    nb = api.NASBench(files["full"][0])
    h = next(iter(nb.hash_iterator()))
    f, _ = nb.get_metrics_from_hash(h)
    ops = f["module_operations"]
    as_float = api.ModelSpec(f["module_adjacency"].astype(float), ops)
    with pytest.raises(KeyError) as e:
        nb.get_metrics_from_spec(as_float)
    assert e.value.args[0] != h
    assert nb.get_metrics_from_spec(api.ModelSpec(f["module_adjacency"].astype(bool), ops))[0]["module_operations"] == ops


def test_model_spec_behaves_as_the_official():
    m = [[0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]]
    ops = ["input", "conv3x3-bn-relu", "maxpool3x3", "output"]
    s = api.ModelSpec(m, ops)
    assert s.valid_spec and s.matrix.tolist() == [[0, 1, 0], [0, 0, 1], [0, 0, 0]]
    assert s.ops == ["input", "conv3x3-bn-relu", "output"] and ops[2] == "maxpool3x3"
    assert s.original_matrix.tolist() == m and s.original_ops == ops and s.original_ops is not ops
    assert s.data_format == "channels_last"
    cut = api.ModelSpec([[0, 1, 0], [0, 0, 0], [0, 0, 0]], ["input", "a", "output"])
    assert cut.valid_spec is False and cut.matrix is None and cut.ops is None
    with pytest.raises(ValueError, match="matrix must be square"):
        api.ModelSpec([[0, 1]], ["input"])
    with pytest.raises(ValueError, match="length of ops must match matrix dimensions"):
        api.ModelSpec([[0, 1], [0, 0]], ["input"])
    with pytest.raises(ValueError, match="matrix must be upper triangular"):
        api.ModelSpec([[0, 1], [1, 0]], ["input", "output"])
    arr = np.array([[0, 1], [0, 0]])
    s2 = api.ModelSpec(arr, ("input", "output"))
    arr[0, 1] = 0
    assert s2.matrix[0, 1] == 1 and s2.original_matrix is not arr
    with pytest.raises(TypeError):  # upstream deletes pruned ops in place: a tuple cannot
        api.ModelSpec([[0, 1, 1], [0, 0, 0], [0, 0, 0]], ("input", "x", "output"))
    if not hasattr(model_spec, "graphviz"):
        with pytest.raises(NameError):
            s.visualize()


def test_pickles_and_copies(files):
    import pickle

    nb = api.NASBench(files["full"][1], seed=0)
    h = next(iter(nb.hash_iterator()))
    spec = api.ModelSpec(*[nb.get_metrics_from_hash(h)[0][k]
                           for k in ("module_adjacency", "module_operations")])
    nb.query(spec)
    for other in (pickle.loads(pickle.dumps(nb)), copy.deepcopy(nb)):
        assert other.get_budget_counters() == nb.get_budget_counters()
        assert same(other.get_metrics_from_hash(h), nb.get_metrics_from_hash(h))
        assert list(other.hash_iterator()) == list(nb.hash_iterator())
        assert other.valid_epochs == nb.valid_epochs
        assert same(other.fixed_statistics[h], nb.fixed_statistics[h])


def test_evaluate_is_not_available(files):
    nb = api.NASBench(files["only108"][1])
    with pytest.raises(NotImplementedError, match="TensorFlow"):
        nb.evaluate(api.ModelSpec([[0, 1], [0, 0]], ["input", "output"]), "/tmp/x")


def test_subclass_overrides_are_called(files):
    seen = []

    class Mine(api.NASBench):
        def get_metrics_from_hash(self, module_hash):
            seen.append(module_hash)
            return super().get_metrics_from_hash(module_hash)

    nb = Mine(files["full"][0], seed=0)
    h = next(iter(nb.hash_iterator()))
    f, _ = nb.get_metrics_from_hash(h)
    nb.query(api.ModelSpec(f["module_adjacency"], f["module_operations"]))
    assert seen == [h, h]


def test_metric_arrays_equal_the_per_cell_calls(files, name):
    for kind in (0, 1):
        nb = api.NASBench(files[name][kind])
        hashes = nb.hashes()
        assert hashes.dtype == np.dtype("<U32") and list(hashes) == list(nb.hash_iterator())
        params = nb.trainable_parameters_array()
        for e in sorted(nb.valid_epochs):
            for m in api.METRICS:
                a = nb.metric_array(m, e)
                assert a.dtype == np.float64 and a.shape[0] == len(hashes)
                for i, h in enumerate(hashes):
                    runs = nb.get_metrics_from_hash(str(h))[1].get(e, [])
                    for j in range(a.shape[1]):
                        if j < len(runs):
                            assert same(float(a[i, j]), runs[j][m])
                        else:
                            assert np.isnan(a[i, j])
        for i, h in enumerate(hashes):
            assert params[i] == nb.get_metrics_from_hash(str(h))[0]["trainable_parameters"]
        with pytest.raises(KeyError):
            nb.metric_array("accuracy")
        with pytest.raises(api.OutOfDomainError):
            nb.metric_array("final_test_accuracy", 5)


def test_metric_array_is_a_view_when_evenly_laid_out(files):
    nb = api.NASBench(files["only108"][1])
    a = nb.metric_array("final_test_accuracy")
    assert a.shape[1] == 3
    assert not a.flags.writeable and not a.flags.owndata


def test_views_outlive_the_object(files):
    import gc

    nb = api.NASBench(files["only108"][1])
    a = nb.metric_array("final_test_accuracy")
    want = [r["final_test_accuracy"] for r in nb.get_metrics_from_hash(nb.hashes()[0])[1][108]]
    del nb
    gc.collect()
    assert [float(x) for x in a[0]] == want
    with pytest.raises(ValueError):
        a[0, 0] = 1.0  # read-only: the archive's own pages


def test_to_pandas(files):
    pd = pytest.importorskip("pandas")
    nb = api.NASBench(files["full"][1])
    frame = nb.to_pandas(108)
    assert isinstance(frame, pd.DataFrame)
    h = next(iter(nb.hash_iterator()))
    runs = nb.get_metrics_from_hash(h)[1][108]
    rows = frame.loc[h]
    assert len(rows) == len(runs)
    for j, run in enumerate(runs):
        for m in api.METRICS:
            assert same(float(rows.iloc[j][m]), run[m])


def test_not_a_benchmark(tmp_path):
    p = tmp_path / "x.tfrecord"
    p.write_bytes(b"not a tfrecord at all, nothing here")
    with pytest.raises(tnb.FormatError):
        api.NASBench(str(p))
    with pytest.raises(FileNotFoundError):
        api.NASBench(str(tmp_path / "missing.tfrecord"))
