// The page's state and every change to it: `initialState()` and `reduce(state, event)`, for the
// user's actions (`Action`) and the worker's messages (`FromWorker` types, as received; PROGRESS
// stamped with `at`, READY with `keptSettings` and `augmentChoices`, by main.js). Pure: no DOM, no timers, no storage.
// What must happen outside (a message to the worker, chart updates, keeping the settings, a
// download) is listed in the new state's `effects` (`Effect`), which main.js runs. The heavy
// chart history stays in the charts (fed by effects); everything the page writes as text is
// here. The handlers live by concern in www/state/: run.js (training and settings), pad.js,
// files.js, notices.js (data and errors), learning.js (a run that does not learn). Tested in tests/js/state.test.mjs.
import { emaStart } from './metrics.js';
import { fileHandlers } from './state/files.js';
import { noticeHandlers } from './state/notices.js';
import { padHandlers } from './state/pad.js';
import { runHandlers } from './state/run.js';
import { insideFollow, insideHandlers, insideState } from './state/inside.js';
import { learningFollow, learningHandlers, learningState } from './state/learning.js';
import { runsFollow, runsHandlers, runsState } from './state/runs.js';
import { historyHandlers, historyState } from './state/history.js';

export { Action, Effect } from './state/events.js';

const HANDLERS = { ...runHandlers, ...padHandlers, ...fileHandlers, ...noticeHandlers, ...insideHandlers, ...learningHandlers, ...runsHandlers, ...historyHandlers };

export function initialState() {
  return {
    workerReady: false,
    build: null, // 'simd' | 'scalar'
    parameterCount: NaN,
    schema: null, // the core's settings schema (READY)
    model: null, // the core's model description (READY)
    runState: 'ready', // the worker's: ready | training | paused | done
    awaitingReset: false, // messages of the run before a Reset are ignored until it is confirmed
    error: null, // { message, retry: 'data' | 'reload' | null, kind }
    download: { loaded: 0, total: 0, done: false, bytes: 0 }, // MNIST, as the DataLoader sees it
    downloadFailures: [], // [{ set, file: 'images'|'labels'|null, why }]: each MNIST file that failed, until Retry
    dataStatus: null, // the worker's { train, test } set status
    settings: null, // the last valid form values (kept ones or defaults from READY on)
    settingsRevision: 0, // bumped when the state, not the user, changes a value the form shows
    dataSet: 'mnist', // MNIST, or the key of the user's own training set (augment-policy.js)
    augmentChoices: {}, // the augment choice kept for each own data set
    mnistAugment: null, // MNIST's augment setting, kept while an own data set trains
    dataSetNote: '', // why augmentation is off for the data set in use
    settingsErrors: {}, // name -> message, for each invalid field
    settingsValid: false,
    trainerConfig: null, // the worker's trainer.config(), as of its last CONFIGURED
    progress: null, // the last PROGRESS message
    workers: null, // the worker's last WORKERS: { training, wanted, transport, memory, checksums, syncMs, note }
    learningRate: NaN, // Adam's rate at the last step trained (PROGRESS), NaN before any
    totalSteps: 0,
    smoothed: { loss: emaStart(), accuracy: emaStart() }, // per-batch loss and accuracy, as the charts smooth them
    rate: [], // [at, images, ms] of recent training slices
    testAccuracy: NaN, // the latest full evaluation
    bestTest: { full: null, estimate: null }, // the best test score of this model's history: { accuracy, step } on 10,000 / 1,000 images
    marks: [], // settings changed mid-run: [{ step, changes: [{ name, label, from, to }] }], drawn on the charts
    evaluation: { estimate: NaN, full: null }, // the latest scores; `full` is the whole EVALUATION message
    restored: null, // READY's restored model, until it is replaced
    imported: null, // { name, totalSteps }: the model came from a file
    pendingImport: null, // the name of the file being imported
    importFrom: 'model', // where the import was started (FileWhere): the model card's Import model…, or 'pretrained'
    busy: null, // 'import' | 'data' while the worker works on a user's file
    dataNote: '',
    fileResults: {}, // where -> { ok, text }: the last file result beside each control (state/draft.js fileResult)
    ownSets: [], // 'train' | 'test': sets the user replaced with their own files
    storageNote: '',
    tab: null, // this tab's id, from READY (model-store.js)
    offline: null, // the service worker's news: 'offline-ready' | 'updated' | 'unavailable' (built app only)
    classNames: [], // one per class of the model (READY's model.classes): state/pad.js applyClassNames
    classNamesText: '', // what the user typed, kept to name the classes of a rebuilt model
    classNamesError: '',
    // The pad's predictions: at most one request in flight; answers to requests made before a
    // clear (id < validFrom) are dropped. `current`: the pad's 28x28 input, null when empty.
    pad: { seq: 0, validFrom: 1, inFlight: false, pending: null, current: null },
    padInk: false,
    prediction: null, // ten probabilities, or null
    sampleCaption: '',
    padSample: null, // { index, label }: the pad shows a test image (not to be taught: state/inside.js)
    ...learningState(), // whether the run learns at all (state/learning.js)
    ...runsState(), // earlier runs kept for comparison, the charts' span (state/runs.js)
    ...historyState(), // the per-epoch history, as Keras's fit logs it (state/history.js)
    ...insideState(), // Your drawings, teaching, layer views, the pretrained model (state/inside.js)
    effects: [],
  };
}

/** The next state after `event`; its `effects` are what this event asks of the outside. */
export function reduce(state, event) {
  const handler = HANDLERS[event.type];
  const next = { ...state, effects: [] };
  if (handler) handler(next, event);
  insideFollow(next, event);
  learningFollow(next, event);
  runsFollow(next, state);
  return next;
}

/** Whether `reduce` knows this event type. */
export const handles = (type) => Object.hasOwn(HANDLERS, type);
