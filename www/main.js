// The page's wiring: starts the training worker and the MNIST download, dispatches every user
// action and worker message into the reducer (www/state.js), runs the effects it lists, and
// lets the views (www/views/, charts.js, evaluation-view.js) render the state.
//
//   views ─Action─▶ reduce ◀─FromWorker message─ worker        (www/protocol.js names them all)
//                     │ state ──▶ views render (throttled, www/render-loop.js)
//                     └ effects ─▶ worker, charts, DataLoader, localStorage, downloads
import './locale-guard.js'; // first: see its header
import { onStartFailure, started } from './boot-guard.js';
import * as P from './protocol.js';
import { FromWorker } from './protocol.js';
import { Action, Effect, handles, initialState, reduce } from './state.js';
import { missingFeatures } from './browser-support.js';
import { DataLoader } from './data-loader.js';
import { PRETRAINED_PATH, dataStore, registerOffline } from './offline-cache.js';
import { TrainingCharts } from './charts.js';
import { EvaluationView } from './evaluation-view.js';
import { loadCharts, saveCharts } from './model-store.js';
import { loadSettings, saveSettings } from './settings.js';
import { loadChoices, saveChoices } from './augment-policy.js';
import { renderLoop } from './render-loop.js';
import { byId } from './views/dom.js';
import { NoticesView, showUnsupported } from './views/notices-view.js';
import { TrainView } from './views/train-view.js';
import { SettingsView } from './views/settings-view.js';
import { ModelView, saveFile } from './views/model-view.js';
import { DataView } from './views/data-view.js';
import { PadView } from './views/pad-view.js';
import { TeachView } from './views/teach-view.js';
import { LayerView } from './views/layer-view.js';
import { RUNS_KEY, parseRuns } from './state/runs.js';
import { FileResultsView } from './views/file-results-view.js';
import { HistoryView } from './views/history-view.js';
import { DrawingsStore, fromIdx, gzip, idbBackend, toIdx } from './drawings-store.js';
import { classifyFiles, readFileBytes } from './user-files.js';

const REPREDICT_EVERY_MS = 600; // refresh the pad's prediction while the weights change
const DRAW_EVERY_MS = 200; // progress comes ~25 times a second; 5 frames a second show it
/** Events that only move numbers along: drawn at the throttled pace. */
const ROUTINE = new Set([FromWorker.PROGRESS, FromWorker.DATA_STATUS, Action.DOWNLOAD_PROGRESS]);
/** Events that change nothing shown (a prediction request): its answer draws. */
const QUIET = new Set([Action.REPREDICT]);
/** Actions of the page itself, not the user's: drawn in the next frame, like worker messages. */
const FROM_PAGE = new Set([Action.OFFLINE, Action.DOWNLOAD_PROGRESS, Action.DOWNLOAD_FAILED, Action.WORKER_FAILED, Action.START_FAILED, Action.CHARTS_LOADED, Action.REPREDICT, Action.RUNS_LOADED]);
/** What the user did is drawn at once: its result may be read right after (aria-invalid, a dismissed alert). */
const BY_USER = new Set(Object.values(Action).filter((type) => !FROM_PAGE.has(type)));

const missing = missingFeatures();
if (missing.length) {
  showUnsupported(missing); // nothing else starts: say plainly what is missing
  throw new Error(`unsupported browser: ${missing.join(', ')}`);
}

let state = initialState();

/** Actions that keep the current run for comparison: stamped with the charts' curves (state/runs.js). */
const KEEPS_RUN = new Set([Action.KEEP_RUN, Action.RESET, Action.RESTART_DEFAULT_RATE]);

function dispatch(event) {
  if (KEEPS_RUN.has(event.type)) event = { ...event, curves: charts.curves() };
  state = reduce(state, event);
  for (const effect of state.effects) run(effect);
  if (QUIET.has(event.type)) return;
  if (BY_USER.has(event.type)) frames.now();
  else if (ROUTINE.has(event.type)) frames.routine();
  else frames.urgent();
}

// ---- the worker ---------------------------------------------------------------------------------
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (message) => P.send(worker, message);
worker.addEventListener('error', (e) => {
  e.preventDefault();
  dispatch({ type: Action.WORKER_FAILED, message: e.message });
});
worker.addEventListener('message', ({ data: m }) => {
  if (!handles(m.type)) {
    console.warn('unknown message from the worker', m);
    return;
  }
  if (m.type === FromWorker.READY) started();
  if (m.type === FromWorker.READY) dispatch({ ...m, keptSettings: loadSettings(m.schema), augmentChoices: loadChoices() });
  else if (m.type === FromWorker.PROGRESS) dispatch({ ...m, at: performance.now() });
  else dispatch(m);
});

