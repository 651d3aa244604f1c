// Scores (www/metrics.js): argmax, smoothing, throughput, confusion matrix, gallery order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Ema,
  emaPush,
  emaStart,
  emaValue,
  smoothingFor,
  windowOf,
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

test('smoothingFor: a window of a tenth of the run, between 1 batch and 20', () => {
  assert.equal(smoothingFor(47), 1 - 1 / 4.7);
  assert.equal(windowOf(smoothingFor(47)), 5);
  assert.equal(smoothingFor(200), 0.95);
  assert.equal(smoothingFor(10_000), 0.95);
  assert.equal(smoothingFor(5), 0, 'a 5-step run shows each batch as it is');
  assert.equal(smoothingFor(0), 0.95, 'no run planned yet: the default');
  assert.equal(smoothingFor(NaN), 0.95);
  assert.equal(windowOf(0.95), 20);
});

test('a 47-step run: the smoothed value is near the last batches, not ~20 steps behind', () => {
  // A learning curve as MNIST gives on 3,000 images: fast at first, a little noise.
  const truth = (t) => 0.1 + 0.8 * (1 - Math.exp(-t / 15));
  let fixed = emaStart(0.95);
  let fitted = emaStart(smoothingFor(47));
  for (let t = 1; t <= 47; t++) {
    const x = truth(t) + 0.03 * Math.sin(t * 2.1);
    fixed = emaPush(fixed, x);
    fitted = emaPush(fitted, x);
  }
  assert.ok(Math.abs(emaValue(fitted) - truth(47)) < 0.03, `fitted window: ${emaValue(fitted)} vs ${truth(47)}`);
  assert.ok(truth(47) - emaValue(fixed) > 0.08, 'the 20-batch window lags (why this exists)');
});

test('the EMA stays bias-corrected when its weight changes between pushes', () => {
  let e = emaStart(0.95);
  for (let i = 0; i < 3; i++) e = emaPush(e, 1.5);
  for (let i = 0; i < 3; i++) e = emaPush(e, 1.5, 0.5); // a new run with a shorter window
  assert.ok(Math.abs(emaValue(e) - 1.5) < 1e-12, 'a constant stays constant');
  assert.equal(e.weight, 0.5);
  const f = new Ema(0.9);
  f.push(2, 0.9);
  assert.ok(Math.abs(f.push(2, 0.2) - 2) < 1e-12);
  // A state kept before `decay` existed (a saved chart history) reads as weight ** steps.
  assert.ok(Math.abs(emaValue({ weight: 0.9, value: 0.19, steps: 2 }) - 1) < 1e-12);
  assert.ok(Math.abs(emaValue(emaPush({ weight: 0.9, value: 0.19, steps: 2 }, 1)) - 1) < 1e-12);
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
