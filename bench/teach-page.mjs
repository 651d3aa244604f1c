#!/usr/bin/env node
// Owns `npm run bench:teach`: "teach it" measured in the real page, as a person clicks. The
// pretrained model is imported through the page; drawn digits it misreads (bench/teach-set.mjs's
// set, found in Node with the same wasm package) are drawn on the pad with the mouse and
// corrected with "It's a …", one by one; then "Learn them for good" runs its epoch on the page's
// workers. Afterwards every taught drawing and 5 new drawings of each by the same hand
// (bench/teach-set.mjs `variant`) are drawn again and read, and the page's own full test
// evaluation gives MNIST's accuracy. Progress goes to stderr; ONE JSON object goes to stdout.
//
//   node bench/teach-page.mjs [--group G] [--count N] [--set-size S] [--weights FILE]
// Group G (default 0) is the misread drawings G·N .. G·N+N-1 (N default 20) of the first S
// (default 6000) drawings of seed 12: the groups of
// `cargo run --release --example teach -- FILE /tmp/teach-big N 4` after
// `node bench/teach-set.mjs /tmp/teach-big S`.
import { resolve } from 'node:path';
import { log, openApp, readOptions, runBench, startBenchApp } from './bench-app.mjs';
import { drawnDigits, mulberry32 } from './drawn-digits.mjs';
import { nodeModel, readDigitsInNode } from './drawn-node.mjs';
import { importWeights, readDigit } from './page-pad.mjs';
import { VARIANTS, variant } from './teach-set.mjs';

const LONG = { timeout: 900_000 };

function parseOptions(argv) {
  const known = { group: '0', count: '20', 'set-size': '6000', weights: 'public/pretrained/mnist-pretrained.weights' };
  const opts = readOptions(argv, known);
  return { group: Number(opts.group), count: Number(opts.count), setSize: Number(opts['set-size']), weights: resolve(opts.weights) };
}

/** The exact accuracy of the page's last full test evaluation (its confusion matrix). */
const matrixAccuracy = (page) => page.evaluate(() => Number(document.querySelector('[data-testid=confusion-matrix]').dataset.accuracy));

/** Draws `strokes` and reads them: the digit shown, or null. */
async function read(page, strokes) {
  const shown = await readDigit(page, page.getByTestId('draw-pad'), strokes, log);
  return shown && /^\d$/.test(shown.text) ? Number(shown.text) : null;
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  // bench/teach-set.mjs's set: the drawings, then VARIANTS new drawings of each, from one source.
  const digits = drawnDigits({ count: opts.setSize, seed: 12 });
  const rand = mulberry32(13);
  const variants = digits.map((d) => Array.from({ length: VARIANTS }, () => variant(d.strokes, rand)));
  const { trainer } = await nodeModel({ weights: opts.weights, log });
  const misread = readDigitsInNode(trainer, digits)
    .map((r, i) => ({ ...r, i }))
    .filter((r) => r.predicted !== r.label);
  const group = misread.slice(opts.group * opts.count, (opts.group + 1) * opts.count).map((r) => r.i);
  log(`${misread.length} of ${digits.length} drawings misread in Node; group ${opts.group}: ${group.length} of them`);

  const { port, browser, close } = await startBenchApp();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await openApp(page, port);
    await importWeights(page, opts.weights);
    const before = await matrixAccuracy(page);
    log(`imported ${opts.weights}: ${(100 * before).toFixed(2)} % on the test set`);

    // Every "learned" or "error" the teach status shows, with the page's clock.
    await page.evaluate(() => {
      const status = document.querySelector('[data-testid=teach-status]');
      window.__taught = [];
      new MutationObserver(() => {
        const state = status.dataset.state;
        if (state === 'learned' || state === 'error') window.__taught.push({ at: performance.now(), state, text: status.textContent });
      }).observe(status, { attributes: true, attributeFilter: ['data-state'] });
    });
    const corrections = [];
    for (const [k, i] of group.entries()) {
      const d = digits[i];
      const shown = await read(page, d.strokes);
      const clicked = await page.evaluate((label) => {
        document.querySelector(`[data-testid=teach] button[data-digit="${label}"]`).click();
        return performance.now();
      }, d.label);
      await page.waitForFunction((n) => window.__taught.length >= n, k + 1, { timeout: 60_000 });
      const done = await page.evaluate((n) => window.__taught[n - 1], k + 1);
      corrections.push({ index: d.index, label: d.label, read_before: shown, ms: Math.round(done.at - clicked), status: done.text });
      log(`taught t10k #${d.index} as ${d.label} (read ${shown}): ${Math.round(done.at - clicked)} ms, ${done.text}`);
    }

    // Learn them for good: its epoch on the workers, then the page's full test evaluation.
    await page.evaluate(() => {
      document.getElementById('my-drawings-panel').open = true;
    });
    await page.waitForFunction(() => !document.querySelector('[data-testid=learn-drawings]').disabled, null, { timeout: 60_000 });
    const detailBefore = await page.locator('#eval-detail').textContent();
    const t0 = Date.now();
    await page.getByTestId('learn-drawings').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.state === 'done', null, LONG);
    await page.waitForFunction((was) => document.querySelector('#eval-detail').textContent !== was, detailBefore, LONG);
    const learnSeconds = Math.round((Date.now() - t0) / 100) / 10;
    const after = await matrixAccuracy(page);
    log(`Learn them for good: ${learnSeconds} s; ${(100 * after).toFixed(2)} % on the test set`);

    let taughtRight = 0;
    let variantsRight = 0;
    for (const [k, i] of group.entries()) {
      taughtRight += Number((await read(page, digits[i].strokes)) === digits[i].label);
      for (const strokes of variants[i]) variantsRight += Number((await read(page, strokes)) === digits[i].label);
      if ((k + 1) % 5 === 0) log(`read again: ${k + 1} taught drawings (${taughtRight} right) and their new drawings (${variantsRight} right)`);
    }
    const n = group.length;
    const ms = corrections.map((c) => c.ms);
    const result = {
      bench: 'teach-page',
      date: new Date().toISOString().slice(0, 10),
      group: opts.group,
      weights: opts.weights,
      drawings: n,
      corrections,
      fine_tune_ms: { mean: Math.round(ms.reduce((a, b) => a + b, 0) / Math.max(1, n)), worst: Math.max(...ms) },
      learn_them_for_good_s: learnSeconds,
      workers: await page.evaluate(() => document.querySelector('[data-testid=workers-training]')?.textContent ?? ''),
      taught_read_right: `${taughtRight}/${n}`,
      new_drawings_read_right: `${variantsRight}/${n * VARIANTS}`,
      new_drawings_share: Math.round((1e4 * variantsRight) / (n * VARIANTS)) / 1e4,
      mnist_test_before: before,
      mnist_test_after: after,
      mnist_change_pp: Math.round(1e4 * (after - before)) / 100,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await close();
  }
}

runBench(main);
