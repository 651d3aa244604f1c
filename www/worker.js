// The training worker: owns the wasm Trainer, so the page's main thread only draws.
//
// All work is cut into slices of about SLICE_MS; between two slices the worker yields to its
// event loop, so PAUSE, PREDICT, CONFIGURE and data chunks wait at most one slice. A slice
// ends at the first trainPart call that finishes after SLICE_MS (two micro-batches, ~20 ms),
// so it rarely runs past ~60 ms. Evaluations are cut the same way (worker-evaluation.js).
//
//   page ──DATA_CHUNK──▶ trainer.pushData        (the IDX parser in wasm; training may start
//   page ──TRAIN──▶ loop: train slice → PROGRESS   as soon as some images are usable)
//                         every ~3 s of training → quick test estimate (1,000 images)
//                         epoch end → full test evaluation (10,000) → save to IndexedDB
//   page ──PREDICT──▶ trainer.predict → PREDICTION   (between any two slices)
//   page ──CONFIGURE──▶ trainer.setConfig → CONFIGURED { config: trainer.config() }   (likewise)
// Errors travel with the core's `name` (errors.js); the worker branches on it, never on text.
//
// Training runs on every core the Workers setting asks for: this worker coordinates compute
// workers (worker-pool.js) that each take a share of every batch; WORKERS tells the page how
// many train, how, and (when a loop stops) every worker's model checksum.
import * as P from './protocol.js';
import { ToWorker } from './protocol.js';
import { ErrorName } from './errors.js';
import { evaluateSet, misreadGallery } from './worker-evaluation.js';
import { checkUserSets, loadUserSets } from './worker-data.js';
import { fineTune, layerViews } from './worker-teach.js';
import { sleep, trainSlice, yieldToEvents } from './worker-slices.js';
import { WorkerPool, wantedWorkers } from './worker-pool.js';
import { clearModel } from './model-store.js';
import { restoreTrainer, saveTrainer } from './worker-store.js';
import { loadWasm } from './wasm.js';

const SLICE_MS = 40; // longest stretch of work between two looks at the message queue
const ESTIMATE_EVERY_MS = 3000; // of training time, at least, between quick test estimates
const ESTIMATE_SHARE = 0.15; // ...and estimates take at most this share of the training time
const ESTIMATE_IMAGES = 1000;
const STATUS_EVERY_MS = 100; // data-status messages while data streams in

let wasm = null;
let trainer = null;
let state = 'ready'; // 'ready' | 'training' | 'paused' | 'done'
let generation = 0; // bumped by RESET, import and new test data: async work of an older generation stops
let resets = 0; // bumped by RESET only: a save that was in flight is undone
let loopActive = false;
let run = null; // { startEpoch, epochs }: the run the Train button started
let counters = { epoch: 0, stepInEpoch: 0, stepsPerEpoch: 0, totalSteps: 0 };
let trainMsSinceEstimate = 0;
let estimateEveryMs = ESTIMATE_EVERY_MS;
let pendingFull = false; // an epoch ended before the test set was complete
let lastFullAccuracy = null;
let statusTimer = null;
let pool = null; // the compute workers (worker-pool.js)
let coordinatorMemory = null; // this worker's wasm memory
let workersNote = '';
let lastChecksums = [];
let sliceInFlight = false; // a training slice is awaiting its compute workers or yielding
let pauseDeferred = false; // a PAUSE came inside a slice: told when the slice is done

const post = (message) => P.send(self, message);
const fail = (where) => (err) => post(P.error(where, err));

// ---- start-up: messages that arrive before wasm is ready wait in `inbox` ------------------------
const inbox = [];
let started = false;
self.onmessage = (event) => (started ? handle(event.data) : inbox.push(event.data));

