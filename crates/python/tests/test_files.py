"""Opening: missing files, directories, non-benchmarks, corrupted archives; pickling and
process pools."""

import multiprocessing
import os
import pickle
import random
import shutil

import pytest

import tnb
from conftest import DATA, data


def test_missing_file():
    with pytest.raises(FileNotFoundError):
        tnb.TransNASBenchAPI(data("no-such-file.tnb"))


def test_path_like(archives):
    import pathlib

    api = tnb.TransNASBenchAPI(pathlib.Path(archives["transnas_small"]))
    assert len(api) == 32 and api.kind == "archive"
    assert tnb.TransNASBenchAPI(data("transnas_small.pth")).kind == "source"


def test_directory_and_bad_inputs():
    assert issubclass(tnb.FormatError, ValueError)
    with pytest.raises(tnb.FormatError):
        tnb.TransNASBenchAPI(DATA)
    bad = os.path.join(DATA, "bad")
    for name in sorted(os.listdir(bad)):
        if name.endswith((".pth", ".pkl")):
            with pytest.raises(tnb.FormatError) as e:
                tnb.TransNASBenchAPI(os.path.join(bad, name))
            assert "\n" not in str(e.value)
    # Files tnb reads but that are not benchmarks.
    for name in ["ints.pth", "tensors.pth", "mixed_proto2.pkl"]:
        with pytest.raises(tnb.FormatError):
            tnb.TransNASBenchAPI(data(name))
    assert not os.path.exists("/tmp/tnb-pwned")


def exercise(api):
    """Every kind of query on a possibly damaged archive: answers or Python exceptions only."""
    for i in [0, -1, 5]:
        try:
            arch = api.index2arch(i)
        except Exception:  # noqa: BLE001
            continue
        for call in [
            lambda: api.get_single_metric(arch, "jigsaw", "valid_top1"),
            lambda: api.get_epoch_status(arch, "class_scene", -1),
            lambda: api.get_best_epoch_status(arch, "normal", "valid_ssim"),
            lambda: api.get_model_info(arch, "autoencoder", "model_FLOPs"),
            lambda: api.get_best_archs("jigsaw", "valid_top1", "micro", topk=3),
            lambda: api.get_arch_result(arch),
        ]:
            try:
                call()
            except Exception:  # noqa: BLE001
                pass
    for attribute in ["database", "data"]:
        try:
            getattr(api, attribute)
        except Exception:  # noqa: BLE001
            pass


