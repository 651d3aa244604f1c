#!/usr/bin/env node
// Owns `npm run bench:page-speed`: how fast the real page trains on 1 worker and on 2 (the page's
// Workers setting), and how long one epoch takes there, evaluations included. Serves the
// production build (`vite build` under `vite preview`, what users get; `--server dev`: Vite's dev
// server), opens a fresh page per worker count in headless Chromium, resets any kept model, and
// trains one epoch with the page's defaults (validation split 0.1: 54,000 trained, 6,000
// validated, then the 10,000 test images scored). Everything is timed with the page's own clock
// from the worker's own messages (PROGRESS, EVALUATION, EPOCH_END), seen on the main thread as
// they arrive. Progress goes to stderr; ONE JSON object to stdout.
//
// Options:
//   --workers LIST  worker counts, in turn (default 1,2)
//   --server S      preview (default) or dev
//   --port P        the dev server's port (default: a free one; preview always takes a free one)
import { launchBrowser, previewBuild, startDevServer, freePort } from '../tests/e2e/helpers.mjs';
import { elapsedSeconds, log, openApp, readOptions, runBench } from './bench-app.mjs';
import { trainInPage } from './page-train.mjs';
import { pageSpeed } from './page-speed-stats.mjs';
import { cpuBetween, cpuByThread, machineBusySeconds } from './proc-cpu.mjs';

/** Records, in the page, every PROGRESS / EVALUATION / EPOCH_END the training worker posts. */
function recordWorkerMessages() {
  const seen = (window.__workerMessages = []);
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', ({ data: m }) => {
        if (m?.type === 'progress') seen.push({ type: m.type, at: performance.now(), images: m.images, ms: m.ms, steps: m.losses.length, stepInEpoch: m.stepInEpoch, stepsPerEpoch: m.stepsPerEpoch, workers: m.workers });
        else if (m?.type === 'evaluation') seen.push({ type: m.type, at: performance.now(), kind: m.kind, count: m.count ?? m.predictions?.length, accuracy: m.accuracy });
        else if (m?.type === 'epoch-end') seen.push({ type: m.type, at: performance.now(), seconds: m.seconds, valCount: m.valCount, valAccuracy: m.valAccuracy });
      });
    }
  };
}

async function oneCount(context, port, workers) {
  const page = await context.newPage();
  try {
    await page.addInitScript(recordWorkerMessages);
    await openApp(page, port);
    if (await page.getByTestId('reset').isEnabled()) {
      await page.getByTestId('reset').click();
      await page.getByTestId('reset-confirm').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.state === 'ready', null, { timeout: 60_000 });
    }
    log(`${workers} worker(s): training one epoch`);
    // The main thread's own work (script, style, layout, paint) competes with the workers for the cores.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((x) => x.name === 'TaskDuration').value;
    const task0 = await taskSeconds();
    const threads0 = cpuByThread();
    const machine0 = machineBusySeconds();
    const run = await trainInPage(page, { epochs: 1, workers, log });
    const threads = cpuBetween(threads0, cpuByThread());
    const ours = Object.values(threads ?? {}).reduce((a, b) => a + b, 0);
    // Busy CPU time of the whole machine beyond our Chromium's: other sessions' load, this script.
    const others = machine0 === null ? null : Math.round(100 * (machineBusySeconds() - machine0 - ours)) / 100;
    const mainThreadS = Math.round(100 * ((await taskSeconds()) - task0)) / 100;
    const { messages, clickedAt } = await page.evaluate(() => ({ messages: window.__workerMessages, clickedAt: window.__trainClickedAt }));
    const speed = pageSpeed(messages, clickedAt);
    const full = run.evaluations.at(-1);
    log(`  ${speed.busy_images_per_sec} img/s busy, ${speed.steady_images_per_sec} img/s wall (steady part), epoch ${full?.seconds} s, test ${full?.shown}`);
    return { workers_shown: run.workers, ...speed, main_thread_busy_s: mainThreadS, epoch_to_test_shown_s: full?.seconds ?? null, test_accuracy: full?.accuracy ?? null, test_shown: full?.shown ?? null, chromium_cpu_s_by_thread: threads, other_processes_cpu_s: others };
  } finally {
    await page.close();
  }
}

async function startServer(kind, port) {
  if (kind === 'dev') {
    const p = port ?? (await freePort());
    const server = await startDevServer(p);
    return { port: p, close: () => server.close().catch(() => {}) };
  }
  if (kind !== 'preview') throw new Error(`--server must be preview or dev, not ${kind}`);
  log('vite build (production) ...');
  return previewBuild();
}

async function main() {
  const opts = readOptions(process.argv.slice(2), { workers: '1,2', server: 'preview', port: null });
  const counts = String(opts.workers).split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--workers takes counts of 1 or more, e.g. 1,2');
  const server = await startServer(opts.server, opts.port === null ? null : Number(opts.port));
  const browser = await launchBrowser();
  try {
    const runs = {};
    for (const n of counts) runs[n] = await oneCount(browser.context, server.port, n);
    const rate = (n, key) => runs[n]?.[key];
    const ratio = (key) => (runs[1] && runs[2] ? Math.round((100 * rate(2, key)) / rate(1, key)) / 100 : null);
    const out = {
      date_utc: new Date().toISOString(),
      command: `npm run bench:page-speed -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, ''),
      server: opts.server === 'dev' ? 'Vite dev server' : 'production build (vite build + vite preview)',
      what: 'one epoch with the page defaults per Workers count: images/s from the page\'s PROGRESS messages (busy: images / slice time, as the page shows; steady: wall clock over 10-95 % of the epoch), seconds from the Train click',
      cores: (await import('node:os')).cpus().length,
      ratio_2_over_1_busy: ratio('busy_images_per_sec'),
      ratio_2_over_1_steady: ratio('steady_images_per_sec'),
      runs,
      seconds: elapsedSeconds(),
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } finally {
    await browser.close();
    await server.close();
  }
}

runBench(main);
