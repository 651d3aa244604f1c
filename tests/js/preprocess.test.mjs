// Exact small cases for the MNIST preprocessing pipeline (www/preprocess.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alphaToGray,
  areaWeights,
  boundingBox,
  centreOfMass,
  centringOffset,
  fitSize,
  paste,
  preprocess,
  resampleArea,
} from '../../www/preprocess.js';

const close = (actual, expected, eps = 1e-6, msg = '') => {
  assert.ok(Math.abs(actual - expected) <= eps, `${msg} expected ${expected}, got ${actual}`);
};

/** A width x height image from rows of numbers. */
const image = (rows) => ({ data: Float32Array.from(rows.flat()), width: rows[0].length, height: rows.length });

test('alphaToGray reads ink from the alpha channel', () => {
  const rgba = Uint8ClampedArray.from([0, 0, 0, 255, 9, 9, 9, 0, 1, 2, 3, 51]);
  assert.deepEqual([...alphaToGray(rgba, 3, 1)].map((v) => +v.toFixed(6)), [1, 0, 0.2]);
});

test('boundingBox covers every inked pixel; null when there is none', () => {
  const { data, width, height } = image([
    [0, 0, 0, 0, 0],
    [0, 1, 0, 0, 0],
    [0, 0, 0, 0.5, 0],
    [0, 0, 0, 0, 0],
  ]);
  assert.deepEqual(boundingBox(data, width, height), { x: 1, y: 1, width: 3, height: 2 });
  assert.deepEqual(boundingBox(data, width, height, 0.6), { x: 1, y: 1, width: 1, height: 1 });
  assert.equal(boundingBox(new Float32Array(20), 5, 4), null);
});

test('fitSize scales the longer side to 20 and keeps the aspect ratio', () => {
  assert.deepEqual(fitSize(100, 50), { width: 20, height: 10 });
  assert.deepEqual(fitSize(50, 100), { width: 10, height: 20 });
  assert.deepEqual(fitSize(3, 3), { width: 20, height: 20 });
  assert.deepEqual(fitSize(30, 20), { width: 20, height: 13 }); // 13.33 rounds to 13
  assert.deepEqual(fitSize(10, 400), { width: 1, height: 20 }); // never 0 px wide
});

test('areaWeights averages source pixels by coverage', () => {
  assert.deepEqual(areaWeights(0, 4, 2), [
    [[0, 0.5], [1, 0.5]],
    [[2, 0.5], [3, 0.5]],
  ]);
  const w = areaWeights(0, 3, 2); // each output pixel covers 1.5 source pixels
  assert.deepEqual(w.map((taps) => taps.map(([s]) => s)), [[0, 1], [1, 2]]);
  close(w[0][0][1], 2 / 3);
  close(w[0][1][1], 1 / 3);
  close(w[1][0][1], 1 / 3);
  close(w[1][1][1], 2 / 3);
  assert.deepEqual(areaWeights(5, 2, 1), [[[5, 0.5], [6, 0.5]]]); // offset start
  assert.deepEqual(areaWeights(0, 1, 2), [[[0, 1]], [[0, 1]]]); // upscaling repeats
  for (const [len, out] of [[7, 3], [200, 20], [13, 20], [281, 19]]) {
    for (const taps of areaWeights(0, len, out)) close(taps.reduce((s, [, v]) => s + v, 0), 1, 1e-9);
  }
});

test('resampleArea downsamples 2x2 blocks to their means', () => {
  const { data, width } = image([
    [1, 1, 0, 0],
    [1, 1, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 1, 1],
  ]);
  assert.deepEqual([...resampleArea(data, width, { x: 0, y: 0, width: 4, height: 4 }, 2, 2)], [1, 0, 0, 0.5]);
});

test('resampleArea reads only the given rectangle', () => {
  const { data, width } = image([
    [9, 9, 9, 9, 9, 9],
    [9, 1, 1, 0, 0, 9],
    [9, 1, 1, 0, 0, 9],
    [9, 0, 0, 0, 0, 9],
    [9, 0, 0, 1, 1, 9],
    [9, 9, 9, 9, 9, 9],
  ]);
  assert.deepEqual([...resampleArea(data, width, { x: 1, y: 1, width: 4, height: 4 }, 2, 2)], [1, 0, 0, 0.5]);
});

