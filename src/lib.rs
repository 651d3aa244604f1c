//! An MNIST convnet with its own forward and backward passes, trained by Adam, in plain Rust
//! that builds natively and for WebAssembly.
//!
//! Layout: NHWC activations and Keras-layout weights (`[KH, KW, IN, OUT]` kernels, `[IN, OUT]`
//! dense matrices), so every convolution is an im2col followed by one GEMM and the weights
//! map one-to-one onto a Keras model.

pub mod error;
pub mod kernels;

pub use error::{Error, Result};
