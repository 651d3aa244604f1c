// Drawing without a pointer (issue 22), pure: a keyboard pen on the focused pad (arrows move it
// a step, Shift a bigger one; Space or Enter puts it down or lifts it) and a stroke font (each
// class 0-9 as polylines), both in fractions of the pad's side. The pad (draw-pad.js) draws them
// as strokes, so the network's input comes through preprocess.js as for a mouse or a finger.

/** A step of the pen, and with Shift, as fractions of the pad's side. */
export const PEN_STEP = 0.025;
export const PEN_BIG_STEP = 0.1;
/** The pen stays this far inside the pad's edges. */
export const PEN_MARGIN = 0.04;

const MOVES = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** The pen at the pad's centre, up. */
export const penStart = () => ({ x: 0.5, y: 0.5, down: false });

const clamp = (v) => Math.min(1 - PEN_MARGIN, Math.max(PEN_MARGIN, v));
const round = (v) => Math.round(v * 1000) / 1000;

/**
 * The pen after a key: `{ pen, action }`; action 'move' (up, moved), 'line' (down, moved: ink
 * from the old position to the new), 'down' (a dot; a new stroke starts), 'up', or null (not
 * the pen's key: the page keeps it).
 */
export function penKey(pen, key, shift = false) {
  const move = MOVES[key];
  if (move) {
    const step = shift ? PEN_BIG_STEP : PEN_STEP;
    const next = { ...pen, x: round(clamp(pen.x + move[0] * step)), y: round(clamp(pen.y + move[1] * step)) };
    return { pen: next, action: pen.down ? 'line' : 'move' };
  }
  if (key === ' ' || key === 'Enter') return { pen: { ...pen, down: !pen.down }, action: pen.down ? 'up' : 'down' };
  return { pen, action: null };
}

/** The pen in words, for the pad's live region. */
export function penText(pen) {
  const where = `${Math.round(pen.x * 100)}% across, ${Math.round(pen.y * 100)}% down`;
  return pen.down ? `Pen down, drawing, at ${where}. Space lifts it.` : `Pen up at ${where}. Space puts it down; arrows move it.`;
}

const ring = (cx, cy, rx, ry, n = 20) => Array.from({ length: n + 1 }, (_, i) => [cx + rx * Math.sin((2 * Math.PI * i) / n), cy - ry * Math.cos((2 * Math.PI * i) / n)]);

/** The stroke font: each digit as polylines of [x, y] in the unit square, y down, drawn as MNIST's writers tend to. */
export const STROKE_FONT = Object.freeze([
  [ring(0.5, 0.5, 0.25, 0.4)],
  [[[0.52, 0.1], [0.48, 0.9]]],
  [[[0.27, 0.28], [0.33, 0.16], [0.45, 0.1], [0.58, 0.1], [0.7, 0.18], [0.73, 0.3], [0.68, 0.43], [0.26, 0.9], [0.78, 0.9]]],
  [[[0.26, 0.18], [0.4, 0.1], [0.6, 0.1], [0.71, 0.2], [0.71, 0.35], [0.6, 0.46], [0.44, 0.49], [0.6, 0.52], [0.73, 0.62], [0.73, 0.78], [0.61, 0.9], [0.4, 0.9], [0.25, 0.82]]],
  [
    [[0.32, 0.1], [0.24, 0.6], [0.78, 0.6]],
    [[0.66, 0.22], [0.64, 0.9]],
  ],
  [[[0.72, 0.1], [0.33, 0.1], [0.29, 0.45], [0.45, 0.4], [0.62, 0.42], [0.73, 0.55], [0.73, 0.75], [0.6, 0.88], [0.42, 0.9], [0.26, 0.82]]],
  [[[0.66, 0.1], [0.5, 0.16], [0.37, 0.3], [0.29, 0.48], [0.28, 0.68], [0.35, 0.85], [0.5, 0.9], [0.65, 0.85], [0.72, 0.7], [0.67, 0.56], [0.52, 0.5], [0.38, 0.54], [0.29, 0.64]]],
  [[[0.22, 0.12], [0.78, 0.12], [0.6, 0.45], [0.46, 0.9]]],
  [[[0.5, 0.48], [0.35, 0.4], [0.31, 0.25], [0.38, 0.13], [0.5, 0.1], [0.62, 0.13], [0.69, 0.25], [0.65, 0.4], [0.5, 0.48], [0.33, 0.58], [0.28, 0.75], [0.36, 0.87], [0.5, 0.9], [0.64, 0.87], [0.72, 0.75], [0.67, 0.58], [0.5, 0.48]]],
  [[[0.7, 0.3], [0.62, 0.15], [0.5, 0.1], [0.37, 0.15], [0.31, 0.3], [0.37, 0.43], [0.5, 0.47], [0.63, 0.42], [0.7, 0.3], [0.68, 0.6], [0.62, 0.9]]],
]);

/** Digit `d`'s strokes on a pad `side` px wide: lists of `{ x, y }` in its pixels, as the pad keeps them. */
export function digitStrokes(d, side) {
  const glyph = STROKE_FONT[d];
  if (!glyph) throw new RangeError(`the stroke font has digits 0-9, not ${d}`);
  return glyph.map((line) => line.map(([x, y]) => ({ x: x * side, y: y * side })));
}
