// The reducer's handlers for the training run and its settings: READY (schema, model, kept
// settings, first CONFIGURE), CONFIGURED, STATE, PROGRESS, EVALUATION; the form's edits, Train,
// Pause, Reset, and the chart history kept beside a restored model.
import * as P from '../protocol.js';
import { FromWorker } from '../protocol.js';
import { addRateSample, emaPush, emaStart } from '../metrics.js';
import { defaultSettings, validateSettings } from '../settings.js';
import { MNIST } from '../augment-policy.js';
import { Action, Effect } from './events.js';
import { clearError, effect, forgetHistory, keepCharts, requestPrediction, send } from './draft.js';

/** Images per second are measured over this much recent time. */
export const RATE_WINDOW_MS = 3000;

/** A plain EMA state from a kept chart snapshot's, or a fresh one. */
const keptEma = (e) => (e && Number.isFinite(e.steps) ? { weight: e.weight, value: e.value, steps: e.steps } : emaStart());

export const runHandlers = {
  [FromWorker.READY](s, m) {
    s.workerReady = true;
    s.build = m.build;
    s.parameterCount = m.parameterCount;
    s.schema = m.schema;
    s.model = m.model;
    s.restored = m.restored;
    s.totalSteps = m.restored?.totalSteps ?? 0;
    s.testAccuracy = m.restored?.testAccuracy ?? NaN;
    // The kept settings (main.js read them through the schema), so the trainer runs with them at once.
    s.settings = m.keptSettings ?? defaultSettings(m.schema);
    s.augmentChoices = m.augmentChoices ?? {};
    s.settingsErrors = {};
    s.settingsValid = true;
    if (m.restored) effect(s, Effect.CHARTS_LOAD, { totalSteps: m.restored.totalSteps });
    send(s, P.configure(s.settings));
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
    let { loss, accuracy } = s.smoothed;
    for (let i = 0; i < m.losses.length; i++) {
      loss = emaPush(loss, m.losses[i]);
      accuracy = emaPush(accuracy, m.accuracies[i]);
    }
    s.smoothed = { loss, accuracy };
    effect(s, Effect.CHARTS_STEPS, { firstStep: m.firstStep, losses: m.losses, accuracies: m.accuracies });
  },
  [FromWorker.WORKERS](s, m) {
    s.workers = { training: m.training, wanted: m.wanted, transport: m.transport, memory: m.memory, checksums: m.checksums, syncMs: m.syncMs, note: m.note };
  },
  [FromWorker.EVALUATION](s, m) {
    if (s.awaitingReset) return;
    effect(s, Effect.CHARTS_EVALUATION, { kind: m.kind, step: m.step, accuracy: m.accuracy });
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
    effect(s, Effect.SAVE_SETTINGS, { schema: s.schema, values: kept });
    send(s, P.configure(r.values)); // applies at once, even mid-run
  },
  [Action.TRAIN](s) {
    if (!s.workerReady || !s.settingsValid) return;
    for (const kind of ['train', 'diverged', 'settings']) clearError(s, kind);
    s.rate = [];
    send(s, s.runState === 'paused' ? P.resume() : P.train(s.settings));
  },
  [Action.PAUSE](s) {
    send(s, P.pause());
  },
  [Action.RESET](s) {
    send(s, P.reset());
    s.awaitingReset = true; // messages of the old run still in flight are dropped
    s.imported = null;
    clearError(s, 'train');
    clearError(s, 'diverged');
    forgetHistory(s);
    s.totalSteps = 0;
    requestPrediction(s);
  },
  [Action.CHARTS_LOADED](s, { totalSteps, saved }) {
    // Only the history of the model still shown: a reset or an import may have come meanwhile.
    if (!saved || saved.totalSteps !== totalSteps || s.totalSteps !== totalSteps) return;
    s.smoothed = { loss: keptEma(saved.charts.lossEma), accuracy: keptEma(saved.charts.accEma) };
    effect(s, Effect.CHARTS_RESTORE, { charts: saved.charts });
  },
};
