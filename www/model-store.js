// Keeps the trained model in this browser (IndexedDB, usable from the worker), so closing the tab
// does not lose it: saved after every epoch and on pause, restored when the page opens again,
// forgotten on Reset. Every function rejects with what storage threw: unavailable (private
// windows, blocked storage) or full (QuotaExceededError); callers tell the page or go without.
//
// Two tabs may train at once and both save here; what a tab restores is always one tab's whole
// model, never a mix:
// - the weights and what the page shows with them (counters, score, settings, the saving tab's
//   id) are one record, put in one transaction: IndexedDB commits it whole or not at all, so a
//   failed write (a full disk) leaves the last good model, and a reader sees one or the other;
// - a chart history is kept per tab (`charts:<tab>`) and shown only beside that tab's model;
// - sequences of several transactions (save, then undo it if a Reset came meanwhile; Reset
//   forgetting the save this tab holds, but not a newer one of another tab) hold the Web Lock
//   LOCK (exclusive; a restore takes it shared), so no tab reads or writes between their steps.
// Web Locks rather than BroadcastChannel: a lock is mutual exclusion that the browser keeps and
// releases when its tab closes or crashes mid-save, in workers too; over BroadcastChannel the
// tabs would have to build that lock themselves, and a closed tab could leave it held. Without
// navigator.locks (older engines; not a secure context) every step is still its own
// transaction: records stay whole; only a save undone by a Reset may be seen for a moment.

const DB_NAME = 'mnist-trainer';
const STORE = 'models';
const KEY = 'current';
const CHARTS_PREFIX = 'charts:'; // + the tab id: that tab's chart history
const OLD_CHARTS_KEY = 'charts'; // one history for every tab, before tabs had their own
export const LOCK = 'mnist-trainer-model';

/** Runs `fn` holding the model's Web Lock (`mode`: 'exclusive' | 'shared'), or without one. */
export function withLock(mode, fn, locks = globalThis.navigator?.locks) {
  return typeof locks?.request === 'function' ? locks.request(LOCK, { mode }, fn) : fn();
}

/** A random id: of a tab, of a save. */
export function newId() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

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

/** One transaction: `body(store, done)` makes its requests; it resolves to what `done` was given. */
async function run(mode, body) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      let result = null;
      body(tx.objectStore(STORE), (value) => (result = value));
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

/** Reads `key` into `done`. */
const read = (key) => (store, done) => {
  store.get(key).onsuccess = (e) => done(e.target.result ?? null);
};

/** Saves `{ weights: Uint8Array, meta }` (`meta.tab`: the saving tab, `meta.id`: this save's), whole or not at all. */
export function saveModel(weights, meta) {
  return run('readwrite', (store) => store.put({ weights, meta: { ...meta, savedAt: Date.now() } }, KEY));
}

/** `{ weights, meta }` or null. */
export function loadModel() {
  return run('readonly', read(KEY));
}

/** Forgets the model and every chart history. */
export function clearModel() {
  return run('readwrite', (store) => store.clear());
}

/** Forgets the model if it is save `id` (a later save stays), with its tab's charts; true if it was. */
export function forgetModel(id) {
  return run('readwrite', (store, done) => {
    store.get(KEY).onsuccess = (e) => {
      const meta = e.target.result?.meta;
      const ours = meta?.id === id;
      if (ours) {
        store.delete(KEY);
        store.delete(CHARTS_PREFIX + meta.tab);
      }
      done(ours);
    };
  });
}

/**
 * Saves tab `tab`'s chart history of its model at `totalSteps` steps; drops the histories of
 * tabs whose model is no longer kept.
 */
export function saveCharts(tab, totalSteps, charts) {
  return run('readwrite', (store) => {
    store.put({ tab, totalSteps, charts }, CHARTS_PREFIX + tab);
    store.get(KEY).onsuccess = (e) => {
      const keep = new Set([CHARTS_PREFIX + tab, CHARTS_PREFIX + e.target.result?.meta?.tab]);
      store.getAllKeys().onsuccess = (k) => {
        for (const key of k.target.result) {
          if (key === OLD_CHARTS_KEY || (key.startsWith(CHARTS_PREFIX) && !keep.has(key))) store.delete(key);
        }
      };
    };
  });
}

/** Tab `tab`'s `{ tab, totalSteps, charts }`, or null (tab null: a model saved before tabs had ids, and its one history). */
export function loadCharts(tab) {
  return run('readonly', read(tab == null ? OLD_CHARTS_KEY : CHARTS_PREFIX + tab));
}
