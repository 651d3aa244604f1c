// End-to-end: the page never hangs silently on "Starting…" (issue 20, point 2). Starts that fail on
// purpose, through Playwright routes on the dev server: a module that throws while it is evaluated
// (as uPlot did in WebKitGTK under a "C" locale), the worker script that does not load, the wasm
// that does not load, and a worker that never says it is ready. Each time the alert says what
// failed and offers a Retry that reloads; a start that then works clears it.
//
//   node --test tests/e2e/boot.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, waitForState } from './helpers.mjs';

const CHARTS = (url) => url.pathname === '/www/charts.js';
const WORKER = (url) => url.pathname === '/www/worker.js';
const WASM = (url) => url.pathname.endsWith('.wasm');
/**
 * A route handler serving `body` in place of the file, with the server's headers (an isolated page
 * takes a worker only with COEP) but not kept: else the browser reuses the broken file after unroute.
 */
const replaceWith = (body) => async (route) => {
  const response = await route.fetch();
  await route.fulfill({ response, body, headers: { ...response.headers(), 'cache-control': 'no-store', etag: '' } });
};
const alertText = (page) => page.locator('#error-text').textContent();

test('a start that fails or stalls is said, with a Retry that reloads', { timeout: 240_000 }, async (t) => {
  const { url, page, context, close } = await startApp();
  t.after(close);

  await t.test('a module that throws while it is evaluated: the boot guard says so at once', async () => {
    const throwing = replaceWith("export class TrainingCharts {}\nthrow new RangeError('Incorrect locale information provided');");
    await context.route(CHARTS, throwing);
    await page.goto(url);
    await waitForState(page, 'error');
    assert.equal(await page.locator('#status-text').textContent(), 'Could not start');
    assert.match(await alertText(page), /^The trainer did not start: RangeError: Incorrect locale information provided\. Reload to try again/);
    assert.equal(await page.locator('#retry').textContent(), 'Retry');
    await context.unroute(CHARTS, throwing);
    await Promise.all([page.waitForEvent('load'), page.locator('#retry').click()]);
    await waitForState(page, 'ready');
    assert.ok(await page.locator('#error').isHidden());
  });

  await t.test('the worker script does not load: the page says the worker failed to start', async () => {
    const aborted = (route) => route.abort('failed');
    await context.route(WORKER, aborted);
    await page.goto(url);
    await waitForState(page, 'error');
    assert.match(await alertText(page), /^The training worker failed to start/);
    assert.equal(await page.locator('#retry').textContent(), 'Reload the page');
    await context.unroute(WORKER, aborted);
  });

  await t.test("the wasm does not load: the worker's init error is shown", async () => {
    const aborted = (route) => route.abort('failed');
    await context.route(WASM, aborted);
    await page.goto(url);
    await waitForState(page, 'error');
    assert.match(await alertText(page), /^The trainer could not start: /);
    assert.ok(await page.locator('#retry').isVisible());
    await context.unroute(WASM, aborted);
  });

  await t.test('a worker that never says READY: after 20 s the alert says so, and Retry reloads', { timeout: 90_000 }, async () => {
    const silent = replaceWith('self.onmessage = () => {};');
    await context.route(WORKER, silent);
    // The page's clock, not the test's wall time, runs the 20 s (Playwright's fake timers).
    await page.clock.install();
    await page.goto(url);
    await page.locator('#status-text').waitFor();
    // The page's clock also runs with real time until now (a slow load takes seconds of it), and
    // the guard started after the navigation: 19 s from the navigation is before its deadline.
    const sinceNavigation = await page.evaluate(() => performance.now());
    await page.clock.fastForward(Math.max(0, Math.floor(19_000 - sinceNavigation)));
    assert.notEqual(await page.evaluate(() => document.querySelector('[data-testid=status]').dataset.state), 'error', 'not before the deadline');
    await page.clock.fastForward(1_500);
    await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.state === 'error', null, { timeout: 20_000 });
    assert.match(await alertText(page), /^The trainer did not start: it was not ready after 20 seconds\./);
    assert.equal(await page.locator('#status-text').textContent(), 'Could not start');
    await context.unroute(WORKER, silent);
    await Promise.all([page.waitForEvent('load'), page.locator('#retry').click()]);
    await waitForState(page, 'ready');
    assert.ok(await page.locator('#error').isHidden());
  });
});
