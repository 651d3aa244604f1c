//! The network's layers, one file each, each a `forward`/`backward` pair over plain buffers.
//! Activations are NHWC; see each file's header for its math and shapes.

pub mod conv2d;
pub mod dense;
pub mod flatten;
pub mod maxpool;
pub mod relu;

pub use conv2d::{Conv2d, ConvWorkspace};
pub use dense::Dense;
pub use flatten::Flatten;
pub use maxpool::MaxPool2;
