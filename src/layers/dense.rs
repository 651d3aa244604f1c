//! Fully connected layer: `y[B, O] = act(x[B, I] · w[I, O] + b[O])` (Keras kernel layout
//! `[I, O]`), with an optional fused ReLU.
//!
//! Backward: `dz = dy ⊙ act'(y)`, `dw = xᵀ · dz`, `db = Σ_rows dz`, `dx = dz · wᵀ`.

use crate::kernels::{GemmScratch, Trans, gemm};
use crate::layers::relu;

/// A dense layer's geometry; parameters and activations live in caller-owned buffers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dense {
    pub inputs: usize,
    pub outputs: usize,
    pub relu: bool,
}

impl Dense {
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
        relu::add_bias(y, b, self.relu);
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
        if self.relu {
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
