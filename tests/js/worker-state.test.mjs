// The training worker's state (www/worker/state.js, www/worker/run.js): every page message and
// every outcome of the worker's own work gives the next state and the effects it asks for. Each
// step runs on a deep-frozen state and event, so a reducer that changed its input would throw;
// the last test checks every event type was used. No wasm: the effects are only looked at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as P from '../../www/protocol.js';
import { FromWorker, ToWorker } from '../../www/protocol.js';
import { ErrorName } from '../../www/errors.js';
import { Effect, Internal, checksumsWanted, handles, initialState, keepTraining, saveWanted, stale, step } from '../../www/worker/state.js';
import { ESTIMATE_EVERY_MS, ESTIMATE_IMAGES, ESTIMATE_SHARE } from '../../www/worker/run.js';

function deepFreeze(value) {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
  return value;
}

const seen = new Set();
/** One event on a frozen state: `{ state, effects }`, with `effects` also on the state for chaining. */
function next(state, event) {
  seen.add(event.type);
  const r = step(deepFreeze(state), deepFreeze(event));
  return Object.assign(r.state, { fx: r.effects });
}
const steps = (state, ...events) => events.reduce(next, state);
const effects = (s, type) => s.fx.filter((e) => e.type === type);
const types = (s) => s.fx.map((e) => (e.type === Effect.POST ? `post:${e.message[0].type}` : e.type));
const posted = (s, type) => effects(s, Effect.POST).map((e) => e.message[0]).filter((m) => !type || m.type === type);
const states = (s) => posted(s, FromWorker.STATE).map((m) => (m.reason ? `${m.state}: ${m.reason}` : m.state));

const INFO = { simd: true, build: 'simd', parameterCount: 93322, schema: {}, model: {} };
const COUNTERS = { epoch: 0, stepInEpoch: 0, stepsPerEpoch: 0, totalSteps: 0 };
const started = (restored = null) => ({ type: Internal.STARTED, info: INFO, restored });
const status = (train, test, complete = test === 10000, op = 'push', more = {}) => ({
  type: Internal.DATA_STATUS,
  status: { train: { usable: train, complete: train === 60000 }, test: { usable: test, complete } },
  op,
  set: 'train',
  file: 'images',
  ...more,
});
const config = (over = {}) => ({ epochs: 2, batchSize: 64, workers: 2, ...over });
const configured = (over = {}, run = false, error = null) => ({ type: Internal.CONFIGURED, config: config(over), run, error });
/** A slice that ends at step `totalSteps` of epoch `epoch` (100 steps an epoch). */
function sliced(gen, totalSteps, { epoch = Math.floor(totalSteps / 100), ms = 40, epochDone = false, failure = null, losses = [2.3, 2.1] } = {}) {
  const slice = {
    partial: false,
    ms,
    counters: { epoch, stepInEpoch: totalSteps % 100, stepsPerEpoch: 100, totalSteps },
    losses: Float32Array.from(losses),
    accuracies: Float32Array.from(losses.map(() => 0.5)),
    images: 64 * losses.length,
    workers: 2,
    learningRate: 0.006,
    batchSize: 64,
    epochDone,
    failure,
  };
  return { type: Internal.SLICED, gen, slice };
}
const evaluated = (e, accuracy = 0.9, ms = 100) => ({
  type: Internal.EVALUATED,
  gen: e.gen,
  kind: e.kind,
  step: e.step,
  epoch: e.epoch,
  persistAfter: e.persistAfter,
  ms,
  result: { count: e.count, accuracy, loss: 0.3, predictions: null, labels: null, gallery: null },
});
const msg = (m) => m[0];
/** The core's record of an epoch (trainer.recordValidation) as EPOCH_SCORED carries it. */
const record = (epoch, over = {}) => ({
  epoch, trainLoss: 0.4, trainAccuracy: 0.88, loss: 0.35, accuracy: 0.9, count: 6000,
  patience: 0, bestEpoch: null, wait: 0, stop: false, restoredEpoch: null, ...over,
});
const scored = (gen, epoch, over = {}, ms = 20) => ({ type: Internal.EPOCH_SCORED, gen, ms, report: record(epoch, over) });
/** A slice that ends an epoch, and its record: the held-out images scored. */
const epochEnded = (gen, totalSteps, epoch, over = {}) => [sliced(gen, totalSteps, { epoch, epochDone: true }), scored(gen, epoch, over)];

