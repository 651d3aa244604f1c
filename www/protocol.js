// Every message between the page (main thread) and the training worker, in both directions.
//
// A message is a plain object `{ type, ...payload }`. Each constructor below returns
// `[message, transfer]`, where `transfer` lists the ArrayBuffers to move (not copy) with
// `postMessage(message, transfer)`. The receiving side switches on `message.type`.
//
//   main ──DATA_CHUNK/DATA_END/DATA_CLEAR──▶ worker   (streamed IDX bytes; wasm parses them)
//   main ──TRAIN/RESUME/PAUSE/RESET──▶ worker
//   main ──CONFIGURE──▶ worker ──CONFIGURED──▶ main   (settings apply at once; TRAIN configures too)
//   main ──PREDICT──▶ worker ──PREDICTION──▶ main      (the drawing pad, any time, even mid-training)
//   main ──SAMPLE──▶ worker ──SAMPLE_IMAGE──▶ main     (a test digit onto the pad, for keyboard users)
//   worker ──READY/DATA_STATUS/FILE_DONE/STATE/PROGRESS/EVALUATION/ERROR──▶ main
//
// Settings travel by the names of the core's schema (READY's `schema`, from src/config.rs):
// CONFIGURE and TRAIN carry the form's values, CONFIGURED the trainer's whole config.
import { describeError } from './errors.js';

/** Messages the page sends to the worker. */
export const ToWorker = Object.freeze({
  DATA_CHUNK: 'data-chunk', // { set, file, chunk: Uint8Array }   chunk.buffer transferred
  DATA_END: 'data-end', //     { set, file }                      stream finished: verify counts
  DATA_CLEAR: 'data-clear', // { set }                            drop a set (before a retry)
  // CONFIGURE applies at once, even mid-run (between two slices): the settings go to
  // trainer.setConfig as they are (names and limits: READY's schema); a new `epochs` also
  // changes the length of the run under way. The worker answers with CONFIGURED.
  CONFIGURE: 'configure', //   { settings: { epochs, batchSize, learningRate, trainSize, augment } }
  TRAIN: 'train', //           { settings, learnDrawings }        configure, then start a run of `epochs` epochs
  //                              (learnDrawings: "Learn them for good", src/teach.rs learn_drawings_config;
  //                              continues: the model has trained, the gentle plan: src/trainer continue_run)
  RESUME: 'resume', //         {}                                 continue a paused run
  PAUSE: 'pause', //           {}
  RESET: 'reset', //           {}                                 fresh weights, counters 0, data kept
  PREDICT: 'predict', //       { id, pixels: Float32Array(pixels) }  pixels.buffer transferred
  SAMPLE: 'sample', //         { set, index }                     ask for one dataset image
  EXPORT: 'export', //         { format: 'weights'|'safetensors'|'keras'|'tfjs' }
  IMPORT: 'import', //         { bytes: Uint8Array }              bytes.buffer transferred
  DATA_REPLACE: 'data-replace', // { sets: { train?|test?: { images: {name, bytes}, labels: {name, bytes} } } }
  // Look inside and teach it (www/worker-teach.js):
  LAYERS: 'layers', //         { id, pixels: Float32Array(pixels) }   every layer's output for the pad's drawing
  DRAWINGS: 'drawings', //     { images: Uint8Array(n*pixels), labels: Uint8Array(n) }   Your drawings, all of them
  TEACH: 'teach', //           { id, images, labels, newest }   the drawings, then a fine-tune around drawing `newest`
});

