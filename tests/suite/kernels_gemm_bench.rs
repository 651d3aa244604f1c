//! Browser GEMM benchmark: GFLOP/s of `gemm` on the network's shapes, and of micro-kernel and
//! blocking variants on the conv2 shapes. Figures are printed, not asserted; the tests are
//! `#[ignore]`d so that ordinary test runs skip them. Run (release, like the app):
//!
//! ```text
//! WASM_BINDGEN_TEST_TIMEOUT=600 wasm-pack test --release --headless --chrome -- \
//!     --test suite -- --include-ignored kernels_gemm_bench
//! ```
//!
//! Each case runs for 500 ms before it is timed (V8 tiers a function up from its baseline
//! compiler only after it has run a while), then for about 1 s in samples of >= 5 ms; the
//! best sample is reported (the machine is shared; contention only slows a sample down).
//! Only compiled for wasm32; natively `cargo bench --bench kernels` measures the same shapes.

#![cfg(target_arch = "wasm32")]

use mnist_wasm::kernels::Trans::{self, No};
use mnist_wasm::kernels::gemm_packed::{Blocking, MicroKernel, gemm_packed_with};
use mnist_wasm::kernels::isa::kernel_4x8;
use mnist_wasm::kernels::{GemmScratch, gemm, gemm_ref};
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

#[path = "../../benches/common/gemm_shapes.rs"]
mod gemm_shapes;
use gemm_shapes::SHAPES;

/// `performance.now()` in ms (`Date.now()` only has 1 ms resolution).
fn now_ms() -> f64 {
    use wasm_bindgen::{JsCast, JsValue};
    let perf = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"));
    let perf = perf.expect("performance");
    let now = js_sys::Reflect::get(&perf, &JsValue::from_str("now")).expect("now");
    let t = now
        .unchecked_into::<js_sys::Function>()
        .call0(&perf)
        .expect("now()");
    t.as_f64().expect("a number")
}

/// Lets the browser's event loop run (a `setTimeout(0)` macrotask), so that the page stays
/// responsive to the test driver between cases.
async fn yield_to_browser() {
    use wasm_bindgen::{JsCast, JsValue};
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let set_timeout = js_sys::Reflect::get(&js_sys::global(), &"setTimeout".into());
        let set_timeout = set_timeout
            .expect("setTimeout")
            .unchecked_into::<js_sys::Function>();
        set_timeout
            .call2(&JsValue::NULL, &resolve, &0.into())
            .expect("setTimeout()");
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("timer");
}

fn data(len: usize, seed: u32) -> Vec<f32> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 8) as f32 / (1u32 << 23) as f32 - 1.0
        })
        .collect()
}

/// GFLOP/s of `f` doing `flops` per call: 500 ms warm-up, then about 1 s of samples of at
/// least 5 ms each. The best sample counts: the machine is shared, and other processes only
/// ever make a sample slower.
fn gflops(flops: f64, mut f: impl FnMut()) -> f64 {
    let t0 = now_ms();
    while now_ms() - t0 < 500.0 {
        f();
    }
    let (start, mut best_ms_per_call) = (now_ms(), f64::INFINITY);
    while now_ms() - start < 1000.0 {
        let (t0, mut calls) = (now_ms(), 0u32);
        loop {
            f();
            calls += 1;
            let dt = now_ms() - t0;
            if dt >= 5.0 {
                best_ms_per_call = best_ms_per_call.min(dt / f64::from(calls));
                break;
            }
        }
    }
    flops / best_ms_per_call / 1e6
}

/// Operands for one shape and a runner measuring any GEMM on them.
struct Case {
    m: usize,
    n: usize,
    k: usize,
    ta: Trans,
    tb: Trans,
    a: Vec<f32>,
    b: Vec<f32>,
    c: Vec<f32>,
    scratch: GemmScratch,
}

