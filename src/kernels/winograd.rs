//! Convolution forward for 3x3 kernels by Winograd's minimal filtering F(4x4, 3x3) (Lavin &
//! Gray, 2016): each 4x4 block of output pixels costs 36 multiplies per (input, output)
//! channel pair instead of 144, so the GEMM work drops 4x (3.4x for conv2's 11x11 output,
//! whose last row and column of tiles are partly outside).
//!
//! With `d` a 6x6 input tile of one channel, `g` a 3x3 filter and the 4x4 output tile `Y`:
//!
//! ```text
//! Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//!
//!      ⎡4  0 -5  0  1  0⎤        ⎡ 1/4     0     0 ⎤
//!      ⎢0 -4 -4  1  1  0⎥        ⎢-1/6  -1/6  -1/6 ⎥         ⎡1 1  1 1  1 0⎤
//! Bᵀ = ⎢0  4 -4 -1  1  0⎥    G = ⎢-1/6   1/6  -1/6 ⎥    Aᵀ = ⎢0 1 -1 2 -2 0⎥
//!      ⎢0 -2 -1  2  1  0⎥        ⎢1/24  1/12   1/6 ⎥         ⎢0 1  1 4  4 0⎥
//!      ⎢0  2 -1 -2  1  0⎥        ⎢1/24 -1/12   1/6 ⎥         ⎣0 1 -1 8 -8 1⎦
//!      ⎣0  4  0 -5  0  1⎦        ⎣  0     0     1  ⎦
//! ```
//!
//! Summed over input channels, the element-wise product becomes 36 independent GEMMs, one per
//! tile element `e`: `M[e][tiles, F] = V[e][tiles, C] · U[e][C, F]`, with `V = Bᵀ d B` (the
//! input transform), `U = G g Gᵀ` (the weight transform, once per call) and `Y = Aᵀ M A` (the
//! output transform, with the bias and ReLU fused).
//!
//! Layout: NHWC in and out, so every transform runs along the contiguous channel axis four
//! lanes at a time (`f32x4` under SIMD128; a generic [`Lanes`] keeps one copy of the
//! arithmetic for `f32x4`, `[f32; 4]` and the `f32` tail). `V[e]` is stored row-major
//! `[tiles, C]`, which the patch micro-kernel of [`super::conv_implicit`] reads as four rows
//! of one run each, so `V` is never packed; `U[e]` is written straight into `NR`-column
//! panels. Images go through in blocks whose tile count is a multiple of the micro-kernel's
//! four rows (conv2: 4 images, 36 tiles; `V` 162 KiB, `M` 324 KiB, `U` 288 KiB, all in L2).
//!
//! Out-of-range input pixels of the last row/column of tiles read as zero; they only feed
//! outputs past the edge, which are not stored. Rounding differs from the direct sum by a small
//! multiple of the tile's magnitude times `f32::EPSILON` (tests/suite/kernels_conv.rs bounds it
//! against the reference). F(4x4, 3x3) rather than the F(2x2, 3x3) tried first: its smaller
//! tiles need 1.8x as many short (k = C) micro-kernel calls and multiplies, which ate most of
//! what it saved (bench/README.md).

use super::conv_implicit::{PatchRows, kernel_clipped};
use super::gemm_packed::{MR, NR, aligned};
use super::im2col::ConvGeom;
use super::isa::Quad;

/// Input tile side.
const ALPHA: usize = 6;
/// Output tile side.
const OUT: usize = ALPHA - 2;
/// Tile elements: a 6x6 input tile per 4x4 output tile.
const E: usize = ALPHA * ALPHA;
/// Least number of tiles per block of images (amortizes the micro-kernel's setup over rows).
const MIN_BLOCK_TILES: usize = 32;

/// Reusable buffers: transformed weights `u` (with the kernel they came from, `u_of`, so
/// calls with unchanged weights, as in inference, skip the weight transform), the zero-padded
/// image `pad`, transformed input `v`, GEMM output `m`.
#[derive(Debug, Default, Clone)]
pub struct WinogradScratch {
    u: Vec<f32>,
    u_of: Vec<f32>,
    u_shape: (usize, usize),
    pad: Vec<f32>,
    v: Vec<f32>,
    m: Vec<f32>,
}

