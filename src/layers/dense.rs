//! Fully connected layer: `y[B, O] = act(x[B, I] · w[I, O] + b[O])` (Keras kernel layout
//! `[I, O]`), with an optional fused ReLU. A softmax output layer computes logits here; the
//! softmax is fused with the loss.
//!
//! Backward: `dz = dy ⊙ act'(y)`, `dw = xᵀ · dz`, `db = Σ_rows dz`, `dx = dz · wᵀ`.

use crate::kernels::{GemmScratch, Trans, gemm};
use crate::layers::{Activation, Layer, LayerSpec, ParamShapes, Pass, Shape, Workspace, relu};

/// A dense layer's geometry; parameters and activations live in caller-owned buffers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dense {
    pub inputs: usize,
    pub outputs: usize,
    /// ReLU, linear, or softmax (then the layer outputs logits; see [`Activation::Softmax`]).
    pub activation: Activation,
}

impl LayerSpec {
    /// Keras' `Dense(units, activation=...)`.
    pub const fn dense(units: usize, activation: Activation) -> Self {
        LayerSpec::Dense(Dense {
            inputs: 0,
            outputs: units,
            activation,
        })
    }
}

impl Dense {
    /// The same layer for a flat input `[I]`.
    pub const fn connect(self, input: Shape) -> Self {
        assert!(
            input.rank() == 1,
            "Dense needs a flat input: put a Flatten before it"
        );
        Dense {
            inputs: input.dims()[0],
            ..self
        }
    }

    pub const fn out_shape(&self) -> Shape {
        Shape::new(&[self.outputs])
    }

    /// Kernel `[I, O]` and bias `[O]`.
    pub const fn param_shapes(&self) -> ParamShapes {
        ParamShapes::kernel_bias(
            Shape::new(&[self.inputs, self.outputs]),
            Shape::new(&[self.outputs]),
        )
    }

    pub const fn activation(&self) -> Activation {
        self.activation
    }

    pub fn kernel_len(&self) -> usize {
        self.inputs * self.outputs
    }

    pub fn forward(
        &self,
        batch: usize,
        x: &[f32],
        w: &[f32],
        b: &[f32],
        y: &mut [f32],
        scratch: &mut GemmScratch,
    ) {
        let (i, o) = (self.inputs, self.outputs);
        let y = &mut y[..batch * o];
        gemm(scratch, batch, o, i, x, Trans::No, w, Trans::No, y, false);
        relu::add_bias(y, b, self.activation.is_relu());
    }

    /// Overwrites `dw`, `db` and, when given, `dx`. `y` is the forward's output; with ReLU,
    /// `dy` is masked in place into the gradient before the activation.
    #[allow(clippy::too_many_arguments)]
    pub fn backward(
        &self,
        batch: usize,
        x: &[f32],
        y: &[f32],
        dy: &mut [f32],
        w: &[f32],
        dw: &mut [f32],
        db: &mut [f32],
        dx: Option<&mut [f32]>,
        scratch: &mut GemmScratch,
    ) {
        let (i, o) = (self.inputs, self.outputs);
        if self.activation.is_relu() {
            relu::backward(&y[..batch * o], &mut dy[..batch * o]);
        }
        let dy = &dy[..batch * o];
        gemm(
            scratch,
            i,
            o,
            batch,
            x,
            Trans::Yes,
            dy,
            Trans::No,
            dw,
            false,
        );
        db.fill(0.0);
        for row in dy.chunks_exact(o) {
            for (acc, g) in db.iter_mut().zip(row) {
                *acc += *g;
            }
        }
        if let Some(dx) = dx {
            gemm(
                scratch,
                batch,
                i,
                o,
                dy,
                Trans::No,
                w,
                Trans::Yes,
                &mut dx[..batch * i],
                false,
            );
        }
    }
}

impl Layer for Dense {
    fn keras_class(&self) -> &'static str {
        "Dense"
    }

    fn keras_name(&self) -> &'static str {
        "dense"
    }

    fn label(&self) -> String {
        format!("Dense {}{}", self.outputs, self.activation.label_suffix())
    }

    fn arch_token(&self) -> String {
        format!("dense{}{}", self.outputs, self.activation.arch_suffix())
    }

    fn forward(
        &self,
        _: Pass,
        batch: usize,
        x: &[f32],
        params: &[f32],
        y: &mut [f32],
        ws: &mut Workspace,
    ) {
        let (w, b) = params.split_at(self.kernel_len());
        Dense::forward(self, batch, x, w, b, y, &mut ws.gemm);
    }

    fn backward(
        &self,
        _pass: Pass,
        batch: usize,
        x: &[f32],
        y: &[f32],
        dy: &mut [f32],
        params: &[f32],
        dparams: &mut [f32],
        dx: Option<&mut [f32]>,
        ws: &mut Workspace,
    ) {
        let w = &params[..self.kernel_len()];
        let (dw, db) = dparams.split_at_mut(self.kernel_len());
        Dense::backward(self, batch, x, y, dy, w, dw, db, dx, &mut ws.gemm);
    }
}
