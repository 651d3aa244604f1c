// What Keras's `fit` shows, for the page: the per-epoch history (EPOCH_END lines: loss and
// accuracy, the epoch's training means; val_loss and val_accuracy on the held-out images; the
// learning rate; seconds), its CSV as Keras's CSVLogger writes it, early stopping in words, and
// the validation figures for the charts' text. Pure; tested in tests/js/history.test.mjs.
import { FromWorker } from '../protocol.js';
import { formatInt, formatLoss, formatPercent } from '../format.js';
import { Action, Effect } from './events.js';
import { effect } from './draft.js';

/** The CSV's columns, as Keras's CSVLogger names them (`epoch` counts from 1 here, as the page does). */
export const HISTORY_COLUMNS = ['epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'learning_rate', 'seconds'];
export const HISTORY_FILE = 'history.csv';

export const historyState = () => ({
  history: [], // one line per epoch of this model: EPOCH_END's fields (state/history.js)
});

/** An EPOCH_END message as a history line (an epoch told again replaces its line). */
export function addEpochLine(history, m) {
  const line = {
    epoch: m.epoch,
    step: m.step,
    loss: m.loss,
    accuracy: m.accuracy,
    valLoss: m.valLoss ?? null,
    valAccuracy: m.valAccuracy ?? null,
    valCount: m.valCount ?? 0,
    learningRate: m.learningRate ?? null,
    seconds: m.seconds,
    patience: m.patience ?? 0,
    bestEpoch: m.bestEpoch ?? null,
    stop: !!m.stop,
    restoredEpoch: m.restoredEpoch ?? null,
  };
  return [...history.filter((l) => l.epoch < line.epoch), line];
}

/** A number as the CSV writes it: full precision, blank when missing (no validation split). */
const csvNumber = (v) => (v == null || !Number.isFinite(v) ? '' : String(v));

/** The history as CSV text: the header of HISTORY_COLUMNS, then one row per epoch. */
export function historyCsv(history) {
  const rows = history.map((l) =>
    [l.epoch, l.loss, l.accuracy, l.valLoss, l.valAccuracy, l.learningRate, l.seconds == null ? null : +l.seconds.toFixed(3)].map(csvNumber).join(','),
  );
  return `${[HISTORY_COLUMNS.join(','), ...rows].join('\n')}\n`;
}

/**
 * Early stopping in words, from the history's last line: when and why the run stopped, and
 * which epoch's weights the model kept; '' when nothing was stopped or restored.
 */
export function earlyStopText(history) {
  const last = history.at(-1);
  if (!last) return '';
  const best = history.find((l) => l.epoch === last.restoredEpoch);
  const bestLoss = best ? ` (val_loss ${formatLoss(best.valLoss)})` : '';
  const epochs = (n) => `${n} epoch${n === 1 ? '' : 's'}`;
  if (last.stop) {
    const kept = last.restoredEpoch != null ? `the weights of epoch ${last.restoredEpoch}${bestLoss}, the lowest val_loss` : `the weights of epoch ${last.epoch}`;
    return `Stopped early after epoch ${last.epoch}: val_loss had not improved for ${epochs(last.patience)} (patience ${last.patience}). The model keeps ${kept}.`;
  }
  if (last.restoredEpoch != null) {
    return `The run ended at epoch ${last.epoch}; the model keeps the weights of epoch ${last.restoredEpoch}${bestLoss}, the lowest val_loss of the run.`;
  }
  return '';
}

/** The latest validation score, for the charts' text: ` Validation (…) after epoch 3: …` or ''. */
export function validationSentence(history, what) {
  const last = history.findLast((l) => l.valLoss != null);
  if (!last) return '';
  const value = what === 'loss' ? `val_loss ${formatLoss(last.valLoss)}` : `val_accuracy ${formatPercent(last.valAccuracy)}`;
  return ` Validation (${formatInt(last.valCount)} held-out training images) after epoch ${last.epoch}: ${value}.`;
}

export const historyHandlers = {
  [FromWorker.EPOCH_END](s, m) {
    if (s.awaitingReset) return;
    s.history = addEpochLine(s.history, m);
    if (m.valLoss != null) effect(s, Effect.CHARTS_VALIDATION, { step: m.step, loss: m.valLoss, accuracy: m.valAccuracy });
  },
  [Action.HISTORY_CSV](s) {
    if (!s.history.length) return;
    effect(s, Effect.SAVE_FILE, { bytes: new TextEncoder().encode(historyCsv(s.history)), name: HISTORY_FILE });
  },
};
