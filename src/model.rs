//! The network: the classic Keras MNIST convnet, 93,322 parameters.
//!
//! ```text
//! input                      [B, 28, 28, 1]   pixels in [0, 1]
//! conv1  3x3, 32 + relu      [B, 26, 26, 32]      320 params
//! pool1  2x2                 [B, 13, 13, 32]
//! conv2  3x3, 64 + relu      [B, 11, 11, 64]   18,496 params
//! pool2  2x2                 [B,  5,  5, 64]
//! conv3  3x3, 64 + relu      [B,  3,  3, 64]   36,928 params
//! flatten                    [B, 576]
//! dense1 576→64 + relu       [B, 64]           36,928 params
//! dense2 64→10 (+ softmax)   [B, 10]              650 params
//! ```
//! All parameters live in one flat buffer (Keras order: each layer's kernel then bias), so the
//! optimizer is one loop and the weights file is one slice. A batch of any size up to
//! [`MAX_BATCH`] is processed in micro-batches of [`MICRO_BATCH`] images whose gradients are
//! summed before the single optimizer step: the result is the full batch's gradient, while the
//! activation buffers stay small and are allocated once.

use rand::{Rng, RngExt};

use crate::error::{Error, Result};
use crate::kernels::GemmScratch;
use crate::layers::{Conv2d, ConvWorkspace, Dense, Flatten, MaxPool2};
use crate::loss::{self, LossStats};
use crate::optim::Adam;

/// Input image side; images are `SIDE x SIDE x 1`.
pub const SIDE: usize = 28;
/// Values per input image.
pub const PIXELS: usize = SIDE * SIDE;
/// Output classes.
pub const CLASSES: usize = 10;
/// Largest batch a training step accepts.
pub const MAX_BATCH: usize = 1024;
/// Images per forward/backward pass; see the module header.
pub const MICRO_BATCH: usize = crate::layers::conv2d::CHUNK_IMAGES;

/// Names and shapes of the parameter tensors, in buffer order (Keras names and layouts).
pub const PARAM_TENSORS: [(&str, &[usize]); 10] = [
    ("conv2d/kernel", &[3, 3, 1, 32]),
    ("conv2d/bias", &[32]),
    ("conv2d_1/kernel", &[3, 3, 32, 64]),
    ("conv2d_1/bias", &[64]),
    ("conv2d_2/kernel", &[3, 3, 64, 64]),
    ("conv2d_2/bias", &[64]),
    ("dense/kernel", &[576, 64]),
    ("dense/bias", &[64]),
    ("dense_1/kernel", &[64, 10]),
    ("dense_1/bias", &[10]),
];

/// Total number of parameters: 93,322.
pub const PARAM_COUNT: usize = 93_322;

/// The layers' geometry (no state).
#[derive(Clone, Copy, Debug)]
pub struct Layers {
    pub conv1: Conv2d,
    pub pool1: MaxPool2,
    pub conv2: Conv2d,
    pub pool2: MaxPool2,
    pub conv3: Conv2d,
    pub flatten: Flatten,
    pub dense1: Dense,
    pub dense2: Dense,
}

impl Layers {
    pub const fn new() -> Self {
        Layers {
            conv1: Conv2d::new(28, 28, 1, 3, 32, true),
            pool1: MaxPool2 {
                h: 26,
                w: 26,
                c: 32,
            },
            conv2: Conv2d::new(13, 13, 32, 3, 64, true).winograd(),
            pool2: MaxPool2 {
                h: 11,
                w: 11,
                c: 64,
            },
            conv3: Conv2d::new(5, 5, 64, 3, 64, true).winograd(),
            flatten: Flatten { shape: [3, 3, 64] },
            dense1: Dense {
                inputs: 576,
                outputs: 64,
                relu: true,
            },
            dense2: Dense {
                inputs: 64,
                outputs: 10,
                relu: false,
            },
        }
    }

    /// Per-image output shape of every layer, in order, for documentation and tests.
    pub fn output_shapes(&self) -> Vec<(&'static str, Vec<usize>)> {
        vec![
            ("conv2d", self.conv1.out_shape().to_vec()),
            ("max_pooling2d", self.pool1.out_shape().to_vec()),
            ("conv2d_1", self.conv2.out_shape().to_vec()),
            ("max_pooling2d_1", self.pool2.out_shape().to_vec()),
            ("conv2d_2", self.conv3.out_shape().to_vec()),
            ("flatten", vec![self.flatten.out_len()]),
            ("dense", vec![self.dense1.outputs]),
            ("dense_1", vec![self.dense2.outputs]),
        ]
    }
}

