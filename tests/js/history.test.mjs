// The per-epoch history (www/state/history.js): lines from EPOCH_END, the CSV as Keras's
// CSVLogger writes it, early stopping in words, and the validation figures of the charts' text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as P from '../../www/protocol.js';
import { HISTORY_COLUMNS, HISTORY_FILE, addEpochLine, earlyStopText, historyCsv, historyHandlers, validationSentence } from '../../www/state/history.js';
import { Action, Effect } from '../../www/state/events.js';

const line = (epoch, over = {}) =>
  P.epochEnd({
    epoch,
    step: epoch * 844,
    loss: 0.5 / epoch,
    accuracy: 0.8 + epoch / 100,
    valLoss: 0.4 / epoch,
    valAccuracy: 0.85 + epoch / 100,
    valCount: 6000,
    learningRate: 0.006 / epoch,
    seconds: 30.25 + epoch,
    patience: 0,
    bestEpoch: null,
    stop: false,
    restoredEpoch: null,
    ...over,
  })[0];

test('EPOCH_END lines make the history, one per epoch; an epoch told again replaces its line and what followed', () => {
  let h = [];
  for (const e of [1, 2, 3]) h = addEpochLine(h, line(e));
  assert.deepEqual(h.map((l) => l.epoch), [1, 2, 3]);
  assert.deepEqual(Object.keys(h[0]).sort(), ['accuracy', 'bestEpoch', 'epoch', 'learningRate', 'loss', 'patience', 'restoredEpoch', 'seconds', 'step', 'stop', 'valAccuracy', 'valCount', 'valLoss'].sort());
  const again = addEpochLine(h, line(2, { loss: 9 }));
  assert.deepEqual(again.map((l) => [l.epoch, l.loss]), [[1, 0.5], [2, 9]]);
  assert.equal(h.length, 3, 'the old history is untouched');
});

test("the CSV: Keras CSVLogger's header, one row per epoch, blanks where there is no validation", () => {
  let h = addEpochLine([], line(1));
  h = addEpochLine(h, line(2, { accuracy: 0.82, valLoss: null, valAccuracy: null, valCount: 0 }));
  const text = historyCsv(h);
  const [header, ...rows] = text.trimEnd().split('\n');
  assert.equal(header, 'epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds');
  assert.equal(HISTORY_COLUMNS.join(','), header);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0].split(',').map(Number), [1, 0.5, 0.81, 0.4, 0.86, 0.006, 31.25]);
  assert.equal(rows[1], '2,0.25,0.82,,,0.003,32.25');
  assert.ok(text.endsWith('\n'));
  assert.equal(historyCsv([]), `${header}\n`);
});

test('the download: HISTORY_CSV saves history.csv, nothing before an epoch has ended', () => {
  const s = { history: addEpochLine([], line(1)), effects: [] };
  historyHandlers[Action.HISTORY_CSV](s);
  const [save] = s.effects;
  assert.equal(save.type, Effect.SAVE_FILE);
  assert.equal(save.name, HISTORY_FILE);
  assert.equal(new TextDecoder().decode(save.bytes), historyCsv(s.history));
  const empty = { history: [], effects: [] };
  historyHandlers[Action.HISTORY_CSV](empty);
  assert.deepEqual(empty.effects, []);
});

test('an EPOCH_END puts its validation point on the charts; one without validation or before a reset is confirmed does not', () => {
  const s = { history: [], effects: [], awaitingReset: false };
  historyHandlers[P.FromWorker.EPOCH_END](s, line(1));
  assert.deepEqual(s.effects, [{ type: Effect.CHARTS_VALIDATION, step: 844, loss: 0.4, accuracy: 0.86 }]);
  const none = { history: [], effects: [], awaitingReset: false };
  historyHandlers[P.FromWorker.EPOCH_END](none, line(1, { valLoss: null, valAccuracy: null, valCount: 0 }));
  assert.deepEqual([none.effects, none.history.length], [[], 1]);
  const old = { history: [], effects: [], awaitingReset: true };
  historyHandlers[P.FromWorker.EPOCH_END](old, line(1));
  assert.deepEqual([old.effects, old.history], [[], []]);
});

test('early stopping in words: when and why it stopped, and which epoch it kept', () => {
  let h = [];
  h = addEpochLine(h, line(1, { patience: 2, bestEpoch: 1 }));
  assert.equal(earlyStopText(h), '', 'nothing stopped or restored yet');
  h = addEpochLine(h, line(2, { patience: 2, bestEpoch: 1, valLoss: 0.5 }));
  h = addEpochLine(h, line(3, { patience: 2, bestEpoch: 1, valLoss: 0.6, stop: true, restoredEpoch: 1 }));
  assert.equal(
    earlyStopText(h),
    'Stopped early after epoch 3: val_loss had not improved for 2 epochs (patience 2). The model keeps the weights of epoch 1 (val_loss 0.400), the lowest val_loss.',
  );
  const ended = addEpochLine(h.slice(0, 2), line(3, { patience: 5, bestEpoch: 1, valLoss: 0.6, restoredEpoch: 1 }));
  assert.equal(earlyStopText(ended), 'The run ended at epoch 3; the model keeps the weights of epoch 1 (val_loss 0.400), the lowest val_loss of the run.');
  assert.equal(earlyStopText([]), '');
});

test("the charts' text: the latest validation score, with how many images it is over", () => {
  let h = addEpochLine([], line(1));
  h = addEpochLine(h, line(2, { valLoss: null, valAccuracy: null, valCount: 0 }));
  assert.equal(validationSentence(h, 'loss'), ' Validation (6,000 held-out training images) after epoch 1: val_loss 0.400.');
  assert.equal(validationSentence(h, 'accuracy'), ' Validation (6,000 held-out training images) after epoch 1: val_accuracy 86.0%.');
  assert.equal(validationSentence([], 'loss'), '');
});
