// End-to-end: the class count is the data's (issue 17). A synthetic 26-class IDX set (class c: a
// bright 3x3 block in cell c of an 8x8 grid, plus noise), with a test set, replaces MNIST; the
// page says the model was rebuilt for 26 classes, the model card, the probabilities, the teach
// buttons and the confusion matrix follow with the typed class names, and one short epoch
// learns it far above chance (1/26).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawStroke, openReady, startApp, waitForState, watch } from './helpers.mjs';

const CLASSES = 26;
const LETTERS = Array.from({ length: CLASSES }, (_, c) => String.fromCharCode(65 + c));

/** `n` images of the block pattern as IDX images and labels files, labels cycling. */
function blocks(n, seed) {
  const images = Buffer.alloc(16 + n * 784);
  images.writeUInt32BE(2051, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(28, 8);
  images.writeUInt32BE(28, 12);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(2049, 0);
  labels.writeUInt32BE(n, 4);
  let state = seed;
  for (let i = 0; i < n; i++) {
    const c = (i * 7 + 3) % CLASSES;
    labels[8 + i] = c;
    const [cy, cx] = [2 + 3 * Math.floor(c / 8), 2 + 3 * (c % 8)];
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        const noise = state >>> 27; // 0-31
        const on = y >= cy && y < cy + 3 && x >= cx && x < cx + 3;
        images[16 + i * 784 + y * 28 + x] = on ? 255 - noise : noise;
      }
    }
  }
  return { images, labels };
}

const file = (name, buffer) => ({ name, mimeType: 'application/octet-stream', buffer });

test('a 26-class data set of ones own trains end to end', { timeout: 120_000 }, async () => {
  const app = await startApp();
  const { page } = app;
  try {
    const problems = watch(page, app.port);
    await openReady(page, app.url);
    assert.match(await page.getByTestId('model-classes').textContent(), /28×28 pixels in, 10 classes out/);

    const train = blocks(2600, 1);
    const testSet = blocks(520, 2);
    await page.locator('input[name=data-set][value=train]').check();
    await page.getByTestId('data-files').setInputFiles([
      file('letters-train-images-idx3-ubyte', train.images),
      file('letters-train-labels-idx1-ubyte', train.labels),
      file('letters-t10k-images-idx3-ubyte', testSet.images),
      file('letters-t10k-labels-idx1-ubyte', testSet.labels),
    ]);
    await page.waitForFunction(() => /26 classes, so the model was rebuilt/.test(document.querySelector('[data-testid=data-note]').textContent));
    assert.match(await page.getByTestId('model-classes').textContent(), /28×28 pixels in, 26 classes out/);
    assert.equal(await page.locator('[data-testid=model-layers] tbody tr').last().locator('td').first().textContent(), '26');
    await page.getByTestId('class-names').fill(LETTERS.join(','));
    await page.getByTestId('class-names').press('Tab');
    assert.equal(await page.locator('#class-names-msg').isHidden(), true);

    for (const [id, v] of Object.entries({ epochs: '1', 'batch-size': '32', 'learning-rate': '0.002', 'train-size': '2600' })) {
      await page.getByTestId(id).fill(v);
    }
    await page.getByTestId('train').click();
    await waitForState(page, 'done');
    await page.waitForFunction(() => document.querySelector('[data-testid=test-accuracy]').textContent !== '', null, { timeout: 30_000 });
    const accuracy = Number(await page.locator('[data-testid=confusion-matrix]').getAttribute('data-accuracy'));
    assert.ok(accuracy > 0.5, `26 classes, chance 3.8%: ${accuracy}`);
    assert.equal(await page.locator('[data-testid=confusion-matrix]').getAttribute('data-count'), '520');
    const heads = await page.locator('[data-testid=confusion-matrix] thead th').allTextContents();
    assert.deepEqual(heads.slice(1, -1), LETTERS);

    await drawStroke(page, [[0.2, 0.2], [0.3, 0.3]]);
    await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent !== '');
    const rows = await page.locator('[data-testid=probabilities] > *').evaluateAll((items) => items.map((li) => [li.dataset.digit, li.querySelector('.prob-digit').textContent]));
    assert.deepEqual(rows, LETTERS.map((name, c) => [String(c), name]));
    assert.ok(LETTERS.includes(await page.getByTestId('prediction').textContent()));
    const buttons = await page.locator('#teach-digits button').evaluateAll((bs) => bs.map((b) => [b.dataset.digit, b.textContent]));
    assert.deepEqual(buttons, LETTERS.map((name, c) => [String(c), name]));
    assert.deepEqual(problems, []);
  } finally {
    await app.close();
  }
});
