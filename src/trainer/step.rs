//! One training step, cut into shares for data parallelism: the coordinating trainer computes
//! share 0 of its batch and adds the other workers' share gradients in order; a compute
//! worker computes a share of another trainer's batch ([`Trainer::share_gradient`]) and
//! applies the summed gradient ([`Trainer::apply_gradient`]). Alone, a step is one share
//! ([`Trainer::train_part`]).

use serde::Serialize;

use super::batch::{batch_image, image_rng};
use super::{EvalSums, StepReport, Trainer};
use crate::error::{Error, Result};
use crate::layers::Pass;
use crate::model::{MAX_BATCH, MICRO_BATCH, PIXELS};

/// A batch under way: what stays fixed while its shares are computed. Its images' indices,
/// labels and seeds sit in the trainer's batch buffers.
#[derive(Clone, Copy, Debug)]
pub(super) struct Batch {
    pub(super) len: usize,
    /// The last batch of the epoch's order.
    pub(super) last: bool,
    /// Shares the batch is cut into ([`share_range`]); this trainer computes share 0.
    pub(super) parts: usize,
    /// Distort the images (the `augment` setting when the batch began).
    pub(super) augment: bool,
}

impl Batch {
    /// This trainer computes images `0..own_end`; the rest are other workers' shares.
    fn own_end(&self) -> usize {
        share_range(self.len, self.parts, 0).end
    }
}

/// Where the step stands. The sums count the images whose gradient is in the model's
/// gradient buffer, with their summed loss and correct count.
#[derive(Clone, Copy, Debug, Default)]
pub(super) enum Step {
    /// No batch under way.
    #[default]
    Idle,
    /// This trainer computes its own share ([`Trainer::train_own`]): fewer than its
    /// `own_end` images are in.
    Own(Batch, ShareStats),
    /// The own share is in; the other workers' shares are being added ([`Trainer::add_share`]).
    Shares(Batch, ShareStats),
    /// Every image is in: [`Trainer::finish_step`] may run.
    Ready(Batch, ShareStats),
}

impl Step {
    /// The step once `sums.images` images of `batch` are in, counting the own share first.
    fn at(batch: Batch, sums: ShareStats) -> Step {
        if sums.images == batch.len {
            Step::Ready(batch, sums)
        } else if sums.images >= batch.own_end() {
            Step::Shares(batch, sums)
        } else {
            Step::Own(batch, sums)
        }
    }

    pub(super) fn batch(&self) -> Option<Batch> {
        match *self {
            Step::Idle => None,
            Step::Own(b, _) | Step::Shares(b, _) | Step::Ready(b, _) => Some(b),
        }
    }
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

impl Trainer {
    /// Starts the next batch unless one is under way, to be computed in `parts` shares
    /// ([`share_range`]): this trainer computes share 0 ([`Trainer::train_own`]), the caller
    /// hands shares `1..` to other workers ([`Trainer::share_input`]) and adds their gradients
    /// in order ([`Trainer::add_share`]) before [`Trainer::finish_step`]. Returns the number
    /// of shares the batch is cut into: at most `parts` and the batch's size; for a batch
    /// already under way, the shares it was cut into.
    ///
    /// # Errors
    /// No usable training data.
    pub fn begin_step(&mut self, parts: usize) -> Result<usize> {
        if let Some(batch) = self.step.batch() {
            return Ok(batch.parts);
        }
        let mut batch = self.start_batch()?;
        // Dropout's setting takes effect here, at a step's start.
        self.model.set_options(self.config.network_options())?;
        batch.parts = parts.clamp(1, batch.len);
        self.step = Step::Own(batch, ShareStats::default());
        Ok(batch.parts)
    }

    /// Images in the batch under way (0 when none is).
    pub fn step_images(&self) -> usize {
        self.step.batch().map_or(0, |b| b.len)
    }

    /// Whether the batch under way distorts its images (false when none is under way).
    pub fn step_augments(&self) -> bool {
        self.step.batch().is_some_and(|b| b.augment)
    }

    /// Whether a batch is under way.
    pub fn step_under_way(&self) -> bool {
        self.step.batch().is_some()
    }