impl Case {
    fn new(m: usize, n: usize, k: usize, ta: Trans, tb: Trans) -> Case {
        let (a, b, c) = (data(m * k, 1), data(k * n, 2), vec![0.0; m * n]);
        let scratch = GemmScratch::default();
        Case {
            m,
            n,
            k,
            ta,
            tb,
            a,
            b,
            c,
            scratch,
        }
    }
    fn flops(&self) -> f64 {
        2.0 * (self.m * self.n * self.k) as f64
    }
    fn gemm(&mut self) -> f64 {
        let (flops, m, n, k, ta, tb) = (self.flops(), self.m, self.n, self.k, self.ta, self.tb);
        let (a, b, c, s) = (&self.a, &self.b, &mut self.c, &mut self.scratch);
        gflops(flops, || gemm(s, m, n, k, a, ta, b, tb, c, false))
    }
    fn packed(&mut self, kernel: impl MicroKernel, blk: Blocking) -> f64 {
        let (flops, m, n, k, ta, tb) = (self.flops(), self.m, self.n, self.k, self.ta, self.tb);
        let (a, b, c, s) = (&self.a, &self.b, &mut self.c, &mut self.scratch);
        gflops(flops, || {
            gemm_packed_with(kernel, blk, s, m, n, k, a, ta, b, tb, c, false)
        })
    }
}

/// `gemm` (the dispatcher: SIMD128 micro-kernel in the `+simd128` build) on every shape.
#[wasm_bindgen_test]
#[ignore]
async fn bench_gemm_network_shapes() {
    console_log!("simd128 build: {}", mnist_wasm::kernels::SIMD128);
    let mut total_ms = 0.0;
    for (name, m, n, k, ta, tb) in SHAPES {
        let mut cs = Case::new(m, n, k, ta, tb);
        let g = cs.gemm();
        if !name.starts_with("b1") && name != "dense2_fwd" {
            total_ms += cs.flops() / g / 1e6;
        }
        console_log!("gemm {name:14} m={m:5} n={n:3} k={k:5}: {g:5.1} GFLOP/s");
        yield_to_browser().await;
    }
    console_log!("sum of the 11 batch-64 shapes above: {total_ms:.2} ms");
}

/// Time spent outside the micro-kernel: the packed GEMM with a kernel that only stores its
/// tile, against the real one.
#[wasm_bindgen_test]
#[ignore]
async fn bench_packing_overhead() {
    fn store_only(_: usize, _: &[f32], _: &[f32], c: &mut [f32], ldc: usize, _: bool) {
        for i in 0..4 {
            c[i * ldc..i * ldc + 8].fill(0.0);
        }
    }
    let d = Blocking::DEFAULT;
    for (name, m, n, k, ta, tb) in SHAPES {
        let mut cs = Case::new(m, n, k, ta, tb);
        let flops = cs.flops();
        let ms = |g: f64| flops / g / 1e6;
        let (full, rest) = (ms(cs.gemm()), ms(cs.packed(store_only, d)));
        console_log!("{name:14} gemm {full:7.3} ms, of which packing + loops {rest:7.3} ms");
        yield_to_browser().await;
    }
}

/// The naive reference on the conv2 forward shape, for scale.
#[wasm_bindgen_test]
#[ignore]
async fn bench_gemm_ref_conv2() {
    let (m, n, k) = (7744, 64, 288);
    let mut cs = Case::new(m, n, k, No, No);
    let flops = cs.flops();
    let (a, b, c) = (&cs.a, &cs.b, &mut cs.c);
    let g = gflops(flops, || gemm_ref(m, n, k, a, No, b, No, c, false));
    console_log!("gemm_ref conv2_fwd: {g:5.1} GFLOP/s");
}

#[cfg(target_feature = "simd128")]
mod variants {
    use core::arch::wasm32::{
        f32x4_add, f32x4_mul, f32x4_splat, v128, v128_load, v128_load32_splat, v128_store,
    };
    use mnist_wasm::kernels::gemm_packed::{MR, NR};