/** Messages the worker sends to the page. */
export const FromWorker = Object.freeze({
  // READY: { simd, build, parameterCount, schema: settingsSchema(), model: trainer.modelDescription()
  //          ({ layers, params, input: [side, side, 1], classes }: every size the page uses),
  //          tab: this tab's id (its saves' and chart history's, model-store.js),
  //          restored: null | { savedAt, epochs, totalSteps, testAccuracy, tab: the tab that saved it } }
  READY: 'ready',
  // MODEL: { model, parameterCount, rebuilt }   the model became one of another class count: rebuilt
  //        for the training data (fresh weights, counters at 0), or taken from an imported file
  MODEL: 'model',
  DATA_STATUS: 'data-status', // { status: { train: SetStatus, test: SetStatus } }
  FILE_DONE: 'file-done', //    { set, file }                     a DATA_END was verified
  STATE: 'state', //            { state: 'ready'|'training'|'paused'|'done', reason? }
  CONFIGURED: 'configured', //  { config: trainer.config() }     every setting as applied by CONFIGURE/TRAIN
  PROGRESS: 'progress', //      one time slice of training: see progress() below
  EVALUATION: 'evaluation', //  see evaluation() below
  EPOCH_END: 'epoch-end', //    an epoch's line of history (validation, early stopping): see epochEnd() below
  PREDICTION: 'prediction', //  { id, probs: Float32Array(classes) }   probs.buffer transferred
  SAMPLE_IMAGE: 'sample-image', // { set, index, label, pixels: Uint8Array(pixels) }
  // ERROR: { where: 'init'|'data'|'train'|'predict'|'storage'|'export'|'import'|'user-data'|'teach'|'layers',
  //          message, name (ErrorName in errors.js: branch on it), field? (a setting), set? }
  ERROR: 'error',
  SAVED: 'saved', //            {}   the model saved again after a storage ERROR
  EXPORTED: 'exported', //      { format, bytes: Uint8Array }      bytes.buffer transferred
  IMPORTED: 'imported', //      { progress: { epoch, stepInEpoch, stepsPerEpoch, totalSteps }, fromKeras? } fromKeras: Adam's state starts afresh
  DATA_REPLACED: 'data-replaced', // { sets: ['train'?, 'test'?], names: [file names], trainFiles: [the training set's two] }
  // WORKERS: { training, wanted, transport: 'shared memory'|'messages', memory: [bytes per worker,
  //            the coordinator first], checksums: [hex, per worker, once a loop stopped], syncMs, note }
  WORKERS: 'workers',
  // LAYER_VIEWS: { id, layout: activationLayout(), activations: Float32Array, filters: Float32Array(32*9) }
  //              or { id, error: message }
  LAYER_VIEWS: 'layer-views',
  // TAUGHT: { id, label, predicted, probability, steps, ms }   a fine-tune finished, or { id, error: message }
  TAUGHT: 'taught',
});

// The distinct ArrayBuffers behind some typed arrays (a buffer listed twice makes postMessage throw).
const buffersOf = (...views) => [
  ...new Set(views.filter((v) => v && v.buffer instanceof ArrayBuffer).map((v) => v.buffer)),
];

// ---- page -> worker --------------------------------------------------------------------------

export const dataChunk = (set, file, chunk) => [
  { type: ToWorker.DATA_CHUNK, set, file, chunk },
  buffersOf(chunk),
];
export const dataEnd = (set, file) => [{ type: ToWorker.DATA_END, set, file }, []];
export const dataClear = (set) => [{ type: ToWorker.DATA_CLEAR, set }, []];
export const configure = (settings) => [{ type: ToWorker.CONFIGURE, settings: { ...settings } }, []];
export const train = (settings, learnDrawings = false, continues = false) => [{ type: ToWorker.TRAIN, settings: { ...settings }, learnDrawings, continues }, []];
export const resume = () => [{ type: ToWorker.RESUME }, []];
export const pause = () => [{ type: ToWorker.PAUSE }, []];
export const reset = () => [{ type: ToWorker.RESET }, []];
export const predict = (id, pixels) => [{ type: ToWorker.PREDICT, id, pixels }, buffersOf(pixels)];
export const sample = (set, index) => [{ type: ToWorker.SAMPLE, set, index }, []];
export const exportModel = (format) => [{ type: ToWorker.EXPORT, format }, []];
export const importModel = (bytes) => [{ type: ToWorker.IMPORT, bytes }, buffersOf(bytes)];
export const dataReplace = (sets) => {
  const views = Object.values(sets).flatMap((s) => [s.images?.bytes, s.labels?.bytes]);
  return [{ type: ToWorker.DATA_REPLACE, sets }, buffersOf(...views)];
};

// ---- worker -> page --------------------------------------------------------------------------

export const ready = ({ simd, build, parameterCount, schema, model, tab = null, restored = null }) => [
  { type: FromWorker.READY, simd, build, parameterCount, schema, model, tab, restored },
  [],
];
export const model = (description, parameterCount, rebuilt) => [
  { type: FromWorker.MODEL, model: description, parameterCount, rebuilt },
  [],
];
export const saved = () => [{ type: FromWorker.SAVED }, []];
export const dataStatus = (status) => [{ type: FromWorker.DATA_STATUS, status }, []];
export const fileDone = (set, file) => [{ type: FromWorker.FILE_DONE, set, file }, []];
export const state = (value, reason = '') => [{ type: FromWorker.STATE, state: value, reason }, []];
export const configured = (config) => [{ type: FromWorker.CONFIGURED, config: { ...config } }, []];

/**
 * One time slice of training (a few batches). `losses`/`accuracies` hold one entry per batch;
 * the first batch is step `firstStep` (0-based, counted over the trainer's lifetime).
 * `learningRate` is Adam's rate at the slice's last step (the schedule's, when it is on).
 */
