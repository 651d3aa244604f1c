// What the page shows for each situation (www/ui-state.js): status, controls, meters, stats,
// the model note and the file controls, from states made by www/state.js's reducer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as P from '../../www/protocol.js';
import { Action, initialState, reduce } from '../../www/state.js';
import {
  alertText,
  blockingError,
  buildInfo,
  controlsFor,
  displayState,
  downloadMeter,
  epochMeter,
  fileControls,
  focusSuccessor,
  learningRateText,
  modelNote,
  sampleEnabled,
  shapeText,
  smoothingText,
  status,
  statusText,
  trainControls,
  trainStats,
} from '../../www/ui-state.js';
import { accuracyChartText, lossChartText, markLabel, markText, pastRunsNote } from '../../www/chart-text.js';
import { MODEL, SCHEMA, progressMessage } from './core.mjs';

const base = { workerReady: true, error: null, runState: 'ready', trainUsable: 60000 };

test('displayState', () => {
  assert.equal(displayState({ ...base, workerReady: false }), 'loading');
  assert.equal(displayState({ ...base, trainUsable: 0 }), 'loading');
  assert.equal(displayState(base), 'ready');
  for (const s of ['training', 'paused', 'done']) assert.equal(displayState({ ...base, runState: s }), s);
  assert.equal(displayState({ ...base, runState: 'training', error: 'x' }), 'error');
});

test('statusText', () => {
  const ctx = { workerReady: true, epochInRun: 1, epochsInRun: 3, testAccuracy: 0.987 };
  assert.equal(statusText('loading', ctx), 'Loading MNIST…');
  assert.equal(statusText('loading', { ...ctx, workerReady: false }), 'Starting…');
  assert.equal(statusText('training', ctx), 'Training · epoch 2 of 3');
  assert.equal(statusText('training', { ...ctx, epochInRun: 3 }), 'Training · epoch 3 of 3');
  assert.equal(statusText('done', ctx), 'Done · 98.7% on the test set');
  assert.equal(statusText('done', { ...ctx, testAccuracy: null }), 'Done');
});

test('controlsFor', () => {
  const c = (over) => controlsFor({ state: 'ready', runState: 'ready', workerReady: true, trainUsable: 10, settingsValid: true, ...over });
  assert.deepEqual(c({}), { train: { label: 'Train', disabled: false }, pause: { disabled: true }, reset: { disabled: false } });
  assert.equal(c({ settingsValid: false }).train.disabled, true, 'invalid settings block training');
  assert.equal(c({ trainUsable: 0 }).train.disabled, true);
  assert.equal(c({ state: 'training', runState: 'training' }).train.disabled, true);
  assert.equal(c({ state: 'training', runState: 'training' }).pause.disabled, false);
  assert.equal(c({ state: 'paused', runState: 'paused' }).train.label, 'Resume');
  assert.equal(c({ state: 'done', runState: 'done' }).train.label, 'Train more');
  assert.equal(c({ workerReady: false }).reset.disabled, true);
});

// ---- from reducer states --------------------------------------------------------------------------

const run = (...events) => events.reduce(reduce, initialState());
const READY = { ...P.ready({ simd: true, build: 'simd', parameterCount: 93322 })[0], schema: SCHEMA, model: MODEL };
const DATA = P.dataStatus({ train: { usable: 60000, expectedImages: 60000 }, test: { usable: 10000, expectedImages: 10000 } })[0];
const slice = (over = {}) => progressMessage(over, { losses: [2, 1], accuracies: [0.5, 0.5] });

test('status: starting, loading, ready, training with the run’s epochs, blocked by an error', () => {
  assert.deepEqual(status(initialState()), { state: 'loading', text: 'Starting…' });
  assert.deepEqual(status(run(READY)), { state: 'loading', text: 'Loading MNIST…' });
  assert.deepEqual(status(run(READY, DATA)), { state: 'ready', text: 'Ready to train' });
  const training = run(READY, DATA, P.state('training')[0], slice({ epochInRun: 1 }));
  assert.deepEqual(status(training), { state: 'training', text: 'Training · epoch 2 of 3' });
  const failed = reduce(training, { type: Action.DOWNLOAD_FAILED, set: 'test', message: 'offline' });
  assert.deepEqual(status(failed), { state: 'error', text: 'Download failed' });
  // A refused file or a diverged run is reported without stopping the status.
  const refused = reduce(training, P.error('import', 'bad file')[0]);
  assert.equal(status(refused).state, 'training');
  assert.equal(blockingError(refused.error), null);
  assert.equal(blockingError(failed.error), 'offline');
});

