// The names of everything that happens to the page's state (www/state.js): `Action`, what the
// user did (the views dispatch them) plus a few page events, and `Effect`, what the reducer asks
// main.js to do outside. Worker messages are events too, under their protocol names (FromWorker).

/** What the user did (the views dispatch these), and a few page events. */
export const Action = Object.freeze({
  SETTINGS_INPUT: 'settings-input', //   { raw: { name: text | boolean } }  every edit of the form
  TRAIN: 'train-clicked', //             Train, Resume or Train more
  LEARN_DRAWINGS: 'learn-drawings-clicked', // "Learn them for good": one epoch with Your drawings
  PAUSE: 'pause-clicked',
  RESET: 'reset-confirmed', //           after the dialog
  EXPORT: 'export-clicked', //           { format: 'weights' | 'safetensors' }
  IMPORT_CHOSEN: 'import-chosen', //     { name }             a weights file was picked
  IMPORT_READ: 'import-read', //         { bytes }            ...and read
  IMPORT_UNREADABLE: 'import-unreadable', // { message }
  DATA_CHOSEN: 'data-chosen', //         { names }            IDX files picked or dropped
  DATA_READ: 'data-read', //             { files: [{ name, bytes }], fallback: 'train' | 'test' }
  DATA_UNREADABLE: 'data-unreadable', // { message }
  CLASS_NAMES: 'class-names-input', //   { text, committed }  committed: the field's change event
  PAD_CHANGED: 'pad-changed', //         { pixels: Float32Array(pixels) | null, empty }
  STROKE_START: 'stroke-start',
  SAMPLE: 'sample-clicked', //           { pick: a number in [0, 1) }  which test image
  REPREDICT: 'repredict-tick', //        { visible }          every REPREDICT_EVERY_MS
  RETRY: 'retry-clicked',
  DISMISS: 'dismiss-clicked',
  DOWNLOAD_PROGRESS: 'download-progress', // { loaded, total, done, bytes }  from the DataLoader
  DOWNLOAD_FAILED: 'download-failed', // { set, message, failures: [{ set, file, why }] } every file that failed
  WORKER_FAILED: 'worker-failed', //     { message }          the worker script did not start
  START_FAILED: 'start-failed', //       { message }          not ready in time, or an error first (boot-guard.js)
  CHARTS_LOADED: 'charts-loaded', //     { tab, totalSteps, saved } the kept chart history, or null
  RESTART_DEFAULT_RATE: 'restart-default-rate-clicked', // a run not learning: Reset, the default rate, Train (state/learning.js)
  CLEAR_RUNS: 'clear-runs-clicked', //   forget the earlier runs kept on the charts
  // Runs kept for comparison (state/runs.js); main.js stamps KEEP_RUN, RESET and RESTART_DEFAULT_RATE with `curves`:
  KEEP_RUN: 'keep-run-clicked', //       { curves: { loss, accuracy } }  keep the current run as an earlier one
  RUNS_LOADED: 'runs-loaded', //         { runs }             the kept runs read back at start (parseRuns)
  CHART_SPAN: 'chart-span-chosen', //    { span: 'run' | 'all' }  the charts from this run's start, or the whole history
  OFFLINE: 'offline-status', //          { status: 'offline-ready' | 'updated' | 'unavailable' }  the service worker (offline-cache.js)
  // Teach it, look inside, the pretrained model (state/inside.js):
  TEACH: 'teach-clicked', //             { digit }            "It's a …" under the prediction
  DRAWINGS_LOADED: 'drawings-loaded', // { drawings, added?, message? }  the store's drawings after a change
  DRAWING_RELABEL: 'drawing-relabel-chosen', // { id, label }
  DRAWING_DELETE: 'drawing-delete-clicked', // { id }
  DRAWINGS_EXPORT: 'drawings-export-clicked',
  DRAWINGS_IMPORT: 'drawings-import-chosen', // { files }   IDX files (raw or gzip)
  DRAWINGS_FILES: 'drawings-files-done', // { op: 'import' | 'export', ok, count, names, message }  how an export or import of Your drawings went
  LAYERS_TOGGLE: 'layers-toggled', //    { open }             the Look inside panel
  PRETRAINED: 'pretrained-clicked',
  PRETRAINED_READ: 'pretrained-read', // { bytes, info }      fetched
  PRETRAINED_FAILED: 'pretrained-failed', // { message }
  HISTORY_CSV: 'history-csv-clicked', //  download the per-epoch history (state/history.js)
});

/** What main.js does for the reducer. */
export const Effect = Object.freeze({
  SEND: 'send', //                       { message: [message, transfer] } to the worker
  SAVE_SETTINGS: 'save-settings', //     { schema, values }   into localStorage
  SAVE_AUGMENT_CHOICES: 'save-augment-choices', // { choices } augment per own data set (augment-policy.js)
  CHARTS_STEPS: 'charts-steps', //       { firstStep, losses, accuracies, smoothing }
  CHARTS_EVALUATION: 'charts-evaluation', // { kind, step, accuracy }
  CHARTS_VALIDATION: 'charts-validation', // { step, loss, accuracy }  an epoch's val_loss and val_accuracy
  CHARTS_RESET: 'charts-reset', //       the history belonged to another model
  CHARTS_MARKS: 'charts-marks', //       { marks }            where settings changed mid-run (state.marks)
  CHARTS_RUNS: 'charts-runs', //         { runs }             the earlier runs to draw (state/runs.js)
  CHARTS_ORIGIN: 'charts-origin', //     { step }             the charts' x-axis starts after this step
  SAVE_RUNS: 'save-runs', //             { text }             the kept runs into localStorage (serialiseRuns)
  CHARTS_KEEP: 'charts-keep', //         { tab, totalSteps, history }  save the history (charts', per-epoch) beside the model
  CHARTS_LOAD: 'charts-load', //         { tab, totalSteps }  read it back (answers CHARTS_LOADED)
  CHARTS_RESTORE: 'charts-restore', //   { charts }           put it back
  LOADER_VERIFIED: 'loader-verified', // { set, file }
  LOADER_FAIL: 'loader-fail', //         { set, message }
  LOADER_RETRY: 'loader-retry',
  RELOAD: 'reload',
  SAVE_FILE: 'save-file', //             { bytes, name }      an exported model
  PAD_SHOW: 'pad-show', //               { pixels }           a test image onto the pad
  DRAWING_ADD: 'drawing-add', //         { pixels, label }    keep it, then DRAWINGS_LOADED { added }
  DRAWING_RELABEL: 'drawing-relabel', // { id, label }        then DRAWINGS_LOADED
  DRAWING_DELETE: 'drawing-delete', //   { id }               then DRAWINGS_LOADED
  DRAWINGS_EXPORT: 'drawings-export', // { drawings }         two gzipped IDX downloads
  DRAWINGS_IMPORT: 'drawings-import', // { files }            read, keep, then DRAWINGS_LOADED
  DRAWINGS_LOAD: 'drawings-load', //                          at start: DRAWINGS_LOADED
  FETCH_PRETRAINED: 'fetch-pretrained', //                    then PRETRAINED_READ or PRETRAINED_FAILED
});
