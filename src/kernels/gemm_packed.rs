//! BLIS-style packed GEMM: `C[m,n] (+)= op(A)[m,k] · op(B)[k,n]`, row-major.
//!
//! Loop nest (outermost first), with the block sizes measured best for WebAssembly SIMD128
//! (figures in bench/README.md, "Kernel choices, measured"):
//!
//! ```text
//! jc: n in blocks of NC = 2016       (never splits in this network: n <= 576)
//!   pc: k in blocks of at most KC = 256  → pack op(B)[pc.., jc..] into NR-column panels
//!     ic: m in blocks of MC = 96         → pack op(A)[ic.., pc..] into MR-row panels
//!       jr: NR-column panel of B         (B micro-panel, KC·NR·4 = 8 KiB, stays in L1)
//!         ir: MR-row panel of A          (A block, MC·KC·4 = 96 KiB, stays in L2)
//!           micro-kernel: C[MR,NR] (+)= Apanel · Bpanel, MR = 4, NR = 8
//! ```
//!
//! Packed layouts: an A panel is `kc` groups of `MR` values, group `p` holding
//! `op(A)[i0..i0+MR, p]`; a B panel is `kc` groups of `NR` values, group `p` holding
//! `op(B)[p, j0..j0+NR]`. Panels at the bottom/right edge are zero-padded, and their tiles are
//! computed into a local `MR×NR` buffer of which only the valid part is stored. Packing reads
//! transposed operands through strides, so all four `Trans` combinations share one path. The
//! packed buffers start on a 64-byte boundary (no B load straddles a cache line).
//!
//! `k` is split into equal blocks of at most `KC` (k = 288 → 2 × 144, not 256 + 32) so no
//! block is a short one that pays the C load/store for little work. The first `k` block
//! overwrites C unless `accumulate`; later ones add to it.
//!
//! A single row (`m == 1` with `op(B)` row-major: the batch-1 dense layers) skips packing: it
//! is one axpy per row of B, vectorized by LLVM.
//!
//! The micro-kernel is a parameter: [`super::gemm`] passes this build's
//! [`super::isa::kernel_4x8`] (SIMD128, or the auto-vectorized scalar twin).
//!
//! Most of the time outside the micro-kernel is streaming the im2col matrix through packing,
//! which only an im2col fused into the A packing would save (the convolution forward avoids
//! the matrix altogether: [`super::conv_implicit`]). Per-shape GFLOP/s and the packing share:
//! bench/README.md.

use super::{GemmScratch, Trans};

/// Rows of a micro-tile (rows of an A panel).
pub const MR: usize = 4;
/// Columns of a micro-tile (columns of a B panel).
pub const NR: usize = 8;
/// Largest `k` block.
pub const KC: usize = 256;
/// Largest `m` block (a multiple of `MR`).
pub const MC: usize = 96;
/// Largest `n` block (a multiple of `NR`).
pub const NC: usize = 2016;

/// Block sizes of the loop nest; [`Blocking::DEFAULT`] is what [`super::gemm`] uses, the
/// others exist to measure alternatives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blocking {
    /// Largest `k` block (k is split into equal blocks of at most this).
    pub kc: usize,
    /// Largest `m` block; rounded up to a multiple of [`MR`].
    pub mc: usize,
    /// Largest `n` block; rounded up to a multiple of [`NR`].
    pub nc: usize,
}

impl Blocking {
    pub const DEFAULT: Blocking = Blocking {
        kc: KC,
        mc: MC,
        nc: NC,
    };
}

/// A micro-kernel: `(kc, a_panel, b_panel, c, ldc, accumulate)`, writing one full `MR×NR`
/// tile of `c` (row stride `ldc`), see [`super::scalar::kernel_4x8_scalar`].
pub trait MicroKernel: Fn(usize, &[f32], &[f32], &mut [f32], usize, bool) + Copy {}
impl<F: Fn(usize, &[f32], &[f32], &mut [f32], usize, bool) + Copy> MicroKernel for F {}

/// Packed GEMM with the portable micro-kernel, on any target (the tests run it in the browser
/// beside the SIMD128 build's [`super::gemm`]); see [`super::gemm`] for the contract.
#[allow(clippy::too_many_arguments)]
pub fn gemm_packed_scalar(
    scratch: &mut GemmScratch,
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    ta: Trans,
    b: &[f32],
    tb: Trans,
    c: &mut [f32],
    accumulate: bool,
) {
    let kernel = super::scalar::kernel_4x8_scalar;
    let blk = Blocking::DEFAULT;
    gemm_packed_with(kernel, blk, scratch, m, n, k, a, ta, b, tb, c, accumulate);
}

