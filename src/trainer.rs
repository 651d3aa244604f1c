//! The training session: model, optimizer, data sets and the epoch cursor behind one handle.
//! The wasm facade and the native example both drive this; it holds no JavaScript types.
//!
//! An epoch is one pass, in a freshly shuffled (seeded) order, over the first `train_size`
//! usable training images (all of them when fewer are loaded). Data may still be streaming in: each epoch
//! takes what is usable when it starts.
//!
//! A *run* is what one press of Train starts: [`Trainer::start_run`] marks its first step, and
//! the run is planned to last `epochs` × steps per epoch. With `schedule` on, every Adam step
//! takes its rate from [`crate::optim::schedule::lr_at`] at the step's place in that plan:
//! - the plan is recomputed at each step from the current settings and the current epoch's
//!   size, from the run's first step on: changing `epochs`, `batch_size` or `train_size`
//!   mid-run moves the rate to where the new plan puts this step (no restart of the warm-up);
//! - steps past the plan hold the final rate; a pause (or slicing a batch over calls) changes
//!   nothing, the counters carry on;
//! - a new run (Train pressed again after a run ended, "Train more"), [`Trainer::reset`] and
//!   [`Trainer::import_weights`] start a new plan, warming up again from its own first step;
//!   a trainer that never had `start_run` called plans from its first step ever.

use rand::seq::SliceRandom;
use rand::{Rng, RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

pub use crate::config::TrainerConfig;

use crate::data::DataSet;
pub use crate::data::Split;
use crate::data::augment::{Augmentations, Augmenter};
use crate::error::{Error, Result};
use crate::layers::Pass;
use crate::model::{MAX_BATCH, MICRO_BATCH, Model, PIXELS};
use crate::optim::{Adam, AdamConfig};
use crate::teach::{Drawings, TeachConfig, TeachReport, Teacher};
use crate::weights;

mod classes;

/// What a call to [`Trainer::train_steps`] did.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    /// Mean loss and accuracy over the images of this call.
    pub loss: f32,
    pub accuracy: f32,
    pub images: usize,
    pub steps: usize,
    /// Position after the call; `epoch` counts completed epochs.
    pub epoch: u32,
    pub step_in_epoch: usize,
    pub steps_per_epoch: usize,
    /// An epoch ended during this call (the call stops there).
    pub epoch_done: bool,
    pub total_steps: u64,
    /// Adam's rate at the last step taken (the configured rate before any step).
    pub learning_rate: f32,
}

/// Position in training: completed epochs, steps into the current one, steps taken overall.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub epoch: u32,
    pub step_in_epoch: usize,
    pub steps_per_epoch: usize,
    pub total_steps: u64,
}

/// Loss, accuracy and per-image predictions over (a prefix of) a data set.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EvalReport {
    pub loss: f32,
    pub accuracy: f32,
    pub count: usize,
    #[serde(skip)]
    pub predictions: Vec<u8>,
}

/// Running totals of an evaluation: add the sums of its slices, then read the means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvalSums {
    pub count: usize,
    pub correct: usize,
    pub loss_sum: f64,
}

impl EvalSums {
    pub fn add(&mut self, other: EvalSums) {
        self.count += other.count;
        self.correct += other.correct;
        self.loss_sum += other.loss_sum;
    }

    /// Mean cross-entropy (NaN over no images).
    pub fn loss(&self) -> f64 {
        self.loss_sum / self.count as f64
    }

    /// Share of images whose arg-max is the label (NaN over no images).
    /// In f64: the page prints it to a tenth of a percent, and an f32 such as 0.9605 widens to
    /// 0.96050000191, which rounds up where the count 9,605 / 10,000 rounds down.
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.count as f64
    }
}

/// A batch under way in [`Trainer::train_part`]: its images sit in the batch buffers.
#[derive(Clone, Copy, Debug)]
struct Pending {
    len: usize,
    /// The last batch of the epoch's order.
    last: bool,
    /// Images of this trainer's own share (`0..own_end`) computed so far.
    done: usize,
    /// This trainer computes images `0..own_end`; the rest are other workers' shares
    /// ([`Trainer::begin_step`]), added by [`Trainer::add_share`].
    own_end: usize,
    /// Shares the batch is cut into ([`share_range`]).
    parts: usize,
    /// Images whose gradient is in: `done` plus the shares added.
    accounted: usize,
    /// Distort the images (the `augment` setting when the batch began).
    augment: bool,
    loss_sum: f64,
    correct: usize,
}

/// Loss and correct count of a share of a batch ([`Trainer::share_gradient`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareStats {
    /// Summed (not mean) cross-entropy over the share's images.
    pub loss_sum: f64,
    pub correct: usize,
    pub images: usize,
}

/// Images `start..end` of share `k` of `parts` of a batch of `len` images: consecutive, in
/// order, sizes differing by at most one (the first ones larger). The one place a batch is cut.
pub fn share_range(len: usize, parts: usize, k: usize) -> std::ops::Range<usize> {
    let parts = parts.max(1);
    let (base, extra) = (len / parts, len % parts);
    let start = k * base + k.min(extra);
    start..start + base + usize::from(k < extra)
}

