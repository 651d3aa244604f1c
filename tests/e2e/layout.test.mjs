// End-to-end on desktop screens (issue 22, point 1): at 1366x768 and 1024x768, wherever a chart
// is in view, a run button is on screen with it: Train, enabled, before a run; Pause while one
// goes on. "On screen" means inside the viewport and the topmost element at its centre (not
// under another box), found by elementFromPoint. The charts, the pad and the test-set card sit
// without a big empty gap between them.
//
//   node --test tests/e2e/layout.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openReady, startApp, waitForState, watch } from './helpers.mjs';

const VIEWPORTS = [
  { width: 1366, height: 768 },
  { width: 1024, height: 768 },
];
const CHARTS = ['loss-chart', 'accuracy-chart'];
const RUN_BUTTONS = ['bar-train', 'bar-pause', 'train', 'pause'];

/**
 * Scrolls `chart` into view (`block`: where in the window), then says whether the chart is wholly
 * in the viewport and uncovered at its centre, and which run buttons are visible, uncovered and
 * in the viewport, with their state.
 */
const look = (page, chart, block) =>
  page.evaluate(
    ([chartId, blockAt, ids]) => {
      const el = document.querySelector(`[data-testid=${chartId}]`);
      el.scrollIntoView({ block: blockAt, behavior: 'instant' });
      const onTop = (node) => {
        const r = node.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) return false;
        // (1 px of slack: a box aligned with the window's edge may end a fraction of a pixel past it)
        if (r.top < -1 || r.left < -1 || r.bottom > innerHeight + 1 || r.right > innerWidth + 1) return false;
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return hit !== null && (hit === node || node.contains(hit));
      };
      const r = el.getBoundingClientRect();
      const chartShown = onTop(el);
      const box = { top: r.top, bottom: r.bottom, innerHeight };
      const buttons = ids
        .map((id) => document.querySelector(`[data-testid=${id}]`))
        .filter(onTop)
        .map((b) => ({ id: b.dataset.testid, label: b.textContent.trim(), disabled: b.disabled }));
      return { chartShown, box, buttons, scrollY };
    },
    [chart, block, RUN_BUTTONS],
  );

/** Every chart position in every viewport: the run button the test needs (`want`) is on screen. */
async function everyChart(page, t, want) {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    for (const chart of CHARTS) {
      for (const block of ['start', 'center', 'end']) {
        const seen = await look(page, chart, block);
        const where = `${viewport.width}x${viewport.height}, ${chart} scrolled to its ${block} (y ${Math.round(seen.scrollY)})`;
        assert.ok(seen.chartShown, `${where}: the chart is in view: ${JSON.stringify(seen.box)}`);
        assert.ok(seen.buttons.some(want), `${where}: a run button on screen: ${JSON.stringify(seen.buttons)}`);
      }
    }
    t.diagnostic(`${viewport.width}x${viewport.height}: ok`);
  }
}

test('desktop: Train or Pause beside the charts', { timeout: 300_000 }, async (t) => {
  const { port, page, close } = await startApp({ viewport: VIEWPORTS[0] });
  t.after(close);
  const problems = watch(page, port);
  await openReady(page, `http://127.0.0.1:${port}/`);

  await t.test('before a run: Train, enabled, wherever a chart is in view', async () => {
    assert.equal(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), false);
    await everyChart(page, t, (b) => /^Train/.test(b.label) && !b.disabled);
  });

  await t.test('the charts, the pad and the test set: no big empty gap between them', async () => {
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      const boxes = await page.evaluate(() =>
        Object.fromEntries(
          ['.chart-card.accuracy', '.pad-card', '.eval-card'].map((sel) => {
            const r = document.querySelector(sel).getBoundingClientRect();
            return [sel, { top: r.top + scrollY, bottom: r.bottom + scrollY }];
          }),
        ),
      );
      const above = Math.max(boxes['.chart-card.accuracy'].bottom, boxes['.pad-card'].bottom);
      const gap = boxes['.eval-card'].top - above;
      t.diagnostic(`${viewport.width}: the test set starts ${Math.round(gap)} px below the charts and the pad`);
      assert.ok(gap >= 0 && gap < 300, `the test-set card follows the charts and pad (gap ${gap} px)`);
    }
  });

  await t.test('during a run: Pause, wherever a chart is in view', async () => {
    await page.getByTestId('train-size').fill('10000');
    await page.getByTestId('epochs').fill('3');
    await page.getByTestId('bar-train').click();
    await waitForState(page, 'training');
    await everyChart(page, t, (b) => b.label === 'Pause' && !b.disabled);
    await page.getByTestId('bar-pause').click();
    await waitForState(page, 'paused');
  });

  assert.deepEqual(problems, []);
});
