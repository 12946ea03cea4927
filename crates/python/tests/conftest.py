"""Shared fixtures: the benchmark-shaped files of the repository's data/ folder, each opened by
the reference reader and by tnb (from a converted archive, mapped or read, and from the .pth)."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "data"))

import reference  # noqa: E402
import tnb  # noqa: E402

# Files shaped like the benchmark (data/README.md): the small sample written three ways and a
# variant with the real file's possible irregularities.
BENCHMARKS = ["transnas_small", "transnas_small_legacy", "transnas_small_buffer", "transnas_variant"]


def data(name):
    """A path under the repository's data/ folder."""
    return os.path.join(DATA, name)


@pytest.fixture(scope="session")
def archives(tmp_path_factory):
    """name -> path of its converted .tnb."""
    out = tmp_path_factory.mktemp("archives")
    paths = {}
    for name in BENCHMARKS:
        paths[name] = str(out / f"{name}.tnb")
        tnb.convert(data(f"{name}.pth"), paths[name])
    return paths


@pytest.fixture(scope="session")
def references():
    """name -> reference.Reference over the .pth."""
    return {name: reference.Reference(data(f"{name}.pth")) for name in BENCHMARKS}


OPENINGS = ["tnb-mmap", "tnb-read", "pth"]


@pytest.fixture(scope="session", params=[(b, o) for b in BENCHMARKS for o in OPENINGS],
                ids=lambda p: f"{p[0]}-{p[1]}")
def pair(request, archives, references):
    """(tnb api, reference api) for one fixture, opened one of three ways."""
    name, how = request.param
    if how == "pth":
        api = tnb.TransNASBenchAPI(data(f"{name}.pth"))
    else:
        api = tnb.TransNASBenchAPI(archives[name], mmap=(how == "tnb-mmap"))
    return api, references[name]
