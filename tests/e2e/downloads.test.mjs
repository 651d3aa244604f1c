// End-to-end: MNIST downloads that fail say what happened (issue 13, point 7). Playwright routes
// block data files on the dev server: the banner names each file that failed and why, the
// caption says how many images are usable (not a byte count that looks complete), the status
// says "Download failed", and Retry fetches what is missing once the files come through again.
//
//   node --test tests/e2e/downloads.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataComplete, startApp, waitForState, watch } from './helpers.mjs';

const WHY = 'the connection failed or was interrupted';
const bannerText = (page) => page.locator('#error-text').textContent();

/** The page's problems, less the failures this test causes on purpose. */
const unexpected = (problems) =>
  problems.filter((p) => !/\/data\/[\w-]+\.gz/.test(p) && !/Failed to load resource/.test(p));

test('every data file blocked: each is named with its reason; Retry loads them', { timeout: 180_000 }, async (t) => {
  const { port, page, context, close } = await startApp();
  t.after(close);
  const problems = watch(page, port);
  const blocked = (route) => route.abort('blockedbyclient');
  await context.route('**/data/*.gz', blocked);
  await page.goto(`http://127.0.0.1:${port}/`);
  await waitForState(page, 'error');
  await page.waitForFunction(() => /4 MNIST files/.test(document.querySelector('#error-text').textContent), null, { timeout: 10_000 });
  assert.equal(await page.locator('#status-text').textContent(), 'Download failed');
  assert.equal(
    await bannerText(page),
    `4 MNIST files did not download: training labels (${WHY}); training images (${WHY}); test labels (${WHY}); test images (${WHY}). ` +
      'Nothing is usable yet. Retry fetches the missing files again.',
  );
  assert.equal(
    await page.locator('#data-text').textContent(),
    '0 of 70,000 images usable · training labels, training images, test labels and test images did not download',
  );
  assert.ok(await page.locator('#retry').isVisible());

  await context.unroute('**/data/*.gz', blocked);
  await page.locator('#retry').click();
  await dataComplete(page);
  await waitForState(page, 'ready');
  assert.ok(await page.locator('#error').isHidden());
  await page.waitForFunction(() => /70,000 images ready/.test(document.querySelector('#data-text').textContent), null, { timeout: 5000 });
  assert.deepEqual(unexpected(problems), []);
});

test('only the training images fail: the caption is not complete, the test set is usable', { timeout: 180_000 }, async (t) => {
  const { port, page, context, close } = await startApp();
  t.after(close);
  const problems = watch(page, port);
  const notFound = (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not here' });
  await context.route('**/data/train-images-idx3-ubyte.gz', notFound);
  await page.goto(`http://127.0.0.1:${port}/`);
  await waitForState(page, 'error');
  // The test set streams in meanwhile: what is usable grows to its 10,000 images.
  await page.waitForFunction(() => /^10,000 of 70,000 images usable/.test(document.querySelector('#data-text').textContent), null, {
    timeout: 60_000,
  });
  assert.equal(await page.locator('#data-text').textContent(), '10,000 of 70,000 images usable · training images did not download');
  await page.waitForFunction(() => /Usable now: 0 training and 10,000 test images/.test(document.querySelector('#error-text').textContent), null, {
    timeout: 10_000,
  });
  assert.equal(
    await bannerText(page),
    'An MNIST file did not download: training images (HTTP 404 Not Found). Usable now: 0 training and 10,000 test images. ' +
      'Training waits for the training set; the pad and its test digits work. Retry fetches the missing files again.',
  );
  assert.ok(await page.getByTestId('train').isDisabled(), 'nothing to train on');

  await context.unroute('**/data/train-images-idx3-ubyte.gz', notFound);
  await page.locator('#retry').click();
  await dataComplete(page);
  await waitForState(page, 'ready');
  assert.ok(await page.getByTestId('train').isEnabled());
  assert.deepEqual(unexpected(problems), []);
});
