// Settings validation (www/settings.js): bad values are refused with a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, fieldError, validateSettings } from '../../www/settings.js';

const raw = (over = {}) => ({ epochs: '3', batchSize: '64', learningRate: '0.001', trainSize: '60000', ...over });

test('the defaults are valid', () => {
  const r = validateSettings(Object.fromEntries(Object.entries(DEFAULT_SETTINGS).map(([k, v]) => [k, String(v)])));
  assert.equal(r.ok, true);
  assert.deepEqual(r.values, DEFAULT_SETTINGS);
});

test('valid text parses to numbers', () => {
  const r = validateSettings(raw({ learningRate: ' 3e-4 ', trainSize: '2000' }));
  assert.deepEqual(r, { ok: true, values: { epochs: 3, batchSize: 64, learningRate: 0.0003, trainSize: 2000 }, errors: {} });
});

test('batch 0, learning rate <= 0 or NaN, epochs 0 are refused with a message', () => {
  for (const [name, value] of [
    ['batchSize', '0'],
    ['batchSize', '2000'],
    ['batchSize', '12.5'],
    ['learningRate', '0'],
    ['learningRate', '-0.1'],
    ['learningRate', 'NaN'],
    ['learningRate', 'abc'],
    ['learningRate', ''],
    ['epochs', '0'],
    ['epochs', '1.5'],
    ['trainSize', '0'],
    ['trainSize', '60001'],
  ]) {
    const r = validateSettings(raw({ [name]: value }));
    assert.equal(r.ok, false, `${name}=${value}`);
    assert.deepEqual(Object.keys(r.errors), [name]);
    assert.match(r.errors[name], /\w/);
    assert.equal(name in r.values, false);
  }
});

test('messages say what is allowed', () => {
  assert.equal(fieldError('batchSize', '0'), 'Batch size must be a whole number from 1 to 1024.');
  assert.equal(fieldError('learningRate', '0'), 'Learning rate must be greater than 0 and at most 1.');
  assert.equal(fieldError('epochs', ''), 'Epochs: enter a value.');
  assert.equal(fieldError('learningRate', 'x'), 'Learning rate: “x” is not a number.');
});
