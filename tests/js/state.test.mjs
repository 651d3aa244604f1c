// The page's state (www/state.js): every event type, user action or worker message, gives the
// next state and the effects it asks for. Each step runs on a deep-frozen state and event, so a
// reducer that changed its input would throw; the last test checks every event type was used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as P from '../../www/protocol.js';
import { FromWorker, ToWorker } from '../../www/protocol.js';
import { ErrorName } from '../../www/errors.js';
import { Action, Effect, handles, initialState, reduce } from '../../www/state.js';
import { Ema, emaValue, smoothingFor } from '../../www/metrics.js';
import { PRETRAINED_NAME, canTeach, mapGrid, outputWinner, pretrainedNote, teachStatus } from '../../www/state/inside.js';
import { MODEL, SCHEMA, progressMessage } from './core.mjs';
import { NON_BLOCKING } from '../../www/ui-state.js';
import { RUN_COLOURS, canKeep, parseRuns } from '../../www/state/runs.js';

const DEFAULTS = { epochs: 3, batchSize: 64, learningRate: 0.008, schedule: true, trainSize: 60000, validationSplit: 0.1, patience: 0, augment: true, dropout: 0, workers: 0, trainOnDrawings: false, drawingsShare: 0.1, optimizer: 'adam' };
const KEPT = { epochs: 7, batchSize: 128, learningRate: 0.0005, trainSize: 2000, validationSplit: 0.1, patience: 0, augment: false, dropout: 0, workers: 2, trainOnDrawings: false, drawingsShare: 0.1, optimizer: 'adam' };
const PIXELS = new Float32Array(784).fill(0.5);

function deepFreeze(value) {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
  return value;
}

const seen = new Set();
/** One event on a frozen state: the reducer must not change either. */
function step(state, event) {
  seen.add(event.type);
  return reduce(deepFreeze(state), deepFreeze(event));
}
const steps = (state, ...events) => events.reduce(step, state);

const effects = (s, type) => s.effects.filter((e) => e.type === type);
/** The messages sent to the worker by the last step: [message, transfer] pairs. */
const sent = (s) => effects(s, Effect.SEND).map((e) => e.message);
const sentTypes = (s) => sent(s).map(([m]) => m.type);

const readyMessage = (over = {}) => ({
  ...P.ready({ simd: true, build: 'simd', parameterCount: 93322, tab: 'tab-a', restored: null })[0],
  schema: SCHEMA,
  model: MODEL,
  ...over,
});
const dataStatus = (train, test) => P.dataStatus({ train: { usable: train, expectedImages: 60000 }, test: { usable: test, expectedImages: 10000 } })[0];
const progress = (over = {}) => progressMessage(over);
const workerError = (where, message, extra = {}) => P.error(where, message, extra)[0];
/** Ready, with data in and valid settings. */
const readyState = (over = {}) => steps(initialState(), { ...readyMessage(over), keptSettings: over.keptSettings }, dataStatus(60000, 10000));

test('the initial state: nothing ready, no settings, nothing to do', () => {
  const s = initialState();
  assert.equal(s.workerReady, false);
  assert.equal(s.settings, null);
  assert.equal(s.settingsValid, false);
  assert.deepEqual(s.effects, []);
  assert.notEqual(initialState(), s, 'a fresh object each time');
});

test('every protocol message from the worker and every action has a handler', () => {
  for (const type of [...Object.values(FromWorker), ...Object.values(Action)]) assert.ok(handles(type), type);
  assert.equal(handles('no-such-event'), false);
  const s = initialState();
  const next = reduce(s, { type: 'no-such-event' });
  assert.deepEqual({ ...next, effects: [] }, { ...s, effects: [] }, 'an unknown event changes nothing');
});

test('READY: the schema, the model, the kept settings, and the first CONFIGURE carries them', () => {
  const s = step(initialState(), { ...readyMessage(), keptSettings: KEPT });
  assert.equal(s.workerReady, true);
  assert.equal(s.schema, SCHEMA);
  assert.equal(s.model, MODEL);
  assert.equal(s.build, 'simd');
  assert.equal(s.parameterCount, 93322);
  assert.deepEqual(s.settings, KEPT);
  assert.equal(s.settingsValid, true);
  assert.deepEqual(sent(s), [P.configure(KEPT)]);
  // Without kept settings: the schema's defaults.
  const fresh = step(initialState(), readyMessage());
  assert.deepEqual(fresh.settings, DEFAULTS);
  assert.deepEqual(sent(fresh), [P.configure(DEFAULTS)]);
  assert.deepEqual(effects(fresh, Effect.CHARTS_LOAD), []);
});

test('READY with a restored model: its counters, score, and the chart history of the tab that saved it is asked for', () => {
  const restored = { savedAt: 1, epochs: 2, totalSteps: 120, testAccuracy: 0.97, tab: 'tab-b' };
  const s = step(initialState(), readyMessage({ restored }));
  assert.equal(s.totalSteps, 120);
  assert.equal(s.testAccuracy, 0.97);
  assert.equal(s.tab, 'tab-a', "this tab's own id, for its own saves");
  assert.deepEqual(effects(s, Effect.CHARTS_LOAD), [{ type: Effect.CHARTS_LOAD, tab: 'tab-b', totalSteps: 120 }]);
  // The history comes back only if it is that model's (same tab, same step), and that model is still shown.
  const ema = { weight: 0.95, value: 1.2, steps: 30 };
  const saved = { tab: 'tab-b', totalSteps: 120, charts: { lossEma: ema, accEma: { weight: 0.95, value: 0.5, steps: 30 } } };
  const back = step(s, { type: Action.CHARTS_LOADED, tab: 'tab-b', totalSteps: 120, saved });
  assert.deepEqual(effects(back, Effect.CHARTS_RESTORE), [{ type: Effect.CHARTS_RESTORE, charts: saved.charts }]);
  assert.deepEqual(back.smoothed.loss, { ...ema, decay: 0.95 ** 30 }, 'the stats show the restored smoothing');
  for (const other of [null, { ...saved, totalSteps: 99 }, { ...saved, tab: 'tab-c' }]) {
    assert.deepEqual(step(s, { type: Action.CHARTS_LOADED, tab: 'tab-b', totalSteps: 120, saved: other }).effects, [], "another model's history, even at the same step");
  }
  const reset = step(s, { type: Action.RESET });
  assert.deepEqual(step(reset, { type: Action.CHARTS_LOADED, tab: 'tab-b', totalSteps: 120, saved }).effects, [], 'reset meanwhile');
  // A model saved before tabs had ids (no tab) and the one history kept then (no tab either).
  const old = step(initialState(), readyMessage({ restored: { ...restored, tab: null } }));
  const { tab, ...oldSaved } = saved;
  assert.equal(effects(step(old, { type: Action.CHARTS_LOADED, tab: null, totalSteps: 120, saved: oldSaved }), Effect.CHARTS_RESTORE).length, 1);
});

test('SETTINGS_INPUT: a valid form is kept and configures the trainer; an invalid one neither', () => {
  const s = readyState();
  const raw = { epochs: '3', batchSize: '32', learningRate: '0.002', trainSize: '2000', validationSplit: '0.1', patience: '0', augment: false, dropout: '0', workers: '2', drawingsShare: '0.1' };
  const good = step(s, { type: Action.SETTINGS_INPUT, raw });
  const values = { epochs: 3, batchSize: 32, learningRate: 0.002, schedule: true, trainSize: 2000, validationSplit: 0.1, patience: 0, augment: false, dropout: 0, workers: 2, trainOnDrawings: false, drawingsShare: 0.1, optimizer: 'adam' };
  assert.deepEqual(good.settings, values);
  assert.equal(good.settingsValid, true);
  assert.deepEqual(effects(good, Effect.SAVE_SETTINGS), [{ type: Effect.SAVE_SETTINGS, schema: SCHEMA, values }]);
  assert.deepEqual(sent(good), [P.configure(values)]);

  const bad = step(good, { type: Action.SETTINGS_INPUT, raw: { ...raw, learningRate: '0.' } });
  assert.equal(bad.settingsValid, false);
  assert.deepEqual(bad.settingsErrors, { learningRate: 'Learning rate must be greater than 0 and at most 1.' });
  assert.deepEqual(bad.settings, values, 'the last valid settings stay');
  assert.deepEqual(bad.effects, [], 'a half-typed value is neither kept nor sent');
  assert.equal(step(bad, { type: Action.TRAIN }).effects.length, 0, 'no training with an invalid form');

  const before = step(initialState(), { type: Action.SETTINGS_INPUT, raw });
  assert.equal(before.settings, null, 'no form before READY');
});

