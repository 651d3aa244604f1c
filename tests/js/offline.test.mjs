// Working offline (issue 13): the page's data cache (www/offline-cache.js) against a fake Cache
// Storage, the service worker as the build emits it (scripts/vite-offline.mjs: its settings
// filled in, the source still a valid script), the manifest, and the footer's note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_CACHE, ON_DEMAND_PATH, PRETRAINED_PATH, SHELL_CACHE_PREFIX, dataStore, registerOffline } from '../../www/offline-cache.js';
import { manifest, serviceWorker } from '../../scripts/vite-offline.mjs';
import { Action, initialState, reduce } from '../../www/state.js';
import { offlineNote } from '../../www/ui-state.js';

/** A Cache Storage with one cache per name, keyed by URL. */
function fakeCaches() {
  const stores = new Map();
  return {
    stores,
    async open(name) {
      if (!stores.has(name)) stores.set(name, new Map());
      const store = stores.get(name);
      return {
        match: async (url) => store.get(String(url)),
        put: async (url, response) => store.set(String(url), new Uint8Array(await response.arrayBuffer())),
        delete: async (url) => store.delete(String(url)),
      };
    },
  };
}

const URL_A = 'http://x.test/data/t10k-labels-idx1-ubyte.gz';

test('dataStore keeps a whole, successful download once, and forgets a refused one', async () => {
  const caches = fakeCaches();
  const store = dataStore(caches);
  await store.keep(URL_A, new Response(Uint8Array.from([0x1f, 0x8b, 1, 2])));
  assert.deepEqual([...caches.stores.get(DATA_CACHE).get(URL_A)], [0x1f, 0x8b, 1, 2]);
  await store.keep(URL_A, new Response(Uint8Array.from([9]))); // served from the cache: kept already
  assert.deepEqual([...caches.stores.get(DATA_CACHE).get(URL_A)], [0x1f, 0x8b, 1, 2]);
  await store.keep('http://x.test/data/missing.gz', new Response('nope', { status: 404 }));
  assert.equal(caches.stores.get(DATA_CACHE).has('http://x.test/data/missing.gz'), false, 'an error page is not kept');
  // A download that breaks off is not kept.
  const broken = new ReadableStream({
    start(c) {
      c.enqueue(Uint8Array.from([0x1f]));
      c.error(new TypeError('network error'));
    },
  });
  await store.keep('http://x.test/data/broken.gz', new Response(broken));
  assert.equal(caches.stores.get(DATA_CACHE).has('http://x.test/data/broken.gz'), false);
  await store.forget(URL_A);
  assert.equal(caches.stores.get(DATA_CACHE).has(URL_A), false);
  // No Cache Storage (an insecure origin, a blocked one): nothing kept, nothing thrown.
  await dataStore(undefined).keep(URL_A, new Response('x'));
  await dataStore(undefined).forget(URL_A);
});

test('the service worker as built: its settings filled in, a valid script', async () => {
  const shell = ['./', 'manifest.webmanifest', 'assets/index-abc.js'];
  const source = await serviceWorker({ version: 'v123', shell });
  assert.ok(!source.includes('self.__OFFLINE__'));
  const settings = JSON.parse(source.match(/const OFFLINE = (\{.*?\});/)[1]);
  assert.deepEqual(settings, {
    version: 'v123',
    shell,
    shellCache: `${SHELL_CACHE_PREFIX}v123`,
    shellPrefix: SHELL_CACHE_PREFIX,
    dataCache: DATA_CACHE,
    dataPath: 'data/',
    pretrainedPath: PRETRAINED_PATH,
    onDemandPath: ON_DEMAND_PATH,
  });
  // It parses as a classic script (a service worker is not a module here).
  assert.doesNotThrow(() => new Function(source));
});

test('the manifest: installable as a standalone app with the icon', () => {
  const m = manifest('assets/icon-x.svg');
  assert.equal(m.display, 'standalone');
  assert.equal(m.start_url, './');
  assert.deepEqual(m.icons, [{ src: 'assets/icon-x.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }]);
});

test('the offline note: ready once MNIST is in, a new version said once', () => {
  const s0 = initialState();
  assert.equal(offlineNote(s0), '', 'the dev server, or no service worker yet');
  const ready = reduce(s0, { type: Action.OFFLINE, status: 'offline-ready' });
  assert.equal(offlineNote(ready), 'Works offline once MNIST has loaded.');
  const loaded = reduce(ready, { type: Action.DOWNLOAD_PROGRESS, loaded: 1, total: 1, done: true, bytes: 1 });
  assert.equal(offlineNote(loaded), 'Works offline: the page, the trainer and MNIST are kept in this browser.');
  const updated = reduce(loaded, { type: Action.OFFLINE, status: 'updated' });
  assert.equal(offlineNote(updated), 'A new version of this page was installed; it is kept for offline use.');
  assert.equal(reduce(updated, { type: Action.OFFLINE, status: 'offline-ready' }).offline, 'updated', 'the update’s note stays');
  assert.equal(offlineNote(reduce(s0, { type: Action.OFFLINE, status: 'unavailable' })), '');
});

/** A service worker in `state` that can move on: `to(state)` fires its statechange. */
function fakeWorker(state) {
  const listeners = [];
  return {
    state,
    addEventListener: (type, f) => type === 'statechange' && listeners.push(f),
    to(next) {
      this.state = next;
      for (const f of listeners) f();
    },
  };
}

/** Runs registerOffline against a navigator whose registration is `registration`. */
async function register(registration, { controller = true } = {}) {
  const seen = [];
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    value: { serviceWorker: { controller: controller ? {} : null, register: async () => registration } },
  });
  try {
    registerOffline({ url: 'sw.js', onStatus: (s) => seen.push(s) });
    await new Promise((r) => setTimeout(r, 0));
  } finally {
    if (saved) Object.defineProperty(globalThis, 'navigator', saved);
    else delete globalThis.navigator;
  }
  return seen;
}

const registration = (slots) => ({ active: null, installing: null, waiting: null, update: async () => {}, addEventListener() {}, ...slots });

test('registerOffline: a new version is told however far it got before the page looked', async () => {
  // Installed and waiting before the page's script ran (the browser checked as it navigated).
  const waiting = fakeWorker('installed');
  const seen = await register(registration({ active: fakeWorker('activated'), waiting }));
  assert.deepEqual(seen, [], 'not yet: it still waits');
  waiting.to('activating');
  waiting.to('activated');
  assert.deepEqual(seen, ['updated']);
  // Still installing.
  const installing = fakeWorker('installing');
  const seen2 = await register(registration({ active: fakeWorker('activated'), installing }));
  installing.to('activated');
  assert.deepEqual(seen2, ['updated']);
  // Nothing new: the app is ready offline. A first visit (no controller) says ready, not updated.
  assert.deepEqual(await register(registration({ active: fakeWorker('activated') })), ['offline-ready']);
  const first = fakeWorker('installing');
  const seen3 = await register(registration({ installing: first }), { controller: false });
  first.to('activated');
  assert.deepEqual(seen3, ['offline-ready']);
});
