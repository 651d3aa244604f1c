#!/usr/bin/env node
// Owns `npm run bench:time`: how long a user waits for 99 % on MNIST. Starts the app (Vite's dev
// server, as the end-to-end tests do) in headless Chromium, waits until MNIST is in, sets Epochs,
// presses Train and times, from the click, every full test evaluation the page shows (one per
// epoch), with the page's defaults otherwise. Progress goes to stderr; ONE JSON object to stdout.
//
// Options:
//   --epochs N     the planned run (default 1: the learning-rate schedule spans it)
//   --runs N       fresh pages, one after the other (default 1); each starts from a new model
//   --target F     the accuracy to time (default 0.99)
//   --workers N    the Workers setting (0 = auto, one per core; default: the page's, auto)
//   --port P       the dev server's port (default: a free one)
import { elapsedSeconds, log, openApp, runBench, startBenchApp } from './bench-app.mjs';
import { timeToAccuracy, trainInPage } from './page-train.mjs';


const KNOWN = { epochs: 1, runs: 1, target: 0.99, port: null, workers: null };

function parseOptions(argv) {
  const opts = { ...KNOWN };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m || !(m[1] in KNOWN)) {
      process.stderr.write(`unknown option ${argv[i]}; known: ${Object.keys(KNOWN).map((k) => '--' + k).join(' ')}\n`);
      process.exit(2);
    }
    const v = Number(m[2] ?? argv[++i]);
    if (!Number.isFinite(v) || v < 0 || (v === 0 && m[1] !== 'workers')) {
      process.stderr.write(`--${m[1]} needs a positive number\n`);
      process.exit(2);
    }
    opts[m[1]] = v;
  }
  return opts;
}

async function oneRun(browser, port, opts) {
  const page = await browser.context.newPage();
  try {
    await openApp(page, port);
    // A new model each run: a model kept in IndexedDB from an earlier run would start ahead.
    if (await page.getByTestId('reset').isEnabled()) {
      await page.getByTestId('reset').click();
      await page.getByTestId('reset-confirm').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.state === 'ready', null, { timeout: 60_000 });
    }
    log(`training ${opts.epochs} epoch(s)`);
    const run = await trainInPage(page, { epochs: opts.epochs, workers: opts.workers, log });
    for (const e of run.evaluations) log(`  ${e.seconds} s: ${(100 * e.accuracy).toFixed(2)} % (${e.detail})`);
    return { time_to_target_s: timeToAccuracy(run.evaluations, opts.target), ...run };
  } finally {
    await page.close();
  }
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const { port, browser, close } = await startBenchApp(opts.port);
  try {
    const runs = [];
    for (let r = 0; r < opts.runs; r++) runs.push(await oneRun(browser, port, opts));
    const times = runs.map((r) => r.time_to_target_s);
    const out = {
      date_utc: new Date().toISOString(),
      command: `npm run bench:time -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, ''),
      what: `seconds from the Train click to the first full test evaluation at >= ${opts.target}, page defaults, Epochs ${opts.epochs}, Workers ${opts.workers ?? 'as kept (auto)'}`,
      target: opts.target,
      epochs: opts.epochs,
      workers: opts.workers,
      time_to_target_s: times,
      reached: times.filter((t) => t !== null).length,
      runs,
      seconds: elapsedSeconds(),
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } finally {
    await close();
  }
}

runBench(main);
