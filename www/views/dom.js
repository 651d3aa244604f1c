// Small DOM helpers shared by the views: find an element or fail loudly, and write a value only
// when it changed (each DOM write can cost style, layout and paint while the worker trains).

/** The element with this id; throws naming it when index.html lacks it. */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el;
}

export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

export function setAttr(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** With `fallbacks` (may be empty): focus `el` holds when hidden is handed on (see handOffFocus). */
export function setHidden(el, hidden, fallbacks = null) {
  if (el.hidden === hidden) return;
  if (hidden && fallbacks) handOffFocus(el, ...fallbacks);
  el.hidden = hidden;
}

/** With `fallbacks` (may be empty): focus `el` holds when disabled is handed on (see handOffFocus). */
export function setDisabled(el, disabled, fallbacks = null) {
  if (el.disabled === disabled) return;
  if (disabled && fallbacks) handOffFocus(el, ...fallbacks);
  el.disabled = disabled;
}

const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';

/** Whether `el` can take focus now: in the page, enabled, shown. */
const canFocus = (el) => el?.isConnected && !el.disabled && el.checkVisibility?.() !== false && !el.closest('[hidden]');

/**
 * Moves focus off `el` before it is disabled, hidden or removed, when `el` holds it (itself or
 * inside): to the first of `fallbacks` (elements) that can take it, else to the next control
 * after `el` in the page, as Tab would. A disabled or removed control drops focus to the page's
 * body, and the next Tab starts over from the top. Returns whether focus moved.
 */
export function handOffFocus(el, ...fallbacks) {
  const active = document.activeElement;
  if (!el || !active || active === document.body || !el.contains(active)) return false;
  let to = fallbacks.find(canFocus);
  if (!to) {
    const after = (c) => el.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_FOLLOWING && !el.contains(c);
    to = [...document.querySelectorAll(FOCUSABLE)].find((c) => after(c) && canFocus(c));
  }
  to?.focus();
  return Boolean(to);
}

/**
 * `el` disabled while the work it started goes on (an import), focus given back once it is
 * enabled again if it had focus then and nothing else took it meanwhile: a disabled control drops
 * focus to the page's body.
 */
export function setDisabledKeepingFocus(el, disabled) {
  if (disabled && !el.disabled && document.activeElement === el) el.dataset.refocus = '';
  setDisabled(el, disabled);
  if (disabled || !('refocus' in el.dataset)) return;
  delete el.dataset.refocus;
  if (!document.activeElement || document.activeElement === document.body) el.focus();
}

/** A `.progress` bar: its ARIA values and its fill's scale (a transform: no layout). */
export function setProgressBar(el, now, max, text) {
  setAttr(el, 'aria-valuemax', String(max));
  setAttr(el, 'aria-valuenow', String(now));
  setAttr(el, 'aria-valuetext', text);
  const transform = `scaleX(${max > 0 ? Math.min(1, now / max).toFixed(4) : 0})`;
  if (el.firstElementChild.style.transform !== transform) el.firstElementChild.style.transform = transform;
}

/** A new element with properties (`className`, `id`, `textContent`...) and attributes. */
export function make(tag, props = {}, attrs = {}) {
  const el = Object.assign(document.createElement(tag), props);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  return el;
}
