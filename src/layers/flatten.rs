//! Flatten `[B, H, W, C]` → `[B, H·W·C]`.
//!
//! In NHWC this is the same memory in the same order as Keras' channels-last `Flatten`, so both
//! directions are the identity on the buffer: the layer exists to name the shape change.

/// Flatten geometry of one image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flatten {
    pub shape: [usize; 3],
}

impl Flatten {
    pub fn out_len(&self) -> usize {
        self.shape.iter().product()
    }

    /// The flattened view of `x`: no copy.
    pub fn forward<'a>(&self, x: &'a [f32]) -> &'a [f32] {
        x
    }

    /// The gradient for the unflattened input: the same buffer.
    pub fn backward<'a>(&self, dy: &'a [f32]) -> &'a [f32] {
        dy
    }
}
