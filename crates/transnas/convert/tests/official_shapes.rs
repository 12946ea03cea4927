//! File shapes on which the official class would answer otherwise than tnb: refused at
//! conversion, with the object path.
//!
//! Entries keyed by something that is not a task of `task_list`, where the official class
//! would read them:
//!
//! The official `TransNASBenchAPI` never consults `task_list` when it answers: the metric check
//! of `get_single_metric`, `get_best_epoch_status` and `get_best_archs` is
//! `metric in metrics_dict[task]`, and `get_total_epochs`, `get_model_info` and
//! `get_epoch_status` read `arch_result[task]` from the arch's own dict. A task named only in
//! `metrics_dict`, or only as a key of an arch's dict, is therefore answered by the official
//! class (or raises another class than `KeyError`), while tnb, which reads tasks from
//! `task_list`, would raise `KeyError`. Such a file is refused rather than answered differently.
//! Extras elsewhere (top level, result dicts, `model_info`, `metrics`) are never read by the
//! official class's methods and stay accepted.
//!
//! Metric lists that are not lists: the official class hands the list object back
//! (`mode='list'`) and indexes it, so a tuple or a tensor comes back as itself (a tuple's
//! `IndexError` says `tuple index out of range`; a tensor's elements are tensors), where the
//! archive's columns give lists of Python numbers.

use std::io::Write;
use std::process::{Command, Stdio};

use tnb_pthwrite::Value as W;

/// A one-task benchmark (`t`, metric `m`, info `i`, two epochs, archs `a0` and `a1` in space
/// `s`), with `arch_extra` added to arch `a1`'s dict, `md_extra` to `metrics_dict` and
/// `result_extra` to every result dict.
fn bench(arch_extra: Option<(W, W)>, md_extra: Option<(W, W)>, result_extra: bool) -> Vec<u8> {
    let result = |x: f64| {
        let mut r = vec![
            (W::str("total_epochs"), W::Int(2)),
            (W::str("model_info"), W::dict(vec![(W::str("i"), W::Float(x))])),
            (W::str("metrics"), W::dict(vec![(W::str("m"), W::list(vec![W::Float(x); 2]))])),
        ];
        if result_extra {
            r.push((W::str("seed"), W::Int(7)));
        }
        W::dict(r)
    };
    let mut a1 = vec![(W::str("t"), result(1.0))];
    a1.extend(arch_extra);
    let archs = vec![
        (W::str("a0"), W::dict(vec![(W::str("t"), result(0.0))])),
        (W::str("a1"), W::dict(a1)),
    ];
    let mut md = vec![(W::str("t"), W::list(vec![W::str("m")]))];
    md.extend(md_extra);
    let top = W::dict(vec![
        (W::str("task_list"), W::list(vec![W::str("t")])),
        (W::str("metrics_dict"), W::dict(md)),
        (W::str("info_names"), W::list(vec![W::str("i")])),
        (W::str("data"), W::dict(vec![(W::str("s"), W::dict(archs))])),
        (W::str("note"), W::str("top-level extras are kept")),
    ]);
    tnb_pthwrite::dumps(&top).unwrap()
}

/// The benchmark with arch `a1`'s metric list `list` (two epochs).
fn with_list(list: W) -> Vec<u8> {
    let result = |l: W| {
        W::dict(vec![
            (W::str("total_epochs"), W::Int(2)),
            (W::str("model_info"), W::dict(vec![(W::str("i"), W::Float(0.0))])),
            (W::str("metrics"), W::dict(vec![(W::str("m"), l)])),
        ])
    };
    let archs = vec![
        (W::str("a0"), W::dict(vec![(W::str("t"), result(W::list(vec![W::Float(1.0); 2])))])),
        (W::str("a1"), W::dict(vec![(W::str("t"), result(list))])),
    ];
    let top = W::dict(vec![
        (W::str("task_list"), W::list(vec![W::str("t")])),
        (W::str("metrics_dict"), W::dict(vec![(W::str("t"), W::list(vec![W::str("m")]))])),
        (W::str("info_names"), W::list(vec![W::str("i")])),
        (W::str("data"), W::dict(vec![(W::str("s"), W::dict(archs))])),
    ]);
    tnb_pthwrite::dumps(&top).unwrap()
}

