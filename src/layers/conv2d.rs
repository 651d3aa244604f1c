//! 2-D convolution, valid padding, stride 1, with bias and an optional fused ReLU.
//!
//! Shapes (NHWC): `x [B, H, W, C]`, kernel `w [KH, KW, C, F]` (Keras layout), bias `[F]`,
//! `y [B, OH, OW, F]` with `OH = H - KH + 1`, `OW = W - KW + 1`.
//!
//! With `col = im2col(x)` (`[B·OH·OW, KH·KW·C]`):
//! Forward:  `y = act(col · w + b)`, as an implicit GEMM that reads patches straight from `x`
//!           ([`conv2d_fwd_implicit`]): no `col` is written, no A operand packed; or, for a
//!           3x3 layer with [`Conv2d::winograd`] set, by Winograd F(4x4, 3x3)
//!           ([`conv2d_fwd_winograd`]), which needs 3.4-4x fewer multiplies.
//! Backward: `dz = dy ⊙ act'(y)`, `dw = colᵀ · dz`, `db = Σ_rows dz`, `dx = col2im(dz · wᵀ)`,
//!           in chunks of [`CHUNK_IMAGES`] images so `col` stays small and in cache.
//! The activation (ReLU or none, like Keras' `activation=`) is applied in the same pass as the
//! bias, saving a trip through memory over the layer's largest buffer.
//!
//! Why these kernels (measured in Chromium; figures in bench/README.md, "Layer choices,
//! measured"): the implicit forward beat im2col + packed GEMM on all three of the network's
//! convolutions. Winograd beat the implicit forward where the input has enough channels to
//! amortise its transforms (conv2, conv3), not on conv1's single channel, so [`Conv2d::connect`]
//! picks it from the input's channels. Tried and dropped: conv2's input gradient by Winograd
//! (its 13x13 output wastes a quarter of the tiles); training did not get measurably faster.

use crate::kernels::conv_implicit::conv2d_fwd_implicit;
use crate::kernels::im2col::{ConvGeom, col2im, im2col};
use crate::kernels::winograd::conv2d_fwd_winograd;
use crate::kernels::{Trans, gemm};
use crate::layers::{Activation, Layer, LayerSpec, ParamShapes, Pass, Shape, Workspace, relu};

/// Images per im2col chunk of the backward pass (and the model's micro-batch): at 16, conv2's
/// `col` (2.2 MB) and its packed panels stay in cache between the weight gradient and col2im;
/// 16 trained faster than 8, 32 and 64 (bench/README.md).
pub const CHUNK_IMAGES: usize = 16;

/// Fewest input channels for which a 3x3 layer runs its forward pass by Winograd. Its
/// transforms cost in proportion to the input channels plus the filters, its savings to their
/// product: with conv1's one channel it measured slower than the implicit GEMM, with conv2's 32
/// and conv3's 64 channels faster (bench/README.md). 8 lies between; counts in that range were
/// not measured.
pub const WINOGRAD_MIN_CHANNELS: usize = 8;

/// A convolution's geometry; parameters and activations live in caller-owned buffers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conv2d {
    pub geom: ConvGeom,
    pub filters: usize,
    /// ReLU or linear.
    pub activation: Activation,
    /// Forward by Winograd F(4x4, 3x3) (3x3 kernels only; others ignore it).
    pub winograd: bool,
}

impl LayerSpec {
    /// Keras' `Conv2D(filters, (kernel, kernel), activation=...)`, valid padding, stride 1.
    pub const fn conv2d(filters: usize, kernel: usize, activation: Activation) -> Self {
        LayerSpec::Conv2d(Conv2d {
            geom: ConvGeom {
                h: 0,
                w: 0,
                c: 0,
                kh: kernel,
                kw: kernel,
            },
            filters,
            activation,
            winograd: false,
        })
    }
}

impl Conv2d {
    pub const fn new(h: usize, w: usize, c: usize, k: usize, filters: usize, relu: bool) -> Self {
        Conv2d {
            geom: ConvGeom {
                h,
                w,
                c,
                kh: k,
                kw: k,
            },
            filters,
            activation: if relu {
                Activation::Relu
            } else {
                Activation::Linear
            },
            winograd: false,
        }
    }

    /// The same layer, with its forward pass by Winograd F(4x4, 3x3) when the kernel is 3x3.
    pub const fn winograd(self) -> Self {
        Conv2d {
            winograd: true,
            ..self
        }
    }

    /// The same layer for an `[H, W, C]` input, by Winograd when that pays
    /// ([`WINOGRAD_MIN_CHANNELS`]).
    pub const fn connect(self, input: Shape) -> Self {
        assert!(input.rank() == 3, "Conv2D needs an [H, W, C] input");
        let (h, w, c) = (input.dims()[0], input.dims()[1], input.dims()[2]);
        let (kh, kw) = (self.geom.kh, self.geom.kw);
        assert!(
            kh >= 1 && kh <= h && kw >= 1 && kw <= w,
            "Conv2D kernel larger than its input"
        );
        assert!(
            !matches!(self.activation, Activation::Softmax),
            "Conv2D has ReLU or no activation"
        );
        Conv2d {
            geom: ConvGeom { h, w, c, kh, kw },
            winograd: kh == 3 && kw == 3 && c >= WINOGRAD_MIN_CHANNELS,
            ..self
        }
    }

