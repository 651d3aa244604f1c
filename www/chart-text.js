// The charts in words, beside them (screen readers get what the plots show): the latest loss and
// accuracy, the best test scores, validation, settings changed mid-run, earlier runs kept. Pure
// functions of a state snapshot (www/state.js), like ui-state.js; tested in
// tests/js/ui-state.test.mjs.
import { emaValue } from './metrics.js';
import { chartOrigin } from './state/runs.js';
import { validationSentence } from './state/history.js';
import { formatInt, formatLoss, formatPercent, formatRate } from './format.js';

const settingValue = (v) => (v === true ? 'on' : v === false ? 'off' : typeof v === 'number' ? String(+v.toPrecision(6)) : String(v));

/** A setting changed mid-run, in words: "Learning rate 0.006 → 0.02; Augment the training images on → off". */
export const markText = (mark) => mark.changes.map((c) => `${c.label} ${settingValue(c.from)} → ${settingValue(c.to)}`).join('; ');

/** The short label drawn on the charts at a mark: "learning rate → 0.02" (", …" when more changed). */
export function markLabel(mark) {
  const [c, ...more] = mark.changes;
  return `${c.label.toLowerCase()} → ${settingValue(c.to)}${more.length ? ', …' : ''}`;
}

function marksSentence(s) {
  if (!s.marks.length) return '';
  return ` Settings changed mid-run: ${s.marks.map((m) => `at step ${formatInt(m.step)}, ${markText(m)}`).join('; ')}.`;
}

/** The loss chart in words, beside it (screen readers get what the plot shows): latest, changes. */
export function lossChartText(s) {
  const loss = emaValue(s.smoothed.loss);
  if (s.totalSteps === 0 || !Number.isFinite(loss)) return 'No training yet: the loss appears here, step by step.';
  const lr = Number.isFinite(s.learningRate) ? `, at a learning rate of ${formatRate(s.learningRate)}` : '';
  return `After ${formatInt(s.totalSteps)} steps the loss is ${formatLoss(loss)} (smoothed)${lr}.${spanSentence(s)}${validationSentence(s.history, 'loss')}${marksSentence(s)}`;
}

/** Where the charts start, when not at the model's first step (state/runs.js chartOrigin): its steps are counted from there. */
function spanSentence(s) {
  const origin = chartOrigin(s);
  return origin > 0 ? ` The charts show this run, from step ${formatInt(origin)} of the model on, counted from 1.` : '';
}

/** The accuracy chart in words: the latest train accuracy, the best test score and at which step. */
export function accuracyChartText(s) {
  const train = emaValue(s.smoothed.accuracy);
  const parts = [];
  if (s.totalSteps > 0 && Number.isFinite(train)) parts.push(`Train accuracy ${formatPercent(train)} (smoothed) after ${formatInt(s.totalSteps)} steps.`);
  const { full, estimate } = s.bestTest;
  if (full) parts.push(`Best test accuracy ${formatPercent(full.accuracy)} on all 10,000 test images, at step ${formatInt(full.step)}.`);
  if (estimate && (!full || estimate.step > full.step)) {
    parts.push(`Best quick test ${formatPercent(estimate.accuracy)} on 1,000 test images, at step ${formatInt(estimate.step)}.`);
  }
  if (!parts.length) return `No scores yet: training and test accuracy appear here.${pastRunsSentence(s)}`;
  return `${parts.join(' ')}${validationSentence(s.history, 'accuracy')}${marksSentence(s)}${pastRunsSentence(s)}`;
}

/** The note above the charts when earlier runs are kept (state/runs.js): `{ shown, text }`. */
export function pastRunsNote(s) {
  const n = s.pastRuns.length;
  if (!n) return { shown: false, text: '' };
  const text =
    n === 1
      ? `${s.pastRuns[0].label} is kept for comparison: dashed, in its own colour, from its own start; kept in this browser.`
      : `${n} earlier runs are kept for comparison: dashed, each in its own colour, from its own start; kept in this browser.`;
  return { shown: true, text };
}

/** The earlier runs in words, for the accuracy chart's summary: each one's best test score. */
function pastRunsSentence(s) {
  if (!s.pastRuns.length) return '';
  const runs = s.pastRuns.map((r) => {
    const best = r.bestTest.full ?? r.bestTest.estimate;
    const score = best ? `best test ${formatPercent(best.accuracy)} at step ${formatInt(best.step)} of ${formatInt(r.steps)}` : `${formatInt(r.steps)} steps, no test score`;
    return `${r.label} (${score})`;
  });
  return ` Earlier runs: ${runs.join('; ')}.`;
}
