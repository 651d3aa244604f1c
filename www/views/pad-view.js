// The "Draw a digit" card: the drawing pad (www/draw-pad.js) and its 28x28 preview, Clear and
// Escape, "Try a test digit", the note about the model behind the pad, and the prediction
// (www/prediction-view.js) with the class names in use.
import { Action } from '../state.js';
import { modelNote, sampleEnabled } from '../ui-state.js';
import { DrawPad } from '../draw-pad.js';
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
    byId('clear-pad').addEventListener('click', () => this.pad.clear());
    canvas.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' || e.key === 'Delete' || e.key === 'Backspace') this.pad.clear();
      // The focused pad is not a scrolling surface: Space would scroll the page away under it.
      if (e.key === ' ') e.preventDefault();
    });
    this.sample.addEventListener('click', () => dispatch({ type: Action.SAMPLE, pick: Math.random() }));
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
