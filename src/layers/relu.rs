//! ReLU, applied in place: `y = max(x, 0)`; backward `dx = dy · [y > 0]`.
//!
//! Written as compare-and-select rather than `f32::max`: it vectorises to a blend, which V8
//! runs much faster than `f32x4.max` with its NaN/-0 semantics (bench/README.md), and has no
//! branch.

/// Zero the negative entries of `x` in place.
pub fn forward(x: &mut [f32]) {
    for v in x {
        *v = if *v > 0.0 { *v } else { 0.0 };
    }
}

/// `dy` becomes `dx`: entries whose forward output `y` was not positive are zeroed.
pub fn backward(y: &[f32], dy: &mut [f32]) {
    for (g, &out) in dy.iter_mut().zip(y) {
        *g = if out > 0.0 { *g } else { 0.0 };
    }
}

/// `y[r, j] = y[r, j] + bias[j]` for every row `r`, then ReLU when `relu`: one pass over `y`.
pub fn add_bias(y: &mut [f32], bias: &[f32], relu: bool) {
    for row in y.chunks_exact_mut(bias.len()) {
        for (v, b) in row.iter_mut().zip(bias) {
            let z = *v + *b;
            *v = if relu && z <= 0.0 { 0.0 } else { z };
        }
    }
}
