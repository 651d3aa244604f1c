//! Random distortions of training images (rotation, scale, shift; stroke thickness; elastic),
//! so a model trained on MNIST's tidy digits also reads the ones people draw: off-centre,
//! tilted, too big or too small, which the drawing pad's MNIST-style preprocessing reduces but
//! cannot remove, drawn with any pen and a wobbling hand.
//!
//! A distortion maps output pixel `p` to the source point
//! `s = R(-θ) (p - c - t) / k + c` (`c` the image centre, `t` the shift, `k` the scale,
//! `θ` the angle), sampled bilinearly, zero outside the image: the digit turns by `θ`, grows
//! by `k` and moves by `t`. The identity copies exactly.
//!
//! Ranges ([`Distortion::random`]): ±12° rotation, 0.9-1.1 scale, ±2.5 px shift per axis,
//! about what separates a pre-processed drawing from an MNIST digit.
//!
//! Three more ride along ([`Augmenter`], what the trainer runs): strokes made thinner or
//! thicker ([`thickness`]), an elastic distortion ([`elastic`], Simard et al. 2003), and, for
//! images distorted with their label, handwriting styles MNIST lacks ([`styles`]: a flag and
//! base on some 1s, a bar through some 7s, a slash or dot in some 0s, some 4s closed, some
//! 5s' bars lifted). Per
//! image: the style's strokes drawn first (in place), then thickness (into a scratch image),
//! then one bilinear resampling that applies the affine map and the elastic field together,
//! `s = A(p) + d(p)`. Each part can be
//! switched off ([`Augmentations`]) for the ablation in `examples/augment.rs`; a part that is
//! off draws nothing, so the others see the same random numbers.

pub mod elastic;
pub mod styles;
pub mod thickness;

use rand::{Rng, RngExt};

use crate::model::{PIXELS, SIDE};
use elastic::ElasticField;
use styles::StyleDraw;
use thickness::{MAX_THICKER, MAX_THINNER, change_thickness};

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
        self.resample(src, dst, |_, _| (0.0, 0.0));
    }

    /// Writes `src` distorted by this affine map and the elastic `field` together into `dst`:
    /// output pixel `p` reads the source at `A(p) + d(p)` (one resampling for both).
    ///
    /// # Panics
    /// If either slice is not `SIDE²` long.
    pub fn apply_elastic(&self, field: &ElasticField, src: &[f32], dst: &mut [f32]) {
        self.resample(src, dst, |x, y| field.at(x, y));
    }

    /// Bilinear resampling at `A(p) + displace(p)`; monomorphised, so the plain affine path
    /// pays nothing for the field.
    #[inline(always)]
    fn resample(
        &self,
        src: &[f32],
        dst: &mut [f32],
        displace: impl Fn(usize, usize) -> (f32, f32),
    ) {
        assert!(src.len() == SIDE * SIDE && dst.len() == SIDE * SIDE);
        let centre = (SIDE as f32 - 1.0) / 2.0;
        let (sin, cos) = self.angle.sin_cos();
        let (sin, cos) = (sin / self.scale, cos / self.scale);
        // The source framed by zeros (one column and row before, two after), and source
        // points clamped to [-1, SIDE]: every tap then reads the frame instead of testing
        // bounds, and a point outside still reads only zeros (or weight 0), as before.
        let mut framed = [0.0f32; FRAMED * FRAMED];
        for (s, f) in src
            .chunks_exact(SIDE)
            .zip(framed[FRAMED..].chunks_exact_mut(FRAMED))
        {
            f[1..=SIDE].copy_from_slice(s);
        }
        let edge = SIDE as f32;
        for (y, row) in dst.chunks_exact_mut(SIDE).enumerate() {
            let v = y as f32 - centre - self.shift.1;
            for (x, out) in row.iter_mut().enumerate() {
                let u = x as f32 - centre - self.shift.0;
                // R(-θ) = [cos sin; -sin cos], already divided by the scale.
                let (dx, dy) = displace(x, y);
                let sx = (cos * u + sin * v + centre + dx).clamp(-1.0, edge);
                let sy = (-sin * u + cos * v + centre + dy).clamp(-1.0, edge);
                let (x0, y0) = (floor_from_minus_one(sx), floor_from_minus_one(sy));
                let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
                // Frame index of (x0, y0): both are at least -1.
                let i = (y0 + 1) as usize * FRAMED + (x0 + 1) as usize;
                let top = framed[i] * (1.0 - fx) + framed[i + 1] * fx;
                let bottom = framed[i + FRAMED] * (1.0 - fx) + framed[i + FRAMED + 1] * fx;
                *out = top * (1.0 - fy) + bottom * fy;
            }
        }
    }
}

/// `⌊x⌋` for `x ≥ -1`, without `f32::floor` (a library call on x86-64's baseline): truncating
/// `x + 1` gives `⌊x⌋ + 1`, or one more when the sum rounds up to the next whole number.
#[inline(always)]
fn floor_from_minus_one(x: f32) -> i32 {
    let t = (x + 1.0) as i32 - 1;
    if t as f32 > x { t - 1 } else { t }
}

/// Side of the zero-framed source in [`Distortion::resample`]: pixels -1 to `SIDE + 1`.
const FRAMED: usize = SIDE + 3;

