// Teach it, look inside, the pretrained model, in Chromium against the dev server: the pretrained
// model is fetched only on click, says its accuracy and reads a drawn digit; the layer views are
// drawn (non-blank) for a drawing; a drawn digit the model misreads is taught with "It's a …"
// and then read right, and still after "Learn them for good" (one epoch with the drawings); Your
// drawings go out as gzipped IDX files and come back, are relabelled and deleted, and survive a
// reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, watch } from './helpers.mjs';
import { drawnDigits } from '../../bench/drawn-digits.mjs';
import { replay as replayOnPad } from '../../bench/page-pad.mjs';

/** Candidates the pretrained model misreads natively (examples/teach.rs on bench/teach-set.mjs's set). */
const MISREAD = [9, 168, 189, 214, 249, 316, 390, 419];

/** Clears the pad and draws `strokes` on it with the mouse (bench/page-pad.mjs). */
async function replay(page, strokes) {
  await page.evaluate(() => document.getElementById('clear-pad').click());
  const pad = page.getByTestId('draw-pad');
  await pad.scrollIntoViewIfNeeded();
  await replayOnPad(page, await pad.boundingBox(), strokes);
}

/** The prediction once it has stopped changing for 300 ms. */
async function settled(page) {
  await page.evaluate(() => {
    window.__settle = { key: null, since: performance.now() };
  });
  await page.waitForFunction(
    () => {
      const key = [...document.querySelectorAll('[data-testid=probabilities] > *')].map((li) => li.dataset.prob).join(',');
      const w = window.__settle;
      if (key !== w.key) Object.assign(w, { key, since: performance.now() });
      return document.querySelector('[data-testid=prediction]').textContent !== '' && performance.now() - w.since >= 300;
    },
    null,
    { polling: 50, timeout: 20_000 },
  );
  return page.evaluate(() => document.querySelector('[data-testid=prediction]').textContent);
}

/** Whether a canvas has more than one colour. */
const nonBlank = (page, selector) =>
  page.evaluate((sel) => {
    const c = document.querySelector(sel);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4) seen.add(d[i]);
    return seen.size > 2;
  }, selector);

