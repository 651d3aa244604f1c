//! Random affine distortions of training images (rotation, scale, shift), so a model trained
//! on MNIST's tidy digits also reads the ones people draw: off-centre, tilted, too big or too
//! small, which the drawing pad's MNIST-style preprocessing reduces but cannot remove.
//!
//! A distortion maps output pixel `p` to the source point
//! `s = R(-θ) (p - c - t) / k + c` (`c` the image centre, `t` the shift, `k` the scale,
//! `θ` the angle), sampled bilinearly, zero outside the image: the digit turns by `θ`, grows
//! by `k` and moves by `t`. The identity copies exactly.
//!
//! Ranges ([`Distortion::random`]): ±12° rotation, 0.9-1.1 scale, ±2.5 px shift per axis,
//! about what separates a pre-processed drawing from an MNIST digit.

use rand::{Rng, RngExt};

use crate::model::SIDE;

/// Largest rotation, in degrees, either way.
pub const MAX_ROTATION_DEG: f32 = 12.0;
/// Largest relative change of size, either way.
pub const MAX_SCALE_CHANGE: f32 = 0.1;
/// Largest shift per axis, in pixels, either way.
pub const MAX_SHIFT: f32 = 2.5;

/// One affine distortion of a `SIDE x SIDE` image.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Distortion {
    /// Rotation in radians; positive turns clockwise on screen (y points down).
    pub angle: f32,
    /// Size factor: > 1 makes the digit bigger.
    pub scale: f32,
    /// Shift in pixels, right and down.
    pub shift: (f32, f32),
}

impl Distortion {
    pub const IDENTITY: Distortion = Distortion {
        angle: 0.0,
        scale: 1.0,
        shift: (0.0, 0.0),
    };

    /// Uniform over the module's ranges.
    pub fn random<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let max_angle = MAX_ROTATION_DEG.to_radians();
        Distortion {
            angle: rng.random_range(-max_angle..=max_angle),
            scale: rng.random_range(1.0 - MAX_SCALE_CHANGE..=1.0 + MAX_SCALE_CHANGE),
            shift: (
                rng.random_range(-MAX_SHIFT..=MAX_SHIFT),
                rng.random_range(-MAX_SHIFT..=MAX_SHIFT),
            ),
        }
    }

    /// Writes the distorted `src` (`SIDE x SIDE`, row-major) into `dst`.
    ///
    /// # Panics
    /// If either slice is not `SIDE²` long.
    pub fn apply(&self, src: &[f32], dst: &mut [f32]) {
        assert!(src.len() == SIDE * SIDE && dst.len() == SIDE * SIDE);
        let centre = (SIDE as f32 - 1.0) / 2.0;
        let (sin, cos) = self.angle.sin_cos();
        let (sin, cos) = (sin / self.scale, cos / self.scale);
        let pixel = |x: isize, y: isize| {
            if (0..SIDE as isize).contains(&x) && (0..SIDE as isize).contains(&y) {
                src[y as usize * SIDE + x as usize]
            } else {
                0.0
            }
        };
        for (y, row) in dst.chunks_exact_mut(SIDE).enumerate() {
            let v = y as f32 - centre - self.shift.1;
            for (x, out) in row.iter_mut().enumerate() {
                let u = x as f32 - centre - self.shift.0;
                // R(-θ) = [cos sin; -sin cos], already divided by the scale.
                let sx = cos * u + sin * v + centre;
                let sy = -sin * u + cos * v + centre;
                let (x0, y0) = (sx.floor(), sy.floor());
                let (fx, fy) = (sx - x0, sy - y0);
                let (x0, y0) = (x0 as isize, y0 as isize);
                let top = pixel(x0, y0) * (1.0 - fx) + pixel(x0 + 1, y0) * fx;
                let bottom = pixel(x0, y0 + 1) * (1.0 - fx) + pixel(x0 + 1, y0 + 1) * fx;
                *out = top * (1.0 - fy) + bottom * fy;
            }
        }
    }
}
