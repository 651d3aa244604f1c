// End-to-end: the settings form is the core's schema (labels, limits, steps, help; only the form
// fields), and the training settings are kept across a reload (localStorage), on Vite's dev server
// in Chromium. Batch size, learning rate and augment are changed; after a reload the inputs show
// them and the worker's trainer runs with them (its CONFIGURED answer, written to the form's
// data-applied-* attributes). A half-typed, invalid value is not kept; Reset keeps the settings;
// corrupt or out-of-range stored settings fall back to the defaults field by field, silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataComplete, openReady, startApp, waitForState, watch } from './helpers.mjs';

const KEY = 'mnist-trainer.settings'; // SETTINGS_KEY in www/settings.js
const DEFAULTS = { epochs: '3', 'batch-size': '64', 'learning-rate': '0.008', 'train-size': '60000' };

/** The form's number inputs and the augment checkbox, as shown. */
const shown = (page) =>
  page.evaluate(() => ({
    epochs: document.querySelector('[data-testid=epochs]').value,
    'batch-size': document.querySelector('[data-testid=batch-size]').value,
    'learning-rate': document.querySelector('[data-testid=learning-rate]').value,
    'train-size': document.querySelector('[data-testid=train-size]').value,
    augment: document.querySelector('[data-testid=augment]').checked,
  }));

const readApplied = (page) =>
  page.evaluate(() => {
    const d = document.querySelector('#settings').dataset;
    return { batchSize: d.appliedBatchSize, learningRate: d.appliedLearningRate, trainSize: d.appliedTrainSize, augment: d.appliedAugment };
  });

/**
 * Waits until the worker's trainer runs with these settings (the learning rate as the f32 it
 * keeps) and returns what the form's data-applied-* attributes say.
 */
async function applied(page, { batchSize, learningRate, trainSize, augment }) {
  const want = { batchSize: String(batchSize), learningRate: Math.fround(learningRate), trainSize: String(trainSize), augment: String(augment) };
  const ok = await page
    .waitForFunction(
      (w) => {
        const d = document.querySelector('#settings').dataset;
        return (
          d.appliedBatchSize === w.batchSize &&
          Math.fround(Number(d.appliedLearningRate)) === w.learningRate &&
          d.appliedTrainSize === w.trainSize &&
          d.appliedAugment === w.augment
        );
      },
      want,
      { timeout: 20_000 },
    )
    .then(() => true, () => false);
  const got = await readApplied(page);
  assert.ok(ok, `the worker applied ${JSON.stringify(got)}, expected ${JSON.stringify({ batchSize, learningRate, trainSize, augment })}`);
  return got;
}

async function reload(page) {
  await page.reload();
  await dataComplete(page);
  await waitForState(page, 'ready');
}

