// The training worker: owns the wasm Trainer, so the page's main thread only draws.
//
// All work is cut into slices of about SLICE_MS; between two slices the worker yields to its
// event loop, so PAUSE, PREDICT, CONFIGURE and data chunks are handled within one slice
// (~40 ms; one batch at most when a single batch takes longer, e.g. ~80 ms for 64 images).
// Evaluations are cut the same way: each predictBatch call gets as many images as fit in a
// slice at the measured speed.
//
//   page ──DATA_CHUNK──▶ trainer.pushData        (the IDX parser in wasm; training may start
//   page ──TRAIN──▶ loop: train slice → PROGRESS   as soon as some images are usable)
//                         every ~3 s of training → quick test estimate (1,000 images)
//                         epoch end → full test evaluation (10,000) → save to IndexedDB
//   page ──PREDICT──▶ trainer.predict → PREDICTION   (between any two slices)
//   page ──CONFIGURE──▶ trainer.setConfig → CONFIGURED { config: trainer.config() }   (likewise)
import * as P from './protocol.js';
import { ToWorker } from './protocol.js';
import { argmax, topMisclassified } from './metrics.js';
import { clearModel, loadModel, saveModel } from './model-store.js';
import { loadWasm } from './wasm.js';

const SLICE_MS = 40; // longest stretch of work between two looks at the message queue
const ESTIMATE_EVERY_MS = 3000; // of training time, at least, between quick test estimates
const ESTIMATE_SHARE = 0.15; // ...and estimates take at most this share of the training time
const ESTIMATE_IMAGES = 1000;
const MAX_EVAL_BATCH = 512; // images per predictBatch call, sized to fit in SLICE_MS
const GALLERY_SIZE = 30; // misclassified digits sent after each full evaluation
const STATUS_EVERY_MS = 100; // data-status messages while data streams in
const PIXELS = 784;
const CLASSES = 10;

let wasm = null;
let trainer = null;
let state = 'ready'; // 'ready' | 'training' | 'paused' | 'done'
let generation = 0; // bumped by RESET, import and new test data: async work of an older generation stops
let resets = 0; // bumped by RESET only: a save that was in flight is undone
let loopActive = false;
let run = null; // { startEpoch, epochs }: the run the Train button started
let counters = { epoch: 0, stepInEpoch: 0, stepsPerEpoch: 0, totalSteps: 0 };
let lastBatchSize = 0;
let trainMsSinceEstimate = 0;
let estimateEveryMs = ESTIMATE_EVERY_MS;
let msPerEvalImage = 1; // measured; sizes the predictBatch calls
let pendingFull = false; // an epoch ended before the test set was complete
let lastFullAccuracy = null;
let statusTimer = null;
const labelCache = { train: null, test: null };

const post = (message) => P.send(self, message);
const messageOf = (err) => (err instanceof Error ? err.message : String(err));

// ---- yielding ----------------------------------------------------------------------------------
// A MessageChannel round trip queues a task behind the messages already waiting, without the
// 4 ms clamp that nested setTimeout(0) gets.
const channel = new MessageChannel();
const waiters = [];
channel.port1.onmessage = () => waiters.shift()?.();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const yieldToEvents = () =>
  new Promise((resolve) => {
    waiters.push(resolve);
    channel.port2.postMessage(0);
  });

// ---- start-up: messages that arrive before wasm is ready wait in `inbox` ------------------------
const inbox = [];
let started = false;
self.onmessage = (event) => (started ? handle(event.data) : inbox.push(event.data));

(async function start() {
  try {
    const loaded = await loadWasm();
    wasm = loaded.wasm;
    trainer = new wasm.Trainer();
    const restored = await restore();
    started = true;
    post(
      P.ready({
        simd: wasm.simdEnabled(),
        build: loaded.build,
        parameterCount: wasm.parameterCount(),
        restored,
      }),
    );
    for (const message of inbox.splice(0)) handle(message);
  } catch (err) {
    post(P.error('init', messageOf(err)));
  }
})();

