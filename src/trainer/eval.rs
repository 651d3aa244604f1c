//! Evaluation: loss, accuracy and predictions over a data set, in slices whose sums add up,
//! and class probabilities for new images.

use serde::{Deserialize, Serialize};

use super::{Split, Trainer};
use crate::error::{Error, Result};
use crate::model::PIXELS;

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

/// Which images an evaluation reads: a data set's, in order, or listed training images.
#[derive(Clone, Copy)]
enum Images<'a> {
    Range(Split),
    List(&'a [u32]),
}

/// Evaluation works through the data in slices of this many images.
pub(super) const EVAL_SLICE: usize = 256;

impl Trainer {
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
        self.evaluate_images(Images::Range(split), offset, predictions, confidence)
    }

    /// [`Trainer::evaluate_into`] over the images `indices[offset..]` of the training set.
    pub(super) fn evaluate_indices(
        &mut self,
        indices: &[u32],
        offset: usize,
        predictions: &mut [u8],
        confidence: &mut [f32],
    ) -> Result<EvalSums> {
        self.evaluate_images(Images::List(indices), offset, predictions, confidence)
    }

    fn evaluate_images(
        &mut self,
        images: Images,
        offset: usize,
        predictions: &mut [u8],
        confidence: &mut [f32],
    ) -> Result<EvalSums> {
        let count = predictions.len();
        if confidence.len() != count {
            return Err(Error::shape("confidence buffer", count, confidence.len()));
        }
        let (set, available) = match images {
            Images::Range(Split::Train) => (&self.train, self.train.len()),
            Images::Range(Split::Test) => (&self.test, self.test.len()),
            Images::List(list) => (&self.train, list.len()),
        };
        if count == 0 || offset + count > available {
            let what = match images {
                Images::Range(_) => set.name(),
                Images::List(_) => "validation",
            };
            return Err(Error::NoData(format!(
                "{count} {what} images from index {offset}: {available} are loaded",
            )));
        }
        let mut indices = [0u32; EVAL_SLICE];
        let mut sums = EvalSums::default();
        for start in (0..count).step_by(EVAL_SLICE) {
            let b = (count - start).min(EVAL_SLICE);
            for (k, idx) in indices[..b].iter_mut().enumerate() {
                *idx = match images {
                    Images::Range(_) => (offset + start + k) as u32,
                    Images::List(list) => list[offset + start + k],
                };
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
}