// ---- the views ------------------------------------------------------------------------------------
const charts = new TrainingCharts({
  lossEl: byId('loss-chart'),
  accuracyEl: byId('accuracy-chart'),
  lossSummary: byId('loss-summary'),
  onDirty: () => frames.routine(),
});
const evaluation = new EvaluationView({
  accuracy: byId('test-accuracy'),
  estimate: byId('test-accuracy-estimate'),
  detail: byId('eval-detail'),
  matrix: byId('confusion-matrix'),
  gallery: byId('gallery'),
  galleryNote: byId('gallery-note'),
});
const pad = new PadView(dispatch);
const views = [new NoticesView(dispatch), new TrainView(dispatch), new SettingsView(dispatch), new ModelView(dispatch), new DataView(dispatch), pad, evaluation, new TeachView(dispatch), new LayerView(dispatch), new FileResultsView(), new HistoryView(dispatch)];
const frames = renderLoop((now) => {
  for (const view of views) view.render(state);
  return charts.flush(now);
}, DRAW_EVERY_MS);

// ---- the data --------------------------------------------------------------------------------------
const loader = new DataLoader({
  baseUrl: import.meta.env.BASE_URL,
  chunk: (set, file, chunk) => send(P.dataChunk(set, file, chunk)),
  end: (set, file) => send(P.dataEnd(set, file)),
  clear: (set) => send(P.dataClear(set)),
  onProgress: () => {
    const bytes = loader.files.reduce((sum, f) => sum + f.loaded, 0);
    dispatch({ type: Action.DOWNLOAD_PROGRESS, ...loader.progress, bytes });
  },
  onError: (set, message, failures) => dispatch({ type: Action.DOWNLOAD_FAILED, set, message, failures }),
  store: import.meta.env.OFFLINE_WORKER ? dataStore() : null, // the built app keeps MNIST for offline use
});

// The built app works offline after one visit (www/sw.js); the dev server skips the worker.
if (import.meta.env.OFFLINE_WORKER) {
  registerOffline({ url: `${import.meta.env.BASE_URL}sw.js`, onStatus: (status) => dispatch({ type: Action.OFFLINE, status }) });
}

// ---- effects -----------------------------------------------------------------------------------------
function run(effect) {
  switch (effect.type) {
    case Effect.SEND:
      return send(effect.message);
    case Effect.SAVE_SETTINGS:
      return saveSettings(effect.schema, effect.values);
    case Effect.SAVE_AUGMENT_CHOICES:
      return saveChoices(effect.choices);
    case Effect.CHARTS_STEPS:
      return charts.addSteps(effect.firstStep, effect.losses, effect.accuracies, effect.smoothing);
    case Effect.CHARTS_EVALUATION:
      return charts.addEvaluation(effect.kind, effect.step, effect.accuracy);
    case Effect.CHARTS_VALIDATION:
      return charts.addValidation(effect.step, effect.loss, effect.accuracy);
    case Effect.CHARTS_RESET:
      return charts.reset();
    case Effect.CHARTS_MARKS:
      return charts.setMarks(effect.marks);
    case Effect.CHARTS_RUNS:
      return charts.setRuns(effect.runs);
    case Effect.CHARTS_ORIGIN:
      return charts.setOrigin(effect.step);
    case Effect.SAVE_RUNS:
      return storeRuns(effect.text);
    case Effect.CHARTS_KEEP:
      return saveCharts(effect.tab, effect.totalSteps, { ...charts.snapshot(), history: effect.history }).catch(() => {});
    case Effect.CHARTS_LOAD:
      return loadCharts(effect.tab)
        .catch(() => null)
        .then((saved) => dispatch({ type: Action.CHARTS_LOADED, tab: effect.tab, totalSteps: effect.totalSteps, saved }));
    case Effect.CHARTS_RESTORE:
      return charts.restore(effect.charts);
    case Effect.LOADER_VERIFIED:
      return loader.verified(effect.set, effect.file);
    case Effect.LOADER_FAIL:
      return loader.fail(effect.set, effect.message);
    case Effect.LOADER_RETRY:
      return loader.retry();
    case Effect.RELOAD:
      return location.reload();
    case Effect.SAVE_FILE:
      return saveFile(effect.bytes, effect.name);
    case Effect.PAD_SHOW:
      return pad.showImage(effect.pixels);
    case Effect.DRAWINGS_LOAD:
      return drawingsChanged(Promise.resolve());
    case Effect.DRAWING_ADD:
      return drawingsChanged(drawings.add(effect.pixels, effect.label).then((d) => d.id));
    case Effect.DRAWING_RELABEL:
      return drawingsChanged(drawings.relabel(effect.id, effect.label));
    case Effect.DRAWING_DELETE:
      return drawingsChanged(drawings.remove(effect.id));
    case Effect.DRAWINGS_EXPORT:
      return exportDrawings(effect.drawings);
    case Effect.DRAWINGS_IMPORT:
      return drawingsChanged(importDrawings(effect.files));
    case Effect.FETCH_PRETRAINED:
      return fetchPretrained().then(
        ({ bytes, info }) => dispatch({ type: Action.PRETRAINED_READ, bytes, info }),
        (err) => dispatch({ type: Action.PRETRAINED_FAILED, message: err?.message ?? String(err) }),
      );
    default:
      throw new Error(`unknown effect ${effect.type}`);
  }
}

