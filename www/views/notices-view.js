// The page's notices outside the cards: the alert banner (an error, with Retry or Dismiss) and
// the footer's build line, storage note and offline note; and, before anything starts, the message for a
// browser that cannot run the trainer.
import { Action } from '../state.js';
import { NON_BLOCKING, alertText, buildInfo, offlineNote } from '../ui-state.js';
import { byId, setHidden, setText } from './dom.js';
import { unsupportedText } from '../browser-support.js';

/** Says what the browser lacks; nothing else starts (main.js stops there). */
export function showUnsupported(missing) {
  byId('error-text').textContent = unsupportedText(missing);
  byId('error').hidden = false;
  byId('status').dataset.state = 'error';
  byId('status-text').textContent = 'Browser not supported';
}

export class NoticesView {
  constructor(dispatch) {
    this.alert = byId('error');
    this.text = byId('error-text');
    this.retry = byId('retry');
    this.dismiss = byId('dismiss-error');
    this.buildInfo = byId('build-info');
    this.storageNote = byId('storage-note');
    this.offlineNote = byId('offline-note');
    // Where focus goes when the alert closes with it inside (Dismiss, Retry): the control the
    // error came from, by its kind; else Train; else the next control after the alert. (A file's
    // result shows beside its control instead: views/file-results-view.js.)
    const train = byId('train');
    this.focusAfter = { teach: [byId('draw-pad')] };
    this.focusDefault = [train];
    this.kind = null; // the kind of the error shown
    this.retry.addEventListener('click', () => dispatch({ type: Action.RETRY }));
    this.dismiss.addEventListener('click', () => dispatch({ type: Action.DISMISS }));
  }

  render(s) {
    const e = s.error;
    setText(this.text, alertText(s));
    setHidden(this.alert, !e, this.focusAfter[this.kind] ?? this.focusDefault);
    this.kind = e?.kind ?? null;
    if (e) {
      setHidden(this.retry, !e.retry);
      setText(this.retry, e.retry === 'reload' ? 'Reload the page' : 'Retry download');
      setHidden(this.dismiss, !NON_BLOCKING.has(e.kind)); // a blocking error goes away by Retry
    }
    const build = buildInfo(s);
    if (build) setText(this.buildInfo, build);
    setText(this.storageNote, s.storageNote);
    setText(this.offlineNote, offlineNote(s));
  }
}