    /// Stores the 8 accumulators of a 4x8 tile.
    fn store(acc: [v128; 8], c: &mut [f32], ldc: usize, accumulate: bool) {
        for i in 0..MR {
            let out = c[i * ldc..i * ldc + NR].as_mut_ptr();
            // SAFETY: `out` points at NR = 8 f32 of `c`; wasm accesses need no alignment.
            unsafe {
                let (mut lo, mut hi) = (acc[2 * i], acc[2 * i + 1]);
                if accumulate {
                    lo = f32x4_add(lo, v128_load(out.cast()));
                    hi = f32x4_add(hi, v128_load(out.add(4).cast()));
                }
                v128_store(out.cast(), lo);
                v128_store(out.add(4).cast(), hi);
            }
        }
    }

    /// Raw pointer bumping instead of `chunks_exact`.
    pub fn ptr_loop(kc: usize, a: &[f32], b: &[f32], c: &mut [f32], ldc: usize, acc: bool) {
        assert!(a.len() >= kc * MR && b.len() >= kc * NR);
        let z = f32x4_splat(0.0);
        let mut r = [z; 8];
        let (mut ap, mut bp) = (a.as_ptr(), b.as_ptr());
        for _ in 0..kc {
            // SAFETY: the assert above covers kc groups of MR (a) and NR (b) values.
            unsafe {
                let b0 = v128_load(bp.cast());
                let b1 = v128_load(bp.add(4).cast());
                for i in 0..MR {
                    let ai = v128_load32_splat(ap.add(i).cast());
                    r[2 * i] = f32x4_add(r[2 * i], f32x4_mul(ai, b0));
                    r[2 * i + 1] = f32x4_add(r[2 * i + 1], f32x4_mul(ai, b1));
                }
                ap = ap.add(MR);
                bp = bp.add(NR);
            }
        }
        store(r, c, ldc, acc);
    }

    /// `f32x4_splat` of a bounds-checked scalar instead of `v128.load32_splat`.
    pub fn splat(kc: usize, a: &[f32], b: &[f32], c: &mut [f32], ldc: usize, acc: bool) {
        let z = f32x4_splat(0.0);
        let mut r = [z; 8];
        for (ap, bp) in a[..kc * MR]
            .chunks_exact(MR)
            .zip(b[..kc * NR].chunks_exact(NR))
        {
            // SAFETY: `bp` is a chunk of NR = 8 f32.
            let (b0, b1) = unsafe {
                (
                    v128_load(bp.as_ptr().cast()),
                    v128_load(bp[4..].as_ptr().cast()),
                )
            };
            for i in 0..MR {
                let ai = f32x4_splat(ap[i]);
                r[2 * i] = f32x4_add(r[2 * i], f32x4_mul(ai, b0));
                r[2 * i + 1] = f32x4_add(r[2 * i + 1], f32x4_mul(ai, b1));
            }
        }
        store(r, c, ldc, acc);
    }

    /// k unrolled by 2 (measured slower before, see bench/README.md; checked again here).
    pub fn unroll2(kc: usize, a: &[f32], b: &[f32], c: &mut [f32], ldc: usize, acc: bool) {
        assert!(a.len() >= kc * MR && b.len() >= kc * NR);
        let z = f32x4_splat(0.0);
        let mut r = [z; 8];
        let step = |r: &mut [v128; 8], ap: *const f32, bp: *const f32| {
            // SAFETY: callers pass pointers to a whole group of MR (a) and NR (b) values.
            unsafe {
                let b0 = v128_load(bp.cast());
                let b1 = v128_load(bp.add(4).cast());
                for i in 0..MR {
                    let ai = v128_load32_splat(ap.add(i).cast());
                    r[2 * i] = f32x4_add(r[2 * i], f32x4_mul(ai, b0));
                    r[2 * i + 1] = f32x4_add(r[2 * i + 1], f32x4_mul(ai, b1));
                }
            }
        };
        let (a2, b2) = (
            a[..kc * MR].chunks_exact(2 * MR),
            b[..kc * NR].chunks_exact(2 * NR),
        );
        let (ra, rb) = (a2.remainder(), b2.remainder());
        for (ap, bp) in a2.zip(b2) {
            step(&mut r, ap.as_ptr(), bp.as_ptr());
            step(&mut r, ap[MR..].as_ptr(), bp[NR..].as_ptr());
        }
        if !ra.is_empty() {
            step(&mut r, ra.as_ptr(), rb.as_ptr());
        }
        store(r, c, ldc, acc);
    }
}

