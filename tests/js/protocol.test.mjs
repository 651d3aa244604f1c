// The worker protocol (www/protocol.js): unique names, complete constructors, real transfers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import * as P from '../../www/protocol.js';

test('message names are unique across both directions', () => {
  const names = [...Object.values(P.ToWorker), ...Object.values(P.FromWorker)];
  assert.equal(new Set(names).size, names.length);
  assert.ok(Object.isFrozen(P.ToWorker) && Object.isFrozen(P.FromWorker));
});

test('every constructor builds a message of a known type', () => {
  const known = new Set([...Object.values(P.ToWorker), ...Object.values(P.FromWorker)]);
  const built = [
    P.dataChunk('train', 'images', new Uint8Array(4)),
    P.dataEnd('train', 'images'),
    P.dataClear('test'),
    P.configure({ learningRate: 0.01 }),
    P.train({ epochs: 1 }),
    P.resume(),
    P.pause(),
    P.reset(),
    P.predict(1, new Float32Array(784)),
    P.sample('test', 3),
    P.sampleImage('test', 3, 7, new Uint8Array(784)),
    P.ready({ simd: true, build: 'simd', parameterCount: 1 }),
    P.model({ classes: 26 }, 1, true),
    P.dataStatus({}),
    P.fileDone('train', 'labels'),
    P.state('training'),
    P.configured({ seed: 42, learningRate: 0.001, batchSize: 64, trainSize: 0, augment: true }),
    P.progress({ losses: new Float32Array(2), accuracies: new Float32Array(2) }),
    P.evaluation({ kind: 'estimate', accuracy: 0.9 }),
    P.epochEnd({ epoch: 1, step: 100, loss: 0.4, accuracy: 0.9, valLoss: null, valAccuracy: null, valCount: 0, learningRate: 0.006, seconds: 2, patience: 0, bestEpoch: null, stop: false, restoredEpoch: null }),
    P.prediction(1, new Float32Array(10)),
    P.error('data', 'boom', { set: 'train' }),
    P.saved(),
    P.exportModel('weights'),
    P.importModel(new Uint8Array(8)),
    P.workers({ training: 2, wanted: 2, transport: 'messages', memory: [1, 2], checksums: [], syncMs: 0, note: '' }),
    P.dataReplace({ train: { images: { name: 'a', bytes: new Uint8Array(4) }, labels: { name: 'b', bytes: new Uint8Array(4) } } }),
    P.exported('weights', new Uint8Array(8)),
    P.imported({ epoch: 1, stepInEpoch: 2, stepsPerEpoch: 3, totalSteps: 4 }),
    P.dataReplaced(['train'], ['a', 'b']),
    P.layers(1, new Float32Array(784)),
    P.drawings(new Uint8Array(784), new Uint8Array(1)),
    P.teach(1, new Uint8Array(784), new Uint8Array(1), 0),
    P.layerViews(1, [], new Float32Array(4), new Float32Array(288)),
    P.taught({ id: 1, label: 3, predicted: 3, probability: 0.9, steps: 4, ms: 100 }),
  ];
  const covered = new Set(built.map(([m]) => m.type));
  assert.deepEqual([...covered].sort(), [...known].sort(), 'each message type has a constructor');
  for (const [m, transfer] of built) {
    assert.ok(known.has(m.type));
    assert.ok(Array.isArray(transfer));
  }
  assert.equal(P.error('data', new Error('x')).at(0).message, 'x');
});

test('ERROR carries the name (and the field) of what was thrown, never only its text', () => {
  const settings = Object.assign(new Error('invalid setting batchSize = 0: ...'), { name: 'SettingsError', field: 'batchSize' });
  const [m, transfer] = P.error('train', settings);
  assert.deepEqual(m, { type: P.FromWorker.ERROR, where: 'train', message: settings.message, name: 'SettingsError', field: 'batchSize' });
  assert.deepEqual(transfer, []);
  const diverged = Object.assign(new Error('the training loss became inf (diverged)'), { name: 'DivergedError' });
  assert.equal(P.error('train', diverged)[0].name, 'DivergedError');
  assert.equal('field' in P.error('train', diverged)[0], false);
  const plain = P.error('storage', 'The model could not be saved', { set: 'test' })[0];
  assert.deepEqual([plain.name, plain.message, plain.set], ['Error', 'The model could not be saved', 'test']);
});

test('CONFIGURE and TRAIN carry augment, on or off; CONFIGURED carries the trainer config', () => {
  const settings = { epochs: 3, batchSize: 64, learningRate: 0.001, trainSize: 60000, augment: false };
  for (const augment of [false, true]) {
    const [m, transfer] = P.configure({ ...settings, augment });
    assert.equal(m.type, P.ToWorker.CONFIGURE);
    assert.deepEqual(m.settings, { ...settings, augment });
    assert.deepEqual(transfer, []);
    assert.deepEqual(P.train({ ...settings, augment })[0].settings, { ...settings, augment });
  }
  const own = { ...settings };
  const [m] = P.configure(own);
  own.augment = true;
  assert.equal(m.settings.augment, false, 'the message holds a copy of the settings');

  const config = { seed: 42, learningRate: 0.001, batchSize: 32, trainSize: 2000, augment: false };
  const [c] = P.configured(config);
  assert.equal(c.type, P.FromWorker.CONFIGURED);
  assert.deepEqual(c.config, config);
  assert.equal(c.config.augment, false);
});

test('typed-array payloads are listed for transfer, each buffer once', () => {
  const chunk = new Uint8Array(16).subarray(4, 8);
  assert.deepEqual(P.dataChunk('train', 'images', chunk)[1], [chunk.buffer]);
  const preds = new Uint8Array(3);
  const labels = new Uint8Array(3);
  const pixels = new Uint8Array(784);
  const [, transfer] = P.evaluation({
    kind: 'full',
    predictions: preds,
    labels,
    gallery: { indices: new Uint32Array(1), pixels, confidence: new Float32Array(1) },
  });
  assert.equal(transfer.length, 5);
  const shared = new Float32Array(8);
  const [, t2] = P.progress({ losses: shared.subarray(0, 4), accuracies: shared.subarray(4) });
  assert.deepEqual(t2, [shared.buffer]);
});

test('send() moves buffers rather than copying them', async () => {
  const { port1, port2 } = new MessageChannel();
  const chunk = Uint8Array.from([1, 2, 3]);
  const received = new Promise((resolve) => port2.once('message', resolve));
  P.send(port1, P.dataChunk('test', 'labels', chunk));
  assert.equal(chunk.byteLength, 0, 'the sender no longer owns the bytes');
  const msg = await received;
  assert.equal(msg.type, P.ToWorker.DATA_CHUNK);
  assert.deepEqual([...msg.chunk], [1, 2, 3]);
  port1.close();
});
