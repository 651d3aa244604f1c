// The "Draw a digit" card: the drawing pad (www/draw-pad.js) and its 28x28 preview, Clear and
// Escape, the keyboard pen and the stroke font (www/pad-keys.js), "Try a test digit", the note about the model behind the pad, and the prediction
// (www/prediction-view.js) with the class names in use.
import { Action } from '../state.js';
import { modelNote, sampleEnabled } from '../ui-state.js';
import { DrawPad } from '../draw-pad.js';
import { digitStrokes, penKey, penStart, penText } from '../pad-keys.js';
import { PredictionView } from '../prediction-view.js';
import { byId, setAttr, setDisabled, setHidden, setText } from './dom.js';

export class PadView {
  constructor(dispatch) {
    this.hint = byId('pad-hint');
    this.caption = byId('sample-caption');
    this.sample = byId('sample-digit');
    this.note = byId('model-note');
    this.prediction = new PredictionView({
      digit: byId('prediction'),
      confidence: byId('prediction-confidence'),
      list: byId('probabilities'),
      announcer: byId('prediction-announcer'),
    });
    this.shown = { probs: null, names: null }; // what the prediction view shows
    const canvas = byId('draw-pad');
    this.pad = new DrawPad({
      canvas,
      preview: byId('preview'),
      onChange: (result) => dispatch({ type: Action.PAD_CHANGED, pixels: result ? result.pixels : null, empty: this.pad.isEmpty }),
      onStrokeStart: () => dispatch({ type: Action.STROKE_START }),
    });
    byId('clear-pad').addEventListener('click', () => this.clear());
    // Drawing without a pointer (pad-keys.js): a pen moved by the arrows, shown by a cursor over
    // the focused pad and said in a live region, and 0-9 writing that digit in a stroke font.
    this.cursor = byId('pad-cursor');
    this.penStatus = byId('pad-pen-status');
    this.pen = penStart();
    this.#placeCursor();
    canvas.addEventListener('keydown', (e) => this.#key(e));
    this.sample.addEventListener('click', () => dispatch({ type: Action.SAMPLE, pick: Math.random() }));
  }

  clear() {
    this.pad.clear();
    this.pen = { ...this.pen, down: false };
    this.#placeCursor();
  }

  #key(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Escape' || e.key === 'Delete' || e.key === 'Backspace') {
      this.clear();
      setText(this.penStatus, 'Pad cleared.');
      return;
    }
    if (/^[0-9]$/.test(e.key)) {
      e.preventDefault();
      this.pen = { ...this.pen, down: false };
      this.pad.write(digitStrokes(Number(e.key), this.pad.canvas.width));
      this.#placeCursor();
      setText(this.penStatus, `Wrote a ${e.key} in the stroke font.`);
      return;
    }
    const { pen, action } = penKey(this.pen, e.key, e.shiftKey);
    if (!action) return;
    // The focused pad is not a scrolling surface: Space and the arrows would scroll the page away under it.
    e.preventDefault();
    if (action === 'down') this.pad.penLine(pen, pen, true);
    else if (action === 'line') this.pad.penLine(this.pen, pen);
    this.pen = pen;
    this.#placeCursor();
    setText(this.penStatus, penText(pen));
  }

  #placeCursor() {
    this.cursor.style.left = `${this.pen.x * 100}%`;
    this.cursor.style.top = `${this.pen.y * 100}%`;
    setAttr(this.cursor, 'data-down', String(this.pen.down));
  }

  /** Puts a 28x28 test image (bytes) on the pad, as if drawn: the pad then reports it. */
  showImage(pixels) {
    this.pad.showImage(pixels);
  }

  render(s) {
    if (s.model && s.model.input[0] !== this.pad.preview.width) this.pad.setInputSide(s.model.input[0]);
    if (s.classNames !== this.shown.names) {
      this.shown.names = s.classNames;
      this.prediction.setNames(s.classNames); // shows the current prediction again, renamed
    }
    if (s.prediction !== this.shown.probs) {
      this.shown.probs = s.prediction;
      this.prediction.show(s.prediction);
    }
    setHidden(this.hint, s.padInk);
    setText(this.caption, s.sampleCaption);
    setDisabled(this.sample, !sampleEnabled(s));
    const note = modelNote(s);
    setAttr(this.note, 'data-kind', note.kind);
    setText(this.note, note.text);
  }
}
