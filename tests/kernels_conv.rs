//! The implicit-GEMM convolution (patches read straight from the image, bias and ReLU fused;
//! SIMD128 in the browser) against im2col + the reference GEMM, on awkward shapes, output
//! pre-filled with NaN.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use mnist_wasm::kernels::conv_implicit::conv2d_fwd_implicit;
use mnist_wasm::kernels::im2col::{ConvGeom, im2col};
use mnist_wasm::kernels::{GemmScratch, Trans, gemm_ref};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

fn uniform(r: &mut Pcg64Mcg, n: usize) -> Vec<f32> {
    (0..n).map(|_| r.random_range(-1.0..1.0)).collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn implicit_conv_matches_im2col_gemm() {
    let mut r = Pcg64Mcg::seed_from_u64(11);
    // (h, w, c, k, filters, batch): odd sizes, channels and filters not multiples of 4 or 8,
    // output pixel counts not multiples of 4, batch 1 and 3, and the network's conv2/conv3.
    let cases = [
        (5, 5, 1, 3, 1, 1),
        (7, 6, 5, 3, 13, 3),
        (6, 9, 3, 2, 8, 1),
        (13, 13, 32, 3, 64, 3),
        (5, 5, 64, 3, 64, 2),
        (4, 11, 7, 3, 17, 1),
    ];
    for (h, w, c, k, f, batch) in cases {
        let g = ConvGeom {
            h,
            w,
            c,
            kh: k,
            kw: k,
        };
        let x = uniform(&mut r, batch * h * w * c);
        let wt = uniform(&mut r, g.patch_len() * f);
        let m = batch * g.patches();
        let mut col = vec![0.0; m * g.patch_len()];
        im2col(&g, batch, &x, &mut col);
        let bias = uniform(&mut r, f);
        let relu = f % 2 == 1; // both epilogues across the cases
        let mut want = vec![0.0; m * f];
        gemm_ref(
            m,
            f,
            g.patch_len(),
            &col,
            Trans::No,
            &wt,
            Trans::No,
            &mut want,
            false,
        );
        for row in want.chunks_exact_mut(f) {
            for (v, b) in row.iter_mut().zip(&bias) {
                *v = if relu { (*v + b).max(0.0) } else { *v + b };
            }
        }
        let mut got = vec![f32::NAN; m * f + 3];
        let mut scratch = GemmScratch::default();
        conv2d_fwd_implicit(&mut scratch, &g, batch, &x, &wt, &bias, relu, &mut got);
        assert!(
            got[m * f..].iter().all(|v| v.is_nan()),
            "wrote past the output"
        );
        let tol = 1e-5 * g.patch_len() as f32;
        for (i, (a, b)) in got.iter().zip(&want).enumerate() {
            assert!(
                (a - b).abs() <= tol,
                "{h}x{w}x{c} k{k} f{f} b{batch}: y[{i}] {a} vs {b}"
            );
        }
    }
}
