// Streaming download (www/data-loader.js): gzip sniffing, progress, the loader end to end on a
// fake fetch that serves real gzip bytes in small pieces, and failure -> clear -> retry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { DATA_FILES, DataLoader, gunzipIfNeeded, isGzip, overallProgress } from '../../www/data-loader.js';

/** A ReadableStream of `bytes` in pieces of `size`. */
const streamOf = (bytes, size = 7) =>
  new ReadableStream({
    start(c) {
      for (let i = 0; i < bytes.length; i += size) c.enqueue(bytes.slice(i, i + size));
      c.close();
    },
  });

async function collect(stream) {
  const parts = [];
  for await (const part of stream) parts.push(...part);
  return Uint8Array.from(parts);
}

test('isGzip checks the magic number', () => {
  assert.equal(isGzip(Uint8Array.from([0x1f, 0x8b, 8])), true);
  assert.equal(isGzip(Uint8Array.from([0x1f])), false);
  assert.equal(isGzip(Uint8Array.from([0, 0, 8, 3])), false);
});

test('gunzipIfNeeded inflates gzip and passes plain bytes through', async () => {
  const plain = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) % 251);
  assert.deepEqual(await collect(await gunzipIfNeeded(streamOf(gzipSync(plain), 1))), plain);
  assert.deepEqual(await collect(await gunzipIfNeeded(streamOf(plain, 1000))), plain);
  assert.deepEqual(await collect(await gunzipIfNeeded(streamOf(new Uint8Array(0)))), new Uint8Array(0));
});

test('overallProgress counts a file fully only once verified', () => {
  const files = [
    { loaded: 50, total: 100, verified: false },
    { loaded: 100, total: 100, verified: false },
    { loaded: 10, total: NaN, verified: false },
  ];
  assert.deepEqual(overallProgress(files), { loaded: 50 + 99 + 9, total: 210, done: false });
  files.forEach((f) => Object.assign(f, { loaded: f.total || 10, total: f.total || 10, verified: true }));
  assert.deepEqual(overallProgress(files), { loaded: 210, total: 210, done: true });
});

