//! Data-parallel training (the page's compute workers): a batch cut into shares, each share's
//! gradient computed by another trainer from the bytes `share_input` hands it, summed in share
//! order and applied by every worker, gives the step one trainer takes alone, and every worker
//! ends with the same bits.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::common;

use mnist_wasm::data::{DataSet, Split};
use mnist_wasm::model::{MAX_BATCH, PIXELS};

const PARAM_COUNT: usize = mnist_wasm::Architecture::MNIST.param_count();
use mnist_wasm::trainer::{ShareStats, share_range};
use mnist_wasm::{Trainer, TrainerConfig};

fn toy_set(n: usize) -> DataSet {
    common::toy_set(n, 7)
}

fn coordinator(augment: bool) -> Trainer {
    let config = TrainerConfig {
        seed: 9,
        batch_size: 64,
        augment,
        ..Default::default()
    };
    let mut t = Trainer::new(config).expect("valid config");
    *t.data_mut(Split::Train) = toy_set(200);
    t
}

/// A compute worker: same seed (so the same initial weights), no data.
fn helper() -> Trainer {
    Trainer::new(TrainerConfig {
        seed: 9,
        ..Default::default()
    })
    .expect("valid config")
}

/// One step cut into `1 + helpers.len()` shares; every helper applies the summed gradient.
fn split_step(t: &mut Trainer, helpers: &mut [Trainer]) -> f32 {
    let parts = t.begin_step(1 + helpers.len()).expect("data");
    assert_eq!(parts, 1 + helpers.len());
    let (batch, augment) = (t.step_images(), t.step_augments());
    let mut pixels = vec![0u8; MAX_BATCH * PIXELS];
    let (mut labels, mut seeds) = (vec![0u8; MAX_BATCH], vec![0u32; MAX_BATCH]);
    let mut grads = Vec::new();
    for (k, h) in helpers.iter_mut().enumerate() {
        let n = t
            .share_input(k + 1, &mut pixels, &mut labels, &mut seeds)
            .expect("share");
        assert_eq!(n, share_range(batch, parts, k + 1).len());
        let mut g = vec![0.0; PARAM_COUNT];
        let s = h
            .share_gradient(
                &pixels[..n * PIXELS],
                &labels[..n],
                &seeds[..n],
                batch,
                augment,
                &mut g,
            )
            .expect("gradient");
        assert_eq!(s.images, n);
        grads.push((g, s));
    }
    while t.own_remaining() > 0 {
        t.train_own(16).expect("own share");
    }
    assert!(!t.step_ready() || helpers.is_empty());
    for (g, s) in &grads {
        t.add_share(g, *s).expect("fits");
    }
    let report = t.finish_step().expect("finite");
    let sum = t.step_gradient().to_vec();
    for h in helpers.iter_mut() {
        h.apply_gradient(&sum, report.learning_rate)
            .expect("finite");
    }
    report.loss
}

fn assert_close(a: &[f32], b: &[f32], rel: f32) {
    let scale = a.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= rel * scale.max(x.abs()),
            "parameter {i}: {x} vs {y} (relative tolerance {rel})"
        );
    }
}

#[test]
fn shares_cover_the_batch_in_order() {
    for (len, parts) in [(64, 2), (65, 2), (7, 3), (1024, 8), (5, 5), (3, 1)] {
        let mut next = 0;
        for k in 0..parts {
            let r = share_range(len, parts, k);
            assert_eq!(r.start, next);
            assert!(r.len() == len / parts || r.len() == len / parts + 1);
            next = r.end;
        }
        assert_eq!(next, len);
    }
}

#[test]
fn a_step_split_two_ways_equals_the_step_alone() {
    for augment in [false, true] {
        let mut alone = coordinator(augment);
        let mut split = coordinator(augment);
        let mut helpers = [helper()];
        for _ in 0..3 {
            let one = alone.train_part(usize::MAX).expect("trains");
            assert_eq!(one.steps, 1);
            let loss = split_step(&mut split, &mut helpers);
            assert!(
                (loss - one.loss).abs() <= 1e-5 * one.loss.abs(),
                "{loss} vs {}",
                one.loss
            );
            assert_close(&split.model().params, &alone.model().params, 1e-5);
            assert_close(
                &split.optimizer().state[0],
                &alone.optimizer().state[0],
                1e-5,
            );
        }
        // Every worker holds the same bits as the coordinator.
        assert_eq!(helpers[0].model().params, split.model().params);
        assert_eq!(helpers[0].state_checksum(), split.state_checksum());
        assert_eq!(split.total_steps(), alone.total_steps());
    }
}

#[test]
fn three_way_splits_are_reproducible_bit_for_bit() {
    let run = || {
        let mut t = coordinator(true);
        let mut helpers = [helper(), helper()];
        for _ in 0..4 {
            split_step(&mut t, &mut helpers);
        }
        assert_eq!(helpers[0].state_checksum(), t.state_checksum());
        assert_eq!(helpers[1].state_checksum(), t.state_checksum());
        t.state_checksum()
    };
    assert_eq!(run(), run());
}

#[test]
fn a_failed_worker_share_is_recomputed_alone() {
    let mut alone = coordinator(true);
    alone.train_part(usize::MAX).expect("trains");
    let mut t = coordinator(true);
    assert_eq!(t.begin_step(2).expect("data"), 2);
    while t.own_remaining() > 0 {
        t.train_own(32).expect("own share");
    }
    assert!(!t.step_ready(), "the other share is missing");
    assert!(t.finish_step().is_err());
    t.compute_step_alone(); // the worker of share 1 failed
    while t.own_remaining() > 0 {
        t.train_own(32).expect("whole batch");
    }
    t.finish_step().expect("finite");
    assert_close(&t.model().params, &alone.model().params, 1e-6);
}

