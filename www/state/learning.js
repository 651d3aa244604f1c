// Whether the run learns at all: a run whose smoothed loss is still at chance (ln of the class
// count: 2.303 for ten classes, what a uniform guess scores) after NOT_LEARNING_AFTER of its
// steps is marked `notLearning`, so the status does not read "Done" for a run that failed.
// The likely cause is the learning rate (too high: the ReLUs die and the outputs go flat); the
// one-click fix (Action.RESTART_DEFAULT_RATE) keeps the failed run on the charts as a
// Reset does, sets the learning rate back to its default and trains afresh.
// `learningFollow` runs after every event (state.js), after the event's own handler;
// `notLearningNote` words the notice.
import * as P from '../protocol.js';
import { FromWorker, ToWorker } from '../protocol.js';
import { emaValue } from '../metrics.js';
import { formatInt, formatLoss, formatRate } from '../format.js';
import { Action, Effect } from './events.js';
import { effect, send } from './draft.js';
import { runHandlers } from './run.js';
import { MNIST } from '../augment-policy.js';

/** Steps into a run before its loss is judged: a learning run is far below chance by then. */
export const NOT_LEARNING_AFTER = 50;
/** How far below chance the smoothed loss must be to count as learning (noise around a flat output is far smaller). */
export const CHANCE_MARGIN = 0.05;

/** The loss of a uniform guess over `classes` classes. */
export const chanceLoss = (classes) => Math.log(classes);

export function learningState() {
  return {
    runFrom: 0, // totalSteps when the current run started
    notLearning: null, // { steps, loss, chance, learningRate }: the run is not learning
  };
}

const startedRun = (s) => s.effects.some((e) => e.type === Effect.SEND && e.message[0].type === ToWorker.TRAIN);

/** After any event: a new run starts unjudged; a run past NOT_LEARNING_AFTER steps is judged at each PROGRESS. */
export function learningFollow(s, event) {
  if (startedRun(s)) {
    s.runFrom = s.totalSteps;
    s.notLearning = null;
    return;
  }
  if (event.type === Action.RESET || event.type === FromWorker.IMPORTED || (event.type === FromWorker.MODEL && event.rebuilt)) {
    s.notLearning = null;
    return;
  }
  if (event.type !== FromWorker.PROGRESS || s.awaitingReset) return;
  const steps = s.totalSteps - s.runFrom;
  if (steps < NOT_LEARNING_AFTER) return;
  const loss = emaValue(s.smoothed.loss);
  const chance = chanceLoss(s.model?.classes ?? 10);
  const stuck = !(loss < chance - CHANCE_MARGIN); // NaN (diverged) is not learning either
  s.notLearning = stuck ? { steps, loss, chance, learningRate: s.settings?.learningRate ?? NaN } : null;
}

export const learningHandlers = {
  [Action.RESTART_DEFAULT_RATE](s, event) {
    if (!s.notLearning || !s.workerReady || !s.schema || !s.settings) return;
    runHandlers[Action.RESET](s, event); // the failed run is kept on the charts, under its own rate
    const field = s.schema.find((f) => f.name === 'learningRate');
    if (field) {
      s.settings = { ...s.settings, learningRate: field.default };
      s.settingsRevision += 1; // the form shows them (the last valid values, the default rate)
      const kept = s.dataSet === MNIST ? s.settings : { ...s.settings, augment: s.mnistAugment }; // as run.js keeps them
      effect(s, Effect.SAVE_SETTINGS, { schema: s.schema, values: kept });
    }
    s.settingsErrors = {};
    s.settingsValid = true;
    s.rate = [];
    send(s, P.train(s.settings)); // after the reset: fresh weights, a fresh run
  },
};

/**
 * The notice beside Train of a run that is not learning, with its likely cause and the fix's
 * label: `{ shown, text, fix }`.
 */
export function notLearningNote(s) {
  const n = s.notLearning;
  if (!n) return { shown: false, text: '', fix: '' };
  const field = s.schema?.find((f) => f.name === 'learningRate');
  const rate = Number.isFinite(n.learningRate) ? formatRate(n.learningRate) : 'in use';
  const text =
    `Not learning: after ${formatInt(n.steps)} steps the loss is ${formatLoss(n.loss)}, no better than guessing (${formatLoss(n.chance)}). ` +
    `The likely cause is the learning rate (${rate}): too high, and the network stops responding. ` +
    'Restart with fresh weights at the default rate; this run is kept on the charts to compare.';
  return { shown: true, text, fix: field ? `Restart at learning rate ${formatRate(field.default)}` : 'Restart at the default learning rate' };
}
