// What the training worker (the coordinator) and its compute workers exchange each step, and how
// it is laid out: one shared channel per compute worker when the page is cross-origin isolated
// (SharedArrayBuffer + Atomics), else the same fields in transferred buffers (postMessage).
// Owns the layout and the message names between coordinator and compute workers; the protocol
// itself (who writes what when) is www/worker-pool.js's header.

export const MAX_BATCH = 1024; // src/model.rs MAX_BATCH: the largest share a worker can get
// `pixels` below is one image's, from the core's model description (its input shape).

/** Messages between the coordinator and a compute worker (postMessage, both transports). */
export const Msg = Object.freeze({
  INIT: 'init', //         → { build, module, params, pixels, channel?: SharedArrayBuffer, sum?: SharedArrayBuffer }
  READY: 'ready', //       ← { memoryBytes }
  LOAD: 'load', //         → { id, weights: Uint8Array }  the coordinator's model and Adam state
  CHECKSUM: 'checksum', // → { id, lr, sum? }  apply the owed gradient (lr not NaN), then answer
  ANSWER: 'answer', //     ← { id, checksum, memoryBytes }  (LOAD and CHECKSUM)
  STEP: 'step', //         → { seq, count, batch, augment, lr, pass, sum, pixels, labels, seeds, grad } (postMessage only)
  DONE: 'done', //         ← { seq, lossSum, correct, images, failed?, and the buffers back } (postMessage only)
  FAILED: 'failed', //     ← { message }  the worker cannot go on
});

// The control words of a shared channel (Int32Array): the coordinator bumps GO to start a step,
// the compute worker sets DONE to the same number when its gradient is written.
export const GO = 0;
export const DONE = 1;
const CTRL_WORDS = 4;
// The step's numbers (Float64Array).
export const COUNT = 0; // images in the share
export const BATCH = 1; // images in the whole batch (the gradient's divisor)
export const AUGMENT = 2; // 1: distort each image from its seed
export const APPLY_LR = 3; // not NaN: first apply the previous step's summed gradient at this rate
export const LOSS_SUM = 4; // ← the share's summed loss
export const CORRECT = 5; // ← its correct predictions
export const IMAGES = 6; // ← its images
export const FAILED = 7; // ← 1: the step failed (the worker then posts FAILED)
export const PASS = 8; // PASS_WORDS numbers from the coordinator's sharePass: the share's dropout
export const PASS_WORDS = 5;
const META_WORDS = PASS + PASS_WORDS;

/** Bytes of one shared channel for a model of `params` parameters and images of `pixels`. */
export function channelBytes(params, pixels) {
  return CTRL_WORDS * 4 + META_WORDS * 8 + MAX_BATCH * pixels + MAX_BATCH + MAX_BATCH * 4 + params * 4;
}

/** Typed views of a channel (a SharedArrayBuffer of `channelBytes(params, pixels)`). */
export function channelViews(buffer, params, pixels) {
  let at = 0;
  const take = (Type, n) => {
    const view = new Type(buffer, at, n);
    at += n * Type.BYTES_PER_ELEMENT;
    return view;
  };
  return {
    ctrl: take(Int32Array, CTRL_WORDS),
    meta: take(Float64Array, META_WORDS),
    grad: take(Float32Array, params),
    seeds: take(Uint32Array, MAX_BATCH),
    pixels: take(Uint8Array, MAX_BATCH * pixels),
    labels: take(Uint8Array, MAX_BATCH),
  };
}

/** The first `count` images of a buffer of MAX_BATCH images (the core's or a channel's). */
export const firstImages = (pixels, count) => pixels.subarray(0, count * (pixels.length / MAX_BATCH));

/** The buffers of one postMessage step, owned by whichever side holds them. */
export function stepBuffers(params, pixels) {
  return {
    pixels: new Uint8Array(MAX_BATCH * pixels),
    labels: new Uint8Array(MAX_BATCH),
    seeds: new Uint32Array(MAX_BATCH),
    grad: new Float32Array(params),
    sum: new Float32Array(params),
  };
}

/** The transfer list of a step's buffers. */
export const transferOf = (b) => [b.pixels.buffer, b.labels.buffer, b.seeds.buffer, b.grad.buffer, b.sum.buffer];