test('TRAIN sends the settings, RESUME when paused; PAUSE; errors of the last run are cleared', () => {
  const s = readyState({ keptSettings: KEPT });
  const first = step(s, { type: Action.TRAIN });
  assert.deepEqual(sent(first), [P.train(KEPT)]);
  const paused = steps(first, P.state('training')[0], workerError('train', 'the training loss became inf (diverged); try a lower learning rate', { name: ErrorName.diverged }), P.state('paused')[0]);
  assert.equal(paused.error.kind, 'diverged');
  const resumed = step(paused, { type: Action.TRAIN });
  assert.deepEqual(sentTypes(resumed), [ToWorker.RESUME]);
  assert.equal(resumed.error, null);
  assert.deepEqual(sentTypes(step(first, { type: Action.PAUSE })), [ToWorker.PAUSE]);
  assert.deepEqual(step(initialState(), { type: Action.TRAIN }).effects, [], 'not before READY');
});

test('STATE: the run state; paused or done keeps the charts and predicts with the final weights', () => {
  let s = steps(readyState(), { type: Action.PAD_CHANGED, pixels: PIXELS, empty: false }, P.prediction(1, new Float32Array(10))[0]);
  s = steps(s, P.state('training')[0], progress());
  assert.equal(s.runState, 'training');
  const paused = step(s, P.state('paused')[0]);
  assert.equal(paused.runState, 'paused');
  assert.deepEqual(effects(paused, Effect.CHARTS_KEEP), [{ type: Effect.CHARTS_KEEP, tab: 'tab-a', totalSteps: 2, history: [] }]);
  assert.deepEqual(sentTypes(paused), [ToWorker.PREDICT]);
  assert.deepEqual(effects(step(readyState(), P.state('done')[0]), Effect.CHARTS_KEEP), [], 'nothing to keep at step 0');
});

test('PROGRESS: steps, smoothed loss and accuracy as the charts smooth them, rate, chart effect', () => {
  const s = steps(readyState(), P.state('training')[0], progress(), progress({ firstStep: 2, at: 1100, images: 64, ms: 40 }));
  assert.equal(s.totalSteps, 4);
  const loss = new Ema();
  const acc = new Ema();
  for (const x of [2.3, 2.1, 2.3, 2.1]) loss.push(Math.fround(x));
  for (const x of [0.1, 0.2, 0.1, 0.2]) acc.push(Math.fround(x));
  assert.equal(s.smoothed.loss.steps, 4);
  assert.ok(Math.abs(s.smoothed.loss.value - loss.value) < 1e-12);
  assert.ok(Math.abs(s.smoothed.accuracy.value - acc.value) < 1e-12);
  assert.deepEqual(s.rate, [[1000, 64, 40], [1100, 64, 40]]);
  const [chart] = effects(s, Effect.CHARTS_STEPS);
  assert.equal(chart.firstStep, 2);
  assert.deepEqual([...chart.losses], [Math.fround(2.3), Math.fround(2.1)]);
});

test('PROGRESS: a short run smooths over a window that fits it, the charts alike', () => {
  // 3,000 images at batch 64 for one epoch: 47 steps, a window of ~5 batches, not 20.
  const run = { stepsPerEpoch: 47, epochsInRun: 1 };
  let s = steps(readyState(), P.state('training')[0]);
  const accuracies = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8];
  for (let i = 0; i < accuracies.length; i += 2) {
    s = step(s, progressMessage({ ...run, firstStep: i }, { losses: [1, 1], accuracies: accuracies.slice(i, i + 2) }));
  }
  const [chart] = effects(s, Effect.CHARTS_STEPS);
  assert.equal(chart.smoothing, smoothingFor(47));
  const shown = emaValue(s.smoothed.accuracy);
  assert.ok(shown > 0.6, `six batches at 80% after eight at 10% read ${shown}: most of the way to 80%`);
  // The same batches in a 300-step run keep the 20-batch window and read far lower.
  let long = steps(readyState(), P.state('training')[0]);
  for (let i = 0; i < accuracies.length; i += 2) {
    long = step(long, progressMessage({ firstStep: i }, { losses: [1, 1], accuracies: accuracies.slice(i, i + 2) }));
  }
  assert.ok(emaValue(long.smoothed.accuracy) < 0.5, 'the 20-batch window: about half way');
});

test('PROGRESS: the learning rate of the last step is kept; Reset forgets it', () => {
  let s = readyState();
  assert.ok(Number.isNaN(s.learningRate), 'none before any step');
  s = steps(s, P.state('training')[0], progress());
  assert.equal(s.learningRate, 0.002);
  s = step(s, progress({ firstStep: 2, learningRate: 0.0015 }));
  assert.equal(s.learningRate, 0.0015, 'the schedule moves it slice by slice');
  s = step(s, { type: Action.RESET });
  assert.ok(Number.isNaN(s.learningRate));
});

test('a setting changed mid-run is a mark at its step; edits at one step merge; Reset forgets them', () => {
  const raw = { ...DEFAULTS };
  let s = readyState();
  s = step(s, { type: Action.SETTINGS_INPUT, raw: { ...raw, learningRate: 0.01 } });
  assert.deepEqual(s.marks, [], 'before a run: no mark');
  s = steps(s, P.state('training')[0], progressMessage({ firstStep: 39 }));
  assert.equal(s.totalSteps, 41);
  s = step(s, { type: Action.SETTINGS_INPUT, raw: { ...raw, learningRate: 0.1 } });
  s = step(s, { type: Action.SETTINGS_INPUT, raw: { ...raw, learningRate: 0.15 } }); // still typing, same step
  assert.deepEqual(s.marks, [{ step: 41, changes: [{ name: 'learningRate', label: 'Learning rate', from: 0.01, to: 0.15 }] }]);
  assert.deepEqual(effects(s, Effect.CHARTS_MARKS), [{ type: Effect.CHARTS_MARKS, marks: s.marks }]);
  const back = step(s, { type: Action.SETTINGS_INPUT, raw: { ...raw, learningRate: 0.01 } });
  assert.deepEqual(back.marks, [], 'changed back at the same step: no change');
  s = steps(s, progressMessage({ firstStep: 41 }), P.state('paused')[0]);
  s = step(s, { type: Action.SETTINGS_INPUT, raw: { ...raw, learningRate: 0.15, augment: false } });
  assert.deepEqual(s.marks.at(-1), { step: 43, changes: [{ name: 'augment', label: 'Augment the training images', from: true, to: false }] });
  s = step(s, { type: Action.RESET });
  assert.deepEqual(s.marks, []);
  // Kept with the charts: a reload brings them back.
  const restored = step(initialState(), readyMessage({ restored: { savedAt: 1, epochs: 0, totalSteps: 43, testAccuracy: null, tab: 'tab-a' } }));
  const saved = { tab: 'tab-a', totalSteps: 43, charts: { lossEma: null, accEma: null, marks: [{ step: 41, changes: [] }] } };
  assert.deepEqual(step(restored, { type: Action.CHARTS_LOADED, tab: 'tab-a', totalSteps: 43, saved }).marks, saved.charts.marks);
  // The per-epoch history comes back with them (kept by CHARTS_KEEP); one kept before it existed leaves it empty.
  const history = [{ epoch: 1, step: 40, loss: 0.5, accuracy: 0.8, valLoss: 0.4, valAccuracy: 0.85 }];
  const withHistory = { ...saved, charts: { ...saved.charts, history } };
  assert.deepEqual(step(restored, { type: Action.CHARTS_LOADED, tab: 'tab-a', totalSteps: 43, saved: withHistory }).history, history);
  assert.deepEqual(step(restored, { type: Action.CHARTS_LOADED, tab: 'tab-a', totalSteps: 43, saved }).history, []);
});

/** The charts' smoothed curves, as main.js stamps KEEP_RUN / RESET with them: steps 1..n. */
const curves = (n) => {
  const x = Array.from({ length: n }, (_, i) => i + 1);
  return { loss: { x, y: x.map((v) => 2 / v) }, accuracy: { x, y: x.map((v) => v / n) } };
};

