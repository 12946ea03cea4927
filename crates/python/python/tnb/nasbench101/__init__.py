"""``tnb.nasbench101``: NAS-Bench-101's official Python API (``nasbench.api``), answered from a
``.tnb`` archive (mapped) or from the benchmark's ``.tfrecord`` itself (converted in memory, in
Rust), without TensorFlow.

Swap one import and keep the rest of a script::

    # from nasbench import api
    from tnb.nasbench101 import api

    nasbench = api.NASBench("nasbench_only108.tnb")     # or "nasbench_only108.tfrecord"
    spec = api.ModelSpec(matrix=[[0, 1, 1], [0, 0, 1], [0, 0, 0]],
                         ops=["input", "conv3x3-bn-relu", "output"])
    nasbench.query(spec)

``api`` has the official module's public names (``NASBench``, ``ModelSpec``,
``OutOfDomainError``) and ``tnb.nasbench101.lib`` the official ``nasbench.lib`` modules a user
may import (``config``, ``graph_util``, ``model_spec``). See ``api.NASBench`` for what differs.
"""

__all__ = ["api", "lib", "convert"]


def convert(source, archive):
    """Writes the ``.tnb`` archive of a NAS-Bench-101 ``.tfrecord`` (streamed, nothing
    executed), atomically (a new file renamed over ``archive``), as ``tnb convert`` does."""
    import os

    from tnb import _tnb

    _tnb.nb101_convert(os.fspath(source), os.fspath(archive))


def __getattr__(name):
    # Imported on first use, as `from tnb.nasbench101 import api` does anyway.
    if name in ("api", "lib"):
        import importlib

        return importlib.import_module("tnb.nasbench101." + name)
    raise AttributeError("module 'tnb.nasbench101' has no attribute {!r}".format(name))
