//! AdamW (Loshchilov & Hutter, "Decoupled weight decay"), as Keras implements it
//! (`keras.optimizers.AdamW` defaults): every parameter first decays by its rate times the
//! weight decay λ, then takes Adam's step ([`super::adam`]):
//! ```text
//! θ ← θ - θ · λ · lr          λ = 0.004
//! θ ← Adam's step from θ
//! ```
//! Biases decay too, as in Keras unless excluded.

use super::Rule;
use super::adam::{self, AdamConfig};

/// Keras' default weight decay.
pub const WEIGHT_DECAY: f32 = 0.004;

/// The `optimizer` setting's `"adamw"`.
pub const RULE: Rule = Rule {
    name: "adamw",
    id: 1,
    slots: 2,
    step,
};

fn step(t: u64, lr: f32, params: &mut [f32], grads: &[f32], state: &mut [Vec<f32>]) {
    let [m, v] = state else {
        unreachable!("AdamW keeps 2 vectors of state")
    };
    for p in params.iter_mut() {
        *p -= *p * WEIGHT_DECAY * lr;
    }
    let config = AdamConfig {
        lr,
        ..AdamConfig::default()
    };
    adam::update(&config, t, params, grads, m, v);
}
