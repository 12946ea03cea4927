"""`get_arch_result` (and `api[i]`) build each task's results on first access (NASLib calls it
once per optimizer step): the value must still behave as the official one does for everything a
caller does with it."""

import copy
import json
import pickle

import tnb
from util import same


def pair_result(pair, index=-1):
    api, ref = pair
    arch = ref.index2arch(index)
    return api.get_arch_result(arch).all_results, ref.get_arch_result(arch).all_results


def test_a_dict_with_every_key_before_anything_is_built(pair):
    got, want = pair_result(pair)
    assert isinstance(got, dict)
    assert len(got) == len(want) and list(got) == list(want) and list(got.keys()) == list(want)
    assert all(task in got for task in want) and "nope" not in got
    # Nothing above built a value.
    assert all(type(dict.__getitem__(got, k)).__name__ == "_Pending" for k in got)


def test_values_are_the_official_ones_however_read(pair):
    api, ref = pair
    for make in [
        lambda r: r,
        lambda r: r[next(iter(r))] and r,  # one task built first, the others later
    ]:
        got, want = pair_result(pair, 0)
        got = make(got)
        assert same(got, want)
        assert same(dict(got), want) and same({**got}, want)
        assert same(list(got.values()), list(want.values()))
        assert same(list(got.items()), list(want.items()))
        assert got == want and want == got and not (got != want) and not (want != got)
        assert repr(got) == repr(want) and str(got) == str(want)
        assert json.dumps(got) == json.dumps(want)
        assert json.dumps(got, indent=1, sort_keys=True) == json.dumps(want, indent=1, sort_keys=True)
    got, want = pair_result(pair, 1)
    task = next(iter(want))
    assert same(got[task]["metrics"], want[task]["metrics"])
    assert same(got.get(task), want.get(task)) and got.get("nope", 7) == 7
    assert got.setdefault(task) is got[task]


def test_copies_and_pickles_are_plain_dicts(pair):
    got, want = pair_result(pair, 2)
    for f in [copy.deepcopy, copy.copy, lambda r: pickle.loads(pickle.dumps(r)), lambda r: r.copy(),
              lambda r: r | {}, lambda r: {} | r]:
        c = f(got)
        assert type(c) is dict and same(c, want)
    # A deep copy shares nothing with the original (as the official __getitem__'s deepcopy).
    task = next(iter(want))
    deep = copy.deepcopy(got)
    assert deep[task] is not got[task] and deep[task] == got[task]
    # The whole ArchResult too.
    api, ref = pair
    r = copy.deepcopy(api[2])
    assert same(r, ref[2])


def test_mutations_stay_local(pair):
    api, ref = pair
    got, want = pair_result(pair, 3)
    task = next(iter(want))
    got[task]["metrics"].clear()
    got.pop(next(iter(got)))
    assert len(got) == len(want) - 1
    fresh, _ = pair_result(pair, 3)
    assert same(fresh, want)
    k, v = got.popitem()
    assert same(v, want[k])


def test_data_holds_lazy_results(pair):
    api, ref = pair
    arch = ref.index2arch(5)
    space = ref.arch2space[arch]
    assert same(api.data[space][arch], ref.data[space][arch])
    assert isinstance(api.data[space][arch], tnb.ArchResult)


def test_a_task_builds_entry_by_entry(pair):
    got, want = pair_result(pair, 4)
    for task in reversed(list(want)):
        t = got[task]
        assert isinstance(t, dict) and list(t) == list(want[task])
        assert all(type(dict.__getitem__(t, k)).__name__ == "_Pending" for k in t)
        # Entries read last first, one at a time: each is the official one.
        for k in reversed(list(want[task])):
            assert same(t[k], want[task][k]), (task, k)
            assert type(dict.__getitem__(t, k)).__name__ != "_Pending"
        assert same(t, want[task])
