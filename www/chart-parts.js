// Parts of the training charts (charts.js) that stand on their own: the validation points
// (val_loss, val_accuracy after each epoch) and their series, and the settings-change marks drawn
// over a plot. Kept apart so charts.js stays one screenful per concern.
import { markLabel } from './chart-text.js';

/** The validation scores, one point per epoch: `{ x: steps, loss, accuracy }`. */
export const emptyValidation = () => ({ x: [], loss: [], accuracy: [] });

/** Adds an epoch's validation point after `step` steps (the same step again replaces it). */
export function pushValidation(v, step, loss, accuracy) {
  if (v.x.length && v.x.at(-1) >= step) {
    if (v.x.at(-1) !== step) return v;
    return { x: v.x, loss: [...v.loss.slice(0, -1), loss], accuracy: [...v.accuracy.slice(0, -1), accuracy] };
  }
  return { x: [...v.x, step], loss: [...v.loss, loss], accuracy: [...v.accuracy, accuracy] };
}

/** A snapshot's validation points, or none (a history kept before validation existed). */
export const keptValidation = (v) => (v && Array.isArray(v.x) ? { x: [...v.x], loss: [...v.loss], accuracy: [...v.accuracy] } : emptyValidation());

/** The validation series of a plot: points joined by a line, in its own colour. */
export const validationSeries = (label, stroke, value) => ({
  label,
  stroke,
  width: 2,
  dash: [8, 4],
  spanGaps: true,
  value,
  points: { show: true, size: 7, fill: stroke },
});

/**
 * uPlot's draw hook: the marks over the plotted area, in canvas pixels; labels at the top or the
 * bottom (away from the curves); `origin`: the step the x-axis starts after (chart-runs.js).
 */
export function drawMarks(u, marks, at, color, origin = 0) {
  if (!marks.length) return;
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  const dpr = devicePixelRatio || 1;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = dpr;
  ctx.setLineDash([4 * dpr, 3 * dpr]);
  ctx.font = `${11 * dpr}px system-ui, sans-serif`;
  ctx.textAlign = 'left'; // uPlot leaves its axes' alignment on the context
  ctx.textBaseline = 'alphabetic';
  const y = at === 'top' ? top + 12 * dpr : top + height - 6 * dpr;
  for (const mark of marks) {
    const x = Math.round(u.valToPos(mark.step - origin, 'x', true));
    if (!(x >= left && x <= left + width)) continue;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    const label = markLabel(mark);
    const w = ctx.measureText(label).width;
    ctx.fillText(label, x + 4 * dpr + w > left + width ? x - 4 * dpr - w : x + 4 * dpr, y);
  }
  ctx.restore();
}
