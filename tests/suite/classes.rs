//! The class count is the data's: models of 2 to 62 classes train, their weights files record
//! the count, and a file of another count is refused while data fixes it.

#[cfg(target_arch = "wasm32")]
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mnist_wasm::data::{DataSet, Split};
use mnist_wasm::model::{Model, PIXELS};
use mnist_wasm::network::{Architecture, MAX_CLASSES, MIN_CLASSES, MNIST_CLASSES};
use mnist_wasm::optim::OptimizerKind;
use mnist_wasm::weights::{self, architecture_id};
use mnist_wasm::{Trainer, TrainerConfig};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// `n` noisy images of `classes` classes as a data set: class c is a bright 3x3 block in cell c
/// of an 8x8 grid (up to 64 classes), labels cycling through the classes.
fn blocks(n: usize, classes: usize, seed: u64) -> DataSet {
    let mut r = Pcg64Mcg::seed_from_u64(seed);
    let mut images = vec![0, 0, 8, 3];
    for v in [n as u32, 28, 28] {
        images.extend_from_slice(&v.to_be_bytes());
    }
    let mut labels = vec![0, 0, 8, 1];
    labels.extend_from_slice(&(n as u32).to_be_bytes());
    for i in 0..n {
        let c = (i * 7 + 3) % classes;
        labels.push(c as u8);
        let (cy, cx) = (2 + 3 * (c / 8), 2 + 3 * (c % 8));
        for y in 0..28 {
            for x in 0..28 {
                let on = (cy..cy + 3).contains(&y) && (cx..cx + 3).contains(&x);
                let noise: u8 = r.random_range(0..40);
                images.push(if on { 255 - noise } else { noise });
            }
        }
    }
    DataSet::from_idx("train", &images, &labels).expect("valid IDX")
}

/// The dense classifier's parameters grow by 65 (64 weights and a bias) per class.
fn params_for(classes: usize) -> usize {
    Architecture::MNIST.param_count() + 65 * classes - 65 * MNIST_CLASSES
}

#[test]
fn class_counts_from_2_to_62_build_and_nothing_else_does() {
    for classes in [MIN_CLASSES, 26, MAX_CLASSES] {
        let arch = Architecture::new(classes).expect("in range");
        assert_eq!(arch.classes(), classes);
        assert_eq!(arch.param_count(), params_for(classes));
        let d = arch.describe();
        assert_eq!((d.classes, d.input.as_slice()), (classes, &[28, 28, 1][..]));
        assert_eq!(
            d.layers.last().map(|l| l.output.clone()),
            Some(vec![classes])
        );
        assert!(
            arch.to_string()
                .ends_with(&format!("| dense{classes} softmax"))
        );
    }
    assert_eq!(Architecture::new(10), Ok(Architecture::MNIST));
    for bad in [0, 1, 63, 255] {
        let err = Architecture::new(bad).expect_err("out of range");
        assert_eq!(err.name(), "ArgumentError", "{bad}");
    }
}

#[test]
fn forward_and_backward_follow_the_class_count() {
    let mut r = Pcg64Mcg::seed_from_u64(3);
    for classes in [2, 26, 62] {
        let arch = Architecture::new(classes).expect("in range");
        let mut model = Model::with_architecture(arch, &mut r);
        assert_eq!(model.params.len(), arch.param_count());
        let n = 20; // more than one micro-batch
        let x: Vec<f32> = (0..n * PIXELS).map(|_| r.random_range(0.0..1.0)).collect();
        let labels: Vec<u8> = (0..n).map(|i| (i * 5 % classes) as u8).collect();
        let stats = model.loss_and_grads(&x, &labels).expect("valid batch");
        // Near-uniform outputs at the start: the loss is about ln(classes).
        let ln = (classes as f32).ln();
        assert!(
            (stats.loss - ln).abs() < 0.5 * ln,
            "{classes}: {}",
            stats.loss
        );
        assert_eq!(model.grads.len(), arch.param_count());
        assert!(model.grads.iter().all(|g| g.is_finite()));
        let mut probs = vec![0.0; n * classes];
        model.predict(&x, &mut probs).expect("predicts");
        for row in probs.chunks(classes) {
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-4);
        }
        assert!(model.predict(&x, &mut probs[1..]).is_err());
        let mut acts = vec![0.0; arch.activation_len()];
        model
            .activations(&x[..PIXELS], &mut acts)
            .expect("one image");
        assert_eq!(
            arch.activation_layout().last().map(|l| l.len),
            Some(classes)
        );
        let bad = [classes as u8];
        let err = model
            .loss_and_grads(&x[..PIXELS], &bad)
            .expect_err("no such class");
        assert_eq!(err.name(), "BadInputError");
    }
}

#[test]
fn last_layer_gradient_with_an_odd_class_count() {
    // The classifier is linear in its own parameters, so central differences are accurate
    // there: every bias and 60 kernel entries, to 2%.
    let classes = 27;
    let arch = Architecture::new(classes).expect("in range");
    let mut r = Pcg64Mcg::seed_from_u64(11);
    let mut model = Model::with_architecture(arch, &mut r);
    let x: Vec<f32> = (0..3 * PIXELS).map(|_| r.random_range(0.0..1.0)).collect();
    let labels = [0u8, 13, 26];
    model.loss_and_grads(&x, &labels).expect("valid");
    let grads = model.grads.clone();
    let tensors = arch.param_tensors();
    let (kernel, bias) = (&tensors[tensors.len() - 2], &tensors[tensors.len() - 1]);
    assert_eq!(kernel.shape.dims(), &[64, classes]);
    assert_eq!(bias.shape.dims(), &[classes]);
    let mut probes: Vec<usize> = bias.range().collect();
    probes.extend((0..60).map(|_| r.random_range(kernel.range())));
    let h = 1e-2;
    for i in probes {
        let orig = model.params[i];
        let mut loss_at = |v: f32| {
            model.params[i] = v;
            f64::from(model.loss_and_grads(&x, &labels).expect("valid").loss)
        };
        let numeric = (loss_at(orig + h) - loss_at(orig - h)) / (2.0 * f64::from(h));
        model.params[i] = orig;
        let analytic = f64::from(grads[i]);
        assert!(
            (analytic - numeric).abs() <= 0.02 * numeric.abs() + 2e-4,
            "param {i}: analytic {analytic} vs numeric {numeric}"
        );
    }
}