/// The arithmetic the transforms need, over `N` lanes of consecutive channels.
pub trait Lanes: Copy {
    const N: usize;
    fn zero() -> Self;
    /// Reads `N` values.
    ///
    /// # Safety
    /// `p` must be valid for reading `N` floats.
    unsafe fn load(p: *const f32) -> Self;
    /// Writes `N` values.
    ///
    /// # Safety
    /// `p` must be valid for writing `N` floats.
    unsafe fn store(self, p: *mut f32);
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    /// `self · k`.
    fn scale(self, k: f32) -> Self;
    /// `max(0, x)` as a compare-and-select (NaN passes through).
    fn relu(self) -> Self;
}

impl Lanes for f32 {
    const N: usize = 1;
    fn zero() -> Self {
        0.0
    }
    unsafe fn load(p: *const f32) -> Self {
        // SAFETY: the caller's contract.
        unsafe { p.read() }
    }
    unsafe fn store(self, p: *mut f32) {
        // SAFETY: the caller's contract.
        unsafe { p.write(self) }
    }
    fn add(self, o: Self) -> Self {
        self + o
    }
    fn sub(self, o: Self) -> Self {
        self - o
    }
    fn scale(self, k: f32) -> Self {
        self * k
    }
    fn relu(self) -> Self {
        if self < 0.0 { 0.0 } else { self }
    }
}

/// Four lanes for builds without SIMD128 (auto-vectorized natively).
impl Lanes for [f32; 4] {
    const N: usize = 4;
    fn zero() -> Self {
        [0.0; 4]
    }
    unsafe fn load(p: *const f32) -> Self {
        // SAFETY: the caller's contract; `read_unaligned` needs no alignment.
        unsafe { p.cast::<[f32; 4]>().read_unaligned() }
    }
    unsafe fn store(self, p: *mut f32) {
        // SAFETY: as in `load`.
        unsafe { p.cast::<[f32; 4]>().write_unaligned(self) }
    }
    fn add(self, o: Self) -> Self {
        std::array::from_fn(|i| self[i] + o[i])
    }
    fn sub(self, o: Self) -> Self {
        std::array::from_fn(|i| self[i] - o[i])
    }
    fn scale(self, k: f32) -> Self {
        self.map(|x| x * k)
    }
    fn relu(self) -> Self {
        self.map(Lanes::relu)
    }
}

simd128! {
    mod simd {
        use core::arch::wasm32::{
            f32x4_add, f32x4_mul, f32x4_pmax, f32x4_splat, f32x4_sub, v128, v128_load, v128_store,
        };

        impl super::Lanes for v128 {
            const N: usize = 4;
            #[inline]
            fn zero() -> Self {
                f32x4_splat(0.0)
            }
            #[inline]
            unsafe fn load(p: *const f32) -> Self {
                // SAFETY: the caller's contract; wasm loads need no alignment.
                unsafe { v128_load(p.cast()) }
            }
            #[inline]
            unsafe fn store(self, p: *mut f32) {
                // SAFETY: as in `load`.
                unsafe { v128_store(p.cast(), self) }
            }
            #[inline]
            fn add(self, o: Self) -> Self {
                f32x4_add(self, o)
            }
            #[inline]
            fn sub(self, o: Self) -> Self {
                f32x4_sub(self, o)
            }
            #[inline]
            fn scale(self, k: f32) -> Self {
                f32x4_mul(self, f32x4_splat(k))
            }
            #[inline]
            fn relu(self) -> Self {
                f32x4_pmax(self, f32x4_splat(0.0))
            }
        }
    }
}

/// A 6x6 (or 3x3) grid of lanes in `s`: element `(i, j)` at `i · di + j · dj`. Reads and writes
/// are bounds-checked once, when the grid is made, so the transforms' loads and stores are
/// plain (in V8 a checked slice access per element cost more than the arithmetic).
struct Grid<'a, const R: usize, const C: usize> {
    s: &'a [f32],
    di: usize,
    dj: usize,
}

impl<'a, const R: usize, const C: usize> Grid<'a, R, C> {
    fn new<L: Lanes>(s: &'a [f32], di: usize, dj: usize) -> Self {
        assert!((R - 1) * di + (C - 1) * dj + L::N <= s.len());
        Grid { s, di, dj }
    }
    #[inline]
    fn load<L: Lanes>(&self, i: usize, j: usize) -> L {
        debug_assert!(i < R && j < C);
        // SAFETY: `new` checked that the grid's last element plus N lanes lies inside `s`,
        // and i < R, j < C.
        unsafe { L::load(self.s.as_ptr().add(i * self.di + j * self.dj)) }
    }
}

