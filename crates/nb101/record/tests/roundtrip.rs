//! Property: whatever `encode` writes, `decode` reads back to exactly the spec's meaning
//! (floats bit for bit, absent fields as protobuf's defaults), and fewer than 3 evaluations is
//! always refused.

use proptest::prelude::*;
use tnb_nb101_record::{EvalSpec, RecordError, RecordSpec, decode, encode};

fn opt_f64() -> impl Strategy<Value = Option<f64>> {
    proptest::option::of(any::<u64>().prop_map(f64::from_bits))
}

#[derive(Debug, Clone)]
struct Ev {
    d: [Option<f64>; 5],
    path: Option<String>,
}

fn eval() -> impl Strategy<Value = Ev> {
    (proptest::array::uniform5(opt_f64()), proptest::option::of(".{0,20}"))
        .prop_map(|(d, path)| Ev { d, path })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn encode_then_decode_is_the_identity(
        hash in any::<[u8; 16]>(),
        epochs in any::<i64>(),
        n in 0u8..=7,
        adj in any::<u64>(),
        ops in "\\PC{0,30}|[\\x00-\\x7f]{0,10}",
        tp in proptest::option::of(any::<i32>()),
        total in opt_f64(),
        evals in proptest::collection::vec(eval(), 0..6),
    ) {
        let adjacency = if n == 0 { 0 } else { adj & (u64::MAX >> (64 - u32::from(n) * u32::from(n))) };
        let specs: Vec<EvalSpec<'_>> = evals.iter().map(|e| EvalSpec {
            current_epoch: e.d[0], training_time: e.d[1], train_accuracy: e.d[2],
            validation_accuracy: e.d[3], test_accuracy: e.d[4], checkpoint_path: e.path.as_deref(),
        }).collect();
        let spec = RecordSpec {
            hash, epochs, n, adjacency, operations: &ops, trainable_parameters: tp,
            total_time: total, evaluations: &specs,
        };
        let mut bytes = Vec::new();
        encode(&spec, &mut bytes);
        prop_assert!(bytes.is_ascii());
        match decode(&bytes, &mut Vec::new()) {
            Err(RecordError::Evaluations(k)) => prop_assert!(k == evals.len() && k < 3),
            Err(e) => prop_assert!(false, "{e}"),
            Ok(r) => {
                prop_assert!(evals.len() >= 3);
                prop_assert_eq!(r.hash, hash);
                prop_assert_eq!((r.epochs, r.n, r.adjacency), (epochs, n, adjacency));
                prop_assert_eq!(&*r.operations, &*ops);
                prop_assert_eq!(r.trainable_parameters, tp.unwrap_or(0));
                for (got, e) in [(r.halfway, &evals[1]), (r.final_, &evals[2])] {
                    let want = [1, 2, 3, 4].map(|k| {
                        let v = e.d[k].unwrap_or(0.0);
                        if v.is_nan() { tnb_nb101_record::CANONICAL_NAN } else { v.to_bits() }
                    });
                    prop_assert_eq!(got.to_array().map(f64::to_bits), want);
                }
            }
        }
    }
}