/** Started, MNIST in, settings applied: ready to train. */
const readyState = () => steps(initialState(), started(), status(60000, 10000), configured());
/** Training: TRAIN accepted, the first slice asked for. */
const training = (s = readyState()) => steps(s, msg(P.train({ epochs: 2 })), configured({}, true));

test('the initial state: not started, nothing under way', () => {
  const s = initialState();
  assert.equal(s.started, false);
  assert.equal(s.run, 'ready');
  assert.deepEqual(s.counters, COUNTERS);
  assert.notEqual(initialState(), s, 'a fresh object each time');
});

test('every page message and every internal event has a handler; an unknown one is an ERROR', () => {
  for (const type of [...Object.values(ToWorker), ...Object.values(Internal)]) assert.ok(handles(type), type);
  for (const type of Object.values(Internal)) assert.ok(!Object.values(ToWorker).includes(type), `${type} is not a page message`);
  const s = next(readyState(), { type: 'no-such-message' });
  assert.deepEqual(posted(s).map((m) => [m.type, m.where, m.message]), [[FromWorker.ERROR, 'train', 'unknown message type no-such-message']]);
});

test('messages before wasm is ready wait, then run in order after READY', () => {
  const chunk = new Uint8Array(4);
  let s = steps(initialState(), msg(P.dataChunk('train', 'images', chunk)), msg(P.configure({ epochs: 1 })), msg(P.pause()));
  assert.deepEqual(s.fx, [], 'nothing is done before wasm is ready');
  assert.equal(s.inbox.length, 3);
  s = next(s, started());
  assert.deepEqual(types(s), ['post:ready', Effect.DATA, Effect.CONFIGURE]);
  assert.deepEqual(msg(P.ready({ ...INFO })), posted(s)[0], 'READY: the wasm facts, nothing restored');
  assert.equal(effects(s, Effect.DATA)[0].chunk, chunk);
  assert.deepEqual(s.inbox, []);
  assert.equal(s.started, true);
});

test('a restored model: READY tells it, and it is scored once the test set is complete', () => {
  const restored = { counters: { epoch: 2, stepInEpoch: 0, stepsPerEpoch: 100, totalSteps: 200 }, testAccuracy: 0.97, savedAt: 5, tab: 'tab-b' };
  let s = next(initialState(), started(restored));
  assert.deepEqual(posted(s)[0].restored, { savedAt: 5, epochs: 2, totalSteps: 200, testAccuracy: 0.97, tab: 'tab-b' }, 'with the tab whose charts go with it');
  assert.equal(s.pendingFull, true);
  s = next(s, status(60000, 5000, false));
  assert.deepEqual(effects(s, Effect.EVALUATE), [], 'not before the test set is complete');
  s = next(s, status(60000, 10000, true, 'finish', { set: 'test' }));
  const [e] = effects(s, Effect.EVALUATE);
  assert.deepEqual({ ...e }, { type: Effect.EVALUATE, kind: 'full', count: 10000, gen: 0, step: 200, epoch: 2, persistAfter: false });
  s = next(s, evaluated(e, 0.975));
  assert.equal(posted(s, FromWorker.EVALUATION)[0].accuracy, 0.975);
  assert.equal(s.lastFullAccuracy, 0.975);
  assert.equal(s.busy, null);
});

test('data: chunks, ends and clears become trainer calls; their status follows', () => {
  const s = readyState();
  const chunk = next(s, msg(P.dataChunk('test', 'labels', new Uint8Array(2))));
  assert.deepEqual(effects(chunk, Effect.DATA).map(({ op, set, file, fail }) => ({ op, set, file, fail })), [{ op: 'push', set: 'test', file: 'labels', fail: { where: 'data', extra: { set: 'test' } } }]);
  assert.equal(next(s, msg(P.dataEnd('test', 'labels'))).fx[0].op, 'finish');
  assert.equal(next(s, msg(P.dataClear('test'))).fx[0].op, 'clear');
  // The outcomes: a chunk's status soon (at most every 100 ms), an end's FILE_DONE and status now.
  assert.deepEqual(next(s, status(100, 0, false, 'push')).fx, [{ type: Effect.STATUS, soon: true }]);
  const end = next(s, status(60000, 0, false, 'finish', { set: 'train', file: 'labels' }));
  assert.deepEqual(end.fx, [{ type: Effect.POST, message: P.fileDone('train', 'labels') }, { type: Effect.STATUS, soon: false }]);
  assert.deepEqual(end.data, { trainUsable: 60000, testUsable: 0, testComplete: false });
  assert.deepEqual(next(s, status(0, 0, false, 'clear')).fx, [{ type: Effect.STATUS, soon: false }]);
});

