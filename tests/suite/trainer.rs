//! The training session: a batch spread over many short `train_part` calls gives exactly the
//! parameters of whole-batch steps, and nothing changes until a batch is complete.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::common;

use mnist_wasm::data::{DataSet, Split, ValidationSplit};
use mnist_wasm::optim::lr_at;
use mnist_wasm::{Trainer, TrainerConfig};

fn toy_set(n: usize) -> DataSet {
    common::toy_set(n, 1)
}

fn trainer(batch_size: usize) -> Trainer {
    let config = TrainerConfig {
        seed: 4,
        batch_size,
        // Every image trains: these tests count steps over the whole set.
        validation_split: 0.0,
        ..Default::default()
    };
    let mut t = Trainer::new(config).expect("valid config");
    *t.data_mut(Split::Train) = toy_set(150);
    t
}

#[test]
fn partial_steps_equal_whole_steps() {
    let mut whole = trainer(100);
    let a = whole.train_steps(1).expect("trains");
    let b = whole.train_steps(1).expect("trains"); // the short last batch of 50: epoch ends
    assert!(b.epoch_done && b.total_steps == 2);

    let mut parts = trainer(100);
    let before = parts.export_weights().expect("exports");
    let mut reports = Vec::new();
    while reports.len() < 2 {
        let r = parts.train_part(16).expect("trains");
        if r.steps == 0 {
            assert!(r.loss.is_nan() && r.images == 16);
            // Nothing is applied before the batch is complete.
            if reports.is_empty() {
                assert_eq!(parts.export_weights().expect("exports"), before);
            }
        } else {
            reports.push(r);
        }
    }
    assert_eq!((reports[0].loss, reports[0].accuracy), (a.loss, a.accuracy));
    assert_eq!((reports[1].loss, reports[1].epoch_done), (b.loss, true));
    assert_eq!(
        parts.export_weights().expect("exports"),
        whole.export_weights().expect("exports")
    );
}

#[test]
fn reset_drops_a_batch_under_way() {
    let mut t = trainer(64);
    assert_eq!(t.train_part(16).expect("trains").steps, 0);
    t.reset(None);
    let fresh = trainer(64).train_steps(1).expect("trains");
    assert_eq!(t.train_steps(1).expect("trains"), fresh);
}

#[test]
fn new_data_or_subset_drops_a_batch_under_way() {
    let mut t = trainer(64);
    assert_eq!(t.train_part(16).expect("trains").steps, 0);
    // Another training set arrives: the old epoch (and the batch under way) is dropped.
    t.clear_data(mnist_wasm::data::Split::Train);
    *t.data_mut(Split::Train) = toy_set(40);
    let r = t.train_steps(1).expect("trains");
    assert_eq!((r.images, r.steps, r.epoch_done, r.epoch), (40, 1, true, 1));
    // A new subset size restarts the pass too.
    assert_eq!(t.train_part(16).expect("trains").steps, 0);
    t.set_config(TrainerConfig {
        train_size: 20,
        ..t.config()
    })
    .expect("valid");
    let r = t.train_steps(1).expect("trains");
    assert_eq!((r.images, r.epoch_done, r.epoch), (20, true, 2));
}

/// A trainer on 150 toy images in batches of 10 (15 steps an epoch), 2 epochs planned.
fn planned() -> Trainer {
    let mut t = trainer(10);
    let config = TrainerConfig {
        epochs: 2,
        warmup_share: 0.1,
        final_lr_share: 0.1,
        ..t.config()
    };
    t.set_config(config).expect("valid config");
    t
}

/// The rate `lr_at` gives step `s` of `planned()`'s 30-step plan.
fn planned_rate(t: &Trainer, s: u64) -> f32 {
    let c = t.config();
    lr_at(s, 30, c.learning_rate, c.warmup_share, c.final_lr_share)
}

#[test]
fn a_planned_run_follows_the_schedule_and_holds_the_final_rate_past_it() {
    let mut t = planned();
    t.start_run();
    assert_eq!(t.planned_steps(), 30);
    let mut rates = Vec::new();
    for s in 0..34 {
        assert_eq!(t.next_learning_rate(), planned_rate(&t, s));
        let r = t.train_steps(1).expect("trains");
        assert_eq!(r.learning_rate, planned_rate(&t, s), "step {s}");
        assert_eq!(r.learning_rate, t.optimizer().lr);
        rates.push(r.learning_rate);
    }
    let peak = t.config().learning_rate;
    // Warm-up over 3 steps to the peak, where the decay starts, down to a tenth of it at the
    // planned end (step 30), and held there.
    assert!(rates[0] < rates[1] && rates[1] < rates[2] && rates[2] == peak && rates[3] == peak);
    assert!(rates[3..31].windows(2).all(|w| w[1] < w[0]));
    assert!(rates[30..].iter().all(|&r| (r - peak * 0.1).abs() < 1e-9));
}

