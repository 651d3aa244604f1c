// The reducer's handlers for "Teach it", "Look inside" and the pretrained model:
// - teach: "It's a …" keeps the pad's drawing in Your drawings (an effect: IndexedDB), then the
//   worker fine-tunes on it (TEACH → TAUGHT); `teach.state` is idle | learning | learned | error;
//   the gallery's drawings (`drawings`) are the store's, reloaded after every change, and the
//   worker's copy is replaced with them (DRAWINGS) so "Train on my drawings too" sees them;
// - layers: while the panel is open, every layer's output for the pad's drawing (LAYERS →
//   LAYER_VIEWS), one request in flight, at most one every LAYERS_EVERY_MS while weights change;
// - pretrained: fetched on click (an effect), then imported like a weights file.
// `insideFollow` runs after every event (state.js) and asks for new layer views when the
// drawing or the weights changed.
import * as P from '../protocol.js';
import { FromWorker } from '../protocol.js';
import { packDrawings } from '../drawings-store.js';
import { Action, Effect } from './events.js';
import { FileWhere, clearError, clearFileResult, effect, fileResult, reason, requestPrediction, send } from './draft.js';

export const PRETRAINED_NAME = 'the pretrained model';
export const LAYERS_EVERY_MS = 250;

export function insideState() {
  return {
    drawings: [], // [{ id, label, pixels: Uint8Array(pixels) }], oldest first (drawings-store.js)
    teach: { state: 'idle', label: null, seq: 0, text: '' },
    layers: { open: false, seq: 0, inFlight: false, pending: false, lastAt: -Infinity, view: null, error: '' },
    pretrained: null, // null | { loading: true } | { info }: the .json beside the weights
  };
}

/** The pad's drawing as kept: a byte a pixel, as MNIST stores them. */
export const toBytes = (pixels) => Uint8Array.from(pixels, (p) => Math.round(Math.min(1, Math.max(0, p)) * 255));

function requestLayers(s, at) {
  const l = s.layers;
  if (!l.open || !s.workerReady) return;
  if (l.inFlight) {
    s.layers = { ...l, pending: true };
    return;
  }
  const [h, w] = s.model?.input ?? [0, 0]; // the core's input shape
  const pixels = s.pad.current ? Float32Array.from(s.pad.current) : new Float32Array(h * w);
  s.layers = { ...l, seq: l.seq + 1, inFlight: true, pending: false, lastAt: at ?? l.lastAt };
  send(s, P.layers(l.seq + 1, pixels));
}

const WEIGHTS_CHANGED = new Set([FromWorker.IMPORTED, FromWorker.TAUGHT, FromWorker.READY]);

/** After any event: new layer views when the drawing changed, or the weights did (throttled). */
export function insideFollow(s, event) {
  if (!s.layers?.open) return;
  if (event.type === Action.PAD_CHANGED || WEIGHTS_CHANGED.has(event.type)) requestLayers(s);
  else if (event.type === FromWorker.STATE && event.reason === 'reset') requestLayers(s);
  else if (event.type === FromWorker.PROGRESS && event.at - s.layers.lastAt >= LAYERS_EVERY_MS) requestLayers(s, event.at);
}

