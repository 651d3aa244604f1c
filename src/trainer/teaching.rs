//! The trainer's side of teaching (the core is [`crate::teach`]): the user's drawings, the
//! fine-tune on them, and the settings of "Learn them for good".

use super::Trainer;
use crate::error::{Error, Result};
use crate::teach::{Drawings, TeachConfig, TeachReport};

impl Trainer {
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
        let kept = self.step_under_way();
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
}
