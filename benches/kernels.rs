//! Kernel micro-benchmarks on the network's shapes: the packed `gemm` against the naive
//! `gemm_ref` (batch 64, and batch 1 inference), the convolution forwards (implicit GEMM,
//! Winograd F(4x4, 3x3), im2col + `gemm`; 16 images, the micro-batch), im2col/col2im, and the
//! max-pool passes, and the training-image augmentation (each part, per image). Throughput is counted as FLOPs (`2·m·n·k`, the direct convolution's for
//! Winograd too, so its figure is an effective one) for the products, so criterion's `Gelem/s`
//! reads as GFLOP/s, and as elements moved for the others (images for the augmentation).
//!
//! `cargo bench --bench kernels` (native only; browser figures come from
//! `tests/suite/kernels_gemm_bench.rs`). `cargo bench --bench kernels -- packed` skips the slow
//! reference.

#[cfg(not(target_arch = "wasm32"))]
#[path = "common/gemm_shapes.rs"]
mod gemm_shapes;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;
    use std::time::Duration;

    use criterion::{BenchmarkId, Criterion, Throughput};
    use mnist_wasm::kernels::Trans::No;
    use mnist_wasm::kernels::conv_implicit::conv2d_fwd_implicit;
    use mnist_wasm::kernels::im2col::{col2im, im2col};
    use mnist_wasm::kernels::winograd::{WinogradScratch, conv2d_fwd_winograd};
    use mnist_wasm::kernels::{GemmScratch, gemm, gemm_ref};
    use mnist_wasm::layers::{Conv2d, MaxPool2};

    use super::gemm_shapes::SHAPES;

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

    fn quick<'a>(
        crit: &'a mut Criterion,
        name: &str,
    ) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
        let mut group = crit.benchmark_group(name);
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_millis(1500));
        group
    }

    /// The three convolutions' forward passes for one micro-batch of 16 images.
    pub fn conv_forward(crit: &mut Criterion) {
        let mut group = quick(crit, "conv_fwd");
        let batch = 16;
        for (name, h, c, f) in [
            ("conv1", 28, 1, 32),
            ("conv2", 13, 32, 64),
            ("conv3", 5, 64, 64),
        ] {
            let conv = Conv2d::new(h, h, c, 3, f, false);
            let g = conv.geom;
            let (m, k) = (batch * g.patches(), g.patch_len());
            let (x, w, bias) = (data(batch * conv.in_len(), 3), data(k * f, 4), data(f, 7));
            let (mut y, mut col) = (vec![0.0f32; m * f], vec![0.0f32; m * k]);
            let mut scratch = GemmScratch::default();
            group.throughput(Throughput::Elements((2 * m * f * k) as u64));
            group.bench_function(BenchmarkId::new("implicit", name), |bench| {
                bench.iter(|| {
                    conv2d_fwd_implicit(&mut scratch, &g, batch, &x, &w, &bias, false, &mut y);
                    black_box(&mut y);
                })
            });
            let mut wino = WinogradScratch::default();
            group.bench_function(BenchmarkId::new("winograd", name), |bench| {
                bench.iter(|| {
                    conv2d_fwd_winograd(&mut wino, &g, batch, &x, &w, &bias, false, &mut y);
                    black_box(&mut y);
                })
            });
            group.bench_function(BenchmarkId::new("im2col_gemm", name), |bench| {
                bench.iter(|| {
                    im2col(&g, batch, &x, &mut col);
                    gemm(&mut scratch, m, f, k, &col, No, &w, No, &mut y, false);
                    black_box(&mut y);
                })
            });
            group.throughput(Throughput::Elements((m * k) as u64));
            group.bench_function(BenchmarkId::new("col2im", name), |bench| {
                let mut dx = vec![0.0f32; batch * conv.in_len()];
                bench.iter(|| {
                    col2im(&g, batch, &col, &mut dx);
                    black_box(&mut dx);
                })
            });
        }
        group.finish();
    }

    /// Both max-pool layers, forward and backward, for 16 images.
    pub fn maxpool(crit: &mut Criterion) {
        let mut group = quick(crit, "maxpool");
        let batch = 16;
        for (name, pool) in [
            (
                "pool1",
                MaxPool2 {
                    h: 26,
                    w: 26,
                    c: 32,
                },
            ),
            (
                "pool2",
                MaxPool2 {
                    h: 11,
                    w: 11,
                    c: 64,
                },
            ),
        ] {
            let x = data(batch * pool.in_len(), 5);
            let (mut y, dy) = (
                vec![0.0f32; batch * pool.out_len()],
                data(batch * pool.out_len(), 6),
            );
            let mut dx = vec![0.0f32; x.len()];
            group.throughput(Throughput::Elements(x.len() as u64));
            group.bench_function(BenchmarkId::new("forward", name), |bench| {
                bench.iter(|| {
                    pool.forward(batch, &x, &mut y);
                    black_box(&mut y);
                })
            });
            group.bench_function(BenchmarkId::new("backward", name), |bench| {
                bench.iter(|| {
                    pool.backward(batch, &x, &y, &dy, &mut dx);
                    black_box(&mut dx);
                })
            });
        }
        group.finish();
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod augment {
    use std::hint::black_box;
    use std::time::Duration;

    use criterion::{BenchmarkId, Criterion, Throughput};
    use mnist_wasm::data::augment::{Augmentations, Augmenter};
    use mnist_wasm::model::PIXELS;
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    /// `Augmenter::distort` on one image, per part and all together (what the trainer adds to
    /// each training image with `augment` on; compare with a training image's ~500 µs).
    pub fn distort(crit: &mut Criterion) {
        let mut group = crit.benchmark_group("augment");
        group
            .sample_size(20)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_millis(1500))
            .throughput(Throughput::Elements(1));
        // A ring of ink, as a digit: the work does not depend on the values anyway.
        let image: Vec<f32> = (0..PIXELS)
            .map(|i| {
                let (x, y) = ((i % 28) as f32 - 13.5, (i / 28) as f32 - 13.5);
                (1.5 - ((x * x + y * y).sqrt() - 6.0).abs()).clamp(0.0, 1.0)
            })
            .collect();
        let only = |f: fn(&mut Augmentations)| {
            let mut parts = Augmentations::NONE;
            f(&mut parts);
            parts
        };
        for (name, parts) in [
            ("affine", Augmentations::AFFINE),
            ("thickness", only(|p| p.thickness = true)),
            ("elastic", only(|p| p.elastic = true)),
            ("all", Augmentations::ALL),
        ] {
            let mut augmenter = Augmenter::new(parts);
            let mut rng = Pcg64Mcg::seed_from_u64(1);
            let mut img = image.clone();
            group.bench_function(BenchmarkId::new("distort", name), |bench| {
                bench.iter(|| {
                    img.copy_from_slice(&image);
                    augmenter.distort(&mut rng, &mut img);
                    black_box(&mut img);
                })
            });
        }
        // Styles on a 1 (drawn on half of them: a flag, a base on half of those), the dearest class.
        let mut augmenter = Augmenter::new(only(|p| p.styles = true));
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let mut img = image.clone();
        group.bench_function(BenchmarkId::new("distort", "styles on a 1"), |bench| {
            bench.iter(|| {
                img.copy_from_slice(&image);
                augmenter.distort_labelled(&mut rng, &mut img, 1);
                black_box(&mut img);
            })
        });
        group.finish();
    }
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_group!(
    benches,
    native::gemm_shapes,
    native::conv_forward,
    native::maxpool,
    augment::distort
);
#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
