// How the worker cuts its work into short slices: a yield that lets waiting messages in, and
// one slice of training through `trainer.trainPart`. Holds no state of its own.

// A MessageChannel round trip queues a task behind the messages already waiting, without the
// 4 ms clamp that nested setTimeout(0) gets.
const channel = new MessageChannel();
const waiters = [];
channel.port1.onmessage = () => waiters.shift()?.();

/** Resolves once every message already queued for the worker has been handled. */
export const yieldToEvents = () =>
  new Promise((resolve) => {
    waiters.push(resolve);
    channel.port2.postMessage(0);
  });

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Images per trainPart call: two micro-batches, ~20 ms; a slice is several calls. */
const PART_IMAGES = 32;

/**
 * Trains until `sliceMs` is spent or an epoch ends, a few micro-batches per call (so a slice
 * ends on time even mid-batch at large batch sizes). Returns `{ partial: true, ms }` when no
 * batch completed, else `{ losses, accuracies, images, ms, last, failure }`: one loss and
 * accuracy per completed batch, `last` the last trainPart report that completed one, and
 * `failure` the error of a step refused after some batches had completed (thrown if none had).
 */
export function trainSlice(trainer, sliceMs) {
  const t0 = performance.now();
  const losses = [];
  const accuracies = [];
  let images = 0;
  let r;
  let last = null;
  let failure = null;
  do {
    try {
      r = trainer.trainPart(PART_IMAGES);
    } catch (err) {
      // A diverged step is not applied; report the batches before it, then stop.
      if (losses.length === 0) throw err;
      failure = err;
      break;
    }
    images += r.images;
    if (r.steps === 0) continue; // the batch is still under way
    losses.push(r.loss);
    accuracies.push(r.accuracy);
    last = r;
  } while (!r.epochDone && performance.now() - t0 < sliceMs);
  const ms = performance.now() - t0;
  if (!last) return { partial: true, ms };
  return { losses: Float32Array.from(losses), accuracies: Float32Array.from(accuracies), images, ms, last, failure };
}
