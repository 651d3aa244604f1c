// The live loss and accuracy charts.
//
// Library: uPlot. It draws tens of thousands of points on a canvas in a millisecond or two,
// is ~50 kB with no dependencies, updates by replacing arrays (no per-point objects), and its
// bands fill the raw loss min..max envelope directly. Chart.js would also do, at ~4x the size
// and a slower per-update path (object-per-point, animations to switch off) that matters when
// redrawing several times a second while the worker trains.
//
// Every training step is kept, but through Decimators (www/decimate.js): the charts draw at
// most ~1,000 buckets whatever the run's length, and redraw at most every RENDER_EVERY_MS,
// inside the page's own throttled frame (see flush()).
import uPlot from 'uplot';
import { Decimator, alignSeries } from './decimate.js';
import { Ema, SMOOTHING } from './metrics.js';
import { formatLoss, formatPercent } from './format.js';
import { drawMarks, emptyValidation, keptValidation, pushValidation, validationSeries } from './chart-parts.js';
import { fromOrigin, runSeries, sparseFromOrigin, stepTitle } from './chart-runs.js';

const CAPACITY = 1024; // buckets per series
const RENDER_EVERY_MS = 200; // = the page's DRAW_EVERY_MS: charts redraw in every page frame
/** Plot height in CSS px: taller on wide screens, where the charts column has room. */
const chartHeight = () => (matchMedia('(max-width: 720px)').matches ? 200 : 262);

const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

function axisStyle() {
  const text = cssVar('--muted');
  const grid = cssVar('--grid');
  return {
    stroke: text,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1, size: 4 },
    font: '11px system-ui, sans-serif',
  };
}

/** An axis title (uPlot draws it beside the axis, as text in the DOM). */
const titled = (label) => ({ label, labelSize: 16, labelFont: '600 11px system-ui, sans-serif' });

const stepAxis = (origin) => ({
  ...axisStyle(),
  ...titled(stepTitle(origin)),
  values: (u, splits) => splits.map((v) => (v >= 1000 ? `${v / 1000}k` : v)),
});

