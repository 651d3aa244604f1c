//! Teaching the model a person's handwriting: "Your drawings" (28x28 images the user labelled
//! on the page) and the fine-tune that follows each correction.
//!
//! A fine-tune is a few Adam steps of its own optimizer ([`Teacher`], so the training run's
//! Adam state, schedule and counters stay as they were) on batches that mix
//! - the drawing just taught: once as drawn, and a few distorted copies (turned, scaled,
//!   shifted, thicker or thinner, wobbled: [`crate::data::augment`]), so that the same digit
//!   drawn again a little differently is read right too, not only this exact image;
//! - some of the user's other drawings, distorted, so that teaching a 4 does not undo a 9
//!   taught before;
//! - replayed MNIST training images (distorted when the `augment` setting is on), most of the
//!   batch, so the model does not forget MNIST for the sake of one drawing.
//!
//! Only the dense layers change (`first_layer`): the convolutions' features stay as training
//! made them, which forgets less. The drawings a model misreads are often near its decision
//! boundaries (a 9 that looks like a 4), so every correction moves a boundary that real digits
//! sit near too: measured with `examples/teach.rs` (README, "Teach it"), training all layers
//! at the same rate cost MNIST test accuracy several times more for a similar gain.
//!
//! [`mix_batch`] builds one such batch; tests/suite/teach.rs checks its composition and that a
//! misread image is read right after a fine-tune while the task holds.
//!
//! A fine-tune of a few steps reads the drawing right at once, but it cannot tell the drawing
//! apart from the MNIST digits that look like it, so it moves a boundary many real digits sit
//! near. "Learn them for good" ([`learn_drawings_config`]) does what a fine-tune cannot: one
//! annealed epoch of regular training with the drawings in every batch, from the weights as
//! they are. With all layers learning for ~900 steps, the network finds features that set your
//! drawings apart (measured with `examples/teach.rs`, `bench/README.md`).

use rand::{Rng, RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::Serialize;

use crate::config::TrainerConfig;
use crate::data::DataSet;
use crate::data::augment::{Augmentations, Augmenter};
use crate::error::{Error, Result};
use crate::model::{Model, PIXELS};
use crate::network::{Architecture, MAX_CLASSES};
use crate::optim::{Adam, AdamConfig};

/// Most drawings the trainer keeps (a gallery of this many is ~7.8 MB of pixels).
pub const MAX_DRAWINGS: usize = 10_000;

/// The user's labelled drawings: `u8` pixels (0-255, 28x28 row-major, as MNIST's IDX files
/// and as the page keeps them) and labels below the model's class count.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drawings {
    images: Vec<u8>,
    labels: Vec<u8>,
}

impl Drawings {
    /// `images`: `n·784` bytes, `labels`: `n` classes.
    ///
    /// # Errors
    /// Lengths that disagree, a label past [`MAX_CLASSES`], more than [`MAX_DRAWINGS`] (the
    /// trainer checks the labels against its model's classes).
    pub fn new(images: &[u8], labels: &[u8]) -> Result<Self> {
        let n = labels.len();
        if images.len() != n * PIXELS {
            return Err(Error::shape(
                "drawings' pixels",
                format!("{n} x {PIXELS} bytes for {n} labels"),
                images.len(),
            ));
        }
        if n > MAX_DRAWINGS {
            return Err(Error::argument(
                "drawings",
                n,
                "is more than the 10,000 drawings kept",
            ));
        }
        crate::model::validate_labels(labels, MAX_CLASSES)?;
        Ok(Drawings {
            images: images.to_vec(),
            labels: labels.to_vec(),
        })
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Drawing `i`'s pixels.
    ///
    /// # Panics
    /// If `i >= self.len()`.
    pub fn image(&self, i: usize) -> &[u8] {
        &self.images[i * PIXELS..(i + 1) * PIXELS]
    }

    /// Drawing `i`'s label.
    ///
    /// # Panics
    /// If `i >= self.len()`.
    pub fn label(&self, i: usize) -> u8 {
        self.labels[i]
    }

    /// Drawing `i` as the network's input (pixels / 255) into `x`, its label into `y`.
    fn fill(&self, i: usize, x: &mut [f32], y: &mut u8) {
        for (out, &p) in x.iter_mut().zip(self.image(i)) {
            *out = f32::from(p) / 255.0;
        }
        *y = self.label(i);
    }
}

/// How a fine-tune mixes its batches and steps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TeachConfig {
    /// Images per Adam step.
    pub batch: usize,
    /// Slots for the drawing just taught: one as drawn, the rest distorted copies.
    pub newest: usize,
    /// Slots for the user's other drawings (distorted), when there are any.
    pub others: usize,
    /// Adam steps a fine-tune takes at least.
    pub steps: usize,
    /// ...and at most, when the drawing is not yet read right with `confident` probability.
    pub max_steps: usize,
    /// Steps per call of the caller's loop (the worker yields to its messages between calls).
    pub steps_per_call: usize,
    /// The probability of the drawing's label that ends a fine-tune after `steps`.
    pub confident: f32,
    /// The fine-tune's learning rate (constant).
    pub learning_rate: f32,
    /// Adam's ε for the fine-tune, far above Keras' 1e-7: a fresh Adam moves every parameter
    /// by about the learning rate whatever its gradient (m / √v ≈ ±1), which after a few
    /// corrections costs MNIST accuracy; a larger ε lets parameters with small gradients
    /// stay where training left them.
    pub epsilon: f32,
    /// The first layer the fine-tune changes (index in `Architecture::layers`); the layers
    /// before it keep their weights.
    pub first_layer: usize,
    /// How the drawings' copies are distorted.
    pub distortions: Augmentations,
}

