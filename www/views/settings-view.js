// The settings fields of the Train card, built from the core's schema at READY (before it, a
// "Starting…" placeholder): a number input per integer or number setting (limits and step from
// the schema), a checkbox per boolean, a select per choice (and per number whose 0 means auto), each with its label, help and error message; ids and
// data-testids are the names in kebab case. Every edit is dispatched as the raw form values
// (www/state.js validates them through www/settings.js); the view then marks invalid fields
// and writes the trainer's applied config as the form's data-applied-* attributes.
import { Action } from '../state.js';
import { fieldId, formFields } from '../settings.js';
import { byId, make, setAttr, setHidden, setText } from './dom.js';

export class SettingsView {
  constructor(dispatch) {
    this.dispatch = dispatch;
    this.form = byId('settings');
    this.placeholder = byId('settings-placeholder');
    this.before = byId('settings-note'); // fields go before the form's general note
    this.schema = null;
    this.inputs = new Map(); // name -> <input>
    this.messages = new Map(); // name -> its error <p>, numbers only
    this.parts = []; // the elements built from the schema
    this.revision = 0; // the state's settingsRevision the inputs show
    this.dataSetNote = byId('data-set-note');
  }

  /** Writes values the state changed by itself (a new data set's augment setting). */
  #fill(values) {
    for (const [name, input] of this.inputs) {
      if (!(name in values)) continue;
      if (input.type === 'checkbox') input.checked = values[name];
      else input.value = String(values[name]);
    }
  }

  render(s) {
    if (s.schema && s.schema !== this.schema) {
      this.#build(s.schema, s.settings);
      this.revision = s.settingsRevision;
    }
    if (this.schema && s.settingsRevision !== this.revision) {
      this.#fill(s.settings);
      this.revision = s.settingsRevision;
    }
    setText(this.dataSetNote, s.dataSetNote);
    setHidden(this.dataSetNote, !s.dataSetNote);
    for (const [name, message] of this.messages) {
      const text = s.settingsErrors[name] ?? '';
      setAttr(this.inputs.get(name), 'aria-invalid', text ? 'true' : 'false');
      setText(message, text);
      setHidden(message, !text);
    }
    // What the trainer actually runs with (tests read it): data-applied-batch-size="32", ...
    for (const [name, value] of Object.entries(s.trainerConfig ?? {})) {
      setAttr(this.form, `data-applied-${fieldId(name)}`, String(value));
    }
  }

  /** The form's values as typed: text for numbers, booleans for checkboxes. */
  read() {
    return Object.fromEntries([...this.inputs].map(([name, input]) => [name, input.type === 'checkbox' ? input.checked : input.value]));
  }

  /** Makes the fields, filled with `values` (the kept settings). */
  #build(schema, values) {
    this.schema = schema;
    for (const part of this.parts) part.remove();
    this.inputs.clear();
    this.messages.clear();
    this.parts = formFields(schema).flatMap((f) => {
      if (f.type === 'boolean') return this.#checkbox(f, values);
      if (f.type === 'choice') return [this.#select(f, values, f.options.map((o) => [o, o]))];
      if (f.zeroMeans) return [this.#select(f, values, Array.from({ length: f.max + 1 }, (_, v) => [String(v), v === 0 ? f.zeroMeans : String(v)]))];
      return [this.#number(f, values)];
    });
    this.before.before(...this.parts);
    this.placeholder.hidden = true;
    this.form.removeAttribute('aria-busy');
  }

  #number(field, values) {
    const id = fieldId(field.name);
    const hint = field.help ? make('p', { id: `${id}-hint`, className: 'hint', textContent: field.help }) : null;
    const whole = field.type === 'integer';
    const input = make('input', { id, type: 'number', required: true, value: String(values[field.name]) }, {
      'data-testid': id,
      step: whole ? '1' : 'any',
      inputmode: whole ? 'numeric' : 'decimal',
      'aria-describedby': hint ? `${id}-msg ${id}-hint` : `${id}-msg`,
      'aria-invalid': 'false',
    });
    if (field.min !== undefined) input.min = String(field.min);
    if (field.max !== undefined) input.max = String(field.max);
    input.addEventListener('input', () => this.#changed());
    const message = make('p', { id: `${id}-msg`, className: 'field-error', hidden: true });
    this.inputs.set(field.name, input);
    this.messages.set(field.name, message);
    const wrap = make('div', { className: 'field' });
    wrap.append(make('label', { htmlFor: id, textContent: field.label }), input, message);
    if (hint) wrap.append(hint);
    return wrap;
  }

  /**
   * A select of `[value, text]` options, so nothing invalid can be picked: a choice's names, or a
   * whole number where 0 means `zeroMeans` ("auto") and 1..max (its value the number's text,
   * like an input's).
   */
  #select(field, values, options) {
    const id = fieldId(field.name);
    const hint = field.help ? make('p', { id: `${id}-hint`, className: 'hint', textContent: field.help }) : null;
    const select = make('select', { id }, { 'data-testid': id });
    if (hint) select.setAttribute('aria-describedby', hint.id);
    for (const [value, textContent] of options) select.append(make('option', { value, textContent }));
    select.value = String(values[field.name]);
    select.addEventListener('change', () => this.#changed());
    this.inputs.set(field.name, select);
    const wrap = make('div', { className: 'field' });
    wrap.append(make('label', { htmlFor: id, textContent: field.label }), select);
    if (hint) wrap.append(hint);
    return wrap;
  }

  /** A checkbox and, on its own line under it, its help. */
  #checkbox(field, values) {
    const id = fieldId(field.name);
    const hint = field.help ? make('p', { id: `${id}-hint`, className: 'hint', textContent: field.help }) : null;
    const input = make('input', { id, type: 'checkbox', checked: values[field.name] }, { 'data-testid': id });
    if (hint) input.setAttribute('aria-describedby', hint.id);
    input.addEventListener('change', () => this.#changed());
    this.inputs.set(field.name, input);
    const wrap = make('div', { className: 'check' });
    wrap.append(input, make('label', { htmlFor: id, textContent: field.label }));
    return hint ? [wrap, hint] : [wrap];
  }

  #changed() {
    this.dispatch({ type: Action.SETTINGS_INPUT, raw: this.read() });
  }
}
