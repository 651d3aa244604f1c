// End-to-end: the real page on the project's own server (Vite's dev server, started here on a
// free 127.0.0.1 port), driven through Debian's Chromium with playwright-core.
//
// It waits for MNIST to stream in, checks the model card lists the core's layers, trains on 2,000
// images for a few hundred steps, checks that the loss falls, the charts update, pause stops
// training, the main thread never has a task over 50 ms while training, the test evaluation and
// confusion matrix appear; then draws digits with real mouse events and checks the prediction,
// checks that a small and a large drawing of the same strokes give the same 28x28 input (the
// preview), clears the pad, and takes a screenshot.
// The augment switch is checked by default and reaches the worker's trainer (the worker answers
// CONFIGURE with trainer.config(), which the page writes to the form's data-applied-* attributes),
// also mid-run.
//
//   node --test tests/e2e/              (part of `npm test`)
//   E2E_SCREENSHOT=/tmp/app.png         where the screenshot goes (default shown)
//   CHROMIUM=/usr/bin/chromium          the browser binary
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPercent } from '../../www/format.js';
import { FREEZE_MS, dataComplete, drawStroke, launchBrowser as launch, pause, previewBuild, readPrediction, readPreview, startApp, watch } from './helpers.mjs';

const SCREENSHOT = process.env.E2E_SCREENSHOT || '/tmp/app.png';
const TRAIN = { trainSize: 2000, batchSize: 32, epochs: 5, learningRate: 0.002 }; // 57 steps/epoch, 285 steps
// The default Validation split (0.1) holds out exactly a tenth of each 1,000 images (src/data/split.rs).
const TRAINED = TRAIN.trainSize * 0.9;

/** Waits until the worker's trainer runs with augment on or off (its CONFIGURED answer, drawn on the form). */
const appliedAugment = (page, on) =>
  page.waitForFunction((v) => document.querySelector('#settings').dataset.appliedAugment === v, String(on), { timeout: 5000 });

const DIGITS = {
  1: [[[0.5, 0.18], [0.5, 0.82]]],
  7: [[[0.3, 0.22], [0.7, 0.22], [0.45, 0.82]]],
  0: [[[0.5, 0.2], [0.33, 0.32], [0.3, 0.55], [0.38, 0.78], [0.55, 0.8], [0.68, 0.62], [0.68, 0.38], [0.6, 0.22], [0.5, 0.2]]],
};

test('the production build works under its Content-Security-Policy', { timeout: 120_000 }, async (t) => {
  const { port, close: stopServer } = await previewBuild();
  const { context, close } = await launch();
  t.after(async () => {
    await close();
    await stopServer();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = watch(page, port);
  await page.goto(`http://127.0.0.1:${port}/`);
  await dataComplete(page);
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.state === 'ready');
  // Chromium has relaxed SIMD: the built app loads pkg-relaxed/ (fused multiply-adds).
  assert.match(await page.locator('#build-info').textContent(), /^WebAssembly SIMD with fused multiply-add/);
  // `vite preview` sends COOP/COEP and the bundle holds the compute worker: two workers start.
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  await page.selectOption('[data-testid=workers]', '2');
  await page.waitForFunction(() => document.querySelector('[data-testid=workers-training]').textContent === '2 workers · shared memory', null, {
    timeout: 30_000,
  });

  // The data files are plain gzip files, not content-encoded responses.
  const headers = await page.evaluate(async () => {
    const r = await fetch('data/t10k-labels-idx1-ubyte.gz');
    const bytes = new Uint8Array(await r.arrayBuffer());
    return { type: r.headers.get('content-type'), encoding: r.headers.get('content-encoding'), magic: [bytes[0], bytes[1]] };
  });
  assert.deepEqual(headers.magic, [0x1f, 0x8b]);
  assert.equal(headers.encoding, null);

  // Before any training the pad still answers, and says the model is untrained.
  await drawStroke(page, [[0.5, 0.2], [0.5, 0.8]]);
  await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent !== '');
  assert.match(await page.locator('#model-note').textContent(), /untrained/i);
  assert.deepEqual(problems, []);
});

