// Your drawings (www/drawings-store.js): the store over a backend (add, relabel, remove, order,
// refusals), and the IDX files it exports and imports (round trip, gzip, what the core reads).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DrawingsStore, fromIdx, gzip, memoryBackend, packDrawings, toIdx } from '../../www/drawings-store.js';
import { loadFacade } from './wasm-node.mjs';

const drawing = (seed) => Uint8Array.from({ length: 784 }, (_, i) => (i * 31 + seed * 17) % 256);

test('the store keeps drawings in order, relabels and removes them, and refuses bad ones', async () => {
  const store = new DrawingsStore(memoryBackend());
  const a = await store.add(drawing(1), 3);
  const b = await store.add(drawing(2), 7);
  assert.ok(b.id > a.id);
  await store.relabel(a.id, 8);
  let all = await store.list();
  assert.deepEqual(all.map((d) => [d.id, d.label]), [[a.id, 8], [b.id, 7]]);
  assert.deepEqual(all[1].pixels, drawing(2));
  await store.remove(a.id);
  all = await store.list();
  assert.deepEqual(all.map((d) => d.label), [7]);
  await assert.rejects(store.add(new Uint8Array(99), 1), /square image, not 99 pixels/);
  await assert.rejects(store.add(new Uint8Array(0), 1), /square image/);
  await assert.rejects(store.add(drawing(3), 256), /a class index/); // the core checks it against the model's classes
  await assert.rejects(store.relabel(b.id, -1), /a class index/);
  await assert.rejects(store.relabel(999, 1), /not kept/);
  assert.equal((await store.list()).length, 1, 'refused drawings change nothing');
});

test('drawings go out as IDX files and come back the same', async () => {
  const drawings = [{ label: 4, pixels: drawing(4) }, { label: 0, pixels: drawing(9) }];
  const { images, labels } = toIdx(drawings);
  assert.equal(images.length, 16 + 2 * 784);
  assert.deepEqual([...images.slice(0, 8)], [0, 0, 8, 3, 0, 0, 0, 2]);
  assert.deepEqual([...labels], [0, 0, 8, 1, 0, 0, 0, 2, 4, 0]);
  assert.deepEqual(fromIdx(images, labels), drawings);
  assert.throws(() => fromIdx(labels, images), /IDX images/);
  assert.throws(() => fromIdx(images.slice(0, -1), labels), /truncated/);
  const oblong = images.slice();
  new DataView(oblong.buffer).setUint32(12, 27);
  assert.throws(() => fromIdx(oblong, labels), /28x27, not square/);
  assert.throws(() => packDrawings([drawings[0], { label: 1, pixels: new Uint8Array(16) }]), /not all the same size/);
  const small = toIdx([{ label: 1, pixels: new Uint8Array(16).fill(7) }]);
  assert.deepEqual(fromIdx(small.images, small.labels), [{ label: 1, pixels: new Uint8Array(16).fill(7) }], 'any square side');
  const bad = labels.slice();
  bad[9] = 25; // any class of a model with more classes: the core checks the count
  assert.equal(fromIdx(images, bad)[1].label, 25);
  const packed = packDrawings(drawings);
  assert.deepEqual([...packed.labels], [4, 0]);
  // gzipped, as exported: the core's own IDX parser (the "Your own data" path) reads them.
  const gz = await gzip(images);
  assert.deepEqual([...gz.slice(0, 2)], [0x1f, 0x8b]);
  const facade = await loadFacade();
  const trainer = new facade.Trainer();
  trainer.pushData('train', 'images', images);
  trainer.pushData('train', 'labels', labels);
  trainer.finishData('train', 'images');
  trainer.finishData('train', 'labels');
  assert.equal(trainer.dataStatus().train.usable, 2);
  assert.equal(trainer.label('train', 0), 4);
  assert.deepEqual(trainer.image('train', 1), drawing(9));
  trainer.free();
});
