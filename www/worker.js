// The training worker: owns the wasm Trainer, so the page's main thread only draws. Every
// decision is the reducer's (worker/state.js, worker/run.js: pure, unit-tested); this file loads
// wasm, feeds the page's messages and the outcomes of its own work to `step`, and runs the
// effects it returns against the trainer, the worker pool, IndexedDB and postMessage.
//
// All work is cut into slices of about SLICE_MS; between two slices the worker yields to its
// event loop, so PAUSE, PREDICT, CONFIGURE and data chunks wait at most one slice. A slice
// ends at the first step that finishes after SLICE_MS (worker-slices.js), so it rarely runs past
// ~60 ms. Evaluations are cut the same way (worker-evaluation.js).
//
//   page ──DATA_CHUNK──▶ trainer.pushData        (the IDX parser in wasm; training may start
//   page ──TRAIN──▶ loop: train slice → PROGRESS   as soon as some images are usable)
//                         every ~3 s of training → quick test estimate (1,000 images)
//                         epoch end → full test evaluation → save to IndexedDB
//   page ──PREDICT──▶ trainer.predict → PREDICTION   (between any two slices)
//   page ──CONFIGURE──▶ trainer.setConfig → CONFIGURED { config: trainer.config() }   (likewise)
// Errors travel with the core's `name` (errors.js); the reducer branches on it, never on text.
//
// Training runs on every core the Workers setting asks for: this worker coordinates compute
// workers (worker-pool.js) that each take a share of every batch; WORKERS tells the page how
// many train, how, and (when a loop stops) every worker's model checksum.
import * as P from './protocol.js';
import { Effect, Internal, checksumsWanted, initialState, keepTraining, saveWanted, stale, step } from './worker/state.js';
import { evaluateSet, misreadGallery } from './worker-evaluation.js';
import { checkUserSets, loadUserSets } from './worker-data.js';
import { fineTune, layerViews } from './worker-teach.js';
import { trainSlice, yieldToEvents } from './worker-slices.js';
import { WorkerPool, wantedWorkers } from './worker-pool.js';
import { ModelKeeper } from './worker-store.js';
import { exportFile, importKeras, isKerasFile } from './worker-files.js';
import { loadWasm } from './wasm.js';

const SLICE_MS = 40; // longest stretch of work between two looks at the message queue
const STATUS_EVERY_MS = 100; // data-status messages while data streams in

// What the effects act on (set once wasm is loaded), and the reducer's state.
const io = { wasm: null, trainer: null, pool: null, memory: null, note: '', checksums: [], statusTimer: null, keeper: new ModelKeeper() };
let state = initialState();

const post = (message) => P.send(self, message);

// ---- the loop: one event at a time through `step`, then its effects -----------------------------
const queue = [];
let stepping = false;

/** Feeds `event` to the reducer and runs its effects; events raised meanwhile queue behind it. */
function dispatch(event) {
  queue.push(event);
  if (stepping) return;
  stepping = true;
  try {
    while (queue.length > 0) {
      const next = step(state, queue.shift());
      state = next.state;
      for (const effect of next.effects) run(effect);
    }
  } finally {
    stepping = false;
  }
}

function run(effect) {
  try {
    const pending = EXECUTE[effect.type](effect);
    pending?.catch?.((err) => post(P.error(effect.fail?.where ?? 'train', err, effect.fail?.extra)));
  } catch (err) {
    post(P.error(effect.fail?.where ?? 'train', err, effect.fail?.extra));
  }
}

self.onmessage = (event) => dispatch(event.data);

(async function start() {
  try {
    const loaded = await loadWasm();
    const wasm = (io.wasm = loaded.wasm);
    io.trainer = new wasm.Trainer();
    io.memory = loaded.memory;
    io.pool = new WorkerPool({
      build: loaded.build,
      module: loaded.module,
      params: io.trainer.parameterCount(),
      pixels: io.trainer.modelDescription().input.reduce((a, b) => a * b),
      // SharedArrayBuffer can be posted only when the page is cross-origin isolated (COOP/COEP).
      shared: self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function',
      onNote: (text) => {
        io.note = text;
        postWorkers();
      },
      onChange: () => postWorkers(),
    });
    const restored = await io.keeper.restore(io.trainer);
    const t = io.trainer;
    const info = { simd: wasm.simdEnabled(), build: loaded.build, parameterCount: t.parameterCount(), schema: wasm.settingsSchema(), model: t.modelDescription(), tab: io.keeper.tab };
    dispatch({ type: Internal.STARTED, info, restored });
  } catch (err) {
    post(P.error('init', err));
  }
})();

