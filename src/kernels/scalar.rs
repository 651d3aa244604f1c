//! Portable 4x8 GEMM micro-kernel: the scalar twin of `simd128`.
//!
//! `C[4,8] (+)= Σ_p Apanel[p,0..4]ᵀ · Bpanel[p,0..8]` over packed panels (see
//! [`super::gemm_packed`] for their layout). Plain arrays with constant trip counts, so LLVM
//! vectorizes the 32 accumulators on native targets (two SSE vectors per row); used on every
//! target that does not have `simd128`, including the wasm "scalar build".

use super::gemm_packed::{MR, NR};

/// 4x8 micro-kernel on packed panels.
///
/// `a` holds `kc` groups of [`MR`] values (one column of op(A) each), `b` holds `kc` groups of
/// [`NR`] values (one row of op(B) each). Writes the tile into `c` with row stride `ldc`,
/// adding to what is there when `accumulate`.
///
/// # Panics
/// If `a`, `b` or `c` is shorter than the tile needs.
#[inline]
pub fn kernel_4x8_scalar(
    kc: usize,
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    ldc: usize,
    accumulate: bool,
) {
    let a = &a[..kc * MR];
    let b = &b[..kc * NR];
    let mut acc = [[0.0f32; NR]; MR];
    for (ap, bp) in a.chunks_exact(MR).zip(b.chunks_exact(NR)) {
        for (row, &ai) in acc.iter_mut().zip(ap) {
            for (x, &bj) in row.iter_mut().zip(bp) {
                *x += ai * bj;
            }
        }
    }
    for (i, row) in acc.iter().enumerate() {
        let out = &mut c[i * ldc..i * ldc + NR];
        if accumulate {
            for (o, &x) in out.iter_mut().zip(row) {
                *o += x;
            }
        } else {
            out.copy_from_slice(row);
        }
    }
}
