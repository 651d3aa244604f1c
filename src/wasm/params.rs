//! The model's parameters as named tensors, for files the page writes and reads itself
//! (`www/keras-file.js`, `www/tfjs-file.js`): each tensor's Keras name, shape and place in the
//! flat buffer come from the core's network (`crate::network::Architecture::param_tensors`),
//! so the page never repeats a shape.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{Trainer, js_err, to_js};

/// One parameter tensor as the page sees it.
#[derive(Serialize)]
struct TensorInfo {
    /// e.g. `conv2d_1/kernel`.
    name: String,
    /// Keras layout: `[KH, KW, IN, OUT]`, `[IN, OUT]`, `[OUT]`.
    shape: Vec<usize>,
    /// Where its values start in `params()`.
    offset: usize,
}

#[wasm_bindgen]
impl Trainer {
    /// This model's parameter tensors in buffer order: `[{ name, shape, offset }]`.
    #[wasm_bindgen(js_name = paramTensors)]
    pub fn param_tensors(&self) -> Result<JsValue, JsValue> {
        let tensors: Vec<TensorInfo> = (self.inner.model().arch().param_tensors().into_iter())
            .map(|t| TensorInfo {
                name: t.name,
                shape: t.shape.dims().to_vec(),
                offset: t.offset,
            })
            .collect();
        to_js(&tensors)
    }

    /// A copy of the parameters, laid out as `paramTensors()` says.
    pub fn params(&self) -> Vec<f32> {
        self.inner.model().params.clone()
    }

    /// Loads parameters laid out as `paramTensors()` says, from a model saved elsewhere: the
    /// optimizer starts afresh and the counters at zero. A buffer of another length or with a
    /// value that is not finite is rejected and the model is unchanged.
    #[wasm_bindgen(js_name = importParams)]
    pub fn import_params(&mut self, params: &[f32]) -> Result<(), JsValue> {
        self.inner.import_params(params).map_err(js_err)
    }
}