impl Default for Layers {
    fn default() -> Self {
        Self::new()
    }
}

const L: Layers = Layers::new();

/// Offsets of the ten parameter tensors in the flat buffer.
const fn offsets() -> [usize; 11] {
    let mut out = [0; 11];
    let mut i = 0;
    while i < 10 {
        let shape = PARAM_TENSORS[i].1;
        let mut len = 1;
        let mut d = 0;
        while d < shape.len() {
            len *= shape[d];
            d += 1;
        }
        out[i + 1] = out[i] + len;
        i += 1;
    }
    out
}
const OFF: [usize; 11] = offsets();
const _: () = assert!(OFF[10] == PARAM_COUNT);

/// Splits a flat parameter-sized buffer into its ten tensors (kernel, bias per layer).
fn split(buf: &[f32]) -> [&[f32]; 10] {
    std::array::from_fn(|i| &buf[OFF[i]..OFF[i + 1]])
}

fn split_mut(mut buf: &mut [f32]) -> [&mut [f32]; 10] {
    let mut parts: [&mut [f32]; 10] = Default::default();
    for (i, part) in parts.iter_mut().enumerate() {
        let (head, tail) = buf.split_at_mut(OFF[i + 1] - OFF[i]);
        *part = head;
        buf = tail;
    }
    parts
}

/// Activation, gradient and scratch buffers for one micro-batch, allocated once.
#[derive(Debug, Clone)]
struct Buffers {
    a1: Vec<f32>,
    p1: Vec<f32>,
    a2: Vec<f32>,
    p2: Vec<f32>,
    a3: Vec<f32>,
    a4: Vec<f32>,
    z: Vec<f32>,
    dz: Vec<f32>,
    da4: Vec<f32>,
    da3: Vec<f32>,
    dp2: Vec<f32>,
    da2: Vec<f32>,
    dp1: Vec<f32>,
    da1: Vec<f32>,
    ws1: ConvWorkspace,
    ws2: ConvWorkspace,
    ws3: ConvWorkspace,
    gemm: GemmScratch,
}

impl Buffers {
    fn new() -> Self {
        let b = MICRO_BATCH;
        let f = |n: usize| vec![0.0f32; b * n];
        Buffers {
            a1: f(L.conv1.out_len()),
            p1: f(L.pool1.out_len()),
            a2: f(L.conv2.out_len()),
            p2: f(L.pool2.out_len()),
            a3: f(L.conv3.out_len()),
            a4: f(L.dense1.outputs),
            z: f(CLASSES),
            dz: f(CLASSES),
            da4: f(L.dense1.outputs),
            da3: f(L.conv3.out_len()),
            dp2: f(L.pool2.out_len()),
            da2: f(L.conv2.out_len()),
            dp1: f(L.pool1.out_len()),
            da1: f(L.conv1.out_len()),
            ws1: ConvWorkspace::default(),
            ws2: ConvWorkspace::default(),
            ws3: ConvWorkspace::default(),
            gemm: GemmScratch::default(),
        }
    }
}

/// The network's parameters, their gradients, and its working memory.
#[derive(Debug, Clone)]
pub struct Model {
    /// All parameters, Keras order (see [`PARAM_TENSORS`]).
    pub params: Vec<f32>,
    /// Gradient of the last [`Model::loss_and_grads`] call, same layout as `params`.
    pub grads: Vec<f32>,
    /// Gradient of one micro-batch, summed into `grads`.
    micro_grads: Vec<f32>,
    buf: Buffers,
}

