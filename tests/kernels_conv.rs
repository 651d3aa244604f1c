//! The fast convolution forwards against im2col + the reference GEMM, on awkward shapes, output
//! pre-filled with NaN: the implicit GEMM (patches read straight from the image, bias and ReLU
//! fused) and Winograd F(2x2, 3x3); SIMD128 in the browser.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use mnist_wasm::kernels::conv_implicit::conv2d_fwd_implicit;
use mnist_wasm::kernels::im2col::{ConvGeom, im2col};
use mnist_wasm::kernels::winograd::{WinogradScratch, conv2d_fwd_winograd};
use mnist_wasm::kernels::{GemmScratch, Trans, gemm_ref};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

fn uniform(r: &mut Pcg64Mcg, n: usize) -> Vec<f32> {
    (0..n).map(|_| r.random_range(-1.0..1.0)).collect()
}

/// `act(im2col(x) · w + bias)` by the reference GEMM.
fn reference(
    g: &ConvGeom,
    batch: usize,
    x: &[f32],
    wt: &[f32],
    bias: &[f32],
    relu: bool,
) -> Vec<f32> {
    let (m, f) = (batch * g.patches(), bias.len());
    let mut col = vec![0.0; m * g.patch_len()];
    im2col(g, batch, x, &mut col);
    let mut want = vec![0.0; m * f];
    gemm_ref(
        m,
        f,
        g.patch_len(),
        &col,
        Trans::No,
        wt,
        Trans::No,
        &mut want,
        false,
    );
    for row in want.chunks_exact_mut(f) {
        for (v, b) in row.iter_mut().zip(bias) {
            *v = if relu { (*v + b).max(0.0) } else { *v + b };
        }
    }
    want
}

/// Runs `conv` on each case (h, w, c, k, filters, batch) into a NaN-filled output one tile
/// longer than needed, and compares with [`reference`].
fn check_against_reference(
    cases: &[(usize, usize, usize, usize, usize, usize)],
    mut conv: impl FnMut(&ConvGeom, usize, &[f32], &[f32], &[f32], bool, &mut [f32]),
) {
    let mut r = Pcg64Mcg::seed_from_u64(11);
    for &(h, w, c, k, f, batch) in cases {
        let g = ConvGeom {
            h,
            w,
            c,
            kh: k,
            kw: k,
        };
        let x = uniform(&mut r, batch * h * w * c);
        let wt = uniform(&mut r, g.patch_len() * f);
        let bias = uniform(&mut r, f);
        let relu = f % 2 == 1; // both epilogues across the cases
        let want = reference(&g, batch, &x, &wt, &bias, relu);
        let n = want.len();
        let mut got = vec![f32::NAN; n + 3];
        conv(&g, batch, &x, &wt, &bias, relu, &mut got[..n]);
        assert!(got[n..].iter().all(|v| v.is_nan()), "wrote past the output");
        let tol = 1e-5 * g.patch_len() as f32;
        for (i, (a, b)) in got.iter().zip(&want).enumerate() {
            assert!(
                (a - b).abs() <= tol,
                "{h}x{w}x{c} k{k} f{f} b{batch}: y[{i}] {a} vs {b}"
            );
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn implicit_conv_matches_im2col_gemm() {
    // Odd sizes, channels and filters not multiples of 4 or 8, output pixel counts not
    // multiples of 4, batch 1 and 3, and the network's conv2/conv3.
    let cases = [
        (5, 5, 1, 3, 1, 1),
        (7, 6, 5, 3, 13, 3),
        (6, 9, 3, 2, 8, 1),
        (13, 13, 32, 3, 64, 3),
        (5, 5, 64, 3, 64, 2),
        (4, 11, 7, 3, 17, 1),
    ];
    let mut scratch = GemmScratch::default();
    check_against_reference(&cases, |g, batch, x, w, bias, relu, y| {
        conv2d_fwd_implicit(&mut scratch, g, batch, x, w, bias, relu, y);
    });
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn winograd_conv_matches_im2col_gemm() {
    // 3x3 only. Odd and even output sides (part-empty last tiles), a 1x1 output, channel and
    // filter counts around multiples of 4 and 8, tile counts not multiples of 4, batch 1 and
    // 3, the network's conv2/conv3; one scratch across all, so shrinking shapes reuse it.
    let cases = [
        (13, 13, 32, 3, 64, 3),
        (5, 5, 64, 3, 64, 2),
        (3, 3, 1, 3, 1, 1),
        (4, 4, 4, 3, 8, 1),
        (7, 6, 5, 3, 13, 3),
        (6, 9, 3, 3, 9, 1),
        (4, 11, 7, 3, 17, 1),
        (10, 5, 12, 3, 7, 2),
        (9, 8, 33, 3, 65, 1),
        // Several blocks of images, the last one short (1 tile an image: blocks of 32; 9 tiles
        // an image: blocks of 4).
        (6, 6, 8, 3, 8, 37),
        (13, 13, 8, 3, 11, 9),
        // The first shape again with new weights: the cached weight transform must be redone.
        (13, 13, 32, 3, 64, 3),
    ];
    let mut scratch = WinogradScratch::default();
    check_against_reference(&cases, |g, batch, x, w, bias, relu, y| {
        conv2d_fwd_winograd(&mut scratch, g, batch, x, w, bias, relu, y);
    });
}
