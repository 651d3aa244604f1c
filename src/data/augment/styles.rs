//! Handwriting styles MNIST's writers rarely used and much of the world writes (issue 18): the
//! "1" with a flag from the top of its stem (and often a base under it), the continental "7"
//! with a bar through its stem, the "0" with a slash or a dot inside, the closed (printed) "4",
//! the "5" whose top bar is a separate stroke. A network trained on
//! MNIST alone reads a flagged 1 as a 7 and a barred 7 as a 2; drawing these strokes onto some
//! training images of those classes (labels kept) teaches it the styles.
//!
//! Each style is a few straight strokes placed from the image's own ink (its bounding box, the
//! stem's column at its top, middle or foot) and drawn like the pad draws (`www/preprocess.js`
//! `rasterize`): round caps, anti-aliased by the distance to the segment through a 1 px ramp,
//! overlapping ink saturating (the maximum, not the sum). The pen is the image's own stroke
//! width, estimated from the ink across the middle rows (a near-vertical stroke's row sum is
//! its width), clamped to MNIST's usual 1.5-3.5 px. Everything is on the stack: no allocation.
//!
//! Shapes, after handwriting manuals and national conventions (e.g. the Swiss/German school
//! scripts, the French "1" and "7", the slashed zero of typewriters and engineering drawings):
//! - flag on a 1: from the stem's top, down and to the left, 30-70° below horizontal, 25-80%
//!   of the digit's height long (the continental 1's up-stroke is long and steep); half of the flagged 1s also get a base, a horizontal bar
//!   across the stem's foot 40-80% of the height wide;
//! - bar on a 7: across the stem at 45-60% of the height, 35-60% of the height wide, tilted
//!   by up to ±8°;
//! - slash in a 0: a diagonal from near the top right to near the bottom left corner of the
//!   ring (sometimes just past it); one zero in four gets a dot in the middle instead;
//! - a closed 4: the printed 4's diagonal, from the stem's top down to the crossbar's left end
//!   (MNIST's 4s are mostly open at the top);
//! - a lifted bar on a 5: the two-stroke 5's bar, written last, often sits apart from the stem:
//!   the top 15-30% of the ink moves up 1-2 px and right 0-2 px (pixels moved, nothing drawn).

use rand::{Rng, RngExt};

use crate::model::SIDE;

/// Chance that a training image of the class gets its style: 1s, 7s, 0s (then 5s and 4s).
pub const P_ONE: f32 = 0.6;
pub const P_SEVEN: f32 = 0.4;
pub const P_ZERO: f32 = 0.25;
/// Chance that a 5's top bar is lifted off its stem (written as a second stroke).
pub const P_FIVE: f32 = 0.3;
/// Chance that a 4 is closed at the top (the printed 4's diagonal).
pub const P_FOUR: f32 = 0.4;
/// A 1's flag: its length as a share of the digit's height, and its angle below horizontal in
/// degrees (the continental 1's long up-stroke reaches most of the way down, steeply).
pub const FLAG_LENGTH: (f32, f32) = (0.25, 0.8);
pub const FLAG_ANGLE: (f32, f32) = (30.0, 70.0);
/// Pixels at least this dark count as ink for the bounding box and the stem's column.
const INK: f32 = 0.3;

/// The style drawn on one image: up to two strokes, each a segment `(ax, ay) → (bx, by)` in
/// pixel coordinates (pixel (i, j) covers [i, i+1) x [j, j+1)).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    strokes: [[f32; 4]; 2],
    count: usize,
}

/// The random numbers a style is placed with, drawn before looking at the image (so the
/// numbers drawn depend only on the label: 6 for a 0, 1, 4, 5 or 7, none for other classes).
#[derive(Clone, Copy, Debug)]
pub struct StyleDraw {
    label: u8,
    on: bool,
    u: [f32; 5],
}

impl StyleDraw {
    /// Draws whether and how `label`'s image is styled: 6 numbers for 0, 1, 4, 5 and 7, none
    /// otherwise.
    pub fn random<R: Rng + ?Sized>(rng: &mut R, label: u8) -> Self {
        let p = match label {
            0 => P_ZERO,
            1 => P_ONE,
            4 => P_FOUR,
            5 => P_FIVE,
            7 => P_SEVEN,
            _ => {
                return StyleDraw {
                    label,
                    on: false,
                    u: [0.0; 5],
                };
            }
        };
        let on = rng.random::<f32>() < p;
        let mut u = [0.0; 5];
        for v in &mut u {
            *v = rng.random::<f32>();
        }
        StyleDraw { label, on, u }
    }

    /// The same as forced on (for tests and pictures): `u` are five numbers in [0, 1).
    pub fn forced(label: u8, u: [f32; 5]) -> Self {
        StyleDraw { label, on: true, u }
    }

    /// Whether anything will be drawn.
    pub fn is_on(&self) -> bool {
        self.on && matches!(self.label, 0 | 1 | 4 | 5 | 7)
    }

