//! The class count: the model's classifier follows the training data's labels.
//!
//! The model starts as MNIST's ten-digit network. When a complete training labels file names
//! another number of classes (2 to 62), the model is rebuilt for it with fresh weights
//! ([`Trainer::fit_classes_to_data`]); a weights file of another class count is loaded only
//! while no training data says otherwise ([`Trainer::fit_checkpoint`]).

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use super::Trainer;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::network::Architecture;
use crate::optim::Optimizer;
use crate::teach::Drawings;
use crate::weights::Checkpoint;

impl Trainer {
    /// The model's class count.
    pub fn classes(&self) -> usize {
        self.model.classes()
    }

    /// Makes the model one of `classes` classes: unchanged if it already is (returns false),
    /// else a new model with fresh weights from the configured seed, a fresh optimizer and
    /// counters at 0, as [`Trainer::reset`] leaves them (returns true). Drawings whose labels
    /// the new model has no class for are dropped (all of them: they belong to other classes).
    ///
    /// # Errors
    /// A class count outside 2..=62; nothing changes then.
    pub fn set_classes(&mut self, classes: usize) -> Result<bool> {
        if classes == self.model.classes() {
            return Ok(false);
        }
        let arch = Architecture::new(classes)?;
        let seed = self.config.seed;
        self.model = Model::with_architecture(arch, &mut Pcg64Mcg::seed_from_u64(u64::from(seed)));
        let kind = self.optimizer.kind();
        self.optimizer = Optimizer::new(kind, arch.param_count(), self.config.learning_rate);
        self.grads_aside.clear();
        let labels = (0..self.drawings.len()).map(|i| usize::from(self.drawings.label(i)));
        if labels.into_iter().any(|l| l >= classes) {
            self.drawings = Drawings::default();
        }
        self.reset(None);
        Ok(true)
    }

    /// Once the training labels file is complete, sizes the model for the class count its
    /// labels name ([`crate::data::DataSet::classes`]); returns whether the model was rebuilt.
    ///
    /// # Errors
    /// More classes than a model may have (the IDX parser already refuses such labels).
    pub fn fit_classes_to_data(&mut self) -> Result<bool> {
        if !self.train.labels_complete() {
            return Ok(false);
        }
        self.set_classes(self.train.classes())
    }

    /// Makes the model fit a weights file about to be loaded: a file of the model's class count
    /// fits as it is; one of another count is refused while training labels are loaded (they
    /// fix the count), and otherwise the model is rebuilt for it.
    ///
    /// # Errors
    /// A `WeightsError` when the file's class count differs from the loaded data's; nothing
    /// changes then.
    pub(super) fn fit_checkpoint(&mut self, ckpt: &Checkpoint) -> Result<()> {
        let (theirs, ours) = (ckpt.arch.classes(), self.model.classes());
        if theirs == ours {
            return Ok(());
        }
        if !self.train.is_empty() {
            return Err(Error::Weights(format!(
                "made for {theirs} classes, but the loaded training data has {ours}: \
                 load data with {theirs} classes first"
            )));
        }
        self.set_classes(theirs).map(|_| ())
    }
}
