// The training run as a state machine, for the worker's reducer (worker/state.js): what to do
// next whenever the worker is idle (`advance`), and what a finished slice, evaluation or failed
// piece of work changes. Pure: work is asked for as effects (Effect.SLICE, Effect.EVALUATE,
// Effect.SAVE...), and its outcome comes back as an event (Internal.SLICED, EVALUATED, FAILED).
//
// One piece of work at a time (`busy`): a slice ('slice', a PAUSE inside it is deferred until
// its PROGRESS is out) or an evaluation ('evaluate'). An epoch's end scores the held-out
// validation images and records the epoch in the core (Effect.EPOCH_END: its line of history,
// early stopping), then the test set (the final score, 'full'). A loop (`looping`) is the run between a
// TRAIN or RESUME and the state leaving 'training': it starts by reloading the compute workers
// (Effect.LOOP_START) and ends by asking for every worker's checksum (Effect.CHECKSUMS).
import * as P from '../protocol.js';
import { ErrorName } from '../errors.js';
import { Effect, Internal, post } from './events.js';

export const ESTIMATE_EVERY_MS = 3000; // of training time, at least, between quick test estimates
export const ESTIMATE_SHARE = 0.15; // ...and estimates take at most this share of the training time
export const ESTIMATE_IMAGES = 1000;

/** Epochs trained since the run's TRAIN (0 without a run). */
export const epochInRun = (s) => (s.plan ? s.counters.epoch - s.plan.startEpoch : 0);

/** Whether work of generation `gen` should go on: still training the same model. */
export const keepTraining = (s, gen) => s.run === 'training' && s.generation === gen;

/** Sets the run state and tells the page. */
export function setRun(s, fx, value, reason = '') {
  s.run = value;
  fx.push(post(P.state(value, reason)));
}

/** Saves the model (not before its first step); a RESET during the save undoes it (`resets`). */
export function persist(s, fx) {
  if (s.counters.totalSteps === 0) return;
  fx.push({ type: Effect.SAVE, counters: s.counters, testAccuracy: s.lastFullAccuracy, resets: s.resets });
}

/** Tells a PAUSE that came inside the slice just done, and saves. */
export function tellPause(s, fx) {
  if (!s.pauseDeferred) return;
  s.pauseDeferred = false;
  setRun(s, fx, 'paused');
  persist(s, fx);
}

function endLoop(s, fx) {
  s.looping = false;
  tellPause(s, fx);
  // Every worker's checksum, unless a reset or an import ended this loop.
  if (s.loopGen === s.generation) fx.push({ type: Effect.CHECKSUMS, gen: s.generation });
}

function evaluate(s, fx, kind, count, persistAfter = false) {
  s.busy = 'evaluate';
  const { totalSteps: step, epoch } = s.counters;
  fx.push({ type: Effect.EVALUATE, kind, count, gen: s.generation, step, epoch, persistAfter });
}

/** The whole test set, scored; `persistAfter`: the epoch's save waits for its score. */
function evaluateFull(s, fx, persistAfter = false) {
  s.pendingFull = false;
  s.trainMs = 0; // the full score is also the freshest estimate
  evaluate(s, fx, 'full', s.data.testUsable, persistAfter);
}

/**
 * The next piece of work, when none is under way. Training: the end of the run (with its full
 * score, waiting for the test set if it is not in yet), a full evaluation owed, or the next
 * slice. Otherwise a full evaluation owed (a restore, an import, new test data, an epoch that
 * ended before the test set was in) as soon as the test set is complete.
 */
export function advance(s, fx) {
  if (!s.started || s.busy) return;
  if (s.run !== 'training') {
    if (s.looping) endLoop(s, fx);
    if (s.pendingFull && s.data.testComplete) evaluateFull(s, fx);
    return;
  }
  if (!s.looping || s.loopGen !== s.generation) {
    // A new loop (or a RESET or import ended the last one and TRAIN came before it noticed).
    s.looping = true;
    s.loopGen = s.generation;
    fx.push({ type: Effect.LOOP_START });
  }
  if (s.plan && (s.plan.stopped || epochInRun(s) >= s.plan.epochs)) {
    // The last epoch ended before the test set was in: "done" comes with its full score.
    if (s.pendingFull) {
      if (s.data.testComplete) evaluateFull(s, fx);
      return; // else the next DATA_STATUS advances again
    }
    setRun(s, fx, 'done');
    persist(s, fx);
    endLoop(s, fx);
    return;
  }
  if (s.pendingFull && s.data.testComplete) return evaluateFull(s, fx);
  if (s.data.trainUsable === 0) {
    setRun(s, fx, 'paused', 'No training images are loaded yet.');
    endLoop(s, fx);
    return;
  }
  s.busy = 'slice';
  fx.push({ type: Effect.SLICE, gen: s.generation });
}

