"""Comparing answers: same type, same float bits, same key order; exceptions by class."""

import struct

import reference
import tnb


def same(x, y):
    """Whether `x` (tnb) equals `y` (reference) in type and bits, recursively."""
    if isinstance(y, reference.ReferenceArchResult):
        return (
            type(x).__name__ == "ArchResult"
            and type(x.arch_index) is int
            and x.arch_index == y.arch_index
            and same(x.arch_str, y.arch_str)
            and same(x.all_results, y.all_results)
        )
    if type(y) is dict and isinstance(x, tnb._LazyResults):
        # get_arch_result's all_results: a dict subclass built on access (the documented
        # difference); its items must be the reference's.
        return same(list(x), list(y)) and all(same(x[k], y[k]) for k in x)
    if type(x) is not type(y):
        return False
    if isinstance(x, float):
        return struct.pack("<d", x) == struct.pack("<d", y)
    if isinstance(x, (list, tuple)):
        return len(x) == len(y) and all(same(a, b) for a, b in zip(x, y))
    if isinstance(x, dict):
        return same(list(x), list(y)) and all(same(x[k], y[k]) for k in x)
    return x == y


def outcome(f, *args, **kwargs):
    """('ok', value) or ('raise', exception class)."""
    try:
        return "ok", f(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return "raise", type(e)


def agree(got, want):
    """Whether two outcomes agree (values by `same`, exceptions by class)."""
    if got[0] != want[0]:
        return False
    if got[0] == "raise":
        return got[1] is want[1]
    return same(got[1], want[1])
