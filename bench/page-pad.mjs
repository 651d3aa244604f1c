// Owns drawing on the real page for the benches (bench/drawn.mjs, bench/teach-page.mjs): a
// weights file in and out through the page's buttons, strokes replayed as mouse events over the
// pad, and the page's prediction once it has settled.
import { basename } from 'node:path';

const LONG = { timeout: 900_000 }; // one epoch on a loaded 2-core machine

/** Imports a .weights file through the page's input; returns the test accuracy scored after it. */
export async function importWeights(page, file) {
  await page.waitForFunction(() => !document.querySelector('[data-testid=import-weights]').disabled, null, { timeout: 60_000 });
  await page.getByTestId('import-weights').setInputFiles(file);
  const name = basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page.waitForFunction((n) => new RegExp(`Imported from ${n}`).test(document.querySelector('#model-note').textContent), name, {
    timeout: 60_000,
  });
  await page.waitForFunction(() => document.querySelector('[data-testid=test-accuracy]').textContent !== '', null, LONG);
  return page.getByTestId('test-accuracy').textContent();
}

export async function exportWeights(page, file) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-weights').click()]);
  await download.saveAs(file);
}

/** Clears the pad with its Clear button and waits until no prediction is shown. */
export async function clearPad(page) {
  await page.evaluate(() => document.getElementById('clear-pad').click());
  await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent === '', null, { timeout: 10_000 });
}

/** Replays strokes (0..1 of the pad) with the mouse: one move per point, like a mouse's events. */
export async function replay(page, box, strokes) {
  const at = (p) => [box.x + p.x * box.width, box.y + p.y * box.height];
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (const p of stroke.slice(1)) await page.mouse.move(...at(p));
    await page.mouse.up();
  }
}

/**
 * The prediction for the finished drawing. The pad renders after its frame and the worker answers
 * one request at a time, so: wait two frames (the last points reported), then until the shown
 * probabilities have not changed for `quietMs`.
 */
export async function settledPrediction(page, quietMs = 300) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.evaluate(() => {
    window.__drawnBench = { key: null, since: performance.now() };
  });
  await page.waitForFunction(
    (quiet) => {
      const key = [...document.querySelectorAll('[data-testid=probabilities] > *')].map((li) => li.dataset.prob).join(',');
      const w = window.__drawnBench;
      const now = performance.now();
      if (key !== w.key) {
        w.key = key;
        w.since = now;
        return false;
      }
      return document.querySelector('[data-testid=prediction]').textContent !== '' && now - w.since >= quiet;
    },
    quietMs,
    { polling: 50, timeout: 20_000 },
  );
  return page.evaluate(() => document.querySelector('[data-testid=prediction]').textContent);
}

/**
 * Clears the pad, draws the strokes and reads the prediction: `{ text, box }`, or null when no
 * answer came, twice. The pad's box is measured each time, as the page's layout may move it.
 */
export async function readDigit(page, pad, strokes, log = () => {}) {
  for (let attempt = 0; attempt < 2; attempt++) {
    await clearPad(page);
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    await replay(page, box, strokes);
    try {
      return { text: await settledPrediction(page), box };
    } catch (e) {
      if (!/Timeout/.test(String(e))) throw e;
      log(`no settled prediction within 20 s (attempt ${attempt + 1})`);
    }
  }
  return null;
}
