// Status and controls for each situation (www/ui-state.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controlsFor, displayState, statusText } from '../../www/ui-state.js';

const base = { workerReady: true, error: null, runState: 'ready', trainUsable: 60000 };

test('displayState', () => {
  assert.equal(displayState({ ...base, workerReady: false }), 'loading');
  assert.equal(displayState({ ...base, trainUsable: 0 }), 'loading');
  assert.equal(displayState(base), 'ready');
  for (const s of ['training', 'paused', 'done']) assert.equal(displayState({ ...base, runState: s }), s);
  assert.equal(displayState({ ...base, runState: 'training', error: 'x' }), 'error');
});

test('statusText', () => {
  const ctx = { workerReady: true, epochInRun: 1, epochsInRun: 3, testAccuracy: 0.987 };
  assert.equal(statusText('loading', ctx), 'Loading MNIST…');
  assert.equal(statusText('loading', { ...ctx, workerReady: false }), 'Starting…');
  assert.equal(statusText('training', ctx), 'Training · epoch 2 of 3');
  assert.equal(statusText('training', { ...ctx, epochInRun: 3 }), 'Training · epoch 3 of 3');
  assert.equal(statusText('done', ctx), 'Done · 98.7% on the test set');
  assert.equal(statusText('done', { ...ctx, testAccuracy: null }), 'Done');
});

test('controlsFor', () => {
  const c = (over) => controlsFor({ state: 'ready', runState: 'ready', workerReady: true, trainUsable: 10, settingsValid: true, ...over });
  assert.deepEqual(c({}), { train: { label: 'Train', disabled: false }, pause: { disabled: true }, reset: { disabled: false } });
  assert.equal(c({ settingsValid: false }).train.disabled, true, 'invalid settings block training');
  assert.equal(c({ trainUsable: 0 }).train.disabled, true);
  assert.equal(c({ state: 'training', runState: 'training' }).train.disabled, true);
  assert.equal(c({ state: 'training', runState: 'training' }).pause.disabled, false);
  assert.equal(c({ state: 'paused', runState: 'paused' }).train.label, 'Resume');
  assert.equal(c({ state: 'done', runState: 'done' }).train.label, 'Train more');
  assert.equal(c({ workerReady: false }).reset.disabled, true);
});
