//! The JavaScript facade: the only place with `#[wasm_bindgen]`. A thin handle around the
//! plain-Rust [`crate::Trainer`]; long-lived state stays in wasm memory, JavaScript passes
//! typed arrays in and gets small results back. Every error becomes a JS exception carrying the
//! core error's message; a failed call changes nothing. API reference: `docs/facade.md`.

use js_sys::{Object, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::model::{PARAM_COUNT, PIXELS};
use crate::trainer::{self, Split, TrainerConfig};

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

fn js_err(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    serde_wasm_bindgen::to_value(value).map_err(|e| JsError::new(&e.to_string()))
}

fn split(set: &str) -> Result<Split, JsError> {
    set.parse().map_err(js_err)
}

/// Whether this build's kernels use WebAssembly SIMD128.
#[wasm_bindgen(js_name = simdEnabled)]
pub fn simd_enabled() -> bool {
    cfg!(target_feature = "simd128")
}

/// Number of trainable parameters (93,322).
#[wasm_bindgen(js_name = parameterCount)]
pub fn parameter_count() -> usize {
    PARAM_COUNT
}

/// A fresh random seed from the browser's crypto source, for "new run" buttons; runs stay
/// reproducible because the seed is then shown and stored in the config.
#[wasm_bindgen(js_name = randomSeed)]
pub fn random_seed() -> Result<u32, JsError> {
    getrandom::u32().map_err(|e| JsError::new(&format!("no random source: {e}")))
}

/// Settings as JavaScript passes them: any subset of the fields.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigPatch {
    seed: Option<u32>,
    learning_rate: Option<f32>,
    batch_size: Option<usize>,
    train_size: Option<usize>,
    augment: Option<bool>,
}

impl ConfigPatch {
    const FIELDS: [&str; 5] = ["seed", "learningRate", "batchSize", "trainSize", "augment"];

    fn from_js(value: JsValue) -> Result<Self, JsError> {
        if value.is_undefined() || value.is_null() {
            return Ok(ConfigPatch::default());
        }
        // serde-wasm-bindgen reads only the fields it knows, so a misspelt one would be ignored
        // silently; name it instead.
        if let Some(obj) = value.dyn_ref::<Object>() {
            for key in Object::keys(obj).iter().filter_map(|k| k.as_string()) {
                if !Self::FIELDS.contains(&key.as_str()) {
                    return Err(JsError::new(&format!(
                        "invalid settings: unknown field `{key}`, expected one of {}",
                        Self::FIELDS.join(", ")
                    )));
                }
            }
        }
        serde_wasm_bindgen::from_value(value)
            .map_err(|e| JsError::new(&format!("invalid settings: {e}")))
    }

    fn apply(self, base: TrainerConfig) -> TrainerConfig {
        TrainerConfig {
            seed: self.seed.unwrap_or(base.seed),
            learning_rate: self.learning_rate.unwrap_or(base.learning_rate),
            batch_size: self.batch_size.unwrap_or(base.batch_size),
            train_size: self.train_size.unwrap_or(base.train_size),
            augment: self.augment.unwrap_or(base.augment),
        }
    }
}

#[derive(Serialize)]
struct Status {
    train: crate::data::DataStatus,
    test: crate::data::DataStatus,
}

/// A training session: model, Adam, the train and test sets, and progress.
#[wasm_bindgen]
pub struct Trainer {
    inner: trainer::Trainer,
}