(async function start() {
  try {
    const loaded = await loadWasm();
    wasm = loaded.wasm;
    trainer = new wasm.Trainer();
    pool = new WorkerPool({
      build: loaded.build,
      module: loaded.module,
      params: trainer.parameterCount(),
      // SharedArrayBuffer can be posted only when the page is cross-origin isolated (COOP/COEP).
      shared: self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function',
      onNote: (text) => {
        workersNote = text;
        postWorkers();
      },
      onChange: () => postWorkers(),
    });
    coordinatorMemory = loaded.memory;
    const restored = await restore();
    started = true;
    post(
      P.ready({
        simd: wasm.simdEnabled(),
        build: loaded.build,
        parameterCount: trainer.parameterCount(),
        schema: wasm.settingsSchema(),
        model: trainer.modelDescription(),
        restored,
      }),
    );
    for (const message of inbox.splice(0)) handle(message);
  } catch (err) {
    post(P.error('init', err));
  }
})();

// ---- messages -------------------------------------------------------------------------------------
/** The ERROR `where` of a failed message, when not 'data' (data-*) or 'train'. */
const FAILS_IN = {
  [ToWorker.PREDICT]: 'predict',
  [ToWorker.EXPORT]: 'export',
  [ToWorker.IMPORT]: 'import',
  [ToWorker.DATA_REPLACE]: 'user-data',
  [ToWorker.DRAWINGS]: 'teach',
};

function handle(m) {
  try {
    switch (m.type) {
      case ToWorker.DATA_CHUNK:
        trainer.pushData(m.set, m.file, m.chunk);
        postStatusSoon();
        break;
      case ToWorker.DATA_END:
        if (trainer.finishData(m.set, m.file)) modelRebuilt();
        post(P.fileDone(m.set, m.file));
        postStatus();
        if (pendingFull && !loopActive && testComplete()) {
          fullEvaluation(generation).catch(fail('train'));
        }
        break;
      case ToWorker.DATA_CLEAR:
        trainer.clearData(m.set);
        postStatus();
        break;
      case ToWorker.CONFIGURE:
        configure(m.settings);
        break;
      case ToWorker.TRAIN:
        configure(m.settings, m.learnDrawings);
        trainer.startRun(); // a new planned run: the learning rate warms up again (src/trainer.rs)
        run = { startEpoch: counters.epoch, epochs: trainer.config().epochs };
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
        if (state === 'training' && sliceInFlight) {
          // Inside a step (this worker yields while its compute workers finish theirs): no new
          // step starts; the pause is told, and the model saved, once the slice has posted its
          // last PROGRESS, so the page's step count stops where the pause says it did.
          state = 'paused';
          pauseDeferred = true;
        } else if (state === 'training') {
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
      case ToWorker.LAYERS:
        try {
          const v = layerViews(wasm, trainer, m.pixels);
          post(P.layerViews(m.id, v.layout, v.activations, v.filters));
        } catch (err) {
          post(P.layerViewsFailed(m.id, err?.message ?? String(err)));
        }
        break;
      case ToWorker.DRAWINGS:
        trainer.setDrawings(m.images, m.labels);
        break;
      case ToWorker.TEACH:
        teach(m);
        break;
      default:
        throw new Error(`unknown message type ${m.type}`);
    }
  } catch (err) {
    const where = FAILS_IN[m.type] ?? (m.type.startsWith('data') ? 'data' : 'train');
    post(P.error(where, err, m.set ? { set: m.set } : {}));
  }
}

/**
 * Applies the page's settings at once (between two slices, so even mid-run) and says what
 * applied. The trainer checks them all (a SettingsError names the field) before applying any.
 * With `learnDrawings`, "Learn them for good" goes over them (src/teach.rs learn_drawings_config)
 * for this run only: the next TRAIN or CONFIGURE sets the form's again. Without drawings that
 * throws (NoData), after the form's settings applied and were told.
 */
function configure(settings, learnDrawings = false) {
  trainer.setConfig(settings);
  try {
    if (learnDrawings) trainer.useLearnDrawingsConfig();
  } finally {
    if (run) run.epochs = trainer.config().epochs;
    post(P.configured(trainer.config()));
    pool.setWanted(wantedWorkers(trainer.config().workers));
    postWorkers();
  }
}

/** Tells the page how many workers train, how they exchange gradients, and their memory. */
function postWorkers() {
  post(
    P.workers({
      training: pool.training,
      wanted: pool.wanted,
      transport: pool.transport,
      memory: [coordinatorMemory?.buffer.byteLength ?? 0, ...pool.memory],
      checksums: lastChecksums,
      syncMs: pool.syncMs,
      note: workersNote,
    }),
  );
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
  pool.invalidate(); // a reset, an import or a restore may have changed the model since
  lastChecksums = [];
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
      if (pool.needsSync) await pool.sync(trainer);
      if (state !== 'training' || gen !== generation) break;
      sliceInFlight = true;
      const slice = await trainOneSlice(gen).finally(() => (sliceInFlight = false));
      if (!slice) {
        setState('paused', 'No training images are loaded yet.');
        break;
      }
      if (slice.partial) {
        // A large batch spans slices: nothing to report yet, but let messages through.
        tellPause();
        await yieldToEvents();
        continue;
      }
      post(P.progress(slice));
      tellPause();
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
    const diverged = err?.name === ErrorName.diverged;
    post(P.error('train', err));
    if (gen === generation && (state === 'training' || pauseDeferred)) {
      pauseDeferred = false;
      setState('paused', err?.message ?? String(err));
      // The facade refused the step that diverged: the weights are the last good ones. Keep them.
      if (diverged) persist();
    }
  } finally {
    loopActive = false;
    tellPause();
    // TRAIN came after a reset or an import while this loop was still awaiting: it returned at
    // once, leaving the run to this loop, which stopped for the new generation. Run it now.
    if (state === 'training' && gen !== generation) trainLoop();
    reportChecksums(gen).catch(fail('train'));
  }
}

