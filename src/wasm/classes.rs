//! The facade's view of the model's class count (`crate::trainer` `classes.rs`): what the page
//! sizes itself by (the input shape, the classes, the layers), asked of the trainer's own
//! model, which the training data may rebuild for another class count.

use wasm_bindgen::prelude::*;

use super::parallel::Exchange;
use super::{Trainer, js_err, to_js};

#[wasm_bindgen]
impl Trainer {
    /// The model's class count (10 until training labels name another, 2 to 62).
    #[wasm_bindgen(js_name = classCount)]
    pub fn class_count(&self) -> usize {
        self.inner.classes()
    }

    /// This model, layer by layer, for the page's model card: `{ layers: [{ name, kind, label,
    /// output, params }], params, input: [side, side, 1], classes }`, the input first.
    #[wasm_bindgen(js_name = modelDescription)]
    pub fn model_description(&self) -> Result<JsValue, JsValue> {
        // With the settings' training-only layers (dropout): the next step builds them.
        let options = self.inner.config().network_options();
        let arch = self.inner.model().arch().with(options).map_err(js_err)?;
        to_js(&arch.describe())
    }

    /// This model's number of trainable parameters.
    #[wasm_bindgen(js_name = parameterCount)]
    pub fn parameter_count(&self) -> usize {
        self.inner.model().params.len()
    }

    /// Where each layer's output sits in `layerViews`' buffer: `[{ name, kind, label, shape,
    /// offset, len }]` in network order; the buffer holds `activationLength()` values.
    #[wasm_bindgen(js_name = activationLayout)]
    pub fn activation_layout(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.model().arch().activation_layout())
    }

    /// Values in one image's activations (every layer's output; 37,610 for ten classes).
    #[wasm_bindgen(js_name = activationLength)]
    pub fn activation_length(&self) -> usize {
        self.inner.model().arch().activation_len()
    }
}

impl Trainer {
    /// Rebuilds the model when complete training labels name another class count; true if
    /// it did.
    pub(super) fn fit_classes(&mut self) -> Result<bool, JsValue> {
        let rebuilt = self.inner.fit_classes_to_data().map_err(js_err)?;
        self.fit_exchange();
        Ok(rebuilt)
    }

    /// Sizes the exchange gradient for the model's parameters (after a rebuild).
    pub(super) fn fit_exchange(&mut self) {
        let params = self.inner.model().params.len();
        if self.exchange.grad.len() != params {
            self.exchange = Exchange::new(params);
        }
    }
}