/// Which distortions [`Augmenter`] applies (the trainer's `augment` setting turns
/// [`Augmentations::SETTING`] on or off; the parts are for native ablations).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Augmentations {
    /// Rotation, scale and shift ([`Distortion`]).
    pub affine: bool,
    /// Thinner or thicker strokes ([`thickness`]).
    pub thickness: bool,
    /// Simard's elastic distortion ([`elastic`]).
    pub elastic: bool,
    /// Handwriting styles MNIST lacks drawn onto some 1s, 7s and 0s ([`styles`]); only for
    /// images distorted with their label ([`Augmenter::distort_labelled`]).
    pub styles: bool,
}

impl Augmentations {
    /// What `augment: true` applies: affine, elastic and styles. Stroke thickness is left out:
    /// the pad redraws every drawing with MNIST's pen (`www/preprocess.js`), so the network never
    /// meets a drawing's own pen width, and in the ablation (README, "Augmentation, for drawn
    /// digits") thickness cost clean accuracy and gained nothing on drawn digits. Styles took
    /// real writers' digits from 95.8% to 97.6% after one epoch (bench/README.md, "Handwriting
    /// styles").
    pub const SETTING: Augmentations = Augmentations {
        thickness: false,
        ..Augmentations::ALL
    };
    pub const ALL: Augmentations = Augmentations {
        affine: true,
        thickness: true,
        elastic: true,
        styles: true,
    };
    pub const NONE: Augmentations = Augmentations {
        affine: false,
        thickness: false,
        elastic: false,
        styles: false,
    };
    /// The affine distortion alone (the trainer's augmentation before thickness and elastic).
    pub const AFFINE: Augmentations = Augmentations {
        affine: true,
        ..Augmentations::NONE
    };
}

impl Default for Augmentations {
    fn default() -> Self {
        Augmentations::SETTING
    }
}

/// Random thickness change in `[-MAX_THINNER, MAX_THICKER]`: thinner or thicker equally often,
/// uniform within each side (one draw).
pub fn random_thickness<R: Rng + ?Sized>(rng: &mut R) -> f32 {
    let u: f32 = rng.random_range(-1.0..=1.0);
    if u >= 0.0 {
        u * MAX_THICKER
    } else {
        u * MAX_THINNER
    }
}

/// Distorts images in place with the chosen [`Augmentations`], from the caller's seeded
/// generator; owns its scratch buffers, so a warmed-up call allocates nothing.
#[derive(Clone, Debug)]
pub struct Augmenter {
    pub parts: Augmentations,
    /// The image as it came in.
    source: Vec<f32>,
    /// The image with its thickness changed.
    thick: Vec<f32>,
    /// The row pass of the thickness filter.
    rows: Vec<f32>,
    field: ElasticField,
}

impl Augmenter {
    pub fn new(parts: Augmentations) -> Self {
        Augmenter {
            parts,
            source: vec![0.0; PIXELS],
            thick: vec![0.0; PIXELS],
            rows: vec![0.0; PIXELS],
            field: ElasticField::default(),
        }
    }

    /// Distorts one `SIDE x SIDE` image in place, without styles (its label is unknown). Draws,
    /// in this order and only for the parts that are on: the affine map (4 numbers), the
    /// thickness (1), the elastic field (288).
    ///
    /// # Panics
    /// If `image` is not `SIDE²` long.
    pub fn distort<R: Rng + ?Sized>(&mut self, rng: &mut R, image: &mut [f32]) {
        self.distort_as(rng, image, None);
    }

    /// [`Augmenter::distort`] for an image of class `label`: when `styles` is on, then draws
    /// the style (6 numbers for a 0, 1, 4, 5 or 7, none otherwise) and draws it onto the image first,
    /// so the other distortions bend the new strokes with the old.
    ///
    /// # Panics
    /// If `image` is not `SIDE²` long.
    pub fn distort_labelled<R: Rng + ?Sized>(&mut self, rng: &mut R, image: &mut [f32], label: u8) {
        self.distort_as(rng, image, Some(label));
    }

    fn distort_as<R: Rng + ?Sized>(&mut self, rng: &mut R, image: &mut [f32], label: Option<u8>) {
        let Augmentations {
            affine: turn,
            thickness: thicken,
            elastic: wobble,
            styles,
        } = self.parts;
        let affine = if turn {
            Distortion::random(rng)
        } else {
            Distortion::IDENTITY
        };
        let amount = if thicken { random_thickness(rng) } else { 0.0 };
        if wobble {
            self.field.redraw(rng, elastic::ALPHA);
        }
        if let Some(label) = label.filter(|_| styles) {
            StyleDraw::random(rng, label).apply(image);
        }
        let geometric = turn || wobble;
        if !geometric && !thicken {
            return;
        }
        self.source.copy_from_slice(image);
        if thicken {
            // Straight into the image when nothing is resampled after.
            let out = if geometric {
                &mut self.thick[..]
            } else {
                &mut *image
            };
            change_thickness(&self.source, amount, &mut self.rows, out);
        }
        let src = if thicken { &self.thick } else { &self.source };
        if wobble {
            affine.apply_elastic(&self.field, src, image);
        } else if turn {
            affine.apply(src, image);
        }
    }
}