    /// Output shape `[OH, OW, F]` of one image.
    pub const fn out_shape(&self) -> Shape {
        let g = &self.geom;
        Shape::new(&[g.h - g.kh + 1, g.w - g.kw + 1, self.filters])
    }

    /// Kernel `[KH, KW, C, F]` and bias `[F]`.
    pub const fn param_shapes(&self) -> ParamShapes {
        let g = &self.geom;
        ParamShapes::kernel_bias(
            Shape::new(&[g.kh, g.kw, g.c, self.filters]),
            Shape::new(&[self.filters]),
        )
    }

    pub const fn activation(&self) -> Activation {
        self.activation
    }

    /// Elements of the kernel tensor `[KH, KW, C, F]`.
    pub fn kernel_len(&self) -> usize {
        self.geom.patch_len() * self.filters
    }

    pub fn in_len(&self) -> usize {
        self.geom.h * self.geom.w * self.geom.c
    }

    pub fn out_len(&self) -> usize {
        self.geom.patches() * self.filters
    }

    fn reserve(&self, ws: &mut Workspace, images: usize) {
        let need = images * self.geom.patches() * self.geom.patch_len();
        if ws.col.len() < need {
            ws.col.resize(need, 0.0);
        }
    }

    /// `y = act(conv(x, w) + b)` for `batch` images.
    pub fn forward(
        &self,
        batch: usize,
        x: &[f32],
        w: &[f32],
        b: &[f32],
        y: &mut [f32],
        ws: &mut Workspace,
    ) {
        let y = &mut y[..batch * self.out_len()];
        let b = &b[..self.filters];
        let (g, relu) = (&self.geom, self.activation.is_relu());
        if self.winograd && g.kh == 3 && g.kw == 3 {
            conv2d_fwd_winograd(&mut ws.winograd, g, batch, x, w, b, relu, y);
        } else {
            conv2d_fwd_implicit(&mut ws.gemm, g, batch, x, w, b, relu, y);
        }
    }

    /// Gradients of the loss with respect to `w` and `b` (overwritten) and, when `dx` is given,
    /// to `x` (overwritten). `x` and `y` are the forward's input and output, `dy` the gradient at
    /// `y`; with ReLU it is masked in place into the gradient before the activation.
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
        mut dx: Option<&mut [f32]>,
        ws: &mut Workspace,
    ) {
        let (p, k, f) = (self.geom.patches(), self.geom.patch_len(), self.filters);
        if self.activation.is_relu() {
            relu::backward(&y[..batch * p * f], &mut dy[..batch * p * f]);
        }
        let dy = &dy[..];
        self.reserve(ws, batch.min(CHUNK_IMAGES));
        db.fill(0.0);
        for start in (0..batch).step_by(CHUNK_IMAGES) {
            let n = (batch - start).min(CHUNK_IMAGES);
            let x_chunk = &x[start * self.in_len()..(start + n) * self.in_len()];
            let dy_chunk = &dy[start * p * f..(start + n) * p * f];
            im2col(&self.geom, n, x_chunk, &mut ws.col);
            let first = start == 0;
            gemm(
                &mut ws.gemm,
                k,
                f,
                n * p,
                &ws.col,
                Trans::Yes,
                dy_chunk,
                Trans::No,
                dw,
                !first,
            );
            for row in dy_chunk.chunks_exact(f) {
                for (acc, g) in db.iter_mut().zip(row) {
                    *acc += *g;
                }
            }
            if let Some(dx) = dx.as_deref_mut() {
                let dcol = &mut ws.col[..n * p * k];
                gemm(
                    &mut ws.gemm,
                    n * p,
                    k,
                    f,
                    dy_chunk,
                    Trans::No,
                    w,
                    Trans::Yes,
                    dcol,
                    false,
                );
                let dx_chunk = &mut dx[start * self.in_len()..(start + n) * self.in_len()];
                col2im(&self.geom, n, dcol, dx_chunk);
            }
        }
    }
}

impl Layer for Conv2d {
    fn keras_class(&self) -> &'static str {
        "Conv2D"
    }

    fn keras_name(&self) -> &'static str {
        "conv2d"
    }

    fn label(&self) -> String {
        let g = &self.geom;
        let act = self.activation.label_suffix();
        format!("Conv2D {}, {}x{}{act}", self.filters, g.kh, g.kw)
    }

    fn arch_token(&self) -> String {
        let g = &self.geom;
        let act = self.activation.arch_suffix();
        format!("conv{}x{}x{}{act}", g.kh, g.kw, self.filters)
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
        Conv2d::forward(self, batch, x, w, b, y, ws);
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
        Conv2d::backward(self, batch, x, y, dy, w, dw, db, dx, ws);
    }
}