test('resampleArea keeps the mean intensity (anti-aliased, no ink lost)', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const w = 37;
  const h = 23;
  const src = Float32Array.from({ length: w * h }, rand);
  const out = resampleArea(src, w, { x: 0, y: 0, width: w, height: h }, 20, 12);
  const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
  close(mean(out), mean(src), 1e-5);
  // A solid rectangle stays solid after a non-integer scale.
  const solid = resampleArea(new Float32Array(30 * 20).fill(1), 30, { x: 0, y: 0, width: 30, height: 20 }, 20, 13);
  for (const v of solid) close(v, 1, 1e-5);
});

test('centreOfMass uses pixel centres', () => {
  const one = new Float32Array(25);
  one[3 * 5 + 2] = 1; // x = 2, y = 3
  assert.deepEqual(centreOfMass(one, 5, 5), { x: 2.5, y: 3.5 });
  const { data, width, height } = image([[1, 0, 0, 1]]);
  assert.deepEqual(centreOfMass(data, width, height), { x: 2, y: 0.5 });
  const weighted = image([[1, 0, 0, 0.5]]);
  close(centreOfMass(weighted.data, 4, 1).x, (0.5 * 1 + 3.5 * 0.5) / 1.5);
  assert.equal(centreOfMass(new Float32Array(4), 2, 2), null);
});

test('centringOffset puts the centre of mass on 14 and keeps ink in the field', () => {
  assert.equal(centringOffset(10, 20), 4); // a symmetric 20 px digit: 4 px margins
  assert.equal(centringOffset(5, 10), 9);
  assert.equal(centringOffset(0.5, 1), 14); // 13.5 rounds up: the pixel centre lands on 14.5
  assert.equal(centringOffset(2, 20), 8); // would be 12: clamped so the right edge stays in
  assert.equal(centringOffset(18, 20), 0); // would be -4: clamped at the left edge
});

test('paste clips at the field edges', () => {
  const out = paste(Float32Array.from([1, 2, 3, 4]), 2, 2, 27, 27);
  assert.equal(out.length, 784);
  assert.equal(out[27 * 28 + 27], 1);
  assert.equal(out.reduce((s, v) => s + v, 0), 1);
  const neg = paste(Float32Array.from([1, 2, 3, 4]), 2, 2, -1, -1);
  assert.equal(neg[0], 4);
  assert.equal(neg.reduce((s, v) => s + v, 0), 4);
});

test('preprocess: a 100x200 block becomes a 10x20 block centred by mass', () => {
  const W = 280;
  const gray = new Float32Array(W * W);
  for (let y = 40; y < 240; y++) for (let x = 30; x < 130; x++) gray[y * W + x] = 1;
  const r = preprocess(gray, W, W);
  assert.deepEqual(r.box, { x: 30, y: 40, width: 100, height: 200 });
  assert.deepEqual(r.size, { width: 10, height: 20 });
  assert.deepEqual(r.offset, { x: 9, y: 4 });
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const inside = x >= 9 && x < 19 && y >= 4 && y < 24;
      close(r.pixels[y * 28 + x], inside ? 1 : 0, 1e-6, `pixel (${x}, ${y})`);
    }
  }
  assert.deepEqual(centreOfMass(r.pixels, 28, 28), { x: 14, y: 14 });
});

test('preprocess: the same digit drawn small in a corner or large in the middle looks the same', () => {
  // An "L": the result must not depend on where or how big it was drawn.
  const draw = (W, x0, y0, s) => {
    const g = new Float32Array(W * W);
    for (let y = y0; y < y0 + 10 * s; y++) for (let x = x0; x < x0 + 2 * s; x++) g[y * W + x] = 1;
    for (let y = y0 + 8 * s; y < y0 + 10 * s; y++) for (let x = x0; x < x0 + 6 * s; x++) g[y * W + x] = 1;
    return g;
  };
  const a = preprocess(draw(280, 2, 3, 4), 280, 280); // small, top-left corner
  const b = preprocess(draw(280, 90, 30, 20), 280, 280); // large, centred
  for (let i = 0; i < 784; i++) close(a.pixels[i], b.pixels[i], 1e-5, `pixel ${i}`);
  const com = centreOfMass(a.pixels, 28, 28);
  assert.ok(Math.abs(com.x - 14) <= 0.5 && Math.abs(com.y - 14) <= 0.5, JSON.stringify(com));
  assert.equal(Math.max(...a.pixels) <= 1, true);
});

test('preprocess: an empty drawing gives null (no prediction)', () => {
  assert.equal(preprocess(new Float32Array(280 * 280), 280, 280), null);
});
