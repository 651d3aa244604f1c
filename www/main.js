// The page: wires the views to the training worker. UI only — all numeric work happens in
// www/worker.js (wasm), and every message to or from it is named in www/protocol.js.
//
//   DataLoader ─chunks─▶ worker ─PROGRESS/EVALUATION─▶ TrainingCharts, EvaluationView
//   DrawPad ─28x28─▶ worker ─PREDICTION─▶ PredictionView
//   SettingsForm / buttons ─TRAIN/PAUSE/RESUME/RESET/CONFIGURE─▶ worker ─STATE─▶ status, controls
//                                                                   ─CONFIGURED─▶ form's data-applied-*
//   localStorage ─loadSettings─▶ SettingsForm ─valid change─▶ saveSettings ─▶ localStorage
import * as P from './protocol.js';
import { loadCharts, saveCharts } from './model-store.js';
import { FromWorker } from './protocol.js';
import { missingFeatures } from './browser-support.js';
import { DataLoader } from './data-loader.js';
import { DrawPad } from './draw-pad.js';
import { PredictionView } from './prediction-view.js';
import { TrainingCharts } from './charts.js';
import { EvaluationView } from './evaluation-view.js';
import { SettingsForm, loadSettings, saveSettings } from './settings.js';
import { RateMeter, stepsRemaining } from './metrics.js';
import { formatBytes, formatDuration, formatInt, formatLoss, formatPercent } from './format.js';
import { controlsFor, displayState, statusText } from './ui-state.js';
import { classifyFiles, parseClassNames, readFileBytes } from './user-files.js';

const REPREDICT_EVERY_MS = 600; // refresh the pad's prediction while the weights change
const DRAW_EVERY_MS = 200; // progress arrives ~25 times a second; 5 frames a second show it

const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el;
};

// ---- state -------------------------------------------------------------------------------------
const app = {
  workerReady: false,
  runState: 'ready', // the worker's: ready | training | paused | done
  error: null, // { message, retry: 'data' | 'reload' | null }
  dataStatus: null,
  // The settings kept in this browser (localStorage), field by field, else the defaults: read
  // now, so the first CONFIGURE (at READY) already carries them.
  settings: loadSettings(),
  settingsValid: true,
  trainerConfig: null, // the worker's trainer.config(), as of its last CONFIGURED
  progress: null, // last PROGRESS message
  totalSteps: 0,
  testAccuracy: NaN, // latest full evaluation
  build: null,
  restored: null,
  awaitingReset: false,
  storageNote: '',
  imported: null, // { name, totalSteps }: the model came from a file
  busy: null, // 'import' | 'data' while the worker works on a user's file
  dataNote: '',
  ownSets: new Set(), // 'train' | 'test': sets the user replaced with their own files
};
const rate = new RateMeter(3000);
let drawTimer = 0; // a scheduled draw()
let drawFrame = 0;
let lastDraw = 0;

// ---- browser support ------------------------------------------------------------------------------
const missing = missingFeatures();
if (missing.length) {
  // Nothing else starts: say plainly what is missing instead of failing silently.
  $('error-text').textContent =
    `This browser cannot run the trainer: it lacks ${missing.join(', ')}. ` +
    'Please use a current version of Chrome, Edge, Firefox or Safari (16.4 or later).';
  $('error').hidden = false;
  $('status').dataset.state = 'error';
  $('status-text').textContent = 'Browser not supported';
  throw new Error(`unsupported browser: ${missing.join(', ')}`);
}

// ---- worker -----------------------------------------------------------------------------------------
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (message) => P.send(worker, message);
worker.addEventListener('error', (e) => {
  e.preventDefault();
  showError(`The training worker failed to start${e.message ? `: ${e.message}` : ''}.`, 'reload');
});

// ---- views ------------------------------------------------------------------------------------------
const charts = new TrainingCharts({
  lossEl: $('loss-chart'),
  accuracyEl: $('accuracy-chart'),
  lossSummary: $('loss-summary'),
  onDirty: () => render(),
});
const evaluation = new EvaluationView({
  accuracy: $('test-accuracy'),
  estimate: $('test-accuracy-estimate'),
  detail: $('eval-detail'),
  matrix: $('confusion-matrix'),
  gallery: $('gallery'),
  galleryNote: $('gallery-note'),
});
const predictionView = new PredictionView({
  digit: $('prediction'),
  confidence: $('prediction-confidence'),
  list: $('probabilities'),
  announcer: $('prediction-announcer'),
});