#[wasm_bindgen]
impl Trainer {
    /// `new Trainer({seed, learningRate, batchSize, trainSize, augment})`, every field optional.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Trainer, JsError> {
        let config = ConfigPatch::from_js(config)?.apply(TrainerConfig::default());
        let inner = trainer::Trainer::new(config).map_err(js_err)?;
        Ok(Trainer { inner })
    }

    /// Changes any subset of the settings; all are checked before any is applied.
    #[wasm_bindgen(js_name = setConfig)]
    pub fn set_config(&mut self, config: JsValue) -> Result<(), JsError> {
        let config = ConfigPatch::from_js(config)?.apply(self.inner.config());
        self.inner.set_config(config).map_err(js_err)
    }

    pub fn config(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.config())
    }

    /// Feeds the next chunk of an IDX file. `set`: "train" | "test"; `file`: "images" | "labels".
    #[wasm_bindgen(js_name = pushData)]
    pub fn push_data(&mut self, set: &str, file: &str, chunk: &[u8]) -> Result<(), JsError> {
        let data = self.inner.data_mut(split(set)?);
        match file {
            "images" => data.push_images(chunk),
            "labels" => data.push_labels(chunk),
            _ => Err(Error::config(
                "file",
                file,
                "must be \"images\" or \"labels\"",
            )),
        }
        .map_err(js_err)
    }

    /// Declares the end of an IDX stream; errors if it was truncated or counts disagree.
    #[wasm_bindgen(js_name = finishData)]
    pub fn finish_data(&mut self, set: &str, file: &str) -> Result<(), JsError> {
        let data = self.inner.data_mut(split(set)?);
        match file {
            "images" => data.finish_images(),
            "labels" => data.finish_labels(),
            _ => Err(Error::config(
                "file",
                file,
                "must be \"images\" or \"labels\"",
            )),
        }
        .map_err(js_err)
    }

    #[wasm_bindgen(js_name = dataStatus)]
    pub fn data_status(&self) -> Result<JsValue, JsError> {
        to_js(&Status {
            train: self.inner.train.status(),
            test: self.inner.test.status(),
        })
    }

    #[wasm_bindgen(js_name = clearData)]
    pub fn clear_data(&mut self, set: &str) -> Result<(), JsError> {
        self.inner.clear_data(split(set)?);
        Ok(())
    }

    /// Trains up to `steps` batches (stopping at an epoch's end) and reports what it did.
    #[wasm_bindgen(js_name = trainSteps)]
    pub fn train_steps(&mut self, steps: u32) -> Result<JsValue, JsError> {
        let report = self.inner.train_steps(steps as usize).map_err(js_err)?;
        to_js(&report)
    }

    /// Trains at most `maxImages` images (whole micro-batches of 16) of the current batch; Adam
    /// steps when the batch is complete. The report has `steps: 1` and the batch's loss and
    /// accuracy when it completed in this call, else `steps: 0` (loss and accuracy NaN).
    #[wasm_bindgen(js_name = trainPart)]
    pub fn train_part(&mut self, max_images: u32) -> Result<JsValue, JsError> {
        let report = self.inner.train_part(max_images as usize).map_err(js_err)?;
        to_js(&report)
    }

    /// Loss, accuracy and per-image predicted classes over up to `limit` images of a set
    /// (default: all), starting at image `offset` (default 0).
    pub fn evaluate(
        &mut self,
        set: &str,
        limit: Option<u32>,
        offset: Option<u32>,
    ) -> Result<JsValue, JsError> {
        let limit = limit.map(|l| l as usize);
        let offset = offset.unwrap_or(0) as usize;
        let report = self
            .inner
            .evaluate(split(set)?, offset, limit)
            .map_err(js_err)?;
        let out = to_js(&report)?;
        let predictions = Uint8Array::from(&report.predictions[..]);
        Reflect::set(&out, &"predictions".into(), &predictions)
            .map_err(|_| JsError::new("could not attach predictions"))?;
        Ok(out)
    }

    /// `{epoch, stepInEpoch, stepsPerEpoch, totalSteps}` without training (e.g. after an import).
    pub fn progress(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.progress())
    }

    /// 784 pixels in [0, 1] (28x28, row-major) → 10 class probabilities.
    pub fn predict(&mut self, pixels: &[f32]) -> Result<Vec<f32>, JsError> {
        if pixels.len() != PIXELS {
            return Err(js_err(Error::shape("image pixels", PIXELS, pixels.len())));
        }
        self.inner.predict(pixels).map_err(js_err)
    }

    /// `n·784` pixels → `n·10` probabilities.
    #[wasm_bindgen(js_name = predictBatch)]
    pub fn predict_batch(&mut self, pixels: &[f32]) -> Result<Vec<f32>, JsError> {
        self.inner.predict(pixels).map_err(js_err)
    }

    /// The raw 784 bytes of one loaded image.
    pub fn image(&self, set: &str, index: u32) -> Result<Vec<u8>, JsError> {
        let data = self.inner.data(split(set)?);
        let i = index as usize;
        if i >= data.len() {
            return Err(js_err(Error::NoData(format!(
                "image {i} of the {set} set: only {} are loaded",
                data.len()
            ))));
        }
        Ok(data.image(i).to_vec())
    }

    pub fn label(&self, set: &str, index: u32) -> Result<u8, JsError> {
        let data = self.inner.data(split(set)?);
        let i = index as usize;
        if i >= data.len() {
            return Err(js_err(Error::NoData(format!(
                "label {i} of the {set} set: only {} are loaded",
                data.len()
            ))));
        }
        Ok(data.label(i))
    }

    /// The weights file (parameters, Adam's state, counters).
    #[wasm_bindgen(js_name = exportWeights)]
    pub fn export_weights(&self) -> Result<Vec<u8>, JsError> {
        self.inner.export_weights().map_err(js_err)
    }

    /// The parameters as safetensors with Keras tensor names and shapes (README: "Weights").
    #[wasm_bindgen(js_name = exportSafetensors)]
    pub fn export_safetensors(&self) -> Result<Vec<u8>, JsError> {
        crate::safetensors::encode(&self.inner.model().params).map_err(js_err)
    }

    /// Loads a weights file; a rejected file leaves the model exactly as it was.
    #[wasm_bindgen(js_name = importWeights)]
    pub fn import_weights(&mut self, bytes: &[u8]) -> Result<(), JsError> {
        self.inner.import_weights(bytes).map_err(js_err)
    }

    /// Fresh weights (from `seed`, or the configured seed) and optimizer; data is kept.
    pub fn reset(&mut self, seed: Option<u32>) {
        self.inner.reset(seed);
    }
}