test('Reset keeps the run as an earlier one (named, coloured, the last six); Clear forgets them', () => {
  let s = steps(readyState(), P.state('training')[0], progress({ firstStep: 98 }));
  s = step(s, { type: Action.RESET, curves: curves(100) });
  const label = 'Run 1 · lr 0.008 · batch 64 · 100 steps';
  assert.equal(s.pastRuns.length, 1);
  assert.deepEqual({ ...s.pastRuns[0], loss: undefined, accuracy: undefined }, { n: 1, label, colour: RUN_COLOURS[0], steps: 100, bestTest: { full: null, estimate: null }, loss: undefined, accuracy: undefined });
  assert.equal(s.pastRuns[0].loss.x.length, 100);
  const types = s.effects.map((e) => e.type);
  assert.ok(types.indexOf(Effect.CHARTS_RUNS) < types.indexOf(Effect.CHARTS_RESET), 'kept before the charts are reset');
  assert.deepEqual(effects(s, Effect.CHARTS_RUNS), [{ type: Effect.CHARTS_RUNS, runs: s.pastRuns }]);
  assert.deepEqual(parseRuns(effects(s, Effect.SAVE_RUNS)[0].text).map((r) => r.label), [label], 'kept in localStorage too');
  assert.deepEqual(step(s, { type: Action.RESET, curves: curves(0) }).pastRuns, s.pastRuns, 'a Reset with nothing trained keeps nothing more');
  for (let i = 0; i < 6; i++) s = steps(s, P.state('ready', 'reset')[0], P.state('training')[0], progress({ firstStep: 8 }), { type: Action.RESET, curves: curves(10) });
  assert.deepEqual(
    s.pastRuns.map((r) => r.label.split(' · ')[0]),
    ['Run 2', 'Run 3', 'Run 4', 'Run 5', 'Run 6', 'Run 7'],
    'the six latest',
  );
  assert.equal(new Set(s.pastRuns.map((r) => r.colour)).size, 6, 'each its own colour');
  assert.equal(s.pastRuns.at(-1).colour, RUN_COLOURS[0], "run 7 takes run 1's colour, free again");
  const cleared = step(s, { type: Action.CLEAR_RUNS });
  assert.deepEqual(cleared.pastRuns, []);
  assert.deepEqual(cleared.effects.map((e) => e.type), [Effect.CHARTS_RUNS, Effect.SAVE_RUNS]);
  assert.deepEqual(parseRuns(effects(cleared, Effect.SAVE_RUNS)[0].text), [], 'forgotten in localStorage too');
  assert.deepEqual(step(cleared, { type: Action.CLEAR_RUNS }).effects, [], 'nothing to clear');
});

test('Keep this run works without Reset, once per step; a continued run is kept from its own start', () => {
  const evaluation = P.evaluation({ kind: 'full', step: 100, epoch: 1, accuracy: 0.987, loss: 0.05, count: 10000 })[0];
  let s = steps(readyState(), { type: Action.TRAIN }, P.state('training')[0], progress({ firstStep: 98 }), evaluation, P.state('done')[0]);
  assert.ok(canKeep(s));
  s = step(s, { type: Action.KEEP_RUN, curves: curves(100) });
  assert.equal(s.pastRuns[0].label, 'Run 1 · lr 0.008 · batch 64 · 98.7%');
  assert.equal(sent(s).length, 0, 'the model is untouched: no Reset');
  assert.equal(s.totalSteps, 100);
  assert.ok(!canKeep(s), 'kept: nothing new to keep');
  assert.deepEqual(step(s, { type: Action.KEEP_RUN, curves: curves(100) }).effects, []);
  // Train more: a new run from step 100; the charts start there (its own span), and keeping it
  // keeps only its steps, counted from its start.
  s = step(s, { type: Action.TRAIN });
  assert.equal(s.runFrom, 100);
  assert.deepEqual(effects(s, Effect.CHARTS_ORIGIN), [{ type: Effect.CHARTS_ORIGIN, step: 100 }]);
  s = steps(s, P.state('training')[0], progress({ firstStep: 148 }), P.state('done')[0]);
  s = step(s, { type: Action.KEEP_RUN, curves: curves(150) });
  const second = s.pastRuns[1];
  assert.equal(second.steps, 50);
  assert.deepEqual([second.loss.x[0], second.loss.x.at(-1)], [1, 50]);
  assert.deepEqual(second.bestTest.full, { accuracy: 0.987, step: 0 }, 'the model\'s score as the run began');
  assert.notEqual(second.colour, s.pastRuns[0].colour);
  // The whole history on request: the charts start at step 0 again.
  const all = step(s, { type: Action.CHART_SPAN, span: 'all' });
  assert.deepEqual(effects(all, Effect.CHARTS_ORIGIN), [{ type: Effect.CHARTS_ORIGIN, step: 0 }]);
  assert.equal(step(all, { type: Action.CHART_SPAN, span: 'sideways' }).chartSpan, 'all');
  // Reset after Keep keeps no second copy of the same run.
  assert.equal(step(s, { type: Action.RESET, curves: curves(150) }).pastRuns.length, 2);
});

test('runs kept in an earlier visit come back at start, numbered on from theirs', () => {
  let s = steps(readyState(), P.state('training')[0], progress({ firstStep: 8 }), { type: Action.KEEP_RUN, curves: curves(10) });
  const text = effects(s, Effect.SAVE_RUNS)[0].text;
  const back = step(readyState(), { type: Action.RUNS_LOADED, runs: parseRuns(text) });
  assert.deepEqual(back.pastRuns.map((r) => [r.label, r.colour]), [['Run 1 · lr 0.008 · batch 64 · 10 steps', RUN_COLOURS[0]]]);
  assert.deepEqual(effects(back, Effect.CHARTS_RUNS)[0].runs, back.pastRuns);
  s = steps(back, P.state('training')[0], progress({ firstStep: 8 }), { type: Action.KEEP_RUN, curves: curves(10) });
  assert.deepEqual(s.pastRuns.map((r) => r.label.split(' · ')[0]), ['Run 1', 'Run 2']);
  assert.deepEqual(step(readyState(), { type: Action.RUNS_LOADED, runs: [] }).effects, [], 'none kept: nothing to draw');
});

test('OFFLINE: the service worker’s news is kept for the footer; an update’s note is not replaced', () => {
  let s = step(initialState(), { type: Action.OFFLINE, status: 'offline-ready' });
  assert.equal(s.offline, 'offline-ready');
  s = step(s, { type: Action.OFFLINE, status: 'updated' });
  assert.equal(step(s, { type: Action.OFFLINE, status: 'offline-ready' }).offline, 'updated');
  assert.deepEqual(s.effects, []);
});

test('EVALUATION: the best test score of the history and its step, by kind', () => {
  let s = steps(readyState(), P.state('training')[0]);
  const evaluation = (kind, step, accuracy) => P.evaluation({ kind, step, epoch: 0, accuracy, loss: 1, count: kind === 'full' ? 10000 : 1000 })[0];
  s = steps(s, evaluation('estimate', 10, 0.8), evaluation('estimate', 20, 0.9), evaluation('estimate', 30, 0.85), evaluation('full', 30, 0.88));
  assert.deepEqual(s.bestTest, { estimate: { accuracy: 0.9, step: 20 }, full: { accuracy: 0.88, step: 30 } });
  assert.deepEqual(step(s, { type: Action.RESET }).bestTest, { full: null, estimate: null });
  const kept = step(initialState(), readyMessage({ restored: { savedAt: 1, epochs: 1, totalSteps: 90, testAccuracy: 0.93 } }));
  assert.deepEqual(kept.bestTest.full, { accuracy: 0.93, step: 90 });
});

test('EVALUATION: an estimate, then a full score that keeps the charts', () => {
  let s = steps(readyState(), progress());
  const estimate = P.evaluation({ kind: 'estimate', step: 2, epoch: 0, accuracy: 0.5, loss: 1, count: 1000 })[0];
  s = step(s, estimate);
  assert.equal(s.evaluation.estimate, 0.5);
  assert.equal(s.evaluation.full, null);
  assert.deepEqual(effects(s, Effect.CHARTS_EVALUATION), [{ type: Effect.CHARTS_EVALUATION, kind: 'estimate', step: 2, accuracy: 0.5 }]);
  const full = P.evaluation({ kind: 'full', step: 2, epoch: 1, accuracy: 0.9, loss: 0.3, count: 10000, predictions: new Uint8Array(1), labels: new Uint8Array(1) })[0];
  s = step(s, full);
  assert.equal(s.evaluation.full.accuracy, 0.9);
  assert.equal(s.evaluation.estimate, 0.9);
  assert.equal(s.testAccuracy, 0.9);
  assert.deepEqual(s.effects.map((e) => e.type), [Effect.CHARTS_EVALUATION, Effect.CHARTS_KEEP]);
});

