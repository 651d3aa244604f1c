// The reducer's handlers for MNIST's download and the worker's data status, and for errors: the
// worker's ERROR (told apart by where it happened and by the error's `name`, never its wording),
// a download that failed, a worker that did not start, Retry and Dismiss. A file's result (an
// import or export, success or error) is kept by `where` its control is (`fileResult`) and shown
// beside that control (views/file-results-view.js), not in the banner.
import { FromWorker } from '../protocol.js';
import { ErrorName } from '../errors.js';
import { Action, Effect } from './events.js';
import { FileWhere, clearError, effect, fileResult, reason, sentence, showError, userDataFailed } from './draft.js';

const STORAGE_FULL =
  "This browser's storage is full, so the model could not be saved. Training goes on, and the model saved before stays kept. " +
  'Free some space (for example, clear the data of sites you no longer need) and the model is saved again at the next epoch or pause.';

const DIVERGED_ADVICE = 'The weights from before that step are kept; lower the learning rate (a tenth, say) and press Resume.';

function workerError(s, m) {
  switch (m.where) {
    case 'init':
      showError(s, `The trainer could not start: ${m.message}`, 'reload');
      break;
    case 'data': {
      const set = m.set === 'train' ? 'training' : 'test';
      effect(s, Effect.LOADER_FAIL, { set: m.set, message: `The MNIST ${set} data could not be read: ${m.message}` });
      break;
    }
    case 'storage':
      if (m.name === 'QuotaExceededError') {
        s.storageNote = 'Storage full: the model could not be saved; the one saved before is kept.';
        showError(s, STORAGE_FULL, null, 'storage');
      } else {
        s.storageNote = `The model could not be saved in this browser: ${sentence(m.message)}`;
      }
      break;
    case 'import':
      s.busy = null;
      {
      const what = s.importFrom === FileWhere.pretrained ? 'The pretrained model' : (s.pendingImport ?? 'The file');
      fileResult(s, s.importFrom, false, `${what} was not imported; the model is unchanged. ${reason(m.message)}`);
      }
      s.pendingImport = null;
      break;
    case 'export':
      fileResult(s, FileWhere.model, false, `The model could not be exported. ${reason(m.message)}`);
      break;
    case 'user-data':
      userDataFailed(s, m.message);
      break;
    case 'teach':
      showError(s, `Your drawings could not be used: ${m.message}`, null, 'teach');
      break;
    case 'predict':
      s.pad = { ...s.pad, inFlight: false };
      showError(s, `Prediction failed: ${m.message}`, null, 'train');
      break;
    default:
      if (m.name === ErrorName.diverged) {
        // Not a crash: the worker paused with the weights from before the bad step.
        showError(s, `Training stopped: ${sentence(m.message)} ${DIVERGED_ADVICE}`, null, 'diverged');
      } else if (m.name === ErrorName.settings && m.field) {
        // The page checks first, so this means its limits and the core's disagree: show it at the field.
        s.settingsErrors = { ...s.settingsErrors, [m.field]: m.message };
        showError(s, `The trainer did not accept the settings: ${m.message}`, null, 'settings');
      } else {
        showError(s, `Training stopped: ${m.message}`, null, 'train');
      }
  }
}

export const noticeHandlers = {
  [FromWorker.ERROR]: workerError,
  [FromWorker.SAVED](s) {
    s.storageNote = '';
    clearError(s, 'storage');
  },
  [FromWorker.DATA_STATUS](s, m) {
    s.dataStatus = m.status;
  },
  [FromWorker.FILE_DONE](s, m) {
    effect(s, Effect.LOADER_VERIFIED, { set: m.set, file: m.file });
  },

  [Action.DOWNLOAD_PROGRESS](s, { loaded, total, done, bytes }) {
    s.download = { loaded, total, done, bytes };
  },
  [Action.DOWNLOAD_FAILED](s, { set, message, failures }) {
    // Every file that failed, not only the last one (the banner names each, ui-state.js words it).
    s.downloadFailures = failures?.length ? failures : [{ set, file: null, why: message }];
    showError(s, message, 'data');
  },
  [Action.WORKER_FAILED](s, { message }) {
    showError(s, `The training worker failed to start${message ? `: ${message}` : ''}.`, 'reload');
  },
  [Action.START_FAILED](s, { message }) {
    showError(s, message, 'reload', 'start'); // READY clears it: the start was slow, not broken
  },
  [Action.RETRY](s) {
    if (s.error?.retry === 'reload') {
      effect(s, Effect.RELOAD);
      return;
    }
    clearError(s);
    s.downloadFailures = []; // the failed sets are fetched again whole
    effect(s, Effect.LOADER_RETRY);
  },
  [Action.DISMISS](s) {
    clearError(s);
  },
  [Action.OFFLINE](s, { status }) {
    if (s.offline === 'updated' && status === 'offline-ready') return; // the update's note stays
    s.offline = status;
  },
};
