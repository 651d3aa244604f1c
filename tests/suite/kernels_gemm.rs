//! Packed GEMM against the naive reference `gemm_ref`, on awkward shapes, all four `Trans`
//! combinations, overwrite and accumulate.
//!
//! Runs natively (`cargo test --test suite kernels_gemm`, scalar micro-kernel) and in a browser
//! (`wasm-pack test --headless --chrome -- --test suite kernels_gemm`, SIMD128 micro-kernel).
//!
//! Tolerance: both results are sums of the same `k` products in different orders, so each is
//! within `γ · Σ_p |A[i,p]·B[p,j]| (+ |C₀[i,j]|)` of the exact value, `γ = (k+1)·ε` (Higham,
//! Accuracy and Stability of Numerical Algorithms, §3.1). The tests allow
//! `|packed - ref| <= 2·(k+2)·ε·S + 1e-30` with the cheaper upper bound
//! `S[i,j] = Σ_p |A[i,p]| · max_p |B[p,j]| (+ |C₀[i,j]|)`: a rigorous bound for any summation
//! order (for k = 100 the allowed difference is 2.4e-5·S; a 1e-4 relative error in one
//! product fails). Inputs of small integers make every sum exact; those tests demand equality.
//! Outputs are pre-filled with NaN when not accumulating, so an unwritten cell fails, and
//! the output sits between sentinels that must survive. Operands and output start one element
//! into their buffers, so no fast path may rely on alignment.

use mnist_wasm::kernels::gemm_packed::{KC, MC, NR, gemm_packed_scalar};
use mnist_wasm::kernels::{GemmScratch, Trans, gemm, gemm_ref};

// `#[test]` runs natively and, through this alias, in the browser.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const TRANS: [(Trans, Trans); 4] = [
    (Trans::No, Trans::No),
    (Trans::Yes, Trans::No),
    (Trans::No, Trans::Yes),
    (Trans::Yes, Trans::Yes),
];

/// Values written past `m·n`; they must come back unchanged.
const SENTINEL: f32 = 12345.0;
const TAIL: usize = 8;

/// Deterministic xorshift32 stream in `[-1, 1)`.
struct Rng(u32);

