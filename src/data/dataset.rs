//! One split of MNIST (train or test): an images IDX stream paired with a labels IDX stream.
//!
//! Example `i` is image `i` (784 `u8` pixels, 28x28 row-major) with label `i` (a class, 0-9
//! for MNIST; [`DataSet::classes`] says how many the labels name). Both files
//! may arrive interleaved in chunks of any size; an example is usable once both halves are in.
//! Batches come out as `x: [batch, 784]` `f32` pixels scaled to `[0, 1]` and `y: [batch]` labels.

use serde::Serialize;

use super::idx::{IMAGE_PIXELS, IdxKind, IdxStream};
use crate::{Error, Result};

/// A train or test split, filled from its two IDX files.
#[derive(Clone, Debug)]
pub struct DataSet {
    name: String,
    images: IdxStream,
    labels: IdxStream,
}

/// Loading progress of a [`DataSet`], for the UI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataStatus {
    /// Complete images received.
    pub images: usize,
    /// Labels received.
    pub labels: usize,
    /// Examples with both image and label: what training may use.
    pub usable: usize,
    /// Image count from the images header, once read.
    pub expected_images: Option<usize>,
    /// Label count from the labels header, once read.
    pub expected_labels: Option<usize>,
    /// Both files fully received, valid and of the same length.
    pub complete: bool,
}

impl DataSet {
    /// An empty split; `name` ("train", "test") prefixes the file names in error messages.
    pub fn new(name: &str) -> Self {
        DataSet {
            name: name.to_owned(),
            images: IdxStream::new(format!("{name} images"), IdxKind::IMAGES),
            labels: IdxStream::new(format!("{name} labels"), IdxKind::LABELS),
        }
    }

    /// Parses whole images and labels files at once.
    pub fn from_idx(name: &str, images: &[u8], labels: &[u8]) -> Result<Self> {
        let mut set = DataSet::new(name);
        set.push_images(images)?;
        set.push_labels(labels)?;
        set.finish_images()?;
        set.finish_labels()?;
        Ok(set)
    }

    /// The split's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Takes the next chunk of the images file. On error, the examples already usable stay so.
    pub fn push_images(&mut self, chunk: &[u8]) -> Result<()> {
        self.images.push(chunk)?;
        self.check_counts()
    }

    /// Takes the next chunk of the labels file. On error, the examples already usable stay so.
    pub fn push_labels(&mut self, chunk: &[u8]) -> Result<()> {
        self.labels.push(chunk)?;
        self.check_counts()
    }

    /// Declares the end of the images file.
    pub fn finish_images(&mut self) -> Result<()> {
        self.images.finish()?;
        self.check_counts()
    }

    /// Declares the end of the labels file.
    pub fn finish_labels(&mut self) -> Result<()> {
        self.labels.finish()?;
        self.check_counts()
    }

    /// Examples whose image and label are both complete.
    pub fn len(&self) -> usize {
        self.images.len().min(self.labels.len())
    }

    /// True while no example is usable.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The 784 pixels of example `i`.
    ///
    /// # Panics
    /// If `i >= self.len()`.
    pub fn image(&self, i: usize) -> &[u8] {
        assert!(
            i < self.len(),
            "{}: example {i} of {}",
            self.name,
            self.len()
        );
        &self.images.records()[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS]
    }

    /// The label (a class below [`DataSet::classes`]) of example `i`.
    ///
    /// # Panics
    /// If `i >= self.len()`.
    pub fn label(&self, i: usize) -> u8 {
        assert!(
            i < self.len(),
            "{}: example {i} of {}",
            self.name,
            self.len()
        );
        self.labels.records()[i]
    }

    /// The class count the labels received so far name: the largest label plus one (at least
    /// [`crate::network::MIN_CLASSES`]); ten for MNIST. Once the labels file is complete this
    /// is the set's class count, which sizes the model's classifier.
    pub fn classes(&self) -> usize {
        let top = self.labels.records().iter().max().copied().unwrap_or(0);
        (usize::from(top) + 1).max(crate::network::MIN_CLASSES)
    }

    /// Whether the labels file is complete (so [`DataSet::classes`] is final).
    pub fn labels_complete(&self) -> bool {
        self.labels.is_complete()
    }

    /// Loading progress.
    pub fn status(&self) -> DataStatus {
        DataStatus {
            images: self.images.len(),
            labels: self.labels.len(),
            usable: self.len(),
            expected_images: self.images.count(),
            expected_labels: self.labels.count(),
            complete: self.images.is_complete()
                && self.labels.is_complete()
                && self.images.count() == self.labels.count(),
        }
    }

    /// Drops all data and errors, keeping the name.
    pub fn clear(&mut self) {
        *self = DataSet::new(&self.name);
    }

    /// Writes examples `indices` into `x` (`[indices.len(), 784]`, pixels / 255) and `y`
    /// (`[indices.len()]`). Allocates nothing, so it can run every training step.
    pub fn fill_batch(&self, indices: &[u32], x: &mut [f32], y: &mut [u8]) -> Result<()> {
        if indices.len().checked_mul(IMAGE_PIXELS) != Some(x.len()) {
            let expected = format!("{} x {IMAGE_PIXELS} pixels", indices.len());
            return Err(Error::shape("batch images", expected, x.len()));
        }
        if y.len() != indices.len() {
            return Err(Error::shape("batch labels", indices.len(), y.len()));
        }
        let len = self.len();
        if let Some(&bad) = indices.iter().find(|&&i| i as usize >= len) {
            return Err(match len {
                0 => Error::NoData(format!(
                    "the {} set has no complete examples yet",
                    self.name
                )),
                _ => Error::shape("example index", format!("below {len}"), bad),
            });
        }
        let rows = x.chunks_exact_mut(IMAGE_PIXELS).zip(y.iter_mut());
        for (&i, (pixels, label)) in indices.iter().zip(rows) {
            let i = i as usize;
            for (out, &p) in pixels.iter_mut().zip(self.image(i)) {
                *out = f32::from(p) / 255.0;
            }
            *label = self.label(i);
        }
        Ok(())
    }

    /// Both headers known and disagreeing means the files belong to different splits.
    fn check_counts(&self) -> Result<()> {
        match (self.images.count(), self.labels.count()) {
            (Some(images), Some(labels)) if images != labels => Err(Error::Idx {
                file: self.name.clone(),
                reason: format!("{images} images but {labels} labels"),
            }),
            _ => Ok(()),
        }
    }
}
