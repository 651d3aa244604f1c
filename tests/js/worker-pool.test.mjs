// The worker pool (www/worker-pool.js, www/pool-transport.js) with the real wasm facade in Node:
// one worker is trainPart's path bit for bit; 2 and 3 workers, the app's compute-core.js in
// Node worker threads (tests/js/compute-thread.mjs), train on both transports (SharedArrayBuffer
// + Atomics, transferred buffers): every step follows the single-worker one, every worker ends
// with the same bits, and so do both transports; stand-in compute workers show that one that
// fails mid-step is dropped with a note, the batch computed by the coordinator alone (the same
// bits as trainPart), and training goes on; one that cannot start is dropped with a note too.
// Needs `bash scripts/build-wasm.sh`.
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import assert from 'node:assert/strict';
import { loadFacade, toyIdx } from './wasm-node.mjs';
import { WorkerPool, wantedWorkers } from '../../www/worker-pool.js';
import * as X from '../../www/exchange.js';

const f = await loadFacade();


function trainer() {
  // All 96 images train (no validation split): three whole steps of 32.
  const t = new f.Trainer({ seed: 5, batchSize: 32, augment: true, validationSplit: 0 });
  const { images, labels } = toyIdx(96, (i) => 200 + (i % 50));
  t.pushData('train', 'images', images);
  t.pushData('train', 'labels', labels);
  t.finishData('train', 'images');
  t.finishData('train', 'labels');
  return t;
}

/** A stand-in compute worker: starts (or not), takes the model, then fails at its first step. */
function fakeWorker({ starts = true } = {}) {
  const copy = new f.Trainer({ seed: 5 });
  const w = {
    terminated: false,
    postMessage(m) {
      setTimeout(() => {
        if (w.terminated) return;
        if (m.type === X.Msg.INIT) {
          if (starts) w.onmessage({ data: { type: X.Msg.READY, memoryBytes: 1 } });
          else w.onerror({ message: 'its script failed to load', preventDefault() {} });
        } else if (m.type === X.Msg.LOAD) {
          copy.importWeights(m.weights);
          w.onmessage({ data: { type: X.Msg.ANSWER, id: m.id, checksum: copy.stateChecksum(), memoryBytes: 1 } });
        } else if (m.type === X.Msg.STEP) {
          w.onmessage({ data: { type: X.Msg.FAILED, message: 'out of memory' } });
        }
      });
    },
    terminate() {
      w.terminated = true;
    },
  };
  return w;
}

const pause = () => new Promise((r) => setTimeout(r));
const until = async (ok) => {
  for (let i = 0; i < 200 && !ok(); i++) await pause();
  assert.ok(ok(), 'in time');
};

function pool(spawn, notes, shared = false) {
  return new WorkerPool({ build: 'simd', module: null, params: f.parameterCount(), pixels: f.modelDescription().input.reduce((a, b) => a * b), shared, onNote: (t) => notes.push(t), onChange: () => {}, spawn });
}

/** A real compute worker: compute-core.js in a Node worker thread, as the pool sees a Worker. */
function threadWorker() {
  const thread = new Worker(new URL('./compute-thread.mjs', import.meta.url));
  const w = {
    onmessage: null,
    onerror: null,
    postMessage: (m, transfer) => thread.postMessage(m, transfer),
    terminate: () => thread.terminate(),
  };
  thread.on('message', (data) => w.onmessage?.({ data }));
  thread.on('error', (e) => w.onerror?.({ message: e.message, preventDefault() {} }));
  return w;
}

/**
 * `steps` steps on `n` workers over one transport: each step's loss and accuracy against the
 * same step on one worker (trainPart), and every worker's checksum at the end.
 */
async function trainOn(n, shared, steps = 4) {
  const notes = [];
  const p = pool(threadWorker, notes, shared);
  p.setWanted(n);
  await until(() => p.training === n);
  const [a, b] = [trainer(), trainer()];
  await p.sync(a);
  try {
    for (let s = 0; s < steps; s++) {
      const r = await p.step(a, { sliceMs: 40, pause });
      const ref = b.trainPart(1024);
      assert.ok(Math.abs(r.loss - ref.loss) < 1e-5, `step ${s}: ${r.loss} vs ${ref.loss}`);
      assert.equal(r.accuracy, ref.accuracy);
      assert.equal(r.images, 32);
    }
    const sums = await p.checksums(a);
    assert.equal(sums.length, n, `a checksum from every worker (${notes})`);
    assert.deepEqual(new Set(sums), new Set([a.stateChecksum()]), 'every worker holds the same model');
    assert.deepEqual(notes, []);
    assert.equal(p.transport, shared ? 'shared memory' : 'messages');
    return { checksum: a.stateChecksum(), alone: b.stateChecksum() };
  } finally {
    p.setWanted(1); // the compute threads end
  }
}

test('auto is one worker per core, at most 8; a number is taken as it is', () => {
  assert.equal(wantedWorkers(0, 2), 2);
  assert.equal(wantedWorkers(0, 16), 8);
  assert.equal(wantedWorkers(0, 0), 1);
  assert.equal(wantedWorkers(3, 2), 3);
  assert.equal(wantedWorkers(1, 8), 1);
});

test('one worker is trainPart, bit for bit', async () => {
  const notes = [];
  const p = pool(() => assert.fail('no compute worker for one'), notes);
  p.setWanted(1);
  const [a, b] = [trainer(), trainer()];
  for (let s = 0; s < 4; s++) {
    const r = await p.step(a, { sliceMs: 40, pause });
    const ref = b.trainPart(1024);
    assert.equal(r.loss, ref.loss);
    assert.equal(a.stateChecksum(), b.stateChecksum());
  }
  assert.deepEqual(notes, []);
});

test('a compute worker that fails mid-step: a note, the batch computed alone, training goes on', async () => {
  const notes = [];
  const p = pool(() => fakeWorker(), notes);
  p.setWanted(2);
  await until(() => p.training === 2);
  const [a, b] = [trainer(), trainer()];
  await p.sync(a);
  const r = await p.step(a, { sliceMs: 40, pause });
  assert.equal(r.loss, b.trainPart(1024).loss, 'the same batch, computed alone');
  assert.equal(a.stateChecksum(), b.stateChecksum());
  assert.equal(notes.length, 1);
  assert.match(notes[0], /Compute worker 1 failed: out of memory; training goes on with 1 worker\./);
  assert.equal(p.training, 1);
  await p.step(a, { sliceMs: 40, pause }); // and on, alone
  b.trainPart(1024);
  assert.equal(a.stateChecksum(), b.stateChecksum());
});

test('a compute worker that cannot start: a note, and one worker trains', async () => {
  const notes = [];
  const p = pool(() => fakeWorker({ starts: false }), notes);
  p.setWanted(2);
  await until(() => notes.length === 1);
  assert.match(notes[0], /Compute worker 1 could not start \(its script failed to load\); training goes on with 1 worker\./);
  const a = trainer();
  assert.ok(await p.step(a, { sliceMs: 40, pause }));
  assert.equal(p.training, 1);
});

test('2 and 3 workers, on both transports: each step follows one worker, all end with the same bits', async () => {
  const ends = {};
  for (const n of [2, 3]) {
    for (const shared of [false, true]) ends[`${n} ${shared}`] = await trainOn(n, shared);
    assert.equal(ends[`${n} true`].checksum, ends[`${n} false`].checksum, `${n} workers: both transports give the same bits`);
  }
  assert.equal((await trainOn(2, true)).checksum, ends['2 true'].checksum, 'the same bits on every run');
});
