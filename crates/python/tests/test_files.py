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
