// Issue 22, "focus where the hand is", in Chromium against the dev server: after each action
// that disables or removes the control that had focus (Import model… while it reads a file, "Clear
// earlier runs", "Use a pretrained model", teaching with "It's a …", deleting a drawing, the
// not-learning notice's fix), done from the keyboard, focus is on the next sensible control
// (www/views/dom.js handOffFocus), never on the page's body. Also issue 22's failed run: a run
// that does not learn says so, and its one-click fix restarts at the default rate.
//
//   node --test tests/e2e/focus.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawStroke, openReady, startApp, waitForState, watch } from './helpers.mjs';

/** Where focus is: the element's id, or a description when it has none. */
const focused = (page) =>
  page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return 'body';
    return a.id || `${a.tagName.toLowerCase()}${a.getAttribute('aria-label') ? `[${a.getAttribute('aria-label')}]` : ''}`;
  });

/** Focuses `locator`, presses Enter, and waits until focus has settled on `expected` (never the body). */
async function pressAndExpect(page, locator, expected, settled = async () => {}) {
  await locator.focus();
  await page.keyboard.press('Enter');
  await settled();
  await page
    .waitForFunction((want) => {
      const a = document.activeElement;
      const label = a?.getAttribute('aria-label');
      return a && a !== document.body && (a.id || `${a.tagName.toLowerCase()}${label ? `[${label}]` : ''}`) === want;
    }, expected, { timeout: 15_000 })
    .catch(async () => assert.fail(`focus is on ${await focused(page)}, not ${expected}`));
  assert.notEqual(await focused(page), 'body');
}

test('focus lands on the next sensible control after each action, never on the body', { timeout: 300_000 }, async (t) => {
  const { port, page, close } = await startApp();
  t.after(close);
  const problems = watch(page, port);
  await openReady(page, `http://127.0.0.1:${port}/`);

  await t.test('an import error: said beside the model card\'s Import, focus stays on Import', async () => {
    // Import is disabled while the worker reads the file; focus comes back to it after.
    await page.getByTestId('import-weights').focus(); // where the file chooser leaves it
    await page.getByTestId('import-weights').setInputFiles({ name: 'bad.weights', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model') });
    await page.waitForFunction(() => document.querySelector('[data-testid=model-file-result]').dataset.kind === 'error');
    await page.waitForFunction(() => !document.querySelector('[data-testid=import-weights]').disabled);
    assert.equal(await focused(page), 'import-weights');
    assert.equal(await page.getByTestId('error').isHidden(), true, 'not in the banner far above');
  });

  await t.test('"Clear earlier runs": on Train, for the next run', async () => {
    await page.getByTestId('train-size').fill('320');
    await page.getByTestId('epochs').fill('1');
    await page.getByTestId('train').click();
    await waitForState(page, 'done');
    await page.getByTestId('reset').click();
    await page.getByTestId('reset-confirm').click();
    await page.waitForSelector('[data-testid=past-runs]:not([hidden])');
    await page.waitForFunction(() => !document.querySelector('[data-testid=train]').disabled, null, { timeout: 10_000 });
    await pressAndExpect(page, page.getByTestId('clear-runs'), 'train');
  });

  await t.test('"Use a pretrained model": on the pad, to try it', async () => {
    await pressAndExpect(page, page.getByTestId('load-pretrained'), 'draw-pad');
    await page.waitForFunction(() => /99\.\d\d % on the MNIST test set/.test(document.querySelector('[data-testid=pretrained-note]').textContent), null, { timeout: 60_000 });
    assert.equal(await focused(page), 'draw-pad', 'still there once it is loaded');
  });

  await t.test('teaching with "It\'s a …": on the pad, to draw the next one', async () => {
    for (const n of [1, 2]) {
      await drawStroke(page, [
        [0.5, 0.15],
        [0.5, 0.85],
      ]);
      const button = page.getByRole('button', { name: "It's a 1" });
      await page.waitForFunction(() => !document.querySelector('[data-digit="1"]').disabled, null, { timeout: 10_000 });
      await pressAndExpect(page, button, 'draw-pad');
      await page.waitForFunction(() => document.querySelector('[data-testid=teach-status]').dataset.state !== 'learning', null, { timeout: 60_000 });
      await page.waitForFunction((k) => document.querySelectorAll('[data-testid=my-drawings] > li').length === k, n, { timeout: 10_000 });
    }
  });

  await t.test('deleting a drawing: on the Delete of the one now in its place, then on the panel', async () => {
    const summary = page.locator('#my-drawings-panel > summary');
    await summary.focus();
    await page.keyboard.press('Enter'); // opens the panel
    await pressAndExpect(page, page.getByRole('button', { name: 'Delete drawing 1' }), 'button[Delete drawing 1]', () =>
      page.waitForFunction(() => document.querySelectorAll('[data-testid=my-drawings] > li').length === 1, null, { timeout: 10_000 }),
    );
    await pressAndExpect(page, page.getByRole('button', { name: 'Delete drawing 1' }), 'summary', () =>
      page.waitForFunction(() => document.querySelectorAll('[data-testid=my-drawings] > li').length === 0, null, { timeout: 10_000 }),
    );
  });

  await t.test('a run that does not learn says so; its fix by keyboard restarts at the default rate, focus kept', async () => {
    await page.getByTestId('reset').click();
    await page.getByTestId('reset-confirm').click();
    // A learning rate of 1 kills the network within its first steps (natively: 11.35 % on test).
    await page.getByTestId('learning-rate').fill('1');
    await page.getByTestId('train-size').fill('6400');
    await page.getByTestId('augment').uncheck();
    await page.waitForFunction(() => !document.querySelector('[data-testid=train]').disabled, null, { timeout: 10_000 });
    await page.getByTestId('train').click();
    await waitForState(page, 'done');
    assert.match(await page.locator('#status-text').textContent(), /^Not learning/);
    const notice = page.getByTestId('not-learning');
    assert.ok(await notice.isVisible());
    assert.match(await notice.textContent(), /The likely cause is the learning rate \(1\.0\)/);
    await pressAndExpect(page, page.getByTestId('restart-default-rate'), 'pause', () => waitForState(page, 'training'));
    assert.equal(await page.getByTestId('learning-rate').inputValue(), '0.008');
    assert.ok(await notice.isHidden());
    await waitForState(page, 'done');
    assert.match(await page.locator('#status-text').textContent(), /^Done · /);
  });

  assert.deepEqual(problems, []);
});
