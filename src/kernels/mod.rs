//! Compute kernels over plain `f32` slices: matrix multiply (GEMM) and the im2col / col2im
//! reshuffles that turn every convolution of the network into one.
//!
//! Each kernel has a naive scalar reference (`*_ref`) that is the spec and stays compiled on
//! every target; the tests compare the fast paths against it.

pub mod gemm_ref;
pub mod im2col;

pub use gemm_ref::gemm_ref;

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
    let _ = scratch;
    gemm_ref(m, n, k, a, ta, b, tb, c, accumulate);
}