export class TrainingCharts {
  /** @param {{ lossEl: HTMLElement, accuracyEl: HTMLElement, lossSummary: HTMLElement, onDirty: () => void }} els */
  constructor({ lossEl, accuracyEl, lossSummary, onDirty }) {
    this.lossEl = lossEl;
    this.accuracyEl = accuracyEl;
    this.lossSummary = lossSummary;
    this.onDirty = onDirty; // asks the page for a frame
    this.dirty = false;
    this.lastRender = 0;
    this.pastRuns = []; // kept runs (state/runs.js): [{ label, colour, loss: { x, y }, accuracy: { x, y } }], x from their start
    this.origin = 0; // the x-axis starts after this step (the current run's start: chart-runs.js)
    this.reset();
    this.#build();
    new ResizeObserver(() => this.#resize()).observe(lossEl);
    new ResizeObserver(() => this.#resize()).observe(accuracyEl);
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.#build());
  }

  reset() {
    this.rawLoss = new Decimator(CAPACITY);
    this.smoothLoss = new Decimator(CAPACITY);
    this.smoothAcc = new Decimator(CAPACITY);
    this.lossEma = new Ema(SMOOTHING);
    this.accEma = new Ema(SMOOTHING);
    this.firstLosses = [];
    this.estimates = { x: [], y: [] };
    this.fulls = { x: [], y: [] };
    this.validation = emptyValidation(); // val_loss, val_accuracy after each epoch (chart-parts.js)
    this.marks = []; // settings changed mid-run: [{ step, changes }] (state.marks)
    this.lossEl.dataset.points = '0';
    delete this.lossEl.dataset.lossStart;
    delete this.lossEl.dataset.lossLatest;
    this.accuracyEl.dataset.points = '0';
    this.lossSummary.textContent = '';
    if (this.lossPlot) this.#render();
  }

  /**
   * One training slice: `losses[i]`, `accuracies[i]` belong to step firstStep + i + 1;
   * `smoothing`: the run's weight (smoothingFor), the same the stats use.
   */
  addSteps(firstStep, losses, accuracies, smoothing = SMOOTHING) {
    for (let i = 0; i < losses.length; i++) {
      const x = firstStep + i + 1;
      if (this.firstLosses.length < 10) this.firstLosses.push(losses[i]);
      this.rawLoss.push(x, losses[i]);
      this.smoothLoss.push(x, this.lossEma.push(losses[i], smoothing));
      this.smoothAcc.push(x, this.accEma.push(accuracies[i], smoothing));
    }
    this.#scheduleRender();
  }

  /** A test score after `step` steps: kind 'estimate' (1,000 images) or 'full' (10,000). */
  addEvaluation(kind, step, accuracy) {
    const target = kind === 'full' ? this.fulls : this.estimates;
    if (target.x.length && target.x.at(-1) >= step) {
      // same step evaluated again (e.g. after a pause): keep the latest value
      if (target.x.at(-1) === step) target.y[target.y.length - 1] = accuracy;
    } else {
      target.x.push(step);
      target.y.push(accuracy);
    }
    this.#scheduleRender();
  }

  /** An epoch's validation score (held-out training images) after `step` steps, on both charts. */
  addValidation(step, loss, accuracy) {
    this.validation = pushValidation(this.validation, step, loss, accuracy);
    this.#scheduleRender();
  }

  /** Where settings changed mid-run: a dashed line and a short label on both charts. */
  setMarks(marks) {
    this.marks = marks;
    this.lossEl.dataset.marks = String(marks.length);
    this.accuracyEl.dataset.marks = String(marks.length);
    this.#scheduleRender();
  }

  /** The earlier runs to draw (state.pastRuns). */
  setRuns(runs) {
    this.pastRuns = runs;
    this.#build(); // the plots' series change
  }

  /** The x-axis starts after step `step`: a continued run fills it. */
  setOrigin(step) {
    if (step === this.origin) return;
    this.origin = step;
    this.#build(); // its title changes
  }

  /** The smoothed curves, for KEEP_RUN / RESET (state/runs.js keeps the current run's part). */
  curves() {
    const loss = this.smoothLoss.series();
    const acc = this.smoothAcc.series();
    return { loss: { x: loss.x, y: loss.mean }, accuracy: { x: acc.x, y: acc.mean } };
  }

  /** The whole history as plain data (structured-cloneable), for IndexedDB. */
  snapshot() {
    const plain = (o) => ({ ...o });
    return {
      rawLoss: plain(this.rawLoss),
      smoothLoss: plain(this.smoothLoss),
      smoothAcc: plain(this.smoothAcc),
      lossEma: plain(this.lossEma),
      accEma: plain(this.accEma),
      firstLosses: [...this.firstLosses],
      estimates: { x: [...this.estimates.x], y: [...this.estimates.y] },
      fulls: { x: [...this.fulls.x], y: [...this.fulls.y] },
      validation: keptValidation(this.validation),
      marks: this.marks,
    };
  }

  /** Puts back a `snapshot()`, e.g. after a reload. */
  restore(snap) {
    this.reset();
    Object.assign(this.rawLoss, snap.rawLoss);
    Object.assign(this.smoothLoss, snap.smoothLoss);
    Object.assign(this.smoothAcc, snap.smoothAcc);
    Object.assign(this.lossEma, snap.lossEma);
    Object.assign(this.accEma, snap.accEma);
    this.firstLosses = [...snap.firstLosses];
    this.estimates = { x: [...snap.estimates.x], y: [...snap.estimates.y] };
    this.fulls = { x: [...snap.fulls.x], y: [...snap.fulls.y] };
    this.validation = keptValidation(snap.validation);
    this.setMarks(Array.isArray(snap.marks) ? snap.marks : []);
  }

  get smoothedLoss() {
    return this.lossEma.current;
  }

  get smoothedAccuracy() {
    return this.accEma.current;
  }

  /**
   * Redraws if something changed and RENDER_EVERY_MS has passed since the last redraw; the
   * page calls this from its own (already throttled) animation frame, so charts and text
   * change in the same frame. Returns true if a redraw is still owed.
   */
  flush(now = performance.now()) {
    if (!this.dirty) return false;
    if (now - this.lastRender < RENDER_EVERY_MS) return true;
    this.dirty = false;
    this.lastRender = now;
    this.#render();
    return false;
  }

  #scheduleRender() {
    this.dirty = true;
    this.onDirty();
  }

  #lossData() {
    const raw = this.rawLoss.series();
    const now = fromOrigin(raw.x, [raw.min, raw.max, this.smoothLoss.series().mean], this.origin);
    const val = sparseFromOrigin({ x: this.validation.x, y: this.validation.loss }, this.origin);
    return alignSeries(now, [val, ...this.pastRuns.map((r) => r.loss)]);
  }

