//! Every method of the official API on the small fixture, by table: the exact answer (as the
//! `json.dumps` text) or the exact exception class, with arguments chosen so that each check
//! of the official class's order is the first to fail in one row and passes in the next
//! (`/work/shared/reference/transnas-layout.md`, "Exception classes and the order of checks").
//!
//! The expected column was computed by a model of the official class (its methods as the
//! reference describes them) run on `data/transnas_small.json`, which holds the same object as
//! `data/transnas_small.pth`. [`TUPLE`] stands for a hashable value equal to no name,
//! [`LIST`] and [`DICT`] for unhashable ones, [`BIG`] and [`NEG_BIG`] for `10**30` and
//! `-10**30`.
//!
//! An error row also holds the message: the official class's (its `assert` texts, CPython's
//! own for `KeyError`, list indexing, argument binding). Two checks of one class (the arch's
//! and the task's `KeyError`) are told apart only by it, so the order of those is pinned too.
//! Messages quoting a tuple, list, dict or big int were checked against python3 formatting the
//! same value (`messages.rs` runs python3 on them).

use tnb_api::{Arg, CallError, Exc, JsonSink, Shown, call};
use tnb_store::Store;

fn small() -> Store {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../data/transnas_small.pth");
    let bytes = tnb_convert::convert_bytes(&std::fs::read(path).unwrap()).unwrap();
    Store::copy_from(&bytes).unwrap()
}

/// `('x', 1)`.
const TUPLE: Arg<'static> = Arg::Hashable(Shown::new("tuple", "('x', 1)"));
/// `[1]`.
const LIST: Arg<'static> = Arg::Unhashable(Shown::new("list", "[1]"));
/// `{'k': [1]}`.
const DICT: Arg<'static> = Arg::Unhashable(Shown::new("dict", "{'k': [1]}"));
/// `10**30`.
const BIG: Arg<'static> =
    Arg::BigInt { negative: false, digits: "1000000000000000000000000000000" };
/// `-10**30`.
const NEG_BIG: Arg<'static> =
    Arg::BigInt { negative: true, digits: "-1000000000000000000000000000000" };

type Kwargs = &'static [(&'static str, Arg<'static>)];

struct Case {
    method: &'static str,
    args: &'static [Arg<'static>],
    kwargs: Kwargs,
    want: Result<&'static str, (Exc, &'static str)>,
}

const fn c(
    method: &'static str,
    args: &'static [Arg<'static>],
    kwargs: Kwargs,
    want: Result<&'static str, (Exc, &'static str)>,
) -> Case {
    Case { method, args, kwargs, want }
}