test('the trainer page, end to end', { timeout: 240_000 }, async (t) => {
  const { port, page, close } = await startApp();
  t.after(close);

  const problems = watch(page, port);
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });

  const status = page.getByTestId('status');
  const state = () => status.getAttribute('data-state');

  await t.test('loads MNIST as a stream and becomes ready', async () => {
    await page.goto(`http://127.0.0.1:${port}/`);
    assert.match(await page.title(), /MNIST/);
    const untrained = await page.locator('#model-note').textContent();
    assert.match(untrained, /untrained/i, 'before training the pad says the model is untrained');
    await dataComplete(page);
    await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.state === 'ready');
    // The text follows the progress bar at the page's next frame.
    await page.waitForFunction(() => /70,000 images ready/.test(document.querySelector('#data-text').textContent), null, {
      timeout: 5_000,
    });
  });

  await t.test('the model card shows the core’s description: a row per layer and the total', async () => {
    const rows = await page
      .getByTestId('model-layers')
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent)));
    t.diagnostic(`layers: ${JSON.stringify(rows)}`);
    assert.ok(rows.length >= 3, 'input, hidden layers, output');
    assert.deepEqual(rows[0].slice(1), ['28×28×1', '0'], 'the input comes first');
    assert.ok(rows.some(([, output, params]) => output === '26×26×32' && params === '320'), 'the first convolution');
    assert.deepEqual(rows.at(-1).slice(1), ['10', '650'], 'ten classes last');
    assert.equal(await page.locator('#param-count').textContent(), '93,322');
  });

  await t.test('refuses bad settings with a message', async () => {
    const train = page.getByTestId('train');
    for (const [id, bad] of [
      ['batch-size', '0'],
      ['learning-rate', '0'],
      ['learning-rate', '-1'],
      ['epochs', '0'],
    ]) {
      const input = page.getByTestId(id);
      const good = await input.inputValue();
      await input.fill(bad);
      assert.equal(await input.getAttribute('aria-invalid'), 'true', `${id}=${bad}`);
      assert.match(await page.locator(`#${id}-msg`).textContent(), /must/);
      await page.waitForFunction(() => document.querySelector('[data-testid=train]').disabled, null, { timeout: 2000 });
      await input.fill(good);
      assert.equal(await input.getAttribute('aria-invalid'), 'false');
      await page.waitForFunction(() => !document.querySelector('[data-testid=train]').disabled, null, { timeout: 2000 });
    }
    assert.ok(await train.isEnabled());
  });

  await t.test('augments by default; the switch reaches the trainer, from the keyboard too', async () => {
    const augment = page.getByTestId('augment');
    assert.equal(await augment.isChecked(), true, 'checked by default');
    assert.equal(await page.getByLabel('Augment the training images').getAttribute('id'), 'augment', 'it has a label');
    const hint = await page.locator(`#${await augment.getAttribute('aria-describedby')}`).textContent();
    assert.match(hint, /at random.*drawn digits/s, 'its hint says what it does and why');
    // The page configured the worker when it became ready; the facade's own default is off.
    await appliedAugment(page, true);
    await augment.focus();
    await page.keyboard.press('Space');
    assert.equal(await augment.isChecked(), false);
    await appliedAugment(page, false);
    await page.keyboard.press('Space');
    assert.equal(await augment.isChecked(), true);
    await appliedAugment(page, true);
  });

  let trainStart = 0;
  let trainEnd = 0;
  await t.test('trains: loss falls, charts update, pause stops training', async () => {
    await page.getByTestId('train-size').fill(String(TRAIN.trainSize));
    await page.getByTestId('batch-size').fill(String(TRAIN.batchSize));
    await page.getByTestId('epochs').fill(String(TRAIN.epochs));
    await page.getByTestId('learning-rate').fill(String(TRAIN.learningRate));
    trainStart = await page.evaluate(() => performance.now());
    await page.getByTestId('train').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.state === 'training');

    const points = () => page.getByTestId('loss-chart').getAttribute('data-points').then(Number);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=loss-chart]').dataset.points) >= 40, null, {
      timeout: 60_000,
    });
    const early = await points();
    const ips = Number(await page.getByTestId('images-per-sec').textContent());
    assert.ok(ips > 0, `images per second shown: ${ips}`);
    const epochMax = Number(await page.getByTestId('epoch-progress').getAttribute('aria-valuemax'));
    assert.equal(epochMax, Math.ceil(TRAINED / TRAIN.batchSize));
    assert.equal(await page.locator('#settings').getAttribute('data-applied-batch-size'), String(TRAIN.batchSize));

    // The switch applies at once, mid-run: off, then on again, while the worker trains.
    await page.getByTestId('augment').uncheck();
    await appliedAugment(page, false);
    assert.equal(await state(), 'training');
    await page.getByTestId('augment').check();
    await appliedAugment(page, true);
    assert.equal(await state(), 'training');

    // Pause (how long it takes is a benchmark: npm run bench:pause).
    await pause(page);
    // The step counter is drawn in the same frame as the status; the worker sends its last
    // progress before it acknowledges the pause, so the count must not move from here on.
    const steps = async () => Number((await page.locator('#step').textContent()).replace(/,/g, ''));
    const atPause = await steps();
    await page.waitForTimeout(500);
    assert.equal(await steps(), atPause, 'no training while paused');
    await page.waitForFunction(() => document.querySelector('[data-testid=train]').textContent === 'Resume', null, { timeout: 2000 });
    await page.getByTestId('train').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.state !== 'paused');

    await page.waitForFunction(() => Number(document.querySelector('[data-testid=loss-chart]').dataset.points) > 120, null, {
      timeout: 60_000,
    });
    assert.ok((await points()) > early, 'the loss chart keeps updating');
    await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.state === 'done', null, {
      timeout: 150_000,
    });
    trainEnd = await page.evaluate(() => performance.now());
    const total = await points();
    assert.equal(total, TRAIN.epochs * Math.ceil(TRAINED / TRAIN.batchSize), 'one point per step');

    const chart = page.getByTestId('loss-chart');
    const start = Number(await chart.getAttribute('data-loss-start'));
    const latest = Number(await chart.getAttribute('data-loss-latest'));
    t.diagnostic(`loss ${start.toFixed(3)} -> ${latest.toFixed(3)} over ${total} steps`);
    assert.ok(start > 1.5, `initial loss near ln 10: ${start}`);
    assert.ok(latest < start / 3, `loss fell: ${start} -> ${latest}`);
    assert.ok(Number(await page.getByTestId('accuracy-chart').getAttribute('data-points')) > total);
    const canvases = await page.locator('[data-testid=loss-chart] canvas, [data-testid=accuracy-chart] canvas').count();
    assert.ok(canvases >= 2, 'both charts are drawn');
  });

  await t.test('evaluates the full test set after each epoch', async () => {
    const text = (await page.getByTestId('test-accuracy').textContent()).trim();
    t.diagnostic(`test accuracy ${text}`);
    assert.match(text, /^\d{1,3}\.\d%$/);
    assert.ok(parseFloat(text) > 80, `test accuracy ${text}`);
    assert.match(await page.getByTestId('test-accuracy-estimate').textContent(), /^\d{1,3}\.\d%$/);
    const matrix = page.getByTestId('confusion-matrix');
    assert.equal(await matrix.getAttribute('data-count'), '10000');
    const cells = await matrix.locator('td[data-true]').evaluateAll((tds) => tds.map((td) => Number(td.dataset.count)));
    assert.equal(cells.length, 100);
    assert.equal(cells.reduce((a, b) => a + b, 0), 10000);
    const diagonal = cells.filter((_, i) => i % 11 === 0).reduce((a, b) => a + b, 0);
    // Through the page's own formatter: 9,585 / 100 prints 95.8 but 0.9585 × 100 prints 95.9.
    assert.equal(formatPercent(diagonal / 10000), text, 'the matrix agrees with the accuracy');
    await page.waitForFunction(() => document.querySelectorAll('#gallery li canvas').length > 0, null, { timeout: 5000 });
    assert.equal(await page.getByTestId('epoch-progress').getAttribute('aria-valuenow'), await page.getByTestId('epoch-progress').getAttribute('aria-valuemax'));
  });

  await t.test('the main thread never froze while training (no task over FREEZE_MS)', async () => {
    const long = await page.evaluate(
      ([from, to]) => window.__longTasks.filter((e) => e.start >= from && e.start <= to),
      [trainStart, trainEnd],
    );
    t.diagnostic(`training window ${((trainEnd - trainStart) / 1000).toFixed(1)} s, long tasks (over 50 ms): ${JSON.stringify(long)}`);
    assert.deepEqual(long.filter((e) => e.duration > FREEZE_MS), []);
  });

  await t.test('reads digits drawn with the mouse; a cleared pad shows nothing', async () => {
    const results = {};
    for (const [digit, strokes] of Object.entries(DIGITS)) {
      await page.getByTestId('clear-pad').click();
      for (const stroke of strokes) await drawStroke(page, stroke);
      await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent !== '');
      await page.waitForTimeout(150); // the newest stroke's prediction
      const r = await readPrediction(page);
      assert.deepEqual(r.digits, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      const sum = r.probs.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-3, `probabilities sum to ${sum}`);
      assert.ok(r.probs.every((p) => p >= 0 && p <= 1));
      assert.equal(r.digit, String(r.probs.indexOf(Math.max(...r.probs))));
      results[digit] = r.digit;
    }
    t.diagnostic(`drawn -> predicted: ${JSON.stringify(results)}`);
    assert.equal(results[1], '1', 'a drawn 1 is read as 1');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await page.getByTestId('clear-pad').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent === '');
    await page.waitForTimeout(300); // a late answer must not bring a prediction back
    const cleared = await readPrediction(page);
    assert.equal(cleared.digit, '');
    assert.deepEqual(cleared.probs, Array(10).fill(0));
  });

  await t.test('a small and a large drawing of the same strokes give nearly the same input', async () => {
    // A 9 drawn across 80 % of the pad, then in a corner at 25 %: the preview (what the network
    // gets) is drawn from the strokes with MNIST's pen, so its loop stays open when drawn small.
    const nine = [
      [[0.75, 0.3], [0.68, 0.12], [0.5, 0.06], [0.3, 0.12], [0.25, 0.3], [0.32, 0.46], [0.5, 0.52], [0.68, 0.46], [0.75, 0.3]],
      [[0.75, 0.3], [0.7, 0.65], [0.62, 0.98]],
    ];
    const drawAt = async (left, top, size) => {
      await page.getByTestId('clear-pad').click();
      for (const stroke of nine) await drawStroke(page, stroke.map(([x, y]) => [left + x * size, top + y * size]));
      // The pad renders the preview in the next animation frame after the last pointer event.
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      return readPreview(page);
    };
    const large = await drawAt(0.1, 0.1, 0.8);
    const small = await drawAt(0.05, 0.05, 0.25);
    const mad = large.reduce((s, v, i) => s + Math.abs(v - small[i]), 0) / 784;
    const ink = (px) => px.reduce((s, v) => s + v, 0);
    t.diagnostic(`preview, large vs small: mean abs difference ${mad.toFixed(4)}, ink ${ink(large).toFixed(1)} vs ${ink(small).toFixed(1)}`);
    assert.ok(ink(large) > 20, 'the preview shows the drawing');
    assert.ok(mad < 0.04, `mean abs difference ${mad}`);
    assert.ok(Math.abs(ink(large) - ink(small)) < 0.1 * ink(large), 'as much ink, small or large');
    await page.getByTestId('clear-pad').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent === '');
  });

  await t.test('works from the keyboard: a test digit onto the pad, Escape clears it', async () => {
    await page.locator('#sample-digit').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent !== '');
    assert.match(await page.locator('#sample-caption').textContent(), /^Test image #\d+, labelled \d$/);
    const shown = await readPreview(page); // the test image's own pixels, not a drawing
    assert.ok(shown.reduce((a, v) => a + v, 0) > 20, 'the preview shows the test digit');
    await page.getByTestId('draw-pad').focus();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent === '');
    assert.equal(await page.locator('#sample-caption').textContent(), '');
  });

  let finalAccuracy = '';
  await t.test('the trained model survives a reload (IndexedDB) and scores the same', async () => {
    finalAccuracy = await page.getByTestId('test-accuracy').textContent();
    await page.reload();
    await dataComplete(page);
    await page.waitForFunction(() => document.querySelector('[data-testid=test-accuracy]').textContent !== '', null, {
      timeout: 60_000,
    });
    assert.equal(await page.getByTestId('test-accuracy').textContent(), finalAccuracy);
    assert.match(await page.locator('#model-note').textContent(), /kept in this browser/);
    assert.equal(await page.getByTestId('augment').isChecked(), true);
    await appliedAugment(page, true);
    // The charts' history came back with the model.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=loss-chart]').dataset.points) > 100, null, {
      timeout: 10_000,
    });
    await drawStroke(page, DIGITS[1][0]);
    await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent !== '');
    await page.waitForTimeout(150);
    assert.equal((await readPrediction(page)).digit, '1');
  });

  await t.test('no console errors, page errors, failed or third-party requests', () => {
    assert.deepEqual(problems, []);
  });
});

