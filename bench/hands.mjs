#!/usr/bin/env node
// Owns `npm run bench:hands`: how well the page reads real people's handwriting (issue 18).
// The dev set (bench/hands-set.mjs: digits by real writers, pen on tablets and finger on a
// phone, never shipped) drawn on the pad at a person's sizes, read after one epoch of the page's
// defaults (or --weights), through the page's own preprocessing (www/preprocess.js) and the wasm
// package in Node. The model never trained on any of these writers. Progress goes to stderr; ONE
// JSON object goes to stdout.
//
// Options:
//   --data FILE      the dev set (default ../shared/data/real-digits-dev.json)
//   --seed S         the drawing hand's seed (default 1)
//   --weights FILE   import this .weights file instead of training one epoch
//   --save-weights F after training, save the model to F (to reuse with --weights)
//   --teach K        the personalisation curve: for each of --writers writers, teach K of their
//                    digits (one per class for K = 10) through the page's Teach flow (a fine-tune
//                    per correction, then "Learn them for good"), read their other digits; the
//                    median over writers and the MNIST test accuracy before and after
//   --writers N      writers for --teach (default 8, drawn by --seed among those with every class twice)
//   --count N        a sample of N digits, stratified by class and seeded (default all 5,013)
//   --heights LO,HI  digits drawn LO-HI of the pad tall (default 0.30,0.45, the hidden real set's)
//   --page           draw them as real mouse events on the real pad in headless Chromium (Vite's
//                    dev server) and read the page's prediction; the model is --weights imported
//                    through the page, or one epoch trained there (exported to --save-weights or a
//                    temporary file); the same digits are then read in Node with the same weights
//                    and every digit read differently is listed (node_vs_page)
//   --viewport WxH   the page's window in CSS px (default the e2e tests' 1360x1000; Playwright's own
//                    default is 1280x720)
//   --port P         the dev server's port for --page (default: a free one)
//   --settings JSON  settings over the defaults for the one epoch trained in Node, e.g.
//                    '{"learningRate":0.008,"seed":1}' (for tuning; the page trains with its own)
//
// Writers are split in two halves by their id (hands-set.mjs writerHalves): `halves.tune` is what
// tuning looks at, `halves.held_out` is reported beside it.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { elapsedSeconds, log, readOptions, runBench } from './bench-app.mjs';
import { DEFAULT_FILE, handsSet, HEIGHTS, SIZE_BUCKETS } from './hands-set.mjs';
import { compareWithNode, parseViewport, readInPage } from './hands-page.mjs';
import { nodeModel, readDigitsInNode } from './drawn-node.mjs';
import { toBytes } from './teach-set.mjs';
import { mulberry32 } from './prng.mjs';

const ratio = (a, b) => (b ? Math.round((1e4 * a) / b) / 1e4 : null);
const right = (rows) => rows.filter((r) => r.predicted === r.label).length;

/** `{ key: { count, accuracy } }` over the rows grouped by `keyOf`, keys in `keys` order (or sorted). */
function group(rows, keyOf, keys = [...new Set(rows.map(keyOf))].sort()) {
  return Object.fromEntries(
    keys.map((k) => {
      const g = rows.filter((r) => keyOf(r) === k);
      return [k, { count: g.length, accuracy: ratio(right(g), g.length) }];
    }),
  );
}

/** The JSON's scores from `[{ label, source, writer, half, size, predicted }]`, and the same for each half of the writers. */
export function score(results) {
  const halves = Object.fromEntries(
    ['tune', 'held_out'].map((h) => {
      const { by_writer, confusions, ...rest } = scoreRows(results.filter((r) => r.half === h));
      return [h, { ...rest, confusions: confusions.slice(0, 5) }];
    }),
  );
  return { ...scoreRows(results), halves };
}

function scoreRows(results) {
  const pairs = new Map();
  for (const r of results) {
    if (r.predicted === r.label) continue;
    const k = `${r.label}>${r.predicted}`;
    pairs.set(k, { label: r.label, predicted: r.predicted, count: (pairs.get(k)?.count ?? 0) + 1 });
  }
  const byWriter = group(results, (r) => r.writer);
  const writerAcc = Object.values(byWriter).filter((w) => w.count >= 20).map((w) => w.accuracy).sort((a, b) => a - b);
  return {
    count: results.length,
    accuracy: ratio(right(results), results.length),
    by_source: group(results, (r) => r.source),
    by_size: group(results, (r) => r.size, Object.keys(SIZE_BUCKETS).filter((b) => results.some((r) => r.size === b))),
    by_class: group(results, (r) => String(r.label), Array.from({ length: 10 }, (_, d) => String(d))),
    writers: { count: Object.keys(byWriter).length, with_20_or_more: writerAcc.length, worst: writerAcc[0] ?? null, median: median(writerAcc) },
    by_writer: byWriter,
    confusions: [...pairs.values()].sort((a, b) => b.count - a.count || a.label - b.label || a.predicted - b.predicted).slice(0, 15),
  };
}

function median(xs) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function testAccuracy(trainer) {
  const n = trainer.dataStatus().test.usable;
  return trainer.evaluate('test', 0, new Uint8Array(n), new Float32Array(n), undefined).accuracy;
}

/** `count` writers with every class at least twice, drawn at random (seeded) among them. */
function teachableWriters(set, count, seed) {
  const byWriter = new Map();
  for (const d of set) byWriter.set(d.writer, [...(byWriter.get(d.writer) ?? []), d]);
  const rand = mulberry32(seed);
  return [...byWriter.entries()]
    .filter(([, ds]) => Array.from({ length: 10 }, (_, c) => ds.filter((d) => d.label === c).length).every((n) => n >= 2))
    .map((w) => [rand(), w])
    .sort((a, b) => a[0] - b[0])
    .slice(0, count)
    .map(([, w]) => w);
}

