//! The wasm facade exercised in a real browser (`wasm-pack test --headless --chrome`):
//! construct, stream IDX bytes built here, train, predict, and see bad input turn into
//! JavaScript errors with readable text instead of panics.
#![cfg(target_arch = "wasm32")]

use js_sys::Reflect;
use mnist_wasm::wasm::{
    Trainer, error_names, parameter_count, random_seed, settings_schema, simd_enabled,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

/// A learnable toy set in IDX format: class k is a bright bar on row 2k + 4, with noise.
fn idx_files(n: usize, seed: u32) -> (Vec<u8>, Vec<u8>) {
    let mut images = vec![0, 0, 8, 3];
    for v in [n as u32, 28, 28] {
        images.extend_from_slice(&v.to_be_bytes());
    }
    let mut labels = vec![0, 0, 8, 1];
    labels.extend_from_slice(&(n as u32).to_be_bytes());
    let mut state = seed;
    for i in 0..n {
        let class = (i * 7 + 3) % 10;
        labels.push(class as u8);
        for y in 0..28 {
            for x in 0..28 {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let noise = (state >> 27) as u8; // 0..31
                let bar = y == 2 * class + 4 && (4..24).contains(&x);
                images.push(if bar { 255 - noise } else { noise });
            }
        }
    }
    (images, labels)
}

fn get(obj: &JsValue, key: &str) -> f64 {
    Reflect::get(obj, &key.into())
        .expect("field")
        .as_f64()
        .expect("number")
}

fn js_error(err: JsValue) -> js_sys::Error {
    err.dyn_into::<js_sys::Error>().expect("a JS Error")
}

fn message(err: JsValue) -> String {
    js_error(err).message().into()
}

/// The error's `name` and `field` (empty when absent).
fn name_and_field(err: JsValue) -> (String, String) {
    let field = Reflect::get(&err, &"field".into())
        .ok()
        .and_then(|f| f.as_string())
        .unwrap_or_default();
    (js_error(err).name().into(), field)
}

fn config(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("valid JSON")
}

fn loaded_trainer() -> Trainer {
    let mut t =
        Trainer::new(config(r#"{"seed": 3, "batchSize": 16, "augment": false}"#)).expect("valid");
    let (images, labels) = idx_files(160, 1);
    // Odd chunk sizes: headers split across chunks.
    for chunk in images.chunks(1000) {
        t.push_data("train", "images", chunk).expect("valid chunk");
    }
    for chunk in labels.chunks(7) {
        t.push_data("train", "labels", chunk).expect("valid chunk");
    }
    t.finish_data("train", "images").expect("complete");
    t.finish_data("train", "labels").expect("complete");
    t
}

#[wasm_bindgen_test]
fn exports_describe_the_build() {
    assert_eq!(parameter_count(), 93_322);
    // The web build is compiled with +simd128 (.cargo/config.toml).
    assert!(simd_enabled());
    let a = random_seed().expect("crypto available");
    let b = random_seed().expect("crypto available");
    assert_ne!(a, b);
}

#[wasm_bindgen_test]
fn trains_and_predicts() {
    let mut t = loaded_trainer();
    let status = t.data_status().expect("status");
    let train = Reflect::get(&status, &"train".into()).expect("train");
    assert_eq!(get(&train, "usable"), 160.0);
    assert_eq!(
        Reflect::get(&train, &"complete".into()).unwrap(),
        JsValue::TRUE
    );

    let first = t.train_steps(5).expect("trains");
    let loss0 = get(&first, "loss");
    assert!(loss0.is_finite());
    assert_eq!(get(&first, "stepsPerEpoch"), 10.0);
    let mut last = first;
    for _ in 0..6 {
        last = t.train_steps(10).expect("trains");
    }
    let loss1 = get(&last, "loss");
    assert!(loss1 < 0.5 * loss0, "loss {loss0} → {loss1}");

    let image: Vec<f32> = t
        .image("train", 0)
        .unwrap()
        .iter()
        .map(|&p| f32::from(p) / 255.0)
        .collect();
    let probs = t.predict(&image).expect("predicts");
    assert_eq!(probs.len(), 10);
    assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    // One evaluation in two slices writes into the caller's buffers and adds up.
    let (mut predictions, mut confidence) = (vec![0u8; 160], vec![f32::NAN; 160]);
    let (p1, p2) = predictions.split_at_mut(50);
    let (c1, c2) = confidence.split_at_mut(50);
    let head = t
        .evaluate("train", 0, p1, c1, JsValue::UNDEFINED)
        .expect("evaluates");
    assert_eq!(get(&head, "count"), 50.0);
    let eval = t.evaluate("train", 50, p2, c2, head).expect("evaluates");
    assert_eq!(get(&eval, "count"), 160.0);
    let mut labels = vec![0u8; 160];
    t.labels("train", 0, &mut labels).expect("labels");
    let correct = predictions
        .iter()
        .zip(&labels)
        .filter(|(p, l)| p == l)
        .count();
    assert_eq!(get(&eval, "correct"), correct as f64);
    assert!((get(&eval, "accuracy") - correct as f64 / 160.0).abs() < 1e-6);
    assert!(
        confidence.iter().all(|c| (0.1..=1.0).contains(c)),
        "{confidence:?}"
    );
    assert!(
        t.evaluate(
            "train",
            150,
            &mut [0; 11],
            &mut [0.0; 11],
            JsValue::UNDEFINED
        )
        .is_err()
    );
    let part = t.train_part(16).expect("trains");
    assert_eq!(get(&part, "steps"), 1.0); // batches of 16: one micro-batch completes a step
    let progress = t.progress().expect("progress");
    assert_eq!(get(&progress, "totalSteps"), 61.0); // 5, 5 to the epoch end, 5 epochs of 10, 1
    assert_eq!(get(&progress, "stepsPerEpoch"), 10.0);
}

#[wasm_bindgen_test]
fn bad_input_throws_readable_errors_and_changes_nothing() {
    let mut t = loaded_trainer();
    let weights = t.export_weights().expect("exports");
    let cases = [
        (
            t.push_data("test", "images", &[0, 0, 8, 2]).err(),
            "bad magic",
        ),
        (t.push_data("train", "images", &[0]).err(), "extra bytes"),
        (
            t.push_data("validation", "images", &[0]).err(),
            "\"train\" or \"test\"",
        ),
        (
            t.push_data("test", "pixels", &[0]).err(),
            "\"images\" or \"labels\"",
        ),
        (t.predict(&[0.5; 100]).err(), "expected 784, got 100"),
        (t.predict(&[f32::NAN; 784]).err(), "is NaN"),
        (
            t.set_config(config(r#"{"batchSize": 0}"#)).err(),
            "batchSize",
        ),
        (
            t.set_config(config(r#"{"learningRate": -1}"#)).err(),
            "learningRate",
        ),
        (
            t.set_config(config(r#"{"epochz": 3}"#)).err(),
            "unknown setting",
        ),
        (
            t.set_config(config(r#"{"augment": "yes"}"#)).err(),
            "must be true or false",
        ),
        (
            t.import_weights(b"garbage").err(),
            "not a model file saved by this page",
        ),
        (
            // A safetensors header naming no tensor of this network.
            t.import_weights(b"\x08\0\0\0\0\0\0\0{\"x\":{}}").err(),
            "another network",
        ),
        (
            t.import_weights(&weights[..weights.len() - 8]).err(),
            "truncated",
        ),
        (t.image("test", 0).err(), "only 0 are loaded"),
    ];
    for (err, fragment) in cases {
        let text = message(err.unwrap_or_else(|| panic!("{fragment}: accepted")));
        assert!(text.contains(fragment), "{fragment}: {text}");
    }
    assert_eq!(t.export_weights().expect("exports"), weights);
    assert_eq!(get(&t.config().unwrap(), "batchSize"), 16.0);
    let augment = Reflect::get(&t.config().unwrap(), &"augment".into()).unwrap();
    assert_eq!(augment.as_bool(), Some(false)); // as configured, untouched by the errors
    // The training set is still usable after the rejected chunk.
    assert!(t.train_steps(1).is_ok());
    assert!(Trainer::new(config(r#"{"learningRate": "fast"}"#)).is_err());
}

#[wasm_bindgen_test]
fn augment_setting_round_trips_and_trains() {
    let mut t = loaded_trainer();
    t.set_config(config(r#"{"batchSize": 16, "augment": false}"#))
        .expect("valid settings");
    let augment = Reflect::get(&t.config().unwrap(), &"augment".into()).unwrap();
    assert_eq!(augment.as_bool(), Some(false));
    t.set_config(config(r#"{"augment": true}"#))
        .expect("valid settings");
    let augment = Reflect::get(&t.config().unwrap(), &"augment".into()).unwrap();
    assert_eq!(augment.as_bool(), Some(true));
    let before = t.export_weights().expect("exports");
    t.train_steps(2).expect("trains");
    assert_ne!(t.export_weights().expect("exports"), before);
}

#[wasm_bindgen_test]
fn each_error_kind_reaches_javascript_by_name() {
    let mut t = loaded_trainer();
    let names = error_names().expect("names");
    let name = |kind: &str| {
        Reflect::get(&names, &kind.into())
            .unwrap()
            .as_string()
            .expect(kind)
    };
    let mut weights = t.export_weights().expect("exports");
    let mut empty = Trainer::new(JsValue::UNDEFINED).expect("defaults");
    let cases: [(&str, Option<JsValue>, &str); 9] = [
        ("shape", t.predict(&[0.5; 100]).err(), ""),
        (
            "settings",
            t.set_config(config(r#"{"batchSize": 0}"#)).err(),
            "batchSize",
        ),
        (
            "settings",
            t.set_config(config(r#"{"batchsize": 8}"#)).err(),
            "batchsize",
        ),
        (
            "settings",
            t.set_config(config(r#"{"learningRate": "0.01"}"#)).err(),
            "learningRate",
        ),
        (
            "argument",
            t.push_data("validation", "images", &[0]).err(),
            "",
        ),
        (
            "dataFormat",
            t.push_data("test", "images", &[0, 0, 8, 2]).err(),
            "",
        ),
        ("weights", t.import_weights(b"garbage").err(), ""),
        ("noData", empty.train_steps(1).err(), ""),
        ("badInput", t.predict(&[f32::NAN; 784]).err(), ""),
    ];
    for (kind, err, field) in cases {
        let err = err.unwrap_or_else(|| panic!("{kind}: accepted"));
        assert_eq!(
            name_and_field(err),
            (name(kind), field.to_string()),
            "{kind}"
        );
    }
    // A diverged loss: a weights file whose output biases are ±3e38 (valid numbers) makes
    // the loss infinite; the step is refused and the weights stay as they were.
    let biases = 40 + 4 * (93_322 - 10);
    for (i, chunk) in weights[biases..biases + 40].chunks_mut(4).enumerate() {
        let b: f32 = if i % 2 == 0 { 3e38 } else { -3e38 };
        chunk.copy_from_slice(&b.to_le_bytes());
    }
    let crc_at = weights.len() - 4;
    let crc = mnist_wasm::weights::crc32(&weights[..crc_at]);
    weights[crc_at..].copy_from_slice(&crc.to_le_bytes());
    t.import_weights(&weights).expect("finite weights load");
    let err = t.train_steps(1).expect_err("diverges");
    assert_eq!(name_and_field(err.clone()).0, name("diverged"));
    assert!(message(err).contains("lower learning rate"));
    assert_eq!(t.export_weights().expect("exports"), weights);
}

#[wasm_bindgen_test]
fn schema_lists_every_setting_with_its_limits() {
    let schema: js_sys::Array = settings_schema().expect("schema").dyn_into().unwrap();
    let names: Vec<String> = schema
        .iter()
        .map(|f| {
            Reflect::get(&f, &"name".into())
                .unwrap()
                .as_string()
                .unwrap()
        })
        .collect();
    // JavaScript sees the core's schema, field for field.
    let core: Vec<String> = mnist_wasm::config::schema()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names, core);
    let batch = schema.get(1);
    assert_eq!(get(&batch, "min"), 1.0);
    assert_eq!(get(&batch, "max"), 1024.0);
    assert_eq!(get(&batch, "default"), 64.0);
    // The config holds every setting of the schema, with the schema's defaults.
    let t = Trainer::new(JsValue::UNDEFINED).expect("defaults");
    let cfg = t.config().expect("config");
    for f in schema.iter() {
        let name = Reflect::get(&f, &"name".into()).unwrap();
        let default = Reflect::get(&f, &"default".into()).unwrap();
        assert_eq!(Reflect::get(&cfg, &name).unwrap(), default, "{name:?}");
    }
}
