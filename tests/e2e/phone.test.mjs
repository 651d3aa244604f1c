// End-to-end on a phone (issue 13, point 2): a 390x844 viewport with touch (hasTouch, isMobile,
// so `pointer: coarse` matches), on the dev server with Debian's Chromium (shares helpers.mjs).
// Every visible control is at least 44x44 CSS px (a checkbox or radio with its label), nothing
// scrolls the page sideways, a sticky bar keeps the status, progress and Train / Pause on screen
// while the page scrolls, its Draw link brings the pad in view in one tap, a finger draws on the
// pad, and the confusion matrix scrolls inside its card.
//
//   node --test tests/e2e/phone.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openReady, startApp, waitForState, watch } from './helpers.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

/** Visible controls smaller than 44x44 CSS px: `[name, width, height]`. */
const smallTargets = (page) =>
  page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('button, input, select, textarea, summary, a[href], [tabindex]')) {
      // A checkbox, radio or hidden file input is hit through its label.
      const target = el.matches('input[type=checkbox], input[type=radio], input[type=file]') && el.labels?.[0] ? el.labels[0] : el;
      const r = target.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue; // not shown
      if (el.matches('.skip-link')) continue; // off screen until focused (its size is checked below)
      if (r.width < 44 || r.height < 44) out.push([el.id || el.getAttribute('data-testid') || el.tagName, Math.round(r.width), Math.round(r.height)]);
    }
    return out;
  });

/** A finger stroke on the pad through Chrome's touch events (points: fractions of its side). */
async function touchStroke(page, points) {
  const box = await page.getByTestId('draw-pad').boundingBox();
  const at = ([fx, fy]) => ({ x: box.x + fx * box.width, y: box.y + fy * box.height });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(points[0])] });
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1], points[i]];
    for (let k = 1; k <= 8; k++) {
      const p = [a[0] + ((b[0] - a[0]) * k) / 8, a[1] + ((b[1] - a[1]) * k) / 8];
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(p)] });
    }
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

test('on a phone with touch', { timeout: 300_000 }, async (t) => {
  const { port, page, close } = await startApp(PHONE);
  t.after(close);
  const problems = watch(page, port);
  await openReady(page, `http://127.0.0.1:${port}/`);
  const bar = page.getByTestId('run-bar');
  const inView = (locator) =>
    locator.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= -0.5 && r.bottom <= innerHeight + 0.5 && r.height > 0;
    });

  await t.test('a touch screen: every control is at least 44x44 px; nothing scrolls sideways', async () => {
    assert.equal(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), true);
    assert.deepEqual(await smallTargets(page), []);
    await page.locator('#stats-help summary').tap(); // open: its contents count too
    assert.deepEqual(await smallTargets(page), []);
    const skip = await page.locator('.skip-link').evaluate((el) => [el.offsetWidth, el.offsetHeight]);
    assert.ok(skip[0] >= 44 && skip[1] >= 44, `skip link ${skip}`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no sideways scrolling');
  });

  await t.test('the sticky bar: status, progress and Pause stay on screen while the page scrolls', async () => {
    await page.getByTestId('train-size').fill('2000');
    await page.getByTestId('epochs').fill('2');
    await page.getByTestId('bar-train').tap();
    await waitForState(page, 'training');
    for (const y of [1500, 3000, 100_000]) {
      await page.evaluate((to) => window.scrollTo(0, to), y);
      await page.waitForTimeout(100);
      assert.ok(await inView(bar), `the bar at scroll ${y}`);
      assert.ok(await inView(page.getByTestId('status')));
      assert.ok(await inView(page.getByTestId('bar-progress')));
      assert.ok(await inView(page.getByTestId('bar-pause')));
    }
    assert.ok(await page.getByTestId('bar-pause').isEnabled());
    assert.ok(await page.evaluate(() => window.scrollY > 1000), 'the page did scroll');
  });

  await t.test('the pad is one tap away, and a finger draws on it', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByTestId('bar-pad').tap();
    await page.waitForTimeout(300);
    const [pad, barBox] = await Promise.all([page.getByTestId('draw-pad').boundingBox(), bar.boundingBox()]);
    assert.ok(pad.y >= barBox.y + barBox.height - 1, 'not under the sticky bar');
    assert.ok(pad.y + pad.height <= 844, 'the whole pad on screen');
    const before = await page.evaluate(() => window.scrollY);
    await touchStroke(page, [[0.5, 0.18], [0.5, 0.82]]);
    await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent !== '', null, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.scrollY), before, 'drawing does not scroll the page');
  });

  await t.test('the confusion matrix scrolls inside its card', async () => {
    await waitForState(page, 'done');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=confusion-matrix] td').length > 0, null, { timeout: 60_000 });
    const m = await page.getByTestId('matrix-scroll').evaluate((el) => {
      const card = el.closest('.card').getBoundingClientRect();
      const r = el.getBoundingClientRect();
      return { scroll: el.scrollWidth, client: el.clientWidth, inside: r.left >= card.left && r.right <= card.right, table: el.firstElementChild.offsetWidth };
    });
    t.diagnostic(JSON.stringify(m));
    assert.ok(m.scroll > m.client, 'wider than its box: it scrolls');
    assert.ok(m.inside, 'its box stays inside the card');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'the page does not scroll sideways');
  });

  assert.deepEqual(problems, []);
});
