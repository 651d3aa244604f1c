// Helpers for the reducer's handlers (www/state/*.js). A handler gets `s`, a fresh shallow copy
// of the state, and changes it only by replacing its fields (never by mutating the values it
// shares with the previous state); what must happen outside goes into `s.effects`.
import * as P from '../protocol.js';
import { emaStart } from '../metrics.js';
import { Effect } from './events.js';

export const effect = (s, type, fields = {}) => s.effects.push({ type, ...fields });
export const send = (s, message) => effect(s, Effect.SEND, { message });

/** `retry`: what the alert's button does ('data': download again, 'reload', null: none). */
export function showError(s, message, retry, kind = retry) {
  s.error = { message, retry, kind };
}

/** Clears the error, or only an error of this kind. */
export function clearError(s, kind) {
  if (!s.error || (kind && s.error.kind !== kind)) return;
  s.error = null;
}

/** Asks for a prediction of the pad's drawing (none for an empty pad). */
export function requestPrediction(s) {
  if (!s.pad.current) return;
  s.pad = { ...s.pad, pending: s.pad.current };
  pumpPrediction(s);
}

/** At most one request in flight: a fast drawer gets the newest drawing, not a backlog. */
export function pumpPrediction(s) {
  const pad = s.pad;
  if (pad.inFlight || !pad.pending || !s.workerReady) return;
  const id = pad.seq + 1;
  s.pad = { ...pad, seq: id, pending: null, inFlight: true };
  send(s, P.predict(id, Float32Array.from(pad.pending))); // a copy to transfer; the pad keeps its own
}

/** Saves the chart history (and the per-epoch history) beside the saved model (the worker saves the model itself). */
export function keepCharts(s) {
  if (s.totalSteps > 0) effect(s, Effect.CHARTS_KEEP, { tab: s.tab, totalSteps: s.totalSteps, history: s.history });
}

/** The charts, scores and counters belonged to the model that was reset or replaced. */
export function forgetHistory(s) {
  effect(s, Effect.CHARTS_RESET);
  s.evaluation = { estimate: NaN, full: null };
  s.rate = [];
  s.smoothed = { loss: emaStart(), accuracy: emaStart() };
  s.progress = null;
  s.learningRate = NaN;
  s.restored = null;
  s.testAccuracy = NaN;
  s.bestTest = { full: null, estimate: null };
  s.marks = [];
  s.keptAt = -1; // a new history: its steps are not kept yet (state/runs.js)
  s.history = [];
}

/** The user's files were refused: the data already loaded stays in use (said beside the files). */
export function userDataFailed(s, message) {
  s.busy = null;
  s.dataNote = 'The data already loaded is still in use.';
  fileResult(s, FileWhere.data, false, `Your data was not loaded: ${sentence(message)}`);
}

/** Ends a message with one full stop. */
export const sentence = (text) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** The core's reason as a sentence of its own: one full stop, and a capital first unless it starts with a name (`notes.txt`). */
export const reason = (text) => sentence(String(text).replace(/^[a-z](?=[a-z]*(?:[\s:,;]|$))/, (c) => c.toUpperCase()));

/**
 * The controls whose file results show beside them: the model card's Export / Import, the "Your
 * own data" card's files and drop zone, Your drawings' Export / Import, "Use a pretrained model".
 */
export const FileWhere = Object.freeze({ model: 'model', data: 'data', drawings: 'drawings', pretrained: 'pretrained' });

/** Keeps a file result beside the control at `where` (a new object each time: a repeat is news too). */
export function fileResult(s, where, ok, text) {
  s.fileResults = { ...s.fileResults, [where]: { ok, text } };
}

/** Forgets the result at `where` (a new attempt starts there). */
export function clearFileResult(s, where) {
  if (!s.fileResults[where]) return;
  const { [where]: _gone, ...rest } = s.fileResults;
  s.fileResults = rest;
}