    /// Draws the style onto `image` (`SIDE x SIDE`, values in [0, 1]); nothing when off or
    /// when the image has no ink.
    pub fn apply(&self, image: &mut [f32]) {
        if !self.is_on() {
            return;
        }
        if self.label == 5 {
            self.lift_bar(image);
            return;
        }
        if let Some(style) = self.place(image) {
            let pen = stroke_width(image, if self.label == 0 { 2.0 } else { 1.0 });
            for s in &style.strokes[..style.count] {
                draw_segment(image, (s[0], s[1]), (s[2], s[3]), pen);
            }
        }
    }

    /// A 5 whose top bar is a stroke of its own: the rows of the top 15-30% of the ink move up
    /// by 1-2 px and right by 0-2 px, leaving a gap above the stem.
    fn lift_bar(&self, image: &mut [f32]) {
        let Some(b) = ink_box(image) else { return };
        let h = b.y1 - b.y0 + 1;
        let rows = ((0.15 + 0.15 * self.u[0]) * h as f32) as usize;
        let up = (1 + (self.u[1] * 2.0) as usize).min(b.y0);
        let right = ((self.u[2] * 3.0) as usize).min(SIDE - 1 - b.x1);
        if rows == 0 || up == 0 {
            return;
        }
        for y in b.y0..b.y0 + rows {
            for x in (0..SIDE).rev() {
                let v = image[y * SIDE + x];
                image[y * SIDE + x] = 0.0;
                if x + right < SIDE {
                    let p = &mut image[(y - up) * SIDE + x + right];
                    *p = p.max(v);
                }
            }
        }
    }

    /// The strokes for this image, from its ink; None without ink.
    pub fn place(&self, image: &[f32]) -> Option<Style> {
        assert!(image.len() == SIDE * SIDE);
        let b = ink_box(image)?;
        let h = (b.y1 - b.y0 + 1) as f32;
        let w = (b.x1 - b.x0 + 1) as f32;
        let u = self.u;
        let lerp = |a: f32, z: f32, t: f32| a + (z - a) * t;
        let mut style = Style {
            strokes: [[0.0; 4]; 2],
            count: 0,
        };
        match self.label {
            1 => {
                // The stem's top: the ink's column over its first rows, a pen's half below.
                let (tx, ty) = (row_centre(image, b.y0, b.y0 + 2)?, b.y0 as f32 + 1.2);
                let len = h * lerp(FLAG_LENGTH.0, FLAG_LENGTH.1, u[0]);
                let angle = lerp(FLAG_ANGLE.0, FLAG_ANGLE.1, u[1]).to_radians();
                let (s, c) = angle.sin_cos();
                style.push([tx, ty, tx - len * c, ty + len * s]);
                if u[2] < 0.5 {
                    let (fx, fy) = (row_centre(image, b.y1 - 2, b.y1)?, b.y1 as f32 - 0.2);
                    let half = h * lerp(0.4, 0.8, u[3]) / 2.0;
                    // Not always centred on the foot: people start the base a little left.
                    let off = half * (u[4] - 0.5) * 0.4;
                    style.push([fx - half + off, fy, fx + half + off, fy]);
                }
            }
            7 => {
                let y = b.y0 as f32 + h * lerp(0.45, 0.6, u[0]);
                let row = (y as usize).clamp(b.y0, b.y1);
                let x = row_centre(image, row.saturating_sub(1).max(b.y0), (row + 1).min(b.y1))?;
                let half = h * lerp(0.35, 0.6, u[1]) / 2.0;
                let tilt = lerp(-8f32, 8.0, u[2]).to_radians().tan() * half;
                let off = half * (u[3] - 0.5) * 0.4;
                style.push([x - half + off, y + tilt, x + half + off, y - tilt]);
            }
            0 => {
                let (x0, y0) = (b.x0 as f32 + 0.5, b.y0 as f32 + 0.5);
                let (x1, y1) = (b.x1 as f32 + 0.5, b.y1 as f32 + 0.5);
                if u[0] < 0.25 {
                    // A dot: a zero-length stroke at the ring's centre, give or take a pixel.
                    let cx = (x0 + x1) / 2.0 + (u[1] - 0.5) * 2.0;
                    let cy = (y0 + y1) / 2.0 + (u[2] - 0.5) * 2.0;
                    style.push([cx, cy, cx, cy]);
                } else {
                    // Inset from the corners by 0-25% of the side at each end: inside the ring
                    // or just past it.
                    let (i, j) = (lerp(-0.05, 0.25, u[1]), lerp(-0.05, 0.25, u[2]));
                    style.push([x1 - i * w, y0 + i * h, x0 + j * w, y1 - j * h]);
                }
            }
            4 => {
                // The stem's top: the rightmost ink in the top quarter; the crossbar: the
                // inkiest row between 35% and 75% of the height, from its leftmost ink.
                let quarter = b.y0 + (h as usize / 4).max(1);
                let (mut sx, mut sy) = (0, b.y0);
                for (y, row) in image
                    .chunks_exact(SIDE)
                    .enumerate()
                    .take(quarter + 1)
                    .skip(b.y0)
                {
                    if let Some(x) = row.iter().rposition(|&v| v >= INK) {
                        if x > sx {
                            (sx, sy) = (x, y);
                        }
                    }
                }
                let (from, to) = (b.y0 + (0.35 * h) as usize, b.y0 + (0.75 * h) as usize);
                let (mut by, mut best) = (from, -1.0f32);
                for (y, row) in image.chunks_exact(SIDE).enumerate().take(to + 1).skip(from) {
                    let s: f32 = row.iter().sum();
                    if s > best {
                        (by, best) = (y, s);
                    }
                }
                let bx = image[by * SIDE..(by + 1) * SIDE]
                    .iter()
                    .position(|&v| v >= INK)?;
                if bx + 3 > sx {
                    return None;
                }
                let reach = lerp(0.0, 1.5, u[0]);
                style.push([
                    sx as f32,
                    sy as f32 + 1.0,
                    bx as f32 + 1.0 - reach,
                    by as f32 + 0.5,
                ]);
            }
            _ => return None,
        }
        Some(style)
    }
}

