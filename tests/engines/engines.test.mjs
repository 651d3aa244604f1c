// The page in three browser engines, each driven through plain WebDriver (webdriver.mjs): Chromium
// (chromedriver), Firefox (geckodriver) and WebKit (WebKitWebDriver + MiniBrowser under Xvfb).
// The page first becomes ready as Vite's dev server serves it; then one production build, served by
// `vite preview` (COOP/COEP from vite.config.js) and shared, for the rest. The engines run one after
// another (2 cores). In each: the page becomes ready; 6,000 images train for
// one epoch on the automatic worker count to ≥ 90 % test accuracy; a drawn digit is read; a reload
// resumes the kept model (same steps, score and prediction); and, where the engine has service
// workers, the page works offline after that visit: the server is stopped, the page reloads from
// the caches, is ready and reads a digit. Each engine's timings are printed.
//
//   node --test tests/engines/                 all three
//   ENGINES=webkit node --test tests/engines/  some (comma-separated: chromium,firefox,webkit)
//   WD_DEBUG=1                                 the drivers' logs on stderr
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp, freePort, servePreview, startDevServer } from '../e2e/helpers.mjs';
import { RELAXED_SIMD_PROBE } from '../../www/browser-support.js';
import { ENGINES, Session, missingTools, startDriver } from './webdriver.mjs';

const chosen = (process.env.ENGINES || Object.keys(ENGINES).join(',')).split(',').map((e) => e.trim()).filter(Boolean);
for (const e of chosen) if (!ENGINES[e]) throw new Error(`ENGINES: unknown engine ${e} (known: ${Object.keys(ENGINES).join(', ')})`);

const READY_WITHIN = 90_000; // the bar for a cold start
const TRAIN_WITHIN = 300_000; // one epoch of 6,000 images and the 10,000-image test on a loaded machine
const STROKE = [[0.5, 0.15], [0.5, 0.85]]; // a "1", in fractions of the pad's side

// ---- what the tests read from the page (function bodies, run by WebDriver) ---------------------------
const STATE = `return document.querySelector('[data-testid=status]').dataset.state;`;
const READ = `
  const text = (id) => document.querySelector('[data-testid=' + id + ']')?.textContent.trim() ?? '';
  return {
    state: document.querySelector('[data-testid=status]').dataset.state,
    status: text('status'),
    error: document.querySelector('[data-testid=error]').hidden ? '' : text('error'),
    accuracy: text('test-accuracy'),
    steps: document.getElementById('step').textContent,
    workers: text('workers-training'),
    isolated: self.crossOriginIsolated === true,
    sharedMemory: typeof SharedArrayBuffer === 'function',
    serviceWorker: 'serviceWorker' in navigator,
    controlled: Boolean(navigator.serviceWorker?.controller),
    build: text('build-info'),
  };`;
// Whether this engine validates relaxed SIMD's f32x4.relaxed_madd (www/browser-support.js's probe).
const RELAXED = `return WebAssembly.validate(new Uint8Array(arguments[0]));`;

