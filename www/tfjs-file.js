// TensorFlow.js' layers format: `model.json` (the Keras topology and a weights manifest) and
// `group1-shard1of1.bin` (every weight, float32 little-endian, in the manifest's order), the
// pair `tf.loadLayersModel("…/model.json")` reads. The page hands both in one zip. The layers
// come from the core's description (keras-layers.js), the weights in Keras layout, which is
// TF.js' too. Pure; fflate for the zip.
import { zipSync, strToU8 } from 'fflate';
import { kerasLayers } from './keras-layers.js';

export const WEIGHTS_FILE = 'group1-shard1of1.bin';
const TFJS_VERSION = '4.22.0'; // the tfjs-layers whose model.json this mirrors

/** `{ modelJson, weights }` of a model (`description`, `tensors`, `params`, `dropout` as keras-file.js' writeKeras). */
export function tfjsArtifacts({ description, tensors, params, dropout = 0 }) {
  const layers = kerasLayers(description, tensors, { dropout });
  const topologyLayers = layers.map((layer, i) => {
    const config = { name: layer.name, trainable: true, ...layer.config };
    if (layer.tensors.length) {
      Object.assign(config, {
        kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null } },
        bias_initializer: { class_name: 'Zeros', config: {} },
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      });
    }
    if (['Conv2D', 'MaxPooling2D'].includes(layer.className)) config.data_format = 'channels_last';
    if (layer.className === 'Conv2D') config.dilation_rate = [1, 1];
    if (i === 0) Object.assign(config, { batch_input_shape: [null, ...description.input], dtype: 'float32' });
    return { class_name: layer.className, config };
  });
  const specs = layers.flatMap((l) => l.tensors).map((t) => ({ name: t.name, shape: t.shape, dtype: 'float32' }));
  const size = (t) => t.shape.reduce((a, b) => a * b, 1);
  const weights = new Float32Array(specs.length ? layers.flatMap((l) => l.tensors).reduce((n, t) => n + size(t), 0) : 0);
  let at = 0;
  for (const t of layers.flatMap((l) => l.tensors)) {
    weights.set(params.subarray(t.offset, t.offset + size(t)), at);
    at += size(t);
  }
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'mnist-wasm (the page)',
    convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: 'sequential', layers: topologyLayers }, keras_version: `tfjs-layers ${TFJS_VERSION}`, backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
  };
  // Float32Array is little-endian on every platform the page runs on (wasm is little-endian too).
  return { modelJson, weights: new Uint8Array(weights.buffer) };
}

/** The zip of model.json and its weights file. */
export function writeTfjs(model) {
  const { modelJson, weights } = tfjsArtifacts(model);
  return zipSync({ 'model.json': strToU8(JSON.stringify(modelJson)), [WEIGHTS_FILE]: [weights, { level: 0 }] }, { level: 6, mtime: new Date('1980-01-01T00:00:00') });
}
