// The reducer's handlers for the user's files: exporting and importing the model, and bringing
// IDX data of their own (sorted into sets here, checked by the worker before it replaces any),
// and how exporting or importing Your drawings went. Each result is kept beside its control
// (`fileResult`, by `where`: FileWhere).
import * as P from '../protocol.js';
import { FromWorker } from '../protocol.js';
import { classifyFiles } from '../user-files.js';
import { MNIST, OFF_FOR_OWN_DATA, augmentFor, dataSetKey } from '../augment-policy.js';
import { Action, Effect } from './events.js';
import { formatInt } from '../format.js';
import { FileWhere, clearError, clearFileResult, effect, fileResult, forgetHistory, reason, requestPrediction, send, userDataFailed } from './draft.js';

const EXPORT_NAMES = Object.freeze({ weights: 'mnist-model.weights', safetensors: 'mnist-model.safetensors', keras: 'mnist.keras', tfjs: 'mnist-tfjs.zip' });
const EXPORT_NOTES = Object.freeze({
  weights: 'the model with its optimizer and counters; Import model… carries on from it',
  safetensors: 'the weights with Keras names, for Python; Import model… reads it back too (weights only)',
  keras: 'for Keras 3: keras.saving.load_model("mnist.keras"); Import model… reads it back too (weights only)',
  tfjs: 'model.json and its weights for tf.loadLayersModel, zipped',
});

export const fileHandlers = {
  [FromWorker.EXPORTED](s, m) {
    const name = EXPORT_NAMES[m.format] ?? 'mnist-model.bin';
    effect(s, Effect.SAVE_FILE, { bytes: m.bytes, name });
    fileResult(s, FileWhere.model, true, `Saved ${name} to your downloads: ${EXPORT_NOTES[m.format] ?? 'the model'}.`);
  },
  [FromWorker.IMPORTED](s, m) {
    s.busy = null;
    clearError(s, 'import');
    clearError(s, 'train');
    forgetHistory(s);
    s.totalSteps = m.progress.totalSteps;
    s.imported = { name: s.pendingImport ?? 'a file', totalSteps: m.progress.totalSteps, epochs: m.progress.epoch ?? 0, ...(m.fromKeras && { fromKeras: true }) };
    if (s.importFrom === FileWhere.model) fileResult(s, FileWhere.model, true, importedText(s.imported));
    s.pendingImport = null;
    requestPrediction(s);
  },
  [FromWorker.DATA_REPLACED](s, m) {
    s.busy = null;
    clearError(s, 'user-data');
    const parts = m.sets.map((set) => `${set === 'train' ? 'training' : 'test'} set`);
    s.dataNote = `Now using your ${parts.join(' and ')} (${m.names.join(', ')}).`;
    s.ownSets = [...new Set([...s.ownSets, ...m.sets])];
    if (m.sets.includes('train')) followDataSet(s, dataSetKey(m.trainFiles ?? m.names));
  },

  [Action.EXPORT](s, { format }) {
    send(s, P.exportModel(format));
  },
  [Action.IMPORT_CHOSEN](s, { name }) {
    s.busy = 'import';
    s.pendingImport = name;
    s.importFrom = FileWhere.model;
    clearFileResult(s, FileWhere.model);
  },
  [Action.IMPORT_READ](s, { bytes }) {
    send(s, P.importModel(bytes));
  },
  [Action.IMPORT_UNREADABLE](s, { message }) {
    s.busy = null;
    fileResult(s, FileWhere.model, false, `${s.pendingImport ?? 'The file'} could not be read; the model is unchanged. ${reason(message)}`);
    s.pendingImport = null;
  },
  [Action.DATA_CHOSEN](s, { names }) {
    s.busy = 'data';
    s.dataNote = `Reading ${names.join(', ')}…`;
    clearFileResult(s, FileWhere.data);
  },
  [Action.DATA_READ](s, { files, fallback }) {
    const sorted = classifyFiles(files, fallback);
    if (!sorted.ok) userDataFailed(s, sorted.message);
    else send(s, P.dataReplace(sorted.sets)); // the worker checks every file before it replaces anything
  },
  [Action.DATA_UNREADABLE](s, { message }) {
    userDataFailed(s, message);
  },
  [Action.DRAWINGS_FILES](s, { op, ok, count = 0, names = [], message = '' }) {
    const drawings = `${formatInt(count)} drawing${count === 1 ? '' : 's'}`;
    let text;
    if (op === 'export') text = ok ? `Saved your ${drawings} to your downloads as ${names.join(' and ')}.` : `Your drawings could not be exported. ${reason(message)}`;
    else text = ok ? `Added ${drawings} from ${names.join(', ')}.` : `${names.join(', ') || 'The files'} could not be imported. ${reason(message)}`;
    fileResult(s, FileWhere.drawings, ok, text);
  },
};

/** What an import from the model card brought: a weights file's counters, or a safetensors or Keras file's weights only. */
function importedText({ name, totalSteps, epochs, fromKeras }) {
  if (fromKeras) return `Imported ${name}, a Keras model: training goes on from its weights; Adam's state starts afresh.`;
  if (/\.safetensors$/i.test(name)) return `Imported ${name}: its weights only (a .safetensors file keeps no optimizer or counters), so training starts afresh from them.`;
  const trained = totalSteps ? `${formatInt(totalSteps)} steps, ${formatInt(epochs)} epoch${epochs === 1 ? '' : 's'} trained` : 'not trained yet';
  return `Imported ${name}: ${trained}. Train carries on from there.`;
}

/**
 * A new training set: the augment setting becomes the one kept for it (own data: off until the
 * user turns it on; see augment-policy.js), the form shows it and the trainer gets it.
 */
function followDataSet(s, key) {
  if (!s.settings || !('augment' in s.settings)) return;
  if (s.dataSet === MNIST) s.mnistAugment = s.settings.augment;
  s.dataSet = key;
  const augment = augmentFor(key, s.augmentChoices, s.mnistAugment);
  s.dataSetNote = augment ? '' : OFF_FOR_OWN_DATA;
  if (augment === s.settings.augment) return;
  s.settings = { ...s.settings, augment };
  s.settingsRevision += 1;
  if (s.settingsValid) send(s, P.configure(s.settings));
}
