//! Compute kernels over plain `f32` slices: matrix multiply (GEMM), the im2col / col2im
//! reshuffles that turn a convolution into one, the implicit-GEMM convolution that skips them
//! ([`conv_implicit`]), Winograd F(4x4, 3x3) for 3x3 convolutions ([`winograd`]), and max-pool.
//!
//! Each kernel has a naive scalar reference (`*_ref`) that is the spec and stays compiled on
//! every target; the tests (`tests/kernels_*.rs`) compare the fast paths against it:
//! [`gemm_ref()`], [`conv_implicit::conv2d_fwd_ref`] (for the implicit and the Winograd
//! forwards), [`im2col::im2col_ref`] / [`im2col::col2im_ref`], and
//! [`maxpool::maxpool2_fwd_ref`] / [`maxpool::maxpool2_bwd_ref`] /
//! [`maxpool::maxpool2_route_ref`].
//!
//! [`gemm`] is a BLIS-style packed GEMM ([`gemm_packed`]) over a 4x8 micro-kernel.
//!
//! The instruction set is chosen once, at compile time, in [`isa`]: the `*_simd128` kernels on
//! wasm32 with `+simd128` (set in `.cargo/config.toml`), their portable twins everywhere else
//! (native, where LLVM auto-vectorizes them, and the wasm build without SIMD). Static dispatch:
//! no runtime check. The SIMD128 code sits in the file of the kernel it speeds up (the GEMM
//! micro-kernel in `simd128.rs`, beside [`scalar`]).

/// Items compiled only where the kernels use SIMD128: wasm32 with `+simd128`. With
/// `scalar!`, the one place the target is tested; the kernel files wrap their SIMD128 code in
/// it. (Declared before the modules, which see it by textual order.)
macro_rules! simd128 {
    ($($item:item)*) => {
        $(#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))] $item)*
    };
}

/// Items compiled only where `simd128!`'s are not: natively, and on wasm32 without SIMD.
macro_rules! scalar {
    ($($item:item)*) => {
        $(#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))] $item)*
    };
}

pub mod conv_implicit;
pub mod gemm_packed;
pub mod gemm_ref;
pub mod im2col;
pub mod maxpool;
pub mod scalar;
simd128! {
    pub mod simd128;
}
pub mod winograd;

pub use gemm_ref::gemm_ref;
pub use isa::{RELAXED_SIMD, SIMD128};

simd128! {
    /// The kernels this build runs, named once per instruction set; the kernel files call these
    /// names and never test the target themselves.
    pub mod isa {
        /// Whether the kernels use WebAssembly SIMD128 (the facade's `simdEnabled`).
        pub const SIMD128: bool = true;
        /// Whether the multiply-adds are relaxed SIMD's fused ones (the facade's
        /// `relaxedSimdEnabled`), see [`super::simd128::madd`].
        pub const RELAXED_SIMD: bool = super::simd128::RELAXED;
        /// Convolution micro-kernel over patch rows, see [`super::conv_implicit`].
        pub use super::conv_implicit::kernel_4x8_patches_simd128 as kernel_4x8_patches;
        /// Max-pool backward routing of one window, see [`super::maxpool`].
        pub use super::maxpool::maxpool2_route_simd128 as maxpool2_route;
        /// GEMM micro-kernel on packed panels, see [`super::gemm_packed`].
        pub use super::simd128::kernel_4x8_simd128 as kernel_4x8;
        /// Four channels at once in the Winograd transforms, see [`super::winograd`].
        pub type Quad = core::arch::wasm32::v128;
    }
}

scalar! {
    /// The kernels this build runs, named once per instruction set; the kernel files call these
    /// names and never test the target themselves.
    pub mod isa {
        /// Whether the kernels use WebAssembly SIMD128 (the facade's `simdEnabled`).
        pub const SIMD128: bool = false;
        /// Whether the multiply-adds are relaxed SIMD's fused ones (the facade's
        /// `relaxedSimdEnabled`).
        pub const RELAXED_SIMD: bool = false;
        /// Convolution micro-kernel over patch rows, see [`super::conv_implicit`].
        pub use super::conv_implicit::kernel_4x8_patches_scalar as kernel_4x8_patches;
        /// Max-pool backward routing of one window, see [`super::maxpool`].
        pub use super::maxpool::maxpool2_route_scalar as maxpool2_route;
        /// GEMM micro-kernel on packed panels, see [`super::gemm_packed`].
        pub use super::scalar::kernel_4x8_scalar as kernel_4x8;
        /// Four channels at once in the Winograd transforms (auto-vectorized natively), see
        /// [`super::winograd`].
        pub type Quad = [f32; 4];
    }
}

/// How an operand of [`gemm`] is read from its row-major storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trans {
    /// Used as stored.
    No,
    /// Used transposed: an `[r, c]` operand is stored as `[c, r]`.
    Yes,
}

/// Reusable packing buffers for [`gemm`], so that a warmed-up training step allocates nothing.
#[derive(Debug, Default, Clone)]
pub struct GemmScratch {
    pub packed_a: Vec<f32>,
    pub packed_b: Vec<f32>,
}

/// `C[m,n] = op(A)[m,k] · op(B)[k,n]`, or `C += ...` when `accumulate`.
///
/// Row-major throughout: `A` is stored `[m,k]` (`Trans::No`) or `[k,m]` (`Trans::Yes`),
/// `B` is stored `[k,n]` or `[n,k]`, `C` is `[m,n]`.
///
/// Degenerate shapes are fine: nothing happens when `m` or `n` is 0, and `k == 0` gives
/// `C = 0` (or leaves `C` as it is when `accumulate`). A warmed-up `scratch` is not
/// reallocated.
///
/// # Panics
/// If a slice is shorter than its shape says (a bug in the caller, never user input).
#[allow(clippy::too_many_arguments)]
pub fn gemm(
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
    let blk = gemm_packed::Blocking::DEFAULT;
    gemm_packed::gemm_packed_with(
        isa::kernel_4x8,
        blk,
        scratch,
        m,
        n,
        k,
        a,
        ta,
        b,
        tb,
        c,
        accumulate,
    );
}
