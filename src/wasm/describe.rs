//! The facade's free functions: what the core is (its build, settings, network and error
//! names), asked before or without a trainer.

use wasm_bindgen::prelude::*;

use super::to_js;
use crate::config;
use crate::error::ERROR_NAMES;
use crate::network::Architecture;

/// Whether this build's kernels use WebAssembly SIMD128.
#[wasm_bindgen(js_name = simdEnabled)]
pub fn simd_enabled() -> bool {
    crate::kernels::SIMD128
}

/// Whether this build's kernels multiply-add with relaxed SIMD's `f32x4.relaxed_madd` (the
/// `pkg-relaxed/` build, loaded where the engine validates it).
#[wasm_bindgen(js_name = relaxedSimdEnabled)]
pub fn relaxed_simd_enabled() -> bool {
    crate::kernels::RELAXED_SIMD
}

/// Number of trainable parameters of the ten-class MNIST network (93,322); a trainer's own
/// model: `trainer.parameterCount()`.
#[wasm_bindgen(js_name = parameterCount)]
pub fn parameter_count() -> usize {
    Architecture::MNIST.param_count()
}

/// Every setting: `[{ name, type, label, help, default, form, min?, max?, exclusiveMin? }]`,
/// in the order the page's form shows them (see `crate::config`).
#[wasm_bindgen(js_name = settingsSchema)]
pub fn settings_schema() -> Result<JsValue, JsValue> {
    to_js(&config::schema())
}

/// The ten-class MNIST network, layer by layer: `{ layers: [{ name, kind, label, output,
/// params }], params, input, classes }`, the input first (see `crate::network`); a trainer's
/// own model: `trainer.modelDescription()`.
#[wasm_bindgen(js_name = modelDescription)]
pub fn model_description() -> Result<JsValue, JsValue> {
    to_js(&Architecture::MNIST.describe())
}

/// The ten-class network's `trainer.activationLayout()`: `[{ name, kind, label, shape,
/// offset, len }]` in network order (see `Architecture::activation_layout`).
#[wasm_bindgen(js_name = activationLayout)]
pub fn activation_layout() -> Result<JsValue, JsValue> {
    to_js(&Architecture::MNIST.activation_layout())
}

/// Values in one image's activations of the ten-class network: 37,610.
#[wasm_bindgen(js_name = activationLength)]
pub fn activation_length() -> usize {
    Architecture::MNIST.activation_len()
}

/// The error names by kind: `{ shape: "ShapeError", settings: "SettingsError", ... }`.
#[wasm_bindgen(js_name = errorNames)]
pub fn error_names() -> Result<JsValue, JsValue> {
    let names: std::collections::BTreeMap<&str, &str> = ERROR_NAMES.into_iter().collect();
    to_js(&names)
}

/// A fresh random seed from the browser's crypto source, for "new run" buttons; runs stay
/// reproducible because the seed is then shown and stored in the config.
#[wasm_bindgen(js_name = randomSeed)]
pub fn random_seed() -> Result<u32, JsValue> {
    getrandom::u32().map_err(|e| js_sys::Error::new(&format!("no random source: {e}")).into())
}
