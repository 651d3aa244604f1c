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

export function setHidden(el, hidden) {
  if (el.hidden !== hidden) el.hidden = hidden;
}

export function setDisabled(el, disabled) {
  if (el.disabled !== disabled) el.disabled = disabled;
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
