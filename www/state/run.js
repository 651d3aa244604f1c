// The reducer's handlers for the training run and its settings: READY (schema, model, kept
// settings, first CONFIGURE), CONFIGURED, STATE, PROGRESS, EVALUATION; the form's edits, Train,
// Pause, Reset (which keeps the run for comparison: state/runs.js), and the chart history kept
// beside a restored model.
import * as P from '../protocol.js';
import { FromWorker } from '../protocol.js';
import { addRateSample, emaPush, emaStart, smoothingFor } from '../metrics.js';
import { defaultSettings, validateSettings } from '../settings.js';
import { MNIST } from '../augment-policy.js';
import { Action, Effect } from './events.js';
import { clearError, effect, forgetHistory, keepCharts, requestPrediction, send } from './draft.js';
import { applyClassNames } from './pad.js';
import { keepCurrentRun } from './runs.js';

/** Images per second are measured over this much recent time. */
export const RATE_WINDOW_MS = 3000;

/** A plain EMA state from a kept chart snapshot's, or a fresh one. */
const keptEma = (e) =>
  e && Number.isFinite(e.steps) ? { weight: e.weight, value: e.value, steps: e.steps, decay: Number.isFinite(e.decay) ? e.decay : e.weight ** e.steps } : emaStart();

export const runHandlers = {
  [FromWorker.READY](s, m) {
    s.workerReady = true;
    s.build = m.build;
    s.parameterCount = m.parameterCount;
    s.schema = m.schema;
    s.model = m.model;
    applyClassNames(s);
    s.restored = m.restored;
    s.totalSteps = m.restored?.totalSteps ?? 0;
    s.testAccuracy = m.restored?.testAccuracy ?? NaN;
    if (Number.isFinite(m.restored?.testAccuracy)) s.bestTest = { full: { accuracy: m.restored.testAccuracy, step: m.restored.totalSteps }, estimate: null };
    // The kept settings (main.js read them through the schema), so the trainer runs with them at once.
    s.settings = m.keptSettings ?? defaultSettings(m.schema);
    s.augmentChoices = m.augmentChoices ?? {};
    s.settingsErrors = {};
    s.settingsValid = true;
    clearError(s, 'start'); // boot-guard.js said it was late: it was only slow
    s.tab = m.tab; // this tab's chart history is kept under it, beside this tab's saves
    if (m.restored) effect(s, Effect.CHARTS_LOAD, { tab: m.restored.tab, totalSteps: m.restored.totalSteps });
    send(s, P.configure(s.settings));
    requestPrediction(s);
  },
  [FromWorker.MODEL](s, m) {
    s.model = m.model;
    s.parameterCount = m.parameterCount;
    applyClassNames(s);
    s.prediction = null;
    if (m.rebuilt) {
      forgetHistory(s);
      s.totalSteps = 0;
      s.testAccuracy = NaN;
      s.dataNote = `${s.dataNote} The training data has ${m.model.classes} classes, so the model was rebuilt for them, with fresh weights.`.trim();
    }
    requestPrediction(s);
  },
  [FromWorker.CONFIGURED](s, m) {
    s.trainerConfig = m.config;
  },
  [FromWorker.STATE](s, m) {
    if (m.reason === 'reset') s.awaitingReset = false;
    if (s.awaitingReset) return;
    s.runState = m.state;
    if (m.state !== 'training') requestPrediction(s); // with the final weights
    if (m.state === 'paused' || m.state === 'done') keepCharts(s);
  },
  [FromWorker.PROGRESS](s, m) {
    if (s.awaitingReset) return;
    s.progress = m;
    s.totalSteps = m.firstStep + m.losses.length;
    s.learningRate = m.learningRate ?? NaN;
    s.rate = addRateSample(s.rate, [m.at, m.images, m.ms], RATE_WINDOW_MS);
    // The window fits the planned run (a tenth of it, at most 20 batches): see smoothingFor.
    const smoothing = smoothingFor(m.stepsPerEpoch * m.epochsInRun);
    let { loss, accuracy } = s.smoothed;
    for (let i = 0; i < m.losses.length; i++) {
      loss = emaPush(loss, m.losses[i], smoothing);
      accuracy = emaPush(accuracy, m.accuracies[i], smoothing);
    }
    s.smoothed = { loss, accuracy };
    effect(s, Effect.CHARTS_STEPS, { firstStep: m.firstStep, losses: m.losses, accuracies: m.accuracies, smoothing });
  },
  [FromWorker.WORKERS](s, m) {
    s.workers = { training: m.training, wanted: m.wanted, transport: m.transport, memory: m.memory, checksums: m.checksums, syncMs: m.syncMs, note: m.note };
  },
  [FromWorker.EVALUATION](s, m) {
    if (s.awaitingReset) return;
    effect(s, Effect.CHARTS_EVALUATION, { kind: m.kind, step: m.step, accuracy: m.accuracy });
    const best = s.bestTest[m.kind];
    if (Number.isFinite(m.accuracy) && (!best || m.accuracy > best.accuracy)) s.bestTest = { ...s.bestTest, [m.kind]: { accuracy: m.accuracy, step: m.step } };
    if (m.kind === 'full') {
      keepCharts(s); // an epoch ended: the worker is saving the model too
      s.testAccuracy = m.accuracy;
      s.evaluation = { estimate: m.accuracy, full: m };
    } else {
      s.evaluation = { ...s.evaluation, estimate: m.accuracy };
    }
  },

  [Action.SETTINGS_INPUT](s, { raw }) {
    if (!s.schema) return;
    const r = validateSettings(s.schema, raw);
    s.settingsErrors = r.errors;
    s.settingsValid = r.ok;
    if (!r.ok) return;
    const previous = s.settings;
    s.settings = r.values;
    clearError(s, 'settings');
    let kept = r.values; // only valid settings are kept
    if (s.dataSet !== MNIST && 'augment' in r.values) {
      // Own data: its augment choice is kept for it; the kept settings keep MNIST's.
      if (s.augmentChoices[s.dataSet] !== r.values.augment) {
        s.augmentChoices = { ...s.augmentChoices, [s.dataSet]: r.values.augment };
        effect(s, Effect.SAVE_AUGMENT_CHOICES, { choices: s.augmentChoices });
      }
      if (r.values.augment) s.dataSetNote = '';
      kept = { ...r.values, augment: s.mnistAugment };
    }
    markChanges(s, previous, r.values);
    effect(s, Effect.SAVE_SETTINGS, { schema: s.schema, values: kept });
    send(s, P.configure(r.values)); // applies at once, even mid-run
  },
  [Action.TRAIN](s) {
    if (!s.workerReady || !s.settingsValid) return;
    for (const kind of ['train', 'diverged', 'settings']) clearError(s, kind);
    s.rate = [];
    // A model that has trained continues gently (no warm-up, a lower peak: src/trainer continue_run).
    send(s, s.runState === 'paused' ? P.resume() : P.train(s.settings, false, s.totalSteps > 0));
  },
  [Action.LEARN_DRAWINGS](s) {
    // A run of its own, with the core's settings for it (src/teach.rs learn_drawings_config).
    if (!s.workerReady || !s.settingsValid || !s.drawings?.length || s.runState === 'training') return;
    for (const kind of ['train', 'diverged', 'settings']) clearError(s, kind);
    s.rate = [];
    send(s, P.train(s.settings, true));
  },
  [Action.PAUSE](s) {
    send(s, P.pause());
  },
  [Action.RESET](s, { curves } = {}) {
    keepCurrentRun(s, curves); // the run stays on the charts, so the next run can be compared with it
    send(s, P.reset());
    s.awaitingReset = true; // messages of the old run still in flight are dropped
    s.imported = null;
    clearError(s, 'train');
    clearError(s, 'diverged');
    forgetHistory(s);
    s.totalSteps = 0;
    requestPrediction(s);
  },
  [Action.CHARTS_LOADED](s, { tab, totalSteps, saved }) {
    // Only the history of the model still shown (a reset or an import may have come
    // meanwhile), kept by the tab that saved that model (model-store.js).
    if (!saved || (saved.tab ?? null) !== tab || saved.totalSteps !== totalSteps || s.totalSteps !== totalSteps) return;
    s.smoothed = { loss: keptEma(saved.charts.lossEma), accuracy: keptEma(saved.charts.accEma) };
    if (Array.isArray(saved.charts.marks)) s.marks = saved.charts.marks;
    if (Array.isArray(saved.charts.history)) s.history = saved.charts.history; // the per-epoch table (state/history.js)
    effect(s, Effect.CHARTS_RESTORE, { charts: saved.charts });
  },
};

/**
 * A setting changed while a run is under way (training or paused, after some steps): kept as a
 * mark at the current step, which the charts draw and the chart summaries list, so a jump in
 * the loss has its reason beside it. Edits at the same step merge (typing 0.01 passes 0.0 and
 * 0.01 never, but 0.1 on the way to 0.15 does): the first value stays `from`, a change back
 * to it is no change.
 */
function markChanges(s, before, after) {
  if (!before || s.totalSteps === 0 || (s.runState !== 'training' && s.runState !== 'paused')) return;
  const last = s.marks.at(-1);
  const merging = last?.step === s.totalSteps;
  const from = new Map(merging ? last.changes.map((c) => [c.name, c.from]) : []);
  const changes = [];
  for (const field of s.schema) {
    if (!(field.name in after)) continue;
    const was = from.has(field.name) ? from.get(field.name) : before[field.name];
    if (was !== after[field.name]) changes.push({ name: field.name, label: field.label, from: was, to: after[field.name] });
  }
  const kept = merging ? s.marks.slice(0, -1) : s.marks;
  if (!changes.length && !merging) return;
  s.marks = changes.length ? [...kept, { step: s.totalSteps, changes }] : kept;
  effect(s, Effect.CHARTS_MARKS, { marks: s.marks });
}
