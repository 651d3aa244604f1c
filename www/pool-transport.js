// How a share of a step travels from the coordinator to a compute worker and its gradient back,
// on either transport (www/worker-pool.js's header says who writes what when; exchange.js owns
// the layout): on a shared channel (SharedArrayBuffer, `Atomics` to start the step and to say it
// is done), or in buffers transferred by postMessage there and back. `h` is the pool's record of
// one compute worker: `views` (shared) or `buffers` (messages), `worker`, `dead`, `pending`.
import * as X from './exchange.js';

/**
 * Hands share `k` of the step under way in `trainer` to compute worker `h`, with `lr`, the rate
 * of the summed gradient it owes (NaN: none). Resolves to its result
 * `{ lossSum, correct, images, grad }`, or `{ failed }` (its reason) if it failed or died.
 */
export function sendShare(h, trainer, { k, batch, augment, lr, shared }) {
  const count = trainer.shareInput(k);
  const pass = trainer.sharePass(k); // the dropout one worker would draw for these images
  const into = shared ? h.views : h.buffers;
  into.pixels.set(X.firstImages(trainer.exchangePixels(), count));
  into.labels.set(trainer.exchangeLabels().subarray(0, count));
  if (augment) into.seeds.set(trainer.exchangeSeeds().subarray(0, count));
  if (shared) {
    const { meta, ctrl } = h.views;
    Object.assign(meta, { [X.COUNT]: count, [X.BATCH]: batch, [X.AUGMENT]: augment ? 1 : 0, [X.APPLY_LR]: lr });
    meta.set(pass, X.PASS);
    const seq = Atomics.load(ctrl, X.GO) + 1;
    Atomics.store(ctrl, X.GO, seq);
    Atomics.notify(ctrl, X.GO);
    return waitShared(h, seq);
  }
  const b = h.buffers;
  const seq = (h.seq = (h.seq ?? 0) + 1);
  return new Promise((resolve) => {
    h.pending = { seq, resolve };
    h.worker.postMessage({ type: X.Msg.STEP, seq, count, batch, augment, lr, pass, ...b }, X.transferOf(b));
    h.buffers = null; // the compute worker holds them until it answers
  });
}

async function waitShared(h, seq) {
  const { ctrl, meta, grad } = h.views;
  for (;;) {
    const done = Atomics.load(ctrl, X.DONE);
    if (done === seq) break;
    if (h.dead) return { failed: h.deathReason };
    if (typeof Atomics.waitAsync === 'function') {
      const w = Atomics.waitAsync(ctrl, X.DONE, done, 1000);
      if (w.async) await w.value;
    } else {
      Atomics.wait(ctrl, X.DONE, done, 50); // a worker may block; briefly, to notice a dead one
    }
  }
  if (meta[X.FAILED] === 1) return { failed: 'failed during a step' };
  return { lossSum: meta[X.LOSS_SUM], correct: meta[X.CORRECT], images: meta[X.IMAGES], grad };
}

/** A compute worker's DONE (messages transport): its buffers are back, and its share's result. */
export function takeDone(h, m) {
  h.buffers = { pixels: m.pixels, labels: m.labels, seeds: m.seeds, grad: m.grad, sum: m.sum };
  const p = h.pending;
  h.pending = null;
  if (p?.seq !== m.seq) return;
  p.resolve(m.failed ? { failed: 'failed during a step' } : { lossSum: m.lossSum, correct: m.correct, images: m.images, grad: m.grad });
}
