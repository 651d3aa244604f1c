// The page's network as Keras lists it, derived from the core's own description (no shape is
// written here): `trainer.modelDescription()` gives each layer's Keras name, class, output
// shape and activation, `trainer.paramTensors()` each parameter tensor's Keras name, shape
// (Keras layout: kernels [KH, KW, IN, OUT] and [IN, OUT]) and place in the flat buffer.
// Pure: used by the `.keras` and TF.js files (keras-file.js, tfjs-file.js) to write a model's
// config and to say, in words, how a file's layers differ from the page's.

/**
 * The layers after the input, each `{ className, name, config, tensors }`: `config` holds
 * what sets the layer apart (filters, kernel size, units, activation...) with Keras' keys,
 * `tensors` its parameter tensors (kernel, bias) in buffer order.
 * `dropout`: the rate of a Dropout layer (the setting; the description only says where it is).
 */
export function kerasLayers(description, tensors, { dropout = 0 } = {}) {
  const [input, ...layers] = description.layers;
  let before = input.output;
  return layers.map((layer) => {
    const own = tensors.filter((t) => t.name.startsWith(`${layer.name}/`));
    const config = layerConfig(layer, own, before, dropout);
    before = layer.output;
    return { className: layer.kind, name: layer.name, config, tensors: own };
  });
}

function layerConfig(layer, own, before, dropout) {
  switch (layer.kind) {
    case 'Conv2D': {
      const kernel = own.find((t) => t.name.endsWith('/kernel')).shape;
      return { filters: layer.output[2], kernel_size: kernel.slice(0, 2), strides: [1, 1], padding: 'valid', activation: layer.activation, use_bias: true };
    }
    case 'MaxPooling2D': {
      const size = Math.floor(before[0] / layer.output[0]);
      return { pool_size: [size, size], strides: [size, size], padding: 'valid' };
    }
    case 'Dense':
      return { units: layer.output[0], activation: layer.activation, use_bias: true };
    case 'Dropout':
      return { rate: dropout };
    default:
      return {};
  }
}

/** A layer in words, from its class and Keras config: "Conv2D 32, 3x3, relu", "Dense 64, relu". */
export function layerText(className, c = {}) {
  const size = (v) => (Array.isArray(v) ? v.join('x') : `${v}x${v}`);
  const extras = [];
  if (c.padding && c.padding !== 'valid') extras.push(`padding ${c.padding}`);
  if (c.use_bias === false) extras.push('no bias');
  if (c.data_format && c.data_format !== 'channels_last') extras.push(c.data_format);
  switch (className) {
    case 'Conv2D':
      if (c.strides && size(c.strides) !== '1x1') extras.push(`strides ${size(c.strides)}`);
      if (c.dilation_rate && size(c.dilation_rate) !== '1x1') extras.push(`dilation ${size(c.dilation_rate)}`);
      if (c.groups && c.groups !== 1) extras.push(`groups ${c.groups}`);
      return [`Conv2D ${c.filters}`, size(c.kernel_size), activationName(c.activation), ...extras].join(', ');
    case 'MaxPooling2D': {
      const pool = size(c.pool_size ?? [2, 2]);
      if (c.strides != null && size(c.strides) !== pool) extras.push(`strides ${size(c.strides)}`);
      return [`MaxPooling2D ${pool}`, ...extras].join(', ');
    }
    case 'Dense':
      return [`Dense ${c.units}`, activationName(c.activation), ...extras].join(', ');
    default:
      return [className, ...extras].join(', ');
  }
}

const activationName = (a) => (typeof a === 'string' ? a : (a?.class_name ?? a?.config?.name ?? 'linear'));

/** Layers that change nothing at prediction time and hold no weights: a file may have them or not. */
export const PASS_THROUGH = new Set(['Dropout', 'InputLayer']);

/**
 * How `fileLayers` (`[{ className, name, config }]`, in order) differ from the page's network
 * (`ours`, from `kerasLayers`), in words for people; null when they are the same network.
 * Dropout and the input layer are left out of the comparison on both sides.
 */
export function layerDifference(fileLayers, ours) {
  const theirs = fileLayers.filter((l) => !PASS_THROUGH.has(l.className));
  const mine = ours.filter((l) => !PASS_THROUGH.has(l.className));
  const text = (l) => layerText(l.className, l.config);
  for (let i = 0; i < Math.max(theirs.length, mine.length); i += 1) {
    const [a, b] = [theirs[i], mine[i]];
    if (!a) return `The file's model ends after ${theirs.length} layers; this page's goes on with ${b.name} (${text(b)}).`;
    if (!b) return `The file's model has a layer more than this page's: ${a.name} (${text(a)}) after its ${mine.length} layers.`;
    if (text(a) !== text(b)) {
      const classes = a.className === 'Dense' && b === mine.at(-1) && a.config.units !== b.config.units && text({ ...a, config: { ...a.config, units: b.config.units } }) === text(b);
      if (classes) return `The file's model has ${a.config.units} classes; this page's has ${b.config.units} (its training data's).`;
      return `Layer ${i + 1}, ${a.name}, is ${text(a)} in the file; this page's network has ${text(b)} there.`;
    }
  }
  return null;
}
