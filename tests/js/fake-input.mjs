// A stand-in for a DOM <input> in node tests of www/settings.js (shared by its test files).

/** Just enough of an <input> for SettingsForm: value/checked, attributes, listeners. */
export class FakeInput {
  value = '';
  checked = false;
  hidden = false;
  textContent = '';
  listeners = {};
  attributes = {};
  addEventListener(type, fn) {
    (this.listeners[type] ??= []).push(fn);
  }
  setAttribute(name, value) {
    this.attributes[name] = value;
  }
  fire(type) {
    for (const fn of this.listeners[type] ?? []) fn();
  }
}
