// The pad's answer: the predicted digit, ten probability bars, and a polite screen-reader
// announcement once the drawing settles (not on every stroke update).
import { argmax } from './metrics.js';
import { formatPercent } from './format.js';

const ANNOUNCE_DELAY_MS = 700;

export class PredictionView {
  /**
   * @param {HTMLElement} digit     [data-testid=prediction]: the digit alone, empty when none
   * @param {HTMLElement} confidence the winning probability as text
   * @param {HTMLElement} list      [data-testid=probabilities]: gets ten children
   * @param {HTMLElement} announcer an aria-live region
   */
  constructor({ digit, confidence, list, announcer }) {
    this.digit = digit;
    this.confidence = confidence;
    this.announcer = announcer;
    this.timer = 0;
    this.lastAnnounced = '';
    this.rows = [];
    list.replaceChildren();
    for (let d = 0; d < 10; d++) {
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
      list.append(li);
      this.rows.push({ li, value });
    }
    this.show(null);
  }

  /** `probs`: ten probabilities, or null for "no prediction" (empty pad). */
  show(probs) {
    clearTimeout(this.timer);
    if (!probs) {
      this.digit.textContent = '';
      this.confidence.textContent = '';
      for (const { li, value } of this.rows) {
        li.dataset.prob = '0';
        li.classList.remove('is-best');
        li.style.setProperty('--p', '0');
        li.setAttribute('aria-label', `${li.dataset.digit}: no prediction`);
        value.textContent = '';
      }
      this.lastAnnounced = '';
      this.announcer.textContent = '';
      return;
    }
    const best = argmax(probs);
    this.digit.textContent = String(best);
    this.confidence.textContent = `${formatPercent(probs[best], 0)} sure`;
    this.rows.forEach(({ li, value }, d) => {
      const p = Math.min(1, Math.max(0, probs[d]));
      li.dataset.prob = String(Math.round(p * 1e6) / 1e6);
      li.classList.toggle('is-best', d === best);
      li.setAttribute('aria-label', `${d}: ${formatPercent(p)}`);
      li.style.setProperty('--p', String(p));
      value.textContent = formatPercent(p, 0);
    });
    const text = `Prediction: ${best}, ${formatPercent(probs[best], 0)} sure.`;
    this.timer = setTimeout(() => {
      if (text !== this.lastAnnounced) this.announcer.textContent = text;
      this.lastAnnounced = text;
    }, ANNOUNCE_DELAY_MS);
  }
}