impl TeachConfig {
    /// Whether a fine-tune that has taken `steps` steps, the last call reporting `last`, is
    /// done: the least number of steps taken and the drawing read right with confidence, or
    /// the most steps taken.
    pub fn done(&self, steps: usize, last: &TeachReport) -> bool {
        let learned = last.probability >= self.confident;
        steps >= self.max_steps || (steps >= self.steps && learned)
    }
}

impl Default for TeachConfig {
    fn default() -> Self {
        TeachConfig {
            batch: 64,
            newest: 4,
            others: 4,
            steps: 4,
            max_steps: 12,
            steps_per_call: 2,
            confident: 0.6,
            learning_rate: 1e-3,
            epsilon: 1e-3,
            first_layer: 6,
            distortions: Augmentations::ALL,
        }
    }
}

/// The peak learning rate of "Learn them for good": a quarter of training's from scratch (0.008),
/// since the weights are already trained; the schedule warms up and anneals it to zero. Of 3e-4,
/// 5e-4, 1e-3, 2e-3 and 3e-3, 2e-3 cost MNIST least (`bench/README.md`, at a share of 0.1).
pub const LEARN_DRAWINGS_RATE: f32 = 2e-3;

/// The share of each batch "Learn them for good" gives the drawings: 3 of 64. Of 0.05, 0.1 and
/// 0.2 it cost MNIST least; 0.2 learnt the new drawings best (`bench/README.md`).
pub const LEARN_DRAWINGS_SHARE: f32 = 0.05;

/// The settings of "Learn them for good": `config` with one epoch, the drawings in every batch
/// ([`LEARN_DRAWINGS_SHARE`]) and [`LEARN_DRAWINGS_RATE`], on the learning-rate schedule. The
/// training set, its size, the batch size, augmentation and workers stay the user's.
pub fn learn_drawings_config(config: &TrainerConfig) -> TrainerConfig {
    TrainerConfig {
        epochs: 1,
        learning_rate: LEARN_DRAWINGS_RATE,
        schedule: true,
        train_on_drawings: true,
        drawings_share: LEARN_DRAWINGS_SHARE,
        ..*config
    }
}

/// What one mixed batch holds, slot by slot in this order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mix {
    /// The drawing just taught (the first one as drawn).
    pub newest: usize,
    /// Other drawings of the user's.
    pub others: usize,
    /// MNIST training images.
    pub replay: usize,
}