const settingsForm = new SettingsForm({
  inputs: {
    epochs: $('epochs'),
    batchSize: $('batch-size'),
    learningRate: $('learning-rate'),
    trainSize: $('train-size'),
    augment: $('augment'),
  },
  messages: {
    epochs: $('epochs-msg'),
    batchSize: $('batch-size-msg'),
    learningRate: $('learning-rate-msg'),
    trainSize: $('train-size-msg'),
  },
  initial: app.settings,
  onChange(result) {
    app.settingsValid = result.ok;
    if (result.ok) {
      app.settings = result.values;
      saveSettings(app.settings); // only valid settings are kept: a half-typed value is not
      if (app.workerReady) send(P.configure(app.settings)); // applies live, even mid-run
    }
    renderNow();
  },
});

// ---- data ---------------------------------------------------------------------------------------
const loader = new DataLoader({
  baseUrl: import.meta.env.BASE_URL,
  chunk: (set, file, chunk) => send(P.dataChunk(set, file, chunk)),
  end: (set, file) => send(P.dataEnd(set, file)),
  clear: (set) => send(P.dataClear(set)),
  onProgress: () => render(),
  onError: (set, message) => showError(message, 'data'),
});
loader.start();

// ---- drawing pad and live prediction --------------------------------------------------------------
const predictor = {
  seq: 0, // id of the last request sent
  validFrom: 1, // responses to requests older than this (made before a clear) are dropped
  inFlight: false,
  pending: null, // the newest pixels not sent yet
  current: null, // the pad's current 28x28 input (null = empty pad)
};

function requestPrediction() {
  if (!predictor.current) return;
  predictor.pending = predictor.current;
  pumpPrediction();
}

/** At most one request in flight: a fast drawer gets the newest drawing, not a backlog. */
function pumpPrediction() {
  if (predictor.inFlight || !predictor.pending || !app.workerReady) return;
  const pixels = Float32Array.from(predictor.pending); // a copy to transfer; the pad keeps its own
  predictor.pending = null;
  predictor.inFlight = true;
  send(P.predict(++predictor.seq, pixels));
}

const pad = new DrawPad({
  canvas: $('draw-pad'),
  preview: $('preview'),
  onChange(result) {
    predictor.current = result ? result.pixels : null;
    if (result) requestPrediction();
    else {
      predictor.pending = null;
      predictor.validFrom = predictor.seq + 1;
      predictionView.show(null);
    }
    $('pad-hint').hidden = Boolean(result) || !pad.isEmpty;
  },
  onStrokeStart() {
    $('sample-caption').textContent = '';
  },
});
$('clear-pad').addEventListener('click', () => pad.clear());
$('draw-pad').addEventListener('keydown', (e) => {
  if (e.key === 'Escape' || e.key === 'Delete' || e.key === 'Backspace') pad.clear();
});
$('sample-digit').addEventListener('click', () => {
  const usable = app.dataStatus?.test.usable ?? 0;
  if (usable > 0) send(P.sample('test', Math.floor(Math.random() * usable)));
});
setInterval(() => {
  if (app.runState === 'training' && !document.hidden) requestPrediction();
}, REPREDICT_EVERY_MS);

// ---- controls ---------------------------------------------------------------------------------------
$('settings').addEventListener('submit', (e) => {
  e.preventDefault();
  if (!$('train').disabled) $('train').click();
});
$('train').addEventListener('click', () => {
  const result = settingsForm.read();
  if (!result.ok) return;
  app.settings = result.values;
  clearError('train');
  clearError('diverged');
  rate.reset();
  if (app.runState === 'paused') send(P.resume());
  else send(P.train(app.settings));
  renderNow();
});
$('pause').addEventListener('click', () => send(P.pause()));
// Reset forgets the saved model too, so it asks first: an in-page <dialog> (modal, Escape and
// Cancel close it, focus starts on Cancel) rather than window.confirm, which blocks the page.
const resetDialog = $('reset-dialog');
$('reset').addEventListener('click', () => {
  if (typeof resetDialog.showModal === 'function') resetDialog.showModal();
  else if (window.confirm('Reset the model? This forgets the model kept in this browser.')) doReset();
});
$('reset-cancel').addEventListener('click', () => resetDialog.close('cancel'));
$('reset-confirm').addEventListener('click', () => {
  resetDialog.close('reset');
  doReset();
});
function doReset() {
  send(P.reset());
  app.awaitingReset = true;
  app.imported = null;
  clearError('train');
  clearError('diverged');
  resetViews();
}