test('pretrained, look inside, teach it, and the drawings after a reload', { timeout: 600_000 }, async () => {
  const app = await startApp();
  const { page } = app;
  const problems = watch(page, app.port);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });
  });
  try {
    await page.goto(app.url);
    const load = page.getByTestId('load-pretrained');
    await page.waitForFunction(() => !document.querySelector('[data-testid=load-pretrained]').disabled, null, { timeout: 60_000 });
    assert.ok(!requests.some((u) => u.includes('pretrained')), 'not in the initial download');

    // The pretrained model: fetched on click, its accuracy said, a drawn digit read.
    await load.click();
    await page.waitForFunction(() => /99\.\d\d % on the MNIST test set/.test(document.querySelector('[data-testid=pretrained-note]').textContent), null, { timeout: 60_000 });
    assert.ok(requests.some((u) => u.endsWith('/pretrained/mnist-pretrained.weights')));
    const digits = drawnDigits({ count: 1500, seed: 12 }); // bench/teach-set.mjs's set: MISREAD indexes it
    const easy = digits.find((d) => d.label === 3);
    await replay(page, easy.strokes);
    assert.equal(await settled(page), '3', 'the pretrained model reads a drawn 3');

    // Look inside: every canvas labelled, and drawn for the pad's drawing.
    await page.evaluate(() => {
      window.__longTasks = []; // from here on: the layer views and the corrections
    });
    await page.locator('[data-testid=layer-views] > summary').click();
    for (const sel of ['[data-testid=filters]', '[data-layer=conv1]', '[data-layer=conv2]', '[data-layer=conv3]', '[data-testid=layer-dense]', '[data-testid=layer-output]']) {
      await page
        .waitForFunction((s) => document.querySelector(s)?.width > 10, sel, { timeout: 20_000 })
        .catch(async (e) => {
          const sizes = await page.evaluate(() => [...document.querySelectorAll('.layer-views canvas')].map((c) => `${c.id} ${c.width}x${c.height}`));
          throw new Error(`${sel} not drawn: ${sizes.join(', ')}; ${problems.join('; ')}: ${e.message}`);
        });
      assert.ok(await nonBlank(page, sel), `${sel} is drawn`);
      assert.ok((await page.locator(sel).getAttribute('aria-label')).length > 20, `${sel} has a text label`);
    }
    // The labels and captions come from the core's layout (src/network.rs), shapes included.
    await page.waitForFunction(() => document.querySelector('[data-layer=conv2]').getAttribute('aria-label').startsWith('Conv2D 64, 3x3, ReLU: 64 maps of 11 by 11'), null, { timeout: 10_000 });
    assert.equal(await page.locator('[data-layer=conv2] + figcaption').textContent(), 'conv2d_1 after ReLU: 64 maps, 11×11');
    assert.equal(await page.locator('[data-testid=filters] + figcaption').textContent(), 'conv2d: its 32 filters (3×3)');
    assert.equal(await page.locator('figure:has([data-testid=layer-output]) figcaption').textContent(), 'dense_1: the 10 outputs');
    // Maps shown by their size: a 26×26 map larger than an 11×11 one, larger than a 3×3 one.
    const shown = await page.evaluate(() =>
      ['conv1', 'conv2', 'conv3'].map((l) => {
        const c = document.querySelector(`[data-layer=${l}]`);
        const [side, pitch] = [Number(c.getAttribute('aria-label').match(/maps of (\d+) by/)[1]), c.getBoundingClientRect().width / c.width];
        return { l, side, map: side * pitch, fits: c.getBoundingClientRect().right <= c.closest('figure').getBoundingClientRect().right + 0.5 };
      }),
    );
    console.log(`# Look inside, CSS px a map: ${shown.map((m) => `${m.l} ${m.side}×${m.side}: ${m.map.toFixed(1)}`).join(', ')}`);
    assert.deepEqual(shown.map((m) => m.side), [26, 11, 3]);
    assert.ok(shown[0].map > shown[1].map && shown[1].map > shown[2].map, JSON.stringify(shown));
    assert.ok(shown.every((m) => m.fits), 'each grid fits its panel');
    // The outputs: one label per cell, the core's class names, over the cells; the winner outlined and said.
    const out = await page.evaluate(() => {
      const strip = document.querySelector('[data-testid=layer-output]').getBoundingClientRect();
      const items = [...document.querySelectorAll('[data-testid=layer-output-labels] > li')];
      const winner = items.find((li) => li.hasAttribute('data-winner'));
      return {
        labels: items.map((li) => li.textContent),
        over: items.every((li) => {
          const r = li.getBoundingClientRect();
          return r.width > 0 && r.left >= strip.left - 1 && r.right <= strip.right + 1 && r.top >= strip.top - 1 && r.bottom <= strip.bottom + 1;
        }),
        winner: winner?.textContent,
        outline: winner ? getComputedStyle(winner).outlineStyle : null,
        text: document.querySelector('[data-testid=layer-output-winner]').textContent,
      };
    });
    const names = await page.$$eval('#teach-digits button', (bs) => bs.map((b) => b.textContent)); // the core's class names
    assert.deepEqual(out.labels, names);
    assert.ok(out.over, 'each label sits over its cell');
    assert.equal(out.winner, '3', 'the winner: what the model reads');
    assert.equal(out.outline, 'solid');
    assert.match(out.text, /^Highest output: 3 \(\d+ %\)$/);

    // Teach it: a drawn digit the model misreads, then read right.
    let taught = null;
    for (const index of MISREAD) {
      const d = digits[index];
      if (!d) continue;
      await replay(page, d.strokes);
      const read = await settled(page);
      if (read !== String(d.label)) {
        taught = d;
        break;
      }
    }
    assert.ok(taught, 'one of the candidates is misread on the page too');
    const button = page.getByRole('button', { name: `It's a ${taught.label}` });
    assert.equal(await button.getAttribute('data-digit'), String(taught.label));
    let read = null;
    for (let attempt = 0; attempt < 3 && read !== String(taught.label); attempt++) {
      const t0 = Date.now();
      await button.click();
      await page.waitForFunction(() => document.querySelector('[data-testid=teach-status]').dataset.state !== 'learning', null, { timeout: 30_000 });
      // A figure, not a check (timing stays out of tests on this shared machine).
      console.log(`# taught test digit #${taught.index} as ${taught.label}: ${Date.now() - t0} ms click to status; ${await page.getByTestId('teach-status').textContent()}`);
      assert.equal(await page.getByTestId('teach-status').getAttribute('data-state'), 'learned');
      read = await settled(page);
    }
    assert.equal(read, String(taught.label), 'the taught drawing is read as its label');
    // A figure, not a check: this machine is shared (see www/README.md on long tasks).
    console.log(`# main-thread tasks over 50 ms while looking inside and teaching: ${JSON.stringify(await page.evaluate(() => window.__longTasks.map(Math.round)))}`);
    const labels = await page.$$eval('[data-testid=my-drawings] > [data-label]', (els) => els.map((e) => e.dataset.label));
    assert.ok(labels.length >= 1 && labels.every((l) => l === String(taught.label)));

    // Learn them for good: a run of one epoch (2,000 images here) with the drawings in every
    // batch, at the core's gentle rate; the taught drawing is still read as its label after it.
    await page.locator('#my-drawings-panel > summary').click();
    await page.getByTestId('train-size').fill('2000');
    const learn = page.getByTestId('learn-drawings');
    await page.waitForFunction(() => !document.querySelector('[data-testid=learn-drawings]').disabled, null, { timeout: 60_000 });
    await learn.click();
    await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.state === 'done', null, { timeout: 120_000 });
    const applied = await page.evaluate(() => ({ ...document.querySelector('#settings').dataset }));
    assert.equal(Math.fround(Number(applied.appliedLearningRate)), Math.fround(0.002), 'the run used LEARN_DRAWINGS_RATE');
    assert.equal(await page.getByTestId('epoch-progress').getAttribute('aria-valuenow'), await page.getByTestId('epoch-progress').getAttribute('aria-valuemax'), 'one whole epoch');
    await replay(page, taught.strokes);
    assert.equal(await settled(page), String(taught.label), 'still read as its label after learning them for good');
    await page.locator('#my-drawings-panel > summary').click();

    // Export as gzipped IDX, import them back (doubling the gallery), relabel one, delete one.
    const items = '[data-testid=my-drawings] > [data-label]';
    const count = (n) => page.waitForFunction(([sel, k]) => document.querySelectorAll(sel).length === k, [items, n], { timeout: 30_000 });
    await page.locator('#my-drawings-panel > summary').click();
    const downloads = [];
    page.on('download', (d) => downloads.push(d));
    await page.getByTestId('export-drawings').click();
    for (let i = 0; i < 50 && downloads.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(downloads.map((d) => d.suggestedFilename()).sort(), ['my-drawings-images-idx3-ubyte.gz', 'my-drawings-labels-idx1-ubyte.gz']);
    const paths = await Promise.all(downloads.map(async (d) => {
      const path = `/tmp/${d.suggestedFilename()}-${process.pid}`;
      await d.saveAs(path);
      return path;
    }));
    // Each result beside the drawings' Export / Import, in view and announced (role=status).
    const result = () =>
      page.getByTestId('drawings-file-result').evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { text: el.textContent, kind: el.dataset.kind, role: el.getAttribute('role'), inView: r.top >= 0 && r.bottom <= innerHeight && r.height > 0 };
      });
    await page.waitForFunction(() => /^Saved your \d+ drawings? to your downloads/.test(document.querySelector('[data-testid=drawings-file-result]').textContent));
    assert.deepEqual({ ...(await result()), text: '' }, { text: '', kind: 'ok', role: 'status', inView: true });
    await page.getByTestId('import-drawings').setInputFiles(paths);
    await count(2 * labels.length);
    await page.waitForFunction(() => /^Added \d+ drawings? from /.test(document.querySelector('[data-testid=drawings-file-result]').textContent));
    await page.getByTestId('import-drawings').setInputFiles([{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') }]);
    await page.waitForFunction(() => document.querySelector('[data-testid=drawings-file-result]').dataset.kind === 'error');
    assert.match((await result()).text, /^notes\.txt could not be imported\. notes\.txt is not an IDX /);
    assert.equal(await page.getByTestId('error').isHidden(), true, 'beside Import, not in the banner');
    await count(2 * labels.length);
    const other = String((taught.label + 1) % 10);
    await page.locator(`${items}:last-child select`).selectOption(other);
    await page.waitForFunction(([sel, l]) => [...document.querySelectorAll(sel)].at(-1).dataset.label === l, [items, other], { timeout: 30_000 });
    await page.locator(`${items}:first-child button[data-delete]`).click();
    await count(2 * labels.length - 1);
    const before = await page.$$eval(items, (els) => els.map((e) => e.dataset.label));

    // Kept across a reload.
    await page.reload();
    await count(before.length);
    assert.deepEqual(await page.$$eval(items, (els) => els.map((e) => e.dataset.label)), before);
    assert.deepEqual(problems, []);
  } finally {
    await app.close();
  }
});
