// The reducer's handlers for the user's files: exporting and importing the model, and bringing
// IDX data of their own (sorted into sets here, checked by the worker before it replaces any).
import * as P from '../protocol.js';
import { FromWorker } from '../protocol.js';
import { classifyFiles } from '../user-files.js';
import { MNIST, OFF_FOR_OWN_DATA, augmentFor, dataSetKey } from '../augment-policy.js';
import { Action, Effect } from './events.js';
import { clearError, effect, forgetHistory, requestPrediction, send, showError, userDataFailed } from './draft.js';

const EXPORT_NAMES = Object.freeze({ weights: 'mnist-model.weights', safetensors: 'mnist-model.safetensors', keras: 'mnist.keras', tfjs: 'mnist-tfjs.zip' });

export const fileHandlers = {
  [FromWorker.EXPORTED](s, m) {
    effect(s, Effect.SAVE_FILE, { bytes: m.bytes, name: EXPORT_NAMES[m.format] ?? 'mnist-model.bin' });
  },
  [FromWorker.IMPORTED](s, m) {
    s.busy = null;
    clearError(s, 'import');
    clearError(s, 'train');
    forgetHistory(s);
    s.totalSteps = m.progress.totalSteps;
    s.imported = { name: s.pendingImport ?? 'a file', totalSteps: m.progress.totalSteps, epochs: m.progress.epoch ?? 0, ...(m.fromKeras && { fromKeras: true }) };
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
  },
  [Action.IMPORT_READ](s, { bytes }) {
    send(s, P.importModel(bytes));
  },
  [Action.IMPORT_UNREADABLE](s, { message }) {
    s.busy = null;
    showError(s, `${s.pendingImport ?? 'The file'} could not be read: ${message}`, null, 'import');
    s.pendingImport = null;
  },
  [Action.DATA_CHOSEN](s, { names }) {
    s.busy = 'data';
    s.dataNote = `Reading ${names.join(', ')}…`;
  },
  [Action.DATA_READ](s, { files, fallback }) {
    const sorted = classifyFiles(files, fallback);
    if (!sorted.ok) userDataFailed(s, sorted.message);
    else send(s, P.dataReplace(sorted.sets)); // the worker checks every file before it replaces anything
  },
  [Action.DATA_UNREADABLE](s, { message }) {
    userDataFailed(s, message);
  },
};

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
