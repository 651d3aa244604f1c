//! Max pooling 2x2, stride 2, NHWC, floor mode (Keras 'valid'): `[B, H, W, C]` →
//! `[B, H/2, W/2, C]`; an odd last row or column is dropped (11 → 5).
//!
//! Forward records, per output, the flat index of the winning input so backward is a scatter:
//! `dx[argmax[i]] += dy[i]`, all other `dx` zero. Ties go to the first in scan order.

/// Pooling geometry of one image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxPool2 {
    pub h: usize,
    pub w: usize,
    pub c: usize,
}

impl MaxPool2 {
    pub fn out_shape(&self) -> [usize; 3] {
        [self.h / 2, self.w / 2, self.c]
    }
    pub fn in_len(&self) -> usize {
        self.h * self.w * self.c
    }
    pub fn out_len(&self) -> usize {
        (self.h / 2) * (self.w / 2) * self.c
    }

    /// `y[b, oy, ox, c] = max over the 2x2 window`; `argmax` gets each winner's index into `x`.
    pub fn forward(&self, batch: usize, x: &[f32], y: &mut [f32], argmax: &mut [u32]) {
        let (oh, ow, c) = (self.h / 2, self.w / 2, self.c);
        let mut o = 0;
        for b in 0..batch {
            let base = b * self.in_len();
            for oy in 0..oh {
                for ox in 0..ow {
                    let i00 = base + ((2 * oy) * self.w + 2 * ox) * c;
                    let i01 = i00 + c;
                    let i10 = i00 + self.w * c;
                    let i11 = i10 + c;
                    for ch in 0..c {
                        let mut best = i00 + ch;
                        for cand in [i01 + ch, i10 + ch, i11 + ch] {
                            if x[cand] > x[best] {
                                best = cand;
                            }
                        }
                        y[o] = x[best];
                        argmax[o] = best as u32;
                        o += 1;
                    }
                }
            }
        }
    }

    /// `dx` (overwritten) gets each `dy` routed back to the input that won the forward max.
    pub fn backward(&self, batch: usize, dy: &[f32], argmax: &[u32], dx: &mut [f32]) {
        let n_out = batch * self.out_len();
        dx[..batch * self.in_len()].fill(0.0);
        for (g, &i) in dy[..n_out].iter().zip(&argmax[..n_out]) {
            dx[i as usize] += *g;
        }
    }
}
