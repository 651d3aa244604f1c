//! The max-pool kernels against their naive references, with ties, on channel counts that are
//! not multiples of 4 and odd image sides, outputs pre-filled with NaN so an unwritten cell
//! fails: the routing of one window (this build's, SIMD128 in the browser, and the scalar one)
//! against `maxpool2_route_ref`, and the layer's forward and backward against
//! `maxpool2_fwd_ref` and `maxpool2_bwd_ref`. Max-pool only selects and copies, so every result
//! must be equal bit for bit.
// `#[test]` runs natively and, through this alias, in the browser.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mnist_wasm::kernels::RELAXED_SIMD;
use mnist_wasm::kernels::maxpool::{
    Window, maxpool2_bwd_ref, maxpool2_fwd_ref, maxpool2_route, maxpool2_route_ref,
    maxpool2_route_scalar,
};
use mnist_wasm::layers::MaxPool2;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// `n` values from a small set (signed zeros included), so ties, even all four equal, are common.
fn few_values(r: &mut Pcg64Mcg, n: usize) -> Vec<f32> {
    const SET: [f32; 5] = [-1.0, -0.0, 0.0, 1.0, 2.0];
    (0..n).map(|_| SET[r.random_range(0..SET.len())]).collect()
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn routing_matches_the_reference() {
    type Route = fn(&Window, [&mut [f32]; 4]);
    let routes: [(&str, Route); 2] = [
        ("maxpool2_route", maxpool2_route),
        ("maxpool2_route_scalar", maxpool2_route_scalar),
    ];
    let mut r = Pcg64Mcg::seed_from_u64(3);
    for c in [1, 3, 4, 5, 7, 8, 13, 32, 33, 64] {
        let x: Vec<Vec<f32>> = (0..4).map(|_| few_values(&mut r, c)).collect();
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
        let [a, b, cc, d] = &mut want[..] else {
            unreachable!()
        };
        maxpool2_route_ref(&w, [a, b, cc, d]);
        for j in 0..c {
            // Exactly one of the four gets the gradient: the first that holds the max.
            let winners: Vec<usize> = (0..4).filter(|&k| want[k][j] != 0.0).collect();
            let first = (0..4).find(|&k| x[k][j] == y[j]).unwrap();
            assert_eq!(winners, vec![first], "c = {c}, channel {j}");
        }
        for (name, route) in routes {
            // Each gradient slice has 3 NaN after it that must survive.
            let mut got = vec![vec![f32::NAN; c + 3]; 4];
            let [a, b, cc, d] = &mut got[..] else {
                unreachable!()
            };
            route(&w, [&mut a[..c], &mut b[..c], &mut cc[..c], &mut d[..c]]);
            for (k, (got, want)) in got.iter().zip(&want).enumerate() {
                assert_eq!(bits(&got[..c]), bits(want), "{name}: c = {c}, d{k}");
                assert!(
                    got[c..].iter().all(|v| v.is_nan()),
                    "{name}: wrote past d{k}"
                );
            }
        }
    }
}

#[test]
fn layer_passes_match_the_references() {
    // (h, w, c, batch): the smallest window, odd sides (a row or column in no window), channel
    // counts around multiples of 4, batch 1 to 3, and the network's pool1/pool2.
    let cases = [
        (2, 2, 1, 1),
        (3, 5, 3, 2),
        (5, 4, 7, 1),
        (7, 7, 5, 3),
        (4, 6, 9, 2),
        (26, 26, 32, 2),
        (11, 11, 64, 3),
    ];
    let mut r = Pcg64Mcg::seed_from_u64(8);
    for (h, w, c, batch) in cases {
        let pool = MaxPool2 { h, w, c };
        let what = format!("{h}x{w}x{c} b{batch}");
        let x = few_values(&mut r, batch * h * w * c);
        let n = batch * (h / 2) * (w / 2) * c;
        let mut want = vec![f32::NAN; n];
        maxpool2_fwd_ref([h, w, c], batch, &x, &mut want);
        let mut y = vec![f32::NAN; n + 3];
        pool.forward(batch, &x, &mut y[..n]);
        assert!(
            y[n..].iter().all(|v| v.is_nan()),
            "{what}: forward wrote past y"
        );
        if RELAXED_SIMD {
            // LLVM may pick `f32x4.relaxed_max` there, which returns either zero of `max(-0, +0)`:
            // equal values, not always equal bits.
            assert_eq!(&y[..n], &want[..], "{what}: forward");
        } else {
            assert_eq!(bits(&y[..n]), bits(&want), "{what}: forward");
        }

        let y = &y[..n];
        let dy: Vec<f32> = (0..n).map(|i| i as f32 + 0.5).collect();
        let n = x.len();
        let mut want = vec![f32::NAN; n];
        maxpool2_bwd_ref([h, w, c], batch, &x, y, &dy, &mut want);
        let mut dx = vec![f32::NAN; n + 3];
        pool.backward(batch, &x, y, &dy, &mut dx[..n]);
        assert!(
            dx[n..].iter().all(|v| v.is_nan()),
            "{what}: backward wrote past dx"
        );
        assert_eq!(bits(&dx[..n]), bits(&want), "{what}: backward");
    }
}
