//! Naive GEMM: the reference every fast kernel is tested against.
//!
//! `C[m,n] (+)= Σ_p op(A)[m,p] · op(B)[p,n]`, summed in `p` order with one `f32` accumulator
//! per output so results are deterministic.

use super::Trans;

/// Reference GEMM; see [`super::gemm`] for the operand layouts.
///
/// # Panics
/// If a slice is shorter than its shape says.
#[allow(clippy::too_many_arguments)]
pub fn gemm_ref(
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
    // (row stride, column stride) of op(A) and op(B) in their storage.
    let (a_rs, a_cs) = match ta {
        Trans::No => (k, 1),
        Trans::Yes => (1, m),
    };
    let (b_rs, b_cs) = match tb {
        Trans::No => (n, 1),
        Trans::Yes => (1, k),
    };
    for i in 0..m {
        for j in 0..n {
            let mut acc = 0.0f32;
            for p in 0..k {
                acc += a[i * a_rs + p * a_cs] * b[p * b_rs + j * b_cs];
            }
            let out = &mut c[i * n + j];
            *out = if accumulate { *out + acc } else { acc };
        }
    }
}