/** Tells a PAUSE that came inside the slice just done (see PAUSE). */
function tellPause() {
  if (!pauseDeferred) return;
  pauseDeferred = false;
  setState('paused');
  persist();
}

/** Every worker's model checksum once a loop stops (the e2e test compares them). */
async function reportChecksums(gen) {
  if (gen !== generation || loopActive) return;
  const sums = await pool.checksums(trainer);
  if (gen !== generation || loopActive) return;
  lastChecksums = sums.map((c) => c.toString(16).padStart(8, '0'));
  postWorkers();
}

/** One slice of training (worker-slices.js), as a PROGRESS payload; null without data. */
async function trainOneSlice(gen) {
  if (trainer.dataStatus().train.usable === 0) return null; // beginStep would throw NoData
  const firstStep = counters.totalSteps;
  const slice = await trainSlice(trainer, pool, SLICE_MS, () => state === 'training' && gen === generation);
  trainMsSinceEstimate += slice.ms;
  if (slice.partial) return slice;
  const { epoch, stepInEpoch, stepsPerEpoch, totalSteps } = slice.last;
  counters = { epoch, stepInEpoch, stepsPerEpoch, totalSteps };
  const epochDone = !slice.failure && slice.last.epochDone;
  const batchSize = trainer.config().batchSize;
  const { learningRate } = slice.last;
  const workers = slice.workers;
  return { ...slice, ...counters, firstStep, epochInRun: epochInRun(), epochsInRun: run?.epochs ?? 0, batchSize, learningRate, epochDone, workers };
}

// ---- evaluation ---------------------------------------------------------------------------------------
/** Scores the first `count` test images in slices; null if a RESET or import interrupted it. */
function evaluateTest(count, gen) {
  return evaluateSet(trainer, 'test', count, {
    sliceMs: SLICE_MS,
    pause: yieldToEvents,
    stale: () => gen !== generation,
  });
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
  lastFullAccuracy = r.accuracy;
  post(P.evaluation({ ...r, kind: 'full', step, epoch, gallery: misreadGallery(trainer, r) }));
}