/// A writable [`Grid`].
struct GridMut<'a, const R: usize, const C: usize> {
    s: &'a mut [f32],
    di: usize,
    dj: usize,
}

impl<'a, const R: usize, const C: usize> GridMut<'a, R, C> {
    fn new<L: Lanes>(s: &'a mut [f32], di: usize, dj: usize) -> Self {
        assert!((R - 1) * di + (C - 1) * dj + L::N <= s.len());
        GridMut { s, di, dj }
    }
    #[inline]
    fn store<L: Lanes>(&mut self, i: usize, j: usize, x: L) {
        debug_assert!(i < R && j < C);
        // SAFETY: as in `Grid::load`.
        unsafe { x.store(self.s.as_mut_ptr().add(i * self.di + j * self.dj)) }
    }
}

/// `V = Bᵀ d B` for the 6x6 tile `d` (channels `L::N` from the grid's origin); element
/// `(i, j)` of `V` goes to `v` at `(i · 6 + j) · e_stride`.
#[inline]
fn input_tile<L: Lanes>(d: &Grid<ALPHA, ALPHA>, v: &mut GridMut<E, 1>) {
    // t[j] is column j of Bᵀ d; row i of Bᵀ d B is Bᵀ applied to row i of Bᵀ d.
    let t: [[L; ALPHA]; ALPHA] =
        std::array::from_fn(|j| bt_times(std::array::from_fn(|i| d.load(i, j))));
    for i in 0..ALPHA {
        let row = bt_times(t.map(|col| col[i]));
        for (j, x) in row.into_iter().enumerate() {
            v.store(i * ALPHA + j, 0, x);
        }
    }
}

/// `Bᵀ · d`.
#[inline]
fn bt_times<L: Lanes>([d0, d1, d2, d3, d4, d5]: [L; ALPHA]) -> [L; ALPHA] {
    let (s12, d12) = (d1.add(d2), d1.sub(d2));
    let (s34, d31) = (d3.add(d4), d3.sub(d1));
    let d42 = d4.sub(d2);
    [
        d0.scale(4.0).sub(d2.scale(5.0)).add(d4),
        s34.sub(s12.scale(4.0)),
        d4.sub(d3).add(d12.scale(4.0)),
        d42.add(d31.scale(2.0)),
        d42.sub(d31.scale(2.0)),
        d1.scale(4.0).sub(d3.scale(5.0)).add(d5),
    ]
}

/// `G · g`.
#[inline]
fn g_times<L: Lanes>([g0, g1, g2]: [L; 3]) -> [L; ALPHA] {
    let s02 = g0.add(g2);
    let (a, b) = (
        g0.scale(1.0 / 24.0).add(g2.scale(1.0 / 6.0)),
        g1.scale(1.0 / 12.0),
    );
    [
        g0.scale(0.25),
        s02.add(g1).scale(-1.0 / 6.0),
        s02.sub(g1).scale(-1.0 / 6.0),
        a.add(b),
        a.sub(b),
        g2,
    ]
}

/// `Aᵀ · m`.
#[inline]
fn at_times<L: Lanes>([m0, m1, m2, m3, m4, m5]: [L; ALPHA]) -> [L; OUT] {
    let (s12, d12, s34, d34) = (m1.add(m2), m1.sub(m2), m3.add(m4), m3.sub(m4));
    [
        m0.add(s12).add(s34),
        d12.add(d34.scale(2.0)),
        s12.add(s34.scale(4.0)),
        d12.add(d34.scale(8.0)).add(m5),
    ]
}

/// `U = G g Gᵀ` for the 3x3 filter `g` (filters `L::N` from the grid's origin); element
/// `(i, j)` goes to `u` at `(i · 6 + j) · e_stride`.
#[inline]
fn weight_tile<L: Lanes>(g: &Grid<3, 3>, u: &mut GridMut<E, 1>) {
    // gg[kx] is column kx of G g.
    let gg: [[L; ALPHA]; 3] =
        std::array::from_fn(|kx| g_times(std::array::from_fn(|ky| g.load(ky, kx))));
    for i in 0..ALPHA {
        let row = g_times(gg.map(|col| col[i]));
        for (j, x) in row.into_iter().enumerate() {
            u.store(i * ALPHA + j, 0, x);
        }
    }
}

