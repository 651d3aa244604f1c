//! The convolution kernels against their naive references, on awkward shapes, outputs
//! pre-filled with NaN so an unwritten cell fails: the forwards (implicit GEMM, with patches read
//! straight from the image and bias and ReLU fused; Winograd F(4x4, 3x3)) against
//! `conv2d_fwd_ref`, im2col/col2im against `im2col_ref`/`col2im_ref`. SIMD128 in the browser.
// `#[test]` runs natively and, through this alias, in the browser.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mnist_wasm::kernels::conv_implicit::{conv2d_fwd_implicit, conv2d_fwd_ref};
use mnist_wasm::kernels::im2col::{ConvGeom, col2im, col2im_ref, im2col, im2col_ref};
use mnist_wasm::kernels::winograd::{WinogradScratch, conv2d_fwd_winograd};
use mnist_wasm::kernels::{GemmScratch, RELAXED_SIMD};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

fn uniform(r: &mut Pcg64Mcg, n: usize) -> Vec<f32> {
    (0..n).map(|_| r.random_range(-1.0..1.0)).collect()
}

/// Runs `conv` on each case (h, w, c, k, filters, batch) into a NaN-filled output three values
/// longer than needed, and compares with `conv2d_fwd_ref`: within `tol · KH·KW·C` of it, or
/// equal when `tol` is 0.
fn check_against_reference(
    cases: &[(usize, usize, usize, usize, usize, usize)],
    tol: f32,
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
        let n = batch * g.patches() * f;
        let mut want = vec![f32::NAN; n];
        conv2d_fwd_ref(&g, batch, &x, &wt, &bias, relu, &mut want);
        let mut got = vec![f32::NAN; n + 3];
        conv(&g, batch, &x, &wt, &bias, relu, &mut got[..n]);
        assert!(got[n..].iter().all(|v| v.is_nan()), "wrote past the output");
        let tol = tol * g.patch_len() as f32;
        for (i, (a, b)) in got.iter().zip(&want).enumerate() {
            assert!(
                (a - b).abs() <= tol,
                "{h}x{w}x{c} k{k} f{f} b{batch}: y[{i}] {a} vs {b}"
            );
        }
    }
}

#[test]
fn implicit_conv_matches_the_reference() {
    // Odd sizes, channels and filters not multiples of 4 or 8, output pixel counts not
    // multiples of 4, batch 1 and 3, and the network's conv2/conv3. The implicit GEMM sums
    // each output in the reference's order, so the results are equal (`-0.0 == 0.0` covers the
    // sign of a zero after ReLU). The relaxed-SIMD build's fused multiply-add skips the
    // product's rounding, so there each of the k terms may move the sum by one rounding of the
    // partial sum (|x|, |w| < 1 here): within 4·ε per term.
    let cases = [
        (5, 5, 1, 3, 1, 1),
        (7, 6, 5, 3, 13, 3),
        (6, 9, 3, 2, 8, 1),
        (13, 13, 32, 3, 64, 3),
        (5, 5, 64, 3, 64, 2),
        (4, 11, 7, 3, 17, 1),
    ];
    let mut scratch = GemmScratch::default();
    let tol = if RELAXED_SIMD {
        4.0 * f32::EPSILON
    } else {
        0.0
    };
    check_against_reference(&cases, tol, |g, batch, x, w, bias, relu, y| {
        conv2d_fwd_implicit(&mut scratch, g, batch, x, w, bias, relu, y);
    });
}

#[test]
fn winograd_conv_matches_the_reference() {
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
    // Rounding differs from the direct sum (the transforms scale and add values first).
    check_against_reference(&cases, 1e-5, |g, batch, x, w, bias, relu, y| {
        conv2d_fwd_winograd(&mut scratch, g, batch, x, w, bias, relu, y);
    });
}

#[test]
fn im2col_and_col2im_match_the_references() {
    // (h, w, c, kh, kw, batch): a 1x1 output, 1x1 and non-square kernels, odd channel counts,
    // batch 1 to 3, and conv1/conv2. Both sides copy or add the same values in the same order,
    // so the results must be equal bit for bit.
    let cases = [
        (3, 3, 1, 3, 3, 1),
        (5, 7, 3, 2, 3, 2),
        (6, 4, 5, 1, 1, 1),
        (4, 9, 7, 4, 2, 3),
        (28, 28, 1, 3, 3, 2),
        (13, 13, 32, 3, 3, 3),
    ];
    let mut r = Pcg64Mcg::seed_from_u64(5);
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    for (h, w, c, kh, kw, batch) in cases {
        let g = ConvGeom { h, w, c, kh, kw };
        let what = format!("{h}x{w}x{c} k{kh}x{kw} b{batch}");
        let x = uniform(&mut r, batch * h * w * c);
        let n = batch * g.patches() * g.patch_len();
        let mut want = vec![f32::NAN; n];
        im2col_ref(&g, batch, &x, &mut want);
        let mut got = vec![f32::NAN; n + 3];
        im2col(&g, batch, &x, &mut got[..n]);
        assert!(
            got[n..].iter().all(|v| v.is_nan()),
            "{what}: im2col wrote past col"
        );
        assert_eq!(bits(&got[..n]), bits(&want), "{what}: im2col");

        let dcol = uniform(&mut r, n);
        let n = x.len();
        let mut want = vec![f32::NAN; n];
        col2im_ref(&g, batch, &dcol, &mut want);
        let mut got = vec![f32::NAN; n + 3];
        col2im(&g, batch, &dcol, &mut got[..n]);
        assert!(
            got[n..].iter().all(|v| v.is_nan()),
            "{what}: col2im wrote past dx"
        );
        assert_eq!(bits(&got[..n]), bits(&want), "{what}: col2im");
    }
}