#[test]
fn a_metric_list_that_is_a_tuple_is_refused_with_its_path() {
    let src = with_list(W::tuple(vec![W::Float(1.0), W::Float(2.0)]));
    assert_eq!(
        refusal(&src),
        "data/s/a1/t/metrics/m: expected a list of per-epoch values, found tuple: the official \
         class would answer with the tuple itself, which tnb does not reproduce (make it a list)"
    );
    tnb_convert::convert_bytes(&with_list(W::list(vec![W::Float(1.0), W::Float(2.0)]))).unwrap();
}

/// A torch zip file whose arch `a1` has a 1-d float tensor for its metric list, written by
/// plain python3 (stand-in `torch` classes give the pickle torch's globals; the storage is
/// the zip record `archive/data/0`, as `torch.save` lays it out).
const TENSOR_BENCH: &str = r#"
import io, pickle, struct, sys, types, zipfile, collections

torch = types.ModuleType('torch'); utils = types.ModuleType('torch._utils')
class FloatStorage: pass
FloatStorage.__module__ = 'torch'
torch.FloatStorage = FloatStorage
def _rebuild_tensor_v2(*a): pass
_rebuild_tensor_v2.__module__ = 'torch._utils'
utils._rebuild_tensor_v2 = _rebuild_tensor_v2
torch._utils = utils
sys.modules['torch'] = torch; sys.modules['torch._utils'] = utils

class Storage:
    def __init__(self, key, n): self.key, self.n = key, n
class Tensor:
    def __init__(self, storage, n): self.storage, self.n = storage, n
    def __reduce__(self):
        return (_rebuild_tensor_v2, (self.storage, 0, (self.n,), (1,), False, collections.OrderedDict()))

