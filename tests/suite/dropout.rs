//! Dropout (`src/layers/dropout.rs`) and the layer mode it proves: the identity in evaluation,
//! a seeded mask in training that does not depend on how a batch is split, a setting that
//! leaves the weights file alone, and a run that still learns.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::common;

use mnist_wasm::config::Value;
use mnist_wasm::data::Split;
use mnist_wasm::layers::{Dropout, Layer, LayerSpec, Pass, Shape, Workspace};
use mnist_wasm::model::{MAX_BATCH, PIXELS};
use mnist_wasm::network::{Architecture, Options};
use mnist_wasm::trainer::share_range;
use mnist_wasm::{Trainer, TrainerConfig};

const UNITS: usize = 576;

fn layer(rate: f32) -> Dropout {
    Dropout::new(rate).connect(Shape::new(&[UNITS]))
}

fn train(first: usize) -> Pass {
    Pass::Train {
        key: Pass::step_key(42, 7),
        first,
    }
}

/// `n` values in (-1, 1), none zero.
fn values(n: usize, seed: u32) -> Vec<f32> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            ((s >> 8) as f32 / (1 << 24) as f32) * 1.9 - 0.95 + 1e-3
        })
        .collect()
}

fn forward(d: &Dropout, pass: Pass, x: &[f32]) -> Vec<f32> {
    let mut y = vec![f32::NAN; x.len()];
    Layer::forward(
        d,
        pass,
        x.len() / UNITS,
        x,
        &[],
        &mut y,
        &mut Workspace::default(),
    );
    y
}

fn backward(d: &Dropout, pass: Pass, dy: &[f32]) -> Vec<f32> {
    let mut dx = vec![f32::NAN; dy.len()];
    let (mut g, y) = (dy.to_vec(), vec![0.0; dy.len()]);
    let ws = &mut Workspace::default();
    Layer::backward(
        d,
        pass,
        dy.len() / UNITS,
        &y,
        &y,
        &mut g,
        &[],
        &mut [],
        Some(&mut dx),
        ws,
    );
    dx
}

#[test]
fn evaluation_and_rate_zero_are_the_identity() {
    let x = values(3 * UNITS, 1);
    for (rate, pass) in [(0.5, Pass::Eval), (0.0, Pass::Eval), (0.0, train(0))] {
        let d = layer(rate);
        assert_eq!(forward(&d, pass, &x), x, "rate {rate}, {pass:?}");
        assert_eq!(backward(&d, pass, &x), x, "rate {rate}, {pass:?}");
    }
}

/// Central differences of `L(x) = Σ w·y(x)` against the backward pass, whose `dy` is `w`.
fn gradient_check(d: &Dropout, pass: Pass) {
    let (x, w) = (values(2 * UNITS, 3), values(2 * UNITS, 4));
    let loss = |x: &[f32]| -> f64 {
        let y = forward(d, pass, x);
        y.iter()
            .zip(&w)
            .map(|(a, b)| f64::from(*a) * f64::from(*b))
            .sum()
    };
    let dx = backward(d, pass, &w);
    let h = 1e-2;
    for i in (0..x.len()).step_by(7) {
        let (mut plus, mut minus) = (x.clone(), x.clone());
        plus[i] += h;
        minus[i] -= h;
        let numeric = (loss(&plus) - loss(&minus)) / (2.0 * f64::from(h));
        let analytic = f64::from(dx[i]);
        assert!(
            (numeric - analytic).abs() <= 1e-3 * (1.0 + analytic.abs()),
            "{pass:?} unit {i}: numeric {numeric} vs backward {analytic}"
        );
    }
}

#[test]
fn backward_matches_central_differences_in_both_modes() {
    let d = layer(0.5);
    gradient_check(&d, Pass::Eval);
    // The mask is fixed by the pass: the same in the forward and the backward.
    gradient_check(&d, train(5));
}

