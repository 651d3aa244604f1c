//! Max pooling 2x2, stride 2, NHWC, floor mode (Keras 'valid'): `[B, H, W, C]` →
//! `[B, H/2, W/2, C]`; an odd last row or column is dropped (11 → 5).
//!
//! Backward routes each `dy` to the input that won the forward max, the first in scan order
//! (top-left, top-right, bottom-left, bottom-right) on ties — as an argmax would, but found by
//! comparing the saved input with the saved output instead of storing indices, over contiguous
//! channels ([`crate::kernels::maxpool`], SIMD128 in the web build). The forward is a
//! compare-and-select that LLVM vectorises by itself.

use crate::kernels::maxpool::{Window, maxpool2_route};
use crate::layers::{Activation, Layer, LayerSpec, ParamShapes, Pass, Shape, Workspace};

/// Pooling geometry of one image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxPool2 {
    pub h: usize,
    pub w: usize,
    pub c: usize,
}

impl LayerSpec {
    /// Keras' `MaxPooling2D((2, 2))`.
    pub const fn max_pool2() -> Self {
        LayerSpec::MaxPool2(MaxPool2 { h: 0, w: 0, c: 0 })
    }
}

impl MaxPool2 {
    /// The same layer for an `[H, W, C]` input.
    pub const fn connect(self, input: Shape) -> Self {
        assert!(input.rank() == 3, "MaxPooling2D needs an [H, W, C] input");
        let (h, w, c) = (input.dims()[0], input.dims()[1], input.dims()[2]);
        assert!(h >= 2 && w >= 2, "MaxPooling2D needs at least a 2x2 input");
        MaxPool2 { h, w, c }
    }

    /// `[H/2, W/2, C]`, rounded down.
    pub const fn out_shape(&self) -> Shape {
        Shape::new(&[self.h / 2, self.w / 2, self.c])
    }

    pub const fn param_shapes(&self) -> ParamShapes {
        ParamShapes::NONE
    }

    pub const fn activation(&self) -> Activation {
        Activation::Linear
    }
    pub fn in_len(&self) -> usize {
        self.h * self.w * self.c
    }
    pub fn out_len(&self) -> usize {
        (self.h / 2) * (self.w / 2) * self.c
    }

    /// `y[b, oy, ox, c] = max of x over the 2x2 window at (2·oy, 2·ox)`.
    pub fn forward(&self, batch: usize, x: &[f32], y: &mut [f32]) {
        let (oh, ow, c) = (self.h / 2, self.w / 2, self.c);
        let row = self.w * c;
        for b in 0..batch {
            let img = &x[b * self.in_len()..(b + 1) * self.in_len()];
            let out = &mut y[b * self.out_len()..(b + 1) * self.out_len()];
            for oy in 0..oh {
                let top = &img[2 * oy * row..(2 * oy + 1) * row];
                let bottom = &img[(2 * oy + 1) * row..(2 * oy + 2) * row];
                for ox in 0..ow {
                    let i = 2 * ox * c;
                    let dst = &mut out[(oy * ow + ox) * c..(oy * ow + ox + 1) * c];
                    let (x00, x01) = (&top[i..i + c], &top[i + c..i + 2 * c]);
                    let (x10, x11) = (&bottom[i..i + c], &bottom[i + c..i + 2 * c]);
                    for k in 0..c {
                        let a = if x01[k] > x00[k] { x01[k] } else { x00[k] };
                        let b = if x11[k] > x10[k] { x11[k] } else { x10[k] };
                        dst[k] = if b > a { b } else { a };
                    }
                }
            }
        }
    }

    /// `dx` (overwritten) gets each `dy` at the input that won the forward max; `x` and `y` are
    /// the forward's input and output.
    pub fn backward(&self, batch: usize, x: &[f32], y: &[f32], dy: &[f32], dx: &mut [f32]) {
        let (oh, ow, c) = (self.h / 2, self.w / 2, self.c);
        let row = self.w * c;
        for b in 0..batch {
            let img = &x[b * self.in_len()..(b + 1) * self.in_len()];
            let grad = &mut dx[b * self.in_len()..(b + 1) * self.in_len()];
            let base = b * self.out_len();
            for oy in 0..oh {
                let (top_x, bottom_x) = img[2 * oy * row..(2 * oy + 2) * row].split_at(row);
                let (top, bottom) = grad[2 * oy * row..(2 * oy + 2) * row].split_at_mut(row);
                for ox in 0..ow {
                    let o = base + (oy * ow + ox) * c;
                    let i = 2 * ox * c;
                    let (x00, x01) = (&top_x[i..i + c], &top_x[i + c..i + 2 * c]);
                    let x10 = &bottom_x[i..i + c];
                    let (d0, d1) = top[i..i + 2 * c].split_at_mut(c);
                    let (d2, d3) = bottom[i..i + 2 * c].split_at_mut(c);
                    let window = Window {
                        x: [x00, x01, x10],
                        y: &y[o..o + c],
                        g: &dy[o..o + c],
                    };
                    maxpool2_route(&window, [d0, d1, d2, d3]);
                }
                // An odd last column is in no window.
                if self.w % 2 == 1 {
                    top[row - c..].fill(0.0);
                    bottom[row - c..].fill(0.0);
                }
            }
            // An odd last row is in no window.
            if self.h % 2 == 1 {
                grad[(self.h - 1) * row..].fill(0.0);
            }
        }
    }
}

impl Layer for MaxPool2 {
    fn keras_class(&self) -> &'static str {
        "MaxPooling2D"
    }

    fn keras_name(&self) -> &'static str {
        "max_pooling2d"
    }

    fn label(&self) -> String {
        "MaxPool 2x2".into()
    }

    fn arch_token(&self) -> String {
        "maxpool2".into()
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
        MaxPool2::forward(self, batch, x, y);
    }

    fn backward(
        &self,
        _pass: Pass,
        batch: usize,
        x: &[f32],
        y: &[f32],
        dy: &mut [f32],
        _params: &[f32],
        _dparams: &mut [f32],
        dx: Option<&mut [f32]>,
        _ws: &mut Workspace,
    ) {
        if let Some(dx) = dx {
            MaxPool2::backward(self, batch, x, y, dy, dx);
        }
    }
}
