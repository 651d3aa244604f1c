//! Convolution forward as an implicit GEMM: `y[M, F] = col[M, K] · w[K, F]` without building
//! `col`. Row `i` of `col` is the patch of output pixel `i`: for a valid, stride-1 convolution
//! over NHWC, a patch is `KH` runs of `KW·C` contiguous values of the image, one image row apart
//! (`ConvGeom`), so the micro-kernel reads its four rows' values straight from the image.
//!
//! Against im2col + packed GEMM this skips writing and re-reading `col` and packing A, a
//! sizeable share of a forward pass (bench/README.md). Bias and ReLU are applied to the tile in
//! registers, so `y` is written once. It is the forward of every convolution not done by
//! Winograd ([`super::winograd`], which reuses its micro-kernel), in training too (the backward
//! pass builds `col` chunk by chunk for the weight gradient). The weights are packed once per
//! call into `NR`-column panels of all `K` rows (conv2: 9 KiB a panel), and the `4 x NR` output
//! tile stays in registers across the whole `K`.

use super::gemm_packed::{MR, NR, aligned, pack_panels};
use super::im2col::ConvGeom;
use super::{GemmScratch, isa};

/// Four patch rows for the micro-kernel: each is the image from the patch's first element on;
/// run `ky` of the patch is `run` values at offset `ky · row_stride`.
#[derive(Clone, Copy)]
pub struct PatchRows<'a> {
    pub rows: [&'a [f32]; MR],
    pub runs: usize,
    pub run: usize,
    pub row_stride: usize,
}

impl PatchRows<'_> {
    fn check(&self) {
        let need = (self.runs - 1) * self.row_stride + self.run;
        assert!(self.runs > 0 && self.rows.iter().all(|r| r.len() >= need));
    }
}

/// Portable 4x8 micro-kernel over patch rows:
/// `c[4, 8] = act(patches[4, K] · b_panel[K, 8] + bias[8])`, `act` ReLU or identity.
pub fn kernel_4x8_patches_scalar(
    a: &PatchRows,
    b: &[f32],
    bias: &[f32; NR],
    relu: bool,
    c: &mut [f32],
    ldc: usize,
) {
    a.check();
    let b = &b[..a.runs * a.run * NR];
    let mut t = [[0.0f32; NR]; MR];
    for ky in 0..a.runs {
        let at = ky * a.row_stride;
        for p in 0..a.run {
            let bp = &b[(ky * a.run + p) * NR..][..NR];
            for (row, r) in t.iter_mut().zip(&a.rows) {
                let ai = r[at + p];
                for (x, &bj) in row.iter_mut().zip(bp) {
                    *x += ai * bj;
                }
            }
        }
    }
    for (i, row) in t.iter().enumerate() {
        let out = &mut c[i * ldc..i * ldc + NR];
        for ((o, &x), &bj) in out.iter_mut().zip(row).zip(bias) {
            let z = x + bj;
            *o = if relu && z <= 0.0 { 0.0 } else { z };
        }
    }
}