// ---- Your drawings (IndexedDB) and the pretrained model --------------------------------------------
const drawings = new DrawingsStore(idbBackend());

/** After a change of the store (`done` resolves to a new drawing's id, or nothing): DRAWINGS_LOADED. */
function drawingsChanged(done) {
  return done
    .then(async (added) => dispatch({ type: Action.DRAWINGS_LOADED, drawings: await drawings.list(), added: typeof added === 'number' ? added : null }))
    .catch(async (err) => {
      const kept = await drawings.list().catch(() => []);
      dispatch({ type: Action.DRAWINGS_LOADED, drawings: kept, message: `Your drawings could not be changed: ${err?.message ?? err}` });
    });
}

/** Two gzipped IDX downloads; how it went is said beside Export (DRAWINGS_FILES). */
async function exportDrawings(list) {
  const names = ['my-drawings-images-idx3-ubyte.gz', 'my-drawings-labels-idx1-ubyte.gz'];
  const done = { type: Action.DRAWINGS_FILES, op: 'export', count: list.length, names };
  try {
    const { images, labels } = toIdx(list);
    const files = [await gzip(images), await gzip(labels)];
    files.forEach((bytes, k) => saveFile(bytes, names[k]));
    dispatch({ ...done, ok: true });
  } catch (err) {
    dispatch({ ...done, ok: false, message: err?.message ?? String(err) });
  }
}

/**
 * IDX files (raw or gzip; sorted by magic as the own-data card sorts them) into the store; how it
 * went is said beside Import (DRAWINGS_FILES), then the store is reloaded either way.
 */
async function importDrawings(files) {
  const done = { type: Action.DRAWINGS_FILES, op: 'import', names: files.map((f) => f.name) };
  let count = 0;
  try {
    const read = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await readFileBytes(f) })));
    const sorted = classifyFiles(read, 'train');
    if (!sorted.ok) throw new Error(sorted.message);
    for (const set of Object.values(sorted.sets)) {
      for (const d of fromIdx(set.images.bytes, set.labels.bytes)) {
        await drawings.add(d.pixels, d.label);
        count += 1;
      }
    }
    dispatch({ ...done, ok: true, count });
  } catch (err) {
    const kept = count ? ` (${count} were added before it stopped)` : '';
    dispatch({ ...done, ok: false, count, message: `${err?.message ?? String(err)}${kept}` });
  }
}

const PRETRAINED_URL = `${import.meta.env.BASE_URL}${PRETRAINED_PATH}mnist-pretrained.weights`;

async function fetchPretrained() {
  const [weights, info] = await Promise.all([fetch(PRETRAINED_URL), fetch(`${PRETRAINED_URL}.json`)]);
  for (const r of [weights, info]) if (!r.ok) throw new Error(`${r.url}: HTTP ${r.status}`);
  return { bytes: new Uint8Array(await weights.arrayBuffer()), info: await info.json() };
}

run({ type: Effect.DRAWINGS_LOAD });

// ---- runs kept for comparison (localStorage: a few kB, bounded by serialiseRuns) ----------------------
function storeRuns(text) {
  try {
    localStorage.setItem(RUNS_KEY, text);
  } catch {
    // storage full or off: the runs stay on the charts until the page is closed
  }
}
try {
  dispatch({ type: Action.RUNS_LOADED, runs: parseRuns(localStorage.getItem(RUNS_KEY)) });
} catch {
  // no localStorage: nothing was kept
}

// From here on a start that fails or stalls is reported through the reducer (www/boot-guard.js).
onStartFailure((message) => dispatch({ type: Action.START_FAILED, message }));

setInterval(() => dispatch({ type: Action.REPREDICT, visible: !document.hidden }), REPREDICT_EVERY_MS);
loader.start();
frames.urgent();