test('RESET forgets the model; the old run’s messages are ignored until the worker confirms', () => {
  let s = steps(readyState(), P.state('training')[0], progress(), P.evaluation({ kind: 'estimate', step: 2, accuracy: 0.5 })[0]);
  s = step(s, { type: Action.RESET });
  assert.deepEqual(sentTypes(s), [ToWorker.RESET]);
  assert.deepEqual(effects(s, Effect.CHARTS_RESET).length, 1);
  assert.equal(s.totalSteps, 0);
  assert.equal(s.progress, null);
  assert.ok(Number.isNaN(s.evaluation.estimate));
  assert.equal(s.smoothed.loss.steps, 0);
  assert.deepEqual(s.settings, DEFAULTS, 'Reset keeps the settings');
  // A slice and a state change of the old run still in flight are dropped...
  const late = steps(s, progress({ firstStep: 2 }), P.state('paused')[0], P.evaluation({ kind: 'estimate', step: 4, accuracy: 0.6 })[0]);
  assert.equal(late.totalSteps, 0);
  assert.equal(late.runState, 'training');
  assert.ok(Number.isNaN(late.evaluation.estimate));
  // ...until the worker says it reset.
  const done = step(late, P.state('ready', 'reset')[0]);
  assert.equal(done.runState, 'ready');
  assert.equal(done.awaitingReset, false);
});

test('the pad: one prediction in flight, the newest drawing next, answers from before a clear dropped', () => {
  let s = readyState();
  s = step(s, { type: Action.PAD_CHANGED, pixels: PIXELS, empty: false });
  assert.equal(s.padInk, true);
  const [[predict, transfer]] = sent(s);
  assert.equal(predict.type, ToWorker.PREDICT);
  assert.equal(predict.id, 1);
  assert.notEqual(predict.pixels, PIXELS, 'a copy is transferred; the pad keeps its own');
  assert.deepEqual(transfer, [predict.pixels.buffer]);
  const newer = Float32Array.from(PIXELS, (v) => v / 2);
  s = step(s, { type: Action.PAD_CHANGED, pixels: newer, empty: false });
  assert.deepEqual(sent(s), [], 'one request in flight');
  const probs = Float32Array.from({ length: 10 }, (_, i) => (i === 3 ? 0.91 : 0.01));
  s = step(s, P.prediction(1, probs)[0]);
  assert.equal(s.prediction, probs);
  assert.deepEqual(sent(s).map(([m]) => [m.id, m.pixels[0]]), [[2, 0.25]], 'then the newest drawing');
  s = step(s, { type: Action.PAD_CHANGED, pixels: null, empty: true });
  assert.equal(s.prediction, null);
  assert.equal(s.padInk, false);
  s = step(s, P.prediction(2, probs)[0]);
  assert.equal(s.prediction, null, 'an answer from before the clear is dropped');
  assert.deepEqual(sent(step(initialState(), { type: Action.PAD_CHANGED, pixels: PIXELS, empty: false })), [], 'not before READY');
});

test('REPREDICT refreshes the prediction while training, when the page is visible', () => {
  let s = steps(readyState(), { type: Action.PAD_CHANGED, pixels: PIXELS, empty: false }, P.prediction(1, new Float32Array(10))[0]);
  assert.deepEqual(sent(step(s, { type: Action.REPREDICT, visible: true })), [], 'not while idle');
  s = step(s, P.state('training')[0]);
  s = step(s, P.prediction(2, new Float32Array(10))[0]);
  assert.deepEqual(sentTypes(step(s, { type: Action.REPREDICT, visible: true })), [ToWorker.PREDICT]);
  assert.deepEqual(sent(step(s, { type: Action.REPREDICT, visible: false })), []);
});

test('a test digit: SAMPLE asks for one, SAMPLE_IMAGE puts it on the pad with a caption; a stroke clears it', () => {
  let s = readyState();
  const [[m]] = sent(step(s, { type: Action.SAMPLE, pick: 0.5 }));
  assert.deepEqual(m, { type: ToWorker.SAMPLE, set: 'test', index: 5000 });
  assert.deepEqual(sent(step(initialState(), { type: Action.SAMPLE, pick: 0.5 })), [], 'no test images yet');
  const pixels = new Uint8Array(784);
  s = step(s, P.sampleImage('test', 5000, 7, pixels)[0]);
  assert.equal(s.sampleCaption, 'Test image #5000, labelled 7');
  assert.deepEqual(effects(s, Effect.PAD_SHOW), [{ type: Effect.PAD_SHOW, pixels }]);
  assert.equal(step(s, { type: Action.STROKE_START }).sampleCaption, '');
});

test('a test digit can be predicted but not taught: "It\'s a …" never puts it into Your drawings', () => {
  const pixels = new Uint8Array(784).fill(200);
  let s = step(readyState(), P.sampleImage('test', 42, 3, pixels)[0]);
  s = step(s, { type: Action.PAD_CHANGED, pixels: new Float32Array(784).fill(200 / 255), empty: false }); // the pad reports it
  assert.deepEqual(sentTypes(s), [ToWorker.PREDICT], 'predicted like a drawing');
  assert.deepEqual(s.padSample, { index: 42, label: 3 });
  assert.equal(canTeach(s), false);
  const taught = step(s, { type: Action.TEACH, digit: 5 });
  assert.deepEqual(taught.effects, [], 'no DRAWING_ADD, no TEACH');
  assert.equal(taught.teach.state, 'idle');
  assert.equal(teachStatus(s).state, 'test-image');
  assert.match(teachStatus(s).text, /test image: it can be predicted but not taught/);
  // Drawing over it (or clearing it) makes the pad the user's again: teachable.
  s = steps(s, { type: Action.STROKE_START }, { type: Action.PAD_CHANGED, pixels: PIXELS, empty: false });
  assert.equal(s.padSample, null);
  assert.ok(canTeach(s));
  assert.equal(effects(step(s, { type: Action.TEACH, digit: 5 }), Effect.DRAWING_ADD).length, 1);
});

