// The worker's side of keeping the model in this browser (model-store.js does the IndexedDB
// work): the trainer's weights file plus the counters and score that the page shows with it.
import { clearModel, loadModel, saveModel } from './model-store.js';

/**
 * Saves the trainer's weights with `meta` (`{ counters, testAccuracy }`); forgets them again
 * if `stillWanted()` turns false while saving (a Reset came meanwhile). Throws what storage threw.
 */
export async function saveTrainer(trainer, meta, stillWanted) {
  await saveModel(trainer.exportWeights(), { ...meta, config: trainer.config() });
  if (!stillWanted()) await clearModel();
}

/**
 * Loads the kept model into `trainer`. Resolves to `{ counters, testAccuracy, savedAt }`, or
 * null when nothing is kept, storage is unavailable, or the kept file no longer loads (then it
 * is forgotten: an incompatible version saved it).
 */
export async function restoreTrainer(trainer) {
  const saved = await loadModel().catch(() => null);
  if (!saved) return null;
  try {
    trainer.importWeights(saved.weights);
  } catch {
    await clearModel().catch(() => {});
    return null;
  }
  const { counters, testAccuracy = null, savedAt } = saved.meta;
  return { counters, testAccuracy, savedAt };
}
