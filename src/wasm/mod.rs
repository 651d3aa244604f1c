//! The JavaScript facade: the only place with `#[wasm_bindgen]`. A thin handle around the
//! plain-Rust [`crate::Trainer`]; long-lived state stays in wasm memory, JavaScript passes
//! typed arrays in and gets small results back. API reference: `docs/facade.md`.
//!
//! Every core [`Error`] becomes a JavaScript `Error` whose `message` is the error's text,
//! whose `name` is its kind's name from [`crate::error::ERROR_NAMES`] (`errorNames()` exports
//! the table) and which, for a settings error, carries the setting's name as `field`.
//! A failed call changes nothing.

use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::config::{self, TrainerConfig, Value};
use crate::error::{ERROR_NAMES, Error};
use crate::model::{MAX_BATCH, PARAM_COUNT, PIXELS};
use crate::trainer::{self, EvalSums, ShareStats, Split};

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// A core error as a JavaScript exception with `name` (and `field`).
fn js_err(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name(e.name());
    if let Some(field) = e.field() {
        // Setting a property on a fresh Error object cannot fail.
        let _ = Reflect::set(&err, &"field".into(), &field.into());
    }
    err.into()
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .map_err(|e| js_sys::Error::new(&e.to_string()).into())
}

fn split(set: &str) -> Result<Split, JsValue> {
    set.parse().map_err(js_err)
}

/// Whether this build's kernels use WebAssembly SIMD128.
#[wasm_bindgen(js_name = simdEnabled)]
pub fn simd_enabled() -> bool {
    crate::kernels::SIMD128
}

/// Number of trainable parameters (93,322).
#[wasm_bindgen(js_name = parameterCount)]
pub fn parameter_count() -> usize {
    PARAM_COUNT
}

/// Every setting: `[{ name, type, label, help, default, form, min?, max?, exclusiveMin? }]`,
/// in the order the page's form shows them (see `crate::config`).
#[wasm_bindgen(js_name = settingsSchema)]
pub fn settings_schema() -> Result<JsValue, JsValue> {
    to_js(&config::schema())
}

/// The network, layer by layer, for the page's model card: `{ layers: [{ name, kind, label,
/// output, params }], params }`, the input first (see `crate::network`).
#[wasm_bindgen(js_name = modelDescription)]
pub fn model_description() -> Result<JsValue, JsValue> {
    to_js(&crate::model::describe())
}

/// Where each layer's output sits in `layerViews`' buffer: `[{ name, kind, label, shape,
/// offset, len }]` in network order (see `crate::network::activation_layout`); the buffer
/// holds `activationLength()` values.
#[wasm_bindgen(js_name = activationLayout)]
pub fn activation_layout() -> Result<JsValue, JsValue> {
    to_js(&crate::network::activation_layout())
}

/// Values in one image's activations (every layer's output): 37,610.
#[wasm_bindgen(js_name = activationLength)]
pub fn activation_length() -> usize {
    crate::network::ACTIVATION_LEN
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

/// A JavaScript value as a setting's [`Value`].
fn setting_value(v: &JsValue) -> Value {
    if let Some(x) = v.as_f64() {
        Value::Number(x)
    } else if let Some(b) = v.as_bool() {
        Value::Bool(b)
    } else if let Some(s) = v.as_string() {
        Value::Other(format!("the text {s:?}"))
    } else if v.is_null() {
        Value::Other("null".into())
    } else {
        Value::Other(format!(
            "a value of type {}",
            v.js_typeof().as_string().unwrap_or_default()
        ))
    }
}

/// `base` with the settings of a JavaScript object changed (undefined or null: none). Every
/// key must be a known setting with a value of its type and within its limits.
fn patched(base: TrainerConfig, patch: &JsValue) -> Result<TrainerConfig, JsValue> {
    if patch.is_undefined() || patch.is_null() {
        return Ok(base);
    }
    let obj = match patch.dyn_ref::<Object>() {
        Some(obj) if !Array::is_array(patch) => obj,
        _ => {
            let what = patch.js_typeof().as_string().unwrap_or_default();
            return Err(js_err(Error::argument(
                "settings",
                what,
                "must be an object such as { batchSize: 64 }",
            )));
        }
    };
    let entries: Vec<(String, Value)> = Object::entries(obj)
        .iter()
        .filter_map(|pair| {
            let pair = pair.dyn_into::<Array>().ok()?;
            Some((pair.get(0).as_string()?, setting_value(&pair.get(1))))
        })
        .collect();
    base.patched(entries.iter().map(|(k, v)| (k.as_str(), v.clone())))
        .map_err(js_err)
}

#[derive(Serialize)]
struct Status {
    train: crate::data::DataStatus,
    test: crate::data::DataStatus,
}

/// What `evaluate` returns: the sums so far and their means.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EvalResult {
    count: usize,
    correct: usize,
    loss_sum: f64,
    loss: f64,
    accuracy: f64,
}