test('streams: a failed download offers a retry; training starts before the download ends', { timeout: 150_000 }, async (t) => {
  const { port, context, page, close } = await startApp();
  t.after(close);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const state = () => page.getByTestId('status').getAttribute('data-state');

  await t.test('an interrupted download shows an alert with a retry that works', async () => {
    let failed = 0;
    await page.route('**/data/t10k-images-idx3-ubyte.gz', (route) => {
      if (failed++ === 0) return route.abort('connectionreset');
      return route.continue();
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    const error = page.getByTestId('error');
    await error.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await error.getAttribute('role'), 'alert');
    assert.match(await error.textContent(), /test images/);
    await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.state === 'error');
    const retry = page.getByRole('button', { name: 'Retry download' });
    await retry.click();
    await error.waitFor({ state: 'hidden' });
    await dataComplete(page);
    await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.state === 'ready');
    assert.equal(failed, 2);
    await page.unroute('**/data/t10k-images-idx3-ubyte.gz');
  });

  await t.test('on a slow network, training starts on the first images and ends with a full score', async () => {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 40,
      downloadThroughput: 1.5e6, // bytes/s: ~8 s for the 11.5 MB
      uploadThroughput: 1e6,
    });
    await page.reload();
    await page.waitForFunction(() => !document.querySelector('[data-testid=train]').disabled, null, { timeout: 30_000 });
    await page.getByTestId('train-size').fill('1000');
    await page.getByTestId('epochs').fill('1');
    await page.getByTestId('train').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=loss-chart]').dataset.points) > 0, null, {
      timeout: 30_000,
    });
    const bar = page.getByTestId('data-progress');
    const [now, max] = [Number(await bar.getAttribute('aria-valuenow')), Number(await bar.getAttribute('aria-valuemax'))];
    t.diagnostic(`training started with ${((100 * now) / max).toFixed(0)}% of the data in`);
    assert.equal(await bar.getAttribute('data-complete'), 'false', 'training started while data was still streaming');
    assert.ok(now < max);
    await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.state === 'done', null, {
      timeout: 90_000,
    });
    // The run needed 1,000 training images; the rest may still be streaming, but "done"
    // comes with the full 10,000-image test score.
    assert.match(await page.getByTestId('test-accuracy').textContent(), /^\d{1,3}\.\d%$/);
    assert.equal(await page.getByTestId('confusion-matrix').getAttribute('data-count'), '10000');
    await dataComplete(page);
    assert.equal(await state(), 'done');
    assert.deepEqual(pageErrors, []);
  });
});
