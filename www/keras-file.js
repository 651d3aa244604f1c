// Keras 3's `.keras` file, both ways: a zip of `config.json` (the model's architecture),
// `metadata.json` and `model.weights.h5` (HDF5: `layers/<layer name>/vars/0` the kernel, `/1`
// the bias, as Keras' saving_lib writes them; `optimizer/vars/...` when it was compiled). The
// layout mirrors a file Keras 3.15 saved of the same Sequential (the `keras` suite checks that
// Keras loads ours and that we read Keras' own).
//
// HDF5 is h5wasm's (the HDF5 C library in wasm, ~1.3 MB gzipped): loaded only when a `.keras`
// file is made or opened (`import()`, its own chunk), so the app shell stays small. Zip is
// fflate's. A file is checked whole before anything is returned; every refusal is a
// KerasFileError worded for people.
import { unzipSync, zipSync, strToU8, strFromU8 } from 'fflate';
import { kerasLayers, layerDifference, PASS_THROUGH } from './keras-layers.js';

export const KERAS_VERSION = '3.15.1'; // the Keras whose files these mirror (metadata.json)

/** Largest parts a `.keras` file may inflate to: the config is a few kB, the weights of this network ~0.4 MB (×3 with Adam's). */
export const MAX_BYTES = Object.freeze({ 'config.json': 1 << 20, 'metadata.json': 1 << 16, 'model.weights.h5': 64 << 20 });

export class KerasFileError extends Error {
  constructor(message) {
    super(message);
    this.name = 'KerasFileError';
  }
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // "PK\3\4"
const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // "\x89HDF\r\n\x1a\n"
const startsWith = (bytes, magic) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

/** 'keras' (a zip), 'hdf5' (a plain HDF5 file: Keras 2's `.h5`) or null, by the first bytes. */
export function sniff(bytes) {
  if (startsWith(bytes, ZIP_MAGIC)) return 'keras';
  if (startsWith(bytes, HDF5_MAGIC)) return 'hdf5';
  return null;
}

export const KERAS2_MESSAGE =
  'This is an HDF5 file (.h5), the format of Keras 2 and of weights-only saves; the page reads Keras 3\'s .keras files. ' +
  'In Keras 3, open it and save it again: keras.saving.load_model("model.h5").save("model.keras").';

let h5Module = null;
/** h5wasm, loaded once, on first use: `{ h5, FS }`. */
export async function loadH5() {
  h5Module ??= import('h5wasm').then(async (h5) => ({ h5, FS: (await h5.ready).FS }));
  return h5Module;
}

let scratch = 0;
/** Runs `fn(path)` with a fresh file name in h5wasm's in-memory file system, removed afterwards. */
function withScratchFile(FS, fn) {
  const path = `/keras-${(scratch += 1)}.h5`;
  try {
    return fn(path);
  } finally {
    try {
      FS.unlink(path);
    } catch {
      // never written
    }
  }
}

// ---- writing ----------------------------------------------------------------------------------

/**
 * The `.keras` file of a model: `description` (trainer.modelDescription()), `tensors`
 * (trainer.paramTensors()), `params` (trainer.params()), `dropout` (the setting's rate).
 * `h5` is loadH5()'s result. Returns the zip's bytes.
 */
export function writeKeras({ description, tensors, params, dropout = 0, date = new Date() }, { h5, FS }) {
  const layers = kerasLayers(description, tensors, { dropout });
  const weights = withScratchFile(FS, (path) => {
    const f = new h5.File(path, 'w');
    try {
      const top = f.create_group('layers');
      for (const layer of layers) {
        const vars = top.create_group(layer.name).create_group('vars');
        vars.create_attribute('name', layer.name);
        layer.tensors.forEach((t, i) => {
          const data = params.subarray(t.offset, t.offset + t.shape.reduce((a, b) => a * b, 1));
          vars.create_dataset({ name: String(i), data, shape: t.shape, dtype: '<f' });
        });
      }
      f.create_group('vars').create_attribute('name', 'sequential');
    } finally {
      f.close();
    }
    return FS.readFile(path);
  });
  const metadata = { keras_version: KERAS_VERSION, date_saved: kerasDate(date) };
  return zipSync(
    {
      'metadata.json': strToU8(JSON.stringify(metadata)),
      'config.json': strToU8(JSON.stringify(modelConfig(description, layers))),
      'model.weights.h5': [weights, { level: 0 }],
    },
    { level: 6, mtime: new Date('1980-01-01T00:00:00') },
  );
}

const kerasDate = (d) => d.toISOString().slice(0, 19).replace('T', '@');

const dtypePolicy = () => ({ module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null });
const initializer = (className) => ({ module: 'keras.initializers', class_name: className, config: className === 'Zeros' ? {} : { seed: null }, registered_name: null });

/** config.json: a Sequential of an InputLayer and the page's layers, as Keras 3 serialises one. */
function modelConfig(description, layers) {
  const batchShape = [null, ...description.input];
  let inputShape = batchShape;
  const serialised = layers.map((layer) => {
    const config = { name: layer.name, trainable: true, dtype: dtypePolicy(), ...layer.config };
    if (layer.tensors.length) {
      Object.assign(config, { kernel_initializer: initializer('GlorotUniform'), bias_initializer: initializer('Zeros'), kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null });
    }
    if (layer.className === 'Conv2D') Object.assign(config, { data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activity_regularizer: null });
    if (layer.className === 'MaxPooling2D' || layer.className === 'Flatten') config.data_format = 'channels_last';
    if (layer.className === 'Dropout') Object.assign(config, { noise_shape: null, seed: null });
    const out = { module: 'keras.layers', class_name: layer.className, config, registered_name: null, build_config: { input_shape: inputShape } };
    inputShape = [null, ...description.layers.find((l) => l.name === layer.name).output];
    return out;
  });
  const input = { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: batchShape, dtype: 'float32', sparse: false, ragged: false, name: 'input_layer', optional: false }, registered_name: null };
  return {
    module: 'keras',
    class_name: 'Sequential',
    config: { name: 'sequential', trainable: true, dtype: dtypePolicy(), layers: [input, ...serialised], build_input_shape: batchShape },
    registered_name: null,
    build_config: { input_shape: batchShape },
    compile_config: null,
  };
}

