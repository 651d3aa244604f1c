// Training on every core (www/worker-pool.js), through the real compute workers in Chromium:
// one step on 2 workers gives the weights of one step on 1 (to 1e-5 of the largest weight),
// every worker ends a run with the same model checksum, pause and resume work mid-run, the main
// thread stays free, the memory of 2 workers stays under 150 MB, the worker count can change
// mid-run; and without cross-origin isolation (postMessage with transferred buffers instead of
// SharedArrayBuffer) the same step ends with the very same bits, and a run ends with identical
// workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { FREEZE_MS, NOT_ISOLATED, dataComplete, pause, startApp, waitForState, watch } from './helpers.mjs';

const PARAMS = 93_322;
const HEADER = 40; // src/weights.rs: the parameters follow a 40-byte header

const workersEl = (page) => page.getByTestId('workers-training');

/** Sets fields and waits until the trainer applied them (and the workers asked for are ready). */
async function settings(page, values) {
  for (const [id, value] of Object.entries(values)) {
    if (id === 'workers') await page.selectOption('[data-testid=workers]', value);
    else await page.fill(`[data-testid=${id}]`, value);
  }
  await page.waitForFunction(
    (v) => Object.entries(v).every(([id, value]) => document.querySelector('#settings').getAttribute(`data-applied-${id}`) === value),
    values,
    { timeout: 5000 },
  );
  if (values.workers) {
    // A compute worker joins a run once it has started: wait, so that every step is shared alike.
    const words = values.workers === '1' ? '1 worker' : `${values.workers} workers`;
    await page.waitForFunction((w) => document.querySelector('[data-testid=workers-training]').textContent.startsWith(w), words, { timeout: 30_000 });
  }
}

/** Every worker's model checksum, once the workers report them after a loop stopped. */
async function checksums(page, workers) {
  await page.waitForFunction((n) => document.querySelector('[data-testid=workers-training]').dataset.checksums.split(' ').filter(Boolean).length === n, workers, {
    timeout: 20_000,
  });
  return (await workersEl(page).getAttribute('data-checksums')).split(' ');
}

/** Presses Train (or Resume), waits for the run's end, returns the checksums. */
async function trainToEnd(page, workers) {
  await page.getByTestId('train').click();
  await waitForState(page, 'done');
  return checksums(page, workers);
}

async function exportedParams(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-weights').click()]);
  const bytes = await readFile(await download.path());
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset + HEADER, bytes.byteOffset + HEADER + PARAMS * 4));
}

async function reset(page) {
  await page.getByTestId('reset').click();
  await page.getByTestId('reset-confirm').click();
  await waitForState(page, 'ready');
}

let isolatedChecksum = null;

