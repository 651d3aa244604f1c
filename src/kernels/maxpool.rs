//! Max-pool 2x2, stride 2, NHWC, floor mode: `x [B, H, W, C]` → `y [B, H/2, W/2, C]`, each
//! output the max of its window; an odd last row or column is in no window. The layer
//! ([`crate::layers::MaxPool2`]) runs the forward itself (a compare-and-select that LLVM
//! vectorizes) and the backward window by window through [`maxpool2_route`], which routes one
//! window's gradient across `C` channels:
//! `d_k[j] = g[j]` for the first `k` in (top-left, top-right, bottom-left, bottom-right) whose
//! input `x_k[j]` equals the pooled output `y[j]`, and 0 for the other three.
//!
//! The specs are the naive [`maxpool2_fwd_ref`], [`maxpool2_bwd_ref`] and
//! [`maxpool2_route_ref`]. [`maxpool2_route_scalar`] is written without branches so that LLVM
//! vectorizes it natively; for wasm it did not (four masked stores per element), and the
//! routing was a visible part of a training step, hence `maxpool2_route_simd128`: four
//! channels per instruction with compare masks (figures in bench/README.md).

/// The window's inputs (`x[0..3]`: top-left, top-right, bottom-left; bottom-right wins when
/// none of them does), pooled output `y` and its gradient `g`, each `C` long.
pub struct Window<'a> {
    pub x: [&'a [f32]; 3],
    pub y: &'a [f32],
    pub g: &'a [f32],
}

/// Naive routing, the spec of [`maxpool2_route`]; see the module header. `d` holds the four
/// `C`-long gradient slices.
pub fn maxpool2_route_ref(w: &Window, mut d: [&mut [f32]; 4]) {
    for j in 0..w.y.len() {
        let winner = (0..3).find(|&k| w.x[k][j] == w.y[j]).unwrap_or(3);
        for (k, dk) in d.iter_mut().enumerate() {
            dk[j] = if k == winner { w.g[j] } else { 0.0 };
        }
    }
}

/// Portable routing: [`maxpool2_route_ref`] without branches (LLVM vectorizes it natively).
pub fn maxpool2_route_scalar(w: &Window, d: [&mut [f32]; 4]) {
    let [d0, d1, d2, d3] = d;
    for j in 0..w.y.len() {
        let (y, g) = (w.y[j], w.g[j]);
        // `&` rather than `&&`: no branches, which lets LLVM vectorise this natively.
        let m0 = w.x[0][j] == y;
        let m1 = !m0 & (w.x[1][j] == y);
        let m2 = !(m0 | m1) & (w.x[2][j] == y);
        let m3 = !(m0 | m1 | m2);
        d0[j] = if m0 { g } else { 0.0 };
        d1[j] = if m1 { g } else { 0.0 };
        d2[j] = if m2 { g } else { 0.0 };
        d3[j] = if m3 { g } else { 0.0 };
    }
}

simd128! {
    /// SIMD128 routing, four channels at a time; a channel count that is not a multiple of 4
    /// finishes with the scalar reference.
    pub fn maxpool2_route_simd128(w: &Window, d: [&mut [f32]; 4]) {
        use core::arch::wasm32::{f32x4_eq, v128_and, v128_andnot, v128_load, v128_or, v128_store};
        let c = w.y.len();
        let [d0, d1, d2, d3] = d;
        assert!(w.x.iter().all(|x| x.len() >= c) && w.g.len() >= c);
        assert!(d0.len() >= c && d1.len() >= c && d2.len() >= c && d3.len() >= c);
        let vec_end = c - c % 4;
        for j in (0..vec_end).step_by(4) {
            // SAFETY: j + 4 <= c and every slice holds at least c floats (asserted above);
            // v128_load/v128_store have no alignment requirement.
            unsafe {
                let ld = |s: &[f32]| v128_load(s.as_ptr().add(j).cast());
                let (y, g) = (ld(w.y), ld(w.g));
                let m0 = f32x4_eq(ld(w.x[0]), y);
                let m1 = v128_andnot(f32x4_eq(ld(w.x[1]), y), m0);
                let m01 = v128_or(m0, m1);
                let m2 = v128_andnot(f32x4_eq(ld(w.x[2]), y), m01);
                let m012 = v128_or(m01, m2);
                v128_store(d0.as_mut_ptr().add(j).cast(), v128_and(g, m0));
                v128_store(d1.as_mut_ptr().add(j).cast(), v128_and(g, m1));
                v128_store(d2.as_mut_ptr().add(j).cast(), v128_and(g, m2));
                v128_store(d3.as_mut_ptr().add(j).cast(), v128_andnot(g, m012));
            }
        }
        if vec_end < c {
            let tail = Window {
                x: w.x.map(|x| &x[vec_end..c]),
                y: &w.y[vec_end..],
                g: &w.g[vec_end..c],
            };
            let [d0, d1, d2, d3] = [d0, d1, d2, d3].map(|s| &mut s[vec_end..c]);
            maxpool2_route_scalar(&tail, [d0, d1, d2, d3]);
        }
    }
}

/// The routing of this build ([`super::isa`]): SIMD128 where compiled in, the scalar one
/// elsewhere.
pub use super::isa::maxpool2_route;

/// Naive max-pool forward, the spec of [`crate::layers::MaxPool2::forward`]: `y[b, oy, ox, c]`
/// is the max of `x` over the window at `(2·oy, 2·ox)` of an `[h, w, c]` image, the first of
/// equal values in scan order winning (for inputs without NaN). Overwrites `y`.
pub fn maxpool2_fwd_ref([h, w, c]: [usize; 3], batch: usize, x: &[f32], y: &mut [f32]) {
    let (oh, ow) = (h / 2, w / 2);
    for b in 0..batch {
        for oy in 0..oh {
            for ox in 0..ow {
                for ch in 0..c {
                    let at = |k: usize| x[((b * h + 2 * oy + k / 2) * w + 2 * ox + k % 2) * c + ch];
                    let mut m = at(0);
                    for k in 1..4 {
                        if at(k) > m {
                            m = at(k);
                        }
                    }
                    y[((b * oh + oy) * ow + ox) * c + ch] = m;
                }
            }
        }
    }
}

/// Naive max-pool backward, the spec of [`crate::layers::MaxPool2::backward`]: `dx`
/// (overwritten) is zero except that each `dy` goes to the first input of its window, in scan
/// order, equal to the forward's output `y` (the bottom-right one when none is).
pub fn maxpool2_bwd_ref(
    [h, w, c]: [usize; 3],
    batch: usize,
    x: &[f32],
    y: &[f32],
    dy: &[f32],
    dx: &mut [f32],
) {
    let (oh, ow) = (h / 2, w / 2);
    dx[..batch * h * w * c].fill(0.0);
    for b in 0..batch {
        for oy in 0..oh {
            for ox in 0..ow {
                for ch in 0..c {
                    let at = |k: usize| ((b * h + 2 * oy + k / 2) * w + 2 * ox + k % 2) * c + ch;
                    let o = ((b * oh + oy) * ow + ox) * c + ch;
                    let winner = (0..3).find(|&k| x[at(k)] == y[o]).unwrap_or(3);
                    dx[at(winner)] = dy[o];
                }
            }
        }
    }
}
