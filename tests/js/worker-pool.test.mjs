// The worker pool's coordinator side (www/worker-pool.js) with the real wasm facade in Node and
// stand-in compute workers (postMessage transport): one worker is trainPart's path bit for bit;
// a compute worker that fails mid-step is dropped with a note, the batch is computed by the
// coordinator alone (the same bits as trainPart), and training goes on; one that cannot start
// is dropped with a note too. Needs `bash scripts/build-wasm.sh`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFacade, toyIdx } from './wasm-node.mjs';
import { WorkerPool, wantedWorkers } from '../../www/worker-pool.js';
import * as X from '../../www/exchange.js';

const f = await loadFacade();


function trainer() {
  const t = new f.Trainer({ seed: 5, batchSize: 32, augment: true });
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

function pool(spawn, notes) {
  return new WorkerPool({ build: 'simd', module: null, params: f.parameterCount(), shared: false, onNote: (t) => notes.push(t), onChange: () => {}, spawn });
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
