// What the page shows, derived from the state (www/state.js): the status (`data-state`) and its
// words, which controls are usable, and the text of the meters, stats, model note and file
// controls. Pure functions of a state snapshot; the views (www/views/) only write their
// results into the DOM. Tested in tests/js/ui-state.test.mjs.
import { busyRate, emaValue, stepsRemaining, wallRate, windowOf } from './metrics.js';
import { formatBytes, formatDuration, formatInt, formatLoss, formatPercent, formatRate } from './format.js';

/** Error kinds shown in the alert without stopping anything: the status keeps saying what the trainer does. */
export const NON_BLOCKING = new Set(['import', 'user-data', 'diverged', 'settings', 'storage']);

/** The message of an error that blocks the page (the status shows 'error'), else null. */
export const blockingError = (error) => (error && !NON_BLOCKING.has(error.kind) ? error.message : null);

/**
 * The `data-state` of [data-testid=status]: 'loading' | 'ready' | 'training' | 'paused' | 'done' | 'error'.
 * @param {object} s
 * @param {boolean} s.workerReady  wasm loaded in the worker
 * @param {string|null} s.error    a blocking problem (unsupported browser, failed download...)
 * @param {string} s.runState      the worker's: 'ready' | 'training' | 'paused' | 'done'
 * @param {number} s.trainUsable   training images parsed so far
 */
export function displayState({ workerReady, error, runState, trainUsable }) {
  if (error) return 'error';
  if (!workerReady) return 'loading';
  if (runState === 'ready' && trainUsable === 0) return 'loading';
  return runState;
}

/** The words next to the status dot (a role=status live region: changes should be rare). */
export function statusText(state, { workerReady, epochInRun, epochsInRun, testAccuracy }) {
  switch (state) {
    case 'loading': // no percentage: this is a live region, the progress bar has the detail
      return workerReady ? 'Loading MNIST…' : 'Starting…';
    case 'ready':
      return 'Ready to train';
    case 'training':
      return `Training · epoch ${Math.min(epochInRun + 1, epochsInRun)} of ${epochsInRun}`;
    case 'paused':
      return `Paused · epoch ${Math.min(epochInRun + 1, epochsInRun)} of ${epochsInRun}`;
    case 'done':
      return Number.isFinite(testAccuracy) ? `Done · ${formatPercent(testAccuracy)} on the test set` : 'Done';
    default:
      return 'Something went wrong';
  }
}

/**
 * `{ train: { label, disabled }, pause: { disabled }, reset: { disabled } }`. `totalSteps`: a
 * model that has trained (kept from before a reload, or imported) continues, it does not start over.
 */
export function controlsFor({ state, runState, workerReady, trainUsable, settingsValid, totalSteps = 0 }) {
  const startable = workerReady && trainUsable > 0 && settingsValid;
  let label = 'Train';
  if (runState === 'training') label = 'Training…'; // not a disabled "Continue training" beside Pause
  else if (runState === 'paused') label = 'Resume';
  else if (runState === 'done') label = 'Train more';
  else if (totalSteps > 0) label = 'Continue training';
  return {
    train: { label, disabled: !startable || runState === 'training' || state === 'loading' },
    pause: { disabled: runState !== 'training' },
    reset: { disabled: !workerReady },
  };
}

// ---- from the whole state ------------------------------------------------------------------

const trainUsable = (s) => s.dataStatus?.train.usable ?? 0;
/** The run's planned epochs: the worker's, else the form's. */
const epochsInRun = (s) => s.progress?.epochsInRun || s.settings?.epochs || 0;

/** The status: `{ state, text }`. */
export function status(s) {
  const state = displayState({ workerReady: s.workerReady, error: blockingError(s.error), runState: s.runState, trainUsable: trainUsable(s) });
  if (state === 'error' && s.error?.kind === 'data') return { state, text: 'Download failed' };
  if (state === 'error' && s.error?.kind === 'start') return { state, text: 'Could not start' }; // as boot-guard.js says it
  // A run whose loss stays at chance is not "Done" nor plain "Training" (state/learning.js).
  if (s.notLearning && ['training', 'paused', 'done'].includes(state)) return { state, text: 'Not learning: the loss is stuck at chance' };
  const text = statusText(state, {
    workerReady: s.workerReady,
    epochInRun: s.progress?.epochInRun ?? 0,
    epochsInRun: epochsInRun(s),
    testAccuracy: s.testAccuracy,
  });
  return { state, text };
}

/** Train / Pause / Reset: see `controlsFor`. */
export function trainControls(s) {
  return controlsFor({
    state: status(s).state,
    runState: s.runState,
    workerReady: s.workerReady,
    trainUsable: trainUsable(s),
    settingsValid: s.settingsValid,
    totalSteps: s.totalSteps,
  });
}

/**
 * Where focus goes when the Train or Pause button that had it is disabled (pressing Train
 * disables it and enables Pause, and the reverse): to the one that took its place, if enabled
 * ('train' | 'pause'), else null. Without this, focus falls to the page's body and the next Tab
 * starts over from the top.
 */
