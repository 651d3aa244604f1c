// Keeping the settings across reloads (www/settings.js), through the core's schema: the stored
// text is restored field by field through validateSettings; anything corrupt, of the wrong type,
// out of range or missing takes its default, silently. Storage that is missing, blocked or full
// never throws. The key and the JSON are the same as before the schema: kept settings survive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SETTINGS_KEY,
  defaultSettings,
  loadSettings as load,
  restoreSettings as restore,
  saveSettings as save,
  serializeSettings as serialize,
  validateSettings as validate,
} from '../../www/settings.js';
import { SCHEMA } from './core.mjs';

const DEFAULT_SETTINGS = defaultSettings(SCHEMA);
const restoreSettings = (text) => restore(SCHEMA, text);
const loadSettings = (storage) => load(SCHEMA, storage);
const saveSettings = (values, storage) => save(SCHEMA, values, storage);
const serializeSettings = (values) => serialize(SCHEMA, values);
const validateSettings = (raw) => validate(SCHEMA, raw);

const MINE = Object.freeze({ epochs: 7, batchSize: 128, learningRate: 0.0005, schedule: false, trainSize: 2000, validationSplit: 0.2, patience: 3, augment: false, dropout: 0.5, workers: 2, trainOnDrawings: true, drawingsShare: 0.25, optimizer: 'sgd' });
const json = (over) => JSON.stringify({ ...MINE, ...over });

/** Just enough of Web Storage: getItem / setItem over a Map. */
class MemoryStorage {
  map = new Map();
  getItem(key) {
    return this.map.has(key) ? this.map.get(key) : null;
  }
  setItem(key, value) {
    this.map.set(key, String(value));
  }
}

test('round trip: what is saved comes back exactly', () => {
  assert.deepEqual(restoreSettings(serializeSettings(MINE)), MINE);
  assert.deepEqual(restoreSettings(serializeSettings(DEFAULT_SETTINGS)), DEFAULT_SETTINGS);
  for (const learningRate of [1e-7, 3e-4, 0.1, 1]) {
    assert.equal(restoreSettings(json({ learningRate })).learningRate, learningRate);
  }
  const storage = new MemoryStorage();
  assert.equal(saveSettings(MINE, storage), true);
  assert.deepEqual(JSON.parse(storage.getItem(SETTINGS_KEY)), MINE);
  assert.deepEqual(loadSettings(storage), MINE);
  assert.equal(saveSettings({ ...MINE, augment: true, epochs: 2 }, storage), true);
  assert.deepEqual(loadSettings(storage), { ...MINE, augment: true, epochs: 2 }, 'the last save wins');
});

test('only the known settings are stored', () => {
  assert.deepEqual(Object.keys(JSON.parse(serializeSettings({ ...MINE, extra: 1, ok: true }))), Object.keys(DEFAULT_SETTINGS));
});

test('nothing stored gives the defaults', () => {
  assert.deepEqual(restoreSettings(null), DEFAULT_SETTINGS);
  assert.deepEqual(restoreSettings(undefined), DEFAULT_SETTINGS);
  assert.deepEqual(loadSettings(new MemoryStorage()), DEFAULT_SETTINGS);
});

test('corrupt JSON gives the defaults, without an exception', () => {
  for (const text of ['', '{', '{"epochs": 5', 'not json', 'undefined', 'NaN', '{epochs: 5}', '\u0000\u00ff', json().slice(0, -1)]) {
    assert.deepEqual(restoreSettings(text), DEFAULT_SETTINGS, JSON.stringify(text));
  }
});

test('JSON that is not an object gives the defaults', () => {
  for (const text of ['null', '42', '"batchSize"', 'true', '[]', '[128, 0.0005]', JSON.stringify([MINE])]) {
    assert.deepEqual(restoreSettings(text), DEFAULT_SETTINGS, text);
  }
});