/// Micro-kernel variants and block sizes on the three conv2 GEMMs.
#[wasm_bindgen_test]
#[ignore]
async fn bench_variants_conv2() {
    use mnist_wasm::kernels::scalar::kernel_4x8_scalar;
    let d = Blocking::DEFAULT;
    for (name, m, n, k, ta, tb) in &SHAPES[2..5] {
        let mut cs = Case::new(*m, *n, *k, *ta, *tb);
        let report = |what: &str, g: f64| console_log!("{name} {what:34}: {g:5.1} GFLOP/s");
        report("scalar twin", cs.packed(kernel_4x8_scalar, d));
        yield_to_browser().await;
        #[cfg(target_feature = "simd128")]
        {
            use mnist_wasm::kernels::simd128::kernel_4x8_simd128;
            report("simd128 (shipped)", cs.packed(kernel_4x8_simd128, d));
            yield_to_browser().await;
            report("ptr_loop", cs.packed(variants::ptr_loop, d));
            yield_to_browser().await;
            report("splat", cs.packed(variants::splat, d));
            yield_to_browser().await;
            report("unroll2", cs.packed(variants::unroll2, d));
            yield_to_browser().await;
        }
        for (kc, mc) in [(128, 96), (512, 96), (256, 48), (256, 192), (256, 384)] {
            let blk = Blocking { kc, mc, ..d };
            report(&format!("gemm kc={kc} mc={mc}"), cs.packed(kernel_4x8, blk));
            yield_to_browser().await;
        }
    }
}

/// The convolution forwards of one micro-batch of 16 images: implicit GEMM against Winograd
/// F(4x4, 3x3), in µs per image and effective GFLOP/s (the direct convolution's FLOPs).
#[wasm_bindgen_test]
#[ignore]
async fn bench_conv_forward() {
    use mnist_wasm::kernels::conv_implicit::conv2d_fwd_implicit;
    use mnist_wasm::kernels::im2col::ConvGeom;
    use mnist_wasm::kernels::winograd::{WinogradScratch, conv2d_fwd_winograd};
    let batch = 16;
    for (name, h, c, f) in [
        ("conv1", 28, 1, 32),
        ("conv2", 13, 32, 64),
        ("conv3", 5, 64, 64),
    ] {
        let g = ConvGeom {
            h,
            w: h,
            c,
            kh: 3,
            kw: 3,
        };
        let (x, w, bias) = (data(batch * h * h * c, 3), data(9 * c * f, 4), data(f, 5));
        let mut y = vec![0.0f32; batch * g.patches() * f];
        let flops = 2.0 * (batch * g.patches() * g.patch_len() * f) as f64;
        let us = |gf: f64| flops / gf / 1e3 / batch as f64;
        let mut s = GemmScratch::default();
        let gi = gflops(flops, || {
            conv2d_fwd_implicit(&mut s, &g, batch, &x, &w, &bias, true, &mut y)
        });
        yield_to_browser().await;
        let mut s = WinogradScratch::default();
        let gw = gflops(flops, || {
            conv2d_fwd_winograd(&mut s, &g, batch, &x, &w, &bias, true, &mut y)
        });
        console_log!(
            "{name} forward, batch {batch}: implicit {:6.2} µs/image ({gi:5.1} GFLOP/s), \
             winograd {:6.2} µs/image ({gw:5.1} effective GFLOP/s)",
            us(gi),
            us(gw)
        );
        yield_to_browser().await;
    }
}
