//! WebAssembly SIMD128 4x8 GEMM micro-kernel.
//!
//! `C[4,8] (+)= Σ_p Apanel[p,0..4]ᵀ · Bpanel[p,0..8]` over packed panels (layout in
//! [`super::gemm_packed`]). Shape chosen by measurement: 4 rows × two `f32x4` columns = 8
//! accumulators, A broadcast with `v128.load32_splat`, [`madd`] (`f32x4.mul` then `f32x4.add`: no
//! FMA in SIMD128; `f32x4.relaxed_madd` in the relaxed-SIMD build), k not unrolled. Larger tiles or k-unrolling spill in V8 and run slower; the
//! variants, re-measured by tests/suite/kernels_gemm_bench.rs, are in bench/README.md.

use core::arch::wasm32::{f32x4_add, f32x4_splat, v128, v128_load, v128_load32_splat, v128_store};

use super::gemm_packed::{MR, NR};

/// `c + a·b` lane-wise: the micro-kernels' one multiply-add. In the relaxed-SIMD build
/// (`+relaxed-simd`, `scripts/build-wasm.sh relaxed`) it is `f32x4.relaxed_madd`, which engines
/// run as a fused multiply-add where the CPU has one (rounded once, so results differ from the
/// strict build's in the last bits); otherwise `f32x4.mul` then `f32x4.add`, rounded twice.
#[inline(always)]
pub fn madd(a: v128, b: v128, c: v128) -> v128 {
    #[cfg(target_feature = "relaxed-simd")]
    {
        core::arch::wasm32::f32x4_relaxed_madd(a, b, c)
    }
    #[cfg(not(target_feature = "relaxed-simd"))]
    {
        f32x4_add(c, core::arch::wasm32::f32x4_mul(a, b))
    }
}

/// Whether this build's multiply-add is relaxed SIMD's ([`madd`]).
pub const RELAXED: bool = cfg!(target_feature = "relaxed-simd");

/// 4x8 micro-kernel on packed panels; same contract as [`super::scalar::kernel_4x8_scalar`].
///
/// # Panics
/// If `a`, `b` or `c` is shorter than the tile needs.
#[inline]
pub fn kernel_4x8_simd128(
    kc: usize,
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    ldc: usize,
    accumulate: bool,
) {
    let a = &a[..kc * MR];
    let b = &b[..kc * NR];
    let z = f32x4_splat(0.0);
    let (mut c00, mut c01, mut c10, mut c11) = (z, z, z, z);
    let (mut c20, mut c21, mut c30, mut c31) = (z, z, z, z);
    for (ap, bp) in a.chunks_exact(MR).zip(b.chunks_exact(NR)) {
        let ap = ap.as_ptr();
        let bp = bp.as_ptr();
        // SAFETY: `ap` points at a chunk of MR = 4 f32 and `bp` at a chunk of NR = 8 f32, so
        // each load reads inside its chunk; wasm loads have no alignment requirement.
        let (b0, b1, a0, a1, a2, a3) = unsafe {
            (
                v128_load(bp.cast::<v128>()),
                v128_load(bp.add(4).cast::<v128>()),
                v128_load32_splat(ap.cast::<u32>()),
                v128_load32_splat(ap.add(1).cast::<u32>()),
                v128_load32_splat(ap.add(2).cast::<u32>()),
                v128_load32_splat(ap.add(3).cast::<u32>()),
            )
        };
        c00 = madd(a0, b0, c00);
        c01 = madd(a0, b1, c01);
        c10 = madd(a1, b0, c10);
        c11 = madd(a1, b1, c11);
        c20 = madd(a2, b0, c20);
        c21 = madd(a2, b1, c21);
        c30 = madd(a3, b0, c30);
        c31 = madd(a3, b1, c31);
    }
    store_tile_4x8(
        [(c00, c01), (c10, c11), (c20, c21), (c30, c31)],
        c,
        ldc,
        accumulate,
    );
}

/// Writes a 4x8 tile held as four (left, right) vector pairs into `c` (row stride `ldc`),
/// adding to what is there when `accumulate`.
///
/// # Panics
/// If `c` is shorter than `3·ldc + 8`.
#[inline]
pub fn store_tile_4x8(tile: [(v128, v128); MR], c: &mut [f32], ldc: usize, accumulate: bool) {
    for (i, (lo, hi)) in tile.into_iter().enumerate() {
        let out = c[i * ldc..i * ldc + NR].as_mut_ptr();
        // SAFETY: `out` points at NR = 8 f32 of `c` (the slice above was bounds-checked), and
        // the two 4-lane accesses cover exactly those; wasm loads/stores need no alignment.
        unsafe {
            let (lo, hi) = if accumulate {
                (
                    f32x4_add(lo, v128_load(out.cast::<v128>())),
                    f32x4_add(hi, v128_load(out.add(4).cast::<v128>())),
                )
            } else {
                (lo, hi)
            };
            v128_store(out.cast::<v128>(), lo);
            v128_store(out.add(4).cast::<v128>(), hi);
        }
    }
}