/// `Y = act(Aᵀ M A + bias)` for the tile `M` (element `(i, j)` at `(i · 6 + j) · e_stride` of
/// `m`), all 4x4 outputs (`y` is padded to whole tiles).
#[inline]
fn output_tile<L: Lanes>(m: &Grid<E, 1>, bias: L, relu: bool, y: &mut GridMut<OUT, OUT>) {
    // r[j] is column j of Aᵀ M.
    let r: [[L; OUT]; ALPHA] =
        std::array::from_fn(|j| at_times(std::array::from_fn(|i| m.load(i * ALPHA + j, 0))));
    for i in 0..OUT {
        let row = at_times(r.map(|col| col[i]));
        for (j, z) in row.into_iter().enumerate() {
            let z = z.add(bias);
            y.store(i, j, if relu { z.relu() } else { z });
        }
    }
}

/// Runs `body` over channel groups `0..n`: four at a time as [`Quad`] (`f32x4` with SIMD128,
/// `[f32; 4]` otherwise), the rest one by one.
macro_rules! for_lanes {
    ($n:expr, |$c:ident, $L:ident| $body:block) => {{
        let n4 = $n - $n % 4;
        for $c in (0..n4).step_by(4) {
            type $L = Quad;
            $body
        }
        for $c in n4..$n {
            type $L = f32;
            $body
        }
    }};
}

/// Whether two slices hold the same bits (a vectorizable loop, no early exit per element).
fn same_bits(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len()
        && a.chunks(64).zip(b.chunks(64)).all(|(x, y)| {
            x.iter()
                .zip(y)
                .fold(0, |acc, (p, q)| acc | (p.to_bits() ^ q.to_bits()))
                == 0
        })
}

