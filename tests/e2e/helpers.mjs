// Shared set-up for the end-to-end files: Vite's dev server (or a production build under `vite
// preview`) on a free 127.0.0.1 port and Debian's Chromium through playwright-core, with a
// throwaway profile. (Not a test file: node --test only
// runs *.test.mjs here.)
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, createServer, preview } from 'vite';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * A main-thread task this long is a freeze a person feels (the page stops answering input), the
 * pass/fail bound of the e2e tests while training. The 50 ms "long task" of the browser's own
 * definition is printed beside it: on a slow or loaded 2-core machine a chart frame lands at 50-60
 * ms now and then, which is a figure to watch (`npm run bench:page-speed` measures the main
 * thread's task time), not a freeze.
 */
export const FREEZE_MS = 100;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
];

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * Chromium with a throwaway profile; `close()` ends it and removes the profile. `options`: more
 * context options (a phone: `{ viewport, hasTouch, isMobile, deviceScaleFactor }`).
 */
export async function launchBrowser(options = {}) {
  const userDataDir = await mkdtemp(join(tmpdir(), 'mnist-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1360, height: 1000 },
    acceptDownloads: true,
    ...options,
  });
  const close = async () => {
    await context.close().catch(() => {});
    await rm(userDataDir, { recursive: true, force: true });
  };
  return { context, close };
}

/**
 * The headers of a host that cannot isolate the page: no SharedArrayBuffer, so the compute
 * workers exchange gradients by postMessage (they override vite.config.js's COOP/COEP).
 */
export const NOT_ISOLATED = Object.freeze({
  'Cross-Origin-Opener-Policy': 'unsafe-none',
  'Cross-Origin-Embedder-Policy': 'unsafe-none',
});

/** Vite's dev server for the app on 127.0.0.1:`port`, listening (`headers` override the config's). */
export async function startDevServer(port, { headers } = {}) {
  const server = await createServer({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.js'),
    logLevel: 'warn',
    server: { host: '127.0.0.1', port, strictPort: true, ...(headers ? { headers } : {}) },
  });
  await server.listen();
  return server;
}

/** A production build in a fresh temporary folder: `{ outDir, remove }`. */
export async function buildApp() {
  const outDir = await mkdtemp(join(tmpdir(), 'mnist-dist-'));
  await build({ root: ROOT, configFile: join(ROOT, 'vite.config.js'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return { outDir, remove: () => rm(outDir, { recursive: true, force: true }) };
}

/** `vite preview` of the build in `outDir` (its headers from vite.config.js) on a free port: `{ port, close }`. */
export async function servePreview(outDir) {
  const port = await freePort();
  const server = await preview({ root: ROOT, configFile: join(ROOT, 'vite.config.js'), logLevel: 'warn', build: { outDir }, preview: { port, strictPort: true } });
  return { port, close: () => server.close().catch(() => {}) };
}

/**
 * A production build in a fresh temporary folder, served by `vite preview` on a free port:
 * `{ port, outDir, close }`; `close()` stops the server and removes the folder.
 */
export async function previewBuild() {
  const { outDir, remove } = await buildApp();
  const { port, close: stop } = await servePreview(outDir);
  const close = async () => {
    await stop();
    await remove();
  };
  return { port, outDir, close };
}

/** Vite's dev server and a Chromium page (`headers`: the dev server's, see startDevServer; the
 * other options: the browser context's, see launchBrowser); `close()` stops both. */
export async function startApp({ headers, ...options } = {}) {
  const port = await freePort();
  const server = await startDevServer(port, { headers });
  const browser = await launchBrowser(options);
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const close = async () => {
    await browser.close();
    await server.close().catch(() => {});
  };
  return { port, url: `http://127.0.0.1:${port}/`, context: browser.context, page, close };
}

/** Collects console errors, page errors, failed and third-party requests. */
export function watch(page, port) {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // A reload or navigation aborts what the old page (or its workers) still had in flight, such as a
  // compute worker fetching its wasm glue: that is the test navigating, not the app failing. Each
  // request remembers how many main-frame navigations had begun when it was made (one made before
  // this watch began, none).
  // A request made while a navigation is under way (begun, not yet committed) is the old page's
  // too: a compute worker of the page being left may start its fetch in that window.
  let navigations = 0;
  let committed = 0;
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) committed = navigations;
  });
  const madeDuring = new WeakMap();
  page.on('requestfailed', (r) => {
    const errorText = r.failure()?.errorText ?? '';
    if (errorText === 'net::ERR_ABORTED' && (madeDuring.get(r) ?? 0) < navigations) return;
    problems.push(`request failed: ${r.url()} ${errorText}`);
  });
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) navigations += 1;
    else madeDuring.set(r, committed < navigations ? navigations - 1 : navigations);
    const url = r.url();
    if (!url.startsWith(`http://127.0.0.1:${port}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      problems.push(`third-party request: ${url}`);
    }
  });
  return problems;
}

export const dataComplete = (page) =>
  page.waitForFunction(
    () => {
      const bar = document.querySelector('[data-testid=data-progress]');
      const max = Number(bar.getAttribute('aria-valuemax'));
      return max > 1 && Number(bar.getAttribute('aria-valuenow')) === max;
    },
    null,
    { timeout: 60_000 },
  );

export const waitForState = (page, ...states) =>
  page.waitForFunction((s) => s.includes(document.querySelector('[data-testid=status]').dataset.state), states, {
    timeout: 120_000,
  });

/** Opens `url` in `page` and waits until MNIST is in and the trainer is ready. */
export async function openReady(page, url) {
  await page.goto(url);
  await dataComplete(page);
  await waitForState(page, 'ready');
}

/**
 * Draws a polyline on the pad with real mouse events; points are fractions of the pad's side.
 * The pad is scrolled into view first, as a person would: mouse events outside the viewport
 * reach nothing (a closed dialog or a dismissed alert can leave the page scrolled elsewhere).
 */
export async function drawStroke(page, points) {
  const pad = page.getByTestId('draw-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  const at = ([fx, fy]) => [box.x + fx * box.width, box.y + fy * box.height];
  const [x0, y0] = at(points[0]);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (const p of points.slice(1)) {
    const [x, y] = at(p);
    await page.mouse.move(x, y, { steps: 12 });
  }
  await page.mouse.up();
}

/** The pad's 28x28 preview (what the network gets), as 784 intensities in [0, 1]. */
export async function readPreview(page) {
  return page.evaluate(() => {
    const data = document.querySelector('#preview').getContext('2d').getImageData(0, 0, 28, 28).data;
    return Array.from({ length: 784 }, (_, i) => data[4 * i] / 255);
  });
}

export async function readPrediction(page) {
  return page.evaluate(() => {
    const items = [...document.querySelectorAll('[data-testid=probabilities] > *')];
    return {
      digit: document.querySelector('[data-testid=prediction]').textContent,
      digits: items.map((li) => li.dataset.digit),
      probs: items.map((li) => Number(li.dataset.prob)),
    };
  });
}

/** Clicks Pause and waits until the status says paused (how long that takes: `npm run bench:pause`). */
export async function pause(page) {
  await page.getByTestId('pause').click();
  await waitForState(page, 'paused');
}