#[test]
fn pausing_and_slicing_keep_the_plan() {
    let mut whole = planned();
    whole.start_run();
    let whole_rates: Vec<f32> = (0..20)
        .map(|_| whole.train_steps(1).expect("trains").learning_rate)
        .collect();

    let mut sliced = planned();
    sliced.start_run();
    let mut rates = Vec::new();
    while rates.len() < 20 {
        // 16 images a call over batches of 10: a pause can fall anywhere in a batch.
        let r = sliced.train_part(16).expect("trains");
        if r.steps == 1 {
            rates.push(r.learning_rate);
        }
    }
    assert_eq!(rates, whole_rates);
    assert_eq!(
        sliced.export_weights().expect("exports"),
        whole.export_weights().expect("exports")
    );
}

#[test]
fn a_new_run_reset_or_import_starts_a_new_plan() {
    let mut t = planned();
    t.start_run();
    t.train_steps(15).expect("trains");
    assert_ne!(t.next_learning_rate(), planned_rate(&t, 0));
    // "Train more": warms up again from its own first step.
    t.start_run();
    assert_eq!(
        t.train_steps(1).expect("trains").learning_rate,
        planned_rate(&t, 0)
    );
    assert_eq!(
        t.train_steps(1).expect("trains").learning_rate,
        planned_rate(&t, 1)
    );

    let bytes = t.export_weights().expect("exports");
    t.train_steps(5).expect("trains");
    t.import_weights(&bytes).expect("imports");
    assert_eq!(t.next_learning_rate(), planned_rate(&t, 0));

    t.train_steps(5).expect("trains");
    t.reset(None);
    assert_eq!(t.next_learning_rate(), planned_rate(&t, 0));
}

#[test]
fn more_epochs_mid_run_stretch_the_plan_and_no_schedule_holds_the_rate() {
    let mut t = planned();
    t.start_run();
    t.train_steps(10).expect("trains");
    let config = TrainerConfig {
        epochs: 4,
        ..t.config()
    };
    t.set_config(config).expect("valid config");
    assert_eq!(t.planned_steps(), 60);
    let c = t.config();
    let expected = lr_at(10, 60, c.learning_rate, c.warmup_share, c.final_lr_share);
    assert_eq!(t.train_steps(1).expect("trains").learning_rate, expected);

    let config = TrainerConfig {
        schedule: false,
        learning_rate: 0.002,
        ..t.config()
    };
    t.set_config(config).expect("valid config");
    for _ in 0..3 {
        assert_eq!(t.train_steps(1).expect("trains").learning_rate, 0.002);
    }
}

#[test]
fn a_continued_run_has_no_warm_up_and_a_lower_peak() {
    let mut t = planned();
    t.start_run();
    t.train_steps(5).expect("trains");
    t.continue_run();
    let c = t.config();
    let peak = c.learning_rate * mnist_wasm::optim::CONTINUE_SHARE;
    let gentle = |s| lr_at(s, 30, peak, 0.0, c.final_lr_share);
    let rates: Vec<f32> = (0..4)
        .map(|_| t.train_steps(1).expect("trains").learning_rate)
        .collect();
    // Its first step is at its peak, and it only falls from there.
    assert_eq!(rates[0], peak);
    assert_eq!(rates, (0..4).map(gentle).collect::<Vec<_>>());
    assert!(rates.windows(2).all(|w| w[1] <= w[0]) && rates[3] < peak);
    // A new run after it warms up again, to the full rate.
    t.start_run();
    assert_eq!(
        t.train_steps(1).expect("trains").learning_rate,
        planned_rate(&t, 0)
    );
}

// Keras's `validation_split` and `EarlyStopping(restore_best_weights=True)`.

