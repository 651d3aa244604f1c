// The model's files in the worker: each export format's bytes from the trainer, and an imported
// file, told apart by its first bytes, into the trainer. The page's own formats (.weights,
// .safetensors) are the core's; Keras' `.keras` and TF.js' files are written and read in JS
// (keras-file.js, tfjs-file.js), loaded with their libraries only when first used.

/** What the Keras and TF.js writers take: the core's description of the model, its tensors, its parameters. */
export const modelOf = (t) => ({ description: t.modelDescription(), tensors: t.paramTensors(), params: t.params(), dropout: t.config().dropout ?? 0 });

/** The bytes of `format` for the trainer's model: at once for the core's formats, else a promise. */
export function exportFile(t, format) {
  if (format === 'safetensors') return t.exportSafetensors();
  if (format === 'weights') return t.exportWeights();
  if (format === 'keras') return import('./keras-file.js').then(async (k) => k.writeKeras(modelOf(t), await k.loadH5()));
  if (format === 'tfjs') return import('./tfjs-file.js').then((k) => k.writeTfjs(modelOf(t)));
  throw new Error(`unknown export format ${format}`);
}

/** Whether `bytes` are a Keras file (`.keras` is a zip, Keras 2's `.h5` is HDF5) rather than a weights file. */
export function isKerasFile(bytes) {
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b; // "PK"
  const hdf5 = bytes[0] === 0x89 && bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46; // "\x89HDF"
  return zip || hdf5;
}

/**
 * Reads a Keras file into the trainer: checked whole first (a refusal throws a KerasFileError
 * saying what differs, the model untouched), then the parameters replace the model's, Adam's
 * state starting afresh. Resolves to `{ optimizerInFile }`.
 */
export async function importKeras(t, bytes) {
  const { readKeras } = await import('./keras-file.js');
  const { params, optimizer } = await readKeras(bytes, modelOf(t));
  t.importParams(params);
  return { optimizerInFile: optimizer };
}
