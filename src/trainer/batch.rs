//! Which images a step trains on: the next batch of the epoch's shuffled order (with the
//! user's drawings in its last places when `train_on_drawings`), and how each is read and
//! distorted.

use rand::seq::SliceRandom;
use rand::{Rng, RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::Trainer;
use super::step::Batch;
use crate::data::DataSet;
use crate::error::{Error, Result};
use crate::teach::Drawings;

/// In a batch entry's index, marks one of the user's drawings rather than a training image.
const DRAWING: u32 = 1 << 31;

/// The pixel bytes of a batch entry (`Trainer::batch_indices`): a training image, or with the
/// [`DRAWING`] bit one of the user's drawings.
///
/// # Errors
/// The training set or the drawings changed under the batch.
pub(super) fn batch_image<'a>(
    train: &'a DataSet,
    drawings: &'a Drawings,
    i: u32,
) -> Result<&'a [u8]> {
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

/// The generator that distorts one image, from its seed (see `Trainer::batch_seeds`).
pub(super) fn image_rng(seed: u32) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(u64::from(seed) ^ 0x1_3a9e_0000_0000)
}

impl Trainer {
    /// Takes the next batch of this epoch's order: its indices, labels and distortion seeds
    /// (the pixels are read as each share is computed).
    pub(super) fn start_batch(&mut self) -> Result<Batch> {
        if self.epoch_size() == 0 {
            let pool = self.pool_size();
            return Err(Error::NoData(if pool == 0 {
                "no training images are loaded yet".into()
            } else {
                format!(
                    "all {pool} training images in use are held out for validation; lower the \
                     validation split or use more training images"
                )
            }));
        }
        if self.order.is_empty() {
            self.validation.kept(self.pool_size(), &mut self.order);
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
        Ok(Batch {
            len,
            last: end == self.order.len(),
            parts: 1,
            augment,
        })
    }
}