/// Model, optimizer, data and progress.
pub struct Trainer {
    config: TrainerConfig,
    model: Model,
    adam: Adam,
    pub train: DataSet,
    pub test: DataSet,
    shuffle_rng: Pcg64Mcg,
    /// Draws the distortions when `config.augment`; separate from `shuffle_rng`, so the image
    /// order does not depend on the setting.
    augment_rng: Pcg64Mcg,
    /// This epoch's image order; empty between epochs.
    order: Vec<u32>,
    /// A batch partly trained by `train_part`.
    pending: Option<Pending>,
    cursor: usize,
    epoch: u32,
    total_steps: u64,
    /// `total_steps` when the current run began (see the module header).
    run_start: u64,
    x: Vec<f32>,
    y: Vec<u8>,
    /// The batch under way: its images' indices in the training set and each image's
    /// augmentation seed (drawn for every image, so a distortion depends on the image's place
    /// in the batch, not on which worker computes it).
    batch_indices: Vec<u32>,
    batch_seeds: Vec<u32>,
    /// Distorts the training images when `config.augment` (its scratch buffers reused).
    augmenter: Augmenter,
    /// The user's labelled drawings (`crate::teach`): fine-tunes, and regular batches with
    /// `config.train_on_drawings`.
    drawings: Drawings,
    /// The fine-tune's optimizer and batches; it also draws the drawings for regular batches.
    teacher: Teacher,
    /// Where a fine-tune keeps the gradient of a batch under way (`train_part`) meanwhile.
    grads_aside: Vec<f32>,
}

/// In a batch entry's index, marks one of the user's drawings rather than a training image.
const DRAWING: u32 = 1 << 31;

/// The pixel bytes of a batch entry (`Trainer::batch_indices`): a training image, or with the
/// [`DRAWING`] bit one of the user's drawings.
///
/// # Errors
/// The training set or the drawings changed under the batch.
fn batch_image<'a>(train: &'a DataSet, drawings: &'a Drawings, i: u32) -> Result<&'a [u8]> {
    let (what, len, k) = if i & DRAWING != 0 {
        ("drawing index", drawings.len(), (i & !DRAWING) as usize)
    } else {
        ("example index", train.len(), i as usize)
    };
    if k >= len {
        return Err(Error::shape(what, format!("below {len}"), k));
    }
    Ok(if i & DRAWING != 0 {
        drawings.image(k)
    } else {
        train.image(k)
    })
}

fn shuffle_rng(seed: u32) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(u64::from(seed) ^ 0x5eed_5eed)
}

fn augment_rng(seed: u32) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(u64::from(seed) ^ 0xa11_6e4d_0000)
}

/// The generator that distorts one image, from its seed (see `Trainer::batch_seeds`).
fn image_rng(seed: u32) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(u64::from(seed) ^ 0x1_3a9e_0000_0000)
}

/// Evaluation works through the data in slices of this many images.
const EVAL_SLICE: usize = 256;

impl Trainer {
    /// # Errors
    /// An invalid configuration.
    pub fn new(config: TrainerConfig) -> Result<Self> {
        config.validate()?;
        let mut init_rng = Pcg64Mcg::seed_from_u64(u64::from(config.seed));
        let model = Model::new(&mut init_rng);
        let adam = Adam::new(
            model.params.len(),
            AdamConfig {
                lr: config.learning_rate,
                ..AdamConfig::default()
            },
        );
        Ok(Trainer {
            config,
            model,
            adam,
            train: DataSet::new("train"),
            test: DataSet::new("test"),
            shuffle_rng: shuffle_rng(config.seed),
            augment_rng: augment_rng(config.seed),
            order: Vec::new(),
            pending: None,
            cursor: 0,
            epoch: 0,
            total_steps: 0,
            run_start: 0,
            x: vec![0.0; MAX_BATCH.max(EVAL_SLICE) * PIXELS],
            y: vec![0; MAX_BATCH.max(EVAL_SLICE)],
            batch_indices: Vec::with_capacity(MAX_BATCH),
            batch_seeds: Vec::with_capacity(MAX_BATCH),
            augmenter: Augmenter::new(Augmentations::SETTING),
            drawings: Drawings::default(),
            teacher: Teacher::new(TeachConfig::default(), config.seed),
            grads_aside: Vec::new(),
        })
    }

    pub fn config(&self) -> TrainerConfig {
        self.config
    }

    /// Applies new settings. A new seed takes effect at the next [`Trainer::reset`].
    ///
    /// # Errors
    /// An invalid configuration; nothing changes then.
    pub fn set_config(&mut self, config: TrainerConfig) -> Result<()> {
        config.validate()?;
        if !config.schedule {
            self.adam.config.lr = config.learning_rate;
        }
        if config.train_size != self.config.train_size {
            // A different subset: start a new pass over it.
            self.restart_epoch();
        }
        self.config = config;
        Ok(())
    }

    /// Which distortions `augment: true` applies: [`Augmentations::SETTING`] unless a native
    /// tool (the ablation in `examples/augment.rs`) chooses others. `augment: false` applies none.
    pub fn set_augmentations(&mut self, parts: Augmentations) {
        self.augmenter.parts = parts;
    }

