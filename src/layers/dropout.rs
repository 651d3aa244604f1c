//! Dropout `[B, ...]` → the same shape, Keras' `Dropout(rate)` (Srivastava et al., 2014).
//!
//! In a training pass each unit is kept with probability `1 - rate` and scaled by
//! `1 / (1 - rate)`, else zeroed: `y = x · m / (1 - rate)` with `m ∈ {0, 1}`, so a unit's
//! expected output is its input and evaluation needs no rescaling. In evaluation `y = x`.
//! Backward multiplies by the same mask: `dx = dy · m / (1 - rate)`.
//!
//! The mask is not stored: unit `j` of image `n` is kept when the pass's hash of (step key,
//! `first + n`, `j`) ([`Pass::noise`]) clears `rate`, so backward recomputes it, and an
//! image's mask does not depend on how the batch was split over workers or micro-batches.
//! No parameters: the weights file does not know about it (its architecture token is empty).

use crate::layers::{Activation, Layer, LayerSpec, ParamShapes, Pass, Shape, Workspace};

/// Dropout of one image's units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dropout {
    /// The rate's `f32` bits (so the spec stays `Eq`), in `[0, 1)`.
    rate_bits: u32,
    /// One image's shape, in and out.
    pub shape: Shape,
}

impl LayerSpec {
    /// Keras' `Dropout(rate)`.
    ///
    /// # Panics
    /// Unless `0 ≤ rate < 1` (the settings check it first).
    pub const fn dropout(rate: f32) -> Self {
        LayerSpec::Dropout(Dropout::new(rate))
    }
}

impl Dropout {
    /// # Panics
    /// Unless `0 ≤ rate < 1`.
    pub const fn new(rate: f32) -> Self {
        assert!(rate >= 0.0 && rate < 1.0, "a dropout rate is in [0, 1)");
        Dropout {
            rate_bits: rate.to_bits(),
            shape: Shape::new(&[0]),
        }
    }

    pub const fn rate(&self) -> f32 {
        f32::from_bits(self.rate_bits)
    }

    pub const fn connect(self, input: Shape) -> Self {
        Dropout {
            shape: input,
            ..self
        }
    }

    pub const fn out_shape(&self) -> Shape {
        self.shape
    }

    /// Units of one image.
    pub const fn units(&self) -> usize {
        self.shape.elements()
    }

    pub const fn param_shapes(&self) -> ParamShapes {
        ParamShapes::NONE
    }

    pub const fn activation(&self) -> Activation {
        Activation::Linear
    }

    /// What a kept unit is multiplied by: `1 / (1 - rate)`.
    pub fn scale(&self) -> f32 {
        1.0 / (1.0 - self.rate())
    }

    /// Whether unit `unit` of image `image` of `pass` is kept (always in evaluation).
    pub fn keeps(&self, pass: Pass, image: usize, unit: usize) -> bool {
        self.kept(self.threshold(), pass, image, unit)
    }

    /// `rate · 2^32`: a unit is dropped when its draw, the top 32 bits of its hash, is below.
    fn threshold(&self) -> u64 {
        (f64::from(self.rate()) * 4_294_967_296.0) as u64
    }

    fn kept(&self, threshold: u64, pass: Pass, image: usize, unit: usize) -> bool {
        pass.noise(image, unit).is_none_or(|h| h >> 32 >= threshold)
    }

    /// `out = inp · m / (1 - rate)` for `batch` images (a copy in evaluation or at rate 0):
    /// the forward pass from `x`, the backward from `dy`.
    pub fn apply(&self, pass: Pass, batch: usize, inp: &[f32], out: &mut [f32]) {
        let n = batch * self.units();
        if pass == Pass::Eval || self.rate() == 0.0 {
            out[..n].copy_from_slice(&inp[..n]);
            return;
        }
        let (scale, threshold) = (self.scale(), self.threshold());
        let images = inp[..n]
            .chunks_exact(self.units())
            .zip(out.chunks_exact_mut(self.units()));
        for (b, (src, dst)) in images.enumerate() {
            for (j, (o, &v)) in dst.iter_mut().zip(src).enumerate() {
                *o = if self.kept(threshold, pass, b, j) {
                    v * scale
                } else {
                    0.0
                };
            }
        }
    }
}

impl Layer for Dropout {
    fn keras_class(&self) -> &'static str {
        "Dropout"
    }

    fn keras_name(&self) -> &'static str {
        "dropout"
    }

    fn label(&self) -> String {
        format!("Dropout {}, in training", self.rate())
    }

    /// Empty: dropout changes no parameter and no shape, so a model trained with it is the
    /// same network in the weights file as one trained without.
    fn arch_token(&self) -> String {
        String::new()
    }

    fn forward(
        &self,
        pass: Pass,
        batch: usize,
        x: &[f32],
        _: &[f32],
        y: &mut [f32],
        _: &mut Workspace,
    ) {
        self.apply(pass, batch, x, y);
    }

    fn backward(
        &self,
        pass: Pass,
        batch: usize,
        _x: &[f32],
        _y: &[f32],
        dy: &mut [f32],
        _params: &[f32],
        _dparams: &mut [f32],
        dx: Option<&mut [f32]>,
        _ws: &mut Workspace,
    ) {
        if let Some(dx) = dx {
            self.apply(pass, batch, dy, dx);
        }
    }
}