/** Tells the page how many workers train, how they exchange gradients, and their memory. */
function postWorkers() {
  const { pool } = io;
  const memory = [io.memory?.buffer.byteLength ?? 0, ...pool.memory];
  post(P.workers({ training: pool.training, wanted: pool.wanted, transport: pool.transport, memory, checksums: io.checksums, syncMs: pool.syncMs, note: io.note }));
}

function postStatus() {
  clearTimeout(io.statusTimer);
  io.statusTimer = null;
  post(P.dataStatus(io.trainer.dataStatus()));
}

const dataStatus = (e, more = {}) => dispatch({ type: Internal.DATA_STATUS, status: io.trainer.dataStatus(), op: e.op, set: e.set, file: e.file, ...more });

// ---- effects: each one's work; outcomes go back to `dispatch` ----------------------------------------
const DATA_OPS = {
  push: (t, e) => t.pushData(e.set, e.file, e.chunk),
  finish: (t, e) => t.finishData(e.set, e.file),
  clear: (t, e) => t.clearData(e.set),
};

const EXECUTE = {
  [Effect.POST]: (e) => post(e.message),
  [Effect.DATA](e) {
    const rebuilt = DATA_OPS[e.op](io.trainer, e) === true; // finishData: the labels named another class count
    dataStatus(e);
    if (rebuilt) dispatch({ type: Internal.REBUILT });
  },
  [Effect.STATUS](e) {
    if (!e.soon) postStatus();
    else io.statusTimer ??= setTimeout(postStatus, STATUS_EVERY_MS);
  },
  [Effect.CONFIGURE]({ settings, learnDrawings, startRun, continues }) {
    const t = io.trainer;
    const layers = t.modelDescription().layers.length;
    t.setConfig(settings); // checks every setting before it applies any: throws first
    let error = null;
    try {
      if (learnDrawings) t.useLearnDrawingsConfig();
      if (startRun && continues) t.continueRun();
      else if (startRun) t.startRun();
    } catch (err) {
      error = err;
    }
    // A training-only layer (dropout) came or went: the model card shows it.
    const model = t.modelDescription().layers.length === layers ? null : { description: t.modelDescription(), parameterCount: t.parameterCount() };
    dispatch({ type: Internal.CONFIGURED, config: t.config(), run: startRun && !error, error, model });
  },
  [Effect.WORKERS]({ setting }) {
    io.pool.setWanted(wantedWorkers(setting));
    postWorkers();
  },
  [Effect.RESET_MODEL]({ rebuilt }) {
    if (!rebuilt) io.trainer.reset(); // else the core has just built it afresh
    io.keeper.forget().catch(() => {});
  },
  [Effect.PREDICT]: ({ id, pixels }) => post(P.prediction(id, io.trainer.predict(pixels))),
  [Effect.SAMPLE]: ({ set, index }) => post(P.sampleImage(set, index, io.trainer.label(set, index), io.trainer.image(set, index))),
  [Effect.EXPORT]({ format }) {
    const bytes = exportFile(io.trainer, format); // Keras' and TF.js' files: a promise (their code loads on first use)
    if (bytes instanceof Uint8Array) post(P.exported(format, bytes));
    else return bytes.then((b) => post(P.exported(format, b)));
  },
  [Effect.IMPORT]({ bytes }) {
    const t = io.trainer;
    const classes = t.classCount();
    const done = (fromKeras) => dispatch({ type: Internal.IMPORTED, progress: t.progress(), resized: t.classCount() !== classes, fromKeras });
    // Either way the whole file is checked before anything changes: a bad file throws (or rejects) first.
    if (isKerasFile(bytes)) return importKeras(t, bytes).then(() => done(true));
    t.importWeights(bytes);
    done(false);
  },
  /** The model has another class count: compute workers for its size, and the page told. */
  [Effect.MODEL_CHANGED]({ rebuilt }) {
    const t = io.trainer;
    io.pool.resize(t.parameterCount());
    post(P.model(t.modelDescription(), t.parameterCount(), rebuilt));
  },
  [Effect.CHECK_DATA]({ sets }) {
    const checked = checkUserSets(io.wasm, sets); // throws first: nothing changes
    dispatch({ type: Internal.DATA_CHECKED, sets, ...checked });
  },
  [Effect.LOAD_DATA](e) {
    const rebuilt = loadUserSets(io.trainer, e.sets, e.order);
    dataStatus({ op: 'replace' }, { order: e.order, names: e.names, trainFiles: e.trainFiles });
    if (rebuilt) dispatch({ type: Internal.REBUILT });
  },
  [Effect.LAYERS]({ id, pixels }) {
    try {
      const v = layerViews(io.wasm, io.trainer, pixels);
      post(P.layerViews(id, v.layout, v.activations, v.filters));
    } catch (err) {
      post(P.layerViewsFailed(id, err?.message ?? String(err)));
    }
  },
  [Effect.DRAWINGS]: ({ images, labels }) => io.trainer.setDrawings(images, labels),
  async [Effect.TEACH]({ message, gen }) {
    try {
      const result = await fineTune(io.wasm, io.trainer, message, { pause: yieldToEvents, stale: () => stale(state, gen) });
      // The coordinator's model moved outside a step: the compute workers load it again before
      // their next one (a step that fell between the fine-tune's calls is at most one behind).
      io.pool.invalidate();
      if (result) dispatch({ type: Internal.TAUGHT, id: message.id, result });
    } catch (error) {
      dispatch({ type: Internal.TAUGHT, id: message.id, error });
    }
  },
  [Effect.LOOP_START]() {
    io.pool.invalidate(); // a reset, an import or a restore may have changed the model since
    io.checksums = [];
  },
  /** Every worker's model checksum once a loop stops (the e2e test compares them). */
  async [Effect.CHECKSUMS](e) {
    if (!checksumsWanted(state, e)) return;
    const sums = await io.pool.checksums(io.trainer);
    if (!checksumsWanted(state, e)) return;
    io.checksums = sums.map((c) => c.toString(16).padStart(8, '0'));
    postWorkers();
  },
  async [Effect.SLICE]({ gen }) {
    try {
      await yieldToEvents(); // PAUSE, PREDICT... first
      const keepGoing = () => keepTraining(state, gen);
      if (keepGoing() && io.pool.needsSync) await io.pool.sync(io.trainer);
      const r = keepGoing() ? await trainSlice(io.trainer, io.pool, SLICE_MS, keepGoing) : { partial: true, ms: 0 };
      dispatch({ type: Internal.SLICED, gen, slice: r.partial ? r : sliceReport(r) });
    } catch (error) {
      dispatch({ type: Internal.FAILED, gen, error });
    }
  },
  async [Effect.EVALUATE]({ kind, count, gen, step: at, epoch, persistAfter }) {
    try {
      const t0 = performance.now();
      const stop = () => stale(state, gen);
      const result = await evaluateSet(io.trainer, 'test', count, { sliceMs: SLICE_MS, pause: yieldToEvents, stale: stop });
      const ms = performance.now() - t0;
      if (result && kind === 'full') result.gallery = misreadGallery(io.trainer, result);
      dispatch({ type: Internal.EVALUATED, gen, kind, step: at, epoch, persistAfter, ms, result });
    } catch (error) {
      dispatch({ type: Internal.FAILED, gen, error });
    }
  },
  /** The held-out images scored (none without a validation split), the epoch recorded. */
  async [Effect.EPOCH_END]({ gen, runEnds }) {
    try {
      const t0 = performance.now();
      const count = io.trainer.validationSize();
      const stop = () => stale(state, gen);
      const opts = { sliceMs: SLICE_MS, pause: yieldToEvents, stale: stop, labels: false };
      const scored = count > 0 ? await evaluateSet(io.trainer, 'validation', count, opts) : undefined;
      if (scored === null) return dispatch({ type: Internal.EPOCH_SCORED, gen, ms: 0, report: null });
      const report = io.trainer.recordValidation(scored?.sums, runEnds);
      // Early stopping put the best epoch's weights back: the compute workers load them again.
      if (report.restoredEpoch != null) io.pool.invalidate();
      dispatch({ type: Internal.EPOCH_SCORED, gen, ms: performance.now() - t0, report });
    } catch (error) {
      dispatch({ type: Internal.FAILED, gen, error });
    }
  },
  async [Effect.SAVE](e) {
    try {
      await io.keeper.save(io.trainer, { counters: e.counters, testAccuracy: e.testAccuracy }, () => saveWanted(state, e));
    } catch (error) {
      dispatch({ type: Internal.SAVE_FAILED, error });
      return;
    }
    dispatch({ type: Internal.SAVED });
  },
};

/** A slice's outcome (worker-slices.js trainSlice) as Internal.SLICED carries it. */
function sliceReport(r) {
  const { epoch, stepInEpoch, stepsPerEpoch, totalSteps, learningRate } = r.last;
  return {
    partial: false,
    ms: r.ms,
    counters: { epoch, stepInEpoch, stepsPerEpoch, totalSteps },
    losses: r.losses,
    accuracies: r.accuracies,
    images: r.images,
    workers: r.workers,
    learningRate,
    batchSize: io.trainer.config().batchSize,
    epochDone: !r.failure && r.last.epochDone,
    failure: r.failure,
  };
}