test('class names: a valid list applies while typing; an invalid one says why once committed', () => {
  const names = 'zero,one,two,three,four,five,six,seven,eight,nine';
  let s = step(readyState(), { type: Action.CLASS_NAMES, text: names, committed: false });
  assert.equal(s.classNames[0], 'zero');
  const typing = step(s, { type: Action.CLASS_NAMES, text: 'a,b', committed: false });
  assert.equal(typing.classNamesError, '');
  assert.equal(typing.classNames[0], 'zero');
  s = step(typing, { type: Action.CLASS_NAMES, text: 'a,b', committed: true });
  assert.match(s.classNamesError, /10 classes: enter 10 names/);
  assert.equal(s.classNames[0], 'zero', 'the last valid names stay');
  assert.equal(step(s, P.sampleImage('test', 1, 2, new Uint8Array(784))[0]).sampleCaption, 'Test image #1, labelled two');
  s = step(s, { type: Action.CLASS_NAMES, text: '', committed: true });
  assert.equal(s.classNamesError, '');
  assert.deepEqual(s.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
});

test('the class count is the model’s: a rebuilt model renames its classes from the typed list, and says so', () => {
  const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
  let s = step(readyState(), { type: Action.CLASS_NAMES, text: letters.join(','), committed: true });
  assert.match(s.classNamesError, /10 classes/, 'ten classes until the data says otherwise');
  assert.equal(s.classNames.length, 10);
  const model = { ...MODEL, classes: 26 };
  s = step(s, P.model(model, 1234, true)[0]);
  assert.deepEqual(s.classNames, letters);
  assert.equal(s.classNamesError, '');
  assert.equal(s.model.classes, 26);
  assert.equal(s.parameterCount, 1234);
  assert.match(s.dataNote, /26 classes, so the model was rebuilt/);
  assert.equal(s.totalSteps, 0);
  // An imported file of another count renames too, without the note; no names typed: indices.
  s = step(step(s, { type: Action.CLASS_NAMES, text: '', committed: true }), P.model({ ...MODEL, classes: 3 }, 9, false)[0]);
  assert.deepEqual(s.classNames, ['0', '1', '2']);
});

test('export: the file is saved under its format’s name', () => {
  const s = step(readyState(), { type: Action.EXPORT, format: 'safetensors' });
  assert.deepEqual(sent(s), [P.exportModel('safetensors')]);
  const bytes = new Uint8Array(4);
  const saved = step(s, P.exported('safetensors', bytes)[0]);
  assert.deepEqual(effects(saved, Effect.SAVE_FILE), [{ type: Effect.SAVE_FILE, bytes, name: 'mnist-model.safetensors' }]);
  assert.equal(effects(step(s, P.exported('weights', bytes)[0]), Effect.SAVE_FILE)[0].name, 'mnist-model.weights');
});

test('import: busy while the worker reads it; a good file replaces the history, a bad one changes nothing', () => {
  let s = steps(readyState(), progress(), { type: Action.IMPORT_CHOSEN, name: 'mine.weights' });
  assert.equal(s.busy, 'import');
  const bytes = new Uint8Array(8);
  s = step(s, { type: Action.IMPORT_READ, bytes });
  assert.deepEqual(sent(s), [P.importModel(bytes)]);
  const refused = step(s, workerError('import', 'not a model file saved by this page (a .weights or .safetensors file)', { name: 'WeightsError' }));
  assert.equal(refused.busy, null);
  // Said beside Import model…, in people's words, not in the banner far above.
  assert.deepEqual(refused.fileResults.model, {
    ok: false,
    text: 'mine.weights was not imported; the model is unchanged. Not a model file saved by this page (a .weights or .safetensors file).',
  });
  assert.equal(refused.error, null);
  assert.equal(refused.totalSteps, 2, 'the model is unchanged');
  const again = steps(refused, { type: Action.IMPORT_CHOSEN, name: 'mine.weights' });
  assert.equal(again.fileResults.model, undefined, 'a new attempt clears the old result');
  const imported = step(s, P.imported({ epoch: 1, stepInEpoch: 0, stepsPerEpoch: 20, totalSteps: 20 })[0]);
  assert.equal(imported.busy, null);
  assert.equal(imported.totalSteps, 20);
  assert.deepEqual(imported.imported, { name: 'mine.weights', totalSteps: 20, epochs: 1 });
  assert.deepEqual(imported.fileResults.model, { ok: true, text: 'Imported mine.weights: 20 steps, 1 epoch trained. Train carries on from there.' });
  const ours = steps(readyState(), { type: Action.IMPORT_CHOSEN, name: 'mnist-model.safetensors' }, P.imported({ epoch: 0, stepInEpoch: 0, stepsPerEpoch: 20, totalSteps: 0 })[0]);
  assert.match(ours.fileResults.model.text, /^Imported mnist-model\.safetensors: its weights only/);
  assert.equal(effects(imported, Effect.CHARTS_RESET).length, 1, 'the history belonged to the replaced model');
  assert.equal(imported.progress, null);
  const unreadable = steps(readyState(), { type: Action.IMPORT_CHOSEN, name: 'gone.weights' }, { type: Action.IMPORT_UNREADABLE, message: 'NotFoundError' });
  assert.deepEqual(unreadable.fileResults.model, { ok: false, text: 'gone.weights could not be read; the model is unchanged. NotFoundError.' });
  assert.equal(unreadable.busy, null);
});

test('your data: read files are sorted into sets and sent; refusals keep the data in use', () => {
  const images = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28, ...new Array(784).fill(7)]);
  const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 3]);
  let s = step(readyState(), { type: Action.DATA_CHOSEN, names: ['a-images', 'a-labels'] });
  assert.equal(s.busy, 'data');
  assert.equal(s.dataNote, 'Reading a-images, a-labels…');
  const files = [{ name: 'a-images', bytes: images }, { name: 'a-labels', bytes: labels }];
  const read = step(s, { type: Action.DATA_READ, files, fallback: 'train' });
  const [[m]] = sent(read);
  assert.equal(m.type, ToWorker.DATA_REPLACE);
  assert.deepEqual(Object.keys(m.sets), ['train']);
  const replaced = step(read, P.dataReplaced(['train'], ['a-labels', 'a-images'])[0]);
  assert.equal(replaced.busy, null);
  assert.equal(replaced.dataNote, 'Now using your training set (a-labels, a-images).');
  assert.deepEqual(replaced.ownSets, ['train']);
  const mismatched = step(s, { type: Action.DATA_READ, files: files.slice(0, 1), fallback: 'train' });
  assert.match(mismatched.fileResults.data.text, /^Your data was not loaded: a-images holds training images, but no training labels/);
  assert.equal(mismatched.fileResults.data.ok, false);
  assert.equal(mismatched.error, null, 'beside the files, not in the banner');
  assert.equal(step(mismatched, { type: Action.DATA_CHOSEN, names: ['b'] }).fileResults.data, undefined, 'new files: the old result goes');
  assert.equal(mismatched.dataNote, 'The data already loaded is still in use.');
  assert.deepEqual(sent(mismatched), []);
  const unreadable = step(s, { type: Action.DATA_UNREADABLE, message: 'x.gz is gzipped but truncated' });
  assert.equal(unreadable.fileResults.data.text, 'Your data was not loaded: x.gz is gzipped but truncated.');
  const refused = step(s, workerError('user-data', 'b-labels: label 12 out of range'));
  assert.deepEqual(refused.fileResults.data, { ok: false, text: 'Your data was not loaded: b-labels: label 12 out of range.' });
  assert.equal(refused.busy, null);
});

test('augmentation follows the data set: off for own data until turned on, kept per data set', () => {
  const own = (names) => P.dataReplaced(['train'], names, names)[0];
  let s = steps(readyState(), own(['f-labels', 'f-images']));
  assert.equal(s.settings.augment, false);
  assert.equal(s.settingsRevision, 1, 'the form shows the new value');
  assert.match(s.dataSetNote, /starts off for your own data/);
  assert.deepEqual(sent(s).map(([m]) => [m.type, m.settings.augment]), [[ToWorker.CONFIGURE, false]]);
  // Turned on for this data set: kept for it, while the kept settings keep MNIST's value (on).
  s = step(s, { type: Action.SETTINGS_INPUT, raw: { ...DEFAULTS, augment: true } });
  assert.equal(s.dataSetNote, '');
  assert.deepEqual(effects(s, Effect.SAVE_AUGMENT_CHOICES)[0].choices, { 'own:f-images+f-labels': true });
  assert.equal(effects(s, Effect.SAVE_SETTINGS)[0].values.augment, true);
  // Another data set starts off again; coming back to the first (same files) restores its choice.
  s = step(s, own(['g-labels', 'g-images']));
  assert.equal(s.settings.augment, false);
  s = step(s, { type: Action.SETTINGS_INPUT, raw: { ...DEFAULTS, batchSize: '32', augment: false } });
  assert.equal(effects(s, Effect.SAVE_SETTINGS)[0].values.augment, true, "MNIST's choice is not overwritten");
  s = step(s, own(['f-images', 'f-labels']));
  assert.equal(s.settings.augment, true);
  assert.equal(s.dataSetNote, '');
  // Choices kept from an earlier visit apply, and a test set of one's own changes nothing.
  const kept = steps(initialState(), { ...readyMessage(), augmentChoices: { 'own:f-images+f-labels': true } }, own(['f-labels', 'f-images']));
  assert.equal(kept.settings.augment, true);
  assert.equal(step(readyState(), P.dataReplaced(['test'], ['t-l', 't-i'], [])[0]).settings.augment, true);
});

test('errors are told apart by name: a diverged run pauses with the advice, never by its wording', () => {
  const s = readyState();
  const diverged = step(s, workerError('train', 'the training loss became inf (diverged); try a lower learning rate', { name: ErrorName.diverged }));
  assert.equal(
    diverged.error.message,
    'Training stopped: the training loss became inf (diverged); try a lower learning rate. The weights from before that step are kept; ' +
      'lower the learning rate (a tenth, say) and press Resume.',
  );
  assert.equal(diverged.error.kind, 'diverged');
  // The same words under another name are an ordinary training error.
  const other = step(s, workerError('train', 'something about the learning rate', { name: 'ArgumentError' }));
  assert.equal(other.error.message, 'Training stopped: something about the learning rate');
  assert.equal(other.error.kind, 'train');
  // A setting the core refused is shown at its field too.
  const refused = step(s, workerError('train', 'batchSize 0 must be a whole number from 1 to 1024', { name: ErrorName.settings, field: 'batchSize' }));
  assert.equal(refused.error.kind, 'settings');
  assert.equal(refused.settingsErrors.batchSize, 'batchSize 0 must be a whole number from 1 to 1024');
  const edited = step(refused, { type: Action.SETTINGS_INPUT, raw: { epochs: '3', batchSize: '64', learningRate: '0.001', trainSize: '60000', validationSplit: '0.1', patience: '0', augment: true, dropout: '0', workers: '0', drawingsShare: '0.1' } });
  assert.deepEqual(edited.settingsErrors, {});
  assert.equal(edited.error, null);
});

