// The Keras and TF.js files, in Node on the real core (pkg/; `bash scripts/build-wasm.sh`):
// the pretrained model written as `.keras` and read back by the page's import, the layout Keras 3
// writes, TF.js loading the TF.js zip and predicting what the core predicts, and every refusal
// (another network, Keras 2's .h5, a truncated zip, a zip bomb) worded for people with the model
// untouched. The `keras` suite (scripts/test.sh keras) checks the same files against real Keras.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { loadFacade } from './wasm-node.mjs';
import { KERAS2_MESSAGE, KerasFileError, MAX_BYTES, loadH5, readKeras, writeKeras } from '../../www/keras-file.js';
import { layerDifference, layerText } from '../../www/keras-layers.js';
import { tfjsArtifacts, writeTfjs, WEIGHTS_FILE } from '../../www/tfjs-file.js';
import { exportFile, importKeras, isKerasFile, modelOf } from '../../www/worker-files.js';
import { testPixels } from '../../scripts/keras-files.mjs';

const f = await loadFacade();
const pretrained = new f.Trainer();
pretrained.importWeights(await readFile(new URL('../../public/pretrained/mnist-pretrained.weights', import.meta.url)));
const kerasBytes = await exportFile(pretrained, 'keras');

/** `bytes` (a .keras zip) with its config.json changed by `change(config)`. */
function withConfig(bytes, change) {
  const parts = unzipSync(bytes);
  const config = JSON.parse(strFromU8(parts['config.json']));
  change(config);
  return zipSync({ ...parts, 'config.json': strToU8(JSON.stringify(config)) });
}

const layerNamed = (config, name) => config.config.layers.find((l) => l.config.name === name);

/** Imports `bytes` into a fresh trainer; returns the refusal's message, checking the model stayed as it was. */
async function refusal(bytes) {
  const t = new f.Trainer();
  const before = t.params();
  const err = await importKeras(t, bytes).then(() => null, (e) => e);
  assert.ok(err instanceof KerasFileError, `refused with a KerasFileError, got ${err}`);
  assert.deepEqual(t.params(), before, 'the model is untouched');
  return err.message;
}

test('the pretrained model goes out as .keras and comes back exactly, Adam afresh', async () => {
  assert.ok(isKerasFile(kerasBytes));
  const t = new f.Trainer();
  const { optimizerInFile } = await importKeras(t, kerasBytes);
  assert.equal(optimizerInFile, false);
  assert.deepEqual(t.params(), pretrained.params());
  assert.equal(t.progress().totalSteps, 0, 'the counters start at zero: the file has none');
  const pixels = await testPixels(50);
  assert.deepEqual(t.predictBatch(pixels), pretrained.predictBatch(pixels));
});

test('with the dropout setting on, the file has its Dropout layer, and comes back into a model without one', async () => {
  const t = new f.Trainer({ dropout: 0.5 });
  t.importWeights(await readFile(new URL('../../public/pretrained/mnist-pretrained.weights', import.meta.url)));
  const bytes = await exportFile(t, 'keras');
  const layers = JSON.parse(strFromU8(unzipSync(bytes)['config.json'])).config.layers;
  assert.deepEqual(layers.filter((l) => l.class_name === 'Dropout').map((l) => [l.config.name, l.config.rate]), [['dropout', 0.5]]);
  assert.equal(layers.at(-3).class_name, 'Dropout', 'before the hidden Dense, where the core places it');
  const plain = new f.Trainer();
  await importKeras(plain, bytes);
  assert.deepEqual(plain.params(), pretrained.params());
});

