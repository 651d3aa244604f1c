//! The model: the network declared in [`crate::network`] (the classic Keras MNIST convnet,
//! 93,322 parameters for ten classes) for its [`Architecture`], with its parameters, their gradients, its working memory, and the passes
//! over a batch.
//!
//! All parameters live in one flat buffer (Keras order: each layer's kernel then bias), so the
//! optimizer is one loop and the weights file is one slice. A batch of any size up to
//! [`MAX_BATCH`] is processed in micro-batches of [`MICRO_BATCH`] images whose gradients are
//! summed before the single optimizer step: the result is the full batch's gradient, while the
//! activation buffers stay small and are allocated once. The forward pass runs the layers in
//! order, each from the previous one's output buffer into its own; the backward pass runs them
//! in reverse, each from the gradient at its output to the gradient at its input.

use ndarray::ArrayViewD;
use rand::{Rng, RngExt};

use crate::error::{Error, Result};
use crate::layers::{Layer, Pass, Workspace};
use crate::loss::{self, LossStats};
use crate::network::{INPUT, MAX_DEPTH, Options};
use crate::optim::Update;

pub use crate::network::{Architecture, LayerInfo, ModelDescription};

pub mod profile;

/// Input image side; images are `SIDE x SIDE x 1`.
pub const SIDE: usize = INPUT.dims()[0];
/// Values per input image.
pub const PIXELS: usize = INPUT.elements();
/// Largest batch a training step accepts.
pub const MAX_BATCH: usize = 1024;
/// Images per forward/backward pass; see the module header.
pub const MICRO_BATCH: usize = crate::layers::conv2d::CHUNK_IMAGES;

// The data pipeline hands the model square one-channel images.
const _: () = assert!(INPUT.rank() == 3 && INPUT.dims()[1] == SIDE && INPUT.dims()[2] == 1);

/// Per-layer buffers for one micro-batch, allocated once (past the architecture's depth,
/// empty).
#[derive(Debug, Clone)]
struct Buffers {
    /// Each layer's output; the last one holds the logits.
    out: [Vec<f32>; MAX_DEPTH],
    /// The loss's gradient at each layer's output.
    grad: [Vec<f32>; MAX_DEPTH],
    ws: [Workspace; MAX_DEPTH],
}

impl Buffers {
    fn new(arch: &Architecture) -> Self {
        let layers = arch.layers();
        let len = |i: usize| {
            layers
                .get(i)
                .map_or(0, |l| MICRO_BATCH * l.out_shape().elements())
        };
        Buffers {
            out: std::array::from_fn(|i| vec![0.0; len(i)]),
            grad: std::array::from_fn(|i| vec![0.0; len(i)]),
            ws: std::array::from_fn(|_| Workspace::default()),
        }
    }
}

/// The network's parameters, their gradients, and its working memory.
#[derive(Debug, Clone)]
pub struct Model {
    /// The network these buffers are sized for; fixed for the model's life (a different
    /// class count is a new model).
    arch: Architecture,
    /// All parameters, Keras order (see [`param_tensors`]).
    pub params: Vec<f32>,
    /// Gradient of the last [`Model::loss_and_grads`] call, same layout as `params`.
    pub grads: Vec<f32>,
    /// Gradient of one micro-batch, summed into `grads`.
    micro_grads: Vec<f32>,
    buf: Buffers,
}

/// Checks a batch's shapes and values before anything is computed.
fn validate_batch(x: &[f32], labels: &[u8], classes: usize) -> Result<()> {
    let b = labels.len();
    if b == 0 || b > MAX_BATCH {
        return Err(Error::config("batchSize", b, "must be between 1 and 1024"));
    }
    if x.len() != b * PIXELS {
        return Err(Error::shape("batch pixels", b * PIXELS, x.len()));
    }
    validate_labels(labels, classes)?;
    validate_pixels(x)
}

/// Every label must name one of the model's classes.
pub(crate) fn validate_labels(labels: &[u8], classes: usize) -> Result<()> {
    match labels.iter().find(|&&t| usize::from(t) >= classes) {
        Some(&t) => Err(Error::BadInput(format!(
            "label {t} names no class of the model's {classes} (0-{})",
            classes - 1
        ))),
        None => Ok(()),
    }
}

fn validate_pixels(x: &[f32]) -> Result<()> {
    if x.len() % PIXELS != 0 {
        return Err(Error::shape(
            "pixels",
            format!("a multiple of {PIXELS}"),
            x.len(),
        ));
    }
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(Error::BadInput(format!(
            "pixel {i} of the input is {}; pixels must be finite numbers in [0, 1]",
            x[i]
        )));
    }
    Ok(())
}

impl Model {
    /// The ten-digit MNIST model ([`Architecture::MNIST`]), initialised like Keras.
    pub fn new<R: Rng + ?Sized>(rng: &mut R) -> Self {
        Model::with_architecture(Architecture::MNIST, rng)
    }

