// The training settings: defaults, limits and validation of what the user typed.
// `validateSettings` is pure (tests/js/settings.test.mjs); `SettingsForm` binds it to the inputs.
// Numbers are typed (FIELDS, validated with a message); switches are checkboxes (SWITCHES, always
// valid: a missing value, as in data saved before the switch existed, means its default).

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

/**
 * Binds the four number inputs and the checkboxes: validates on every keystroke, marks invalid
 * inputs (aria-invalid + a message linked by aria-describedby) and reports valid settings.
 * `inputs` maps field or switch name -> element, `messages` field name -> element.
 */
export class SettingsForm {
  constructor({ inputs, messages, onChange }) {
    this.inputs = inputs;
    this.messages = messages;
    this.onChange = onChange;
    for (const [name, input] of Object.entries(inputs)) {
      if (name in SWITCHES) {
        input.checked = SWITCHES[name].default;
        input.addEventListener('change', () => this.#update());
        continue;
      }
      const f = FIELDS[name];
      input.value = String(f.default);
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