/** An IDX-like payload per file and a fetch that serves it gzipped in 1 kB pieces. */
function fakeServer({ failUrl = null, status = 200, blocked = [] } = {}) {
  const payloads = new Map(DATA_FILES.map((f, i) => [f.url, Uint8Array.from({ length: 3000 + i }, (_, j) => (j + i) % 256)]));
  const requests = [];
  const fetchImpl = async (url, { signal }) => {
    const path = new URL(url).pathname.replace(/^\/app\//, '');
    requests.push(path);
    if (blocked.includes(path)) throw new TypeError('Failed to fetch'); // as a blocked request fails
    if (path === failUrl && status !== 200) return new Response('nope', { status, statusText: 'Not Found' });
    const gz = gzipSync(payloads.get(path));
    let body = streamOf(gz, 1024);
    if (path === failUrl) {
      // the connection drops half way
      body = new ReadableStream({
        start(c) {
          c.enqueue(gz.slice(0, 20));
          c.error(new TypeError('network error'));
        },
      });
    }
    if (signal?.aborted) throw signal.reason;
    return new Response(body, { headers: { 'Content-Length': String(gz.length) } });
  };
  return { payloads, requests, fetchImpl };
}

function makeLoader(server) {
  const log = [];
  const received = new Map();
  let resolveIdle;
  const idle = new Promise((r) => (resolveIdle = r));
  const loader = new DataLoader({
    baseUrl: 'http://x.test/app/',
    fetchImpl: server.fetchImpl,
    chunk: (set, file, chunk) => {
      const key = `${set}/${file}`;
      received.set(key, [...(received.get(key) ?? []), ...chunk]);
    },
    end: (set, file) => {
      log.push(`end ${set}/${file}`);
      loader.verified(set, file); // the worker would acknowledge
      if (loader.progress.done) resolveIdle();
    },
    clear: (set) => {
      log.push(`clear ${set}`);
      for (const k of received.keys()) if (k.startsWith(set)) received.delete(k);
    },
    onProgress: () => {},
    onError: (set, message, failures) => {
      log.push(`error ${set}: ${message}`);
      log.failures = failures;
      resolveIdle();
    },
  });
  return { loader, log, received, idle };
}

test('DataLoader streams all four files, decompressed, in order per file', async () => {
  const server = fakeServer();
  const { loader, received, idle, log } = makeLoader(server);
  loader.start();
  await idle;
  for (const f of DATA_FILES) assert.deepEqual(Uint8Array.from(received.get(`${f.set}/${f.file}`)), server.payloads.get(f.url));
  assert.equal(log.filter((l) => l.startsWith('end')).length, 4);
  const p = loader.progress;
  assert.equal(p.done, true);
  assert.equal(p.loaded, p.total);
});

test('DataLoader: an interrupted download clears its set, reports, and retries', async () => {
  const failUrl = DATA_FILES[1].url; // training images
  const server = fakeServer({ failUrl });
  const { loader, log, idle } = makeLoader(server);
  loader.start();
  await idle;
  const error = log.find((l) => l.startsWith('error'));
  assert.match(error, /error train: Could not download the MNIST training images \(the connection failed or was interrupted\)/);
  assert.ok(log.includes('clear train'));
  assert.equal(loader.progress.done, false);
  assert.deepEqual([...loader.failed], ['train']);

  // The server recovers; Retry fetches the training set again (both files).
  server.fetchImpl = fakeServer().fetchImpl;
  loader.fetch = server.fetchImpl;
  const before = log.length;
  await new Promise((resolve) => {
    loader.send.end = (set, file) => {
      log.push(`end ${set}/${file}`);
      loader.verified(set, file);
      if (loader.progress.done) resolve();
    };
    loader.retry();
  });
  assert.deepEqual(log.slice(before).filter((l) => l.includes('train')).sort(), ['end train/images', 'end train/labels']);
  assert.equal(loader.progress.done, true);
});

test('DataLoader reports an HTTP error', async () => {
  const server = fakeServer({ failUrl: DATA_FILES[2].url, status: 404 });
  const { loader, log, idle } = makeLoader(server);
  loader.start();
  await idle;
  assert.ok(log.some((l) => /error test: .*test labels \(HTTP 404 Not Found\)/.test(l)), log.join('\n'));
});

test('DataLoader names every file that failed, each with its reason; Retry forgets the set’s', async () => {
  const blocked = DATA_FILES.map((f) => f.url);
  const server = fakeServer({ blocked });
  const { loader, log } = makeLoader(server);
  loader.start();
  await new Promise((r) => setTimeout(r, 50));
  const names = (list) => list.map((f) => `${f.set}/${f.file}: ${f.why}`).sort();
  const why = 'the connection failed or was interrupted';
  const all = ['test/images', 'test/labels', 'train/images', 'train/labels'].map((k) => `${k}: ${why}`);
  assert.deepEqual(names(loader.failureList), all, 'all four, not only the first of each set');
  assert.deepEqual(names(log.failures), all, 'the last report lists them all');
  assert.deepEqual([...loader.failed].sort(), ['test', 'train']);
  assert.equal(log.filter((l) => l === 'clear train').length, 1, 'a set is cleared once');

  // Only the training images are blocked now: Retry forgets the old failures and reports that one.
  loader.fetch = fakeServer({ blocked: [DATA_FILES[1].url] }).fetchImpl;
  loader.retry();
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(names(loader.failureList), [`train/images: ${why}`]);
});

test('DataLoader: a worker that refuses a set is a failure of that set, with its message', () => {
  const { loader, log } = makeLoader(fakeServer());
  loader.fail('test', 'The MNIST test data could not be read: bad magic');
  assert.deepEqual(log.failures, [{ set: 'test', file: null, why: 'The MNIST test data could not be read: bad magic' }]);
});

test('DataLoader: each file is offered to the store for offline use; a set the worker refuses is forgotten', async () => {
  const server = fakeServer();
  const kept = [];
  const forgotten = [];
  const { loader, idle } = makeLoader(server);
  loader.store = {
    keep: async (url, response) => kept.push([new URL(url).pathname, (await response.arrayBuffer()).byteLength]),
    forget: (url) => forgotten.push(new URL(url).pathname),
  };
  loader.start();
  await idle;
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(kept.map(([p]) => p).sort(), DATA_FILES.map((f) => `/app/${f.url}`).sort());
  for (const [, bytes] of kept) assert.ok(bytes > 20, 'the whole gzip file, not a part');
  loader.fail('test', 'bad magic');
  assert.deepEqual(forgotten.sort(), ['/app/data/t10k-images-idx3-ubyte.gz', '/app/data/t10k-labels-idx1-ubyte.gz']);
});
