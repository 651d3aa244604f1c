// Settings validation (www/settings.js), driven by the core's schema: bad values are refused
// with a message built from the field's label and limits; booleans are never invalid; only
// `form: true` fields count; ids are the names in kebab case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSettings, fieldError, fieldId, formFields, switchValue, validateSettings } from '../../www/settings.js';
import { SCHEMA } from './core.mjs';

const field = (name) => SCHEMA.find((f) => f.name === name);
const raw = (over = {}) => ({ epochs: '3', batchSize: '64', learningRate: '0.001', trainSize: '60000', validationSplit: '0.1', patience: '0', dropout: '0', workers: '0', drawingsShare: '0.1', ...over });
const DEFAULTS = { epochs: 3, batchSize: 64, learningRate: 0.008, schedule: true, trainSize: 60000, validationSplit: 0.1, patience: 0, augment: true, dropout: 0, workers: 0, trainOnDrawings: false, drawingsShare: 0.1, optimizer: 'adam' };

test('the form shows the form fields of the schema, in its order; ids are kebab case', () => {
  assert.deepEqual(formFields(SCHEMA).map((f) => f.name), ['epochs', 'batchSize', 'learningRate', 'schedule', 'trainSize', 'validationSplit', 'patience', 'augment', 'dropout', 'workers', 'trainOnDrawings', 'drawingsShare', 'optimizer']);
  assert.deepEqual(formFields(SCHEMA).map((f) => fieldId(f.name)), ['epochs', 'batch-size', 'learning-rate', 'schedule', 'train-size', 'validation-split', 'patience', 'augment', 'dropout', 'workers', 'train-on-drawings', 'drawings-share', 'optimizer']);
  assert.equal(fieldId('seed'), 'seed');
});

test('the defaults come from the schema, form fields only; augment is on', () => {
  assert.deepEqual(defaultSettings(SCHEMA), DEFAULTS);
  assert.equal('seed' in defaultSettings(SCHEMA), false, 'the seed is not a form field');
});

test('the defaults are valid', () => {
  const r = validateSettings(SCHEMA, Object.fromEntries(Object.entries(DEFAULTS).map(([k, v]) => [k, String(v)])));
  assert.equal(r.ok, true);
  assert.deepEqual(r.values, DEFAULTS);
});

test('valid text parses to numbers; fields outside the form are ignored', () => {
  const r = validateSettings(SCHEMA, raw({ learningRate: ' 3e-4 ', trainSize: '2000', seed: 'x' }));
  assert.deepEqual(r, {
    ok: true,
    values: { epochs: 3, batchSize: 64, learningRate: 0.0003, schedule: true, trainSize: 2000, validationSplit: 0.1, patience: 0, augment: true, dropout: 0, workers: 0, trainOnDrawings: false, drawingsShare: 0.1, optimizer: 'adam' },
    errors: {},
  });
});

test('augment: a checkbox value or its text is kept; missing (older saved data) means its default', () => {
  assert.equal(validateSettings(SCHEMA, raw({ augment: false })).values.augment, false);
  assert.equal(validateSettings(SCHEMA, raw({ augment: true })).values.augment, true);
  assert.equal(validateSettings(SCHEMA, raw({ augment: 'false' })).values.augment, false);
  assert.equal(validateSettings(SCHEMA, raw({ augment: 'true' })).values.augment, true);
  assert.equal(validateSettings(SCHEMA, raw()).values.augment, true);
  assert.equal(validateSettings(SCHEMA, raw({ augment: undefined })).values.augment, true);
  assert.equal(switchValue(field('augment'), null), true);
  assert.equal(switchValue(field('augment'), ''), true);
  assert.equal(switchValue({ ...field('augment'), default: false }, undefined), false, 'the default is the schema’s');
  // Never an error, and it does not change how the numbers validate.
  const r = validateSettings(SCHEMA, raw({ augment: false, batchSize: '0' }));
  assert.equal(r.ok, false);
  assert.deepEqual(Object.keys(r.errors), ['batchSize']);
  assert.deepEqual(r.values, { epochs: 3, learningRate: 0.001, schedule: true, trainSize: 60000, validationSplit: 0.1, patience: 0, augment: false, dropout: 0, workers: 0, trainOnDrawings: false, drawingsShare: 0.1, optimizer: 'adam' });
  assert.equal(typeof validateSettings(SCHEMA, raw({ augment: 'true' })).values.augment, 'boolean');
});

