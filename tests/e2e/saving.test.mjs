// Saving the model (www/model-store.js, www/worker-store.js), as people meet it:
// - two tabs of the page in one browser (one context: one IndexedDB) both train and save; a
//   third tab then restores exactly one of the two models, whole (its weights and the chart
//   history kept beside it are the same tab's), and neither tab shows an error;
// - storage full: model-store.js as served gets a stub (FULL_DISK_STUB) that, once the page
//   says so, writes the model in a transaction that aborts and throws QuotaExceededError, as a
//   full disk does; the page says so in its alert, training goes on, and the model saved before
//   is the one a new tab restores. (DevTools' Storage.overrideQuotaForOrigin did not limit
//   IndexedDB in this Chromium.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dataComplete, startApp, waitForState, watch } from './helpers.mjs';

// A small run: 20 steps (none of the 640 images held out for validation).
const RUN = { epochs: '1', 'batch-size': '32', 'learning-rate': '0.002', 'train-size': '640', 'validation-split': '0', workers: '1' };
const steps = async (page) => Number((await page.locator('#step').textContent()).replace(/\D/g, ''));
const errorShown = async (page) => !(await page.getByTestId('error').isHidden());
/** The smoothed loss the loss chart's text gives: from the chart history kept beside the model. */
const chartLoss = async (page) => (await page.getByTestId('loss-chart-text').textContent()).match(/the loss is ([\d.]+)/)?.[1] ?? null;

async function openPage(context, url, port, problems) {
  const page = await context.newPage();
  problems.push(watch(page, port));
  await page.goto(url);
  await dataComplete(page);
  await waitForState(page, 'ready', 'done', 'paused');
  return page;
}

async function fill(page, settings) {
  for (const [id, v] of Object.entries(settings)) {
    const field = page.getByTestId(id);
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(v);
    else await field.fill(v);
  }
}

async function exportWeights(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-weights').click()]);
  return readFile(await download.path());
}

/** The kept record's tab and step count, and the step count of the charts kept under that tab. */
const kept = (page) =>
  page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('mnist-trainer');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const store = open.result.transaction('models').objectStore('models');
          const model = store.get('current');
          model.onsuccess = () => {
            const meta = model.result?.meta;
            const charts = store.get(`charts:${meta?.tab}`);
            charts.onsuccess = () => {
              open.result.close();
              resolve({ tab: meta?.tab, steps: meta?.counters.totalSteps, chartsTab: charts.result?.tab, chartsSteps: charts.result?.totalSteps });
            };
          };
        };
      }),
  );

test('two tabs both train and save; a new tab restores one whole model', { timeout: 300_000 }, async (t) => {
  const app = await startApp();
  t.after(app.close);
  const problems = [];
  const [a, b] = await Promise.all([openPage(app.context, app.url, app.port, problems), openPage(app.context, app.url, app.port, problems)]);
  // Two models at the same step count (a chart history kept by step count alone would fit either).
  await fill(a, RUN);
  await fill(b, { ...RUN, 'learning-rate': '0.003' });
  // Both at once: their epochs end, are scored and saved while the other trains or saves.
  await Promise.all([a.getByTestId('train').click(), b.getByTestId('train').click()]);
  await Promise.all([waitForState(a, 'done'), waitForState(b, 'done')]);
  assert.deepEqual([await steps(a), await steps(b)], [20, 20]);
  const weights = [await exportWeights(a), await exportWeights(b)];
  assert.ok(!weights[0].equals(weights[1]), 'two different models');
  const losses = [await chartLoss(a), await chartLoss(b)];
  assert.notEqual(losses[0], losses[1], 'their charts tell them apart');
  assert.deepEqual([await errorShown(a), await errorShown(b)], [false, false], 'neither tab shows an error');

  const c = await openPage(app.context, app.url, app.port, problems);
  const restored = await exportWeights(c);
  const which = weights.findIndex((w) => w.equals(restored));
  assert.notEqual(which, -1, "the kept model is exactly one tab's");
  assert.equal(await steps(c), 20);
  await c.waitForFunction(() => /the loss is/.test(document.querySelector('[data-testid=loss-chart-text]').textContent));
  assert.equal(await chartLoss(c), losses[which], "the chart history shown is that same tab's");
  const k = await kept(c);
  assert.deepEqual([k.chartsTab, k.chartsSteps], [k.tab, k.steps], "the chart history kept is that same tab's model's");
  assert.equal(await errorShown(c), false);
  assert.deepEqual(problems.flat(), []);
});

/**
 * model-store.js's saveModel, when the disk is "full" (a BroadcastChannel message from the page
 * switches it): the record is put in a transaction that is then aborted, so IndexedDB rolls the
 * write back, and it throws what a full disk throws.
 */
const FULL_DISK_STUB = `
let e2eDiskFull = false;
new BroadcastChannel('e2e-disk-full').onmessage = (e) => (e2eDiskFull = e.data);
export async function saveModel(weights, meta) {
  if (!e2eDiskFull) return realSaveModel(weights, meta);
  await run('readwrite', (store) => {
    store.put({ weights, meta }, KEY);
    store.transaction.abort();
  }).catch(() => {});
  throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
}`;

test('storage full: the page says so, training goes on, the last good model is kept', { timeout: 300_000 }, async (t) => {
  const app = await startApp();
  t.after(app.close);
  await app.context.route(/\/www\/model-store\.js/, async (route) => {
    const response = await route.fetch();
    const source = await response.text();
    assert.match(source, /export function saveModel\(/);
    await route.fulfill({ response, body: source.replace('export function saveModel(', 'function realSaveModel(') + FULL_DISK_STUB });
  });
  const problems = [];
  const page = await openPage(app.context, app.url, app.port, problems);
  await fill(page, RUN);
  await page.getByTestId('train').click();
  await waitForState(page, 'done');
  const good = await exportWeights(page);

  const disk = (full) => page.evaluate((f) => new BroadcastChannel('e2e-disk-full').postMessage(f), full);
  await disk(true);
  await fill(page, { epochs: '2' });
  await page.getByTestId('train').click();
  await page.waitForSelector('[data-testid=error]:not([hidden])', { timeout: 120_000 });
  const text = await page.getByTestId('error').textContent();
  assert.match(text, /storage is full, so the model could not be saved\. Training goes on, and the model saved before stays kept\./);
  assert.match(await page.locator('#storage-note').textContent(), /Storage full/);
  assert.notEqual(await page.getByTestId('status').getAttribute('data-state'), 'error', 'not a blocking error');
  await waitForState(page, 'done');
  assert.equal(await steps(page), 60, 'the second epoch trained after the failed save');

  const next = await openPage(app.context, app.url, app.port, problems);
  assert.ok((await exportWeights(next)).equals(good), 'the model saved before the disk was full, whole');
  assert.equal(await steps(next), 20);

  // Space again: the next save works and the notice goes.
  await disk(false);
  await page.getByTestId('train').click();
  await page.waitForSelector('[data-testid=error]', { state: 'hidden', timeout: 120_000 });
  assert.equal(await page.locator('#storage-note').textContent(), '');
  await waitForState(page, 'done');
  assert.deepEqual(problems.flat(), []);
});
