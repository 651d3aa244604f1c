// The wasm facade as JavaScript sees it (the real pkg/ build, in Node): settings are checked
// by the core's schema with errors naming the field, each error kind arrives with its `name`,
// and evaluation writes into the caller's buffers. Needs `bash scripts/build-wasm.sh`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFacade, toyIdx as idxFiles } from './wasm-node.mjs';
import { ErrorName } from '../../www/errors.js';

const f = await loadFacade();


function loaded(settings = {}) {
  // Every image trains (no validation split): the tests count steps over all 100.
  const t = new f.Trainer({ seed: 3, batchSize: 16, augment: false, validationSplit: 0, ...settings });
  const { images, labels } = idxFiles(100);
  for (const set of ['train', 'test']) {
    t.pushData(set, 'images', images);
    t.pushData(set, 'labels', labels);
    t.finishData(set, 'images');
    t.finishData(set, 'labels');
  }
  return t;
}

/** Calls `fn`, returns what it threw. */
function thrown(fn) {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail('did not throw');
}

test("www/errors.js's names are the core's", () => {
  assert.deepEqual({ ...ErrorName }, f.errorNames());
});

test('unknown and mistyped settings are refused, naming the field, and change nothing', () => {
  const t = loaded();
  const before = t.config();
  const cases = [
    [{ batchsize: 32 }, 'batchsize', /unknown setting; the settings are epochs, batchSize/],
    [{ batchSize: '32' }, 'batchSize', /the text "32": must be a whole number from 1 to 1024/],
    [{ batchSize: 1.5 }, 'batchSize', /whole number/],
    [{ batchSize: 0 }, 'batchSize', /from 1 to 1024/],
    [{ learningRate: 0 }, 'learningRate', /greater than 0 and at most 1/],
    [{ learningRate: NaN }, 'learningRate', /greater than 0/],
    [{ augment: 'yes' }, 'augment', /must be true or false/],
    [{ augment: null }, 'augment', /null: must be true or false/],
    [{ epochs: 1000 }, 'epochs', /from 1 to 100/],
    // All checked before any applies: the valid batch size is not taken either.
    [{ batchSize: 32, epochz: 2 }, 'epochz', /unknown setting/],
  ];
  for (const [patch, field, message] of cases) {
    const err = thrown(() => t.setConfig(patch));
    assert.equal(err.name, ErrorName.settings, JSON.stringify(patch));
    assert.equal(err.field, field);
    assert.match(err.message, message);
    assert.deepEqual(t.config(), before);
  }
  const err = thrown(() => new f.Trainer({ trainSize: -1 }));
  assert.deepEqual([err.name, err.field], [ErrorName.settings, 'trainSize']);
  assert.equal(thrown(() => t.setConfig(42)).name, ErrorName.argument);
  t.setConfig({ batchSize: 32, augment: true });
  assert.deepEqual(t.config(), { ...before, batchSize: 32, augment: true });
});

test('the schema gives every setting its type, limits and default; the config follows it', () => {
  const schema = f.settingsSchema();
  const byName = Object.fromEntries(schema.map((field) => [field.name, field]));
  assert.deepEqual(Object.keys(byName), ['epochs', 'batchSize', 'learningRate', 'schedule', 'warmupShare', 'finalLrShare', 'trainSize', 'validationSplit', 'patience', 'augment', 'dropout', 'workers', 'trainOnDrawings', 'drawingsShare', 'optimizer', 'seed']);
  // Workers: a whole number where 0 means auto (the form shows a select).
  assert.deepEqual({ ...byName.workers, help: '' }, { name: 'workers', type: 'integer', label: 'Workers', help: '', default: 0, form: true, min: 0, max: 8, zeroMeans: 'auto' });
  assert.equal(thrown(() => new f.Trainer({ workers: 9 })).field, 'workers');
  assert.deepEqual(
    { ...byName.learningRate, help: '' },
    { name: 'learningRate', type: 'number', label: 'Learning rate', help: '', default: 0.008, form: true, min: 0, max: 1, exclusiveMin: true },
  );
  assert.equal(byName.augment.type, 'boolean');
  assert.equal('min' in byName.augment, false);
  assert.equal(byName.seed.form, false);
  // The optimizer: a choice by name (a select in the form).
  assert.deepEqual([byName.optimizer.type, byName.optimizer.default, byName.optimizer.form], ['choice', 'adam', true]);
  assert.deepEqual(byName.optimizer.options, ['adam', 'adamw', 'sgd']);
  assert.equal(new f.Trainer({ optimizer: 'sgd' }).config().optimizer, 'sgd');
  assert.equal(thrown(() => new f.Trainer({ optimizer: 'rmsprop' })).field, 'optimizer');
  assert.deepEqual([byName.schedule.type, byName.schedule.form, byName.warmupShare.form], ['boolean', true, false]);
  for (const field of schema) assert.ok(field.label && field.help, field.name);
  const defaults = Object.fromEntries(schema.map((field) => [field.name, field.default]));
  // Exact decimals (an f32 setting reads back as typed: 0.001, not 0.0010000000474974513).
  assert.deepEqual(new f.Trainer().config(), defaults);
  const t = new f.Trainer({ learningRate: 0.003 });
  assert.equal(t.config().learningRate, 0.003);
});