export function focusSuccessor(focused, controls) {
  if (focused === 'train' && controls.train.disabled && !controls.pause.disabled) return 'pause';
  if (focused === 'pause' && controls.pause.disabled && !controls.train.disabled) return 'train';
  return null;
}

const FILE_NAMES = { 'train/images': 'training images', 'train/labels': 'training labels', 'test/images': 'test images', 'test/labels': 'test labels' };
/** A failed file's name in words: "training images"; a set the worker refused: "training data". */
const failedName = (f) => FILE_NAMES[`${f.set}/${f.file}`] ?? `${f.set === 'train' ? 'training' : 'test'} data`;
const ORDER = ['train/labels', 'train/images', 'test/labels', 'test/images'];
const inOrder = (failures) => [...failures].sort((a, b) => ORDER.indexOf(`${a.set}/${a.file}`) - ORDER.indexOf(`${b.set}/${b.file}`));
/** "a, b and c". */
const listText = (items) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/**
 * The alert's text: the error's message, except for MNIST's download, where it names each file
 * that failed and why, says what is usable now and what that allows, and that Retry fetches
 * the missing files.
 */
export function alertText(s) {
  if (!s.error) return '';
  if (s.error.kind !== 'data' || !s.downloadFailures.length) return s.error.message;
  const failures = inOrder(s.downloadFailures);
  const files = failures.map((f) => `${failedName(f)} (${f.why.replace(/\.$/, '')})`);
  const head = failures.length === 1 ? 'An MNIST file did not download' : `${failures.length} MNIST files did not download`;
  const train = s.dataStatus?.train.usable ?? 0;
  const test = s.dataStatus?.test.usable ?? 0;
  const usable =
    train + test === 0
      ? 'Nothing is usable yet.'
      : `Usable now: ${formatInt(train)} training and ${formatInt(test)} test images${train > 0 ? ', enough to train' : ''}.`;
  const allows = train > 0 ? '' : test > 0 ? ' Training waits for the training set; the pad and its test digits work.' : '';
  return `${head}: ${files.join('; ')}. ${usable}${allows} Retry fetches the missing files again.`;
}

/** The MNIST download bar: `{ now, max, done, text, label }`. */
export function downloadMeter(s) {
  const { loaded, total, done, bytes } = s.download;
  const ds = s.dataStatus;
  const images = ds ? ds.train.usable + ds.test.usable : 0;
  const expected = ds ? (ds.train.expectedImages ?? 60000) + (ds.test.expectedImages ?? 10000) : 70000;
  const failed = inOrder(s.downloadFailures).map(failedName);
  // After a failure the byte counts say nothing useful (the failed set starts over): say what is missing.
  const text = failed.length
    ? `${formatInt(images)} of ${formatInt(expected)} images usable · ${listText(failed)} did not download`
    : done
      ? `${formatInt(images)} images ready · ${formatBytes(total)} streamed`
      : `${formatInt(images)} of ${formatInt(expected)} images · ${formatBytes(bytes)} of ${total > 1 ? formatBytes(total) : '…'}`;
  const own = new Set(s.ownSets);
  const label =
    own.size === 2 ? 'Your data' : own.has('train') ? 'Your training data, MNIST test' : own.has('test') ? 'MNIST training, your test data' : 'MNIST data';
  return { now: loaded, max: total, done, text, label };
}

/** The epoch bar: `{ now, max, text }` (batches of the current epoch). */
export function epochMeter(s) {
  const p = s.progress;
  if (!p) return { now: 0, max: 1, text: s.totalSteps > 0 ? earlierTraining(s) : 'Not started' };
  const epochs = epochsInRun(s);
  const max = Math.max(1, p.stepsPerEpoch);
  const finished = s.runState === 'done' || (p.epochInRun >= p.epochsInRun && p.stepInEpoch === 0);
  const now = finished ? max : Math.min(p.stepInEpoch, max);
  const text = finished
    ? s.runState === 'done' && s.history.at(-1)?.stop ? `Stopped early after ${p.epochInRun} of ${epochs} epochs` : `All ${epochs} epoch${epochs === 1 ? '' : 's'} done`
    : `Epoch ${Math.min(p.epochInRun + 1, epochs)} of ${epochs} · batch ${formatInt(now)} of ${formatInt(max)}`;
  return { now, max, text };
}

/** A model trained before this page's runs (kept, or imported): what it has done, from its saved counters. */
function earlierTraining(s) {
  const epochs = (s.imported ?? s.restored)?.epochs ?? 0;
  const steps = `${formatInt(s.totalSteps)} step${s.totalSteps === 1 ? '' : 's'}`;
  return epochs > 0 ? `${formatInt(epochs)} epoch${epochs === 1 ? '' : 's'} trained · ${steps}` : `${steps} trained`;
}