#[test]
fn a_26_class_set_sizes_the_model_and_trains() {
    let mut t = Trainer::new(TrainerConfig {
        batch_size: 32,
        ..TrainerConfig::default()
    })
    .expect("trainer");
    assert_eq!(t.classes(), MNIST_CLASSES);
    *t.data_mut(Split::Train) = blocks(1200, 26, 1);
    assert_eq!(t.data(Split::Train).classes(), 26);
    assert!(t.fit_classes_to_data().expect("fits"), "rebuilt");
    assert!(!t.fit_classes_to_data().expect("fits"), "once");
    assert_eq!((t.classes(), t.model().params.len()), (26, params_for(26)));
    assert_eq!(t.total_steps(), 0);
    *t.data_mut(Split::Test) = blocks(260, 26, 2);
    for _ in 0..3 {
        t.train_steps(40).expect("trains");
    }
    let r = t.evaluate(Split::Test, 0, None).expect("evaluates");
    assert!(r.accuracy > 0.5, "26 classes, chance 4%: {}", r.accuracy);
    assert_eq!(t.predict(&vec![0.5; PIXELS]).expect("predicts").len(), 26);
}

#[test]
fn weights_record_the_class_count_and_a_mismatch_is_refused() {
    let mut letters = Trainer::new(TrainerConfig::default()).expect("trainer");
    *letters.data_mut(Split::Train) = blocks(100, 26, 1);
    letters.fit_classes_to_data().expect("fits");
    letters.train_steps(2).expect("trains");
    let file = letters.export_weights().expect("exports");
    let ckpt = weights::decode(&file).expect("decodes");
    assert_eq!(ckpt.arch.classes(), 26);
    assert_eq!(ckpt.params, letters.model().params);

    // A trainer without data takes the file's class count.
    let mut fresh = Trainer::new(TrainerConfig::default()).expect("trainer");
    fresh.import_weights(&file).expect("loads");
    assert_eq!(fresh.classes(), 26);
    assert_eq!(fresh.state_checksum(), letters.state_checksum());

    // One with ten-class data loaded refuses it, unchanged.
    let mut digits = Trainer::new(TrainerConfig::default()).expect("trainer");
    *digits.data_mut(Split::Train) = blocks(100, 10, 1);
    digits.fit_classes_to_data().expect("fits");
    let before = digits.state_checksum();
    let err = digits.import_weights(&file).expect_err("26 is not 10");
    assert_eq!(err.name(), "WeightsError");
    assert!(err.to_string().contains("made for 26 classes"), "{err}");
    assert_eq!((digits.classes(), digits.state_checksum()), (10, before));
    // ...and data of another class count rebuilds the model: fresh weights, fresh counters.
    *digits.data_mut(Split::Train) = blocks(100, 26, 1);
    assert!(digits.fit_classes_to_data().expect("fits"));
    assert_eq!((digits.classes(), digits.total_steps()), (26, 0));
    digits.import_weights(&file).expect("now it fits");
}

#[test]
fn the_mnist_file_and_older_ten_class_files_still_load() {
    let file = include_bytes!("../../public/pretrained/mnist-pretrained.weights");
    let ckpt = weights::decode(file).expect("the pretrained model loads");
    assert_eq!(ckpt.arch, Architecture::MNIST);
    assert_eq!(architecture_id(&Architecture::MNIST), 0xa178_6394);
    let mut t = Trainer::new(TrainerConfig::default()).expect("trainer");
    t.import_weights(file).expect("loads");
    assert_eq!(t.classes(), 10);
}

#[test]
fn each_optimizer_follows_the_class_count_and_its_state_travels() {
    for kind in OptimizerKind::all() {
        let config = TrainerConfig {
            optimizer: kind,
            ..TrainerConfig::default()
        };
        let mut letters = Trainer::new(config).expect("trainer");
        *letters.data_mut(Split::Train) = blocks(100, 26, 1);
        assert!(letters.fit_classes_to_data().expect("fits"));
        // The rebuilt model's optimizer is the chosen one, sized for 26 classes.
        let o = letters.optimizer();
        assert_eq!(o.kind(), kind);
        assert!(o.state.iter().all(|s| s.len() == params_for(26)));
        letters.train_steps(2).expect("trains");
        let file = letters.export_weights().expect("exports");

        // A ten-class trainer of the same optimizer takes the file's count and its state...
        let mut fresh = Trainer::new(config).expect("trainer");
        fresh.import_weights(&file).expect("loads");
        assert_eq!(fresh.classes(), 26, "{}", kind.name());
        assert_eq!(fresh.state_checksum(), letters.state_checksum());
        // ...and trains on from it.
        *fresh.data_mut(Split::Train) = blocks(100, 26, 1);
        fresh.train_steps(1).expect("trains on");
        assert_eq!(fresh.optimizer().t, letters.optimizer().t + 1);
    }
}