/// Packed GEMM driving `kernel` with block sizes `blk`; see [`super::gemm`] for the contract.
///
/// # Panics
/// If a slice is shorter than its shape says, or a block size is 0.
#[allow(clippy::too_many_arguments)]
pub fn gemm_packed_with(
    kernel: impl MicroKernel,
    blk: Blocking,
    scratch: &mut GemmScratch,
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    ta: Trans,
    b: &[f32],
    tb: Trans,
    c: &mut [f32],
    accumulate: bool,
) {
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
    assert!(blk.kc > 0 && blk.mc > 0 && blk.nc > 0);
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            c[..m * n].fill(0.0);
        }
        return;
    }
    if m == 1 && tb == Trans::No {
        // One row (batch-1 dense layers): packing B would cost as much as the product.
        let tmp = aligned(&mut scratch.packed_b, n);
        row_times_matrix(&a[..k], &b[..k * n], tmp);
        add_or_store(&mut c[..n], tmp, accumulate);
        return;
    }
    // Element (i, p) of op(A) is at i*a_rs + p*a_cs; element (p, j) of op(B) at p*b_rs + j*b_cs.
    let (a_rs, a_cs) = match ta {
        Trans::No => (k, 1),
        Trans::Yes => (1, m),
    };
    let (b_rs, b_cs) = match tb {
        Trans::No => (n, 1),
        Trans::Yes => (1, k),
    };

    let (mc_blk, nc_blk) = (blk.mc.next_multiple_of(MR), blk.nc.next_multiple_of(NR));
    let k_blocks = k.div_ceil(blk.kc);
    let kc_max = k.div_ceil(k_blocks);
    let mc_max = m.min(mc_blk).next_multiple_of(MR);
    let nc_max = n.min(nc_blk).next_multiple_of(NR);
    let packed_a = aligned(&mut scratch.packed_a, mc_max * kc_max);
    let packed_b = aligned(&mut scratch.packed_b, nc_max * kc_max);

    for jc in (0..n).step_by(nc_blk) {
        let nc = nc_blk.min(n - jc);
        let nc_pad = nc.next_multiple_of(NR);
        for kb in 0..k_blocks {
            let pc = kb * kc_max;
            let kc = kc_max.min(k - pc);
            let pb = &mut packed_b[..nc_pad * kc];
            // B panels: lines are columns j of op(B), elements run along p.
            pack_panels::<NR>(pb, b, b_cs, b_rs, jc, nc, pc, kc);
            let pb = &*pb;
            let acc = accumulate || kb > 0;
            for ic in (0..m).step_by(mc_blk) {
                let mc = mc_blk.min(m - ic);
                let mc_pad = mc.next_multiple_of(MR);
                let pa = &mut packed_a[..mc_pad * kc];
                // A panels: lines are rows i of op(A), elements run along p.
                pack_panels::<MR>(pa, a, a_rs, a_cs, ic, mc, pc, kc);
                let cb = &mut c[ic * n + jc..];
                macro_kernel(kernel, mc, nc, kc, pa, pb, cb, n, acc);
            }
        }
    }
}

/// `out[j] = Σ_p a[p] · b[p, j]` for a row-major `b` of `a.len()` rows, as one axpy per row
/// of `b` (vectorizes across `j`).
fn row_times_matrix(a: &[f32], b: &[f32], out: &mut [f32]) {
    out.fill(0.0);
    for (&ap, row) in a.iter().zip(b.chunks_exact(out.len())) {
        for (o, &x) in out.iter_mut().zip(row) {
            *o += ap * x;
        }
    }
}

/// `c = x`, or `c += x` when `accumulate`.
fn add_or_store(c: &mut [f32], x: &[f32], accumulate: bool) {
    if accumulate {
        for (o, &v) in c.iter_mut().zip(x) {
            *o += v;
        }
    } else {
        c.copy_from_slice(x);
    }
}

/// Alignment of the packed panels, in bytes: a cache line, so that no 16-byte load of a B
/// group straddles two lines (the allocator only promises 4 for `f32`).
const ALIGN: usize = 64;