// ---- messages -------------------------------------------------------------------------------------
function handle(m) {
  try {
    switch (m.type) {
      case ToWorker.DATA_CHUNK:
        trainer.pushData(m.set, m.file, m.chunk);
        postStatusSoon();
        break;
      case ToWorker.DATA_END:
        trainer.finishData(m.set, m.file);
        post(P.fileDone(m.set, m.file));
        postStatus();
        if (pendingFull && !loopActive && testComplete()) {
          fullEvaluation(generation).catch((err) => post(P.error('train', messageOf(err))));
        }
        break;
      case ToWorker.DATA_CLEAR:
        trainer.clearData(m.set);
        labelCache[m.set] = null;
        postStatus();
        break;
      case ToWorker.CONFIGURE:
        configure(m.settings);
        break;
      case ToWorker.TRAIN:
        configure(m.settings);
        run = { startEpoch: counters.epoch, epochs: m.settings.epochs };
        setState('training');
        trainLoop();
        break;
      case ToWorker.RESUME:
        if (state === 'paused') {
          setState('training');
          trainLoop();
        }
        break;
      case ToWorker.PAUSE:
        if (state === 'training') {
          setState('paused');
          persist();
        }
        break;
      case ToWorker.RESET:
        resetModel();
        break;
      case ToWorker.PREDICT:
        post(P.prediction(m.id, trainer.predict(m.pixels)));
        break;
      case ToWorker.SAMPLE:
        post(P.sampleImage(m.set, m.index, trainer.label(m.set, m.index), trainer.image(m.set, m.index)));
        break;
      case ToWorker.EXPORT:
        post(P.exported(m.format, m.format === 'safetensors' ? trainer.exportSafetensors() : trainer.exportWeights()));
        break;
      case ToWorker.IMPORT:
        importModel(m.bytes);
        break;
      case ToWorker.DATA_REPLACE:
        replaceData(m.sets);
        break;
      default:
        throw new Error(`unknown message type ${m.type}`);
    }
  } catch (err) {
    const where =
      {
        [ToWorker.PREDICT]: 'predict',
        [ToWorker.EXPORT]: 'export',
        [ToWorker.IMPORT]: 'import',
        [ToWorker.DATA_REPLACE]: 'user-data',
      }[m.type] ?? (m.type.startsWith('data') ? 'data' : 'train');
    post(P.error(where, messageOf(err), m.set ? { set: m.set } : {}));
  }
}

/** Applies the page's settings at once (between two slices, so even mid-run) and says what applied. */
function configure({ batchSize, learningRate, trainSize, augment, epochs }) {
  // augment: distort every training image at random from the next batch on. A settings object
  // without it (undefined) leaves the trainer's setting as it is.
  trainer.setConfig({ batchSize, learningRate, trainSize, augment });
  if (run && Number.isInteger(epochs)) run.epochs = epochs;
  post(P.configured(trainer.config()));
}

function setState(value, reason = '') {
  state = value;
  post(P.state(value, reason));
}

function postStatus() {
  clearTimeout(statusTimer);
  statusTimer = null;
  post(P.dataStatus(trainer.dataStatus()));
}

function postStatusSoon() {
  statusTimer ??= setTimeout(postStatus, STATUS_EVERY_MS);
}

const testComplete = () => trainer.dataStatus().test.complete;
const epochInRun = () => (run ? counters.epoch - run.startEpoch : 0);

// ---- training ---------------------------------------------------------------------------------------
async function trainLoop() {
  if (loopActive) return; // the running loop sees the new state at its next check
  loopActive = true;
  const gen = generation;
  try {
    while (state === 'training' && gen === generation) {
      if (run && epochInRun() >= run.epochs) {
        if (pendingFull) {
          // The last epoch ended before the test set was in: "done" comes with its full score.
          if (testComplete()) await fullEvaluation(gen);
          else await sleep(50);
          continue;
        }
        setState('done');
        persist();
        break;
      }
      if (pendingFull && testComplete()) await fullEvaluation(gen);
      const slice = trainSlice();
      if (!slice) {
        setState('paused', 'No training images are loaded yet.');
        break;
      }
      if (slice.partial) {
        // A large batch spans slices: nothing to report yet, but let messages through.
        trainMsSinceEstimate += slice.ms;
        await yieldToEvents();
        continue;
      }
      post(P.progress(slice));
      if (slice.failure) throw slice.failure;
      if (slice.epochDone) {
        if (testComplete()) await fullEvaluation(gen);
        else pendingFull = true;
        persist();
      } else if (trainMsSinceEstimate >= estimateEveryMs) {
        await estimate(gen);
      }
      await yieldToEvents();
    }
  } catch (err) {
    const message = messageOf(err);
    const diverged = isDivergence(message);
    post(P.error('train', message, diverged ? { diverged: true } : {}));
    if (gen === generation && state === 'training') {
      setState('paused', message);
      // The facade refused the step that diverged: the weights are the last good ones. Keep them.
      if (diverged) persist();
    }
  } finally {
    loopActive = false;
  }
}

/** Images per trainPart call: two micro-batches, ~20 ms; a slice is several calls. */
const PART_IMAGES = 32;