test('trainControls: Train once ready with data and a valid form', () => {
  assert.equal(trainControls(initialState()).train.disabled, true);
  assert.equal(trainControls(run(READY)).train.disabled, true, 'no data yet');
  assert.equal(trainControls(run(READY, DATA)).train.disabled, false);
  const invalid = run(READY, DATA, { type: Action.SETTINGS_INPUT, raw: { epochs: '0', batchSize: '64', learningRate: '0.001', trainSize: '1' } });
  assert.equal(trainControls(invalid).train.disabled, true);
  assert.equal(trainControls(run(READY, DATA, P.state('paused')[0])).train.label, 'Resume');
});

test('downloadMeter: bytes, then images ready; the label says whose data', () => {
  const s = run({ type: Action.DOWNLOAD_PROGRESS, loaded: 5e6, total: 11.5e6, done: false, bytes: 5e6 }, READY, DATA);
  assert.deepEqual(downloadMeter(s), {
    now: 5e6,
    max: 11.5e6,
    done: false,
    text: '70,000 of 70,000 images · 5.0 MB of 11.5 MB',
    label: 'MNIST data',
  });
  const done = reduce(s, { type: Action.DOWNLOAD_PROGRESS, loaded: 11.5e6, total: 11.5e6, done: true, bytes: 11.5e6 });
  assert.equal(downloadMeter(done).text, '70,000 images ready · 11.5 MB streamed');
  assert.equal(downloadMeter(initialState()).text, '0 of 70,000 images · 0 B of …');
  const own = reduce(done, P.dataReplaced(['train'], ['a', 'b'])[0]);
  assert.equal(downloadMeter(own).label, 'Your training data, MNIST test');
  assert.equal(downloadMeter(reduce(own, P.dataReplaced(['test'], ['c', 'd'])[0])).label, 'Your data');
});

test('epochMeter and trainStats follow the run', () => {
  const idle = run(READY, DATA);
  assert.deepEqual(epochMeter(idle), { now: 0, max: 1, text: 'Not started' });
  assert.deepEqual(trainStats(idle), { imagesPerSec: '–', eta: '–', steps: '0', loss: '–', trainAccuracy: '–' });
  const s = run(READY, DATA, P.state('training')[0], slice(), slice({ firstStep: 2, stepInEpoch: 4, at: 1100 }));
  assert.deepEqual(epochMeter(s), { now: 4, max: 100, text: 'Epoch 1 of 3 · batch 4 of 100' });
  const stats = trainStats(s);
  assert.equal(stats.imagesPerSec, '1600'); // 128 images in 80 ms of training
  assert.equal(stats.steps, '4');
  assert.equal(stats.loss, '1.487'); // 2, 1, 2, 1 smoothed (weight 0.95, bias-corrected)
  assert.equal(stats.trainAccuracy, '50.0%');
  assert.equal(stats.eta, '15 s'); // 296 steps × 32 images at 640 images/s of wall time
  const done = reduce(s, P.state('done')[0]);
  assert.deepEqual(epochMeter(done), { now: 100, max: 100, text: 'All 3 epochs done' });
  // Early stopping ended the run before its planned epochs: the meter says so.
  const line = { epoch: 2, step: 200, loss: 0.5, accuracy: 0.8, valLoss: 0.4, valAccuracy: 0.9, valCount: 6000, learningRate: 0.006, seconds: 3, patience: 1, bestEpoch: 1 };
  const stopped = run(READY, DATA, P.state('training')[0], slice({ epochInRun: 2, stepInEpoch: 0 }), P.epochEnd({ ...line, stop: true, restoredEpoch: 1 })[0], P.state('done')[0]);
  assert.equal(epochMeter(stopped).text, 'Stopped early after 2 of 3 epochs');
  assert.equal(trainStats(done).imagesPerSec, '–');
});