/// The call's answer as `json.dumps` text, or the class it raises (with its message).
fn outcome(
    s: &Store,
    method: &str,
    args: &[Arg<'_>],
    kwargs: &[(&str, Arg<'_>)],
) -> Result<String, (Exc, String)> {
    let mut sink = JsonSink::new(Vec::new());
    match call(s, method, args, kwargs, &mut |e| sink.event(e)) {
        Ok(()) => Ok(String::from_utf8(sink.finish().unwrap()).unwrap()),
        Err(CallError::Api(e)) => {
            // A call that raises emits nothing on this archive: every check precedes the answer.
            assert_eq!(sink.into_inner(), b"", "{method}: output before the error");
            Err((e.exc(), e.message().to_owned()))
        }
        Err(CallError::Sink(e)) => panic!("{method}: sink failed: {e}"),
        Err(other) => panic!("{method}: {other}"),
    }
}

#[test]
fn every_method_answers_or_raises_as_the_official_class() {
    let s = small();
    let mut wrong = Vec::new();
    for (i, case) in CASES.iter().enumerate() {
        let got = outcome(&s, case.method, case.args, case.kwargs);
        let same = match (&got, &case.want) {
            (Ok(text), Ok(want)) => text == want,
            (Err((exc, message)), Err((want, want_message))) => {
                exc == want && message == want_message
            }
            _ => false,
        };
        if !same {
            wrong.push(format!(
                "row {i}: {}({:?}, {:?}): got {got:?}, want {:?}",
                case.method, case.args, case.kwargs, case.want
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} rows differ:\n{}",
        wrong.len(),
        CASES.len(),
        wrong.join("\n")
    );
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    c("len", &[], &[], Ok(r#"32"#)),
    c("task_list", &[], &[], Ok(r#"["class_scene", "class_object", "room_layout", "jigsaw", "segmentsemantic", "normal", "autoencoder"]"#)),
    c("search_spaces", &[], &[], Ok(r#"["macro", "micro"]"#)),
    c("metrics_dict", &[], &[], Ok(r#"{"class_scene": ["train_top1", "train_top5", "train_loss", "valid_top1", "valid_top5", "valid_loss", "test_top1", "test_top5", "test_loss", "time_elapsed"], "class_object": ["train_top1", "train_top5", "train_loss", "valid_top1", "valid_top5", "valid_loss", "test_top1", "test_top5", "test_loss", "time_elapsed"], "room_layout": ["train_loss", "train_neg_loss", "valid_loss", "valid_neg_loss", "test_loss", "test_neg_loss", "time_elapsed"], "jigsaw": ["train_top1", "train_top5", "train_loss", "valid_top1", "valid_top5", "valid_loss", "test_top1", "test_top5", "test_loss", "time_elapsed"], "segmentsemantic": ["train_loss", "train_acc", "train_mIoU", "valid_loss", "valid_acc", "valid_mIoU", "test_loss", "test_acc", "test_mIoU", "time_elapsed"], "normal": ["train_ssim", "train_l1_loss", "valid_ssim", "valid_l1_loss", "test_ssim", "test_l1_loss", "time_elapsed"], "autoencoder": ["train_ssim", "train_l1_loss", "valid_ssim", "valid_l1_loss", "test_ssim", "test_l1_loss", "time_elapsed"]}"#)),
    c("info_names", &[], &[], Ok(r#"["inference_time", "encoder_params", "model_params", "model_FLOPs", "encoder_FLOPs"]"#)),
    c("all_arch_dict", &[], &[], Ok(r#"{"macro": ["64-4111-basic", "64-2311-basic", "64-2131-basic", "64-2113-basic", "64-3211-basic", "64-41433-basic", "64-113321-basic", "64-423111-basic", "64-123123-basic", "64-121324-basic", "64-143423-basic", "64-133442-basic", "64-133424-basic", "64-133244-basic", "64-131444-basic", "64-113444-basic"], "micro": ["64-41414-0_00_000", "64-41414-0_00_001", "64-41414-0_00_002", "64-41414-0_00_003", "64-41414-0_00_010", "64-41414-0_01_023", "64-41414-1_11_133", "64-41414-1_13_223", "64-41414-2_32_002", "64-41414-3_00_202", "64-41414-3_13_130", "64-41414-3_33_323", "64-41414-3_33_330", "64-41414-3_33_331", "64-41414-3_33_332", "64-41414-3_33_333"]}"#)),
    c("len", &[Arg::Int(1)], &[], Err((Exc::TypeError, "len() takes exactly one argument (2 given)"))),
    c("task_list", &[], &[("x", Arg::Int(1))], Err((Exc::TypeError, "'list' object is not callable"))),
    c("search_spaces", &[Arg::None], &[], Err((Exc::TypeError, "'list' object is not callable"))),
    c("nope", &[], &[], Err((Exc::AttributeError, "'TransNASBenchAPI' object has no attribute 'nope'"))),
    c("get_single_metrics", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1")], &[], Err((Exc::AttributeError, "'TransNASBenchAPI' object has no attribute 'get_single_metrics'"))),
    c("", &[], &[], Err((Exc::AttributeError, "'TransNASBenchAPI' object has no attribute ''"))),
    c("index2arch", &[Arg::Int(0)], &[], Ok(r#""64-4111-basic""#)),
    c("index2arch", &[Arg::Int(1)], &[], Ok(r#""64-2311-basic""#)),
    c("index2arch", &[Arg::Int(15)], &[], Ok(r#""64-113444-basic""#)),
    c("index2arch", &[Arg::Int(16)], &[], Ok(r#""64-41414-0_00_000""#)),
    c("index2arch", &[Arg::Int(31)], &[], Ok(r#""64-41414-3_33_333""#)),
    c("index2arch", &[Arg::Int(32)], &[], Err((Exc::IndexError, "list index out of range"))),
    c("index2arch", &[Arg::Int(-1)], &[], Ok(r#""64-41414-3_33_333""#)),
    c("index2arch", &[Arg::Int(-32)], &[], Ok(r#""64-4111-basic""#)),
    c("index2arch", &[Arg::Int(-33)], &[], Err((Exc::IndexError, "list index out of range"))),
    c("index2arch", &[Arg::Bool(true)], &[], Ok(r#""64-2311-basic""#)),
    c("index2arch", &[Arg::Bool(false)], &[], Ok(r#""64-4111-basic""#)),
    c("index2arch", &[BIG], &[], Err((Exc::IndexError, "cannot fit 'int' into an index-sized integer"))),
    c("index2arch", &[NEG_BIG], &[], Err((Exc::IndexError, "cannot fit 'int' into an index-sized integer"))),
    c("index2arch", &[Arg::Float(1.0)], &[], Err((Exc::TypeError, "list indices must be integers or slices, not float"))),
    c("index2arch", &[Arg::None], &[], Err((Exc::TypeError, "list indices must be integers or slices, not NoneType"))),
    c("index2arch", &[Arg::Str("0")], &[], Err((Exc::TypeError, "list indices must be integers or slices, not str"))),
    c("index2arch", &[TUPLE], &[], Err((Exc::TypeError, "list indices must be integers or slices, not tuple"))),
    c("index2arch", &[LIST], &[], Err((Exc::TypeError, "list indices must be integers or slices, not list"))),
    c("index2arch", &[], &[("index", Arg::Int(2))], Ok(r#""64-2131-basic""#)),
    c("index2arch", &[], &[], Err((Exc::TypeError, "TransNASBenchAPI.index2arch() missing 1 required positional argument: 'index'"))),
    c("index2arch", &[Arg::Int(1), Arg::Int(2)], &[], Err((Exc::TypeError, "TransNASBenchAPI.index2arch() takes 2 positional arguments but 3 were given"))),
    c("index2arch", &[Arg::Int(1)], &[("index", Arg::Int(2))], Err((Exc::TypeError, "TransNASBenchAPI.index2arch() got multiple values for argument 'index'"))),
    c("index2arch", &[], &[("arch", Arg::Int(2))], Err((Exc::TypeError, "TransNASBenchAPI.index2arch() got an unexpected keyword argument 'arch'"))),
    c("arch2index", &[Arg::Str("64-4111-basic")], &[], Ok(r#"0"#)),
    c("arch2index", &[Arg::Str("64-41414-0_00_000")], &[], Ok(r#"16"#)),
    c("arch2index", &[Arg::Str("64-41414-3_33_333")], &[], Ok(r#"31"#)),
    c("arch2index", &[Arg::Str("64-41414-9_99_999")], &[], Err((Exc::ValueError, "'64-41414-9_99_999' is not in list"))),
    c("arch2index", &[Arg::Int(0)], &[], Err((Exc::ValueError, "0 is not in list"))),
    c("arch2index", &[Arg::None], &[], Err((Exc::ValueError, "None is not in list"))),
    c("arch2index", &[LIST], &[], Err((Exc::ValueError, "[1] is not in list"))),
    c("arch2index", &[TUPLE], &[], Err((Exc::ValueError, "('x', 1) is not in list"))),
    c("arch2index", &[Arg::Bool(true)], &[], Err((Exc::ValueError, "True is not in list"))),
    c("arch2index", &[Arg::Float(1.5)], &[], Err((Exc::ValueError, "1.5 is not in list"))),
    c("arch2index", &[], &[("arch", Arg::Str("64-41414-0_00_000"))], Ok(r#"16"#)),
    c("get_arch_result", &[Arg::Str("64-41414-3_33_333")], &[], Ok(r#"{"class_scene": {"total_epochs": 3, "model_info": {"inference_time": 0.046433028971532106, "encoder_params": 1328595, "model_params": 1531589, "model_FLOPs": 8551189423, "encoder_FLOPs": 8550795815}, "metrics": {"train_top1": [40.46864318847656, 51.77134704589844, 56.61482238769531], "train_top5": [83.70185852050781, 81.07273864746094, 74.31217956542969], "train_loss": [1.2292520999908447, 0.8652951121330261, 0.8155442476272583], "valid_top1": [37.76081085205078, 49.97230529785156, 50.09830093383789], "valid_top5": [72.6453857421875, 84.0355453491211, 86.01103973388672], "valid_loss": [1.275902271270752, 0.9332456588745117, 0.8923784494400024], "test_top1": [36.050785064697266, 47.994972229003906, 52.752960205078125], "test_top5": [76.66806030273438, 86.17915344238281, 85.2274169921875], "test_loss": [1.3589355945587158, 0.9733150601387024, 0.9088959693908691], "time_elapsed": ["00:10:31", "00:20:24", "00:29:49"]}}, "class_object": {"total_epochs": 3, "model_info": {"inference_time": 0.24517412352075568, "encoder_params": 1328595, "model_params": 1831905, "model_FLOPs": 8551145303, "encoder_FLOPs": 8550795815}, "metrics": {"train_top1": [34.134429931640625, 44.19884490966797, 48.67824935913086], "train_top5": [77.99627685546875, 85.90496063232422, 77.31024169921875], "train_loss": [1.305116057395935, 1.010491967201233, 0.7868527770042419], "valid_top1": [30.41382598876953, 40.4173583984375, 45.181365966796875], "valid_top5": [67.02552795410156, 84.51195526123047, 68.64981842041016], "valid_loss": [1.3018455505371094, 0.9927276372909546, 0.9197881817817688], "test_top1": [32.27223205566406, 38.3779411315918, 40.82213592529297], "test_top5": [78.59295654296875, 87.00965881347656, 84.98097229003906], "test_loss": [1.344306468963623, 1.0183128118515015, 0.8710867166519165], "time_elapsed": ["00:04:49", "00:09:51", "00:15:13"]}}, "room_layout": {"total_epochs": 3, "model_info": {"inference_time": 0.23306846460299271, "encoder_params": 1328595, "model_params": 1333002, "model_FLOPs": 8551477861, "encoder_FLOPs": 8550795815}, "metrics": {"train_loss": [0.7064700722694397, 0.5736379623413086, 0.5393555760383606], "train_neg_loss": [-0.7064700722694397, -0.5736379623413086, -0.5393555760383606], "valid_loss": [0.7212265729904175, 0.5973933339118958, 0.5706098079681396], "valid_neg_loss": [-0.7212265729904175, -0.5973933339118958, -0.5706098079681396], "test_loss": [0.7192394137382507, 0.6131184101104736, 0.5879653692245483], "test_neg_loss": [-0.7192394137382507, -0.6131184101104736, -0.5879653692245483], "time_elapsed": ["00:07:06", "00:14:31", "00:22:18"]}}, "jigsaw": {"total_epochs": 2, "model_info": {"inference_time": 0.09832367919422924, "encoder_params": 1328595, "model_params": 3330076, "model_FLOPs": 8553268248, "encoder_FLOPs": 8550795815}, "metrics": {"train_top1": [76.8982162475586, 93.90614318847656], "train_top5": [93.91276550292969, 98.4789810180664], "train_loss": [1.0884108543395996, 0.75907963514328], "valid_top1": [74.115478515625, 89.07232666015625], "valid_top5": [89.11246490478516, 97.50309753417969], "valid_loss": [0.6675572991371155, 0.8593838214874268], "test_top1": [74.862548828125, 86.91352081298828], "test_top5": [86.78424072265625, 96.546142578125], "test_loss": [1.1837654113769531, 0.8979137539863586], "time_elapsed": ["00:12:50", "00:27:01"]}}, "segmentsemantic": {"total_epochs": 4, "model_info": {"inference_time": 0.17820199359926459, "encoder_params": 1328595, "model_params": 3133092, "model_FLOPs": 9750971341, "encoder_FLOPs": 8550795815}, "metrics": {"train_loss": [1.8164185285568237, 1.3212894201278687, 1.078294277191162, 0.9773978590965271], "train_acc": [71.67404174804688, 81.98523712158203, 87.71229553222656, 87.74610137939453], "train_mIoU": [16.450817108154297, 23.17571449279785, 27.335262298583984, 28.339534759521484], "valid_loss": [1.9435478448867798, 1.435562252998352, 1.1209228038787842, 1.0343403816223145], "valid_acc": [73.5196762084961, 81.88284301757812, 85.5902328491211, 85.98429107666016], "valid_mIoU": [16.97052001953125, 21.129127502441406, 25.952348709106445, 26.448413848876953], "test_loss": [1.9290642738342285, 1.4480443000793457, 1.2098063230514526, 1.081299066543579], "test_acc": [71.65784454345703, 80.71109008789062, 85.57862091064453, 86.48200225830078], "test_mIoU": [15.483596801757812, 21.380685806274414, 25.424419403076172, 24.70347023010254], "time_elapsed": ["00:00:42", "00:01:22", "00:02:00", "00:02:37"]}}, "normal": {"total_epochs": 4, "model_info": {"inference_time": 0.08556716033529672, "encoder_params": 1328595, "model_params": 3228684, "model_FLOPs": 9851623735, "encoder_FLOPs": 8550795815}, "metrics": {"train_ssim": [0.4413357675075531, 0.5447092056274414, 0.5957219004631042, 0.638761579990387], "train_l1_loss": [0.10864236205816269, 0.08380047976970673, 0.06576388329267502, 0.06290789693593979], "valid_ssim": [0.4371812045574188, 0.5415266156196594, 0.5865560173988342, 0.6179623603820801], "valid_l1_loss": [0.10782311856746674, 0.08357972651720047, 0.07058583945035934, 0.06792716681957245], "test_ssim": [0.4290998876094818, 0.5296400189399719, 0.5719205737113953, 0.6097226142883301], "test_l1_loss": [0.10799208283424377, 0.08452074229717255, 0.07275234162807465, 0.06682351231575012], "time_elapsed": ["00:05:22", "00:10:43", "00:15:58", "00:21:24"]}}, "autoencoder": {"total_epochs": 4, "model_info": {"inference_time": 0.17932783364691715, "encoder_params": 1328595, "model_params": 3230920, "model_FLOPs": 9851534874, "encoder_FLOPs": 8550795815}, "metrics": {"train_ssim": [0.4348934590816498, 0.5460964441299438, 0.6043998003005981, 0.6358530521392822], "train_l1_loss": [0.10673164576292038, 0.08560888469219208, 0.07161344587802887, 0.06362510472536087], "valid_ssim": [0.4359106719493866, 0.5216500759124756, 0.5902404189109802, 0.6187682151794434], "valid_l1_loss": [0.10535760223865509, 0.08368988335132599, 0.07104954123497009, 0.06946155428886414], "test_ssim": [0.4414612054824829, 0.5274750590324402, 0.585469126701355, 0.6088126301765442], "test_l1_loss": [0.1076645776629448, 0.08838380873203278, 0.0733000859618187, 0.06784729659557343], "time_elapsed": ["00:08:53", "00:18:24", "00:28:11", "00:38:09"]}}}"#)),
    c("get_arch_result", &[Arg::Str("64-41414-9_99_999")], &[], Err((Exc::KeyError, "'64-41414-9_99_999'"))),
    c("get_arch_result", &[LIST], &[], Err((Exc::TypeError, "unhashable type: 'list'"))),
    c("get_arch_result", &[DICT], &[], Err((Exc::TypeError, "unhashable type: 'dict'"))),
    c("arch2index", &[DICT], &[], Err((Exc::ValueError, "{'k': [1]} is not in list"))),
    c("index2arch", &[DICT], &[], Err((Exc::TypeError, "list indices must be integers or slices, not dict"))),
    c("get_arch_result", &[TUPLE], &[], Err((Exc::KeyError, "('x', 1)"))),
    c("get_arch_result", &[Arg::Int(0)], &[], Err((Exc::KeyError, "0"))),
    c("get_arch_result", &[Arg::None], &[], Err((Exc::KeyError, "None"))),
    c("get_arch_result", &[], &[], Err((Exc::TypeError, "TransNASBenchAPI.get_arch_result() missing 1 required positional argument: 'arch'"))),
    c("get_total_epochs", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene")], &[], Ok(r#"3"#)),
    c("get_total_epochs", &[Arg::Str("64-41414-9_99_999"), Arg::Str("nope_task")], &[], Err((Exc::KeyError, "'64-41414-9_99_999'"))),
    c("get_total_epochs", &[Arg::Str("64-4111-basic"), Arg::Str("nope_task")], &[], Err((Exc::KeyError, "'nope_task'"))),
    c("get_total_epochs", &[LIST, Arg::Str("nope_task")], &[], Err((Exc::TypeError, "unhashable type: 'list'"))),
    c("get_total_epochs", &[Arg::Str("64-4111-basic"), LIST], &[], Err((Exc::TypeError, "unhashable type: 'list'"))),
    c("get_total_epochs", &[Arg::Str("64-4111-basic"), Arg::Int(1)], &[], Err((Exc::KeyError, "1"))),
    c("get_total_epochs", &[Arg::Str("64-4111-basic")], &[], Err((Exc::TypeError, "TransNASBenchAPI.get_total_epochs() missing 1 required positional argument: 'task'"))),
    c("get_total_epochs", &[], &[("task", Arg::Str("class_scene")), ("arch", Arg::Str("64-41414-0_00_000"))], Ok(r#"3"#)),
    c("get_model_info", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("model_FLOPs")], &[], Ok(r#"2852914931"#)),
    c("get_model_info", &[Arg::Str("64-41414-0_00_000"), Arg::Str("room_layout"), Arg::Str("inference_time")], &[], Ok(r#"0.06552794299698925"#)),
    c("get_model_info", &[Arg::Str("64-41414-3_33_333"), Arg::Str("autoencoder"), Arg::Str("encoder_params")], &[], Ok(r#"1328595"#)),
    c("get_model_info", &[Arg::Str("64-41414-9_99_999"), Arg::Str("nope_task"), Arg::Str("nope_info")], &[], Err((Exc::AssertionError, "info nope_info is not available! Must in ['inference_time', 'encoder_params', 'model_params', 'model_FLOPs', 'encoder_FLOPs']!"))),
    c("get_model_info", &[LIST, LIST, LIST], &[], Err((Exc::AssertionError, "info [1] is not available! Must in ['inference_time', 'encoder_params', 'model_params', 'model_FLOPs', 'encoder_FLOPs']!"))),
    c("get_model_info", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), TUPLE], &[], Err((Exc::AssertionError, "info ('x', 1) is not available! Must in ['inference_time', 'encoder_params', 'model_params', 'model_FLOPs', 'encoder_FLOPs']!"))),
    c("get_model_info", &[Arg::Str("64-41414-9_99_999"), Arg::Str("nope_task"), Arg::Str("model_FLOPs")], &[], Err((Exc::KeyError, "'64-41414-9_99_999'"))),
    c("get_model_info", &[Arg::Str("64-4111-basic"), Arg::Str("nope_task"), Arg::Str("model_FLOPs")], &[], Err((Exc::KeyError, "'nope_task'"))),
    c("get_model_info", &[LIST, Arg::Str("class_scene"), Arg::Str("model_FLOPs")], &[], Err((Exc::TypeError, "unhashable type: 'list'"))),
    c("get_model_info", &[Arg::Str("64-4111-basic"), LIST, Arg::Str("model_FLOPs")], &[], Err((Exc::TypeError, "unhashable type: 'list'"))),
    c("get_model_info", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::None], &[], Err((Exc::AssertionError, "info None is not available! Must in ['inference_time', 'encoder_params', 'model_params', 'model_FLOPs', 'encoder_FLOPs']!"))),
    c("get_model_info", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene")], &[], Err((Exc::TypeError, "TransNASBenchAPI.get_model_info() missing 1 required positional argument: 'info'"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1")], &[], Ok(r#"43.77078628540039"#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("best")], &[], Ok(r#"43.77078628540039"#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("final")], &[], Ok(r#"43.77078628540039"#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("list")], &[], Ok(r#"[32.80394744873047, 40.201839447021484, 43.77078628540039]"#)),
    c("get_single_metric", &[Arg::Str("64-41414-0_00_000"), Arg::Str("room_layout"), Arg::Str("valid_loss"), Arg::Str("best")], &[], Ok(r#"0.7489641904830933"#)),
    c("get_single_metric", &[Arg::Str("64-41414-0_00_000"), Arg::Str("room_layout"), Arg::Str("valid_loss"), Arg::Str("list")], &[], Ok(r#"[0.7489641904830933, 0.6216744184494019, 0.583569347858429]"#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("time_elapsed"), Arg::Str("best")], &[], Ok(r#""00:39:21""#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("time_elapsed"), Arg::Str("final")], &[], Ok(r#""00:39:21""#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Int(0)], &[], Ok(r#"32.80394744873047"#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Int(1)], &[], Ok(r#"40.201839447021484"#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Int(2)], &[], Ok(r#"43.77078628540039"#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Int(3)], &[], Err((Exc::AssertionError, "get_metric() int mode must < total epoch 3 for task class_scene!"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Int(-1)], &[], Ok(r#"43.77078628540039"#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Int(-3)], &[], Ok(r#"32.80394744873047"#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Int(-4)], &[], Err((Exc::IndexError, "list index out of range"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Bool(true)], &[], Ok(r#"40.201839447021484"#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Bool(false)], &[], Ok(r#"32.80394744873047"#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), BIG], &[], Err((Exc::AssertionError, "get_metric() int mode must < total epoch 3 for task class_scene!"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), NEG_BIG], &[], Err((Exc::IndexError, "cannot fit 'int' into an index-sized integer"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::None], &[], Err((Exc::ValueError, "get_metric() mode must be 'final', 'best', 'list' or epoch_number"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Float(1.0)], &[], Err((Exc::ValueError, "get_metric() mode must be 'final', 'best', 'list' or epoch_number"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("Best")], &[], Err((Exc::ValueError, "get_metric() str mode can only be ['final', 'best', 'list']"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("")], &[], Err((Exc::ValueError, "get_metric() str mode can only be ['final', 'best', 'list']"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), TUPLE], &[], Err((Exc::ValueError, "get_metric() mode must be 'final', 'best', 'list' or epoch_number"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), LIST], &[], Err((Exc::ValueError, "get_metric() mode must be 'final', 'best', 'list' or epoch_number"))),
    c("get_single_metric", &[Arg::Str("64-41414-9_99_999"), Arg::Str("nope_task"), Arg::Str("nope_metric"), Arg::None], &[], Err((Exc::KeyError, "'nope_task'"))),
    c("get_single_metric", &[Arg::Str("64-41414-9_99_999"), Arg::Str("class_scene"), Arg::Str("nope_metric"), Arg::None], &[], Err((Exc::AssertionError, "metric nope_metric is not available for task class_scene! Must in ['train_top1', 'train_top5', 'train_loss', 'valid_top1', 'valid_top5', 'valid_loss', 'test_top1', 'test_top5', 'test_loss', 'time_elapsed']!"))),
    c("get_single_metric", &[Arg::Str("64-41414-9_99_999"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::None], &[], Err((Exc::KeyError, "'64-41414-9_99_999'"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::None], &[], Err((Exc::ValueError, "get_metric() mode must be 'final', 'best', 'list' or epoch_number"))),
    c("get_single_metric", &[Arg::Str("64-41414-9_99_999"), Arg::Str("room_layout"), Arg::Str("train_top1")], &[], Err((Exc::AssertionError, "metric train_top1 is not available for task room_layout! Must in ['train_loss', 'train_neg_loss', 'valid_loss', 'valid_neg_loss', 'test_loss', 'test_neg_loss', 'time_elapsed']!"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("room_layout"), Arg::Str("train_top1")], &[], Err((Exc::AssertionError, "metric train_top1 is not available for task room_layout! Must in ['train_loss', 'train_neg_loss', 'valid_loss', 'valid_neg_loss', 'test_loss', 'test_neg_loss', 'time_elapsed']!"))),
    c("get_single_metric", &[LIST, LIST, LIST], &[], Err((Exc::TypeError, "unhashable type: 'list'"))),
    c("get_single_metric", &[LIST, Arg::Str("class_scene"), LIST], &[], Err((Exc::AssertionError, "metric [1] is not available for task class_scene! Must in ['train_top1', 'train_top5', 'train_loss', 'valid_top1', 'valid_top5', 'valid_loss', 'test_top1', 'test_top5', 'test_loss', 'time_elapsed']!"))),
    c("get_single_metric", &[LIST, Arg::Str("class_scene"), Arg::Str("valid_top1")], &[], Err((Exc::TypeError, "unhashable type: 'list'"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Int(3), Arg::Str("valid_top1")], &[], Err((Exc::KeyError, "3"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Int(3)], &[], Err((Exc::AssertionError, "metric 3 is not available for task class_scene! Must in ['train_top1', 'train_top5', 'train_loss', 'valid_top1', 'valid_top5', 'valid_loss', 'test_top1', 'test_top5', 'test_loss', 'time_elapsed']!"))),
    c("get_single_metric", &[TUPLE, Arg::Str("class_scene"), Arg::Str("valid_top1")], &[], Err((Exc::KeyError, "('x', 1)"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), TUPLE, Arg::Str("valid_top1")], &[], Err((Exc::KeyError, "('x', 1)"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), TUPLE], &[], Err((Exc::AssertionError, "metric ('x', 1) is not available for task class_scene! Must in ['train_top1', 'train_top5', 'train_loss', 'valid_top1', 'valid_top5', 'valid_loss', 'test_top1', 'test_top5', 'test_loss', 'time_elapsed']!"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), DICT], &[], Err((Exc::AssertionError, "metric {'k': [1]} is not available for task class_scene! Must in ['train_top1', 'train_top5', 'train_loss', 'valid_top1', 'valid_top5', 'valid_loss', 'test_top1', 'test_top5', 'test_loss', 'time_elapsed']!"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), DICT, Arg::Str("valid_top1")], &[], Err((Exc::TypeError, "unhashable type: 'dict'"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("final"), Arg::Int(7)], &[], Ok(r#"43.77078628540039"#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1")], &[("xseed", Arg::Int(777))], Ok(r#"43.77078628540039"#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1")], &[("mode", Arg::Str("final")), ("xseed", Arg::Str("x"))], Ok(r#"43.77078628540039"#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1")], &[("mode", Arg::Int(1))], Ok(r#"40.201839447021484"#)),
    c("get_single_metric", &[], &[("metric", Arg::Str("valid_top1")), ("task", Arg::Str("class_scene")), ("arch", Arg::Str("64-41414-3_33_333")), ("mode", Arg::Int(-2))], Ok(r#"49.97230529785156"#)),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("best"), Arg::None, Arg::Int(1)], &[], Err((Exc::TypeError, "TransNASBenchAPI.get_single_metric() takes from 4 to 6 positional arguments but 7 were given"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1")], &[("seed", Arg::Int(1))], Err((Exc::TypeError, "TransNASBenchAPI.get_single_metric() got an unexpected keyword argument 'seed'"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1")], &[("task", Arg::Str("class_scene"))], Err((Exc::TypeError, "TransNASBenchAPI.get_single_metric() got multiple values for argument 'task'"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene")], &[("mode", Arg::Str("best"))], Err((Exc::TypeError, "TransNASBenchAPI.get_single_metric() missing 1 required positional argument: 'metric'"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("list")], &[("mode", Arg::Str("final"))], Err((Exc::TypeError, "TransNASBenchAPI.get_single_metric() got multiple values for argument 'mode'"))),
    c("get_single_metric", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1")], &[("mode", Arg::Str("list")), ("mode", Arg::Str("final"))], Ok(r#"43.77078628540039"#)),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Int(0)], &[], Ok(r#"{"epoch": 0, "train_top1": 34.45755386352539, "train_top5": 65.99583435058594, "train_loss": 2.2276618480682373, "valid_top1": 32.80394744873047, "valid_top5": 70.77194213867188, "valid_loss": 2.234759569168091, "test_top1": 31.953462600708008, "test_top5": 65.1035385131836, "test_loss": 2.3035993576049805, "time_elapsed": "00:11:40"}"#)),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Int(2)], &[], Ok(r#"{"epoch": 2, "train_top1": 49.0088996887207, "train_top5": 75.52130889892578, "train_loss": 1.3413504362106323, "valid_top1": 43.77078628540039, "valid_top5": 88.57682037353516, "valid_loss": 1.460401177406311, "test_top1": 43.81816101074219, "test_top5": 75.92367553710938, "test_loss": 1.5011807680130005, "time_elapsed": "00:39:21"}"#)),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Int(-1)], &[], Ok(r#"{"epoch": 2, "train_top1": 49.0088996887207, "train_top5": 75.52130889892578, "train_loss": 1.3413504362106323, "valid_top1": 43.77078628540039, "valid_top5": 88.57682037353516, "valid_loss": 1.460401177406311, "test_top1": 43.81816101074219, "test_top5": 75.92367553710938, "test_loss": 1.5011807680130005, "time_elapsed": "00:39:21"}"#)),
    c("get_epoch_status", &[Arg::Str("64-41414-0_00_000"), Arg::Str("room_layout"), Arg::Int(1)], &[], Ok(r#"{"epoch": 1, "train_loss": 0.5967606902122498, "train_neg_loss": -0.5967606902122498, "valid_loss": 0.6216744184494019, "valid_neg_loss": -0.6216744184494019, "test_loss": 0.6057044863700867, "test_neg_loss": -0.6057044863700867, "time_elapsed": "00:26:26"}"#)),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Int(-3)], &[], Ok(r#"{"epoch": 0, "train_top1": 34.45755386352539, "train_top5": 65.99583435058594, "train_loss": 2.2276618480682373, "valid_top1": 32.80394744873047, "valid_top5": 70.77194213867188, "valid_loss": 2.234759569168091, "test_top1": 31.953462600708008, "test_top5": 65.1035385131836, "test_loss": 2.3035993576049805, "time_elapsed": "00:11:40"}"#)),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Int(3)], &[], Err((Exc::AssertionError, "arg epoch 3 must < 3 on task class_scene"))),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Int(-4)], &[], Err((Exc::IndexError, "list index out of range"))),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Bool(true)], &[], Ok(r#"{"epoch": true, "train_top1": 43.154510498046875, "train_top5": 65.96833038330078, "train_loss": 1.5950335264205933, "valid_top1": 40.201839447021484, "valid_top5": 87.30944061279297, "valid_loss": 1.67642080783844, "test_top1": 40.04526138305664, "test_top5": 67.6503677368164, "test_loss": 1.737744688987732, "time_elapsed": "00:25:22"}"#)),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Bool(false)], &[], Ok(r#"{"epoch": false, "train_top1": 34.45755386352539, "train_top5": 65.99583435058594, "train_loss": 2.2276618480682373, "valid_top1": 32.80394744873047, "valid_top5": 70.77194213867188, "valid_loss": 2.234759569168091, "test_top1": 31.953462600708008, "test_top5": 65.1035385131836, "test_loss": 2.3035993576049805, "time_elapsed": "00:11:40"}"#)),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), BIG], &[], Err((Exc::AssertionError, "arg epoch 1000000000000000000000000000000 must < 3 on task class_scene"))),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), NEG_BIG], &[], Err((Exc::IndexError, "cannot fit 'int' into an index-sized integer"))),
    c("get_epoch_status", &[Arg::Str("64-41414-9_99_999"), Arg::Str("nope_task"), Arg::Float(1.0)], &[], Err((Exc::AssertionError, "arg epoch 1.0 must be int"))),
    c("get_epoch_status", &[Arg::Str("64-41414-9_99_999"), Arg::Str("nope_task"), Arg::None], &[], Err((Exc::AssertionError, "arg epoch None must be int"))),
    c("get_epoch_status", &[Arg::Str("64-41414-9_99_999"), Arg::Str("nope_task"), Arg::Str("1")], &[], Err((Exc::AssertionError, "arg epoch 1 must be int"))),
    c("get_epoch_status", &[LIST, LIST, LIST], &[], Err((Exc::AssertionError, "arg epoch [1] must be int"))),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), DICT], &[], Err((Exc::AssertionError, "arg epoch {'k': [1]} must be int"))),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), TUPLE], &[], Err((Exc::AssertionError, "arg epoch ('x', 1) must be int"))),
    c("get_epoch_status", &[Arg::Str("64-41414-9_99_999"), Arg::Str("nope_task"), Arg::Int(0)], &[], Err((Exc::KeyError, "'64-41414-9_99_999'"))),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("nope_task"), Arg::Int(0)], &[], Err((Exc::KeyError, "'nope_task'"))),
    c("get_epoch_status", &[LIST, Arg::Str("class_scene"), Arg::Int(0)], &[], Err((Exc::TypeError, "unhashable type: 'list'"))),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), LIST, Arg::Int(0)], &[], Err((Exc::TypeError, "unhashable type: 'list'"))),
    c("get_epoch_status", &[Arg::Str("64-41414-9_99_999"), Arg::Str("nope_task"), Arg::Int(99)], &[], Err((Exc::KeyError, "'64-41414-9_99_999'"))),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("nope_task"), Arg::Int(99)], &[], Err((Exc::KeyError, "'nope_task'"))),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Int(1), Arg::Int(123)], &[], Ok(r#"{"epoch": 1, "train_top1": 43.154510498046875, "train_top5": 65.96833038330078, "train_loss": 1.5950335264205933, "valid_top1": 40.201839447021484, "valid_top5": 87.30944061279297, "valid_loss": 1.67642080783844, "test_top1": 40.04526138305664, "test_top5": 67.6503677368164, "test_loss": 1.737744688987732, "time_elapsed": "00:25:22"}"#)),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene")], &[("epoch", Arg::Int(1)), ("xseed", Arg::None)], Ok(r#"{"epoch": 1, "train_top1": 43.154510498046875, "train_top5": 65.96833038330078, "train_loss": 1.5950335264205933, "valid_top1": 40.201839447021484, "valid_top5": 87.30944061279297, "valid_loss": 1.67642080783844, "test_top1": 40.04526138305664, "test_top5": 67.6503677368164, "test_loss": 1.737744688987732, "time_elapsed": "00:25:22"}"#)),
    c("get_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene")], &[], Err((Exc::TypeError, "TransNASBenchAPI.get_epoch_status() missing 1 required positional argument: 'epoch'"))),
    c("get_best_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1")], &[], Ok(r#"{"epoch": 2, "train_top1": 49.0088996887207, "train_top5": 75.52130889892578, "train_loss": 1.3413504362106323, "valid_top1": 43.77078628540039, "valid_top5": 88.57682037353516, "valid_loss": 1.460401177406311, "test_top1": 43.81816101074219, "test_top5": 75.92367553710938, "test_loss": 1.5011807680130005, "time_elapsed": "00:39:21"}"#)),
    c("get_best_epoch_status", &[Arg::Str("64-41414-0_00_000"), Arg::Str("room_layout"), Arg::Str("valid_loss")], &[], Ok(r#"{"epoch": 0, "train_loss": 0.7111033201217651, "train_neg_loss": -0.7111033201217651, "valid_loss": 0.7489641904830933, "valid_neg_loss": -0.7489641904830933, "test_loss": 0.7064236402511597, "test_neg_loss": -0.7064236402511597, "time_elapsed": "00:12:55"}"#)),
    c("get_best_epoch_status", &[Arg::Str("64-41414-3_33_333"), Arg::Str("class_scene"), Arg::Str("time_elapsed")], &[], Ok(r#"{"epoch": 2, "train_top1": 56.61482238769531, "train_top5": 74.31217956542969, "train_loss": 0.8155442476272583, "valid_top1": 50.09830093383789, "valid_top5": 86.01103973388672, "valid_loss": 0.8923784494400024, "test_top1": 52.752960205078125, "test_top5": 85.2274169921875, "test_loss": 0.9088959693908691, "time_elapsed": "00:29:49"}"#)),
    c("get_best_epoch_status", &[Arg::Str("64-41414-9_99_999"), Arg::Str("nope_task"), Arg::Str("nope_metric")], &[], Err((Exc::KeyError, "'nope_task'"))),
    c("get_best_epoch_status", &[Arg::Str("64-41414-9_99_999"), Arg::Str("class_scene"), Arg::Str("nope_metric")], &[], Err((Exc::AssertionError, "metric nope_metric is not available for task class_scene! Must in ['train_top1', 'train_top5', 'train_loss', 'valid_top1', 'valid_top5', 'valid_loss', 'test_top1', 'test_top5', 'test_loss', 'time_elapsed']!"))),
    c("get_best_epoch_status", &[Arg::Str("64-41414-9_99_999"), Arg::Str("class_scene"), Arg::Str("valid_top1")], &[], Err((Exc::KeyError, "'64-41414-9_99_999'"))),
    c("get_best_epoch_status", &[LIST, LIST, Arg::Str("valid_top1")], &[], Err((Exc::TypeError, "unhashable type: 'list'"))),
    c("get_best_epoch_status", &[LIST, Arg::Str("class_scene"), Arg::None], &[], Err((Exc::AssertionError, "metric None is not available for task class_scene! Must in ['train_top1', 'train_top5', 'train_loss', 'valid_top1', 'valid_top5', 'valid_loss', 'test_top1', 'test_top5', 'test_loss', 'time_elapsed']!"))),
    c("get_best_epoch_status", &[LIST, Arg::Str("class_scene"), Arg::Str("valid_top1")], &[], Err((Exc::TypeError, "unhashable type: 'list'"))),
    c("get_best_epoch_status", &[Arg::Str("64-4111-basic"), Arg::Str("class_scene"), Arg::Str("valid_top1")], &[("xseed", Arg::Int(1))], Err((Exc::TypeError, "TransNASBenchAPI.get_best_epoch_status() got an unexpected keyword argument 'xseed'"))),
    c("get_arch_list", &[Arg::Str("macro")], &[], Ok(r#"["64-4111-basic", "64-2311-basic", "64-2131-basic", "64-2113-basic", "64-3211-basic", "64-41433-basic", "64-113321-basic", "64-423111-basic", "64-123123-basic", "64-121324-basic", "64-143423-basic", "64-133442-basic", "64-133424-basic", "64-133244-basic", "64-131444-basic", "64-113444-basic"]"#)),
    c("get_arch_list", &[Arg::Str("micro")], &[], Ok(r#"["64-41414-0_00_000", "64-41414-0_00_001", "64-41414-0_00_002", "64-41414-0_00_003", "64-41414-0_00_010", "64-41414-0_01_023", "64-41414-1_11_133", "64-41414-1_13_223", "64-41414-2_32_002", "64-41414-3_00_202", "64-41414-3_13_130", "64-41414-3_33_323", "64-41414-3_33_330", "64-41414-3_33_331", "64-41414-3_33_332", "64-41414-3_33_333"]"#)),
    c("get_arch_list", &[Arg::Str("mini")], &[], Err((Exc::AssertionError, "search_space must in ['macro', 'micro']"))),
    c("get_arch_list", &[Arg::None], &[], Err((Exc::AssertionError, "search_space must in ['macro', 'micro']"))),
    c("get_arch_list", &[LIST], &[], Err((Exc::AssertionError, "search_space must in ['macro', 'micro']"))),
    c("get_arch_list", &[], &[("search_space", Arg::Str("macro"))], Ok(r#"["64-4111-basic", "64-2311-basic", "64-2131-basic", "64-2113-basic", "64-3211-basic", "64-41433-basic", "64-113321-basic", "64-423111-basic", "64-123123-basic", "64-121324-basic", "64-143423-basic", "64-133442-basic", "64-133424-basic", "64-133244-basic", "64-131444-basic", "64-113444-basic"]"#)),
    c("get_arch_list", &[], &[("space", Arg::Str("macro"))], Err((Exc::TypeError, "TransNASBenchAPI.get_arch_list() got an unexpected keyword argument 'space'"))),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro")], &[], Ok(r#"[[55.32135772705078, "64-41414-3_33_323"]]"#)),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("macro"), Arg::Int(3)], &[], Ok(r#"[[57.83424377441406, "64-2113-basic"], [57.83424377441406, "64-133442-basic"], [56.58424377441406, "64-2131-basic"]]"#)),
    c("get_best_archs", &[Arg::Str("room_layout"), Arg::Str("valid_loss"), Arg::Str("micro"), Arg::Int(4)], &[], Ok(r#"[[0.7748415470123291, "64-41414-3_13_130"], [0.7677154541015625, "64-41414-0_01_023"], [0.7641398906707764, "64-41414-3_33_331"], [0.7578009963035583, "64-41414-3_00_202"]]"#)),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("time_elapsed"), Arg::Str("macro"), Arg::Int(2)], &[], Ok(r#"[["00:41:42", "64-423111-basic"], ["00:39:28", "64-41433-basic"]]"#)),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro"), Arg::Int(0)], &[], Ok(r#"[]"#)),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro"), Arg::Int(-13)], &[], Ok(r#"[[55.32135772705078, "64-41414-3_33_323"], [54.54865646362305, "64-41414-0_00_000"], [53.85281753540039, "64-41414-3_33_332"]]"#)),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro"), Arg::Int(-16)], &[], Ok(r#"[]"#)),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro"), Arg::Int(-17)], &[], Ok(r#"[]"#)),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro"), Arg::Int(16)], &[], Ok(r#"[[55.32135772705078, "64-41414-3_33_323"], [54.54865646362305, "64-41414-0_00_000"], [53.85281753540039, "64-41414-3_33_332"], [52.80042266845703, "64-41414-2_32_002"], [52.73560333251953, "64-41414-0_00_010"], [50.23020935058594, "64-41414-1_11_133"], [50.09830093383789, "64-41414-3_33_333"], [48.27238845825195, "64-41414-3_33_330"], [46.87006759643555, "64-41414-0_00_003"], [45.571109771728516, "64-41414-0_00_001"], [45.46633529663086, "64-41414-0_00_002"], [44.752593994140625, "64-41414-1_13_223"], [44.57355880737305, "64-41414-0_01_023"], [43.014869689941406, "64-41414-3_33_331"], [42.65787887573242, "64-41414-3_13_130"], [40.322410583496094, "64-41414-3_00_202"]]"#)),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro"), Arg::Int(17)], &[], Ok(r#"[[55.32135772705078, "64-41414-3_33_323"], [54.54865646362305, "64-41414-0_00_000"], [53.85281753540039, "64-41414-3_33_332"], [52.80042266845703, "64-41414-2_32_002"], [52.73560333251953, "64-41414-0_00_010"], [50.23020935058594, "64-41414-1_11_133"], [50.09830093383789, "64-41414-3_33_333"], [48.27238845825195, "64-41414-3_33_330"], [46.87006759643555, "64-41414-0_00_003"], [45.571109771728516, "64-41414-0_00_001"], [45.46633529663086, "64-41414-0_00_002"], [44.752593994140625, "64-41414-1_13_223"], [44.57355880737305, "64-41414-0_01_023"], [43.014869689941406, "64-41414-3_33_331"], [42.65787887573242, "64-41414-3_13_130"], [40.322410583496094, "64-41414-3_00_202"]]"#)),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro"), Arg::Bool(true)], &[], Ok(r#"[[55.32135772705078, "64-41414-3_33_323"]]"#)),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro"), Arg::Bool(false)], &[], Ok(r#"[]"#)),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro"), BIG], &[], Ok(r#"[[55.32135772705078, "64-41414-3_33_323"], [54.54865646362305, "64-41414-0_00_000"], [53.85281753540039, "64-41414-3_33_332"], [52.80042266845703, "64-41414-2_32_002"], [52.73560333251953, "64-41414-0_00_010"], [50.23020935058594, "64-41414-1_11_133"], [50.09830093383789, "64-41414-3_33_333"], [48.27238845825195, "64-41414-3_33_330"], [46.87006759643555, "64-41414-0_00_003"], [45.571109771728516, "64-41414-0_00_001"], [45.46633529663086, "64-41414-0_00_002"], [44.752593994140625, "64-41414-1_13_223"], [44.57355880737305, "64-41414-0_01_023"], [43.014869689941406, "64-41414-3_33_331"], [42.65787887573242, "64-41414-3_13_130"], [40.322410583496094, "64-41414-3_00_202"]]"#)),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro"), NEG_BIG], &[], Ok(r#"[]"#)),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro"), Arg::None], &[], Ok(r#"[[55.32135772705078, "64-41414-3_33_323"], [54.54865646362305, "64-41414-0_00_000"], [53.85281753540039, "64-41414-3_33_332"], [52.80042266845703, "64-41414-2_32_002"], [52.73560333251953, "64-41414-0_00_010"], [50.23020935058594, "64-41414-1_11_133"], [50.09830093383789, "64-41414-3_33_333"], [48.27238845825195, "64-41414-3_33_330"], [46.87006759643555, "64-41414-0_00_003"], [45.571109771728516, "64-41414-0_00_001"], [45.46633529663086, "64-41414-0_00_002"], [44.752593994140625, "64-41414-1_13_223"], [44.57355880737305, "64-41414-0_01_023"], [43.014869689941406, "64-41414-3_33_331"], [42.65787887573242, "64-41414-3_13_130"], [40.322410583496094, "64-41414-3_00_202"]]"#)),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro"), Arg::Str("2")], &[], Err((Exc::TypeError, "slice indices must be integers or None or have an __index__ method"))),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro"), Arg::Float(2.0)], &[], Err((Exc::TypeError, "slice indices must be integers or None or have an __index__ method"))),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro"), TUPLE], &[], Err((Exc::TypeError, "slice indices must be integers or None or have an __index__ method"))),
    c("get_best_archs", &[Arg::Str("nope_task"), Arg::Str("nope_metric"), Arg::Str("mini"), Arg::Str("2")], &[], Err((Exc::AssertionError, "search_space must in ['macro', 'micro']"))),
    c("get_best_archs", &[LIST, LIST, LIST], &[], Err((Exc::AssertionError, "search_space must in ['macro', 'micro']"))),
    c("get_best_archs", &[Arg::Str("nope_task"), Arg::Str("nope_metric"), Arg::Str("micro"), Arg::Str("2")], &[], Err((Exc::KeyError, "'nope_task'"))),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("nope_metric"), Arg::Str("micro"), Arg::Str("2")], &[], Err((Exc::AssertionError, "metric nope_metric is not available for task class_scene! Must in ['train_top1', 'train_top5', 'train_loss', 'valid_top1', 'valid_top5', 'valid_loss', 'test_top1', 'test_top5', 'test_loss', 'time_elapsed']!"))),
    c("get_best_archs", &[LIST, Arg::Str("valid_top1"), Arg::Str("micro")], &[], Err((Exc::TypeError, "unhashable type: 'list'"))),
    c("get_best_archs", &[Arg::Str("class_scene"), LIST, Arg::Str("micro")], &[], Err((Exc::AssertionError, "metric [1] is not available for task class_scene! Must in ['train_top1', 'train_top5', 'train_loss', 'valid_top1', 'valid_top5', 'valid_loss', 'test_top1', 'test_top5', 'test_loss', 'time_elapsed']!"))),
    c("get_best_archs", &[Arg::Str("room_layout"), Arg::Str("valid_top1"), Arg::Str("micro")], &[], Err((Exc::AssertionError, "metric valid_top1 is not available for task room_layout! Must in ['train_loss', 'train_neg_loss', 'valid_loss', 'valid_neg_loss', 'test_loss', 'test_neg_loss', 'time_elapsed']!"))),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("micro"), Arg::Str("2")], &[], Err((Exc::TypeError, "slice indices must be integers or None or have an __index__ method"))),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1")], &[("search_space", Arg::Str("macro")), ("topk", Arg::Int(2))], Ok(r#"[[57.83424377441406, "64-2113-basic"], [57.83424377441406, "64-133442-basic"]]"#)),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1")], &[], Err((Exc::TypeError, "TransNASBenchAPI.get_best_archs() missing 1 required positional argument: 'search_space'"))),
    c("get_best_archs", &[Arg::Str("class_scene"), Arg::Str("valid_top1"), Arg::Str("macro"), Arg::Int(1), Arg::Int(2)], &[], Err((Exc::TypeError, "TransNASBenchAPI.get_best_archs() takes from 4 to 5 positional arguments but 6 were given"))),
];
