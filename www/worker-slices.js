// How the worker cuts its work into short slices: a yield that lets waiting messages in, and
// one slice of training over the worker pool. Holds no state of its own.

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

/**
 * Trains whole batches over the worker pool (worker-pool.js; one worker is the same path with
 * no compute worker) until `sliceMs` is spent, an epoch ends or `keepGoing()` turns false.
 * The coordinator yields to its messages inside a step (a large batch, or while it waits for
 * its compute workers); a step that compute workers share always completes.
 * Returns `{ partial: true, ms }` when no batch completed (one was dropped by a reset, an
 * import or new data, or a pause came while one worker alone computes a large batch: it stays
 * under way, as `trainPart` leaves it, and the next slice goes on with it), else `{ losses, accuracies, images, ms, last, failure, workers }`: one
 * loss and accuracy per batch, `last` the last batch's report, `failure` the error of a step
 * refused after some batches had completed (thrown if none had), `workers` those that trained.
 */
export async function trainSlice(trainer, pool, sliceMs, keepGoing) {
  const t0 = performance.now();
  const losses = [];
  const accuracies = [];
  let images = 0;
  let last = null;
  let failure = null;
  const workers = pool.training;
  do {
    let r;
    try {
      r = await pool.step(trainer, { sliceMs, pause: yieldToEvents, keepGoing });
    } catch (err) {
      // A diverged step is not applied; report the batches before it, then stop.
      if (losses.length === 0) throw err;
      failure = err;
      break;
    }
    if (!r) break; // dropped, or (one worker) left under way for the next slice
    images += r.images;
    losses.push(r.loss);
    accuracies.push(r.accuracy);
    last = r;
  } while (!last.epochDone && keepGoing() && performance.now() - t0 < sliceMs);
  const ms = performance.now() - t0;
  if (!last) return { partial: true, ms };
  return { losses: Float32Array.from(losses), accuracies: Float32Array.from(accuracies), images, ms, last, failure, workers };
}
