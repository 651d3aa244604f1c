// The training settings: defaults, limits and validation of what the user typed.
// `validateSettings` is pure (tests/js/settings.test.mjs); `SettingsForm` binds it to the inputs.
// Numbers are typed (FIELDS, validated with a message); switches are checkboxes (SWITCHES, always
// valid: a missing value, as in data saved before the switch existed, means its default).
// The last valid settings are kept in localStorage (SETTINGS_KEY): `restoreSettings` turns the
// stored text back into settings, field by field, through `validateSettings`.

export const TRAIN_IMAGES = 60000;

export const FIELDS = Object.freeze({
  epochs: { label: 'Epochs', integer: true, min: 1, max: 100, default: 3 },
  batchSize: { label: 'Batch size', integer: true, min: 1, max: 1024, default: 64 },
  learningRate: { label: 'Learning rate', integer: false, min: 0, max: 1, default: 0.001, exclusiveMin: true },
  trainSize: { label: 'Training images', integer: true, min: 1, max: TRAIN_IMAGES, default: TRAIN_IMAGES },
});

export const SWITCHES = Object.freeze({
  // Random rotation, scale and shift of every training image (TrainerConfig.augment).
  augment: { label: 'Augment the training images', default: true },
});

export const DEFAULT_SETTINGS = Object.freeze(
  Object.fromEntries([...Object.entries(FIELDS), ...Object.entries(SWITCHES)].map(([k, f]) => [k, f.default])),
);

/** The message for one field's raw text, or '' when it is valid. */
export function fieldError(name, raw) {
  const f = FIELDS[name];
  const text = String(raw ?? '').trim();
  if (text === '') return `${f.label}: enter a value.`;
  const v = Number(text);
  if (!Number.isFinite(v)) return `${f.label}: “${text}” is not a number.`;
  const range = f.exclusiveMin ? `greater than ${f.min} and at most ${f.max}` : `from ${f.min} to ${f.max}`;
  if (f.integer && !Number.isInteger(v)) return `${f.label} must be a whole number ${range}.`;
  if (f.exclusiveMin ? v <= f.min : v < f.min) return `${f.label} must be ${f.integer ? 'a whole number ' : ''}${range}.`;
  if (v > f.max) return `${f.label} must be ${f.integer ? 'a whole number ' : ''}${range}.`;
  return '';
}

/**
 * One switch's raw value as a boolean: a checkbox's `checked`, or the text 'true' / 'false'.
 * Missing (undefined, null, '') gives the switch's default.
 */
export function switchValue(name, raw) {
  if (raw === undefined || raw === null || raw === '') return SWITCHES[name].default;
  if (typeof raw === 'boolean') return raw;
  return String(raw).trim().toLowerCase() === 'true';
}

/**
 * Validates raw input texts `{ epochs, batchSize, learningRate, trainSize }` and switches
 * `{ augment }`. Returns `{ ok, values, errors }`: `values` holds the parsed numbers of the
 * valid fields and every switch's boolean, `errors` a message for each invalid number.
 */
export function validateSettings(raw) {
  const values = {};
  const errors = {};
  for (const name of Object.keys(FIELDS)) {
    const message = fieldError(name, raw[name]);
    if (message) errors[name] = message;
    else values[name] = Number(String(raw[name]).trim());
  }
  for (const name of Object.keys(SWITCHES)) values[name] = switchValue(name, raw[name]);
  return { ok: Object.keys(errors).length === 0, values, errors };
}

// ---- keeping the settings across reloads ---------------------------------------------------------

/** The localStorage key of the last valid settings (JSON: `{ epochs, batchSize, …, augment }`). */
export const SETTINGS_KEY = 'mnist-trainer.settings';

/** The stored form of valid settings: JSON of the known fields and switches only. */
export function serializeSettings(values) {
  return JSON.stringify(Object.fromEntries(Object.keys(DEFAULT_SETTINGS).map((name) => [name, values[name]])));
}

/**
 * Pure: the text kept under SETTINGS_KEY (or null when nothing is kept) -> complete, valid
 * settings. Each field stands alone: a number that is missing, not a JSON number, or invalid
 * for `validateSettings` (out of range, not whole) takes its default, and so does a switch that
 * is not a boolean (missing, as in data saved before the switch existed, means its default too).
 * Text that is not JSON, or JSON that is not an object, gives the defaults. Never throws.
 */
export function restoreSettings(text) {
  let stored = null;
  if (typeof text === 'string') {
    try {
      stored = JSON.parse(text);
    } catch {
      stored = null;
    }
  }
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return { ...DEFAULT_SETTINGS };
  const own = (name) => (Object.hasOwn(stored, name) ? stored[name] : undefined);
  const raw = {};
  for (const name of Object.keys(FIELDS)) raw[name] = typeof own(name) === 'number' ? own(name) : undefined;
  for (const name of Object.keys(SWITCHES)) raw[name] = typeof own(name) === 'boolean' ? own(name) : undefined;
  return { ...DEFAULT_SETTINGS, ...validateSettings(raw).values };
}

/** `globalThis.localStorage`, or null where it is missing or blocked (reading it can throw). */
function browserStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The kept settings (see `restoreSettings`); the defaults when storage is unavailable. */
export function loadSettings(storage = browserStorage()) {
  try {
    return restoreSettings(storage ? storage.getItem(SETTINGS_KEY) : null);
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

/** Keeps valid settings; false (and nothing else) when storage is unavailable or full. */
export function saveSettings(values, storage = browserStorage()) {
  try {
    if (!storage) return false;
    storage.setItem(SETTINGS_KEY, serializeSettings(values));
    return true;
  } catch {
    return false;
  }
}

/**
 * Binds the four number inputs and the checkboxes: validates on every keystroke, marks invalid
 * inputs (aria-invalid + a message linked by aria-describedby) and reports valid settings.
 * `inputs` maps field or switch name -> element, `messages` field name -> element; the inputs
 * start from `initial` (valid settings, say `loadSettings()`; the defaults fill any gap).
 */
export class SettingsForm {
  constructor({ inputs, messages, onChange, initial = DEFAULT_SETTINGS }) {
    this.inputs = inputs;
    this.messages = messages;
    this.onChange = onChange;
    for (const [name, input] of Object.entries(inputs)) {
      if (name in SWITCHES) {
        input.checked = initial[name] ?? SWITCHES[name].default;
        input.addEventListener('change', () => this.#update());
        continue;
      }
      const f = FIELDS[name];
      input.value = String(initial[name] ?? f.default);
      input.min = String(f.exclusiveMin ? 0 : f.min);
      input.max = String(f.max);
      input.addEventListener('input', () => this.#update());
    }
    this.#update(true);
  }

  read() {
    return validateSettings(
      Object.fromEntries(Object.entries(this.inputs).map(([k, el]) => [k, k in SWITCHES ? el.checked : el.value])),
    );
  }

  #update(initial = false) {
    const result = this.read();
    for (const name of Object.keys(this.messages)) {
      const message = result.errors[name] ?? '';
      this.inputs[name].setAttribute('aria-invalid', message ? 'true' : 'false');
      this.messages[name].textContent = message;
      this.messages[name].hidden = !message;
    }
    if (!initial) this.onChange(result);
    this.valid = result.ok;
  }
}
