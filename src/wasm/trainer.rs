//! The trainer handle: a [`crate::Trainer`] for JavaScript (its data-parallel part is in
//! `parallel.rs`).

use js_sys::{Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::parallel::Exchange;
use super::{bad_file, js_err, patched, split, to_js};
use crate::config::TrainerConfig;
use crate::error::Error;
use crate::model::PIXELS;
use crate::trainer::{self, EvalSums, Split};

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

#[wasm_bindgen]
extern "C" {
    /// The page's or worker's clock (5 µs steps when cross-origin isolated).
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// A training session: model, optimizer, the train and test sets, and progress.
#[wasm_bindgen]
pub struct Trainer {
    pub(super) inner: trainer::Trainer,
    pub(super) exchange: Exchange,
}

#[wasm_bindgen]
impl Trainer {
    /// `new Trainer({ batchSize: 32, ... })`: any subset of the settings (`settingsSchema()`).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Trainer, JsValue> {
        let config = patched(TrainerConfig::default(), &config)?;
        let inner = trainer::Trainer::new(config).map_err(js_err)?;
        let exchange = Exchange::new(inner.model().params.len());
        Ok(Trainer { inner, exchange })
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
    /// Returns true when the training labels named another class count than the model's, so
    /// the model was rebuilt for it (`classes.rs`).
    #[wasm_bindgen(js_name = finishData)]
    pub fn finish_data(&mut self, set: &str, file: &str) -> Result<bool, JsValue> {
        let data = self.inner.data_mut(split(set)?);
        match file {
            "images" => data.finish_images(),
            "labels" => data.finish_labels(),
            _ => Err(bad_file(file)),
        }
        .map_err(js_err)?;
        self.fit_classes()
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

    /// Starts a run that continues a trained model: the gentle plan (no warm-up, a twentieth of
    /// the learning rate at its peak; `crate::optim::CONTINUE_SHARE`).
    #[wasm_bindgen(js_name = continueRun)]
    pub fn continue_run(&mut self) {
        self.inner.continue_run();
    }

    /// Trains up to `steps` batches (stopping at an epoch's end) and reports what it did.
    #[wasm_bindgen(js_name = trainSteps)]
    pub fn train_steps(&mut self, steps: u32) -> Result<JsValue, JsValue> {
        let report = self.inner.train_steps(steps as usize).map_err(js_err)?;
        to_js(&report)
    }

    /// Trains at most `maxImages` images (whole micro-batches of 16) of the current batch; the
    /// optimizer steps when the batch is complete. The report has `steps: 1` and the batch's loss
    /// and accuracy when it completed in this call, else `steps: 0` (loss and accuracy NaN).
    #[wasm_bindgen(js_name = trainPart)]
    pub fn train_part(&mut self, max_images: u32) -> Result<JsValue, JsValue> {
        let report = self.inner.train_part(max_images as usize).map_err(js_err)?;
        to_js(&report)
    }

    /// Evaluates `predictions.length` images of a set from image `offset` on: writes each one's
    /// predicted class into `predictions` and that class's probability into `confidence`
    /// (the caller's arrays, of equal length), and returns `{ count, correct, lossSum, loss,
    /// accuracy }` over these images plus those of `sofar` (the result of the previous slice
    /// of the same evaluation, or undefined), so a long evaluation runs in short slices.
    /// `set` is `"train"`, `"test"` or `"validation"`: the held-out training images, `offset`
    /// counting among them as the last `validationSize()` listed them.
    pub fn evaluate(
        &mut self,
        set: &str,
        offset: u32,
        predictions: &mut [u8],
        confidence: &mut [f32],
        sofar: JsValue,
    ) -> Result<JsValue, JsValue> {
        let mut sums = sums_of(&sofar);
        let offset = offset as usize;
        let slice = if set == "validation" {
            self.inner
                .evaluate_validation_into(offset, predictions, confidence)
        } else {
            self.inner
                .evaluate_into(split(set)?, offset, predictions, confidence)
        }
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

    /// Lists the training images held out for validation (`validationSplit`) among those in
    /// use, and returns how many there are: `evaluate("validation", ...)` reads them.
    #[wasm_bindgen(js_name = validationSize)]
    pub fn validation_size(&mut self) -> u32 {
        self.inner.validation_size() as u32
    }

    /// Records the epoch's validation score (`sums`: `evaluate("validation", ...)`'s result)
    /// (undefined: no validation images) and returns `{ epoch, trainLoss, trainAccuracy, loss,
    /// accuracy, count, bestEpoch, wait, stop, restoredEpoch }`, the epoch's line of history:
    /// with `patience`, whether to stop early, and the epoch whose weights were put back (on a
    /// stop, or when `runEnds`).
    #[wasm_bindgen(js_name = recordValidation)]
    pub fn record_validation(&mut self, sums: JsValue, run_ends: bool) -> Result<JsValue, JsValue> {
        to_js(&self.inner.record_validation(sums_of(&sums), run_ends))
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

    /// Where a training pass over `pixels` (`n·784` in [0, 1]) and `labels` (`n`) spends its
    /// time, in ms by `performance.now()`: `{ images, layers: [{ name, label, forward,
    /// backward }], loss, total }` (the bench's per-layer profile). The same forward, loss and
    /// backward as a training step's, in evaluation mode; the weights do not change.
    #[wasm_bindgen(js_name = profilePass)]
    pub fn profile_pass(&mut self, pixels: &[f32], labels: &[u8]) -> Result<JsValue, JsValue> {
        let profile = self
            .inner
            .model_mut()
            .profile_pass(pixels, labels, performance_now)
            .map_err(js_err)?;
        to_js(&profile)
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

    /// The weights file (parameters, the optimizer and its state, counters).
    #[wasm_bindgen(js_name = exportWeights)]
    pub fn export_weights(&self) -> Result<Vec<u8>, JsValue> {
        self.inner.export_weights().map_err(js_err)
    }

    /// The parameters as safetensors with Keras tensor names and shapes (README: "Weights").
    #[wasm_bindgen(js_name = exportSafetensors)]
    pub fn export_safetensors(&self) -> Result<Vec<u8>, JsValue> {
        let model = self.inner.model();
        crate::safetensors::encode(model.arch(), &model.params).map_err(js_err)
    }

    /// Loads a model file (`.weights`, or `.safetensors`: parameters only); a rejected file
    /// leaves the model exactly as it was. A file of another class count than the loaded
    /// training data's is rejected (`WeightsError`); without training data the model takes the
    /// file's class count.
    #[wasm_bindgen(js_name = importWeights)]
    pub fn import_weights(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        self.inner.import_weights(bytes).map_err(js_err)?;
        self.fit_exchange();
        Ok(())
    }

    /// Fresh weights (from `seed`, or the configured seed) and optimizer; data is kept.
    pub fn reset(&mut self, seed: Option<u32>) {
        self.inner.reset(seed);
    }
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
