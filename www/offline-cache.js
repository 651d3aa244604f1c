// Working offline (issue 13), the page's side: the cache names the service worker shares
// (www/sw.js gets them through scripts/vite-offline.mjs), registering the worker in the built
// app, and keeping the MNIST files in the data cache once a download is complete. The worker
// serves them from there on later visits, online or not. Nothing here runs in the dev server's
// page except the data cache (harmless there: nothing reads it without the worker).

/** Cache names: one shell per version (the worker deletes old ones), one data cache for all versions. */
export const SHELL_CACHE_PREFIX = 'mnist-shell-';
export const DATA_CACHE = 'mnist-data-v1';
/** Where the pretrained model lives (fetched only on its button; the worker keeps it once fetched). */
export const PRETRAINED_PATH = 'pretrained/';
/**
 * Where the build puts code loaded only when used (HDF5 for `.keras` files, ~1.3 MB gzipped): not
 * part of the app shell nor precached; the worker keeps it once fetched, like the pretrained model.
 */
export const ON_DEMAND_PATH = 'assets/on-demand/';

/**
 * Keeps MNIST's files for offline use. `keep(url, response)` stores a complete, successful
 * response (a clone the caller does not read; a download that breaks off is not stored, as
 * `cache.put` rejects); `forget(url)` drops a file the worker could not parse. Both never throw:
 * storage that is missing, blocked or full only means no offline copy.
 */
export function dataStore(cachesImpl = globalThis.caches) {
  const open = () => (cachesImpl ? cachesImpl.open(DATA_CACHE) : Promise.reject(new Error('no Cache Storage')));
  return {
    async keep(url, response) {
      try {
        if (!response.ok || response.status !== 200) return void response.body?.cancel();
        const cache = await open();
        if (await cache.match(url, { ignoreVary: true })) return void response.body?.cancel(); // served from the cache: kept already
        await cache.put(url, response);
      } catch {
        // no offline copy; the page works as before
      }
    },
    async forget(url) {
      try {
        await (await open()).delete(url);
      } catch {
        // nothing kept
      }
    },
  };
}

/**
 * Registers the service worker (built app only) and reports what it means for the user:
 * `onStatus('offline-ready')` the first time this browser has the whole app,
 * `onStatus('updated')` when a new version was installed over an older one (it is what the page
 * runs from the next visit, or already, if it came from the network).
 */
export function registerOffline({ url, onStatus }) {
  if (!('serviceWorker' in navigator)) return;
  const hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker
    .register(url)
    .then((registration) => {
      // A new worker may be installing, or already installed and waiting, before this runs
      // (the browser checks for an update as it navigates): follow it whenever it came.
      const follow = (worker) => {
        if (!worker) return;
        const done = () => worker.state === 'activated' && onStatus(hadController ? 'updated' : 'offline-ready');
        if (worker.state === 'activated') done();
        else worker.addEventListener('statechange', done);
      };
      registration.addEventListener('updatefound', () => follow(registration.installing));
      const pending = registration.installing ?? registration.waiting;
      if (pending) follow(pending);
      else if (registration.active) {
        onStatus('offline-ready');
        registration.update().catch(() => {}); // a new version, if any, is installed on this visit (offline: nothing to do)
      }
    })
    .catch(() => onStatus('unavailable'));
}
