// The worker's side of "Look inside" and "Teach it": every layer's output for the pad's drawing
// (one facade call, `layerViews`, into a buffer this module owns), and the fine-tune after a
// correction, cut into short calls of `fineTune` with a look at the message queue between them.
// How a fine-tune mixes and when it stops is the core's (src/teach.rs).

let layout = null; // trainer.activationLayout(), read again when the model's size changes
let length = 0;

/** LAYER_VIEWS' payload for `pixels`: fresh arrays (they are transferred to the page). */
export function layerViews(wasm, trainer, pixels) {
  if (trainer.activationLength() !== length) {
    length = trainer.activationLength();
    layout = trainer.activationLayout();
  }
  const filtersLength = layout[0].shape[2] * 9; // conv1's filters, 3x3 each (its kernel, src/network.rs)
  const activations = new Float32Array(length);
  trainer.layerViews(pixels, activations);
  const filters = new Float32Array(filtersLength);
  trainer.firstFilters(filters);
  return { layout, activations, filters };
}

/**
 * Replaces the trainer's drawings and fine-tunes around drawing `newest`: calls of
 * `teachStepsPerCall()` steps until the core says done (src/teach.rs, `TeachConfig::done`: the
 * least steps and the drawing read right with confidence, or the most steps). Between calls `pause()` lets
 * messages in; `stale()` (a reset or an import meanwhile) stops it. Resolves to TAUGHT's
 * fields, or null when stopped.
 */
export async function fineTune(wasm, trainer, { images, labels, newest }, { pause, stale }) {
  trainer.setDrawings(images, labels); // throws first for bad drawings: nothing trained
  const perCall = trainer.teachStepsPerCall();
  const t0 = performance.now();
  let steps = 0;
  let report;
  for (;;) {
    report = trainer.fineTune(newest, perCall, steps);
    steps += report.steps;
    if (report.done) break;
    await pause();
    if (stale()) return null;
  }
  return { label: labels[newest], predicted: report.predicted, probability: report.probability, steps, ms: performance.now() - t0 };
}
