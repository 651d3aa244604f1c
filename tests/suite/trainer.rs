//! The training session: a batch spread over many short `train_part` calls gives exactly the
//! parameters of whole-batch steps, and nothing changes until a batch is complete.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::common;

use mnist_wasm::data::{DataSet, Split};
use mnist_wasm::optim::lr_at;
use mnist_wasm::{Trainer, TrainerConfig};

fn toy_set(n: usize) -> DataSet {
    common::toy_set(n, 1)
}

fn trainer(batch_size: usize) -> Trainer {
    let config = TrainerConfig {
        seed: 4,
        batch_size,
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