#[test]
fn the_validation_split_is_fixed_disjoint_and_sized_by_its_share() {
    let (a, b) = (ValidationSplit::new(0.1), ValidationSplit::new(0.1));
    let (mut held, mut kept, mut again) = (Vec::new(), Vec::new(), Vec::new());
    a.held_out(60_000, &mut held);
    a.kept(60_000, &mut kept);
    b.held_out(60_000, &mut again);
    assert_eq!(held, again, "the same images every time");
    assert_eq!((held.len(), kept.len()), (6_000, 54_000));
    assert_eq!(a.held_below(60_000), 6_000);
    let mut all: Vec<u32> = held.iter().chain(&kept).copied().collect();
    all.sort_unstable();
    assert!(
        all.iter().copied().eq(0..60_000),
        "disjoint, and together every image"
    );
    // A seeded shuffle spreads the held-out places over each block, not its first 100.
    assert!(held.iter().take(100).any(|&i| i >= 100));
    // A prefix of the data holds out a prefix of the list (images streaming in move nothing).
    let mut part = Vec::new();
    a.held_out(1_234, &mut part);
    assert_eq!(part, held[..part.len()]);
    assert_eq!(a.held_below(1_234), part.len());
    assert_eq!(ValidationSplit::new(0.0).held_below(60_000), 0);
    assert_eq!(ValidationSplit::new(0.25).held_below(60_000), 15_000);
}

#[test]
fn the_held_out_images_are_never_trained_on_and_the_seed_does_not_move_them() {
    let config = |seed| TrainerConfig {
        seed,
        batch_size: 10,
        validation_split: 0.2,
        ..Default::default()
    };
    let mut t = Trainer::new(config(1)).expect("valid config");
    *t.data_mut(Split::Train) = toy_set(150);
    assert_eq!(
        t.validation_size(),
        ValidationSplit::new(0.2).held_below(150)
    );
    let r = t.train_steps(1000).expect("trains");
    assert!(r.epoch_done);
    assert_eq!(r.steps_per_epoch, (150 - t.validation_size()).div_ceil(10));
    let one = t.evaluate_validation().expect("scores");
    assert_eq!(one.count, t.validation_size());

    // Another seed: other weights and order, the same held-out images.
    let mut u = Trainer::new(config(2)).expect("valid config");
    *u.data_mut(Split::Train) = toy_set(150);
    assert_eq!(u.validation_size(), t.validation_size());
    // The sliced evaluation adds up to the whole one.
    let n = t.validation_size();
    let (mut p, mut c) = (vec![0u8; n], vec![0f32; n]);
    let mut sums = t
        .evaluate_validation_into(0, &mut p[..7], &mut c[..7])
        .expect("scores");
    sums.add(
        t.evaluate_validation_into(7, &mut p[7..], &mut c[7..])
            .expect("scores"),
    );
    assert_eq!((sums.count, sums.correct), (one.count, one.correct));
    assert!((sums.loss() - one.loss()).abs() < 1e-6);
}

#[test]
fn all_images_held_out_is_refused_in_words() {
    let config = TrainerConfig {
        validation_split: 0.5,
        train_size: 1,
        ..Default::default()
    };
    let mut t = Trainer::new(config).expect("valid config");
    *t.data_mut(Split::Train) = toy_set(150);
    // Image 0 may be kept or held out: find a pool size of 1 where it is held out.
    if t.validation_size() == 1 {
        let e = t.train_steps(1).expect_err("nothing left to train on");
        assert!(e.to_string().contains("held out for validation"), "{e}");
    }
    let bad = TrainerConfig::default()
        .patched([("validationSplit", mnist_wasm::config::Value::Number(0.6))]);
    assert!(bad.is_err());
}

/// A trainer whose validation loss rises after its first epochs: a rate far too high.
fn early_stopper(patience: u32, rate: f32) -> Trainer {
    let config = TrainerConfig {
        seed: 3,
        batch_size: 10,
        epochs: 8,
        schedule: false,
        augment: false,
        learning_rate: rate,
        validation_split: 0.2,
        patience,
        ..Default::default()
    };
    let mut t = Trainer::new(config).expect("valid config");
    *t.data_mut(Split::Train) = toy_set(200);
    t.start_run();
    t
}

/// Trains the run's epochs, recording each validation score; the reports, with the weights
/// after each epoch (before any restore) and at the end.
fn fit(t: &mut Trainer) -> (Vec<mnist_wasm::trainer::ValidationReport>, Vec<Vec<f32>>) {
    let (mut reports, mut weights) = (Vec::new(), Vec::new());
    for e in 0..t.config().epochs {
        while !t.train_steps(1000).expect("trains").epoch_done {}
        weights.push(t.model().params.clone());
        let sums = t.evaluate_validation().expect("scores");
        let r = t.record_validation(sums, e + 1 == t.config().epochs);
        reports.push(r);
        if r.stop {
            break;
        }
    }
    (reports, weights)
}

