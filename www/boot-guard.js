// The page never hangs silently on "Starting…". index.html loads this module before main.js, and it
// imports nothing but browser-support.js (which imports nothing), so it runs even when main.js's
// module graph does not: a module that throws while it is evaluated (as uPlot did in WebKitGTK, on
// a "C" locale), or a script that cannot be fetched, leaves no code of ours to report it.
//
// Until main.js says the trainer is ready (`started()`), it collects start errors (window `error`,
// including scripts that failed to load, and `unhandledrejection`). It reports a failure at once
// when main.js's modules fail before main.js has taken over (`onStartFailure`), and otherwise when
// the trainer is not ready after READY_WITHIN_MS, unless the page already shows an error of its own
// (a worker that failed, the worker's `init` error: the reducer words those). While main.js runs,
// the report goes through its handler (the reducer shows it, with Reload); before, the guard fills
// the alert itself, with a Retry that reloads.
import { missingFeatures, unsupportedText } from './browser-support.js';

export const READY_WITHIN_MS = 20_000;

const isScript = (target) => typeof target?.tagName === 'string' && target.tagName.toUpperCase() === 'SCRIPT';

/** A start error event (window `error`, `unhandledrejection`) as a short phrase. */
export function errorReason(event) {
  const target = event?.target;
  // A script that could not be fetched: the event is the element's, not an exception.
  if (isScript(target)) return `${target.src || 'a script'} could not be loaded`;
  const err = event?.error ?? event?.reason;
  if (err && typeof err === 'object' && typeof err.message === 'string') return err.name ? `${err.name}: ${err.message}` : err.message;
  if (typeof event?.message === 'string' && event.message) return event.message;
  return err === undefined ? 'an unknown error' : String(err);
}

/**
 * What the page says when the trainer did not start: the missing features, when some are (the most
 * likely cause, and the one a person can act on), else what failed (`reasons`, first first) or that
 * it took longer than `waitedMs`.
 */
export function startFailureText({ missing = [], reasons = [], waitedMs = null }) {
  if (missing.length) return unsupportedText(missing);
  const unique = [...new Set(reasons)];
  const what = unique.length ? unique.slice(0, 3).join('; ') : `it was not ready after ${Math.round(waitedMs / 1000)} seconds`;
  return `The trainer did not start: ${what}. Reload to try again; if it fails again, this browser may lack something the trainer needs (a current Chrome, Edge, Firefox or Safari 16.4 or later works).`;
}

/**
 * The guard over `win` (a window; tests pass fakes): `{ started, onStartFailure }`.
 * `started()`: the trainer is ready; `onStartFailure(report)`: main.js takes over the reporting
 * (`report(text)`; `started()` afterwards means the report was premature, main.js clears it).
 */
export function guard(win, { readyWithinMs = READY_WITHIN_MS, missing = () => missingFeatures(win) } = {}) {
  const reasons = [];
  let ready = false;
  let report = null; // main.js's, once it runs
  let shown = false;

  const fail = () => {
    if (ready || shown) return;
    const doc = win.document;
    if (doc.getElementById('status')?.dataset.state === 'error') return; // the page says it already
    shown = true;
    const text = startFailureText({ missing: missing(), reasons, waitedMs: readyWithinMs });
    if (report) return report(text);
    doc.getElementById('error-text').textContent = text;
    doc.getElementById('error').hidden = false;
    doc.getElementById('status').dataset.state = 'error';
    doc.getElementById('status-text').textContent = 'Could not start';
    const retry = doc.getElementById('retry');
    retry.textContent = 'Retry';
    retry.hidden = false;
    retry.addEventListener('click', () => win.location.reload());
  };
  const onError = (event) => {
    // Capturing also sees images and other elements that failed to load: only scripts stop the start.
    if (typeof event?.target?.tagName === 'string' && !isScript(event.target)) return;
    reasons.push(errorReason(event));
    if (!report) fail(); // main.js's modules did not all evaluate: nothing else will say so
  };
  const timer = win.setTimeout(fail, readyWithinMs);
  win.addEventListener('error', onError, true); // capture: a <script> that failed to load does not bubble
  win.addEventListener('unhandledrejection', onError);

  return {
    started() {
      ready = true;
      win.clearTimeout(timer);
      win.removeEventListener('error', onError, true);
      win.removeEventListener('unhandledrejection', onError);
    },
    onStartFailure(fn) {
      report = fn;
    },
  };
}

const boot = typeof window === 'object' && typeof document === 'object' ? guard(window) : null;

/** main.js: the trainer is ready (the worker said READY). */
export const started = () => boot?.started();
/** main.js, once its views can show an error: report start failures through `fn(text)`. */
export const onStartFailure = (fn) => boot?.onStartFailure(fn);
