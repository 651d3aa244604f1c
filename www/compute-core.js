// What a compute worker of data-parallel training does (`serve`; the worker script is
// compute-worker.js, the benchmark's bench/pages/compute-worker.mjs): its own instance of the
// training worker's compiled wasm module, its own copy of the model and Adam state, and no data
// set. Each step it applies the previous step's summed gradient (the same bits every worker gets,
// at the coordinator's rate), then computes the gradient of its share of the batch from the raw
// pixels, labels and augmentation seeds the coordinator hands it. Protocol: www/worker-pool.js;
// layout and message names: www/exchange.js.
import * as X from './exchange.js';
import { yieldToEvents } from './worker-slices.js';

let instantiate = null; // (build, module) => { wasm, memory }

const IDLE_WAIT_MS = 20; // a shared channel is polled for messages this often when idle

let trainer = null;
let memory = null;
let shared = null; // { views, sum } on the shared transport

const post = (message, transfer = []) => self.postMessage(message, transfer);

/** Applies an owed summed gradient (lr not NaN), then the share's gradient → `gradOut`. */
function compute(count, batch, augment, lr, pass, sum, pixels, labels, seeds, gradOut) {
  if (!Number.isNaN(lr)) {
    trainer.exchangeGradient().set(sum);
    trainer.applyGradient(lr);
  }
  // Views into wasm memory: each is used at once, before the next call into wasm.
  trainer.exchangePixels().set(X.firstImages(pixels, count));
  trainer.exchangeLabels().set(labels.subarray(0, count));
  if (augment) trainer.exchangeSeeds().set(seeds.subarray(0, count));
  const stats = trainer.shareGradient(count, batch, augment, pass);
  gradOut.set(trainer.exchangeGradient());
  return stats;
}

function fail(err) {
  post({ type: X.Msg.FAILED, message: err?.message ?? String(err) });
}

/** The shared transport: wait for GO, compute, set DONE; between steps let messages in. */
async function serveShared() {
  const { ctrl, meta, pixels, labels, seeds, grad } = shared.views;
  let seen = Atomics.load(ctrl, X.GO);
  for (;;) {
    Atomics.wait(ctrl, X.GO, seen, IDLE_WAIT_MS);
    const go = Atomics.load(ctrl, X.GO);
    if (go === seen) {
      await yieldToEvents(); // LOAD, CHECKSUM
      continue;
    }
    seen = go;
    try {
      const stats = compute(meta[X.COUNT], meta[X.BATCH], meta[X.AUGMENT] === 1, meta[X.APPLY_LR], meta.subarray(X.PASS, X.PASS + X.PASS_WORDS), shared.sum, pixels, labels, seeds, grad);
      meta[X.LOSS_SUM] = stats.lossSum;
      meta[X.CORRECT] = stats.correct;
      meta[X.IMAGES] = stats.images;
      meta[X.FAILED] = 0;
    } catch (err) {
      meta[X.FAILED] = 1;
      fail(err);
    }
    Atomics.store(ctrl, X.DONE, go);
    Atomics.notify(ctrl, X.DONE);
  }
}

async function handle(m) {
  switch (m.type) {
    case X.Msg.INIT: {
      const loaded = await instantiate(m.build, m.module);
      memory = loaded.memory;
      trainer = new loaded.wasm.Trainer();
      if (m.channel) shared = { views: X.channelViews(m.channel, m.params, m.pixels), sum: new Float32Array(m.sum) };
      post({ type: X.Msg.READY, memoryBytes: memory.buffer.byteLength });
      if (shared) serveShared().catch(fail);
      break;
    }
    case X.Msg.LOAD:
      trainer.importWeights(m.weights);
      post({ type: X.Msg.ANSWER, id: m.id, checksum: trainer.stateChecksum(), memoryBytes: memory.buffer.byteLength });
      break;
    case X.Msg.CHECKSUM:
      if (!Number.isNaN(m.lr)) {
        trainer.exchangeGradient().set(m.sum ?? shared.sum);
        trainer.applyGradient(m.lr);
      }
      post({ type: X.Msg.ANSWER, id: m.id, checksum: trainer.stateChecksum(), memoryBytes: memory.buffer.byteLength });
      break;
    case X.Msg.STEP: {
      const b = { pixels: m.pixels, labels: m.labels, seeds: m.seeds, grad: m.grad, sum: m.sum };
      let stats = { lossSum: NaN, correct: 0, images: 0 };
      let failed = false;
      try {
        stats = compute(m.count, m.batch, m.augment, m.lr, m.pass, b.sum, b.pixels, b.labels, b.seeds, b.grad);
      } catch (err) {
        failed = true;
        fail(err);
      }
      post({ type: X.Msg.DONE, seq: m.seq, ...stats, failed, ...b }, X.transferOf(b));
      break;
    }
    default:
      throw new Error(`unknown message ${m.type}`);
  }
}

/**
 * Makes this worker a compute worker; `instantiateBuild(build, module)` gives the wasm package
 * of that build initialised from the coordinator's compiled module, as `{ wasm, memory }`.
 * Messages are handled one after another (INIT is asynchronous).
 */
export function serve(instantiateBuild) {
  instantiate = instantiateBuild;
  let queue = Promise.resolve();
  self.onmessage = (event) => {
    queue = queue.then(() => handle(event.data)).catch(fail);
  };
}