class P(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ('storage', FloatStorage, obj.key, 'cpu', obj.n)
        return None

def result(lst):
    return {'total_epochs': 2, 'model_info': {}, 'metrics': {'m': lst}}
db = {'task_list': ['t'], 'metrics_dict': {'t': ['m']}, 'info_names': [],
      'data': {'s': {'a0': {'t': result([1.0, 2.0])}, 'a1': {'t': result(Tensor(Storage('0', 2), 2))}}}}
buf = io.BytesIO(); P(buf, protocol=2).dump(db)
out = io.BytesIO()
with zipfile.ZipFile(out, 'w', zipfile.ZIP_STORED) as z:
    z.writestr('archive/data.pkl', buf.getvalue())
    z.writestr('archive/byteorder', 'little')
    z.writestr('archive/data/0', struct.pack('<2f', 3.0, 4.0))
    z.writestr('archive/version', '3\n')
sys.stdout.buffer.write(out.getvalue())
"#;

#[test]
fn a_metric_list_that_is_a_tensor_is_refused_with_its_path() {
    let src = run_python(TENSOR_BENCH, b"");
    assert_eq!(
        refusal(&src),
        "data/s/a1/t/metrics/m: expected a list of per-epoch values, found tensor: the official \
         class would answer with the tensor itself, which tnb does not reproduce (make it a list)"
    );
}

/// The stdout of python3 running `script` on `input`.
fn run_python(script: &str, input: &[u8]) -> Vec<u8> {
    let mut child = match Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!("python3 is needed for this test: {e}"),
    };
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// A result-shaped value for an extra entry.
fn result_like(epochs: i64) -> W {
    W::dict(vec![
        (W::str("total_epochs"), W::Int(epochs)),
        (W::str("model_info"), W::dict(vec![(W::str("i"), W::Float(9.0))])),
        (W::str("metrics"), W::dict(vec![(W::str("m"), W::list(vec![W::Float(9.0); 2]))])),
    ])
}

fn refusal(src: &[u8]) -> String {
    match tnb_convert::convert_bytes(src) {
        Ok(_) => panic!("converted a file whose answers tnb would not reproduce"),
        Err(e) => e.to_string(),
    }
}

const WHY: &str = "not a task of task_list: the official class would answer queries for it \
                   from this entry, which tnb does not reproduce (remove the entry, or add the \
                   task to task_list)";

#[test]
fn the_plain_benchmark_and_extras_the_class_never_reads_convert() {
    tnb_convert::convert_bytes(&bench(None, None, false)).unwrap();
    tnb_convert::convert_bytes(&bench(None, None, true)).unwrap();
}

#[test]
fn an_arch_entry_for_a_task_not_in_task_list_is_refused_with_its_path() {
    for value in [result_like(2), W::str("x"), W::Int(3), W::None] {
        let src = bench(Some((W::str("other"), value)), None, false);
        assert_eq!(refusal(&src), format!("data/s/a1/other: {WHY}"));
    }
}

#[test]
fn an_arch_entry_with_a_key_that_is_not_a_str_is_refused() {
    let src = bench(Some((W::Int(5), result_like(2))), None, false);
    assert_eq!(refusal(&src), format!("data/s/a1/5: {WHY}"));
    let src = bench(Some((W::None, W::Int(1))), None, false);
    assert_eq!(refusal(&src), format!("data/s/a1/None: {WHY}"));
}

#[test]
fn a_metrics_dict_entry_for_a_task_not_in_task_list_is_refused_with_its_path() {
    for value in [W::list(vec![W::str("m")]), W::list(vec![]), W::Int(3), W::str("m")] {
        let src = bench(None, Some((W::str("other"), value)), false);
        assert_eq!(refusal(&src), format!("metrics_dict/other: {WHY}"));
    }
    let src = bench(None, Some((W::Int(0), W::list(vec![]))), false);
    assert_eq!(refusal(&src), format!("metrics_dict/0: {WHY}"));
}

#[test]
fn a_task_in_both_places_but_not_in_task_list_is_refused_at_metrics_dict_first() {
    let src =
        bench(Some((W::str("u"), result_like(2))), Some((W::str("u"), W::list(vec![]))), false);
    assert_eq!(refusal(&src), format!("metrics_dict/u: {WHY}"));
}

/// Why the refusal is needed: on such a file, the official class's own lookups answer where
/// tnb would raise `KeyError`. Plain python3 follows those lookups on the same pickle (the
/// class's `get_total_epochs` is `data[space][arch][task]['total_epochs']`; its metric check
/// is `metric in metrics_dict[task]`).
#[test]
fn the_official_lookups_answer_for_such_entries() {
    let script = r#"
import pickle, sys
db = pickle.loads(sys.stdin.buffer.read())
arch = db['data']['s']['a1']
print(arch['other']['total_epochs'])
try:
    assert 'nope' in db['metrics_dict']['other']
except AssertionError:
    print('AssertionError')
"#;
    let src = bench(
        Some((W::str("other"), result_like(5))),
        Some((W::str("other"), W::list(vec![W::str("m")]))),
        false,
    );
    let out = run_python(script, &src);
    // 5 epochs and an `assert` failure, where tnb's task lookup would raise KeyError twice.
    assert_eq!(String::from_utf8(out).unwrap(), "5\nAssertionError\n");
    assert!(tnb_convert::convert_bytes(&src).is_err());
}

/// A metric list one value longer or one value shorter than `total_epochs`: the official class
/// only indexes the list, so it would answer `'final'` from an epoch past `total_epochs`
/// (longer) or fail with `IndexError` where `get_epoch_status` accepted the epoch (shorter),
/// while tnb's columns hold `total_epochs` values per arch. README promises such a file is
/// refused at conversion, naming the list; both directions are checked so that neither
/// "at least" nor "at most" passes for "exactly".
#[test]
fn a_metric_list_longer_or_shorter_than_total_epochs_is_refused_with_its_path() {
    for len in [3, 1] {
        let src = with_list(W::list((0..len).map(|i| W::Float(f64::from(i))).collect()));
        assert_eq!(
            refusal(&src),
            format!("data/s/a1/t/metrics/m: expected 2 epochs (total_epochs), found {len}")
        );
    }
    // Exactly `total_epochs` values convert.
    tnb_convert::convert_bytes(&with_list(W::list(vec![W::Float(0.0), W::Float(1.0)]))).unwrap();
}