export const progress = ({
  losses,
  accuracies,
  firstStep,
  images,
  ms,
  epoch,
  epochInRun,
  epochsInRun,
  stepInEpoch,
  stepsPerEpoch,
  batchSize,
  learningRate,
  workers = 1,
}) => [
  {
    type: FromWorker.PROGRESS,
    losses,
    accuracies,
    firstStep,
    images,
    ms,
    epoch,
    epochInRun,
    epochsInRun,
    stepInEpoch,
    stepsPerEpoch,
    batchSize,
    learningRate,
    workers,
  },
  buffersOf(losses, accuracies),
];

/**
 * A test-set evaluation. kind 'estimate' (first 1,000 images) carries only the scores; kind
 * 'full' (all 10,000, at epoch end) also carries per-image `predictions` and `labels` (for the
 * confusion matrix) and a gallery of misclassified digits: `gallery.indices[k]`, its raw pixels
 * at `gallery.pixels[k*pixels .. (k+1)*pixels]`, and the model's confidence `gallery.confidence[k]`.
 */
export const evaluation = ({
  kind,
  step,
  epoch,
  accuracy,
  loss,
  count,
  predictions = null,
  labels = null,
  gallery = null,
}) => [
  { type: FromWorker.EVALUATION, kind, step, epoch, accuracy, loss, count, predictions, labels, gallery },
  buffersOf(predictions, labels, gallery?.indices, gallery?.pixels, gallery?.confidence),
];
/**
 * An epoch's line of history, as Keras's `fit` logs it: the epoch's mean training `loss` and
 * `accuracy`, `valLoss`/`valAccuracy` over `valCount` held-out images (null without a
 * validation split), the `learningRate` at its last step and its `seconds` (training and
 * validation). With `patience` (early stopping): `bestEpoch` so far, `stop` (the run stops
 * here) and `restoredEpoch` (the weights were set back to that epoch's), else null / false.
 */
export const epochEnd = ({ epoch, step, loss, accuracy, valLoss, valAccuracy, valCount, learningRate, seconds, patience, bestEpoch, stop, restoredEpoch }) => [
  { type: FromWorker.EPOCH_END, epoch, step, loss, accuracy, valLoss, valAccuracy, valCount, learningRate, seconds, patience, bestEpoch, stop, restoredEpoch },
  [],
];
export const sampleImage = (set, index, label, pixels) => [
  { type: FromWorker.SAMPLE_IMAGE, set, index, label, pixels },
  buffersOf(pixels),
];
export const prediction = (id, probs) => [{ type: FromWorker.PREDICTION, id, probs }, buffersOf(probs)];
/** `err`: anything thrown (its message, name and field travel), or a message for the user. */
export const error = (where, err, extra = {}) => [{ type: FromWorker.ERROR, where, ...describeError(err), ...extra }, []];

export const workers = ({ training, wanted, transport, memory, checksums, syncMs, note }) => [
  { type: FromWorker.WORKERS, training, wanted, transport, memory: [...memory], checksums: [...checksums], syncMs, note },
  [],
];
export const exported = (format, bytes) => [{ type: FromWorker.EXPORTED, format, bytes }, buffersOf(bytes)];
export const imported = (progress, fromKeras = false) => [{ type: FromWorker.IMPORTED, progress: { ...progress }, ...(fromKeras && { fromKeras }) }, []];
export const dataReplaced = (sets, names, trainFiles = []) => [{ type: FromWorker.DATA_REPLACED, sets, names, trainFiles }, []];

export const layers = (id, pixels) => [{ type: ToWorker.LAYERS, id, pixels }, buffersOf(pixels)];
export const drawings = (images, labels) => [{ type: ToWorker.DRAWINGS, images, labels }, buffersOf(images, labels)];
export const teach = (id, images, labels, newest) => [
  { type: ToWorker.TEACH, id, images, labels, newest },
  buffersOf(images, labels),
];
export const layerViews = (id, layout, activations, filters) => [
  { type: FromWorker.LAYER_VIEWS, id, layout, activations, filters },
  buffersOf(activations, filters),
];
export const taught = ({ id, label, predicted, probability, steps, ms, error }) => [
  { type: FromWorker.TAUGHT, id, label, predicted, probability, steps, ms, ...(error ? { error } : {}) },
  [],
];
export const layerViewsFailed = (id, error) => [{ type: FromWorker.LAYER_VIEWS, id, error }, []];

/** Sends `[message, transfer]` on a Worker or a worker's global scope. */
export function send(target, [message, transfer]) {
  target.postMessage(message, transfer);
}
