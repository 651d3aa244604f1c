//! Softmax fused with categorical cross-entropy, averaged over the batch.
//!
//! For logits `z[B, K]` and integer labels `t[B]`:
//! `p = softmax(z)` computed as `exp(z - max z) / Σ exp(z - max z)` (no overflow),
//! `loss = -(1/B) Σ_b log p[b, t_b]` with `log p = (z - max) - log Σ exp(z - max)` (log-sum-exp,
//! never `log(0)`), and the gradient `dz = (p - onehot(t)) / B`.

/// Loss value and number of correct arg-max predictions of one batch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossStats {
    pub loss: f32,
    pub correct: usize,
}

/// Index of the largest value; the first one on ties.
pub fn argmax(v: &[f32]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// The arg-max class of one row of logits and its softmax probability.
pub fn top_class(z: &[f32]) -> (usize, f32) {
    let best = argmax(z);
    let sum_exp: f32 = z.iter().map(|&zi| (zi - z[best]).exp()).sum();
    (best, 1.0 / sum_exp)
}

/// Softmax of each row of `z` (`[B, K]`) into `p`.
pub fn softmax(classes: usize, z: &[f32], p: &mut [f32]) {
    for (zr, pr) in z.chunks_exact(classes).zip(p.chunks_exact_mut(classes)) {
        let max = zr.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0;
        for (pi, &zi) in pr.iter_mut().zip(zr) {
            *pi = (zi - max).exp();
            sum += *pi;
        }
        for pi in pr.iter_mut() {
            *pi /= sum;
        }
    }
}

/// Mean cross-entropy of `batch` rows of logits against `labels` (each `< classes`), and when
/// `dz` is given the gradient with respect to the logits (overwritten).
pub fn forward_backward(
    classes: usize,
    z: &[f32],
    labels: &[u8],
    dz: Option<&mut [f32]>,
) -> LossStats {
    let batch = labels.len();
    let mut loss = 0.0f64;
    let mut correct = 0;
    for (zr, &t) in z.chunks_exact(classes).zip(labels) {
        let t = t as usize;
        let max = zr.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let sum_exp: f32 = zr.iter().map(|&zi| (zi - max).exp()).sum();
        loss -= f64::from((zr[t] - max) - sum_exp.ln());
        correct += usize::from(argmax(zr) == t);
    }
    if let Some(dz) = dz {
        let inv_b = 1.0 / batch as f32;
        for ((zr, dr), &t) in z
            .chunks_exact(classes)
            .zip(dz.chunks_exact_mut(classes))
            .zip(labels)
        {
            softmax(classes, zr, dr);
            dr[t as usize] -= 1.0;
            for g in dr.iter_mut() {
                *g *= inv_b;
            }
        }
    }
    LossStats {
        loss: (loss / batch as f64) as f32,
        correct,
    }
}
