//! The `optimizer` setting: Adam, AdamW and SGD with momentum against steps computed by hand
//! (Keras' formulations, f64), at a rate that changes from step to step as the schedule's
//! does, from this script:
//! ```python
//! grads = [[0.1, -0.3, 0.0], [0.2, 0.1, -1.0], [-0.05, 0.4, 2.0]]; lrs = [0.01, 0.02, 0.005]
//! def adam(wd):  # wd = 0: Adam; 0.004: AdamW
//!     b1, b2, eps = 0.9, 0.999, 1e-7
//!     p = [1.0, -2.0, 0.5]; m = [0.0] * 3; v = [0.0] * 3
//!     for t, (g, lr) in enumerate(zip(grads, lrs), 1):
//!         a = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
//!         for i in range(3):
//!             p[i] -= p[i] * wd * lr
//!             m[i] += (1 - b1) * (g[i] - m[i]); v[i] += (1 - b2) * (g[i] * g[i] - v[i])
//!             p[i] -= a * m[i] / (math.sqrt(v[i]) + eps)
//! def sgd():
//!     p = [1.0, -2.0, 0.5]; u = [0.0] * 3
//!     for g, lr in zip(grads, lrs):
//!         for i in range(3):
//!             u[i] = 0.9 * u[i] - lr * g[i]; p[i] += u[i]
//! ```
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::common;

use mnist_wasm::config::{Value, schema};
use mnist_wasm::data::Split;
use mnist_wasm::optim::{NAMES, Optimizer, OptimizerKind, RULES};
use mnist_wasm::{Trainer, TrainerConfig, weights};

const GRADS: [[f32; 3]; 3] = [[0.1, -0.3, 0.0], [0.2, 0.1, -1.0], [-0.05, 0.4, 2.0]];
const RATES: [f32; 3] = [0.01, 0.02, 0.005];

fn kind(name: &str) -> OptimizerKind {
    OptimizerKind::from_name(name).unwrap_or_else(|| panic!("no optimizer {name}"))
}

fn assert_steps(name: &str, expected: [[f64; 3]; 3]) {
    let mut p = [1.0f32, -2.0, 0.5];
    let mut o = Optimizer::new(kind(name), 3, 0.0);
    for (t, ((g, lr), want)) in GRADS.iter().zip(RATES).zip(expected).enumerate() {
        o.lr = lr;
        o.step(&mut p, g);
        assert_eq!(o.t, t as u64 + 1);
        for (got, want) in p.iter().zip(want) {
            assert!(
                (f64::from(*got) - want).abs() < 1e-6,
                "{name}, step {}: {got} vs {want}",
                t + 1
            );
        }
    }
}

#[test]
fn adam_matches_hand_computed_steps() {
    assert_steps(
        "adam",
        [
            [0.990000316, -1.990000105, 0.500000000],
            [0.970696949, -1.981995814, 0.514882689],
            [0.967753956, -1.983543598, 0.513311261],
        ],
    );
}

#[test]
fn adamw_matches_hand_computed_steps() {
    assert_steps(
        "adamw",
        [
            [0.989960316, -1.989920105, 0.499980000],
            [0.970577752, -1.981756620, 0.514822691],
            [0.967615347, -1.983264770, 0.513240966],
        ],
    );
}

#[test]
fn sgd_with_momentum_matches_hand_computed_steps() {
    assert_steps(
        "sgd",
        [
            [0.999000000, -1.997000000, 0.500000000],
            [0.994100000, -1.996300000, 0.520000000],
            [0.989940000, -1.997670000, 0.528000000],
        ],
    );
}

#[test]
fn adam_is_the_default_and_each_optimizer_has_its_own_name_and_id() {
    assert_eq!(OptimizerKind::default().name(), "adam");
    assert_eq!(TrainerConfig::default().optimizer, kind("adam"));
    assert_eq!(NAMES.len(), RULES.len());
    for (i, a) in RULES.iter().enumerate() {
        assert_eq!(NAMES[i], a.name);
        for b in &RULES[i + 1..] {
            assert!(
                a.name != b.name && a.id != b.id,
                "{} and {}",
                a.name,
                b.name
            );
        }
    }
    for k in OptimizerKind::all() {
        assert_eq!(OptimizerKind::from_id(k.rule().id), Some(k));
    }
}