/// A `len`-long, [`ALIGN`]-aligned window of a packing buffer, growing the buffer when it is
/// too short (never shrinking it, so warm calls do not allocate).
pub(crate) fn aligned(buf: &mut Vec<f32>, len: usize) -> &mut [f32] {
    let slack = ALIGN / size_of::<f32>() - 1;
    if buf.len() < len + slack {
        buf.resize(len + slack, 0.0);
    }
    let off = buf.as_ptr().align_offset(ALIGN);
    let off = if off <= slack { off } else { 0 };
    &mut buf[off..off + len]
}

/// Packs `lines` lines (starting at line `first`) of a strided matrix into `W`-wide panels:
/// value `(line l, element p)` is `src[l*line_stride + p*elem_stride]`, and panel `q` holds
/// `kc` groups of `W` values, group `p` = elements `p0 + p` of lines `first + q*W ..`.
/// Lines past `lines` in the last panel are zero.
#[allow(clippy::too_many_arguments)]
pub(crate) fn pack_panels<const W: usize>(
    dst: &mut [f32],
    src: &[f32],
    line_stride: usize,
    elem_stride: usize,
    first: usize,
    lines: usize,
    p0: usize,
    kc: usize,
) {
    for (q, panel) in dst.chunks_exact_mut(W * kc).enumerate() {
        let l0 = first + q * W;
        let nl = W.min(lines - q * W);
        if line_stride == 1 {
            // Each group is `nl` consecutive values of `src`.
            for (p, group) in panel.chunks_exact_mut(W).enumerate() {
                let at = l0 + (p0 + p) * elem_stride;
                if nl == W {
                    group.copy_from_slice(&src[at..at + W]);
                } else {
                    group[..nl].copy_from_slice(&src[at..at + nl]);
                    group[nl..].fill(0.0);
                }
            }
        } else if elem_stride == 1 && W == 4 && nl == 4 {
            // Full A panel of a row-major A: interleave four rows (one pass, no scatter).
            let row = |l: usize| &src[(l0 + l) * line_stride + p0..][..kc];
            let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3));
            let rows = r0.iter().zip(r1).zip(r2.iter().zip(r3));
            for (group, ((&x0, &x1), (&x2, &x3))) in panel.chunks_exact_mut(W).zip(rows) {
                group.copy_from_slice(&[x0, x1, x2, x3]);
            }
        } else if elem_stride == 1 {
            // Each line is `kc` consecutive values of `src`: scatter it with stride W.
            for l in 0..nl {
                let at = (l0 + l) * line_stride + p0;
                let line = &src[at..at + kc];
                for (d, &x) in panel[l..].iter_mut().step_by(W).zip(line) {
                    *d = x;
                }
            }
            for l in nl..W {
                for d in panel[l..].iter_mut().step_by(W) {
                    *d = 0.0;
                }
            }
        } else {
            for (p, group) in panel.chunks_exact_mut(W).enumerate() {
                for (l, d) in group.iter_mut().enumerate() {
                    *d = if l < nl {
                        src[(l0 + l) * line_stride + (p0 + p) * elem_stride]
                    } else {
                        0.0
                    };
                }
            }
        }
    }
}

/// Runs the micro-kernel over one packed `mc×kc` A block and `kc×nc` B block, into `c`
/// (row stride `ldc`, starting at the block's top-left element).
#[allow(clippy::too_many_arguments)]
#[inline]
fn macro_kernel(
    kernel: impl MicroKernel,
    mc: usize,
    nc: usize,
    kc: usize,
    pa: &[f32],
    pb: &[f32],
    c: &mut [f32],
    ldc: usize,
    accumulate: bool,
) {
    for (jq, bp) in pb.chunks_exact(NR * kc).enumerate() {
        let jr = jq * NR;
        let nr = NR.min(nc - jr);
        for (iq, ap) in pa.chunks_exact(MR * kc).enumerate() {
            let ir = iq * MR;
            let mr = MR.min(mc - ir);
            let at = ir * ldc + jr;
            if mr == MR && nr == NR {
                kernel(kc, ap, bp, &mut c[at..], ldc, accumulate);
            } else {
                let mut tile = [0.0f32; MR * NR];
                kernel(kc, ap, bp, &mut tile, NR, false);
                for (i, t) in tile.chunks_exact(NR).take(mr).enumerate() {
                    add_or_store(
                        &mut c[at + i * ldc..at + i * ldc + nr],
                        &t[..nr],
                        accumulate,
                    );
                }
            }
        }
    }
}