// ---- reading ----------------------------------------------------------------------------------

/**
 * Reads a `.keras` file for the page's model (`description`, `tensors` as for writeKeras):
 * resolves to `{ params: Float32Array` in the core's layout`, optimizer }` (`optimizer`: the
 * file held an optimizer's state, which the page does not take). Rejects with a KerasFileError,
 * saying what differs, anything but a Keras 3 file of this network. HDF5 (`getH5`, loadH5) is
 * loaded only once the zip and its config have passed.
 */
export async function readKeras(bytes, { description, tensors }, getH5 = loadH5) {
  const parts = unzipParts(bytes);
  const config = parseJson(parts['config.json'], 'config.json');
  const fileLayers = configLayers(config);
  checkInput(config, description);
  const ours = kerasLayers(description, tensors);
  const difference = layerDifference(fileLayers, ours);
  if (difference) throw new KerasFileError(difference);
  return readWeights(parts['model.weights.h5'], fileLayers, ours, tensors, await getH5());
}

/** The three parts, each inflated only if its declared size is within MAX_BYTES. */
function unzipParts(bytes) {
  const kind = sniff(bytes);
  if (kind === 'hdf5') throw new KerasFileError(KERAS2_MESSAGE);
  if (kind !== 'keras') throw new KerasFileError('This is not a .keras file: it is not a zip archive.');
  const tooBig = [];
  let parts;
  try {
    // fflate inflates each entry into a buffer of its declared size and no further, so the
    // declared sizes checked here also bound what inflating can take.
    parts = unzipSync(bytes, {
      filter: (entry) => {
        if (!(entry.name in MAX_BYTES)) return false;
        if (entry.originalSize > MAX_BYTES[entry.name]) tooBig.push(entry);
        return !tooBig.includes(entry);
      },
    });
  } catch (err) {
    throw new KerasFileError(`The .keras file is incomplete or damaged (a download cut short?): its zip archive cannot be read (${err.message}).`);
  }
  if (tooBig.length) {
    const [e] = tooBig;
    throw new KerasFileError(`The .keras file's ${e.name} would unpack to ${formatMB(e.originalSize)}, more than the ${formatMB(MAX_BYTES[e.name])} a model of this network needs: not read.`);
  }
  const missing = ['config.json', 'model.weights.h5'].filter((name) => !parts[name]);
  if (missing.length) throw new KerasFileError(`The .keras file has no ${missing.join(' and no ')}: it is not a model Keras saved.`);
  return parts;
}