export const insideHandlers = {
  [Action.TEACH](s, { digit }) {
    // A test image never goes into Your drawings, nor into training: the test score would count
    // images the model was taught.
    if (!s.pad.current || !s.workerReady || s.teach.state === 'learning' || s.padSample) return;
    s.teach = { ...s.teach, state: 'learning', label: digit, text: `Learning that this is a ${s.classNames[digit] ?? digit}…` };
    effect(s, Effect.DRAWING_ADD, { pixels: toBytes(s.pad.current), label: digit });
  },
  [Action.DRAWINGS_LOADED](s, { drawings, added = null, message = '' }) {
    s.drawings = drawings;
    const { images, labels } = packDrawings(drawings);
    if (message) {
      s.teach = { ...s.teach, state: 'error', text: message };
      send(s, P.drawings(images, labels));
      return;
    }
    const newest = added === null ? -1 : drawings.findIndex((d) => d.id === added);
    if (newest < 0) {
      send(s, P.drawings(images, labels));
      return;
    }
    const seq = s.teach.seq + 1;
    s.teach = { ...s.teach, seq };
    send(s, P.teach(seq, images, labels, newest));
  },
  [Action.DRAWING_RELABEL](s, { id, label }) {
    effect(s, Effect.DRAWING_RELABEL, { id, label });
  },
  [Action.DRAWING_DELETE](s, { id }) {
    effect(s, Effect.DRAWING_DELETE, { id });
  },
  [Action.DRAWINGS_EXPORT](s) {
    if (s.drawings.length) effect(s, Effect.DRAWINGS_EXPORT, { drawings: s.drawings });
  },
  [Action.DRAWINGS_IMPORT](s, { files }) {
    effect(s, Effect.DRAWINGS_IMPORT, { files });
  },
  [FromWorker.TAUGHT](s, m) {
    if (m.id !== s.teach.seq) return;
    if (m.error) {
      s.teach = { ...s.teach, state: 'error', text: `The model could not learn it: ${m.error}` };
      return;
    }
    const name = (d) => s.classNames[d] ?? String(d);
    const right = m.predicted === m.label;
    const text = right
      ? `Learned: it now reads your drawing as a ${name(m.label)} (${Math.round(m.probability * 100)} %), after ${m.steps} steps.`
      : `Still read as a ${name(m.predicted)} after ${m.steps} steps (${Math.round(m.probability * 100)} % for ${name(m.label)}); teach it again, or draw more like it.`;
    s.teach = { ...s.teach, state: 'learned', text, right };
    requestPrediction(s);
  },

  [Action.LAYERS_TOGGLE](s, { open }) {
    s.layers = { ...s.layers, open };
    if (open) requestLayers(s);
  },
  [FromWorker.LAYER_VIEWS](s, m) {
    const pending = s.layers.pending;
    s.layers = { ...s.layers, inFlight: false, pending: false, view: m.error ? s.layers.view : m, error: m.error ?? '' };
    if (pending) requestLayers(s);
  },

  [Action.PRETRAINED](s) {
    if (s.busy) return;
    s.busy = 'import';
    s.pendingImport = PRETRAINED_NAME;
    s.importFrom = FileWhere.pretrained; // its result shows beside its button
    clearFileResult(s, FileWhere.pretrained);
    s.pretrained = { loading: true };
    effect(s, Effect.FETCH_PRETRAINED);
  },
  [Action.PRETRAINED_READ](s, { bytes, info }) {
    s.pretrained = { info };
    clearError(s, 'import');
    send(s, P.importModel(bytes)); // then IMPORTED, as for a file (state/files.js)
  },
  [Action.PRETRAINED_FAILED](s, { message }) {
    s.busy = null;
    s.pendingImport = null;
    s.pretrained = null;
    fileResult(s, FileWhere.pretrained, false, `The pretrained model could not be loaded; the model is unchanged. ${reason(message)}`);
  },
};

/** Whether "It's a …" can teach the pad's drawing now (not a test image, not while learning). */
export const canTeach = (s) => s.workerReady && Boolean(s.pad.current) && s.teach.state !== 'learning' && !s.padSample;

/** The teach status under the prediction: `{ state, text }`; a test image on the pad says why it is not taught. */
export function teachStatus(s) {
  if (s.padSample && s.teach.state !== 'learning') {
    return { state: 'test-image', text: 'This is a test image: it can be predicted but not taught, so it never joins Your drawings or training and the test score stays fair. Draw your own to teach.' };
  }
  return { state: s.teach.state, text: s.teach.text };
}

/** The note beside "Use a pretrained model": what it is while it is the model in use. */
export function pretrainedNote(s) {
  if (s.pretrained?.loading) return 'Loading the pretrained model…';
  const info = s.pretrained?.info;
  if (!info || s.imported?.name !== PRETRAINED_NAME) return '';
  const acc = (100 * info.testAccuracy).toFixed(2);
  const now = s.totalSteps === s.imported.totalSteps ? '' : ' You have trained it further since.';
  return `Pretrained natively (${info.epochs} epochs, seed ${info.seed}): ${acc} % on the MNIST test set. Continue training goes on gently (a small learning rate, no warm-up) so it keeps what it knows; Reset for fresh weights.${now}`;
}

/** Pixels between two tiles of Look inside's canvases, at their native size. */
export const TILE_GAP = 1;

/**
 * How a layer's maps are laid out in Look inside (pure): each `side`×`side` map is shown `tile`
 * CSS px wide, growing with its side, so a 26×26 map is drawn larger than a 3×3 one (at 2 to 4 px
 * per pixel: 4 for small maps, at least 36 px a map up to 18 px, 2 for larger ones), in as many
 * columns as fit in `width` CSS px. Returns `{ cols, tile, width }`, `width` the canvas's CSS width.
 */
export function mapGrid(side, count, width) {
  const tile = Math.min(4 * side, Math.max(2 * side, 36));
  const scale = tile / side; // CSS px per map pixel, gaps included
  const cols = Math.max(1, Math.min(count, Math.floor((width + TILE_GAP * scale) / ((side + TILE_GAP) * scale))));
  return { cols, tile, width: (cols * (side + TILE_GAP) - TILE_GAP) * scale };
}

/** The outputs' winner, in words: the class name and its probability (`probs`: one per class). */
export function outputWinner(probs, classNames) {
  if (!probs.length) return null;
  let best = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
  const name = classNames[best] ?? String(best);
  return { index: best, name, text: `Highest output: ${name} (${Math.round(100 * probs[best])} %)` };
}