/** Trains until SLICE_MS is spent or an epoch ends, a few micro-batches per call. */
function trainSlice() {
  if (trainer.dataStatus().train.usable === 0) return null; // trainSteps would throw NoData
  const t0 = performance.now();
  const firstStep = counters.totalSteps;
  const losses = [];
  const accuracies = [];
  let images = 0;
  let r;
  let failure = null;
  do {
    try {
      // A few micro-batches at a time, so a slice ends on time even mid-batch at large batch sizes.
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
    counters = {
      epoch: r.epoch,
      stepInEpoch: r.stepInEpoch,
      stepsPerEpoch: r.stepsPerEpoch,
      totalSteps: r.totalSteps,
    };
  } while (!r.epochDone && performance.now() - t0 < SLICE_MS);
  if (losses.length === 0) return { partial: true, ms: performance.now() - t0 };
  const ms = performance.now() - t0;
  trainMsSinceEstimate += ms;
  lastBatchSize = trainer.config().batchSize;
  return {
    losses: Float32Array.from(losses),
    accuracies: Float32Array.from(accuracies),
    firstStep,
    images,
    ms,
    epoch: counters.epoch,
    epochInRun: epochInRun(),
    epochsInRun: run?.epochs ?? 0,
    stepInEpoch: counters.stepInEpoch,
    stepsPerEpoch: counters.stepsPerEpoch,
    batchSize: lastBatchSize,
    epochDone: !failure && r.epochDone,
    failure,
  };
}

/** A non-finite loss: the facade says "diverged" and suggests a lower learning rate. */
function isDivergence(message) {
  return /diverged|lower learning rate|non-finite|not finite|\bNaN\b|infinite/i.test(message);
}

// ---- evaluation ---------------------------------------------------------------------------------------
/** Labels of the first `count` images of a set (cached: a set only grows until it is cleared). */
function labelsOf(set, count) {
  const cached = labelCache[set];
  if (cached && cached.length >= count) return cached.subarray(0, count);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = trainer.label(set, i);
  labelCache[set] = labels;
  return labels;
}

/**
 * Scores the first `count` test images in time slices. Resolves to
 * `{ count, accuracy, loss, predictions, labels, confidence }`, or null if a RESET interrupted it.
 */
async function evaluateTest(count, gen) {
  const labels = labelsOf('test', count);
  const predictions = new Uint8Array(count);
  const confidence = new Float32Array(count);
  let correct = 0;
  let lossSum = 0;
  let i = 0;
  while (i < count) {
    const t0 = performance.now();
    do {
      const fit = Math.floor(SLICE_MS / msPerEvalImage);
      const n = Math.min(Math.max(1, Math.min(fit, MAX_EVAL_BATCH)), count - i);
      const tc = performance.now();
      const pixels = new Float32Array(n * PIXELS);
      for (let k = 0; k < n; k++) {
        const img = trainer.image('test', i + k);
        for (let j = 0; j < PIXELS; j++) pixels[k * PIXELS + j] = img[j] / 255;
      }
      const probs = trainer.predictBatch(pixels);
      msPerEvalImage = 0.5 * msPerEvalImage + (0.5 * (performance.now() - tc)) / n;
      for (let k = 0; k < n; k++) {
        const p = argmax(probs, k * CLASSES, CLASSES);
        const label = labels[i + k];
        predictions[i + k] = p;
        confidence[i + k] = probs[k * CLASSES + p];
        lossSum -= Math.log(Math.max(probs[k * CLASSES + label], 1e-7));
        if (p === label) correct += 1;
      }
      i += n;
    } while (i < count && performance.now() - t0 < SLICE_MS);
    if (i < count) {
      await yieldToEvents();
      if (gen !== generation) return null;
    }
  }
  return { count, accuracy: correct / count, loss: lossSum / count, predictions, labels: labels.slice(), confidence };
}

async function estimate(gen) {
  trainMsSinceEstimate = 0;
  const count = Math.min(ESTIMATE_IMAGES, trainer.dataStatus().test.usable);
  if (count === 0) return;
  const step = counters.totalSteps;
  const t0 = performance.now();
  const r = await evaluateTest(count, gen);
  if (!r) return;
  // Slow machines estimate less often, so that training keeps most of the time.
  estimateEveryMs = Math.max(ESTIMATE_EVERY_MS, (performance.now() - t0) / ESTIMATE_SHARE);
  post(P.evaluation({ kind: 'estimate', step, epoch: counters.epoch, accuracy: r.accuracy, loss: r.loss, count }));
}

async function fullEvaluation(gen) {
  pendingFull = false;
  trainMsSinceEstimate = 0; // the full score is also the freshest estimate
  const step = counters.totalSteps;
  const epoch = counters.epoch;
  const r = await evaluateTest(trainer.dataStatus().test.usable, gen);
  if (!r) return;
  const indices = Uint32Array.from(topMisclassified(r.labels, r.predictions, r.confidence, GALLERY_SIZE));
  const pixels = new Uint8Array(indices.length * PIXELS);
  const confidence = new Float32Array(indices.length);
  indices.forEach((index, k) => {
    pixels.set(trainer.image('test', index), k * PIXELS);
    confidence[k] = r.confidence[index];
  });
  lastFullAccuracy = r.accuracy;
  post(
    P.evaluation({
      kind: 'full',
      step,
      epoch,
      accuracy: r.accuracy,
      loss: r.loss,
      count: r.count,
      predictions: r.predictions,
      labels: r.labels,
      gallery: { indices, pixels, confidence },
    }),
  );
}

// ---- persistence (IndexedDB) -------------------------------------------------------------------------
async function persist() {
  if (counters.totalSteps === 0) return;
  const gen = resets;
  try {
    const weights = trainer.exportWeights();
    await saveModel(weights, { counters, testAccuracy: lastFullAccuracy, config: trainer.config() });
    if (gen !== resets) await clearModel(); // a RESET came while saving
  } catch (err) {
    post(P.error('storage', `The model could not be saved in this browser: ${messageOf(err)}`));
  }
}

async function restore() {
  let saved = null;
  try {
    saved = await loadModel();
  } catch {
    return null; // no storage here: nothing to restore
  }
  if (!saved) return null;
  try {
    trainer.importWeights(saved.weights);
    counters = { ...counters, ...saved.meta.counters };
    lastFullAccuracy = saved.meta.testAccuracy ?? null;
    pendingFull = true; // score the restored model once the test set is in
    return {
      savedAt: saved.meta.savedAt,
      epochs: counters.epoch,
      totalSteps: counters.totalSteps,
      testAccuracy: lastFullAccuracy,
    };
  } catch {
    await clearModel().catch(() => {}); // saved by an incompatible version: forget it
    return null;
  }
}

// ---- moving the model and bringing data -------------------------------------------------------------
/** Loads a weights file. On any error the facade leaves the model as it was, and so does this. */
function importModel(bytes) {
  trainer.importWeights(bytes); // throws first: nothing below runs for a bad file
  generation += 1; // a running loop or evaluation of the old model stops
  run = null;
  trainMsSinceEstimate = 0;
  lastFullAccuracy = null;
  counters = trainer.progress();
  post(P.imported(counters));
  setState('ready', 'imported');
  persist();
  pendingFull = true;
  if (testComplete()) fullEvaluation(generation).catch((err) => post(P.error('train', messageOf(err))));
}

/**
 * Replaces whole sets with the user's IDX files. Every file is first parsed by a scratch Trainer:
 * only when all of them are clean are the current sets cleared and refilled, so a bad file
 * leaves the data already loaded (and the model) untouched.
 */
function replaceData(sets) {
  const order = Object.keys(sets).filter((set) => set === 'train' || set === 'test');
  if (order.length === 0) throw new Error('No training or test files were given.');
  const names = [];
  const scratch = new wasm.Trainer();
  try {
    for (const set of order) {
      for (const file of ['labels', 'images']) {
        const f = sets[set][file];
        if (!f) throw new Error(`The ${set === 'train' ? 'training' : 'test'} ${file} file is missing.`);
        names.push(f.name);
        try {
          scratch.pushData(set, file, f.bytes);
          scratch.finishData(set, file);
        } catch (err) {
          throw new Error(`${f.name}: ${messageOf(err)}`);
        }
      }
    }
  } finally {
    scratch.free();
  }
  if (state === 'training') setState('paused', 'New data loaded.');
  if (order.includes('test')) generation += 1; // an evaluation of the old test set stops
  for (const set of order) {
    trainer.clearData(set);
    labelCache[set] = null;
    for (const file of ['labels', 'images']) {
      trainer.pushData(set, file, sets[set][file].bytes);
      trainer.finishData(set, file);
    }
  }
  postStatus();
  post(P.dataReplaced(order, names));
  if (order.includes('test') && counters.totalSteps > 0) {
    pendingFull = true;
    if (!loopActive) fullEvaluation(generation).catch((err) => post(P.error('train', messageOf(err))));
  }
}

function resetModel() {
  generation += 1;
  resets += 1;
  run = null;
  pendingFull = false;
  lastFullAccuracy = null;
  trainMsSinceEstimate = 0;
  trainer.reset();
  counters = { epoch: 0, stepInEpoch: 0, stepsPerEpoch: 0, totalSteps: 0 };
  clearModel().catch(() => {});
  setState('ready', 'reset');
}
