// Owns the drawn-digit set of the "teach it" measurement (examples/teach.rs reads it): MNIST test
// digits traced into strokes and redrawn by a seeded hand (bench/drawn-digits.mjs), rendered as
// the page renders a drawing (www/preprocess.js), and for each one `VARIANTS` new drawings of
// the same digit by the same hand: the same strokes turned by up to ±8°, stretched by up to ±6 %
// along each axis, the points jittered (~0.5 % of the pad) and moved (shifting alone changes
// nothing: the page centres every drawing).
//
//   node bench/teach-set.mjs [outDir=/tmp/teach-set] [count=1500] [seed=12]
// writes drawn-images.idx / drawn-labels.idx (count drawings) and variants-images.idx /
// variants-labels.idx (count x VARIANTS, drawing k's at k*VARIANTS...), raw IDX (magic 2051/2049),
// and drawn-sources.txt (the MNIST test index each drawing traces, a line each).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawnDigits, mulberry32 } from './drawn-digits.mjs';
import { renderStrokes } from '../www/preprocess.js';
import { PEN_WIDTH } from '../www/draw-pad.js';
import { toIdx } from '../www/drawings-store.js';
import { toBytes as pixelsToBytes } from '../www/state/inside.js';

export const VARIANTS = 5;

const gauss = (rand) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

/** The same strokes as drawn again: turned, stretched, jittered and moved. */
export function variant(strokes, rand) {
  const angle = ((rand() * 2 - 1) * 8 * Math.PI) / 180;
  const [sx, sy] = [1 + (rand() * 2 - 1) * 0.06, 1 + (rand() * 2 - 1) * 0.06];
  const [dx, dy] = [(rand() - 0.5) * 0.1, (rand() - 0.5) * 0.1];
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  return strokes.map((line) =>
    line.map(({ x, y }) => {
      const [u, v] = [(x - 0.5) * sx, (y - 0.5) * sy];
      return { x: 0.5 + c * u - s * v + dx + 0.005 * gauss(rand), y: 0.5 + s * u + c * v + dy + 0.005 * gauss(rand) };
    }),
  );
}

/** A drawing as the page sends it, then stores it: 784 bytes. */
export function toBytes(strokes) {
  return pixelsToBytes(renderStrokes(strokes, { minSpan: PEN_WIDTH }).pixels);
}

/** The IDX files (images, labels) of 28x28 byte images and their labels, as the page exports drawings. */
export function idxFiles(images, labels) {
  return toIdx(images.map((pixels, k) => ({ pixels, label: labels[k] })));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir = '/tmp/teach-set', count = '1500', seed = '12'] = process.argv.slice(2);
  const digits = drawnDigits({ count: Number(count), seed: Number(seed) });
  const rand = mulberry32(Number(seed) + 1);
  const images = digits.map((d) => toBytes(d.strokes));
  const variants = digits.flatMap((d) => Array.from({ length: VARIANTS }, () => toBytes(variant(d.strokes, rand))));
  const labels = digits.map((d) => d.label);
  mkdirSync(dir, { recursive: true });
  const drawn = idxFiles(images, labels);
  const others = idxFiles(variants, labels.flatMap((l) => Array(VARIANTS).fill(l)));
  writeFileSync(join(dir, 'drawn-images.idx'), drawn.images);
  writeFileSync(join(dir, 'drawn-labels.idx'), drawn.labels);
  writeFileSync(join(dir, 'variants-images.idx'), others.images);
  writeFileSync(join(dir, 'variants-labels.idx'), others.labels);
  // Which MNIST test digit each drawing traces, one index a line (the misreads' originals).
  writeFileSync(join(dir, 'drawn-sources.txt'), digits.map((d) => d.index).join('\n') + '\n');
  console.log(`wrote ${images.length} drawings and ${variants.length} variants to ${dir}`);
}
