// Issue 22, runs you can compare and drawing without a mouse, in Chromium against the dev server:
// "Keep this run" without Reset (by keyboard, focus handed on), the kept run listed in its own
// colour after a reload, a continued run on its own axis span; a digit drawn by keyboard only
// (the pen, and a stroke-font digit) gets a prediction; a test digit is predicted but teaching
// it adds nothing to Your drawings.
//
//   node --test tests/e2e/runs.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataComplete, openReady, readPrediction, readPreview, startApp, waitForState, watch } from './helpers.mjs';

const FIRST_COLOUR = 'rgb(213, 94, 0)'; // RUN_COLOURS[0] (www/state/runs.js)

/** A chart's legend: `[label, marker colour]` per series. */
const legend = (page, id) =>
  page
    .getByTestId(id)
    .locator('.u-legend .u-series')
    .evaluateAll((rows) => rows.map((r) => [r.querySelector('.u-label')?.textContent, getComputedStyle(r.querySelector('.u-marker')).borderTopColor]));

const focusedId = (page) => page.evaluate(() => (document.activeElement === document.body ? 'body' : document.activeElement?.id));

test('runs you can compare; drawing without a mouse; test digits stay out of Your drawings', { timeout: 300_000 }, async (t) => {
  const { port, page, close } = await startApp();
  t.after(close);
  const problems = watch(page, port);
  await openReady(page, `http://127.0.0.1:${port}/`);
  let label = '';

  await t.test('"Keep this run" keeps it without Reset, in its own colour; focus moves on to Train', async () => {
    assert.ok(await page.getByTestId('keep-run').isDisabled(), 'nothing to keep yet');
    await page.getByTestId('train-size').fill('640');
    await page.getByTestId('epochs').fill('1');
    await page.getByTestId('train').click();
    await waitForState(page, 'done');
    await page.getByTestId('keep-run').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid=loss-chart]').dataset.pastRuns === '1', null, { timeout: 5000 });
    assert.ok(await page.getByTestId('keep-run').isDisabled(), 'kept: nothing new to keep');
    assert.equal(await focusedId(page), 'train', 'focus on the next run\'s Train, not the body');
    assert.match(await page.locator('#step').textContent(), /^[1-9]/, 'the model was not reset');
    for (const id of ['loss-chart', 'accuracy-chart']) {
      const rows = await legend(page, id);
      const kept = rows.find(([l]) => l?.startsWith('Run 1 · '));
      assert.ok(kept, `${id} legend: ${JSON.stringify(rows)}`);
      assert.equal(kept[1], FIRST_COLOUR, `${id}: the kept run's swatch`);
      const others = rows.filter(([l]) => !l?.startsWith('Run ') && l !== 'Step').map(([, c]) => c);
      assert.ok(!others.includes(FIRST_COLOUR), `${id}: not a colour of the current run: ${others}`);
      label = kept[0];
    }
    assert.match(label, /^Run 1 · lr 0\.008 · batch 64 · \d+\.\d%$/);
    assert.match(await page.getByTestId('past-runs').textContent(), /Run 1 · lr 0\.008 · batch 64 · \d+\.\d% is kept for comparison:/);
  });

  await t.test('after a reload the kept run is still listed, in its colour; a continued run gets its own axis span', async () => {
    await page.reload();
    await waitForState(page, 'ready', 'done', 'paused');
    await page.waitForFunction(() => document.querySelector('[data-testid=loss-chart]').dataset.pastRuns === '1', null, { timeout: 10_000 });
    const rows = await legend(page, 'accuracy-chart');
    assert.deepEqual(rows.find(([l]) => l === label), [label, FIRST_COLOUR], JSON.stringify(rows));
    assert.ok(await page.getByTestId('past-runs').isVisible());
    // Continue training the kept model: the charts count this run's steps from its start.
    await dataComplete(page);
    await page.waitForFunction(() => !document.querySelector('[data-testid=train]').disabled, null, { timeout: 30_000 });
    await page.getByTestId('train').click();
    await waitForState(page, 'done');
    assert.equal(await page.getByTestId('loss-chart').getAttribute('data-axis-titles'), 'Steps in this run | Loss (cross-entropy)');
    await page.getByTestId('whole-history').check();
    await page.waitForFunction(() => document.querySelector('[data-testid=loss-chart]').dataset.axisTitles.startsWith('Training steps'), null, { timeout: 5000 });
    await page.getByTestId('whole-history').uncheck();
    // Kept again: a second run, in the next colour.
    await page.getByTestId('keep-run').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=loss-chart]').dataset.pastRuns === '2', null, { timeout: 5000 });
    const two = (await legend(page, 'loss-chart')).filter(([l]) => l?.startsWith('Run '));
    assert.equal(two.length, 2);
    assert.notEqual(two[0][1], two[1][1], 'each run its own colour');
    assert.match(two[1][0], /^Run 2 · /);
    await page.locator('.charts').screenshot({ path: process.env.E2E_KEPT_RUNS_SCREENSHOT || '/tmp/kept-runs.png' });
  });

  await t.test('a digit drawn by keyboard only gets a prediction', async () => {
    const pad = page.getByTestId('draw-pad');
    await pad.focus();
    const key = (k, n = 1) => Array.from({ length: n }).reduce((p) => p.then(() => page.keyboard.press(k)), Promise.resolve());
    await key('Shift+ArrowUp', 3); // to the top
    await key(' '); // pen down
    await key('ArrowDown', 24); // a vertical bar: a 1
    await key(' '); // pen up
    assert.match(await page.getByTestId('pad-pen-status').textContent(), /^Pen up at 50% across, \d+% down/);
    assert.ok(await page.getByTestId('pad-cursor').isVisible(), 'the pen is shown on the focused pad');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=probabilities] > *').length === 10, null, { timeout: 10_000 });
    const ink = (await readPreview(page)).reduce((a, b) => a + b, 0);
    assert.ok(ink > 20, `ink in the network's input: ${ink}`);
    assert.match(await page.getByTestId('prediction').textContent(), /^\d$/);
    assert.equal(await focusedId(page), 'draw-pad');
    await page.locator('.pad-frame').screenshot({ path: process.env.E2E_PAD_KEYS_SCREENSHOT || '/tmp/pad-keys.png' });
  });

  await t.test('a stroke-font digit, by keyboard: the pretrained model reads it', async () => {
    await page.getByTestId('load-pretrained').click();
    await page.waitForFunction(() => /99\.\d\d % on the MNIST test set/.test(document.querySelector('[data-testid=pretrained-note]').textContent), null, { timeout: 60_000 });
    await page.getByTestId('draw-pad').focus();
    for (const d of ['7', '3']) {
      await page.keyboard.press(d);
      await page.waitForFunction((want) => document.querySelector('[data-testid=prediction]').textContent === want, d, { timeout: 10_000 }).catch(async () => {
        assert.fail(`wrote a ${d}, read ${JSON.stringify(await readPrediction(page))}`);
      });
      assert.equal(await page.getByTestId('pad-pen-status').textContent(), `Wrote a ${d} in the stroke font.`);
    }
  });

  await t.test('a test digit is predicted, but "It\'s a …" cannot put it into Your drawings', async () => {
    await page.locator('#sample-digit').click();
    await page.waitForFunction(() => /^Test image #\d+/.test(document.querySelector('#sample-caption').textContent), null, { timeout: 10_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent !== '', null, { timeout: 10_000 });
    const teach = page.getByRole('button', { name: "It's a 1" });
    assert.ok(await teach.isDisabled(), 'teaching a test image is off');
    assert.match(await page.getByTestId('teach-status').textContent(), /test image: it can be predicted but not taught/);
    await teach.click({ force: true }).catch(() => {}); // a disabled button does nothing even when clicked
    assert.equal(await page.locator('[data-testid=my-drawings] > li').count(), 0, 'nothing added to Your drawings');
    // Drawing over it makes it the user's own again: teachable.
    await page.getByTestId('draw-pad').focus();
    await page.keyboard.press('1');
    await page.waitForFunction(() => !document.querySelector('[data-digit="1"]').disabled, null, { timeout: 10_000 });
    assert.equal(await page.locator('#sample-caption').textContent(), '');
  });

  assert.deepEqual(problems, []);
});
