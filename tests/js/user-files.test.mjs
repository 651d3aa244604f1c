// www/user-files.js: IDX files sorted by magic number and name, gzip detection, class names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import {
  classifyFiles,
  idxKind,
  idxMagic,
  isGzip,
  isModelFile,
  parseClassNames,
  readFileBytes,
  setFromName,
} from '../../www/user-files.js';

const images = (n = 1) => new Uint8Array([0, 0, 8, 3, 0, 0, 0, n, 0, 0, 0, 28, 0, 0, 0, 28, ...new Array(784 * n).fill(7)]);
const labels = (n = 1) => new Uint8Array([0, 0, 8, 1, 0, 0, 0, n, ...new Array(n).fill(3)]);

test('IDX magic numbers tell images from labels', () => {
  assert.equal(idxMagic(images()), 2051);
  assert.equal(idxMagic(labels()), 2049);
  assert.ok(Number.isNaN(idxMagic(new Uint8Array([0, 0, 8]))));
  assert.equal(idxKind(images()), 'images');
  assert.equal(idxKind(labels()), 'labels');
  assert.equal(idxKind(new Uint8Array([0x50, 0x4b, 3, 4])), null);
  assert.equal(idxKind(new Uint8Array(0)), null);
});

test('gzip is detected by 1f 8b', () => {
  assert.ok(isGzip(gzipSync(Buffer.from('hello'))));
  assert.ok(!isGzip(images()));
  assert.ok(!isGzip(new Uint8Array([0x1f])));
});

test('a model dropped with the data goes to the model import: .keras, .h5, .weights', () => {
  for (const name of ['mnist.keras', 'MODEL.KERAS', 'old.h5', 'mnist-model.weights', 'mnist-model.safetensors']) assert.ok(isModelFile(name), name);
  for (const name of ['train-images-idx3-ubyte.gz', 'keras.idx', 'model.json']) assert.ok(!isModelFile(name), name);
});

test('names with t10k or test go to the test set', () => {
  assert.equal(setFromName('t10k-images-idx3-ubyte.gz'), 'test');
  assert.equal(setFromName('fashion-TEST-labels'), 'test');
  assert.equal(setFromName('train-images-idx3-ubyte'), 'train');
  assert.equal(setFromName('mine.idx', 'test'), 'test');
});

test('classifyFiles pairs images with labels per set', () => {
  const r = classifyFiles([
    { name: 'train-images', bytes: images() },
    { name: 'train-labels', bytes: labels() },
    { name: 't10k-labels', bytes: labels() },
    { name: 't10k-images', bytes: images() },
  ]);
  assert.ok(r.ok);
  assert.deepEqual(Object.keys(r.sets).sort(), ['test', 'train']);
  assert.equal(r.sets.train.images.name, 'train-images');
  assert.equal(r.sets.test.labels.name, 't10k-labels');

  const fallback = classifyFiles([{ name: 'a', bytes: images() }, { name: 'b', bytes: labels() }], 'test');
  assert.ok(fallback.ok);
  assert.deepEqual(Object.keys(fallback.sets), ['test']);
});

test('classifyFiles names the file that does not fit', () => {
  const notIdx = classifyFiles([{ name: 'photo.png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1]) }]);
  assert.ok(!notIdx.ok);
  assert.match(notIdx.message, /photo\.png is not an IDX/);
  assert.match(notIdx.message, /89 50 4e 47/);
  const tiny = classifyFiles([{ name: 'x', bytes: new Uint8Array([0]) }]);
  assert.match(tiny.message, /only 1 byte/);
  const alone = classifyFiles([{ name: 'train-images', bytes: images() }]);
  assert.match(alone.message, /train-images holds training images, but no training labels/);
  const twice = classifyFiles([
    { name: 'a-labels', bytes: labels() },
    { name: 'b-labels', bytes: labels() },
  ]);
  assert.match(twice.message, /Two train labels files: a-labels and b-labels/);
  assert.match(classifyFiles([]).message, /No file/);
});

test('class names: empty means digits; otherwise exactly 10 distinct names', () => {
  assert.deepEqual(parseClassNames('', 10).names, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  const fashion = 'T-shirt, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot';
  const r = parseClassNames(fashion, 10);
  assert.ok(r.ok);
  assert.equal(r.names[9], 'Ankle boot');
  assert.match(parseClassNames('a,b,c', 10).message, /10 classes: enter 10 names.*got 3/);
  assert.match(parseClassNames('a,b,,d,e,f,g,h,i,j', 10).message, /name 2 is empty/);
  assert.match(parseClassNames('a,b,c,d,e,f,g,h,i,a', 10).message, /“a” appears twice/);
  assert.match(parseClassNames(`${'x'.repeat(30)},b,c,d,e,f,g,h,i,j`, 10).message, /longer than 24/);
  assert.ok(!parseClassNames('a,b', 10).ok);
  // The count is the model's: two names for two classes, 26 letters for 26.
  assert.deepEqual(parseClassNames('cat, dog', 2).names, ['cat', 'dog']);
  const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
  assert.deepEqual(parseClassNames(letters.join(','), 26).names, letters);
  assert.equal(parseClassNames('', 26).names.length, 26);
  assert.match(parseClassNames(letters.join(','), 10).message, /10 classes.*got 26/);
});

test('readFileBytes gunzips gzip files and passes raw ones through', async () => {
  const raw = labels(3);
  const gz = new Blob([gzipSync(raw)]);
  gz.name = 'x.gz';
  assert.deepEqual(await readFileBytes(gz), raw);
  assert.deepEqual(await readFileBytes(new Blob([raw])), raw);
  const broken = new Blob([new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3])]);
  broken.name = 'broken.gz';
  await assert.rejects(readFileBytes(broken), /broken\.gz is gzipped .* but truncated or corrupt/);
});