test('CONFIGURE: the settings go to the trainer; CONFIGURED tells the page and sizes the pool', () => {
  const s = next(readyState(), msg(P.configure({ epochs: 5 })));
  assert.deepEqual(s.fx, [{ type: Effect.CONFIGURE, settings: { epochs: 5 }, learnDrawings: false, startRun: false, continues: false, fail: { where: 'train', extra: {} } }]);
  const c = next(s, configured({ epochs: 5, workers: 3 }));
  assert.deepEqual(types(c), ['post:configured', Effect.WORKERS]);
  assert.equal(effects(c, Effect.WORKERS)[0].setting, 3);
  assert.equal(c.run, 'ready');
  // Mid-run, a new `epochs` changes the run under way.
  const mid = next(training(), configured({ epochs: 7 }));
  assert.deepEqual(mid.plan, { startEpoch: 0, epochs: 7 });
  // Dropout turned on: the model card's layers changed, the page is told (not a rebuild).
  const description = { layers: [], params: 93322, input: [28, 28, 1], classes: 10 };
  const withDropout = next(readyState(), { ...configured({ dropout: 0.5 }), model: { description, parameterCount: 93322 } });
  assert.deepEqual(types(withDropout), ['post:configured', 'post:model', Effect.WORKERS]);
  assert.deepEqual(posted(withDropout, FromWorker.MODEL), [msg(P.model(description, 93322, false))]);
});

test('TRAIN of a model that has trained: the run continues gently (continueRun)', () => {
  const s = next(readyState(), msg(P.train({ epochs: 2 }, false, true)));
  assert.deepEqual(s.fx, [{ type: Effect.CONFIGURE, settings: { epochs: 2 }, learnDrawings: false, startRun: true, continues: true, fail: { where: 'train', extra: {} } }]);
});

test('TRAIN: configure, start the run, the first slice; without images it pauses at once', () => {
  let s = next(readyState(), msg(P.train({ epochs: 2 }, true)));
  assert.deepEqual(s.fx, [{ type: Effect.CONFIGURE, settings: { epochs: 2 }, learnDrawings: true, startRun: true, continues: false, fail: { where: 'train', extra: {} } }]);
  s = next(s, configured({}, true));
  assert.deepEqual(types(s), ['post:configured', Effect.WORKERS, 'post:state', Effect.LOOP_START, Effect.SLICE]);
  assert.deepEqual(states(s), ['training']);
  assert.deepEqual(s.plan, { startEpoch: 0, epochs: 2 });
  assert.equal(s.busy, 'slice');
  assert.deepEqual(effects(s, Effect.SLICE), [{ type: Effect.SLICE, gen: 0 }]);
  // "Learn them for good" without drawings: the settings applied and were told, the error too, no run.
  const noData = Object.assign(new Error('No drawings'), { name: ErrorName.noData });
  const refused = next(readyState(), configured({}, false, noData));
  assert.deepEqual(types(refused), ['post:configured', Effect.WORKERS, 'post:error']);
  assert.equal(posted(refused, FromWorker.ERROR)[0].name, ErrorName.noData);
  assert.equal(refused.run, 'ready');
  // No training images yet.
  const empty = training(steps(initialState(), started(), configured()));
  assert.deepEqual(states(empty), ['training', 'paused: No training images are loaded yet.']);
  assert.deepEqual(effects(empty, Effect.CHECKSUMS), [{ type: Effect.CHECKSUMS, gen: 0 }]);
  assert.equal(empty.looping, false);
});

