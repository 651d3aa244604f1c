//! The trainer handle's data-parallel part (www/worker-pool.js; docs/facade.md,
//! "Data-parallel"): a coordinator's step in shares, and a compute worker's share gradient,
//! through exchange buffers in wasm memory.

use wasm_bindgen::prelude::*;

use super::{Trainer, js_err, to_js};
use crate::layers::Pass;
use crate::model::{MAX_BATCH, PIXELS};
use crate::trainer::ShareStats;

/// What travels between workers in data-parallel training, in wasm memory, allocated once:
/// JavaScript copies into and out of these through views (`exchangeGradient()`, ...), so a
/// step allocates nothing (a `&[f32]` argument would be copied into a fresh allocation).
pub(super) struct Exchange {
    /// As long as the model's parameters (`classes.rs` resizes it with the model).
    pub(super) grad: Vec<f32>,
    pixels: Vec<u8>,
    labels: Vec<u8>,
    seeds: Vec<u32>,
}

impl Exchange {
    pub(super) fn new(params: usize) -> Self {
        Exchange {
            grad: vec![0.0; params],
            pixels: vec![0; MAX_BATCH * PIXELS],
            labels: vec![0; MAX_BATCH],
            seeds: vec![0; MAX_BATCH],
        }
    }
}

#[wasm_bindgen]
impl Trainer {
    /// Starts the next batch unless one is under way, cut into `parts` shares; this trainer
    /// computes share 0. Returns the shares it is cut into (for a batch already under way,
    /// the shares it was cut into).
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

    /// The optimizer's step with the summed gradient of the complete batch; a report like
    /// `trainPart`'s (`learningRate` is the rate the other workers apply it with). `stepGradient()`
    /// then holds the gradient applied.
    #[wasm_bindgen(js_name = finishStep)]
    pub fn finish_step(&mut self) -> Result<JsValue, JsValue> {
        let report = self.inner.finish_step().map_err(js_err)?;
        to_js(&report)
    }

    /// What a compute worker needs to draw share `k`'s dropout as this trainer would:
    /// `[train, key high, key low, first image, dropout rate]` (`Pass::to_words`, then the
    /// setting), handed to its `shareGradient`.
    #[wasm_bindgen(js_name = sharePass)]
    pub fn share_pass(&self, k: u32) -> Result<Vec<f64>, JsValue> {
        let pass = self.inner.share_pass(k as usize).map_err(js_err)?;
        let mut words: Vec<f64> = pass.to_words().map(f64::from).to_vec();
        words.push(f64::from(self.inner.config().dropout));
        Ok(words)
    }

    /// A compute worker's part: the gradient of the share in the exchange buffers (`count`
    /// images of a batch of `batch`, distorted from their seeds when `augment`), written to
    /// `exchangeGradient()`, in the coordinator's `pass` (its `sharePass`: the units dropped
    /// are those one worker would drop). Returns `{ lossSum, correct, images }`.
    #[wasm_bindgen(js_name = shareGradient)]
    pub fn share_gradient(
        &mut self,
        count: u32,
        batch: u32,
        augment: bool,
        pass: &[f64],
    ) -> Result<JsValue, JsValue> {
        let &[train, high, low, first, dropout] = pass else {
            return Err(js_err(crate::error::Error::shape(
                "share pass",
                5,
                pass.len(),
            )));
        };
        if self.inner.config().dropout != dropout as f32 {
            let mut config = self.inner.config();
            config.dropout = dropout as f32;
            self.inner.set_config(config).map_err(js_err)?;
        }
        let pass = Pass::from_words([train, high, low, first].map(|w| w as u32));
        let n = (count as usize).min(MAX_BATCH);
        let e = &mut self.exchange;
        let stats = self
            .inner
            .share_gradient_in(
                pass,
                (
                    &e.pixels[..n * PIXELS],
                    &e.labels[..n],
                    &e.seeds[..if augment { n } else { 0 }],
                ),
                batch as usize,
                augment,
                &mut e.grad,
            )
            .map_err(js_err)?;
        to_js(&stats)
    }

    /// A compute worker's optimizer step with the summed gradient in `exchangeGradient()` at the
    /// coordinator's rate `lr`.
    #[wasm_bindgen(js_name = applyGradient)]
    pub fn apply_gradient(&mut self, lr: f32) -> Result<(), JsValue> {
        self.inner
            .apply_gradient(&self.exchange.grad, lr)
            .map_err(js_err)
    }

    /// A checksum of the parameters and the optimizer's state: equal on workers holding the same
    /// model.
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
}
