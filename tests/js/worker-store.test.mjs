// The worker's model keeping (www/worker-store.js ModelKeeper) on a fake store: a save is one
// write under the exclusive Web Lock, undone under the same lock when a Reset came meanwhile; a
// failed write (a full disk) throws and leaves the kept model as it was; a restore reads under
// the shared lock; Reset forgets only the save this tab holds; no navigator.locks, no lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOCK, withLock } from '../../www/model-store.js';
import { ModelKeeper } from '../../www/worker-store.js';

/** A store like model-store.js's, in memory: `record` is what IndexedDB holds; `log` what happened. */
function fakeStore({ full = false } = {}) {
  const store = {
    record: null,
    log: [],
    held: null, // the lock mode held now
    full,
    async withLock(mode, fn) {
      assert.equal(store.held, null, 'one lock at a time in these tests');
      store.held = mode;
      store.log.push(`lock ${mode}`);
      try {
        return await fn();
      } finally {
        store.held = null;
        store.log.push('unlock');
      }
    },
    async saveModel(weights, meta) {
      store.log.push(`save ${store.held}`);
      await null;
      if (store.full) throw Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
      store.record = { weights, meta: { ...meta, savedAt: 1 } };
    },
    async loadModel() {
      store.log.push(`load ${store.held}`);
      return store.record;
    },
    async forgetModel(id) {
      store.log.push(`forget ${store.held}`);
      if (store.record?.meta.id !== id) return false;
      store.record = null;
      return true;
    },
    async clearModel() {
      store.record = null;
    },
  };
  return store;
}

/** A trainer whose weights file is `[n]`. */
const trainer = (n) => ({
  weights: Uint8Array.of(n),
  exportWeights() {
    return this.weights;
  },
  config: () => ({ batchSize: 64 }),
  importWeights(bytes) {
    if (bytes[0] === 255) throw new Error('not a weights file');
    this.weights = bytes;
  },
});
const META = { counters: { totalSteps: 5 }, testAccuracy: 0.9 };

test('a save is one write under the exclusive lock, with the tab and a save id', async () => {
  const store = fakeStore();
  const keeper = new ModelKeeper(store);
  await keeper.save(trainer(1), META, () => true);
  assert.deepEqual(store.log, ['lock exclusive', 'save exclusive', 'unlock']);
  assert.deepEqual(store.record.weights, Uint8Array.of(1));
  assert.equal(store.record.meta.tab, keeper.tab);
  assert.equal(store.record.meta.id, keeper.held);
  assert.deepEqual(store.record.meta.counters, META.counters);
});

test('a Reset during the save: undone before the lock is let go, so no tab reads it', async () => {
  const store = fakeStore();
  const keeper = new ModelKeeper(store);
  await keeper.save(trainer(1), META, () => false);
  assert.deepEqual(store.log, ['lock exclusive', 'save exclusive', 'forget exclusive', 'unlock']);
  assert.equal(store.record, null);
  assert.equal(keeper.held, null);
});

test('a full disk: the save throws QuotaExceededError and the last good model stays', async () => {
  const store = fakeStore();
  const keeper = new ModelKeeper(store);
  await keeper.save(trainer(1), META, () => true);
  const good = store.record;
  const held = keeper.held;
  store.full = true;
  await assert.rejects(keeper.save(trainer(2), { ...META, counters: { totalSteps: 9 } }, () => true), { name: 'QuotaExceededError' });
  assert.equal(store.record, good, 'the kept model is the last good one, whole');
  assert.equal(keeper.held, held);
  assert.equal(store.held, null, 'the lock is let go');
  store.full = false;
  await keeper.save(trainer(3), META, () => true);
  assert.deepEqual(store.record.weights, Uint8Array.of(3), 'the next save works again');
});

test('restore reads under the shared lock; a file that no longer loads is forgotten', async () => {
  const store = fakeStore();
  await new ModelKeeper(store).save(trainer(7), META, () => true);
  store.log = [];
  const other = new ModelKeeper(store);
  const t = trainer(0);
  const restored = await other.restore(t);
  assert.deepEqual(store.log, ['lock shared', 'load shared', 'unlock']);
  assert.deepEqual(t.weights, Uint8Array.of(7));
  assert.deepEqual(restored, { counters: META.counters, testAccuracy: 0.9, savedAt: 1, tab: store.record.meta.tab });
  assert.notEqual(restored.tab, other.tab, 'a new tab has its own id');
  store.record = { weights: Uint8Array.of(255), meta: {} };
  assert.equal(await other.restore(trainer(0)), null);
  assert.equal(store.record, null);
});

test('Reset forgets the save this tab holds, never a later save of another tab', async () => {
  const store = fakeStore();
  const a = new ModelKeeper(store);
  const b = new ModelKeeper(store);
  await a.save(trainer(1), META, () => true);
  await b.save(trainer(2), META, () => true);
  await a.forget();
  assert.deepEqual(store.record.weights, Uint8Array.of(2), "B's model stays");
  await b.forget();
  assert.equal(store.record, null);
  store.log = [];
  await new ModelKeeper(store).forget();
  assert.deepEqual(store.log, [], 'nothing held, nothing forgotten');
});

test('withLock: navigator.locks when there is one, else the work alone', async () => {
  const asked = [];
  const locks = { request: (name, options, fn) => (asked.push([name, options]), fn()) };
  assert.equal(await withLock('shared', async () => 4, locks), 4);
  assert.deepEqual(asked, [[LOCK, { mode: 'shared' }]]);
  assert.equal(await withLock('exclusive', async () => 5, undefined), 5, 'no Web Locks (older engines): runs unlocked');
});
