// The Train card and the header's status: the status dot and words, Train / Pause / Reset (and
// Reset's confirmation dialog), the MNIST download and epoch meters, the stats grid, and the
// learning-rate readout beside the loss chart's title and the charts' summaries in words below
// them (they change with the steps, like the stats), Keep this run, the charts' span, and the note
// on the earlier runs kept (state/runs.js).
// The settings fields inside the card are www/views/settings-view.js.
import { Action } from '../state.js';
import {
  downloadMeter,
  epochMeter,
  focusSuccessor,
  learningRateText,
  smoothingText,
  status,
  trainControls,
  trainStats,
  workersInfo,
} from '../ui-state.js';
import { accuracyChartText, lossChartText, pastRunsNote } from '../chart-text.js';
import { notLearningNote } from '../state/learning.js';
import { canKeep } from '../state/runs.js';
import { byId, setAttr, setDisabled, setHidden, setProgressBar, setText } from './dom.js';

export class TrainView {
  constructor(dispatch) {
    this.el = {
      status: byId('status'),
      statusText: byId('status-text'),
      train: byId('train'),
      pause: byId('pause'),
      reset: byId('reset'),
      barTrain: byId('bar-train'), // the sticky run bar (every width): the same controls, and the epoch's progress
      barPause: byId('bar-pause'),
      barProgress: byId('bar-progress'),
      dataLabel: byId('data-label'),
      dataBar: byId('data-progress'),
      dataText: byId('data-text'),
      epochBar: byId('epoch-progress'),
      epochText: byId('epoch-text'),
      imagesPerSec: byId('images-per-sec'),
      eta: byId('eta'),
      step: byId('step'),
      loss: byId('loss-now'),
      trainAccuracy: byId('train-acc'),
      learningRate: byId('lr-now'),
      smoothingWindow: byId('smoothing-window'),
      lossChartText: byId('loss-chart-text'),
      accuracyChartText: byId('accuracy-chart-text'),
      pastRuns: byId('past-runs'),
      pastRunsText: byId('past-runs-text'),
      keepRun: byId('keep-run'),
      wholeHistory: byId('whole-history'),
      workers: byId('workers-training'),
      workersNote: byId('workers-note'),
      notLearning: byId('not-learning'),
      notLearningText: byId('not-learning-text'),
      restart: byId('restart-default-rate'),
    };
    const { train, pause, reset, barTrain, barPause } = this.el;
    // Enter in a settings field presses Train, when it can be pressed.
    byId('settings').addEventListener('submit', (e) => {
      e.preventDefault();
      if (!train.disabled) train.click();
    });
    for (const button of [train, barTrain]) button.addEventListener('click', () => dispatch({ type: Action.TRAIN }));
    for (const button of [pause, barPause]) button.addEventListener('click', () => dispatch({ type: Action.PAUSE }));
    byId('clear-runs').addEventListener('click', () => dispatch({ type: Action.CLEAR_RUNS }));
    this.el.keepRun.addEventListener('click', () => dispatch({ type: Action.KEEP_RUN }));
    this.el.wholeHistory.addEventListener('change', (e) => dispatch({ type: Action.CHART_SPAN, span: e.target.checked ? 'all' : 'run' }));
    this.el.restart.addEventListener('click', () => dispatch({ type: Action.RESTART_DEFAULT_RATE }));
    // Which of Train / Pause last had focus (in the card or the run bar), kept while focus is
    // lost (a disabled button drops it to the body), forgotten once the user puts it elsewhere:
    // render() hands it on to the other button of the same pair.
    this.focused = null;
    this.pairs = { card: { train, pause }, bar: { train: barTrain, pause: barPause } };
    for (const [where, pair] of Object.entries(this.pairs)) {
      for (const [name, button] of Object.entries(pair)) {
        button.addEventListener('focus', () => (this.focused = { where, name }));
        button.addEventListener('blur', (e) => {
          if (e.relatedTarget) this.focused = null;
        });
      }
    }

    // Reset forgets the saved model too, so it asks first: an in-page <dialog> (modal, Escape and
    // Cancel close it, focus starts on Cancel) rather than window.confirm, which blocks the page.
    const dialog = byId('reset-dialog');
    const confirmed = () => dispatch({ type: Action.RESET });
    reset.addEventListener('click', () => {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else if (window.confirm('Reset the model? This forgets the model kept in this browser.')) confirmed();
    });
    byId('reset-cancel').addEventListener('click', () => dialog.close('cancel'));
    byId('reset-confirm').addEventListener('click', () => {
      dialog.close('reset');
      confirmed();
    });
  }

