//! im2col / col2im for NHWC images, valid padding, stride 1.
//!
//! `x[b, h, w, c]` → `col[(b·OH + oy)·OW + ox, (ky·KW + kx)·C + c] = x[b, oy+ky, ox+kx, c]`
//! with `OH = H - KH + 1`, `OW = W - KW + 1`. The column order (ky, kx, c) matches Keras'
//! kernel layout `[KH, KW, C, OUT]`, so `col · kernel` is the convolution.
//! col2im is the adjoint: it scatters-adds a column matrix back into image positions.
//!
//! [`im2col_ref`] and [`col2im_ref`] are the naive specs, one element at a time; the fast
//! versions copy a patch's `KW·C` contiguous values of each kernel row at once.

/// Geometry of one convolution input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvGeom {
    pub h: usize,
    pub w: usize,
    pub c: usize,
    pub kh: usize,
    pub kw: usize,
}

impl ConvGeom {
    pub fn out_h(&self) -> usize {
        self.h - self.kh + 1
    }
    pub fn out_w(&self) -> usize {
        self.w - self.kw + 1
    }
    /// Columns of the im2col matrix: `KH·KW·C`.
    pub fn patch_len(&self) -> usize {
        self.kh * self.kw * self.c
    }
    /// Rows of the im2col matrix for one image: `OH·OW`.
    pub fn patches(&self) -> usize {
        self.out_h() * self.out_w()
    }
}

/// Unfolds `batch` images of `x` (NHWC) into `col` (`[batch·OH·OW, KH·KW·C]`).
pub fn im2col(g: &ConvGeom, batch: usize, x: &[f32], col: &mut [f32]) {
    let (oh, ow, c) = (g.out_h(), g.out_w(), g.c);
    let row_len = g.kw * c; // one kernel row of a patch is contiguous in x
    let img_len = g.h * g.w * c;
    let mut dst = 0;
    for b in 0..batch {
        let img = &x[b * img_len..(b + 1) * img_len];
        for oy in 0..oh {
            for ox in 0..ow {
                for ky in 0..g.kh {
                    let src = ((oy + ky) * g.w + ox) * c;
                    col[dst..dst + row_len].copy_from_slice(&img[src..src + row_len]);
                    dst += row_len;
                }
            }
        }
    }
}

/// Adjoint of [`im2col`]: `dx[...] = Σ dcol[...]` over every patch covering the pixel.
/// Overwrites `dx` (it is zeroed first).
pub fn col2im(g: &ConvGeom, batch: usize, dcol: &[f32], dx: &mut [f32]) {
    let (oh, ow, c) = (g.out_h(), g.out_w(), g.c);
    let row_len = g.kw * c;
    let img_len = g.h * g.w * c;
    dx[..batch * img_len].fill(0.0);
    let mut src = 0;
    for b in 0..batch {
        let img = &mut dx[b * img_len..(b + 1) * img_len];
        for oy in 0..oh {
            for ox in 0..ow {
                for ky in 0..g.kh {
                    let dst = ((oy + ky) * g.w + ox) * c;
                    for (d, s) in img[dst..dst + row_len]
                        .iter_mut()
                        .zip(&dcol[src..src + row_len])
                    {
                        *d += *s;
                    }
                    src += row_len;
                }
            }
        }
    }
}

/// Naive im2col, the spec of [`im2col`]: every element of `col` from the formula in the
/// module header.
pub fn im2col_ref(g: &ConvGeom, batch: usize, x: &[f32], col: &mut [f32]) {
    let (oh, ow, k) = (g.out_h(), g.out_w(), g.patch_len());
    for b in 0..batch {
        for oy in 0..oh {
            for ox in 0..ow {
                for ky in 0..g.kh {
                    for kx in 0..g.kw {
                        for ci in 0..g.c {
                            let at = ((b * oh + oy) * ow + ox) * k + (ky * g.kw + kx) * g.c + ci;
                            col[at] = x[((b * g.h + oy + ky) * g.w + ox + kx) * g.c + ci];
                        }
                    }
                }
            }
        }
    }
}

/// Naive col2im, the spec of [`col2im`]: `dx` zeroed, then every element of `dcol` added to
/// the pixel it was taken from, in the same order as [`col2im`] (so the sums agree exactly).
pub fn col2im_ref(g: &ConvGeom, batch: usize, dcol: &[f32], dx: &mut [f32]) {
    let (oh, ow, k) = (g.out_h(), g.out_w(), g.patch_len());
    dx[..batch * g.h * g.w * g.c].fill(0.0);
    for b in 0..batch {
        for oy in 0..oh {
            for ox in 0..ow {
                for ky in 0..g.kh {
                    for kx in 0..g.kw {
                        for ci in 0..g.c {
                            let at = ((b * oh + oy) * ow + ox) * k + (ky * g.kw + kx) * g.c + ci;
                            dx[((b * g.h + oy + ky) * g.w + ox + kx) * g.c + ci] += dcol[at];
                        }
                    }
                }
            }
        }
    }
}
