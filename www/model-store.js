// Keeps the trained model in this browser (IndexedDB, usable from the worker), so closing the tab
// does not lose it: saved after every epoch and on pause, restored when the page opens again,
// forgotten on Reset. Every function resolves to null/false instead of throwing when storage
// is unavailable (private windows, blocked storage); the page says so but keeps working.

const DB_NAME = 'mnist-trainer';
const STORE = 'models';
const KEY = 'current';
const CHARTS_KEY = 'charts'; // the page's chart history, kept beside the model it belongs to

function open() {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('IndexedDB is not available'));
      return;
    }
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
    req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
  });
}

async function run(mode, body) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = body(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req?.result ?? null);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

/** Saves `{ weights: Uint8Array, meta }`. */
export function saveModel(weights, meta) {
  return run('readwrite', (store) => store.put({ weights, meta: { ...meta, savedAt: Date.now() } }, KEY));
}

/** `{ weights, meta }` or null. */
export function loadModel() {
  return run('readonly', (store) => store.get(KEY));
}

/** Forgets the model and its chart history. */
export function clearModel() {
  return run('readwrite', (store) => {
    store.delete(CHARTS_KEY);
    return store.delete(KEY);
  });
}

/** Saves the chart history of the model that has taken `totalSteps` steps. */
export function saveCharts(totalSteps, charts) {
  return run('readwrite', (store) => store.put({ totalSteps, charts }, CHARTS_KEY));
}

/** `{ totalSteps, charts }` or null. */
export function loadCharts() {
  return run('readonly', (store) => store.get(CHARTS_KEY));
}
