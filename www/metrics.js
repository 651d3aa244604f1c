// Small pure helpers for scores: argmax, smoothing, throughput, the confusion matrix and the
// misclassified-digit gallery. Used by the worker and the page alike.


/** Index of the largest value (the first one on ties); -1 for an empty array. */
export function argmax(values, start = 0, length = values.length - start) {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    if (values[start + i] > bestValue) {
      bestValue = values[start + i];
      best = i;
    }
  }
  return best;
}

/** How much the page smooths per-batch loss and accuracy (charts and stats alike), at most. */
export const SMOOTHING = 0.95;

/** The averaging window spans at most this fraction of a run: a 47-step run averages ~5 steps, not ~20. */
export const WINDOW_OF_RUN = 0.1;

/**
 * The smoothing weight for a run of `runSteps` steps: an average over about 1 / (1 - weight)
 * batches, at most 20 (SMOOTHING), at most a tenth of the run, at least 1 (no smoothing). Bias
 * correction alone (below) fixes the start from 0 but not the lag: with 0.95 a 47-step run
 * still averages over the ~20 batches when the model was learning fastest (57.8% shown, 86.2%
 * on the test set), so a short run gets a short window.
 */
export function smoothingFor(runSteps) {
  if (!(runSteps > 0)) return SMOOTHING;
  const window = Math.max(1, runSteps * WINDOW_OF_RUN);
  return Math.min(SMOOTHING, 1 - 1 / window);
}

/** The number of batches a weight averages over, about: 0.95 -> 20. */
export const windowOf = (weight) => Math.max(1, Math.round(1 / (1 - weight)));

/**
 * Exponential moving average with bias correction (as Adam corrects its moments, and as
 * TensorBoard smooths): the first values are not dragged towards 0. `weight` in [0, 1): 0 = no
 * smoothing; it may change between pushes (a new run, a new window): `decay` is the product of
 * the weights so far, so the correction stays exact. The state is the plain `{ weight, value,
 * steps, decay }`: `emaPush` returns a new one (the page's state), `Ema` wraps it (the charts).
 * A state kept without `decay` (saved before it existed) means `weight ** steps`.
 */
export const emaStart = (weight = SMOOTHING) => ({ weight, value: 0, steps: 0, decay: 1 });
const decayOf = ({ weight, steps, decay }) => (Number.isFinite(decay) ? decay : weight ** steps);
export function emaPush(e, x, weight = e.weight) {
  return { weight, value: weight * e.value + (1 - weight) * x, steps: e.steps + 1, decay: decayOf(e) * weight };
}
export const emaValue = (e) => (e.steps === 0 ? NaN : e.value / (1 - decayOf(e)));

export class Ema {
  constructor(weight = SMOOTHING) {
    this.weight = weight;
    this.reset();
  }

  reset() {
    this.value = 0;
    this.steps = 0;
    this.decay = 1;
  }

  /** `weight`: this step's (smoothingFor the run), else the last one. */
  push(x, weight = this.weight) {
    Object.assign(this, emaPush(this, x, weight));
    return this.current;
  }

  get current() {
    return emaValue(this);
  }
}

/**
 * Throughput over a sliding window of recent time slices: `samples` is a list of
 * `[endTime, images, ms]`. `addRateSample` returns a new list (older samples than `windowMs`
 * dropped, the newest kept).
 */
export function addRateSample(samples, sample, windowMs = 3000) {
  const now = sample[0];
  let from = 0;
  while (from < samples.length && now - samples[from][0] > windowMs) from += 1;
  return [...samples.slice(from), sample];
}

/**
 * Images per second of wall-clock time (pauses between slices included, e.g. evaluations):
 * the pace for a time-remaining estimate. NaN until two samples are in the window.
 */
export function wallRate(samples) {
  if (samples.length < 2) return NaN;
  let images = 0;
  for (let i = 1; i < samples.length; i++) images += samples[i][1];
  const ms = samples.at(-1)[0] - samples[0][0];
  return ms > 0 ? (images * 1000) / ms : NaN;
}

/** Images per second of busy training time; NaN before any sample. */
export function busyRate(samples) {
  let images = 0;
  let ms = 0;
  for (const [, n, t] of samples) {
    images += n;
    ms += t;
  }
  return ms > 0 ? (images * 1000) / ms : NaN;
}

/** Steps left in a run of `epochsInRun` epochs, being in epoch `epochInRun` (0-based) at `stepInEpoch`. */
export function stepsRemaining({ epochInRun, epochsInRun, stepInEpoch, stepsPerEpoch }) {
  const left = (epochsInRun - epochInRun) * stepsPerEpoch - stepInEpoch;
  return Math.max(0, left);
}

/** counts[t * classes + p] = how many images of true class t were predicted as p. */
export function confusionMatrix(labels, predictions, classes) {
  if (labels.length !== predictions.length) {
    throw new Error(`labels (${labels.length}) and predictions (${predictions.length}) differ in length`);
  }
  const counts = new Uint32Array(classes * classes);
  for (let i = 0; i < labels.length; i++) counts[labels[i] * classes + predictions[i]] += 1;
  return counts;
}

/** Per true class: correct / total (recall), NaN for a class with no images. */
export function perClassAccuracy(counts, classes) {
  const out = new Float64Array(classes);
  for (let t = 0; t < classes; t++) {
    let total = 0;
    for (let p = 0; p < classes; p++) total += counts[t * classes + p];
    out[t] = total ? counts[t * classes + t] / total : NaN;
  }
  return out;
}

/** Overall accuracy from a confusion matrix. */
export function matrixAccuracy(counts, classes) {
  let total = 0;
  let correct = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  for (let t = 0; t < classes; t++) correct += counts[t * classes + t];
  return total ? correct / total : NaN;
}

/**
 * Indices of misclassified images, the model's most confident mistakes first (ties: lower index
 * first), at most `limit`.
 */
export function topMisclassified(labels, predictions, confidence, limit) {
  const wrong = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] !== predictions[i]) wrong.push(i);
  wrong.sort((a, b) => confidence[b] - confidence[a] || a - b);
  return wrong.slice(0, limit);
}
