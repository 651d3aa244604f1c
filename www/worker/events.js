// What the worker's reducer (worker/state.js) takes in besides the page's messages (`Internal`:
// the outcomes of its own work, reported by worker.js) and what it asks worker.js to do
// (`Effect`). An effect that may throw carries `fail: { where, extra }`, the ERROR it becomes;
// an effect never depends on an earlier one of the same step having succeeded: what follows a
// fallible piece of work is decided when its outcome comes back as an event.

export const Internal = Object.freeze({
  STARTED: '@started', // { info: READY's wasm fields, restored: worker-store.js restoreTrainer's or null }
  DATA_STATUS: '@data-status', // { status: trainer.dataStatus(), op, set?, file?, replaced? } after Effect.DATA
  CONFIGURED: '@configured', // { config, run: a TRAIN's run started, error: what the drawings' config threw, model: the new description if its layers changed, else null }
  IMPORTED: '@imported', // { progress: trainer.progress(), resized, fromKeras } a file loaded (resized: of another class count; fromKeras: a Keras file, Adam afresh)
  REBUILT: '@rebuilt', // the data's labels named another class count: the core built the model afresh for it
  DATA_CHECKED: '@data-checked', // { sets, order, names, trainFiles } the user's files parsed cleanly
  SLICED: '@sliced', // { gen, slice: { partial, ms } | { counters, losses, accuracies, ..., epochDone, failure } }
  EVALUATED: '@evaluated', // { gen, kind, step, epoch, persistAfter, ms, result: worker-evaluation.js's, null if stale }
  EPOCH_SCORED: '@epoch-scored', // { gen, ms, report: trainer.recordValidation's, null if stale }
  FAILED: '@failed', // { gen, error }: a slice or an evaluation threw
  TAUGHT: '@taught', // { id, result: worker-teach.js fineTune's } or { id, error }
  SAVED: '@saved', // a save finished (or was undone by a Reset)
  SAVE_FAILED: '@save-failed', // { error }: storage threw (a full disk: QuotaExceededError); the last good model stays
});

export const Effect = Object.freeze({
  POST: 'post', // { message: [message, transfer] } to the page
  DATA: 'data', // { op: 'push'|'finish'|'clear', set, file?, chunk? } → DATA_STATUS
  STATUS: 'status', // { soon } post the data status (soon: at most every 100 ms)
  CONFIGURE: 'configure', // { settings, learnDrawings, startRun, continues } → CONFIGURED
  WORKERS: 'workers', // { setting } the Workers setting: start or stop compute workers, tell the page
  RESET_MODEL: 'reset-model', // { rebuilt } fresh weights (rebuilt: the core made them already), the kept model forgotten
  MODEL_CHANGED: 'model-changed', // { rebuilt } the model has another class count: the pool resized, MODEL to the page
  PREDICT: 'predict', // { id, pixels }
  SAMPLE: 'sample', // { set, index }
  EXPORT: 'export', // { format }
  IMPORT: 'import', // { bytes } → IMPORTED
  CHECK_DATA: 'check-data', // { sets } → DATA_CHECKED
  LOAD_DATA: 'load-data', // { sets, order, names, trainFiles } → DATA_STATUS (op 'replace')
  LAYERS: 'layers', // { id, pixels }
  DRAWINGS: 'drawings', // { images, labels }
  TEACH: 'teach', // { message, gen } → TAUGHT (unless a reset or an import came meanwhile)
  LOOP_START: 'loop-start', // the compute workers load the model again before their next step
  CHECKSUMS: 'checksums', // { gen } every worker's model checksum, to the page
  SLICE: 'slice', // { gen } a slice of training → SLICED or FAILED
  EVALUATE: 'evaluate', // { kind, count, gen, step, epoch, persistAfter } → EVALUATED or FAILED
  EPOCH_END: 'epoch-end', // { gen, runEnds } score the held-out images, record the epoch (early stopping) → EPOCH_SCORED or FAILED
  SAVE: 'save', // { counters, testAccuracy, resets } into IndexedDB → SAVED or SAVE_FAILED
});

/** An Effect.POST of a protocol.js `[message, transfer]`. */
export const post = (message) => ({ type: Effect.POST, message });
