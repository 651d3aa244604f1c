// Chart decimation (www/decimate.js): bounded size, envelope kept, sparse series aligned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimator, alignSeries } from '../../www/decimate.js';

test('a Decimator below capacity keeps every point', () => {
  const d = new Decimator(4);
  for (let i = 0; i < 4; i++) d.push(i, 10 * i);
  assert.equal(d.width, 1);
  assert.deepEqual(d.series(), {
    x: [0, 1, 2, 3], min: [0, 10, 20, 30], max: [0, 10, 20, 30], mean: [0, 10, 20, 30], last: [0, 10, 20, 30],
  });
});

test('a full Decimator merges neighbours and doubles the bucket width', () => {
  const d = new Decimator(4);
  for (let i = 0; i < 5; i++) d.push(i, i);
  assert.equal(d.width, 2);
  assert.deepEqual(d.series(), { x: [0, 2, 4], min: [0, 2, 4], max: [1, 3, 4], mean: [0.5, 2.5, 4], last: [1, 3, 4] });
  d.push(5, -7); // fills the partial bucket
  assert.deepEqual(d.series().min, [0, 2, -7]);
  assert.deepEqual(d.series().mean, [0.5, 2.5, -1.5]);
});

test('a long run stays within capacity and keeps the envelope and the mean', () => {
  const d = new Decimator(2048);
  const n = 100_000;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const y = Math.sin(i / 50) + (i === 77_777 ? 20 : 0); // one spike
    sum += y;
    d.push(i, y);
  }
  assert.ok(d.length <= 2048 && d.length > 1024, `length ${d.length}`);
  assert.equal(d.count, n);
  assert.equal(d.n.reduce((a, b) => a + b, 0), n);
  const s = d.series();
  assert.ok(Math.max(...s.max) > 19, 'the spike survives decimation');
  const total = s.mean.reduce((acc, m, i) => acc + m * d.n[i], 0);
  assert.ok(Math.abs(total - sum) < 1e-6 * n);
  assert.deepEqual(s.x, [...s.x].sort((a, b) => a - b));
  assert.equal(s.x[0], 0);
});

test('Decimator rejects an odd or tiny capacity', () => {
  assert.throws(() => new Decimator(3));
  assert.throws(() => new Decimator(0));
});

test('alignSeries puts sparse points on the union of x values', () => {
  const aligned = alignSeries({ x: [0, 2, 4], ys: [[1, 2, 3]] }, [{ x: [1, 4], y: [9, 8] }, { x: [], y: [] }]);
  assert.deepEqual(aligned, [
    [0, 1, 2, 4],
    [1, null, 2, 3],
    [null, 9, null, 8],
    [null, null, null, null],
  ]);
});