test('errors by where: init, data, storage, export, predict', () => {
  const s = readyState();
  const init = step(initialState(), workerError('init', 'no wasm'));
  assert.deepEqual(init.error, { message: 'The trainer could not start: no wasm', retry: 'reload', kind: 'reload' });
  const data = step(s, workerError('data', 'bad magic', { set: 'test' }));
  assert.deepEqual(effects(data, Effect.LOADER_FAIL), [{ type: Effect.LOADER_FAIL, set: 'test', message: 'The MNIST test data could not be read: bad magic' }]);
  assert.equal(step(s, workerError('storage', 'blocked')).storageNote, 'The model could not be saved in this browser: blocked.');
  assert.deepEqual(step(s, workerError('export', 'busy')).fileResults.model, { ok: false, text: 'The model could not be exported. Busy.' });
  let p = steps(s, { type: Action.PAD_CHANGED, pixels: PIXELS, empty: false });
  p = step(p, workerError('predict', 'bad pixel', { name: 'BadInputError' }));
  assert.equal(p.error.message, 'Prediction failed: bad pixel');
  assert.equal(p.pad.inFlight, false, 'the next drawing is sent again');
});

test('storage full: said in the alert (dismissable, not blocking) and the footer; gone once a save works again', () => {
  const s = steps(readyState(), P.state('training')[0], progress());
  const full = step(s, workerError('storage', 'The quota has been exceeded.', { name: 'QuotaExceededError' }));
  assert.equal(full.error.kind, 'storage');
  assert.match(full.error.message, /storage is full, so the model could not be saved\. Training goes on, and the model saved before stays kept\./);
  assert.doesNotMatch(full.error.message, /quota/i, 'worded for people');
  assert.equal(full.error.retry, null);
  assert.ok(NON_BLOCKING.has(full.error.kind), 'Dismiss, and the status stays "training"');
  assert.match(full.storageNote, /Storage full/);
  assert.equal(full.runState, 'training');
  const saved = step(full, P.saved()[0]);
  assert.equal(saved.error, null);
  assert.equal(saved.storageNote, '');
  const other = step(s, workerError('train', 'boom'));
  assert.deepEqual(step(other, P.saved()[0]).error, other.error, "SAVED clears only storage's alert");
});

test('the download: progress, a failure with Retry, Dismiss; a worker that did not start offers a reload', () => {
  let s = step(initialState(), { type: Action.DOWNLOAD_PROGRESS, loaded: 10, total: 100, done: false, bytes: 12 });
  assert.deepEqual(s.download, { loaded: 10, total: 100, done: false, bytes: 12 });
  s = step(s, { type: Action.DOWNLOAD_FAILED, set: 'test', message: 'Could not download the MNIST test images.' });
  assert.deepEqual(s.error, { message: 'Could not download the MNIST test images.', retry: 'data', kind: 'data' });
  assert.deepEqual(s.downloadFailures, [{ set: 'test', file: null, why: 'Could not download the MNIST test images.' }]);
  // The loader's list of every file that failed is kept whole (the banner names each).
  const failures = [
    { set: 'train', file: 'images', why: 'HTTP 404 Not Found' },
    { set: 'test', file: 'labels', why: 'the connection failed or was interrupted' },
  ];
  s = step(s, { type: Action.DOWNLOAD_FAILED, set: 'train', message: 'Could not download the MNIST training images (HTTP 404 Not Found).', failures });
  assert.deepEqual(s.downloadFailures, failures);
  const retried = step(s, { type: Action.RETRY });
  assert.equal(retried.error, null);
  assert.deepEqual(retried.downloadFailures, [], 'Retry fetches them again');
  assert.deepEqual(retried.effects, [{ type: Effect.LOADER_RETRY }]);
  const failed = step(initialState(), { type: Action.WORKER_FAILED, message: 'SyntaxError' });
  assert.equal(failed.error.message, 'The training worker failed to start: SyntaxError.');
  assert.deepEqual(step(failed, { type: Action.RETRY }).effects, [{ type: Effect.RELOAD }]);
  assert.equal(step(initialState(), { type: Action.WORKER_FAILED, message: '' }).error.message, 'The training worker failed to start.');
  const shown = step(readyState(), workerError('teach', 'x'));
  assert.equal(step(shown, { type: Action.DISMISS }).error, null);
});

test('START_FAILED (boot-guard.js): a blocking error with Reload, cleared if READY comes after all', () => {
  const late = step(initialState(), { type: Action.START_FAILED, message: 'The trainer did not start: slow.' });
  assert.deepEqual(late.error, { message: 'The trainer did not start: slow.', retry: 'reload', kind: 'start' });
  assert.deepEqual(step(late, { type: Action.RETRY }).effects, [{ type: Effect.RELOAD }]);
  assert.equal(step(late, { ...readyMessage(), keptSettings: undefined }).error, null, 'it was only slow');
  const download = step(initialState(), { type: Action.DOWNLOAD_FAILED, set: 'train', message: 'offline' });
  assert.equal(step(download, { ...readyMessage(), keptSettings: undefined }).error.kind, 'data', 'READY clears only the late start');
});

test('data status, verified files and the applied config are recorded', () => {
  const s = readyState();
  assert.equal(s.dataStatus.train.usable, 60000);
  assert.deepEqual(step(s, P.fileDone('test', 'labels')[0]).effects, [{ type: Effect.LOADER_VERIFIED, set: 'test', file: 'labels' }]);
  const config = { seed: 42, batchSize: 64, learningRate: 0.001, trainSize: 60000, augment: true, epochs: 3 };
  assert.deepEqual(step(s, P.configured(config)[0]).trainerConfig, config);
});

test('WORKERS: how many train, how, their checksums and any note are kept for the view', () => {
  const s = readyState();
  const m = { training: 2, wanted: 2, transport: 'shared memory', memory: [70e6, 8e6], checksums: ['0a0b0c0d', '0a0b0c0d'], syncMs: 0.3, note: '' };
  const next = step(s, P.workers(m)[0]);
  assert.deepEqual(next.workers, m);
  const noted = step(next, P.workers({ ...m, training: 1, wanted: 1, note: 'Compute worker 1 stopped' })[0]);
  assert.equal(noted.workers.note, 'Compute worker 1 stopped');
  assert.equal(noted.workers.training, 1);
});

// ---- teach it, look inside, the pretrained model (www/state/inside.js) ------------------------------
const drawn = (s) => step(s, { type: Action.PAD_CHANGED, pixels: PIXELS, empty: false });
const kept = (id, label) => ({ id, label, pixels: new Uint8Array(784).fill(id) });

test('teach: the drawing is kept, then the worker fine-tunes on it and the prediction is asked again', () => {
  const idle = readyState();
  assert.deepEqual(step(idle, { type: Action.TEACH, digit: 7 }).effects, [], 'nothing on the pad, nothing to teach');
  const answered = step(drawn(idle), P.prediction(drawn(idle).pad.seq, new Float32Array(10).fill(0.1))[0]);
  let s = step(answered, { type: Action.TEACH, digit: 7 });
  assert.equal(s.teach.state, 'learning');
  const [add] = effects(s, Effect.DRAWING_ADD);
  assert.equal(add.label, 7);
  assert.equal(add.pixels.length, 784);
  assert.equal(add.pixels[0], 128, 'pixels kept as bytes (0.5 -> 128)');
  assert.deepEqual(step(s, { type: Action.TEACH, digit: 3 }).effects, [], 'one correction at a time');
  s = step(s, { type: Action.DRAWINGS_LOADED, drawings: [kept(1, 4), kept(2, 7)], added: 2 });
  const [[teach]] = sent(s);
  assert.equal(teach.type, ToWorker.TEACH);
  assert.deepEqual([teach.newest, [...teach.labels], teach.images.length], [1, [4, 7], 2 * 784]);
  assert.equal(s.drawings.length, 2);
  const stale = step(s, P.taught({ id: teach.id - 1, label: 7, predicted: 7, probability: 0.9, steps: 4, ms: 50 })[0]);
  assert.equal(stale.teach.state, 'learning', 'an older answer is ignored');
  const learned = step(s, P.taught({ id: teach.id, label: 7, predicted: 7, probability: 0.93, steps: 6, ms: 80 })[0]);
  assert.equal(learned.teach.state, 'learned');
  assert.match(learned.teach.text, /reads your drawing as a 7 \(93 %\), after 6 steps/);
  assert.deepEqual(sentTypes(learned), [ToWorker.PREDICT], 'the pad is read again');
  const still = step(s, P.taught({ id: teach.id, label: 7, predicted: 1, probability: 0.2, steps: 12, ms: 80 })[0]);
  assert.match(still.teach.text, /Still read as a 1/);
  const failed = step(s, P.taught({ id: teach.id, error: 'diverged' })[0]);
  assert.equal(failed.teach.state, 'error');
});

