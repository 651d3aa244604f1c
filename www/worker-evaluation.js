// The worker's test-set evaluations, cut into time slices. Owns nothing but the measured speed
// that sizes the slices: every score comes from the facade's `trainer.evaluate`, which writes
// each image's predicted class and confidence into our buffers and adds the slice's loss and
// accuracy to the previous slice's result. So the worker does no loss or accuracy arithmetic.
import { topMisclassified } from './metrics.js';

const MAX_EVAL_BATCH = 512; // images per evaluate call, sized to fit in one slice
export const GALLERY_SIZE = 30; // misclassified digits sent after each full evaluation

let msPerEvalImage = 1; // measured; sizes the evaluate calls

/**
 * Scores the first `count` images of a set in slices of about `sliceMs`, awaiting `pause()`
 * between slices. Resolves to `{ count, accuracy, loss, predictions, labels, confidence, sums }`
 * (`sums`: the facade's running result; `labels` empty when `labels: false`, as for the
 * 'validation' set, whose images are listed by the core),
 * or null when `stale()` says (after a pause) that the model or the data changed meanwhile.
 */
export async function evaluateSet(trainer, set, count, { sliceMs, pause, stale, labels: withLabels = true }) {
  const predictions = new Uint8Array(count);
  const confidence = new Float32Array(count);
  let sofar;
  let i = 0;
  while (i < count) {
    const t0 = performance.now();
    do {
      const fit = Math.floor(sliceMs / msPerEvalImage);
      const n = Math.min(Math.max(1, Math.min(fit, MAX_EVAL_BATCH)), count - i);
      const tc = performance.now();
      sofar = trainer.evaluate(set, i, predictions.subarray(i, i + n), confidence.subarray(i, i + n), sofar);
      msPerEvalImage = 0.5 * msPerEvalImage + (0.5 * (performance.now() - tc)) / n;
      i += n;
    } while (i < count && performance.now() - t0 < sliceMs);
    if (i < count) {
      await pause();
      if (stale()) return null;
    }
  }
  const labels = new Uint8Array(withLabels ? count : 0);
  if (withLabels) trainer.labels(set, 0, labels);
  return { count, accuracy: sofar.accuracy, loss: sofar.loss, predictions, labels, confidence, sums: sofar };
}

/** The `gallery` of an EVALUATION message: the most confidently misread test digits. */
export function misreadGallery(trainer, r) {
  const indices = Uint32Array.from(topMisclassified(r.labels, r.predictions, r.confidence, GALLERY_SIZE));
  const images = Array.from(indices, (index) => trainer.image('test', index));
  const size = images[0]?.length ?? 0; // the core's input side squared
  const pixels = new Uint8Array(indices.length * size);
  const confidence = new Float32Array(indices.length);
  indices.forEach((index, k) => {
    pixels.set(images[k], k * size);
    confidence[k] = r.confidence[index];
  });
  return { indices, pixels, confidence };
}