#[test]
fn the_setting_takes_a_name_and_refuses_others() {
    let c = TrainerConfig::default()
        .patched([("optimizer", Value::Text("sgd".into()))])
        .expect("a known optimizer");
    assert_eq!(c.optimizer, kind("sgd"));
    let args = ["--optimizer".to_string(), "adamw".to_string()];
    assert_eq!(
        TrainerConfig::default()
            .with_args(args)
            .expect("parses")
            .optimizer,
        kind("adamw")
    );
    for bad in [Value::Text("rmsprop".into()), Value::Number(1.0)] {
        let err = TrainerConfig::default()
            .patched([("optimizer", bad)])
            .expect_err("refused");
        assert!(err.to_string().contains(&NAMES.join(", ")), "{err}");
    }
    let field = schema()
        .into_iter()
        .find(|f| f.name == "optimizer")
        .expect("in the schema");
    assert_eq!(field.kind, "choice");
    assert_eq!(field.options, Some(&NAMES[..]));
    assert_eq!(field.default, Value::Text("adam".into()));
}

fn trained(name: &str) -> Trainer {
    let mut t = Trainer::new(TrainerConfig {
        seed: 5,
        batch_size: 32,
        optimizer: kind(name),
        ..Default::default()
    })
    .expect("valid config");
    *t.data_mut(Split::Train) = common::toy_set(64, 3);
    t.train_steps(2).expect("trains");
    t
}

#[test]
fn each_optimizer_trains_and_its_state_travels_in_the_weights_file() {
    for name in NAMES {
        let t = trained(name);
        let o = t.optimizer();
        assert_eq!((o.kind(), o.t), (kind(name), 2));
        assert_eq!(o.state.len(), kind(name).rule().slots);
        let bytes = t.export_weights().expect("exports");
        let ck = weights::decode(&bytes).expect("decodes");
        assert_eq!(ck.optimizer, kind(name));
        // The same optimizer takes the state on.
        let mut same = Trainer::new(t.config()).expect("valid config");
        same.import_weights(&bytes).expect("imports");
        assert_eq!(same.state_checksum(), t.state_checksum());
        assert_eq!(same.export_weights().expect("exports"), bytes);
        // Another one takes the parameters and starts afresh.
        let other = if name == "sgd" { "adam" } else { "sgd" };
        let mut u = Trainer::new(TrainerConfig {
            optimizer: kind(other),
            ..t.config()
        })
        .expect("valid config");
        u.import_weights(&bytes).expect("imports");
        assert_eq!(u.model().params, t.model().params);
        assert_eq!((u.optimizer().kind(), u.optimizer().t), (kind(other), 0));
        assert!(u.optimizer().state.iter().flatten().all(|&x| x == 0.0));
    }
}

#[test]
fn adam_files_are_as_before_and_older_files_load() {
    // Flags: state present, optimizer id 0 (Adam): what every file held before the setting.
    let bytes = trained("adam").export_weights().expect("exports");
    assert_eq!(bytes[16..20], 1u32.to_le_bytes());
    let pretrained = include_bytes!("../../public/pretrained/mnist-pretrained.weights");
    let ck = weights::decode(pretrained).expect("the pretrained model decodes");
    assert_eq!((ck.optimizer, ck.state), (kind("adam"), None));
    let mut t = trained("sgd");
    t.import_weights(pretrained).expect("loads");
    assert_eq!(t.model().params, ck.params);
}

#[test]
fn changing_the_optimizer_starts_it_afresh() {
    let mut t = trained("adam");
    t.set_config(TrainerConfig {
        optimizer: kind("sgd"),
        ..t.config()
    })
    .expect("valid config");
    let o = t.optimizer();
    assert_eq!((o.kind(), o.t, o.state.len()), (kind("sgd"), 0, 1));
    t.train_steps(1).expect("trains");
    assert_eq!(t.optimizer().t, 1);
}