test('Your drawings: changes go to the store, and the worker gets the list after each', () => {
  const s = readyState();
  assert.deepEqual(step(s, { type: Action.DRAWING_RELABEL, id: 3, label: 5 }).effects, [{ type: Effect.DRAWING_RELABEL, id: 3, label: 5 }]);
  assert.deepEqual(step(s, { type: Action.DRAWING_DELETE, id: 3 }).effects, [{ type: Effect.DRAWING_DELETE, id: 3 }]);
  assert.deepEqual(step(s, { type: Action.DRAWINGS_EXPORT }).effects, [], 'nothing to export');
  const files = [{ name: 'a' }];
  assert.deepEqual(step(s, { type: Action.DRAWINGS_IMPORT, files }).effects, [{ type: Effect.DRAWINGS_IMPORT, files }]);
  const list = [kept(1, 0), kept(4, 9)];
  const loaded = step(s, { type: Action.DRAWINGS_LOADED, drawings: list });
  const [[m]] = sent(loaded);
  assert.deepEqual([m.type, [...m.labels]], [ToWorker.DRAWINGS, [0, 9]]);
  assert.equal(loaded.teach.state, 'idle');
  assert.deepEqual(step(loaded, { type: Action.DRAWINGS_EXPORT }).effects, [{ type: Effect.DRAWINGS_EXPORT, drawings: list }]);
  const refused = step(s, { type: Action.DRAWINGS_LOADED, drawings: list, message: 'not IDX' });
  assert.deepEqual([refused.teach.state, refused.teach.text], ['error', 'not IDX']);
});

test('look inside: asked for while open, one request in flight, at most every 250 ms while training', () => {
  let s = drawn(readyState());
  assert.deepEqual(sentTypes(s), [ToWorker.PREDICT], 'closed: no layer views');
  s = step(s, { type: Action.LAYERS_TOGGLE, open: true });
  const [[first]] = sent(s);
  assert.equal(first.type, ToWorker.LAYERS);
  assert.equal(first.pixels[0], 0.5);
  s = drawn(s);
  assert.ok(!sentTypes(s).includes(ToWorker.LAYERS), 'one in flight');
  assert.equal(s.layers.pending, true);
  const view = P.layerViews(first.id, [], new Float32Array(4), new Float32Array(288))[0];
  s = step(s, view);
  assert.equal(s.layers.view, view);
  assert.ok(sentTypes(s).includes(ToWorker.LAYERS), 'the waiting drawing goes next');
  s = step(s, P.layerViews(first.id + 1, [], new Float32Array(4), new Float32Array(288))[0]);
  s = step(s, progress({ at: 10_000 }));
  assert.ok(sentTypes(s).includes(ToWorker.LAYERS), 'weights changed');
  s = step(s, P.layerViews(first.id + 2, [], new Float32Array(4), new Float32Array(288))[0]);
  assert.ok(!sentTypes(step(s, progress({ at: 10_200 }))).includes(ToWorker.LAYERS), 'not within 250 ms');
  assert.ok(sentTypes(step(s, progress({ at: 10_250 }))).includes(ToWorker.LAYERS));
  const failed = step(s, { ...P.layerViewsFailed(99, 'boom')[0] });
  assert.equal(failed.layers.view, s.layers.view, 'a failure keeps the last view');
  assert.equal(failed.layers.error, 'boom');
  const closed = step(s, { type: Action.LAYERS_TOGGLE, open: false });
  assert.ok(!sentTypes(drawn(closed)).includes(ToWorker.LAYERS));
});

test('the pretrained model: fetched on click, imported like a file, its note says its accuracy', () => {
  let s = step(readyState(), { type: Action.PRETRAINED });
  assert.deepEqual(effects(s, Effect.FETCH_PRETRAINED).length, 1);
  assert.equal(s.busy, 'import');
  assert.equal(pretrainedNote(s), 'Loading the pretrained model…');
  assert.deepEqual(step(s, { type: Action.PRETRAINED }).effects, [], 'not twice');
  const info = { testAccuracy: 0.9945, epochs: 5, seed: 42 };
  s = step(s, { type: Action.PRETRAINED_READ, bytes: new Uint8Array(8), info });
  assert.deepEqual(sentTypes(s), [ToWorker.IMPORT]);
  s = step(s, P.imported({ epoch: 5, stepInEpoch: 0, stepsPerEpoch: 938, totalSteps: 4690 })[0]);
  assert.equal(s.imported.name, PRETRAINED_NAME);
  assert.match(pretrainedNote(s), /^Pretrained natively \(5 epochs, seed 42\): 99\.45 % on the MNIST test set/);
  assert.match(pretrainedNote(s), /Continue training goes on gently \(a small learning rate, no warm-up\)/, 'says what training on does');
  assert.equal(sent(step(s, { type: Action.TRAIN }))[0][0].continues, true, 'and it does: a continued run');
  const failed = step(step(readyState(), { type: Action.PRETRAINED }), { type: Action.PRETRAINED_FAILED, message: 'HTTP 404' });
  assert.equal(failed.busy, null);
  assert.deepEqual(failed.fileResults.pretrained, { ok: false, text: 'The pretrained model could not be loaded; the model is unchanged. HTTP 404.' });
  assert.equal(failed.fileResults.model, undefined, 'beside its own button, not the model card');
  const refused = steps(readyState(), { type: Action.PRETRAINED }, { type: Action.PRETRAINED_READ, bytes: new Uint8Array(8), info }, workerError('import', 'truncated'));
  assert.match(refused.fileResults.pretrained.text, /^The pretrained model was not imported; the model is unchanged\. Truncated\.$/);
  assert.equal(pretrainedNote(failed), '');
});

test('LEARN_DRAWINGS: a run of its own with the drawings, only when there are some and no run is under way', () => {
  const s = readyState({ keptSettings: KEPT });
  assert.deepEqual(step(s, { type: Action.LEARN_DRAWINGS }).effects, [], 'no drawings yet');
  const withDrawings = step(s, { type: Action.DRAWINGS_LOADED, drawings: [kept(1, 4)] });
  const learn = step(withDrawings, { type: Action.LEARN_DRAWINGS });
  assert.deepEqual(sent(learn), [P.train(KEPT, true)]);
  assert.equal(sent(learn)[0][0].learnDrawings, true);
  assert.equal(sent(step(withDrawings, { type: Action.TRAIN }))[0][0].learnDrawings, false, 'Train is a regular run');
  const running = step(learn, P.state('training')[0]);
  assert.deepEqual(step(running, { type: Action.LEARN_DRAWINGS }).effects, [], 'not while a run is under way');
  assert.deepEqual(step(initialState(), { type: Action.LEARN_DRAWINGS }).effects, [], 'not before READY');
});


test('a run whose loss stays at chance is marked not learning, with the cause and a one-click fix', async () => {
  const { status } = await import('../../www/ui-state.js');
  const { NOT_LEARNING_AFTER, notLearningNote } = await import('../../www/state/learning.js');
  const at = (loss, firstStep, n) => progressMessage({ firstStep }, { losses: Array(n).fill(loss), accuracies: Array(n).fill(0.1) });
  const high = { ...DEFAULTS, learningRate: 0.03 };
  let s = steps(readyState({ keptSettings: high }), { type: Action.TRAIN }, P.state('training')[0]);
  s = step(s, at(2.3026, 0, NOT_LEARNING_AFTER - 1));
  assert.equal(s.notLearning, null, 'not judged before NOT_LEARNING_AFTER steps');
  s = step(s, at(2.3026, NOT_LEARNING_AFTER - 1, 2));
  assert.equal(s.notLearning.steps, NOT_LEARNING_AFTER + 1);
  assert.ok(Math.abs(s.notLearning.chance - Math.log(10)) < 1e-12);
  assert.match(status(s).text, /^Not learning/);
  const done = steps(s, P.evaluation({ kind: 'full', step: 60, accuracy: 0.113 })[0], P.state('done')[0]);
  assert.equal(status(done).state, 'done');
  assert.match(status(done).text, /^Not learning/, 'not "Done · 11.3%"');
  const note = notLearningNote(done);
  assert.ok(note.shown);
  assert.match(note.text, /learning rate \(0\.030\)/);
  assert.equal(note.fix, `Restart at learning rate ${DEFAULTS.learningRate.toFixed(4)}`);

  // The fix: the run kept faded as a Reset keeps it, the default rate (shown and kept), a fresh run.
  const fixed = step(done, { type: Action.RESTART_DEFAULT_RATE, curves: curves(51) });
  assert.deepEqual(sentTypes(fixed), [ToWorker.RESET, ToWorker.TRAIN]);
  assert.equal(sent(fixed)[1][0].settings.learningRate, DEFAULTS.learningRate);
  assert.equal(sent(fixed)[1][0].continues, false, 'fresh weights: not a continued run');
  assert.equal(fixed.settings.learningRate, DEFAULTS.learningRate);
  assert.equal(fixed.settingsRevision, done.settingsRevision + 1);
  assert.equal(effects(fixed, Effect.SAVE_SETTINGS)[0].values.learningRate, DEFAULTS.learningRate);
  assert.match(fixed.pastRuns.at(-1).label, /lr 0\.03/);
  assert.equal(fixed.notLearning, null);
  assert.equal(notLearningNote(fixed).shown, false);
});

