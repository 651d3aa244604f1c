// Whether to augment follows the data set (www/augment-policy.js): MNIST keeps its own setting,
// an own data set starts off unless a choice was kept for it, and kept choices survive bad text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUGMENT_CHOICES_KEY, MNIST, augmentFor, dataSetKey, loadChoices, restoreChoices, saveChoices } from '../../www/augment-policy.js';

test('the key of an own data set is its training files, in any order', () => {
  assert.equal(dataSetKey(['b-labels', 'a-images']), dataSetKey(['a-images', 'b-labels']));
  assert.notEqual(dataSetKey(['x', 'y']), dataSetKey(['x', 'z']));
  assert.notEqual(dataSetKey(['x', 'y']), MNIST);
});

test('MNIST keeps its setting; own data starts off unless a choice was kept', () => {
  assert.equal(augmentFor(MNIST, {}, true), true);
  assert.equal(augmentFor(MNIST, {}, false), false);
  const key = dataSetKey(['l', 'i']);
  assert.equal(augmentFor(key, {}, true), false);
  assert.equal(augmentFor(key, { [key]: true }, false), true);
  assert.equal(augmentFor(key, { [key]: 'yes' }, true), false);
});

test('kept choices: only booleans of own data sets survive; bad text gives none', () => {
  assert.deepEqual(restoreChoices(JSON.stringify({ 'own:a+b': true, 'own:c+d': 1, mnist: true, x: false })), { 'own:a+b': true });
  for (const text of [null, '', '{', '[]', '7', 'null']) assert.deepEqual(restoreChoices(text), {});
});

test('load and save through a storage, and without one', () => {
  const map = new Map();
  const storage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, v) };
  assert.equal(saveChoices({ 'own:a+b': false }, storage), true);
  assert.equal(map.get(AUGMENT_CHOICES_KEY), '{"own:a+b":false}');
  assert.deepEqual(loadChoices(storage), { 'own:a+b': false });
  assert.deepEqual(loadChoices(null), {});
  assert.equal(saveChoices({}, null), false);
  const full = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('full'); } };
  assert.deepEqual(loadChoices(full), {});
  assert.equal(saveChoices({}, full), false);
});
