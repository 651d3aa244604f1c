// End-to-end: keep, move and bring models and data (issue 5), on Vite's dev server in Chromium.
//
// Trains a small model, then: a corrupt / truncated / foreign file is refused by Import with a
// message beside Import (in view, focus kept on Import) and the predictions stay exactly the
// same; Export → Reset (confirmed in the in-page dialog) → Import round-trips the predictions
// exactly, and so does the page's own .safetensors export (weights only); each result is said
// beside the control; the imported model survives a reload; malformed IDX files are refused with
// a message naming the file, beside the files, while MNIST still trains; a small IDX set of the
// user's own (gzipped) replaces the training set and trains; class names show up in the
// prediction and the confusion matrix. Keras (issue 19): Export for Keras and for TF.js
// download their files; a .keras of another network and a Keras 2 .h5 are refused with what
// differs, the model unchanged; the exported .keras, dropped on the drop zone, comes back with the
// same predictions, Adam afresh, and trains on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { crc32, gzipSync } from 'node:zlib';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { dataComplete, drawStroke, openReady, readPrediction, startApp, waitForState, watch } from './helpers.mjs';

const ONE = [[0.5, 0.18], [0.5, 0.82]];
const SETTINGS = { epochs: '1', 'batch-size': '32', 'learning-rate': '0.002', 'train-size': '640', 'validation-split': '0' }; // 20 steps, none held out

const idxImages = (n, fill = (i, j) => ((i * 31 + j * 7) % 256)) => {
  const b = Buffer.alloc(16 + n * 784);
  b.writeUInt32BE(2051, 0);
  b.writeUInt32BE(n, 4);
  b.writeUInt32BE(28, 8);
  b.writeUInt32BE(28, 12);
  for (let i = 0; i < n; i++) for (let j = 0; j < 784; j++) b[16 + i * 784 + j] = fill(i, j);
  return b;
};
const idxLabels = (labels) => {
  const b = Buffer.alloc(8 + labels.length);
  b.writeUInt32BE(2049, 0);
  b.writeUInt32BE(labels.length, 4);
  labels.forEach((l, i) => (b[8 + i] = l));
  return b;
};
const file = (name, buffer) => ({ name, mimeType: 'application/octet-stream', buffer });

/** Clears the pad, draws the same "1" and waits for its prediction. */
async function predictOne(page) {
  await page.getByTestId('clear-pad').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent === '');
  await drawStroke(page, ONE);
  await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent !== '');
  // The answer to the finished stroke: the view settles once no newer request is in flight.
  let last = null;
  for (let same = 0; same < 3; ) {
    await page.waitForTimeout(200);
    const now = await readPrediction(page);
    same = last && JSON.stringify(now) === JSON.stringify(last) ? same + 1 : 0;
    last = now;
  }
  return last;
}

/**
 * Does `act`, then waits for the file result beside `control` (the slot `[data-file-result=where]`)
 * and returns it: its text and kind, whether it is in the viewport, on top there, in the control's
 * card and within 200 px below it, whether the banner stayed hidden, and the focused element's id.
 */
async function resultBeside(page, where, control, act) {
  const slot = page.locator(`[data-file-result=${where}]`);
  await slot.evaluate((el) => el.replaceChildren()); // the previous result's text gone: wait for this one's
  await act();
  await page.waitForFunction((w) => document.querySelector(`[data-file-result=${w}]`).textContent !== '', where, { timeout: 20_000 });
  return slot.evaluate((el, id) => {
    const near = document.getElementById(id);
    const target = near.labels?.[0] ?? near;
    const [r, c] = [el.getBoundingClientRect(), target.getBoundingClientRect()];
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {
      text: el.textContent,
      kind: el.dataset.kind,
      live: el.getAttribute('role') === 'status',
      inView: r.top >= 0 && r.bottom <= innerHeight && r.height > 0,
      onTop: hit === el || el.contains(hit),
      sameCard: el.closest('.card, details') === target.closest('.card, details'),
      below: r.top - c.bottom,
      bannerHidden: document.querySelector('[data-testid=error]').hidden,
      focus: document.activeElement?.id || document.activeElement?.tagName,
    };
  }, control);
}