/** Three steps of `settings` alone and split two ways through the facade; the alone trainer's
 * predictions after them. */
function splitTwoWays(settings) {
  const alone = loaded(settings);
  const coordinator = loaded(settings);
  const helper = new f.Trainer({ seed: 3 }); // the same initial weights, no data
  assert.equal(helper.stateChecksum(), coordinator.stateChecksum());
  let owed = NaN;
  for (let s = 0; s < 3; s++) {
    alone.trainPart(1024);
    if (!Number.isNaN(owed)) {
      helper.exchangeGradient().set(coordinator.stepGradient());
      helper.applyGradient(owed);
    }
    assert.equal(coordinator.beginStep(2), 2);
    const count = coordinator.shareInput(1);
    assert.equal(count, coordinator.stepImages() / 2); // 64, then the epoch's last 36
    helper.exchangePixels().set(coordinator.exchangePixels().subarray(0, count * 784));
    helper.exchangeLabels().set(coordinator.exchangeLabels().subarray(0, count));
    helper.exchangeSeeds().set(coordinator.exchangeSeeds().subarray(0, count));
    const pass = coordinator.sharePass(1); // the helper drops the units the coordinator would
    const stats = helper.shareGradient(count, coordinator.stepImages(), coordinator.stepAugments(), pass);
    assert.equal(stats.images, count);
    while (coordinator.trainOwn(16) > 0);
    coordinator.exchangeGradient().set(helper.exchangeGradient());
    coordinator.addShare(stats.lossSum, stats.correct, stats.images);
    owed = coordinator.finishStep().learningRate;
  }
  helper.exchangeGradient().set(coordinator.stepGradient());
  helper.applyGradient(owed);
  assert.equal(helper.stateChecksum(), coordinator.stateChecksum());
  assert.deepEqual(coordinator.progress(), alone.progress());
  const a = alone.predictBatch(new Float32Array(784 * 4).fill(0.3));
  const b = coordinator.predictBatch(new Float32Array(784 * 4).fill(0.3));
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 * Math.max(1e-3, Math.abs(a[i])), `${a[i]} vs ${b[i]}`);
  return a;
}

test('data parallel through the facade: a step split two ways equals the step alone; both workers hold the same bits', () => {
  splitTwoWays({ batchSize: 64, augment: true });
});

test('data parallel with dropout: the helper drops what one trainer would (sharePass), and dropout changes the steps', () => {
  const without = splitTwoWays({ batchSize: 64, augment: false });
  const withDropout = splitTwoWays({ batchSize: 64, augment: false, dropout: 0.5 });
  assert.ok(without.some((p, i) => Math.abs(p - withDropout[i]) > 1e-4), 'dropout 0.5 trains another model');
});

test("the model description is the core's network, its parameters adding up", () => {
  const { layers, params } = f.modelDescription();
  assert.equal(params, f.parameterCount());
  assert.equal(layers.reduce((sum, layer) => sum + layer.params, 0), params);
  assert.deepEqual(layers[0].output, [28, 28, 1]);
  assert.deepEqual(layers.at(-1), { name: 'dense_1', kind: 'Dense', label: 'Dense 10, softmax', output: [10], params: 650, activation: 'softmax' });
});

test('each kind of error arrives with its name', () => {
  const t = loaded();
  const empty = new f.Trainer();
  const cases = [
    ['shape', () => t.predict(new Float32Array(100))],
    ['badInput', () => t.predict(new Float32Array(784).fill(NaN))],
    ['argument', () => t.pushData('validation', 'images', new Uint8Array(4))],
    ['dataFormat', () => empty.pushData('test', 'images', Uint8Array.of(0, 0, 8, 2))],
    ['weights', () => t.importWeights(new Uint8Array(64))],
    ['noData', () => empty.trainSteps(1)],
    ['settings', () => t.setConfig({ learningRate: 2 })],
  ];
  for (const [kind, call] of cases) {
    const err = thrown(call);
    assert.ok(err instanceof Error, kind);
    assert.equal(err.name, ErrorName[kind], `${kind}: ${err.message}`);
  }
  // Divergence: output biases of ±3e38 make the loss infinite; the step is refused.
  const weights = t.exportWeights();
  const view = new DataView(weights.buffer);
  const biases = 40 + 4 * (f.parameterCount() - 10);
  for (let i = 0; i < 10; i++) view.setFloat32(biases + 4 * i, i % 2 ? -3e38 : 3e38, true);
  const crc = crc32(weights.subarray(0, weights.length - 4));
  view.setUint32(weights.length - 4, crc, true);
  t.importWeights(weights);
  const err = thrown(() => t.trainSteps(1));
  assert.equal(err.name, ErrorName.diverged);
  assert.deepEqual(t.exportWeights(), weights, 'the diverged step was not applied');
});

