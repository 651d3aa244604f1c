// What the page shows for a given situation: the status (`data-state`), its text and which
// controls are usable. Pure functions of a plain snapshot; tested in tests/js/ui-state.test.mjs.
import { formatPercent } from './format.js';

/**
 * The `data-state` of [data-testid=status]: 'loading' | 'ready' | 'training' | 'paused' | 'done' | 'error'.
 * @param {object} s
 * @param {boolean} s.workerReady  wasm loaded in the worker
 * @param {string|null} s.error    a blocking problem (unsupported browser, failed download...)
 * @param {string} s.runState      the worker's: 'ready' | 'training' | 'paused' | 'done'
 * @param {number} s.trainUsable   training images parsed so far
 */
export function displayState({ workerReady, error, runState, trainUsable }) {
  if (error) return 'error';
  if (!workerReady) return 'loading';
  if (runState === 'ready' && trainUsable === 0) return 'loading';
  return runState;
}

/** The words next to the status dot (a role=status live region: changes should be rare). */
export function statusText(state, { workerReady, epochInRun, epochsInRun, testAccuracy }) {
  switch (state) {
    case 'loading': // no percentage: this is a live region, the progress bar has the detail
      return workerReady ? 'Loading MNIST…' : 'Starting…';
    case 'ready':
      return 'Ready to train';
    case 'training':
      return `Training · epoch ${Math.min(epochInRun + 1, epochsInRun)} of ${epochsInRun}`;
    case 'paused':
      return `Paused · epoch ${Math.min(epochInRun + 1, epochsInRun)} of ${epochsInRun}`;
    case 'done':
      return Number.isFinite(testAccuracy) ? `Done · ${formatPercent(testAccuracy)} on the test set` : 'Done';
    default:
      return 'Something went wrong';
  }
}

/** `{ train: { label, disabled }, pause: { disabled }, reset: { disabled } }`. */
export function controlsFor({ state, runState, workerReady, trainUsable, settingsValid }) {
  const startable = workerReady && trainUsable > 0 && settingsValid;
  let label = 'Train';
  if (runState === 'paused') label = 'Resume';
  else if (runState === 'done') label = 'Train more';
  return {
    train: { label, disabled: !startable || runState === 'training' || state === 'loading' },
    pause: { disabled: runState !== 'training' },
    reset: { disabled: !workerReady },
  };
}
