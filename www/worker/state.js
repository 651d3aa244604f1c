// The training worker's state and every change to it: `initialState()` and
// `step(state, event) -> { state, effects }`, for the page's messages (`ToWorker`) and the
// outcomes of the worker's own work (`Internal`, worker/events.js). Pure: no wasm, no timers, no
// storage; worker.js runs the effects against the trainer, the pool, IndexedDB and postMessage,
// and feeds their outcomes back. The run's state machine is worker/run.js. Tested in
// tests/js/worker-state.test.mjs, on deep-frozen states.
//
// Counters: `generation` is bumped by RESET, an import and new test data: work of an older
// generation stops, and its outcome is dropped. `resets` is bumped by RESET only: a save in
// flight is undone. Messages that come before wasm is ready wait in `inbox`.
//
// A failed save (a full disk) is told and changes nothing else: training goes on, the last good
// model stays kept (model-store.js writes a model whole or not at all), and the next save tries
// again; when one works, the page hears SAVED and drops its note.
import * as P from '../protocol.js';
import { ToWorker } from '../protocol.js';
import { Effect, Internal, post } from './events.js';
import { ESTIMATE_EVERY_MS, advance, persist, runHandlers, setRun } from './run.js';

export { Effect, Internal } from './events.js';
export { keepTraining } from './run.js';

export function initialState() {
  return {
    started: false, // wasm loaded and the kept model restored (STARTED)
    inbox: [], // page messages before STARTED
    run: 'ready', // 'ready' | 'training' | 'paused' | 'done'
    generation: 0,
    resets: 0,
    plan: null, // { startEpoch, epochs }: the run the Train button started
    counters: { epoch: 0, stepInEpoch: 0, stepsPerEpoch: 0, totalSteps: 0 },
    data: { trainUsable: 0, testUsable: 0, testComplete: false }, // as of the last DATA_STATUS
    busy: null, // null | 'slice' | 'evaluate': the work under way (run.js)
    looping: false, // a training loop is on (run.js)
    loopGen: -1, // the generation the loop started in
    pauseDeferred: false, // a PAUSE came inside a slice: told when the slice is done
    trainMs: 0, // training time since the last test estimate
    epochMs: 0, // training and validation time in the epoch under way (its history line's seconds)
    learningRate: null, // the rate at the last step trained (its history line's)
    estimateEveryMs: ESTIMATE_EVERY_MS,
    pendingFull: false, // a full test score is owed once the test set is complete
    lastFullAccuracy: null,
    saveFailing: false, // the last save failed: the page is showing why
  };
}

/** The ERROR `where` of a failed message, when not 'data' (data-*) or 'train'. */
const FAILS_IN = {
  [ToWorker.PREDICT]: 'predict',
  [ToWorker.EXPORT]: 'export',
  [ToWorker.IMPORT]: 'import',
  [ToWorker.DATA_REPLACE]: 'user-data',
  [ToWorker.DRAWINGS]: 'teach',
};

/** The `fail` of a page message's effect: the ERROR it becomes if it throws. */
function failsAs(m) {
  const where = FAILS_IN[m.type] ?? (m.type.startsWith('data') ? 'data' : 'train');
  return { where, extra: m.set ? { set: m.set } : {} };
}

const ask = (fx, m, effect) => fx.push({ ...effect, fail: failsAs(m) });