test('a field of the wrong type takes its default; the others are kept', () => {
  const cases = [
    ['epochs', '7'],
    ['epochs', null],
    ['batchSize', '128'],
    ['batchSize', [128]],
    ['batchSize', { value: 128 }],
    ['learningRate', true],
    ['learningRate', '5e-4'],
    ['trainSize', false],
    ['augment', 'false'],
    ['augment', 0],
    ['augment', 1],
    ['augment', null],
    ['augment', 'yes'],
    ['augment', []],
  ];
  for (const [name, value] of cases) {
    const got = restoreSettings(json({ [name]: value }));
    assert.deepEqual(got, { ...MINE, [name]: DEFAULT_SETTINGS[name] }, `${name}=${JSON.stringify(value)}`);
  }
});

test('an out-of-range or fractional number takes its default; the others are kept', () => {
  const cases = [
    ['epochs', 0],
    ['epochs', 101],
    ['epochs', 2.5],
    ['epochs', -3],
    ['batchSize', 0],
    ['batchSize', 1025],
    ['batchSize', 12.5],
    ['learningRate', 0],
    ['learningRate', -0.001],
    ['learningRate', 1.5],
    ['learningRate', 1e308 * 10], // JSON.stringify writes null
    ['trainSize', 0],
    ['trainSize', 60001],
    ['trainSize', 1e9],
    ['workers', 9],
    ['workers', 1.5],
  ];
  for (const [name, value] of cases) {
    const got = restoreSettings(json({ [name]: value }));
    assert.deepEqual(got, { ...MINE, [name]: DEFAULT_SETTINGS[name] }, `${name}=${value}`);
  }
  // The limits themselves are valid.
  assert.deepEqual(restoreSettings(json({ epochs: 100, batchSize: 1, learningRate: 1, trainSize: 60000 })), {
    ...MINE,
    epochs: 100,
    batchSize: 1,
    learningRate: 1,
    trainSize: 60000,
  });
});

test('missing fields take their defaults: data saved before augment existed means augment on', () => {
  const { augment, ...beforeAugment } = MINE;
  assert.equal(augment, false);
  assert.deepEqual(restoreSettings(JSON.stringify(beforeAugment)), { ...MINE, augment: true });
  assert.deepEqual(restoreSettings(JSON.stringify({ batchSize: 128 })), { ...DEFAULT_SETTINGS, batchSize: 128 });
  assert.deepEqual(restoreSettings('{}'), DEFAULT_SETTINGS);
  // Unknown fields (a newer or older version's) are ignored, inherited ones are not read.
  assert.deepEqual(restoreSettings(json({ momentum: 0.9, seed: 4 })), MINE);
  assert.deepEqual(restoreSettings('{"__proto__": {"batchSize": 128}}'), DEFAULT_SETTINGS);
});

test('whatever is stored, the restored settings are complete and valid', () => {
  const junk = [null, true, false, 0, -1, 1, 0.5, 64, 1e-9, 1e9, '', 'x', '64', [], {}, [1]];
  let i = 0;
  for (const a of junk) {
    for (const b of junk) {
      const stored = {};
      for (const [k, name] of Object.keys(DEFAULT_SETTINGS).entries()) stored[name] = (k + i) % 2 ? a : b;
      i += 1;
      const got = restoreSettings(JSON.stringify(stored));
      assert.deepEqual(Object.keys(got).sort(), Object.keys(DEFAULT_SETTINGS).sort());
      const check = validateSettings(Object.fromEntries(Object.entries(got).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])));
      assert.equal(check.ok, true, JSON.stringify(stored));
      assert.deepEqual(check.values, got);
      assert.equal(typeof got.augment, 'boolean');
    }
  }
});

test('storage that is missing, blocked or full never throws', () => {
  const blocked = {
    getItem() {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    },
    setItem() {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    },
  };
  assert.deepEqual(loadSettings(blocked), DEFAULT_SETTINGS);
  assert.equal(saveSettings(MINE, blocked), false);
  assert.deepEqual(loadSettings(null), DEFAULT_SETTINGS);
  assert.equal(saveSettings(MINE, null), false);
  const corrupt = new MemoryStorage();
  corrupt.setItem(SETTINGS_KEY, '{"batchSize": 128, "learningRate": "0.0005", "augment": fals');
  assert.deepEqual(loadSettings(corrupt), DEFAULT_SETTINGS);
});