// ---- persistence (IndexedDB, worker-store.js) -----------------------------------------------------
async function persist() {
  if (counters.totalSteps === 0) return;
  const gen = resets;
  try {
    await saveTrainer(trainer, { counters, testAccuracy: lastFullAccuracy }, () => gen === resets);
  } catch (err) {
    post(P.error('storage', `The model could not be saved in this browser: ${err?.message ?? err}`));
  }
}

async function restore() {
  const saved = await restoreTrainer(trainer);
  if (!saved) return null;
  counters = { ...counters, ...saved.counters };
  lastFullAccuracy = saved.testAccuracy;
  pendingFull = true; // score the restored model once the test set is in
  return { savedAt: saved.savedAt, epochs: counters.epoch, totalSteps: counters.totalSteps, testAccuracy: lastFullAccuracy };
}

// ---- moving the model and bringing data -------------------------------------------------------------
/** Loads a weights file. On any error the facade leaves the model as it was, and so does this. */
function importModel(bytes) {
  const classes = trainer.classCount();
  trainer.importWeights(bytes); // throws first: nothing below runs for a bad file
  if (trainer.classCount() !== classes) modelChanged(false);
  generation += 1; // a running loop or evaluation of the old model stops
  pauseDeferred = false;
  run = null;
  trainMsSinceEstimate = 0;
  lastFullAccuracy = null;
  counters = trainer.progress();
  post(P.imported(counters));
  setState('ready', 'imported');
  persist();
  pendingFull = true;
  if (testComplete()) fullEvaluation(generation).catch(fail('train'));
}

/** Replaces whole sets with the user's IDX files, once every file has parsed cleanly. */
function replaceData(sets) {
  const { order, names, trainFiles } = checkUserSets(wasm, sets); // throws first: nothing changes
  if (state === 'training') setState('paused', 'New data loaded.');
  if (order.includes('test')) generation += 1; // an evaluation of the old test set stops
  const rebuilt = loadUserSets(trainer, sets, order);
  postStatus();
  post(P.dataReplaced(order, names, trainFiles));
  if (rebuilt) modelRebuilt();
  if (order.includes('test') && counters.totalSteps > 0) {
    pendingFull = true;
    if (!loopActive) fullEvaluation(generation).catch(fail('train'));
  }
}

/**
 * A correction: the drawings, then a fine-tune in short calls (worker-teach.js). Paused, done or
 * mid-run alike; mid-run its calls fall between two training slices, so the drawing joins what
 * is trained at once. The model is saved after it.
 */
async function teach(m) {
  const gen = generation;
  try {
    const r = await fineTune(wasm, trainer, m, { pause: yieldToEvents, stale: () => gen !== generation });
    // The coordinator's model moved outside a step: the compute workers load it again before
    // their next one (a step that fell between the fine-tune's calls is at most one behind).
    pool.invalidate();
    if (!r) return;
    post(P.taught({ id: m.id, ...r }));
    if (state !== 'training') persist();
  } catch (err) {
    post(P.taught({ id: m.id, error: err?.message ?? String(err) }));
  }
}

/** The training data named another class count: the core rebuilt the model (fresh weights). */
function modelRebuilt() {
  resetModel(false);
  modelChanged(true);
}

/** The model has another class count: new compute workers for its size; the page resizes. */
function modelChanged(rebuilt) {
  pool.resize(trainer.parameterCount());
  post(P.model(trainer.modelDescription(), trainer.parameterCount(), rebuilt));
}

function resetModel(reset = true) {
  pauseDeferred = false;
  generation += 1;
  resets += 1;
  run = null;
  pendingFull = false;
  lastFullAccuracy = null;
  trainMsSinceEstimate = 0;
  if (reset) trainer.reset(); // else the core has just rebuilt it
  counters = { epoch: 0, stepInEpoch: 0, stepsPerEpoch: 0, totalSteps: 0 };
  clearModel().catch(() => {});
  setState('ready', 'reset');
}
