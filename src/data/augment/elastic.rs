//! Elastic distortion (Simard, Steinkraus & Platt 2003, "Best practices for convolutional
//! neural networks applied to visual document analysis"): every pixel moves by its own small
//! amount, smoothly varying over the image, the way a hand's strokes wobble.
//!
//! Simard's field: `d = α · (G_σ * U)`, `U` uniform in [-1, 1] per pixel and axis, `G_σ` a
//! normalised Gaussian; each output pixel `p` then reads the source at `p + d(p)`, bilinearly.
//! Per axis its rms is `α · sqrt(1/3 · Σ G²) ≈ α / (2 √(3π) σ)` (`Σ G² ≈ 1 / (4π σ²)` in 2D).
//!
//! Cheap version, a field of the same smoothness and (within 6%) the same rms: `U` is drawn on
//! a lattice of nodes [`STRIDE`] = σ = 4 px apart (8 x 8 nodes cover the image, 2 more on each
//! side so the smoothing does not fade at the edges), smoothed there by a 5-tap Gaussian of
//! σ = 1 node, and read between the nodes bilinearly. A Gaussian of σ nodes on a lattice of step `s` carries
//! `s²` times the variance of one of `s·σ` px on the pixel grid, so the nodes are scaled by
//! `α / s` to keep Simard's rms (reading between the nodes averages them: 0.65 px rms at
//! α = 17 against Simard's 0.69). Cost per image: 288 uniform draws and ~1,600 multiply-adds (a
//! full-resolution separable σ = 4 field takes 1,568 draws and ~50,000), and the lookup
//! is folded into the affine resampling ([`super::Distortion::apply_elastic`]): each image is
//! resampled once.

use rand::{Rng, RngExt};

use crate::model::SIDE;

/// Pixels between lattice nodes, and the field's σ in pixels (Simard's σ = 4 for MNIST).
pub const STRIDE: usize = 4;
/// Simard's α = 34 halved (rms 0.65 px, peaks ~2 px): Simard used the field alone; here it
/// comes on top of the affine distortion, which already moves the digit as a whole, so it need
/// only add the local wobble.
pub const ALPHA: f32 = 17.0;
/// Nodes per axis that cover the image: positions 0, 4, ..., 28.
pub const NODES: usize = SIDE / STRIDE + 1;
/// Extra nodes on each side, the smoothing kernel's radius.
const PAD: usize = 2;
const DRAWN: usize = NODES + 2 * PAD;
/// `exp(-k²/2)` for k = -2..=2, normalised: a Gaussian of σ = 1 node.
const KERNEL: [f32; 5] = {
    let (a, b, c) = (0.135_335_28f32, 0.606_530_66f32, 1.0f32);
    let sum = 2.0 * a + 2.0 * b + c;
    [a / sum, b / sum, c / sum, b / sum, a / sum]
};

/// A random displacement field at lattice resolution, one per image (no allocation: arrays).
#[derive(Clone, Debug, PartialEq)]
pub struct ElasticField {
    /// Displacement in pixels at node `(i, j)` (`j` rows, `i` columns), `[j * NODES + i]`.
    dx: [f32; NODES * NODES],
    dy: [f32; NODES * NODES],
}

impl Default for ElasticField {
    fn default() -> Self {
        ElasticField {
            dx: [0.0; NODES * NODES],
            dy: [0.0; NODES * NODES],
        }
    }
}

impl ElasticField {
    /// Redraws the field in place: 2 · 12² uniform draws from `rng`, smoothed, times `alpha`.
    pub fn redraw<R: Rng + ?Sized>(&mut self, rng: &mut R, alpha: f32) {
        let scale = alpha / STRIDE as f32;
        smoothed_noise(rng, scale, &mut self.dx);
        smoothed_noise(rng, scale, &mut self.dy);
    }

    /// Displacement `(dx, dy)` in pixels at pixel `(x, y)`, bilinear between the nodes.
    #[inline]
    pub fn at(&self, x: usize, y: usize) -> (f32, f32) {
        let (i, j) = (x / STRIDE, y / STRIDE);
        let fx = (x % STRIDE) as f32 / STRIDE as f32;
        let fy = (y % STRIDE) as f32 / STRIDE as f32;
        let n = j * NODES + i;
        let lerp = |f: &[f32; NODES * NODES]| {
            let top = f[n] + fx * (f[n + 1] - f[n]);
            let bottom = f[n + NODES] + fx * (f[n + NODES + 1] - f[n + NODES]);
            top + fy * (bottom - top)
        };
        (lerp(&self.dx), lerp(&self.dy))
    }
}

/// Uniform [-1, 1] noise on the padded lattice, Gaussian-smoothed (rows, then columns) onto
/// the `NODES x NODES` nodes, times `scale`.
fn smoothed_noise<R: Rng + ?Sized>(rng: &mut R, scale: f32, out: &mut [f32; NODES * NODES]) {
    let mut noise = [0.0f32; DRAWN * DRAWN];
    for v in &mut noise {
        *v = rng.random_range(-1.0..=1.0);
    }
    // Along rows: every drawn row, only the covering columns.
    let mut rows = [0.0f32; DRAWN * NODES];
    for (src, dst) in noise.chunks_exact(DRAWN).zip(rows.chunks_exact_mut(NODES)) {
        for (i, d) in dst.iter_mut().enumerate() {
            *d = KERNEL.iter().zip(&src[i..]).map(|(k, v)| k * v).sum();
        }
    }
    // Along columns.
    for j in 0..NODES {
        for i in 0..NODES {
            let s: f32 = (0..KERNEL.len())
                .map(|k| KERNEL[k] * rows[(j + k) * NODES + i])
                .sum();
            out[j * NODES + i] = scale * s;
        }
    }
}
