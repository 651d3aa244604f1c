// Test-set scores shared with the compute workers (www/pool-evaluation.js): how the images are
// cut, and, with the app's compute-core.js in Node worker threads on both transports, that a
// shared score is the coordinator's own score (every prediction and confidence, the count and
// accuracy; the loss to f64 rounding), that the owed gradient is applied once (training goes on
// as on one worker, every worker ends with the same bits), and that a model that moved after
// the start is not scored with the old one. Needs `bash scripts/build-wasm.sh`.
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import assert from 'node:assert/strict';
import { loadFacade, toyIdx } from './wasm-node.mjs';
import { WorkerPool } from '../../www/worker-pool.js';
import { MIN_PART, SharedScoring, idxFiles, mergeSums, splitTest } from '../../www/pool-evaluation.js';
import { evaluateSet } from '../../www/worker-evaluation.js';

const f = await loadFacade();
const TEST_IMAGES = 1200;

test('the images are cut so that every worker does about the same work', () => {
  assert.deepEqual(splitTest(1000, 1), { own: 500, parts: [{ offset: 500, count: 500 }] });
  // The epoch's end: the coordinator scores the 6,000 validation images first.
  assert.deepEqual(splitTest(10000, 1, 6000), { own: 2000, parts: [{ offset: 2000, count: 8000 }] });
  const three = splitTest(10000, 3);
  assert.equal(three.own, 2500);
  assert.deepEqual(three.parts.map((p) => p.offset), [2500, 5000, 7500]);
  assert.equal(three.parts.at(-1).offset + three.parts.at(-1).count, 10000);
  // The coordinator keeps one image at least: it carries the merged sums through the facade.
  assert.deepEqual(splitTest(1000, 1, 50000), { own: 1, parts: [{ offset: 1, count: 999 }] });
});

test('no part is smaller than MIN_PART: fewer parts, or none', () => {
  assert.deepEqual(splitTest(2 * MIN_PART - 2, 1), { own: 2 * MIN_PART - 2, parts: [] });
  assert.equal(splitTest(3 * MIN_PART, 7).parts.length, 2);
  assert.deepEqual(splitTest(0, 1), { own: 0, parts: [] });
  assert.deepEqual(splitTest(1000, 0), { own: 1000, parts: [] });
});

test('sums add counts, correct answers and loss sums', () => {
  assert.deepEqual(mergeSums({ count: 2, correct: 1, lossSum: 0.5, loss: 9 }, undefined, { count: 3, correct: 3, lossSum: 0.25 }), { count: 5, correct: 4, lossSum: 0.75 });
});

test('idxFiles are read back by the core as the same images and labels', () => {
  const pixels = Uint8Array.from({ length: 3 * 784 }, (_, i) => (i * 7) % 256);
  const files = idxFiles(pixels, Uint8Array.of(4, 0, 9), 28, 28);
  const t = new f.Trainer({ seed: 1 });
  t.pushData('test', 'images', files.images);
  t.pushData('test', 'labels', files.labels);
  t.finishData('test', 'images');
  t.finishData('test', 'labels');
  assert.deepEqual(t.dataStatus().test.usable, 3);
  assert.deepEqual([...t.image('test', 2)], [...pixels.subarray(2 * 784)]);
  assert.equal(t.label('test', 2), 9);
});

function trainer() {
  const t = new f.Trainer({ seed: 5, batchSize: 32, augment: true, validationSplit: 0 });
  const train = toyIdx(96, (i) => 200 + (i % 50));
  const testSet = toyIdx(TEST_IMAGES, (i) => 60 + ((i * 37) % 190));
  for (const [set, { images, labels }] of [['train', train], ['test', testSet]]) {
    t.pushData(set, 'images', images);
    t.pushData(set, 'labels', labels);
    t.finishData(set, 'images');
    t.finishData(set, 'labels');
  }
  return t;
}

function threadWorker() {
  const thread = new Worker(new URL('./compute-thread.mjs', import.meta.url));
  const w = { onmessage: null, onerror: null, postMessage: (m, transfer) => thread.postMessage(m, transfer), terminate: () => thread.terminate() };
  thread.on('message', (data) => w.onmessage?.({ data }));
  thread.on('error', (e) => w.onerror?.({ message: e.message, preventDefault() {} }));
  return w;
}

const pause = () => new Promise((r) => setTimeout(r));
const opts = { sliceMs: 40, pause, stale: () => false };

async function sharedScores(shared) {
  const notes = [];
  const p = new WorkerPool({ build: 'simd', module: null, params: f.parameterCount(), pixels: 784, shared, onNote: (t) => notes.push(t), onChange: () => {}, spawn: threadWorker });
  p.setWanted(2);
  for (let i = 0; i < 400 && p.training < 2; i++) await pause();
  const [a, b] = [trainer(), trainer()];
  await p.sync(a);
  const scoring = new SharedScoring(p);
  try {
    for (let round = 0; round < 2; round++) {
      // Two steps: the compute worker owes the last one's summed gradient when it scores.
      for (let s = 0; s < 2; s++) {
        await p.step(a, { sliceMs: 40, pause });
        b.trainPart(1024);
      }
      scoring.start(a, TEST_IMAGES);
      const handed = scoring.take(a, TEST_IMAGES);
      assert.ok(handed, 'a compute worker scores part of it');
      assert.equal(handed.own, TEST_IMAGES / 2);
      const got = await evaluateSet(a, 'test', TEST_IMAGES, { ...opts, shared: handed });
      assert.ok(await handed.answers, 'its part came back');
      const alone = await evaluateSet(b, 'test', TEST_IMAGES, opts);
      assert.deepEqual(got.predictions, alone.predictions);
      // A batch's kernels sum in an order that depends on the batch's size (the coordinator's
      // own slices are sized by its measured speed too): the same to f32 rounding.
      const off = got.confidence.reduce((m, c, k) => Math.max(m, Math.abs(c - alone.confidence[k])), 0);
      assert.ok(off < 1e-6, `confidence off by ${off}`);
      assert.deepEqual(got.labels, alone.labels);
      assert.equal(got.count, TEST_IMAGES);
      assert.equal(got.accuracy, alone.accuracy);
      // ...and the core sums each evaluate call's f32 mean loss.
      assert.ok(Math.abs(got.loss - alone.loss) < 1e-6 * Math.max(1, alone.loss), `${got.loss} vs ${alone.loss}`);
    }
    // The model moved after the start: its part is not taken. The compute worker, still
    // scoring, sat that step out; it is loaded with the model again, as the app's loop does.
    scoring.start(a, TEST_IMAGES);
    await p.step(a, { sliceMs: 40, pause });
    b.trainPart(1024);
    assert.equal(scoring.take(a, TEST_IMAGES), null);
    assert.ok(p.needsSync);
    for (let s = 0; s < 2; s++) {
      if (p.needsSync) await p.sync(a);
      const r = await p.step(a, { sliceMs: 40, pause });
      assert.ok(Math.abs(r.loss - b.trainPart(1024).loss) < 1e-5, 'training goes on as on one worker');
    }
    const sums = await p.checksums(a);
    assert.deepEqual(sums, [a.stateChecksum(), a.stateChecksum()], 'the owed gradient was applied once');
    assert.deepEqual(notes, []);
  } finally {
    p.setWanted(1);
  }
}

test('a shared score is the coordinator\'s own, on both transports', async () => {
  await sharedScores(false);
  await sharedScores(true);
});