const formatMB = (n) => `${(n / (1 << 20)).toFixed(n < 1 << 20 ? 2 : 0)} MB`;

function parseJson(bytes, name) {
  try {
    return JSON.parse(strFromU8(bytes));
  } catch {
    throw new KerasFileError(`The .keras file's ${name} is not readable JSON: the file is damaged.`);
  }
}

/** The config's layers in order, `[{ className, name, config }]`. */
function configLayers(config) {
  const layers = config?.config?.layers;
  if (!['Sequential', 'Functional'].includes(config?.class_name) || !Array.isArray(layers)) {
    throw new KerasFileError(`The .keras file holds a ${config?.class_name ?? 'model of unknown kind'}; the page reads Sequential models of its own network.`);
  }
  return layers.map((l) => ({ className: l.class_name, name: l.config?.name ?? l.name, config: l.config ?? {} }));
}

/** One image of 28x28x1 in: what the InputLayer, or the model's build shape, says. */
function checkInput(config, description) {
  const inputLayer = config.config.layers.find((l) => l.class_name === 'InputLayer');
  const shape = inputLayer?.config?.batch_shape ?? inputLayer?.config?.batch_input_shape ?? config.config.build_input_shape ?? config.build_config?.input_shape;
  if (!Array.isArray(shape)) return; // built from its first layer's input; the weights' shapes are checked below
  const want = description.input;
  if (shape.slice(1).join('x') !== want.join('x')) {
    throw new KerasFileError(`The file's model takes ${shape.slice(1).join('x')} inputs; this page's takes ${want.join('x')} (MNIST's ${want[0]}x${want[1]} pixels, one channel).`);
  }
}

function readWeights(bytes, fileLayers, ours, tensors, { h5, FS }) {
  const count = tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  const params = new Float32Array(count);
  const theirs = fileLayers.filter((l) => !PASS_THROUGH.has(l.className));
  const mine = ours.filter((l) => !PASS_THROUGH.has(l.className));
  let optimizer = false;
  const damaged = () => new KerasFileError("The .keras file's model.weights.h5 is not a readable HDF5 file: the file is damaged.");
  if (sniff(bytes) !== 'hdf5') throw damaged();
  withScratchFile(FS, (path) => {
    FS.writeFile(path, bytes);
    let f;
    let top;
    try {
      f = new h5.File(path, 'r');
      top = f.keys();
    } catch {
      f?.close?.();
      throw damaged();
    }
    try {
      if (!top.includes('layers')) throw new KerasFileError("The .keras file's model.weights.h5 has no layers: it is not a model Keras saved.");
      optimizer = top.includes('optimizer');
      theirs.forEach((layer, i) => {
        mine[i].tensors.forEach((t, k) => {
          const where = `layers/${layer.name}/vars/${k}`;
          const data = f.get(where);
          if (!data || typeof data.shape === 'undefined') throw new KerasFileError(`The .keras file has no weights for ${layer.name} (${where}): the file is damaged.`);
          if (data.shape.join('x') !== t.shape.join('x')) {
            throw new KerasFileError(`${layer.name}'s ${t.name.split('/')[1]} is ${data.shape.join('x')} in the file; this page's is ${t.shape.join('x')}.`);
          }
          params.set(Float32Array.from(data.value), t.offset);
        });
      });
    } finally {
      f.close();
    }
  });
  const bad = params.findIndex((p) => !Number.isFinite(p));
  if (bad >= 0) throw new KerasFileError(`The file's weights hold a value that is not a number (${params[bad]}): the model it saved had diverged.`);
  return { params, optimizer };
}