impl Mix {
    pub fn len(&self) -> usize {
        self.newest + self.others + self.replay
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Fills `x` (`[cfg.batch, 784]`) and `y` with one fine-tune batch: drawing `newest` (when
/// given: once as drawn, `cfg.newest - 1` times distorted), up to `cfg.others` other drawings
/// picked at random and distorted, then MNIST training images from `train` picked at random
/// (distorted when `augment_replay`) for the rest of the batch. Without training images the
/// batch is only drawings; the returned [`Mix`] says what went where (`x` and `y` beyond its
/// length are left as they were).
///
/// # Errors
/// `newest` past the drawings, buffers shorter than a batch, nothing to fill the batch with.
#[allow(clippy::too_many_arguments)]
pub fn mix_batch<R: Rng + ?Sized>(
    rng: &mut R,
    cfg: &TeachConfig,
    drawings: &Drawings,
    newest: Option<usize>,
    train: &DataSet,
    augment_replay: bool,
    augmenter: &mut Augmenter,
    x: &mut [f32],
    y: &mut [u8],
) -> Result<Mix> {
    if let Some(i) = newest.filter(|&i| i >= drawings.len()) {
        return Err(Error::NoData(format!(
            "drawing {i}: there are {} drawings",
            drawings.len()
        )));
    }
    if x.len() < cfg.batch * PIXELS || y.len() < cfg.batch {
        return Err(Error::shape("fine-tune batch", cfg.batch * PIXELS, x.len()));
    }
    let has_others = drawings.len() > usize::from(newest.is_some());
    let mut mix = Mix {
        newest: if newest.is_some() {
            cfg.newest.min(cfg.batch)
        } else {
            0
        },
        ..Mix::default()
    };
    mix.others = if has_others {
        cfg.others.min(cfg.batch - mix.newest)
    } else {
        0
    };
    mix.replay = if train.is_empty() {
        0
    } else {
        cfg.batch - mix.newest - mix.others
    };
    if mix.is_empty() {
        return Err(Error::NoData(
            "nothing to fine-tune on: no drawings and no training images".into(),
        ));
    }
    // Slot k's source, in the order of the Mix's fields.
    for k in 0..mix.len() {
        let (image, label) = (&mut x[k * PIXELS..(k + 1) * PIXELS], &mut y[k]);
        let distort = if k < mix.newest {
            if let Some(i) = newest {
                drawings.fill(i, image, label);
            }
            k > 0
        } else if k < mix.newest + mix.others {
            // Any drawing but the newest (it has its own slots).
            let mut i = rng.random_range(0..drawings.len());
            if let Some(skip) = newest.filter(|&j| j == i) {
                i = (skip + 1 + rng.random_range(0..drawings.len() - 1)) % drawings.len();
            }
            drawings.fill(i, image, label);
            true
        } else {
            let i = rng.random_range(0..train.len()) as u32;
            train.fill_batch(&[i], image, std::slice::from_mut(label))?;
            augment_replay
        };
        if distort {
            augmenter.distort(rng, image);
        }
    }
    Ok(mix)
}

/// What a fine-tune did.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeachReport {
    /// Adam steps taken.
    pub steps: usize,
    /// Mean loss of the last step's batch (before its update).
    pub loss: f32,
    /// The last batch's composition.
    pub mix: Mix,
    /// After the fine-tune: the probability the model gives the newest drawing's label (NaN
    /// without one).
    pub probability: f32,
    /// After the fine-tune: the class the model reads in the newest drawing (10 without one).
    pub predicted: u8,
}

/// The fine-tune's optimizer, random source and batch buffers. Its Adam state carries over
/// from one correction to the next (a run of corrections is one small training run); a reset
/// or an imported model starts it afresh.
#[derive(Clone, Debug)]
pub struct Teacher {
    pub config: TeachConfig,
    adam: Adam,
    rng: Pcg64Mcg,
    augmenter: Augmenter,
    x: Vec<f32>,
    y: Vec<u8>,
}

fn teach_rng(seed: u32) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(u64::from(seed) ^ 0x7eac_4000_0000)
}

impl Teacher {
    pub fn new(config: TeachConfig, seed: u32) -> Self {
        Teacher {
            config,
            // Resized to the model's parameters at its first step (see `step`).
            adam: Adam::new(
                Architecture::MNIST.param_count(),
                AdamConfig {
                    lr: config.learning_rate,
                    ..AdamConfig::default()
                },
            ),
            rng: teach_rng(seed),
            augmenter: Augmenter::new(Augmentations::ALL),
            x: vec![0.0; config.batch * PIXELS],
            y: vec![0; config.batch],
        }
    }

    /// Forgets the optimizer's moments and restarts the random source from `seed`.
    pub fn reset(&mut self, seed: u32) {
        self.adam.reset();
        self.rng = teach_rng(seed);
    }

    /// The random source, for the trainer's own use of the drawings in regular epochs.
    pub(crate) fn rng(&mut self) -> &mut Pcg64Mcg {
        &mut self.rng
    }

    /// One Adam step on a [`mix_batch`] batch. If the loss diverged, nothing changes.
    ///
    /// # Errors
    /// As [`mix_batch`], or divergence.
    pub fn step(
        &mut self,
        model: &mut Model,
        train: &DataSet,
        drawings: &Drawings,
        newest: Option<usize>,
        augment_replay: bool,
    ) -> Result<(f32, Mix)> {
        let cfg = self.config;
        if self.adam.m.len() != model.params.len() {
            // A model of another class count: its own moments.
            self.adam = Adam::new(model.params.len(), self.adam.config);
        }
        if self.x.len() < cfg.batch * PIXELS {
            self.x.resize(cfg.batch * PIXELS, 0.0);
            self.y.resize(cfg.batch, 0);
        }
        self.augmenter.parts = cfg.distortions;
        let mix = mix_batch(
            &mut self.rng,
            &cfg,
            drawings,
            newest,
            train,
            augment_replay,
            &mut self.augmenter,
            &mut self.x,
            &mut self.y,
        )?;
        let n = mix.len();
        let stats = model.loss_and_grads(&self.x[..n * PIXELS], &self.y[..n])?;
        let frozen = model.arch().layer_offsets()[cfg.first_layer.min(model.arch().depth())];
        model.grads[..frozen].fill(0.0);
        self.adam.config.lr = cfg.learning_rate;
        self.adam.config.epsilon = cfg.epsilon;
        model.apply_grads(stats.loss, &mut self.adam)?;
        Ok((stats.loss, mix))
    }
}