test('the .keras file is laid out as Keras 3 writes it: config, metadata, layers/<name>/vars/<i>', async () => {
  const parts = unzipSync(kerasBytes);
  assert.deepEqual(Object.keys(parts).sort(), ['config.json', 'metadata.json', 'model.weights.h5']);
  const config = JSON.parse(strFromU8(parts['config.json']));
  assert.equal(config.class_name, 'Sequential');
  assert.deepEqual(
    config.config.layers.map((l) => l.class_name),
    ['InputLayer', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'Flatten', 'Dense', 'Dense'],
  );
  assert.deepEqual(config.config.layers[0].config.batch_shape, [null, 28, 28, 1]);
  assert.deepEqual(
    config.config.layers.slice(1).map((l) => layerText(l.class_name, l.config)),
    ['Conv2D 32, 3x3, relu', 'MaxPooling2D 2x2', 'Conv2D 64, 3x3, relu', 'MaxPooling2D 2x2', 'Conv2D 64, 3x3, relu', 'Flatten', 'Dense 64, relu', 'Dense 10, softmax'],
  );
  const { h5, FS } = await loadH5();
  FS.writeFile('/layout.h5', parts['model.weights.h5']);
  const file = new h5.File('/layout.h5', 'r');
  try {
    assert.deepEqual(file.get('layers/conv2d/vars/0').shape, [3, 3, 1, 32]);
    assert.deepEqual(file.get('layers/dense/vars/0').shape, [576, 64]);
    assert.deepEqual(file.get('layers/dense_1/vars/1').shape, [10]);
    assert.deepEqual(file.get('layers/flatten/vars').keys(), []);
    assert.equal(file.get('layers/conv2d_1/vars').attrs.name.value, 'conv2d_1');
    const kernel = pretrained.paramTensors().find((t) => t.name === 'conv2d_2/kernel');
    const want = pretrained.params().subarray(kernel.offset, kernel.offset + 3 * 3 * 64 * 64);
    assert.deepEqual(file.get('layers/conv2d_2/vars/0').value, want);
  } finally {
    file.close();
    FS.unlink('/layout.h5');
  }
});

test('TF.js loads the TF.js export (model.json + its .bin) and predicts what the core predicts', async () => {
  const tf = await import('@tensorflow/tfjs');
  const parts = unzipSync(writeTfjs(modelOf(pretrained)));
  assert.deepEqual(Object.keys(parts).sort(), [WEIGHTS_FILE, 'model.json']);
  const modelJson = JSON.parse(strFromU8(parts['model.json']));
  assert.deepEqual(modelJson.weightsManifest[0].paths, [WEIGHTS_FILE]);
  const bin = parts[WEIGHTS_FILE];
  // What tf.loadLayersModel('…/model.json') does over HTTP, from memory.
  const handler = tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) });
  const model = await tf.loadLayersModel(handler);
  assert.equal(model.countParams(), 93_322);
  const n = 100;
  const pixels = await testPixels(n);
  const got = model.predict(tf.tensor4d(pixels, [n, 28, 28, 1])).dataSync();
  const want = pretrained.predictBatch(pixels);
  const worst = got.reduce((m, p, i) => Math.max(m, Math.abs(p - want[i])), 0);
  assert.ok(worst <= 1e-5, `max |Δp| ${worst}`);
  assert.equal(tfjsArtifacts(modelOf(pretrained)).weights.byteLength, 93_322 * 4);
});

