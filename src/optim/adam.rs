//! Adam, as Keras implements it (`keras.optimizers.Adam` defaults).
//!
//! At step `t` (from 1), for every parameter `θ` with gradient `g`:
//! ```text
//! m ← m + (1 - β1)(g - m)            first moment
//! v ← v + (1 - β2)(g² - v)           second moment
//! α = lr · √(1 - β2^t) / (1 - β1^t)  bias correction folded into the step size
//! θ ← θ - α · m / (√v + ε)
//! ```
//! Keras puts ε outside the bias correction ("epsilon hat" in Kingma & Ba §2), hence ε = 1e-7
//! rather than the paper's 1e-8.

use super::Rule;

/// Hyper-parameters; `Default` gives Keras' values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    pub lr: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub epsilon: f32,
}

impl Default for AdamConfig {
    fn default() -> Self {
        AdamConfig {
            lr: 0.001,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-7,
        }
    }
}

/// Adam's state for one flat parameter buffer.
#[derive(Clone, Debug, PartialEq)]
pub struct Adam {
    pub config: AdamConfig,
    /// Steps taken so far (`t` of the last update).
    pub t: u64,
    pub m: Vec<f32>,
    pub v: Vec<f32>,
}

impl Adam {
    pub fn new(params: usize, config: AdamConfig) -> Self {
        Adam {
            config,
            t: 0,
            m: vec![0.0; params],
            v: vec![0.0; params],
        }
    }

    /// Forgets the moments and the step count.
    pub fn reset(&mut self) {
        self.t = 0;
        self.m.fill(0.0);
        self.v.fill(0.0);
    }

    /// One update of `params` from `grads` (same length as the state).
    pub fn step(&mut self, params: &mut [f32], grads: &[f32]) {
        self.t += 1;
        update(
            &self.config,
            self.t,
            params,
            grads,
            &mut self.m,
            &mut self.v,
        );
    }
}

impl super::Update for Adam {
    fn params(&self) -> usize {
        self.m.len()
    }

    fn update(&mut self, params: &mut [f32], grads: &[f32]) {
        self.step(params, grads);
    }
}

/// Adam as the `optimizer` setting's `"adam"`: Keras' defaults at the run's rate.
pub const RULE: Rule = Rule {
    name: "adam",
    id: 0,
    slots: 2,
    step: rule_step,
};

fn rule_step(t: u64, lr: f32, params: &mut [f32], grads: &[f32], state: &mut [Vec<f32>]) {
    let [m, v] = state else {
        unreachable!("Adam keeps 2 vectors of state")
    };
    let config = AdamConfig {
        lr,
        ..AdamConfig::default()
    };
    update(&config, t, params, grads, m, v);
}

/// Step `t` (from 1) of Adam with moments `m` and `v` (see the module header).
pub(crate) fn update(
    config: &AdamConfig,
    t: u64,
    params: &mut [f32],
    grads: &[f32],
    m: &mut [f32],
    v: &mut [f32],
) {
    let AdamConfig {
        lr,
        beta1,
        beta2,
        epsilon,
    } = *config;
    // Powers in f64: β2^t for t in the hundreds of thousands loses digits in f32.
    let t = t as f64;
    let alpha = (f64::from(lr) * (1.0 - f64::from(beta2).powf(t)).sqrt()
        / (1.0 - f64::from(beta1).powf(t))) as f32;
    let (one_m_b1, one_m_b2) = (1.0 - beta1, 1.0 - beta2);
    for (((p, &g), m), v) in params.iter_mut().zip(grads).zip(m).zip(v) {
        *m += one_m_b1 * (g - *m);
        *v += one_m_b2 * (g * g - *v);
        *p -= alpha * *m / (v.sqrt() + epsilon);
    }
}
