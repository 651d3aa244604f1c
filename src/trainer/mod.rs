//! The training session: model, optimizer, data sets and the epoch cursor behind one handle.
//! The wasm facade and the native example both drive this; it holds no JavaScript types.
//!
//! An epoch is one pass, in a freshly shuffled (seeded) order, over the first `train_size`
//! usable training images (all of them when fewer are loaded). Data may still be streaming in:
//! each epoch takes what is usable when it starts.
//!
//! A *run* is what one press of Train starts: [`Trainer::start_run`] marks its first step, and
//! the run is planned to last `epochs` × steps per epoch. With `schedule` on, every optimizer
//! step takes its rate from [`crate::optim::schedule::lr_at`] at the step's place in that plan:
//! - the plan is recomputed at each step from the current settings and the current epoch's
//!   size, from the run's first step on: changing `epochs`, `batch_size` or `train_size`
//!   mid-run moves the rate to where the new plan puts this step (no restart of the warm-up);
//! - steps past the plan hold the final rate; a pause (or slicing a batch over calls) changes
//!   nothing, the counters carry on;
//! - a new run (Train pressed again after a run ended, "Train more"), [`Trainer::reset`] and
//!   [`Trainer::import_weights`] start a new plan, warming up again from its own first step;
//!   a trainer that never had `start_run` called plans from its first step ever;
//! - [`Trainer::continue_run`] starts a run on a model that has trained already: the same
//!   plan without warm-up, at a peak of `learning_rate × CONTINUE_SHARE` (a twentieth).

//!
//! By job: this file holds the session and the training loop; [`step`] a step's batch cut
//! into shares for data-parallel workers, `batch` which images a step trains on, [`eval`]
//! evaluation and prediction, `teaching` the user's drawings and the fine-tune on them.

mod batch;
mod classes;
pub mod eval;
pub mod step;
mod teaching;
mod validation;

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use serde::Serialize;

pub use crate::config::TrainerConfig;
pub use eval::{EvalReport, EvalSums};
pub use step::{ShareStats, share_range};
pub use validation::ValidationReport;

pub use crate::data::Split;
use crate::data::augment::{Augmentations, Augmenter};
use crate::data::{DataSet, ValidationSplit};
use crate::error::{Error, Result};
use crate::model::{MAX_BATCH, Model, PIXELS};
use crate::optim::Optimizer;
use crate::teach::{Drawings, TeachConfig, Teacher};
use crate::weights;
use eval::EVAL_SLICE;
use step::Step;
use validation::EarlyStop;

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
    /// The optimizer's rate at the last step taken (the configured rate before any step).
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

/// Model, optimizer, data and progress.
pub struct Trainer {
    config: TrainerConfig,
    model: Model,
    optimizer: Optimizer,
    train: DataSet,
    test: DataSet,
    shuffle_rng: Pcg64Mcg,
    /// Draws the distortions when `config.augment`; separate from `shuffle_rng`, so the image
    /// order does not depend on the setting.
    augment_rng: Pcg64Mcg,
    /// This epoch's image order (the pool without the held-out images); empty between epochs.
    order: Vec<u32>,
    /// Which training images are held out for validation (`config.validation_split`).
    validation: ValidationSplit,
    /// The held-out images of the pool, as `validation_size` last listed them.
    val_indices: Vec<u32>,
    /// The run's best validation loss and weights, for `config.patience`.
    early: EarlyStop,
    /// The training loss and accuracy summed over the epoch under way's steps, and over the
    /// last completed epoch's (Keras's `loss` and `accuracy` in `fit`'s history).
    epoch_train: EvalSums,
    last_epoch_train: EvalSums,
    /// The batch under way, if any, and how far its gradient is summed.
    step: Step,
    cursor: usize,
    epoch: u32,
    total_steps: u64,
    /// `total_steps` when the current run began (see the module header).
    run_start: u64,
    /// The current run continues a trained model ([`Trainer::continue_run`]): the gentle plan.
    run_continues: bool,
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

fn shuffle_rng(seed: u32) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(u64::from(seed) ^ 0x5eed_5eed)
}

fn augment_rng(seed: u32) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(u64::from(seed) ^ 0xa11_6e4d_0000)
}

