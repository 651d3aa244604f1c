// Owns `npm run bench:hands -- --page` (bench/hands.mjs): the dev set's digits drawn as real mouse
// events on the real pad in headless Chromium (Vite's dev server, as bench/drawn.mjs), read from
// the page's prediction, and the same digits read in Node with the same weights, digit by digit.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { log, openApp, startBenchApp } from './bench-app.mjs';
import { nodeModel, readDigitsInNode } from './drawn-node.mjs';
import { exportWeights, importWeights, readDigit } from './page-pad.mjs';
import { trainInPage } from './page-train.mjs';

/** `--viewport WxH` (the browser window's CSS size), or null for the e2e tests' 1360x1000. */
export function parseViewport(text) {
  if (!text) return null;
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (!m) throw new Error(`--viewport wants WIDTHxHEIGHT in CSS px (e.g. 1280x720), not ${text}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

/**
 * Reads every digit of `set` on the page: `{ model, weights, pad_css_px, viewport, rows }` where rows
 * are the digits' fields but strokes, and `predicted` (null: no answer, twice). The model is
 * `weights` imported through the page, or one epoch of the page's defaults trained there (then
 * exported, to `saveWeights` or a temporary file, for the Node comparison).
 */
export async function readInPage(set, { weights, saveWeights, port, viewport }) {
  const { port: p, browser, close } = await startBenchApp(port, viewport ? { viewport } : {});
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await openApp(page, p);
    log('app ready, MNIST loaded');
    let model;
    let file = weights;
    if (weights) {
      log(`importing ${weights} through the page`);
      model = { how: `imported ${basename(weights)} through the page`, test_accuracy: await importWeights(page, weights) };
    } else {
      log('training one epoch with the page defaults, in the page');
      const run = await trainInPage(page, { epochs: 1, log });
      model = { how: 'trained in the page: 1 epoch, page defaults', test_accuracy: run.evaluations.at(-1).accuracy, train_seconds: run.seconds };
      file = saveWeights || join(mkdtempSync(join(tmpdir(), 'hands-')), 'page.weights');
      await exportWeights(page, file);
      log(`model exported to ${file}`);
    }
    const pad = page.getByTestId('draw-pad');
    const rows = [];
    let box = null;
    for (const [i, { strokes, ...digit }] of set.entries()) {
      const shown = await readDigit(page, pad, strokes, log);
      box = shown?.box ?? box;
      const text = shown?.text ?? null;
      rows.push({ ...digit, predicted: text !== null && /^\d$/.test(text) ? Number(text) : null });
      if ((i + 1) % 50 === 0 || i + 1 === set.length) log(`${i + 1}/${set.length} drawn, ${rows.filter((r) => r.predicted === r.label).length} read right`);
    }
    const actual = await page.evaluate(() => ({ width: innerWidth, height: innerHeight, dpr: devicePixelRatio }));
    return { model, weights: file, pad_css_px: box ? Math.round(box.width * 10) / 10 : null, viewport: actual, rows };
  } finally {
    await close();
  }
}

/**
 * The same digits read in Node with the weights the page used: `{ node_test_accuracy, node_accuracy,
 * page_accuracy, read_differently: [{ id, label, writer, size, height, node, page }] }`.
 */
export async function compareWithNode(set, pageRows, weights) {
  const { trainer, model } = await nodeModel({ weights, log });
  const nodeRows = readDigitsInNode(trainer, set);
  const acc = (rows) => Math.round((1e4 * rows.filter((r) => r.predicted === r.label).length) / rows.length) / 1e4;
  const differ = nodeRows
    .map((n, i) => ({ n, p: pageRows[i] }))
    .filter(({ n, p }) => n.predicted !== p.predicted)
    .map(({ n, p }) => ({ id: n.id, label: n.label, writer: n.writer, size: n.size, height: Math.round(n.height * 1000) / 1000, node: n.predicted, page: p.predicted }));
  return { node_test_accuracy: model.test_accuracy, node_accuracy: acc(nodeRows), page_accuracy: acc(pageRows), read_differently: differ };
}
