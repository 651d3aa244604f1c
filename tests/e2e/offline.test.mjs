// End-to-end: the built app works offline after one visit (issue 13, point 1). A production build
// served by `vite preview`, Debian's Chromium: the first visit installs the service worker and
// keeps MNIST; then the browser context goes offline, the page reloads from the caches, loads
// MNIST, trains and reads a drawn digit; a new build deployed over it is picked up on the next
// visit with a note. Also: the web app manifest and its icon, and the page's
// gzip size before the data (the app shell without the wasm, and the wasm, reported apart).
// The preview serves the COOP/COEP headers that cross-origin isolation needs (issue 11 adds them
// to vite.config.js): pages and files served from the caches keep them, so the page offline is
// still cross-origin isolated.
//
//   node --test tests/e2e/offline.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { ON_DEMAND_PATH } from '../../www/offline-cache.js';
import { dataComplete, drawStroke, launchBrowser, openReady, previewBuild, ROOT, waitForState, watch } from './helpers.mjs';

const SHELL_BUDGET = 150_000; // bytes, gzipped: everything the page loads before the data, but the wasm

async function filesUnder(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath ?? entry.path, entry.name));
  }
  return out;
}

/** Presses "Use a pretrained model" and waits until the page says its accuracy. */
async function loadPretrained(page) {
  await page.waitForFunction(() => !document.querySelector('[data-testid=load-pretrained]').disabled, null, { timeout: 60_000 });
  await page.getByTestId('load-pretrained').click();
  await page.waitForFunction(() => /99\.\d\d % on the MNIST test set/.test(document.querySelector('[data-testid=pretrained-note]').textContent), null, {
    timeout: 60_000,
  });
}

/** Export for Keras: the download's name and its first bytes (a zip). HDF5's code is fetched on demand the first time. */
async function exportKeras(page) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('export-keras').click()]);
  const bytes = await readFile(await download.path());
  return { name: download.suggestedFilename(), zip: bytes.subarray(0, 2).toString('latin1') === 'PK' };
}

test('the built app: installable, and offline after one visit it loads, trains, reads a digit and loads the pretrained model', { timeout: 300_000 }, async (t) => {
  const { port, outDir, close: stopServer } = await previewBuild();
  const { context, close } = await launchBrowser();
  t.after(async () => {
    await close();
    await stopServer();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const url = `http://127.0.0.1:${port}/`;

  await t.test('the page before the data: gzip size of the app shell, and of the wasm', async () => {
    const sizes = { shell: 0, wasm: [], onDemand: 0 };
    for (const file of await filesUnder(outDir)) {
      const name = relative(outDir, file);
      // The data, and the pretrained model (fetched only when its button is pressed), come later.
      if (name.startsWith('data/') || name.startsWith('pretrained/')) continue;
      const gz = gzipSync(await readFile(file), { level: 9 }).length;
      if (name.startsWith(ON_DEMAND_PATH)) sizes.onDemand += gz; // loaded when used (HDF5 for .keras files)
      else if (name.endsWith('.wasm')) sizes.wasm.push(gz);
      else sizes.shell += gz;
    }
    t.diagnostic(`gzip: app shell ${(sizes.shell / 1000).toFixed(1)} kB; wasm ${sizes.wasm.map((b) => `${(b / 1000).toFixed(1)} kB`).join(' / ')} (one of the builds loads: relaxed SIMD, SIMD128 or scalar); on demand ${(sizes.onDemand / 1000).toFixed(1)} kB`);
    assert.ok(sizes.shell <= SHELL_BUDGET, `the app shell is ${sizes.shell} bytes gzipped`);
  });

  await t.test('first visit: the manifest, the service worker, MNIST kept', async () => {
    const problems = watch(page, port);
    await openReady(page, url);
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    const manifest = await page.evaluate(async () => {
      const href = document.querySelector('link[rel=manifest]').href;
      const m = await (await fetch(href)).json();
      const icon = await fetch(new URL(m.icons[0].src, href));
      return { name: m.name, display: m.display, start: m.start_url, iconType: icon.headers.get('content-type'), iconOk: icon.ok };
    });
    assert.deepEqual(manifest, { name: 'MNIST trainer', display: 'standalone', start: './', iconType: 'image/svg+xml', iconOk: true });
    await page.waitForFunction(async () => Boolean((await navigator.serviceWorker.ready).active && navigator.serviceWorker.controller), null, {
      timeout: 30_000,
    });
    // The page keeps each MNIST file once it has all of it.
    await page.waitForFunction(async () => (await (await caches.open('mnist-data-v1')).keys()).length === 4, null, { timeout: 30_000 });
    await page.waitForFunction(() => /^Works offline/.test(document.querySelector('[data-testid=offline-note]').textContent), null, {
      timeout: 10_000,
    });
    // The pretrained model, once fetched online, is kept too (checked offline below), and so is
    // the code loaded on demand (HDF5, for .keras files), once used.
    await loadPretrained(page);
    assert.deepEqual(await exportKeras(page), { name: 'mnist.keras', zip: true });
    assert.deepEqual(problems, []);
  });

  await t.test('offline: reload, MNIST from the cache, train, draw', async () => {
    await context.setOffline(true);
    const problems = watch(page, port);
    await page.reload();
    assert.match(await page.title(), /MNIST/);
    assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'the cached page keeps its headers');
    await dataComplete(page);
    await waitForState(page, 'ready');
    assert.match(await page.locator('#data-text').textContent(), /70,000 images ready/);
    await page.getByTestId('train-size').fill('1000');
    await page.getByTestId('epochs').fill('1');
    await page.getByTestId('train').click();
    await waitForState(page, 'done');
    assert.ok(Number((await page.locator('#step').textContent()).replace(/,/g, '')) > 0);
    await drawStroke(page, [[0.5, 0.18], [0.5, 0.82]]);
    await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent !== '', null, { timeout: 10_000 });
    await loadPretrained(page);
    assert.deepEqual(await exportKeras(page), { name: 'mnist.keras', zip: true }, 'HDF5 from the kept copy');
    assert.equal(await page.evaluate(() => navigator.onLine), false, 'the browser really was offline');
    assert.deepEqual(problems, []); // what a reload cancels is not counted (helpers.mjs, watch)
    await context.setOffline(false);
  });

  await t.test('a new version: picked up on the next visit online, with a note; the shell before stays one version', async () => {
    const before = await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('mnist-shell-')));
    // Deploy a changed page over the old files (as a static host would: old hashed files stay).
    const changed = { name: 'changed-page', transformIndexHtml: (html) => html.replace('</body>', '<!-- v2 --></body>') };
    await build({
      root: ROOT,
      configFile: join(ROOT, 'vite.config.js'),
      logLevel: 'warn',
      plugins: [changed],
      build: { outDir, emptyOutDir: false },
    });
    const problems = watch(page, port);
    await page.reload();
    await waitForState(page, 'ready');
    await page.waitForFunction(() => /new version/.test(document.querySelector('[data-testid=offline-note]').textContent), null, { timeout: 30_000 });
    assert.equal(await page.locator('[data-testid=offline-note]').textContent(), 'A new version of this page was installed; it is kept for offline use.');
    const after = await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('mnist-shell-')));
    assert.equal(after.length, 2, `this version's shell and the one before: ${after}`);
    assert.ok(after.includes(before[0]) && after.some((k) => !before.includes(k)));
    assert.match(await page.evaluate(() => document.documentElement.outerHTML), /<!-- v2 -->/, 'the page is the new one');
    assert.deepEqual(problems, []);
  });
});