/** The Teach flow on `taught` (the page's: a fine-tune per correction, then Learn them for good). */
function teach(trainer, taught) {
  const images = [];
  const labels = [];
  const perCall = trainer.teachStepsPerCall();
  for (const d of taught) {
    images.push(toBytes(d.strokes));
    labels.push(d.label);
    trainer.setDrawings(concat(images), Uint8Array.from(labels));
    for (let steps = 0, done = false; !done; ) {
      const r = trainer.fineTune(images.length - 1, perCall, steps);
      steps += r.steps;
      done = r.done;
    }
  }
  const settings = trainer.config();
  trainer.useLearnDrawingsConfig();
  trainer.startRun();
  while (!trainer.trainSteps(50).epochDone);
  trainer.setConfig(settings);
}

const concat = (arrays) => {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  arrays.reduce((at, a) => (out.set(a, at), at + a.length), 0);
  return out;
};

/** `k` digits of a writer to teach: one per class, round robin, the first of each class. */
function pickTaught(digits, k) {
  const byClass = Array.from({ length: 10 }, (_, c) => digits.filter((d) => d.label === c));
  const taught = [];
  for (let round = 0; taught.length < k; round++) for (const c of byClass) if (taught.length < k && c[round]) taught.push(c[round]);
  return taught;
}

async function personalisation(trainer, set, { k, writers, seed }) {
  const base = trainer.exportWeights();
  const before = testAccuracy(trainer);
  const rows = [];
  for (const [writer, digits] of teachableWriters(set, writers, seed)) {
    const taught = pickTaught(digits, k);
    const others = digits.filter((d) => !taught.includes(d));
    const plain = ratio(right(readDigitsInNode(trainer, others)), others.length);
    teach(trainer, taught);
    const after = ratio(right(readDigitsInNode(trainer, others)), others.length);
    const mnist = testAccuracy(trainer);
    rows.push({ writer, taught: taught.length, read: others.length, before: plain, after, mnist_test_after: mnist });
    log(`${writer}: ${plain} -> ${after} on ${others.length} other digits; MNIST test ${mnist}`);
    trainer.importWeights(base);
  }
  const mnistAfter = median(rows.map((r) => r.mnist_test_after));
  return {
    k,
    writers: rows,
    median_before: median(rows.map((r) => r.before)),
    median_after: median(rows.map((r) => r.after)),
    mnist_test_before: before,
    mnist_test_after_median: mnistAfter,
    mnist_change_pp: Math.round(1e4 * (mnistAfter - before)) / 100,
  };
}

function parseHeights(text) {
  const h = text.split(',').map(Number);
  if (h.length !== 2 || !h.every((x) => x > 0 && x < 1) || !(h[0] <= h[1])) throw new Error(`--heights wants LO,HI, fractions of the pad with LO <= HI, not ${text}`);
  return h;
}

function readSettings(text) {
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`--settings wants a JSON object such as '{"learningRate":0.008}': ${e.message}`);
  }
}

async function main() {
  const known = { data: DEFAULT_FILE, seed: '1', weights: '', 'save-weights': '', teach: '', writers: '8', count: '0', heights: HEIGHTS.join(','), page: false, viewport: '', port: '', settings: '' };
  const opts = readOptions(process.argv.slice(2), known, ['page']);
  const heights = parseHeights(opts.heights);
  const viewport = parseViewport(opts.viewport);
  const set = handsSet({ file: resolve(opts.data), seed: Number(opts.seed), heights, count: Number(opts.count) });
  log(`${set.length} digits by ${new Set(set.map((d) => d.writer)).size} writers, ${heights.join('-')} of the pad tall`);
  const weights = opts.weights ? resolve(opts.weights) : null;
  const head = {
    date_utc: new Date().toISOString(),
    command: `npm run bench:hands -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, ''),
  };
  const setInfo = { file: 'real-digits-dev.json (../shared/data, never shipped)', seed: Number(opts.seed), heights, sample: Number(opts.count) || 'all' };
  if (opts.page) {
    if (opts.teach || opts.settings) throw new Error('--teach and --settings run in Node only: leave out --page');
    const saveWeights = opts['save-weights'] ? resolve(opts['save-weights']) : null;
    const run = await readInPage(set, { weights, saveWeights, port: opts.port ? Number(opts.port) : null, viewport });
    const read = `in the page: mouse events on the pad (${run.pad_css_px} CSS px, window ${run.viewport.width}x${run.viewport.height}), headless Chromium`;
    const out = { ...head, set: { ...setInfo, read }, model: run.model, ...score(run.rows) };
    out.node_vs_page = await compareWithNode(set, run.rows, run.weights);
    out.seconds = elapsedSeconds();
    return process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  }
  const settings = { epochs: 1, ...readSettings(opts.settings) };
  log(weights ? `importing ${weights}` : `training in Node: ${JSON.stringify(settings)} over the defaults`);
  const { trainer, model } = await nodeModel({ weights, settings: weights ? undefined : settings, log });
  log(`model: test accuracy ${model.test_accuracy}`);
  if (opts['save-weights']) writeFileSync(resolve(opts['save-weights']), trainer.exportWeights());
  const out = { ...head, set: { ...setInfo, read: 'in Node: www/preprocess.js and pkg/' }, model, ...score(readDigitsInNode(trainer, set)) };
  if (opts.teach) out.personalisation = await personalisation(trainer, set, { k: Number(opts.teach), writers: Number(opts.writers), seed: Number(opts.seed) });
  out.seconds = elapsedSeconds();
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

runBench(main);
