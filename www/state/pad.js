// The reducer's handlers for the drawing pad: its drawings and their predictions (one request in
// flight, answers from before a clear dropped), test digits put on the pad, the refresh while
// training, and the class names shown with the answers.
import * as P from '../protocol.js';
import { FromWorker } from '../protocol.js';
import { parseClassNames } from '../user-files.js';
import { Action, Effect } from './events.js';
import { effect, pumpPrediction, requestPrediction, send } from './draft.js';

/**
 * Names the model's classes (`s.model.classes`, the core's count) from the typed text. While
 * typing (`committed` false) a list applies once it is valid; its message waits for the change.
 */
export function applyClassNames(s, committed = true) {
  const classes = s.model?.classes ?? 0;
  const r = parseClassNames(s.classNamesText, classes);
  if (!r.ok && !committed) return;
  s.classNamesError = r.message;
  if (r.ok || s.classNames.length !== classes) s.classNames = r.names;
}

export const padHandlers = {
  [FromWorker.PREDICTION](s, m) {
    s.pad = { ...s.pad, inFlight: false };
    if (m.id >= s.pad.validFrom && s.pad.current) s.prediction = m.probs;
    pumpPrediction(s);
  },
  [FromWorker.SAMPLE_IMAGE](s, m) {
    effect(s, Effect.PAD_SHOW, { pixels: m.pixels });
    s.padSample = { index: m.index, label: m.label }; // a test image: looked at, never taught (state/inside.js)
    s.sampleCaption = `Test image #${m.index}, labelled ${s.classNames[m.label] ?? m.label}`;
  },

  [Action.PAD_CHANGED](s, { pixels, empty }) {
    s.padInk = Boolean(pixels) || !empty;
    s.pad = { ...s.pad, current: pixels };
    if (pixels) {
      requestPrediction(s);
    } else {
      s.pad = { ...s.pad, pending: null, validFrom: s.pad.seq + 1 };
      s.prediction = null;
    }
  },
  [Action.STROKE_START](s) {
    s.sampleCaption = '';
    s.padSample = null; // the user draws: their own drawing from here on
  },
  [Action.SAMPLE](s, { pick }) {
    const usable = s.dataStatus?.test.usable ?? 0;
    if (usable > 0) send(s, P.sample('test', Math.min(usable - 1, Math.floor(pick * usable))));
  },
  [Action.REPREDICT](s, { visible }) {
    if (s.runState === 'training' && visible) requestPrediction(s);
  },
  [Action.CLASS_NAMES](s, { text, committed }) {
    s.classNamesText = text;
    applyClassNames(s, committed);
  },
};