/** A piece of work of generation `gen` failed (`error`: what was thrown): told, and the run pauses. */
function fail(s, fx, gen, error) {
  fx.push(post(P.error('train', error)));
  if (gen === s.generation && (s.run === 'training' || s.pauseDeferred)) {
    s.pauseDeferred = false;
    setRun(s, fx, 'paused', error?.message ?? String(error));
    // The facade refused the step that diverged: the weights are the last good ones. Keep them.
    if (error?.name === ErrorName.diverged) persist(s, fx);
  }
}


export const runHandlers = {
  [Internal.SLICED](s, fx, { gen, slice }) {
    s.busy = null;
    if (gen !== s.generation) return; // a reset, an import or new test data: the batches are gone
    s.trainMs += slice.ms;
    s.epochMs += slice.ms;
    if (slice.partial) return tellPause(s, fx); // a large batch spans slices, or nothing trained
    const firstStep = s.counters.totalSteps;
    s.counters = slice.counters;
    const { losses, accuracies, images, ms, batchSize, learningRate, workers } = slice;
    s.learningRate = learningRate;
    const epochsInRun = s.plan?.epochs ?? 0;
    fx.push(post(P.progress({ losses, accuracies, images, ms, batchSize, learningRate, workers, ...s.counters, firstStep, epochInRun: epochInRun(s), epochsInRun })));
    tellPause(s, fx);
    if (slice.failure) return fail(s, fx, gen, slice.failure);
    if (slice.epochDone) {
      s.busy = 'evaluate';
      fx.push({ type: Effect.EPOCH_END, gen, runEnds: !!s.plan && epochInRun(s) >= s.plan.epochs });
    } else if (s.trainMs >= s.estimateEveryMs) {
      s.trainMs = 0;
      const count = Math.min(ESTIMATE_IMAGES, s.data.testUsable);
      if (count > 0) evaluate(s, fx, 'estimate', count);
    }
  },
  [Internal.EVALUATED](s, fx, e) {
    s.busy = null;
    const r = e.result;
    if (e.gen !== s.generation || !r) return;
    if (e.kind === 'full') {
      s.lastFullAccuracy = r.accuracy;
      fx.push(post(P.evaluation({ ...r, kind: 'full', step: e.step, epoch: e.epoch })));
    } else {
      // Slow machines estimate less often, so that training keeps most of the time.
      s.estimateEveryMs = Math.max(ESTIMATE_EVERY_MS, e.ms / ESTIMATE_SHARE);
      fx.push(post(P.evaluation({ kind: 'estimate', step: e.step, epoch: e.epoch, accuracy: r.accuracy, loss: r.loss, count: r.count })));
    }
    if (e.persistAfter) persist(s, fx);
  },
  [Internal.EPOCH_SCORED](s, fx, { gen, ms, report: r }) {
    s.busy = null;
    if (gen !== s.generation || !r) return;
    const seconds = (s.epochMs + ms) / 1000;
    s.epochMs = 0;
    const val = r.count > 0;
    fx.push(post(P.epochEnd({
      epoch: r.epoch,
      step: s.counters.totalSteps,
      loss: r.trainLoss,
      accuracy: r.trainAccuracy,
      valLoss: val ? r.loss : null,
      valAccuracy: val ? r.accuracy : null,
      valCount: r.count,
      learningRate: s.learningRate,
      seconds,
      patience: r.patience,
      bestEpoch: r.bestEpoch ?? null,
      stop: r.stop,
      restoredEpoch: r.restoredEpoch ?? null,
    })));
    if (r.stop && s.plan) s.plan = { ...s.plan, stopped: true };
    // The test set, the final score (of the restored weights, after a stop).
    if (s.data.testComplete) return evaluateFull(s, fx, true);
    s.pendingFull = true;
    persist(s, fx);
  },
  [Internal.FAILED](s, fx, { gen, error }) {
    s.busy = null;
    fail(s, fx, gen, error);
  },
};