test('a slice: PROGRESS, then the next slice; estimates every ~3 s of training, at most 15 % of it', () => {
  let s = next(training(), sliced(0, 2));
  const [progress] = posted(s, FromWorker.PROGRESS);
  assert.deepEqual(
    { ...progress, losses: [...progress.losses], accuracies: undefined },
    { type: FromWorker.PROGRESS, losses: [2.299999952316284, 2.0999999046325684], accuracies: undefined, firstStep: 0, images: 128, ms: 40, epoch: 0, epochInRun: 0, epochsInRun: 2, stepInEpoch: 2, stepsPerEpoch: 100, batchSize: 64, learningRate: 0.006, workers: 2 },
  );
  assert.deepEqual(types(s), ['post:progress', Effect.SLICE]);
  s = next(s, sliced(0, 4, { ms: ESTIMATE_EVERY_MS }));
  assert.equal(posted(s, FromWorker.PROGRESS)[0].firstStep, 2);
  const [e] = effects(s, Effect.EVALUATE);
  assert.deepEqual({ kind: e.kind, count: e.count, step: e.step }, { kind: 'estimate', count: ESTIMATE_IMAGES, step: 4 });
  assert.equal(s.trainMs, 0);
  assert.equal(s.busy, 'evaluate');
  s = next(s, evaluated(e, 0.8, 900));
  assert.deepEqual(posted(s, FromWorker.EVALUATION), [msg(P.evaluation({ kind: 'estimate', step: 4, epoch: 0, accuracy: 0.8, loss: 0.3, count: ESTIMATE_IMAGES }))]);
  assert.equal(s.estimateEveryMs, 900 / ESTIMATE_SHARE, 'a slow estimate: the next ones come less often');
  assert.deepEqual(types(s), ['post:evaluation', Effect.SLICE]);
  // A partial slice (a large batch under way): nothing told, the next slice.
  const partial = next(s, { type: Internal.SLICED, gen: 0, slice: { partial: true, ms: 40 } });
  assert.deepEqual(types(partial), [Effect.SLICE]);
  assert.equal(partial.trainMs, 40);
});

test('an epoch ends: the full score, then the save; the run ends: done, saved, checksums', () => {
  let s = steps(training(), ...epochEnded(0, 100, 1));
  const [full] = effects(s, Effect.EVALUATE);
  assert.deepEqual({ kind: full.kind, count: full.count, persistAfter: full.persistAfter }, { kind: 'full', count: 10000, persistAfter: true });
  assert.deepEqual(effects(s, Effect.SAVE), [], 'the save waits for the score');
  s = next(s, evaluated(full, 0.95));
  assert.deepEqual(effects(s, Effect.SAVE).map(({ counters, testAccuracy }) => [counters.totalSteps, testAccuracy]), [[100, 0.95]]);
  assert.deepEqual(types(s), ['post:evaluation', Effect.SAVE, Effect.SLICE]);
  s = steps(s, ...epochEnded(0, 200, 2));
  assert.deepEqual(types(s), ['post:epoch-end', Effect.EVALUATE]);
  s = next(s, evaluated(effects(s, Effect.EVALUATE)[0], 0.97));
  assert.deepEqual(types(s), ['post:evaluation', Effect.SAVE, 'post:state', Effect.SAVE, Effect.CHECKSUMS]);
  assert.deepEqual(states(s), ['done']);
  assert.equal(s.looping, false);
  assert.ok(checksumsWanted(s, effects(s, Effect.CHECKSUMS)[0]));
});

test("an epoch's end: the held-out images scored first, its history line posted, then the test set", () => {
  let s = steps(training(), sliced(0, 50, { ms: 300 }), sliced(0, 100, { epoch: 1, epochDone: true, ms: 500 }));
  assert.deepEqual(effects(s, Effect.EPOCH_END), [{ type: Effect.EPOCH_END, gen: 0, runEnds: false }]);
  assert.deepEqual(effects(s, Effect.EVALUATE), [], 'the test set waits for the validation score');
  assert.equal(s.busy, 'evaluate');
  s = next(s, scored(0, 1, {}, 200));
  const [line] = posted(s, FromWorker.EPOCH_END);
  assert.deepEqual(line, msg(P.epochEnd({
    epoch: 1, step: 100, loss: 0.4, accuracy: 0.88, valLoss: 0.35, valAccuracy: 0.9, valCount: 6000,
    learningRate: 0.006, seconds: 1, patience: 0, bestEpoch: null, stop: false, restoredEpoch: null,
  })));
  assert.equal(effects(s, Effect.EVALUATE)[0].kind, 'full');
  // The run's last epoch tells the core so (it keeps the best weights then).
  s = steps(s, evaluated(effects(s, Effect.EVALUATE)[0]), sliced(0, 200, { epoch: 2, epochDone: true }));
  assert.deepEqual(effects(s, Effect.EPOCH_END), [{ type: Effect.EPOCH_END, gen: 0, runEnds: true }]);
  // No validation split: the line has no val figures.
  s = next(s, scored(0, 2, { count: 0, loss: NaN, accuracy: NaN }));
  assert.deepEqual([posted(s)[0].valLoss, posted(s)[0].valAccuracy], [null, null]);
  // A stale record (a reset came meanwhile) is dropped.
  const stale = steps(training(), sliced(0, 100, { epoch: 1, epochDone: true }), { type: Internal.EPOCH_SCORED, gen: 0, ms: 0, report: null });
  assert.deepEqual(posted(stale, FromWorker.EPOCH_END), []);
  assert.deepEqual(effects(stale, Effect.EVALUATE), []);
});