/// A training session: model, Adam, the train and test sets, and progress.
#[wasm_bindgen]
pub struct Trainer {
    inner: trainer::Trainer,
    exchange: Exchange,
}

/// What travels between workers in data-parallel training, in wasm memory, allocated once:
/// JavaScript copies into and out of these through views (`exchangeGradient()`, ...), so a
/// step allocates nothing (a `&[f32]` argument would be copied into a fresh allocation).
struct Exchange {
    grad: Vec<f32>,
    pixels: Vec<u8>,
    labels: Vec<u8>,
    seeds: Vec<u32>,
}

impl Exchange {
    fn new() -> Self {
        Exchange {
            grad: vec![0.0; PARAM_COUNT],
            pixels: vec![0; MAX_BATCH * PIXELS],
            labels: vec![0; MAX_BATCH],
            seeds: vec![0; MAX_BATCH],
        }
    }
}

#[wasm_bindgen]
impl Trainer {
    /// `new Trainer({ batchSize: 32, ... })`: any subset of the settings (`settingsSchema()`).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Trainer, JsValue> {
        let config = patched(TrainerConfig::default(), &config)?;
        let inner = trainer::Trainer::new(config).map_err(js_err)?;
        Ok(Trainer {
            inner,
            exchange: Exchange::new(),
        })
    }

    /// Changes any subset of the settings; all are checked before any is applied.
    #[wasm_bindgen(js_name = setConfig)]
    pub fn set_config(&mut self, config: JsValue) -> Result<(), JsValue> {
        let config = patched(self.inner.config(), &config)?;
        self.inner.set_config(config).map_err(js_err)
    }

    /// Every setting's current value, by name (in schema order).
    pub fn config(&self) -> Result<JsValue, JsValue> {
        let out = Object::new();
        for (name, _, value) in self.inner.config().fields() {
            Reflect::set(&out, &name.into(), &to_js(&value)?)?;
        }
        Ok(out.into())
    }

    /// Feeds the next chunk of an IDX file. `set`: "train" | "test"; `file`: "images" | "labels".
    #[wasm_bindgen(js_name = pushData)]
    pub fn push_data(&mut self, set: &str, file: &str, chunk: &[u8]) -> Result<(), JsValue> {
        let data = self.inner.data_mut(split(set)?);
        match file {
            "images" => data.push_images(chunk),
            "labels" => data.push_labels(chunk),
            _ => Err(bad_file(file)),
        }
        .map_err(js_err)
    }

    /// Declares the end of an IDX stream; errors if it was truncated or counts disagree.
    #[wasm_bindgen(js_name = finishData)]
    pub fn finish_data(&mut self, set: &str, file: &str) -> Result<(), JsValue> {
        let data = self.inner.data_mut(split(set)?);
        match file {
            "images" => data.finish_images(),
            "labels" => data.finish_labels(),
            _ => Err(bad_file(file)),
        }
        .map_err(js_err)
    }

    #[wasm_bindgen(js_name = dataStatus)]
    pub fn data_status(&self) -> Result<JsValue, JsValue> {
        to_js(&Status {
            train: self.inner.data(Split::Train).status(),
            test: self.inner.data(Split::Test).status(),
        })
    }

    #[wasm_bindgen(js_name = clearData)]
    pub fn clear_data(&mut self, set: &str) -> Result<(), JsValue> {
        self.inner.clear_data(split(set)?);
        Ok(())
    }

    /// Starts a planned run (one press of Train): with the `schedule` setting, the learning
    /// rate warms up again from the next step and decays over `epochs` epochs from it. A
    /// pause and resume continue the run; `reset` and `importWeights` start a new one.
    #[wasm_bindgen(js_name = startRun)]
    pub fn start_run(&mut self) {
        self.inner.start_run();
    }

    /// Trains up to `steps` batches (stopping at an epoch's end) and reports what it did.
    #[wasm_bindgen(js_name = trainSteps)]
    pub fn train_steps(&mut self, steps: u32) -> Result<JsValue, JsValue> {
        let report = self.inner.train_steps(steps as usize).map_err(js_err)?;
        to_js(&report)
    }

    /// Trains at most `maxImages` images (whole micro-batches of 16) of the current batch; Adam
    /// steps when the batch is complete. The report has `steps: 1` and the batch's loss and
    /// accuracy when it completed in this call, else `steps: 0` (loss and accuracy NaN).
    #[wasm_bindgen(js_name = trainPart)]
    pub fn train_part(&mut self, max_images: u32) -> Result<JsValue, JsValue> {
        let report = self.inner.train_part(max_images as usize).map_err(js_err)?;
        to_js(&report)
    }

    // ---- data-parallel training (www/worker-pool.js; docs/facade.md, "Data-parallel") ----

    /// Starts the next batch unless one is under way, cut into `parts` shares; this trainer
    /// computes share 0. Returns the shares it is cut into (1 for a batch already under way).
    #[wasm_bindgen(js_name = beginStep)]
    pub fn begin_step(&mut self, parts: u32) -> Result<u32, JsValue> {
        let parts = self.inner.begin_step(parts as usize).map_err(js_err)?;
        Ok(parts as u32)
    }

    /// Images in the batch under way (0 when none is).
    #[wasm_bindgen(js_name = stepImages)]
    pub fn step_images(&self) -> u32 {
        self.inner.step_images() as u32
    }

    /// Whether the batch under way distorts its images.
    #[wasm_bindgen(js_name = stepAugments)]
    pub fn step_augments(&self) -> bool {
        self.inner.step_augments()
    }

    /// Whether a batch is under way (a reset, an import or new data drops it).
    #[wasm_bindgen(js_name = stepUnderWay)]
    pub fn step_under_way(&self) -> bool {
        self.inner.step_under_way()
    }

    /// Writes share `k` (from 1) of the batch under way into the exchange buffers: raw pixels,
    /// labels, seeds (`exchangePixels()`, ...). Returns its image count.
    #[wasm_bindgen(js_name = shareInput)]
    pub fn share_input(&mut self, k: u32) -> Result<u32, JsValue> {
        let e = &mut self.exchange;
        let n = self
            .inner
            .share_input(k as usize, &mut e.pixels, &mut e.labels, &mut e.seeds)
            .map_err(js_err)?;
        Ok(n as u32)
    }

    /// Computes at most `maxImages` (whole micro-batches) of this trainer's share; returns the
    /// images of its share still to compute.
    #[wasm_bindgen(js_name = trainOwn)]
    pub fn train_own(&mut self, max_images: u32) -> Result<u32, JsValue> {
        self.inner.train_own(max_images as usize).map_err(js_err)?;
        Ok(self.inner.own_remaining() as u32)
    }

    /// Adds another worker's share gradient, from `exchangeGradient()`, with its summed loss,
    /// correct count and images. In share order, after this trainer's own share.
    #[wasm_bindgen(js_name = addShare)]
    pub fn add_share(&mut self, loss_sum: f64, correct: u32, images: u32) -> Result<(), JsValue> {
        let stats = ShareStats {
            loss_sum,
            correct: correct as usize,
            images: images as usize,
        };
        self.inner
            .add_share(&self.exchange.grad, stats)
            .map_err(js_err)
    }

    /// A worker failed: this trainer computes the batch under way alone (same images, same
    /// distortions).
    #[wasm_bindgen(js_name = computeStepAlone)]
    pub fn compute_step_alone(&mut self) {
        self.inner.compute_step_alone();
    }

    /// Adam's step with the summed gradient of the complete batch; a report like `trainPart`'s
    /// (`learningRate` is the rate the other workers apply it with). `stepGradient()` then
    /// holds the gradient applied.
    #[wasm_bindgen(js_name = finishStep)]
    pub fn finish_step(&mut self) -> Result<JsValue, JsValue> {
        let report = self.inner.finish_step().map_err(js_err)?;
        to_js(&report)
    }

    /// A compute worker's part: the gradient of the share in the exchange buffers (`count`
    /// images of a batch of `batch`, distorted from their seeds when `augment`), written to
    /// `exchangeGradient()`. Returns `{ lossSum, correct, images }`.
    #[wasm_bindgen(js_name = shareGradient)]
    pub fn share_gradient(
        &mut self,
        count: u32,
        batch: u32,
        augment: bool,
    ) -> Result<JsValue, JsValue> {
        let n = (count as usize).min(MAX_BATCH);
        let e = &mut self.exchange;
        let stats = self
            .inner
            .share_gradient(
                &e.pixels[..n * PIXELS],
                &e.labels[..n],
                &e.seeds[..if augment { n } else { 0 }],
                batch as usize,
                augment,
                &mut e.grad,
            )
            .map_err(js_err)?;
        to_js(&stats)
    }

    /// A compute worker's Adam step with the summed gradient in `exchangeGradient()` at the
    /// coordinator's rate `lr`.
    #[wasm_bindgen(js_name = applyGradient)]
    pub fn apply_gradient(&mut self, lr: f32) -> Result<(), JsValue> {
        self.inner
            .apply_gradient(&self.exchange.grad, lr)
            .map_err(js_err)
    }

    /// A checksum of the parameters and Adam's state: equal on workers holding the same model.
    #[wasm_bindgen(js_name = stateChecksum)]
    pub fn state_checksum(&self) -> u32 {
        self.inner.state_checksum()
    }

    /// A view of the gradient the last `finishStep` applied (`shareGradient` leaves it). Like the
    /// exchange views below, it points into wasm memory: use it at once, before any other
    /// call (a call that grows the memory detaches it).
    #[wasm_bindgen(js_name = stepGradient)]
    pub fn step_gradient(&self) -> js_sys::Float32Array {
        // SAFETY: a view of a live buffer; JavaScript uses it before the next call into wasm
        // (the only way the memory could grow and detach it), as documented above.
        unsafe { js_sys::Float32Array::view(self.inner.step_gradient()) }
    }

    /// A view of the exchange gradient (93,322 floats): a share's gradient in or out.
    #[wasm_bindgen(js_name = exchangeGradient)]
    pub fn exchange_gradient(&self) -> js_sys::Float32Array {
        // SAFETY: as for `stepGradient`.
        unsafe { js_sys::Float32Array::view(&self.exchange.grad) }
    }

    /// A view of the exchange pixels (1,024 × 784 bytes).
    #[wasm_bindgen(js_name = exchangePixels)]
    pub fn exchange_pixels(&self) -> js_sys::Uint8Array {
        // SAFETY: as for `stepGradient`.
        unsafe { js_sys::Uint8Array::view(&self.exchange.pixels) }
    }

    /// A view of the exchange labels (1,024 bytes).
    #[wasm_bindgen(js_name = exchangeLabels)]
    pub fn exchange_labels(&self) -> js_sys::Uint8Array {
        // SAFETY: as for `stepGradient`.
        unsafe { js_sys::Uint8Array::view(&self.exchange.labels) }
    }

    /// A view of the exchange seeds (1,024 u32).
    #[wasm_bindgen(js_name = exchangeSeeds)]
    pub fn exchange_seeds(&self) -> js_sys::Uint32Array {
        // SAFETY: as for `stepGradient`.
        unsafe { js_sys::Uint32Array::view(&self.exchange.seeds) }
    }

    /// Evaluates `predictions.length` images of a set from image `offset` on: writes each one's
    /// predicted class into `predictions` and that class's probability into `confidence`
    /// (the caller's arrays, of equal length), and returns `{ count, correct, lossSum, loss,
    /// accuracy }` over these images plus those of `sofar` (the result of the previous slice
    /// of the same evaluation, or undefined), so a long evaluation runs in short slices.
    pub fn evaluate(
        &mut self,
        set: &str,
        offset: u32,
        predictions: &mut [u8],
        confidence: &mut [f32],
        sofar: JsValue,
    ) -> Result<JsValue, JsValue> {
        let mut sums = sums_of(&sofar);
        let slice = self
            .inner
            .evaluate_into(split(set)?, offset as usize, predictions, confidence)
            .map_err(js_err)?;
        sums.add(slice);
        to_js(&EvalResult {
            count: sums.count,
            correct: sums.correct,
            loss_sum: sums.loss_sum,
            loss: sums.loss(),
            accuracy: sums.accuracy(),
        })
    }

    /// `{epoch, stepInEpoch, stepsPerEpoch, totalSteps}` without training (e.g. after an import).
    pub fn progress(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.progress())
    }

    /// 784 pixels in [0, 1] (28x28, row-major) → 10 class probabilities.
    pub fn predict(&mut self, pixels: &[f32]) -> Result<Vec<f32>, JsValue> {
        if pixels.len() != PIXELS {
            return Err(js_err(Error::shape("image pixels", PIXELS, pixels.len())));
        }
        self.inner.predict(pixels).map_err(js_err)
    }

    /// `n·784` pixels → `n·10` probabilities.
    #[wasm_bindgen(js_name = predictBatch)]
    pub fn predict_batch(&mut self, pixels: &[f32]) -> Result<Vec<f32>, JsValue> {
        self.inner.predict(pixels).map_err(js_err)
    }

    /// Every layer's output for one image (784 pixels in [0, 1]) written into `out`, the
    /// caller's `Float32Array(activationLength())`, laid out as `activationLayout()` says:
    /// after each ReLU; the last layer's part holds the ten probabilities.
    #[wasm_bindgen(js_name = layerViews)]
    pub fn layer_views(&mut self, pixels: &[f32], out: &mut [f32]) -> Result<(), JsValue> {
        self.inner.activations(pixels, out).map_err(js_err)
    }

    /// The first convolution's filters into `out` (`Float32Array(filters · kh · kw)`, 32 x 3 x 3):
    /// filter by filter, each row-major, from the `[KH, KW, 1, F]` kernel.
    #[wasm_bindgen(js_name = firstFilters)]
    pub fn first_filters(&self, out: &mut [f32]) -> Result<(), JsValue> {
        let kernel = self
            .inner
            .model()
            .param_view(0)
            .and_then(|v| v.into_dimensionality::<ndarray::Ix4>().ok())
            .ok_or_else(|| js_err(Error::NoData("the first layer has no 4-d kernel".into())))?;
        let (kh, kw, _, filters) = kernel.dim();
        if out.len() != filters * kh * kw {
            return Err(js_err(Error::shape(
                "filters buffer",
                filters * kh * kw,
                out.len(),
            )));
        }
        // [KH, KW, F] (input channel 0) → [F, KH, KW].
        let view = kernel.index_axis(ndarray::Axis(2), 0);
        let by_filter = view.permuted_axes([2, 0, 1]);
        for (o, &v) in out.iter_mut().zip(by_filter.iter()) {
            *o = v;
        }
        Ok(())
    }

    /// Replaces "Your drawings": `images` n·784 bytes (0-255), `labels` n classes. A bad
    /// argument leaves the drawings as they were.
    #[wasm_bindgen(js_name = setDrawings)]
    pub fn set_drawings(&mut self, images: &[u8], labels: &[u8]) -> Result<(), JsValue> {
        self.inner.set_drawings(images, labels).map_err(js_err)
    }

    /// `steps` Adam steps of the fine-tune (its own optimizer) on batches mixing drawing
    /// `newest` (undefined: none), the other drawings and replayed training images; returns
    /// `{ steps, loss, mix: { newest, others, replay }, probability, predicted, done }`, where
    /// `done` says whether a fine-tune that had taken `stepsBefore` steps before this call is
    /// over (`crate::teach::TeachConfig::done`).
    #[wasm_bindgen(js_name = fineTune)]
    pub fn fine_tune(
        &mut self,
        newest: Option<u32>,
        steps: u32,
        steps_before: u32,
    ) -> Result<JsValue, JsValue> {
        let report = self
            .inner
            .fine_tune(newest.map(|i| i as usize), steps as usize)
            .map_err(js_err)?;
        let done = self
            .inner
            .teach_config_mut()
            .done(steps_before as usize + report.steps, &report);
        #[derive(Serialize)]
        struct Done {
            #[serde(flatten)]
            report: crate::teach::TeachReport,
            done: bool,
        }
        to_js(&Done { report, done })
    }

    /// Switches to the settings of "Learn them for good" for the next run (one annealed epoch
    /// with the drawings in every batch, `crate::teach::learn_drawings_config`); `setConfig`
    /// switches back. Throws (`NoData`) without drawings, changing nothing.
    #[wasm_bindgen(js_name = useLearnDrawingsConfig)]
    pub fn use_learn_drawings_config(&mut self) -> Result<(), JsValue> {
        self.inner.use_learn_drawings_config().map_err(js_err)
    }

    /// Steps per `fineTune` call the worker makes between looks at its messages.
    #[wasm_bindgen(js_name = teachStepsPerCall)]
    pub fn teach_steps_per_call(&mut self) -> usize {
        self.inner.teach_config_mut().steps_per_call
    }

    /// The raw 784 bytes of one loaded image.
    pub fn image(&self, set: &str, index: u32) -> Result<Vec<u8>, JsValue> {
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

    pub fn label(&self, set: &str, index: u32) -> Result<u8, JsValue> {
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

    /// Copies the labels of images `offset..offset + out.length` into `out`.
    pub fn labels(&self, set: &str, offset: u32, out: &mut [u8]) -> Result<(), JsValue> {
        let data = self.inner.data(split(set)?);
        let start = offset as usize;
        if start + out.len() > data.len() {
            return Err(js_err(Error::NoData(format!(
                "labels {start}..{} of the {set} set: only {} are loaded",
                start + out.len(),
                data.len()
            ))));
        }
        for (k, label) in out.iter_mut().enumerate() {
            *label = data.label(start + k);
        }
        Ok(())
    }

    /// The weights file (parameters, Adam's state, counters).
    #[wasm_bindgen(js_name = exportWeights)]
    pub fn export_weights(&self) -> Result<Vec<u8>, JsValue> {
        self.inner.export_weights().map_err(js_err)
    }

    /// The parameters as safetensors with Keras tensor names and shapes (README: "Weights").
    #[wasm_bindgen(js_name = exportSafetensors)]
    pub fn export_safetensors(&self) -> Result<Vec<u8>, JsValue> {
        crate::safetensors::encode(&self.inner.model().params).map_err(js_err)
    }

    /// Loads a weights file; a rejected file leaves the model exactly as it was.
    #[wasm_bindgen(js_name = importWeights)]
    pub fn import_weights(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        self.inner.import_weights(bytes).map_err(js_err)
    }

    /// Fresh weights (from `seed`, or the configured seed) and optimizer; data is kept.
    pub fn reset(&mut self, seed: Option<u32>) {
        self.inner.reset(seed);
    }
}

fn bad_file(file: &str) -> Error {
    Error::argument("file", file, "must be \"images\" or \"labels\"")
}

/// The running sums in a previous `evaluate` result (none when undefined).
fn sums_of(sofar: &JsValue) -> EvalSums {
    let num = |key: &str| {
        Reflect::get(sofar, &key.into())
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    };
    if sofar.is_undefined() || sofar.is_null() {
        return EvalSums::default();
    }
    EvalSums {
        count: num("count") as usize,
        correct: num("correct") as usize,
        loss_sum: num("lossSum"),
    }
}
