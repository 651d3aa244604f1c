//! An MNIST convnet with its own forward and backward passes, trained by Adam, in plain Rust
//! that builds natively and for WebAssembly.
//!
//! Layout: NHWC activations and Keras-layout weights (`[KH, KW, IN, OUT]` kernels, `[IN, OUT]`
//! dense matrices), so a convolution is a GEMM over contiguous patch rows (or, for 3x3 layers
//! with many channels, Winograd's transforms around small GEMMs) and the weights map
//! one-to-one onto a Keras model.

pub mod config;
pub mod data;
pub mod error;
pub mod kernels;

pub use error::{Error, Result};
pub mod layers;
pub mod loss;
pub mod model;
pub mod network;
pub mod optim;

pub use model::Model;
pub use network::Architecture;
pub mod safetensors;
pub mod teach;
pub mod trainer;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
pub mod weights;

pub use config::TrainerConfig;
pub use trainer::Trainer;