test('early stopping: a stop ends the run after its test score, as done, however many epochs were planned', () => {
  let s = steps(training(), msg(P.train({ epochs: 10 })), configured({ epochs: 10 }, true));
  s = steps(s, ...epochEnded(0, 100, 1, { patience: 1, bestEpoch: 1 }));
  s = steps(s, evaluated(effects(s, Effect.EVALUATE)[0]), sliced(0, 200, { epoch: 2, epochDone: true }));
  s = next(s, scored(0, 2, { patience: 1, bestEpoch: 1, wait: 1, stop: true, restoredEpoch: 1 }));
  const [line] = posted(s, FromWorker.EPOCH_END);
  assert.deepEqual([line.stop, line.bestEpoch, line.restoredEpoch, line.patience], [true, 1, 1, 1]);
  assert.equal(s.run, 'training', 'the test score of the kept weights comes first');
  s = next(s, evaluated(effects(s, Effect.EVALUATE)[0], 0.97));
  assert.deepEqual(states(s), ['done']);
  assert.deepEqual(types(s), ['post:evaluation', Effect.SAVE, 'post:state', Effect.SAVE, Effect.CHECKSUMS]);
  // The next TRAIN is a new run: it does not stop at once.
  s = steps(s, msg(P.train({ epochs: 10 })), configured({ epochs: 10 }, true));
  assert.equal(s.run, 'training');
  assert.equal(s.busy, 'slice');
});

test('an epoch that ends before the test set is complete: saved now, scored once it is in, then done', () => {
  let s = training(steps(initialState(), started(), status(60000, 4000, false), configured()));
  s = steps(s, ...epochEnded(0, 100, 1));
  assert.equal(s.pendingFull, true);
  assert.deepEqual(types(s), ['post:epoch-end', Effect.SAVE, Effect.SLICE]);
  s = steps(s, ...epochEnded(0, 200, 2));
  assert.deepEqual(types(s), ['post:epoch-end', Effect.SAVE], 'the run is over, but "done" waits for its score');
  assert.equal(s.run, 'training');
  s = next(s, status(60000, 8000, false));
  assert.deepEqual(types(s), [Effect.STATUS]);
  s = next(s, status(60000, 10000, true, 'finish', { set: 'test' }));
  const [full] = effects(s, Effect.EVALUATE);
  assert.deepEqual({ kind: full.kind, step: full.step, count: full.count }, { kind: 'full', step: 200, count: 10000 });
  s = next(s, evaluated(full));
  assert.deepEqual(states(s), ['done']);
  // Paused meanwhile instead: the score comes when the test set does, outside any loop.
  let p = training(steps(initialState(), started(), status(60000, 4000, false), configured()));
  p = steps(p, ...epochEnded(0, 100, 1), msg(P.pause()), sliced(0, 101));
  assert.equal(p.run, 'paused');
  p = next(p, status(60000, 10000, true, 'finish'));
  assert.equal(effects(p, Effect.EVALUATE)[0].kind, 'full');
});

test('PAUSE inside a slice: told after its PROGRESS, then saved; no new slice', () => {
  let s = next(training(), msg(P.pause()));
  assert.deepEqual(s.fx, [], 'nothing told inside the slice');
  assert.equal(keepTraining(s, 0), false, 'the slice stops at its next step');
  s = next(s, sliced(0, 3));
  assert.deepEqual(types(s), ['post:progress', 'post:state', Effect.SAVE, Effect.CHECKSUMS]);
  assert.deepEqual(states(s), ['paused']);
  assert.equal(s.pauseDeferred, false);
  // RESUME: the loop goes on, with the compute workers loaded again.
  const r = next(s, msg(P.resume()));
  assert.deepEqual(types(r), ['post:state', Effect.LOOP_START, Effect.SLICE]);
  // A slice that trained nothing before the pause still tells it.
  const none = steps(training(), msg(P.pause()), { type: Internal.SLICED, gen: 0, slice: { partial: true, ms: 0 } });
  assert.deepEqual(states(none), ['paused']);
  // RESUME before the slice ended: the pause is undone, never told.
  const undone = steps(training(), msg(P.pause()), msg(P.resume()), sliced(0, 3));
  assert.deepEqual(types(undone), ['post:progress', Effect.SLICE]);
});

