//! "Teach it" and "Look inside": the fine-tune's batch mix (src/teach.rs), the fine-tune itself
//! on a toy task, the drawings in regular epochs, "Learn them for good", and every layer's
//! activations for one image.

use crate::common;

use mnist_wasm::data::augment::{Augmentations, Augmenter};
use mnist_wasm::data::{DataSet, Split};
use mnist_wasm::model::PIXELS;
use mnist_wasm::network::Architecture;
use mnist_wasm::teach::{
    Drawings, LEARN_DRAWINGS_RATE, LEARN_DRAWINGS_SHARE, Mix, TeachConfig, learn_drawings_config,
    mix_batch,
};
use mnist_wasm::{Error, Trainer, TrainerConfig};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

fn toy_set(n: usize) -> DataSet {
    common::toy_set(n, 1)
}

/// `n` drawings: drawing i a vertical bar in column 3 + 2i, labelled i (mod 10).
fn drawings(n: usize) -> (Vec<u8>, Vec<u8>) {
    let mut images = vec![0u8; n * PIXELS];
    for i in 0..n {
        for y in 4..24 {
            images[i * PIXELS + y * 28 + 3 + 2 * i] = 255;
        }
    }
    (images, (0..n).map(|i| (i % 10) as u8).collect())
}

fn to_f32(bytes: &[u8]) -> Vec<f32> {
    bytes.iter().map(|&p| f32::from(p) / 255.0).collect()
}

fn mix(
    cfg: &TeachConfig,
    d: &Drawings,
    newest: Option<usize>,
    train: &DataSet,
    seed: u64,
) -> (mnist_wasm::Result<Mix>, Vec<f32>, Vec<u8>) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut aug = Augmenter::new(Augmentations::ALL);
    let (mut x, mut y) = (vec![0.0; cfg.batch * PIXELS], vec![255u8; cfg.batch]);
    let r = mix_batch(
        &mut rng, cfg, d, newest, train, false, &mut aug, &mut x, &mut y,
    );
    (r, x, y)
}

#[test]
fn a_batch_mixes_the_new_drawing_the_others_and_replayed_mnist() {
    let cfg = TeachConfig::default();
    let (images, labels) = drawings(5);
    let d = Drawings::new(&images, &labels).expect("valid drawings");
    let train = toy_set(100);
    let (r, x, y) = mix(&cfg, &d, Some(2), &train, 1);
    let m = r.expect("a batch");
    assert_eq!(
        m,
        Mix {
            newest: cfg.newest,
            others: cfg.others,
            replay: cfg.batch - cfg.newest - cfg.others
        }
    );
    // The new drawing first as drawn, then distorted copies, all with its label.
    assert_eq!(x[..PIXELS], to_f32(d.image(2))[..]);
    assert!(y[..m.newest].iter().all(|&l| l == 2));
    assert_ne!(
        x[PIXELS..2 * PIXELS],
        x[..PIXELS],
        "the copies are distorted"
    );
    // The others: any drawing but the new one.
    for &l in &y[m.newest..m.newest + m.others] {
        assert!(l < 5 && l != 2, "other drawing label {l}");
    }
    // Replay: training images as they are (augment off here) with their own labels.
    for k in m.newest + m.others..m.len() {
        let image = &x[k * PIXELS..(k + 1) * PIXELS];
        let found = (0..train.len()).find(|&i| to_f32(train.image(i)) == image);
        let i = found.expect("a training image");
        assert_eq!(y[k], train.label(i));
    }
    // The same seed gives the same batch.
    let (_, x2, y2) = mix(&cfg, &d, Some(2), &train, 1);
    assert_eq!((x, y), (x2, y2));
}

#[test]
fn without_training_images_or_other_drawings_the_batch_is_what_there_is() {
    let cfg = TeachConfig::default();
    let (images, labels) = drawings(1);
    let one = Drawings::new(&images, &labels).expect("valid");
    let empty = DataSet::new("train");
    let (r, _, y) = mix(&cfg, &one, Some(0), &empty, 2);
    let m = r.expect("a batch of the drawing only");
    assert_eq!(
        m,
        Mix {
            newest: cfg.newest,
            others: 0,
            replay: 0
        }
    );
    assert!(
        y[m.len()..].iter().all(|&l| l == 255),
        "slots past the mix untouched"
    );
    let (r, _, _) = mix(&cfg, &one, Some(0), &toy_set(20), 2);
    assert_eq!(r.expect("batch").others, 0, "no other drawing to mix in");
    let (r, _, _) = mix(&cfg, &Drawings::default(), None, &empty, 2);
    assert!(r.is_err(), "nothing to train on");
    let (r, _, _) = mix(&cfg, &one, Some(1), &toy_set(20), 2);
    assert!(r.is_err(), "a drawing past the end");
}

