//! Stochastic gradient descent with momentum, as Keras implements it
//! (`keras.optimizers.SGD(momentum=0.9)`): a velocity `u` per parameter,
//! ```text
//! u ← μ · u - lr · g         μ = 0.9
//! θ ← θ + u
//! ```
//! so a change of rate (the schedule) acts on the new gradient only.

use super::Rule;

/// The momentum μ.
pub const MOMENTUM: f32 = 0.9;

/// The `optimizer` setting's `"sgd"`.
pub const RULE: Rule = Rule {
    name: "sgd",
    id: 2,
    slots: 1,
    step,
};

fn step(_t: u64, lr: f32, params: &mut [f32], grads: &[f32], state: &mut [Vec<f32>]) {
    let [u] = state else {
        unreachable!("SGD keeps 1 vector of state")
    };
    for ((p, &g), u) in params.iter_mut().zip(grads).zip(u.iter_mut()) {
        *u = MOMENTUM * *u - lr * g;
        *p += *u;
    }
}