test('modelNote: untrained, live, trained, imported, kept in this browser', () => {
  assert.equal(modelNote(run(READY)).kind, 'untrained');
  const training = run(READY, DATA, P.state('training')[0], slice());
  assert.deepEqual(modelNote(training), { kind: 'live', text: 'Training: predictions use the weights as they learn.' });
  const full = P.evaluation({ kind: 'full', step: 2, epoch: 1, accuracy: 0.9, loss: 0.3, count: 10000 })[0];
  assert.deepEqual(modelNote(run(READY, DATA, slice(), full, P.state('done')[0])), { kind: 'trained', text: 'Trained for 2 steps · 90.0% on test digits.' });
  const imported = run(READY, { type: Action.IMPORT_CHOSEN, name: 'a.weights' }, P.imported({ totalSteps: 20 })[0]);
  assert.equal(modelNote(imported).text, 'Imported from a.weights (20 steps).');
  const keras = run(READY, { type: Action.IMPORT_CHOSEN, name: 'mnist.keras' }, P.imported({ totalSteps: 0 }, true)[0]);
  assert.equal(modelNote(keras).text, "Imported from mnist.keras, a Keras model. Training goes on from its weights; Adam's state starts afresh.");
  const restored = run({ ...READY, restored: { savedAt: 0, epochs: 1, totalSteps: 20, testAccuracy: 0.5 } });
  assert.match(modelNote(restored).text, /^Your model from .+, kept in this browser \(20 steps, 50\.0% on test digits\)\.$/);
});

