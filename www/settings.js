// The training settings, driven by the core's schema (READY's `schema`: one entry per setting,
// in form order: { name, type: 'integer' | 'number' | 'boolean' | 'choice', label, help, default,
// form, min?, max?, exclusiveMin?, options? (a choice's names) }). A choice's value is one of its
// options' names. Owns, as pure functions: the defaults, the validation of what
// was typed (with a message per invalid field) and keeping the settings in localStorage.
// Only `form: true` settings are shown, validated and kept; the form's DOM is
// www/views/settings-view.js. Tested in tests/js/settings.test.mjs and settings-store.test.mjs.

/** The localStorage key of the last valid settings (JSON of the form's fields). */
export const SETTINGS_KEY = 'mnist-trainer.settings';

/** The settings the form shows (and keeps), in schema order. */
export const formFields = (schema) => schema.filter((f) => f.form);

/** `batchSize` -> `batch-size`: the input's id and data-testid, and `data-applied-*` names. */
export const fieldId = (name) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `{ name: default }` for every form field. */
export function defaultSettings(schema) {
  return Object.fromEntries(formFields(schema).map((f) => [f.name, f.default]));
}

/** "from 1 to 1024", "greater than 0 and at most 1", ... ('' for a field without limits). */
function rangeText({ min, max, exclusiveMin }) {
  const hasMin = min !== undefined;
  const hasMax = max !== undefined;
  if (hasMin && hasMax) return exclusiveMin ? `greater than ${min} and at most ${max}` : `from ${min} to ${max}`;
  if (hasMin) return exclusiveMin ? `greater than ${min}` : `at least ${min}`;
  return hasMax ? `at most ${max}` : '';
}

/** The message for one number field's raw text, or '' when it is valid. */
export function fieldError(field, raw) {
  const { label, min, max, exclusiveMin } = field;
  const text = String(raw ?? '').trim();
  if (text === '') return `${label}: enter a value.`;
  const v = Number(text);
  if (!Number.isFinite(v)) return `${label}: “${text}” is not a number.`;
  const whole = field.type === 'integer';
  const below = min !== undefined && (exclusiveMin ? v <= min : v < min);
  const above = max !== undefined && v > max;
  if ((whole && !Number.isInteger(v)) || below || above) {
    const range = rangeText(field);
    if (whole) return `${label} must be a whole number${range ? ` ${range}` : ''}.`;
    return `${label} must be ${range}.`;
  }
  return '';
}

/**
 * A boolean field's raw value: a checkbox's `checked`, or the text 'true' / 'false'.
 * Missing (undefined, null, '') gives its default.
 */
export function switchValue(field, raw) {
  if (raw === undefined || raw === null || raw === '') return field.default;
  if (typeof raw === 'boolean') return raw;
  return String(raw).trim().toLowerCase() === 'true';
}

/** A choice field's raw value: one of its options, else its default (a select cannot be invalid). */
export function choiceValue(field, raw) {
  return field.options.includes(raw) ? raw : field.default;
}

/**
 * Validates raw form values (texts for numbers, booleans for checkboxes, option names for
 * choices) by name. Returns
 * `{ ok, values, errors }`: `values` holds the parsed numbers of the valid fields and every
 * boolean and choice (never invalid), `errors` a message for each invalid number.
 */
export function validateSettings(schema, raw) {
  const values = {};
  const errors = {};
  for (const field of formFields(schema)) {
    const value = raw[field.name];
    if (field.type === 'boolean' || field.type === 'choice') {
      values[field.name] = field.type === 'boolean' ? switchValue(field, value) : choiceValue(field, value);
      continue;
    }
    const message = fieldError(field, value);
    if (message) errors[field.name] = message;
    else values[field.name] = Number(String(value).trim());
  }
  return { ok: Object.keys(errors).length === 0, values, errors };
}

/** The stored form of valid settings: JSON of the form's fields only. */
export function serializeSettings(schema, values) {
  return JSON.stringify(Object.fromEntries(formFields(schema).map((f) => [f.name, values[f.name]])));
}

/**
 * Pure: the text kept under SETTINGS_KEY (or null when nothing is kept) -> complete, valid
 * settings. Each field stands alone: a number that is missing, not a JSON number, or invalid
 * (out of range, not whole) takes its default, and so does a boolean that is not a boolean
 * (missing, as in data saved before the setting existed, means its default too). Text that is
 * not JSON, or JSON that is not an object, gives the defaults. Unknown fields are ignored.
 * Never throws.
 */
export function restoreSettings(schema, text) {
  let stored = null;
  if (typeof text === 'string') {
    try {
      stored = JSON.parse(text);
    } catch {
      stored = null;
    }
  }
  const defaults = defaultSettings(schema);
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return defaults;
  const raw = {};
  for (const field of formFields(schema)) {
    const value = Object.hasOwn(stored, field.name) ? stored[field.name] : undefined;
    const type = { boolean: 'boolean', choice: 'string' }[field.type] ?? 'number';
    raw[field.name] = typeof value === type ? value : undefined;
  }
  return { ...defaults, ...validateSettings(schema, raw).values };
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
export function loadSettings(schema, storage = browserStorage()) {
  try {
    return restoreSettings(schema, storage ? storage.getItem(SETTINGS_KEY) : null);
  } catch {
    return defaultSettings(schema);
  }
}

/** Keeps valid settings; false (and nothing else) when storage is unavailable or full. */
export function saveSettings(schema, values, storage = browserStorage()) {
  try {
    if (!storage) return false;
    storage.setItem(SETTINGS_KEY, serializeSettings(schema, values));
    return true;
  } catch {
    return false;
  }
}