#[test]
fn a_share_computed_meanwhile_leaves_the_own_batch_and_gradient_as_they_were() {
    // Another coordinator's share 1, as its helper would get it.
    let mut other = coordinator(true);
    assert_eq!(other.begin_step(2).expect("data"), 2);
    let batch = other.step_images();
    let mut pixels = vec![0u8; MAX_BATCH * PIXELS];
    let (mut labels, mut seeds) = (vec![0u8; MAX_BATCH], vec![0u32; MAX_BATCH]);
    let n = other
        .share_input(1, &mut pixels, &mut labels, &mut seeds)
        .expect("share");
    let share = |t: &mut Trainer| {
        let mut g = vec![0.0; PARAM_COUNT];
        let s = t
            .share_gradient(
                &pixels[..n * PIXELS],
                &labels[..n],
                &seeds[..n],
                batch,
                true,
                &mut g,
            )
            .expect("gradient");
        (g, s)
    };
    let expected = share(&mut helper());

    let mut alone = coordinator(true);
    alone.train_part(usize::MAX).expect("trains");
    // The same step with a share of the other batch computed halfway through its own.
    let mut busy = coordinator(true);
    assert_eq!(busy.begin_step(1).expect("data"), 1);
    busy.train_own(16).expect("own share");
    assert!(busy.own_remaining() > 0, "halfway");
    assert_eq!(
        share(&mut busy),
        expected,
        "same parameters, same share gradient"
    );
    while busy.own_remaining() > 0 {
        busy.train_own(16).expect("own share");
    }
    busy.finish_step().expect("finite");
    assert_eq!(busy.model().params, alone.model().params);
    assert_eq!(busy.step_gradient(), alone.step_gradient());
    // Between steps, the last step's gradient stays readable.
    share(&mut busy);
    assert_eq!(busy.step_gradient(), alone.step_gradient());
}

#[test]
fn bad_shares_are_refused_and_change_nothing() {
    let mut t = coordinator(false);
    let mut h = helper();
    let before = h.state_checksum();
    let mut g = vec![0.0; PARAM_COUNT];
    let px = vec![0u8; 2 * PIXELS];
    assert!(
        h.share_gradient(&px, &[1, 2], &[], 1, false, &mut g)
            .is_err(),
        "more than the batch"
    );
    assert!(
        h.share_gradient(&px, &[1, 12], &[], 2, false, &mut g)
            .is_err(),
        "label 12"
    );
    assert!(
        h.share_gradient(&px, &[1], &[], 2, false, &mut g).is_err(),
        "pixels for 2"
    );
    assert!(
        h.share_gradient(&px, &[1, 2], &[3], 2, true, &mut g)
            .is_err(),
        "one seed for 2"
    );
    assert!(
        h.share_gradient(&px, &[1, 2], &[], 2, false, &mut g[1..])
            .is_err(),
        "short gradient"
    );
    g[5] = f32::NAN;
    assert!(h.apply_gradient(&g, 0.001).is_err());
    assert_eq!(h.state_checksum(), before);
    // A coordinator refuses shares that do not fit its batch.
    assert_eq!(t.begin_step(2).expect("data"), 2);
    let (mut p, mut l, mut s) = (vec![0u8; 64 * PIXELS], vec![0u8; 64], vec![0u32; 64]);
    assert!(
        t.share_input(0, &mut p, &mut l, &mut s).is_err(),
        "share 0 is its own"
    );
    assert!(
        t.share_input(2, &mut p, &mut l, &mut s).is_err(),
        "only 2 shares"
    );
    let g = vec![0.0; PARAM_COUNT];
    let stats = ShareStats {
        images: 32,
        ..Default::default()
    };
    assert!(
        t.add_share(&g, stats).is_err(),
        "own share not computed yet"
    );
}

#[test]
fn the_users_drawings_in_a_batch_reach_the_other_workers_shares() {
    // The batch's last places (the helper's share, at half the batch) hold the drawings.
    let with_drawings = || {
        let mut t = coordinator(true);
        t.set_config(TrainerConfig {
            train_on_drawings: true,
            drawings_share: 0.5,
            ..t.config()
        })
        .expect("valid config");
        let images: Vec<u8> = (0..3 * PIXELS).map(|i| (i * 7 % 256) as u8).collect();
        t.set_drawings(&images, &[1, 4, 7]).expect("drawings");
        t
    };
    let (mut alone, mut split) = (with_drawings(), with_drawings());
    let mut helpers = [helper()];
    let plain = {
        let mut t = coordinator(true);
        t.train_part(usize::MAX).expect("trains");
        t.model().params.clone()
    };
    for _ in 0..2 {
        let one = alone.train_part(usize::MAX).expect("trains");
        let loss = split_step(&mut split, &mut helpers);
        assert!(
            (loss - one.loss).abs() <= 1e-5 * one.loss.abs(),
            "{loss} vs {}",
            one.loss
        );
        assert_close(&split.model().params, &alone.model().params, 1e-5);
    }
    assert_eq!(helpers[0].model().params, split.model().params);
    // The drawings did take part: the first step differs from one without them.
    let mut first = with_drawings();
    first.train_part(usize::MAX).expect("trains");
    assert_ne!(first.model().params, plain);
}
