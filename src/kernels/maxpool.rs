//! Max-pool 2x2 backward routing for one window across `C` channels:
//! `d_k[j] = g[j]` for the first `k` in (top-left, top-right, bottom-left, bottom-right) whose
//! input `x_k[j]` equals the pooled output `y[j]`, and 0 for the other three.
//!
//! The scalar version is the reference; LLVM did not vectorise it for wasm (four masked stores
//! per element), and it cost 4-6 ms of a 42 ms training step in Chromium. The SIMD128 version does
//! four channels per instruction with compare masks.

/// The window's inputs (`x[0..3]`: top-left, top-right, bottom-left; bottom-right wins when
/// none of them does), pooled output `y` and its gradient `g`, each `C` long.
pub struct Window<'a> {
    pub x: [&'a [f32]; 3],
    pub y: &'a [f32],
    pub g: &'a [f32],
}

/// Reference routing; see the module header. `d` holds the four `C`-long gradient slices.
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

/// SIMD128 routing, four channels at a time; a channel count that is not a multiple of 4
/// finishes with the scalar reference.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
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

/// The routing of this build ([`super::isa`]): SIMD128 where compiled in, the scalar one
/// elsewhere.
pub use super::isa::maxpool2_route;
