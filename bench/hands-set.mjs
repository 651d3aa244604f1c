// Owns the set of `npm run bench:hands` (bench/hands.mjs): digits written by real people, from
// the dev set next to the checkout (../shared/data/real-digits-dev.json; for measuring only, never
// shipped), placed on the pad as a person would draw them there. Pure Node, no browser.
//
// Each digit (strokes in a unit square, longer side 1) is drawn by a seeded hand the way the
// project's hidden check draws: 0.30-0.45 of the pad tall, anywhere it fits, with mouse events
// at most 10 CSS px apart on the 280 px pad (points every 3.4-10 px along the writer's own
// trajectory) and ~0.4 px of jitter. Size buckets split that range in thirds (`heights` moves
// it: 'tiny' is under 0.30, where the hidden check's synthetic digits start at 0.25).
//
// Writers are split once into two halves (`half`: 'tune' and 'held_out', writerHalves): tuning
// decisions look at the tune half only, and the held-out half says whether they carry over.
//
//   handsSet({ file, seed, heights, count, moves }) ->
//     [{ id, label, source, writer, half, size, height, strokes: [[{ x, y }...]...] }]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from './prng.mjs';
import { resample } from './drawn-digits.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_FILE = join(ROOT, '..', 'shared', 'data', 'real-digits-dev.json');

const PAD_CSS_PX = 280;
export const MOVES_PX = [3.4, 10]; // a mouse's event spacing, CSS px (the hidden check's: at most 10)
export const HEIGHTS = [0.3, 0.45];
export const SIZE_BUCKETS = { tiny: [0, 0.3], small: [0.3, 0.35], medium: [0.35, 0.4], large: [0.4, Infinity] };
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

const bucketOf = (height) => Object.entries(SIZE_BUCKETS).find(([, [lo, hi]]) => height >= lo && height < hi)[0];

/** FNV-1a, 32 bits: a writer's place in the split depends on its id only, not on the run. */
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
  return h;
}

/**
 * `Map(writer -> 'tune' | 'held_out')`: within each source the writers in the order of their id's
 * hash, alternately from held_out, so both halves get writers of every source (finger has only
 * two: held_out gets the one with 549 digits, tune the one with 20).
 */
export function writerHalves(writers) {
  const bySource = new Map();
  for (const w of new Set(writers)) {
    const source = w.split('/')[0];
    bySource.set(source, [...(bySource.get(source) ?? []), w]);
  }
  const halves = new Map();
  for (const ws of bySource.values()) {
    ws.sort((a, b) => fnv1a(a) - fnv1a(b) || (a < b ? -1 : 1)).forEach((w, i) => halves.set(w, i % 2 ? 'tune' : 'held_out'));
  }
  return halves;
}

/** `count` of `items`, stratified by class (as even as the classes allow), in a seeded order; all when count is 0. */
export function stratified(items, count, seed) {
  if (!count || count >= items.length) return items;
  const rand = mulberry32(seed ^ 0x5eed);
  const byClass = Array.from({ length: 10 }, (_, c) =>
    items
      .filter((d) => d.label === c)
      .map((d) => [rand(), d])
      .sort((a, b) => a[0] - b[0])
      .map(([, d]) => d),
  );
  const picked = [];
  for (let round = 0; picked.length < count; round++) for (const c of byClass) if (picked.length < count && c[round]) picked.push(c[round]);
  const keep = new Set(picked);
  return items.filter((d) => keep.has(d)); // the set's own order
}

/** One sample drawn on the pad (0..1) at `height`, placed and spaced by `rand`, moves `moves` CSS px apart. */
export function place(strokes, height, rand, moves = MOVES_PX) {
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
  const spacing = uniform(rand, ...moves) / PAD_CSS_PX;
  return strokes.map((s) => {
    const placed = s.map(([x, y]) => ({ x: left + (x - minX) * scale, y: top + (y - minY) * scale }));
    return resample(placed, spacing).map((p, i, pts) =>
      i === 0 || i === pts.length - 1 ? p : { x: p.x + JITTER * gauss(rand), y: p.y + JITTER * gauss(rand) },
    );
  });
}

/**
 * The dev set's samples drawn on the pad by a hand seeded with `seed`, `heights` [lo, hi] of the
 * pad tall; `count` of them (0: all) stratified by class. Every sample is drawn before the sample
 * is taken, so a digit is drawn the same in the whole set and in any sample of it.
 */
export function handsSet({ file = DEFAULT_FILE, seed = 1, heights = HEIGHTS, count = 0, moves = MOVES_PX } = {}) {
  const rand = mulberry32(seed);
  const samples = readDevSet(file);
  const halves = writerHalves(samples.map((d) => `${d.source}/${d.writer}`));
  const drawn = samples.map(({ id, label, source, writer, strokes }) => {
    const height = uniform(rand, ...heights);
    const w = `${source}/${writer}`;
    return { id, label, source, writer: w, half: halves.get(w), size: bucketOf(height), height, strokes: place(strokes, height, rand, moves) };
  });
  return stratified(drawn, count, seed);
}
