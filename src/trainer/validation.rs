//! The held-out validation images ([`crate::data::ValidationSplit`]) and what Keras's `fit`
//! does with them after each epoch: `val_loss` and `val_accuracy`, and with `patience` its
//! `EarlyStopping(monitor="val_loss", restore_best_weights=True)`.

use serde::Serialize;

use super::Trainer;
use super::eval::EvalSums;
use crate::error::Result;

/// Early stopping's memory over one run (reset when a run starts).
#[derive(Clone, Debug, Default)]
pub(super) struct EarlyStop {
    /// The lowest `val_loss` of this run, its epoch and (with `patience`) its weights.
    best: Option<(f64, u32)>,
    best_params: Vec<f32>,
    /// Epochs of this run scored so far, and since the last improvement.
    scored: u32,
    wait: u32,
}

/// An epoch's line of Keras's `fit` history, from [`Trainer::record_validation`]: the training
/// means, the validation score and the early-stopping verdict.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidationReport {
    /// The epoch scored (completed epochs, as counted in [`super::Progress`]).
    pub epoch: u32,
    /// The mean training loss and accuracy over the epoch's steps (Keras's `loss`, `accuracy`;
    /// NaN if no whole epoch was trained since the last reset or import).
    pub train_loss: f64,
    pub train_accuracy: f64,
    /// `val_loss` and `val_accuracy` over `count` held-out images (NaN when none).
    pub loss: f64,
    pub accuracy: f64,
    pub count: usize,
    /// `config.patience` (0: early stopping off).
    pub patience: u32,
    /// With `patience`: the epoch of the run with the lowest `val_loss` so far.
    pub best_epoch: Option<u32>,
    /// Epochs since `best_epoch` (Keras's `wait`).
    pub wait: u32,
    /// `val_loss` has not improved for `patience` epochs: the run stops here.
    pub stop: bool,
    /// The weights were set back to this epoch's (on a stop, or at the run's last epoch).
    pub restored_epoch: Option<u32>,
}

impl Trainer {
    /// Rebuilds the list of held-out images among the training pool (the first `train_size`
    /// usable training images) and returns its length. Those images are never in an epoch's
    /// order, so a list rebuilt after more data came in holds only unseen images too.
    pub fn validation_size(&mut self) -> usize {
        let pool = self.pool_size();
        self.validation.held_out(pool, &mut self.val_indices);
        self.val_indices.len()
    }

    /// Like [`Trainer::evaluate_into`] over the held-out images (as listed by the last
    /// [`Trainer::validation_size`]) from the `offset`-th on.
    ///
    /// # Errors
    /// Buffers of different lengths, or fewer held-out images than asked for.
    pub fn evaluate_validation_into(
        &mut self,
        offset: usize,
        predictions: &mut [u8],
        confidence: &mut [f32],
    ) -> Result<EvalSums> {
        let indices = std::mem::take(&mut self.val_indices);
        let out = self.evaluate_indices(&indices, offset, predictions, confidence);
        self.val_indices = indices;
        out
    }

    /// The whole validation score at once (native tools and tests; the page scores in slices).
    ///
    /// # Errors
    /// No held-out images.
    pub fn evaluate_validation(&mut self) -> Result<EvalSums> {
        let n = self.validation_size();
        let (mut p, mut c) = (vec![0u8; n], vec![0f32; n]);
        self.evaluate_validation_into(0, &mut p, &mut c)
    }

    /// Records the validation score of the epoch just ended (`sums` of no images without a
    /// validation split) with its training means: the lowest `val_loss` of the run
    /// (a copy of its weights with `patience`), and Keras's early-stopping verdict. On a stop,
    /// or when `run_ends` (the run's last epoch), the weights go back to the best epoch's, as
    /// `restore_best_weights=True` does at the end of `fit`; the optimizer's state and the
    /// counters go on.
    pub fn record_validation(&mut self, sums: EvalSums, run_ends: bool) -> ValidationReport {
        let (loss, epoch, patience) = (sums.loss(), self.epoch, self.config.patience);
        let mut report = ValidationReport {
            epoch,
            train_loss: self.last_epoch_train.loss(),
            train_accuracy: self.last_epoch_train.accuracy(),
            loss,
            accuracy: sums.accuracy(),
            count: sums.count,
            patience,
            best_epoch: None,
            wait: 0,
            stop: false,
            restored_epoch: None,
        };
        if patience == 0 || sums.count == 0 {
            return report;
        }
        let e = &mut self.early;
        e.scored += 1;
        e.wait += 1;
        if e.best.is_none_or(|(best, _)| loss < best) {
            e.best = Some((loss, epoch));
            e.best_params.clear();
            e.best_params.extend_from_slice(&self.model.params);
            e.wait = 0;
        } else if e.wait >= patience && e.scored > 1 {
            report.stop = true;
        }
        report.wait = e.wait;
        report.best_epoch = e.best.map(|(_, at)| at);
        match e.best {
            Some((_, at)) if (report.stop || run_ends) && at != epoch => {
                self.model.params.copy_from_slice(&e.best_params);
                report.restored_epoch = Some(at);
            }
            _ => {}
        }
        report
    }

    /// Forgets the run's best epoch: a new run, a reset or an import.
    pub(super) fn forget_best(&mut self) {
        self.early.best = None;
        self.early.scored = 0;
        self.early.wait = 0;
    }
}
