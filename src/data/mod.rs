//! MNIST data: a streaming IDX parser, the train / test data sets built on it, and the random
//! distortions that augment training images.

pub mod augment;
pub mod dataset;
pub mod idx;
#[cfg(not(target_arch = "wasm32"))]
pub mod mnist_files;
pub mod split;

pub use dataset::{DataSet, DataStatus};
pub use idx::{IMAGE_PIXELS, IMAGE_SIDE, IdxKind, IdxStream, MAX_LABELS, MAX_RECORDS};
#[cfg(not(target_arch = "wasm32"))]
pub use mnist_files::{load_mnist, load_mnist_from, mnist_dir};
pub use split::{Split, ValidationSplit};