    /// A model of `arch` initialised like Keras: Glorot-uniform kernels, zero biases.
    pub fn with_architecture<R: Rng + ?Sized>(arch: Architecture, rng: &mut R) -> Self {
        let n = arch.param_count();
        let mut model = Model {
            arch,
            params: vec![0.0; n],
            grads: vec![0.0; n],
            micro_grads: vec![0.0; n],
            buf: Buffers::new(&arch),
        };
        model.init(rng);
        model
    }

    /// The network this model is.
    pub fn arch(&self) -> &Architecture {
        &self.arch
    }

    /// Its class count.
    pub fn classes(&self) -> usize {
        self.arch.classes()
    }

    /// Adds or removes the training-only layers ([`Options`]; the parameters stay as they
    /// are). Allocates the buffers again when the layers change.
    ///
    /// # Errors
    /// Options out of range ([`Architecture::with_options`]); nothing changes then.
    pub fn set_options(&mut self, options: Options) -> Result<()> {
        if options != self.arch.options() {
            self.arch = self.arch.with(options)?;
            self.buf = Buffers::new(&self.arch);
        }
        Ok(())
    }

    /// The index of the last layer, whose output is the logits.
    fn last(&self) -> usize {
        self.arch.depth() - 1
    }

    /// Re-draws every parameter: `U(-l, l)` with `l = √(6 / (fan_in + fan_out))` for kernels
    /// (for a conv kernel `[KH, KW, C, F]`: fan_in = KH·KW·C, fan_out = KH·KW·F), zero biases.
    pub fn init<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        for tensor in self.arch.param_tensors() {
            let dst = &mut self.params[tensor.range()];
            let shape = tensor.shape.dims();
            if shape.len() == 1 {
                dst.fill(0.0);
                continue;
            }
            let receptive: usize = shape[..shape.len() - 2].iter().product();
            let fan_in = receptive * shape[shape.len() - 2];
            let fan_out = receptive * shape[shape.len() - 1];
            let limit = (6.0 / (fan_in + fan_out) as f32).sqrt();
            for p in dst {
                *p = rng.random_range(-limit..limit);
            }
        }
    }

    /// A read-only Keras-layout view of parameter tensor `i` (see [`param_tensors`]): an
    /// `ArrayView4` `[KH, KW, IN, OUT]` for a conv kernel, `ArrayView2` `[IN, OUT]` for a dense
    /// one, `ArrayView1` for a bias, as an `ArrayViewD` (`into_dimensionality` names the rank).
    /// `None` past the last tensor.
    pub fn param_view(&self, i: usize) -> Option<ArrayViewD<'_, f32>> {
        self.tensors().nth(i).map(|(_, view)| view)
    }

    /// Every parameter tensor as (Keras name, view), in buffer order; see [`Model::param_view`].
    pub fn tensors(&self) -> impl Iterator<Item = (String, ArrayViewD<'_, f32>)> {
        self.arch.tensors(&self.params)
    }

    /// Forward pass of `b ≤ MICRO_BATCH` images in `pass`: each layer from the previous one's
    /// output (the first from `x`) into its own; the logits land in the last layer's output.
    fn forward_micro(&mut self, pass: Pass, b: usize, x: &[f32]) {
        self.forward_layers(pass, b, x, |_| ());
    }

    /// [`Model::forward_micro`], calling `after(i)` once layer `i` is done (the profile's
    /// clock; a no-op closure costs nothing).
    fn forward_layers(&mut self, pass: Pass, b: usize, x: &[f32], mut after: impl FnMut(usize)) {
        let buf = &mut self.buf;
        for (i, layer) in self.arch.layers().iter().enumerate() {
            let (before, rest) = buf.out.split_at_mut(i);
            let input = before.last().map_or(x, |prev| &prev[..]);
            let params = &self.params[self.arch.layer_params(i)];
            layer.forward(pass, b, input, params, &mut rest[0], &mut buf.ws[i]);
            after(i);
        }
    }

    /// Backward pass of the last `forward_micro`, from the gradient at the logits to
    /// `self.micro_grads`, calling `after(i)` once layer `i` is done. Each ReLU layer masks its
    /// output gradient in place.
    fn backward_layers(&mut self, pass: Pass, b: usize, x: &[f32], mut after: impl FnMut(usize)) {
        let buf = &mut self.buf;
        for (i, layer) in self.arch.layers().iter().enumerate().rev() {
            let (before, rest) = buf.out.split_at(i);
            let input = before.last().map_or(x, |prev| &prev[..]);
            let (grad_before, grad_rest) = buf.grad.split_at_mut(i);
            // The first layer's input is the image: no gradient wanted there.
            let dx = grad_before.last_mut().map(|g| &mut g[..]);
            let range = self.arch.layer_params(i);
            layer.backward(
                pass,
                b,
                input,
                &rest[0],
                &mut grad_rest[0],
                &self.params[range.clone()],
                &mut self.micro_grads[range],
                dx,
                &mut buf.ws[i],
            );
            after(i);
        }
    }

    /// Mean loss over the batch and its gradient, written to `self.grads`, in evaluation mode
    /// (deterministic: what the gradient checks check). Parameters are not changed. `x` is
    /// `[B, 28, 28]` in [0, 1], `labels` `[B]`, `1 ≤ B ≤ 1024`.
    ///
    /// # Errors
    /// Wrong lengths, labels past the classes, non-finite pixels.
    pub fn loss_and_grads(&mut self, x: &[f32], labels: &[u8]) -> Result<LossStats> {
        self.loss_and_grads_in(Pass::Eval, x, labels)
    }

    /// [`Model::loss_and_grads`] in `pass`: a training pass (`Pass::Train`, its `first` the
    /// index of `x`'s first image in the step's batch) drops units as dropout says.
    ///
    /// # Errors
    /// As [`Model::loss_and_grads`].
    pub fn loss_and_grads_in(&mut self, pass: Pass, x: &[f32], labels: &[u8]) -> Result<LossStats> {
        validate_batch(x, labels, self.classes())?;
        let batch = labels.len();
        let (mut loss_sum, mut correct) = (0.0f64, 0);
        for start in (0..batch).step_by(MICRO_BATCH) {
            let b = (batch - start).min(MICRO_BATCH);
            let xs = &x[start * PIXELS..(start + b) * PIXELS];
            let pass = pass.advanced(start);
            let (l, c) =
                self.accumulate_micro(pass, xs, &labels[start..start + b], batch, start == 0);
            loss_sum += l;
            correct += c;
        }
        Ok(LossStats {
            loss: (loss_sum / batch as f64) as f32,
            correct,
        })
    }

    /// Adds the gradient of one micro-batch (`x`, `labels`: at most [`MICRO_BATCH`] images of an
    /// already validated batch of `batch` images) to `self.grads`, or writes it there when
    /// `first`. Returns the micro-batch's summed loss and its number of correct predictions.
    /// Lets a caller spread one batch over several calls (see `Trainer::train_part`); `pass`
    /// is the micro-batch's (in training, `first` the index of its first image in the batch).
    pub(crate) fn accumulate_micro(
        &mut self,
        pass: Pass,
        x: &[f32],
        labels: &[u8],
        batch: usize,
        first: bool,
    ) -> (f64, usize) {
        self.accumulate_micro_with(pass, x, labels, batch, first, |_| ())
    }

    /// [`Model::accumulate_micro`], calling `done(phase)` as each phase ends (the per-layer
    /// profile's clock, [`profile`]; a no-op closure costs nothing).
    fn accumulate_micro_with(
        &mut self,
        pass: Pass,
        x: &[f32],
        labels: &[u8],
        batch: usize,
        first: bool,
        mut done: impl FnMut(profile::Phase),
    ) -> (f64, usize) {
        let (b, classes, last) = (labels.len(), self.classes(), self.last());
        self.forward_layers(pass, b, x, |i| done(profile::Phase::Forward(i)));
        let z = &self.buf.out[last][..b * classes];
        let dz = &mut self.buf.grad[last][..b * classes];
        let stats = loss::forward_backward(classes, z, labels, Some(dz));
        // forward_backward averages over the micro-batch; rescale to the full batch.
        if b != batch {
            let scale = b as f32 / batch as f32;
            dz.iter_mut().for_each(|g| *g *= scale);
        }
        done(profile::Phase::Loss);
        self.backward_layers(pass, b, x, |i| done(profile::Phase::Backward(i)));
        if first {
            self.grads.copy_from_slice(&self.micro_grads);
        } else {
            for (g, m) in self.grads.iter_mut().zip(&self.micro_grads) {
                *g += *m;
            }
        }
        (f64::from(stats.loss) * b as f64, stats.correct)
    }

    /// One optimizer step on a batch, its gradient in evaluation mode ([`Model::loss_and_grads`];
    /// the trainer's steps run in training mode). If the loss is not finite the parameters and
    /// the optimizer are left as they were and an error says so.
    ///
    /// # Errors
    /// As [`Model::loss_and_grads`], plus a non-finite loss or gradient (divergence).
    pub fn train_step(
        &mut self,
        x: &[f32],
        labels: &[u8],
        optimizer: &mut impl Update,
    ) -> Result<LossStats> {
        if optimizer.params() != self.params.len() {
            return Err(Error::shape(
                "optimizer state",
                self.params.len(),
                optimizer.params(),
            ));
        }
        let stats = self.loss_and_grads(x, labels)?;
        self.apply_grads(stats.loss, optimizer)?;
        Ok(stats)
    }

    /// The optimizer's step from `self.grads`, unless `loss` or a gradient is not finite
    /// (divergence): then nothing changes and the error says so.
    pub(crate) fn apply_grads(&mut self, loss: f32, optimizer: &mut impl Update) -> Result<()> {
        if !loss.is_finite() || self.grads.iter().any(|g| !g.is_finite()) {
            return Err(Error::Diverged { loss });
        }
        optimizer.update(&mut self.params, &self.grads);
        Ok(())
    }

    /// Class probabilities for `n` images: `x` is `[n, 28, 28]`, `probs` `[n, classes]`.
    ///
    /// # Errors
    /// Wrong lengths or non-finite pixels.
    pub fn predict(&mut self, x: &[f32], probs: &mut [f32]) -> Result<()> {
        validate_pixels(x)?;
        let (n, classes) = (x.len() / PIXELS, self.classes());
        if probs.len() != n * classes {
            return Err(Error::shape("probabilities", n * classes, probs.len()));
        }
        self.for_each_logits(x, |start, z| {
            let b = z.len() / classes;
            loss::softmax(
                classes,
                z,
                &mut probs[start * classes..(start + b) * classes],
            );
        });
        Ok(())
    }

    /// Every layer's output for one image (`x`: 784 pixels) into `out`, laid out as
    /// [`Architecture::activation_layout`] says: after each ReLU, the class probabilities
    /// last. Allocates nothing, changes no parameter.
    ///
    /// # Errors
    /// `x` not one image of finite pixels, `out` not [`Architecture::activation_len`] long.
    pub fn activations(&mut self, x: &[f32], out: &mut [f32]) -> Result<()> {
        if x.len() != PIXELS {
            return Err(Error::shape("image pixels", PIXELS, x.len()));
        }
        let len = self.arch.activation_len();
        if out.len() != len {
            return Err(Error::shape("activations buffer", len, out.len()));
        }
        validate_pixels(x)?;
        self.forward_micro(Pass::Eval, 1, x);
        let offsets = self.arch.activation_offsets();
        for (i, layer) in self.buf.out[..self.arch.depth()].iter().enumerate() {
            let (start, end) = (offsets[i], offsets[i + 1]);
            out[start..end].copy_from_slice(&layer[..end - start]);
        }
        let (classes, last) = (self.classes(), self.last());
        let logits = &self.buf.out[last][..classes];
        loss::softmax(classes, logits, &mut out[offsets[last]..]);
        Ok(())
    }

    /// Runs the forward pass over `x` in micro-batches, handing each `(first index, logits)`.
    pub(crate) fn for_each_logits(&mut self, x: &[f32], mut f: impl FnMut(usize, &[f32])) {
        let (n, classes, last) = (x.len() / PIXELS, self.classes(), self.last());
        for start in (0..n).step_by(MICRO_BATCH) {
            let b = (n - start).min(MICRO_BATCH);
            self.forward_micro(Pass::Eval, b, &x[start * PIXELS..(start + b) * PIXELS]);
            f(start, &self.buf.out[last][..b * classes]);
        }
    }

    /// Mean loss and correct count of a labelled set, without touching the gradients; each
    /// image's predicted class and that class's probability land in `predictions` and
    /// `confidence`.
    ///
    /// # Errors
    /// As [`Model::loss_and_grads`], but any number of images.
    pub fn evaluate_batch(
        &mut self,
        x: &[f32],
        labels: &[u8],
        predictions: &mut [u8],
        confidence: &mut [f32],
    ) -> Result<LossStats> {
        validate_pixels(x)?;
        if x.len() != labels.len() * PIXELS {
            return Err(Error::shape(
                "evaluation batch",
                labels.len() * PIXELS,
                x.len(),
            ));
        }
        for len in [predictions.len(), confidence.len()] {
            if len != labels.len() {
                return Err(Error::shape("evaluation outputs", labels.len(), len));
            }
        }
        validate_labels(labels, self.classes())?;
        let (mut loss_sum, mut correct, classes) = (0.0f64, 0, self.classes());
        self.for_each_logits(x, |start, z| {
            let b = z.len() / classes;
            let stats = loss::forward_backward(classes, z, &labels[start..start + b], None);
            loss_sum += f64::from(stats.loss) * b as f64;
            correct += stats.correct;
            let rows = predictions[start..start + b]
                .iter_mut()
                .zip(&mut confidence[start..start + b])
                .zip(z.chunks_exact(classes));
            for ((p, c), row) in rows {
                let (class, prob) = loss::top_class(row);
                *p = class as u8;
                *c = prob;
            }
        });
        Ok(LossStats {
            loss: (loss_sum / labels.len().max(1) as f64) as f32,
            correct,
        })
    }
}
