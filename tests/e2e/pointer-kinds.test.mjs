// The pad reads a digit drawn with a finger or a pen exactly like one drawn with a mouse: the
// same path sent as mouse, touch and pen input (Chromium's DevTools input events, which go
// through hit testing, touch-action and pointer-event generation like real devices) gives the
// same 28x28 input and a prediction, and a finger drawing does not scroll the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openReady, readPreview, startApp, watch } from './helpers.mjs';

// A "7" (fractions of the pad's side), densified to one event every ~2 % of the side.
const SEVEN = [
  [0.25, 0.25],
  [0.72, 0.25],
  [0.45, 0.8],
];
function densify(points, step = 0.02) {
  const out = [points[0]];
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1];
    const [x1, y1] = points[i];
    const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / step));
    for (let k = 1; k <= n; k++) out.push([x0 + ((x1 - x0) * k) / n, y0 + ((y1 - y0) * k) / n]);
  }
  return out;
}
const PATH = densify(SEVEN);

/** Sends the path over the pad as one stroke of `kind`: 'mouse' | 'pen' | 'touch'. */
async function drawAs(cdp, box, kind) {
  const at = ([fx, fy]) => ({ x: box.x + fx * box.width, y: box.y + fy * box.height });
  const last = PATH.length - 1;
  for (const [i, p] of PATH.entries()) {
    const { x, y } = at(p);
    if (kind === 'touch') {
      const type = i === 0 ? 'touchStart' : 'touchMove';
      await cdp.send('Input.dispatchTouchEvent', { type, touchPoints: [{ x, y, id: 1, radiusX: 4, radiusY: 4, force: 1 }] });
      if (i === last) await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    } else {
      const common = { x, y, button: 'left', pointerType: kind };
      if (i === 0) await cdp.send('Input.dispatchMouseEvent', { ...common, type: 'mouseMoved', buttons: 0 });
      const type = i === 0 ? 'mousePressed' : 'mouseMoved';
      await cdp.send('Input.dispatchMouseEvent', { ...common, type, buttons: 1, clickCount: i === 0 ? 1 : 0 });
      if (i === last) await cdp.send('Input.dispatchMouseEvent', { ...common, type: 'mouseReleased', buttons: 0, clickCount: 1 });
    }
  }
}

const meanAbsDiff = (a, b) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

test('a finger or a pen draws like a mouse, and a finger does not scroll the page', { timeout: 180_000 }, async () => {
  const app = await startApp();
  try {
    const { page } = app;
    const problems = watch(page, app.port);
    await openReady(page, app.url);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });

    const pad = page.getByTestId('draw-pad');
    // Leave room above the pad so a page scroll by the finger would show.
    await pad.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    const box = await pad.boundingBox();
    const previews = {};
    const scroll = {};
    for (const kind of ['mouse', 'touch', 'pen']) {
      await page.evaluate(() => document.getElementById('clear-pad').click());
      await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent === '');
      const before = await page.evaluate(() => window.scrollY);
      await drawAs(cdp, box, kind);
      await page.waitForFunction(() => /^\d$/.test(document.querySelector('[data-testid=prediction]').textContent), null, {
        timeout: 20_000,
      });
      scroll[kind] = (await page.evaluate(() => window.scrollY)) - before;
      previews[kind] = await readPreview(page);
    }
    const ink = previews.mouse.reduce((s, v) => s + v, 0);
    assert.ok(ink > 30, `the mouse drawing reached the network's input (ink ${ink.toFixed(1)})`);
    for (const kind of ['touch', 'pen']) {
      const d = meanAbsDiff(previews.mouse, previews[kind]);
      assert.ok(d < 0.01, `${kind} input matches the mouse's (mean |difference| ${d.toFixed(4)})`);
      assert.equal(scroll[kind], 0, `drawing with ${kind} does not scroll the page`);
    }
    assert.deepEqual(problems, []);
  } finally {
    await app.close();
  }
});