// ---- moving the model ------------------------------------------------------------------------------
const EXPORT_NAMES = { weights: 'mnist-model.weights', safetensors: 'mnist-model.safetensors' };
$('export-weights').addEventListener('click', () => send(P.exportModel('weights')));
$('export-safetensors').addEventListener('click', () => send(P.exportModel('safetensors')));
$('import-weights').addEventListener('change', async (e) => {
  const input = e.currentTarget;
  const file = input.files?.[0];
  input.value = ''; // choosing the same file again fires a change
  if (!file) return;
  app.busy = 'import';
  app.pendingImport = file.name;
  renderNow();
  try {
    send(P.importModel(new Uint8Array(await file.arrayBuffer())));
  } catch (err) {
    app.busy = null;
    showError(`${file.name} could not be read: ${err?.message ?? err}`, null, 'import');
  }
});

function download(bytes, name) {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- bringing data -------------------------------------------------------------------------------
const dropZone = $('drop-zone');
const dataInput = $('data-files');
dataInput.addEventListener('change', () => {
  const files = [...(dataInput.files ?? [])];
  dataInput.value = '';
  loadUserData(files);
});
dropZone.addEventListener('dragover', (e) => {
  e.preventDefault();
  if (e.dataTransfer) e.dataTransfer.dropEffect = dataInput.disabled ? 'none' : 'copy';
  dropZone.dataset.over = 'true';
});
dropZone.addEventListener('dragleave', () => delete dropZone.dataset.over);
dropZone.addEventListener('drop', (e) => {
  e.preventDefault();
  delete dropZone.dataset.over;
  if (!dataInput.disabled) loadUserData([...(e.dataTransfer?.files ?? [])]);
});

async function loadUserData(files) {
  if (files.length === 0) return;
  const fallback = document.querySelector('input[name=data-set]:checked')?.value ?? 'train';
  app.busy = 'data';
  app.dataNote = `Reading ${files.map((f) => f.name).join(', ')}…`;
  renderNow();
  try {
    const decoded = [];
    for (const f of files) decoded.push({ name: f.name, bytes: await readFileBytes(f) });
    const sorted = classifyFiles(decoded, fallback);
    if (!sorted.ok) throw new Error(sorted.message);
    send(P.dataReplace(sorted.sets)); // the worker checks every file before it replaces anything
  } catch (err) {
    userDataFailed(err?.message ?? String(err));
  }
}

function userDataFailed(message) {
  app.busy = null;
  app.dataNote = 'The data already loaded is still in use.';
  showError(`Your data was not loaded: ${message}`, null, 'user-data');
}

// ---- class names -----------------------------------------------------------------------------------
const classInput = $('class-names');
function applyClassNames() {
  const r = parseClassNames(classInput.value);
  const msg = $('class-names-msg');
  msg.textContent = r.message;
  msg.hidden = r.ok;
  classInput.setAttribute('aria-invalid', String(!r.ok));
  if (!r.ok) return;
  app.classNames = r.names;
  predictionView.setNames(r.names);
  evaluation.setNames(r.names);
}
classInput.addEventListener('change', applyClassNames);
classInput.addEventListener('input', () => {
  if (parseClassNames(classInput.value).ok) applyClassNames();
});
$('retry').addEventListener('click', () => {
  if (app.error?.retry === 'reload') location.reload();
  else {
    clearError();
    loader.retry();
  }
});

/** Saves the chart history beside the saved model (the worker saves the model itself). */
function keepCharts() {
  if (app.totalSteps > 0) saveCharts(app.totalSteps, charts.snapshot()).catch(() => {});
}

/** Puts back the chart history of a model restored from this browser, if it is that model's. */
async function restoreCharts(totalSteps) {
  const saved = await loadCharts().catch(() => null);
  if (saved?.totalSteps === totalSteps && app.totalSteps === totalSteps) charts.restore(saved.charts);
}

function resetViews() {
  charts.reset();
  evaluation.clear();
  rate.reset();
  app.progress = null;
  app.totalSteps = 0;
  app.testAccuracy = NaN;
  app.restored = null;
  if (predictor.current) requestPrediction();
  renderNow();
}

// ---- messages from the worker -----------------------------------------------------------------------
worker.addEventListener('message', ({ data: m }) => {
  switch (m.type) {
    case FromWorker.READY:
      app.workerReady = true;
      app.build = m.build;
      app.restored = m.restored;
      app.totalSteps = m.restored?.totalSteps ?? 0;
      app.testAccuracy = m.restored?.testAccuracy ?? NaN;
      if (m.restored) restoreCharts(m.restored.totalSteps);
      $('build-info').textContent =
        `${m.build === 'simd' ? 'WebAssembly SIMD' : 'WebAssembly (scalar: this browser lacks SIMD, so training is slower)'}` +
        ` · ${formatInt(m.parameterCount)} parameters`;
      $('param-count').textContent = formatInt(m.parameterCount);
      if (app.settingsValid) send(P.configure(app.settings));
      requestPrediction();
      break;
    case FromWorker.DATA_STATUS:
      app.dataStatus = m.status;
      break;
    case FromWorker.FILE_DONE:
      loader.verified(m.set, m.file);
      break;
    case FromWorker.CONFIGURED:
      app.trainerConfig = m.config;
      break;
    case FromWorker.STATE:
      if (m.reason === 'reset') app.awaitingReset = false;
      if (app.awaitingReset) break;
      app.runState = m.state;
      if (m.state !== 'training' && predictor.current) requestPrediction(); // final weights
      if (m.state === 'paused' || m.state === 'done') keepCharts();
      break;
    case FromWorker.PROGRESS:
      if (app.awaitingReset) break;
      app.progress = m;
      app.totalSteps = m.firstStep + m.losses.length;
      rate.add(performance.now(), m.images, m.ms);
      charts.addSteps(m.firstStep, m.losses, m.accuracies);
      break;
    case FromWorker.EVALUATION:
      if (app.awaitingReset) break;
      charts.addEvaluation(m.kind, m.step, m.accuracy);
      if (m.kind === 'full') {
        keepCharts(); // an epoch ended: the worker is saving the model too
        app.testAccuracy = m.accuracy;
        evaluation.showFull(m);
      } else {
        evaluation.showEstimate(m.accuracy);
      }
      break;
    case FromWorker.PREDICTION:
      predictor.inFlight = false;
      if (m.id >= predictor.validFrom && predictor.current) predictionView.show(m.probs);
      pumpPrediction();
      break;
    case FromWorker.SAMPLE_IMAGE:
      pad.showImage(m.pixels);
      $('sample-caption').textContent = `Test image #${m.index}, labelled ${app.classNames?.[m.label] ?? m.label}`;
      break;
    case FromWorker.ERROR:
      onWorkerError(m);
      break;
    case FromWorker.EXPORTED:
      download(m.bytes, EXPORT_NAMES[m.format] ?? 'mnist-model.bin');
      break;
    case FromWorker.IMPORTED:
      app.busy = null;
      clearError('import');
      clearError('train');
      charts.reset(); // the history belongs to the model that was replaced
      evaluation.clear();
      rate.reset();
      app.progress = null;
      app.restored = null;
      app.testAccuracy = NaN;
      app.totalSteps = m.progress.totalSteps;
      app.imported = { name: app.pendingImport ?? 'a file', totalSteps: m.progress.totalSteps };
      if (predictor.current) requestPrediction();
      break;
    case FromWorker.DATA_REPLACED: {
      app.busy = null;
      clearError('user-data');
      const parts = m.sets.map((set) => `${set === 'train' ? 'training' : 'test'} set`);
      app.dataNote = `Now using your ${parts.join(' and ')} (${m.names.join(', ')}).`;
      for (const set of m.sets) app.ownSets.add(set);
      break;
    }
    default:
      console.warn('unknown message from the worker', m);
  }
  const routine = m.type === FromWorker.PROGRESS || m.type === FromWorker.DATA_STATUS || m.type === FromWorker.PREDICTION;
  render(!routine);
});

function onWorkerError(m) {
  switch (m.where) {
    case 'init':
      showError(`The trainer could not start: ${m.message}`, 'reload');
      break;
    case 'data':
      loader.fail(m.set, `The MNIST ${m.set === 'train' ? 'training' : 'test'} data could not be read: ${m.message}`);
      break;
    case 'storage':
      app.storageNote = m.message;
      break;
    case 'import':
      app.busy = null;
      showError(`${app.pendingImport ?? 'The file'} was not imported, the model is unchanged: ${m.message}`, null, 'import');
      break;
    case 'export':
      showError(`The model could not be exported: ${m.message}`, null, 'import');
      break;
    case 'user-data':
      userDataFailed(m.message);
      break;
    case 'predict':
      predictor.inFlight = false;
      showError(`Prediction failed: ${m.message}`, null, 'train');
      break;
    default:
      if (m.diverged) {
        // Not a crash: the worker paused with the weights from before the bad step.
        const advice = /learning rate/i.test(m.message) ? '' : ' Try a lower learning rate.';
        showError(
          `Training stopped: ${m.message}.${advice} The weights from before that step are kept; ` +
            'lower the learning rate (a tenth, say) and press Resume.',
          null,
          'diverged',
        );
      } else {
        showError(`Training stopped: ${m.message}`, null, 'train');
      }
  }
}

// ---- errors -----------------------------------------------------------------------------------------
const NON_BLOCKING = new Set(['import', 'user-data', 'diverged']);
$('dismiss-error').addEventListener('click', () => clearError());

function showError(message, retry, kind = retry) {
  app.error = { message, retry, kind };
  $('error-text').textContent = message;
  const button = $('retry');
  button.hidden = !retry;
  button.textContent = retry === 'reload' ? 'Reload the page' : 'Retry download';
  $('dismiss-error').hidden = !NON_BLOCKING.has(kind);
  $('error').hidden = false;
  renderNow();
}

function clearError(kind) {
  if (!app.error || (kind && app.error.kind !== kind)) return;
  app.error = null;
  $('error-text').textContent = '';
  $('error').hidden = true;
  renderNow();
}

// ---- rendering ---------------------------------------------------------------------------------------
// At most every DRAW_EVERY_MS, in an animation frame, and only what changed: while the worker
// trains, the main thread stays nearly idle (each DOM write costs style, layout and paint).
// `urgent` (user input, state changes) skips the wait.
function render(urgent = false) {
  if (drawFrame || (drawTimer && !urgent)) return;
  clearTimeout(drawTimer);
  const wait = urgent ? 0 : Math.max(0, lastDraw + DRAW_EVERY_MS - performance.now());
  drawTimer = setTimeout(() => {
    drawTimer = 0;
    drawFrame = requestAnimationFrame(() => {
      drawFrame = 0;
      lastDraw = performance.now();
      draw();
      if (charts.flush(lastDraw)) render(); // a chart redraw is owed: come back later
    });
  }, wait);
}
function renderNow() {
  render(true);
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function setAttr(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** `data-applied-batch-size="32"`, ... on the form: what the trainer runs with (tests read it). */
function setApplied(form, config) {
  for (const [key, value] of Object.entries(config)) {
    setAttr(form, `data-applied-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(value));
  }
}

function setProgressBar(el, now, max, text) {
  setAttr(el, 'aria-valuemax', String(max));
  setAttr(el, 'aria-valuenow', String(now));
  setAttr(el, 'aria-valuetext', text);
  const transform = `scaleX(${max > 0 ? Math.min(1, now / max).toFixed(4) : 0})`;
  if (el.firstElementChild.style.transform !== transform) el.firstElementChild.style.transform = transform;
}

function draw() {
  const trainUsable = app.dataStatus?.train.usable ?? 0;
  // A refused file is reported in the alert but does not stop anything: the status stays as it is.
  const blocking = app.error && !NON_BLOCKING.has(app.error.kind) ? app.error.message : null;
  const state = displayState({ ...app, error: blocking, trainUsable });
  const data = loader.progress;
  const p = app.progress;
  const epochsInRun = p?.epochsInRun || app.settings.epochs;
  const epochInRun = p?.epochInRun ?? 0;

  // status
  setAttr($('status'), 'data-state', state);
  const words = statusText(state, { workerReady: app.workerReady, epochInRun, epochsInRun, testAccuracy: app.testAccuracy });
  setText($('status-text'), words);

  // controls
  const controls = controlsFor({ state, runState: app.runState, workerReady: app.workerReady, trainUsable, settingsValid: app.settingsValid });
  const train = $('train');
  setText(train, controls.train.label);
  train.disabled = controls.train.disabled;
  $('pause').disabled = controls.pause.disabled;
  $('reset').disabled = controls.reset.disabled;
  if (app.trainerConfig) setApplied($('settings'), app.trainerConfig);

  // data progress
  const ds = app.dataStatus;
  const images = ds ? ds.train.usable + ds.test.usable : 0;
  const expected = ds ? (ds.train.expectedImages ?? 60000) + (ds.test.expectedImages ?? 10000) : 70000;
  const bytes = loader.files.reduce((s, f) => s + f.loaded, 0);
  const dataText = data.done
    ? `${formatInt(images)} images ready · ${formatBytes(data.total)} streamed`
    : `${formatInt(images)} of ${formatInt(expected)} images · ${formatBytes(bytes)} of ${data.total > 1 ? formatBytes(data.total) : '…'}`;
  const dataBar = $('data-progress');
  setProgressBar(dataBar, data.loaded, data.total, dataText);
  setAttr(dataBar, 'data-complete', String(data.done));
  setText($('data-text'), dataText);
  const own = app.ownSets;
  setText(
    $('data-label'),
    own.size === 2 ? 'Your data' : own.has('train') ? 'Your training data, MNIST test' : own.has('test') ? 'MNIST training, your test data' : 'MNIST data',
  );

  // epoch progress
  const epochBar = $('epoch-progress');
  let stepNow = 0;
  let stepMax = 1;
  let epochText = 'Not started';
  if (p) {
    stepMax = Math.max(1, p.stepsPerEpoch);
    const finished = app.runState === 'done' || (p.epochInRun >= p.epochsInRun && p.stepInEpoch === 0);
    stepNow = finished ? stepMax : Math.min(p.stepInEpoch, stepMax);
    epochText = finished
      ? `All ${epochsInRun} epoch${epochsInRun === 1 ? '' : 's'} done`
      : `Epoch ${Math.min(epochInRun + 1, epochsInRun)} of ${epochsInRun} · batch ${formatInt(stepNow)} of ${formatInt(stepMax)}`;
  }
  setProgressBar(epochBar, stepNow, stepMax, epochText);
  setText($('epoch-text'), epochText);

  // stats
  const ips = rate.rate;
  const running = app.runState === 'training';
  setText($('images-per-sec'), running && Number.isFinite(ips) ? String(Math.round(ips)) : '–');
  let eta = '–';
  if (running && p && Number.isFinite(rate.wallRate)) {
    const steps = stepsRemaining(p);
    eta = formatDuration((steps * p.batchSize) / rate.wallRate);
  }
  setText($('eta'), eta);
  setText($('step'), formatInt(app.totalSteps));
  setText($('loss-now'), formatLoss(charts.smoothedLoss));
  setText($('train-acc'), formatPercent(charts.smoothedAccuracy));

  // the model behind the pad
  const note = $('model-note');
  let kind = 'untrained';
  let text = 'Untrained model: its guesses are random until you train it.';
  if (running) {
    kind = 'live';
    text = 'Training: predictions use the weights as they learn.';
  } else if (app.imported && app.totalSteps === app.imported.totalSteps) {
    kind = 'trained';
    const acc = Number.isFinite(app.testAccuracy) ? `, ${formatPercent(app.testAccuracy)} on test digits` : '';
    text = `Imported from ${app.imported.name} (${formatInt(app.totalSteps)} steps${acc}).`;
  } else if (app.restored && app.totalSteps === app.restored.totalSteps) {
    kind = 'trained';
    const acc = Number.isFinite(app.testAccuracy) ? `, ${formatPercent(app.testAccuracy)} on test digits` : '';
    text = `Your model from ${new Date(app.restored.savedAt).toLocaleString()}, kept in this browser (${formatInt(app.totalSteps)} steps${acc}).`;
  } else if (app.totalSteps > 0) {
    kind = 'trained';
    const acc = Number.isFinite(app.testAccuracy) ? ` · ${formatPercent(app.testAccuracy)} on test digits` : '';
    text = `Trained for ${formatInt(app.totalSteps)} steps${acc}.`;
  }
  setAttr(note, 'data-kind', kind);
  setText(note, text);
  setText($('storage-note'), app.storageNote);

  $('sample-digit').disabled = !app.workerReady || !(app.dataStatus?.test.usable > 0);

  // files: export/import need the worker; own data waits for MNIST to finish streaming in
  const idle = app.workerReady && !app.busy;
  $('export-weights').disabled = !idle;
  $('export-safetensors').disabled = !idle;
  $('import-weights').disabled = !idle;
  $('import-label').toggleAttribute('data-disabled', !idle);
  const dataOpen = idle && data.done;
  dataInput.disabled = !dataOpen;
  dropZone.toggleAttribute('data-disabled', !dataOpen);
  setText($('data-note'), app.dataNote || (data.done ? '' : 'Available once MNIST has loaded.'));
}

render();
