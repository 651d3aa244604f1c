//! Where a training pass spends its time, layer by layer (issue 21's per-layer profile).
//!
//! [`Model::profile_pass`] runs exactly what [`Model::loss_and_grads`] runs over a batch (the
//! same micro-batches through [`Model::accumulate_micro_with`]), reading a caller's clock as
//! each layer of each micro-batch ends, and sums the intervals per layer and direction. The
//! clock is a parameter so the core stays free of platform calls: `performance.now()` in the
//! browser (the facade's `profileLayers`), `Instant` natively. Parameters are not changed; the
//! gradient lands in `grads` as after `loss_and_grads`.

use serde::Serialize;

use super::{MICRO_BATCH, Model, PIXELS, validate_batch};
use crate::error::Result;
use crate::layers::{Layer, Pass};

/// What has just ended in a micro-batch's pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Layer `i`'s forward.
    Forward(usize),
    /// The loss and its gradient at the logits.
    Loss,
    /// Layer `i`'s backward.
    Backward(usize),
}

/// One layer's share of a pass, in the clock's unit (milliseconds in the browser).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerTime {
    /// Keras' layer name (`conv2d_1`).
    pub name: String,
    /// For people, e.g. `Conv2D 64, 3x3, ReLU`.
    pub label: String,
    pub forward: f64,
    pub backward: f64,
}

/// A pass over one batch split by layer; `loss` is the softmax cross-entropy and its gradient,
/// `total` the whole pass (the rest is the gradients' sum over micro-batches).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PassProfile {
    pub images: usize,
    pub layers: Vec<LayerTime>,
    pub loss: f64,
    pub total: f64,
}

impl Model {
    /// [`Model::loss_and_grads`] over `x` / `labels`, timed per layer and direction by `clock`.
    ///
    /// # Errors
    /// As [`Model::loss_and_grads`].
    pub fn profile_pass(
        &mut self,
        x: &[f32],
        labels: &[u8],
        mut clock: impl FnMut() -> f64,
    ) -> Result<PassProfile> {
        validate_batch(x, labels, self.classes())?;
        let mut layers: Vec<LayerTime> = self
            .arch
            .layers()
            .iter()
            .zip(self.arch.layer_names())
            .map(|(layer, name)| LayerTime {
                name,
                label: layer.label(),
                forward: 0.0,
                backward: 0.0,
            })
            .collect();
        let batch = labels.len();
        let (mut loss, started) = (0.0, clock());
        for start in (0..batch).step_by(MICRO_BATCH) {
            let b = (batch - start).min(MICRO_BATCH);
            let xs = &x[start * PIXELS..(start + b) * PIXELS];
            let mut t = clock();
            let done = |phase: Phase| {
                let now = clock();
                let spent = now - t;
                t = now;
                match phase {
                    Phase::Forward(i) => layers[i].forward += spent,
                    Phase::Loss => loss += spent,
                    Phase::Backward(i) => layers[i].backward += spent,
                }
            };
            let pass = Pass::Eval;
            self.accumulate_micro_with(
                pass,
                xs,
                &labels[start..start + b],
                batch,
                start == 0,
                done,
            );
        }
        Ok(PassProfile {
            images: batch,
            layers,
            loss,
            total: clock() - started,
        })
    }
}