/** A result shown where it should be: beside its control, in view, announced, not in the banner. */
function assertBeside(r, kind, pattern) {
  assert.equal(r.kind, kind, r.text);
  assert.match(r.text, pattern, r.text);
  assert.ok(r.live, 'announced (role=status)');
  assert.ok(r.inView && r.onTop, `in view and uncovered: ${JSON.stringify(r)}`);
  assert.ok(r.sameCard && r.below >= -1 && r.below < 200, `beside its control: ${JSON.stringify(r)}`);
  assert.ok(r.bannerHidden, 'not in the banner');
  assert.notEqual(r.focus, 'BODY', 'focus is not dropped to the page');
}
const steps = async (page) => Number((await page.locator('#step').textContent()).replace(/\D/g, ''));

test('keep, move and bring models and data', { timeout: 300_000 }, async (t) => {
  const app = await startApp();
  const { page } = app;
  t.after(app.close);
  const problems = watch(page, app.port);

  await t.test('trains a small model', async () => {
    await openReady(page, app.url);
    for (const [id, v] of Object.entries(SETTINGS)) await page.getByTestId(id).fill(v);
    await page.getByTestId('train').click();
    await waitForState(page, 'done');
    assert.equal(await steps(page), 20);
  });

  let before;
  await t.test('Import refuses corrupt, truncated and foreign files; the model is unchanged', async () => {
    before = await predictOne(page);
    const weights = await exportFile(page, 'export-weights', 'mnist-model.weights');
    const cases = [
      file('garbage.weights', Buffer.from('this is not a weights file at all, just some text')),
      file('truncated.weights', weights.subarray(0, Math.floor(weights.length / 2))),
      file('flipped.weights', Buffer.concat([weights.subarray(0, 40), Buffer.from([weights[40] ^ 0xff]), weights.subarray(41)])),
      file('empty.weights', Buffer.alloc(0)),
    ];
    for (const f of cases) {
      await page.getByTestId('import-weights').focus(); // as after the file chooser closes
      const r = await resultBeside(page, 'model', 'import-weights', () => page.getByTestId('import-weights').setInputFiles(f));
      assertBeside(r, 'error', new RegExp(`^${f.name.replace('.', '\\.')} was not imported; the model is unchanged\\. [A-Z]`));
      assert.equal(r.focus, 'import-weights', 'focus stays on Import');
      assert.equal(await page.getByTestId('status').getAttribute('data-state'), 'done', 'a refused file stops nothing');
      assert.equal(await steps(page), 20);
      assert.deepEqual(await predictOne(page), before, `${f.name}: same predictions`);
    }
    // In people's words: what the file is not, not the format's magic bytes.
    await page.getByTestId('import-weights').focus();
    const words = await resultBeside(page, 'model', 'import-weights', () => page.getByTestId('import-weights').setInputFiles(cases[0]));
    assert.match(words.text, /Not a model file saved by this page \(a \.weights or \.safetensors file\)\./);
    assert.doesNotMatch(words.text, /MNWT/);
  });

  let exported;
  let safetensors;
  await t.test('Export safetensors downloads Keras-named tensors; Import accepts both kinds of file', async () => {
    assert.equal(await page.getByTestId('import-weights').getAttribute('accept'), '.weights,.safetensors,.keras,.h5');
    for (const id of ['data-files', 'import-drawings']) assert.match(await page.getByTestId(id).getAttribute('accept'), /\.gz.*\.ubyte/);
    const bytes = await exportFile(page, 'export-safetensors', 'mnist-model.safetensors');
    safetensors = bytes;
    await page.waitForFunction(() => /^Saved mnist-model\.safetensors to your downloads/.test(document.querySelector('[data-testid=model-file-result]').textContent));
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
    assert.deepEqual(header['conv2d/kernel'].shape, [3, 3, 1, 32]);
    assert.deepEqual(header['dense_1/kernel'].shape, [64, 10]);
  });

  let keras;
  await t.test('Export for Keras and for TF.js download a .keras and a TF.js zip', async () => {
    keras = await exportFile(page, 'export-keras', 'mnist.keras');
    const parts = unzipSync(new Uint8Array(keras));
    assert.deepEqual(Object.keys(parts).sort(), ['config.json', 'metadata.json', 'model.weights.h5']);
    assert.equal(JSON.parse(strFromU8(parts['config.json'])).class_name, 'Sequential');
    const tfjs = unzipSync(new Uint8Array(await exportFile(page, 'export-tfjs', 'mnist-tfjs.zip')));
    assert.deepEqual(Object.keys(tfjs).sort(), ['group1-shard1of1.bin', 'model.json']);
    assert.equal(tfjs['group1-shard1of1.bin'].length, 93_322 * 4);
  });

  await t.test('Reset asks first: Cancel (or Escape) keeps the model', async () => {
    exported = await exportFile(page, 'export-weights', 'mnist-model.weights');
    await page.getByTestId('reset').click();
    await page.waitForSelector('#reset-dialog[open]');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'reset-cancel', 'focus starts on Cancel');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#reset-dialog:not([open])', { state: 'attached' });
    await page.getByTestId('reset').click();
    await page.getByTestId('reset-cancel').click();
    assert.equal(await steps(page), 20);
    assert.deepEqual(await predictOne(page), before);
  });

  await t.test('export, reset, import: the predictions round-trip exactly', async () => {
    await page.getByTestId('reset').click();
    await page.getByTestId('reset-confirm').click();
    await page.waitForFunction(() => document.querySelector('#step').textContent === '0');
    assert.notDeepEqual((await predictOne(page)).probs, before.probs, 'a reset model answers differently');
    await page.getByTestId('import-weights').focus();
    const r = await resultBeside(page, 'model', 'import-weights', () => page.getByTestId('import-weights').setInputFiles(file('mnist-model.weights', exported)));
    assertBeside(r, 'ok', /^Imported mnist-model\.weights: 20 steps, 1 epoch trained\./);
    assert.equal(r.focus, 'import-weights');
    await page.waitForFunction(() => /Imported from mnist-model\.weights/.test(document.querySelector('#model-note').textContent));
    assert.equal(await steps(page), 20, 'counters come from the file');
    assert.deepEqual(await predictOne(page), before);
    await page.waitForFunction(() => document.querySelector('[data-testid=test-accuracy]').textContent !== '', null, {
      timeout: 60_000,
    });
  });

  await t.test('the imported model is kept across a reload, with the same predictions', async () => {
    await page.waitForTimeout(500); // the worker saves it to IndexedDB right after the import
    await page.reload();
    await dataComplete(page);
    await page.waitForFunction(() => /kept in this browser/.test(document.querySelector('#model-note').textContent));
    assert.equal(await steps(page), 20);
    assert.deepEqual(await predictOne(page), before);
    // The settings are kept too (localStorage; tests/e2e/settings.test.mjs covers them).
    for (const [id, v] of Object.entries(SETTINGS)) assert.equal(await page.getByTestId(id).inputValue(), v, id);
  });

  await t.test('the page\'s own .safetensors export imports back: the same predictions, counters at zero', async () => {
    await page.getByTestId('reset').click();
    await page.getByTestId('reset-confirm').click();
    await page.waitForFunction(() => document.querySelector('#step').textContent === '0');
    assert.notDeepEqual((await predictOne(page)).probs, before.probs, 'a reset model answers differently');
    await page.getByTestId('import-weights').focus();
    const r = await resultBeside(page, 'model', 'import-weights', () => page.getByTestId('import-weights').setInputFiles(file('mnist-model.safetensors', safetensors)));
    assertBeside(r, 'ok', /^Imported mnist-model\.safetensors: its weights only/);
    assert.deepEqual(await predictOne(page), before, 'the exported weights, exactly');
    assert.equal(await steps(page), 0, 'a safetensors file has no counters');
    // A damaged one is refused beside Import, the model unchanged.
    const cut = safetensors.subarray(0, safetensors.length - 4);
    await page.getByTestId('import-weights').focus();
    const refused = await resultBeside(page, 'model', 'import-weights', () => page.getByTestId('import-weights').setInputFiles(file('cut.safetensors', cut)));
    assertBeside(refused, 'error', /^cut\.safetensors was not imported; the model is unchanged\. /);
    assert.deepEqual(await predictOne(page), before);
  });

  await t.test('malformed IDX files are refused by name; MNIST stays loaded and trains', async () => {
    const bad = [
      [[file('train-labels-idx1-ubyte', idxLabels([1, 2, 99])), file('train-images-idx3-ubyte', idxImages(3))], /train-labels-idx1-ubyte.*99|99.*train-labels/i],
      [[file('train-labels-idx1-ubyte', idxLabels([1, 2])), file('train-images-idx3-ubyte', idxImages(3))], /train-images-idx3-ubyte|train-labels-idx1-ubyte/],
      [[file('train-labels.gz', gzipSync(idxLabels([1, 2, 3]))), file('train-images.gz', gzipSync(idxImages(3)).subarray(0, 200))], /train-images\.gz/],
      [[file('notes.txt', Buffer.from('hello world'))], /notes\.txt is not an IDX/],
      [[file('t10k-images-idx3-ubyte', idxImages(2).subarray(0, 900)), file('t10k-labels-idx1-ubyte', idxLabels([1, 2]))], /t10k-images-idx3-ubyte/],
    ];
    for (const [files, pattern] of bad) {
      await page.getByTestId('data-files').focus();
      const r = await resultBeside(page, 'data', 'data-files', () => page.getByTestId('data-files').setInputFiles(files));
      assertBeside(r, 'error', /^Your data was not loaded: /);
      assert.match(r.text, pattern, r.text);
      assert.equal(r.focus, 'data-files', 'focus stays on the files');
    }
    // The same through drag and drop onto the drop zone (a real DataTransfer holding Files).
    const dropped = await page.evaluateHandle(
      ([images, labels]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(images)], 'dropped-images-idx3-ubyte'));
        dt.items.add(new File([new Uint8Array(labels)], 'dropped-labels-idx1-ubyte'));
        return dt;
      },
      [[...idxImages(3)], [...idxLabels([1, 2, 99])]],
    );
    const r = await resultBeside(page, 'data', 'data-files', async () => {
      await page.dispatchEvent('#drop-zone', 'dragover', { dataTransfer: dropped });
      await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: dropped });
    });
    assertBeside(r, 'error', /^Your data was not loaded: /);
    assert.match(r.text, /dropped-labels-idx1-ubyte.*99|99.*dropped-labels/i, r.text);
    assert.match(await page.locator('#data-text').textContent(), /70,000 images ready/);
    await page.getByTestId('epochs').fill('2');
    await page.getByTestId('train-size').fill('60000'); // the kept 640 would end the run within seconds
    await page.getByTestId('train').click();
    await page.waitForFunction(() => Number(document.querySelector('#step').textContent.replace(/\D/g, '')) > 25, null, {
      timeout: 60_000,
    });
    await page.getByTestId('pause').click();
    await waitForState(page, 'paused');
  });

  await t.test('your own gzipped IDX set replaces the training set and trains; class names show', async () => {
    const n = 200;
    const labels = Array.from({ length: n }, (_, i) => i % 10);
    // Class k is a bright horizontal band at row 2k+4: easy to learn.
    const images = idxImages(n, (i, j) => (Math.floor(j / 28) === 2 * (i % 10) + 4 ? 255 : 0));
    await page.locator('input[name=data-set][value=train]').check();
    await page.getByTestId('data-files').setInputFiles([
      file('fashion-images.gz', gzipSync(images)),
      file('fashion-labels.gz', gzipSync(idxLabels(labels))),
    ]);
    await page.waitForFunction(() => /Now using your training set/.test(document.querySelector('[data-testid=data-note]').textContent));
    await page.waitForFunction(() => /10,200 images ready/.test(document.querySelector('#data-text').textContent));
    assert.equal(await page.getByTestId('error').isHidden(), true);
    // Augmentation follows the data set: off for data of one's own, the trainer told, and why.
    assert.equal(await page.getByTestId('augment').isChecked(), false);
    await page.waitForFunction(() => document.querySelector('#settings').dataset.appliedAugment === 'false');
    assert.match(await page.getByTestId('data-set-note').textContent(), /starts off for your own data/);
    const stepsBefore = await steps(page);
    await page.getByTestId('train-size').fill('200');
    await page.getByTestId('train').click();
    await page.waitForFunction((s) => Number(document.querySelector('#step').textContent.replace(/\D/g, '')) > s + 5, stepsBefore, {
      timeout: 60_000,
    });
    await page.getByTestId('pause').click();
    await waitForState(page, 'paused');

    const names = 'zero,one,two,three,four,five,six,seven,eight,nine';
    await page.getByTestId('class-names').fill(names);
    await page.getByTestId('class-names').press('Tab');
    const shown = await predictOne(page);
    assert.ok(names.split(',').includes(shown.digit), `the prediction shows a class name: ${shown.digit}`);
    assert.equal(await page.locator('[data-testid=confusion-matrix] thead th').nth(1).textContent(), 'zero');
    await page.getByTestId('class-names').fill('a,b');
    await page.getByTestId('class-names').press('Tab');
    assert.match(await page.locator('#class-names-msg').textContent(), /10 names/);
  });

  await t.test('a diverging loss pauses training with advice and keeps the last weights', async () => {
    // The trained model with its output biases at +3e38 (class 0) and -3e38 (class 1): predictions
    // stay finite (always "0"), but the loss on any image of a 1 is infinite.
    const w = Buffer.from(exported);
    const PARAMS = 93322;
    w.writeFloatLE(3e38, 40 + 4 * (PARAMS - 10)); // dense_1/bias[0]
    w.writeFloatLE(-3e38, 40 + 4 * (PARAMS - 9)); // dense_1/bias[1]
    w.writeUInt32LE(crc32(w.subarray(0, w.length - 4)) >>> 0, w.length - 4);
    await page.getByTestId('import-weights').setInputFiles(file('huge.weights', w));
    await page.waitForFunction(() => /Imported from huge\.weights/.test(document.querySelector('#model-note').textContent));
    const stepsBefore = await steps(page);
    const predictionBefore = await predictOne(page);
    assert.equal(predictionBefore.probs[0], 1, 'finite predictions');
    await page.getByTestId('train').click();
    await page.waitForSelector('[data-testid=error]:not([hidden])', { timeout: 20_000 });
    const text = await page.getByTestId('error').textContent();
    assert.match(text, /diverged/, text);
    assert.match(text, /lower the learning rate/, text);
    await waitForState(page, 'paused');
    assert.equal(await page.getByTestId('train').textContent(), 'Resume');
    assert.equal(await steps(page), stepsBefore, 'the diverged step was not applied');
    assert.deepEqual(await predictOne(page), predictionBefore, 'same weights as before the bad step');
  });

  await t.test('Keras files: another network and a Keras 2 .h5 refused; the .keras dropped here comes back and trains on', async () => {
    await page.locator('#dismiss-error').click(); // the diverged run's alert, from the test before
    await page.waitForSelector('[data-testid=error][hidden]', { state: 'attached' });
    const kept = await predictOne(page);
    const parts = unzipSync(new Uint8Array(keras));
    const config = JSON.parse(strFromU8(parts['config.json']));
    config.config.layers.find((l) => l.config.name === 'dense').config.units = 128;
    const wider = Buffer.from(zipSync({ ...parts, 'config.json': strToU8(JSON.stringify(config)) }));
    const keras2 = Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2048)]);
    const refusals = [
      [file('wider.keras', wider), /^wider\.keras was not imported; the model is unchanged\. .*Layer 7, dense, is Dense 128, relu in the file; this page's network has Dense 64, relu there\./],
      [file('old.h5', keras2), /^old\.h5 was not imported; the model is unchanged\. .*the format of Keras 2.*keras\.saving\.load_model\("model\.h5"\)\.save\("model\.keras"\)/],
    ];
    for (const [f, message] of refusals) {
      await page.getByTestId('import-weights').focus();
      const r = await resultBeside(page, 'model', 'import-weights', () => page.getByTestId('import-weights').setInputFiles(f));
      assertBeside(r, 'error', message);
      assert.deepEqual(await predictOne(page), kept, `${f.name}: same predictions`);
    }
    // Dropped on the data card's drop zone, a model goes to the model's import.
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'mnist.keras'));
      document.querySelector('#drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, keras.toString('base64'));
    await page.waitForFunction(() => /Imported from mnist\.keras, a Keras model/.test(document.querySelector('#model-note').textContent), null, { timeout: 30_000 });
    assert.match(await page.locator('#model-note').textContent(), /Adam's state starts afresh/);
    assert.deepEqual((await predictOne(page)).probs, before.probs, 'the model as it was exported (the class names are the own data set\'s)');
    await page.getByTestId('train').click();
    await waitForState(page, 'done');
    assert.ok((await steps(page)) > 0, 'it trains on (an epoch of the own data set)');
  });

  await t.test('no console errors, page errors, failed or third-party requests', () => {
    assert.deepEqual(problems, []);
  });

  async function exportFile(p, testId, expectedName) {
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByTestId(testId).click()]);
    assert.equal(download.suggestedFilename(), expectedName);
    return readFile(await download.path());
  }
});
