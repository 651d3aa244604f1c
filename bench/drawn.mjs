#!/usr/bin/env node
// Owns `npm run bench:drawn`: how well the page reads digits drawn with a mouse. Builds the
// drawn-digit set (bench/drawn-digits.mjs: MNIST *test* digits, traced and redrawn by a seeded
// hand), starts the app (Vite's dev server, as the end-to-end tests do) in headless Chromium,
// gets a model (one epoch of Train with the page's defaults, or --weights FILE imported through
// the page), then replays every digit with real mouse events over the pad and reads the page's
// prediction. Progress goes to stderr; ONE JSON object goes to stdout.
//
// Options:
//   --count N          digits in the set (default 300, stratified by class, a third per size)
//   --seed S           the set's seed (default 1)
//   --weights FILE     import this .weights file instead of training
//   --save-weights F   after training, export the model with the page's Export button to F
//   --port P           the dev server's port (default: a free one)
//   --node             no browser: the same strokes through www/preprocess.js and pkg/ in Node
//                      (bench/drawn-node.mjs; seconds, for iterating; skips the pad's pointer
//                      handling), the model trained there (one epoch of the defaults) or --weights
//   --idx DIR          only write the set, preprocessed as the page does, as IDX files in DIR
//                      (for `cargo run --release --example augment -- --drawn DIR`)
import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { elapsedSeconds, log, openApp, runBench, startBenchApp } from './bench-app.mjs';
import { drawnDigits, SIZE_BUCKETS } from './drawn-digits.mjs';
import { nodeModel, readDigitsInNode, writeIdx } from './drawn-node.mjs';
import { clearPad, exportWeights, importWeights, readDigit } from './page-pad.mjs';
import { timeToAccuracy, trainInPage } from './page-train.mjs';


const KNOWN = ['count', 'seed', 'weights', 'save-weights', 'port', 'node', 'idx'];
const FLAGS = ['node']; // options without a value

/** `--name value` or `--name=value` options; unknown ones stop the run. */
function parseOptions(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m || !KNOWN.includes(m[1])) {
      process.stderr.write(`unknown option ${argv[i]}; known: ${KNOWN.map((k) => '--' + k).join(' ')}\n`);
      process.exit(2);
    }
    opts[m[1]] = FLAGS.includes(m[1]) ? true : (m[2] ?? argv[++i]);
  }
  return {
    count: Number(opts.count ?? 300),
    seed: Number(opts.seed ?? 1),
    weights: opts.weights ? resolve(opts.weights) : null,
    saveWeights: opts['save-weights'] ? resolve(opts['save-weights']) : null,
    port: opts.port ? Number(opts.port) : null,
    node: Boolean(opts.node),
    idx: opts.idx ? resolve(opts.idx) : null,
  };
}


const ratio = (a, b) => (b ? Math.round((1e4 * a) / b) / 1e4 : null);

/** The JSON's scores from `[{ label, size, predicted }]`. */
export function score(results) {
  const group = (keyOf, keys) =>
    Object.fromEntries(
      keys.map((k) => {
        const rows = results.filter((r) => keyOf(r) === k);
        return [k, { count: rows.length, accuracy: ratio(rows.filter((r) => r.predicted === r.label).length, rows.length) }];
      }),
    );
  const pairs = new Map();
  for (const r of results) {
    if (r.predicted === r.label) continue;
    const k = `${r.label}>${r.predicted}`;
    pairs.set(k, { label: r.label, predicted: r.predicted, count: (pairs.get(k)?.count ?? 0) + 1 });
  }
  return {
    count: results.length,
    accuracy: ratio(results.filter((r) => r.predicted === r.label).length, results.length),
    no_answer: results.filter((r) => r.predicted === null).length,
    by_size: group((r) => r.size, Object.keys(SIZE_BUCKETS)),
    by_class: group((r) => String(r.label), Array.from({ length: 10 }, (_, d) => String(d))),
    confusions: [...pairs.values()].sort((a, b) => b.count - a.count || a.label - b.label || a.predicted - b.predicted),
    // Which test images were misread (their index in t10k), to look at them.
    misread: results.filter((r) => r.predicted !== r.label).map(({ index, label, predicted, size }) => ({ index, label, predicted, size })),
  };
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const set = drawnDigits({ count: opts.count, seed: opts.seed });
  log(`drawn set: ${set.length} MNIST test digits, seed ${opts.seed}`);
  if (opts.idx) {
    writeIdx(set, opts.idx);
    return log(`written to ${opts.idx}`);
  }
  if (opts.node) return mainInNode(opts, set);

  const { port, browser, close } = await startBenchApp(opts.port);
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await openApp(page, port);
    log('app ready, MNIST loaded');

    let model;
    if (opts.weights) {
      log(`importing ${opts.weights}`);
      model = { how: `imported ${basename(opts.weights)}`, test_accuracy: await importWeights(page, opts.weights) };
    } else {
      log('training one epoch with the page defaults');
      const run = await trainInPage(page, { epochs: 1, log });
      const last = run.evaluations.at(-1);
      model = {
        how: 'trained in the page: 1 epoch, page defaults',
        test_accuracy: last.shown,
        train_seconds: run.seconds,
        time_to_99_s: timeToAccuracy(run.evaluations, 0.99),
      };
      if (opts.saveWeights) {
        await exportWeights(page, opts.saveWeights);
        log(`model saved to ${opts.saveWeights}`);
      }
    }
    log(`model: ${model.how}, test accuracy ${model.test_accuracy}`);

    const pad = page.getByTestId('draw-pad');
    const results = [];
    let box = null;
    for (const [i, digit] of set.entries()) {
      const shown = await readDigit(page, pad, digit.strokes, log);
      if (shown === null) log(`no answer for t10k #${digit.index} (label ${digit.label}), twice; counted as misread`);
      if (box && shown && (Math.abs(shown.box.x - box.x) > 1 || Math.abs(shown.box.y - box.y) > 1)) log(`the pad moved to (${shown.box.x}, ${shown.box.y})`);
      box = shown?.box ?? box;
      const text = shown?.text ?? null;
      const predicted = text !== null && /^\d$/.test(text) ? Number(text) : text;
      results.push({ label: digit.label, index: digit.index, size: digit.size, predicted });
      if ((i + 1) % 25 === 0 || i + 1 === set.length) {
        const right = results.filter((r) => r.predicted === r.label).length;
        log(`${i + 1}/${set.length} drawn, ${right} read right`);
      }
    }
    await clearPad(page);

    report(opts, { pad_css_px: box ? Math.round(box.width) : null }, model, results);
  } finally {
    await close();
  }
}

/** Prints the one JSON object. */
function report(opts, setInfo, model, results) {
  const out = {
    date_utc: new Date().toISOString(),
    command: `npm run bench:drawn -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, ''),
    set: { source: 'MNIST test images (t10k), skeleton traced and redrawn', seed: opts.seed, ...setInfo },
    model,
    ...score(results),
    seconds: elapsedSeconds(),
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

async function mainInNode(opts, set) {
  log(opts.weights ? `importing ${opts.weights}` : 'training one epoch with the defaults, in Node');
  const { trainer, model } = await nodeModel({ weights: opts.weights, settings: opts.weights ? undefined : { epochs: 1 }, log });
  log(`model: test accuracy ${model.test_accuracy}`);
  if (opts.saveWeights) {
    writeFileSync(opts.saveWeights, trainer.exportWeights());
    log(`model saved to ${opts.saveWeights}`);
  }
  report(opts, { read: 'in Node: www/preprocess.js and pkg/, no browser' }, model, readDigitsInNode(trainer, set));
}

runBench(main);