  render(s) {
    const el = this.el;
    const { state, text } = status(s);
    setAttr(el.status, 'data-state', state);
    setText(el.statusText, text);

    const controls = trainControls(s);
    for (const [button, pausing] of [
      [el.train, false],
      [el.pause, true],
      [el.barTrain, false],
      [el.barPause, true],
    ]) {
      if (!pausing) setText(button, controls.train.label);
      setDisabled(button, pausing ? controls.pause.disabled : controls.train.disabled);
      // The button that acts is the prominent one: Pause while a run goes on, else Train.
      button.classList.toggle('primary', pausing === !controls.pause.disabled);
    }
    setDisabled(el.reset, controls.reset.disabled);
    const successor = this.focused && focusSuccessor(this.focused.name, controls);
    const lost = !document.activeElement || document.activeElement === document.body || document.activeElement.disabled;
    if (successor && lost) this.pairs[this.focused.where][successor].focus();

    const data = downloadMeter(s);
    setProgressBar(el.dataBar, data.now, data.max, data.text);
    setAttr(el.dataBar, 'data-complete', String(data.done));
    setText(el.dataText, data.text);
    setText(el.dataLabel, data.label);

    const epoch = epochMeter(s);
    setProgressBar(el.epochBar, epoch.now, epoch.max, epoch.text);
    // The bar shows the download until MNIST is in, then the epoch.
    if (data.done) setProgressBar(el.barProgress, epoch.now, epoch.max, epoch.text);
    else setProgressBar(el.barProgress, data.now, data.max, data.text);
    setText(el.epochText, epoch.text);

    const stats = trainStats(s);
    setText(el.imagesPerSec, stats.imagesPerSec);
    setText(el.eta, stats.eta);
    setText(el.step, stats.steps);
    setText(el.loss, stats.loss);
    setText(el.trainAccuracy, stats.trainAccuracy);
    setText(el.learningRate, learningRateText(s));
    setText(el.smoothingWindow, smoothingText(s));
    setText(el.lossChartText, lossChartText(s));
    setText(el.accuracyChartText, accuracyChartText(s));
    const stuck = notLearningNote(s);
    setHidden(el.notLearning, !stuck.shown, [el.pause, el.train]); // the fix started a run: Pause
    setText(el.notLearningText, stuck.text);
    if (stuck.shown) setText(el.restart, stuck.fix);

    const past = pastRunsNote(s);
    setHidden(el.pastRuns, !past.shown, [el.train, el.reset]); // cleared: the next run
    setText(el.pastRunsText, past.text);
    // Kept: focus moves on to the next run's Train (or Pause while this one goes on), else Clear.
    setDisabled(el.keepRun, !canKeep(s), [el.train, el.pause, byId('clear-runs')]);
    if (el.wholeHistory.checked !== (s.chartSpan === 'all')) el.wholeHistory.checked = s.chartSpan === 'all';
    const workers = workersInfo(s);
    setText(el.workers, workers.text);
    setAttr(el.workers, 'data-checksums', workers.checksums);
    setAttr(el.workers, 'data-memory', workers.memory);
    setText(el.workersNote, workers.note);
    el.workersNote.hidden = !workers.note;
  }
}
