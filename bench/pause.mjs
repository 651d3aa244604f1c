#!/usr/bin/env node
// Owns `npm run bench:pause`: how long the page takes to say "paused" after a click on Pause while
// training, the wait a user sees (the worker answers between slices of ~40 ms; www/README.md).
// Starts the app (Vite's dev server and headless Chromium, as the e2e tests), waits until MNIST is
// in, then for each worker count trains with the page's defaults otherwise and pauses N times,
// each after a random 0.3-1 s of training, timing from the click to the status saying so with
// the page's clock. Progress on stderr; ONE JSON object on stdout.
//
// Options: --workers 1,2 (the counts, default 1,2), --pauses N (per count, default 10),
//          --batch-size B (default: the page's), --port P.
import { loadavg } from 'node:os';
import { log, openApp, readOptions, runBench, startBenchApp } from './bench-app.mjs';
import { mulberry32 } from './prng.mjs';
import { waitForState } from '../tests/e2e/helpers.mjs';

function parseOptions(argv) {
  const known = { workers: '1,2', pauses: '10', 'batch-size': '', port: '' };
  const opts = readOptions(argv, known);
  return {
    workers: opts.workers.split(',').map(Number),
    pauses: Number(opts.pauses),
    batchSize: opts['batch-size'] || null,
    port: opts.port ? Number(opts.port) : null,
  };
}

/** Clicks Pause from inside the page; resolves with the ms until the status says paused. */
const pauseAndTime = (page) =>
  page.evaluate(
    () =>
      new Promise((done) => {
        const el = document.querySelector('[data-testid=status]');
        const t0 = performance.now();
        new MutationObserver((_, obs) => {
          if (el.dataset.state === 'paused') {
            obs.disconnect();
            done(performance.now() - t0);
          }
        }).observe(el, { attributes: true });
        document.querySelector('[data-testid=pause]').click();
      }),
  );

/** Sets a form field and waits until the worker applied it. */
async function setting(page, id, value) {
  if (id === 'workers') await page.selectOption('[data-testid=workers]', value);
  else await page.fill(`[data-testid=${id}]`, value);
  await page.waitForFunction(([i, v]) => document.querySelector('#settings').getAttribute(`data-applied-${i}`) === v, [id, value], { timeout: 30_000 });
}

async function pausesOn(page, workers, opts, rand) {
  await setting(page, 'workers', String(workers));
  const words = workers === 1 ? '1 worker' : `${workers} workers`;
  await page.waitForFunction((w) => document.querySelector('[data-testid=workers-training]').textContent.startsWith(w), words, { timeout: 60_000 });
  const ms = [];
  await page.getByTestId('train').click(); // Train, or Resume after the previous count
  for (let k = 0; k < opts.pauses; k++) {
    await waitForState(page, 'training');
    await page.waitForTimeout(300 + 700 * rand());
    ms.push(await pauseAndTime(page));
    log(`  ${workers} worker(s), pause ${k + 1}: ${ms.at(-1).toFixed(0)} ms`);
    if (k + 1 < opts.pauses) await page.getByTestId('train').click(); // Resume
  }
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
  return { workers, ms: ms.map(Math.round), median_ms: at(0.5), p90_ms: at(0.9), max_ms: Math.round(sorted.at(-1)) };
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const { port, browser, close } = await startBenchApp(opts.port);
  try {
    const page = await browser.context.newPage();
    await openApp(page, port);
    // A run long enough not to end between pauses: all of MNIST, many epochs.
    await setting(page, 'train-size', '60000');
    await setting(page, 'epochs', '20');
    if (opts.batchSize) await setting(page, 'batch-size', opts.batchSize);
    const rand = mulberry32(7);
    const counts = [];
    for (const workers of opts.workers) counts.push(await pausesOn(page, workers, opts, rand));
    const applied = await page.evaluate(() => ({ ...document.querySelector('#settings').dataset }));
    process.stdout.write(
      JSON.stringify(
        {
          date_utc: new Date().toISOString(),
          command: `npm run bench:pause -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, ''),
          what: 'ms from a click on Pause while training to the status saying paused, page clock',
          batch_size: Number(applied.appliedBatchSize),
          load_average_1min: Number(loadavg()[0].toFixed(2)), // the machine is shared: figures under load run slower
          counts,
        },
        null,
        2,
      ) + '\n',
    );
  } finally {
    await close();
  }
}

runBench(main);
