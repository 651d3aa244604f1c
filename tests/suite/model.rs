//! The model's initialisation, passes over batches, input validation and the weights file
//! (the architecture itself: tests/suite/network.rs).
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mnist_wasm::Architecture;
use mnist_wasm::model::{Model, PIXELS};
use mnist_wasm::optim::{Adam, AdamConfig};
use mnist_wasm::weights::{self, crc32};
use mnist_wasm::{Error, Trainer, TrainerConfig};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

const MNIST: Architecture = Architecture::MNIST;
const PARAM_COUNT: usize = MNIST.param_count();
const CLASSES: usize = MNIST.classes();

fn model(seed: u64) -> Model {
    Model::new(&mut Pcg64Mcg::seed_from_u64(seed))
}

fn images(seed: u64, n: usize) -> Vec<f32> {
    let mut r = Pcg64Mcg::seed_from_u64(seed);
    (0..n * PIXELS).map(|_| r.random_range(0.0..1.0)).collect()
}

#[test]
fn glorot_uniform_init_is_seeded() {
    let (a, b, c) = (model(1), model(1), model(2));
    assert_eq!(a.params, b.params);
    assert_ne!(a.params, c.params);
    for tensor in MNIST.param_tensors() {
        let (name, shape) = (&tensor.name, tensor.shape.dims());
        let t = &a.params[tensor.range()];
        if shape.len() == 1 {
            assert!(t.iter().all(|&v| v == 0.0), "{name} bias not zero");
        } else {
            let r: usize = shape[..shape.len() - 2].iter().product();
            let limit =
                (6.0 / (r * (shape[shape.len() - 2] + shape[shape.len() - 1])) as f32).sqrt();
            assert!(
                t.iter().all(|v| v.abs() <= limit),
                "{name} outside ±{limit}"
            );
            // A uniform draw fills its range: the extremes come near the limit.
            let max = t.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            assert!(max > 0.9 * limit, "{name}: max {max} vs limit {limit}");
        }
    }
}

#[test]
fn predictions_are_probabilities_and_batch_independent() {
    let mut m = model(3);
    let x = images(4, 70); // crosses a micro-batch boundary
    let mut all = vec![0.0; 70 * CLASSES];
    m.predict(&x, &mut all).expect("valid");
    for row in all.chunks(CLASSES) {
        let s: f32 = row.iter().sum();
        assert!((s - 1.0).abs() < 1e-5 && row.iter().all(|p| (0.0..=1.0).contains(p)));
    }
    let mut one = vec![0.0; CLASSES];
    m.predict(&x[69 * PIXELS..], &mut one).expect("valid");
    for (a, b) in one.iter().zip(&all[69 * CLASSES..]) {
        assert!((a - b).abs() < 1e-6);
    }
}

#[test]
fn big_batches_equal_the_sum_of_their_micro_batches() {
    // 100 images in several micro-batches; the gradient must be the mean over all 100.
    let mut m = model(5);
    let x = images(6, 100);
    let labels: Vec<u8> = (0..100).map(|i| (i % 10) as u8).collect();
    let full = m.loss_and_grads(&x, &labels).expect("valid");
    let g_full = m.grads.clone();
    let a = m
        .loss_and_grads(&x[..64 * PIXELS], &labels[..64])
        .expect("valid");
    let g_a = m.grads.clone();
    let b = m
        .loss_and_grads(&x[64 * PIXELS..], &labels[64..])
        .expect("valid");
    let mean_loss = (a.loss * 64.0 + b.loss * 36.0) / 100.0;
    assert!((full.loss - mean_loss).abs() < 1e-5);
    for ((f, ga), gb) in g_full.iter().zip(&g_a).zip(&m.grads) {
        let want = (ga * 64.0 + gb * 36.0) / 100.0;
        assert!(
            (f - want).abs() <= 1e-5 * (1.0 + want.abs()),
            "{f} vs {want}"
        );
    }
}

