//! The settings, declared once in `src/config.rs`: the schema, the defaults and the checks
//! agree, and a refused change names its field and changes nothing.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mnist_wasm::config::{Value, schema};
use mnist_wasm::{Error, Trainer, TrainerConfig};

fn refused(result: mnist_wasm::Result<TrainerConfig>) -> (String, String) {
    let err = result.expect_err("must be refused");
    assert_eq!(err.name(), "SettingsError", "{err}");
    (err.field().unwrap_or_default().to_string(), err.to_string())
}

#[test]
fn defaults_are_the_schemas_and_valid() {
    let config = TrainerConfig::default();
    config.validate().expect("the defaults are valid");
    let values: Vec<(String, Value)> = config
        .fields()
        .into_iter()
        .map(|(name, _, value)| (name, value))
        .collect();
    let defaults: Vec<(String, Value)> =
        schema().into_iter().map(|f| (f.name, f.default)).collect();
    assert_eq!(values, defaults);
    let names: Vec<&str> = defaults.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "epochs",
            "batchSize",
            "learningRate",
            "schedule",
            "warmupShare",
            "finalLrShare",
            "trainSize",
            "validationSplit",
            "patience",
            "augment",
            "dropout",
            "workers",
            "trainOnDrawings",
            "drawingsShare",
            "optimizer",
            "seed"
        ]
    );
    assert_eq!(defaults[2].1, Value::Number(0.008), "exact decimal");
    assert_eq!(defaults[4].1, Value::Number(0.05), "exact decimal");
}

#[test]
fn workers_is_auto_or_a_count_up_to_8() {
    let field = schema()
        .into_iter()
        .find(|f| f.name == "workers")
        .expect("a workers setting");
    assert_eq!(
        (field.kind, field.min, field.max),
        ("integer", Some(0.0), Some(8.0))
    );
    assert_eq!(field.zero_means, Some("auto"));
    assert_eq!(field.default, Value::Number(0.0));
    let base = TrainerConfig::default();
    for ok in [0.0, 1.0, 8.0] {
        let c = base
            .patched([("workers", Value::Number(ok))])
            .expect("valid");
        assert_eq!(c.workers, ok as u32);
    }
    for bad in [
        Value::Number(9.0),
        Value::Number(-1.0),
        Value::Number(1.5),
        Value::Bool(true),
    ] {
        let err = base.patched([("workers", bad)]).expect_err("refused");
        assert!(err.to_string().contains("0 (auto)"), "{err}");
    }
    // Only the workers setting says what its 0 means.
    assert!(
        schema()
            .iter()
            .filter(|f| f.name != "workers")
            .all(|f| f.zero_means.is_none())
    );
}

#[test]
fn patched_checks_every_value_and_leaves_the_original() {
    let base = TrainerConfig::default();
    let ok = base
        .patched([
            ("batchSize", Value::Number(32.0)),
            ("augment", Value::Bool(false)),
        ])
        .expect("valid");
    assert_eq!((ok.batch_size, ok.augment), (32, false));
    assert_eq!(base, TrainerConfig::default());
    let cases: [(&str, Value, &str); 8] = [
        ("batchSize", Value::Number(0.0), "from 1 to 1024"),
        ("batchSize", Value::Number(2.5), "whole number"),
        (
            "batchSize",
            Value::Other("the text \"8\"".into()),
            "whole number",
        ),
        ("learningRate", Value::Number(0.0), "greater than 0"),
        ("learningRate", Value::Number(f64::INFINITY), "at most 1"),
        ("augment", Value::Number(1.0), "true or false"),
        ("seed", Value::Number(-1.0), "from 0 to 4294967295"),
        ("batch_size", Value::Number(8.0), "unknown setting"),
    ];
    for (name, value, fragment) in cases {
        let (field, message) = refused(base.patched([(name, value)]));
        assert_eq!(field, name);
        assert!(message.contains(fragment), "{message}");
    }
}

#[test]
fn a_struct_built_in_rust_is_checked_by_the_same_limits() {
    for bad in [
        TrainerConfig {
            batch_size: 0,
            ..Default::default()
        },
        TrainerConfig {
            train_size: 0,
            ..Default::default()
        },
        TrainerConfig {
            learning_rate: f32::NAN,
            ..Default::default()
        },
    ] {
        let err = Trainer::new(bad).err().expect("refused");
        assert!(matches!(err, Error::Config { .. }), "{err}");
    }
}

#[test]
fn command_line_pairs_use_the_same_names_in_kebab_case() {
    let args = [
        "--batch-size",
        "128",
        "--augment",
        "false",
        "--learning-rate",
        "0.003",
    ];
    let config = TrainerConfig::default()
        .with_args(args.map(String::from))
        .expect("valid");
    assert_eq!(
        (config.batch_size, config.augment, config.learning_rate),
        (128, false, 0.003)
    );
    let (field, _) = refused(TrainerConfig::default().with_args(["--epochs".to_string()]));
    assert_eq!(field, "epochs");
    let (field, message) =
        refused(TrainerConfig::default().with_args(["--augment", "yes"].map(String::from)));
    assert_eq!(field, "augment");
    assert!(message.contains("the text \"yes\""), "{message}");
}

#[test]
fn the_validation_split_and_patience_have_their_limits() {
    let c = TrainerConfig::default();
    assert_eq!((c.validation_split, c.patience), (0.1, 0));
    for (name, bad) in [
        ("validationSplit", 0.51),
        ("validationSplit", -0.1),
        ("patience", 1.5),
        ("patience", 101.0),
    ] {
        let err = c
            .patched([(name, Value::Number(bad))])
            .expect_err("refused");
        assert!(err.to_string().contains(name), "{err}");
    }
    let ok = c
        .patched([
            ("validationSplit", Value::Number(0.0)),
            ("patience", Value::Number(3.0)),
        ])
        .expect("accepted");
    assert_eq!((ok.validation_split, ok.patience), (0.0, 3));
}
