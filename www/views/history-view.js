// The per-epoch history card: what Keras's `fit` logs (loss, accuracy, val_loss, val_accuracy,
// learning rate, seconds per epoch) as a table, the CSV download, and early stopping in words.
// Renders state.history (state/history.js) only; rows are rewritten only when the history
// changed (one line per epoch).
import { Action } from '../state.js';
import { formatLoss, formatPercent, formatRate } from '../format.js';
import { earlyStopText } from '../state/history.js';
import { byId, setDisabled, setHidden, setText } from './dom.js';

const cell = (text) => {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
};

export class HistoryView {
  constructor(dispatch) {
    this.el = {
      scroll: byId('history-scroll'), // the table's scrolling region, of a fixed height
      table: byId('history-table'),
      body: byId('history-body'),
      empty: byId('history-empty'),
      note: byId('history-note'),
      csv: byId('history-csv'),
    };
    this.shown = null;
    this.el.csv.addEventListener('click', () => dispatch({ type: Action.HISTORY_CSV }));
  }

  render(s) {
    const history = s.history;
    setHidden(this.el.table, history.length === 0);
    setHidden(this.el.empty, history.length > 0);
    setDisabled(this.el.csv, history.length === 0);
    const note = earlyStopText(history);
    setText(this.el.note, note);
    setHidden(this.el.note, !note);
    if (history === this.shown) return;
    this.shown = history;
    const rows = history.map((l) => {
      const tr = document.createElement('tr');
      if (l.epoch === history.at(-1)?.restoredEpoch) tr.dataset.kept = 'true';
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = String(l.epoch);
      tr.append(
        th,
        cell(formatLoss(l.loss)),
        cell(formatPercent(l.accuracy, 2)),
        cell(l.valLoss == null ? '–' : formatLoss(l.valLoss)),
        cell(l.valAccuracy == null ? '–' : formatPercent(l.valAccuracy, 2)),
        cell(formatRate(l.learningRate)),
        cell(Number.isFinite(l.seconds) ? l.seconds.toFixed(1) : '–'),
      );
      return tr;
    });
    this.el.body.replaceChildren(...rows);
    this.el.scroll.scrollTop = this.el.scroll.scrollHeight; // the newest epoch in view
  }
}