impl Rng {
    fn next_u32(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
    fn uniform(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 / (1u32 << 23) as f32 - 1.0
    }
    /// Small integer in `-3..=3`: products and sums of a few thousand are exact in f32.
    fn small_int(&mut self) -> f32 {
        (self.next_u32() % 7) as f32 - 3.0
    }
    fn fill(&mut self, len: usize, ints: bool) -> Vec<f32> {
        (0..len)
            .map(|_| {
                if ints {
                    self.small_int()
                } else {
                    self.uniform()
                }
            })
            .collect()
    }
}

type GemmFn =
    fn(&mut GemmScratch, usize, usize, usize, &[f32], Trans, &[f32], Trans, &mut [f32], bool);

/// The fast paths under test: the dispatcher (SIMD128 in the browser) and the portable one.
const IMPLS: [(&str, GemmFn); 2] = [("gemm", gemm), ("gemm_packed_scalar", gemm_packed_scalar)];

/// Runs every implementation on one shape and compares with `gemm_ref`; panics with the
/// coordinates of the first mismatch.
#[allow(clippy::too_many_arguments)]
fn check(
    scratch: &mut GemmScratch,
    rng: &mut Rng,
    m: usize,
    n: usize,
    k: usize,
    ta: Trans,
    tb: Trans,
    accumulate: bool,
    ints: bool,
) {
    // One extra leading element: the fast paths get `&a[1..]` and `&b[1..]` (misaligned).
    let a = rng.fill(m * k + 1, ints);
    let b = rng.fill(k * n + 1, ints);
    let c0 = rng.fill(m * n, ints);
    let (a1, b1) = (&a[1..], &b[1..]);

    let mut want = c0.clone();
    gemm_ref(m, n, k, a1, ta, b1, tb, &mut want, accumulate);
    // S[i,j] = Σ_p |A[i,p]| · max_p |B[p,j]| (+ |c0|) >= Σ_p |A[i,p]·B[p,j]| (+ |c0|).
    let at = |i: usize, p: usize| {
        if ta == Trans::No {
            a1[i * k + p]
        } else {
            a1[p * m + i]
        }
    };
    let bt = |p: usize, j: usize| {
        if tb == Trans::No {
            b1[p * n + j]
        } else {
            b1[j * k + p]
        }
    };
    let row_sum: Vec<f32> = (0..m)
        .map(|i| (0..k).map(|p| at(i, p).abs()).sum())
        .collect();
    let col_max: Vec<f32> = (0..n)
        .map(|j| (0..k).map(|p| bt(p, j).abs()).fold(0.0, f32::max))
        .collect();
    let scale: Vec<f32> = (0..m * n)
        .map(|idx| {
            let c = if accumulate { c0[idx].abs() } else { 0.0 };
            row_sum[idx / n] * col_max[idx % n] + c
        })
        .collect();
    let gamma = 2.0 * (k + 2) as f32 * f32::EPSILON;

    for (name, f) in IMPLS {
        // [sentinel, C (m·n), sentinel × TAIL]: C starts one element in (misaligned).
        let mut out = vec![SENTINEL];
        if accumulate {
            out.extend(&c0);
        } else {
            out.extend(std::iter::repeat_n(f32::NAN, m * n));
        }
        out.extend([SENTINEL; TAIL]);
        f(scratch, m, n, k, a1, ta, b1, tb, &mut out[1..], accumulate);
        let what = || format!("{name} m={m} n={n} k={k} ta={ta:?} tb={tb:?} acc={accumulate}");
        assert!(out[0] == SENTINEL, "{}: wrote before C", what());
        let got = &out[1..];
        for (idx, ((&g, &w), &s)) in got.iter().zip(&want).zip(&scale).enumerate() {
            let tol = if ints { 0.0 } else { gamma * s + 1e-30 };
            let ok = (g - w).abs() <= tol;
            assert!(
                ok,
                "{}: C[{}, {}] = {g}, reference {w}, tolerance {tol}",
                what(),
                idx / n.max(1),
                idx % n.max(1)
            );
        }
        assert!(
            got[m * n..].iter().all(|&x| x == SENTINEL),
            "{}: wrote past C",
            what()
        );
    }
}

/// Every combination of the listed sizes, both Trans flags, both accumulate modes.
#[test]
fn awkward_shapes() {
    const SIZES: [usize; 13] = [1, 2, 3, 5, 7, 9, 13, 17, 31, 33, 64, 65, 100];
    let mut scratch = GemmScratch::default();
    let mut rng = Rng(0x9e37_79b9);
    for m in SIZES {
        for n in SIZES {
            for k in SIZES {
                for (ta, tb) in TRANS {
                    for acc in [false, true] {
                        check(&mut scratch, &mut rng, m, n, k, ta, tb, acc, false);
                    }
                }
            }
        }
    }
}

/// Shapes just below, at and above the block sizes (KC, MC, NC) and tile sizes.
#[test]
fn block_boundaries() {
    let nc = mnist_wasm::kernels::gemm_packed::NC;
    let shapes = [
        (MC - 1, 9, KC - 1),
        (MC, 8, KC),
        (MC + 1, 7, KC + 1),
        (2 * MC + 3, 33, 2 * KC + 5),
        (3 * MC, 24, 3 * KC),
        (5, nc - 1, 3),
        (5, nc, 3),
        (3, nc + NR + 1, 4),
        (130, 70, 600),
        (9, 32, 1000),
        (1, 1, 1500),
    ];
    let mut scratch = GemmScratch::default();
    let mut rng = Rng(7);
    for (m, n, k) in shapes {
        for (ta, tb) in TRANS {
            for acc in [false, true] {
                check(&mut scratch, &mut rng, m, n, k, ta, tb, acc, false);
            }
        }
    }
}

/// The network's GEMMs (batch 16, and batch 1 inference), in the Trans forms it uses.
#[test]
fn network_shapes() {
    use Trans::{No, Yes};
    let shapes = [
        (16 * 676, 32, 9, No, No),   // conv1 forward
        (9, 32, 16 * 676, Yes, No),  // conv1 weight gradient
        (16 * 121, 64, 288, No, No), // conv2 forward
        (288, 64, 16 * 121, Yes, No),
        (16 * 121, 288, 64, No, Yes), // conv2 input gradient
        (16 * 9, 64, 576, No, No),
        (576, 64, 16 * 9, Yes, No),
        (16 * 9, 576, 64, No, Yes),
        (16, 64, 576, No, No), // dense1
        (576, 64, 16, Yes, No),
        (16, 576, 64, No, Yes),
        (16, 10, 64, No, No), // dense2
        (64, 10, 16, Yes, No),
        (16, 64, 10, No, Yes),
        (676, 32, 9, No, No), // batch 1
        (121, 64, 288, No, No),
        (9, 64, 576, No, No),
        (1, 64, 576, No, No),
        (1, 10, 64, No, No),
    ];
    let mut scratch = GemmScratch::default();
    let mut rng = Rng(42);
    for (m, n, k, ta, tb) in shapes {
        for acc in [false, true] {
            check(&mut scratch, &mut rng, m, n, k, ta, tb, acc, false);
        }
    }
}

/// Small-integer inputs: every product and partial sum is exact, so results must be equal.
#[test]
fn exact_on_integers() {
    let mut scratch = GemmScratch::default();
    let mut rng = Rng(3);
    for (m, n, k) in [(4, 8, 1), (13, 17, 300), (97, 33, 513), (1, 1, 7)] {
        for (ta, tb) in TRANS {
            for acc in [false, true] {
                check(&mut scratch, &mut rng, m, n, k, ta, tb, acc, true);
            }
        }
    }
}

/// m, n or k zero: nothing to do, or (k = 0) C = 0 / C unchanged.
#[test]
fn degenerate_shapes() {
    let mut scratch = GemmScratch::default();
    let mut rng = Rng(11);
    for (m, n, k) in [(0, 5, 3), (5, 0, 3), (0, 0, 0), (4, 9, 0), (1, 1, 0)] {
        for (ta, tb) in TRANS {
            for acc in [false, true] {
                check(&mut scratch, &mut rng, m, n, k, ta, tb, acc, false);
            }
        }
    }
    // k = 0 explicitly: overwrite gives zeros, accumulate leaves C alone.
    for (_, f) in IMPLS {
        let mut c = vec![f32::NAN; 6];
        f(
            &mut scratch,
            2,
            3,
            0,
            &[],
            Trans::No,
            &[],
            Trans::No,
            &mut c,
            false,
        );
        assert!(c.iter().all(|&x| x == 0.0));
        let mut c = vec![1.5; 6];
        f(
            &mut scratch,
            2,
            3,
            0,
            &[],
            Trans::No,
            &[],
            Trans::No,
            &mut c,
            true,
        );
        assert!(c.iter().all(|&x| x == 1.5));
    }
}

/// After one call with the largest shape, smaller calls reuse the scratch buffers as they are.
#[test]
fn warm_scratch_is_not_reallocated() {
    let mut scratch = GemmScratch::default();
    let mut rng = Rng(5);
    let (a, b) = (rng.fill(1000 * 700, false), rng.fill(700 * 600, false));
    let mut c = vec![0.0; 1000 * 600];
    gemm(
        &mut scratch,
        1000,
        600,
        700,
        &a,
        Trans::No,
        &b,
        Trans::No,
        &mut c,
        false,
    );
    let ptrs = (scratch.packed_a.as_ptr(), scratch.packed_b.as_ptr());
    let lens = (scratch.packed_a.len(), scratch.packed_b.len());
    for (m, n, k) in [(1000, 600, 700), (7, 5, 3), (300, 64, 288), (1, 576, 64)] {
        for (ta, tb) in TRANS {
            gemm(&mut scratch, m, n, k, &a, ta, &b, tb, &mut c, true);
        }
    }
    assert_eq!(ptrs, (scratch.packed_a.as_ptr(), scratch.packed_b.as_ptr()));
    assert_eq!(lens, (scratch.packed_a.len(), scratch.packed_b.len()));
}
