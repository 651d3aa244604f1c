//! GEMM micro-benchmarks on the network's shapes (batch 64, and batch 1 inference): the packed
//! `gemm` against the naive `gemm_ref`. Throughput is counted as `2·m·n·k` "elements", so
//! criterion's `Gelem/s` reads as GFLOP/s.
//!
//! `cargo bench --bench kernels` (native only; browser figures come from
//! `tests/kernels_gemm_bench.rs`). `cargo bench --bench kernels -- packed` skips the slow
//! reference.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;
    use std::time::Duration;

    use criterion::{BenchmarkId, Criterion, Throughput};
    use mnist_wasm::kernels::Trans::{self, No, Yes};
    use mnist_wasm::kernels::{GemmScratch, gemm, gemm_ref};

    /// (name, m, n, k, op(A), op(B)) as the layers call them.
    const SHAPES: [(&str, usize, usize, usize, Trans, Trans); 14] = [
        ("conv1_fwd", 43264, 32, 9, No, No),
        ("conv1_dw", 9, 32, 43264, Yes, No),
        ("conv2_fwd", 7744, 64, 288, No, No),
        ("conv2_dw", 288, 64, 7744, Yes, No),
        ("conv2_dx", 7744, 288, 64, No, Yes),
        ("conv3_fwd", 576, 64, 576, No, No),
        ("conv3_dw", 576, 64, 576, Yes, No),
        ("conv3_dx", 576, 576, 64, No, Yes),
        ("dense1_fwd", 64, 64, 576, No, No),
        ("dense1_dw", 576, 64, 64, Yes, No),
        ("dense1_dx", 64, 576, 64, No, Yes),
        ("dense2_fwd", 64, 10, 64, No, No),
        ("b1_conv2_fwd", 121, 64, 288, No, No),
        ("b1_dense1_fwd", 1, 64, 576, No, No),
    ];

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

    pub fn gemm_shapes(crit: &mut Criterion) {
        let mut group = crit.benchmark_group("gemm");
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_millis(1500));
        for (name, m, n, k, ta, tb) in SHAPES {
            let (a, b) = (data(m * k, 1), data(k * n, 2));
            let mut c = vec![0.0f32; m * n];
            let mut scratch = GemmScratch::default();
            group.throughput(Throughput::Elements((2 * m * n * k) as u64));
            group.bench_function(BenchmarkId::new("packed", name), |bench| {
                bench.iter(|| {
                    gemm(&mut scratch, m, n, k, &a, ta, &b, tb, &mut c, false);
                    black_box(&mut c);
                })
            });
            group.bench_function(BenchmarkId::new("ref", name), |bench| {
                bench.iter(|| {
                    gemm_ref(m, n, k, &a, ta, &b, tb, &mut c, false);
                    black_box(&mut c);
                })
            });
        }
        group.finish();
    }
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_group!(benches, native::gemm_shapes);
#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
