// The service worker that makes the built app work offline after one visit (issue 13). A classic
// script, not bundled: scripts/vite-offline.mjs fills in OFFLINE (the build's version, the app
// shell's URLs and the cache names from www/offline-cache.js) and emits it as sw.js at the site's
// root. The dev server does not register it.
//
//   the page (navigations)   network first (a new version arrives at once online), else the cached page
//   the app shell            precached at install: the page, scripts, styles, both wasm builds, icon, manifest
//   data/*.gz (MNIST)        from the data cache, which the page fills after a complete download
//                            (offline-cache.js); not precached: 11 MB the page downloads anyway
//   pretrained/*             network first, kept in the data cache once fetched (the page fetches
//                            it only when its button is pressed), else the kept copy
//   assets/on-demand/*       code loaded only when used (HDF5 for .keras files): the kept copy (its
//                            name has its hash), else the network, kept in the data cache
//
// Responses are cached as the server sent them, headers included, so a page served from the cache
// keeps its Cross-Origin-Opener/Embedder-Policy headers (cross-origin isolation, issue 11), and
// everything it loads is same-origin. Only same-origin GET requests are answered here.
'use strict';

const OFFLINE = self.__OFFLINE__; // replaced by the build: { version, shell: [urls], shellCache, shellPrefix, dataCache, dataPath, pretrainedPath, onDemandPath }
const SCOPE = new URL(self.registration.scope);
const PAGE = new URL('./', SCOPE).href;
const NAVIGATION_TIMEOUT_MS = 4000; // a connection this slow is treated as none: the cached page
// `ignoreVary`: servers send `Vary: Origin`, and the page's module scripts carry an Origin header
// that the worker's own install requests lack; the URL is what identifies a file here.
const MATCH = { ignoreSearch: true, ignoreVary: true };

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(OFFLINE.shellCache);
      // `reload`: past the HTTP cache, so the new version's own files are kept.
      await cache.addAll(OFFLINE.shell.map((url) => new Request(new URL(url, SCOPE), { cache: 'reload' })));
      await self.skipWaiting(); // the page fetches its page from the network first anyway
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      // Older versions' shells go; the one before this stays one version longer, for a page
      // still open on it (its lazy scripts, its wasm). The data cache is kept across versions.
      const shells = (await caches.keys()).filter((k) => k.startsWith(OFFLINE.shellPrefix) && k !== OFFLINE.shellCache);
      for (const old of shells.slice(0, -1)) await caches.delete(old);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return;
  if (request.mode === 'navigate') event.respondWith(page(request));
  else if (url.pathname.startsWith(new URL(OFFLINE.dataPath, SCOPE).pathname)) event.respondWith(data(request));
  else if (url.pathname.startsWith(new URL(OFFLINE.pretrainedPath, SCOPE).pathname)) event.respondWith(keptOnceFetched(request));
  else if (url.pathname.startsWith(new URL(OFFLINE.onDemandPath, SCOPE).pathname)) event.respondWith(onDemand(request));
  else event.respondWith(shellFile(request));
});

/** The page: the network's newest (kept for offline), else the kept one. */
async function page(request) {
  const cache = await caches.open(OFFLINE.shellCache);
  try {
    const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    if (response.ok && new URL(request.url).pathname === new URL(PAGE).pathname) cache.put(PAGE, response.clone()).catch(() => {});
    return response;
  } catch (err) {
    const kept = (await cache.match(PAGE, MATCH)) ?? (await caches.match(PAGE, MATCH));
    if (kept) return kept;
    throw err;
  }
}

/** An MNIST file: the kept copy, else the network (the page keeps it once it has all of it). */
async function data(request) {
  const kept = await caches.open(OFFLINE.dataCache).then((c) => c.match(request, MATCH));
  return kept ?? fetch(request);
}

/** The pretrained model: the network's (kept for offline), else the kept copy. */
async function keptOnceFetched(request) {
  const cache = await caches.open(OFFLINE.dataCache);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (err) {
    const kept = await cache.match(request, MATCH);
    if (kept) return kept;
    throw err;
  }
}

/** Code loaded on demand: the kept copy (a hashed name never changes), else the network's, kept. */
async function onDemand(request) {
  const cache = await caches.open(OFFLINE.dataCache);
  const kept = await cache.match(request, MATCH);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

/** A script, style, wasm or icon: this version's kept copy, else any version's, else the network. */
async function shellFile(request) {
  const kept = (await caches.open(OFFLINE.shellCache).then((c) => c.match(request, MATCH))) ?? (await caches.match(request, MATCH));
  return kept ?? fetch(request);
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the network did not answer in time')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