simd128! {
    /// SIMD128 4x8 micro-kernel over patch rows; the same contract as the scalar one and the
    /// same shape as the packed GEMM's kernel (8 accumulators, splat loads for A, no unrolling).
    /// Bias and ReLU are applied in registers before the store (ReLU as `f32x4.pmax` with zero, a
    /// compare-and-select: `f32x4.max`, with its NaN and -0 rules, is much slower in V8).
    pub fn kernel_4x8_patches_simd128(
        a: &PatchRows,
        b: &[f32],
        bias: &[f32; NR],
        relu: bool,
        c: &mut [f32],
        ldc: usize,
    ) {
        use super::simd128::madd;
        use core::arch::wasm32::{
            f32x4_add, f32x4_pmax, f32x4_splat, v128, v128_load, v128_load32_splat,
        };
        a.check();
        let b = &b[..a.runs * a.run * NR];
        let z = f32x4_splat(0.0);
        let (mut c00, mut c01, mut c10, mut c11) = (z, z, z, z);
        let (mut c20, mut c21, mut c30, mut c31) = (z, z, z, z);
        let mut bp = b.as_ptr();
        for ky in 0..a.runs {
            let at = ky * a.row_stride;
            let [r0, r1, r2, r3] = a.rows.map(|r| r[at..at + a.run].as_ptr());
            for p in 0..a.run {
                // SAFETY: each row slice holds `run` values from `at` (bounds-checked just above)
                // and p < run; `bp` walks the `runs·run` groups of NR values of `b` (length
                // checked above), one group per p. Wasm loads have no alignment requirement.
                let (a0, a1, a2, a3, b0, b1) = unsafe {
                    let g = (
                        v128_load32_splat(r0.add(p).cast::<u32>()),
                        v128_load32_splat(r1.add(p).cast::<u32>()),
                        v128_load32_splat(r2.add(p).cast::<u32>()),
                        v128_load32_splat(r3.add(p).cast::<u32>()),
                        v128_load(bp.cast::<v128>()),
                        v128_load(bp.add(4).cast::<v128>()),
                    );
                    bp = bp.add(NR);
                    g
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
        }
        // SAFETY: `bias` is NR = 8 floats; the two loads read exactly those.
        let (bl, bh) = unsafe {
            (
                v128_load(bias.as_ptr().cast()),
                v128_load(bias.as_ptr().add(4).cast()),
            )
        };
        let act = |lo: v128, hi: v128| {
            let (lo, hi) = (f32x4_add(lo, bl), f32x4_add(hi, bh));
            if relu {
                (f32x4_pmax(lo, z), f32x4_pmax(hi, z))
            } else {
                (lo, hi)
            }
        };
        let tile = [act(c00, c01), act(c10, c11), act(c20, c21), act(c30, c31)];
        super::simd128::store_tile_4x8(tile, c, ldc, false);
    }
}

/// This build's patch micro-kernel ([`isa::kernel_4x8_patches`]) storing only the top-left `mr x nr` corner of its tile (at `c`, row stride
/// `ldc`): straight into `c` when the tile is whole, through a local tile at the edges.
#[allow(clippy::too_many_arguments)]
#[inline]
pub(crate) fn kernel_clipped(
    a: &PatchRows,
    b: &[f32],
    bias: &[f32; NR],
    relu: bool,
    c: &mut [f32],
    ldc: usize,
    (mr, nr): (usize, usize),
) {
    if mr == MR && nr == NR {
        isa::kernel_4x8_patches(a, b, bias, relu, c, ldc);
    } else {
        let mut tile = [0.0f32; MR * NR];
        isa::kernel_4x8_patches(a, b, bias, relu, &mut tile, NR);
        for (r, t) in tile.chunks_exact(NR).take(mr).enumerate() {
            c[r * ldc..r * ldc + nr].copy_from_slice(&t[..nr]);
        }
    }
}

/// Naive direct convolution, the spec of [`conv2d_fwd_implicit`] and
/// [`super::winograd::conv2d_fwd_winograd`]: for NHWC `x [batch, H, W, C]` and a kernel
/// `w [KH, KW, C, F]`,
/// `y[b, oy, ox, f] = act(Σ_{ky, kx, c} x[b, oy+ky, ox+kx, c] · w[ky, kx, c, f] + bias[f])`,
/// summed in `(ky, kx, c)` order from 0; `act` is ReLU (`z < 0 → 0`) when `relu`, else the
/// identity. Overwrites `y`.
///
/// # Panics
/// If a slice is shorter than its shape says.
#[allow(clippy::too_many_arguments)]
pub fn conv2d_fwd_ref(
    g: &ConvGeom,
    batch: usize,
    x: &[f32],
    w: &[f32],
    bias: &[f32],
    relu: bool,
    y: &mut [f32],
) {
    let (oh, ow, f) = (g.out_h(), g.out_w(), bias.len());
    for b in 0..batch {
        for oy in 0..oh {
            for ox in 0..ow {
                for (j, &bj) in bias.iter().enumerate() {
                    let mut acc = 0.0f32;
                    for ky in 0..g.kh {
                        for kx in 0..g.kw {
                            for ci in 0..g.c {
                                let xi = ((b * g.h + oy + ky) * g.w + ox + kx) * g.c + ci;
                                let wi = ((ky * g.kw + kx) * g.c + ci) * f + j;
                                acc += x[xi] * w[wi];
                            }
                        }
                    }
                    let z = acc + bj;
                    y[((b * oh + oy) * ow + ox) * f + j] = if relu && z < 0.0 { 0.0 } else { z };
                }
            }
        }
    }
}

/// `y[batch·OH·OW, f] = act(im2col(x) · w + bias)` for NHWC `x` and a `[KH, KW, C, F]` kernel
/// `w`, without the im2col matrix; `act` is ReLU when `relu`, else the identity. Overwrites `y`.
/// Each output sums its products in the order of [`conv2d_fwd_ref`], so the two agree exactly.
///
/// # Panics
/// If a slice is shorter than its shape says.
#[allow(clippy::too_many_arguments)]
pub fn conv2d_fwd_implicit(
    scratch: &mut GemmScratch,
    g: &ConvGeom,
    batch: usize,
    x: &[f32],
    w: &[f32],
    bias: &[f32],
    relu: bool,
    y: &mut [f32],
) {
    let f = bias.len();
    let (oh, ow, k) = (g.out_h(), g.out_w(), g.patch_len());
    let m = batch * oh * ow;
    let img_len = g.h * g.w * g.c;
    assert!(x.len() >= batch * img_len && w.len() >= k * f && y.len() >= m * f);
    if m == 0 || f == 0 {
        return;
    }
    let n_pad = f.next_multiple_of(NR);
    let packed = aligned(&mut scratch.packed_b, n_pad * k);
    // All K rows of w, as NR-column panels: element (p, j) at p·f + j.
    pack_panels::<NR>(packed, w, 1, f, 0, f, 0, k);
    let patch = |i: usize| {
        let (b, pix) = (i / (oh * ow), i % (oh * ow));
        let (oy, ox) = (pix / ow, pix % ow);
        &x[b * img_len + (oy * g.w + ox) * g.c..(b + 1) * img_len]
    };
    let row_stride = g.w * g.c;
    for i0 in (0..m).step_by(MR) {
        let mr = MR.min(m - i0);
        // A short last group repeats its last row; only `mr` rows are stored.
        let rows = std::array::from_fn(|r| patch(i0 + r.min(mr - 1)));
        let a = PatchRows {
            rows,
            runs: g.kh,
            run: g.kw * g.c,
            row_stride,
        };
        for (jq, panel) in packed.chunks_exact(NR * k).enumerate() {
            let j0 = jq * NR;
            let nr = NR.min(f - j0);
            let mut b8 = [0.0f32; NR];
            b8[..nr].copy_from_slice(&bias[j0..j0 + nr]);
            kernel_clipped(&a, panel, &b8, relu, &mut y[i0 * f + j0..], f, (mr, nr));
        }
    }
}