test('evaluate writes class and confidence per image into our buffers, slice by slice', () => {
  const t = loaded();
  t.trainSteps(30);
  const n = 100;
  const predictions = new Uint8Array(n).fill(255);
  const confidence = new Float32Array(n).fill(NaN);
  let sofar;
  for (let i = 0; i < n; i += 30) {
    const k = Math.min(30, n - i);
    sofar = t.evaluate('test', i, predictions.subarray(i, i + k), confidence.subarray(i, i + k), sofar);
    assert.equal(sofar.count, i + k);
  }
  const labels = new Uint8Array(n);
  t.labels('test', 0, labels);
  const correct = predictions.reduce((c, p, i) => c + (p === labels[i]), 0);
  assert.equal(sofar.correct, correct);
  // Exactly the count's share (f64): a page printing it to 0.1% agrees with the confusion matrix.
  assert.equal(sofar.accuracy, correct / n);
  assert.ok(predictions.every((p) => p < 10));
  assert.ok(confidence.every((c) => c >= 0.1 && c <= 1));
  // The confidence is the predicted class's probability, as predictBatch gives it.
  const pixels = new Float32Array(784);
  pixels.set(t.image('test', 7), 0);
  const probs = t.predict(pixels.map((v) => v / 255));
  assert.ok(Math.abs(probs[predictions[7]] - confidence[7]) < 1e-5);
  // One call over everything gives the same sums.
  const whole = t.evaluate('test', 0, new Uint8Array(n), new Float32Array(n));
  assert.equal(whole.correct, sofar.correct);
  assert.ok(Math.abs(whole.loss - sofar.loss) < 1e-5);
  assert.equal(thrown(() => t.evaluate('test', 90, new Uint8Array(20), new Float32Array(20))).name, ErrorName.noData);
  assert.equal(thrown(() => t.evaluate('test', 0, new Uint8Array(5), new Float32Array(4))).name, ErrorName.shape);
});

/** CRC-32 (IEEE), as the weights file's trailer. */
function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ~c >>> 0;
}

test('startRun starts a planned run: the rate in each report warms up from its first step', () => {
  // 100 images in batches of 16: 7 steps an epoch, 14 planned; a 20 % warm-up is 3 steps.
  const t = loaded({ epochs: 2, learningRate: 0.003, warmupShare: 0.2 });
  const peak = Math.fround(0.003);
  const rates = () => [1, 2, 3].map(() => t.trainSteps(1).learningRate);
  const close = (got, want) => got.every((r, i) => Math.abs(r - want[i]) < 1e-9);
  t.startRun();
  const warm = [peak / 3, (2 * peak) / 3, peak];
  assert.ok(close(rates(), warm));
  const later = rates(); // the decay starts at the peak
  assert.ok(later[0] === peak && later[1] < peak && later[2] < later[1], `decaying: ${later}`);
  t.startRun(); // "Train more": a new plan, warming up again
  assert.ok(close(rates(), warm));
  t.setConfig({ schedule: false });
  assert.deepEqual(rates(), [peak, peak, peak]);
});

test('validation: the held-out images, scored in slices through evaluate("validation"), recorded with the epoch', () => {
  const t = loaded({ validationSplit: 0.2, patience: 1 });
  const n = t.validationSize();
  assert.ok(n > 0 && n < 100, `${n} of 100 held out`);
  assert.equal(t.progress().stepsPerEpoch, Math.ceil((100 - n) / 16), 'the held-out images are not trained on');
  t.startRun();
  while (!t.trainSteps(100).epochDone);
  const p = new Uint8Array(n);
  const c = new Float32Array(n);
  const half = t.evaluate('validation', 0, p.subarray(0, 5), c.subarray(0, 5));
  const sums = t.evaluate('validation', 5, p.subarray(5), c.subarray(5), half);
  assert.equal(sums.count, n);
  const r = t.recordValidation(sums, false);
  assert.deepEqual([r.epoch, r.count, r.patience, r.bestEpoch, r.stop], [1, n, 1, 1, false]);
  assert.ok(Math.abs(r.loss - sums.loss) < 1e-12 && Number.isFinite(r.trainLoss) && r.trainAccuracy >= 0);
  assert.equal(r.restoredEpoch ?? null, null);
  // Without validation images: the epoch's line has no score.
  const none = t.recordValidation(undefined, false);
  assert.equal(none.count, 0);
  assert.equal(thrown(() => t.evaluate('validation', n, new Uint8Array(1), new Float32Array(1))).name, ErrorName.noData);
});