test('fileControls, sampleEnabled, buildInfo, shapeText', () => {
  assert.deepEqual(fileControls(initialState()), { modelIdle: false, dataOpen: false, dataNote: 'Available once MNIST has loaded.' });
  const loaded = run(READY, DATA, { type: Action.DOWNLOAD_PROGRESS, loaded: 1, total: 1, done: true, bytes: 1 });
  assert.deepEqual(fileControls(loaded), { modelIdle: true, dataOpen: true, dataNote: '' });
  const busy = reduce(loaded, { type: Action.IMPORT_CHOSEN, name: 'x' });
  assert.equal(fileControls(busy).modelIdle, false);
  assert.equal(sampleEnabled(initialState()), false);
  assert.equal(sampleEnabled(loaded), true);
  assert.equal(buildInfo(initialState()), null);
  assert.equal(buildInfo(loaded), 'WebAssembly SIMD · 93,322 parameters');
  assert.match(buildInfo(run({ ...READY, build: 'scalar' })), /^WebAssembly \(scalar/);
  assert.equal(shapeText([26, 26, 32]), '26×26×32');
  assert.equal(shapeText([10]), '10');
});

test('learningRateText: the last step’s rate beside the loss chart, nothing before any step', () => {
  assert.equal(learningRateText(run(READY, DATA)), '');
  const s = run(READY, DATA, P.state('training')[0], slice({ learningRate: 0.0029871 }));
  assert.equal(learningRateText(s), 'learning rate 0.0030');
});

test('smoothingText: the stats say over how many batches Loss and Train accuracy are averaged', () => {
  assert.match(smoothingText(run(READY, DATA)), /at most a tenth of the run/);
  const long = run(READY, DATA, P.state('training')[0], slice());
  assert.equal(smoothingText(long), 'averaged over about the last 20 batches (a tenth of this run, at most 20)');
  const short = run(READY, DATA, P.state('training')[0], slice({ stepsPerEpoch: 47, epochsInRun: 1 }));
  assert.equal(smoothingText(short), 'averaged over about the last 5 batches (a tenth of this run, at most 20)');
  const tiny = run(READY, DATA, P.state('training')[0], slice({ stepsPerEpoch: 8, epochsInRun: 1 }));
  assert.equal(smoothingText(tiny), 'of the last batch (this run is too short to average)');
});

test('focusSuccessor: focus goes to the control that replaced the disabled one', () => {
  const c = (train, pause) => ({ train: { disabled: train }, pause: { disabled: pause }, reset: { disabled: false } });
  assert.equal(focusSuccessor('train', c(true, false)), 'pause', 'Train pressed: the run started');
  assert.equal(focusSuccessor('pause', c(false, true)), 'train', 'Pause pressed: Resume');
  assert.equal(focusSuccessor('pause', c(false, true)), 'train', 'a run that ended: Train more');
  assert.equal(focusSuccessor('train', c(true, true)), null, 'nothing to go to yet');
  assert.equal(focusSuccessor('train', c(false, true)), null, 'still usable: stays');
  assert.equal(focusSuccessor(null, c(true, false)), null, 'focus was elsewhere: not taken');
});

test('a model trained before (kept or imported): "Continue training", its epochs and steps', () => {
  const restored = { savedAt: 1, epochs: 1, totalSteps: 90, testAccuracy: 0.9 };
  const kept = run({ ...READY, restored }, DATA);
  assert.equal(trainControls(kept).train.label, 'Continue training');
  assert.deepEqual(epochMeter(kept), { now: 0, max: 1, text: '1 epoch trained · 90 steps' });
  const partial = run({ ...READY, restored: { ...restored, epochs: 0, totalSteps: 1 } }, DATA);
  assert.equal(epochMeter(partial).text, '1 step trained');
  const imported = run(READY, DATA, P.imported({ epoch: 3, stepInEpoch: 0, stepsPerEpoch: 10, totalSteps: 30 })[0]);
  assert.equal(trainControls(imported).train.label, 'Continue training');
  assert.equal(epochMeter(imported).text, '3 epochs trained · 30 steps');
  // Once a run starts, its own epoch shows; after a Reset it is a fresh model again.
  const running = run({ ...READY, restored }, DATA, P.state('training')[0], slice());
  assert.match(epochMeter(running).text, /^Epoch 1 of 3/);
  assert.equal(trainControls(running).train.label, 'Training…', 'no disabled "Continue training" while it runs');
  const reset = run({ ...READY, restored }, DATA, { type: Action.RESET });
  assert.equal(trainControls(reset).train.label, 'Train');
  assert.equal(epochMeter(reset).text, 'Not started');
});

test('a failed download: the banner names each file and why, says what is usable; the caption too', () => {
  const why = 'the connection failed or was interrupted';
  const all = ['train/images', 'train/labels', 'test/images', 'test/labels'].map((k) => {
    const [set, file] = k.split('/');
    return { set, file, why };
  });
  const none = P.dataStatus({ train: { usable: 0, expectedImages: 60000 }, test: { usable: 0, expectedImages: 10000 } })[0];
  const blocked = run(READY, none, { type: Action.DOWNLOAD_FAILED, set: 'test', message: 'x', failures: all });
  assert.equal(
    alertText(blocked),
    `4 MNIST files did not download: training labels (${why}); training images (${why}); test labels (${why}); test images (${why}). ` +
      'Nothing is usable yet. Retry fetches the missing files again.',
  );
  assert.equal(downloadMeter(blocked).text, '0 of 70,000 images usable · training labels, training images, test labels and test images did not download');

  // Only the training images: the test set is in, which is not the whole data.
  const testOnly = P.dataStatus({ train: { usable: 0, expectedImages: 60000 }, test: { usable: 10000, expectedImages: 10000 } })[0];
  const images = [{ set: 'train', file: 'images', why: 'HTTP 404 Not Found' }];
  const s = run(READY, { type: Action.DOWNLOAD_PROGRESS, loaded: 1, total: 2, done: false, bytes: 1.6e6 }, testOnly, {
    type: Action.DOWNLOAD_FAILED,
    set: 'train',
    message: 'Could not download the MNIST training images (HTTP 404 Not Found).',
    failures: images,
  });
  assert.equal(
    alertText(s),
    'An MNIST file did not download: training images (HTTP 404 Not Found). Usable now: 0 training and 10,000 test images. ' +
      'Training waits for the training set; the pad and its test digits work. Retry fetches the missing files again.',
  );
  assert.equal(downloadMeter(s).text, '10,000 of 70,000 images usable · training images did not download');
  // The test set failed but training data is in: training can go on.
  const trainOnly = P.dataStatus({ train: { usable: 60000, expectedImages: 60000 }, test: { usable: 0, expectedImages: 10000 } })[0];
  const t = run(READY, trainOnly, { type: Action.DOWNLOAD_FAILED, set: 'test', message: 'm', failures: [{ set: 'test', file: 'labels', why: 'HTTP 500' }] });
  assert.match(alertText(t), /Usable now: 60,000 training and 0 test images, enough to train\. Retry/);
  // Other errors are shown as they are; Retry clears the failures.
  assert.equal(alertText(run(READY, P.error('teach', 'bad file')[0])), 'Your drawings could not be used: bad file');
  assert.equal(alertText(run(READY, { type: Action.WORKER_FAILED, message: '' })), 'The training worker failed to start.');
  const retried = reduce(t, { type: Action.RETRY });
  assert.equal(alertText(retried), '');
  assert.doesNotMatch(downloadMeter(retried).text, /did not download/);
});

test('the charts in words: latest loss and learning rate, best test score and its step, marks', () => {
  assert.equal(lossChartText(run(READY, DATA)), 'No training yet: the loss appears here, step by step.');
  assert.equal(accuracyChartText(run(READY, DATA)), 'No scores yet: training and test accuracy appear here.');
  const evaluation = (kind, step, accuracy) => P.evaluation({ kind, step, epoch: 0, accuracy, loss: 1, count: 1000 })[0];
  let s = run(READY, DATA, P.state('training')[0], slice({ firstStep: 40, learningRate: 0.0021 }), evaluation('estimate', 20, 0.6));
  assert.equal(lossChartText(s), 'After 42 steps the loss is 1.487 (smoothed), at a learning rate of 0.0021.');
  assert.equal(accuracyChartText(s), 'Train accuracy 50.0% (smoothed) after 42 steps. Best quick test 60.0% on 1,000 test images, at step 20.');
  s = [evaluation('full', 42, 0.91), { type: Action.SETTINGS_INPUT, raw: { ...s.settings, learningRate: 0.02 } }].reduce(reduce, s);
  assert.equal(
    accuracyChartText(s),
    'Train accuracy 50.0% (smoothed) after 42 steps. Best test accuracy 91.0% on all 10,000 test images, at step 42. ' +
      'Settings changed mid-run: at step 42, Learning rate 0.006 → 0.02.',
  );
  assert.match(lossChartText(s), /Settings changed mid-run: at step 42, Learning rate 0\.006 → 0\.02\.$/);
  const mark = { step: 5, changes: [{ label: 'Learning rate', from: 0.006, to: 0.02 }, { label: 'Augment the training images', from: true, to: false }] };
  assert.equal(markText(mark), 'Learning rate 0.006 → 0.02; Augment the training images on → off');
  assert.equal(markLabel(mark), 'learning rate → 0.02, …');
});

test('a continued run: the loss summary says the charts count its steps from its start', () => {
  const first = run(READY, DATA, { type: Action.TRAIN }, P.state('training')[0], slice({ firstStep: 40 }), P.state('done')[0]);
  assert.doesNotMatch(lossChartText(first), /The charts show this run/);
  const more = run(READY, DATA, { type: Action.TRAIN }, P.state('training')[0], slice({ firstStep: 40 }), P.state('done')[0], { type: Action.TRAIN }, P.state('training')[0], slice({ firstStep: 42 }));
  assert.match(lossChartText(more), /The charts show this run, from step 42 of the model on, counted from 1\.$/);
  assert.doesNotMatch(lossChartText(reduce(more, { type: Action.CHART_SPAN, span: 'all' })), /The charts show this run/, 'the whole history: from step 0');
});

test('earlier runs: a note above the charts, and their best test scores in the accuracy summary', () => {
  assert.deepEqual(pastRunsNote(run(READY, DATA)), { shown: false, text: '' });
  const evaluation = P.evaluation({ kind: 'full', step: 42, epoch: 1, accuracy: 0.9, loss: 1, count: 10000 })[0];
  const x = [10, 20, 30, 42];
  const curves = { loss: { x, y: [2, 1, 0.5, 0.4] }, accuracy: { x, y: [0.2, 0.5, 0.8, 0.9] } };
  const s = run(READY, DATA, P.state('training')[0], slice({ firstStep: 40 }), evaluation, { type: Action.RESET, curves });
  assert.deepEqual(pastRunsNote(s), {
    shown: true,
    text: 'Run 1 · lr 0.006 · batch 64 · 90.0% is kept for comparison: dashed, in its own colour, from its own start; kept in this browser.',
  });
  assert.equal(accuracyChartText(s), 'No scores yet: training and test accuracy appear here. Earlier runs: Run 1 · lr 0.006 · batch 64 · 90.0% (best test 90.0% at step 42 of 42).');
  assert.equal(pastRunsNote(reduce(s, { type: Action.CLEAR_RUNS })).shown, false);
});