test('workers, cross-origin isolated: shared memory', { timeout: 240_000 }, async (t) => {
  const { port, page, close } = await startApp();
  t.after(close);
  const problems = watch(page, port);
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`http://127.0.0.1:${port}/`);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'vite sends COOP/COEP');
  await page.waitForSelector('[data-testid=workers]');
  assert.equal(await page.locator('[data-testid=workers] option:checked').textContent(), 'auto', 'auto by default');
  await dataComplete(page);

  await t.test('one step on 2 workers gives the weights of one step on 1', async () => {
    await settings(page, { 'train-size': '64', 'validation-split': '0', epochs: '1', workers: '1' });
    assert.equal((await trainToEnd(page, 1)).length, 1);
    const one = await exportedParams(page);
    await reset(page);
    await settings(page, { workers: '2' });
    const sums = await trainToEnd(page, 2);
    assert.equal(sums[0], sums[1], 'both workers hold the same bits');
    isolatedChecksum = sums[0];
    const two = await exportedParams(page);
    const scale = one.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    let worst = 0;
    for (let i = 0; i < PARAMS; i++) worst = Math.max(worst, Math.abs(one[i] - two[i]));
    t.diagnostic(`largest difference ${worst.toExponential(2)}, largest weight ${scale.toFixed(3)}`);
    assert.ok(worst <= 1e-5 * scale, `weights differ by ${worst}`);
    assert.notDeepEqual(one.slice(0, 8), new Float32Array(8), 'the export holds trained weights');
  });

  await t.test('a run on 2 workers: pause, resume, identical workers, a free main thread, memory', async () => {
    await reset(page);
    await settings(page, { 'train-size': '2000', 'validation-split': '0', epochs: '1', workers: '2' });
    await page.evaluate(() => (window.__longTasks = []));
    await page.getByTestId('train').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=workers-training]').textContent.startsWith('2 workers training'), null, {
      timeout: 20_000,
    });
    assert.match(await workersEl(page).textContent(), /2 workers training · shared memory/);
    await page.waitForFunction(() => Number(document.querySelector('#step').textContent) >= 5, null, { timeout: 30_000 });
    await pause(page);
    const steps = async () => Number((await page.locator('#step').textContent()).replace(/,/g, ''));
    const atPause = await steps();
    await page.waitForTimeout(400);
    assert.equal(await steps(), atPause, 'no training while paused');
    const sums = await trainToEnd(page, 2); // Resume
    assert.equal(await steps(), 32, 'the whole epoch: 2,000 images in batches of 64');
    assert.equal(new Set(sums).size, 1, `every worker holds the same model: ${sums}`);
    const longTasks = await page.evaluate(() => window.__longTasks);
    t.diagnostic(`main-thread long tasks while training: ${JSON.stringify(longTasks)}`);
    assert.deepEqual(longTasks.filter((d) => d > FREEZE_MS), [], `no main-thread task over ${FREEZE_MS} ms`);
    const memory = (await workersEl(page).getAttribute('data-memory')).split(' ').map(Number);
    t.diagnostic(`wasm memory per worker: ${memory.map((b) => `${(b / 1e6).toFixed(1)} MB`).join(', ')}`);
    assert.equal(memory.length, 2);
    assert.ok(memory[1] < memory[0], 'a compute worker holds no data set');
    assert.ok(memory[0] + memory[1] < 150e6, `2 workers take ${memory[0] + memory[1]} bytes`);
  });

  await t.test('the worker count changes mid-run: 2, 1, then 2 again; the run goes on', async () => {
    await reset(page);
    await settings(page, { 'train-size': '8000', 'validation-split': '0', epochs: '1', workers: '2' });
    await page.getByTestId('train').click();
    const stepsAbove = (n) => page.waitForFunction((k) => Number(document.querySelector('#step').textContent.replace(/,/g, '')) >= k, n, { timeout: 60_000 });
    const shows = (text) => page.waitForFunction((w) => document.querySelector('[data-testid=workers-training]').textContent.startsWith(w), text, { timeout: 30_000 });
    await stepsAbove(5);
    await page.selectOption('[data-testid=workers]', '1');
    await shows('1 worker training');
    const atOne = Number((await page.locator('#step').textContent()).replace(/,/g, ''));
    await stepsAbove(atOne + 5);
    await page.selectOption('[data-testid=workers]', '2');
    await shows('2 workers training');
    assert.equal(await page.getByTestId('status').getAttribute('data-state'), 'training', 'still training: the change did not end the run');
    await waitForState(page, 'done');
    const sums = await checksums(page, 2);
    assert.equal(new Set(sums).size, 1, `the compute worker that joined holds the coordinator's model: ${sums}`);
    assert.equal(await page.getByTestId('workers-note').isVisible(), false, 'no worker failed');
  });
  assert.deepEqual(problems, []);
});

test('workers without cross-origin isolation: postMessage, the same model bit for bit', { timeout: 240_000 }, async (t) => {
  const { port, page, close } = await startApp({ headers: NOT_ISOLATED });
  t.after(close);
  const problems = watch(page, port);
  await page.goto(`http://127.0.0.1:${port}/`);
  assert.equal(await page.evaluate(() => crossOriginIsolated), false);
  await page.waitForSelector('[data-testid=workers]');
  await dataComplete(page);
  // The isolated test's step on 2 workers, over messages: the same bits.
  await settings(page, { 'train-size': '64', 'validation-split': '0', epochs: '1', workers: '2' });
  const step = await trainToEnd(page, 2);
  assert.equal(step[0], step[1]);
  if (isolatedChecksum) assert.equal(step[0], isolatedChecksum, 'the same step over shared memory ended with the same bits');
  await reset(page);
  await settings(page, { 'train-size': '2000', 'validation-split': '0', epochs: '1', workers: '2' });
  await page.getByTestId('train').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=workers-training]').textContent.startsWith('2 workers training'), null, {
    timeout: 20_000,
  });
  assert.match(await workersEl(page).textContent(), /2 workers training · messages/);
  await waitForState(page, 'done');
  const sums = await checksums(page, 2);
  assert.equal(new Set(sums).size, 1, `every worker holds the same model: ${sums}`);
  assert.deepEqual(problems, []);
});