/// Checks a batch's shapes and values before anything is computed.
fn validate_batch(x: &[f32], labels: &[u8]) -> Result<()> {
    let b = labels.len();
    if b == 0 || b > MAX_BATCH {
        return Err(Error::config("batchSize", b, "must be between 1 and 1024"));
    }
    if x.len() != b * PIXELS {
        return Err(Error::shape("batch pixels", b * PIXELS, x.len()));
    }
    if let Some(&t) = labels.iter().find(|&&t| usize::from(t) >= CLASSES) {
        return Err(Error::config("label", t, "must be 0-9"));
    }
    validate_pixels(x)
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
    /// A model initialised like Keras: Glorot-uniform kernels, zero biases.
    pub fn new<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let mut model = Model {
            params: vec![0.0; PARAM_COUNT],
            grads: vec![0.0; PARAM_COUNT],
            micro_grads: vec![0.0; PARAM_COUNT],
            buf: Buffers::new(),
        };
        model.init(rng);
        model
    }

    /// Re-draws every parameter: `U(-l, l)` with `l = √(6 / (fan_in + fan_out))` for kernels
    /// (for a conv kernel `[KH, KW, C, F]`: fan_in = KH·KW·C, fan_out = KH·KW·F), zero biases.
    pub fn init<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        for (i, (_, shape)) in PARAM_TENSORS.iter().enumerate() {
            let dst = &mut self.params[OFF[i]..OFF[i + 1]];
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

    /// Forward pass of `b ≤ MICRO_BATCH` images; the logits land in `self.buf.z`.
    fn forward_micro(&mut self, b: usize, x: &[f32]) {
        let [k1, b1, k2, b2, k3, b3, k4, b4, k5, b5] = split(&self.params);
        let buf = &mut self.buf;
        // [b, 28, 28, 1] → conv1 + relu → [b, 26, 26, 32] → pool1 → [b, 13, 13, 32]
        L.conv1.forward(b, x, k1, b1, &mut buf.a1, &mut buf.ws1);
        L.pool1.forward(b, &buf.a1, &mut buf.p1);
        // → conv2 + relu → [b, 11, 11, 64] → pool2 → [b, 5, 5, 64]
        L.conv2
            .forward(b, &buf.p1, k2, b2, &mut buf.a2, &mut buf.ws2);
        L.pool2.forward(b, &buf.a2, &mut buf.p2);
        // → conv3 + relu → [b, 3, 3, 64] → flatten → [b, 576]
        L.conv3
            .forward(b, &buf.p2, k3, b3, &mut buf.a3, &mut buf.ws3);
        let flat = L.flatten.forward(&buf.a3);
        // → dense1 + relu → [b, 64] → dense2 → logits [b, 10]
        L.dense1
            .forward(b, flat, k4, b4, &mut buf.a4, &mut buf.gemm);
        L.dense2
            .forward(b, &buf.a4, k5, b5, &mut buf.z, &mut buf.gemm);
    }

    /// Backward pass of the last `forward_micro`, from `self.buf.dz` to `self.micro_grads`.
    /// Each layer masks its output gradient in place by its ReLU.
    fn backward_micro(&mut self, b: usize, x: &[f32]) {
        let [k1, _, k2, _, k3, _, k4, _, k5, _] = split(&self.params);
        let [dk1, db1, dk2, db2, dk3, db3, dk4, db4, dk5, db5] = split_mut(&mut self.micro_grads);
        let buf = &mut self.buf;
        // d logits [b, 10] → dense2 → [b, 64] → dense1 → [b, 576]
        let da4 = Some(&mut buf.da4[..]);
        L.dense2.backward(
            b,
            &buf.a4,
            &buf.z,
            &mut buf.dz,
            k5,
            dk5,
            db5,
            da4,
            &mut buf.gemm,
        );
        let (flat, da3) = (L.flatten.forward(&buf.a3), Some(&mut buf.da3[..]));
        L.dense1.backward(
            b,
            flat,
            &buf.a4,
            &mut buf.da4,
            k4,
            dk4,
            db4,
            da3,
            &mut buf.gemm,
        );
        // flatten's backward is the identity on the buffer: → conv3 → [b, 5, 5, 64]
        let dp2 = Some(&mut buf.dp2[..]);
        let (p2, a3, ws3) = (&buf.p2, &buf.a3, &mut buf.ws3);
        L.conv3
            .backward(b, p2, a3, &mut buf.da3, k3, dk3, db3, dp2, ws3);
        // → pool2 → [b, 11, 11, 64] → conv2 → [b, 13, 13, 32]
        L.pool2
            .backward(b, &buf.a2, &buf.p2, &buf.dp2, &mut buf.da2);
        let dp1 = Some(&mut buf.dp1[..]);
        let (p1, a2, ws2) = (&buf.p1, &buf.a2, &mut buf.ws2);
        L.conv2
            .backward(b, p1, a2, &mut buf.da2, k2, dk2, db2, dp1, ws2);
        // → pool1 → [b, 26, 26, 32] → conv1 (its input is the image: no input gradient)
        L.pool1
            .backward(b, &buf.a1, &buf.p1, &buf.dp1, &mut buf.da1);
        L.conv1.backward(
            b,
            x,
            &buf.a1,
            &mut buf.da1,
            k1,
            dk1,
            db1,
            None,
            &mut buf.ws1,
        );
    }

    /// Mean loss over the batch and its gradient, written to `self.grads`. Parameters are not
    /// changed. `x` is `[B, 28, 28]` in [0, 1], `labels` `[B]`, `1 ≤ B ≤ 1024`.
    ///
    /// # Errors
    /// Wrong lengths, labels above 9, non-finite pixels.
    pub fn loss_and_grads(&mut self, x: &[f32], labels: &[u8]) -> Result<LossStats> {
        validate_batch(x, labels)?;
        let batch = labels.len();
        let (mut loss_sum, mut correct) = (0.0f64, 0);
        for start in (0..batch).step_by(MICRO_BATCH) {
            let b = (batch - start).min(MICRO_BATCH);
            let xs = &x[start * PIXELS..(start + b) * PIXELS];
            let (l, c) = self.accumulate_micro(xs, &labels[start..start + b], batch, start == 0);
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
    /// Lets a caller spread one batch over several calls (see `Trainer::train_part`).
    pub(crate) fn accumulate_micro(
        &mut self,
        x: &[f32],
        labels: &[u8],
        batch: usize,
        first: bool,
    ) -> (f64, usize) {
        let b = labels.len();
        self.forward_micro(b, x);
        let dz = &mut self.buf.dz[..b * CLASSES];
        let stats = loss::forward_backward(CLASSES, &self.buf.z[..b * CLASSES], labels, Some(dz));
        // forward_backward averages over the micro-batch; rescale to the full batch.
        if b != batch {
            let scale = b as f32 / batch as f32;
            dz.iter_mut().for_each(|g| *g *= scale);
        }
        self.backward_micro(b, x);
        if first {
            self.grads.copy_from_slice(&self.micro_grads);
        } else {
            for (g, m) in self.grads.iter_mut().zip(&self.micro_grads) {
                *g += *m;
            }
        }
        (f64::from(stats.loss) * b as f64, stats.correct)
    }

    /// One optimizer step on a batch. If the loss is not finite the parameters and the optimizer
    /// are left as they were and an error says so.
    ///
    /// # Errors
    /// As [`Model::loss_and_grads`], plus a non-finite loss or gradient (divergence).
    pub fn train_step(&mut self, x: &[f32], labels: &[u8], adam: &mut Adam) -> Result<LossStats> {
        if adam.m.len() != PARAM_COUNT {
            return Err(Error::shape("optimizer state", PARAM_COUNT, adam.m.len()));
        }
        let stats = self.loss_and_grads(x, labels)?;
        self.apply_grads(stats.loss, adam)?;
        Ok(stats)
    }

    /// Adam's step from `self.grads`, unless `loss` or a gradient is not finite (divergence):
    /// then nothing changes and the error says so.
    pub(crate) fn apply_grads(&mut self, loss: f32, adam: &mut Adam) -> Result<()> {
        if !loss.is_finite() || self.grads.iter().any(|g| !g.is_finite()) {
            return Err(Error::Diverged { loss });
        }
        adam.step(&mut self.params, &self.grads);
        Ok(())
    }

    /// Class probabilities for `n` images: `x` is `[n, 28, 28]`, `probs` `[n, 10]`.
    ///
    /// # Errors
    /// Wrong lengths or non-finite pixels.
    pub fn predict(&mut self, x: &[f32], probs: &mut [f32]) -> Result<()> {
        validate_pixels(x)?;
        let n = x.len() / PIXELS;
        if probs.len() != n * CLASSES {
            return Err(Error::shape("probabilities", n * CLASSES, probs.len()));
        }
        self.for_each_logits(x, |start, z| {
            let b = z.len() / CLASSES;
            loss::softmax(
                CLASSES,
                z,
                &mut probs[start * CLASSES..(start + b) * CLASSES],
            );
        });
        Ok(())
    }

    /// Runs the forward pass over `x` in micro-batches, handing each `(first index, logits)`.
    pub(crate) fn for_each_logits(&mut self, x: &[f32], mut f: impl FnMut(usize, &[f32])) {
        let n = x.len() / PIXELS;
        for start in (0..n).step_by(MICRO_BATCH) {
            let b = (n - start).min(MICRO_BATCH);
            self.forward_micro(b, &x[start * PIXELS..(start + b) * PIXELS]);
            f(start, &self.buf.z[..b * CLASSES]);
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
        let (mut loss_sum, mut correct) = (0.0f64, 0);
        self.for_each_logits(x, |start, z| {
            let b = z.len() / CLASSES;
            let stats = loss::forward_backward(CLASSES, z, &labels[start..start + b], None);
            loss_sum += f64::from(stats.loss) * b as f64;
            correct += stats.correct;
            let rows = predictions[start..start + b]
                .iter_mut()
                .zip(&mut confidence[start..start + b])
                .zip(z.chunks_exact(CLASSES));
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
