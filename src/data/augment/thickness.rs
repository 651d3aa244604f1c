//! Thinner and thicker strokes: people draw with pens of any width, and the drawing pad's
//! brush need not match MNIST's (strokes ~2-3 px wide after the 20x20 box).
//!
//! Grey-scale morphology blended by a random amount `t` in `[-MAX_THINNER, MAX_THICKER]`:
//! `out = x + t · (dilate(x) - x)` for `t > 0`, `out = x + |t| · (erode(x) - x)` for `t < 0`,
//! with `dilate` / `erode` the maximum / minimum over the 3x3 neighbourhood (inside the image).
//! `t = 1` widens a stroke by one pixel on each side, `t = -1` narrows it by one; between, the
//! edge pixels take part of the ink, so the width changes continuously. The 3x3 filter is
//! separable (a max of rows, then of columns: 4 comparisons a pixel), so the whole change is
//! ~6 operations a pixel. A 3x3 square grows diagonal strokes by up to √2 px where straight ones
//! grow by 1 px; at these amounts the difference is a fraction of a pixel, and the square is
//! the cheapest symmetric element, so the centre of mass stays where it was.

use crate::model::SIDE;

/// Largest blend towards the 3x3 maximum: a full pixel more on each side, 2-3 px strokes
/// become 4-5 px, about the pad's widest brush after scaling to 20x20.
pub const MAX_THICKER: f32 = 1.0;
/// Largest blend towards the 3x3 minimum: half a pixel less on each side; a full erosion would
/// erase MNIST's thinnest (1-2 px) strokes and break digits apart.
pub const MAX_THINNER: f32 = 0.5;

/// Writes `src` with its strokes made thicker (`amount > 0`) or thinner (`amount < 0`) by
/// `|amount|` of a 3x3 dilation or erosion into `dst`; `rows` is scratch. All `SIDE²` long.
///
/// # Panics
/// If a slice is not `SIDE²` long.
pub fn change_thickness(src: &[f32], amount: f32, rows: &mut [f32], dst: &mut [f32]) {
    if amount >= 0.0 {
        blend_towards(src, amount, f32::max, rows, dst);
    } else {
        blend_towards(src, -amount, f32::min, rows, dst);
    }
}

/// `dst = src + t · (f over the 3x3 neighbourhood - src)`, `f` max or min, separable.
#[inline(always)]
fn blend_towards(
    src: &[f32],
    t: f32,
    f: impl Fn(f32, f32) -> f32 + Copy,
    rows: &mut [f32],
    dst: &mut [f32],
) {
    let n = SIDE * SIDE;
    assert!(src.len() == n && rows.len() == n && dst.len() == n);
    // f over each pixel and its left and right neighbours.
    for (s, r) in src.chunks_exact(SIDE).zip(rows.chunks_exact_mut(SIDE)) {
        r[0] = f(s[0], s[1]);
        for x in 1..SIDE - 1 {
            r[x] = f(f(s[x - 1], s[x]), s[x + 1]);
        }
        r[SIDE - 1] = f(s[SIDE - 2], s[SIDE - 1]);
    }
    // f of those over the rows above and below, blended with the source.
    for y in 0..SIDE {
        let above = y.saturating_sub(1) * SIDE;
        let below = (y + 1).min(SIDE - 1) * SIDE;
        let here = y * SIDE;
        for x in 0..SIDE {
            let m = f(f(rows[above + x], rows[here + x]), rows[below + x]);
            let v = src[here + x];
            dst[here + x] = v + t * (m - v);
        }
    }
}