#[test]
fn bad_batches_are_refused_and_change_nothing() {
    let mut m = model(7);
    let before = m.params.clone();
    let mut adam = Adam::new(PARAM_COUNT, AdamConfig::default());
    let x = images(8, 2);
    let cases: Vec<(Vec<f32>, Vec<u8>, &str)> = vec![
        (x.clone(), vec![1], "batch pixels"),
        (x.clone(), vec![1, 10], "label"),
        (vec![], vec![], "batchSize"),
        (
            {
                let mut v = x.clone();
                v[5] = f32::NAN;
                v
            },
            vec![1, 2],
            "pixel 5 of the input is NaN",
        ),
    ];
    for (x, y, fragment) in cases {
        let err = m
            .train_step(&x, &y, &mut adam)
            .expect_err("must be refused");
        assert!(err.to_string().contains(fragment), "{err}");
        assert_ne!(
            err.name(),
            "DivergedError",
            "bad input is not divergence: {err}"
        );
    }
    assert_eq!(m.params, before);
    assert_eq!(adam.t, 0);
    let mut probs = vec![0.0; 10];
    assert!(m.predict(&x[..100], &mut probs).is_err());
}

#[test]
fn divergence_is_refused_without_applying_the_step() {
    let mut m = model(9);
    // Logits ±3e38: the true class's log-probability overflows to -inf, the loss to +inf.
    for (i, b) in m.params[PARAM_COUNT - 10..].iter_mut().enumerate() {
        *b = if i % 2 == 0 { 3e38 } else { -3e38 };
    }
    let before = m.params.clone();
    let mut adam = Adam::new(PARAM_COUNT, AdamConfig::default());
    let err = m
        .train_step(&images(10, 2), &[3, 4], &mut adam)
        .expect_err("diverged");
    assert!(matches!(err, Error::Diverged { .. }), "{err}");
    assert_eq!(err.name(), "DivergedError");
    assert!(err.to_string().contains("lower learning rate"));
    assert_eq!(m.params, before);
    assert_eq!(adam.t, 0);
}

#[test]
fn weights_round_trip_exactly() {
    let mut t = Trainer::new(TrainerConfig {
        seed: 11,
        ..Default::default()
    })
    .expect("valid");
    let bytes = t.export_weights().expect("encodes");
    assert_eq!(bytes.len(), 40 + 12 * PARAM_COUNT + 4);
    let mut u = Trainer::new(TrainerConfig {
        seed: 12,
        ..Default::default()
    })
    .expect("valid");
    assert_ne!(u.model().params, t.model().params);
    u.import_weights(&bytes).expect("own file loads");
    assert_eq!(u.model().params, t.model().params);
    assert_eq!(u.export_weights().expect("encodes"), bytes);
    // Also without optimizer state.
    let params = &t.model().params;
    let plain = weights::encode(&MNIST, params, Default::default(), None, 3, 99).expect("encodes");
    let ck = weights::decode(&plain).expect("decodes");
    assert_eq!((ck.state, ck.epochs, ck.steps), (None, 3, 99));
    assert_eq!(ck.params, t.model().params);
    t.import_weights(&plain).expect("loads");
}

#[test]
fn corrupt_weights_are_refused_and_change_nothing() {
    let src = Trainer::new(TrainerConfig {
        seed: 13,
        ..Default::default()
    })
    .expect("valid");
    let good = src.export_weights().expect("encodes");
    let mut t = Trainer::new(TrainerConfig {
        seed: 14,
        ..Default::default()
    })
    .expect("valid");
    let before = t.export_weights().expect("encodes");

    let mut flipped = good.clone();
    flipped[1000] ^= 0x10;
    let mut other_arch = good.clone();
    other_arch[8] ^= 1;
    let n = other_arch.len();
    let crc = crc32(&other_arch[..n - 4]).to_le_bytes();
    other_arch[n - 4..].copy_from_slice(&crc); // a valid file, just not this network
    let mut nan = good.clone();
    nan[40..44].copy_from_slice(&f32::NAN.to_le_bytes());
    let crc = crc32(&nan[..n - 4]).to_le_bytes();
    nan[n - 4..].copy_from_slice(&crc);
    let cases: [(&[u8], &str); 7] = [
        (&flipped, "checksum"),
        (&other_arch, "another network"),
        (&good[..good.len() - 1], "truncated"),
        (&good[..20], "truncated"),
        (
            b"{\"not\": \"weights\"}",
            "not a model file saved by this page",
        ),
        (&[], "not a model file saved by this page"),
        (&nan, "not finite"),
    ];
    for (bytes, fragment) in cases {
        let err = t.import_weights(bytes).expect_err("must be refused");
        assert!(err.to_string().contains(fragment), "{fragment}: {err}");
        assert_eq!(
            t.export_weights().expect("encodes"),
            before,
            "{fragment}: state changed"
        );
    }
}