impl Style {
    fn push(&mut self, mut s: [f32; 4]) {
        // Clamped to the frame, a pen's half inside.
        for v in &mut s {
            *v = v.clamp(1.5, SIDE as f32 - 1.5);
        }
        self.strokes[self.count] = s;
        self.count += 1;
    }

    /// The strokes, as `[ax, ay, bx, by]`.
    pub fn strokes(&self) -> &[[f32; 4]] {
        &self.strokes[..self.count]
    }
}

/// Inclusive bounding box of the pixels at least [`INK`] dark.
struct InkBox {
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
}

fn ink_box(image: &[f32]) -> Option<InkBox> {
    let (mut x0, mut y0, mut x1, mut y1) = (SIDE, SIDE, 0, 0);
    for (y, row) in image.chunks_exact(SIDE).enumerate() {
        for (x, &v) in row.iter().enumerate() {
            if v >= INK {
                x0 = x0.min(x);
                x1 = x1.max(x);
                y0 = y0.min(y);
                y1 = y1.max(y);
            }
        }
    }
    (x0 <= x1).then_some(InkBox { x0, y0, x1, y1 })
}

/// The ink's mean column (pixel centres at +0.5) over rows `from..=to`, None without ink.
fn row_centre(image: &[f32], from: usize, to: usize) -> Option<f32> {
    let (mut mass, mut mx) = (0.0, 0.0);
    for row in image.chunks_exact(SIDE).take(to + 1).skip(from) {
        for (x, &v) in row.iter().enumerate() {
            mass += v;
            mx += v * (x as f32 + 0.5);
        }
    }
    (mass > 0.0).then(|| mx / mass)
}

/// The image's stroke width: the mean ink per inked row over the middle third of its rows,
/// divided by the strokes a row crosses there (`crossings`: 1 for a stem, 2 for a ring),
/// clamped to 1.5-3.5 px.
fn stroke_width(image: &[f32], crossings: f32) -> f32 {
    let Some(b) = ink_box(image) else { return 2.4 };
    let third = (b.y1 - b.y0 + 1) / 3;
    let (mut sum, mut rows) = (0.0f32, 0usize);
    for row in image
        .chunks_exact(SIDE)
        .take(b.y1 + 1 - third)
        .skip(b.y0 + third)
    {
        let s: f32 = row.iter().sum();
        if s > 0.0 {
            sum += s;
            rows += 1;
        }
    }
    if rows == 0 {
        return 2.4;
    }
    (sum / rows as f32 / crossings).clamp(1.5, 3.5)
}

/// Draws segment a-b with a round pen `pen` px wide into `image`, anti-aliased like the pad's
/// renderer: `clamp(pen/2 + 0.5 - d, 0, 1)` at distance `d` from the pixel centre, kept where
/// it is darker than the ink already there.
pub fn draw_segment(image: &mut [f32], a: (f32, f32), b: (f32, f32), pen: f32) {
    let reach = pen / 2.0 + 0.5;
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let last = (SIDE - 1) as f32;
    let span = |p: f32, q: f32| {
        let lo = (p.min(q) - reach).clamp(0.0, last) as usize;
        let hi = (p.max(q) + reach).clamp(0.0, last) as usize;
        (lo, hi)
    };
    let (x0, x1) = span(a.0, b.0);
    let (y0, y1) = span(a.1, b.1);
    for y in y0..=y1 {
        let py = y as f32 + 0.5 - a.1;
        for x in x0..=x1 {
            let px = x as f32 + 0.5 - a.0;
            let t = if len2 > 0.0 {
                ((px * dx + py * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (ex, ey) = (px - t * dx, py - t * dy);
            let v = (reach - (ex * ex + ey * ey).sqrt()).clamp(0.0, 1.0);
            let p = &mut image[y * SIDE + x];
            if v > *p {
                *p = v;
            }
        }
    }
}