#[test]
fn early_stopping_stops_after_patience_epochs_without_improvement_and_restores_the_best() {
    let mut t = early_stopper(2, 0.05);
    let (reports, weights) = fit(&mut t);
    let losses: Vec<f64> = reports.iter().map(|r| r.loss).collect();
    let best = reports
        .iter()
        .min_by(|a, b| a.loss.total_cmp(&b.loss))
        .expect("scored");
    let last = reports.last().expect("scored");
    assert!(last.stop, "stopped early: {losses:?}");
    assert!(reports.len() < 8, "{losses:?}");
    // Stopped `patience` epochs after the best, with the best epoch's weights back.
    assert_eq!(last.epoch - best.epoch, 2, "{losses:?}");
    assert_eq!(last.best_epoch, Some(best.epoch));
    assert_eq!(last.restored_epoch, Some(best.epoch));
    let best_weights = &weights[(best.epoch - 1) as usize];
    assert_eq!(&t.model().params, best_weights);
    // And they score as that epoch did.
    let again = t.evaluate_validation().expect("scores");
    assert!((again.loss() - best.loss).abs() < 1e-9);
}

#[test]
fn without_patience_nothing_stops_or_is_restored_and_a_run_ending_restores_the_best() {
    let mut off = early_stopper(0, 0.05);
    let (reports, weights) = fit(&mut off);
    assert_eq!(reports.len(), 8);
    assert!(
        reports
            .iter()
            .all(|r| !r.stop && r.restored_epoch.is_none() && r.best_epoch.is_none())
    );
    assert_eq!(&off.model().params, weights.last().expect("trained"));

    // Patience longer than the run: no stop, but the run's end keeps the best weights (Keras
    // restores them at the end of `fit` too).
    let mut long = early_stopper(50, 0.05);
    let (reports, weights) = fit(&mut long);
    assert_eq!(reports.len(), 8);
    let last = reports.last().expect("scored");
    let best = last.best_epoch.expect("a best epoch");
    let lowest = reports.iter().map(|r| r.loss).fold(f64::INFINITY, f64::min);
    assert_eq!(reports[(best - 1) as usize].loss, lowest);
    if best != last.epoch {
        assert_eq!(last.restored_epoch, Some(best));
    }
    assert_eq!(&long.model().params, &weights[(best - 1) as usize]);
    // A new run forgets the old best.
    long.start_run();
    while !long.train_steps(1000).expect("trains").epoch_done {}
    let sums = long.evaluate_validation().expect("scores");
    let r = long.record_validation(sums, false);
    assert_eq!((r.best_epoch, r.wait), (Some(r.epoch), 0));
}

#[test]
fn an_epochs_record_carries_its_training_means() {
    let mut t = early_stopper(0, 0.01);
    let mut sum = (0.0f64, 0.0f64, 0usize);
    loop {
        let r = t.train_steps(1).expect("trains");
        sum.0 += f64::from(r.loss) * r.images as f64;
        sum.1 += f64::from(r.accuracy) * r.images as f64;
        sum.2 += r.images;
        if r.epoch_done {
            break;
        }
    }
    let none = mnist_wasm::trainer::EvalSums::default();
    let r = t.record_validation(none, false);
    assert_eq!((r.epoch, r.count, r.stop), (1, 0, false));
    assert!(r.loss.is_nan() && r.accuracy.is_nan());
    assert!((r.train_loss - sum.0 / sum.2 as f64).abs() < 1e-5);
    assert!((r.train_accuracy - sum.1 / sum.2 as f64).abs() < 1e-6);
}

#[test]
fn imported_params_replace_the_model_with_fresh_adam_and_counters() {
    let mut source = trainer(50);
    source.train_steps(3).expect("trains");
    let params = source.model().params.clone();

    let mut t = trainer(50);
    t.train_steps(2).expect("trains");
    t.import_params(&params).expect("imports");
    assert_eq!(t.model().params, params);
    assert_eq!((t.epoch(), t.total_steps()), (0, 0));
    assert_eq!(t.optimizer().t, 0, "Adam starts afresh");
    assert!(t.optimizer().state.iter().flatten().all(|&m| m == 0.0));

    // Refused, the model unchanged: another length, a value that is not finite.
    let mut bad = params.clone();
    bad.pop();
    let err = t.import_params(&bad).expect_err("short");
    assert_eq!(err.name(), "ShapeError");
    bad = params.clone();
    bad[7] = f32::NAN;
    let err = t.import_params(&bad).expect_err("NaN");
    assert_eq!(err.name(), "BadInputError");
    assert_eq!(t.model().params, params);
}