test('batch 0, learning rate <= 0 or NaN, epochs 0 are refused with a message', () => {
  for (const [name, value] of [
    ['batchSize', '0'],
    ['batchSize', '2000'],
    ['batchSize', '12.5'],
    ['learningRate', '0'],
    ['learningRate', '-0.1'],
    ['learningRate', '1.5'],
    ['learningRate', 'NaN'],
    ['learningRate', 'abc'],
    ['learningRate', ''],
    ['epochs', '0'],
    ['epochs', '1.5'],
    ['trainSize', '0'],
    ['trainSize', '60001'],
    ['dropout', '-0.1'],
    ['dropout', '1'],
    ['workers', '9'],
    ['workers', '-1'],
    ['workers', '1.5'],
    ['validationSplit', '0.6'],
    ['validationSplit', '-0.1'],
    ['patience', '1.5'],
    ['patience', '-1'],
  ]) {
    const r = validateSettings(SCHEMA, raw({ [name]: value }));
    assert.equal(r.ok, false, `${name}=${value}`);
    assert.deepEqual(Object.keys(r.errors), [name]);
    assert.match(r.errors[name], /\w/);
    assert.equal(name in r.values, false);
  }
});

test('the limits themselves are valid; a learning rate of exactly 1 too', () => {
  const r = validateSettings(SCHEMA, raw({ epochs: '100', batchSize: '1', learningRate: '1', trainSize: '1', workers: '8' }));
  assert.equal(r.ok, true);
  assert.deepEqual(r.values, { epochs: 100, batchSize: 1, learningRate: 1, schedule: true, trainSize: 1, validationSplit: 0.1, patience: 0, augment: true, dropout: 0, workers: 8, trainOnDrawings: false, drawingsShare: 0.1, optimizer: 'adam' });
});

test('messages say what is allowed, from the label and limits', () => {
  assert.equal(fieldError(field('batchSize'), '0'), 'Batch size must be a whole number from 1 to 1024.');
  assert.equal(fieldError(field('batchSize'), '1.5'), 'Batch size must be a whole number from 1 to 1024.');
  assert.equal(fieldError(field('learningRate'), '0'), 'Learning rate must be greater than 0 and at most 1.');
  assert.equal(fieldError(field('trainSize'), '60001'), 'Training images must be a whole number from 1 to 60000.');
  assert.equal(fieldError(field('epochs'), ''), 'Epochs: enter a value.');
  assert.equal(fieldError(field('learningRate'), 'x'), 'Learning rate: “x” is not a number.');
  assert.equal(fieldError(field('epochs'), '7'), '');
});

test('fields with one limit or none get messages that fit', () => {
  const f = (over) => ({ name: 'x', type: 'number', label: 'X', ...over });
  assert.equal(fieldError(f({ min: 0 }), '-1'), 'X must be at least 0.');
  assert.equal(fieldError(f({ min: 0, exclusiveMin: true }), '0'), 'X must be greater than 0.');
  assert.equal(fieldError(f({ max: 5 }), '6'), 'X must be at most 5.');
  assert.equal(fieldError(f({}), '1e300'), '');
  assert.equal(fieldError(f({ type: 'integer' }), '0.5'), 'X must be a whole number.');
});

test('a choice is one of its options: anything else (missing, unknown, kept from another version) is its default', async () => {
  const { choiceValue, restoreSettings } = await import('../../www/settings.js');
  const choice = { name: 'optimizer', type: 'choice', label: 'Optimizer', help: '', default: 'adam', form: true, options: ['adam', 'adamw', 'sgd'] };
  assert.equal(choiceValue(choice, 'sgd'), 'sgd');
  assert.equal(choiceValue(choice, 'rmsprop'), 'adam');
  assert.equal(choiceValue(choice, undefined), 'adam');
  const schema = [choice];
  assert.deepEqual(validateSettings(schema, { optimizer: 'adamw' }), { ok: true, values: { optimizer: 'adamw' }, errors: {} });
  assert.deepEqual(restoreSettings(schema, JSON.stringify({ optimizer: 'sgd' })), { optimizer: 'sgd' });
  assert.deepEqual(restoreSettings(schema, JSON.stringify({ optimizer: 3 })), { optimizer: 'adam' }, 'not a string: the default');
  assert.deepEqual(restoreSettings(schema, JSON.stringify({ optimizer: 'nadam' })), { optimizer: 'adam' }, 'not an option: the default');
});