  #accuracyData() {
    const acc = this.smoothAcc.series();
    const val = { x: this.validation.x, y: this.validation.accuracy };
    const tests = [this.estimates, this.fulls, val].map((s) => sparseFromOrigin(s, this.origin));
    return alignSeries(fromOrigin(acc.x, [acc.mean], this.origin), [...tests, ...this.pastRuns.map((r) => r.accuracy)]);
  }

  #render() {
    this.lossPlot.setData(this.#lossData());
    this.accPlot.setData(this.#accuracyData());
    const n = this.rawLoss.count;
    this.lossEl.dataset.points = String(n);
    this.accuracyEl.dataset.points = String(n + this.estimates.x.length + this.fulls.x.length + this.validation.x.length);
    this.lossEl.dataset.valPoints = this.accuracyEl.dataset.valPoints = String(this.validation.x.length);
    if (n) {
      const start = this.firstLosses.reduce((a, b) => a + b, 0) / this.firstLosses.length;
      const latest = this.lossEma.current;
      this.lossEl.dataset.lossStart = String(start);
      this.lossEl.dataset.lossLatest = String(latest);
      this.lossSummary.textContent = `${formatLoss(start)} → ${formatLoss(latest)}`;
    }
  }

  #resize() {
    for (const [plot, el] of [
      [this.lossPlot, this.lossEl],
      [this.accPlot, this.accuracyEl],
    ]) {
      const width = Math.floor(el.clientWidth);
      const height = chartHeight();
      if (plot && width > 0 && (width !== plot.width || height !== plot.height)) plot.setSize({ width, height });
    }
  }

  #build() {
    this.lossPlot?.destroy();
    this.accPlot?.destroy();
    const width = (el) => Math.max(200, Math.floor(el.clientWidth));
    const raw = cssVar('--chart-raw');
    const smooth = cssVar('--chart-loss');
    const common = {
      height: chartHeight(),
      scales: { x: { time: false } },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      legend: { live: true },
    };
    const lossValue = (u, v) => (v == null ? '–' : formatLoss(v));
    this.lossPlot = new uPlot(
      {
        ...common,
        width: width(this.lossEl),
        series: [
          { label: 'Step', value: (u, v) => (v == null ? '–' : String(v)) },
          { label: 'Batch loss, lowest', stroke: raw, width: 1, value: lossValue, points: { show: false }, spanGaps: true },
          { label: 'Batch loss', stroke: raw, width: 1, value: lossValue, points: { show: false }, spanGaps: true },
          { label: 'Smoothed', stroke: smooth, width: 2, value: lossValue, points: { show: false }, spanGaps: true },
          validationSeries('Validation (val_loss)', cssVar('--chart-val'), lossValue),
          ...runSeries(this.pastRuns, lossValue),
        ],
        bands: [{ series: [2, 1], fill: cssVar('--chart-band') }],
        hooks: { draw: [(u) => drawMarks(u, this.marks, 'top', cssVar('--muted'), this.origin)] }, // the loss falls away from the top
        scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(max, 0.1)] } },
        axes: [stepAxis(this.origin), { ...axisStyle(), ...titled('Loss (cross-entropy)'), size: 44, values: (u, s) => s.map((v) => +v.toFixed(2)) }],
      },
      this.#lossData(),
      this.lossEl,
    );
    const pct = (u, v) => (v == null ? '–' : formatPercent(v));
    this.accPlot = new uPlot(
      {
        ...common,
        width: width(this.accuracyEl),
        series: [
          { label: 'Step', value: (u, v) => (v == null ? '–' : String(v)) },
          { label: 'Train (smoothed)', stroke: cssVar('--chart-train'), width: 2, value: pct, points: { show: false }, spanGaps: true },
          {
            label: 'Test, 1,000',
            stroke: cssVar('--chart-estimate'),
            width: 1.5,
            dash: [4, 3],
            spanGaps: true,
            value: pct,
            points: { show: true, size: 4, fill: cssVar('--chart-estimate') },
          },
          {
            label: 'Test, 10,000',
            stroke: cssVar('--chart-full'),
            width: 2,
            spanGaps: true,
            value: pct,
            points: { show: true, size: 8, fill: cssVar('--chart-full') },
          },
          validationSeries('Validation (val_accuracy)', cssVar('--chart-val'), pct),
          ...runSeries(this.pastRuns, pct),
        ],
        scales: {
          x: { time: false },
          y: { range: (u, min, max) => [Math.max(0, Math.floor(((min ?? 0) - 0.02) * 10) / 10), 1] },
        },
        hooks: { draw: [(u) => drawMarks(u, this.marks, 'bottom', cssVar('--muted'), this.origin)] }, // accuracy climbs away from the bottom
        axes: [stepAxis(this.origin), { ...axisStyle(), ...titled('Accuracy'), size: 44, values: (u, s) => s.map((v) => `${Math.round(v * 100)}%`) }],
      },
      this.#accuracyData(),
      this.accuracyEl,
    );
    // uPlot draws axis titles on its canvas: the element says which (the end-to-end test reads them).
    this.lossEl.dataset.pastRuns = String(this.pastRuns.length);
    this.accuracyEl.dataset.pastRuns = String(this.pastRuns.length);
    for (const [plot, el] of [
      [this.lossPlot, this.lossEl],
      [this.accPlot, this.accuracyEl],
    ]) {
      el.dataset.axisTitles = plot.axes.map((a) => a.label).join(' | ');
    }
  }
}