test('PAUSE between slices (an estimate under way): told at once; the estimate still reports', () => {
  let s = next(training(), sliced(0, 4, { ms: ESTIMATE_EVERY_MS }));
  const [e] = effects(s, Effect.EVALUATE);
  s = next(s, msg(P.pause()));
  assert.deepEqual(types(s), ['post:state', Effect.SAVE]);
  s = next(s, evaluated(e));
  assert.deepEqual(types(s), ['post:evaluation', Effect.CHECKSUMS]);
  assert.equal(next(s, msg(P.pause())).fx.length, 0, 'PAUSE when not training does nothing');
});

test('RESET: counters 0, a new generation; the slice under way and a save in flight are dropped', () => {
  let s = steps(training(), ...epochEnded(0, 100, 1));
  s = next(s, evaluated(effects(s, Effect.EVALUATE)[0]));
  const [save] = effects(s, Effect.SAVE);
  assert.ok(saveWanted(s, save));
  s = next(s, msg(P.reset()));
  assert.deepEqual(types(s), [Effect.RESET_MODEL, 'post:state']);
  assert.deepEqual(states(s), ['ready: reset']);
  assert.equal(saveWanted(s, save), false, 'a RESET during the save: it is undone');
  assert.deepEqual(s.counters, COUNTERS);
  assert.equal(s.generation, 1);
  assert.ok(stale(s, 0));
  // TRAIN before the old slice returned: the new run waits for it, then starts a new loop.
  s = steps(s, msg(P.train({})), configured({}, true));
  assert.deepEqual(effects(s, Effect.SLICE), [], 'one piece of work at a time');
  s = next(s, sliced(0, 102));
  assert.deepEqual(posted(s, FromWorker.PROGRESS), [], "the old model's batches are not told");
  assert.deepEqual(types(s), [Effect.LOOP_START, Effect.SLICE]);
  assert.deepEqual(effects(s, Effect.SLICE), [{ type: Effect.SLICE, gen: 1 }]);
  assert.deepEqual(s.counters, COUNTERS);
  // Nothing trained yet: nothing to save.
  assert.deepEqual(effects(next(s, msg(P.pause())), Effect.SAVE), []);
});

test('IMPORT: a new generation, its counters, saved, and scored; an old evaluation is dropped', () => {
  let s = next(training(), sliced(0, 4, { ms: ESTIMATE_EVERY_MS }));
  const [estimate] = effects(s, Effect.EVALUATE);
  const bytes = new Uint8Array(8);
  const asked = next(s, msg(P.importModel(bytes)));
  assert.deepEqual(asked.fx, [{ type: Effect.IMPORT, bytes, fail: { where: 'import', extra: {} } }]);
  assert.equal(asked.generation, 0, 'nothing changes before the file loaded');
  const progress = { epoch: 3, stepInEpoch: 0, stepsPerEpoch: 938, totalSteps: 2814 };
  s = next(asked, { type: Internal.IMPORTED, progress });
  assert.equal(s.generation, 1);
  assert.deepEqual(s.counters, progress);
  assert.equal(s.plan, null);
  assert.deepEqual(types(s), ['post:imported', 'post:state', Effect.SAVE]);
  assert.deepEqual(states(s), ['ready: imported']);
  s = next(s, evaluated(estimate));
  assert.deepEqual(posted(s), [], "the old model's estimate is not told");
  const [full] = effects(s, Effect.EVALUATE);
  assert.deepEqual({ kind: full.kind, gen: full.gen, step: full.step }, { kind: 'full', gen: 1, step: 2814 });
  assert.deepEqual(effects(s, Effect.CHECKSUMS), [], "the old loop's checksums are not asked for");
});

