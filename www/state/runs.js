// Runs kept for comparison (issue 22): "Keep this run" (or Reset, or the not-learning fix) keeps
// a snapshot of the current run's smoothed curves as an earlier run, named by its settings and
// score ("Run 2 · lr 0.001 · batch 64 · 98.7%") and drawn in its own colour. Kept runs are
// bounded (the last KEEP_RUNS, RUN_POINTS points a curve) and kept in localStorage, so they
// survive a reload. Every run is plotted from its own start: a continued run's x-axis covers
// its own steps (`chartSpan` 'run', the default), or the whole history ('all') on request.
// The curves come with the event (main.js stamps KEEP_RUN, RESET and RESTART_DEFAULT_RATE with
// the charts' smoothed series, as it stamps PROGRESS with `at`): this module stays pure.
import { formatPercent } from '../format.js';
import { Action, Effect } from './events.js';
import { effect } from './draft.js';

/** Earlier runs kept (the oldest goes first). */
export const KEEP_RUNS = 6;
/** Points kept per curve of an earlier run (its curves are averaged down to this). */
export const RUN_POINTS = 200;
/** Where the kept runs live in localStorage. */
export const RUNS_KEY = 'mnist-trainer.kept-runs.v1';
/**
 * One colour per kept run, from Okabe & Ito's and Paul Tol's colour-blind-safe palettes, mid
 * luminance (read on the light and the dark theme), none close to the current run's colours
 * (indigo loss, sky-blue train, amber and green test: www/styles/base.css).
 */
export const RUN_COLOURS = Object.freeze(['#d55e00', '#cc79a7', '#999933', '#44aa99', '#aa4499', '#8c8c8c']);

export function runsState() {
  return {
    pastRuns: [], // earlier runs, oldest first (at most KEEP_RUNS): [{ n, label, colour, steps, bestTest, loss: { x, y }, accuracy: { x, y } }], x from the run's start
    runsArchived: 0, // the number of the last run kept, to number the next
    keptAt: -1, // totalSteps when the current run was last kept (Keep is then done)
    chartSpan: 'run', // 'run': the charts start where the current run started; 'all': at step 0
  };
}

/** The first colour no kept run uses (the oldest's when all are taken). */
export function runColour(runs) {
  const used = new Set(runs.map((r) => r.colour));
  return RUN_COLOURS.find((c) => !used.has(c)) ?? runs[0]?.colour ?? RUN_COLOURS[0];
}

/** A kept run's name: its number, the settings that tell runs apart, and its best test score. */
export function keptRunLabel(n, settings, bestTest, steps) {
  const parts = [`Run ${n}`];
  if (settings && 'learningRate' in settings) parts.push(`lr ${+Number(settings.learningRate).toPrecision(6)}`);
  if (settings && 'batchSize' in settings) parts.push(`batch ${settings.batchSize}`);
  if (settings?.augment === false) parts.push('not augmented');
  const best = bestTest?.full ?? bestTest?.estimate;
  parts.push(best ? formatPercent(best.accuracy) : `${steps} steps`);
  return parts.join(' · ');
}

/** At most `max` points: consecutive points averaged in equal groups (x: the group's first). */
export function thin({ x, y }, max = RUN_POINTS) {
  if (x.length <= max) return { x: [...x], y: [...y] };
  const group = Math.ceil(x.length / max);
  const out = { x: [], y: [] };
  for (let i = 0; i < x.length; i += group) {
    const ys = y.slice(i, i + group).filter(Number.isFinite);
    out.x.push(x[i]);
    out.y.push(ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : null);
  }
  return out;
}

/** The part of a curve after step `from`, counted from there (step from + 1 becomes 1), thinned. */
export function sinceStart({ x, y }, from) {
  const out = { x: [], y: [] };
  for (let i = 0; i < x.length; i++) {
    if (x[i] <= from) continue;
    out.x.push(x[i] - from);
    out.y.push(y[i]);
  }
  return thin(out);
}

/** Whether the current run has steps not kept yet. */
export const canKeep = (s) => s.totalSteps > s.runFrom && s.keptAt !== s.totalSteps && !s.awaitingReset;

