//! The learning-rate schedule over a planned run: a linear warm-up, then a cosine decay.
//!
//! With `W = round(warmup_share · planned)` warm-up steps (at least 1) and `s` counted from 0
//! at the run's first step:
//! ```text
//! s < W:                  lr = peak · (s + 1) / W                      (never 0)
//! W ≤ s:   p = min(1, (s - W) / (planned - W))
//!                         lr = final + (peak - final) · (1 + cos πp) / 2,  final = peak · final_share
//! ```
//! so the rate climbs to `peak` over the first `warmup_share` of the run, falls along half a
//! cosine to `final` at the planned end, and holds `final` for steps past the plan.
//!
//! Cosine rather than one-cycle: one-cycle's extra parts (a triangular rise, cycled momentum)
//! suit SGD; with Adam a short warm-up already tames the first steps, and the cosine's slow
//! start keeps the rate high for longer than a linear fall (README, "Learning-rate schedule").

/// A run that continues a trained model ([`crate::Trainer::continue_run`]) peaks at this share
/// of the learning rate, without warm-up: a well-trained model needs small steps, and a fresh
/// warm-up to the full rate undoes some of its training (the pretrained model, 99.51 % on the
/// test set, fell to 98.9 % in the page after 3,000 images; natively 99.37 % with a fresh plan,
/// 99.45 % at a tenth of the rate, 99.48 % at this share: tests/suite/continue_run.rs).
pub const CONTINUE_SHARE: f32 = 0.05;

/// The rate of step `step` (from 0) of a run planned to take `planned` steps.
/// `warmup_share` and `final_share` are fractions of the run and of `peak`.
pub fn lr_at(step: u64, planned: u64, peak: f32, warmup_share: f32, final_share: f32) -> f32 {
    let planned = planned.max(1) as f64;
    let warmup = (f64::from(warmup_share) * planned).round().max(1.0);
    let (peak, s) = (f64::from(peak), step as f64);
    if s < warmup {
        return (peak * (s + 1.0) / warmup) as f32;
    }
    let floor = peak * f64::from(final_share);
    let p = if planned > warmup {
        ((s - warmup) / (planned - warmup)).min(1.0)
    } else {
        1.0
    };
    (floor + (peak - floor) * 0.5 * (1.0 + (std::f64::consts::PI * p).cos())) as f32
}

#[cfg(test)]
mod tests {
    use super::lr_at;

    fn close(a: f32, b: f32) -> bool {
        // f32 inputs (0.004f32 is 0.0040000002): a few units in the last place.
        (a - b).abs() <= 1e-6 * b.abs().max(1e-3)
    }

    #[test]
    fn warm_up_climbs_linearly_from_one_step_to_the_peak() {
        // 1000 steps, 5 % warm-up: W = 50.
        assert!(close(lr_at(0, 1000, 0.004, 0.05, 0.0), 0.004 / 50.0));
        assert!(close(lr_at(24, 1000, 0.004, 0.05, 0.0), 0.002));
        assert!(close(lr_at(49, 1000, 0.004, 0.05, 0.0), 0.004));
        // The decay starts at the peak.
        assert!(close(lr_at(50, 1000, 0.004, 0.05, 0.0), 0.004));
    }

    #[test]
    fn cosine_midpoint_and_end() {
        // W = 50; the decay spans 950 steps, its midpoint is step 50 + 475.
        assert!(close(lr_at(525, 1000, 0.004, 0.05, 0.0), 0.002));
        // 20 % warm-up: W = 200, the decay spans 800 steps; a quarter in, (1 + cos π/4) / 2.
        assert!(close(
            lr_at(400, 1000, 0.004, 0.2, 0.0),
            0.004 * 0.853_553_4
        ));
        assert!(lr_at(1000, 1000, 0.004, 0.05, 0.0).abs() < 1e-12);
        // With a floor: midpoint is halfway between peak and floor.
        assert!(close(lr_at(525, 1000, 0.004, 0.05, 0.1), 0.0022));
        assert!(close(lr_at(1000, 1000, 0.004, 0.05, 0.1), 0.0004));
    }

    #[test]
    fn steps_past_the_plan_hold_the_final_rate() {
        for step in [1000, 1001, 5000] {
            assert!(close(lr_at(step, 1000, 0.004, 0.05, 0.1), 0.0004));
        }
        assert_eq!(lr_at(10_000, 1000, 0.004, 0.05, 0.0), 0.0);
    }

    #[test]
    fn tiny_plans_do_not_divide_by_zero() {
        // One planned step: it is the warm-up's only step, at the peak.
        assert!(close(lr_at(0, 1, 0.003, 0.05, 0.0), 0.003));
        assert!(lr_at(1, 1, 0.003, 0.05, 0.2).is_finite());
        assert!(close(lr_at(1, 1, 0.003, 0.05, 0.2), 0.0006));
        // No warm-up asked for: one step of it all the same (the first step is at the peak).
        assert!(close(lr_at(0, 0, 0.003, 0.0, 0.0), 0.003));
    }
}
