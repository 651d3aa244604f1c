//! The max-pool routing kernel of this build (SIMD128 in the browser) against the scalar
//! reference, on channel counts that are not multiples of 4, with ties, and outputs pre-filled
//! with NaN so an unwritten cell fails.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use mnist_wasm::kernels::maxpool::{Window, maxpool2_route, maxpool2_route_scalar};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn routing_matches_the_reference() {
    let mut r = Pcg64Mcg::seed_from_u64(3);
    for c in [1, 3, 4, 5, 7, 8, 13, 32, 33, 64] {
        // Values from a small set so ties (including all four equal) are common.
        let mut v =
            |n: usize| -> Vec<f32> { (0..n).map(|_| r.random_range(0..3) as f32).collect() };
        let x: Vec<Vec<f32>> = (0..4).map(|_| v(c)).collect();
        let y: Vec<f32> = (0..c)
            .map(|j| x.iter().map(|x| x[j]).fold(f32::MIN, f32::max))
            .collect();
        let g: Vec<f32> = (0..c).map(|j| j as f32 + 0.5).collect();
        let w = Window {
            x: [&x[0], &x[1], &x[2]],
            y: &y,
            g: &g,
        };
        let mut want = vec![vec![f32::NAN; c]; 4];
        let mut got = vec![vec![f32::NAN; c]; 4];
        let [a, b, cc, d] = &mut want[..] else {
            unreachable!()
        };
        maxpool2_route_scalar(&w, [a, b, cc, d]);
        let [a, b, cc, d] = &mut got[..] else {
            unreachable!()
        };
        maxpool2_route(&w, [a, b, cc, d]);
        assert_eq!(got, want, "c = {c}");
        for j in 0..c {
            // Exactly one of the four gets the gradient: the first that holds the max.
            let winners: Vec<usize> = (0..4).filter(|&k| want[k][j] != 0.0).collect();
            let first = (0..4).find(|&k| x[k][j] == y[j]).unwrap();
            assert_eq!(winners, vec![first], "c = {c}, channel {j}");
        }
    }
}
