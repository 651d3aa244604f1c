//! The wasm facade exercised in a real browser (`wasm-pack test --headless --chrome`):
//! construct, stream IDX bytes built here, train, predict, and see bad input turn into
//! JavaScript errors with readable text instead of panics.
#![cfg(target_arch = "wasm32")]

use js_sys::Reflect;
use mnist_wasm::wasm::{Trainer, parameter_count, random_seed, simd_enabled};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

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

fn message(err: wasm_bindgen::JsError) -> String {
    let v: JsValue = err.into();
    v.dyn_into::<js_sys::Error>()
        .expect("a JS Error")
        .message()
        .into()
}

fn config(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("valid JSON")
}

fn loaded_trainer() -> Trainer {
    let mut t = Trainer::new(config(r#"{"seed": 3, "batchSize": 16}"#)).expect("valid");
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
    let eval = t.evaluate("train", Some(50), None).expect("evaluates");
    assert_eq!(get(&eval, "count"), 50.0);
    let tail = t.evaluate("train", None, Some(150)).expect("evaluates");
    assert_eq!(get(&tail, "count"), 10.0);
    assert!(t.evaluate("train", None, Some(160)).is_err());
    let part = t.train_part(16).expect("trains");
    assert_eq!(get(&part, "steps"), 1.0); // batches of 16: one micro-batch completes a step
    let progress = t.progress().expect("progress");
    assert_eq!(get(&progress, "totalSteps"), 61.0); // 5, 5 to the epoch end, 5 epochs of 10, 1
    assert_eq!(get(&progress, "stepsPerEpoch"), 10.0);
    let preds = Reflect::get(&eval, &"predictions".into()).unwrap();
    assert_eq!(preds.dyn_into::<js_sys::Uint8Array>().unwrap().length(), 50);
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
        (t.predict(&[f32::NAN; 784]).err(), "non-finite"),
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
            "invalid settings",
        ),
        (
            t.set_config(config(r#"{"augment": "yes"}"#)).err(),
            "invalid settings",
        ),
        (t.import_weights(b"garbage").err(), "not a weights file"),
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
    assert_eq!(augment.as_bool(), Some(false));
    // The training set is still usable after the rejected chunk.
    assert!(t.train_steps(1).is_ok());
    assert!(Trainer::new(config(r#"{"learningRate": "fast"}"#)).is_err());
}

#[wasm_bindgen_test]
fn augment_setting_round_trips_and_trains() {
    let mut t = loaded_trainer();
    t.set_config(config(r#"{"batchSize": 16, "augment": true}"#))
        .expect("valid settings");
    let augment = Reflect::get(&t.config().unwrap(), &"augment".into()).unwrap();
    assert_eq!(augment.as_bool(), Some(true));
    let before = t.export_weights().expect("exports");
    t.train_steps(2).expect("trains");
    assert_ne!(t.export_weights().expect("exports"), before);
}