/** Waits for one of `states` of the status; fails at once, with the page's words, on 'error'. */
async function waitForState(s, states, timeout) {
  const end = Date.now() + timeout;
  for (;;) {
    const page = await s.exec(READ);
    if (states.includes(page.state)) return page;
    if (page.state === 'error') throw new Error(`the page shows an error: ${page.error} (status: ${page.status})`);
    if (Date.now() > end) throw new Error(`not ${states.join('/')} after ${timeout / 1000} s: ${JSON.stringify(page)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Sets settings fields as typing would (the form reads `input` events). */
function setFields(s, values) {
  return s.exec(
    `for (const [id, value] of Object.entries(arguments[0])) {
       const el = document.querySelector('[data-testid=' + id + ']');
       el.value = value;
       el.dispatchEvent(new Event('input', { bubbles: true }));
       el.dispatchEvent(new Event('change', { bubbles: true }));
     }`,
    [values],
  );
}

/**
 * Draws `points` (fractions of the pad) with WebDriver Actions (a mouse: pointer events in the page,
 * as a person's), after clearing the pad; then the settled prediction `{ digit, probs }`.
 */
async function drawAndRead(s) {
  await s.exec(`document.getElementById('clear-pad').click();`);
  const box = await s.exec(`
    const pad = document.querySelector('[data-testid=draw-pad]');
    pad.scrollIntoView({ block: 'center' });
    const r = pad.getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };`);
  const at = ([fx, fy]) => ({ x: Math.round(box.x + fx * box.w), y: Math.round(box.y + fy * box.h) });
  const [from, to] = STROKE.map(at);
  const moves = Array.from({ length: 12 }, (_, i) => ({
    type: 'pointerMove',
    origin: 'viewport',
    duration: 16,
    x: Math.round(from.x + ((to.x - from.x) * (i + 1)) / 12),
    y: Math.round(from.y + ((to.y - from.y) * (i + 1)) / 12),
  }));
  await s.actions([
    {
      type: 'pointer',
      id: 'mouse',
      parameters: { pointerType: 'mouse' },
      actions: [{ type: 'pointerMove', origin: 'viewport', duration: 0, ...from }, { type: 'pointerDown', button: 0 }, ...moves, { type: 'pointerUp', button: 0 }],
    },
  ]);
  await s.request('DELETE', '/actions');
  // Settled: the shown probabilities unchanged for 400 ms (the pad predicts as it is drawn).
  let last = null;
  let since = Date.now();
  const end = Date.now() + 20_000;
  for (;;) {
    const now = await s.exec(`return {
      digit: document.querySelector('[data-testid=prediction]').textContent,
      probs: [...document.querySelectorAll('[data-testid=probabilities] > *')].map((li) => Number(li.dataset.prob)),
    };`);
    const key = JSON.stringify(now);
    if (key !== last) {
      last = key;
      since = Date.now();
    } else if (now.digit !== '' && Date.now() - since >= 400) return now;
    if (Date.now() > end) throw new Error(`no settled prediction for the drawing: ${key}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Reloads as a person does (location.reload). Not WebDriver's Refresh: in Firefox that bypasses
 * the service worker, as Shift+Reload does, so the page would not be controlled.
 */
async function reload(s) {
  await s.exec(`window.__beforeReload = true; setTimeout(() => location.reload(), 0);`);
  await s.waitFor(`return !window.__beforeReload && document.readyState === 'complete';`, { timeout: 60_000, what: 'the reloaded page' });
}

const accuracyOf = (text) => Number(text.match(/(\d+(?:\.\d+)?)\s*%/)?.[1]);

async function runEngine(t, engine, outDir, devUrl) {
  const timings = {};
  let mark = Date.now();
  const phase = (name) => {
    timings[name] = (Date.now() - mark) / 1000;
    mark = Date.now();
  };
  const server = await servePreview(outDir);
  const url = `http://127.0.0.1:${server.port}/`;
  const driver = await startDriver(engine);
  let s = null;
  try {
    s = await Session.create(driver.port, ENGINES[engine].capabilities);
    await s.setTimeouts({ script: 30_000, pageLoad: 60_000 });
    phase('driver');

    // As `npm start` serves it (where WebKit once stalled), then the built app for the rest.
    await s.go(devUrl);
    await waitForState(s, ['ready'], READY_WITHIN);
    phase('dev ready');

    await s.go(url);
    const ready = await waitForState(s, ['ready'], READY_WITHIN);
    phase('ready');
    t.diagnostic(`${engine}: ready; cross-origin isolated ${ready.isolated}, SharedArrayBuffer ${ready.sharedMemory}; ${ready.build}`);
    assert.equal(ready.error, '');
    // The relaxed-SIMD build where the engine has relaxed SIMD, the SIMD128 one elsewhere.
    const relaxed = await s.exec(RELAXED, [[...RELAXED_SIMD_PROBE]]);
    assert.match(ready.build, relaxed ? /^WebAssembly SIMD with fused multiply-add/ : /^WebAssembly SIMD ·/);

    await setFields(s, { 'train-size': '6000', epochs: '1' });
    await s.exec(`document.querySelector('[data-testid=train]').click();`);
    await waitForState(s, ['training', 'done'], 30_000);
    const done = await waitForState(s, ['done'], TRAIN_WITHIN);
    const trained = await s.waitFor(`const t = document.querySelector('[data-testid=test-accuracy]').textContent.trim(); return t && t;`, {
      timeout: 60_000,
      what: 'the test accuracy',
    });
    phase('train');
    t.diagnostic(`${engine}: ${trained} test accuracy after ${done.steps} steps; ${done.workers}`);
    assert.ok(accuracyOf(trained) >= 90, `test accuracy ${trained}`);

    const drawn = await drawAndRead(s);
    phase('draw');
    t.diagnostic(`${engine}: the drawn "1" reads as ${drawn.digit} (p = ${Math.max(...drawn.probs).toFixed(3)})`);
    assert.equal(drawn.probs.length, 10);
    assert.ok(Math.abs(drawn.probs.reduce((a, p) => a + p, 0) - 1) < 0.01, 'the probabilities are a distribution');

    await reload(s);
    const again = await waitForState(s, ['ready'], READY_WITHIN);
    const restored = await s.waitFor(`return document.querySelector('[data-testid=test-accuracy]').textContent.trim();`, { timeout: 30_000, what: 'the restored score' });
    assert.equal(again.steps, done.steps, 'the kept model carries its steps');
    assert.equal(restored, trained, 'and its score');
    const redrawn = await drawAndRead(s);
    assert.equal(redrawn.digit, drawn.digit, 'the restored model reads the drawing the same');
    for (let d = 0; d < 10; d++) assert.ok(Math.abs(redrawn.probs[d] - drawn.probs[d]) < 0.01, `p(${d}) ${redrawn.probs[d]} vs ${drawn.probs[d]}`);
    phase('reload');

    if (!again.serviceWorker) {
      t.diagnostic(`${engine}: offline skipped: this engine has no navigator.serviceWorker`);
    } else {
      // Kept after this visit: the worker controls the page and MNIST is in its cache.
      await s.waitFor(`return /^Works offline/.test(document.querySelector('[data-testid=offline-note]').textContent) && Boolean(navigator.serviceWorker.controller);`, {
        timeout: 60_000,
        what: 'the service worker to control the page and say it works offline',
      });
      await server.close(); // offline, the same way in every engine: nothing answers any more
      await reload(s);
      const offline = await waitForState(s, ['ready'], READY_WITHIN);
      assert.equal(offline.controlled, true, 'served by the service worker');
      assert.equal(offline.steps, done.steps, 'the kept model, offline');
      assert.equal((await drawAndRead(s)).digit, drawn.digit);
      phase('offline');
    }
  } finally {
    await s?.quit().catch(() => {});
    driver.stop();
    await server.close();
  }
  return timings;
}

test('three engines through plain WebDriver: ready, train 6,000 images, draw, reload, offline', { timeout: 1_800_000 }, async (t) => {
  const started = Date.now();
  const app = await buildApp();
  t.after(() => app.remove());
  const devPort = await freePort();
  const dev = await startDevServer(devPort);
  t.after(() => dev.close());
  t.diagnostic(`build: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const summary = [];
  for (const engine of chosen) {
    await t.test(engine, { timeout: 900_000 }, async (st) => {
      const missing = missingTools(engine);
      assert.deepEqual(missing, [], `${engine} needs ${missing.join(', ')}: run bash scripts/setup.sh`);
      const t0 = Date.now();
      const timings = await runEngine(st, engine, app.outDir, `http://127.0.0.1:${devPort}/`);
      const parts = Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(1)} s`);
      const line = `${engine}: ${((Date.now() - t0) / 1000).toFixed(1)} s (${parts.join(', ')})`;
      summary.push(line);
      st.diagnostic(line);
    });
  }
  for (const line of summary) t.diagnostic(line);
  t.diagnostic(`total: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