test('the key and format are those of the hand-written form before the schema', () => {
  assert.equal(SETTINGS_KEY, 'mnist-trainer.settings');
  const kept = '{"epochs":7,"batchSize":128,"learningRate":0.0005,"schedule":false,"trainSize":2000,"validationSplit":0.2,"patience":3,"augment":false,"dropout":0.5,"workers":2,"trainOnDrawings":true,"drawingsShare":0.25,"optimizer":"sgd"}';
  assert.deepEqual(restoreSettings(kept), MINE);
  assert.equal(serializeSettings(MINE), kept);
  // Kept before the Validation split and Stop early existed: their defaults (0.1, off).
  assert.deepEqual(restoreSettings(kept.replace(',"validationSplit":0.2,"patience":3', '')), { ...MINE, validationSplit: 0.1, patience: 0 });
  // Kept before the optimizer setting existed: it takes its default (adam).
  assert.deepEqual(restoreSettings(kept.replace(',"optimizer":"sgd"', '')), { ...MINE, optimizer: 'adam' });
  // Kept before the dropout setting existed: it takes its default (0, off).
  assert.deepEqual(restoreSettings(kept.replace(',"dropout":0.5', '')), { ...MINE, dropout: 0 });
  // Kept before the Workers setting existed: it takes its default (0, auto).
  assert.deepEqual(restoreSettings(kept.replace(',"workers":2', '')), { ...MINE, workers: 0 });
  // Kept before "Train on my drawings too" existed: both take their defaults.
  const beforeDrawings = '{"epochs":7,"batchSize":128,"learningRate":0.0005,"schedule":false,"trainSize":2000,"augment":false,"workers":2}';
  assert.deepEqual(restoreSettings(beforeDrawings), { ...MINE, validationSplit: 0.1, patience: 0, dropout: 0, trainOnDrawings: false, drawingsShare: 0.1, optimizer: 'adam' });
  // Kept before the schedule existed: it takes its default (on).
  const older = '{"epochs":7,"batchSize":128,"learningRate":0.0005,"trainSize":2000,"augment":false}';
  assert.deepEqual(restoreSettings(older), { ...MINE, validationSplit: 0.1, patience: 0, schedule: true, dropout: 0, workers: 0, trainOnDrawings: false, drawingsShare: 0.1, optimizer: 'adam' });
});

test('saving as the page does: valid changes are kept, half-typed values are not', () => {
  // www/state.js keeps the values of a valid form only (its SAVE_SETTINGS effect).
  const storage = new MemoryStorage();
  let form = { ...Object.fromEntries(Object.entries(loadSettings(storage)).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])) };
  const type = (name, text) => {
    form = { ...form, [name]: text };
    const r = validateSettings(form);
    if (r.ok) saveSettings(r.values, storage);
  };
  type('batchSize', '128');
  for (const partial of ['0', '0.', '0.0', '0.00', '0.000', '0.0005']) type('learningRate', partial);
  assert.deepEqual(loadSettings(storage), { ...DEFAULT_SETTINGS, batchSize: 128, learningRate: 0.0005 });
  type('learningRate', '0'); // half-typed again: invalid, not saved
  type('batchSize', '');
  assert.deepEqual(loadSettings(storage), { ...DEFAULT_SETTINGS, batchSize: 128, learningRate: 0.0005 });
  type('learningRate', '0.0005');
  type('batchSize', '128');
  type('augment', false);
  assert.deepEqual(loadSettings(storage), { ...DEFAULT_SETTINGS, batchSize: 128, learningRate: 0.0005, augment: false });
});

test('a setting outside the form (the seed) is neither kept nor restored', () => {
  assert.equal('seed' in JSON.parse(serializeSettings({ ...MINE, seed: 7 })), false);
  assert.equal('seed' in restoreSettings(json({ seed: 7 })), false);
});
