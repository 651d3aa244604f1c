// The charts' earlier runs and span (issue 22; the runs themselves are state/runs.js): each kept
// run as a uPlot series in its own colour and dash, so legend swatches differ too; and the
// current run's points counted from where it started, so a continued run fills the x-axis.

const DASHES = [[6, 4], [2, 3], [10, 3, 2, 3]];

/** uPlot series for the kept runs (`{ label, colour }`, oldest first), dashed; `value` formats the legend. */
export function runSeries(runs, value) {
  return runs.map((r, i) => ({
    label: r.label,
    stroke: r.colour,
    width: 1.75,
    dash: DASHES[i % DASHES.length],
    spanGaps: true,
    value,
    points: { show: false },
  }));
}

/**
 * The points of a series after step `origin`, counted from there: `x` and every array of `ys`
 * (parallel to x) sliced alike, x shifted by origin. Origin 0 gives the series as it is.
 */
export function fromOrigin(x, ys, origin) {
  if (!origin) return { x, ys };
  let i = 0;
  while (i < x.length && x[i] <= origin) i++;
  return { x: x.slice(i).map((v) => v - origin), ys: ys.map((y) => y.slice(i)) };
}

/** A sparse `{ x, y }` series (test scores) after `origin`, counted from there. */
export function sparseFromOrigin(s, origin) {
  const r = fromOrigin(s.x, [s.y], origin);
  return { x: r.x, y: r.ys[0] };
}

/** The x-axis title: steps of this run when the charts start at its beginning. */
export const stepTitle = (origin) => (origin > 0 ? 'Steps in this run' : 'Training steps');
