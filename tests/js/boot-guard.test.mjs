// The boot guard (www/boot-guard.js): its wording, and when it speaks, over a fake window and
// fake timers. The real page's failures (a module that throws, a worker or wasm that does not
// load) are made on purpose in tests/e2e/boot.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorReason, guard, startFailureText } from '../../www/boot-guard.js';
import { unsupportedText } from '../../www/browser-support.js';

test('a missing feature is named first, as a person would act on it', () => {
  assert.equal(
    startFailureText({ missing: ['WebAssembly'], reasons: ['TypeError: x'] }),
    'This browser has no WebAssembly, which the trainer needs. Please use a current version of Chrome, Edge, Firefox or Safari (16.4 or later).',
  );
  assert.match(unsupportedText(['Web Workers', 'Pointer Events', 'DecompressionStream (gzip)']), /^This browser has no Web Workers, Pointer Events and DecompressionStream \(gzip\),/);
});

test('otherwise what failed, each reason once, or how long it waited', () => {
  const text = startFailureText({ reasons: ['RangeError: Incorrect locale information provided', 'RangeError: Incorrect locale information provided'] });
  assert.equal(text.match(/RangeError/g).length, 1);
  assert.match(text, /^The trainer did not start: RangeError: Incorrect locale information provided\. Reload/);
  assert.match(startFailureText({ waitedMs: 20_000 }), /^The trainer did not start: it was not ready after 20 seconds\./);
});

test('error events in words: exceptions, rejections, scripts that did not load', () => {
  assert.equal(errorReason({ error: new RangeError('bad tag'), message: 'Uncaught RangeError: bad tag' }), 'RangeError: bad tag');
  assert.equal(errorReason({ reason: new TypeError('no') }), 'TypeError: no');
  assert.equal(errorReason({ reason: 'plain' }), 'plain');
  assert.equal(errorReason({ message: 'Script error.' }), 'Script error.');
  assert.equal(errorReason({ target: { tagName: 'SCRIPT', src: 'http://x/www/main.js' } }), 'http://x/www/main.js could not be loaded');
  assert.equal(errorReason({}), 'an unknown error');
});

/** A window with listeners, one timer and the alert's elements. */
function fakeWindow() {
  const listeners = new Map();
  const el = () => ({ textContent: '', hidden: true, dataset: {}, clicks: [], addEventListener(_, fn) { this.clicks.push(fn); } });
  const elements = { status: el(), 'status-text': el(), error: el(), 'error-text': el(), retry: el() };
  const win = {
    reloads: 0,
    timer: null,
    location: { reload: () => (win.reloads += 1) },
    document: { getElementById: (id) => elements[id] ?? null },
    setTimeout: (fn) => ((win.timer = fn), 1),
    clearTimeout: () => (win.timer = null),
    addEventListener: (type, fn) => listeners.set(type, fn),
    removeEventListener: (type) => listeners.delete(type),
    fire: (type, event) => listeners.get(type)?.(event),
    listening: () => [...listeners.keys()],
  };
  return { win, elements };
}

test('an error before main.js took over is shown at once, with a Retry that reloads', () => {
  const { win, elements } = fakeWindow();
  guard(win, { missing: () => [] });
  win.fire('error', { error: new RangeError('Incorrect locale information provided') });
  assert.equal(elements.error.hidden, false);
  assert.match(elements['error-text'].textContent, /did not start: RangeError: Incorrect locale/);
  assert.equal(elements.status.dataset.state, 'error');
  assert.equal(elements['status-text'].textContent, 'Could not start');
  assert.equal(elements.retry.hidden, false);
  elements.retry.clicks[0]();
  assert.equal(win.reloads, 1);
  win.fire('error', { error: new Error('second') });
  assert.equal(elements.retry.clicks.length, 1, 'shown once');
});

test('an image that failed to load is not a failed start', () => {
  const { win, elements } = fakeWindow();
  guard(win, { missing: () => [] });
  win.fire('error', { target: { tagName: 'IMG', src: 'x.png' } });
  assert.equal(elements.error.hidden, true);
});

test('once main.js reports: errors wait for the deadline, which goes through its report', () => {
  const { win, elements } = fakeWindow();
  const g = guard(win, { missing: () => [], readyWithinMs: 20_000 });
  const reports = [];
  g.onStartFailure((text) => reports.push(text));
  win.fire('unhandledrejection', { reason: new TypeError('IndexedDB is closed') });
  assert.deepEqual(reports, [], 'an error alone does not stop a running start');
  win.timer();
  assert.equal(reports.length, 1);
  assert.match(reports[0], /did not start: TypeError: IndexedDB is closed\./);
  assert.equal(elements.error.hidden, true, 'main.js shows it, not the guard');
});

test('the deadline names missing features; ready in time, or an error the page shows, keeps it quiet', () => {
  const missing = fakeWindow();
  guard(missing.win, { missing: () => ['module Web Workers'] });
  missing.win.timer();
  assert.match(missing.elements['error-text'].textContent, /^This browser has no module Web Workers,/);

  const ready = fakeWindow();
  const g = guard(ready.win, { missing: () => [] });
  g.started();
  assert.equal(ready.win.timer, null, 'the deadline is cleared');
  assert.deepEqual(ready.win.listening(), [], 'and the listeners removed');

  const shown = fakeWindow();
  const reports = [];
  guard(shown.win, { missing: () => [] }).onStartFailure((t) => reports.push(t));
  shown.elements.status.dataset.state = 'error'; // e.g. the worker's init error, worded by the reducer
  shown.win.timer();
  assert.deepEqual(reports, []);
});
