//! Adam against steps computed by hand (Keras' formulation, f64), from this script:
//! ```python
//! lr, b1, b2, eps = 0.001, 0.9, 0.999, 1e-7
//! p = [1.0, -2.0, 0.5]; m = [0.0] * 3; v = [0.0] * 3
//! for t, g in enumerate([[0.1, -0.3, 0.0], [0.2, 0.1, -1.0], [-0.05, 0.4, 2.0]], 1):
//!     a = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
//!     for i in range(3):
//!         m[i] += (1 - b1) * (g[i] - m[i]); v[i] += (1 - b2) * (g[i] * g[i] - v[i])
//!         p[i] -= a * m[i] / (math.sqrt(v[i]) + eps)
//! ```
// `#[test]` runs natively and, through this alias, in the browser.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mnist_wasm::optim::{Adam, AdamConfig};

#[test]
fn adam_matches_hand_computed_steps() {
    let mut p = [1.0f32, -2.0, 0.5];
    let mut adam = Adam::new(3, AdamConfig::default());
    let grads = [[0.1, -0.3, 0.0], [0.2, 0.1, -1.0], [-0.05, 0.4, 2.0]];
    let expected = [
        [0.999000032, -1.999000011, 0.500000000],
        [0.998034863, -1.998599796, 0.500744134],
        [0.997446265, -1.998909353, 0.500429849],
    ];
    for (t, (g, want)) in grads.iter().zip(expected).enumerate() {
        adam.step(&mut p, g);
        assert_eq!(adam.t, t as u64 + 1);
        for (got, want) in p.iter().zip(want) {
            assert!(
                (f64::from(*got) - want).abs() < 2e-7,
                "step {}: {got} vs {want}",
                t + 1
            );
        }
    }
}

#[test]
fn keras_defaults_and_reset() {
    let c = AdamConfig::default();
    assert_eq!(
        (c.lr, c.beta1, c.beta2, c.epsilon),
        (0.001, 0.9, 0.999, 1e-7)
    );
    let mut adam = Adam::new(2, c);
    let mut p = [0.0f32; 2];
    adam.step(&mut p, &[1.0, -1.0]);
    // First step moves every parameter by lr against its gradient's sign.
    assert!(
        (p[0] + 0.001).abs() < 1e-6 && (p[1] - 0.001).abs() < 1e-6,
        "{p:?}"
    );
    adam.reset();
    assert_eq!(adam.t, 0);
    assert!(adam.m.iter().chain(&adam.v).all(|&x| x == 0.0));
}