/**
 * Keeps the current run (its curves: `{ loss, accuracy }`, each `{ x, y }` in steps of the
 * model's history) as an earlier run; the oldest beyond KEEP_RUNS goes, and its colour is free.
 */
export function keepCurrentRun(s, curves) {
  if (!canKeep(s) || !curves) return;
  const n = s.runsArchived + 1;
  const steps = s.totalSteps - s.runFrom;
  const relative = (b) => b && { accuracy: b.accuracy, step: Math.max(0, b.step - s.runFrom) };
  const bestTest = { full: relative(s.bestTest.full), estimate: relative(s.bestTest.estimate) };
  const others = s.pastRuns.slice(-(KEEP_RUNS - 1));
  const run = {
    n,
    label: keptRunLabel(n, s.settings, bestTest, steps),
    colour: runColour(others),
    steps,
    bestTest,
    loss: sinceStart(curves.loss, s.runFrom),
    accuracy: sinceStart(curves.accuracy, s.runFrom),
  };
  s.runsArchived = n;
  s.keptAt = s.totalSteps;
  setRuns(s, [...others, run]);
}

function setRuns(s, runs) {
  s.pastRuns = runs;
  effect(s, Effect.CHARTS_RUNS, { runs });
  effect(s, Effect.SAVE_RUNS, { text: serialiseRuns(runs) });
}

/** The kept runs as text for localStorage: the last KEEP_RUNS, each curve thinned, 4 significant digits. */
export function serialiseRuns(runs) {
  const round = (v) => (Number.isFinite(v) ? +v.toPrecision(4) : null);
  const curve = (c) => {
    const t = thin(c);
    return { x: t.x, y: t.y.map(round) };
  };
  const kept = runs.slice(-KEEP_RUNS).map((r) => ({ n: r.n, label: r.label, colour: r.colour, steps: r.steps, bestTest: r.bestTest, loss: curve(r.loss), accuracy: curve(r.accuracy) }));
  return JSON.stringify({ version: 1, runs: kept });
}

const isCurve = (c) => c && Array.isArray(c.x) && Array.isArray(c.y) && c.x.length === c.y.length && c.x.every(Number.isFinite);
const isScore = (b) => b === null || (b && Number.isFinite(b.accuracy) && Number.isFinite(b.step));

/** The kept runs from `serialiseRuns`' text; anything else (nothing kept, another version, damage) is no runs. */
export function parseRuns(text) {
  let data;
  try {
    data = JSON.parse(text ?? 'null');
  } catch {
    return [];
  }
  if (data?.version !== 1 || !Array.isArray(data.runs)) return [];
  return data.runs
    .filter(
      (r) =>
        r &&
        Number.isInteger(r.n) &&
        typeof r.label === 'string' &&
        RUN_COLOURS.includes(r.colour) &&
        isCurve(r.loss) &&
        isCurve(r.accuracy) &&
        isScore(r.bestTest?.full) &&
        isScore(r.bestTest?.estimate),
    )
    .slice(-KEEP_RUNS)
    .map((r) => ({ ...r, steps: Number.isFinite(r.steps) ? r.steps : r.loss.x.at(-1) ?? 0, loss: thin(r.loss), accuracy: thin(r.accuracy) }));
}

/** Where the charts' x-axis starts: the current run's first step, or the model's. */
export const chartOrigin = (s) => (s.chartSpan === 'run' ? s.runFrom : 0);

/** After every event (state.js, after learningFollow): the charts start where the run did. */
export function runsFollow(s, before) {
  if (chartOrigin(s) !== chartOrigin(before)) effect(s, Effect.CHARTS_ORIGIN, { step: chartOrigin(s) });
}

export const runsHandlers = {
  [Action.KEEP_RUN](s, { curves }) {
    keepCurrentRun(s, curves);
  },
  [Action.CLEAR_RUNS](s) {
    if (!s.pastRuns.length) return;
    setRuns(s, []);
  },
  [Action.RUNS_LOADED](s, { runs }) {
    if (!runs.length) return;
    s.pastRuns = runs;
    s.runsArchived = Math.max(s.runsArchived, ...runs.map((r) => r.n));
    effect(s, Effect.CHARTS_RUNS, { runs });
  },
  [Action.CHART_SPAN](s, { span }) {
    if (span === 'run' || span === 'all') s.chartSpan = span;
  },
};
