// The arithmetic of `npm run bench:page-speed` (bench/page-speed.mjs), pure so it is tested
// (tests/js/page-speed-stats.test.mjs): from the training worker's messages as the page received
// them, with the page's clock, where one epoch's time went.

export const STEADY_FROM = 0.1; // of the epoch's steps: start-up (workers loaded, first steps) is before
export const STEADY_TO = 0.95;

const round = (x, digits = 0) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);

/**
 * `messages`: `{ type: 'progress'|'evaluation'|'epoch-end', at, ... }` in arrival order (PROGRESS:
 * images, ms, stepInEpoch, stepsPerEpoch; EVALUATION: kind), `clickedAt`: the Train click, both
 * in ms of the page's clock. The epoch is the one that ends at the first EPOCH_END.
 */
export function pageSpeed(messages, clickedAt) {
  const endAt = messages.findIndex((m) => m.type === 'epoch-end');
  if (endAt < 0) throw new Error('no EPOCH_END: the epoch did not finish');
  const epochEnd = messages[endAt];
  const progress = messages.slice(0, endAt).filter((m) => m.type === 'progress');
  if (progress.length < 2) throw new Error('fewer than two PROGRESS messages in the epoch');
  const full = messages.slice(endAt).find((m) => m.type === 'evaluation' && m.kind === 'full');
  const estimates = messages.slice(0, endAt).filter((m) => m.type === 'evaluation' && m.kind === 'estimate');
  const steps = progress[0].stepsPerEpoch;
  const steady = progress.filter((m) => m.stepInEpoch >= STEADY_FROM * steps && m.stepInEpoch <= STEADY_TO * steps);
  if (steady.length < 2) throw new Error('fewer than two PROGRESS messages in the steady part');
  const sum = (list, key) => list.reduce((a, m) => a + m[key], 0);
  // Wall clock: the images of every message after the first, over the time between the first and the last.
  const steadyWallMs = steady.at(-1).at - steady[0].at;
  const first = progress[0];
  const last = progress.at(-1);
  const trainWallMs = last.at - first.at + first.ms;
  const trainBusyMs = sum(progress, 'ms');
  return {
    busy_images_per_sec: round((1000 * sum(steady, 'images')) / sum(steady, 'ms')),
    steady_images_per_sec: round((1000 * sum(steady.slice(1), 'images')) / steadyWallMs),
    progress_messages_per_sec: round((1000 * (steady.length - 1)) / steadyWallMs, 1),
    images_trained: sum(progress, 'images'),
    first_progress_s: round((first.at - clickedAt) / 1000, 2),
    train_wall_s: round(trainWallMs / 1000, 2),
    train_busy_s: round(trainBusyMs / 1000, 2),
    // Estimates, and every gap between two slices: the training time the page's loop loses.
    between_slices_s: round((trainWallMs - trainBusyMs) / 1000, 2),
    estimates: estimates.length,
    validation_s: round((epochEnd.at - last.at) / 1000, 2),
    validation_count: epochEnd.valCount,
    test_s: full ? round((full.at - epochEnd.at) / 1000, 2) : null,
    epoch_s: full ? round((full.at - clickedAt) / 1000, 2) : null,
  };
}