#[test]
fn keeps_about_one_minus_rate_and_scales_the_kept() {
    let images = 200; // 115,200 units
    let x = vec![1.0; images * UNITS];
    for rate in [0.1, 0.5, 0.9] {
        let d = layer(rate);
        let y = forward(&d, train(0), &x);
        let kept = y.iter().filter(|&&v| v != 0.0).count();
        let share = kept as f64 / y.len() as f64;
        // Binomial: the standard deviation of the share is below 0.0015 here.
        assert!(
            (share - f64::from(1.0 - rate)).abs() < 0.01,
            "rate {rate}: kept {share}"
        );
        let scale = 1.0 / (1.0 - rate);
        assert!(y.iter().all(|&v| v == 0.0 || v == scale), "rate {rate}");
        // The backward pass keeps the same units, scaled alike.
        assert_eq!(backward(&d, train(0), &x), y);
        // Another step, another mask.
        let other = Pass::Train {
            key: Pass::step_key(42, 8),
            first: 0,
        };
        assert_ne!(forward(&d, other, &x), y, "rate {rate}");
    }
}

#[test]
fn an_images_mask_does_not_depend_on_the_split() {
    let d = layer(0.5);
    let batch = 48;
    let x = values(batch * UNITS, 5);
    let whole = forward(&d, train(0), &x);
    for parts in [1, 2, 3, 5] {
        let mut joined = Vec::new();
        for k in 0..parts {
            let r = share_range(batch, parts, k);
            joined.extend(forward(
                &d,
                train(r.start),
                &x[r.start * UNITS..r.end * UNITS],
            ));
        }
        assert_eq!(joined, whole, "{parts} shares");
    }
    // Micro-batches of a pass: `advanced` moves its first image on.
    let tail = forward(&d, train(0).advanced(16), &x[16 * UNITS..]);
    assert_eq!(tail, whole[16 * UNITS..]);
}

#[test]
fn the_setting_places_dropout_and_leaves_the_weights_file_alone() {
    let on = Architecture::with_options(10, Options { dropout: 0.5 }).expect("valid");
    let off = Architecture::MNIST;
    assert_eq!(
        on.to_string(),
        off.to_string(),
        "the weights file's network"
    );
    assert_eq!(on.param_tensors(), off.param_tensors());
    assert_eq!(on.depth(), off.depth() + 1);
    let kinds: Vec<String> = on
        .describe()
        .layers
        .iter()
        .map(|l| l.kind.clone())
        .collect();
    let at = kinds
        .iter()
        .position(|k| k == "Dropout")
        .expect("a Dropout row");
    assert_eq!(kinds[at - 1], "Flatten");
    assert_eq!(kinds[at + 1], "Dense");
    assert_eq!(on.describe().params, off.describe().params);
    assert!(!off.describe().layers.iter().any(|l| l.kind == "Dropout"));
    assert!(matches!(on.layers()[at - 1], LayerSpec::Dropout(d) if d.rate() == 0.5));
    for rate in [-0.1, 1.0, f32::NAN] {
        assert!(Architecture::with_options(10, Options { dropout: rate }).is_err());
    }
}

#[test]
fn the_settings_limits_are_refused_naming_the_field() {
    let config = TrainerConfig::default();
    assert_eq!(config.dropout, 0.0, "off by default");
    for bad in [-0.1, 0.95, 1.0] {
        let err = config
            .patched([("dropout", Value::Number(bad))])
            .expect_err("refused");
        assert_eq!(err.name(), "SettingsError", "{err}");
        assert_eq!(err.field(), Some("dropout"), "{err}");
    }
    let ok = config
        .patched([("dropout", Value::Number(0.5))])
        .expect("keras-io's rate");
    assert_eq!(ok.dropout, 0.5);
}

fn trainer(dropout: f32) -> Trainer {
    let mut t = Trainer::new(TrainerConfig {
        seed: 3,
        batch_size: 32,
        augment: false,
        schedule: false,
        learning_rate: 0.002,
        dropout,
        ..Default::default()
    })
    .expect("valid config");
    *t.data_mut(Split::Train) = common::toy_set(320, 11);
    *t.data_mut(Split::Test) = common::toy_set(200, 12);
    t
}

#[test]
fn a_seeded_run_with_dropout_is_reproducible_and_differs_from_one_without() {
    let run = |dropout| {
        let mut t = trainer(dropout);
        t.train_steps(4).expect("trains");
        t.state_checksum()
    };
    assert_eq!(run(0.5), run(0.5));
    assert_ne!(run(0.5), run(0.0));
}