impl Trainer {
    /// # Errors
    /// An invalid configuration.
    pub fn new(config: TrainerConfig) -> Result<Self> {
        config.validate()?;
        let mut init_rng = Pcg64Mcg::seed_from_u64(u64::from(config.seed));
        let model = Model::new(&mut init_rng);
        let optimizer = Optimizer::new(config.optimizer, model.params.len(), config.learning_rate);
        Ok(Trainer {
            config,
            model,
            optimizer,
            train: DataSet::new("train"),
            test: DataSet::new("test"),
            shuffle_rng: shuffle_rng(config.seed),
            augment_rng: augment_rng(config.seed),
            order: Vec::new(),
            validation: ValidationSplit::new(config.validation_split),
            val_indices: Vec::new(),
            early: EarlyStop::default(),
            epoch_train: EvalSums::default(),
            last_epoch_train: EvalSums::default(),
            step: Step::Idle,
            cursor: 0,
            epoch: 0,
            total_steps: 0,
            run_start: 0,
            run_continues: false,
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
        self.optimizer.set_kind(config.optimizer);
        if !config.schedule {
            self.optimizer.lr = config.learning_rate;
        }
        if config.validation_split != self.config.validation_split {
            self.validation = ValidationSplit::new(config.validation_split);
        }
        if config.train_size != self.config.train_size
            || config.validation_split != self.config.validation_split
        {
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

    pub fn optimizer(&self) -> &Optimizer {
        &self.optimizer
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
        self.epoch_train = EvalSums::default();
        self.step = Step::Idle;
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
        self.optimizer.reset();
        self.shuffle_rng = shuffle_rng(seed);
        self.augment_rng = augment_rng(seed);
        self.restart_epoch();
        self.epoch = 0;
        self.total_steps = 0;
        self.run_start = 0;
        self.run_continues = false;
        self.optimizer.lr = self.config.learning_rate;
        self.teacher.reset(seed);
        self.forget_best();
    }

    /// Starts a planned run (see the module header): the next step is its first.
    pub fn start_run(&mut self) {
        self.run_start = self.total_steps;
        self.run_continues = false;
        self.forget_best();
    }

    /// Starts a run that continues a trained model (the page's "Continue training" and "Train
    /// more"): the gentle plan of [`crate::optim::schedule`], no warm-up and a peak of
    /// `learning_rate × CONTINUE_SHARE`, so weights that already read digits well are not
    /// shaken by a fresh run's full rate (fresh Adam moments make every first step the full rate).
    pub fn continue_run(&mut self) {
        self.run_start = self.total_steps;
        self.run_continues = true;
        self.forget_best();
    }

    /// Steps the current run is planned to take: `epochs` × steps per epoch now.
    pub fn planned_steps(&self) -> u64 {
        u64::from(self.config.epochs) * self.steps_per_epoch() as u64
    }

    /// The rate the next optimizer step will use.
    pub fn next_learning_rate(&self) -> f32 {
        let c = &self.config;
        if !c.schedule {
            return c.learning_rate;
        }
        let (peak, warmup_share) = if self.run_continues {
            (c.learning_rate * crate::optim::CONTINUE_SHARE, 0.0)
        } else {
            (c.learning_rate, c.warmup_share)
        };
        crate::optim::lr_at(
            self.total_steps - self.run_start,
            self.planned_steps(),
            peak,
            warmup_share,
            c.final_lr_share,
        )
    }

    /// The training pool: the first `train_size` usable training images.
    fn pool_size(&self) -> usize {
        self.config.train_size.min(self.train.len())
    }

    /// Images an epoch trains on: the pool without the held-out ones.
    fn epoch_size(&self) -> usize {
        let pool = self.pool_size();
        pool - self.validation.held_below(pool)
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

    /// Trains at most `max_images` images (rounded up to whole micro-batches of 16) of the current
    /// batch, starting a new one when none is under way; the optimizer steps when a batch is
    /// complete. So a caller can keep each call short whatever the batch size (the app answers
    /// pause within a slice). The result reports `steps: 1` with the batch's mean loss and accuracy
    /// when a batch completed in this call, else `steps: 0` and NaN loss/accuracy. Spreading a
    /// batch over calls gives exactly the parameters one call would.
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
            learning_rate: self.optimizer.lr,
        }
    }

    /// The weights file: parameters, the optimizer and its state, and the counters.
    ///
    /// # Errors
    /// Only if the buffers were resized behind the trainer's back.
    pub fn export_weights(&self) -> Result<Vec<u8>> {
        let (o, arch) = (&self.optimizer, self.model.arch());
        let state = Some((o.t, &o.state[..]));
        let params = &self.model.params;
        weights::encode(arch, params, o.kind(), state, self.epoch, self.total_steps)
    }

    /// The weights file without the optimizer's state: parameters and counters only, a model
    /// to start from (the page's pretrained model), a third of [`Trainer::export_weights`]'s
    /// size with Adam.
    ///
    /// # Errors
    /// Only if the buffers were resized behind the trainer's back.
    pub fn export_params(&self) -> Result<Vec<u8>> {
        let (kind, arch) = (self.optimizer.kind(), self.model.arch());
        weights::encode(
            arch,
            &self.model.params,
            kind,
            None,
            self.epoch,
            self.total_steps,
        )
    }

    /// Every layer's output for one image (784 pixels in [0, 1]) into `out`
    /// ([`crate::network::Architecture::activation_len`] values of the model's architecture,
    /// laid out by [`crate::network::Architecture::activation_layout`]).
    ///
    /// # Errors
    /// See [`Model::activations`].
    pub fn activations(&mut self, pixels: &[f32], out: &mut [f32]) -> Result<()> {
        self.model.activations(pixels, out)
    }

    /// Takes `params`, a flat buffer in this model's order (Keras layout, as
    /// [`crate::network::Architecture::param_tensors`] places them), from a model saved
    /// elsewhere (a Keras file): the optimizer starts afresh and the counters at zero, since
    /// the file says nothing of either. On any error the trainer is unchanged.
    ///
    /// # Errors
    /// `params` of another length than this model's ([`Error::Shape`]), or a value that is
    /// not finite ([`Error::BadInput`]).
    pub fn import_params(&mut self, params: &[f32]) -> Result<()> {
        let expected = self.model.params.len();
        if params.len() != expected {
            return Err(Error::shape("parameters", expected, params.len()));
        }
        if let Some(i) = params.iter().position(|p| !p.is_finite()) {
            return Err(Error::BadInput(format!("parameter {i} is {}", params[i])));
        }
        self.model.params.copy_from_slice(params);
        self.optimizer.reset();
        self.teacher.reset(self.config.seed);
        self.epoch = 0;
        self.total_steps = 0;
        self.run_start = 0;
        self.run_continues = false;
        self.forget_best();
        self.restart_epoch();
        Ok(())
    }

    /// Loads a model file, told apart by its first bytes: a weights file (parameters, optimizer
    /// and counters), or a safetensors file as [`crate::safetensors::encode`] writes it
    /// (parameters only: the optimizer starts afresh, the counters at zero). On any error the
    /// trainer is unchanged.
    ///
    /// # Errors
    /// Neither kind of file; else see [`weights::decode`] and [`crate::safetensors::decode`].
    pub fn import_weights(&mut self, bytes: &[u8]) -> Result<()> {
        let ckpt = if bytes.starts_with(&weights::MAGIC) {
            weights::decode(bytes)?
        } else if crate::safetensors::looks_like(bytes) {
            let (arch, params) = crate::safetensors::decode(bytes)?;
            let optimizer = self.optimizer.kind();
            let (state, epochs, steps) = (None, 0, 0);
            weights::Checkpoint {
                arch,
                params,
                optimizer,
                state,
                epochs,
                steps,
            }
        } else {
            return Err(Error::Weights(
                "not a model file saved by this page (a .weights or .safetensors file)".into(),
            ));
        };
        self.fit_checkpoint(&ckpt)?;
        self.model.params.copy_from_slice(&ckpt.params);
        match ckpt.state {
            // The file's state goes on with the same optimizer only; another starts afresh.
            Some(s) if ckpt.optimizer == self.optimizer.kind() => {
                self.optimizer.t = s.t;
                self.optimizer.state = s.state;
            }
            _ => self.optimizer.reset(),
        }
        self.teacher.reset(self.config.seed);
        self.epoch = ckpt.epochs;
        self.total_steps = ckpt.steps;
        self.run_start = ckpt.steps;
        self.run_continues = false;
        self.forget_best();
        self.restart_epoch();
        Ok(())
    }
}
