// Runs kept for comparison (www/state/runs.js) and the charts' span (www/chart-runs.js), the
// pure parts: the palette, labels, thinning, the text kept in localStorage and its bounds, and a
// series counted from the run's start. The reducer's side is in tests/js/state.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEEP_RUNS, RUN_COLOURS, RUN_POINTS, keptRunLabel, parseRuns, runColour, serialiseRuns, sinceStart, thin } from '../../www/state/runs.js';
import { fromOrigin, runSeries, sparseFromOrigin, stepTitle } from '../../www/chart-runs.js';

const CURRENT_COLOURS = ['#4f46e5', '#0ea5e9', '#f59e0b', '#16a34a', '#8b8cf8', '#38bdf8', '#fbbf24', '#4ade80']; // www/styles/base.css, both themes

/** A kept run of `points` points, numbered n. */
const keptRun = (n, colour, points = 10) => {
  const x = Array.from({ length: points }, (_, i) => i + 1);
  return { n, label: `Run ${n}`, colour, steps: points, bestTest: { full: { accuracy: 0.9, step: points }, estimate: null }, loss: { x, y: x.map((v) => 1 / v) }, accuracy: { x, y: x.map((v) => v / points) } };
};

test('the palette: one colour per kept run, none of the current run\'s, reused only once free', () => {
  assert.equal(RUN_COLOURS.length, KEEP_RUNS);
  assert.equal(new Set(RUN_COLOURS).size, KEEP_RUNS);
  for (const c of RUN_COLOURS) assert.ok(!CURRENT_COLOURS.includes(c), c);
  assert.equal(runColour([]), RUN_COLOURS[0]);
  assert.equal(runColour([keptRun(1, RUN_COLOURS[0]), keptRun(2, RUN_COLOURS[2])]), RUN_COLOURS[1], 'the first one free');
  assert.equal(runColour(RUN_COLOURS.map((c, i) => keptRun(i + 1, c))), RUN_COLOURS[0], 'all taken: the oldest one\'s');
  // Legend swatches are the series' strokes: distinct per run.
  const series = runSeries([keptRun(1, RUN_COLOURS[0]), keptRun(2, RUN_COLOURS[1])], () => '');
  assert.deepEqual(series.map((s) => [s.label, s.stroke]), [['Run 1', RUN_COLOURS[0]], ['Run 2', RUN_COLOURS[1]]]);
});

test('a kept run is named by its number, its rate and batch, and its best test score (or its steps)', () => {
  const settings = { learningRate: 0.001, batchSize: 64, augment: true };
  assert.equal(keptRunLabel(2, settings, { full: { accuracy: 0.9871, step: 900 }, estimate: null }, 900), 'Run 2 · lr 0.001 · batch 64 · 98.7%');
  assert.equal(keptRunLabel(3, { ...settings, augment: false }, { full: null, estimate: { accuracy: 0.5, step: 10 } }, 12), 'Run 3 · lr 0.001 · batch 64 · not augmented · 50.0%');
  assert.equal(keptRunLabel(4, settings, { full: null, estimate: null }, 12), 'Run 4 · lr 0.001 · batch 64 · 12 steps');
});

test('thin: at most RUN_POINTS points, group means, the first x of each group', () => {
  const x = Array.from({ length: 1000 }, (_, i) => i + 1);
  const t = thin({ x, y: x.map((v) => v) });
  assert.ok(t.x.length <= RUN_POINTS && t.x.length >= RUN_POINTS / 2, String(t.x.length));
  assert.deepEqual([t.x[0], t.y[0]], [1, 3]); // groups of 5: mean of 1..5
  assert.deepEqual(thin({ x: [1, 2], y: [3, null] }), { x: [1, 2], y: [3, null] }, 'short: as it is');
  // A continued run: only its own steps, counted from its start.
  const since = sinceStart({ x: [50, 100, 101, 150], y: [1, 2, 3, 4] }, 100);
  assert.deepEqual(since, { x: [1, 50], y: [3, 4] });
});

test('the text kept in localStorage: bounded (six runs, thinned curves), read back alike, damage reads as none', () => {
  const runs = Array.from({ length: 9 }, (_, i) => keptRun(i + 1, RUN_COLOURS[i % KEEP_RUNS], 1500));
  const text = serialiseRuns(runs);
  assert.ok(text.length < 60_000, `${text.length} characters`); // localStorage holds ~5 MB a site
  const back = parseRuns(text);
  assert.deepEqual(back.map((r) => r.n), [4, 5, 6, 7, 8, 9], 'the last six');
  for (const r of back) {
    assert.ok(r.loss.x.length <= RUN_POINTS && r.accuracy.x.length <= RUN_POINTS);
    assert.equal(r.loss.x.length, r.loss.y.length);
  }
  assert.equal(back[0].label, 'Run 4');
  assert.equal(back[0].colour, RUN_COLOURS[3]);
  assert.deepEqual(back[0].bestTest, { full: { accuracy: 0.9, step: 1500 }, estimate: null });
  assert.ok(Math.abs(back[0].loss.y[1] - runs[3].loss.y.slice(8, 16).reduce((a, b) => a + b) / 8) < 1e-3, 'values kept to 4 digits');
  assert.deepEqual(parseRuns(serialiseRuns(back)).map((r) => r.loss), back.map((r) => r.loss), 'stable once thinned');
  for (const bad of [null, '', '{', '[]', '{"version":2,"runs":[]}', '{"version":1,"runs":{}}']) assert.deepEqual(parseRuns(bad), [], String(bad));
  const damaged = JSON.parse(text);
  damaged.runs[0].colour = 'red'; // not ours
  damaged.runs[1].loss.x.pop(); // x and y differ in length
  delete damaged.runs[2].label;
  assert.deepEqual(parseRuns(JSON.stringify(damaged)).map((r) => r.n), [7, 8, 9], 'damaged runs are left out, the rest kept');
});

test('the charts from the run\'s start: points after the origin, counted from it', () => {
  assert.deepEqual(fromOrigin([1, 2, 3], [[4, 5, 6]], 0), { x: [1, 2, 3], ys: [[4, 5, 6]] });
  assert.deepEqual(fromOrigin([99, 100, 101, 102], [[1, 2, 3, 4], [5, 6, 7, 8]], 100), { x: [1, 2], ys: [[3, 4], [7, 8]] });
  assert.deepEqual(sparseFromOrigin({ x: [100, 150], y: [0.99, 0.98] }, 100), { x: [50], y: [0.98] });
  assert.equal(stepTitle(0), 'Training steps');
  assert.equal(stepTitle(100), 'Steps in this run');
});
