// End-to-end: what Keras's `fit` shows, in the page (issue 19, point 4). Two short epochs on
// 1,000 training images with a Validation split of 0.2 (200 held out, the same ones every run):
// after each epoch val_loss and val_accuracy join the loss and accuracy charts (a series of their
// own, in the legends and the charts' text), the history table gains a row, and history.csv
// downloads with Keras CSVLogger's header and one row per epoch. The test card says it is the
// final score. Then early stopping: patience 1 keeps the best epoch's weights and says which.
//   node --test tests/e2e/history.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dataComplete, openReady, startApp, waitForState, watch } from './helpers.mjs';

const HEADER = 'epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds';

/** Waits until the worker's trainer runs with these settings (its CONFIGURED, on the form). */
const applied = (page, name, value) =>
  page.waitForFunction(([n, v]) => document.querySelector('#settings').dataset[n] === v, [name, String(value)], { timeout: 20_000 });

const historyRows = (page) =>
  page.evaluate(() => [...document.querySelectorAll('[data-testid=history-table] tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)));

test('validation split, per-epoch history and its CSV, early stopping', { timeout: 240_000 }, async (t) => {
  const app = await startApp();
  const { page } = app;
  t.after(app.close);
  const problems = watch(page, app.port);

  await t.test('the settings: Validation split (0.1) and Stop early (off), from the core', async () => {
    await openReady(page, app.url);
    assert.equal(await page.getByTestId('validation-split').inputValue(), '0.1');
    assert.equal(await page.getByTestId('patience').inputValue(), '0');
    assert.match(await page.locator('#eval-title').textContent(), /^Test set \(final score\)/);
    assert.equal(await page.getByTestId('history-csv').isDisabled(), true, 'nothing to download yet');
  });

  await t.test('two epochs: val points on both charts, two history rows', async () => {
    await page.getByTestId('train-size').fill('1000');
    await page.getByTestId('batch-size').fill('50');
    await page.getByTestId('epochs').fill('2');
    await page.getByTestId('validation-split').fill('0.2');
    await applied(page, 'appliedValidationSplit', 0.2);
    await page.getByTestId('train').click();
    await waitForState(page, 'done');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=history-table] tbody tr').length === 2, null, { timeout: 30_000 });
    const val = (id) => page.getByTestId(id).getAttribute('data-val-points').then(Number);
    await page.waitForFunction(() => document.querySelector('[data-testid=accuracy-chart]').dataset.valPoints === '2');
    assert.equal(await val('loss-chart'), 2);
    assert.equal(await val('accuracy-chart'), 2);
    // A series of its own, named in both legends (uPlot's legend is text in the DOM).
    const legends = await page.evaluate(() => [...document.querySelectorAll('.u-legend')].map((l) => l.textContent));
    assert.ok(legends.some((l) => l.includes('Validation (val_loss)')), legends.join(' | '));
    assert.ok(legends.some((l) => l.includes('Validation (val_accuracy)')), legends.join(' | '));
    // And in the charts' words.
    const words = `${await page.getByTestId('loss-chart-text').textContent()} ${await page.getByTestId('accuracy-chart-text').textContent()}`;
    assert.match(words, /Validation \(200 held-out training images\) after epoch 2: val_loss \d/);
    assert.match(words, /val_accuracy \d+\.\d%/);
    const rows = await historyRows(page);
    assert.deepEqual(rows.map((r) => r[0]), ['1', '2']);
    for (const r of rows) {
      assert.equal(r.length, 7);
      assert.ok(r.every((c) => c !== '–' && c !== ''), `every figure shown: ${r}`);
    }
  });

  await t.test('history.csv: the CSVLogger header and one row per epoch, as the table shows', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('history-csv').click()]);
    assert.equal(download.suggestedFilename(), 'history.csv');
    const text = await readFile(await download.path(), 'utf8');
    const [header, ...rows] = text.trimEnd().split('\n');
    assert.equal(header, HEADER);
    assert.equal(rows.length, 2);
    const table = await historyRows(page);
    rows.forEach((row, i) => {
      const [epoch, loss, accuracy, valLoss, valAccuracy, lr, seconds] = row.split(',').map(Number);
      assert.equal(epoch, i + 1);
      for (const v of [loss, valLoss, lr, seconds]) assert.ok(Number.isFinite(v) && v > 0, row);
      for (const v of [accuracy, valAccuracy]) assert.ok(v >= 0 && v <= 1, row);
      const shown = Number(table[i][3]);
      assert.ok(Math.abs(shown - valLoss) <= 0.005 * valLoss, `the table shows what the file holds: ${shown} vs ${valLoss}`);
    });
  });

  await t.test('stop early: patience 1 keeps the best epoch and says so', async (tt) => {
    // A rate far too high makes val_loss worse after its best: the run stops or ends on a worse
    // epoch, and either way keeps the best one's weights.
    await page.getByTestId('patience').fill('1');
    await page.getByTestId('epochs').fill('6');
    await page.getByTestId('learning-rate').fill('0.02');
    await page.getByTestId('schedule').uncheck();
    await applied(page, 'appliedPatience', 1);
    await page.getByTestId('train').click();
    await waitForState(page, 'training');
    await waitForState(page, 'done');
    await page.waitForFunction(() => !document.querySelector('[data-testid=history-note]').hidden);
    const rows = (await historyRows(page)).slice(2); // this run's
    const losses = rows.map((r) => Number(r[3]));
    const note = await page.getByTestId('history-note').textContent();
    const best = rows[losses.indexOf(Math.min(...losses))][0];
    tt.diagnostic(`val_loss by epoch: ${losses.join(', ')}; note: ${note}`);
    // Seeded, so the same every time: val_loss rises at this run's third epoch (e.g. 1.14, 0.455, 0.474).
    assert.ok(rows.length < 6, `stopped before the 6 epochs planned: ${losses}`);
    assert.notEqual(best, rows.at(-1)[0], 'the last epoch was not the best');
    const last = rows.at(-1)[0];
    assert.equal(
      note,
      `Stopped early after epoch ${last}: val_loss had not improved for 1 epoch (patience 1). The model keeps the weights of epoch ${best} (val_loss ${rows.find((r) => r[0] === best)[3]}), the lowest val_loss.`,
    );
    const kept = await page.evaluate(() => [...document.querySelectorAll('[data-testid=history-table] tr[data-kept=true] th')].map((th) => th.textContent));
    assert.deepEqual(kept, [best], 'the kept epoch is marked in the table');
  });

  await t.test('the history comes back after a reload, with the kept model', async () => {
    const before = await historyRows(page);
    await page.reload();
    await dataComplete(page);
    await waitForState(page, 'ready', 'done');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=history-table] tbody tr').length === n, before.length, { timeout: 30_000 });
    assert.deepEqual(await historyRows(page), before);
    assert.equal(await page.getByTestId('accuracy-chart').getAttribute('data-val-points'), String(before.length));
  });

  await t.test('no console errors, page errors, failed or third-party requests', () => {
    assert.deepEqual(problems, []);
  });
});
