// Owns the set of `npm run bench:hands` (bench/hands.mjs): digits written by real people, from
// the dev set next to the checkout (../shared/data/real-digits-dev.json; for measuring only, never
// shipped), placed on the pad as a person would draw them there. Pure Node, no browser.
//
// Each digit (strokes in a unit square, longer side 1) is drawn by a seeded hand the way the
// project's hidden check draws: 0.30-0.45 of the pad tall, anywhere it fits, with mouse events
// at most 10 CSS px apart on the 280 px pad (points every 3.4-10 px along the writer's own
// trajectory) and ~0.4 px of jitter. Size buckets split that range in thirds.
//
//   handsSet({ file, seed }) -> [{ id, label, source, writer, size, height, strokes: [[{ x, y }...]...] }]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from './prng.mjs';
import { resample } from './drawn-digits.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_FILE = join(ROOT, '..', 'shared', 'data', 'real-digits-dev.json');

const PAD_CSS_PX = 280;
const MAX_MOVE_PX = 10;
const MIN_MOVE_PX = 3.4;
export const HEIGHTS = [0.3, 0.45];
export const SIZE_BUCKETS = { small: [0.3, 0.35], medium: [0.35, 0.4], large: [0.4, 0.45] };
const MARGIN = 0.04;
const JITTER = 0.0015;

const uniform = (rand, lo, hi) => lo + (hi - lo) * rand();
const gauss = (rand) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

/** The dev set's samples, or a message saying where it was looked for. */
export function readDevSet(file = DEFAULT_FILE) {
  if (!existsSync(file)) throw new Error(`no dev set at ${file}: pass --data FILE (real-digits-dev.json)`);
  const { samples } = JSON.parse(readFileSync(file, 'utf8'));
  return samples;
}

const bucketOf = (height) =>
  Object.entries(SIZE_BUCKETS).find(([, [lo, hi]]) => height >= lo && height < hi)?.[0] ?? 'large';

/** One sample drawn on the pad (0..1) at `height`, placed and spaced by `rand`. */
export function place(strokes, height, rand) {
  const all = strokes.flat();
  const minX = Math.min(...all.map((p) => p[0]));
  const maxX = Math.max(...all.map((p) => p[0]));
  const minY = Math.min(...all.map((p) => p[1]));
  const maxY = Math.max(...all.map((p) => p[1]));
  // A digit as flat as a dash still gets drawn at a person's size: its longer side at most the height.
  const scale = height / Math.max(maxY - minY, (maxX - minX) / 1.5, 1e-6);
  const w = (maxX - minX) * scale;
  const h = (maxY - minY) * scale;
  const left = uniform(rand, MARGIN, Math.max(MARGIN, 1 - MARGIN - w));
  const top = uniform(rand, MARGIN, Math.max(MARGIN, 1 - MARGIN - h));
  const spacing = uniform(rand, MIN_MOVE_PX, MAX_MOVE_PX) / PAD_CSS_PX;
  return strokes.map((s) => {
    const placed = s.map(([x, y]) => ({ x: left + (x - minX) * scale, y: top + (y - minY) * scale }));
    return resample(placed, spacing).map((p, i, pts) =>
      i === 0 || i === pts.length - 1 ? p : { x: p.x + JITTER * gauss(rand), y: p.y + JITTER * gauss(rand) },
    );
  });
}

/** Every sample of the dev set, drawn on the pad by a hand seeded with `seed`. */
export function handsSet({ file = DEFAULT_FILE, seed = 1 } = {}) {
  const rand = mulberry32(seed);
  return readDevSet(file).map(({ id, label, source, writer, strokes }) => {
    const height = uniform(rand, ...HEIGHTS);
    return { id, label, source, writer: `${source}/${writer}`, size: bucketOf(height), height, strokes: place(strokes, height, rand) };
  });
}