/// `y[batch, OH, OW, F] = act(conv(x, w) + bias)` for NHWC `x [batch, H, W, C]` and a 3x3
/// kernel `w [3, 3, C, F]`, by F(4x4, 3x3); the same contract as
/// [`super::conv_implicit::conv2d_fwd_implicit`], and [`super::conv_implicit::conv2d_fwd_ref`]
/// up to rounding (see the module header). Overwrites `y`.
///
/// # Panics
/// If the kernel is not 3x3, or a slice is shorter than its shape says.
#[allow(clippy::too_many_arguments)]
pub fn conv2d_fwd_winograd(
    scratch: &mut WinogradScratch,
    g: &ConvGeom,
    batch: usize,
    x: &[f32],
    w: &[f32],
    bias: &[f32],
    relu: bool,
    y: &mut [f32],
) {
    assert!(
        g.kh == 3 && g.kw == 3,
        "Winograd F(4x4, 3x3) needs a 3x3 kernel"
    );
    let (c, f) = (g.c, bias.len());
    let (oh, ow) = (g.out_h(), g.out_w());
    let (img_len, out_len) = (g.h * g.w * c, oh * ow * f);
    let w = &w[..9 * c * f];
    assert!(x.len() >= batch * img_len && y.len() >= batch * out_len);
    if batch == 0 || f == 0 || oh * ow == 0 {
        return;
    }
    let (ty, tx) = (oh.div_ceil(OUT), ow.div_ceil(OUT));
    let tiles = ty * tx;
    // The image zero-padded to whole tiles, and the output to whole tiles.
    let (ph, pw) = (ty * OUT + 2, tx * OUT + 2);
    let (yh, yw) = (ty * OUT, tx * OUT);
    // Images per block: a multiple of 4 tiles (no short micro-kernel rows), at least
    // MIN_BLOCK_TILES of them, at most the batch.
    let step = MR / gcd(tiles, MR);
    let per_block = (step * MIN_BLOCK_TILES.div_ceil(step * tiles)).min(batch);
    let n_pad = f.next_multiple_of(NR);

    // U[e], packed: element (c, j) of panel jq at jq·C·NR + c·NR + j (zero past F).
    let ue_len = n_pad * c;
    let cached = scratch.u_shape == (c, f) && same_bits(&scratch.u_of, w);
    let u = aligned(&mut scratch.u, E * ue_len);
    if !cached {
        u.fill(0.0);
        for ci in 0..c {
            for_lanes!(f, |fi, L| {
                let taps = Grid::<3, 3>::new::<L>(&w[ci * f + fi..], 3 * c * f, c * f);
                let at = (fi / NR) * c * NR + ci * NR + fi % NR;
                let mut u = GridMut::<E, 1>::new::<L>(&mut u[at..], ue_len, 0);
                weight_tile::<L>(&taps, &mut u);
            });
        }
        scratch.u_of.clear();
        scratch.u_of.extend_from_slice(w);
        scratch.u_shape = (c, f);
    }
    let u = &*u;

    let (ve_len, me_len) = (per_block * tiles * c, per_block * tiles * f);
    for (buf, len) in [
        (&mut scratch.v, E * ve_len),
        (&mut scratch.m, E * me_len),
        (&mut scratch.pad, ph * pw * c + yh * yw * f),
    ] {
        if buf.len() < len {
            buf.resize(len, 0.0);
        }
    }
    let (v, m) = (&mut scratch.v[..E * ve_len], &mut scratch.m[..E * me_len]);
    let (pad, y_pad) = scratch.pad[..ph * pw * c + yh * yw * f].split_at_mut(ph * pw * c);
    // The padding stays zero: only the image's own rows and columns are written below.
    pad.fill(0.0);
    let no_bias = [0.0f32; NR];
    let tile_at = |t: usize| (OUT * (t / tx), OUT * (t % tx));

    for b0 in (0..batch).step_by(per_block) {
        let nb = per_block.min(batch - b0);
        let nt = nb * tiles;
        // V[e][bt, c] = (Bᵀ d B)[e] of tile t of image b0 + bt / tiles.
        let images = x[b0 * img_len..(b0 + nb) * img_len].chunks_exact(img_len);
        for (bi, img) in images.enumerate() {
            for (src, dst) in img.chunks_exact(g.w * c).zip(pad.chunks_exact_mut(pw * c)) {
                dst[..g.w * c].copy_from_slice(src);
            }
            for t in 0..tiles {
                let (y0, x0) = tile_at(t);
                let (origin, row) = ((y0 * pw + x0) * c, (bi * tiles + t) * c);
                for_lanes!(c, |ci, L| {
                    let d = Grid::new::<L>(&pad[origin + ci..], pw * c, c);
                    let mut vt = GridMut::new::<L>(&mut v[row + ci..], ve_len, 0);
                    input_tile::<L>(&d, &mut vt);
                });
            }
        }
        // M[e] = V[e] · U[e], four tiles by NR filters at a time.
        for e in 0..E {
            let ve = &v[e * ve_len..(e + 1) * ve_len];
            let me = &mut m[e * me_len..(e + 1) * me_len];
            let ue = &u[e * ue_len..(e + 1) * ue_len];
            for t0 in (0..nt).step_by(MR) {
                let mr = MR.min(nt - t0);
                // A short last group repeats its last row; only `mr` rows are stored.
                let rows = std::array::from_fn(|r| &ve[(t0 + r.min(mr - 1)) * c..]);
                let a = PatchRows {
                    rows,
                    runs: 1,
                    run: c,
                    row_stride: 0,
                };
                for (jq, panel) in ue.chunks_exact(NR * c).enumerate() {
                    let j0 = jq * NR;
                    let nr = NR.min(f - j0);
                    let out = &mut me[t0 * f + j0..];
                    kernel_clipped(&a, panel, &no_bias, false, out, f, (mr, nr));
                }
            }
        }
        // y = act(Aᵀ M A + bias) into whole tiles, then the image's part of them into y.
        let yb = &mut y[b0 * out_len..(b0 + nb) * out_len];
        for (bi, yi) in yb.chunks_exact_mut(out_len).enumerate() {
            for t in 0..tiles {
                let (y0, x0) = tile_at(t);
                let (origin, row) = ((y0 * yw + x0) * f, (bi * tiles + t) * f);
                for_lanes!(f, |fi, L| {
                    // SAFETY: fi + L::N <= f = bias.len().
                    let bias = unsafe { L::load(bias[fi..].as_ptr()) };
                    let mt = Grid::new::<L>(&m[row + fi..], me_len, 0);
                    let mut yt = GridMut::new::<L>(&mut y_pad[origin + fi..], yw * f, f);
                    output_tile::<L>(&mt, bias, relu, &mut yt);
                });
            }
            for (src, dst) in y_pad.chunks_exact(yw * f).zip(yi.chunks_exact_mut(ow * f)) {
                dst.copy_from_slice(&src[..ow * f]);
            }
        }
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}