test('REBUILT: labels of another class count reset the run like RESET, without resetting the core again', () => {
  let s = steps(training(), ...epochEnded(0, 100, 1));
  s = next(s, evaluated(effects(s, Effect.EVALUATE)[0]));
  const [save] = effects(s, Effect.SAVE);
  s = next(s, { type: Internal.REBUILT });
  assert.deepEqual(types(s), [Effect.RESET_MODEL, 'post:state', Effect.MODEL_CHANGED]);
  assert.deepEqual(effects(s, Effect.RESET_MODEL), [{ type: Effect.RESET_MODEL, rebuilt: true }]);
  assert.deepEqual(effects(s, Effect.MODEL_CHANGED), [{ type: Effect.MODEL_CHANGED, rebuilt: true }]);
  assert.deepEqual(states(s), ['ready: reset']);
  assert.deepEqual(s.counters, COUNTERS);
  assert.equal(saveWanted(s, save), false, 'the old model is not saved over the new one');
  assert.deepEqual(effects(next(s, msg(P.reset())), Effect.RESET_MODEL), [{ type: Effect.RESET_MODEL, rebuilt: false }], 'RESET resets the core');
});

test('IMPORT of another class count: the page is told the new model before the import', () => {
  const progress = { epoch: 0, stepInEpoch: 0, stepsPerEpoch: 0, totalSteps: 0 };
  const s = next(readyState(), { type: Internal.IMPORTED, progress, resized: true });
  assert.deepEqual(types(s).slice(0, 2), [Effect.MODEL_CHANGED, 'post:imported']);
  assert.deepEqual(effects(next(readyState(), { type: Internal.IMPORTED, progress, resized: false }), Effect.MODEL_CHANGED), []);
  // A Keras file: the page is told, to say that Adam's state starts afresh.
  assert.equal(posted(next(readyState(), { type: Internal.IMPORTED, progress, fromKeras: true }), 'imported')[0].fromKeras, true);
  assert.equal(posted(next(readyState(), { type: Internal.IMPORTED, progress }), 'imported')[0].fromKeras, undefined);
});

test('DATA_REPLACE: checked first; then paused, loaded, told, and an own test set is scored', () => {
  const sets = { test: { images: { name: 'a', bytes: new Uint8Array(1) }, labels: { name: 'b', bytes: new Uint8Array(1) } } };
  let s = next(training(), sliced(0, 2));
  assert.deepEqual(next(s, msg(P.dataReplace(sets))).fx, [{ type: Effect.CHECK_DATA, sets, fail: { where: 'user-data', extra: {} } }]);
  s = next(s, { type: Internal.DATA_CHECKED, sets, order: ['test'], names: ['b', 'a'], trainFiles: [] });
  assert.deepEqual(states(s), ['paused: New data loaded.']);
  assert.equal(s.generation, 1);
  assert.deepEqual(types(s), ['post:state', Effect.LOAD_DATA]);
  s = next(s, sliced(0, 4)); // the slice under way returns: dropped
  s = next(s, status(60000, 500, true, 'replace', { order: ['test'], names: ['b', 'a'], trainFiles: [] }));
  assert.deepEqual(types(s), [Effect.STATUS, 'post:data-replaced', Effect.EVALUATE]);
  assert.deepEqual(posted(s, FromWorker.DATA_REPLACED), [msg(P.dataReplaced(['test'], ['b', 'a'], []))]);
  assert.equal(effects(s, Effect.EVALUATE)[0].count, 500);
  // A training set only: no new generation, nothing to score.
  const train = next(readyState(), { type: Internal.DATA_CHECKED, sets, order: ['train'], names: [], trainFiles: ['l', 'i'] });
  assert.equal(train.generation, 0);
  assert.deepEqual(states(train), []);
});

test('a failed step: the PROGRESS before it, the ERROR, a pause; a diverged one keeps its weights', () => {
  const diverged = Object.assign(new Error('The loss is not finite'), { name: ErrorName.diverged });
  let s = next(training(), sliced(0, 3, { failure: diverged }));
  assert.deepEqual(types(s), ['post:progress', 'post:error', 'post:state', Effect.SAVE, Effect.CHECKSUMS]);
  assert.deepEqual(states(s), ['paused: The loss is not finite']);
  // A slice or evaluation that threw before any batch: no save for other errors.
  s = next(training(), { type: Internal.FAILED, gen: 0, error: new Error('out of memory') });
  assert.deepEqual(types(s), ['post:error', 'post:state', Effect.CHECKSUMS]);
  assert.equal(posted(s, FromWorker.ERROR)[0].where, 'train');
  // After a reset: told, nothing else.
  s = steps(training(), msg(P.reset()), { type: Internal.FAILED, gen: 0, error: new Error('x') });
  assert.deepEqual(types(s), ['post:error']);
  // A PAUSE inside the failed slice is told with the failure's reason.
  s = steps(training(), msg(P.pause()), { type: Internal.FAILED, gen: 0, error: new Error('x') });
  assert.deepEqual(states(s), ['paused: x']);
});

