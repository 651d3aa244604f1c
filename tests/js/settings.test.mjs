// Settings validation (www/settings.js): bad values are refused with a message; the augment
// switch is on by default and survives validation and the form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, SettingsForm, fieldError, switchValue, validateSettings } from '../../www/settings.js';
import { FakeInput } from './fake-input.mjs';

const raw = (over = {}) => ({ epochs: '3', batchSize: '64', learningRate: '0.001', trainSize: '60000', ...over });

test('the defaults are valid', () => {
  const r = validateSettings(Object.fromEntries(Object.entries(DEFAULT_SETTINGS).map(([k, v]) => [k, String(v)])));
  assert.equal(r.ok, true);
  assert.deepEqual(r.values, DEFAULT_SETTINGS);
});

test('augment is on by default', () => {
  assert.equal(DEFAULT_SETTINGS.augment, true);
  assert.deepEqual(DEFAULT_SETTINGS, { epochs: 3, batchSize: 64, learningRate: 0.001, trainSize: 60000, augment: true });
});

test('valid text parses to numbers', () => {
  const r = validateSettings(raw({ learningRate: ' 3e-4 ', trainSize: '2000' }));
  assert.deepEqual(r, {
    ok: true,
    values: { epochs: 3, batchSize: 64, learningRate: 0.0003, trainSize: 2000, augment: true },
    errors: {},
  });
});

test('augment: a checkbox value or its text is kept; missing (older saved data) means on', () => {
  assert.equal(validateSettings(raw({ augment: false })).values.augment, false);
  assert.equal(validateSettings(raw({ augment: true })).values.augment, true);
  assert.equal(validateSettings(raw({ augment: 'false' })).values.augment, false);
  assert.equal(validateSettings(raw({ augment: 'true' })).values.augment, true);
  assert.equal(validateSettings(raw()).values.augment, true);
  assert.equal(validateSettings(raw({ augment: undefined })).values.augment, true);
  assert.equal(switchValue('augment', null), true);
  assert.equal(switchValue('augment', ''), true);
  // Never an error, and it does not change how the numbers validate.
  const r = validateSettings(raw({ augment: false, batchSize: '0' }));
  assert.equal(r.ok, false);
  assert.deepEqual(Object.keys(r.errors), ['batchSize']);
  assert.deepEqual(r.values, { epochs: 3, learningRate: 0.001, trainSize: 60000, augment: false });
  assert.equal(typeof validateSettings(raw({ augment: 'true' })).values.augment, 'boolean');
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


test('the form starts with augment checked and reports it when toggled', () => {
  const names = ['epochs', 'batchSize', 'learningRate', 'trainSize'];
  const inputs = Object.fromEntries([...names, 'augment'].map((n) => [n, new FakeInput()]));
  const messages = Object.fromEntries(names.map((n) => [n, new FakeInput()]));
  const reports = [];
  const form = new SettingsForm({ inputs, messages, onChange: (r) => reports.push(r) });
  assert.equal(inputs.augment.checked, true);
  assert.deepEqual(form.read().values, DEFAULT_SETTINGS);
  assert.equal(inputs.augment.attributes['aria-invalid'], undefined, 'a checkbox is never marked invalid');

  inputs.augment.checked = false;
  inputs.augment.fire('change');
  assert.equal(reports.length, 1);
  assert.equal(reports[0].ok, true);
  assert.deepEqual(reports[0].values, { ...DEFAULT_SETTINGS, augment: false });

  inputs.batchSize.value = '32';
  inputs.batchSize.fire('input');
  assert.deepEqual(reports[1].values, { ...DEFAULT_SETTINGS, batchSize: 32, augment: false }, 'a number edit keeps augment off');

  inputs.augment.checked = true;
  inputs.augment.fire('change');
  assert.equal(reports[2].values.augment, true);
});