test('the settings survive a reload and reach the worker', { timeout: 180_000 }, async (t) => {
  const app = await startApp();
  const { page } = app;
  t.after(app.close);
  const problems = watch(page, app.port);

  await t.test('a fresh browser starts from the defaults', async () => {
    await openReady(page, app.url);
    assert.deepEqual(await shown(page), { ...DEFAULTS, augment: true });
    await applied(page, { batchSize: 64, learningRate: 0.008, trainSize: 60000, augment: true });
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), KEY), null, 'nothing is written until the user changes something');
  });

  await t.test('the form is built from the core’s schema: labels, limits, steps, help', async () => {
    const fields = await page.evaluate(() =>
      [...document.querySelectorAll('#settings input')].map((i) => ({
        id: i.dataset.testid,
        type: i.type,
        limits: i.type === 'number' ? `${i.min}..${i.max} step ${i.step}` : '',
        label: document.querySelector(`label[for=${i.id}]`).textContent,
        help: i.getAttribute('aria-describedby').split(' ').some((id) => document.getElementById(id)?.className === 'hint'),
      })),
    );
    assert.deepEqual(fields, [
      { id: 'epochs', type: 'number', limits: '1..100 step 1', label: 'Epochs', help: true },
      { id: 'batch-size', type: 'number', limits: '1..1024 step 1', label: 'Batch size', help: true },
      { id: 'learning-rate', type: 'number', limits: '0..1 step any', label: 'Learning rate', help: true },
      { id: 'schedule', type: 'checkbox', limits: '', label: 'Warm-up and cosine decay', help: true },
      { id: 'train-size', type: 'number', limits: '1..60000 step 1', label: 'Training images', help: true },
      { id: 'validation-split', type: 'number', limits: '0..0.5 step any', label: 'Validation split', help: true },
      { id: 'patience', type: 'number', limits: '0..100 step 1', label: 'Stop early (patience)', help: true },
      { id: 'augment', type: 'checkbox', limits: '', label: 'Augment the training images', help: true },
      { id: 'dropout', type: 'number', limits: '0..0.9 step any', label: 'Dropout before the dense layer', help: true },
      { id: 'train-on-drawings', type: 'checkbox', limits: '', label: 'Train on my drawings too', help: true },
      { id: 'drawings-share', type: 'number', limits: '0..0.5 step any', label: 'Share of my drawings', help: true },
    ]);
  });

  await t.test('batch size, learning rate and augment are kept; a half-typed value is not', async () => {
    await page.getByTestId('batch-size').fill('128');
    await page.getByTestId('learning-rate').fill('');
    await page.getByTestId('learning-rate').pressSequentially('0.0005'); // "0", "0.", … are invalid on the way
    await page.getByTestId('augment').uncheck();
    await applied(page, { batchSize: 128, learningRate: 0.0005, trainSize: 60000, augment: false });
    // Left half-typed and invalid: neither sent to the worker nor kept.
    await page.getByTestId('epochs').fill('0');
    assert.equal(await page.getByTestId('epochs').getAttribute('aria-invalid'), 'true');

    await reload(page);
    assert.deepEqual(await shown(page), { ...DEFAULTS, 'batch-size': '128', 'learning-rate': '0.0005', augment: false });
    for (const id of ['epochs', 'batch-size', 'learning-rate', 'train-size']) {
      assert.equal(await page.getByTestId(id).getAttribute('aria-invalid'), 'false', id);
    }
    const got = await applied(page, { batchSize: 128, learningRate: 0.0005, trainSize: 60000, augment: false });
    t.diagnostic(`applied after the reload: ${JSON.stringify(got)}`);
    assert.equal(got.batchSize, '128');
    assert.equal(got.augment, 'false');
    assert.ok(Math.abs(Number(got.learningRate) - 0.0005) < 1e-9, got.learningRate);
  });

  await t.test('Reset keeps the settings, now and after a reload', async () => {
    await page.getByTestId('train-size').fill('2000');
    await applied(page, { batchSize: 128, learningRate: 0.0005, trainSize: 2000, augment: false });
    await page.getByTestId('reset').click();
    await page.getByTestId('reset-confirm').click();
    await page.waitForSelector('#reset-dialog:not([open])', { state: 'attached' });
    const mine = { ...DEFAULTS, 'batch-size': '128', 'learning-rate': '0.0005', 'train-size': '2000', augment: false };
    assert.deepEqual(await shown(page), mine);
    await reload(page);
    assert.deepEqual(await shown(page), mine);
    await applied(page, { batchSize: 128, learningRate: 0.0005, trainSize: 2000, augment: false });
  });

  await t.test('corrupt or out-of-range stored settings fall back field by field, silently', async () => {
    await page.evaluate((k) => localStorage.setItem(k, '{"batchSize": 128, "learningRate": 0.0005, "augm'), KEY);
    await reload(page);
    assert.deepEqual(await shown(page), { ...DEFAULTS, augment: true }, 'corrupt JSON: the defaults');
    await applied(page, { batchSize: 64, learningRate: 0.008, trainSize: 60000, augment: true });

    // Saved before augment existed, with a batch size out of range and a text where a number goes.
    await page.evaluate((k) => localStorage.setItem(k, JSON.stringify({ epochs: 5, batchSize: 4096, learningRate: 0.01, trainSize: '2000' })), KEY);
    await reload(page);
    assert.deepEqual(await shown(page), { ...DEFAULTS, epochs: '5', 'learning-rate': '0.01', augment: true });
    await applied(page, { batchSize: 64, learningRate: 0.01, trainSize: 60000, augment: true });
  });

  await t.test('no console errors, page errors, failed or third-party requests', () => {
    assert.deepEqual(problems, []);
  });
});