#[test]
fn bad_drawings_are_refused_and_the_kept_ones_stay() {
    let mut t = Trainer::new(TrainerConfig::default()).expect("trainer");
    let (images, labels) = drawings(3);
    t.set_drawings(&images, &labels).expect("valid");
    assert!(
        t.set_drawings(&images[..100], &labels).is_err(),
        "short pixels"
    );
    assert!(t.set_drawings(&images, &[1, 2, 10]).is_err(), "label 10");
    assert_eq!(t.drawings().len(), 3);
    assert_eq!(t.drawings().label(2), 2);
}

#[test]
fn a_fine_tune_teaches_a_misread_drawing_and_keeps_the_task() {
    let config = TrainerConfig {
        seed: 3,
        batch_size: 16,
        augment: false,
        schedule: false,
        learning_rate: 0.003,
        ..Default::default()
    };
    let mut t = Trainer::new(config).expect("trainer");
    *t.data_mut(Split::Train) = toy_set(200);
    *t.data_mut(Split::Test) = toy_set(200);
    for _ in 0..3 {
        t.train_steps(usize::MAX).expect("an epoch");
    }
    let before = t
        .evaluate(mnist_wasm::data::Split::Test, 0, None)
        .expect("eval")
        .accuracy;
    assert!(before > 0.95, "the toy task is learned ({before})");
    // A vertical bar labelled 7: nothing like the training images' rows.
    let (mut images, _) = drawings(3);
    images.truncate(PIXELS);
    let probs = t.predict(&to_f32(&images)).expect("probs");
    assert!(probs[7] < 0.5, "not read as 7 before ({})", probs[7]);
    t.set_drawings(&images, &[7]).expect("valid");
    // The toy task's drawing is far from anything trained on: more room than the page's default.
    t.teach_config_mut().max_steps = 40;
    t.teach_config_mut().learning_rate = 1e-3;
    let cfg = *t.teach_config_mut();
    let frozen = Architecture::MNIST.layer_offsets()[cfg.first_layer];
    let features = t.model().params[..frozen].to_vec();
    let (mut steps, steps_before) = (0, t.total_steps());
    let report = loop {
        let r = t.fine_tune(Some(0), cfg.steps_per_call).expect("fine-tune");
        steps += r.steps;
        if cfg.done(steps, &r) {
            break r;
        }
    };
    assert_eq!(
        report.predicted, 7,
        "read as 7 after {steps} steps (p = {})",
        report.probability
    );
    assert!(report.mix.replay > 0);
    assert_eq!(
        t.total_steps(),
        steps_before,
        "the run's counters do not move"
    );
    assert!(frozen > 0);
    assert_eq!(
        t.model().params[..frozen],
        features[..],
        "the layers before first_layer keep their weights"
    );
    let after = t
        .evaluate(mnist_wasm::data::Split::Test, 0, None)
        .expect("eval")
        .accuracy;
    assert!(
        after >= before - 0.02,
        "the task is kept: {before} -> {after}"
    );
}

#[test]
fn a_fine_tune_between_two_parts_of_a_batch_leaves_that_batch_as_it_was() {
    // A correction mid-run can fall between two `train_part` calls of one large batch: the
    // gradient summed over the batch's first part must survive the fine-tune's steps. With a
    // fine-tune rate of 0 the weights stay put, so the batch's step must be exactly as without.
    let run = |teach: bool| {
        let config = TrainerConfig {
            seed: 6,
            batch_size: 64,
            ..Default::default()
        };
        let mut t = Trainer::new(config).expect("trainer");
        *t.data_mut(Split::Train) = toy_set(128);
        let (images, labels) = drawings(2);
        t.set_drawings(&images, &labels).expect("valid");
        t.teach_config_mut().learning_rate = 0.0;
        t.train_part(32).expect("first half");
        if teach {
            let r = t.fine_tune(Some(0), 2).expect("fine-tune");
            assert_eq!(r.steps, 2);
        }
        let r = t.train_part(32).expect("second half");
        assert_eq!(r.steps, 1, "the batch completed");
        t.model().params.clone()
    };
    assert_eq!(run(true), run(false));
}