    /// Share `k` (from 1; share 0 is this trainer's) of the batch under way, as another worker
    /// needs it: the raw pixel bytes, labels and (when the batch augments) augmentation seeds of
    /// its images, written to the front of the caller's buffers. Returns the share's image count.
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
        let Some(p) = self.step.batch() else {
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
    /// the batch under way, summing their gradient; returns the images computed (0 once the
    /// own share is in).
    ///
    /// # Errors
    /// No batch under way, or the training set changed under it.
    pub fn train_own(&mut self, max_images: usize) -> Result<usize> {
        let (batch, mut sums) = match self.step {
            Step::Idle => return Err(Error::NoData("no batch is under way".into())),
            Step::Own(batch, sums) => (batch, sums),
            Step::Shares(..) | Step::Ready(..) => return Ok(0),
        };
        let own_end = batch.own_end();
        let (mut budget, mut images) = (max_images.max(1), 0);
        while sums.images < own_end && budget > 0 {
            let (a, b) = (sums.images, MICRO_BATCH.min(own_end - sums.images));
            for j in a..a + b {
                let bytes = batch_image(&self.train, &self.drawings, self.batch_indices[j])?;
                for (out, &p) in self.x[j * PIXELS..(j + 1) * PIXELS].iter_mut().zip(bytes) {
                    *out = f32::from(p) / 255.0;
                }
            }
            let pass = self.step_pass(a);
            let x = &mut self.x[a * PIXELS..(a + b) * PIXELS];
            if batch.augment {
                let seeds = self.batch_seeds[a..a + b].iter().zip(&self.y[a..a + b]);
                for (image, (&seed, &label)) in x.chunks_exact_mut(PIXELS).zip(seeds) {
                    self.augmenter
                        .distort_labelled(&mut image_rng(seed), image, label);
                }
            }
            let (loss, correct) =
                self.model
                    .accumulate_micro(pass, x, &self.y[a..a + b], batch.len, a == 0);
            sums.loss_sum += loss;
            sums.correct += correct;
            sums.images += b;
            images += b;
            budget = budget.saturating_sub(b);
        }
        self.step = Step::at(batch, sums);
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

    /// The pass share `k` of the batch under way is computed in
    /// ([`Trainer::share_gradient_in`]), so that every worker drops the units one worker would.
    ///
    /// # Errors
    /// No batch under way.
    pub fn share_pass(&self, k: usize) -> Result<Pass> {
        let Some(batch) = self.step.batch() else {
            return Err(Error::NoData("no batch is under way".into()));
        };
        Ok(self.step_pass(share_range(batch.len, batch.parts, k).start))
    }

    /// Images of this trainer's own share still to compute (0 when none is under way).
    pub fn own_remaining(&self) -> usize {
        match self.step {
            Step::Own(batch, sums) => batch.own_end() - sums.images,
            _ => 0,
        }
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
        if self.step.batch().is_none() {
            return Err(Error::NoData("no batch is under way".into()));
        }
        if grad.len() != self.model.grads.len() {
            return Err(Error::shape("gradient", self.model.grads.len(), grad.len()));
        }
        let (batch, mut sums) = match self.step {
            Step::Shares(batch, sums) if sums.images + stats.images <= batch.len => (batch, sums),
            _ => {
                return Err(Error::argument(
                    "share",
                    stats.images,
                    "does not fit the batch under way",
                ));
            }
        };
        // A plain loop: LLVM vectorizes it to SIMD128 in the wasm build.
        for (g, s) in self.model.grads.iter_mut().zip(grad) {
            *g += *s;
        }
        sums.loss_sum += stats.loss_sum;
        sums.correct += stats.correct;
        sums.images += stats.images;
        self.step = Step::at(batch, sums);
        Ok(())
    }

    /// The batch under way is computed alone from here: its other shares are dropped (a
    /// worker failed) and this trainer computes the whole batch again, images and
    /// distortions as before.
    pub fn compute_step_alone(&mut self) {
        if let Some(batch) = self.step.batch() {
            let batch = Batch { parts: 1, ..batch };
            self.step = Step::Own(batch, ShareStats::default());
        }
    }

    /// Every image of the batch under way is in: [`Trainer::finish_step`] may run.
    pub fn step_ready(&self) -> bool {
        matches!(self.step, Step::Ready(..))
    }

    /// The optimizer's step with the batch's summed gradient, at the scheduled rate; the counters
    /// move on. The gradient applied stays readable ([`Trainer::step_gradient`]) for the other
    /// workers ([`Trainer::apply_gradient`]), and the report's `learning_rate` is the rate.
    /// `images` in the report is the batch's size.
    ///
    /// # Errors
    /// No complete batch, or the loss diverged: the step is not applied and its batch is
    /// skipped.
    pub fn finish_step(&mut self) -> Result<StepReport> {
        let Step::Ready(batch, sums) = self.step else {
            return Err(Error::NoData("the batch under way is not complete".into()));
        };
        self.step = Step::Idle;
        let loss = (sums.loss_sum / batch.len as f64) as f32;
        // Planned before the epoch's end clears its order (which sizes the epoch).
        self.optimizer.lr = self.next_learning_rate();
        self.model.apply_grads(loss, &mut self.optimizer)?;
        self.total_steps += 1;
        self.epoch_train.add(EvalSums {
            count: batch.len,
            correct: sums.correct,
            loss_sum: sums.loss_sum,
        });
        let epoch_done = batch.last;
        if epoch_done {
            self.order.clear();
            self.cursor = 0;
            self.epoch += 1;
            self.last_epoch_train = std::mem::take(&mut self.epoch_train);
        }
        let accuracy = sums.correct as f32 / batch.len as f32;
        Ok(self.report(loss, accuracy, batch.len, 1, epoch_done))
    }

    /// The gradient of the last step, as [`Trainer::finish_step`] applied it (while a batch is
    /// under way: the part of its gradient summed so far).
    pub fn step_gradient(&self) -> &[f32] {
        &self.model.grads
    }

    /// The gradient of a share of another trainer's batch (what [`Trainer::share_input`]
    /// gave: `labels.len()` images as raw bytes, their labels and seeds), scaled so that the
    /// shares' gradients add up to the mean over the whole batch of `batch` images, written
    /// to `grad`. Distorts each image from its seed when `augment`. Touches neither the
    /// parameters nor this trainer's own batch or gradient ([`Trainer::step_gradient`]).
    /// Allocates nothing. Drops no unit: see [`Trainer::share_gradient_in`].
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
        // This trainer's own gradient waits in `grad` while the model sums the share's in its
        // buffer (swapped back below); a batch of its own keeps its place (its images are
        // read into the batch buffers again as they are computed).
        grad.swap_with_slice(&mut self.model.grads);
        let mut stats = ShareStats::default();
        for a in (0..n).step_by(MICRO_BATCH) {
            let b = MICRO_BATCH.min(n - a);
            let x = &mut self.x[a * PIXELS..(a + b) * PIXELS];
            for (out, &p) in x.iter_mut().zip(&pixels[a * PIXELS..(a + b) * PIXELS]) {
                *out = f32::from(p) / 255.0;
            }
            if augment {
                let seeds = seeds[a..a + b].iter().zip(&labels[a..a + b]);
                for (image, (&seed, &label)) in x.chunks_exact_mut(PIXELS).zip(seeds) {
                    self.augmenter
                        .distort_labelled(&mut image_rng(seed), image, label);
                }
            }
            let (loss, correct) =
                self.model
                    .accumulate_micro(pass.advanced(a), x, &labels[a..a + b], batch, a == 0);
            stats.loss_sum += loss;
            stats.correct += correct;
            stats.images += b;
        }
        grad.swap_with_slice(&mut self.model.grads);
        Ok(stats)
    }

    /// The optimizer's step with a gradient another worker summed ([`Trainer::step_gradient`] after
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
        self.optimizer.lr = lr;
        self.optimizer.step(&mut self.model.params, grad);
        Ok(())
    }

    /// A checksum of the parameters, the optimizer's state (Adam's moments, say) and its step
    /// count, bit for bit: workers that hold the same model give the same number.
    pub fn state_checksum(&self) -> u32 {
        let mut h = 0x811c_9dc5u32; // FNV-1a over the bits
        let mut eat = |word: u32| {
            for byte in word.to_le_bytes() {
                h = (h ^ u32::from(byte)).wrapping_mul(0x0100_0193);
            }
        };
        let o = &self.optimizer;
        for &x in self.model.params.iter().chain(o.state.iter().flatten()) {
            eat(x.to_bits());
        }
        eat(o.t as u32);
        h
    }
}