test('another network is refused, saying which layer differs', async () => {
  const wider = withConfig(kerasBytes, (c) => (layerNamed(c, 'dense').config.units = 128));
  assert.equal(await refusal(wider), "Layer 7, dense, is Dense 128, relu in the file; this page's network has Dense 64, relu there.");
  const extra = withConfig(kerasBytes, (c) => c.config.layers.push({ class_name: 'Dense', config: { name: 'dense_2', units: 10, activation: 'softmax' } }));
  assert.equal(await refusal(extra), "The file's model has a layer more than this page's: dense_2 (Dense 10, softmax) after its 8 layers.");
  const shorter = withConfig(kerasBytes, (c) => c.config.layers.splice(5, 1)); // no third convolution
  assert.match(await refusal(shorter), /^Layer 5, flatten, is Flatten in the file; this page's network has Conv2D 64, 3x3, relu there\.$/);
  const logits = withConfig(kerasBytes, (c) => (layerNamed(c, 'dense_1').config.activation = 'linear'));
  assert.match(await refusal(logits), /Dense 10, linear in the file; this page's network has Dense 10, softmax/);
  const letters = withConfig(kerasBytes, (c) => (layerNamed(c, 'dense_1').config.units = 26));
  assert.equal(await refusal(letters), "The file's model has 26 classes; this page's has 10 (its training data's).");
  const rgb = withConfig(kerasBytes, (c) => (c.config.layers[0].config.batch_shape = [null, 32, 32, 3]));
  assert.match(await refusal(rgb), /takes 32x32x3 inputs; this page's takes 28x28x1/);
  const functional = withConfig(kerasBytes, (c) => (c.class_name = 'Subclassed'));
  assert.match(await refusal(functional), /holds a Subclassed; the page reads Sequential models/);
});

test("a Keras 2 .h5 is refused: it says it is the old format and how to save it again in Keras 3", async () => {
  const { h5, FS } = await loadH5();
  const file = new h5.File('/old.h5', 'w');
  file.create_group('model_weights');
  file.close();
  const bytes = FS.readFile('/old.h5');
  FS.unlink('/old.h5');
  assert.ok(isKerasFile(bytes), 'routed to the Keras import');
  const message = await refusal(bytes);
  assert.equal(message, KERAS2_MESSAGE);
  assert.match(message, /Keras 2/);
  assert.match(message, /keras\.saving\.load_model\("model\.h5"\)\.save\("model\.keras"\)/);
});

test('a truncated .keras is refused as incomplete', async () => {
  const message = await refusal(kerasBytes.slice(0, Math.floor(kerasBytes.length / 2)));
  assert.match(message, /^The \.keras file is incomplete or damaged \(a download cut short\?\)/);
  assert.match(await refusal(kerasBytes.slice(0, 200)), /incomplete or damaged/);
});

test('a zip bomb is refused before it is inflated, by its declared sizes; a lying one inflates no further than it declares', async () => {
  const zeros = new Uint8Array(MAX_BYTES['model.weights.h5'] + 1); // deflates to ~65 kB
  const parts = unzipSync(kerasBytes);
  const bomb = zipSync({ ...parts, 'model.weights.h5': zeros });
  assert.ok(bomb.length < 200_000);
  assert.equal(await refusal(bomb), "The .keras file's model.weights.h5 would unpack to 64 MB, more than the 64 MB a model of this network needs: not read.");

  // The same bomb declaring 1 kB in its zip directory: fflate inflates into a buffer of the
  // declared size and stops there, so the HDF5 part is cut short and refused as damaged.
  const liar = bomb.slice();
  const view = new DataView(liar.buffer);
  for (let i = 0; i + 46 < liar.length; i += 1) {
    if (view.getUint32(i, true) !== 0x02014b50) continue; // a central directory entry
    const nameLength = view.getUint16(i + 28, true);
    if (strFromU8(liar.subarray(i + 46, i + 46 + nameLength)) === 'model.weights.h5') view.setUint32(i + 24, 1024, true);
  }
  assert.match(await refusal(liar), /model\.weights\.h5 is not a readable HDF5 file/);
});

test('layerDifference: the same network, whatever its Dropout, is no difference', () => {
  const ours = [{ className: 'Dense', name: 'dense', config: { units: 64, activation: 'relu' } }, { className: 'Dense', name: 'dense_1', config: { units: 10, activation: 'softmax' } }];
  const theirs = [{ className: 'InputLayer', name: 'in', config: {} }, { className: 'Dropout', name: 'dropout', config: { rate: 0.5 } }, ...ours];
  assert.equal(layerDifference(theirs, ours), null);
  assert.match(layerDifference(theirs.slice(0, 3), ours), /ends after 1 layers; this page's goes on with dense_1 \(Dense 10, softmax\)/);
});

test('readKeras needs no HDF5 to refuse a file by its config', async () => {
  const wider = withConfig(kerasBytes, (c) => (layerNamed(c, 'dense').config.units = 128));
  const never = () => assert.fail('HDF5 loaded for a file refused by its config');
  await assert.rejects(readKeras(wider, modelOf(pretrained), never), KerasFileError);
});