#[test]
fn drawings_join_regular_batches_only_when_the_setting_says_so() {
    let run = |on: bool, with: bool| {
        let config = TrainerConfig {
            seed: 5,
            batch_size: 20,
            train_on_drawings: on,
            drawings_share: 0.25,
            ..Default::default()
        };
        let mut t = Trainer::new(config).expect("trainer");
        *t.data_mut(Split::Train) = toy_set(60);
        if with {
            let (images, labels) = drawings(4);
            t.set_drawings(&images, &labels).expect("valid");
        }
        t.train_steps(3).expect("steps");
        t.model().params.clone()
    };
    let plain = run(false, false);
    assert_eq!(
        run(false, true),
        plain,
        "drawings kept aside when the setting is off"
    );
    assert_eq!(run(true, false), plain, "no drawings, nothing mixed in");
    assert_ne!(
        run(true, true),
        plain,
        "the drawings change what is trained"
    );
}

#[test]
fn one_call_gives_every_layer_for_one_image() {
    let layout = Architecture::MNIST.activation_layout();
    let model = Architecture::MNIST.describe();
    assert_eq!(layout.len(), model.layers.len() - 1);
    let mut offset = 0;
    for (a, l) in layout.iter().zip(&model.layers[1..]) {
        assert_eq!((a.name.as_str(), &a.shape), (l.name.as_str(), &l.output));
        assert_eq!(a.offset, offset);
        offset += a.len;
    }
    assert_eq!(offset, Architecture::MNIST.activation_len());
    assert_eq!(
        Architecture::MNIST.activation_len(),
        26 * 26 * 32 + 13 * 13 * 32 + 11 * 11 * 64 + 5 * 5 * 64 + 2 * 576 + 64 + 10
    );

    let mut t = Trainer::new(TrainerConfig::default()).expect("trainer");
    *t.data_mut(Split::Train) = toy_set(64);
    t.train_steps(2).expect("steps");
    let image = to_f32(toy_set(1).image(0));
    let mut out = vec![f32::NAN; Architecture::MNIST.activation_len()];
    t.activations(&image, &mut out).expect("activations");
    let probs = t.predict(&image).expect("probs");
    let views: Vec<_> = Architecture::MNIST.activation_views(&out).collect();
    let last = &views[views.len() - 1].1;
    for (a, b) in last.iter().zip(&probs) {
        assert!(
            (a - b).abs() < 1e-6,
            "the outputs are the prediction's probabilities"
        );
    }
    let conv1 = &views[0];
    assert_eq!(
        (conv1.0.as_str(), conv1.1.shape()),
        ("conv2d", &[26, 26, 32][..])
    );
    assert!(out.iter().all(|v| v.is_finite()));
    for (name, view) in &views[..views.len() - 1] {
        assert!(
            view.iter().all(|&v| v >= 0.0),
            "{name} is after a ReLU (or pools / flattens one)"
        );
    }
    assert!(
        conv1.1.iter().any(|&v| v > 0.0),
        "an image lights some filter up"
    );
    assert!(
        t.activations(&image, &mut out[..10]).is_err(),
        "a short buffer is refused"
    );
    assert!(
        t.activations(&image[..100], &mut out).is_err(),
        "a short image is refused"
    );
}

#[test]
fn learn_them_for_good_is_one_annealed_epoch_with_the_drawings_and_needs_some() {
    let user = TrainerConfig {
        epochs: 7,
        batch_size: 32,
        learning_rate: 0.01,
        schedule: false,
        train_size: 2000,
        augment: false,
        train_on_drawings: false,
        drawings_share: 0.2,
        ..TrainerConfig::default()
    };
    let learn = learn_drawings_config(&user);
    assert_eq!(
        learn,
        TrainerConfig {
            epochs: 1,
            learning_rate: LEARN_DRAWINGS_RATE,
            schedule: true,
            train_on_drawings: true,
            drawings_share: LEARN_DRAWINGS_SHARE,
            ..user
        }
    );
    learn.validate().expect("valid settings");

    let mut t = Trainer::new(user).expect("a trainer");
    let err = t.use_learn_drawings_config().expect_err("no drawings yet");
    assert!(matches!(err, Error::NoData(_)), "{err}");
    assert_eq!(t.config(), user, "nothing changed");
    let (images, labels) = drawings(2);
    t.set_drawings(&images, &labels).expect("drawings");
    t.use_learn_drawings_config().expect("applied");
    assert_eq!(t.config(), learn);
    t.set_config(user).expect("the form's settings again");
    assert_eq!(t.config(), user);
}