test('TEACH: a fine-tune of this generation; TAUGHT told, and saved unless a run is on', () => {
  const teach = msg(P.teach(4, new Uint8Array(784), new Uint8Array(1), 0));
  assert.deepEqual(next(readyState(), teach).fx, [{ type: Effect.TEACH, message: teach, gen: 0 }]);
  const result = { label: 3, predicted: 3, probability: 0.9, steps: 12, ms: 80 };
  const trained = Object.assign(readyState(), { counters: { ...COUNTERS, totalSteps: 5 } });
  const done = next(trained, { type: Internal.TAUGHT, id: 4, result });
  assert.deepEqual(types(done), ['post:taught', Effect.SAVE]);
  assert.deepEqual(posted(done)[0], msg(P.taught({ id: 4, ...result })));
  assert.deepEqual(types(next(training(), { type: Internal.TAUGHT, id: 4, result })), ['post:taught'], 'mid-run: the next save has it');
  const failed = next(readyState(), { type: Internal.TAUGHT, id: 4, error: new Error('No drawings') });
  assert.deepEqual(posted(failed), [msg(P.taught({ id: 4, error: 'No drawings' }))]);
});

test('PREDICT, SAMPLE, EXPORT, LAYERS, DRAWINGS: one effect each, failing as their ERROR says', () => {
  const s = training();
  const pixels = new Float32Array(784);
  const cases = [
    [P.predict(1, pixels), { type: Effect.PREDICT, id: 1, pixels, fail: { where: 'predict', extra: {} } }],
    [P.sample('test', 7), { type: Effect.SAMPLE, set: 'test', index: 7, fail: { where: 'train', extra: { set: 'test' } } }],
    [P.exportModel('safetensors'), { type: Effect.EXPORT, format: 'safetensors', fail: { where: 'export', extra: {} } }],
    [P.layers(2, pixels), { type: Effect.LAYERS, id: 2, pixels }],
    [P.drawings(new Uint8Array(784), new Uint8Array(1)), { type: Effect.DRAWINGS, images: new Uint8Array(784), labels: new Uint8Array(1), fail: { where: 'teach', extra: {} } }],
  ];
  for (const [m, effect] of cases) {
    const after = next(s, msg(m));
    assert.deepEqual(after.fx, [effect], m[0].type);
    assert.equal(after.busy, 'slice', 'the slice under way goes on');
  }
});

test('a failed save (a full disk): told as a storage ERROR with its name, training goes on; the next good save says SAVED once', () => {
  let s = steps(training(), ...epochEnded(0, 100, 1));
  s = next(s, evaluated(effects(s, Effect.EVALUATE)[0]));
  assert.equal(effects(s, Effect.SAVE).length, 1);
  const quota = Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
  s = next(s, { type: Internal.SAVE_FAILED, error: quota });
  assert.deepEqual(posted(s), [msg(P.error('storage', quota))]);
  assert.equal(posted(s)[0].name, 'QuotaExceededError', 'the page words it by name');
  assert.equal(s.run, 'training');
  assert.equal(s.busy, 'slice', 'the next slice is under way');
  assert.deepEqual(s.counters.totalSteps, 100);
  s = next(s, sliced(0, 101));
  assert.deepEqual(types(s), ['post:progress', Effect.SLICE], 'training goes on');
  s = next(s, { type: Internal.SAVE_FAILED, error: quota });
  assert.equal(posted(s, FromWorker.ERROR).length, 1, 'each failed save is told (the page shows one notice)');
  s = next(s, { type: Internal.SAVED });
  assert.deepEqual(posted(s), [msg(P.saved())], 'saved again: the page drops its notice');
  assert.deepEqual(next(s, { type: Internal.SAVED }).fx, [], 'a save like any other tells nothing');
});

test('every page message and internal event was used above', () => {
  for (const type of [...Object.values(ToWorker), ...Object.values(Internal)]) assert.ok(seen.has(type), type);
});
