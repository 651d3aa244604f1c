//! Optimizers over the model's single flat parameter buffer, and the learning-rate schedule.

pub mod adam;
pub mod schedule;

pub use adam::{Adam, AdamConfig};
pub use schedule::lr_at;