/** The stats grid's texts: `{ imagesPerSec, eta, steps, loss, trainAccuracy }`. */
export function trainStats(s) {
  const running = s.runState === 'training';
  const ips = busyRate(s.rate);
  const pace = wallRate(s.rate);
  const p = s.progress;
  return {
    imagesPerSec: running && Number.isFinite(ips) ? String(Math.round(ips)) : '–',
    eta: running && p && Number.isFinite(pace) ? formatDuration((stepsRemaining(p) * p.batchSize) / pace) : '–',
    steps: formatInt(s.totalSteps),
    loss: formatLoss(emaValue(s.smoothed.loss)),
    trainAccuracy: formatPercent(emaValue(s.smoothed.accuracy)),
  };
}

/**
 * How Loss and Train accuracy are averaged, for the stats' description: the window fits the
 * run (smoothingFor in metrics.js), so it is read from the state's own smoothing.
 */
export function smoothingText(s) {
  const w = s.smoothed.loss;
  if (!w.steps) return 'averaged over the last batches (up to 20, and at most a tenth of the run, so short runs are not behind)';
  const n = windowOf(w.weight);
  return n <= 1 ? 'of the last batch (this run is too short to average)' : `averaged over about the last ${n} batches (a tenth of this run, at most 20)`;
}

/**
 * The workers line under the stats: `{ text, note, checksums, memory }`: "2 workers training ·
 * shared memory" while training, "2 workers · shared memory" otherwise (those ready: a compute
 * worker still starting joins when it is ready); `checksums` is every worker's
 * model checksum once a loop stopped, space-separated (equal when they hold the same model);
 * `memory` each worker's wasm memory in bytes, the coordinator (which holds the data) first.
 */
export function workersInfo(s) {
  const w = s.workers;
  if (!w) return { text: '', note: '', checksums: '', memory: '' };
  const count = w.training; // the coordinator and the compute workers ready to take part
  const words = `${count} worker${count === 1 ? '' : 's'}${s.runState === 'training' ? ' training' : ''}`;
  const memory = w.memory.join(' ');
  return { text: count > 1 ? `${words} · ${w.transport}` : words, note: w.note, checksums: w.checksums.join(' '), memory };
}

/** The readout beside the loss chart's title: "learning rate 0.0021", or '' before any step. */
export function learningRateText(s) {
  const lr = s.learningRate;
  return Number.isFinite(lr) ? `learning rate ${formatRate(lr)}` : '';
}

/** The note above the pad about the model behind it: `{ kind: 'untrained'|'live'|'trained', text }`. */
export function modelNote(s) {
  const steps = formatInt(s.totalSteps);
  const scored = Number.isFinite(s.testAccuracy);
  const onTest = scored ? `, ${formatPercent(s.testAccuracy)} on test digits` : '';
  if (s.runState === 'training') return { kind: 'live', text: 'Training: predictions use the weights as they learn.' };
  if (s.imported && s.totalSteps === s.imported.totalSteps) {
    const keras = `, a Keras model${onTest}. Training goes on from its weights; Adam's state starts afresh.`; // a .keras has no steps nor optimizer for the page
    return { kind: 'trained', text: `Imported from ${s.imported.name}${s.imported.fromKeras ? keras : ` (${steps} steps${onTest}).`}` };
  }
  if (s.restored && s.totalSteps === s.restored.totalSteps) {
    const when = new Date(s.restored.savedAt).toLocaleString();
    return { kind: 'trained', text: `Your model from ${when}, kept in this browser (${steps} steps${onTest}).` };
  }
  if (s.totalSteps > 0) {
    const acc = scored ? ` · ${formatPercent(s.testAccuracy)} on test digits` : '';
    return { kind: 'trained', text: `Trained for ${steps} steps${acc}.` };
  }
  return { kind: 'untrained', text: 'Untrained model: its guesses are random until you train it.' };
}

/**
 * The model's and the data's file controls: export/import need the worker free; bringing data
 * also waits for MNIST to finish streaming in. `{ modelIdle, dataOpen, dataNote }`.
 */
export function fileControls(s) {
  const modelIdle = s.workerReady && !s.busy;
  const done = s.download.done;
  return { modelIdle, dataOpen: modelIdle && done, dataNote: s.dataNote || (done ? '' : 'Available once MNIST has loaded.') };
}

/** "Try a test digit" needs the worker and at least one test image. */
export const sampleEnabled = (s) => s.workerReady && (s.dataStatus?.test.usable ?? 0) > 0;

/** The footer's build line, or null before the worker is ready. */
export function buildInfo(s) {
  if (!s.workerReady) return null;
  const build = s.build === 'simd' ? 'WebAssembly SIMD' : 'WebAssembly (scalar: this browser lacks SIMD, so training is slower)';
  return `${build} · ${formatInt(s.parameterCount)} parameters`;
}

/** A layer's output shape: [26, 26, 32] -> "26×26×32". */
export const shapeText = (output) => output.join('×');

/** The footer's note on working offline (the built app's service worker), or ''. */
export function offlineNote(s) {
  switch (s.offline) {
    case 'offline-ready':
      return s.download.done ? 'Works offline: the page, the trainer and MNIST are kept in this browser.' : 'Works offline once MNIST has loaded.';
    case 'updated':
      return 'A new version of this page was installed; it is kept for offline use.';
    default:
      return '';
  }
}
