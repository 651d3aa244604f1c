// The pad's answer: the predicted class, one probability bar per class, and a polite screen-reader
// announcement once the drawing settles (not on every stroke update).
import { argmax } from './metrics.js';
import { formatPercent } from './format.js';

const ANNOUNCE_DELAY_MS = 700;

export class PredictionView {
  /**
   * @param {HTMLElement} digit     [data-testid=prediction]: the digit alone, empty when none
   * @param {HTMLElement} confidence the winning probability as text
   * @param {HTMLElement} list      [data-testid=probabilities]: one child per class (setNames)
   * @param {HTMLElement} announcer an aria-live region
   */
  constructor({ digit, confidence, list, announcer }) {
    this.digit = digit;
    this.confidence = confidence;
    this.announcer = announcer;
    this.list = list;
    this.timer = 0;
    this.lastAnnounced = '';
    this.rows = [];
    this.names = [];
    this.last = null;
    list.replaceChildren();
  }

  /** One row per class, named (the rows keep data-digit = class index); redrawn when the count changes. */
  setNames(names) {
    if (names.length !== this.rows.length) this.#build(names.length);
    this.names = [...names];
    this.rows.forEach(({ label }, d) => {
      label.textContent = this.names[d];
      label.title = this.names[d];
    });
    this.show(this.last?.length === names.length ? this.last : null);
  }

  #build(classes) {
    this.rows = [];
    this.list.replaceChildren();
    for (let d = 0; d < classes; d++) {
      const li = document.createElement('li');
      li.dataset.digit = String(d);
      li.dataset.prob = '0';
      const label = document.createElement('span');
      label.className = 'prob-digit';
      label.textContent = String(d);
      const track = document.createElement('span');
      track.className = 'prob-track';
      const fill = document.createElement('span');
      fill.className = 'prob-fill';
      track.append(fill);
      const value = document.createElement('span');
      value.className = 'prob-value';
      li.append(label, track, value);
      this.list.append(li);
      this.rows.push({ li, value, label });
    }
  }

  /** `probs`: one probability per class, or null for "no prediction" (empty pad). */
  show(probs) {
    clearTimeout(this.timer);
    this.last = probs;
    if (!probs) {
      this.digit.textContent = '';
      this.confidence.textContent = '';
      for (const { li, value } of this.rows) {
        li.dataset.prob = '0';
        li.classList.remove('is-best');
        li.style.setProperty('--p', '0');
        li.setAttribute('aria-label', `${this.names[Number(li.dataset.digit)]}: no prediction`);
        value.textContent = '';
      }
      this.lastAnnounced = '';
      this.announcer.textContent = '';
      return;
    }
    const finite = probs.every(Number.isFinite);
    const best = finite ? argmax(probs) : -1;
    const name = this.names[best] ?? '?'; // '?': the model's outputs are not numbers (diverged weights)
    this.digit.textContent = name;
    this.digit.dataset.long = String(name.length > 2);
    this.confidence.textContent = finite ? `${formatPercent(probs[best], 0)} sure` : 'no valid answer';
    this.rows.forEach(({ li, value }, d) => {
      const p = finite ? Math.min(1, Math.max(0, probs[d])) : 0;
      li.dataset.prob = String(Math.round(p * 1e6) / 1e6);
      li.classList.toggle('is-best', d === best);
      li.setAttribute('aria-label', `${this.names[d]}: ${formatPercent(p)}`);
      li.style.setProperty('--p', String(p));
      value.textContent = formatPercent(p, 0);
    });
    const text = finite ? `Prediction: ${name}, ${formatPercent(probs[best], 0)} sure.` : 'No valid prediction.';
    this.timer = setTimeout(() => {
      if (text !== this.lastAnnounced) this.announcer.textContent = text;
      this.lastAnnounced = text;
    }, ANNOUNCE_DELAY_MS);
  }
}