def test_truncated_and_bit_flipped_archives(archives, tmp_path):
    good = open(archives["transnas_small"], "rb").read()
    rnd = random.Random(3)
    damaged = [good[:n] for n in [0, 1, 8, 100, 128, 129, len(good) // 2, len(good) - 1]]
    for _ in range(150):
        b = bytearray(good)
        pos = rnd.randrange(len(b)) if rnd.random() < 0.8 else rnd.randrange(128)
        b[pos] ^= 1 << rnd.randrange(8)
        damaged.append(bytes(b))
    path = tmp_path / "damaged.tnb"
    for i, b in enumerate(damaged):
        path.write_bytes(b)
        for mmap in [True, False]:
            try:
                api = tnb.TransNASBenchAPI(str(path), mmap=mmap)
            except tnb.FormatError:
                continue
            # It opened: structure is valid, so only the checksum can tell.
            if b != good:
                with pytest.raises(tnb.FormatError):
                    api.verify()
            exercise(api)
            del api


def worker(args):
    api, arch = args
    return os.getpid(), api.get_single_metric(arch, "jigsaw", "valid_top1"), api.kind


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_pickle_and_pools(archives, method):
    api = tnb.TransNASBenchAPI(archives["transnas_small"])
    copy = pickle.loads(pickle.dumps(api))
    assert repr(copy) == repr(api) and copy.path == api.path
    archs = api.get_arch_list("micro")
    want = [api.get_single_metric(a, "jigsaw", "valid_top1") for a in archs]
    with multiprocessing.get_context(method).Pool(2) as pool:
        got = pool.map(worker, [(api, a) for a in archs])
    assert [v for _, v, _ in got] == want
    assert {k for _, _, k in got} == {"archive"}


def test_pickle_refuses_a_changed_file(archives, tmp_path):
    path = tmp_path / "moving.tnb"
    shutil.copy(archives["transnas_small"], path)
    blob = pickle.dumps(tnb.TransNASBenchAPI(str(path)))
    assert len(pickle.loads(blob)) == 32
    # Replaced by rename (the safe way): the pickled identity no longer matches.
    other = tmp_path / "other.tnb"
    shutil.copy(archives["transnas_variant"], other)
    os.replace(other, path)
    with pytest.raises(tnb.FormatError):
        pickle.loads(blob)


def test_convert_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        tnb.convert(data("nope.pth"), str(tmp_path / "x.tnb"))
    with pytest.raises(tnb.FormatError):
        tnb.convert(data("bad/reduce_os_system.pth"), str(tmp_path / "x.tnb"))
    assert not (tmp_path / "x.tnb").exists()


def test_damaged_archives_answer_or_raise_format_error(archives, tmp_path):
    """Whatever a damaged archive that opens holds, building its objects (the whole source, an
    arch's results read to the last entry, the stored attributes) gives values or raises
    tnb.FormatError: never TypeError, KeyError or another class a real source cannot cause."""
    good = open(archives["transnas_variant"], "rb").read()
    rnd = random.Random(16)
    path = tmp_path / "damaged.tnb"
    opened = 0
    for _ in range(int(os.environ.get("TNB_DAMAGED_ROUNDS", "300"))):
        b = bytearray(good)
        for _ in range(rnd.choice([1, 1, 2, 4])):
            pos = rnd.randrange(128, len(b))
            b[pos] ^= 1 << rnd.randrange(8)
        path.write_bytes(bytes(b))
        try:
            api = tnb.TransNASBenchAPI(str(path), mmap=False)
        except tnb.FormatError:
            continue
        opened += 1
        builds = [lambda: api.database, lambda: api.metrics_dict, lambda: api.info_names,
                  lambda: api.task_list, lambda: repr(api)]
        for i in [0, 7, -1]:
            builds.append(lambda i=i: repr(api[i].all_results))
        for build in builds:
            try:
                build()
            except tnb.FormatError:
                pass
    assert opened > 50


# Issue 16, section 5: only regular files are read. Run in a child process with a timeout and a
# memory ceiling, so that a regression (reading /dev/zero until memory runs out, or waiting in
# open() on a FIFO forever with the GIL released) fails the test instead of hanging it.
SPECIAL_CHILD = """
import sys
import tnb
path, dst = sys.argv[1], sys.argv[2]
calls = [
    lambda: tnb.TransNASBenchAPI(path),
    lambda: tnb.TransNASBenchAPI(path, mmap=False),
    lambda: tnb.convert(path, dst),
]
for call in calls:
    try:
        call()
        print("no error")
    except Exception as e:  # noqa: BLE001
        print(type(e).__name__, isinstance(e, tnb.FormatError), str(e).replace(chr(10), " "))
"""


def _limited():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def test_special_files_are_refused_without_reading_or_waiting(tmp_path):
    import subprocess
    import sys

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.tnb"
    folder.mkdir()
    dst = tmp_path / "out.tnb"
    for path, kind in [
        ("/dev/zero", "a character device"),
        (str(fifo), "a named pipe (FIFO)"),
        (str(folder), "a directory"),
    ]:
        child = subprocess.run(
            [sys.executable, "-c", SPECIAL_CHILD, path, str(dst)],
            capture_output=True, text=True, timeout=120, preexec_fn=_limited,
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
        )
        assert child.returncode == 0, (path, child.stderr)
        lines = child.stdout.splitlines()
        assert len(lines) == 3, (path, child.stdout)
        for line in lines:
            assert line.startswith("FormatError True "), (path, line)
            assert f"not a regular file: {kind}" in line, (path, line)
        assert not dst.exists()
    assert os.path.exists(fifo) and not os.path.isfile(fifo)


def _is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


# Every failing `tnb.convert` (TransNAS) and `tnb.nasbench101.convert` leaves the destination's
# folder exactly as it was: an existing archive byte-identical, nothing where there was nothing,
# and no temporary file (`.<name>.tnb-tmp-<pid>-...`, a hidden name). Most failures come before
# the temporary file exists; a write failing (a full disk) comes after it, and is made here by a
# file-size limit in a child process (SIGXFSZ ignored, so the write returns EFBIG).
_CONVERT_UNDER_A_SIZE_LIMIT = r"""
import resource, signal, sys
import tnb, tnb.nasbench101
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))
convert = tnb.convert if sys.argv[1] == "transnas" else tnb.nasbench101.convert
try:
    convert(sys.argv[2], sys.argv[3])
except Exception as e:
    print(type(e).__name__, getattr(e, "errno", None), "File too large" in str(e))
"""


def _bad_layout_pickle(path):
    # A list one value longer than `total_epochs`: refused by the layout check, after parsing.
    result = {"total_epochs": 2, "model_info": {}, "metrics": {"m": [0.5, 0.5, 0.5]}}
    with open(path, "wb") as f:
        pickle.dump({"task_list": ["t"], "metrics_dict": {"t": ["m"]}, "info_names": [],
                     "data": {"s": {"a": {"t": result}}}}, f, protocol=2)


@pytest.mark.parametrize("family", ["transnas", "nb101"])
def test_every_failed_conversion_leaves_its_folder_as_it_was(family, tmp_path):
    import errno
    import subprocess
    import sys

    import tnb.nasbench101

    convert = tnb.convert if family == "transnas" else tnb.nasbench101.convert
    source = data("transnas_small.pth" if family == "transnas" else "nb101/edge.tfrecord")
    dst = tmp_path / "keep.tnb"
    shutil.copy(data("golden/transnas_small.tnb"), dst)
    old = dst.read_bytes()
    folder = tmp_path / "folder.tnb"
    folder.mkdir()
    layout = tmp_path / "layout.pkl"
    _bad_layout_pickle(layout)
    cut = tmp_path / "cut.src"
    cut.write_bytes(open(source, "rb").read()[:1000])
    expected = ["cut.src", "folder.tnb", "keep.tnb", "layout.pkl"]

    def unchanged(what):
        assert sorted(os.listdir(tmp_path)) == expected, what
        assert os.listdir(folder) == [], what
        assert dst.read_bytes() == old, what

    # `tnb.nasbench101.convert` reports every failure as `tnb.FormatError`, the operating
    # system's too (README promises `OSError` for `tnb.convert` only).
    os_error = (lambda e: e) if family == "transnas" else (lambda e: tnb.FormatError)
    failures = [
        (tmp_path / "nope", dst, os_error(FileNotFoundError)),
        (folder, dst, tnb.FormatError),
        (cut, dst, tnb.FormatError),
        (dst, dst, tnb.FormatError),
        (source, folder, tnb.FormatError),
        (source, tmp_path / "no-such-folder" / "a.tnb", os_error(FileNotFoundError)),
    ]
    if family == "transnas":
        failures += [(data("bad/reduce_os_system.pth"), dst, tnb.FormatError), (layout, dst, tnb.FormatError)]
    for src, to, exc in failures:
        with pytest.raises(exc):
            convert(str(src), str(to))
        unchanged((src, to))
    # The write fails after the temporary file exists: over an archive, and where none was.
    for to in [dst, tmp_path / "fresh.tnb"]:
        run = subprocess.run([sys.executable, "-c", _CONVERT_UNDER_A_SIZE_LIMIT, family, source, str(to)],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        want = ["OSError", str(errno.EFBIG)] if family == "transnas" else ["FormatError", "None"]
        assert run.stdout.split() == want + ["True"], (to, run.stdout)
        unchanged(to)
    # And nothing but the size limit stopped it.
    convert(source, str(tmp_path / "fresh.tnb"))
    assert sorted(os.listdir(tmp_path)) == sorted(expected + ["fresh.tnb"])


# Issue 16, section 8: failures of the operating system raise OSError (the subclass its errno
# names, as Python's own open() does), never tnb.FormatError.
def test_os_failures_raise_oserror(tmp_path):
    import errno

    plain = tmp_path / "plain-file"
    plain.write_bytes(b"x")
    under_a_file = str(plain / "x.tnb")  # ENOTDIR, whoever runs the test (root too)
    for mmap in [True, False]:
        with pytest.raises(NotADirectoryError) as e:
            tnb.TransNASBenchAPI(under_a_file, mmap=mmap)
        assert e.value.errno == errno.ENOTDIR and e.value.filename == under_a_file
        assert not isinstance(e.value, tnb.FormatError)
        with pytest.raises(FileNotFoundError) as e:
            tnb.TransNASBenchAPI(str(tmp_path / "missing.tnb"), mmap=mmap)
        assert e.value.errno == errno.ENOENT
    source = data("transnas_small.pth")
    with pytest.raises(NotADirectoryError):
        tnb.convert(under_a_file, str(tmp_path / "a.tnb"))
    # The destination's folder does not exist, or is a file.
    with pytest.raises(FileNotFoundError) as e:
        tnb.convert(source, str(tmp_path / "no-such-folder" / "a.tnb"))
    assert e.value.errno == errno.ENOENT and not isinstance(e.value, tnb.FormatError)
    assert e.value.filename == str(tmp_path / "no-such-folder" / "a.tnb")
    with pytest.raises(NotADirectoryError):
        tnb.convert(source, under_a_file)
    # A corrupted source is still a FormatError, not an OSError.
    with pytest.raises(tnb.FormatError):
        tnb.convert(data("bad/reduce_os_system.pth"), str(tmp_path / "a.tnb"))
    assert not os.path.exists(tmp_path / "a.tnb")


@pytest.mark.skipif(_is_root(), reason="permission bits do not stop root")
def test_permission_errors_raise_permissionerror(archives, tmp_path):
    locked = tmp_path / "locked.tnb"
    shutil.copy(archives["transnas_small"], locked)
    os.chmod(locked, 0)
    for mmap in [True, False]:
        with pytest.raises(PermissionError):
            tnb.TransNASBenchAPI(str(locked), mmap=mmap)
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    os.chmod(read_only, 0o500)
    try:
        with pytest.raises(PermissionError):
            tnb.convert(data("transnas_small.pth"), str(read_only / "a.tnb"))
    finally:
        os.chmod(read_only, 0o700)