#[test]
fn safetensors_export_has_keras_names_shapes_and_exact_values() {
    let m = model(15);
    let bytes = mnist_wasm::safetensors::encode(&MNIST, &m.params).expect("encodes");
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    assert_eq!((8 + n) % 8, 0, "data is 8-byte aligned");
    let header = std::str::from_utf8(&bytes[8..8 + n]).expect("UTF-8 JSON");
    assert!(header.contains(
        r#""conv2d_1/kernel":{"dtype":"F32","shape":[3,3,32,64],"data_offsets":[1280,75008]}"#
    ));
    assert!(
        header.contains(
            r#""dense_1/bias":{"dtype":"F32","shape":[10],"data_offsets":[373248,373288]}"#
        )
    );
    let data = &bytes[8 + n..];
    assert_eq!(data.len(), 4 * PARAM_COUNT);
    let back: Vec<f32> = data
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!(back, m.params);
    assert!(mnist_wasm::safetensors::encode(&MNIST, &m.params[1..]).is_err());
}

/// A safetensors file of a model with its 10 classes or another class count, `seed`'s weights.
fn safetensors_of(seed: u32, classes: usize) -> (Vec<f32>, Vec<u8>) {
    let mut t = Trainer::new(TrainerConfig {
        seed,
        ..Default::default()
    })
    .expect("valid");
    if classes != CLASSES {
        t.set_classes(classes).expect("a class count");
    }
    let model = t.model();
    let bytes = mnist_wasm::safetensors::encode(model.arch(), &model.params).expect("encodes");
    (model.params.clone(), bytes)
}

#[test]
fn safetensors_imports_back_parameters_only() {
    let (params, bytes) = safetensors_of(21, CLASSES);
    let mut t = Trainer::new(TrainerConfig {
        seed: 22,
        ..Default::default()
    })
    .expect("valid");
    t.import_weights(&bytes).expect("our own export loads");
    assert_eq!(t.model().params, params, "exactly the exported values");
    let ck = weights::decode(&t.export_weights().expect("encodes")).expect("decodes");
    assert_eq!(
        (ck.epochs, ck.steps),
        (0, 0),
        "the file has no counters: they start at zero"
    );
    // Another class count: the model takes the file's, as with a weights file.
    let (params26, bytes26) = safetensors_of(23, 26);
    t.import_weights(&bytes26)
        .expect("a 26-class file loads without data");
    assert_eq!(t.model().classes(), 26);
    assert_eq!(t.model().params, params26);
}

#[test]
fn safetensors_refusals_change_nothing() {
    let (_, good) = safetensors_of(31, CLASSES);
    let mut t = Trainer::new(TrainerConfig {
        seed: 32,
        ..Default::default()
    })
    .expect("valid");
    let before = t.export_weights().expect("encodes");
    let n = u64::from_le_bytes(good[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&good[8..8 + n]).unwrap().to_string();
    let with_header = |h: &str| {
        let mut out = (h.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(&good[8 + n..]);
        out
    };
    let mut nan = good.clone();
    nan[8 + n..8 + n + 4].copy_from_slice(&f32::NAN.to_le_bytes());
    let mut long = good.clone();
    long[..8].copy_from_slice(&(good.len() as u64).to_le_bytes());
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (good[..good.len() - 4].to_vec(), "not where its header says"),
        (long, "longer than the file"),
        (with_header("{\"a\": [1, 2"), "not valid JSON"),
        // Nesting deep enough to overflow a naive recursive reader's stack.
        (
            with_header(&format!("{{\"a\": {}", "[".repeat(100_000))),
            "not valid JSON",
        ),
        (with_header("{}"), "another network"),
        (
            with_header(&header.replace("\"dense_1/bias\"", "\"dense_9/bias\"")),
            "another network",
        ),
        (
            with_header(&header.replace("[3,3,32,64]", "[3,3,64,32]")),
            "another network",
        ),
        (with_header(&header.replacen("F32", "F16", 1)), "is not F32"),
        (nan, "not finite"),
    ];
    for (bytes, fragment) in cases {
        let err = t.import_weights(&bytes).expect_err("must be refused");
        assert!(matches!(err, Error::Weights(_)), "{fragment}: {err:?}");
        assert!(err.to_string().contains(fragment), "{fragment}: {err}");
        assert_eq!(
            t.export_weights().expect("encodes"),
            before,
            "{fragment}: state changed"
        );
    }
}
