// The worker's side of keeping the model in this browser (model-store.js does the IndexedDB
// work and says how two tabs share it): the trainer's weights file plus the counters and score
// that the page shows with it, under this tab's id.
import { clearModel, forgetModel, loadModel, newId, saveModel, withLock } from './model-store.js';

export class ModelKeeper {
  /** `store`: model-store.js's functions (a test passes a fake). */
  constructor(store = { clearModel, forgetModel, loadModel, saveModel, withLock }) {
    this.store = store;
    this.tab = newId(); // this tab's saves
    this.held = null; // the id of the kept save this tab's model is: restored, or saved here
  }

  /**
   * Saves the trainer's weights with `meta` (`{ counters, testAccuracy }`), whole or not at
   * all; undoes it if `stillWanted()` turns false while saving (a Reset came meanwhile). Throws
   * what storage threw (QuotaExceededError: the last good model stays).
   */
  async save(trainer, meta, stillWanted) {
    const { store, tab } = this;
    const weights = trainer.exportWeights(); // now: the counters in `meta` are this model's
    const config = trainer.config();
    const id = newId();
    await store.withLock('exclusive', async () => {
      await store.saveModel(weights, { ...meta, config, tab, id });
      if (stillWanted()) this.held = id;
      else await store.forgetModel(id);
    });
  }

  /**
   * Loads the kept model into `trainer`. Resolves to `{ counters, testAccuracy, savedAt, tab }`,
   * or null when nothing is kept, storage is unavailable, or the kept file no longer loads
   * (then it is forgotten: an incompatible version saved it).
   */
  async restore(trainer) {
    const { store } = this;
    const saved = await store.withLock('shared', () => store.loadModel()).catch(() => null);
    if (!saved) return null;
    try {
      trainer.importWeights(saved.weights);
    } catch {
      await store.clearModel().catch(() => {});
      return null;
    }
    const { counters, testAccuracy = null, savedAt, tab = null, id = null } = saved.meta;
    this.held = id;
    return { counters, testAccuracy, savedAt, tab };
  }

  /** Reset: forgets the kept model if it is the one this tab holds; a later save (of another tab) stays. */
  async forget() {
    const { store, held } = this;
    this.held = null;
    if (held) await store.withLock('exclusive', () => store.forgetModel(held));
  }
}