const messageHandlers = {
  [ToWorker.DATA_CHUNK]: (s, fx, m) => ask(fx, m, { type: Effect.DATA, op: 'push', set: m.set, file: m.file, chunk: m.chunk }),
  [ToWorker.DATA_END]: (s, fx, m) => ask(fx, m, { type: Effect.DATA, op: 'finish', set: m.set, file: m.file }),
  [ToWorker.DATA_CLEAR]: (s, fx, m) => ask(fx, m, { type: Effect.DATA, op: 'clear', set: m.set }),
  [ToWorker.CONFIGURE]: (s, fx, m) => ask(fx, m, { type: Effect.CONFIGURE, settings: m.settings, learnDrawings: false, startRun: false, continues: false }),
  // A new planned run: the learning rate warms up again (src/trainer.rs start_run).
  // `continues`: a model that has trained goes on gently (src/trainer continue_run: no warm-up, a lower peak).
  [ToWorker.TRAIN]: (s, fx, m) => ask(fx, m, { type: Effect.CONFIGURE, settings: m.settings, learnDrawings: !!m.learnDrawings, startRun: true, continues: !!m.continues }),
  [ToWorker.RESUME](s, fx) {
    if (s.run !== 'paused') return;
    s.pauseDeferred = false; // a PAUSE inside the slice under way, not told yet: undone
    setRun(s, fx, 'training');
  },
  [ToWorker.PAUSE](s, fx) {
    if (s.run !== 'training') return;
    if (s.busy === 'slice') {
      // Inside a step (this worker yields while its compute workers finish theirs): no new
      // step starts; the pause is told, and the model saved, once the slice has posted its
      // last PROGRESS, so the page's step count stops where the pause says it did.
      s.run = 'paused';
      s.pauseDeferred = true;
    } else {
      setRun(s, fx, 'paused');
      persist(s, fx);
    }
  },
  [ToWorker.RESET]: (s, fx) => resetModel(s, fx, false),
  [ToWorker.PREDICT]: (s, fx, m) => ask(fx, m, { type: Effect.PREDICT, id: m.id, pixels: m.pixels }),
  [ToWorker.SAMPLE]: (s, fx, m) => ask(fx, m, { type: Effect.SAMPLE, set: m.set, index: m.index }),
  [ToWorker.EXPORT]: (s, fx, m) => ask(fx, m, { type: Effect.EXPORT, format: m.format }),
  // The facade checks the whole file before it changes anything: IMPORTED only if it loaded.
  [ToWorker.IMPORT]: (s, fx, m) => ask(fx, m, { type: Effect.IMPORT, bytes: m.bytes }),
  [ToWorker.DATA_REPLACE]: (s, fx, m) => ask(fx, m, { type: Effect.CHECK_DATA, sets: m.sets }),
  [ToWorker.LAYERS]: (s, fx, m) => fx.push({ type: Effect.LAYERS, id: m.id, pixels: m.pixels }),
  [ToWorker.DRAWINGS]: (s, fx, m) => ask(fx, m, { type: Effect.DRAWINGS, images: m.images, labels: m.labels }),
  // Paused, done or mid-run alike: the fine-tune's calls fall between two training slices.
  [ToWorker.TEACH]: (s, fx, m) => fx.push({ type: Effect.TEACH, message: m, gen: s.generation }),
};

/** Fresh weights (`rebuilt`: the core made them already): the run and the kept model start over. */
function resetModel(s, fx, rebuilt) {
  Object.assign(s, { generation: s.generation + 1, resets: s.resets + 1, plan: null, pendingFull: false, lastFullAccuracy: null, trainMs: 0, epochMs: 0, pauseDeferred: false });
  s.counters = initialState().counters;
  fx.push({ type: Effect.RESET_MODEL, rebuilt });
  setRun(s, fx, 'ready', 'reset');
}

