// Whether to augment follows the data set: the distortions (turns, sizes, shifts and wobbles of
// every training image) suit handwritten digits, so MNIST trains with them by default (the
// schema's default) and a data set of the user's own starts without them until the
// user turns them on (on Fashion-MNIST they cost test accuracy).
// The user's choice is kept per data set in localStorage; MNIST's stays in the kept settings.
// Pure apart from the two storage functions; tested in tests/js/augment-policy.test.mjs.

/** The data set that is not the user's. */
export const MNIST = 'mnist';

/** localStorage key: JSON `{ [dataSetKey]: boolean }`, the augment choice of each own data set. */
export const AUGMENT_CHOICES_KEY = 'mnist-trainer.augment-by-data-set';

/** What the settings card says while an own data set trains without augmentation. */
export const OFF_FOR_OWN_DATA =
  'Augmentation starts off for your own data: its random turns, sizes, shifts and wobbles ' +
  'are made for handwritten digits and can hurt other images. Turn it on if yours ' +
  'are digits.';

/** The key of an own training set, from its two file names (the same files, the same key). */
export const dataSetKey = (trainFiles) => `own:${[...trainFiles].sort().join('+')}`;

/** The augment setting a data set starts with: its kept choice, else off (MNIST: `mnistValue`). */
export function augmentFor(key, choices, mnistValue) {
  if (key === MNIST) return mnistValue;
  return typeof choices[key] === 'boolean' ? choices[key] : false;
}

/** Pure: the kept text (or null) → `{ key: boolean }`, dropping anything else. Never throws. */
export function restoreChoices(text) {
  let stored = null;
  try {
    stored = typeof text === 'string' ? JSON.parse(text) : null;
  } catch {
    stored = null;
  }
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return {};
  return Object.fromEntries(Object.entries(stored).filter(([k, v]) => k.startsWith('own:') && typeof v === 'boolean'));
}

function browserStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The kept choices; `{}` when storage is unavailable. */
export function loadChoices(storage = browserStorage()) {
  try {
    return restoreChoices(storage ? storage.getItem(AUGMENT_CHOICES_KEY) : null);
  } catch {
    return {};
  }
}

/** Keeps the choices; false when storage is unavailable or full. */
export function saveChoices(choices, storage = browserStorage()) {
  try {
    if (!storage) return false;
    storage.setItem(AUGMENT_CHOICES_KEY, JSON.stringify(choices));
    return true;
  } catch {
    return false;
  }
}