#[test]
fn a_model_trained_with_dropout_loads_without_it() {
    let mut t = trainer(0.5);
    t.train_steps(2).expect("trains");
    let bytes = t.export_weights().expect("exports");
    let mut plain = trainer(0.0);
    plain.import_weights(&bytes).expect("the same network");
    assert_eq!(plain.model().params, t.model().params);
    // Evaluation drops nothing: both give the same bits.
    let a = t.evaluate(Split::Test, 0, None).expect("evaluates");
    let b = plain.evaluate(Split::Test, 0, None).expect("evaluates");
    assert_eq!(a, b);
}

#[test]
fn changing_the_setting_takes_effect_at_the_next_step() {
    let mut t = trainer(0.0);
    t.train_steps(1).expect("trains");
    let mut config = t.config();
    config.dropout = 0.5;
    t.set_config(config).expect("valid");
    assert_eq!(t.model().arch().options().dropout, 0.0, "not before a step");
    t.train_steps(1).expect("trains");
    assert_eq!(t.model().arch().options().dropout, 0.5);
    config.dropout = 0.0;
    t.set_config(config).expect("valid");
    t.train_steps(1).expect("trains");
    assert_eq!(t.model().arch(), &Architecture::MNIST);
}

/// One step of `t`'s batch cut into `1 + helpers.len()` shares, the helpers computing theirs
/// in the coordinator's pass; every helper applies the summed gradient.
fn split_step(t: &mut Trainer, helpers: &mut [Trainer]) {
    let parts = t.begin_step(1 + helpers.len()).expect("data");
    let batch = t.step_images();
    let mut pixels = vec![0u8; MAX_BATCH * PIXELS];
    let (mut labels, mut seeds) = (vec![0u8; MAX_BATCH], vec![0u32; MAX_BATCH]);
    let mut shares = Vec::new();
    for (k, h) in helpers.iter_mut().enumerate() {
        let n = t
            .share_input(k + 1, &mut pixels, &mut labels, &mut seeds)
            .expect("share");
        assert_eq!(n, share_range(batch, parts, k + 1).len());
        let pass = t.share_pass(k + 1).expect("under way");
        let mut g = vec![0.0; t.model().params.len()];
        let share = (&pixels[..n * PIXELS], &labels[..n], &seeds[..0]);
        let s = h
            .share_gradient_in(pass, share, batch, false, &mut g)
            .expect("gradient");
        shares.push((g, s));
    }
    while t.own_remaining() > 0 {
        t.train_own(16).expect("own share");
    }
    for (g, s) in &shares {
        t.add_share(g, *s).expect("fits");
    }
    let report = t.finish_step().expect("finite");
    let sum = t.step_gradient().to_vec();
    for h in helpers.iter_mut() {
        h.apply_gradient(&sum, report.learning_rate)
            .expect("finite");
    }
}

#[test]
fn shares_drop_what_one_worker_drops() {
    // A compute worker: same seed and settings; its data is not read.
    let helper = || trainer(0.5);
    let mut alone = trainer(0.5);
    let mut two = trainer(0.5);
    let mut three = trainer(0.5);
    let (mut one_helper, mut two_helpers) = ([helper()], [helper(), helper()]);
    for _ in 0..3 {
        alone.train_part(usize::MAX).expect("trains");
        split_step(&mut two, &mut one_helper);
        split_step(&mut three, &mut two_helpers);
    }
    // The shares' gradients add in another order than one worker's: equal to rounding, while a
    // different mask would move them far more.
    for split in [&two, &three] {
        let (a, b) = (&split.model().params, &alone.model().params);
        let scale = b.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            assert!((x - y).abs() <= 1e-5 * scale, "parameter {i}: {x} vs {y}");
        }
    }
    assert_eq!(one_helper[0].state_checksum(), two.state_checksum());
    let without = {
        let mut t = trainer(0.0);
        t.train_steps(3).expect("trains");
        t
    };
    let moved = without
        .model()
        .params
        .iter()
        .zip(&alone.model().params)
        .any(|(x, y)| (x - y).abs() > 1e-3);
    assert!(moved, "dropout changed the steps");
}

#[test]
fn a_short_run_with_dropout_half_still_learns() {
    let mut t = trainer(0.5);
    let before = t.evaluate(Split::Test, 0, None).expect("evaluates");
    for _ in 0..3 {
        t.train_steps(10).expect("trains");
    }
    let after = t.evaluate(Split::Test, 0, None).expect("evaluates");
    assert!(
        after.accuracy >= 0.9 && after.loss < 0.5 * before.loss,
        "{before:?} → {after:?}"
    );
}
