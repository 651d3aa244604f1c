//! Optimizers over the model's single flat parameter buffer.

pub mod adam;

pub use adam::{Adam, AdamConfig};