test('a run whose loss falls below chance is learning; a later stall is caught; Reset forgets it', () => {
  const at = (loss, firstStep, n) => progressMessage({ firstStep }, { losses: Array(n).fill(loss), accuracies: Array(n).fill(0.5) });
  let s = steps(readyState(), { type: Action.TRAIN }, P.state('training')[0], at(1.2, 0, 60));
  assert.equal(s.notLearning, null);
  s = step(s, at(2.31, 60, 100)); // the smoothed loss climbs back to chance: the units died
  assert.ok(s.notLearning);
  assert.equal(step(s, { type: Action.RESET }).notLearning, null);
  // A new run starts unjudged, counted from its own first step.
  const again = steps(s, P.state('done')[0], { type: Action.TRAIN });
  assert.equal(again.notLearning, null);
  assert.equal(again.runFrom, 160);
  assert.equal(step(again, at(2.31, 160, 10)).notLearning, null);
});

test('Train on a model that has trained continues it gently; a fresh model or a resume does not', () => {
  const fresh = step(readyState(), { type: Action.TRAIN });
  assert.equal(sent(fresh)[0][0].continues, false);
  const restored = { totalSteps: 500, epochs: 1, testAccuracy: 0.98, savedAt: 0 };
  const trained = step(readyState({ restored }), { type: Action.TRAIN });
  assert.equal(sent(trained)[0][0].continues, true);
  const more = steps(fresh, P.state('training')[0], progress(), P.state('done')[0], { type: Action.TRAIN });
  assert.equal(sent(more)[0][0].continues, true, '"Train more" after a run');
  const resumed = steps(fresh, P.state('training')[0], progress(), P.state('paused')[0], { type: Action.TRAIN });
  assert.deepEqual(sentTypes(resumed), [ToWorker.RESUME]);
});

test("EPOCH_END: the epoch's line of history, its validation point on the charts; the CSV; Reset forgets the history", () => {
  let s = readyState();
  const line = (epoch, over = {}) =>
    P.epochEnd({ epoch, step: epoch * 10, loss: 0.5, accuracy: 0.8, valLoss: 0.4, valAccuracy: 0.85, valCount: 6000, learningRate: 0.006, seconds: 3, patience: 0, bestEpoch: null, stop: false, restoredEpoch: null, ...over })[0];
  assert.deepEqual(s.history, []);
  assert.deepEqual(step(s, { type: Action.HISTORY_CSV }).effects, [], 'no history: no download');
  s = step(s, line(1));
  assert.deepEqual(effects(s, Effect.CHARTS_VALIDATION), [{ type: Effect.CHARTS_VALIDATION, step: 10, loss: 0.4, accuracy: 0.85 }]);
  s = step(s, line(2, { valLoss: null, valAccuracy: null, valCount: 0 }));
  assert.deepEqual(effects(s, Effect.CHARTS_VALIDATION), [], 'no validation split: no point');
  assert.deepEqual(s.history.map((l) => [l.epoch, l.valLoss]), [[1, 0.4], [2, null]]);
  const [save] = effects(step(s, { type: Action.HISTORY_CSV }), Effect.SAVE_FILE);
  assert.equal(save.name, 'history.csv');
  assert.match(new TextDecoder().decode(save.bytes), /^epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds\n1,0.5,0.8,0.4,0.85,0.006,3\n2,0.5,0.8,,,0.006,3\n$/);
  s = step(s, { type: Action.RESET });
  assert.deepEqual(s.history, []);
  assert.deepEqual(step(s, line(3)).history, [], "the old run's lines are ignored until the reset is confirmed");
});

test('Your drawings as files: each export or import result is kept beside its controls, in words', () => {
  const names = ['my-drawings-images-idx3-ubyte.gz', 'my-drawings-labels-idx1-ubyte.gz'];
  const saved = step(readyState(), { type: Action.DRAWINGS_FILES, op: 'export', ok: true, count: 3, names });
  assert.deepEqual(saved.fileResults.drawings, { ok: true, text: `Saved your 3 drawings to your downloads as ${names[0]} and ${names[1]}.` });
  const added = step(saved, { type: Action.DRAWINGS_FILES, op: 'import', ok: true, count: 1, names: ['a.gz', 'b.gz'] });
  assert.deepEqual(added.fileResults.drawings, { ok: true, text: 'Added 1 drawing from a.gz, b.gz.' });
  const refused = step(added, { type: Action.DRAWINGS_FILES, op: 'import', ok: false, names: ['notes.txt'], message: 'notes.txt is not an IDX file' });
  assert.deepEqual(refused.fileResults.drawings, { ok: false, text: 'notes.txt could not be imported. notes.txt is not an IDX file.' });
  const again = step(refused, { type: Action.DRAWINGS_FILES, op: 'import', ok: false, names: ['notes.txt'], message: 'notes.txt is not an IDX file' });
  assert.notEqual(again.fileResults.drawings, refused.fileResults.drawings, 'a repeat is a new result (announced again)');
  assert.deepEqual(Object.keys(again.fileResults), ['drawings'], 'only there');
  assert.equal(again.error, null);
});

test('Look inside: a layer\'s maps are shown larger the larger they are, in the columns that fit', () => {
  const width = 300; // the pad card's panel, about
  const [conv1, conv2, conv3] = [mapGrid(26, 32, width), mapGrid(11, 64, width), mapGrid(3, 64, width)];
  assert.ok(conv1.tile > conv2.tile && conv2.tile > conv3.tile, JSON.stringify([conv1, conv2, conv3]));
  for (const [side, g] of [[26, conv1], [11, conv2], [3, conv3]]) {
    assert.ok(g.width <= width, `${side}: fits (${g.width} px)`);
    assert.ok(g.tile / side >= 2 && g.tile / side <= 4, `${side}: 2 to 4 px a pixel`);
    const scale = g.tile / side;
    assert.equal(g.width, (g.cols * (side + 1) - 1) * scale, 'the canvas is its columns of tiles and gaps');
    assert.ok((g.cols + 1) * (side + 1) * scale - scale > width || g.cols === (side === 26 ? 32 : 64), `${side}: no room for one more column`);
  }
  // Never smaller for a larger map (every side a model could have), and one column at the least.
  let last = 0;
  for (let side = 1; side <= 64; side++) {
    const g = mapGrid(side, 8, 100);
    assert.ok(g.tile >= last, `side ${side}: ${g.tile} < ${last}`);
    assert.ok(g.cols >= 1 && g.cols <= 8);
    last = g.tile;
  }
  assert.equal(mapGrid(3, 2, 1000).cols, 2, 'no more columns than maps');
});

test('Look inside: the outputs\' winner, by the class names the core gave', () => {
  const names = ['T-shirt', 'Trouser', 'Pullover'];
  assert.deepEqual(outputWinner(Float32Array.from([0.1, 0.7, 0.2]), names), { index: 1, name: 'Trouser', text: 'Highest output: Trouser (70 %)' });
  assert.equal(outputWinner([0.5, 0.5], ['a', 'b']).name, 'a', 'a tie: the first');
  assert.equal(outputWinner([], names), null);
});

test('every event type was exercised above', () => {
  const all = [...Object.values(FromWorker), ...Object.values(Action)];
  assert.deepEqual(all.filter((type) => !seen.has(type)), []);
});
