//! Flatten `[B, H, W, C]` → `[B, H·W·C]`.
//!
//! In NHWC this is the same memory in the same order as Keras' channels-last `Flatten`, so both
//! directions are a copy: the layer exists to name the shape change. The copies (576 values an
//! image here) are cheap next to the layers around them.

use crate::layers::{Activation, Layer, LayerSpec, ParamShapes, Pass, Shape, Workspace};

/// Flatten geometry of one image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flatten {
    /// Input shape of one image.
    pub shape: Shape,
}

impl LayerSpec {
    /// Keras' `Flatten()`.
    pub const fn flatten() -> Self {
        LayerSpec::Flatten(Flatten {
            shape: Shape::new(&[0]),
        })
    }
}

impl Flatten {
    pub const fn connect(self, input: Shape) -> Self {
        Flatten { shape: input }
    }

    pub const fn out_shape(&self) -> Shape {
        Shape::new(&[self.out_len()])
    }

    pub const fn param_shapes(&self) -> ParamShapes {
        ParamShapes::NONE
    }

    pub const fn activation(&self) -> Activation {
        Activation::Linear
    }

    pub const fn out_len(&self) -> usize {
        self.shape.elements()
    }
}

impl Layer for Flatten {
    fn keras_class(&self) -> &'static str {
        "Flatten"
    }

    fn keras_name(&self) -> &'static str {
        "flatten"
    }

    fn label(&self) -> String {
        "Flatten".into()
    }

    fn arch_token(&self) -> String {
        "flatten".into()
    }

    fn forward(
        &self,
        _: Pass,
        batch: usize,
        x: &[f32],
        _: &[f32],
        y: &mut [f32],
        _: &mut Workspace,
    ) {
        let n = batch * self.out_len();
        y[..n].copy_from_slice(&x[..n]);
    }

    fn backward(
        &self,
        _pass: Pass,
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
            let n = batch * self.out_len();
            dx[..n].copy_from_slice(&dy[..n]);
        }
    }
}