    pub fn augmentations(&self) -> Augmentations {
        self.augmenter.parts
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    pub fn model_mut(&mut self) -> &mut Model {
        &mut self.model
    }

    pub fn adam(&self) -> &Adam {
        &self.adam
    }

    pub fn data(&self, split: Split) -> &DataSet {
        match split {
            Split::Train => &self.train,
            Split::Test => &self.test,
        }
    }

    /// Drops the current pass over the training set (and any batch under way): the next step
    /// starts a fresh shuffled epoch over what is loaded then.
    pub fn restart_epoch(&mut self) {
        self.pending = None;
        self.order.clear();
        self.cursor = 0;
    }

    /// Empties a data set; emptying the training set also restarts the epoch, whose order
    /// indexed the old images.
    pub fn clear_data(&mut self, split: Split) {
        if split == Split::Train {
            self.restart_epoch();
        }
        self.data_mut(split).clear();
    }

    pub fn data_mut(&mut self, split: Split) -> &mut DataSet {
        match split {
            Split::Train => &mut self.train,
            Split::Test => &mut self.test,
        }
    }

    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    pub fn total_steps(&self) -> u64 {
        self.total_steps
    }

    /// Fresh weights from `seed` (default: the configured one), fresh optimizer, counters at 0.
    /// Data is kept.
    pub fn reset(&mut self, seed: Option<u32>) {
        if let Some(seed) = seed {
            self.config.seed = seed;
        }
        let seed = self.config.seed;
        self.model
            .init(&mut Pcg64Mcg::seed_from_u64(u64::from(seed)));
        self.adam.reset();
        self.shuffle_rng = shuffle_rng(seed);
        self.augment_rng = augment_rng(seed);
        self.pending = None;
        self.order.clear();
        self.cursor = 0;
        self.epoch = 0;
        self.total_steps = 0;
        self.run_start = 0;
        self.adam.config.lr = self.config.learning_rate;
        self.teacher.reset(seed);
    }

    /// Starts a planned run (see the module header): the next step is its first.
    pub fn start_run(&mut self) {
        self.run_start = self.total_steps;
    }

    /// Steps the current run is planned to take: `epochs` × steps per epoch now.
    pub fn planned_steps(&self) -> u64 {
        u64::from(self.config.epochs) * self.steps_per_epoch() as u64
    }

    /// The rate the next Adam step will use.
    pub fn next_learning_rate(&self) -> f32 {
        let c = &self.config;
        if !c.schedule {
            return c.learning_rate;
        }
        crate::optim::lr_at(
            self.total_steps - self.run_start,
            self.planned_steps(),
            c.learning_rate,
            c.warmup_share,
            c.final_lr_share,
        )
    }

    fn epoch_size(&self) -> usize {
        self.config.train_size.min(self.train.len())
    }

    fn steps_per_epoch(&self) -> usize {
        let n = if self.order.is_empty() {
            self.epoch_size()
        } else {
            self.order.len()
        };
        n.div_ceil(self.config.batch_size)
    }

    /// Where training stands, without training.
    pub fn progress(&self) -> Progress {
        Progress {
            epoch: self.epoch,
            step_in_epoch: self.cursor.div_ceil(self.config.batch_size),
            steps_per_epoch: self.steps_per_epoch(),
            total_steps: self.total_steps,
        }
    }

    /// Trains up to `steps` batches, stopping early at the end of an epoch.
    ///
    /// # Errors
    /// No usable training data, or the loss diverged (the step that diverged is not applied).
    pub fn train_steps(&mut self, steps: usize) -> Result<StepReport> {
        let (mut loss_sum, mut correct, mut images, mut done) = (0.0f64, 0.0f64, 0, 0);
        let mut last = None;
        while done < steps {
            let r = self.train_part(usize::MAX)?;
            loss_sum += f64::from(r.loss) * r.images as f64;
            correct += f64::from(r.accuracy) * r.images as f64;
            images += r.images;
            done += r.steps;
            last = Some(r);
            if r.epoch_done {
                break;
            }
        }
        let Some(last) = last else {
            return Ok(self.report(f32::NAN, f32::NAN, 0, 0, false));
        };
        Ok(StepReport {
            loss: (loss_sum / images as f64) as f32,
            accuracy: (correct / images as f64) as f32,
            images,
            steps: done,
            ..last
        })
    }

    /// Trains at most `max_images` images (rounded up to whole micro-batches of 16) of the
    /// current batch, starting a new one when none is under way; Adam steps when a batch is
    /// complete. So a caller can keep each call short whatever the batch size (the app answers
    /// pause within a slice). The result reports `steps: 1` with the batch's mean loss and
    /// accuracy when a batch completed in this call, else `steps: 0` and NaN loss/accuracy.
    /// Spreading a batch over calls gives exactly the parameters one call would.
    ///
    /// # Errors
    /// No usable training data, or the loss diverged: that step is not applied, and its batch
    /// is skipped.
    pub fn train_part(&mut self, max_images: usize) -> Result<StepReport> {
        // One worker is the general path with one share (see `begin_step`).
        self.begin_step(1)?;
        let images = self.train_own(max_images)?;
        if !self.step_ready() {
            return Ok(self.report(f32::NAN, f32::NAN, images, 0, false));
        }
        let mut report = self.finish_step()?;
        report.images = images;
        Ok(report)
    }

    /// Starts the next batch unless one is under way, to be computed in `parts` shares
    /// ([`share_range`]): this trainer computes share 0 ([`Trainer::train_own`]), the caller
    /// hands shares `1..` to other workers ([`Trainer::share_input`]) and adds their gradients
    /// in order ([`Trainer::add_share`]) before [`Trainer::finish_step`]. Returns the number
    /// of shares the batch is cut into: at most `parts` and the batch's size, and 1 when a
    /// batch was already under way (it is finished here, alone).
    ///
    /// # Errors
    /// No usable training data.
    pub fn begin_step(&mut self, parts: usize) -> Result<usize> {
        if let Some(p) = self.pending {
            return Ok(p.parts);
        }
        let mut pending = self.start_batch()?;
        // Dropout's setting takes effect here, at a step's start.
        self.model.set_options(self.config.network_options())?;
        let parts = parts.clamp(1, pending.len);
        pending.parts = parts;
        pending.own_end = share_range(pending.len, parts, 0).end;
        self.pending = Some(pending);
        Ok(parts)
    }

    /// Images in the batch under way (0 when none is).
    pub fn step_images(&self) -> usize {
        self.pending.map_or(0, |p| p.len)
    }

    /// Whether the batch under way distorts its images (false when none is under way).
    pub fn step_augments(&self) -> bool {
        self.pending.is_some_and(|p| p.augment)
    }

    /// Whether a batch is under way.
    pub fn step_under_way(&self) -> bool {
        self.pending.is_some()
    }

    /// Share `k` (from 1; share 0 is this trainer's) of the batch under way, as another worker needs it: the raw pixel
    /// bytes, labels and (when the batch augments) augmentation seeds of its images, written
    /// to the front of the caller's buffers. Returns the share's image count.
    ///
    /// # Errors
    /// No batch under way, `k` out of range, or buffers too short.
    pub fn share_input(
        &self,
        k: usize,
        pixels: &mut [u8],
        labels: &mut [u8],
        seeds: &mut [u32],
    ) -> Result<usize> {
        let Some(p) = self.pending else {
            return Err(Error::NoData("no batch is under way".into()));
        };
        if k == 0 || k >= p.parts {
            return Err(Error::argument(
                "share",
                k,
                "must be one of the other workers' shares",
            ));
        }
        let range = share_range(p.len, p.parts, k);
        let n = range.len();
        if pixels.len() < n * PIXELS || labels.len() < n || seeds.len() < n {
            return Err(Error::shape("share buffers", n * PIXELS, pixels.len()));
        }
        for (j, &i) in self.batch_indices[range.clone()].iter().enumerate() {
            pixels[j * PIXELS..(j + 1) * PIXELS].copy_from_slice(batch_image(
                &self.train,
                &self.drawings,
                i,
            )?);
        }
        labels[..n].copy_from_slice(&self.y[range.clone()]);
        if p.augment {
            seeds[..n].copy_from_slice(&self.batch_seeds[range]);
        }
        Ok(n)
    }

    /// Computes at most `max_images` (whole micro-batches of 16) of this trainer's share of
    /// the batch under way, summing their gradient; returns the images computed.
    ///
    /// # Errors
    /// No batch under way, or the training set changed under it.
    pub fn train_own(&mut self, max_images: usize) -> Result<usize> {
        let Some(mut pending) = self.pending else {
            return Err(Error::NoData("no batch is under way".into()));
        };
        let (mut budget, mut images) = (max_images.max(1), 0);
        while pending.done < pending.own_end && budget > 0 {
            let (a, b) = (
                pending.done,
                MICRO_BATCH.min(pending.own_end - pending.done),
            );
            for j in a..a + b {
                let bytes = batch_image(&self.train, &self.drawings, self.batch_indices[j])?;
                for (out, &p) in self.x[j * PIXELS..(j + 1) * PIXELS].iter_mut().zip(bytes) {
                    *out = f32::from(p) / 255.0;
                }
            }
            let pass = self.step_pass(a);
            let x = &mut self.x[a * PIXELS..(a + b) * PIXELS];
            if pending.augment {
                for (image, &seed) in x.chunks_exact_mut(PIXELS).zip(&self.batch_seeds[a..a + b]) {
                    self.augmenter.distort(&mut image_rng(seed), image);
                }
            }
            let (loss, correct) =
                self.model
                    .accumulate_micro(pass, x, &self.y[a..a + b], pending.len, a == 0);
            pending.loss_sum += loss;
            pending.correct += correct;
            pending.done += b;
            pending.accounted += b;
            images += b;
            budget = budget.saturating_sub(b);
        }
        self.pending = Some(pending);
        Ok(images)
    }

    /// The training pass of the batch under way from its image `first` on: its random choices
    /// (dropout's) from the seed, the step and the images' places in the batch.
    fn step_pass(&self, first: usize) -> Pass {
        Pass::Train {
            key: Pass::step_key(self.config.seed, self.total_steps),
            first,
        }
    }

    /// The pass share `k` of the batch under way is computed in ([`Trainer::share_gradient`]),
    /// so that every worker drops the units one worker would.
    ///
    /// # Errors
    /// No batch under way.
    pub fn share_pass(&self, k: usize) -> Result<Pass> {
        let Some(p) = self.pending else {
            return Err(Error::NoData("no batch is under way".into()));
        };
        Ok(self.step_pass(share_range(p.len, p.parts, k).start))
    }

    /// Images of this trainer's own share still to compute (0 when none is under way).
    pub fn own_remaining(&self) -> usize {
        self.pending.map_or(0, |p| p.own_end - p.done)
    }

    /// Adds another worker's share gradient (of the batch under way, scaled to the whole
    /// batch: [`Trainer::share_gradient`]) to the batch's. Call after this trainer's own
    /// share is complete, once per share, in share order: the sum is then the same bits on
    /// every run.
    ///
    /// # Errors
    /// No batch under way, the own share incomplete, more images than the batch holds, or a
    /// gradient of the wrong length.
    pub fn add_share(&mut self, grad: &[f32], stats: ShareStats) -> Result<()> {
        let Some(mut pending) = self.pending else {
            return Err(Error::NoData("no batch is under way".into()));
        };
        if grad.len() != self.model.grads.len() {
            return Err(Error::shape("gradient", self.model.grads.len(), grad.len()));
        }
        if pending.done < pending.own_end || pending.accounted + stats.images > pending.len {
            return Err(Error::argument(
                "share",
                stats.images,
                "does not fit the batch under way",
            ));
        }
        // A plain loop: LLVM vectorizes it to SIMD128 in the wasm build.
        for (g, s) in self.model.grads.iter_mut().zip(grad) {
            *g += *s;
        }
        pending.loss_sum += stats.loss_sum;
        pending.correct += stats.correct;
        pending.accounted += stats.images;
        self.pending = Some(pending);
        Ok(())
    }

    /// The batch under way is computed alone from here: its other shares are dropped (a
    /// worker failed) and this trainer computes the whole batch again, images and
    /// distortions as before.
    pub fn compute_step_alone(&mut self) {
        if let Some(p) = &mut self.pending {
            p.own_end = p.len;
            p.parts = 1;
            p.done = 0;
            p.accounted = 0;
            p.loss_sum = 0.0;
            p.correct = 0;
        }
    }

    /// Every image of the batch under way is in: [`Trainer::finish_step`] may run.
    pub fn step_ready(&self) -> bool {
        self.pending.is_some_and(|p| p.accounted == p.len)
    }

    /// Adam's step with the batch's summed gradient, at the scheduled rate; the counters move
    /// on. The gradient applied stays readable ([`Trainer::step_gradient`]) for the other
    /// workers ([`Trainer::apply_gradient`]), and the report's `learning_rate` is the rate.
    /// `images` in the report is the batch's size.
    ///
    /// # Errors
    /// No complete batch, or the loss diverged: the step is not applied and its batch is
    /// skipped.
    pub fn finish_step(&mut self) -> Result<StepReport> {
        if !self.step_ready() {
            return Err(Error::NoData("the batch under way is not complete".into()));
        }
        let Some(pending) = self.pending.take() else {
            return Err(Error::NoData("no batch is under way".into()));
        };
        let loss = (pending.loss_sum / pending.len as f64) as f32;
        // Planned before the epoch's end clears its order (which sizes the epoch).
        self.adam.config.lr = self.next_learning_rate();
        self.model.apply_grads(loss, &mut self.adam)?;
        self.total_steps += 1;
        let epoch_done = pending.last;
        if epoch_done {
            self.order.clear();
            self.cursor = 0;
            self.epoch += 1;
        }
        let accuracy = pending.correct as f32 / pending.len as f32;
        Ok(self.report(loss, accuracy, pending.len, 1, epoch_done))
    }

    /// The gradient of the last step (as applied by [`Trainer::finish_step`]), or of the
    /// last share computed by [`Trainer::share_gradient`].
    pub fn step_gradient(&self) -> &[f32] {
        &self.model.grads
    }

    /// The gradient of a share of another trainer's batch (what [`Trainer::share_input`]
    /// gave: `labels.len()` images as raw bytes, their labels and seeds), scaled so that the
    /// shares' gradients add up to the mean over the whole batch of `batch` images, written
    /// to `grad`. Distorts each image from its seed when `augment`. Touches neither the
    /// parameters nor this trainer's own batch. Allocates nothing. Drops no unit: see
    /// [`Trainer::share_gradient_in`].
    ///
    /// # Errors
    /// Inconsistent lengths, an empty share, more images than `batch` or [`MAX_BATCH`], or a
    /// label above 9; nothing is computed then.
    pub fn share_gradient(
        &mut self,
        pixels: &[u8],
        labels: &[u8],
        seeds: &[u32],
        batch: usize,
        augment: bool,
        grad: &mut [f32],
    ) -> Result<ShareStats> {
        let share = (pixels, labels, seeds);
        self.share_gradient_in(Pass::Eval, share, batch, augment, grad)
    }

    /// [`Trainer::share_gradient`] of `(pixels, labels, seeds)` in `pass`: with the
    /// coordinator's [`Trainer::share_pass`] and this trainer's dropout setting, it drops the
    /// units one worker computing the whole batch would (allocating when the setting changed).
    ///
    /// # Errors
    /// As [`Trainer::share_gradient`].
    pub fn share_gradient_in(
        &mut self,
        pass: Pass,
        (pixels, labels, seeds): (&[u8], &[u8], &[u32]),
        batch: usize,
        augment: bool,
        grad: &mut [f32],
    ) -> Result<ShareStats> {
        let n = labels.len();
        if n == 0 || n > batch || batch > MAX_BATCH {
            return Err(Error::argument(
                "share",
                n,
                "must hold 1 to `batch` (at most 1024) images",
            ));
        }
        if pixels.len() != n * PIXELS {
            return Err(Error::shape("share pixels", n * PIXELS, pixels.len()));
        }
        if augment && seeds.len() != n {
            return Err(Error::shape("share seeds", n, seeds.len()));
        }
        if grad.len() != self.model.grads.len() {
            return Err(Error::shape("gradient", self.model.grads.len(), grad.len()));
        }
        crate::model::validate_labels(labels, self.model.classes())?;
        self.model.set_options(self.config.network_options())?;
        // A batch of this trainer's own stays where it is (its images are re-read anyway).
        let mut stats = ShareStats::default();
        for a in (0..n).step_by(MICRO_BATCH) {
            let b = MICRO_BATCH.min(n - a);
            let x = &mut self.x[a * PIXELS..(a + b) * PIXELS];
            for (out, &p) in x.iter_mut().zip(&pixels[a * PIXELS..(a + b) * PIXELS]) {
                *out = f32::from(p) / 255.0;
            }
            if augment {
                for (image, &seed) in x.chunks_exact_mut(PIXELS).zip(&seeds[a..a + b]) {
                    self.augmenter.distort(&mut image_rng(seed), image);
                }
            }
            let (loss, correct) =
                self.model
                    .accumulate_micro(pass.advanced(a), x, &labels[a..a + b], batch, a == 0);
            stats.loss_sum += loss;
            stats.correct += correct;
            stats.images += b;
        }
        grad.copy_from_slice(&self.model.grads);
        Ok(stats)
    }

    /// Adam's step with a gradient another worker summed ([`Trainer::step_gradient`] after
    /// its [`Trainer::finish_step`]) at its rate `lr`: every worker then holds the same
    /// parameters and optimizer state. Counters do not move (the coordinating trainer keeps
    /// them).
    ///
    /// # Errors
    /// A gradient of the wrong length or not finite; nothing changes then.
    pub fn apply_gradient(&mut self, grad: &[f32], lr: f32) -> Result<()> {
        if grad.len() != self.model.grads.len() {
            return Err(Error::shape("gradient", self.model.grads.len(), grad.len()));
        }
        if grad.iter().any(|g| !g.is_finite()) {
            return Err(Error::Diverged { loss: f32::NAN });
        }
        self.adam.config.lr = lr;
        self.adam.step(&mut self.model.params, grad);
        Ok(())
    }

    /// A checksum of the parameters and Adam's state (moments and step count), bit for bit:
    /// workers that hold the same model give the same number.
    pub fn state_checksum(&self) -> u32 {
        let mut h = 0x811c_9dc5u32; // FNV-1a over the bits
        let mut eat = |word: u32| {
            for byte in word.to_le_bytes() {
                h = (h ^ u32::from(byte)).wrapping_mul(0x0100_0193);
            }
        };
        for &x in self
            .model
            .params
            .iter()
            .chain(&self.adam.m)
            .chain(&self.adam.v)
        {
            eat(x.to_bits());
        }
        eat(self.adam.t as u32);
        h
    }

    /// Takes the next batch of this epoch's order: its indices, labels and distortion seeds
    /// (the pixels are read as each share is computed).
    fn start_batch(&mut self) -> Result<Pending> {
        if self.epoch_size() == 0 {
            return Err(Error::NoData("no training images are loaded yet".into()));
        }
        if self.order.is_empty() {
            let n = self.epoch_size() as u32;
            self.order.extend(0..n);
            self.order.shuffle(&mut self.shuffle_rng);
            self.cursor = 0;
        }
        let end = (self.cursor + self.config.batch_size).min(self.order.len());
        let len = end - self.cursor;
        self.batch_indices.clear();
        self.batch_indices
            .extend_from_slice(&self.order[self.cursor..end]);
        let augment = self.config.augment;
        self.batch_seeds.clear();
        if augment {
            let rng = &mut self.augment_rng;
            self.batch_seeds.extend((0..len).map(|_| rng.next_u32()));
        }
        if let Some(&bad) = self
            .batch_indices
            .iter()
            .find(|&&i| i as usize >= self.train.len())
        {
            return Err(Error::shape(
                "example index",
                format!("below {}", self.train.len()),
                bad,
            ));
        }
        for (label, &i) in self.y[..len].iter_mut().zip(&self.batch_indices) {
            *label = self.train.label(i as usize);
        }
        if self.config.train_on_drawings && !self.drawings.is_empty() {
            // The batch's last places go to the user's drawings (their MNIST images sit this
            // epoch out), named by index with the DRAWING bit (`batch_image`), so every
            // worker's share reads them the same way; they are distorted as the batch is.
            let share = f64::from(self.config.drawings_share);
            let k = ((len as f64 * share).round() as usize).clamp(1, len);
            for slot in len - k..len {
                let i = self.teacher.rng().random_range(0..self.drawings.len());
                self.batch_indices[slot] = DRAWING | i as u32;
                self.y[slot] = self.drawings.label(i);
            }
        }
        self.cursor = end;
        Ok(Pending {
            len,
            last: end == self.order.len(),
            done: 0,
            own_end: len,
            parts: 1,
            accounted: 0,
            augment,
            loss_sum: 0.0,
            correct: 0,
        })
    }

    fn report(
        &self,
        loss: f32,
        accuracy: f32,
        images: usize,
        steps: usize,
        epoch_done: bool,
    ) -> StepReport {
        let p = self.progress();
        StepReport {
            loss,
            accuracy,
            images,
            steps,
            epoch: p.epoch,
            step_in_epoch: p.step_in_epoch,
            steps_per_epoch: p.steps_per_epoch,
            epoch_done,
            total_steps: p.total_steps,
            learning_rate: self.adam.config.lr,
        }
    }

    /// Loss, accuracy and predictions over up to `limit` usable images of a set, starting at
    /// image `offset`. Allocates its predictions: for native tools; the app evaluates through
    /// [`Trainer::evaluate_into`].
    ///
    /// # Errors
    /// No usable images at `offset`.
    pub fn evaluate(
        &mut self,
        split: Split,
        offset: usize,
        limit: Option<usize>,
    ) -> Result<EvalReport> {
        let set = self.data(split);
        let available = set.len().saturating_sub(offset);
        let count = limit.map_or(available, |l| l.min(available));
        let mut predictions = vec![0u8; count];
        let mut confidence = vec![0.0f32; count];
        let sums = self.evaluate_into(split, offset, &mut predictions, &mut confidence)?;
        Ok(EvalReport {
            loss: sums.loss() as f32,
            accuracy: sums.accuracy() as f32,
            count,
            predictions,
        })
    }

    /// Evaluates the `predictions.len()` images of a set from image `offset` on, writing each
    /// one's predicted class to `predictions` and that class's probability to `confidence`
    /// (both the caller's, of equal length), so a long evaluation can run in short slices
    /// whose [`EvalSums`] add up. Allocates nothing.
    ///
    /// # Errors
    /// Buffers of different lengths, or fewer usable images than asked for at `offset`.
    pub fn evaluate_into(
        &mut self,
        split: Split,
        offset: usize,
        predictions: &mut [u8],
        confidence: &mut [f32],
    ) -> Result<EvalSums> {
        let count = predictions.len();
        if confidence.len() != count {
            return Err(Error::shape("confidence buffer", count, confidence.len()));
        }
        let set = match split {
            Split::Train => &self.train,
            Split::Test => &self.test,
        };
        if count == 0 || offset + count > set.len() {
            return Err(Error::NoData(format!(
                "{count} {} images from index {offset}: {} are loaded",
                set.name(),
                set.len()
            )));
        }
        let mut indices = [0u32; EVAL_SLICE];
        let mut sums = EvalSums::default();
        for start in (0..count).step_by(EVAL_SLICE) {
            let b = (count - start).min(EVAL_SLICE);
            for (k, idx) in indices[..b].iter_mut().enumerate() {
                *idx = (offset + start + k) as u32;
            }
            let (x, y) = (&mut self.x[..b * PIXELS], &mut self.y[..b]);
            set.fill_batch(&indices[..b], x, y)?;
            let preds = &mut predictions[start..start + b];
            let conf = &mut confidence[start..start + b];
            let stats = self.model.evaluate_batch(x, y, preds, conf)?;
            sums.add(EvalSums {
                count: b,
                correct: stats.correct,
                loss_sum: f64::from(stats.loss) * b as f64,
            });
        }
        Ok(sums)
    }

    /// Class probabilities, `n·784` pixels in [0, 1] → `n·10`.
    ///
    /// # Errors
    /// A length that is not a multiple of 784, or non-finite pixels.
    pub fn predict(&mut self, pixels: &[f32]) -> Result<Vec<f32>> {
        if pixels.is_empty() || pixels.len() % PIXELS != 0 {
            return Err(Error::shape(
                "pixels",
                format!("n x {PIXELS} values"),
                pixels.len(),
            ));
        }
        let mut probs = vec![0.0; pixels.len() / PIXELS * self.model.classes()];
        self.model.predict(pixels, &mut probs)?;
        Ok(probs)
    }

    /// The weights file: parameters, Adam's state and the counters.
    ///
    /// # Errors
    /// Only if the buffers were resized behind the trainer's back.
    pub fn export_weights(&self) -> Result<Vec<u8>> {
        let adam = Some((self.adam.t, &self.adam.m[..], &self.adam.v[..]));
        let arch = self.model.arch();
        weights::encode(arch, &self.model.params, adam, self.epoch, self.total_steps)
    }

    /// The weights file without Adam's state: parameters and counters only, a model to start
    /// from (the page's pretrained model), a third of [`Trainer::export_weights`]'s size.
    ///
    /// # Errors
    /// Only if the buffers were resized behind the trainer's back.
    pub fn export_params(&self) -> Result<Vec<u8>> {
        let arch = self.model.arch();
        weights::encode(arch, &self.model.params, None, self.epoch, self.total_steps)
    }

    /// Replaces the user's drawings (`images`: `n·784` bytes, `labels`: `n`); on an error
    /// they stay as they were.
    ///
    /// # Errors
    /// See [`Drawings::new`].
    pub fn set_drawings(&mut self, images: &[u8], labels: &[u8]) -> Result<()> {
        crate::model::validate_labels(labels, self.model.classes())?;
        self.drawings = Drawings::new(images, labels)?;
        Ok(())
    }

    pub fn drawings(&self) -> &Drawings {
        &self.drawings
    }

    /// The fine-tune's settings (batch mix, steps, rate); see [`crate::teach`].
    pub fn teach_config_mut(&mut self) -> &mut TeachConfig {
        &mut self.teacher.config
    }

    /// Applies the settings of "Learn them for good" ([`crate::teach::learn_drawings_config`])
    /// for the next planned run; a later [`Trainer::set_config`] replaces them.
    ///
    /// # Errors
    /// No drawings to learn; nothing changes then.
    pub fn use_learn_drawings_config(&mut self) -> Result<()> {
        if self.drawings.is_empty() {
            return Err(Error::NoData(
                "no drawings to learn: correct a guess with \"It's a …\" first".into(),
            ));
        }
        self.set_config(crate::teach::learn_drawings_config(&self.config))
    }

    /// Fine-tunes the model on the drawings: `steps` Adam steps of the teacher's own optimizer
    /// on [`crate::teach::mix_batch`] batches around drawing `newest` (the one just taught, if
    /// any), with replayed training images. The run's counters, schedule and Adam state do not
    /// move; a batch under way in `train_part` is kept.
    ///
    /// # Errors
    /// `newest` past the drawings, nothing to train on, or divergence (the diverged step is not
    /// applied; earlier steps are).
    pub fn fine_tune(&mut self, newest: Option<usize>, steps: usize) -> Result<TeachReport> {
        // A batch under way in `train_part` has its gradient summed in the model's buffer,
        // which the fine-tune's steps overwrite: keep it aside.
        let kept = self.pending.is_some();
        if kept {
            self.grads_aside.clear();
            self.grads_aside.extend_from_slice(&self.model.grads);
        }
        let (mut loss, mut mix) = (f32::NAN, Default::default());
        let mut result = Ok(());
        for _ in 0..steps {
            match self.teacher.step(
                &mut self.model,
                &self.train,
                &self.drawings,
                newest,
                self.config.augment,
            ) {
                Ok(r) => (loss, mix) = r,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if kept {
            self.model.grads.copy_from_slice(&self.grads_aside);
        }
        result?;
        let classes = self.model.classes();
        let (mut probability, mut predicted) = (f32::NAN, classes as u8);
        if let Some(i) = newest {
            let image: Vec<f32> = self
                .drawings
                .image(i)
                .iter()
                .map(|&p| f32::from(p) / 255.0)
                .collect();
            let mut probs = vec![0.0f32; classes];
            self.model.predict(&image, &mut probs)?;
            let (class, _) = crate::loss::top_class(&probs);
            predicted = class as u8;
            probability = probs[usize::from(self.drawings.label(i))];
        }
        Ok(TeachReport {
            steps,
            loss,
            mix,
            probability,
            predicted,
        })
    }

    /// Every layer's output for one image (784 pixels in [0, 1]) into `out`
    /// ([`crate::network::ACTIVATION_LEN`] values, laid out by
    /// [`crate::network::activation_layout`]).
    ///
    /// # Errors
    /// See [`Model::activations`].
    pub fn activations(&mut self, pixels: &[f32], out: &mut [f32]) -> Result<()> {
        self.model.activations(pixels, out)
    }

    /// Loads a weights file; on any error the trainer is unchanged.
    ///
    /// # Errors
    /// See [`weights::decode`].
    pub fn import_weights(&mut self, bytes: &[u8]) -> Result<()> {
        let ckpt = weights::decode(bytes)?;
        self.fit_checkpoint(&ckpt)?;
        self.model.params.copy_from_slice(&ckpt.params);
        match ckpt.adam {
            Some(state) => {
                self.adam.t = state.t;
                self.adam.m.copy_from_slice(&state.m);
                self.adam.v.copy_from_slice(&state.v);
            }
            None => self.adam.reset(),
        }
        self.teacher.reset(self.config.seed);
        self.epoch = ckpt.epochs;
        self.total_steps = ckpt.steps;
        self.run_start = ckpt.steps;
        self.pending = None;
        self.order.clear();
        self.cursor = 0;
        Ok(())
    }
}
