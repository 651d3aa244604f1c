// Scores (www/metrics.js): argmax, smoothing, throughput, confusion matrix, gallery order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Ema,
  emaPush,
  emaStart,
  emaValue,
  addRateSample,
  argmax,
  busyRate,
  confusionMatrix,
  matrixAccuracy,
  perClassAccuracy,
  stepsRemaining,
  topMisclassified,
  wallRate,
} from '../../www/metrics.js';

test('argmax returns the first largest index, within a window', () => {
  assert.equal(argmax([0.1, 0.7, 0.2]), 1);
  assert.equal(argmax([3, 5, 5]), 1);
  assert.equal(argmax([]), -1);
  assert.equal(argmax(Float32Array.from([9, 0, 1, 0, 2]), 2, 3), 2); // window [1, 0, 2]
});

test('Ema is bias-corrected: a constant series stays constant from the first value', () => {
  const e = new Ema(0.9);
  assert.ok(Number.isNaN(e.current));
  for (let i = 0; i < 5; i++) assert.ok(Math.abs(e.push(2.5) - 2.5) < 1e-12);
  const f = new Ema(0.5);
  f.push(0);
  assert.equal(f.push(4), 4 * 0.5 / (1 - 0.25)); // (0.5*0 + 0.5*4) / (1 - 0.5^2)
});

test('the pure EMA agrees with Ema and never changes its input', () => {
  const e = new Ema(0.9);
  let state = emaStart(0.9);
  assert.ok(Number.isNaN(emaValue(state)));
  for (const x of [2.3, 1.9, 0.4, 0.7]) {
    const before = state;
    state = emaPush(state, x);
    assert.equal(before.steps + 1, state.steps, 'a new state each time');
    assert.equal(emaValue(state), e.push(x));
  }
});

test('rate samples: images over busy time within the window; wall rate between samples', () => {
  let samples = [];
  assert.ok(Number.isNaN(busyRate(samples)));
  samples = addRateSample(samples, [0, 100, 50], 1000);
  assert.ok(Number.isNaN(wallRate(samples)), 'one sample: no wall rate yet');
  const two = addRateSample(samples, [100, 300, 50], 1000);
  assert.equal(samples.length, 1, 'the list given is not changed');
  assert.equal(busyRate(two), 4000); // 400 images in 100 ms
  assert.equal(wallRate(two), 3000); // 300 images arrived over the 100 ms between the two samples
  const later = addRateSample(two, [5000, 10, 10], 1000); // the old samples fall out of the window
  assert.deepEqual(later, [[5000, 10, 10]]);
  assert.equal(busyRate(later), 1000);
});

test('stepsRemaining counts the rest of the run', () => {
  assert.equal(stepsRemaining({ epochInRun: 0, epochsInRun: 3, stepInEpoch: 10, stepsPerEpoch: 100 }), 290);
  assert.equal(stepsRemaining({ epochInRun: 3, epochsInRun: 3, stepInEpoch: 0, stepsPerEpoch: 100 }), 0);
});

test('confusionMatrix counts true x predicted; per-class accuracy is row recall', () => {
  const labels = Uint8Array.from([0, 0, 1, 1, 1, 2]);
  const preds = Uint8Array.from([0, 1, 1, 1, 0, 2]);
  const m = confusionMatrix(labels, preds, 3);
  assert.deepEqual([...m], [1, 1, 0, 1, 2, 0, 0, 0, 1]);
  const acc = perClassAccuracy(m, 3);
  assert.deepEqual([...acc], [0.5, 2 / 3, 1]);
  assert.equal(matrixAccuracy(m, 3), 4 / 6);
  assert.ok(Number.isNaN(perClassAccuracy(new Uint32Array(4), 2)[0]));
  assert.throws(() => confusionMatrix([1], [1, 2]));
});

test('topMisclassified lists confident mistakes first', () => {
  const labels = [1, 2, 3, 4, 5];
  const preds = [1, 7, 8, 4, 9];
  const conf = [0.99, 0.6, 0.9, 0.5, 0.6];
  assert.deepEqual(topMisclassified(labels, preds, conf, 10), [2, 1, 4]);
  assert.deepEqual(topMisclassified(labels, preds, conf, 1), [2]);
});