const internalHandlers = {
  [Internal.STARTED](s, fx, { info, restored }) {
    s.started = true;
    if (restored) {
      s.counters = { ...s.counters, ...restored.counters };
      s.lastFullAccuracy = restored.testAccuracy;
      s.pendingFull = true; // score the restored model once the test set is in
    }
    const { epoch, totalSteps } = s.counters;
    const told = restored && { savedAt: restored.savedAt, epochs: epoch, totalSteps, testAccuracy: s.lastFullAccuracy, tab: restored.tab ?? null };
    fx.push(post(P.ready({ ...info, restored: told || null })));
    const inbox = s.inbox;
    s.inbox = [];
    for (const m of inbox) apply(s, fx, m);
  },
  [Internal.DATA_STATUS](s, fx, e) {
    const { train, test } = e.status;
    s.data = { trainUsable: train.usable, testUsable: test.usable, testComplete: test.complete };
    if (e.op === 'push') return fx.push({ type: Effect.STATUS, soon: true });
    if (e.op === 'finish') fx.push(post(P.fileDone(e.set, e.file)));
    fx.push({ type: Effect.STATUS, soon: false });
    if (e.op !== 'replace') return;
    fx.push(post(P.dataReplaced(e.order, e.names, e.trainFiles)));
    if (e.order.includes('test') && s.counters.totalSteps > 0) s.pendingFull = true;
  },
  /**
   * The page's settings applied (a SettingsError names the field, and nothing applied); with
   * "Learn them for good" the core's drawings config went over them for this run only (without
   * drawings that threw NoData after the form's settings applied: told, and no run starts).
   */
  [Internal.CONFIGURED](s, fx, { config, run, error, model = null }) {
    if (s.plan) s.plan = { ...s.plan, epochs: config.epochs }; // a new `epochs` changes the run under way
    fx.push(post(P.configured(config)));
    if (model) fx.push(post(P.model(model.description, model.parameterCount, false)));
    fx.push({ type: Effect.WORKERS, setting: config.workers });
    if (error) fx.push(post(P.error('train', error)));
    if (!run) return;
    s.plan = { startEpoch: s.counters.epoch, epochs: config.epochs };
    s.pauseDeferred = false;
    setRun(s, fx, 'training');
  },
  /** The training labels named another class count: the model was built afresh, as by RESET. */
  [Internal.REBUILT](s, fx) {
    resetModel(s, fx, true);
    fx.push({ type: Effect.MODEL_CHANGED, rebuilt: true });
  },
  /** A weights file loaded: a running loop or evaluation of the old model stops. */
  [Internal.IMPORTED](s, fx, { progress, resized, fromKeras = false }) {
    if (resized) fx.push({ type: Effect.MODEL_CHANGED, rebuilt: false });
    Object.assign(s, { generation: s.generation + 1, pauseDeferred: false, plan: null, trainMs: 0, epochMs: 0, lastFullAccuracy: null });
    s.counters = { ...progress };
    fx.push(post(P.imported(s.counters, fromKeras)));
    setRun(s, fx, 'ready', 'imported');
    persist(s, fx);
    s.pendingFull = true;
  },
  /** The user's files parsed cleanly: they replace the sets (DATA_STATUS 'replace' follows). */
  [Internal.DATA_CHECKED](s, fx, { sets, order, names, trainFiles }) {
    if (s.run === 'training') setRun(s, fx, 'paused', 'New data loaded.');
    if (order.includes('test')) s.generation += 1; // an evaluation of the old test set stops
    fx.push({ type: Effect.LOAD_DATA, sets, order, names, trainFiles, fail: { where: 'user-data', extra: {} } });
  },
  [Internal.SAVE_FAILED](s, fx, { error }) {
    s.saveFailing = true;
    fx.push(post(P.error('storage', error)));
  },
  [Internal.SAVED](s, fx) {
    if (!s.saveFailing) return;
    s.saveFailing = false;
    fx.push(post(P.saved()));
  },
  [Internal.TAUGHT](s, fx, { id, result, error }) {
    if (error) return fx.push(post(P.taught({ id, error: error?.message ?? String(error) })));
    fx.push(post(P.taught({ id, ...result })));
    if (s.run !== 'training') persist(s, fx);
  },
};

const HANDLERS = { ...messageHandlers, ...internalHandlers, ...runHandlers };

function apply(s, fx, event) {
  if (!s.started && !event.type.startsWith('@')) {
    s.inbox = [...s.inbox, event];
    return;
  }
  const handler = HANDLERS[event.type];
  if (handler) handler(s, fx, event);
  else fx.push(post(P.error('train', `unknown message type ${event.type}`)));
  advance(s, fx);
}

/** The next state after `event`, and the effects it asks for, in order. */
export function step(state, event) {
  const s = { ...state };
  const effects = [];
  apply(s, effects, event);
  return { state: s, effects };
}

/** Whether `step` knows this event type. */
export const handles = (type) => Object.hasOwn(HANDLERS, type);

/** Whether a save asked for by `effect` (Effect.SAVE) still stands: no RESET came since. */
export const saveWanted = (s, effect) => s.resets === effect.resets;

/** Whether the checksums asked for by `effect` (Effect.CHECKSUMS) are still this model's, with no loop on. */
export const checksumsWanted = (s, effect) => s.generation === effect.gen && !s.looping;

/** Whether a fine-tune or an evaluation of generation `gen` is out of date. */
export const stale = (s, gen) => s.generation !== gen;
